package models_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// Every pair of statuses, with and without consent: the status machine.
func TestCheckStatusMachine(t *testing.T) {
	t.Parallel()
	W, N, P := models.CheckWaitingForCandidate, models.CheckNotStarted, models.CheckInProgress
	C, R, X, D := models.CheckClear, models.CheckNeedsReview, models.CheckNotClear, models.CheckWithdrawn
	allowed := map[models.CheckStatus][]models.CheckStatus{
		W: {N, P, C, R, X, D},
		N: {W, P, C, R, X, D},
		P: {W, C, R, X, D},
		R: {P, C, X, D},
		X: {P, C, R, D},
		C: {D},
		D: {},
	}
	needsConsent := map[models.CheckStatus]bool{N: true, P: true, C: true, R: true, X: true}
	for _, from := range models.CheckStatuses() {
		for _, to := range models.CheckStatuses() {
			ok := false
			for _, a := range allowed[from] {
				ok = ok || a == to
			}
			for _, consented := range []bool{false, true} {
				err := models.CanMoveCheck(from, to, consented)
				want := ok && (consented || !needsConsent[to])
				if (err == nil) != want {
					t.Errorf("%s → %s (consent %v): %v, want allowed=%v", from, to, consented, err, want)
				}
				if err != nil && (models.ErrorCode(err) != models.CodeInvalid || models.FieldErrors(err)["status"] == "") {
					t.Errorf("%s → %s: refusal %v has no sentence on the status field", from, to, err)
				}
			}
		}
	}
	if err := models.CanMoveCheck(W, "finished", true); err == nil {
		t.Error("an unknown status was allowed")
	}
	if err := models.CanMoveCheck(W, P, false); !strings.Contains(err.Error(), "consent") {
		t.Errorf("in progress without consent: %v, want it to name the consent", err)
	}
}

func TestRequiredChecks(t *testing.T) {
	t.Parallel()
	for r, want := range map[models.RequiredChecks]string{models.ChecksNone: "", models.ChecksBackground: "background",
		models.ChecksMedical: "medical", models.ChecksBoth: "background,medical", "everything": ""} {
		var got []string
		for _, k := range r.Kinds() {
			got = append(got, string(k))
		}
		if strings.Join(got, ",") != want {
			t.Errorf("%q asks for %v, want %q", r, got, want)
		}
	}
	if models.RequiredChecks("everything").Valid() || !models.ChecksBoth.Valid() {
		t.Error("Valid is wrong")
	}
	if models.CheckBackground.Stage() != models.StageBackgroundCheck || models.CheckMedical.Stage() != models.StageMedical {
		t.Error("a check's stage is wrong")
	}
}

func addr(from, to string) models.CheckAddressInput {
	return models.CheckAddressInput{Line: "1 High Street", City: "Leeds", Postcode: "LS1 1AA", Country: "United Kingdom", FromMonth: from, ToMonth: to}
}

// Five years of addresses, gaps of one month at most, one current address
// (now is December 2026: the history must reach back to December 2021).
func TestAddressHistoryRule(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		rows  []models.CheckAddressInput
		field string // "" when accepted
		words string
	}{
		{"one address for six years", []models.CheckAddressInput{addr("2020-06", "")}, "", ""},
		{"exactly five years", []models.CheckAddressInput{addr("2021-12", "")}, "", ""},
		{"a month short is tolerated", []models.CheckAddressInput{addr("2022-01", "")}, "", ""},
		{"two months short", []models.CheckAddressInput{addr("2022-02", "")}, "addresses", "go back 5 years"},
		{"contiguous moves", []models.CheckAddressInput{addr("2023-04", ""), addr("2019-01", "2023-03")}, "", ""},
		{"a one-month gap", []models.CheckAddressInput{addr("2019-01", "2023-02"), addr("2023-04", "")}, "", ""},
		{"a two-month gap", []models.CheckAddressInput{addr("2019-01", "2023-02"), addr("2023-05", "")}, "addresses", "gap of 2 months"},
		{"overlaps are fine", []models.CheckAddressInput{addr("2019-01", "2024-06"), addr("2024-01", "")}, "", ""},
		{"no current address", []models.CheckAddressInput{addr("2019-01", "2026-09")}, "addresses", "where you live now"},
		{"moved out last month", []models.CheckAddressInput{addr("2019-01", "2026-11")}, "", ""},
		{"a future month", []models.CheckAddressInput{addr("2019-01", "2027-01")}, "address_0_to_month", "future"},
		{"out before in", []models.CheckAddressInput{addr("2023-01", "2022-01")}, "address_0_to_month", "before"},
		{"not a month", []models.CheckAddressInput{addr("June 2019", "")}, "address_0_from_month", "year and month"},
		{"nothing", nil, "addresses", "last 5 years"},
		{"a missing city", []models.CheckAddressInput{{Line: "1 High St", Country: "UK", FromMonth: "2019-01"}}, "address_0_city", "town or city"},
		{"an overlong line", []models.CheckAddressInput{{Line: strings.Repeat("x", 201), City: "Leeds", Country: "UK", FromMonth: "2019-01"}},
			"address_0_line", "200 characters"},
	}
	for _, c := range cases {
		rows, err := models.ValidateAddressHistory(c.rows, now, time.UTC)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", c.name, err)
			} else if len(rows) != len(c.rows) || (len(rows) > 1 && rows[0].FromMonth.After(rows[1].FromMonth)) {
				t.Errorf("%s: rows %+v, want all of them oldest first", c.name, rows)
			}
			continue
		}
		if msg := models.FieldErrors(err)[c.field]; !strings.Contains(msg, c.words) {
			t.Errorf("%s: %v, want %q on %s", c.name, err, c.words, c.field)
		}
	}
}

