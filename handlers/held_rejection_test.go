package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"nextstep/models"
)

// A rejection held until the position is filled shows nothing on any of the
// candidate's pages: not the rejection, not the interview it called off, not
// the seat it freed.
func TestHeldRejectionShowsNothingOnTheCandidatesPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	s := app.Store
	appID := app.applicationID("ben.okafor@example.com")
	benID := app.candidateID("ben.okafor@example.com")
	staff := func(email string) models.Actor {
		u, err := s.StaffByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return models.Actor{Kind: "staff", ID: u.ID, Email: u.Email, Role: u.Role}
	}
	admin, recruiter := staff("admin@demo.nextstep.test"), staff("recruiter@demo.nextstep.test")
	ben := models.Actor{Kind: "candidate", ID: benID, Email: "ben.okafor@example.com"}
	var positionID int64
	mustDB(t, s.DB().Raw("SELECT position_id FROM applications WHERE id = ?", appID).Scan(&positionID))
	day, err := s.CreateAssessmentDay(ctx, admin, models.AssessmentDayInput{Title: "Held page day", Date: "2026-12-18",
		StartTime: "09:00", EndTime: "16:00", TimeZone: "UTC", LocationAddress: "1 Test Street", Capacity: "4", CutoffHours: "24",
		Agenda: "Exercises", PositionIDs: []int64{positionID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.BookSeat(ctx, ben, appID, day.ID); err != nil {
		t.Fatal(err)
	}
	ines := staff("interviewer@demo.nextstep.test")
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
		"status": {"rejected"}, "reason": {"A stronger candidate is ahead"}, "send": {"held"}})
	if r.Status != 303 {
		t.Fatalf("held rejection: %d %s", r.Status, r.Body)
	}
	var held bool
	mustDB(t, s.DB().Raw("SELECT rejection_held FROM applications WHERE id = ?", appID).Scan(&held))
	if !held {
		t.Fatal("the staff form did not hold the rejection")
	}

	cand := app.newClient()
	cand.loginCandidate("ben.okafor@example.com")
	base := fmt.Sprintf("/me/applications/%d", appID)
	for _, path := range []string{"/me", base, base + "/assessment", fmt.Sprintf("%s/interviews/%d", base, round.ID), "/me/messages"} {
		r := cand.get(path)
		if r.Status != 200 && r.Status != 404 {
			t.Fatalf("%s: %d", path, r.Status)
		}
		body := strings.ToLower(r.Doc(t).Find("main").Text())
		for _, word := range []string{"cancel", "not to continue", "thank you for your time", "decision made", "rejected", "closed", "released", "not at the assessment day step"} {
			if strings.Contains(body, word) {
				t.Errorf("%s shows %q while the rejection is held", path, word)
			}
		}
	}
}
