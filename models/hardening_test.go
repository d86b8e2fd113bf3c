package models_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"nextstep/devdb"
	"nextstep/models"
)

// signedContract takes Daniel's offer through both signatures and returns the contract.
func signedContract(t *testing.T, d demo) (*models.Contract, int64) {
	t.Helper()
	ctx := context.Background()
	appID, candidate := acceptedOffer(t, d)
	c, err := d.store.GenerateContract(ctx, staffActor(d.recruiter), appID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.store.GiveEsignConsent(ctx, candidate, appID, true); err != nil {
		t.Fatal(err)
	}
	if err := d.store.SignAsCandidate(ctx, candidate, appID, "Daniel Kim", true); err != nil {
		t.Fatal(err)
	}
	if err := d.store.Countersign(ctx, staffActor(d.manager), c.ID, "Hugo Manager", true); err != nil {
		t.Fatal(err)
	}
	return c, appID
}

// Issue 8.3: every column of a contract is frozen except the allowed status
// moves and the first write of each signature; TRUNCATE is refused on
// contracts, the audit log and consents; consents are append-only.
func TestSignedContractCannotBeMovedOrErased(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	c, _ := signedContract(t, d)
	db := d.store.DB()
	var otherApp int64
	mustDB(t, db.Raw("SELECT a.id FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE c.email = 'ben.okafor@example.com'").Scan(&otherApp))
	var otherTemplate int64
	if err := db.Raw("INSERT INTO contract_templates (name, body) VALUES ('Other', 'Other text') RETURNING id").Scan(&otherTemplate).Error; err != nil || otherApp == 0 {
		t.Fatalf("fixture: template %d (%v), other application %d", otherTemplate, err, otherApp)
	}
	for name, stmt := range map[string]string{
		"application_id":         "UPDATE contracts SET application_id = ? WHERE id = ?",
		"template_id":            "UPDATE contracts SET template_id = ? WHERE id = ?",
		"written_form_required":  "UPDATE contracts SET written_form_required = NOT written_form_required WHERE id = ? AND ? > 0",
		"created_at":             "UPDATE contracts SET created_at = created_at - interval '1 day' WHERE id = ? AND ? > 0",
		"status backwards":       "UPDATE contracts SET status = 'awaiting_employer' WHERE id = ? AND ? > 0",
		"void a completed one":   "UPDATE contracts SET status = 'void' WHERE id = ? AND ? > 0",
		"candidate name":         "UPDATE contracts SET candidate_signed_name = 'Somebody Else' WHERE id = ? AND ? > 0",
		"employer signer":        "UPDATE contracts SET employer_signer_id = NULL WHERE id = ? AND ? > 0",
		"employer signer's role": "UPDATE contracts SET employer_signed_role = 'Chief Executive' WHERE id = ? AND ? > 0",
		"pdf":                    "UPDATE contracts SET pdf = 'x' WHERE id = ? AND ? > 0",
		"delete":                 "DELETE FROM contracts WHERE id = ? AND ? > 0",
	} {
		args := []any{c.ID, 1}
		switch name {
		case "application_id":
			args = []any{otherApp, c.ID}
		case "template_id":
			args = []any{otherTemplate, c.ID}
		}
		if err := db.Exec(stmt, args...).Error; err == nil {
			t.Errorf("changing %s was allowed", name)
		}
	}
	for _, table := range []string{"contracts", "audit_log", "esign_consents"} {
		if err := db.Exec("TRUNCATE " + table + " CASCADE").Error; err == nil {
			t.Errorf("TRUNCATE %s was allowed", table)
		}
	}
	if err := db.Exec("UPDATE esign_consents SET ip = '203.0.113.9'").Error; err == nil {
		t.Error("a consent was changed")
	}
	if err := db.Exec("DELETE FROM esign_consents").Error; err == nil {
		t.Error("a consent was deleted")
	}
}

// Issue 8.3: /verify names the person who signed, from the frozen row, even
// after the candidate record changes.
func TestVerifyReportsTheFrozenSignerName(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	c, appID := signedContract(t, d)
	var pdf []byte
	if err := d.store.DB().Raw("SELECT pdf FROM contracts WHERE id = ?", c.ID).Row().Scan(&pdf); err != nil || len(pdf) == 0 {
		t.Fatalf("reading the signed PDF: %v", err)
	}
	if err := d.store.DB().Exec("UPDATE candidates SET name = 'Mallory Swap' WHERE id = (SELECT candidate_id FROM applications WHERE id = ?)", appID).Error; err != nil {
		t.Fatal(err)
	}
	doc, err := d.store.VerifyPDF(context.Background(), pdf)
	if err != nil {
		t.Fatal(err)
	}
	if doc.CandidateName != "Daniel Kim" || doc.EmployerName != "Hugo Manager" {
		t.Fatalf("verified signer names %q / %q, want the names typed when signing", doc.CandidateName, doc.EmployerName)
	}
	// The signer's role is the one they signed in, whatever their title becomes.
	var signed string
	mustDB(t, d.store.DB().Raw("SELECT employer_signed_role FROM contracts WHERE id = ?", c.ID).Scan(&signed))
	mustDB(t, d.store.DB().Exec("UPDATE staff_users SET job_title = 'Somewhere Else' WHERE id = (SELECT employer_signer_id FROM contracts WHERE id = ?)", c.ID))
	if doc, err = d.store.VerifyPDF(context.Background(), pdf); err != nil {
		t.Fatal(err)
	}
	if signed == "" || doc.EmployerRole != signed {
		t.Fatalf("verified signer role %q, want the role frozen at signing %q", doc.EmployerRole, signed)
	}
}

// Issue 8.4: names outside Latin-1 keep every letter in the signed PDF.
func TestSignedPDFKeepsEveryLetter(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed; .ci/run installs it")
	}
	d := newDemo(t)
	const name = "Łukasz Dvořák-Şahin Ελένη"
	if err := d.store.DB().Exec("UPDATE candidates SET name = ? WHERE email = 'daniel.kim@example.com'", name).Error; err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	appID, candidate := acceptedOffer(t, d)
	c, err := d.store.GenerateContract(ctx, staffActor(d.recruiter), appID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.store.GiveEsignConsent(ctx, candidate, appID, true); err != nil {
		t.Fatal(err)
	}
	if err := d.store.SignAsCandidate(ctx, candidate, appID, name, true); err != nil {
		t.Fatal(err)
	}
	if err := d.store.Countersign(ctx, staffActor(d.manager), c.ID, "Hugo Manager", true); err != nil {
		t.Fatal(err)
	}
	var pdf []byte
	if err := d.store.DB().Raw("SELECT pdf FROM contracts WHERE id = ?", c.ID).Row().Scan(&pdf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "contract.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if n := strings.Count(text, name); n < 3 { // contract header, signature block, certificate
		t.Fatalf("the name appears %d times intact in the PDF text, want at least 3:\n%s", n, text)
	}
}

// strictICS checks a calendar with devdb.StrictICS (RFC 5545's line rules,
// then a real iCalendar decoder).
func strictICS(t *testing.T, cal string) *ical.Calendar {
	t.Helper()
	parsed, err := devdb.StrictICS(cal)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

// Issue 8.8: CR and CRLF typed into a day's fields never reach the .ics as
// bare CRs, and cannot inject a property.
func TestBookingCalendarSurvivesHostileNewlines(t *testing.T) {
	t.Parallel()
	day := models.AssessmentDay{ID: 1, Title: "Sales day\rX-INJECTED:1", LocationAddress: "1 Main St\r\nX-INJECTED:2",
		Agenda: "09:00 Welcome\r\n10:00 Role play\rX-INJECTED:3", WhatToBring: "ID\r\n", TimeZone: "Europe/London",
		StartsAt: time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 12, 10, 15, 0, 0, 0, time.UTC), Status: models.DayScheduled}
	b := models.AssessmentBooking{ID: 1, ApplicationID: 7, Status: models.BookingBooked}
	out := models.BookingCalendar(day, b, 0, "Account Executive", "http://x/me/applications/7/assessment", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	cal := strictICS(t, out)
	for _, ev := range cal.Events() {
		for name := range ev.Props {
			if strings.HasPrefix(name, "X-INJECTED") {
				t.Fatalf("an injected property %s made it into the event", name)
			}
		}
	}
	if strings.Contains(out, "\nX-INJECTED") {
		t.Fatalf("a line starts with the injected text:\n%s", out)
	}
}
