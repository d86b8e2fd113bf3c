package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"nextstep/handlers"
	"nextstep/models"
)

// statementLog collects the statements the store runs (models.Config's
// OnStatement).
type statementLog struct {
	mu   sync.Mutex
	list []loggedStatement
}

type loggedStatement struct {
	query string
	args  []any
}

func (l *statementLog) add(query string, args []any) {
	l.mu.Lock()
	l.list = append(l.list, loggedStatement{query, append([]any(nil), args...)})
	l.mu.Unlock()
}

func (l *statementLog) take() []loggedStatement {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.list
	l.list = nil
	return out
}

// statementWork is what PostgreSQL did for one statement: the shared
// buffers its planning and execution touched, and the rows it returned.
type statementWork struct {
	planBuffers, execBuffers, rows int64
}

// explainWork runs EXPLAIN (ANALYZE, BUFFERS) on st twice on conn and keeps
// the second: the first warms the connection's catalogue caches, which
// would otherwise count as planning work that varies with the connection's
// history. Buffers are counted, not timed, so the figures are the same on a
// fast machine and a slow one.
func explainWork(t *testing.T, conn *pgx.Conn, st loggedStatement) statementWork {
	t.Helper()
	var w statementWork
	for range 2 {
		var out []byte
		if err := conn.QueryRow(context.Background(), "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+st.query, st.args...).Scan(&out); err != nil {
			t.Fatalf("EXPLAIN %s: %v", st.query, err)
		}
		var plans []struct {
			Plan struct {
				Hit  int64   `json:"Shared Hit Blocks"`
				Read int64   `json:"Shared Read Blocks"`
				Rows float64 `json:"Actual Rows"`
			}
			Planning struct {
				Hit  int64 `json:"Shared Hit Blocks"`
				Read int64 `json:"Shared Read Blocks"`
			}
		}
		if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
			t.Fatalf("reading EXPLAIN's answer (%v): %s", err, out)
		}
		p := plans[0]
		w = statementWork{planBuffers: p.Planning.Hit + p.Planning.Read, execBuffers: p.Plan.Hit + p.Plan.Read, rows: int64(p.Plan.Rows)}
	}
	return w
}

// loadApplications adds n candidates, each with an application to one of
// the demo's positions, at every stage but Hired, in every status, about a
// third with a promise already overdue at the test clock's time: the data a
// page's database work is measured on. Fixed timestamps, so the figures do
// not depend on the day the test runs.
func loadApplications(t *testing.T, app *testApp, n int) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, app.Owner)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `WITH c AS (
			INSERT INTO candidates (email, name)
			SELECT 'load' || g || '@example.com', (ARRAY['Ada','Ben','Chloe','Dev','Eli','Fay','Gus','Hana','Ivo','Jia'])[1 + g % 10] || ' Load' || g
			FROM generate_series(1, $1::int) g
			RETURNING id),
		ps AS (SELECT position_id, stage, row_number() OVER () AS n, count(*) OVER () AS total FROM position_stages WHERE stage NOT IN ('hired'))
		INSERT INTO applications (candidate_id, position_id, stage, status, outcome_reason, stage_entered_at, expected_update_at)
		SELECT c.id, ps.position_id, ps.stage, (ARRAY['active','active','active','on_hold','rejected'])[1 + c.id % 5], 'Not this time',
			$2::timestamptz - (c.id % 900) * interval '1 hour',
			CASE WHEN c.id % 4 = 0 THEN NULL ELSE $2::timestamptz + (c.id % 200 - 70) * interval '1 hour' END
		FROM c JOIN ps ON ps.n = 1 + c.id % ps.total`, n, app.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	// A promised date set on each, as the staff candidate page's history reads them from the audit log.
	if _, err := conn.Exec(ctx, `INSERT INTO audit_log (actor_kind, actor_email, action, subject_type, subject_id, details, created_at)
		SELECT 'system', 'load', 'application.expected_date_changed', 'application', a.id, '{"to": "2026-12-12", "note": "Load"}', $1::timestamptz
		FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE c.email LIKE 'load%'`, app.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		t.Fatal(err)
	}
}

