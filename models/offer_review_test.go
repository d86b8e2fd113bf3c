package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// sentBackRow is an offer version's approval state straight from the database.
type sentBackRow struct {
	Status          string
	SentBackComment string
	SentBackBy      *int64
	SentBackAt      *time.Time
	SalaryAmount    string
}

func readSentBack(t *testing.T, d demo, id int64) sentBackRow {
	t.Helper()
	var r sentBackRow
	if err := d.store.DB().Raw(`SELECT status, sent_back_comment, sent_back_by, sent_back_at, salary_amount::text AS salary_amount
		FROM offer_versions WHERE id = ?`, id).Scan(&r).Error; err != nil || r.Status == "" {
		t.Fatalf("offer version %d: %v", id, err)
	}
	return r
}

// secondManager adds a hiring manager who manages none of the demo positions.
func secondManager(t *testing.T, d demo) *models.StaffUser {
	t.Helper()
	u, err := d.store.CreateStaff(context.Background(), staffActor(d.admin), models.StaffInput{Email: "second.manager@demo.nextstep.test",
		Name: "Sam Second", Role: models.RoleHiringManager, Password: "a long enough password 42"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// pendingOffer drafts (as the recruiter) and submits an offer for Daniel.
func pendingOffer(t *testing.T, d demo) (models.Application, *models.OfferVersion) {
	t.Helper()
	ctx := context.Background()
	app := d.application(t, "daniel.kim@example.com")
	v, err := d.store.SaveOfferDraft(ctx, staffActor(d.recruiter), app.ID, offerInput)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.store.SubmitOffer(ctx, staffActor(d.recruiter), v.ID); err != nil {
		t.Fatal(err)
	}
	return app, v
}

// TestSendBackOfferRules: only someone who may approve a version may send it
// back, only while it waits for approval, and only with a comment; sending
// back makes it a draft with the comment, audits, and alerts the drafter.
func TestSendBackOfferRules(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	app, v := pendingOffer(t, d)
	interviewer, err := d.store.StaffByEmail(ctx, "interviewer@demo.nextstep.test")
	if err != nil {
		t.Fatal(err)
	}
	other := secondManager(t, d)
	const comment = "Please bring the salary down to 62,000: the budget is fixed."

	// Who may not: the drafter, a recruiter, staff outside the position.
	if err := d.store.SendBackOffer(ctx, staffActor(d.recruiter), v.ID, comment); models.FieldErrors(err) == nil {
		t.Errorf("the drafter sending back their own offer: %v, want a refusal", err)
	}
	anotherRecruiter, err := d.store.CreateStaff(ctx, staffActor(d.admin), models.StaffInput{Email: "second.recruiter@demo.nextstep.test",
		Name: "Rob Second", Role: models.RoleRecruiter, Password: "a long enough password 42"})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.store.SendBackOffer(ctx, staffActor(anotherRecruiter), v.ID, comment); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("a recruiter who did not draft it: %v, want ErrForbidden (only the hiring manager or an admin approves)", err)
	}
	if err := d.store.SendBackOffer(ctx, staffActor(other), v.ID, comment); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("the hiring manager of other positions: %v, want ErrNotFound", err)
	}
	if err := d.store.SendBackOffer(ctx, staffActor(interviewer), v.ID, comment); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("an interviewer: %v, want ErrNotFound", err)
	}
	if err := d.store.SendBackOffer(ctx, staffActor(d.manager), v.ID+100000, comment); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("an unknown version: %v, want ErrNotFound", err)
	}

	// The comment is required: 3 to 2000 characters once trimmed.
	for _, bad := range []string{"", "   ", "ok", "  x \n ", strings.Repeat("é", 2001)} {
		if err := d.store.SendBackOffer(ctx, staffActor(d.manager), v.ID, bad); models.FieldErrors(err)["comment"] == "" {
			t.Errorf("comment of %d characters: %v, want a message on comment", len([]rune(bad)), err)
		}
	}
	if r := readSentBack(t, d, v.ID); r.Status != string(models.OfferPendingApproval) || r.SentBackComment != "" || r.SentBackBy != nil {
		t.Fatalf("after refused send-backs: %+v, want still pending with no comment", r)
	}
	var before int64
	mustDB(t, d.store.DB().Table("outbox_messages").Where("kind = ?", models.MsgOfferSentBack).Count(&before))
	if before != 0 {
		t.Fatalf("%d sent-back alerts queued by refused requests", before)
	}

	// The hiring manager sends it back.
	if err := d.store.SendBackOffer(ctx, staffActor(d.manager), v.ID, "  "+comment+"\n"); err != nil {
		t.Fatalf("the hiring manager sending back: %v", err)
	}
	r := readSentBack(t, d, v.ID)
	if r.Status != string(models.OfferDraft) || r.SentBackComment != comment || r.SentBackBy == nil || *r.SentBackBy != d.manager.ID ||
		r.SentBackAt == nil || !r.SentBackAt.Equal(d.clock.Now()) {
		t.Fatalf("after sending back: %+v, want a draft with the trimmed comment, by the manager, now", r)
	}
	audits, err := d.store.RevealedAudit(ctx, "audit_log.action = 'offer.sent_back' AND audit_log.subject_type = 'offer' AND audit_log.subject_id = ?", v.OfferID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(auditText(t, d.store, "offer.sent_back"), "budget is fixed") {
		t.Error("the sent-back comment is in the audit log in clear")
	}
	if len(audits) != 1 || audits[0].ActorID == nil || *audits[0].ActorID != d.manager.ID || !strings.Contains(string(audits[0].Details), "budget is fixed") {
		t.Fatalf("audit rows for sending back: %+v, want one by the manager with the comment", audits)
	}
	var msgs []models.OutboxMessage
	mustDB(t, d.store.DB().Where("kind = ?", models.MsgOfferSentBack).Find(&msgs))
	if len(msgs) != 1 {
		t.Fatalf("%d sent-back alerts, want 1", len(msgs))
	}
	m := msgs[0]
	wantLink := fmt.Sprintf("/admin/candidates/%d#offer-%d", app.CandidateID, app.ID)
	if m.StaffID == nil || *m.StaffID != d.recruiter.ID || m.ToEmail != d.recruiter.Email || m.LinkPath != wantLink {
		t.Errorf("alert to %q (staff %v), link %q; want the drafter %s, link %s", m.ToEmail, m.StaffID, m.LinkPath, d.recruiter.Email, wantLink)
	}
	for _, want := range []string{comment, "Hugo Manager", "Daniel Kim", "GBP 65,000 per year", wantLink} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("alert body lacks %q:\n%s", want, m.Body)
		}
	}
	if !strings.Contains(m.Subject, "Daniel Kim") {
		t.Errorf("alert subject = %q, want the candidate's name", m.Subject)
	}

	// A draft cannot be sent back (again), nor approved.
	if err := d.store.SendBackOffer(ctx, staffActor(d.manager), v.ID, comment); models.FieldErrors(err) == nil {
		t.Errorf("sending back a draft: %v, want a refusal", err)
	}
	if err := d.store.ApproveOffer(ctx, staffActor(d.manager), v.ID); models.FieldErrors(err) == nil {
		t.Errorf("approving a version sent back: %v, want a refusal", err)
	}

	// The recruiter edits the draft: the comment stays with it.
	changed := offerInput
	changed.SalaryAmount = "62000"
	v2, err := d.store.SaveOfferDraft(ctx, staffActor(d.recruiter), app.ID, changed)
	if err != nil || v2.ID != v.ID || v2.SentBackComment != comment {
		t.Fatalf("editing the draft sent back: %+v, %v; want the same version, comment kept", v2, err)
	}
	if r := readSentBack(t, d, v.ID); r.Status != string(models.OfferDraft) || r.SentBackComment != comment || r.SalaryAmount != "62000.00" {
		t.Fatalf("after editing: %+v, want a draft at 62000 with the comment", r)
	}
	// Submitting again clears nothing: the comment is history of this version.
	if err := d.store.SubmitOffer(ctx, staffActor(d.recruiter), v.ID); err != nil {
		t.Fatal(err)
	}
	if r := readSentBack(t, d, v.ID); r.Status != string(models.OfferPendingApproval) || r.SentBackComment != comment {
		t.Fatalf("after submitting again: %+v, want pending with the comment on record", r)
	}
	// An admin may send back too (the position has a hiring manager).
	if err := d.store.SendBackOffer(ctx, staffActor(d.admin), v.ID, "One more: start in March."); err != nil {
		t.Fatalf("an admin sending back: %v", err)
	}
	if r := readSentBack(t, d, v.ID); r.SentBackComment != "One more: start in March." || r.SentBackBy == nil || *r.SentBackBy != d.admin.ID {
		t.Fatalf("after the admin sent back: %+v", r)
	}
	if err := d.store.SubmitOffer(ctx, staffActor(d.recruiter), v.ID); err != nil {
		t.Fatal(err)
	}
	// Editing a version that was submitted again starts a fresh draft: the
	// old comment no longer applies.
	if _, err := d.store.SaveOfferDraft(ctx, staffActor(d.recruiter), app.ID, changed); err != nil {
		t.Fatal(err)
	}
	if r := readSentBack(t, d, v.ID); r.Status != string(models.OfferDraft) || r.SentBackComment != "" || r.SentBackBy != nil || r.SentBackAt != nil {
		t.Fatalf("editing a resubmitted version: %+v, want a fresh draft without the old comment", r)
	}
	if err := d.store.SubmitOffer(ctx, staffActor(d.recruiter), v.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.store.ApproveOffer(ctx, staffActor(d.manager), v.ID); err != nil {
		t.Fatalf("approving after the changes: %v", err)
	}
	// An approved version is no longer waiting: it cannot be sent back.
	if err := d.store.SendBackOffer(ctx, staffActor(d.manager), v.ID, comment); models.FieldErrors(err) == nil {
		t.Errorf("sending back an approved version: %v, want a refusal", err)
	}
	if r := readSentBack(t, d, v.ID); r.Status != string(models.OfferApproved) {
		t.Fatalf("status after refusing to send back the approved version: %q", r.Status)
	}
}

