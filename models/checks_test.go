package models_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"nextstep/models"
)

// checkFixture is the demo with the Backend Engineer (Go) position needing a
// background check: Henrik Larsen, at that stage, has his check waiting for
// him.
type checkFixture struct {
	demo
	appID     int64
	checkID   int64
	candidate models.Actor
	ines      models.Actor // the interviewer on Henrik's panel
}

func newCheckFixture(t *testing.T) checkFixture {
	t.Helper()
	d := newDemo(t)
	ctx := context.Background()
	if err := d.store.SetPositionChecks(ctx, staffActor(d.recruiter), d.positionID(t, "Backend Engineer (Go)"), models.ChecksBackground); err != nil {
		t.Fatal(err)
	}
	app := d.application(t, "henrik.larsen@example.com")
	checks, err := d.store.StaffChecks(ctx, staffActor(d.admin), app.ID)
	if err != nil || len(checks) != 1 || checks[0].Kind != models.CheckBackground || checks[0].Status != models.CheckWaitingForCandidate {
		t.Fatalf("Henrik's checks after the position asked for one: %+v, %v", checks, err)
	}
	ines, err := d.store.StaffByEmail(ctx, "interviewer@demo.nextstep.test")
	if err != nil {
		t.Fatal(err)
	}
	return checkFixture{demo: d, appID: app.ID, checkID: checks[0].ID, ines: staffActor(ines),
		candidate: models.Actor{Kind: "candidate", ID: app.CandidateID, Email: "henrik.larsen@example.com", IP: "198.51.100.7", UserAgent: "TestBrowser/2.0"}}
}

func (f checkFixture) count(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var n int64
	mustDB(t, f.store.DB().Raw(query, args...).Scan(&n))
	return n
}

// consentInput is a good background consent for Henrik (the clock reads December 2026).
var consentInput = models.CheckConsentInput{TextVersion: models.CheckInfoFor(models.CheckBackground).ConsentVersion, Agreed: true,
	Addresses: []models.CheckAddressInput{
		{Line: "4 Nørrebrogade", City: "Copenhagen", Postcode: "2200", Country: "Denmark", FromMonth: "2023-05"},
		{Line: "12 Rue de la Paix", City: "Paris", Postcode: "75002", Country: "France", FromMonth: "2019-09", ToMonth: "2023-04"},
	}}

func (f checkFixture) consent(t *testing.T) {
	t.Helper()
	if err := f.store.GiveCheckConsent(context.Background(), f.candidate, f.checkID, consentInput); err != nil {
		t.Fatal(err)
	}
}

func (f checkFixture) status(t *testing.T) models.CheckStatus {
	t.Helper()
	var s models.CheckStatus
	mustDB(t, f.store.DB().Raw("SELECT status FROM checks WHERE id = ?", f.checkID).Scan(&s))
	return s
}

