package models

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestTmpExplainView(t *testing.T) {
	s, _ := newTestStore(t)
	var id int64
	s.db.Raw("SELECT id FROM candidates WHERE email = 'ben.okafor@example.com'").Scan(&id)
	q := `WITH apps AS (SELECT id FROM applications WHERE candidate_id = $1)
		SELECT (` + strings.ReplaceAll(applicationsJSON, "?", "$2") + `) AS applications, ` + strings.ReplaceAll(applicationExtrasColumns, "?", "$3")
	tx := s.db.Begin()
	defer tx.Rollback()
	tx.Exec("SET LOCAL plan_cache_mode = force_generic_plan")
	if err := tx.Exec("PREPARE tmpq AS " + q).Error; err != nil {
		t.Fatal(err)
	}
	var lines []string
	tx.Raw(fmt.Sprintf("EXPLAIN (ANALYZE, BUFFERS) EXECUTE tmpq(%d, %d, '%s')", id, id, time.Now().UTC().Format(time.RFC3339))).Scan(&lines)
	t.Log("\n" + strings.Join(lines, "\n"))
}
