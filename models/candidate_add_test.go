package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

func (d demo) titledPosition(t *testing.T, title string) int64 {
	t.Helper()
	var id int64
	if err := d.store.DB().Raw("SELECT id FROM positions WHERE title = ?", title).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("position %s: %v", title, err)
	}
	return id
}

func (d demo) countOf(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := d.store.DB().Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAddApplicationForExistingCandidate(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	amelia := d.application(t, "amelia.hart@example.com") // Account Executive
	backend := d.titledPosition(t, "Backend Engineer (Go)")
	tokens := d.countOf(t, "SELECT count(*) FROM login_tokens WHERE candidate_id = ?", amelia.CandidateID)

	app, err := d.store.AddApplication(ctx, staffActor(d.recruiter), amelia.CandidateID, backend)
	if err != nil {
		t.Fatal(err)
	}
	var got models.Application
	if err := d.store.DB().First(&got, app.ID).Error; err != nil {
		t.Fatal(err)
	}
	// The first stage of the position's pipeline, active, with the update
	// promised within the position's decision time (5 business days).
	if got.Stage != models.StageInterviewCompleted || got.Status != models.StatusActive || got.CandidateID != amelia.CandidateID {
		t.Errorf("application %+v", got)
	}
	want := models.AddBusinessDays(d.clock.Now(), 5, time.UTC)
	if got.ExpectedUpdateAt == nil || !got.ExpectedUpdateAt.Equal(want) {
		t.Errorf("expected update %v, want %v", got.ExpectedUpdateAt, want)
	}
	if n := d.countOf(t, "SELECT count(*) FROM stage_events WHERE application_id = ? AND to_stage = 'interview_completed' AND from_stage IS NULL", app.ID); n != 1 {
		t.Errorf("%d first stage events", n)
	}
	// The same invitation as a new candidate's: a fresh sign-in link.
	var msgs []models.OutboxMessage
	mustDB(t, d.store.DB().Where("candidate_id = ? AND kind = ?", amelia.CandidateID, models.MsgCandidateInvitation).Order("id DESC").Find(&msgs))
	if len(msgs) == 0 || !strings.Contains(msgs[0].Subject, "Backend Engineer (Go)") || !strings.Contains(msgs[0].Body, "/signin/") {
		t.Fatalf("invitation %+v", msgs)
	}
	if n := d.countOf(t, "SELECT count(*) FROM login_tokens WHERE candidate_id = ?", amelia.CandidateID); n != tokens+1 {
		t.Errorf("login tokens %d → %d", tokens, n)
	}
	if n := d.countOf(t, "SELECT count(*) FROM audit_log WHERE action = 'application.added' AND subject_id = ? AND actor_id = ?", app.ID, d.recruiter.ID); n != 1 {
		t.Errorf("%d audit rows", n)
	}
	// Twice is refused, by the check and, under a race, by the unique constraint.
	_, err = d.store.AddApplication(ctx, staffActor(d.admin), amelia.CandidateID, backend)
	if msg := models.FieldErrors(err)["position_id"]; msg != "Amelia Hart already has an application for Backend Engineer (Go)." {
		t.Errorf("second application: %v", err)
	}
	if n := d.countOf(t, "SELECT count(*) FROM applications WHERE candidate_id = ?", amelia.CandidateID); n != 2 {
		t.Errorf("%d applications", n)
	}
}

func TestAddApplicationRefusals(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	farid := d.application(t, "farid.haddad@example.com") // Backend Engineer, no manager
	elena := d.application(t, "elena.rossi@example.com")  // Account Executive, rejected
	sales := d.titledPosition(t, "Account Executive")
	warehouse := d.titledPosition(t, "Warehouse Operations Lead")
	backend := d.titledPosition(t, "Backend Engineer (Go)")
	before := d.countOf(t, "SELECT count(*) FROM applications")
	messages := d.countOf(t, "SELECT count(*) FROM outbox_messages")

	interviewer, err := d.store.StaffByEmail(ctx, "interviewer@demo.nextstep.test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.store.AddApplication(ctx, staffActor(interviewer), farid.CandidateID, sales); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("interviewer: %v", err)
	}
	// A hiring manager adds only to their own positions.
	if _, err := d.store.AddApplication(ctx, staffActor(d.manager), elena.CandidateID, backend); !strings.Contains(models.FieldErrors(err)["position_id"], "your own positions") {
		t.Errorf("manager, someone else's position: %v", err)
	}
	// A closed application for the same position still counts.
	if _, err := d.store.AddApplication(ctx, staffActor(d.recruiter), elena.CandidateID, sales); !strings.Contains(models.FieldErrors(err)["position_id"], "already has an application for Account Executive") {
		t.Errorf("rejected before, same position: %v", err)
	}
	if _, err := d.store.AddApplication(ctx, staffActor(d.recruiter), farid.CandidateID, 0); models.FieldErrors(err)["position_id"] == "" {
		t.Errorf("no position: %v", err)
	}
	if _, err := d.store.AddApplication(ctx, staffActor(d.recruiter), farid.CandidateID, 999999); models.FieldErrors(err)["position_id"] == "" {
		t.Errorf("unknown position: %v", err)
	}
	if _, err := d.store.AddApplication(ctx, staffActor(d.recruiter), 999999, sales); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown candidate: %v", err)
	}
	// Filled and closed positions take no new application.
	for _, status := range []models.PositionStatus{models.PositionFilled, models.PositionClosed} {
		if err := d.store.DB().Exec("UPDATE positions SET status = ? WHERE id = ?", status, warehouse).Error; err != nil {
			t.Fatal(err)
		}
		_, err := d.store.AddApplication(ctx, staffActor(d.admin), farid.CandidateID, warehouse)
		if msg := models.FieldErrors(err)["position_id"]; msg != "Warehouse Operations Lead is no longer open." {
			t.Errorf("%s position: %v", status, err)
		}
	}
	if n := d.countOf(t, "SELECT count(*) FROM applications"); n != before {
		t.Errorf("applications %d → %d", before, n)
	}
	if n := d.countOf(t, "SELECT count(*) FROM outbox_messages"); n != messages {
		t.Errorf("outbox %d → %d after refusals", messages, n)
	}
	// The hiring manager may add to their own open position.
	if err := d.store.DB().Exec("UPDATE positions SET status = 'open' WHERE id = ?", warehouse).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := d.store.AddApplication(ctx, staffActor(d.manager), farid.CandidateID, warehouse); err != nil {
		t.Errorf("manager, own position: %v", err)
	}
}

