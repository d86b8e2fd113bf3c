package models_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"nextstep/models"
)

// Texts only staff, referees or providers wrote: none may reach an export.
const (
	exScorecardNote = "Scorecard: hesitant on pricing XQ71"
	exRatingNote    = "Rating note: weak on objections XQ72"
	exStaffNote     = "Staff note: salary flexible XQ73"
	exRefereeAnswer = "Referee answer: reliable but late XQ74"
	exCheckInternal = "Check internal: county court record XQ75"
	exAssessNote    = "Assessment result note XQ76"
)

// exportFixture is Noah Schmidt (the demo's starter, with a signed contract
// and an assessment-day booking) given everything else an export covers:
// an interview booked and one only offered, a scorecard, a staff note,
// documents, a referee who answered, a check, an interest check, an offer
// question, sealed onboarding answers, and a rejection not told yet.
type exportFixture struct {
	ivDemo
	noah                    models.Actor
	warehouse, ae, backend  models.Application
	booked, offered         *models.InterviewRound
	withheldRejectedSubject string
}

func newExportFixture(t *testing.T) exportFixture {
	t.Helper()
	d := newIVDemo(t)
	f := exportFixture{ivDemo: d, warehouse: d.application(t, "noah.schmidt@example.com")}
	f.noah = candidateActor(f.warehouse)
	hr := staffActor(d.recruiter)
	// Messages delivered so far (the demo's stay queued in tests).
	mustDB(t, d.store.DB().Exec(`UPDATE outbox_messages SET status = 'sent', sent_at = created_at WHERE candidate_id = ? AND status = 'queued'`, f.noah.ID))

	ae, err := d.store.AddApplication(d.ctx, hr, f.noah.ID, d.ae)
	must(t, err)
	f.ae = *ae
	f.booked, err = d.store.CreateRound(d.ctx, hr, ae.ID, roundInput([]int64{d.interviewer.ID}, "2026-12-08T10:00", "2026-12-08T14:00"))
	must(t, err)
	must(t, d.store.PickSlot(d.ctx, f.noah, ae.ID, f.booked.ID, roundSlots(t, d.store, f.booked.ID)[0].ID))
	in := roundInput([]int64{d.interviewer.ID}, "2026-12-15T09:30")
	in.Kind, in.Instructions = models.InterviewHRRound, "Bring your questions about benefits."
	f.offered, err = d.store.CreateRound(d.ctx, hr, ae.ID, in)
	must(t, err)
	d.at(t, "2026-12-08T11:00")
	cs := criteria(t, d, d.ae)
	sc := card(cs, models.RecommendYes)
	sc.Notes, sc.RatingNotes = exScorecardNote, map[int64]string{}
	for _, c := range cs {
		sc.Ratings[c.ID], sc.RatingNotes[c.ID] = "3", exRatingNote
	}
	must(t, d.store.SubmitScorecard(d.ctx, staffActor(d.interviewer), f.booked.ID, sc))
	must(t, d.store.AddNote(d.ctx, hr, f.noah.ID, exStaffNote))
	mustDB(t, d.store.DB().Exec(`UPDATE assessment_bookings SET result_notes = ? WHERE application_id = ?`, exAssessNote, f.warehouse.ID))

	_, err = d.store.UploadCandidateDocument(d.ctx, f.noah, f.noah.ID, models.DocumentCV, "Noah's CV (2026).pdf", []byte("%PDF-1.7\nNOAH-CV-BYTES\n%%EOF"))
	must(t, err)
	_, err = d.store.UploadCandidateDocument(d.ctx, hr, f.noah.ID, models.DocumentPortfolio, "portfolio.pdf", []byte("%PDF-1.7\nSTAFF-PORTFOLIO-BYTES\n%%EOF"))
	must(t, err)

	// A referee he named, who answered; then back to onboarding.
	forceStage(t, d.store, string(models.StageReferenceChecks), f.warehouse.ID)
	rita, err := d.store.AddReferee(d.ctx, f.noah, f.warehouse.ID, refInput("Rita Reyes", "rita@northwind.example"))
	must(t, err)
	_, err = d.store.SendReferenceRequests(d.ctx, hr, f.warehouse.ID, nil)
	must(t, err)
	must(t, d.store.AnswerReference(d.ctx, refereeToken(t, d.store, rita), models.RefereeAnswers{ConfirmsRelationship: true, ConfirmsPeriod: true,
		Answers: []string{exRefereeAnswer, "4", "5", "yes", ""}}, "198.51.100.10", "Firefox"))
	forceStage(t, d.store, string(models.StageOnboarding), f.warehouse.ID)

	// A check with the provider's internal note, and his consent.
	var checkID int64
	mustDB(t, d.store.DB().Raw(`INSERT INTO checks (application_id, kind, status, provider_name, result_summary, started_at, completed_at)
		VALUES (?, 'background', 'clear', 'Sterling Checks', ?, now(), now()) RETURNING id`, f.warehouse.ID, exCheckInternal).Scan(&checkID))
	mustDB(t, d.store.DB().Exec(`INSERT INTO check_consents (check_id, candidate_id, action, text_version, at, ip, user_agent)
		VALUES (?, ?, 'given', 'bg-v1', now(), '198.51.100.7', 'Firefox')`, checkID, f.noah.ID))
	var offerID int64
	mustDB(t, d.store.DB().Raw(`SELECT o.id FROM offers o WHERE o.application_id = ?`, f.warehouse.ID).Scan(&offerID))
	mustDB(t, d.store.DB().Exec(`INSERT INTO offer_questions (offer_id, question, answer, asked_at, answered_at)
		VALUES (?, 'Is there parking on site?', 'Yes, free parking.', now(), now())`, offerID))
	mustDB(t, d.store.DB().Exec(`INSERT INTO interest_checks (application_id, message, status, earliest_start, notice_period,
		salary_expectation, responded_at) VALUES (?, 'Still interested?', 'confirmed', 'March 2027', 'One month', 'GBP 45,000', now())`, ae.ID))
	var formID int64
	mustDB(t, d.store.DB().Raw(`SELECT id FROM onboarding_tasks WHERE application_id = ? AND kind = 'form' ORDER BY id LIMIT 1`, f.warehouse.ID).Scan(&formID))
	must(t, d.store.SubmitTaskForm(d.ctx, f.noah, formID, jonasDetails))

	// An application rejected with the message put off: not told yet.
	backend, err := d.store.AddApplication(d.ctx, hr, f.noah.ID, positionID(t, d.store, "Backend Engineer (Go)"))
	must(t, err)
	f.backend = *backend
	must(t, d.store.Reject(d.ctx, hr, backend.ID, "Not strong enough in Go", models.Rejection{InDays: 3}))
	mustDB(t, d.store.DB().Raw(`SELECT subject FROM outbox_messages WHERE application_id = ? AND kind = 'application_rejected' AND status <> 'sent' ORDER BY id DESC LIMIT 1`,
		backend.ID).Scan(&f.withheldRejectedSubject))
	if f.withheldRejectedSubject == "" {
		t.Fatal("the put-off rejection wrote no waiting message")
	}
	return f
}

