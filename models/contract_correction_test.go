package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"nextstep/models"
)

// correctionFlow is Daniel with an accepted offer and a contract waiting for
// his signature, made out to "Daniel Kim".
type correctionFlow struct {
	demo
	appID      int64
	contractID int64
	candidate  models.Actor
}

func newCorrectionFlow(t *testing.T) correctionFlow {
	t.Helper()
	d := newDemo(t)
	appID, candidate := acceptedOffer(t, d)
	c, err := d.store.GenerateContract(context.Background(), staffActor(d.recruiter), appID, 1)
	if err != nil {
		t.Fatal(err)
	}
	return correctionFlow{demo: d, appID: appID, contractID: c.ID, candidate: candidate}
}

func (f correctionFlow) count(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := f.store.DB().Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (f correctionFlow) auditCount(t *testing.T, subjectType string, subjectID int64, action string) int64 {
	t.Helper()
	return f.count(t, "SELECT count(*) FROM audit_log WHERE subject_type = ? AND subject_id = ? AND action = ?", subjectType, subjectID, action)
}

// otherManager is a hiring manager of no demo position.
func (f correctionFlow) otherManager(t *testing.T) models.Actor {
	t.Helper()
	u, err := f.store.CreateStaff(context.Background(), staffActor(f.admin), models.StaffInput{Email: "other.manager@demo.nextstep.test",
		Name: "Olga Other", Role: models.RoleHiringManager})
	if err != nil {
		t.Fatal(err)
	}
	return staffActor(u)
}

func (f correctionFlow) interviewer(t *testing.T) models.Actor {
	t.Helper()
	u, err := f.store.StaffByEmail(context.Background(), "interviewer@demo.nextstep.test")
	if err != nil {
		t.Fatal(err)
	}
	return staffActor(u)
}

func TestNameCorrectionRequestValidation(t *testing.T) {
	f := newCorrectionFlow(t)
	ctx := context.Background()
	for _, tc := range []struct{ name, requested, note, field string }{
		{"empty", "   ", "", "requested_name"},
		{"too long", strings.Repeat("a", 201), "", "requested_name"},
		{"the same name", "  Daniel   Kim ", "", "requested_name"},
		{"note too long", "Daniel Min-jun Kim", strings.Repeat("n", 2001), "note"},
	} {
		if _, err := f.store.RequestNameCorrection(ctx, f.candidate, f.appID, tc.requested, tc.note); models.FieldErrors(err)[tc.field] == "" {
			t.Errorf("%s: err = %v, want a message on %s", tc.name, err, tc.field)
		}
	}
	if n := f.count(t, "SELECT count(*) FROM contract_name_corrections"); n != 0 {
		t.Fatalf("%d corrections stored after refused requests", n)
	}

	// A case-only difference is a different legal name.
	nc, err := f.store.RequestNameCorrection(ctx, f.candidate, f.appID, "  DANIEL   Kim", "Capitals as in my passport.")
	if err != nil {
		t.Fatal(err)
	}
	if nc.Status != models.NameCorrectionOpen || nc.RequestedName != "DANIEL Kim" || nc.CurrentName != "Daniel Kim" || nc.ContractID != f.contractID {
		t.Fatalf("stored request = %+v", nc)
	}
	// One open request at a time.
	if _, err := f.store.RequestNameCorrection(ctx, f.candidate, f.appID, "Daniel M. Kim", ""); models.FieldErrors(err)["requested_name"] == "" {
		t.Fatalf("second open request: %v", err)
	}
	if n := f.count(t, "SELECT count(*) FROM contract_name_corrections WHERE status = 'open'"); n != 1 {
		t.Fatalf("%d open requests, want 1", n)
	}
	if n := f.auditCount(t, "contract", f.contractID, "contract.name_correction_requested"); n != 1 {
		t.Fatalf("%d request audit rows, want 1", n)
	}
}

func TestNameCorrectionOnlyForOwnWaitingContract(t *testing.T) {
	f := newCorrectionFlow(t)
	ctx := context.Background()
	amelia := f.application(t, "amelia.hart@example.com")
	other := models.Actor{Kind: "candidate", ID: amelia.CandidateID, Email: "amelia.hart@example.com"}
	if _, err := f.store.RequestNameCorrection(ctx, other, f.appID, "Amelia Hart", ""); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another candidate's request: %v, want not found", err)
	}
	if _, err := f.store.RequestNameCorrection(ctx, staffActor(f.recruiter), f.appID, "Daniel Min-jun Kim", ""); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("a staff actor's request: %v, want forbidden", err)
	}
	if n := f.count(t, "SELECT count(*) FROM contract_name_corrections"); n != 0 {
		t.Fatalf("%d corrections stored after refused requests", n)
	}
	// Once signed, the name can no longer be corrected here.
	if err := f.store.GiveEsignConsent(ctx, f.candidate, f.appID, true); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SignAsCandidate(ctx, f.candidate, f.appID, "Daniel Kim", true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.RequestNameCorrection(ctx, f.candidate, f.appID, "Daniel Min-jun Kim", ""); models.FieldErrors(err)["requested_name"] == "" {
		t.Fatalf("request on a signed contract: %v", err)
	}
}

