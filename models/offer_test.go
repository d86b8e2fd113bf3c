package models_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"nextstep/models"
)

var offerInput = models.OfferInput{JobTitle: "Account Executive", SalaryAmount: "65000", SalaryCurrency: "gbp", SalaryPeriod: "year",
	Benefits: "25 days holiday", StartDate: "2027-02-01", Location: "London", WorkingPattern: "Full time", ExpiresOn: "2026-12-11"}

// acceptedOffer takes Daniel (sales, at the offer stage) through an offer he accepts.
func acceptedOffer(t *testing.T, d demo) (appID int64, candidate models.Actor) {
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
	if err := d.store.ApproveOffer(ctx, staffActor(d.recruiter), v.ID); !errors.Is(err, models.ErrForbidden) && models.FieldErrors(err) == nil {
		t.Fatalf("drafter approving own offer: %v", err)
	}
	if err := d.store.ApproveOffer(ctx, staffActor(d.manager), v.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.store.SendOffer(ctx, staffActor(d.recruiter), v.ID); err != nil {
		t.Fatal(err)
	}
	candidate = models.Actor{Kind: "candidate", ID: app.CandidateID, Email: "daniel.kim@example.com", IP: "198.51.100.20", UserAgent: "TestBrowser/1.0"}
	if err := d.store.AcceptJobOffer(ctx, candidate, app.ID, v.ID); err != nil {
		t.Fatal(err)
	}
	// The contract stage opens when the contract is sent, not on acceptance:
	// no application stands at Contract without a contract.
	if got := d.application(t, "daniel.kim@example.com"); got.Stage != models.StageOffer {
		t.Fatalf("accepting moved the application to %s before any contract exists", got.Stage)
	}
	return app.ID, candidate
}

func TestOfferVersionsAndExpiry(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	app := d.application(t, "daniel.kim@example.com")
	candidate := models.Actor{Kind: "candidate", ID: app.CandidateID}
	v1, _ := d.store.SaveOfferDraft(ctx, staffActor(d.recruiter), app.ID, offerInput)
	d.store.SubmitOffer(ctx, staffActor(d.recruiter), v1.ID)
	d.store.ApproveOffer(ctx, staffActor(d.manager), v1.ID)
	if err := d.store.SendOffer(ctx, staffActor(d.recruiter), v1.ID); err != nil {
		t.Fatal(err)
	}
	// Changing the sent offer makes version 2, which needs approval again.
	changed := offerInput
	changed.SalaryAmount = "70000"
	v2, err := d.store.SaveOfferDraft(ctx, staffActor(d.recruiter), app.ID, changed)
	if err != nil || v2.Version != 2 || v2.Status != models.OfferDraft {
		t.Fatalf("v2 = %+v, %v", v2, err)
	}
	if err := d.store.SendOffer(ctx, staffActor(d.recruiter), v2.ID); models.FieldErrors(err) == nil {
		t.Fatalf("unapproved version sent: %v", err)
	}
	d.store.SubmitOffer(ctx, staffActor(d.recruiter), v2.ID)
	d.store.ApproveOffer(ctx, staffActor(d.manager), v2.ID)
	if err := d.store.SendOffer(ctx, staffActor(d.recruiter), v2.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.store.AcceptJobOffer(ctx, candidate, app.ID, v1.ID); !errors.Is(err, models.ErrOfferNotCurrent) {
		t.Fatalf("accepting the superseded version: %v", err)
	}
	// After the expiry day (11 December) acceptance is refused.
	d.clock.Advance(11 * 24 * time.Hour)
	if err := d.store.AcceptJobOffer(ctx, candidate, app.ID, v2.ID); !errors.Is(err, models.ErrJobOfferExpired) {
		t.Fatalf("accepting an expired offer: %v", err)
	}
	if err := d.store.ExtendOffer(ctx, staffActor(d.recruiter), v2.ID, "2026-12-20"); err != nil {
		t.Fatal(err)
	}
	if err := d.store.AcceptJobOffer(ctx, candidate, app.ID, v2.ID); err != nil {
		t.Fatalf("accepting after extension: %v", err)
	}
}

func TestContractSigningFlow(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	appID, candidate := acceptedOffer(t, d)
	c, err := d.store.GenerateContract(ctx, staffActor(d.recruiter), appID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.TextSHA256 != models.TextHash(c.Text) || !strings.Contains(c.Text, "Daniel Kim") || !strings.Contains(c.Text, "GBP 65,000 per year") {
		t.Fatalf("contract text: %s", c.Text)
	}
	// Signing before consent is refused.
	if err := d.store.SignAsCandidate(ctx, candidate, appID, "Daniel Kim", true); !errors.Is(err, models.ErrConsentRequired) {
		t.Fatalf("sign before consent: %v", err)
	}
	if err := d.store.GiveEsignConsent(ctx, candidate, appID, true); err != nil {
		t.Fatal(err)
	}
	if err := d.store.SignAsCandidate(ctx, candidate, appID, "Dan Kim", true); models.FieldErrors(err)["signed_name"] == "" {
		t.Fatalf("wrong name: %v", err)
	}
	// The employer cannot sign first.
	if err := d.store.Countersign(ctx, staffActor(d.manager), c.ID, "Hugo Manager", true); !errors.Is(err, models.ErrCandidateFirst) {
		t.Fatalf("countersign first: %v", err)
	}
	if err := d.store.SignAsCandidate(ctx, candidate, appID, "  daniel   KIM ", true); err != nil {
		t.Fatalf("name with other case and spacing: %v", err)
	}
	// A recruiter without the signing right cannot countersign.
	if err := d.store.Countersign(ctx, staffActor(d.recruiter), c.ID, "Rita Recruiter", true); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("countersign without the right: %v", err)
	}
	// Ten concurrent countersignatures: one signature, one event, one PDF.
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := d.store.Countersign(ctx, staffActor(d.manager), c.ID, "Hugo Manager", true); err != nil {
				t.Errorf("countersign: %v", err)
			}
		}()
	}
	wg.Wait()
	var events int64
	mustDB(t, d.store.DB().Table("audit_log").Where("subject_type = 'contract' AND subject_id = ? AND action = 'contract.countersigned'", c.ID).Count(&events))
	if events != 1 {
		t.Fatalf("%d countersign events", events)
	}
	pdf, err := d.store.CandidateSignedPDF(ctx, candidate, appID)
	if err != nil || len(pdf.PDF) < 1000 {
		t.Fatalf("signed PDF: %v", err)
	}
	// The signed PDF is the candidate's own: staff and other candidates get ErrNotFound.
	ben := d.application(t, "ben.okafor@example.com").CandidateID
	for _, out := range []models.Actor{staffActor(d.admin), {Kind: "candidate", ID: ben}, models.SystemActor("test")} {
		if got, err := d.store.CandidateSignedPDF(ctx, out, appID); !errors.Is(err, models.ErrNotFound) || got != nil {
			t.Errorf("%s %d reading Daniel's signed PDF: %v; want ErrNotFound", out.Kind, out.ID, err)
		}
	}
	doc, err := d.store.VerifyPDF(ctx, pdf.PDF)
	if err != nil || doc.ContractID != c.ID || doc.CandidateName != "daniel KIM" { // the name as typed when signing
		t.Fatalf("verify: %+v %v", doc, err)
	}
	tampered := append([]byte{}, pdf.PDF...)
	tampered[len(tampered)/2] ^= 0x01
	if _, err := d.store.VerifyPDF(ctx, tampered); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("tampered PDF verified: %v", err)
	}
	// The database refuses changes to what was signed.
	for _, stmt := range []string{
		"UPDATE contracts SET text = text || ' amended' WHERE id = ?",
		"UPDATE contracts SET candidate_signed_name = 'Someone Else' WHERE id = ?",
		"UPDATE contracts SET pdf = 'x' WHERE id = ?",
		"UPDATE contracts SET status = 'void' WHERE id = ?",
		"DELETE FROM contracts WHERE id = ?",
	} {
		if err := d.store.DB().Exec(stmt, c.ID).Error; err == nil {
			t.Errorf("database accepted: %s", stmt)
		}
	}
	if got := d.application(t, "daniel.kim@example.com"); got.Stage != models.StageOnboarding {
		t.Fatalf("completed contract did not move to onboarding: %s", got.Stage)
	}
}