// A check exists exactly while the application is at its stage on a
// position that needs it: made by the stage move (and by the position's
// setting for those already there), removed by undoing the move.
func TestChecksFollowTheStage(t *testing.T) {
	t.Parallel()
	f := newCheckFixture(t)
	ctx := context.Background()
	rec := staffActor(f.recruiter)
	grace := f.application(t, "grace.liu@example.com")
	checksOf := func(appID int64) int64 {
		return f.count(t, "SELECT count(*) FROM checks WHERE application_id = ?", appID)
	}
	if err := f.store.MoveStage(ctx, rec, grace.ID, models.MoveRequest{To: models.StageReferenceChecks}); err != nil {
		t.Fatal(err)
	}
	if n := checksOf(grace.ID); n != 0 {
		t.Fatalf("%d checks before the check's stage", n)
	}
	if err := f.store.MoveStage(ctx, rec, grace.ID, models.MoveRequest{To: models.StageBackgroundCheck}); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "SELECT count(*) FROM checks WHERE application_id = ? AND kind = 'background' AND status = 'waiting_for_candidate'", grace.ID); n != 1 {
		t.Fatalf("entering the background check made %d checks", n)
	}
	if _, err := f.store.UndoLastMove(ctx, rec, grace.ID, ""); err != nil {
		t.Fatal(err)
	}
	if n := checksOf(grace.ID); n != 0 {
		t.Errorf("undoing the move left %d checks", n)
	}
	// Once the candidate has consented, an undo keeps the check (its consent is evidence).
	if err := f.store.MoveStage(ctx, rec, grace.ID, models.MoveRequest{To: models.StageBackgroundCheck}); err != nil {
		t.Fatal(err)
	}
	var checkID int64
	mustDB(t, f.store.DB().Raw("SELECT id FROM checks WHERE application_id = ?", grace.ID).Scan(&checkID))
	graceActor := models.Actor{Kind: "candidate", ID: grace.CandidateID, IP: "203.0.113.5"}
	if err := f.store.GiveCheckConsent(ctx, graceActor, checkID, consentInput); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.UndoLastMove(ctx, rec, grace.ID, ""); err != nil {
		t.Fatal(err)
	}
	if n := checksOf(grace.ID); n != 1 {
		t.Errorf("undo removed a check the candidate consented to (%d left)", n)
	}

	// A position needs a check only at a stage of its pipeline.
	ops := f.positionID(t, "Warehouse Operations Lead")
	if err := f.store.SetPositionChecks(ctx, rec, ops, models.ChecksBoth); models.FieldErrors(err)["required_checks"] == "" {
		t.Errorf("a background check on a pipeline without its stage: %v", err)
	}
	if err := f.store.SetPositionChecks(ctx, staffActor(f.manager), ops, models.ChecksMedical); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("a hiring manager set the position's checks: %v", err)
	}
	if err := f.store.SetPositionChecks(ctx, rec, ops, models.ChecksMedical); err != nil {
		t.Fatal(err)
	}
	maya := f.application(t, "maya.patel@example.com")
	if n := f.count(t, "SELECT count(*) FROM checks WHERE application_id = ? AND kind = 'medical'", maya.ID); n != 1 {
		t.Errorf("Maya, at the medical, has %d medical checks", n)
	}
}

