package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"nextstep/models"
)

// scopeFixture: Daniel has an accepted offer and a contract with an open name
// correction; Chloe has an interview round (panel: the demo interviewer) with
// times offered, a decision consultation and an interest check. Both apply for
// the demo hiring manager's position.
type scopeFixture struct {
	ivDemo
	daniel, chloe          models.Application
	danielActor            models.Actor
	contractID             int64
	outsiders              []models.Actor // in no one's scope
	otherCandidate, system models.Actor
}

func newScopeFixture(t *testing.T) scopeFixture {
	t.Helper()
	d := newIVDemo(t)
	ctx := d.ctx
	f := scopeFixture{ivDemo: d}
	var danielID int64
	danielID, f.danielActor = acceptedOffer(t, d.demo)
	f.daniel = d.application(t, "daniel.kim@example.com")
	if f.daniel.ID != danielID {
		t.Fatal("Daniel's application changed")
	}
	c, err := d.store.GenerateContract(ctx, staffActor(d.recruiter), danielID, 1)
	must(t, err)
	f.contractID = c.ID
	_, err = d.store.RequestNameCorrection(ctx, f.danielActor, danielID, "Daniel Min-jun Kim", "")
	must(t, err)
	_, f.chloe = d.newRound(t, "chloe.dubois@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-10T10:00", "2026-12-10T14:00"))
	_, _ = d.openDecision(t, "chloe.dubois@example.com")
	_, err = d.store.SendInterestCheck(ctx, staffActor(d.recruiter), f.chloe.ID, "Still with us?", nil)
	must(t, err)

	otherManager, err := d.store.CreateStaff(ctx, staffActor(d.admin), models.StaffInput{Email: "olga.other@demo.nextstep.test", Name: "Olga Other", Role: models.RoleHiringManager})
	must(t, err)
	otherInterviewer, err := d.store.CreateStaff(ctx, staffActor(d.admin), models.StaffInput{Email: "ivan.other@demo.nextstep.test", Name: "Ivan Other", Role: models.RoleInterviewer})
	must(t, err)
	f.otherCandidate = candidateActor(d.application(t, "ben.okafor@example.com"))
	f.system = models.SystemActor("test")
	f.outsiders = []models.Actor{staffActor(otherManager), staffActor(otherInterviewer), f.otherCandidate, f.system}
	return f
}

func who(a models.Actor) string { return a.Kind + "/" + string(a.Role) + "/" + a.Email }

func isNotFound(err error) bool { return errors.Is(err, models.ErrNotFound) }

func TestContractTrailIsScoped(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	for _, in := range []models.Actor{staffActor(f.recruiter), staffActor(f.manager), f.danielActor} {
		if trail, err := f.store.ContractTrail(f.ctx, in, f.contractID); err != nil || len(trail) == 0 {
			t.Errorf("%s reading the contract trail: %d events, %v", who(in), len(trail), err)
		}
	}
	for _, out := range append(f.outsiders, staffActor(f.interviewer)) {
		if trail, err := f.store.ContractTrail(f.ctx, out, f.contractID); !isNotFound(err) || trail != nil {
			t.Errorf("%s reading the contract trail: %d events, %v; want ErrNotFound", who(out), len(trail), err)
		}
	}
	if _, err := f.store.ContractTrail(f.ctx, staffActor(f.admin), 987654); !isNotFound(err) {
		t.Errorf("the trail of no contract: %v", err)
	}
}

func TestOpenNameCorrectionIsScoped(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	for _, in := range []models.Actor{staffActor(f.recruiter), staffActor(f.manager), f.danielActor} {
		if nc, err := f.store.OpenNameCorrection(f.ctx, in, f.contractID); err != nil || nc == nil {
			t.Errorf("%s reading the open correction: %v, %v", who(in), nc, err)
		}
	}
	for _, out := range append(f.outsiders, staffActor(f.interviewer)) {
		if nc, err := f.store.OpenNameCorrection(f.ctx, out, f.contractID); !isNotFound(err) || nc != nil {
			t.Errorf("%s reading the open correction: %v, %v; want ErrNotFound", who(out), nc, err)
		}
	}
}

func TestOfferForIsScoped(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	for _, in := range []models.Actor{staffActor(f.admin), staffActor(f.manager), f.danielActor} {
		if o, err := f.store.OfferFor(f.ctx, in, f.daniel.ID); err != nil || o == nil || len(o.Versions) == 0 {
			t.Errorf("%s reading Daniel's offer: %v, %v", who(in), o, err)
		}
	}
	for _, out := range append(f.outsiders, staffActor(f.interviewer)) {
		if o, err := f.store.OfferFor(f.ctx, out, f.daniel.ID); !isNotFound(err) || o != nil {
			t.Errorf("%s reading Daniel's offer: %v, %v; want ErrNotFound", who(out), o, err)
		}
	}
}

