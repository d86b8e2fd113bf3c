package models_test

import (
	"context"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/models"
	"nextstep/views"
)

// A stage move's message to the candidate waits a short delay; undoing the
// move in that time withdraws it, and the candidate hears nothing at all.
// Once the message has left, an undo tells them the step they face again.
func TestUndoWithdrawsTheUnsentStageMessage(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	dsn := devdb.TestDatabaseURL(t, migrator)
	store, err := models.Open(context.Background(), dsn, models.Config{Clock: clock, MaxConns: 4, BaseURL: "http://x",
		MailMaxAttempts: 5, StageMessageDelay: 2 * time.Minute, PasswordParams: testPasswordParams, Links: views.Paths{}})
	if err != nil {
		t.Fatal(err)
	}
	storeDSN.Store(store, dsn)
	t.Cleanup(func() { store.Close() })
	ctx := context.Background()
	if _, err := store.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	d := demo{store: store, clock: clock}
	if d.recruiter, err = store.StaffByEmail(ctx, "recruiter@demo.nextstep.test"); err != nil {
		t.Fatal(err)
	}
	sink := startMail(t, store)
	waitForDelivery(t, store)
	app := d.application(t, "ben.okafor@example.com")
	var ben models.Candidate
	mustDB(t, store.DB().First(&ben, app.CandidateID))
	before := len(sink.To(ben.Email))
	var firstID int64 // messages written by this test come after the demo's
	mustDB(t, store.DB().Raw("SELECT coalesce(max(id), 0) FROM outbox_messages").Scan(&firstID))
	recruiter := staffActor(d.recruiter)
	next, _ := models.Pipeline{models.StageAssessmentDay, models.StageCommercialNegotiation}.Next(models.StageAssessmentDay)

	if err := store.MoveStage(ctx, recruiter, app.ID, models.MoveRequest{To: next}); err != nil {
		t.Fatal(err)
	}
	var held []models.OutboxMessage
	mustDB(t, store.DB().Where("candidate_id = ? AND kind = ? AND id > ?", ben.ID, models.MsgStageChanged, firstID).Find(&held))
	if len(held) != 1 || held[0].Status != models.MessageHeld || held[0].SendAfter == nil || !held[0].SendAfter.Equal(clock.Now().Add(2*time.Minute)) {
		t.Fatalf("after the move: %+v; want one message held for two minutes", held)
	}
	clock.Advance(time.Minute)
	if withdrawn, err := store.UndoLastMove(ctx, recruiter, app.ID, ""); err != nil || !withdrawn {
		t.Fatalf("undo within the delay: withdrawn %v, %v", withdrawn, err)
	}
	var after []models.OutboxMessage
	mustDB(t, store.DB().Where("candidate_id = ? AND kind = ? AND id > ?", ben.ID, models.MsgStageChanged, firstID).Order("id").Find(&after))
	if len(after) != 1 || after[0].Status != models.MessageCancelled {
		t.Fatalf("after the undo: %d stage messages (first %s); want the one withdrawn and none added", len(after), after[0].Status)
	}
	clock.Advance(5 * time.Minute)
	wakeDeliveries(t, store)
	waitDeliveryJobsDone(t, store) // the withdrawn message's job has looked at it and let it be
	if got := sink.To(ben.Email); len(got) != before {
		t.Fatalf("the candidate received %v for a move that was undone", subjects(got[before:]))
	}
	inbox, err := store.CandidateInbox(ctx, models.Actor{Kind: "candidate", ID: ben.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range inbox {
		if m.Kind == models.MsgStageChanged && m.ID > firstID { // the demo's own did leave
			t.Fatalf("the Messages page shows %q, which never left", m.Subject)
		}
	}

	// A move whose message has gone: undo tells the candidate again.
	if err := store.MoveStage(ctx, recruiter, app.ID, models.MoveRequest{To: next}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(3 * time.Minute)
	wakeDeliveries(t, store)
	for deadline := time.Now().Add(10 * time.Second); len(sink.To(ben.Email)) == before; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the move's message did not leave after its delay")
		}
	}
	if withdrawn, err := store.UndoLastMove(ctx, recruiter, app.ID, ""); err != nil || withdrawn {
		t.Fatalf("undo after the message left: withdrawn %v, %v", withdrawn, err)
	}
	var last models.OutboxMessage
	mustDB(t, store.DB().Where("candidate_id = ? AND kind = ? AND id > ?", ben.ID, models.MsgStageChanged, firstID).Order("id DESC").First(&last))
	if last.Status != models.MessageHeld {
		t.Fatalf("undo after the message left: newest stage message is %s, want a new one held", last.Status)
	}
}