func TestFindCandidateByEmailAndAddablePositions(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	farid := d.application(t, "farid.haddad@example.com") // Backend Engineer, no manager

	found, err := d.store.FindCandidateByEmail(ctx, staffActor(d.recruiter), "  Farid.Haddad@Example.com ")
	if err != nil {
		t.Fatal(err)
	}
	if found.Candidate.ID != farid.CandidateID || len(found.Applications) != 1 || found.OutOfScope != 0 {
		t.Fatalf("found %+v", found)
	}
	if a := found.Applications[0]; a.PositionTitle != "Backend Engineer (Go)" || a.Stage != models.StageAdditionalInterview || a.Status != models.StatusActive {
		t.Errorf("application %+v", a)
	}
	titles := func(ps []models.PositionChoice) string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Title)
		}
		return strings.Join(out, ", ")
	}
	if got := titles(found.Addable); got != "Account Executive, Warehouse Operations Lead" {
		t.Errorf("recruiter may add %q", got)
	}
	// The hiring manager learns the person exists, not where they applied
	// outside their positions.
	found, err = d.store.FindCandidateByEmail(ctx, staffActor(d.manager), "farid.haddad@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(found.Applications) != 0 || found.OutOfScope != 1 || titles(found.Addable) != "Account Executive, Warehouse Operations Lead" {
		t.Errorf("manager sees %+v", found)
	}
	// A closed position is not offered.
	mustDB(t, d.store.DB().Exec("UPDATE positions SET status = 'closed' WHERE title = 'Warehouse Operations Lead'"))
	ps, err := d.store.AddablePositions(ctx, staffActor(d.admin), farid.CandidateID)
	if err != nil || titles(ps) != "Account Executive" {
		t.Errorf("addable after closing: %q %v", titles(ps), err)
	}
	for _, email := range []string{"nobody@example.com", "not an email"} {
		if _, err := d.store.FindCandidateByEmail(ctx, staffActor(d.recruiter), email); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%q: %v", email, err)
		}
	}
	interviewer, _ := d.store.StaffByEmail(ctx, "interviewer@demo.nextstep.test")
	if _, err := d.store.FindCandidateByEmail(ctx, staffActor(interviewer), "farid.haddad@example.com"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("interviewer: %v", err)
	}
}

// A new candidate with an email already known is refused; their data stays.
func TestCreateCandidateDuplicateEmailStillRefused(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	_, err := d.store.CreateCandidate(context.Background(), staffActor(d.recruiter), models.CandidateInput{
		Name: "Someone Else", Email: "farid.haddad@example.com", PositionID: d.titledPosition(t, "Account Executive")})
	if models.FieldErrors(err)["email"] == "" {
		t.Fatalf("err = %v", err)
	}
	if n := d.countOf(t, "SELECT count(*) FROM candidates WHERE name = 'Farid Haddad'"); n != 1 {
		t.Errorf("%d Farids", n)
	}
}
