package models_test

import (
	"context"
	"testing"
	"time"

	"nextstep/models"
)

// YourMoves lists what only the candidate can do, the soonest deadline
// first, and nothing on a closed application.
func TestYourMovesOrderAndClosedApplications(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	offerBy, seatBy := now.AddDate(0, 0, 9), now.Add(20*time.Hour)
	slot := models.InterviewSlot{ID: 1, StartsAt: now.Add(48 * time.Hour), EndsAt: now.Add(49 * time.Hour)}
	past := models.InterviewSlot{ID: 2, StartsAt: now.Add(-time.Hour), EndsAt: now}
	open := func(status models.Status) models.CandidateApplication {
		a := models.CandidateApplication{JobOffer: models.OfferSent, OfferAnswerBy: &offerBy, Offers: 1, SeatOfferBy: &seatBy,
			InterestOpen: true, ContractStatus: models.ContractAwaitingCandidate,
			Rounds: []models.InterviewRound{{ID: 7, Status: models.RoundProposed, Slots: []models.InterviewSlot{slot}},
				{ID: 8, Status: models.RoundProposed, Slots: []models.InterviewSlot{past}}, // nothing left to pick
				{ID: 9, Status: models.RoundScheduled, Slots: []models.InterviewSlot{slot}}}}
		a.Status = status
		return a
	}
	got := open(models.StatusActive).YourMoves(now)
	want := []models.MoveKind{models.MoveAcceptSeat, models.MoveAnswerOffer, models.MoveAnswerInterest, models.MoveSignContract, models.MovePickTime}
	if len(got) != len(want) {
		t.Fatalf("moves %+v, want %v", got, want)
	}
	for i := range want {
		if got[i].Kind != want[i] {
			t.Errorf("move %d is %s, want %s", i, got[i].Kind, want[i])
		}
	}
	if got[4].RoundID != 7 {
		t.Errorf("the time to pick is for round %d, want 7", got[4].RoundID)
	}
	if m, ok := open(models.StatusOnHold).YourDeadline(now); !ok || m.Kind != models.MoveAcceptSeat || !m.By.Equal(seatBy) {
		t.Errorf("deadline %+v %v, want the seat's by %v", m, ok, seatBy)
	}
	for _, st := range []models.Status{models.StatusRejected, models.StatusWithdrawn, models.StatusHired} {
		if m := open(st).YourMoves(now); len(m) != 0 {
			t.Errorf("%s: moves %+v, want none", st, m)
		}
	}
	if _, ok := (models.CandidateApplication{}).YourDeadline(now); ok {
		t.Error("an application with nothing open has a deadline")
	}
}

// Promises follow the flow: Sofia has an offer to answer. However late the
// promise on her application, the keeper leaves it alone and her page shows
// her own deadline (the end of the offer's expiry day); when she accepts, the
// application is back with staff with a new promise from the stage time,
// counted afresh.
func TestPromisesFollowTheFlow(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	app := d.application(t, "sofia.costa@example.com")
	var cand models.Candidate
	mustDB(t, d.store.DB().First(&cand, app.CandidateID))
	must(t, d.store.OverrideExpectedDate(ctx, staffActor(d.recruiter), app.ID, d.clock.Now().AddDate(0, 0, 1), "Waiting for her answer."))
	setClock(d, d.clock.Now().AddDate(0, 0, 2))
	if _, err := d.store.KeepPromises(ctx); err != nil {
		t.Fatal(err)
	}
	var updates int64
	mustDB(t, d.store.DB().Raw("SELECT count(*) FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgPromiseUpdate, cand.ID).Scan(&updates))
	if got := d.application(t, "sofia.costa@example.com"); updates != 0 || got.PromiseExtensions != 0 {
		t.Fatalf("the keeper acted while the move is Sofia's: %d updates, %d extensions", updates, got.PromiseExtensions)
	}
	var v struct {
		ID        int64
		ExpiresOn time.Time
	}
	mustDB(t, d.store.DB().Raw(`SELECT v.id, v.expires_on FROM offer_versions v JOIN offers o ON o.id = v.offer_id
		WHERE o.application_id = ? AND v.status = 'sent'`, app.ID).Scan(&v))
	mine := func() models.CandidateApplication {
		view, err := d.store.GetCandidateView(ctx, &cand)
		must(t, err)
		for _, a := range view.Applications {
			if a.ID == app.ID {
				return a
			}
		}
		t.Fatal("Sofia's application is not on her page")
		return models.CandidateApplication{}
	}
	m, ok := mine().YourDeadline(d.clock.Now())
	wantBy := time.Date(v.ExpiresOn.Year(), v.ExpiresOn.Month(), v.ExpiresOn.Day(), 23, 59, 59, 0, time.UTC)
	if !ok || m.Kind != models.MoveAnswerOffer || !m.By.Equal(wantBy) {
		t.Fatalf("Sofia's deadline is %+v (%v), want to answer her offer by %v", m, ok, wantBy)
	}
	must(t, d.store.AcceptJobOffer(ctx, candidateActor(app), app.ID, v.ID))
	got := d.application(t, "sofia.costa@example.com")
	var sla int
	mustDB(t, d.store.DB().Raw("SELECT decision_sla_days FROM positions WHERE id = ?", app.PositionID).Scan(&sla))
	if want := models.AddBusinessDays(d.clock.Now(), sla, time.UTC); got.ExpectedUpdateAt == nil || !got.ExpectedUpdateAt.Equal(want) {
		t.Errorf("after accepting, the promise is %v, want %v (the stage time from now)", got.ExpectedUpdateAt, want)
	}
	if moves := mine().YourMoves(d.clock.Now()); len(moves) != 0 {
		t.Errorf("after accepting Sofia still has moves: %+v", moves)
	}
}
