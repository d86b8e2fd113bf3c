package models_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// onboardingFixture is the demo with Jonas Weber's contract countersigned:
// his application has just entered onboarding.
type onboardingFixture struct {
	store                              *models.Store
	clock                              *fakeClock
	admin, recruiter, manager, ivy     models.Actor
	jonas, noah                        models.Actor
	appID, noahAppID                   int64
	start                              time.Time
	tasks                              map[models.TaskKind]models.OnboardingTask
	confirmID, formID, uploadID, staff int64
}

var obCtx = context.Background()

func demoStaffActor(t *testing.T, s *models.Store, email string) (models.Actor, models.StaffUser) {
	t.Helper()
	u := staffByEmail(t, s, email)
	return staffActor(u), *u
}

func candidateApp(t *testing.T, s *models.Store, email string) (models.Actor, int64) {
	t.Helper()
	var row struct{ CandidateID, AppID int64 }
	mustDB(t, s.DB().Raw(`SELECT c.id AS candidate_id, a.id AS app_id FROM candidates c JOIN applications a ON a.candidate_id = c.id
		WHERE c.email = ?`, email).Scan(&row))
	if row.AppID == 0 {
		t.Fatalf("no application for %s", email)
	}
	return models.Actor{Kind: "candidate", ID: row.CandidateID, Email: email, IP: "198.51.100.7"}, row.AppID
}

func newOnboarding(t *testing.T) *onboardingFixture {
	t.Helper()
	store, clock := newDemoStore(t)
	f := &onboardingFixture{store: store, clock: clock, tasks: map[models.TaskKind]models.OnboardingTask{}}
	staff := models.DemoStaff()
	var adminUser models.StaffUser
	f.admin, adminUser = demoStaffActor(t, store, staff[0].Email)
	f.recruiter, _ = demoStaffActor(t, store, staff[1].Email)
	f.manager, _ = demoStaffActor(t, store, staff[2].Email)
	f.ivy, _ = demoStaffActor(t, store, staff[3].Email)
	f.jonas, f.appID = candidateApp(t, store, "jonas.weber@example.com")
	f.noah, f.noahAppID = candidateApp(t, store, "noah.schmidt@example.com")
	var contractID int64
	mustDB(t, store.DB().Raw("SELECT id FROM contracts WHERE application_id = ? ORDER BY id DESC LIMIT 1", f.appID).Scan(&contractID))
	mustDB(t, store.DB().Model(&models.StaffUser{}).Where("id = ?", f.admin.ID).Update("can_sign_contracts", true))
	if err := store.Countersign(obCtx, f.admin, contractID, adminUser.Name, true); err != nil {
		t.Fatalf("countersign: %v", err)
	}
	mustDB(t, store.DB().Raw(`SELECT v.start_date FROM contracts k JOIN offer_versions v ON v.id = k.offer_version_id WHERE k.id = ?`, contractID).Scan(&f.start))
	var tasks []models.OnboardingTask
	mustDB(t, store.DB().Where("application_id = ?", f.appID).Order("sort_order").Find(&tasks))
	for _, task := range tasks {
		if _, ok := f.tasks[task.Kind]; !ok {
			f.tasks[task.Kind] = task
		}
	}
	f.confirmID, f.formID, f.uploadID, f.staff = f.tasks[models.TaskConfirm].ID, f.tasks[models.TaskForm].ID, f.tasks[models.TaskUpload].ID, f.tasks[models.TaskStaff].ID
	return f
}

func (f *onboardingFixture) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	mustDB(t, f.store.DB().Raw(q, args...).Scan(&n))
	return n
}

func wantCode(t *testing.T, err error, code models.Code, what string) {
	t.Helper()
	if models.ErrorCode(err) != code {
		t.Fatalf("%s: %v (code %q), want %s", what, err, models.ErrorCode(err), code)
	}
}