func TestTemplateValidation(t *testing.T) {
	t.Parallel()
	if err := models.ValidateTemplate("T", "Hello {{candidate_name}} {{salary}}"); err != nil {
		t.Fatal(err)
	}
	if err := models.ValidateTemplate("T", "Hello {{candidate_nme}}"); !strings.Contains(models.FieldErrors(err)["body"], "candidate_nme") {
		t.Fatalf("unknown placeholder: %v", err)
	}
	if got := models.FillTemplate("{{ job_title }} at {{company}}", map[string]string{"job_title": "AE", "company": "Acme"}); got != "AE at Acme" {
		t.Fatalf("FillTemplate = %q", got)
	}
	for typed, ok := range map[string]bool{"Daniel Kim": true, " daniel  kim ": true, "DANIEL KIM": true, "Daniel": false, "": false, "Daniel Kim Jr": false} {
		if models.NamesMatch(typed, "Daniel Kim") != ok {
			t.Errorf("NamesMatch(%q) != %v", typed, ok)
		}
	}
}

// An offer sent from an early stage passes over the stages in between: they
// are recorded on the staff timeline with the reason and shown to the
// candidate as not needed, never as done. An application on hold is not
// sent an offer (it would never move).
func TestOfferSentFromAnEarlyStageRecordsTheSkips(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	var posID int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM positions WHERE title = 'Account Executive'").Scan(&posID))
	mustDB(t, d.store.DB().Exec("UPDATE positions SET requires_decision_approval = false WHERE id = ?", posID))
	c, err := d.store.CreateCandidate(ctx, staffActor(d.recruiter), models.CandidateInput{Name: "Omar Early", Email: "omar@example.com",
		PositionID: posID, Stage: models.StageCommercialNegotiation})
	if err != nil {
		t.Fatal(err)
	}
	app := d.application(t, "omar@example.com")
	send := func() error {
		v, err := d.store.SaveOfferDraft(ctx, staffActor(d.recruiter), app.ID, offerInput)
		if err != nil {
			return err
		}
		if err := d.store.SubmitOffer(ctx, staffActor(d.recruiter), v.ID); err != nil {
			return err
		}
		if err := d.store.ApproveOffer(ctx, staffActor(d.manager), v.ID); err != nil {
			return err
		}
		return d.store.SendOffer(ctx, staffActor(d.recruiter), v.ID)
	}
	if err := d.store.ChangeStatus(ctx, staffActor(d.recruiter), app.ID, models.StatusOnHold, "Budget"); err != nil {
		t.Fatal(err)
	}
	if err := send(); err == nil || !strings.Contains(err.Error(), "on hold") {
		t.Fatalf("offer sent to an application on hold: %v", err)
	}
	if got := d.application(t, "omar@example.com"); got.Stage != models.StageCommercialNegotiation {
		t.Fatalf("refused offer moved the application to %s", got.Stage)
	}
	if err := d.store.ChangeStatus(ctx, staffActor(d.recruiter), app.ID, models.StatusActive, "Budget approved"); err != nil {
		t.Fatal(err)
	}
	var versionID int64
	if err := send(); err != nil {
		mustDB(t, d.store.DB().Raw("SELECT v.id FROM offer_versions v JOIN offers o ON o.id = v.offer_id WHERE o.application_id = ? ORDER BY v.id DESC LIMIT 1", app.ID).Scan(&versionID))
		if err := d.store.ApproveOffer(ctx, staffActor(d.manager), versionID); err != nil && models.FieldErrors(err) == nil {
			t.Fatal(err)
		}
		if err := d.store.SendOffer(ctx, staffActor(d.recruiter), versionID); err != nil {
			t.Fatal(err)
		}
	}
	view, err := d.store.GetCandidateView(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	a := view.Applications[0]
	if a.Stage != models.StageOffer {
		t.Fatalf("stage after sending the offer: %s", a.Stage)
	}
	for _, k := range a.Position.Pipeline.Between(models.StageCommercialNegotiation, models.StageOffer) {
		if !a.Skipped[k] {
			t.Errorf("%s shows as done though the offer passed over it", k)
		}
	}
	var note string
	mustDB(t, d.store.DB().Raw("SELECT note FROM stage_events WHERE application_id = ? AND to_stage = 'offer' AND kind = 'flow'", app.ID).Scan(&note))
	if !strings.Contains(note, "HR round") || !strings.Contains(note, "Final decision") {
		t.Fatalf("staff timeline note %q does not name the stages passed over", note)
	}
}

// Closing the application withdraws its offer: a version that was waiting
// for approval can then be neither approved, sent back, sent nor extended.
func TestAWithdrawnOfferCannotBeApprovedOrSent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDemo(t)
	app := d.application(t, "daniel.kim@example.com")
	v, err := d.store.SaveOfferDraft(ctx, staffActor(d.recruiter), app.ID, offerInput)
	must(t, err)
	must(t, d.store.SubmitOffer(ctx, staffActor(d.recruiter), v.ID))
	must(t, rejectDaniel(d, app.ID))
	for name, act := range map[string]func() error{
		"approve": func() error { return d.store.ApproveOffer(ctx, staffActor(d.manager), v.ID) },
		"send back": func() error {
			return d.store.SendBackOffer(ctx, staffActor(d.manager), v.ID, "Bring it into the band.")
		},
		"send": func() error { return d.store.SendOffer(ctx, staffActor(d.recruiter), v.ID) },
	} {
		if err := act(); !errors.Is(err, models.ErrOfferClosed) {
			t.Errorf("%s after the application closed: %v, want ErrOfferClosed", name, err)
		}
	}
	var status string
	mustDB(t, d.store.DB().Raw("SELECT status FROM offer_versions WHERE id = ?", v.ID).Scan(&status))
	if status != string(models.OfferPendingApproval) {
		t.Errorf("the version is %q after the refusals, want it untouched", status)
	}
}
