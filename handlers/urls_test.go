package handlers_test

import (
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"nextstep/handlers"
	"nextstep/models"
	"nextstep/views"
)

// TestBuiltPathsAreServed checks the path builders of views/urls.go
// against the routes of routes.go: each builder gives exactly the path the
// pages, redirects and messages carried before there were builders, and a
// route serves it (its #fragment and ?query aside). The links models put in
// messages (views.Paths, as models.Links) and in the "needs you" queues are
// checked the same way. No database: only the router is asked.
func TestBuiltPathsAreServed(t *testing.T) {
	e := handlers.New(nil, models.SystemClock{}, slog.New(slog.DiscardHandler),
		handlers.Config{SessionSecret: []byte(strings.Repeat("s", 32))})
	routes := map[string]bool{}
	for _, r := range e.Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	// served is the route pattern that serves method and path, or "".
	served := func(method, path string) string {
		if i := strings.IndexAny(path, "#?"); i >= 0 {
			path = path[:i]
		}
		c := e.NewContext(nil, nil)
		e.Router().Find(method, path, c)
		if !routes[method+" "+c.Path()] {
			return ""
		}
		return c.Path()
	}
	const get, post = http.MethodGet, http.MethodPost

	for _, tc := range []struct{ method, got, want string }{
		{get, views.MyApplicationPath(7), "/me/applications/7"},
		{get, views.MyInterestPath(7), "/me/applications/7/interest"},
		{get, views.MyOfferPath(7), "/me/applications/7/offer"},
		{post, views.MyOfferPath(7) + "/accept", "/me/applications/7/offer/accept"},
		{get, views.MyContractPath(7), "/me/applications/7/contract"},
		{get, views.MySignedContractPath(7), "/me/applications/7/contract/signed.pdf"},
		{get, views.MyAssessmentPath(7), "/me/applications/7/assessment"},
		{post, views.MyAssessmentPath(7) + "/book", "/me/applications/7/assessment/book"},
		{get, views.MyInterviewPath(7, 8), "/me/applications/7/interviews/8"},
		{post, views.MyInterviewPath(7, 8) + "/pick", "/me/applications/7/interviews/8/pick"},
		{get, views.StaffHomePath, "/admin"},
		{get, views.AccountPath, "/admin/account"},
		{get, views.DecisionsPath, "/admin/interviews#decisions"},
		{get, views.CandidatePath(7), "/admin/candidates/7"},
		{post, views.CandidatePath(7) + "/notes", "/admin/candidates/7/notes"},
		{get, views.CandidateOfferPath(7, 8), "/admin/candidates/7#offer-8"},
		{get, views.CandidateDecisionPath(7, 8), "/admin/candidates/7#decision-8"},
		{post, views.ApplicationPath(7) + "/move", "/admin/applications/7/move"},
		{get, views.ApplicationPath(7) + "/interviews/new", "/admin/applications/7/interviews/new"},
		{get, views.PositionPath(7) + "/edit", "/admin/positions/7/edit"},
		{get, views.BoardCardPath(7, 8), "/admin/positions/7/board#card-8"},
		{get, views.InterviewPath(7), "/admin/interviews/7"},
		{post, views.InterviewPath(7) + "/cancel", "/admin/interviews/7/cancel"},
		{post, views.DecisionPath(7) + "/respond", "/admin/decisions/7/respond"},
		{get, views.OfferVersionPath(7), "/admin/offer-versions/7"},
		{post, views.OfferQuestionPath(7) + "/answer", "/admin/offer-questions/7/answer"},
		{get, views.ContractPath(7), "/admin/contracts/7"},
		{get, views.ContractNameCorrectionPath(7), "/admin/contracts/7#name-correction"},
		{post, views.NameCorrectionPath(7) + "/apply", "/admin/name-corrections/7/apply"},
		{get, views.ContractTemplatePath(7) + "/edit", "/admin/contract-templates/7/edit"},
		{get, views.AssessmentDayPath(7), "/admin/assessment-days/7"},
		{get, views.AssessmentDayBookingPath(7, 8), "/admin/assessment-days/7#booking-8"},
		{post, views.AssessmentBookingPath(7) + "/result", "/admin/assessment-bookings/7/result"},
		{post, views.MessagePath(7) + "/retry", "/admin/messages/7/retry"},
		{get, views.MessageTemplatePath(models.MsgOfferSent), "/admin/message-templates/" + string(models.MsgOfferSent)},
		{post, views.StaffMemberPath(7) + "/link", "/admin/staff/7/link"},
		{get, views.ApplicationReferencesPath(7), "/admin/applications/7/references"},
		{post, views.ApplicationReferencesPath(7), "/admin/applications/7/references"},
		{post, views.ApplicationReferencesPath(7) + "/send", "/admin/applications/7/references/send"},
		{post, views.StaffRefereePath(7) + "/remind", "/admin/referees/7/remind"},
		{get, views.PositionReferencesPath(7), "/admin/positions/7/references"},
		{post, views.PositionReferencesPath(7) + "/settings", "/admin/positions/7/references/settings"},
		{post, views.PositionReferencesPath(7) + "/questions", "/admin/positions/7/references/questions"},
	} {
		if tc.got != tc.want {
			t.Errorf("built %q, want %q", tc.got, tc.want)
		}
		if served(tc.method, tc.got) == "" {
			t.Errorf("no route serves %s %s", tc.method, tc.got)
		}
	}

	// Every link models may put in a message: each models.Links method of
	// views.Paths, called with ids 7, 8….
	links := reflect.ValueOf(views.Paths{})
	linksType := reflect.TypeOf((*models.Links)(nil)).Elem()
	for i := range linksType.NumMethod() {
		m := linksType.Method(i)
		args := make([]reflect.Value, m.Type.NumIn())
		for j := range args {
			args[j] = reflect.ValueOf(int64(7 + j))
			if m.Type.In(j).Kind() == reflect.String { // a token: RefereeForm
				args[j] = reflect.ValueOf("token-" + strconv.Itoa(7+j))
			}
		}
		path := links.MethodByName(m.Name).Call(args)[0].String()
		if !strings.HasPrefix(path, "/") || served(get, path) == "" {
			t.Errorf("models.Links.%s gives %q, which no GET route serves", m.Name, path)
		}
	}

	// Every "needs you" queue's items link to a page.
	it := models.QueueItem{ID: 7, ApplicationID: 8, CandidateID: 9}
	for _, k := range []models.QueueKind{models.QueueOffersToApprove, models.QueueOffersSentBack, models.QueueOffersToSend,
		models.QueueOfferQuestions, models.QueueContractsToSend, models.QueueCountersign, models.QueueNameCorrections,
		models.QueueDecisions, models.QueueScorecards, models.QueueInterviewTimes, models.QueueAssessmentResults,
		models.QueueOverdue, models.QueueAwaitingApproval} {
		if path := views.QueueItemPath(k, it); served(get, path) == "" {
			t.Errorf("queue %s links to %q, which no GET route serves", k, path)
		}
	}

	// The check itself tells a path no route serves.
	if p := served(get, "/admin/no-such-page/7"); p != "" {
		t.Errorf("an unknown path is reported as served by %s", p)
	}
	if p := served(post, views.CandidatePath(7)); p != "" {
		t.Errorf("POST %s is reported as served by %s", views.CandidatePath(7), p)
	}
}
