package handlers_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"nextstep/models"
)

// Issue 16.6: when one of the database's rules (a trigger raising an
// exception, SQLSTATE P0001) refuses a write, the person gets a conflict
// with a sentence that says nothing was saved, never a 500.
func TestDatabaseRuleRefusalIsAConflict(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	// A rule of the kind the migrations install (a signed contract is frozen,
	// the audit log is append-only), here on notes so a plain form reaches it.
	owner, err := sql.Open("pgx", app.Owner)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.Exec(`CREATE FUNCTION test_refuse_notes() RETURNS trigger AS $$
		BEGIN RAISE EXCEPTION 'notes are closed'; END $$ LANGUAGE plpgsql;
		CREATE TRIGGER test_refuse_notes BEFORE INSERT ON candidate_notes FOR EACH ROW EXECUTE FUNCTION test_refuse_notes()`); err != nil {
		t.Fatal(err)
	}
	ben := app.candidateID("ben.okafor@example.com")
	var before int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM candidate_notes").Scan(&before))

	c := app.newClient()
	c.loginStaff("recruiter@demo.nextstep.test")
	res := c.post(fmt.Sprintf("/admin/candidates/%d/notes", ben), url.Values{"body": {"Strong references."}})
	if res.Status != http.StatusConflict {
		t.Fatalf("status %d, want 409; body %.400s", res.Status, res.Body)
	}
	text := res.Doc(t).Find("main").Text()
	if !strings.Contains(text, models.RuleRefusalMessage) {
		t.Errorf("the page does not say what happened: %.600s", text)
	}
	if strings.Contains(res.Body, "notes are closed") || strings.Contains(res.Body, "P0001") {
		t.Error("the page shows the database's own message")
	}
	var after int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM candidate_notes").Scan(&after))
	if after != before {
		t.Errorf("notes went from %d to %d", before, after)
	}
}
