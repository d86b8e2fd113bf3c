package models_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"nextstep/models"
)

// traceColumn is one column a scan for personal data reads.
type traceColumn struct{ Table, Column, Type string }

// personalColumns lists every text, jsonb and bytea column of every table:
// the scan reads them all, so a table added later is scanned too.
func personalColumns(t *testing.T, s *models.Store) []traceColumn {
	t.Helper()
	var cols []traceColumn
	mustDB(t, s.DB().Raw(`SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS "type"
		FROM information_schema.columns c JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
		WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
		  AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea', 'inet', 'ARRAY')
		ORDER BY 1, 2`).Scan(&cols))
	if len(cols) < 100 {
		t.Fatalf("only %d columns to scan: the catalogue query is wrong", len(cols))
	}
	return cols
}

// traces names every column (table.column, with its row count) holding any
// of needles, case-insensitively; skip says which rows of a table may
// (a contract under legal hold).
func traces(t *testing.T, s *models.Store, needles []string, skip map[string]string) []string {
	t.Helper()
	var found []string
	for _, col := range personalColumns(t, s) {
		expr := `lower(` + quoteIdent(col.Column) + `::text)`
		if col.Type == "bytea" {
			// Bytes are searched as bytes: a PDF or a file holding the name in clear.
			expr = `lower(encode(` + quoteIdent(col.Column) + `, 'escape'))`
		}
		for _, needle := range needles {
			q := `SELECT count(*) FROM ` + quoteIdent(col.Table) + ` WHERE strpos(` + expr + `, lower(?)) > 0`
			if cond, ok := skip[col.Table]; ok {
				q += " AND NOT (" + cond + ")"
			}
			var n int64
			mustDB(t, s.DB().Raw(q, needle).Scan(&n))
			if n > 0 {
				found = append(found, col.Table+"."+col.Column+" holds "+needle)
			}
		}
	}
	return found
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// erasureSubject is a demo candidate and what identifies them.
type erasureSubject struct {
	actor   models.Actor
	id      int64
	needles []string
}

func demoSubject(t *testing.T, s *models.Store, email string) erasureSubject {
	t.Helper()
	var c models.Candidate
	mustDB(t, s.DB().Where("email = ?", email).Take(&c))
	// A phone and an address to look for: the demo gives the person none.
	mustDB(t, s.DB().Exec("UPDATE candidates SET phone = '+44 7700 900123' WHERE id = ?", c.ID))
	return erasureSubject{actor: models.Actor{Kind: "candidate", ID: c.ID, Email: c.Email, IP: "203.0.113.9", UserAgent: "TraceBrowser/1.0"},
		id: c.ID, needles: []string{c.Name, c.Email, "+44 7700 900123", "12 Elm Road"}}
}

func reportsNow(t *testing.T, s *models.Store, admin models.Actor) *models.Reports {
	t.Helper()
	r, err := s.Reports(context.Background(), admin, models.ReportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Acceptance (issue 23): after erasing a candidate, no text or bytea column
// of any table holds their name, email or phone; the reports' figures are
// the same before and after; their sessions and sign-in links are gone.
func TestErasureLeavesNoTrace(t *testing.T) {
	s, _ := newDemoStore(t)
	ctx := context.Background()
	admin, _ := demoStaffActor(t, s, models.DemoStaff()[0].Email)
	elena := demoSubject(t, s, "elena.rossi@example.com")
	if found := traces(t, s, elena.needles, nil); len(found) < 3 {
		t.Fatalf("before erasure the scan finds only %v: it cannot be trusted to find traces", found)
	}
	// A session and a sign-in link of hers, and a note and a document about her.
	mustDB(t, s.DB().Exec(`INSERT INTO sessions (id_hash, candidate_id, data) VALUES ('\x01', ?, '')`, elena.id))
	mustDB(t, s.DB().Exec(`INSERT INTO login_tokens (token_hash, candidate_id, expires_at) VALUES ('\x02', ?, now() + interval '1 hour')`, elena.id))
	mustDB(t, s.DB().Exec(`INSERT INTO candidate_notes (candidate_id, author_staff_id, body) VALUES (?, ?, 'Elena Rossi called about +44 7700 900123 from 12 Elm Road, Leeds')`, elena.id, admin.ID))
	before := reportsNow(t, s, admin)

	req, err := s.RequestErasure(ctx, elena.actor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestErasure(ctx, elena.actor); models.ErrorCode(err) != models.CodeConflict {
		t.Fatalf("second request: %v, want a conflict", err)
	}
	if err := s.ConfirmErasure(ctx, admin, req.ID); err != nil {
		t.Fatal(err)
	}
	if found := traces(t, s, elena.needles, nil); len(found) > 0 {
		t.Errorf("after erasure:\n%s", strings.Join(found, "\n"))
	}
	if after := reportsNow(t, s, admin); !reflect.DeepEqual(before, after) {
		t.Errorf("report figures changed:\nbefore %+v\nafter  %+v", before, after)
	}
	var left int64
	mustDB(t, s.DB().Raw(`SELECT (SELECT count(*) FROM sessions WHERE candidate_id = ?) + (SELECT count(*) FROM login_tokens WHERE candidate_id = ?)`,
		elena.id, elena.id).Scan(&left))
	if left != 0 {
		t.Errorf("%d sessions or sign-in links left", left)
	}
	var name string
	mustDB(t, s.DB().Raw("SELECT name FROM candidates WHERE id = ?", elena.id).Scan(&name))
	if name != models.ErasedName(elena.id) {
		t.Errorf("name %q, want %q", name, models.ErasedName(elena.id))
	}
	if err := s.ConfirmErasure(ctx, admin, req.ID); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("confirming twice: %v, want a conflict", err)
	}
	// Nothing is added to the record again.
	if err := s.AddNote(ctx, admin, elena.id, "Elena Rossi called again"); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("a note about an erased person: %v, want a conflict", err)
	}
	if _, err := s.UploadCandidateDocument(ctx, admin, elena.id, models.DocumentCV, "cv.pdf", []byte("%PDF-1.7\nELENA\n%%EOF")); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("a document for an erased person: %v, want a conflict", err)
	}
	var appID int64
	mustDB(t, s.DB().Raw("SELECT id FROM applications WHERE candidate_id = ?", elena.id).Scan(&appID))
	if err := s.ChangeStatus(ctx, admin, appID, models.StatusActive, ""); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("reopening an erased person's application: %v, want a conflict", err)
	}
	d, err := s.GetCandidateDetail(ctx, admin, elena.id)
	if err != nil || d.Candidate.ErasedAt == nil {
		t.Errorf("the staff page's candidate does not say they were erased: %+v, %v", d, err)
	}
}

