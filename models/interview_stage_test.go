package models_test

import (
	"errors"
	"testing"

	"nextstep/models"
)

// TestSchedulingMovesTheStageOn: scheduling an interview round of a later
// stage moves the application there through the one staff move (a stage
// event and its audit entry); a move that passes over stages asks first and
// writes nothing until confirmed; a round of an earlier stage, or of none,
// leaves the stage alone.
func TestSchedulingMovesTheStageOn(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	panel := []int64{d.interviewer.ID}
	stage := func(appID int64) (k models.StageKey) {
		query(t, d.store, &k, "SELECT stage FROM applications WHERE id = ?", appID)
		return k
	}
	count := func(sql string, args ...any) (n int64) {
		query(t, d.store, &n, sql, args...)
		return n
	}
	in := func(kind models.InterviewKind) models.RoundInput {
		r := roundInput(panel, "2026-12-15T10:00")
		r.Kind, r.ConfirmSkip = kind, false
		return r
	}

	// The next stage: Amelia, at Interview completed, moves to Additional interview.
	_, amelia := d.newRound(t, "amelia.hart@example.com", in(models.InterviewAdditional))
	if got := stage(amelia.ID); got != models.StageAdditionalInterview {
		t.Fatalf("after scheduling an additional interview Amelia is at %s, want %s", got, models.StageAdditionalInterview)
	}
	if n := count("SELECT count(*) FROM stage_events WHERE application_id = ? AND to_stage = ? AND kind = 'move'", amelia.ID, models.StageAdditionalInterview); n != 1 {
		t.Errorf("%d stage events for the move, want 1", n)
	}
	if n := count("SELECT count(*) FROM audit_log WHERE subject_type = 'application' AND subject_id = ? AND action = 'application.stage_moved'", amelia.ID); n != 1 {
		t.Errorf("%d audit entries for the move, want 1", n)
	}
	// The round's invitation is her one message about it: no stage email besides.
	if n := count("SELECT count(*) FROM outbox_messages WHERE candidate_id = ? AND kind = 'stage_changed'", amelia.CandidateID); n != 0 {
		t.Errorf("%d stage emails besides the invitation, want none", n)
	}
	if n := count("SELECT count(*) FROM outbox_messages WHERE candidate_id = ? AND kind = 'interview_invitation'", amelia.CandidateID); n != 1 {
		t.Errorf("%d invitations, want 1", n)
	}

	// Further on: Amelia's HR round passes over the assessment day and the
	// commercial negotiation: refused until confirmed, and nothing written.
	rounds := count("SELECT count(*) FROM interview_rounds WHERE application_id = ?", amelia.ID)
	_, err := d.store.CreateRound(d.ctx, staffActor(d.recruiter), amelia.ID, in(models.InterviewHRRound))
	var refusal *models.Error
	if !errors.As(err, &refusal) || refusal.Fields()["confirm_skip"] == "" {
		t.Fatalf("an HR round two stages ahead: %v, want the skip to be confirmed first (confirm_skip)", err)
	}
	if got := stage(amelia.ID); got != models.StageAdditionalInterview {
		t.Errorf("the refused round moved Amelia to %s", got)
	}
	if n := count("SELECT count(*) FROM interview_rounds WHERE application_id = ?", amelia.ID); n != rounds {
		t.Errorf("the refused round was written")
	}
	confirmed := in(models.InterviewHRRound)
	confirmed.ConfirmSkip = true
	if _, err := d.store.CreateRound(d.ctx, staffActor(d.recruiter), amelia.ID, confirmed); err != nil {
		t.Fatalf("the HR round, confirmed: %v", err)
	}
	if got := stage(amelia.ID); got != models.StageHRRound {
		t.Errorf("after the confirmed HR round Amelia is at %s, want %s", got, models.StageHRRound)
	}
	if n := count("SELECT count(*) FROM stage_events WHERE application_id = ? AND to_stage = ? AND kind = 'skip'", amelia.ID, models.StageHRRound); n != 1 {
		t.Errorf("%d skip events to the HR round, want 1", n)
	}

	// On hold: Ben keeps his stage (the assessment day) whatever the interview.
	ben := d.application(t, "ben.okafor@example.com")
	must(t, d.store.ChangeStatus(d.ctx, staffActor(d.recruiter), ben.ID, models.StatusOnHold, "Waiting for the budget"))
	if _, err := d.store.CreateRound(d.ctx, staffActor(d.recruiter), ben.ID, in(models.InterviewHRRound)); err != nil {
		t.Fatalf("an HR round for Ben on hold: %v", err)
	}
	if got := stage(ben.ID); got != models.StageAssessmentDay {
		t.Errorf("an interview moved Ben, on hold, to %s", got)
	}

	// Earlier, or no stage of its own: Chloe stays at the commercial negotiation.
	chloe := d.application(t, "chloe.dubois@example.com")
	for _, kind := range []models.InterviewKind{models.InterviewAdditional, models.InterviewFinal, models.InterviewCommercialNegotiation} {
		if _, err := d.store.CreateRound(d.ctx, staffActor(d.recruiter), chloe.ID, in(kind)); err != nil {
			t.Fatalf("%s for Chloe: %v", kind, err)
		}
		if got := stage(chloe.ID); got != models.StageCommercialNegotiation {
			t.Errorf("a %s moved Chloe to %s", kind, got)
		}
	}
}
