package models_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"nextstep/models"
	"nextstep/views"
)

// sendRemindersAtOnce runs SendDueReminders from two goroutines at once, as
// two server processes would.
func sendRemindersAtOnce(t *testing.T, s *models.Store) {
	t.Helper()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, err := s.SendDueReminders(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// sendReminders runs SendDueReminders once more.
func sendReminders(t *testing.T, s *models.Store) {
	t.Helper()
	if _, err := s.SendDueReminders(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// clockTo moves the clock forward to at.
func clockTo(t *testing.T, c *fakeClock, at time.Time) {
	t.Helper()
	if at.Before(c.Now()) {
		t.Fatalf("the clock would go back from %s to %s", c.Now(), at)
	}
	c.Advance(at.Sub(c.Now()))
}

// utc is a time written as "2026-12-08T10:00", in UTC (the test stores' zone).
func utc(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// toCandidate lists the messages of kind written to a candidate, oldest first.
func toCandidate(t *testing.T, s *models.Store, kind models.MessageKind, candidateID int64) (msgs []models.OutboxMessage) {
	query(t, s, &msgs, "SELECT * FROM outbox_messages WHERE kind = ? AND candidate_id = ? ORDER BY id", kind, candidateID)
	return msgs
}

// remindersOf counts the reminders sent for one cause (column: round_id,
// booking_id, offer_version_id, task_id).
func remindersOf(t *testing.T, s *models.Store, column string, id int64) (n int64) {
	query(t, s, &n, "SELECT count(*) FROM reminders WHERE "+column+" = ?", id)
	return n
}

// Acceptance (issue 21): a rescheduled interview gets its reminder at the
// new time only; a cancelled one gets none. Each reminder goes once to the
// candidate and once to each panel member, with two processes at once.
func TestInterviewReminderAtTheNewTimeOnlyAndNoneWhenCancelled(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	// Amelia's interview moves after its reminder, Chloe's before it; Ben's is called off.
	amelia, ameliaApp := d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID, d.manager.ID}, "2026-12-08T10:00"))
	chloe, chloeApp := d.newRound(t, "chloe.dubois@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-08T12:00"))
	ben, benApp := d.newRound(t, "ben.okafor@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-08T14:00"))
	for _, c := range []struct {
		r   *models.InterviewRound
		app models.Application
	}{{amelia, ameliaApp}, {chloe, chloeApp}, {ben, benApp}} {
		must(t, d.store.PickSlot(d.ctx, candidateActor(c.app), c.app.ID, c.r.ID, roundSlots(t, d.store, c.r.ID)[0].ID))
	}
	rec := staffActor(d.recruiter)
	must(t, d.store.CancelRound(d.ctx, rec, ben.ID, "The panel is unavailable"))
	type sent struct{ candidate, panel int }
	got := func(r *models.InterviewRound, app models.Application) sent {
		var panel int64
		query(t, d.store, &panel, "SELECT count(*) FROM outbox_messages WHERE kind = ? AND link_path = ?",
			models.MsgPanelInterviewReminder, views.Paths{}.Interview(r.ID))
		return sent{len(toCandidate(t, d.store, models.MsgInterviewReminder, app.CandidateID)), int(panel)}
	}
	check := func(step string, a, c sent) {
		t.Helper()
		if g := got(amelia, ameliaApp); g != a {
			t.Errorf("%s: Amelia's interview reminded %+v, want %+v", step, g, a)
		}
		if g := got(chloe, chloeApp); g != c {
			t.Errorf("%s: Chloe's interview reminded %+v, want %+v", step, g, c)
		}
		if g := got(ben, benApp); g != (sent{}) {
			t.Errorf("%s: Ben's cancelled interview reminded %+v", step, g)
		}
	}

	clockTo(t, d.clock, utc(t, "2026-12-07T09:00")) // 25 hours before
	sendRemindersAtOnce(t, d.store)
	check("25 hours before", sent{}, sent{})
	must(t, d.store.RescheduleRound(d.ctx, rec, chloe.ID, "2026-12-10T12:00"))

	clockTo(t, d.clock, utc(t, "2026-12-07T11:00")) // 23 hours before
	sendRemindersAtOnce(t, d.store)
	check("23 hours before, two processes", sent{1, 2}, sent{})
	sendReminders(t, d.store)
	check("run again", sent{1, 2}, sent{})

	must(t, d.store.RescheduleRound(d.ctx, rec, amelia.ID, "2026-12-12T10:00"))
	clockTo(t, d.clock, utc(t, "2026-12-08T09:30")) // half an hour before the old times
	sendRemindersAtOnce(t, d.store)
	check("at the old times", sent{1, 2}, sent{})

	clockTo(t, d.clock, utc(t, "2026-12-09T11:00")) // 25 hours before Chloe's new time
	sendReminders(t, d.store)
	check("25 hours before Chloe's new time", sent{1, 2}, sent{})
	clockTo(t, d.clock, utc(t, "2026-12-09T13:00"))
	sendRemindersAtOnce(t, d.store)
	check("23 hours before Chloe's new time", sent{1, 2}, sent{1, 1})
	msgs := toCandidate(t, d.store, models.MsgInterviewReminder, chloeApp.CandidateID)
	if len(msgs) != 1 {
		t.Fatalf("Chloe has %d reminders", len(msgs))
	}
	for _, want := range []string{"Thursday 10 December 2026, 12:00–13:00 (UTC)", "1 Market Street, London", "Prepare a short pitch.",
		views.Paths{}.MyInterview(chloeApp.ID, chloe.ID)} {
		if !strings.Contains(msgs[0].Body, want) {
			t.Errorf("Chloe's reminder lacks %q:\n%s", want, msgs[0].Body)
		}
	}

	clockTo(t, d.clock, utc(t, "2026-12-11T11:00")) // 23 hours before Amelia's new time
	sendRemindersAtOnce(t, d.store)
	check("23 hours before Amelia's new time", sent{2, 4}, sent{1, 1})
	msgs = toCandidate(t, d.store, models.MsgInterviewReminder, ameliaApp.CandidateID)
	if len(msgs) != 2 {
		t.Fatalf("Amelia has %d reminders", len(msgs))
	}
	if !strings.Contains(msgs[1].Subject, "Saturday 12 December 2026 at 10:00") {
		t.Errorf("the second reminder's subject %q does not name the new time", msgs[1].Subject)
	}
	clockTo(t, d.clock, utc(t, "2026-12-12T10:30"))
	sendReminders(t, d.store)
	check("after both", sent{2, 4}, sent{1, 1})
	if n := len(auditRows(t, d.store, "interview.reminded", ameliaApp.ID)); n != 2 {
		t.Errorf("%d interview.reminded audit rows for Amelia, want 2", n)
	}
}