var jonasDetails = map[string]string{"home_address": "12 Elm Road, Leeds", "phone": "+44 113 496 0000", "date_of_birth": "1991-02-03",
	"sort_code": "40-47-84", "account_number": "70872490", "ni_number": "jg103759a",
	"emergency_contact_name": "Margarethe Weberling", "emergency_contact_relationship": "parent", "emergency_contact_phone": "+49 30 901820"}

func TestOnboardingBeginsWhenTheContractIsSigned(t *testing.T) {
	f := newOnboarding(t)
	var stage string
	mustDB(t, f.store.DB().Raw("SELECT stage FROM applications WHERE id = ?", f.appID).Scan(&stage))
	if stage != "onboarding" {
		t.Fatalf("stage after the countersignature = %q", stage)
	}
	var tasks []models.OnboardingTask
	mustDB(t, f.store.DB().Where("application_id = ?", f.appID).Order("sort_order").Find(&tasks))
	tmpl := models.DefaultOnboardingTemplate()
	if len(tasks) != len(tmpl) {
		t.Fatalf("%d tasks, want the default template's %d", len(tasks), len(tmpl))
	}
	for i, task := range tasks {
		if want := models.DueOn(f.start, tmpl[i].DueOffsetDays); !task.DueOn.Equal(want) || task.Title != tmpl[i].Title || task.Status != models.TaskOpen {
			t.Errorf("task %d: %q due %s (%s), want %q due %s", i, task.Title, task.DueOn.Format(time.DateOnly), task.Status, tmpl[i].Title, want.Format(time.DateOnly))
		}
	}
	if n := f.count(t, "SELECT count(*) FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgOnboardingStarted, f.jonas.ID); n != 1 {
		t.Errorf("onboarding messages to the starter = %d, want 1", n)
	}
	if n := f.count(t, "SELECT count(*) FROM audit_log WHERE action = 'onboarding.checklist_created' AND subject_id = ?", f.appID); n != 1 {
		t.Errorf("checklist audit entries = %d, want 1", n)
	}
	c, err := f.store.StarterChecklist(obCtx, f.jonas, f.appID)
	if err != nil || len(c.Tasks) != len(tmpl) || c.Required != len(tmpl) || c.Done != 0 || !c.StartDate.Equal(f.start) {
		t.Fatalf("starter checklist = %+v, %v", c, err)
	}
	for _, task := range c.Tasks {
		if task.Preparing != (task.Kind == models.TaskStaff) {
			t.Errorf("%q: preparing = %v", task.Title, task.Preparing)
		}
	}
	if _, err := f.store.StarterChecklist(obCtx, f.noah, f.appID); models.ErrorCode(err) != models.CodeNotFound {
		t.Errorf("another candidate reads the checklist: %v", err)
	}
}

