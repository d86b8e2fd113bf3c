package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// A rejection put off by some days is, until its day, like a held one: every
// message its closing sends the candidate (here the interview's
// cancellation, with the staff's reason) waits until the rejection's own
// time and names the application; the candidate's page shows the decision
// still being made, without the rejection in the history or the cancelled
// interview. The panel is told at once. On the day, the candidate gets
// exactly one rejection, and their page shows it.
func TestDelayedRejectionRevealsNothingBeforeItsTime(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	sink := startMail(t, d.store)
	ctx := context.Background()
	recruiter := staffActor(d.recruiter)
	app := d.application(t, "ben.okafor@example.com")
	var ben models.Candidate
	mustDB(t, d.store.DB().First(&ben, app.CandidateID))
	benActor := models.Actor{Kind: "candidate", ID: ben.ID, Email: ben.Email}
	interviewer, err := d.store.StaffByEmail(ctx, "interviewer@demo.nextstep.test")
	must(t, err)
	round, err := d.store.CreateRound(ctx, recruiter, app.ID, models.RoundInput{Kind: models.InterviewAdditional, Title: "Meet the team",
		Duration: "60", Location: "Office", PanelIDs: []int64{interviewer.ID}, Slots: []string{"2026-12-10T10:00"}})
	must(t, err)
	var slotID int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM interview_slots ORDER BY id DESC LIMIT 1").Scan(&slotID))
	must(t, d.store.PickSlot(ctx, benActor, app.ID, round.ID, slotID))
	waitForDelivery(t, d.store)
	before := len(sink.To(ben.Email))
	panelBefore := len(sink.To(interviewer.Email))
	var lastID int64
	mustDB(t, d.store.DB().Raw("SELECT coalesce(max(id), 0) FROM outbox_messages").Scan(&lastID))

	must(t, d.store.Reject(ctx, recruiter, app.ID, "A stronger candidate is ahead",
		models.Rejection{Wording: models.MsgRejectionAfterInterview, InDays: 3}))
	tellAt := d.clock.Now().AddDate(0, 0, 3)

	var mine []models.OutboxMessage
	mustDB(t, d.store.DB().Where("candidate_id = ? AND id > ?", ben.ID, lastID).Order("id").Find(&mine))
	kinds := map[models.MessageKind]int{}
	for _, m := range mine {
		kinds[m.Kind]++
		if m.Status != models.MessageHeld || m.SendAfter == nil || m.SendAfter.Before(tellAt) {
			t.Errorf("%s is %s until %v: the candidate's messages of the closing must wait until the rejection's time %v",
				m.Kind, m.Status, m.SendAfter, tellAt)
		}
		if m.ApplicationID == nil || *m.ApplicationID != app.ID {
			t.Errorf("%s names application %v, want %d", m.Kind, m.ApplicationID, app.ID)
		}
	}
	if kinds[models.MsgRejectionAfterInterview] != 1 || len(mine) < 2 {
		t.Fatalf("the closing wrote %v to the candidate; want the rejection and the interview's cancellation", kinds)
	}
	wakeDeliveries(t, d.store) // even a worker woken early sends nothing before its time
	time.Sleep(300 * time.Millisecond)
	if got := sink.To(ben.Email); len(got) != before {
		t.Fatalf("before the rejection's time the candidate received %v", subjects(got[before:]))
	}
	waitFor(t, func() bool { return len(sink.To(interviewer.Email)) > panelBefore }, "the panel told the interview is off")

	view := candidateApplication(t, d.store, &ben, app.ID)
	if !view.DecisionWithheld || view.RejectionToldAt == nil || !view.RejectionToldAt.Equal(tellAt) {
		t.Fatalf("before its time: withheld %v, told at %v; want the decision withheld until %v", view.DecisionWithheld, view.RejectionToldAt, tellAt)
	}
	for _, e := range view.History {
		if e.ToStatus == models.StatusRejected {
			t.Fatal("the candidate's history shows the rejection before its time")
		}
	}
	for _, r := range view.Rounds {
		if r.Status == models.RoundCancelled {
			t.Fatal("the candidate's page shows the interview the rejection cancelled, before its time")
		}
	}

	d.clock.Advance(72*time.Hour + time.Minute)
	wakeDeliveries(t, d.store)
	waitFor(t, func() bool { return len(sink.To(ben.Email)) >= before+2 }, "the rejection and the cancellation delivered")
	waitDeliveryJobsDone(t, d.store)
	rejections := 0
	for _, m := range sink.To(ben.Email)[before:] {
		if strings.Contains(m.Body, "not to continue") {
			rejections++
		}
	}
	if rejections != 1 {
		t.Fatalf("after its time the candidate received %v, with %d rejections; want exactly one", subjects(sink.To(ben.Email)[before:]), rejections)
	}
	view = candidateApplication(t, d.store, &ben, app.ID)
	if view.DecisionWithheld || len(view.History) == 0 || view.History[len(view.History)-1].ToStatus != models.StatusRejected {
		t.Fatalf("after its time: withheld %v, history %+v; want the rejection shown", view.DecisionWithheld, view.History)
	}
}