// A hired employee's signed contract is kept under legal hold, and only it:
// every other trace of them goes, and their record says why it is kept.
func TestErasureKeepsAHiresSignedContractUnderLegalHold(t *testing.T) {
	s, _ := newDemoStore(t)
	ctx := context.Background()
	admin, _ := demoStaffActor(t, s, models.DemoStaff()[0].Email)
	olivia := demoSubject(t, s, "olivia.brown@example.com")
	var contractID int64
	mustDB(t, s.DB().Raw(`SELECT k.id FROM contracts k JOIN applications a ON a.id = k.application_id
		WHERE a.candidate_id = ? AND k.status = 'completed'`, olivia.id).Scan(&contractID))
	if contractID == 0 {
		t.Fatal("the demo's hire has no completed contract")
	}
	req, err := s.RequestErasure(ctx, olivia.actor)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmErasure(ctx, admin, req.ID); err != nil {
		t.Fatal(err)
	}
	held := "id = " + strconv.FormatInt(contractID, 10)
	if found := traces(t, s, olivia.needles, map[string]string{"contracts": held}); len(found) > 0 {
		t.Errorf("after erasure, besides the held contract:\n%s", strings.Join(found, "\n"))
	}
	var kept struct {
		Text, LegalHoldReason string
		Pdf                   []byte
	}
	mustDB(t, s.DB().Raw(`SELECT k.text, k.pdf, c.legal_hold_reason FROM contracts k, candidates c WHERE k.id = ? AND c.id = ?`,
		contractID, olivia.id).Scan(&kept))
	if !strings.Contains(kept.Text, "Olivia Brown") || len(kept.Pdf) == 0 || kept.LegalHoldReason != models.LegalHoldReason {
		t.Errorf("held contract: text kept %v, pdf %d bytes, reason %q", strings.Contains(kept.Text, "Olivia Brown"), len(kept.Pdf), kept.LegalHoldReason)
	}
}