// A reminder whose moment has passed (the servers were down) is not sent.
func TestNoInterviewReminderOnceItHasStarted(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	r, app := d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-03T10:00"))
	must(t, d.store.PickSlot(d.ctx, candidateActor(app), app.ID, r.ID, roundSlots(t, d.store, r.ID)[0].ID))
	clockTo(t, d.clock, utc(t, "2026-12-03T10:01"))
	sendReminders(t, d.store)
	if n := len(toCandidate(t, d.store, models.MsgInterviewReminder, app.CandidateID)); n != 0 || remindersOf(t, d.store, "round_id", r.ID) != 0 {
		t.Errorf("%d reminders of an interview that has started", n)
	}
}

// Each candidate holding a seat is reminded once a day before, and again
// when the day moves; a cancelled seat, a closed application and a
// cancelled day get none. (A day has no hosts or panel to remind.)
func TestAssessmentDayReminderOncePerSeatFollowingTheDay(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 5, 10) // the day is 10 December, 09:00–15:00 UTC
	ctx, rec := context.Background(), staffActor(f.recruiter)
	in := models.AssessmentDayInput{Title: "Race day", Date: "2026-12-10", StartTime: "09:00", EndTime: "15:00", TimeZone: "UTC",
		LocationAddress: "HQ", Capacity: "10", WhatToBring: "Photo ID", PositionIDs: []int64{positionID(t, f.store, "Account Executive")}}
	other := in
	other.Title = "Called-off day"
	cancelled, err := f.store.CreateAssessmentDay(ctx, rec, other)
	must(t, err)
	for i := range 4 {
		_, err := f.store.BookSeat(ctx, f.candidates[i], f.apps[i], f.dayID)
		must(t, err)
	}
	_, err = f.store.BookSeat(ctx, f.candidates[4], f.apps[4], cancelled.ID)
	must(t, err)
	must(t, f.store.CancelSeat(ctx, f.candidates[1], f.apps[1]))
	must(t, f.store.ChangeStatus(ctx, rec, f.apps[2], models.StatusRejected, "Not this time"))
	must(t, f.store.CancelAssessmentDay(ctx, rec, cancelled.ID, "The venue is unavailable"))
	check := func(step string, want ...int) {
		t.Helper()
		for i, w := range want {
			if n := len(toCandidate(t, f.store, models.MsgAssessmentDayReminder, f.candidates[i].ID)); n != w {
				t.Errorf("%s: racer %d reminded %d times, want %d", step, i, n, w)
			}
		}
	}
	clockTo(t, f.clock, utc(t, "2026-12-09T08:00"))
	sendRemindersAtOnce(t, f.store)
	check("25 hours before", 0, 0, 0, 0, 0)
	clockTo(t, f.clock, utc(t, "2026-12-09T10:00"))
	sendRemindersAtOnce(t, f.store)
	check("23 hours before, two processes", 1, 0, 0, 1, 0)
	sendReminders(t, f.store)
	check("run again", 1, 0, 0, 1, 0)
	if t.Failed() {
		t.FailNow()
	}
	msg := toCandidate(t, f.store, models.MsgAssessmentDayReminder, f.candidates[0].ID)[0]
	for _, want := range []string{"Thursday 10 December 2026, 09:00–15:00 (UTC)", "Where: HQ", views.Paths{}.MyAssessment(f.apps[0])} {
		if !strings.Contains(msg.Body, want) {
			t.Errorf("the reminder lacks %q:\n%s", want, msg.Body)
		}
	}

	in.Date = "2026-12-11" // the day moves: its seats are reminded again, for the new day only
	must(t, f.store.UpdateAssessmentDay(ctx, rec, f.dayID, in))
	clockTo(t, f.clock, utc(t, "2026-12-10T08:30"))
	sendReminders(t, f.store)
	check("at the old time", 1, 0, 0, 1, 0)
	clockTo(t, f.clock, utc(t, "2026-12-10T10:00"))
	sendRemindersAtOnce(t, f.store)
	check("23 hours before the new time", 2, 0, 0, 2, 0)
	if t.Failed() {
		t.FailNow()
	}
	msg = toCandidate(t, f.store, models.MsgAssessmentDayReminder, f.candidates[3].ID)[1]
	if !strings.Contains(msg.Body, "Friday 11 December 2026, 09:00–15:00 (UTC)") || !strings.Contains(msg.Body, "Photo ID") {
		t.Errorf("the reminder of the moved day:\n%s", msg.Body)
	}
}

