package models

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The rule reads the range of candidates whose applications all closed long
// enough ago, through candidates_retention_idx's column, and looks at the
// applications of those alone: never of every candidate, most of whom are
// still in the running or already erased.
func TestRetentionRuleReadsOnlyItsRange(t *testing.T) {
	t.Parallel()
	s, tdb := newTestStore(t)
	now := s.Now()
	for _, stmt := range []string{
		// 5,000 candidates: 2,250 in the running, 2,000 erased long ago, 700 closed
		// 25 or 2 months ago, 50 closed 13 months ago (the rule's range).
		`WITH c AS (INSERT INTO candidates (email, name, erased_at) SELECT 'retention' || g || '@example.com', 'Candidate ' || g,
				CASE WHEN g % 20 BETWEEN 9 AND 16 THEN CAST(@now AS timestamptz) - interval '2 years' END
				FROM generate_series(1, 5000) g RETURNING id, email),
			ps AS (SELECT position_id, stage FROM position_stages WHERE stage = 'interview_completed' ORDER BY position_id LIMIT 1)
		INSERT INTO applications (candidate_id, position_id, stage, status, outcome_reason, stage_entered_at, updated_at)
		SELECT c.id, ps.position_id, ps.stage, CASE WHEN g % 20 < 9 THEN 'active' ELSE 'rejected' END,
			CASE WHEN g % 20 < 9 THEN '' ELSE 'Not this time' END, t, t
		FROM c, ps, LATERAL (SELECT CAST(substring(c.email FROM '[0-9]+') AS int) AS g) n,
			LATERAL (SELECT CASE WHEN g % 100 = 99 THEN CAST(@now AS timestamptz) - interval '13 months'
				WHEN g % 20 < 17 THEN CAST(@now AS timestamptz) - interval '25 months'
				ELSE CAST(@now AS timestamptz) - interval '2 months' END AS t) w`,
	} {
		mustDB(t, s.db.Exec(stmt, map[string]any{"now": now}))
	}
	asOwner(t, tdb, "ANALYZE")
	var inRange int
	var rows []RetentionCandidate
	mustDB(t, s.db.Raw(retentionSQL("true"), s.retentionArgs(now, now.Add(RetentionNoticePeriod), RetentionCursor{}, 100000)).Scan(&rows))
	for _, r := range rows {
		if strings.HasPrefix(r.Email, "retention") {
			inRange++
		}
	}
	if inRange != 50 {
		t.Fatalf("%d of the seeded candidates are due, want the 50 closed 13 months ago", inRange)
	}
	var lines []string
	res, err := s.db.Raw("EXPLAIN (ANALYZE, TIMING OFF) "+retentionSQL("true"),
		s.retentionArgs(now, now.Add(RetentionNoticePeriod), RetentionCursor{}, retentionScanBatch)).Rows()
	if err != nil {
		t.Fatal(err)
	}
	for res.Next() {
		var l string
		if err := res.Scan(&l); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l)
	}
	res.Close()
	plan := strings.Join(lines, "\n")
	m := regexp.MustCompile(`on applications a .*loops=(\d+)\)`).FindStringSubmatch(plan)
	if m == nil {
		t.Fatalf("no read of applications in the plan:\n%s", plan)
	}
	if loops, _ := strconv.Atoi(m[1]); loops > 250 {
		t.Errorf("the rule read the applications of %d candidates, of 5,000 (50 due):\n%s", loops, plan)
	}
}