// An application in progress stops erasure; a declined request tells the
// candidate why, and the database refuses any other change to an erased
// contract.
func TestErasureRefusedWhileAnApplicationIsOpenAndDeclinedWithAReason(t *testing.T) {
	s, _ := newDemoStore(t)
	ctx := context.Background()
	admin, _ := demoStaffActor(t, s, models.DemoStaff()[0].Email)
	recruiter, _ := demoStaffActor(t, s, models.DemoStaff()[1].Email)
	amelia := demoSubject(t, s, "amelia.hart@example.com")
	req, err := s.RequestErasure(ctx, amelia.actor)
	if err != nil {
		t.Fatal(err)
	}
	var toAdmins []string
	mustDB(t, s.DB().Raw("SELECT subject FROM outbox_messages WHERE kind = ? AND staff_id = ? AND subject LIKE ?",
		models.MsgErasureRequested, admin.ID, "%#"+strconv.FormatInt(amelia.id, 10)+" %").Scan(&toAdmins))
	if len(toAdmins) != 1 || strings.Contains(toAdmins[0], "Amelia") {
		t.Errorf("admins are told %q, want one email naming the candidate by number only", toAdmins)
	}
	// Taking it back and asking again the same day tells the admins no more.
	if err := s.WithdrawErasureRequest(ctx, amelia.actor); err != nil {
		t.Fatal(err)
	}
	if req, err = s.RequestErasure(ctx, amelia.actor); err != nil {
		t.Fatal(err)
	}
	var told int64
	mustDB(t, s.DB().Raw("SELECT count(*) FROM outbox_messages WHERE kind = ? AND staff_id = ? AND subject LIKE ?",
		models.MsgErasureRequested, admin.ID, "%#"+strconv.FormatInt(amelia.id, 10)+" %").Scan(&told))
	if told != 1 {
		t.Errorf("asking twice in a day sent the admin %d emails, want 1", told)
	}
	if err := s.ConfirmErasure(ctx, recruiter, req.ID); models.ErrorCode(err) != models.CodeForbidden {
		t.Fatalf("recruiter confirming: %v, want forbidden", err)
	}
	err = s.ConfirmErasure(ctx, admin, req.ID)
	if models.ErrorCode(err) != models.CodeConflict || !strings.Contains(err.Error(), "Account Executive") {
		t.Fatalf("erasing with an open application: %v, want a conflict naming it", err)
	}
	if err := s.DeclineErasure(ctx, admin, req.ID, "  "); models.ErrorCode(err) != models.CodeInvalid {
		t.Fatalf("declining without a reason: %v", err)
	}
	if err := s.DeclineErasure(ctx, admin, req.ID, "Your application for Account Executive is still in progress."); err != nil {
		t.Fatal(err)
	}
	var body string
	mustDB(t, s.DB().Raw("SELECT body FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgErasureDeclined, amelia.id).Scan(&body))
	if !strings.Contains(body, "still in progress") {
		t.Errorf("the candidate is not told why: %q", body)
	}
	mine, err := s.MyErasureRequest(ctx, amelia.actor)
	if err != nil || mine.Status != models.ErasureDeclined {
		t.Fatalf("candidate's request: %+v, %v", mine, err)
	}
	var erased int64
	mustDB(t, s.DB().Raw("SELECT count(*) FROM candidates WHERE id = ? AND erased_at IS NOT NULL", amelia.id).Scan(&erased))
	if erased != 0 {
		t.Error("a declined request erased the candidate")
	}
}

// The scan on the richest fixture (data_export_test.go): Noah has interviews
// booked and offered, a scorecard, a staff note, documents he and staff
// uploaded, a referee who answered, a check with his consent and an address
// history, an offer question, an interest check, onboarding answers (his
// home address and phone), a completed contract and a put-off rejection.
// His applications are withdrawn, then he is erased: nothing of him is left
// in any column of any table, and his unheld contract is erased too.
func TestErasureOfTheRichestCandidateLeavesNoTrace(t *testing.T) {
	f := newExportFixture(t)
	s, ctx := f.store, f.ctx
	admin := staffActor(f.admin)
	var checkID int64
	mustDB(t, s.DB().Raw("SELECT id FROM checks WHERE application_id = ?", f.warehouse.ID).Scan(&checkID))
	mustDB(t, s.DB().Exec(`INSERT INTO check_addresses (check_id, line, city, postcode, country, from_month)
		VALUES (?, '7 Harbour Lane', 'Hull', 'HU1 1AA', 'United Kingdom', '2020-01-01')`, checkID))
	mustDB(t, s.DB().Exec("UPDATE candidates SET phone = '+44 7700 900456' WHERE id = ?", f.noah.ID))
	needles := []string{"Noah Schmidt", "noah.schmidt@example.com", "+44 7700 900456", "+44 113 496 0000", "12 Elm Road", "7 Harbour Lane",
		"Rita Reyes", "rita@northwind.example", exRefereeAnswer, exScorecardNote, exStaffNote}
	if found := traces(t, s, needles, nil); len(found) < len(needles) {
		t.Fatalf("before erasure the scan finds only %d traces: %v", len(found), found)
	}
	for _, id := range []int64{f.warehouse.ID, f.ae.ID} {
		if err := s.ChangeStatus(ctx, staffActor(f.recruiter), id, models.StatusWithdrawn, "Asked to be erased"); err != nil {
			t.Fatal(err)
		}
	}
	req, err := s.RequestErasure(ctx, f.noah)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmErasure(ctx, admin, req.ID); err != nil {
		t.Fatal(err)
	}
	if found := traces(t, s, needles, nil); len(found) > 0 {
		t.Errorf("after erasure:\n%s", strings.Join(found, "\n"))
	}
	var files, contracts int64
	mustDB(t, s.DB().Raw("SELECT count(*) FROM stored_files WHERE uploaded_by_candidate = ?", f.noah.ID).Scan(&files))
	mustDB(t, s.DB().Raw(`SELECT count(*) FROM contracts WHERE application_id = ? AND (erased_at IS NULL OR pdf IS NOT NULL)`, f.warehouse.ID).Scan(&contracts))
	if files != 0 || contracts != 0 {
		t.Errorf("%d files he uploaded and %d unerased contracts are left", files, contracts)
	}
}