// Reopening one application withdraws only that application's put-off
// rejection: the candidate's other application, rejected with a delay too,
// still gets its message on its day.
func TestReopeningOneApplicationKeepsTheOtherApplicationsDelayedRejection(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	sink := startMail(t, d.store)
	ctx := context.Background()
	recruiter := staffActor(d.recruiter)
	first := d.application(t, "amelia.hart@example.com")
	second, err := d.store.AddApplication(ctx, recruiter, first.CandidateID, d.titledPosition(t, "Backend Engineer (Go)"))
	must(t, err)
	waitForDelivery(t, d.store)
	before := len(sink.To("amelia.hart@example.com"))
	must(t, d.store.Reject(ctx, recruiter, first.ID, "Not this time.", models.Rejection{InDays: 2}))
	must(t, d.store.Reject(ctx, recruiter, second.ID, "Not this time either.", models.Rejection{InDays: 2}))
	must(t, d.store.ChangeStatus(ctx, recruiter, first.ID, models.StatusActive, ""))

	status := func(appID int64) (s []string) {
		query(t, d.store, &s, "SELECT status FROM outbox_messages WHERE application_id = ? AND kind IN ? ORDER BY id", appID, models.RejectionWordings())
		return s
	}
	if got := status(first.ID); len(got) != 1 || got[0] != string(models.MessageCancelled) {
		t.Fatalf("the reopened application's rejection: %v, want one, withdrawn", got)
	}
	if got := status(second.ID); len(got) != 1 || got[0] != string(models.MessageHeld) {
		t.Fatalf("the other application's rejection: %v, want one still waiting for its day", got)
	}
	d.clock.Advance(48*time.Hour + time.Minute)
	wakeDeliveries(t, d.store)
	waitFor(t, func() bool { return len(sink.To("amelia.hart@example.com")) > before }, "the other application's rejection delivered")
	waitDeliveryJobsDone(t, d.store)
	if got := sink.To("amelia.hart@example.com")[before:]; len(got) != 1 || !strings.Contains(got[0].Body, "Backend Engineer") {
		t.Fatalf("after two days the candidate received %v; want the other application's rejection alone", subjects(got))
	}
}

func candidateApplication(t *testing.T, s *models.Store, c *models.Candidate, appID int64) models.CandidateApplication {
	t.Helper()
	v, err := s.GetCandidateView(context.Background(), c)
	must(t, err)
	for _, a := range v.Applications {
		if a.ID == appID {
			return a
		}
	}
	t.Fatalf("application %d is not on the candidate's page", appID)
	return models.CandidateApplication{}
}

func waitFor(t *testing.T, ok func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 15 s for %s", what)
		}
	}
}

// Reopening an application before its put-off rejection's day withdraws the
// rejection, and what else its closing waited to say goes at once, as for a
// held rejection: the interview is still off, and the candidate hears it now,
// not days later, and never hears the rejection.
func TestReopeningBeforeTheDaySendsTheCancellationNowAndNoRejection(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	sink := startMail(t, d.store)
	ctx := context.Background()
	recruiter := staffActor(d.recruiter)
	app := d.application(t, "ben.okafor@example.com")
	benActor := models.Actor{Kind: "candidate", ID: app.CandidateID, Email: "ben.okafor@example.com"}
	interviewer, err := d.store.StaffByEmail(ctx, "interviewer@demo.nextstep.test")
	must(t, err)
	round, err := d.store.CreateRound(ctx, recruiter, app.ID, models.RoundInput{Kind: models.InterviewAdditional, Title: "Meet the team",
		Duration: "60", Location: "Office", PanelIDs: []int64{interviewer.ID}, Slots: []string{"2026-12-10T10:00"}})
	must(t, err)
	var slotID int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM interview_slots ORDER BY id DESC LIMIT 1").Scan(&slotID))
	must(t, d.store.PickSlot(ctx, benActor, app.ID, round.ID, slotID))
	waitForDelivery(t, d.store)
	before := len(sink.To(benActor.Email))

	must(t, d.store.Reject(ctx, recruiter, app.ID, "A stronger candidate is ahead", models.Rejection{InDays: 3}))
	must(t, d.store.ChangeStatus(ctx, recruiter, app.ID, models.StatusActive, ""))
	waitFor(t, func() bool { return len(sink.To(benActor.Email)) > before }, "the interview's cancellation sent on reopening")
	waitDeliveryJobsDone(t, d.store)
	got := sink.To(benActor.Email)[before:]
	if len(got) != 1 || !strings.Contains(strings.ToLower(got[0].Header.Get("Subject")), "cancel") {
		t.Fatalf("on reopening the candidate received %v; want the interview's cancellation alone, now", subjects(got))
	}
	// The store's clock is behind the wall clock River schedules by, so a job
	// left at the rejection's time would have run too: the job that sent the
	// cancellation must be a fresh one, not the one scheduled for that time.
	tellAt := d.clock.Now().AddDate(0, 0, 3)
	var sentBy []time.Time
	query(t, d.store, &sentBy, `SELECT j.scheduled_at FROM river_job j JOIN outbox_messages m ON j.args->>'message_id' = m.id::text
		WHERE m.application_id = ? AND m.kind = ? AND j.state = 'completed'`, app.ID, models.MsgInterviewCancelled)
	if len(sentBy) != 1 || !sentBy[0].Before(tellAt.Add(-time.Hour)) && !sentBy[0].After(tellAt.Add(time.Hour)) {
		t.Fatalf("the cancellation was sent by jobs scheduled at %v, the rejection's time is %v: want one fresh job, not the one left for that time", sentBy, tellAt)
	}
	d.clock.Advance(72*time.Hour + time.Minute)
	wakeDeliveries(t, d.store)
	time.Sleep(300 * time.Millisecond)
	waitDeliveryJobsDone(t, d.store)
	if got := sink.To(benActor.Email)[before:]; len(got) != 1 {
		t.Fatalf("after the day the candidate has received %v; want no rejection", subjects(got))
	}
}
