package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/models"
)

// waitForDelivery waits until no message is waiting to be sent (queued, or
// held for a time that has come), so a mailbox count means something.
func waitForDelivery(t *testing.T, s *models.Store) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var n int64
		// Only messages with a live delivery job: the demo's own wait without one.
		mustDB(t, s.DB().Raw(`SELECT count(*) FROM outbox_messages m WHERE m.status IN ('queued', 'held') AND EXISTS (SELECT 1 FROM river_job j
			WHERE j.kind = 'deliver_message' AND (j.args->>'message_id')::bigint = m.id AND j.state NOT IN ('completed', 'cancelled', 'discarded'))`).Scan(&n))
		if n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("messages still queued after 15 s")
}

func subjects(mails []devdb.ReceivedMail) []string {
	out := make([]string, len(mails))
	for i, m := range mails {
		out[i] = m.Header.Get("Subject")
	}
	return out
}

// A rejection held until the position is filled tells the candidate nothing
// until then: not the rejection, not the cancellation of their interview,
// not the loss of their assessment-day seat — neither by email, nor on their
// pages, nor on their Messages page. Filling the position sends it all.
func TestHeldRejectionRevealsNothingUntilThePositionIsFilled(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	sink := startMail(t, d.store)
	ctx := context.Background()
	admin, recruiter := staffActor(d.admin), staffActor(d.recruiter)
	app := d.application(t, "ben.okafor@example.com") // at the assessment day
	var ben models.Candidate
	mustDB(t, d.store.DB().First(&ben, app.CandidateID))
	benActor := models.Actor{Kind: "candidate", ID: ben.ID, Email: ben.Email}

	day, err := d.store.CreateAssessmentDay(ctx, admin, models.AssessmentDayInput{Title: "Held test day", Date: "2026-12-18",
		StartTime: "09:00", EndTime: "16:00", TimeZone: "UTC", LocationAddress: "1 Test Street", Capacity: "4", CutoffHours: "24",
		Agenda: "Exercises", PositionIDs: []int64{app.PositionID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.store.BookSeat(ctx, benActor, app.ID, day.ID); err != nil {
		t.Fatal(err)
	}
	interviewer, err := d.store.StaffByEmail(ctx, "interviewer@demo.nextstep.test")
	if err != nil {
		t.Fatal(err)
	}
	round, err := d.store.CreateRound(ctx, recruiter, app.ID, models.RoundInput{Kind: models.InterviewAdditional, Title: "Meet the team",
		Duration: "60", Location: "Office", PanelIDs: []int64{interviewer.ID}, Slots: []string{"2026-12-10T10:00"}})
	if err != nil {
		t.Fatal(err)
	}
	var slotID int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM interview_slots WHERE id IN (SELECT slot_id FROM interview_round_slots WHERE round_id = ?) LIMIT 1", round.ID).Scan(&slotID))
	if slotID == 0 {
		mustDB(t, d.store.DB().Raw("SELECT id FROM interview_slots ORDER BY id DESC LIMIT 1").Scan(&slotID))
	}
	if err := d.store.PickSlot(ctx, benActor, app.ID, round.ID, slotID); err != nil {
		t.Fatal(err)
	}
	waitForDelivery(t, d.store)
	before := len(sink.To(ben.Email))
	inboxBefore, err := d.store.CandidateInbox(ctx, benActor)
	if err != nil {
		t.Fatal(err)
	}

	if err := d.store.RejectHeldUntilFilled(ctx, recruiter, app.ID, "A stronger candidate is ahead"); err != nil {
		t.Fatal(err)
	}
	// The interview and the seat are let go at once: the panel's calendars
	// are cleared and the seat goes back to others.
	var seatsTaken int
	mustDB(t, d.store.DB().Raw("SELECT seats_taken FROM assessment_days WHERE id = ?", day.ID).Scan(&seatsTaken))
	var roundStatus string
	mustDB(t, d.store.DB().Raw("SELECT status FROM interview_rounds WHERE id = ?", round.ID).Scan(&roundStatus))
	if seatsTaken != 0 || roundStatus != string(models.RoundCancelled) {
		t.Fatalf("after the held rejection: %d seats taken, round %s; want the seat freed and the round cancelled", seatsTaken, roundStatus)
	}
	waitForDelivery(t, d.store)
	waitDeliveryJobsDone(t, d.store)
	if got := sink.To(ben.Email); len(got) != before {
		t.Fatalf("the candidate received %v while the rejection was held", subjects(got[before:]))
	}
	if got := len(sink.To(interviewer.Email)); got == 0 {
		t.Fatal("the panel was not told the interview is off")
	}
	inbox, err := d.store.CandidateInbox(ctx, benActor)
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != len(inboxBefore) {
		t.Fatalf("the candidate's Messages page shows %d messages, before the rejection %d", len(inbox), len(inboxBefore))
	}
	view, err := d.store.GetCandidateView(ctx, &ben)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range view.Applications {
		if a.ID != app.ID {
			continue
		}
		for _, e := range a.History {
			if e.ToStatus == models.StatusRejected {
				t.Fatal("the candidate's history shows the held rejection")
			}
		}
		for _, r := range a.Rounds {
			if r.Status == models.RoundCancelled {
				t.Fatal("the candidate's page shows the interview cancelled by the held rejection")
			}
		}
		if a.Booking != nil {
			t.Fatal("the candidate's page still shows a seat that was released")
		}
	}

	// Filling the position releases everything that was held, once.
	rejectSofia(t, d) // her offer, unanswered, must be settled first
	if err := d.store.ClosePosition(ctx, admin, app.PositionID, models.PositionFilled, nil); err != nil {
		t.Fatal(err)
	}
	waitForDelivery(t, d.store)
	got := subjects(sink.To(ben.Email)[before:])
	joined := strings.ToLower(strings.Join(got, " | "))
	if !strings.Contains(joined, "cancel") || len(got) < 2 {
		t.Fatalf("after filling the position the candidate received %v; want the rejection and the interview's cancellation", got)
	}
	var rejections int
	for _, m := range sink.To(ben.Email) {
		if strings.Contains(m.Body, "not to continue") || strings.Contains(strings.ToLower(m.Header.Get("Subject")), "application") {
			rejections++
		}
	}
	if rejections == 0 {
		t.Fatalf("no rejection among %v", got)
	}
}