// TestSensitiveFieldsAreSealed: bank details, national insurance number and
// emergency contact appear in no table's rows, as text or as bytes; a
// recruiter reads them masked and may not reveal them; an admin's reveal is
// audited.
func TestSensitiveFieldsAreSealed(t *testing.T) {
	f := newOnboarding(t)
	if err := f.store.SubmitTaskForm(obCtx, f.jonas, f.formID, jonasDetails); err != nil {
		t.Fatalf("submit: %v", err)
	}
	secrets := []string{"70872490", "40-47-84", "404784", "JG103759A", "JG 10 37 59 A", "Weberling", "901820"}
	var tables []string
	mustDB(t, f.store.DB().Raw(`SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&tables))
	if len(tables) < 30 {
		t.Fatalf("only %d tables found", len(tables))
	}
	for _, tbl := range tables {
		for _, secret := range secrets {
			hexed := hex.EncodeToString([]byte(secret))
			n := f.count(t, `SELECT count(*) FROM `+tbl+` x WHERE strpos(upper(x::text), upper(?)) > 0 OR strpos(x::text, ?) > 0`, secret, hexed)
			if n > 0 {
				t.Errorf("%s holds %q in clear (%d rows)", tbl, secret, n)
			}
		}
	}
	c, err := f.store.StaffChecklist(obCtx, f.recruiter, f.appID)
	if err != nil {
		t.Fatal(err)
	}
	var accountFieldID int64
	for _, task := range c.Tasks {
		for _, fl := range task.Fields {
			if fl.Field.Key == "account_number" {
				accountFieldID = fl.ID
				if !fl.Masked || fl.Value != "••••2490" {
					t.Errorf("the recruiter reads the account number as %q (masked %v), want ••••2490", fl.Value, fl.Masked)
				}
			}
			if fl.Field.Key == "phone" && (fl.Masked || fl.Value != "+44 113 496 0000") {
				t.Errorf("the phone (not sensitive) reads %q", fl.Value)
			}
		}
	}
	if accountFieldID == 0 {
		t.Fatal("no account number field on the staff checklist")
	}
	if _, err := f.store.RevealSensitiveField(obCtx, f.recruiter, accountFieldID); models.ErrorCode(err) != models.CodeForbidden {
		t.Errorf("a recruiter's reveal: %v, want forbidden", err)
	}
	clear, err := f.store.RevealSensitiveField(obCtx, f.admin, accountFieldID)
	if err != nil || clear != "70872490" {
		t.Fatalf("the admin's reveal = %q, %v", clear, err)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'onboarding.sensitive_field_revealed' AND actor_id = ?
		AND details->>'field' = 'account_number'`, f.admin.ID); n != 1 {
		t.Errorf("reveal audit entries = %d, want 1", n)
	}
}

// TestWrongDataKeyRefusesToStart: a store given another key than the one
// the data was sealed with refuses to open; the old key after a new one
// opens (rotation), and the canary is sealed again with the new key.
func TestWrongDataKeyRefusesToStart(t *testing.T) {
	store, clock := newStore(t)
	dsn, _ := storeDSN.Load(store)
	other := bytes.Repeat([]byte{7}, 32)
	cfg := testStoreConfig(clock)
	cfg.DataKeys = [][]byte{other}
	if s, err := models.Open(obCtx, dsn.(string), cfg); err == nil || !strings.Contains(err.Error(), "refusing to start") {
		if s != nil {
			s.Close()
		}
		t.Fatalf("opening with the wrong key: %v, want a refusal", err)
	}
	dev, err := models.ParseDataKey(models.DevDataKey)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataKeys = [][]byte{other, dev}
	rotated, err := models.Open(obCtx, dsn.(string), cfg)
	if err != nil {
		t.Fatalf("opening with a new key and the old one: %v", err)
	}
	rotated.Close()
	cfg.DataKeys = [][]byte{dev}
	if s, err := models.Open(obCtx, dsn.(string), cfg); err == nil {
		s.Close()
		t.Fatal("the old key alone still opens the data after rotation")
	}
	if _, err := models.ParseDataKey("c2hvcnQ="); err == nil {
		t.Error("a 5-byte key was accepted")
	}
}

func TestHiredIsRefusedUntilEveryRequiredTaskIsDone(t *testing.T) {
	f := newOnboarding(t)
	hire := func() error {
		return f.store.MoveStage(obCtx, f.recruiter, f.appID, models.MoveRequest{To: models.StageHired})
	}
	err := hire()
	wantCode(t, err, models.CodeInvalid, "hire with an open checklist")
	for _, title := range []string{"Read and confirm the employee handbook", "Your personal details", "Right-to-work document", "Order a laptop"} {
		if !strings.Contains(err.Error(), title) {
			t.Errorf("the refusal %q does not name %q", err, title)
		}
	}
	if err := f.store.ConfirmTask(obCtx, f.jonas, f.confirmID, "2025-9"); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("confirming another version: %v", err)
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("confirm", f.store.ConfirmTask(obCtx, f.jonas, f.confirmID, f.tasks[models.TaskConfirm].ConfirmVersion))
	must("form", f.store.SubmitTaskForm(obCtx, f.jonas, f.formID, jonasDetails))
	_, err = f.store.UploadTaskDocument(obCtx, f.jonas, f.uploadID, "passport.pdf", []byte("%PDF-1.7\nthe passport\n%%EOF"))
	must("upload", err)
	for _, task := range []int64{f.staff, f.tasks[models.TaskStaff].ID + 1} {
		must("staff task", f.store.CompleteStaffTask(obCtx, f.recruiter, task))
	}
	err = hire()
	wantCode(t, err, models.CodeInvalid, "hire with the document unverified")
	if !strings.Contains(err.Error(), "waiting for verification: Right-to-work document") || strings.Contains(err.Error(), "still open") {
		t.Errorf("refusal with only the document unverified: %v", err)
	}
	wantCode(t, f.store.VerifyDocument(obCtx, f.recruiter, f.uploadID), models.CodeConflict, "verify before the original is seen")
	exp := f.start.AddDate(3, 0, 0)
	must("record right to work", f.store.RecordRightToWork(obCtx, f.recruiter, f.uploadID, models.RTWPassportVisa, f.store.Now(), &exp))
	must("verify", f.store.VerifyDocument(obCtx, f.recruiter, f.uploadID))
	must("hire", hire())
	var status string
	mustDB(t, f.store.DB().Raw("SELECT status FROM applications WHERE id = ?", f.appID).Scan(&status))
	if status != "hired" {
		t.Errorf("status after the hire = %q", status)
	}
}

func TestOnboardingUploadsAreCheckedAndNothingIsStoredOnRefusal(t *testing.T) {
	f := newOnboarding(t)
	files := func() int64 { return f.count(t, "SELECT count(*) FROM stored_files") }
	before := files()
	for name, data := range map[string][]byte{
		"empty.pdf":       {},
		"huge.pdf":        append([]byte("%PDF-1.7\n"), make([]byte, models.MaxFileBytes)...),
		"tool.pdf":        append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 200)...),
		"page.pdf":        []byte("<html><body>not a pdf</body></html>"),
		"document.docx":   []byte("PK\x03\x04 a word file"),
		"passport.pdf.sh": []byte("#!/bin/sh\necho hi\n"),
	} {
		_, err := f.store.UploadTaskDocument(obCtx, f.jonas, f.uploadID, name, data)
		if fe := models.FieldErrors(err); fe["file"] == "" {
			t.Errorf("%s: %v, want a refusal at the file field", name, err)
		}
	}
	if n := files(); n != before {
		t.Errorf("refused uploads stored %d files", n-before)
	}
	pdf := []byte("%PDF-1.7\nfirst\n%%EOF")
	if _, err := f.store.UploadTaskDocument(obCtx, f.noah, f.uploadID, "x.pdf", pdf); models.ErrorCode(err) != models.CodeNotFound {
		t.Errorf("another candidate's upload: %v, want not found", err)
	}
	first, err := f.store.UploadTaskDocument(obCtx, f.jonas, f.uploadID, "first.pdf", pdf)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.store.ReturnDocument(obCtx, f.recruiter, f.uploadID, "  "), models.CodeInvalid, "return without a reason")
	wantCode(t, f.store.ReturnDocument(obCtx, f.ivy, f.uploadID, "blurred"), models.CodeNotFound, "an interviewer returns it")
	if err := f.store.ReturnDocument(obCtx, f.recruiter, f.uploadID, "The photo page is blurred."); err != nil {
		t.Fatal(err)
	}
	c, err := f.store.StarterChecklist(obCtx, f.jonas, f.appID)
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range c.Tasks {
		if task.ID == f.uploadID && (task.Status != models.TaskReturned || task.ReturnReason != "The photo page is blurred." || task.File == nil) {
			t.Errorf("the returned task reads %s %q %v", task.Status, task.ReturnReason, task.File)
		}
	}
	if _, err := f.store.UploadTaskDocument(obCtx, f.jonas, f.uploadID, "second.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "SELECT count(*) FROM stored_files WHERE id = ?", first.ID); n != 0 {
		t.Error("the returned document was kept after its replacement")
	}
	if n := files(); n != before+1 {
		t.Errorf("files after upload, return and replacement = %d more, want 1", n-before)
	}
}

