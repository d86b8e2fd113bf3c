package models

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// Every filter and sort of the candidate list is served by an index: with
// 30,000 applications, no plan reads the applications or candidates tables
// whole, and the count stops at its cap.
func TestCandidateListPlansUseIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, tdb := newTestStore(t)
	db := s.db.WithContext(ctx)
	if err := db.Exec(`WITH c AS (
			INSERT INTO candidates (email, name)
			SELECT lower(f) || '.' || sur || g || '@example.com', f || ' ' || initcap(sur)
			FROM generate_series(1, 30000) g,
				LATERAL (SELECT (ARRAY['Ada','Ben','Chloe','Dev','Eli','Fay','Gus','Hana','Ivo','Jia'])[1 + g % 10] AS f,
				                translate(substr(md5(g::text), 1, 9), '0123456789', 'ghijklmnop') AS sur) n
			RETURNING id),
		ps AS (SELECT position_id, stage, row_number() OVER () AS n, count(*) OVER () AS total FROM position_stages WHERE stage NOT IN ('hired'))
		INSERT INTO applications (candidate_id, position_id, stage, status, outcome_reason, stage_entered_at, expected_update_at)
		SELECT c.id, ps.position_id, ps.stage, (ARRAY['active','active','active','on_hold','rejected'])[1 + c.id % 5], 'Not this time',
			now() - (c.id % 900) * interval '1 hour', CASE WHEN c.id % 4 = 0 THEN NULL ELSE now() + (c.id % 200) * interval '1 hour' END
		FROM c JOIN ps ON ps.n = 1 + c.id % ps.total`).Error; err != nil {
		t.Fatal(err)
	}
	asOwner(t, tdb, "ANALYZE") // only the tables' owner may
	// A surname as the data generates it, to search for.
	var surname string
	mustDB(t, db.Raw("SELECT translate(substr(md5('1234'), 1, 9), '0123456789', 'ghijklmnop')").Scan(&surname))
	var posID int64
	var hmID int64
	if err := db.Raw("SELECT id, coalesce(hiring_manager_id, 0) FROM positions WHERE hiring_manager_id IS NOT NULL ORDER BY id LIMIT 1").Row().Scan(&posID, &hmID); err != nil {
		t.Fatal(err)
	}
	admin := Actor{Kind: "staff", ID: 1, Role: RoleAdmin}
	manager := Actor{Kind: "staff", ID: hmID, Role: RoleHiringManager}
	filters := map[string]CandidateFilter{
		"none": {}, "status": {Status: StatusActive}, "rare status": {Status: StatusWithdrawn}, "stage": {Stage: StageHRRound},
		"position": {PositionID: posID}, "search": {Query: surname[1:7]}, "search by email": {Query: "." + surname + "1234@"},
	}
	sorts := []string{"", "name", "-name", "stage", "-stage", "updated", "-updated", "expected", "-expected", "position", "-position"}
	explain := func(query string, args []any) string {
		var lines []string
		rows, err := db.Raw("EXPLAIN "+query, args...).Rows()
		if err != nil {
			t.Fatalf("EXPLAIN: %v\n%s", err, query)
		}
		defer rows.Close()
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, l)
		}
		return strings.Join(lines, "\n")
	}
	// A search matching more rows than the count cap pages through the whole
	// index, in order, not through an arbitrary thousand of its matches.
	wide, err := s.ListCandidates(ctx, admin, CandidateFilter{Query: "ada", Sort: "-name"})
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	mustDB(t, db.Raw(`SELECT id FROM applications WHERE search LIKE '%ada%' ORDER BY sort_name DESC, id DESC LIMIT ?`, CandidatePageSize).Scan(&want))
	if wide.CountAt == 0 || len(wide.Rows) != len(want) {
		t.Fatalf("wide search: count at %d, %d rows, want the cap and %d rows", wide.CountAt, len(wide.Rows), len(want))
	}
	for i, r := range wide.Rows {
		if r.ApplicationID != want[i] {
			t.Fatalf("wide search row %d is application %d, want %d", i, r.ApplicationID, want[i])
		}
	}
	narrow, err := s.ListCandidates(ctx, admin, CandidateFilter{Query: surname[1:7]})
	if err != nil || narrow.Count == 0 || narrow.Count >= CandidateCountCap || len(narrow.Rows) != int(narrow.Count) {
		t.Fatalf("narrow search: %+v, %v", narrow, err)
	}
	for fname, f := range filters {
		for _, sort := range sorts {
			for _, who := range []Actor{admin, manager} {
				f.Sort = sort
				name := fmt.Sprintf("filter %s, sort %q, %s", fname, sort, who.Role)
				q := buildCandidateList(who, f, false)
				// Also the page after a cursor in the middle.
				page, err := s.ListCandidates(ctx, who, f)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				plans := []string{explain(q.pageSQL, q.pageArgs)}
				if page.Next != "" {
					f.After = page.Next
					nq := buildCandidateList(who, f, false)
					plans = append(plans, explain(nq.pageSQL, nq.pageArgs))
					f.After = ""
				}
				if f.Query != "" { // searches run from a materialised set of matches
					mq := buildCandidateList(who, f, true)
					plans = append(plans, explain(mq.with+" "+mq.pageSQL, append(append([]any{}, mq.withArgs...), mq.pageArgs...)))
				}
				for _, plan := range plans {
					if strings.Contains(plan, "Seq Scan on applications") || strings.Contains(plan, "Seq Scan on candidates") {
						t.Errorf("%s reads a whole table:\n%s", name, plan)
					}
				}
				if plan := explain(q.countSQL, q.countArgs); !strings.Contains(strings.SplitN(plan, "\n", 3)[1], "Limit") {
					t.Errorf("%s: the count is not capped:\n%s", name, plan)
				}
			}
		}
	}
}