// sendDanielAnOffer takes Daniel's offer (expiring on 11 December) through
// approval and sends it.
func sendDanielAnOffer(t *testing.T, d demo) (models.Application, *models.OfferVersion) {
	t.Helper()
	ctx := context.Background()
	app := d.application(t, "daniel.kim@example.com")
	v, err := d.store.SaveOfferDraft(ctx, staffActor(d.recruiter), app.ID, offerInput)
	must(t, err)
	must(t, d.store.SubmitOffer(ctx, staffActor(d.recruiter), v.ID))
	must(t, d.store.ApproveOffer(ctx, staffActor(d.manager), v.ID))
	must(t, d.store.SendOffer(ctx, staffActor(d.recruiter), v.ID))
	return app, v
}

// An offer waiting for its answer is reminded once 48 hours before it
// expires, and again for a new expiry after an extension; a version
// superseded by a newer one is not.
func TestOfferExpiryReminderOnceAndAgainAfterAnExtension(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	app, first := sendDanielAnOffer(t, d)
	changed := offerInput
	changed.SalaryAmount = "68000"
	v, err := d.store.SaveOfferDraft(ctx, staffActor(d.recruiter), app.ID, changed)
	must(t, err)
	must(t, d.store.SubmitOffer(ctx, staffActor(d.recruiter), v.ID))
	must(t, d.store.ApproveOffer(ctx, staffActor(d.manager), v.ID))
	must(t, d.store.SendOffer(ctx, staffActor(d.recruiter), v.ID))
	sent := func() []models.OutboxMessage {
		return toCandidate(t, d.store, models.MsgOfferExpiryReminder, app.CandidateID)
	}
	clockTo(t, d.clock, utc(t, "2026-12-09T23:00")) // 49 hours before the end of 11 December
	sendRemindersAtOnce(t, d.store)
	if n := len(sent()); n != 0 {
		t.Fatalf("49 hours before: %d reminders", n)
	}
	clockTo(t, d.clock, utc(t, "2026-12-10T00:30"))
	sendRemindersAtOnce(t, d.store)
	sendReminders(t, d.store)
	msgs := sent()
	if len(msgs) != 1 {
		t.Fatalf("47 hours before, two processes, then one more run: %d reminders, want 1", len(msgs))
	}
	for _, want := range []string{"until the end of Friday 11 December 2026 (UTC)", views.Paths{}.MyOffer(app.ID)} {
		if !strings.Contains(msgs[0].Body, want) {
			t.Errorf("the reminder lacks %q:\n%s", want, msgs[0].Body)
		}
	}
	must(t, d.store.ExtendOffer(ctx, staffActor(d.recruiter), v.ID, "2026-12-20"))
	clockTo(t, d.clock, utc(t, "2026-12-18T23:00"))
	sendReminders(t, d.store)
	if n := len(sent()); n != 1 {
		t.Fatalf("49 hours before the new expiry: %d reminders, want still 1", n)
	}
	clockTo(t, d.clock, utc(t, "2026-12-19T00:30"))
	sendRemindersAtOnce(t, d.store)
	if msgs := sent(); len(msgs) != 2 || !strings.Contains(msgs[1].Subject, "Sunday 20 December 2026") {
		t.Fatalf("47 hours before the new expiry: %d reminders, the last %q", len(msgs), msgs[len(msgs)-1].Subject)
	}
	if n := remindersOf(t, d.store, "offer_version_id", v.ID); n != 2 {
		t.Errorf("%d reminders recorded for the offer, want 2", n)
	}
	if n := remindersOf(t, d.store, "offer_version_id", first.ID); n != 0 {
		t.Errorf("the superseded version was reminded %d times", n)
	}
}

