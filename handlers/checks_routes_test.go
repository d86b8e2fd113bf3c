package handlers_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"nextstep/handlers"
	"nextstep/models"
	"nextstep/views"
)

// The checks' routes in the route matrix (routematrix_test.go): who may use
// each, and the records the probes try: Farid's check (engineering, out of
// the demo manager's scope; the interviewer sits on no panel of his) with a
// result document, and Ben's check, which Amelia, another candidate, tries.
var checkRouteAccess = map[string]access{
	"GET /me/applications/:id/checks":                              candidate,
	"POST /me/applications/:id/checks/:check/consent":              candidate,
	"POST /me/applications/:id/checks/:check/withdraw":             candidate,
	"POST /me/applications/:id/checks/:check/reply":                candidate,
	"GET /admin/applications/:id/checks":                           people,
	"POST /admin/applications/:id/checks/:check/manual":            managers,
	"POST /admin/applications/:id/checks/:check/provider":          managers,
	"POST /admin/applications/:id/checks/:check/result":            managers,
	"POST /admin/applications/:id/checks/:check/notice":            managers,
	"POST /admin/applications/:id/checks/:check/confirm-rejection": managers,
	"POST /admin/applications/:id/checks/:check/cancel-notice":     managers,
	"GET /admin/check-files/:id":                                   managers,
	"POST /admin/positions/:id/checks":                             managers,
	"POST /webhooks/checks/:provider":                              public, // signed: check_webhooks_test.go
}

func init() {
	for k, v := range checkRouteAccess {
		routeAccess[k] = v
	}
}

// checkProbes are the checks the route matrix probes with.
type checkProbes struct {
	faridCheck, faridFile, benCheck int64
	secrets                         []string
}

// seedCheckProbes gives Farid a check with a result and Ben a check
// waiting for him.
func seedCheckProbes(t *testing.T, app *testApp, faridApp, benApp int64) checkProbes {
	t.Helper()
	var p checkProbes
	db := app.Store.DB()
	mustDB(t, db.Raw(`INSERT INTO stored_files (name, content_type, size_bytes, sha256, data)
		VALUES ('farid-check-result.pdf', 'application/pdf', 5, sha256('%PDF-'::bytea), '%PDF-'::bytea) RETURNING id`).Scan(&p.faridFile))
	mustDB(t, db.Raw(`INSERT INTO checks (application_id, kind, status, result_summary, result_file_id, started_at, completed_at)
		VALUES (?, 'background', 'needs_review', 'Farid check finding', ?, now(), now()) RETURNING id`, faridApp, p.faridFile).Scan(&p.faridCheck))
	mustDB(t, db.Raw(`INSERT INTO checks (application_id, kind) VALUES (?, 'background') RETURNING id`, benApp).Scan(&p.benCheck))
	if p.faridCheck == 0 || p.benCheck == 0 {
		t.Fatal("could not create the checks to probe")
	}
	p.secrets = []string{"farid-check-result.pdf", "Farid check finding"}
	return p
}

// concrete fills a check route's ids, or returns "" for any other route.
func (p checkProbes) concrete(path string, faridApp, benApp int64) string {
	switch {
	case strings.HasPrefix(path, "/me/applications/:id/checks"):
		return strings.NewReplacer(":id", fmt.Sprint(benApp), ":check", fmt.Sprint(p.benCheck)).Replace(path)
	case strings.HasPrefix(path, "/admin/applications/:id/checks"):
		return strings.NewReplacer(":id", fmt.Sprint(faridApp), ":check", fmt.Sprint(p.faridCheck)).Replace(path)
	case strings.HasPrefix(path, "/admin/check-files/:id"):
		return strings.Replace(path, ":id", fmt.Sprint(p.faridFile), 1)
	}
	return ""
}

// unchanged fails when a refused probe changed a probed check.
func (p checkProbes) unchanged(t *testing.T, app *testApp) {
	t.Helper()
	var farid, ben string
	mustDB(t, app.Store.DB().Raw("SELECT status FROM checks WHERE id = ?", p.faridCheck).Scan(&farid))
	mustDB(t, app.Store.DB().Raw("SELECT status FROM checks WHERE id = ?", p.benCheck).Scan(&ben))
	var consents, notices int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM check_consents").Scan(&consents))
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM check_adverse_actions").Scan(&notices))
	if farid != "needs_review" || ben != "waiting_for_candidate" || consents != 0 || notices != 0 {
		t.Errorf("refused requests changed the checks: Farid's %s, Ben's %s, %d consents, %d notices", farid, ben, consents, notices)
	}
}

// The checks' path builders give the paths their routes serve.
func TestCheckPathsAreServed(t *testing.T) {
	e := handlers.New(nil, models.SystemClock{}, slog.New(slog.DiscardHandler),
		handlers.Config{SessionSecret: []byte(strings.Repeat("s", 32))})
	routes := map[string]bool{}
	for _, r := range e.Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	for _, tc := range []struct{ method, got, want string }{
		{http.MethodGet, views.MyChecksPath(7), "/me/applications/:id/checks"},
		{http.MethodPost, views.MyCheckPath(7, 8) + "/consent", "/me/applications/:id/checks/:check/consent"},
		{http.MethodPost, views.MyCheckPath(7, 8) + "/reply", "/me/applications/:id/checks/:check/reply"},
		{http.MethodGet, views.ApplicationChecksPath(7), "/admin/applications/:id/checks"},
		{http.MethodPost, views.ApplicationCheckPath(7, 8) + "/result", "/admin/applications/:id/checks/:check/result"},
		{http.MethodGet, views.CheckFilePath(7), "/admin/check-files/:id"},
		{http.MethodPost, views.PositionPath(7) + "/checks", "/admin/positions/:id/checks"},
	} {
		c := e.NewContext(nil, nil)
		e.Router().Find(tc.method, tc.got, c)
		if c.Path() != tc.want || !routes[tc.method+" "+c.Path()] {
			t.Errorf("%s %s is served by %q, want %q", tc.method, tc.got, c.Path(), tc.want)
		}
	}
}