// TestPagesDatabaseWorkStaysWithinBudget is the guard against pages that
// quietly do more database work: at 30,000 more applications, each page's
// statements are captured as it is served and EXPLAINed with their own
// arguments, and the shared buffers they touch (planning and execution)
// must stay within the page's budget. A failure names the page, and each
// statement with its buffers and rows.
func TestPagesDatabaseWorkStaysWithinBudget(t *testing.T) {
	t.Parallel()
	statements := &statementLog{}
	app := newTestAppWithStore(t, func(*handlers.Config) {}, func(c *models.Config) { c.OnStatement = statements.add })
	loadApplications(t, app, 30_000)

	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	manager := app.newClient()
	manager.loginStaff(managerEmail)
	cand := app.newClient()
	cand.loginCandidate("ben.okafor@example.com")
	ben := app.candidateID("ben.okafor@example.com")

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, app.DSN+"&plan_cache_mode=force_generic_plan") // as the app's connections plan
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	// Budgets in shared buffers (8 kB pages, planning + execution) for the
	// whole page, about 1.15 times what it touched when they were set: room
	// for a new column or a join through an index, none for a scan of a
	// whole table (applications alone is several hundred buffers). The staff
	// lists' budgets grew by 60 with the references queue of the navigation's
	// count (its planning reads the referees' catalogue: 560 and 584 buffers),
	// and staff pages by about 60 more with the check-results queue (the
	// checks' and notices' catalogue) and, on the candidate page, the
	// references' sums (409 → 445), and about 20 more for the new starters'
	// queue (the onboarding tasks' catalogue). The candidate home grew from
	// 68 to 79 when its one statement took in what the candidate's next
	// moves read (checks, referees and onboarding tasks, each through its
	// application index, and the waitlist places through the queue's index).
	for _, page := range []struct {
		name   string
		c      *client
		path   string
		budget int64
	}{
		{"candidate home", cand, "/me", 90},
		{"staff list", staff, "/admin/candidates", 680},
		{"staff search", staff, "/admin/candidates?q=load123", 1050},
		{"staff list, filtered and sorted", staff, "/admin/candidates?status=active&sort=-name", 710},
		{"staff candidate page", staff, fmt.Sprintf("/admin/candidates/%d", ben), 500},
		{"needs you (recruiter)", staff, "/admin", 1350},
		{"needs you (hiring manager)", manager, "/admin", 1620},
		{"staff list (hiring manager)", manager, "/admin/candidates", 940},
	} {
		// The navigation's count is kept a few seconds per person: let it
		// lapse, so every page counts as a first visit would.
		app.Clock.Advance(time.Minute)
		statements.take()
		if res := page.c.get(page.path); res.Status != 200 {
			t.Fatalf("%s (%s): status %d", page.name, page.path, res.Status)
		}
		var total int64
		var lines []string
		for _, st := range statements.take() {
			verb := strings.ToUpper(strings.Fields(strings.TrimSpace(st.query))[0])
			if verb != "SELECT" && verb != "WITH" {
				continue // a session's last-seen time: EXPLAIN ANALYZE would write it
			}
			w := explainWork(t, conn, st)
			total += w.planBuffers + w.execBuffers
			lines = append(lines, fmt.Sprintf("  planning %d + execution %d buffers, %d rows: %.160s", w.planBuffers, w.execBuffers, w.rows,
				strings.Join(strings.Fields(st.query), " ")))
		}
		if total > page.budget {
			t.Errorf("%s (%s): %d shared buffers, budget %d:\n%s", page.name, page.path, total, page.budget, strings.Join(lines, "\n"))
		} else {
			t.Logf("%s: %d shared buffers (budget %d)\n%s", page.name, total, page.budget, strings.Join(lines, "\n"))
		}
	}
}