// TestOfferReviewScope: the review page loads a version with its people for
// staff who manage the position, and nobody else.
func TestOfferReviewScope(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	app, v := pendingOffer(t, d)
	other := secondManager(t, d)
	interviewer, err := d.store.StaffByEmail(ctx, "interviewer@demo.nextstep.test")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*models.StaffUser{d.manager, d.recruiter, d.admin} {
		r, err := d.store.OfferReviewFor(ctx, staffActor(u), v.ID)
		if err != nil {
			t.Fatalf("%s opening the review: %v", u.Email, err)
		}
		if r.Version.ID != v.ID || r.Application.ID != app.ID || r.Application.Candidate == nil || r.Application.Candidate.Name != "Daniel Kim" ||
			r.Application.Position == nil || r.Application.Position.HiringManager == nil || r.Version.Drafter == nil || r.Version.Drafter.ID != d.recruiter.ID {
			t.Fatalf("%s: review = %+v", u.Email, r)
		}
	}
	for _, u := range []*models.StaffUser{other, interviewer} {
		if _, err := d.store.OfferReviewFor(ctx, staffActor(u), v.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%s opening the review: %v, want ErrNotFound", u.Email, err)
		}
	}
	if _, err := d.store.OfferReviewFor(ctx, staffActor(d.admin), v.ID+100000); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown version: %v, want ErrNotFound", err)
	}
	// After sending back, the review names who did.
	if err := d.store.SendBackOffer(ctx, staffActor(d.manager), v.ID, "Lower the salary, please."); err != nil {
		t.Fatal(err)
	}
	r, err := d.store.OfferReviewFor(ctx, staffActor(d.recruiter), v.ID)
	if err != nil || r.Version.SentBacker == nil || r.Version.SentBacker.Name != "Hugo Manager" || !r.Version.SentBack() {
		t.Fatalf("review after sending back: %+v, %v", r, err)
	}
}
