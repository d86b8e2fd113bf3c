package models_test

import (
	"context"
	"errors"
	"testing"

	"nextstep/models"
)

// A rejection held "until the position is filled" writes its message but
// sends nothing; the candidate reads no rejection and no promised date; the
// message goes, once, when the position is filled.
func TestRejectionHeldUntilThePositionIsFilled(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	db := d.store.DB()
	recruiter := models.Actor{Kind: "staff", ID: d.recruiter.ID, Email: d.recruiter.Email, Role: d.recruiter.Role}
	var app models.Application
	if err := db.Where("status = 'active' AND stage NOT IN ('offer', 'contract', 'onboarding', 'hired')").Order("id").First(&app).Error; err != nil {
		t.Fatal(err)
	}

	if err := d.store.RejectHeldUntilFilled(ctx, recruiter, app.ID, ""); models.FieldErrors(err)["reason"] == "" {
		t.Fatalf("a held rejection without a reason: %v, want a reason error", err)
	}
	if err := d.store.RejectHeldUntilFilled(ctx, recruiter, app.ID, "A stronger candidate is ahead"); err != nil {
		t.Fatal(err)
	}
	var held struct {
		Status   string
		Jobs     int64
		Held     bool
		Expected *string
	}
	mustDB(t, db.Raw(`SELECT m.status, (SELECT count(*) FROM river_job j WHERE j.args->>'message_id' = m.id::text) AS jobs,
		a.rejection_held AS held, a.expected_update_at::text AS expected
		FROM outbox_messages m JOIN applications a ON a.candidate_id = m.candidate_id AND a.id = ?
		WHERE m.kind = 'application_rejected' AND m.held_for_position_id = a.position_id`, app.ID).Scan(&held))
	if held.Status != "held" || held.Jobs != 0 || !held.Held || held.Expected != nil {
		t.Fatalf("after a held rejection: message %q with %d jobs, held flag %v, promised %v; want held, 0 jobs, flag set, no date",
			held.Status, held.Jobs, held.Held, held.Expected)
	}

	var cand models.Candidate
	mustDB(t, db.First(&cand, app.CandidateID))
	view, err := d.store.GetCandidateView(ctx, &cand)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range view.Applications {
		if a.ID == app.ID && !a.RejectionHeld {
			t.Fatal("the candidate's view does not know the rejection is held")
		}
	}

	admin := models.Actor{Kind: "staff", ID: d.admin.ID, Email: d.admin.Email, Role: d.admin.Role}
	rejectSofia(t, d) // her offer, unanswered, must be settled first
	if err := d.store.ClosePosition(ctx, admin, app.PositionID, models.PositionFilled, nil); err != nil {
		t.Fatal(err)
	}
	var after struct {
		Status string
		Held   bool
		Count  int64
	}
	mustDB(t, db.Raw(`SELECT max(m.status) AS status, bool_or(a.rejection_held) AS held, count(*) AS count
		FROM outbox_messages m JOIN applications a ON a.candidate_id = m.candidate_id AND a.id = ?
		WHERE m.kind = 'application_rejected'`, app.ID).Scan(&after))
	if after.Status != "queued" && after.Status != "sent" || after.Held || after.Count != 1 {
		t.Fatalf("after filling: message %q, held flag %v, %d messages; want one released message and the flag cleared", after.Status, after.Held, after.Count)
	}
}

// Reopening an application whose rejection was held drops the unsent
// message: it must never reach the candidate later.
func TestReopeningAHeldRejectionDropsItsMessage(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	db := d.store.DB()
	recruiter := models.Actor{Kind: "staff", ID: d.recruiter.ID, Email: d.recruiter.Email, Role: d.recruiter.Role}
	var app models.Application
	if err := db.Where("status = 'active' AND stage NOT IN ('offer', 'contract', 'onboarding', 'hired')").Order("id").First(&app).Error; err != nil {
		t.Fatal(err)
	}
	if err := d.store.RejectHeldUntilFilled(ctx, recruiter, app.ID, "Keeping as a fallback"); err != nil {
		t.Fatal(err)
	}
	if err := d.store.ChangeStatus(ctx, recruiter, app.ID, models.StatusActive, "The first choice declined"); err != nil {
		t.Fatal(err)
	}
	var n int64
	mustDB(t, db.Raw(`SELECT count(*) FROM outbox_messages WHERE kind = 'application_rejected' AND candidate_id = ? AND status <> 'cancelled'`, app.CandidateID).Scan(&n))
	var heldFlag bool
	mustDB(t, db.Raw(`SELECT rejection_held FROM applications WHERE id = ?`, app.ID).Scan(&heldFlag))
	if n != 0 || heldFlag {
		t.Fatalf("after reopening: %d rejection messages, held flag %v; want none and false", n, heldFlag)
	}
}

// A position already settled has nothing to wait for.
func TestHoldingARejectionNeedsAnOpenPosition(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	db := d.store.DB()
	var app models.Application
	if err := db.Where("status = 'active' AND stage NOT IN ('offer', 'contract', 'onboarding', 'hired')").Order("id").First(&app).Error; err != nil {
		t.Fatal(err)
	}
	mustDB(t, db.Exec(`UPDATE positions SET status = 'closed' WHERE id = ?`, app.PositionID))
	recruiter := models.Actor{Kind: "staff", ID: d.recruiter.ID, Email: d.recruiter.Email, Role: d.recruiter.Role}
	err := d.store.RejectHeldUntilFilled(ctx, recruiter, app.ID, "Not this time")
	if models.FieldErrors(err)["send"] == "" || errors.Is(err, models.ErrForbidden) {
		t.Fatalf("holding for a closed position: %v, want an error at the send time", err)
	}
	var status string
	mustDB(t, db.Raw(`SELECT status FROM applications WHERE id = ?`, app.ID).Scan(&status))
	if status != "active" {
		t.Fatalf("status %q after the refusal, want active (nothing half-saved)", status)
	}
}

// Reopening an application whose rejection was held in a chosen wording
// withdraws that message, whatever its wording: it must never go later.
func TestReopeningAHeldRejectionInAWordingDropsIt(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	app := d.application(t, "amelia.hart@example.com")
	must(t, d.store.Reject(ctx, actorOf(d.recruiter), app.ID, "Keeping as a fallback", models.Rejection{Wording: models.MsgRejectionAfterAssessment, Held: true}))
	must(t, d.store.ChangeStatus(ctx, actorOf(d.recruiter), app.ID, models.StatusActive, "The first choice declined"))
	var left int64
	query(t, d.store, &left, `SELECT count(*) FROM outbox_messages WHERE candidate_id = ? AND kind IN ? AND status <> 'cancelled'`,
		app.CandidateID, models.RejectionWordings())
	if left != 0 {
		t.Fatalf("after reopening, %d rejection messages may still go; want none", left)
	}
	rejectSofia(t, d)
	must(t, d.store.ClosePosition(ctx, actorOf(d.admin), app.PositionID, models.PositionFilled, nil))
	query(t, d.store, &left, `SELECT count(*) FROM outbox_messages WHERE candidate_id = ? AND kind = ? AND status <> 'cancelled'`,
		app.CandidateID, models.MsgRejectionAfterAssessment)
	if left != 0 {
		t.Fatalf("filling the position sent the withdrawn rejection (%d)", left)
	}
}