func TestAppointmentWindowRule(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	w := func(from, to, part string) []models.AppointmentWindowInput {
		return []models.AppointmentWindowInput{{FromDay: from, ToDay: to, PartOfDay: part}}
	}
	for _, c := range []struct {
		name  string
		rows  []models.AppointmentWindowInput
		field string
	}{
		{"next week, mornings", w("2026-12-07", "2026-12-11", "morning"), ""},
		{"today", w("2026-12-01", "2026-12-01", ""), ""},
		{"yesterday", w("2026-11-30", "2026-12-02", "any"), "window_0_from_day"},
		{"backwards", w("2026-12-10", "2026-12-07", "any"), "window_0_to_day"},
		{"too far ahead", w("2027-02-01", "2027-03-15", "any"), "window_0_to_day"},
		{"an unknown part of the day", w("2026-12-07", "2026-12-08", "night"), "window_0_part_of_day"},
		{"none", nil, "windows"},
	} {
		_, err := models.ValidateAppointmentWindows(c.rows, now, time.UTC)
		if c.field == "" && err != nil || c.field != "" && models.FieldErrors(err)[c.field] == "" {
			t.Errorf("%s: %v, want a refusal on %q", c.name, err, c.field)
		}
	}
}

// The wait: five business days in the portal's zone, to the end of the
// working day (17:00), weekends skipped; confirmation refused before it
// ends and allowed from then.
func TestPreDecisionWait(t *testing.T) {
	t.Parallel()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sent time.Time
		days int
		want string
	}{
		{time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), 5, "2026-12-08 17:00"},  // Tuesday → next Tuesday
		{time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC), 5, "2026-12-11 17:00"}, // Friday → next Friday
		{time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC), 5, "2026-12-11 17:00"}, // Saturday → Friday
		{time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC), 1, "2026-12-07 17:00"},
		{time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), 10, "2026-12-15 17:00"},
	} {
		got := models.PreDecisionWaitUntil(c.sent, c.days, london)
		if got.In(london).Format("2006-01-02 15:04") != c.want {
			t.Errorf("sent %s, %d days: %s, want %s", c.sent, c.days, got.In(london).Format("2006-01-02 15:04 MST"), c.want)
		}
	}
	// Across the zone: 23:30 UTC on Monday is already Tuesday in Tokyo.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	if got := models.PreDecisionWaitUntil(time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC), 1, tokyo); got.In(tokyo).Format("2006-01-02") != "2026-12-02" {
		t.Errorf("the wait is not counted in the portal's zone: %s", got.In(tokyo))
	}

	until := time.Date(2026, 12, 8, 17, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		status models.AdverseStatus
		now    time.Time
		ok     bool
	}{
		{models.AdverseNoticeSent, until.Add(-time.Second), false},
		{models.AdverseNoticeSent, until, true},
		{models.AdverseReplied, until.Add(-time.Hour), false},
		{models.AdverseReplied, until.Add(time.Hour), true},
		{models.AdverseConfirmed, until.Add(time.Hour), false},
		{models.AdverseCancelled, until.Add(time.Hour), false},
		{"", until.Add(time.Hour), false},
	} {
		err := models.CanConfirmAdverseRejection(c.status, until, c.now, time.UTC)
		if (err == nil) != c.ok || err != nil && models.ErrorCode(err) != models.CodeConflict {
			t.Errorf("%q at %s: %v, want ok=%v", c.status, c.now, err, c.ok)
		}
	}
}

// pdfBytes, pngBytes and jpegBytes begin as their types do.
var (
	pdfBytes  = []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	pngBytes  = append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, bytes.Repeat([]byte{0}, 64)...)
	jpegBytes = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{1}, 64)...)
	htmlBytes = []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
)

func TestSniffFile(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		data  []byte
		want  string // "" refused
		words string
	}{
		{"result.pdf", pdfBytes, models.FilePDF, ""},
		{"scan.png", pngBytes, models.FilePNG, ""},
		{"photo.jpg", jpegBytes, models.FileJPEG, ""},
		{"scan.pdf", pngBytes, models.FilePNG, ""}, // the bytes decide, not the name
		{"result.pdf", htmlBytes, "", "web page (HTML)"},
		{"result.pdf", []byte("just some text pretending"), "", "not a PDF, JPEG or PNG"},
		{"result.pdf", append([]byte("  "), pdfBytes...), "", "not a PDF"}, // sniffed as PDF? not by its magic
		{"empty.pdf", nil, "", "empty"},
		{"huge.pdf", append(pdfBytes, make([]byte, 11<<20)...), "", "10 MB at most"},
		{"../../etc/passwd\r\n.pdf", htmlBytes, "", "passwd"},
	} {
		got, err := models.SniffFile(c.name, c.data)
		if got != c.want {
			t.Errorf("%s (%d bytes): %q, %v; want %q", c.name, len(c.data), got, err, c.want)
		}
		if c.want == "" {
			msg := models.FieldErrors(err)["file"]
			if !strings.Contains(msg, c.words) || strings.ContainsAny(msg, "\r\n/") {
				t.Errorf("%s: refusal %q, want a one-line sentence with %q", c.name, msg, c.words)
			}
		}
	}
	exact := append(pdfBytes, make([]byte, models.MaxFileBytes-len(pdfBytes))...)
	if _, err := models.SniffFile("big.pdf", exact); err != nil {
		t.Errorf("a file of exactly 10 MB: %v", err)
	}
}
