package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// A rejection put off by some days shows nothing on the candidate's pages
// before its day, as a held one: not the rejection, not the interview it
// called off; the card says the decision is still being made. The staff page
// says when the candidate is told. From that day the candidate's page shows
// the rejection.
func TestDelayedRejectionShowsOnTheCandidatesPagesOnlyFromItsDay(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	s := app.Store
	appID := app.applicationID("ben.okafor@example.com")
	benID := app.candidateID("ben.okafor@example.com")
	ben := models.Actor{Kind: "candidate", ID: benID, Email: "ben.okafor@example.com"}
	recruiterUser, err := s.StaffByEmail(ctx, "recruiter@demo.nextstep.test")
	if err != nil {
		t.Fatal(err)
	}
	ines, err := s.StaffByEmail(ctx, "interviewer@demo.nextstep.test")
	if err != nil {
		t.Fatal(err)
	}
	recruiter := models.Actor{Kind: "staff", ID: recruiterUser.ID, Email: recruiterUser.Email, Role: recruiterUser.Role}
	round, err := s.CreateRound(ctx, recruiter, appID, models.RoundInput{Kind: models.InterviewAdditional, Title: "Meet the team",
		Duration: "60", Location: "Office", PanelIDs: []int64{ines.ID}, Slots: []string{"2026-12-10T10:00"}})
	if err != nil {
		t.Fatal(err)
	}
	var slotID int64
	mustDB(t, s.DB().Raw("SELECT slot_id FROM interview_round_slots WHERE round_id = ? LIMIT 1", round.ID).Scan(&slotID))
	if err := s.PickSlot(ctx, ben, appID, round.ID, slotID); err != nil {
		t.Fatal(err)
	}

	staffClient := app.newClient()
	staffClient.loginStaff("recruiter@demo.nextstep.test")
	r := staffClient.post(fmt.Sprintf("/admin/applications/%d/status", appID), map[string][]string{
		"status": {"rejected"}, "reason": {"A stronger candidate is ahead"}, "send": {"later"}, "send_in_days": {"3"}})
	if r.Status != 303 {
		t.Fatalf("delayed rejection: %d %s", r.Status, r.Body)
	}
	told := staffClient.get(fmt.Sprintf("/admin/candidates/%d", benID)).Doc(t).Find(`[data-testid="rejection-told-at"]`).Text()
	if !strings.Contains(told, "the candidate is told on 4 Dec 2026, 09:00") {
		t.Errorf("the staff page says %q, want when the candidate is told", told)
	}

	cand := app.newClient()
	cand.loginCandidate("ben.okafor@example.com")
	base := fmt.Sprintf("/me/applications/%d", appID)
	pages := []string{"/me", base, base + "/assessment", fmt.Sprintf("%s/interviews/%d", base, round.ID), "/me/messages"}
	for _, path := range pages {
		r := cand.get(path)
		if r.Status != 200 && r.Status != 404 {
			t.Fatalf("%s: %d", path, r.Status)
		}
		body := strings.ToLower(r.Doc(t).Find("main").Text())
		for _, word := range []string{"cancel", "not to continue", "thank you for your time", "rejected", "stronger candidate", "decision made", "closed", "not at the assessment day step"} {
			if strings.Contains(body, word) {
				t.Errorf("%s shows %q before the rejection's day", path, word)
			}
		}
	}
	if n := cand.get(base).Doc(t).Find(`[data-testid="outcome-waiting"]`).Length(); n != 1 {
		t.Errorf("the application's page shows %d waiting notes, want the decision still being made", n)
	}

	app.Clock.Advance(72*time.Hour + time.Minute)
	cand = app.newClient() // three days on, a new session
	cand.loginCandidate("ben.okafor@example.com")
	doc := cand.get(base).Doc(t)
	if got := doc.Find(`[data-testid="outcome"]`).Text(); !strings.Contains(got, "not to continue") {
		t.Errorf("on its day the application's page shows %q, want the rejection", got)
	}
	if doc.Find(`[data-testid="outcome-waiting"]`).Length() != 0 {
		t.Error("on its day the application's page still says the decision is being made")
	}
}