func TestWithdrawalDuringOnboardingKeepsTheChecklist(t *testing.T) {
	f := newOnboarding(t)
	if err := f.store.ConfirmTask(obCtx, f.jonas, f.confirmID, f.tasks[models.TaskConfirm].ConfirmVersion); err != nil {
		t.Fatal(err)
	}
	if err := f.store.ChangeStatus(obCtx, f.recruiter, f.appID, models.StatusWithdrawn, "Took another job."); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "SELECT count(*) FROM onboarding_tasks WHERE application_id = ?", f.appID); n != int64(len(models.DefaultOnboardingTemplate())) {
		t.Errorf("tasks after the withdrawal = %d", n)
	}
	wantCode(t, f.store.SubmitTaskForm(obCtx, f.jonas, f.formID, jonasDetails), models.CodeConflict, "a form after the withdrawal")
	wantCode(t, f.store.CompleteStaffTask(obCtx, f.recruiter, f.staff), models.CodeConflict, "a staff task after the withdrawal")
	list, err := f.store.StaffOnboarding(obCtx, f.recruiter)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		if p.ApplicationID == f.appID {
			t.Error("a withdrawn starter is still on the onboarding list")
		}
	}
}

func TestStaffOnboardingShowsProgressInScope(t *testing.T) {
	f := newOnboarding(t)
	if _, err := f.store.UploadTaskDocument(obCtx, f.jonas, f.uploadID, "p.pdf", []byte("%PDF-1.7\nx")); err != nil {
		t.Fatal(err)
	}
	if err := f.store.ConfirmTask(obCtx, f.jonas, f.confirmID, f.tasks[models.TaskConfirm].ConfirmVersion); err != nil {
		t.Fatal(err)
	}
	find := func(list []models.StarterProgress, appID int64) *models.StarterProgress {
		for i := range list {
			if list[i].ApplicationID == appID {
				return &list[i]
			}
		}
		return nil
	}
	list, err := f.store.StaffOnboarding(obCtx, f.recruiter)
	if err != nil {
		t.Fatal(err)
	}
	p := find(list, f.appID)
	if p == nil || p.Done != 1 || p.Required != 5 || p.DocumentsWaiting != 1 || p.Overdue != 0 || !p.StartDate.Equal(f.start) {
		t.Fatalf("Jonas on the recruiter's list: %+v", p)
	}
	if find(list, f.noahAppID) == nil {
		t.Error("Noah (onboarding in the demo) is not on the recruiter's list")
	}
	// The hiring manager of operations sees Noah, not Jonas (engineering); an interviewer nothing.
	mine, err := f.store.StaffOnboarding(obCtx, f.manager)
	if err != nil || find(mine, f.appID) != nil || find(mine, f.noahAppID) == nil {
		t.Errorf("the hiring manager's list: %+v, %v", mine, err)
	}
	if _, err := f.store.StaffOnboarding(obCtx, f.ivy); models.ErrorCode(err) != models.CodeForbidden {
		t.Errorf("an interviewer's list: %v", err)
	}
	// The day after the earliest due date has ended, the open tasks due then are overdue.
	f.clock.Advance(f.start.Sub(f.store.Now()) + 24*time.Hour)
	list, err = f.store.StaffOnboarding(obCtx, f.recruiter)
	if err != nil {
		t.Fatal(err)
	}
	if p := find(list, f.appID); p == nil || p.Overdue != 4 {
		t.Errorf("after the start date, Jonas's overdue tasks: %+v, want 4 (all but the confirmed)", p)
	}
}