// Consent: what the candidate reads, the version they answer, the details
// asked, append-only evidence, and withdrawal that stops the check for good.
func TestCheckConsentFlow(t *testing.T) {
	t.Parallel()
	f := newCheckFixture(t)
	ctx := context.Background()
	list, err := f.store.CandidateChecks(ctx, f.candidate, f.appID)
	if err != nil || len(list) != 1 || !list[0].CanConsent || list[0].Consented || list[0].Info.ConsentText == "" || list[0].Info.Who == "" {
		t.Fatalf("the candidate's checks: %+v, %v", list, err)
	}
	old := consentInput
	old.TextVersion = "background-2020-01-01"
	if err := f.store.GiveCheckConsent(ctx, f.candidate, f.checkID, old); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("consent to an old text: %v", err)
	}
	short := consentInput
	short.Addresses = consentInput.Addresses[:1]
	if err := f.store.GiveCheckConsent(ctx, f.candidate, f.checkID, short); !strings.Contains(models.FieldErrors(err)["addresses"], "go back 5 years") {
		t.Errorf("two years of addresses: %v", err)
	}
	unticked := consentInput
	unticked.Agreed = false
	if err := f.store.GiveCheckConsent(ctx, f.candidate, f.checkID, unticked); models.FieldErrors(err)["consent"] == "" {
		t.Errorf("consent without the tick: %v", err)
	}
	if n := f.count(t, "SELECT count(*) FROM check_consents"); n != 0 {
		t.Fatalf("refused consents wrote %d rows", n)
	}
	f.consent(t)
	if s := f.status(t); s != models.CheckNotStarted {
		t.Errorf("after consent the check is %s", s)
	}
	var row struct {
		ID                                 int64
		Action, TextVersion, IP, UserAgent string
		At                                 time.Time
	}
	mustDB(t, f.store.DB().Raw("SELECT id, action, text_version, coalesce(host(ip), '') AS ip, user_agent, at FROM check_consents WHERE check_id = ?", f.checkID).Scan(&row))
	if row.Action != "given" || row.TextVersion != consentInput.TextVersion || row.IP != "" || row.UserAgent != "" || !row.At.Equal(testNow) {
		t.Errorf("consent row %+v (its address and browser sealed, the clear columns empty)", row)
	}
	if p, err := f.store.SealedPersonal(ctx, "check_consents", row.ID); err != nil || p["ip"] != "198.51.100.7" || p["user_agent"] != "TestBrowser/2.0" {
		t.Errorf("the consent's sealed part: %v, %v", p, err)
	}
	if n := f.count(t, "SELECT count(*) FROM check_addresses WHERE check_id = ? AND to_month IS NULL AND from_month = '2023-05-01'", f.checkID); n != 1 {
		t.Errorf("the current address was not stored as given (%d)", n)
	}
	if err := f.store.GiveCheckConsent(ctx, f.candidate, f.checkID, consentInput); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("consenting twice: %v", err)
	}

	// Append-only: the app's role may not change or delete a consent, and
	// the trigger refuses even the tables' owner.
	for _, stmt := range []string{"UPDATE check_consents SET ip = '203.0.113.9'", "DELETE FROM check_consents"} {
		if err := f.store.DB().Exec(stmt).Error; sqlState(err) != "42501" {
			t.Errorf("as the app, %s: %v, want no privilege", stmt, err)
		}
	}
	owner, err := sql.Open("pgx", testDatabase(t, f.store).OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	for _, stmt := range []string{"UPDATE check_consents SET ip = '203.0.113.9'", "DELETE FROM check_consents"} {
		if _, err := owner.ExecContext(ctx, stmt); sqlState(err) != "P0001" || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("as the owner, %s: %v, want the append-only trigger's refusal", stmt, err)
		}
	}

	// Withdrawing stops the check; staff see who withdrew and when; it does not restart.
	if err := f.store.WithdrawCheckConsent(ctx, f.candidate, f.checkID); err != nil {
		t.Fatal(err)
	}
	if err := f.store.WithdrawCheckConsent(ctx, f.candidate, f.checkID); err != nil {
		t.Errorf("withdrawing again: %v", err)
	}
	staff, err := f.store.StaffChecks(ctx, staffActor(f.recruiter), f.appID)
	if err != nil || staff[0].Status != models.CheckWithdrawn || staff[0].ConsentWithdrawnAt == nil || staff[0].WithdrawnAt == nil {
		t.Errorf("staff's view after withdrawal: %+v, %v", staff, err)
	}
	if n := f.count(t, "SELECT count(*) FROM check_consents WHERE check_id = ?", f.checkID); n != 2 {
		t.Errorf("%d consent rows, want given and withdrawn", n)
	}
	if err := f.store.RecordManualCheck(ctx, staffActor(f.recruiter), f.checkID, models.ManualCheckInput{ProviderName: "Acme", Status: models.CheckInProgress}); models.FieldErrors(err)["status"] == "" {
		t.Errorf("a withdrawn check was started: %v", err)
	}
	if n := f.count(t, "SELECT count(*) FROM audit_log WHERE subject_type = 'check' AND subject_id = ? AND action IN ('check.consent_given', 'check.consent_withdrawn')", f.checkID); n != 2 {
		t.Errorf("%d consent audit entries, want 2", n)
	}
}