// An answered offer, and an offer withdrawn with its application, get none.
func TestNoOfferReminderOnceAnsweredOrWithdrawn(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	daniel, v := sendDanielAnOffer(t, d)
	must(t, d.store.AcceptJobOffer(ctx, models.Actor{Kind: "candidate", ID: daniel.CandidateID}, daniel.ID, v.ID))
	// Sofia's offer (the demo's) waits for her answer, until her application is rejected.
	sofia := d.application(t, "sofia.costa@example.com")
	var expires time.Time
	query(t, d.store, &expires, `SELECT v.expires_on FROM offer_versions v JOIN offers o ON o.id = v.offer_id
		WHERE o.application_id = ? AND v.status = 'sent'`, sofia.ID)
	if !expires.After(d.clock.Now().Add(48 * time.Hour)) {
		t.Fatalf("fixture: Sofia's offer expires on %s, too soon", expires)
	}
	must(t, d.store.ChangeStatus(ctx, staffActor(d.recruiter), sofia.ID, models.StatusRejected, "The role went to another candidate"))
	for _, at := range []time.Time{expires.Add(-12 * time.Hour), utc(t, "2026-12-10T00:30"), utc(t, "2026-12-11T12:00")} {
		clockTo(t, d.clock, at)
		sendRemindersAtOnce(t, d.store)
	}
	if n := len(toCandidate(t, d.store, models.MsgOfferExpiryReminder, daniel.CandidateID)); n != 0 {
		t.Errorf("%d reminders of an accepted offer", n)
	}
	if n := len(toCandidate(t, d.store, models.MsgOfferExpiryReminder, sofia.CandidateID)); n != 0 {
		t.Errorf("%d reminders of a withdrawn offer", n)
	}
}