// export writes actor's export of candidateID and reads it back: every
// entry's bytes by name, and all of them together.
func (f exportFixture) export(t *testing.T, actor models.Actor, candidateID int64) (entries map[string][]byte, all []byte) {
	t.Helper()
	x, err := f.store.PrepareCandidateExport(f.ctx, actor, candidateID)
	must(t, err)
	var buf bytes.Buffer
	must(t, x.WriteZip(f.ctx, &buf))
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	must(t, err)
	entries = map[string][]byte{}
	for _, zf := range zr.File {
		r, err := zf.Open()
		must(t, err)
		b, err := io.ReadAll(r)
		must(t, err)
		entries[zf.Name] = b
		all = append(append(all, zf.Name...), b...)
	}
	return entries, append(all, buf.Bytes()...)
}

func TestCandidateExportHoldsTheirDataAndNothingElse(t *testing.T) {
	t.Parallel()
	f := newExportFixture(t)
	entries, all := f.export(t, f.noah, f.noah.ID)
	var data struct {
		Profile      struct{ Name, Email string }
		Applications []struct {
			ID         int64
			Position   string
			Stage      string
			Status     string
			History    []struct{ Stage, Status string }
			Interviews []struct {
				Title, Status, Instructions string
				StartsAtUTC                 string   `json:"starts_at_utc"`
				OfferedTimes                []string `json:"offered_times_utc"`
			}
			AssessmentDays []map[string]any `json:"assessment_day_bookings"`
			InterestChecks []map[string]any `json:"interest_checks"`
			OfferVersions  []map[string]any `json:"offers_sent_to_you"`
			OfferQuestions []map[string]any `json:"your_offer_questions"`
			Contracts      []map[string]any
			Checks         []map[string]any
			Referees       []map[string]any `json:"referees_you_named"`
			Onboarding     []struct {
				Kind   string
				Fields []struct{ Field, Value string }
			} `json:"onboarding_tasks"`
		}
		Messages  []struct{ Subject, Body, Status string } `json:"messages_sent_to_you"`
		Documents []struct {
			Name, File string
			UploadedBy string `json:"uploaded_by"`
		} `json:"documents"`
	}
	must(t, json.Unmarshal(entries["data.json"], &data))
	if data.Profile.Name != "Noah Schmidt" || data.Profile.Email != "noah.schmidt@example.com" {
		t.Errorf("profile: %+v", data.Profile)
	}
	if len(data.Applications) != 3 {
		t.Fatalf("%d applications, want 3", len(data.Applications))
	}
	apps := map[int64]int{}
	for i, a := range data.Applications {
		apps[a.ID] = i
	}
	wh, ae, be := data.Applications[apps[f.warehouse.ID]], data.Applications[apps[f.ae.ID]], data.Applications[apps[f.backend.ID]]

	// Interviews: the booked one with its time, the offered one with its times.
	if len(ae.Interviews) != 2 || ae.Interviews[0].Status != "scheduled" || ae.Interviews[0].StartsAtUTC != "2026-12-08T10:00:00Z" ||
		ae.Interviews[1].Status != "proposed" || len(ae.Interviews[1].OfferedTimes) != 1 ||
		ae.Interviews[1].OfferedTimes[0] != "2026-12-15T09:30:00Z" || ae.Interviews[1].Instructions != "Bring your questions about benefits." {
		t.Errorf("interviews: %+v", ae.Interviews)
	}
	if len(wh.AssessmentDays) != 1 || wh.AssessmentDays[0]["status"] != "booked" || wh.AssessmentDays[0]["starts_at_utc"] == nil {
		t.Errorf("assessment bookings: %+v", wh.AssessmentDays)
	}
	if len(wh.Contracts) != 1 || wh.Contracts[0]["status"] != "completed" ||
		wh.Contracts[0]["your_signature"].(map[string]any)["name"] != "Noah Schmidt" || wh.Contracts[0]["signed_pdf"] == nil {
		t.Fatalf("contracts: %+v", wh.Contracts)
	}
	pdf := entries[wh.Contracts[0]["signed_pdf"].(string)]
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("the signed contract's PDF is not in the zip (%d bytes)", len(pdf))
	}
	if consents := wh.Contracts[0]["esign_consents"].([]any); len(consents) == 0 {
		t.Error("no e-signature consent")
	} else if c := consents[0].(map[string]any); c["ip"] != "203.0.113.10" || c["sealed"] != nil {
		// The address is sealed with his key in the table; his export opens it.
		t.Errorf("the e-signature consent reads %v, want his address opened", c)
	}
	if len(wh.OfferVersions) == 0 || wh.OfferVersions[0]["salary"] != "42000.00" && wh.OfferVersions[0]["salary"] != "42000" {
		t.Errorf("offers: %+v", wh.OfferVersions)
	}
	if len(wh.OfferQuestions) != 1 || wh.OfferQuestions[0]["question"] != "Is there parking on site?" {
		t.Errorf("offer questions: %+v", wh.OfferQuestions)
	}
	if len(ae.InterestChecks) != 1 || ae.InterestChecks[0]["your_salary_expectation"] != "GBP 45,000" {
		t.Errorf("interest checks: %+v", ae.InterestChecks)
	}
	if len(wh.Checks) != 1 || wh.Checks[0]["status"] != models.CheckClear.CandidateLabel() || len(wh.Checks[0]["consents"].([]any)) != 1 {
		t.Errorf("checks: %+v", wh.Checks)
	}
	if len(wh.Referees) != 1 || wh.Referees[0]["name"] != "Rita Reyes" || wh.Referees[0]["email"] != "rita@northwind.example" ||
		wh.Referees[0]["status"] != "Answered" {
		t.Errorf("referees: %+v", wh.Referees)
	}
	fields := map[string]string{}
	for _, task := range wh.Onboarding {
		for _, fl := range task.Fields {
			fields[fl.Field] = fl.Value
		}
	}
	if fields["account_number"] != "70872490" || fields["home_address"] != "12 Elm Road, Leeds" {
		t.Errorf("his own onboarding answers, opened for him: %v", fields)
	}
	if len(data.Documents) != 2 || data.Documents[0].UploadedBy != "you" || data.Documents[1].UploadedBy != "staff" ||
		!bytes.Contains(entries[data.Documents[0].File], []byte("NOAH-CV-BYTES")) ||
		!bytes.Contains(entries[data.Documents[1].File], []byte("STAFF-PORTFOLIO-BYTES")) {
		t.Errorf("documents: %+v", data.Documents)
	}
	if strings.ContainsAny(strings.TrimPrefix(data.Documents[0].File, "files/documents/"), " '()/") {
		t.Errorf("unsafe file name %q", data.Documents[0].File)
	}
	if len(data.Messages) == 0 {
		t.Error("no messages")
	}
	for _, m := range data.Messages {
		if m.Status != "sent" || m.Subject == f.withheldRejectedSubject {
			t.Errorf("a message not sent to him: %+v", m)
		}
	}

	// The rejection he has not been told of shows nowhere.
	if be.Status != "We are still completing our decision" {
		t.Errorf("the put-off rejection shows as %q", be.Status)
	}
	for _, e := range be.History {
		if e.Status != "In progress" {
			t.Errorf("the put-off rejection in the history: %+v", be.History)
		}
	}
	for _, secret := range []string{exScorecardNote, exRatingNote, exStaffNote, exRefereeAnswer, exCheckInternal, exAssessNote,
		"Not strong enough in Go", "Order a laptop", "Olivia Brown", "olivia.brown@example.com", "Liam O'Brien", "liam.obrien@example.com"} {
		if bytes.Contains(all, []byte(secret)) {
			t.Errorf("the export holds %q", secret)
		}
	}
	if !bytes.Contains(entries["README.txt"], []byte("What is NOT included")) {
		t.Error("README.txt says nothing of what is left out")
	}
	var audited int64
	mustDB(t, f.store.DB().Raw(`SELECT count(*) FROM audit_log WHERE action = 'candidate.data_exported' AND subject_id = ?
		AND actor_kind = 'candidate' AND details::text NOT LIKE '%Noah%'`, f.noah.ID).Scan(&audited))
	if audited != 1 {
		t.Errorf("%d audit entries of the export, want 1", audited)
	}
}