func TestNameCorrectionApply(t *testing.T) {
	f := newCorrectionFlow(t)
	ctx := context.Background()
	const corrected = "Daniel Min-jun Kim"
	if err := f.store.GiveEsignConsent(ctx, f.candidate, f.appID, true); err != nil {
		t.Fatal(err)
	}
	nc, err := f.store.RequestNameCorrection(ctx, f.candidate, f.appID, corrected, "My passport has my middle name.")
	if err != nil {
		t.Fatal(err)
	}
	// The staff who manage the application are told: the offer's drafter and
	// the position's hiring manager.
	var alerted []string
	mustDB(t, f.store.DB().Raw("SELECT to_email FROM outbox_messages WHERE kind = ? ORDER BY to_email", models.MsgNameCorrectionRequested).Scan(&alerted))
	if strings.Join(alerted, ",") != "manager@demo.nextstep.test,recruiter@demo.nextstep.test" {
		t.Fatalf("alerted %v, want the manager and the recruiter", alerted)
	}
	var body string
	mustDB(t, f.store.DB().Raw("SELECT body FROM outbox_messages WHERE kind = ? LIMIT 1", models.MsgNameCorrectionRequested).Scan(&body))
	if !strings.Contains(body, corrected) || !strings.Contains(body, "/admin/contracts/") || !strings.Contains(body, "middle name") {
		t.Fatalf("staff alert body: %s", body)
	}
	// Signing waits while the request is open.
	if err := f.store.SignAsCandidate(ctx, f.candidate, f.appID, "Daniel Kim", true); !errors.Is(err, models.ErrNotYourTurn) {
		t.Fatalf("signing with a correction open: %v", err)
	}
	view, err := f.store.GetCandidateContract(ctx, f.candidate, f.appID)
	if err != nil || view.Correction == nil || view.Correction.Status != models.NameCorrectionOpen {
		t.Fatalf("candidate view correction: %+v %v", view, err)
	}

	// Who sees the request in their queue, and who may act on it.
	other := f.otherManager(t)
	for _, tc := range []struct {
		who   string
		actor models.Actor
		want  int
	}{{"recruiter", staffActor(f.recruiter), 1}, {"manager", staffActor(f.manager), 1}, {"admin", staffActor(f.admin), 1},
		{"other manager", other, 0}, {"interviewer", f.interviewer(t), 0}} {
		items, err := f.store.OpenNameCorrections(ctx, tc.actor, 10)
		if err != nil || len(items) != tc.want {
			t.Errorf("%s queue: %+v %v, want %d", tc.who, items, err, tc.want)
		}
		if tc.want == 1 && (items[0].ID != nc.ID || items[0].CandidateName != "Daniel Kim" || items[0].RequestedName != corrected || items[0].ContractID != f.contractID) {
			t.Errorf("%s queue item: %+v", tc.who, items[0])
		}
	}
	for _, who := range []models.Actor{other, f.interviewer(t)} {
		if _, err := f.store.ApplyNameCorrection(ctx, who, nc.ID); !errors.Is(err, models.ErrNotFound) && !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("%s applying: %v, want refused", who.Email, err)
		}
		if err := f.store.DeclineNameCorrection(ctx, who, nc.ID, "No."); !errors.Is(err, models.ErrNotFound) && !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("%s declining: %v, want refused", who.Email, err)
		}
	}
	if n := f.count(t, "SELECT count(*) FROM contract_name_corrections WHERE status = 'open'"); n != 1 {
		t.Fatal("a refused actor changed the request")
	}

	newC, err := f.store.ApplyNameCorrection(ctx, staffActor(f.manager), nc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if newC.ID == f.contractID || newC.Status != models.ContractAwaitingCandidate || !strings.Contains(newC.Text, corrected) ||
		strings.Contains(newC.Text, "Daniel Kim") || newC.TextSHA256 != models.TextHash(newC.Text) {
		t.Fatalf("new contract: %+v", newC)
	}
	var old models.Contract
	mustDB(t, f.store.DB().Omit("pdf").First(&old, f.contractID))
	if old.Status != models.ContractVoid || old.OfferVersionID != newC.OfferVersionID || old.TemplateID != newC.TemplateID {
		t.Fatalf("old contract %+v, new %+v", old, newC)
	}
	var name string
	mustDB(t, f.store.DB().Raw("SELECT name FROM candidates WHERE id = ?", f.candidate.ID).Scan(&name))
	if name != corrected {
		t.Fatalf("candidate name on record = %q", name)
	}
	var stored models.NameCorrection
	mustDB(t, f.store.DB().First(&stored, nc.ID))
	if stored.Status != models.NameCorrectionApplied || stored.ResolvedBy == nil || *stored.ResolvedBy != f.manager.ID || stored.ResolvedAt == nil {
		t.Fatalf("stored correction: %+v", stored)
	}
	for _, a := range []struct {
		subject string
		id      int64
		action  string
	}{{"candidate", f.candidate.ID, "candidate.name_corrected"}, {"contract", f.contractID, "contract.voided"},
		{"contract", f.contractID, "contract.name_correction_applied"}, {"contract", newC.ID, "contract.created"}, {"contract", newC.ID, "contract.sent"}} {
		if n := f.auditCount(t, a.subject, a.id, a.action); n != 1 {
			t.Errorf("%d audit rows %s on %s %d, want 1", n, a.action, a.subject, a.id)
		}
	}
	var msg struct{ ToEmail, Body string }
	mustDB(t, f.store.DB().Raw("SELECT to_email, body FROM outbox_messages WHERE kind = ?", models.MsgContractNameCorrected).Scan(&msg))
	if msg.ToEmail != "daniel.kim@example.com" || !strings.Contains(msg.Body, corrected) || !strings.Contains(msg.Body, "/contract") {
		t.Fatalf("candidate message: %+v", msg)
	}

	// A repeated click changes nothing and answers with the same contract.
	again, err := f.store.ApplyNameCorrection(ctx, staffActor(f.recruiter), nc.ID)
	if err != nil || again.ID != newC.ID {
		t.Fatalf("applying twice: %+v %v", again, err)
	}
	if n := f.count(t, "SELECT count(*) FROM contracts WHERE application_id = ?", f.appID); n != 2 {
		t.Fatalf("%d contracts, want the void one and its replacement", n)
	}
	if err := f.store.DeclineNameCorrection(ctx, staffActor(f.recruiter), nc.ID, "Too late."); models.FieldErrors(err) == nil {
		t.Fatalf("declining an applied correction: %v", err)
	}

	// The new contract needs consent again, then signs with the new name only.
	if err := f.store.GiveEsignConsent(ctx, f.candidate, f.appID, true); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SignAsCandidate(ctx, f.candidate, f.appID, "Daniel Kim", true); models.FieldErrors(err)["signed_name"] == "" {
		t.Fatalf("signing with the old name: %v", err)
	}
	if err := f.store.SignAsCandidate(ctx, f.candidate, f.appID, corrected, true); err != nil {
		t.Fatalf("signing with the corrected name: %v", err)
	}
	var signed models.Contract
	mustDB(t, f.store.DB().Omit("pdf").First(&signed, newC.ID))
	if signed.Status != models.ContractAwaitingEmployer || signed.CandidateSignedName == nil || *signed.CandidateSignedName != corrected {
		t.Fatalf("signed contract: %+v", signed)
	}
}