// A starter is reminded once, from two days before, of their tasks due,
// in one message; a task they have done is left out.
func TestOnboardingTaskReminderListsOpenTasksOnce(t *testing.T) {
	t.Parallel()
	f := newOnboarding(t)
	form, confirm, upload := f.tasks[models.TaskForm], f.tasks[models.TaskConfirm], f.tasks[models.TaskUpload]
	if !confirm.DueOn.Equal(upload.DueOn) || confirm.DueOn.Sub(form.DueOn) < 3*24*time.Hour {
		t.Fatalf("fixture: the form is due on %s, the handbook and the document on %s and %s", form.DueOn, confirm.DueOn, upload.DueOn)
	}
	before := func(due time.Time, days, hour, minute int) time.Time {
		return time.Date(due.Year(), due.Month(), due.Day()-days, hour, minute, 0, 0, time.UTC)
	}
	if !before(form.DueOn, 3, 23, 0).After(f.clock.Now()) {
		t.Fatalf("fixture: the form is due on %s, too soon after %s", form.DueOn, f.clock.Now())
	}
	sent := func() []models.OutboxMessage {
		return toCandidate(t, f.store, models.MsgOnboardingTaskReminder, f.jonas.ID)
	}
	clockTo(t, f.clock, before(form.DueOn, 3, 23, 0))
	sendRemindersAtOnce(t, f.store)
	if n := len(sent()); n != 0 {
		t.Fatalf("three days before: %d reminders", n)
	}
	clockTo(t, f.clock, before(form.DueOn, 2, 0, 5))
	sendRemindersAtOnce(t, f.store)
	sendReminders(t, f.store)
	msgs := sent()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Body, form.Title) || strings.Contains(msgs[0].Body, upload.Title) {
		t.Fatalf("two days before the form, two processes and one more run: %d reminders %+v", len(msgs), msgs)
	}
	if !strings.Contains(msgs[0].Body, views.Paths{}.MyApplication(f.appID)) || !strings.Contains(msgs[0].Body, "(UTC)") {
		t.Errorf("the reminder lacks its link or zone:\n%s", msgs[0].Body)
	}

	must(t, f.store.ConfirmTask(obCtx, f.jonas, confirm.ID, confirm.ConfirmVersion)) // done before its reminder
	clockTo(t, f.clock, before(confirm.DueOn, 2, 0, 5))
	sendRemindersAtOnce(t, f.store)
	sendReminders(t, f.store)
	msgs = sent()
	if len(msgs) != 2 || !strings.Contains(msgs[1].Body, upload.Title) || strings.Contains(msgs[1].Body, confirm.Title) {
		t.Fatalf("two days before the document: %d reminders, the last:\n%s", len(msgs), msgs[len(msgs)-1].Body)
	}
	if n := remindersOf(t, f.store, "task_id", confirm.ID); n != 0 {
		t.Errorf("the done task was reminded %d times", n)
	}
	if n := remindersOf(t, f.store, "task_id", f.staff); n != 0 {
		t.Errorf("a staff task was reminded to the starter %d times", n)
	}
}

// A starter whose application has closed is reminded of nothing.
func TestNoOnboardingTaskReminderOnceTheApplicationCloses(t *testing.T) {
	t.Parallel()
	f := newOnboarding(t)
	must(t, f.store.ChangeStatus(obCtx, f.recruiter, f.appID, models.StatusWithdrawn, "Took another job."))
	for _, task := range []models.OnboardingTask{f.tasks[models.TaskForm], f.tasks[models.TaskUpload]} {
		due := task.DueOn
		clockTo(t, f.clock, time.Date(due.Year(), due.Month(), due.Day()-1, 12, 0, 0, 0, time.UTC))
		sendRemindersAtOnce(t, f.store)
	}
	if n := len(toCandidate(t, f.store, models.MsgOnboardingTaskReminder, f.jonas.ID)); n != 0 {
		t.Errorf("%d reminders after the withdrawal", n)
	}
}