// Result documents: the type comes from the bytes; an HTML page named .pdf
// and an 11 MB file are refused with a sentence and store nothing; a PDF is
// stored with its digest and served to admins and recruiters only.
func TestCheckResultDocuments(t *testing.T) {
	t.Parallel()
	f := newCheckFixture(t)
	ctx := context.Background()
	rec := staffActor(f.recruiter)
	if err := f.store.AttachCheckResult(ctx, rec, f.checkID, "result.pdf", pdfBytes, models.CheckClear, ""); models.FieldErrors(err)["status"] == "" ||
		!strings.Contains(err.Error(), "consent") {
		t.Errorf("a result before consent: %v", err)
	}
	f.consent(t)
	for name, data := range map[string][]byte{"result.pdf": htmlBytes, "big.pdf": append(pdfBytes, make([]byte, 11<<20)...)} {
		err := f.store.AttachCheckResult(ctx, rec, f.checkID, name, data, models.CheckNeedsReview, "A gap in 2022.")
		if msg := models.FieldErrors(err)["file"]; msg == "" {
			t.Errorf("%s (%d bytes) was accepted: %v", name, len(data), err)
		}
	}
	// The demo's files are Olivia's onboarding document and Grace's CV (models/seed_steps.go).
	if n := f.count(t, `SELECT count(*) FROM stored_files f WHERE NOT EXISTS (SELECT 1 FROM onboarding_tasks t WHERE t.file_id = f.id)
		AND NOT EXISTS (SELECT 1 FROM candidate_documents d WHERE d.file_id = f.id)`); n != 0 {
		t.Fatalf("refused files left %d stored files", n)
	}
	if s := f.status(t); s != models.CheckNotStarted {
		t.Fatalf("refused files changed the status to %s", s)
	}
	if err := f.store.AttachCheckResult(ctx, staffActor(f.manager), f.checkID, "r.pdf", pdfBytes, models.CheckClear, ""); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a hiring manager outside the position attached a result: %v", err)
	}
	if err := f.store.AttachCheckResult(ctx, f.ines, f.checkID, "r.pdf", pdfBytes, models.CheckClear, ""); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("an interviewer attached a result: %v", err)
	}
	if err := f.store.AttachCheckResult(ctx, rec, f.checkID, "  scan\r\n.pdf", pdfBytes, models.CheckNeedsReview, "An address in 2022 could not be confirmed."); err != nil {
		t.Fatal(err)
	}
	staff, err := f.store.StaffChecks(ctx, rec, f.appID)
	if err != nil || staff[0].ResultFile == nil || staff[0].Status != models.CheckNeedsReview || staff[0].CompletedAt == nil || staff[0].StartedAt == nil {
		t.Fatalf("after the result: %+v, %v", staff, err)
	}
	file, err := f.store.CheckFile(ctx, staffActor(f.admin), staff[0].ResultFile.ID)
	sum := sha256.Sum256(pdfBytes)
	if err != nil || string(file.Data) != string(pdfBytes) || file.ContentType != models.FilePDF || string(file.SHA256) != string(sum[:]) ||
		file.Name != "scan.pdf" || file.DownloadName() != "scan.pdf" {
		t.Fatalf("the admin's download: %+v, %v", file, err)
	}
	for who, actor := range map[string]models.Actor{"interviewer": f.ines, "hiring manager": staffActor(f.manager), "candidate": f.candidate} {
		if _, err := f.store.CheckFile(ctx, actor, file.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the %s downloaded the result: %v", who, err)
		}
	}
	// The candidate is told the result is being reviewed, never the finding.
	var body string
	mustDB(t, f.store.DB().Raw("SELECT body FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgCheckStatusChanged, f.candidate.ID).Scan(&body))
	if !strings.Contains(body, "being reviewed") || strings.Contains(body, "2022") {
		t.Errorf("the candidate's message: %q", body)
	}
}

// Who sees what: another candidate nothing; an interviewer on the panel and
// the hiring manager of the position the status only; out of scope nothing.
func TestCheckAuthorisation(t *testing.T) {
	t.Parallel()
	f := newCheckFixture(t)
	ctx := context.Background()
	f.consent(t)
	if err := f.store.AttachCheckResult(ctx, staffActor(f.recruiter), f.checkID, "r.pdf", pdfBytes, models.CheckNotClear, "A conviction in 2021."); err != nil {
		t.Fatal(err)
	}
	other := f.application(t, "grace.liu@example.com")
	grace := models.Actor{Kind: "candidate", ID: other.CandidateID}
	if _, err := f.store.CandidateChecks(ctx, grace, f.appID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("another candidate read Henrik's checks: %v", err)
	}
	if err := f.store.GiveCheckConsent(ctx, grace, f.checkID, consentInput); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("another candidate consented for Henrik: %v", err)
	}
	if err := f.store.WithdrawCheckConsent(ctx, grace, f.checkID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("another candidate withdrew Henrik's consent: %v", err)
	}
	if err := f.store.ReplyToPreDecision(ctx, grace, f.checkID, "Not me"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("another candidate replied for Henrik: %v", err)
	}
	// The interviewer sits on Henrik's panel: the status, nothing of the result.
	list, err := f.store.StaffChecks(ctx, f.ines, f.appID)
	if err != nil || len(list) != 1 || list[0].SeesResults || list[0].Status != models.CheckNotClear || list[0].ResultSummary != "" ||
		list[0].ResultFileID != nil || list[0].ResultFile != nil || len(list[0].Addresses) != 0 || len(list[0].Notices) != 0 {
		t.Errorf("the interviewer's view: %+v, %v", list, err)
	}
	if _, err := f.store.StaffChecks(ctx, staffActor(f.manager), f.appID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a hiring manager of other positions read Henrik's checks: %v", err)
	}
	if err := f.store.SendPreDecisionNotice(ctx, f.ines, f.checkID, "x", "y"); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("the interviewer sent a notice: %v", err)
	}
	// The hiring manager of the warehouse position sees Maya's medical's status only.
	if err := f.store.SetPositionChecks(ctx, staffActor(f.admin), f.positionID(t, "Warehouse Operations Lead"), models.ChecksMedical); err != nil {
		t.Fatal(err)
	}
	maya := f.application(t, "maya.patel@example.com")
	list, err = f.store.StaffChecks(ctx, staffActor(f.manager), maya.ID)
	if err != nil || len(list) != 1 || list[0].SeesResults || list[0].Kind != models.CheckMedical {
		t.Errorf("the hiring manager's view of Maya: %+v, %v", list, err)
	}
	if _, err := f.store.StaffChecks(ctx, f.ines, maya.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("an interviewer off Maya's panels read her checks: %v", err)
	}
	// Maya consents to her medical with the days she could attend.
	mayaActor := models.Actor{Kind: "candidate", ID: maya.CandidateID, IP: "not an address"}
	med, err := f.store.CandidateChecks(ctx, mayaActor, maya.ID)
	if err != nil || len(med) != 1 || !strings.Contains(med[0].Info.Asks, "appointment") {
		t.Fatalf("Maya's checks: %+v, %v", med, err)
	}
	windows := models.CheckConsentInput{TextVersion: med[0].Info.ConsentVersion, Agreed: true,
		Windows: []models.AppointmentWindowInput{{FromDay: "2026-12-07", ToDay: "2026-12-09", PartOfDay: "morning"}}}
	if err := f.store.GiveCheckConsent(ctx, mayaActor, med[0].ID, windows); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM check_appointment_windows w JOIN check_consents c ON c.check_id = w.check_id
		WHERE w.check_id = ? AND w.from_day = '2026-12-07' AND w.to_day = '2026-12-09' AND c.ip IS NULL`, med[0].ID); n != 1 {
		t.Errorf("Maya's window and consent (no IP address) were not stored as given (%d)", n)
	}
	// The candidate reads the status and what is asked, never the finding or the file.
	mine, err := f.store.CandidateChecks(ctx, f.candidate, f.appID)
	if err != nil || len(mine) != 1 || mine[0].Notice != nil || !strings.Contains(mine[0].Status.CandidateLabel(), "being reviewed") {
		t.Errorf("the candidate's view: %+v, %v", mine, err)
	}
	if s := fmt.Sprintf("%+v", mine); strings.Contains(s, "conviction") {
		t.Errorf("the candidate's view holds the finding: %s", s)
	}
}

// A provider's event is applied once however often and however
// concurrently it arrives: one status change, one message to the candidate.
func TestCheckEventAppliesOnce(t *testing.T) {
	t.Parallel()
	f := newCheckFixture(t)
	ctx := context.Background()
	f.consent(t)
	if err := f.store.LinkCheckToProvider(ctx, staffActor(f.recruiter), f.checkID, "acme", "BG-1234"); err != nil {
		t.Fatal(err)
	}
	ev := models.CheckEvent{ID: "evt_1", Reference: "BG-1234", Status: models.CheckInProgress}
	var wg sync.WaitGroup
	outcomes := make(chan models.CheckEventOutcome, 20)
	errs := make(chan error, 20)
	start := make(chan struct{})
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			o, err := f.store.ApplyCheckEvent(ctx, "acme", ev)
			outcomes <- o
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(outcomes)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a delivery failed: %v", err)
		}
	}
	got := map[models.CheckEventOutcome]int{}
	for o := range outcomes {
		got[o]++
	}
	if got[models.EventApplied] != 1 || got[models.EventDuplicate] != 19 {
		t.Errorf("outcomes %v, want 1 applied and 19 duplicates", got)
	}
	if n := f.count(t, "SELECT count(*) FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgCheckStatusChanged, f.candidate.ID); n != 1 {
		t.Errorf("%d messages to the candidate, want 1", n)
	}
	if n := f.count(t, "SELECT count(*) FROM audit_log WHERE action = 'check.status_changed' AND subject_id = ? AND details->>'cause' = 'webhook'", f.checkID); n != 1 {
		t.Errorf("%d status changes audited, want 1", n)
	}
	if s := f.status(t); s != models.CheckInProgress {
		t.Errorf("the check is %s", s)
	}
	// Replayed later: nothing. For another provider, or an unknown check: refused, nothing recorded.
	if o, err := f.store.ApplyCheckEvent(ctx, "acme", ev); o != models.EventDuplicate || err != nil {
		t.Errorf("a replay: %s, %v", o, err)
	}
	if _, err := f.store.ApplyCheckEvent(ctx, "other", models.CheckEvent{ID: "evt_1", Reference: "BG-1234", Status: models.CheckClear}); !errors.Is(err, models.ErrNotFound) && models.ErrorCode(err) != models.CodeNotFound {
		t.Errorf("another provider's event for acme's check: %v", err)
	}
	if n := f.count(t, "SELECT count(*) FROM check_webhook_events"); n != 1 {
		t.Errorf("%d events recorded, want 1", n)
	}
	// An event the status does not allow is recorded as ignored (the provider stops sending it).
	if o, err := f.store.ApplyCheckEvent(ctx, "acme", models.CheckEvent{ID: "evt_2", Reference: "BG-1234", Status: models.CheckNotStarted}); o != models.EventIgnored || err != nil {
		t.Errorf("an out-of-order event: %s, %v", o, err)
	}
	if o, err := f.store.ApplyCheckEvent(ctx, "acme", models.CheckEvent{ID: "evt_3", Reference: "BG-1234", Status: models.CheckClear, Summary: "Nothing found."}); o != models.EventApplied || err != nil {
		t.Errorf("the result: %s, %v", o, err)
	}
	if s := f.status(t); s != models.CheckClear {
		t.Errorf("after the result the check is %s", s)
	}
}

// Adverse action: a notice with the finding, the candidate's answer, a
// rejection refused until the waiting period ends and allowed after it,
// through the one status writer, with the final notice as the only message.
func TestAdverseActionWaitsForTheCandidate(t *testing.T) {
	t.Parallel()
	f := newCheckFixture(t)
	ctx := context.Background()
	rec := staffActor(f.recruiter)
	f.consent(t)
	if err := f.store.AttachCheckResult(ctx, rec, f.checkID, "r.pdf", pdfBytes, models.CheckClear, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SendPreDecisionNotice(ctx, rec, f.checkID, "Nothing", "Nowhere"); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("a notice on a clear result: %v", err)
	}
	if err := f.store.AttachCheckResult(ctx, rec, f.checkID, "r2.pdf", pdfBytes, models.CheckNotClear, "A county court judgment from 2021."); models.FieldErrors(err)["status"] == "" {
		t.Errorf("a clear result became not clear: %v", err) // clear only stops; a corrected result comes as a re-run
	}
	// Start over on a fresh check that needs review.
	f = newCheckFixture(t)
	rec = staffActor(f.recruiter)
	f.consent(t)
	if err := f.store.ConfirmAdverseRejection(ctx, rec, f.checkID); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("confirming without a notice: %v", err)
	}
	if err := f.store.AttachCheckResult(ctx, rec, f.checkID, "r.pdf", pdfBytes, models.CheckNeedsReview, "A county court judgment from 2021."); err != nil {
		t.Fatal(err)
	}
	finding, dispute := "A county court judgment from 2021 is recorded at your Paris address.", "Write to disputes@acme.example quoting BG-1234."
	if err := f.store.SendPreDecisionNotice(ctx, rec, f.checkID, finding, dispute); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SendPreDecisionNotice(ctx, rec, f.checkID, finding, dispute); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("a second notice while one is open: %v", err)
	}
	var notice struct{ Subject, Body string }
	mustDB(t, f.store.DB().Raw("SELECT subject, body FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgCheckPreDecisionNotice, f.candidate.ID).Scan(&notice))
	if !strings.Contains(notice.Body, finding) || !strings.Contains(notice.Body, dispute) || !strings.Contains(notice.Body, "Tuesday 8 December 2026, 17:00 UTC") {
		t.Errorf("the pre-decision notice: %+v", notice)
	}
	mine, err := f.store.CandidateChecks(ctx, f.candidate, f.appID)
	if err != nil || mine[0].Notice == nil || mine[0].Notice.Finding != finding || !mine[0].Notice.CanReply {
		t.Fatalf("the candidate's notice: %+v, %v", mine, err)
	}
	if err := f.store.ReplyToPreDecision(ctx, f.candidate, f.checkID, "That judgment was set aside in 2022; the order is attached to my email."); err != nil {
		t.Fatal(err)
	}
	if err := f.store.ReplyToPreDecision(ctx, f.candidate, f.checkID, "Again"); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("a second reply: %v", err)
	}
	// While the notice is open, the ordinary rejection (the candidate page, bulk) is refused.
	if err := f.store.ChangeStatus(ctx, rec, f.appID, models.StatusRejected, "Not a fit."); models.ErrorCode(err) != models.CodeConflict ||
		!strings.Contains(err.Error(), "pre-decision notice") {
		t.Errorf("an ordinary rejection while the notice is open: %v", err)
	}

	// Refused until Tuesday 8 December, 17:00 (five business days after Tuesday 1 December, 09:00).
	f.clock.Advance(7*24*time.Hour + 8*time.Hour - time.Second)
	if err := f.store.ConfirmAdverseRejection(ctx, rec, f.checkID); models.ErrorCode(err) != models.CodeConflict || !strings.Contains(err.Error(), "8 December") {
		t.Errorf("confirming a second before the wait ends: %v", err)
	}
	if app := f.application(t, "henrik.larsen@example.com"); app.Status != models.StatusActive {
		t.Fatalf("the refused confirmation left the application %s", app.Status)
	}
	// The database refuses a final notice before the wait, whatever the code says.
	err = f.store.DB().Exec("UPDATE check_adverse_actions SET status = 'confirmed', confirmed_by = ?, final_notice_at = ? WHERE check_id = ?",
		f.recruiter.ID, f.clock.Now(), f.checkID).Error
	if err == nil || !strings.Contains(err.Error(), "check_adverse_actions_after_wait") {
		t.Errorf("a final notice written before the wait: %v", err)
	}
	if err := f.store.ConfirmAdverseRejection(ctx, staffActor(f.manager), f.checkID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a hiring manager outside the position confirmed: %v", err)
	}
	f.clock.Advance(time.Second)
	if err := f.store.ConfirmAdverseRejection(ctx, rec, f.checkID); err != nil {
		t.Fatalf("confirming when the wait has ended: %v", err)
	}
	app := f.application(t, "henrik.larsen@example.com")
	if app.Status != models.StatusRejected || !strings.Contains(app.OutcomeReason, "pre-decision notice") {
		t.Errorf("after confirmation the application is %s (%q)", app.Status, app.OutcomeReason)
	}
	if n := f.count(t, "SELECT count(*) FROM stage_events WHERE application_id = ? AND kind = 'status' AND to_status = 'rejected'", f.appID); n != 1 {
		t.Errorf("%d status events, want the one writer's", n)
	}
	if n := f.count(t, "SELECT count(*) FROM outbox_messages WHERE candidate_id = ? AND kind = ?", f.candidate.ID, models.MsgApplicationRejected); n != 0 {
		t.Errorf("the usual rejection was sent too (%d)", n)
	}
	var final string
	mustDB(t, f.store.DB().Raw("SELECT body FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgCheckFinalNotice, f.candidate.ID).Scan(&final))
	if !strings.Contains(final, finding) || !strings.Contains(final, "your answer to our notice") {
		t.Errorf("the final notice: %q", final)
	}
	for _, action := range []string{"check.pre_decision_notice_sent", "check.pre_decision_reply", "check.adverse_rejection_confirmed"} {
		if n := f.count(t, "SELECT count(*) FROM audit_log WHERE action = ? AND subject_id = ?", action, f.checkID); n != 1 {
			t.Errorf("%s audited %d times", action, n)
		}
	}
	if err := f.store.ConfirmAdverseRejection(ctx, rec, f.checkID); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("confirming twice: %v", err)
	}
}
