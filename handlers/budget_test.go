package handlers_test

import (
	"fmt"
	"net/http"
	"testing"
)

// Every page has a query budget that does not grow with the rows it shows:
// the statements one request runs are counted through the store.
func TestQueryBudgets(t *testing.T) {
	app := newTestApp(t)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	cand := app.newClient()
	cand.loginCandidate("ben.okafor@example.com")
	ben := app.candidateID("ben.okafor@example.com")
	daniel := app.candidateID("daniel.kim@example.com")

	for _, tc := range []struct {
		name   string
		c      *client
		path   string
		budget int64
	}{
		{"candidate home", cand, "/me", 4},
		{"candidate application", cand, fmt.Sprintf("/me/applications/%d", app.applicationID("ben.okafor@example.com")), 4},
		{"candidate messages", cand, "/me/messages", 3},
		{"staff candidate list", staff, "/admin/candidates", 5},
		{"staff search", staff, "/admin/candidates?q=okaf", 5},
		{"staff list, filtered and sorted", staff, "/admin/candidates?status=active&sort=-name", 5},
		{"staff candidate page (assessment)", staff, fmt.Sprintf("/admin/candidates/%d", ben), 8},
		{"staff candidate page (offer)", staff, fmt.Sprintf("/admin/candidates/%d", daniel), 8},
	} {
		before := app.Store.Statements()
		res := tc.c.get(tc.path)
		used := app.Store.Statements() - before
		if res.Status != http.StatusOK {
			t.Errorf("%s: status %d", tc.name, res.Status)
			continue
		}
		if used > tc.budget {
			t.Errorf("%s (%s): %d statements, budget %d", tc.name, tc.path, used, tc.budget)
		} else {
			t.Logf("%s: %d statements (budget %d)", tc.name, used, tc.budget)
		}
	}
}