func TestDecisionsAreScoped(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	ids := []int64{f.chloe.ID, f.daniel.ID}
	for _, in := range []models.Actor{staffActor(f.recruiter), staffActor(f.manager)} {
		got, err := f.store.Decisions(f.ctx, in, ids)
		got = slices.DeleteFunc(got, func(d models.DecisionRequest) bool { return d.ApplicationID != f.chloe.ID }) // the demo's own for Daniel
		if err != nil || len(got) != 1 {
			t.Errorf("%s reading decisions: %d, %v", who(in), len(got), err)
		}
	}
	// Consultations are staff-only: not even Chloe reads them.
	for _, out := range append(f.outsiders, staffActor(f.interviewer), candidateActor(f.chloe)) {
		if got, err := f.store.Decisions(f.ctx, out, ids); err != nil || len(got) != 0 {
			t.Errorf("%s reading decisions: %d, %v; want none", who(out), len(got), err)
		}
	}
}

func TestInterestChecksForIsScoped(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	ids := []int64{f.chloe.ID, f.daniel.ID}
	for _, in := range []models.Actor{staffActor(f.recruiter), staffActor(f.manager), candidateActor(f.chloe)} {
		if got, err := f.store.InterestChecksFor(f.ctx, in, ids); err != nil || len(got) != 1 {
			t.Errorf("%s reading interest checks: %d, %v", who(in), len(got), err)
		}
	}
	for _, out := range append(f.outsiders, staffActor(f.interviewer), f.danielActor) {
		if got, err := f.store.InterestChecksFor(f.ctx, out, ids); err != nil || len(got) != 0 {
			t.Errorf("%s reading Chloe's interest checks: %d, %v; want none", who(out), len(got), err)
		}
	}
}

func TestApplicationRoundsAreScoped(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	ids := []int64{f.chloe.ID, f.daniel.ID}
	// The interviewer reads the round they sit on.
	for _, in := range []models.Actor{staffActor(f.recruiter), staffActor(f.manager), staffActor(f.interviewer)} {
		got, err := f.store.ApplicationRounds(f.ctx, in, ids)
		got = slices.DeleteFunc(got, func(r models.InterviewRound) bool { return r.ApplicationID != f.chloe.ID }) // the demo's own for Daniel
		if err != nil || len(got) != 1 || got[0].ApplicationID != f.chloe.ID {
			t.Errorf("%s reading rounds: %d, %v", who(in), len(got), err)
		}
	}
	for _, out := range append(f.outsiders, candidateActor(f.chloe)) {
		if got, err := f.store.ApplicationRounds(f.ctx, out, ids); err != nil || len(got) != 0 {
			t.Errorf("%s reading Chloe's rounds: %d, %v; want none", who(out), len(got), err)
		}
	}
}

func TestFreeSlotsAreScoped(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	for _, in := range []models.Actor{staffActor(f.recruiter), staffActor(f.manager)} {
		if got, err := f.store.FreeSlots(f.ctx, in, f.chloe.PositionID); err != nil || len(got) == 0 {
			t.Errorf("%s reading free slots: %d, %v", who(in), len(got), err)
		}
	}
	for _, out := range append(f.outsiders, staffActor(f.interviewer), candidateActor(f.chloe)) {
		if got, err := f.store.FreeSlots(f.ctx, out, f.chloe.PositionID); !isNotFound(err) || got != nil {
			t.Errorf("%s reading free slots: %d, %v; want ErrNotFound", who(out), len(got), err)
		}
	}
}

// The audit log is for admins: everyone else gets ErrForbidden and no rows.
func TestListAuditIsForAdminsOnly(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	if rows, total, err := d.store.ListAudit(ctx, staffActor(d.admin), models.AuditFilter{Page: 1}); err != nil || len(rows) == 0 || total == 0 {
		t.Fatalf("admin reading the audit log: %d rows, %v", len(rows), err)
	}
	cand := candidateActor(d.application(t, "ben.okafor@example.com"))
	for _, out := range []models.Actor{staffActor(d.recruiter), staffActor(d.manager), cand, models.SystemActor("test"), {Kind: "candidate", ID: cand.ID, Role: models.RoleAdmin}} {
		if rows, total, err := d.store.ListAudit(ctx, out, models.AuditFilter{Page: 1}); !errors.Is(err, models.ErrForbidden) || rows != nil || total != 0 {
			t.Errorf("%s reading the audit log: %d rows, %v; want ErrForbidden", who(out), len(rows), err)
		}
	}
}
