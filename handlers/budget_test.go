package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"nextstep/models"
)

// Every page has a query budget that does not grow with the rows it shows:
// the statements one request runs are counted through the store. Every
// staff page spends one on the "Needs you" count in its navigation.
func TestQueryBudgets(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	// Liam's "still deciding" update, with its unsubscribe link.
	unsubscribe := liamsUpdate(t, app)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	cand := app.newClient()
	cand.loginCandidate("ben.okafor@example.com")
	ben := app.candidateID("ben.okafor@example.com")
	daniel := app.candidateID("daniel.kim@example.com")
	// An interview with a booked time and a scorecard, for the interview pages.
	ctx := context.Background()
	benApp := app.applicationID("ben.okafor@example.com")
	recruiter := models.Actor{Kind: "staff", ID: app.staffID(recruiterEmail), Email: recruiterEmail, Role: models.RoleRecruiter}
	day := app.Clock.Now().UTC().AddDate(0, 0, 5).Format("2006-01-02")
	// A final interview belongs to no stage: Ben stays at the assessment day for its pages.
	round, err := app.Store.CreateRound(ctx, recruiter, benApp, models.RoundInput{Kind: models.InterviewFinal, Duration: "45",
		Location: "Head office", PanelIDs: []int64{app.staffID(interviewerEmail), app.staffID(recruiterEmail)},
		Slots: []string{day + "T10:00", day + "T11:00", day + "T12:00"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Store.PickSlot(ctx, models.Actor{Kind: "candidate", ID: ben}, benApp, round.ID, round.Slots[0].ID); err != nil {
		t.Fatal(err)
	}
	interviewer := app.newClient()
	interviewer.loginStaff(interviewerEmail)
	salesPos := app.positionID("Account Executive")
	// Liam's references: two answered (with signals), one declined.
	liamApp := seedRefStaffDemo(t, app).appID
	// Henrik's background check, consented, with a result and a notice, for the checks pages.
	henrik := checksFor(t, app)
	henrikClient := app.newClient()
	henrikClient.loginCandidate(henrikEmail)
	henrik.withResultAndNotice(henrikClient)
	// Grace's referee, asked: her referees page and the referee's own page.
	graceApp := atReferenceChecks(t, app)
	_, refToken := sendReferenceRequest(t, app, graceApp)
	grace := app.newClient()
	grace.loginCandidate(graceEmail)
	referee := app.newClient()
	noahClient := app.newClient()
	noahClient.loginCandidate(noahEmail)
	recordScheduledRuns(t, app)

	for _, tc := range []struct {
		name   string
		c      *client
		path   string
		budget int64
	}{
		{"candidate home", cand, "/me", 3},
		{"candidate application", cand, fmt.Sprintf("/me/applications/%d", app.applicationID("ben.okafor@example.com")), 3},
		{"candidate messages", cand, "/me/messages", 3},
		{"staff candidate list", staff, "/admin/candidates", 5},
		{"staff search", staff, "/admin/candidates?q=okaf", 5},
		{"staff list, filtered and sorted", staff, "/admin/candidates?status=active&sort=-name", 5},
		{"staff candidate page (assessment)", staff, fmt.Sprintf("/admin/candidates/%d", ben), 3},
		{"staff candidate page (offer)", staff, fmt.Sprintf("/admin/candidates/%d", daniel), 3},
		{"candidate interview page", cand, fmt.Sprintf("/me/applications/%d/interviews/%d", benApp, round.ID), 3},
		{"staff interview page", staff, fmt.Sprintf("/admin/interviews/%d", round.ID), 12},
		{"interviewer's interview page", interviewer, fmt.Sprintf("/admin/interviews/%d", round.ID), 12},
		{"my interviews", interviewer, "/admin/interviews", 4},
		// The round page's, the documents, the questions, the earlier rounds (and, when
		// there are any, their scorecards and ratings: two more).
		{"interviewer's interview kit", interviewer, fmt.Sprintf("/admin/interviews/%d/kit", round.ID), 14},
		{"staff interview kit", staff, fmt.Sprintf("/admin/interviews/%d/kit", round.ID), 14},
		{"the kit's form", staff, fmt.Sprintf("/admin/interviews/%d/kit/edit", round.ID), 14},
		{"staff candidate documents", staff, fmt.Sprintf("/admin/candidates/%d/documents", ben), 4},
		{"candidate's documents", cand, "/me/documents", 4},
		{"schedule an interview", staff, fmt.Sprintf("/admin/applications/%d/interviews/new", benApp), 9},
		{"compare candidates", staff, fmt.Sprintf("/admin/positions/%d/review", salesPos), 10}, // 9, and the references' sums
		{"staff references of an application", staff, fmt.Sprintf("/admin/applications/%d/references", liamApp), 7},
		{"a position's reference setup", staff, fmt.Sprintf("/admin/positions/%d/references", salesPos), 5},
		{"a position's onboarding checklist template", admin, fmt.Sprintf("/admin/positions/%d/onboarding", salesPos), 8},
		{"reports", staff, "/admin/reports", 8},
		{"needs you (recruiter)", staff, "/admin", 3},
		{"needs you (interviewer)", interviewer, "/admin", 3},
		{"scheduled work", admin, "/admin/scheduled", 3},
		{"data retention", admin, "/admin/retention", 3},                                                   // the layout's count, the rule; a legal-hold look-up per listed candidate (none here)
		{"closing a position", staff, fmt.Sprintf("/admin/positions/%d/close?status=filled", salesPos), 5}, // the position, its pipeline, the applications, the positions to move to, the layout
		{"position board", staff, fmt.Sprintf("/admin/positions/%d/board", salesPos), 4},
		{"a card's move page", staff, fmt.Sprintf("/admin/positions/%d/board/move?application_id=%d", salesPos, app.applicationID("amelia.hart@example.com")), 4},
		{"reports, one position", staff, fmt.Sprintf("/admin/reports?position=%d", salesPos), 8},
		{"candidate checks", henrikClient, henrik.page(), 9},
		{"staff checks", staff, henrik.staffPage(), 13},
		{"starter's checklist", noahClient, fmt.Sprintf("/me/applications/%d/onboarding", app.applicationID(noahEmail)), 6},
		{"new starters", staff, "/admin/onboarding", 2},
		{"starter's first day", noahClient, fmt.Sprintf("/me/applications/%d/first-day", app.applicationID(noahEmail)), 2},
		{"a starter's checklist (staff)", staff, fmt.Sprintf("/admin/applications/%d/onboarding", app.applicationID(noahEmail)), 11}, // one file look-up per upload task: a template's few; the first day
		{"candidate's referees", grace, fmt.Sprintf("/me/applications/%d/references", graceApp), 5},
		{"referee's page", referee, "/references/" + refToken, 10}, // the first opening also records it (update, the candidate's key for the sealed address, audit)
		{"candidate's account", cand, "/me/account", 4},            // the choices, the erasure request, the retention rule, the layout
		{"an unsubscribe link's page", referee, unsubscribe, 1},
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
