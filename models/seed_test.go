package models_test

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// demoInvariants are the states no application may be in, whatever the
// way it got there: each query lists the offending candidates.
var demoInvariants = map[string]string{
	"at or past the offer stage without an offer sent": `
		SELECT c.email FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE stage_order(a) >= stage_order_of(a, 'offer') AND NOT EXISTS (SELECT 1 FROM offers o
			JOIN offer_versions v ON v.offer_id = o.id WHERE o.application_id = a.id AND v.status IN ('sent', 'accepted'))`,
	"at or past the contract stage without an accepted offer and a live contract": `
		SELECT c.email FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE stage_order(a) >= stage_order_of(a, 'contract') AND (
			NOT EXISTS (SELECT 1 FROM offers o WHERE o.application_id = a.id AND o.status = 'accepted')
			OR NOT EXISTS (SELECT 1 FROM contracts k WHERE k.application_id = a.id AND k.status <> 'void'))`,
	"at onboarding or hired without a contract signed by both parties": `
		SELECT c.email FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE (a.stage IN ('onboarding', 'hired') OR a.status = 'hired') AND NOT EXISTS (SELECT 1 FROM contracts k
			WHERE k.application_id = a.id AND k.status = 'completed' AND k.candidate_signed_at IS NOT NULL AND k.employer_signed_at IS NOT NULL)`,
	"hired status and stage disagree": `
		SELECT c.email FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE (a.stage = 'hired') <> (a.status = 'hired')`,
	"a stage that is not in the position's pipeline": `
		SELECT c.email FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE stage_order(a) IS NULL`,
	"current stage or status not the one its last event left it in": `
		SELECT c.email FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE (SELECT row(e.to_stage, e.to_status) FROM stage_events e WHERE e.application_id = a.id
			ORDER BY e.created_at DESC, e.id DESC LIMIT 1) IS DISTINCT FROM row(a.stage, a.status)`,
	"a seat on a day to come held by an application no longer at the assessment day": `
		SELECT c.email FROM assessment_bookings b JOIN applications a ON a.id = b.application_id
		JOIN candidates c ON c.id = a.candidate_id JOIN assessment_days d ON d.id = b.day_id
		WHERE b.status = 'booked' AND d.starts_at > now() AND (a.stage <> 'assessment_day' OR a.status <> 'active')`,
	"a scorecard for an interview that had not happened yet": `
		SELECT c.email FROM scorecards s JOIN interview_rounds r ON r.id = s.round_id
		JOIN applications a ON a.id = r.application_id JOIN candidates c ON c.id = a.candidate_id
		WHERE r.starts_at IS NULL OR s.submitted_at < r.starts_at`,
	"a queued message without its delivery job": `
		SELECT m.to_email FROM outbox_messages m WHERE m.status = 'queued'
		AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.args->>'message_id' = m.id::text)`,
	"something that happened after now": `
		SELECT 'stage event ' || id FROM stage_events WHERE created_at > now()
		UNION ALL SELECT 'audit ' || id FROM audit_log WHERE created_at > now()`,
}

// stageOrderSQL defines, for this test's session, an application's place
// in its position's pipeline.
const stageOrderSQL = `
	CREATE FUNCTION pg_temp.stage_order(a applications) RETURNS int LANGUAGE sql AS
		$$ SELECT sort_order FROM position_stages WHERE position_id = a.position_id AND stage = a.stage $$;
	CREATE FUNCTION pg_temp.stage_order_of(a applications, k text) RETURNS int LANGUAGE sql AS
		$$ SELECT sort_order FROM position_stages WHERE position_id = a.position_id AND stage = k $$;`

// readmeDemoCandidates reads the demo candidates table of README.md:
// email → {position, stage name, status}.
func readmeDemoCandidates(t *testing.T) map[string][3]string {
	t.Helper()
	f, err := os.Open("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][3]string{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
			in = line == "### Demo candidates"
		case in && strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| candidate |"):
			cells := strings.Split(strings.Trim(line, "|"), "|")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			if len(cells) < 5 {
				t.Fatalf("README demo candidates row %q", line)
			}
			out[cells[1]] = [3]string{cells[2], cells[3], cells[4]}
		}
	}
	if len(out) == 0 {
		t.Fatal("README.md has no demo candidates table")
	}
	return out
}

// TestDemoSeed: the demo data is built through the use cases, so no
// application contradicts the rules; every demo candidate is where README
// says; seeding again adds nothing.
func TestDemoSeed(t *testing.T) {
	t.Parallel()
	store, clock := newStore(t)
	ctx := context.Background()
	began := time.Now()
	added, err := store.SeedDemo(ctx)
	if err != nil || !added {
		t.Fatalf("seeding: added=%v err=%v", added, err)
	}
	t.Logf("seeding took %s", time.Since(began).Round(time.Millisecond))

	// The rules, in SQL, on one connection (for the session's functions).
	db, err := store.DB().DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, stageOrderSQL); err != nil {
		t.Fatal(err)
	}
	for name, q := range demoInvariants {
		// now() is the real time; the demo's now is the test clock's, earlier.
		q = strings.ReplaceAll(q, "now()", "'"+clock.Now().UTC().Format(time.RFC3339)+"'::timestamptz")
		q = strings.ReplaceAll(q, "stage_order(", "pg_temp.stage_order(")
		q = strings.ReplaceAll(q, "stage_order_of(", "pg_temp.stage_order_of(")
		rows, err := conn.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var bad []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			bad = append(bad, s)
		}
		rows.Close()
		if len(bad) > 0 {
			t.Errorf("%s: %v", name, bad)
		}
	}

	// Every demo candidate is where README says, and README lists them all.
	want := readmeDemoCandidates(t)
	var got []struct {
		Email, Title string
		Stage        models.StageKey
		Status       models.Status
	}
	if err := store.DB().Raw(`SELECT c.email, p.title, a.stage, a.status FROM applications a
		JOIN candidates c ON c.id = a.candidate_id JOIN positions p ON p.id = a.position_id ORDER BY c.email`).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("%d demo applications, README lists %d", len(got), len(want))
	}
	for _, g := range got {
		w, ok := want[g.Email]
		have := [3]string{g.Title, models.StageName(g.Stage), strings.ToLower(g.Status.Label())}
		if !ok || have != w {
			t.Errorf("%s: %v, README says %v", g.Email, have, w)
		}
	}

	// Seeding again adds nothing.
	tables := []string{"staff_users", "positions", "candidates", "applications", "stage_events", "audit_log", "outbox_messages",
		"river_job", "interview_rounds", "scorecards", "assessment_days", "assessment_bookings", "offers", "offer_versions",
		"contracts", "decision_requests", "interest_checks"}
	before := map[string]int64{}
	for _, tbl := range tables {
		before[tbl] = count(t, store, tbl)
	}
	added, err = store.SeedDemo(ctx)
	if err != nil || added {
		t.Fatalf("second seed: added=%v err=%v, want nothing added", added, err)
	}
	for _, tbl := range tables {
		if n := count(t, store, tbl); n != before[tbl] {
			t.Errorf("%s: %d rows after seeding again, %d before", tbl, n, before[tbl])
		}
	}
}
