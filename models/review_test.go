package models_test

import (
	"context"
	"errors"
	"testing"

	"nextstep/models"
)

// Found in review: whoever edits an offer's terms may not approve them.
func TestEditorCannotApproveTheirOwnEdit(t *testing.T) {
	d := newDemo(t)
	ctx := context.Background()
	app := d.application(t, "daniel.kim@example.com")
	if _, err := d.store.SaveOfferDraft(ctx, staffActor(d.recruiter), app.ID, offerInput); err != nil {
		t.Fatal(err)
	}
	higher := offerInput
	higher.SalaryAmount = "90000"
	v, err := d.store.SaveOfferDraft(ctx, staffActor(d.manager), app.ID, higher)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.store.SubmitOffer(ctx, staffActor(d.manager), v.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.store.ApproveOffer(ctx, staffActor(d.manager), v.ID); models.FieldErrors(err) == nil {
		t.Fatalf("the manager approved terms they wrote themselves: %v", err)
	}
	if err := d.store.ApproveOffer(ctx, staffActor(d.admin), v.ID); err != nil {
		t.Fatalf("another approver: %v", err)
	}
}

// Found in review: closing an application stops a half-signed contract.
func TestClosedApplicationContractCannotBeCountersigned(t *testing.T) {
	d := newDemo(t)
	ctx := context.Background()
	appID, candidate := acceptedOffer(t, d)
	c, err := d.store.GenerateContract(ctx, staffActor(d.recruiter), appID, 1)
	if err != nil {
		t.Fatal(err)
	}
	d.store.GiveEsignConsent(ctx, candidate, appID, true)
	if err := d.store.SignAsCandidate(ctx, candidate, appID, "Daniel Kim", true); err != nil {
		t.Fatal(err)
	}
	if err := d.store.ChangeStatus(ctx, staffActor(d.recruiter), appID, models.StatusRejected, "Failed the background check"); err != nil {
		t.Fatal(err)
	}
	if err := d.store.Countersign(ctx, staffActor(d.manager), c.ID, "Hugo Manager", true); !errors.Is(err, models.ErrCandidateFirst) && !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("countersigning a closed application's contract: %v", err)
	}
	var status models.ContractStatus
	mustDB(t, d.store.DB().Raw("SELECT status FROM contracts WHERE id = ?", c.ID).Scan(&status))
	if status != models.ContractVoid {
		t.Fatalf("contract status %q, want void", status)
	}
}

// Found in review: withdrawing through an interest check frees the seat.
func TestWithdrawingFromInterestCheckReleasesTheSeat(t *testing.T) {
	f := newAssessmentFixture(t, 1, 5)
	ctx := context.Background()
	if _, err := f.store.BookSeat(ctx, f.candidates[0], f.apps[0], f.dayID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SendInterestCheck(ctx, staffActor(f.recruiter), f.apps[0], "Still keen?", nil); err != nil {
		t.Fatal(err)
	}
	if err := f.store.WithdrawFromInterestCheck(ctx, f.candidates[0], f.apps[0], "Took another job"); err != nil {
		t.Fatal(err)
	}
	if taken, _, booked, _ := f.seats(t, f.dayID); taken != 0 || booked != 0 {
		t.Fatalf("seat kept after withdrawal: taken %d booked %d", taken, booked)
	}
}
