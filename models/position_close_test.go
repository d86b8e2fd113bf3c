package models_test

import (
	"context"
	"fmt"
	"testing"

	"nextstep/models"
)

// Filling a position closes, in one go, every application still in progress
// before the offer, with one respectful message each; applications at the
// offer or later are left for staff to decide, and nothing still promises a
// date for the position.
func TestFillingAPositionClosesItsOpenApplications(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	db := d.store.DB()
	var posID int64
	if err := db.Raw("SELECT id FROM positions WHERE title = 'Account Executive'").Scan(&posID).Error; err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		if err := db.Exec(`WITH c AS (INSERT INTO candidates (email, name) VALUES (?, ?) RETURNING id)
			INSERT INTO applications (candidate_id, position_id, stage, status, expected_update_at)
			SELECT c.id, ?, 'interview_completed', 'active', now() + interval '3 days' FROM c`,
			fmt.Sprintf("close%d@example.com", i), fmt.Sprintf("Closing Candidate %d", i), posID).Error; err != nil {
			t.Fatal(err)
		}
	}
	var before struct{ Open, Offer int64 }
	mustDB(t, db.Raw(`SELECT count(*) FILTER (WHERE stage NOT IN ('offer', 'contract', 'onboarding')) AS open,
		count(*) FILTER (WHERE stage IN ('offer', 'contract', 'onboarding')) AS offer
		FROM applications WHERE position_id = ? AND status IN ('active', 'on_hold')`, posID).Scan(&before))
	if before.Open < 10 || before.Offer == 0 {
		t.Fatalf("fixture: %d open before the offer, %d at the offer or later", before.Open, before.Offer)
	}
	var messagesBefore int64
	mustDB(t, db.Raw("SELECT count(*) FROM outbox_messages WHERE kind = 'application_rejected'").Scan(&messagesBefore))

	admin := models.Actor{Kind: "staff", ID: d.admin.ID, Email: d.admin.Email, Role: d.admin.Role}
	if _, apps, err := d.store.OpenApplications(ctx, admin, posID); err != nil || int64(len(apps)) != before.Open+before.Offer {
		t.Fatalf("confirmation list: %d applications (%v), want %d", len(apps), err, before.Open+before.Offer)
	}
	acceptSofiasOffer(t, d) // the hire in progress: it stays as it is
	if err := d.store.ClosePosition(ctx, admin, posID, models.PositionFilled, nil); err != nil {
		t.Fatal(err)
	}
	var after struct{ Open, Offer, Promised int64 }
	mustDB(t, db.Raw(`SELECT count(*) FILTER (WHERE stage NOT IN ('offer', 'contract', 'onboarding')) AS open,
		count(*) FILTER (WHERE stage IN ('offer', 'contract', 'onboarding')) AS offer,
		count(*) FILTER (WHERE expected_update_at IS NOT NULL AND stage NOT IN ('offer', 'contract', 'onboarding')) AS promised
		FROM applications WHERE position_id = ? AND status IN ('active', 'on_hold')`, posID).Scan(&after))
	if after.Open != 0 || after.Promised != 0 {
		t.Fatalf("after filling: %d still open before the offer, %d still promised a date", after.Open, after.Promised)
	}
	if after.Offer != before.Offer {
		t.Fatalf("applications at the offer or later: %d → %d, want them left alone", before.Offer, after.Offer)
	}
	var messagesAfter, perCandidate int64
	mustDB(t, db.Raw("SELECT count(*) FROM outbox_messages WHERE kind = 'application_rejected'").Scan(&messagesAfter))
	if messagesAfter-messagesBefore != before.Open {
		t.Fatalf("%d rejection messages, want one per closed application (%d)", messagesAfter-messagesBefore, before.Open)
	}
	mustDB(t, db.Raw("SELECT count(*) FROM outbox_messages WHERE kind = 'application_rejected' AND to_email = 'close3@example.com'").Scan(&perCandidate))
	if perCandidate != 1 {
		t.Fatalf("close3 got %d messages, want 1", perCandidate)
	}
	var reason string
	mustDB(t, db.Raw("SELECT a.outcome_reason FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE c.email = 'close3@example.com'").Scan(&reason))
	if reason != "The position was filled." {
		t.Fatalf("reason %q", reason)
	}
	var n int64
	mustDB(t, db.Raw("SELECT count(*) FROM audit_log WHERE action = 'application.closed_with_position'").Scan(&n))
	if n != before.Open {
		t.Fatalf("%d audit rows, want %d", n, before.Open)
	}
}