func TestStaffExportMasksSealedAnswersAndIsAudited(t *testing.T) {
	t.Parallel()
	f := newExportFixture(t)
	_, all := f.export(t, staffActor(f.recruiter), f.noah.ID)
	if bytes.Contains(all, []byte("70872490")) || !bytes.Contains(all, []byte("Noah Schmidt")) {
		t.Error("a recruiter's export opens the sealed account number, or lacks the candidate")
	}
	var audited int64
	mustDB(t, f.store.DB().Raw(`SELECT count(*) FROM audit_log WHERE action = 'candidate.data_exported' AND subject_id = ?
		AND actor_kind = 'staff' AND actor_id = ?`, f.noah.ID, f.recruiter.ID).Scan(&audited))
	if audited != 1 {
		t.Errorf("%d audit entries, want 1", audited)
	}
	other := f.application(t, "olivia.brown@example.com")
	for name, actor := range map[string]models.Actor{
		"another candidate":  candidateActor(other),
		"a hiring manager":   staffActor(f.manager),
		"an interviewer":     staffActor(f.interviewer),
		"nobody":             {},
		"an unknown subject": staffActor(f.admin),
	} {
		id := f.noah.ID
		if name == "an unknown subject" {
			id = 999999
		}
		if _, err := f.store.PrepareCandidateExport(f.ctx, actor, id); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
}