func TestNameCorrectionDecline(t *testing.T) {
	f := newCorrectionFlow(t)
	ctx := context.Background()
	nc, err := f.store.RequestNameCorrection(ctx, f.candidate, f.appID, "Danny Kim", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.DeclineNameCorrection(ctx, staffActor(f.recruiter), nc.ID, "   "); models.FieldErrors(err)["response"] == "" {
		t.Fatalf("declining without a response: %v", err)
	}
	if n := f.count(t, "SELECT count(*) FROM contract_name_corrections WHERE status = 'open'"); n != 1 {
		t.Fatal("a refused decline changed the request")
	}
	const response = "Your passport reads Daniel Kim; a nickname cannot go on the contract."
	if err := f.store.DeclineNameCorrection(ctx, staffActor(f.recruiter), nc.ID, response); err != nil {
		t.Fatal(err)
	}
	var stored models.NameCorrection
	mustDB(t, f.store.DB().First(&stored, nc.ID))
	if stored.Status != models.NameCorrectionDeclined || stored.Response != response || stored.ResolvedBy == nil || *stored.ResolvedBy != f.recruiter.ID {
		t.Fatalf("stored correction: %+v", stored)
	}
	if n := f.auditCount(t, "contract", f.contractID, "contract.name_correction_declined"); n != 1 {
		t.Fatalf("%d decline audit rows", n)
	}
	var msg struct{ ToEmail, Body string }
	mustDB(t, f.store.DB().Raw("SELECT to_email, body FROM outbox_messages WHERE kind = ?", models.MsgNameCorrectionDeclined).Scan(&msg))
	if msg.ToEmail != "daniel.kim@example.com" || !strings.Contains(msg.Body, response) || !strings.Contains(msg.Body, "Danny Kim") {
		t.Fatalf("candidate message: %+v", msg)
	}
	// The name and the contract stay as they were.
	var name string
	var status models.ContractStatus
	mustDB(t, f.store.DB().Raw("SELECT name FROM candidates WHERE id = ?", f.candidate.ID).Scan(&name))
	mustDB(t, f.store.DB().Raw("SELECT status FROM contracts WHERE id = ?", f.contractID).Scan(&status))
	if name != "Daniel Kim" || status != models.ContractAwaitingCandidate {
		t.Fatalf("after declining: name %q, contract %q", name, status)
	}
	if _, err := f.store.ApplyNameCorrection(ctx, staffActor(f.manager), nc.ID); models.FieldErrors(err) == nil {
		t.Fatalf("applying a declined correction: %v", err)
	}
	view, err := f.store.GetCandidateContract(ctx, f.candidate, f.appID)
	if err != nil || view.Correction == nil || view.Correction.Response != response {
		t.Fatalf("candidate view after declining: %+v %v", view.Correction, err)
	}
	// The candidate may ask again.
	if _, err := f.store.RequestNameCorrection(ctx, f.candidate, f.appID, "Daniel Min-jun Kim", ""); err != nil {
		t.Fatalf("asking again after a decline: %v", err)
	}
}
