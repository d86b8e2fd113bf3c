package models_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// The rule: a person's own zone when they have a valid one, else the portal's.
func TestZoneForIsTheOwnZoneElseThePortals(t *testing.T) {
	t.Parallel()
	london := mustZone(t, "Europe/London")
	for own, want := range map[string]string{"America/New_York": "America/New_York", "": "Europe/London",
		"Local": "Europe/London", "Mars/Olympus_Mons": "Europe/London"} {
		if got := models.ZoneFor(own, london).String(); got != want {
			t.Errorf("ZoneFor(%q) = %s, want %s", own, got, want)
		}
	}
	if got := models.ZoneFor("", nil); got != time.UTC {
		t.Errorf("no zone and no portal zone: %s, want UTC", got)
	}
	if got, err := models.CheckZone(" Asia/Tokyo "); err != nil || got != "Asia/Tokyo" {
		t.Errorf("CheckZone(Asia/Tokyo) = %q, %v", got, err)
	}
	if got, err := models.CheckZone("Etc/UTC"); err != nil || got != "UTC" {
		t.Errorf("CheckZone(Etc/UTC) = %q, %v; want UTC, the portal zone's name", got, err)
	}
	for _, bad := range []string{"", "Local", "Mars/Olympus_Mons", "Europe/" + strings.Repeat("x", 70)} {
		if _, err := models.CheckZone(bad); !errors.Is(err, models.ErrUnknownZone) {
			t.Errorf("CheckZone(%q) = %v, want the unknown-zone refusal", bad, err)
		}
	}
	for _, z := range models.ZoneChoices() {
		if _, err := models.CheckZone(z); err != nil {
			t.Errorf("offered zone %s is refused: %v", z, err)
		}
	}
}

// A zone the browser detects is kept only while the candidate has none; a
// zone they choose always wins; staff may go back to the portal's zone.
func TestSetZoneKeepsDetectionFromOverridingAChoice(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	app := d.application(t, "amelia.hart@example.com")
	who := candidateActor(app)
	zone := func() (z *string) {
		query(t, d.store, &z, "SELECT time_zone FROM candidates WHERE id = ?", app.CandidateID)
		return z
	}
	if z := zone(); z != nil {
		t.Fatalf("a new candidate has zone %q, want none", *z)
	}
	if changed, err := d.store.SetCandidateZone(d.ctx, who, "America/New_York", true); err != nil || !changed {
		t.Fatalf("detected zone: changed %v, %v", changed, err)
	}
	if changed, err := d.store.SetCandidateZone(d.ctx, who, "Asia/Tokyo", true); err != nil || changed {
		t.Errorf("a second detection: changed %v, %v; want nothing changed", changed, err)
	}
	if z := zone(); z == nil || *z != "America/New_York" {
		t.Errorf("zone after a second detection: %v", z)
	}
	must(t, errOf(d.store.SetCandidateZone(d.ctx, who, "Europe/Paris", false)))
	if z := zone(); z == nil || *z != "Europe/Paris" {
		t.Errorf("zone after choosing: %v", z)
	}
	for _, bad := range []string{"", "Local", "Nowhere/Land"} {
		if _, err := d.store.SetCandidateZone(d.ctx, who, bad, false); !errors.Is(err, models.ErrUnknownZone) {
			t.Errorf("choosing %q: %v, want the unknown-zone refusal", bad, err)
		}
	}
	if _, err := d.store.SetCandidateZone(d.ctx, staffActor(d.recruiter), "Europe/Paris", false); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("staff setting a candidate zone: %v", err)
	}
	if n := len(auditOf(t, d.store, "candidate.time_zone_changed", app.CandidateID)); n != 2 {
		t.Errorf("%d zone changes audited, want 2 (the detection and the choice)", n)
	}

	must(t, errOf(d.store.SetStaffZone(d.ctx, staffActor(d.recruiter), "Europe/London")))
	if u := staffByEmail(t, d.store, d.recruiter.Email); u.TimeZone != "Europe/London" || d.store.StaffZone(u).String() != "Europe/London" {
		t.Errorf("staff zone %q", u.TimeZone)
	}
	must(t, errOf(d.store.SetStaffZone(d.ctx, staffActor(d.recruiter), "")))
	if u := staffByEmail(t, d.store, d.recruiter.Email); u.TimeZone != "" || d.store.StaffZone(u) != d.store.Location() {
		t.Errorf("staff zone after going back to the portal's: %q", u.TimeZone)
	}
	// The database bounds the name too.
	if err := d.store.DB().Exec("UPDATE candidates SET time_zone = '' WHERE id = ?", app.CandidateID).Error; err == nil {
		t.Error("the database took an empty zone")
	}
}

func errOf(_ bool, err error) error { return err }

func auditOf(t *testing.T, s *models.Store, action string, subjectID int64) (rows []models.AuditEntry) {
	query(t, s, &rows, "SELECT * FROM audit_log WHERE action = ? AND subject_id = ? ORDER BY id", action, subjectID)
	return rows
}

// Acceptance 2 (issue 22): staff in Europe/London offer times, a candidate
// in America/New_York gets them in New York time, across the weeks when
// the US has moved its clocks (14 March 2027) and the UK not yet (28 March
// 2027): 14:00 in London is 09:00 in New York before, 10:00 between, and
// 09:00 again after. The portal's own zone is UTC, so a time formatted in
// it, or in the staff member's zone, reads differently. The calendar file
// stays in UTC.
func TestInterviewTimesReachTheCandidateInTheirZoneAcrossDST(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	must(t, errOf(d.store.SetStaffZone(d.ctx, staffActor(d.recruiter), "Europe/London")))
	amelia := d.application(t, "amelia.hart@example.com")
	must(t, errOf(d.store.SetCandidateZone(d.ctx, candidateActor(amelia), "America/New_York", true)))

	since := lastOutboxID(t, d.store)
	r, app := d.newRound(t, "amelia.hart@example.com",
		roundInput([]int64{d.interviewer.ID}, "2027-03-09T14:00", "2027-03-16T14:00", "2027-03-30T14:00"))
	slots := roundSlots(t, d.store, r.ID)
	wantUTC := []time.Time{time.Date(2027, 3, 9, 14, 0, 0, 0, time.UTC), time.Date(2027, 3, 16, 14, 0, 0, 0, time.UTC),
		time.Date(2027, 3, 30, 13, 0, 0, 0, time.UTC)}
	if len(slots) != 3 {
		t.Fatalf("%d slots", len(slots))
	}
	for i, s := range slots {
		if !s.StartsAt.Equal(wantUTC[i]) {
			t.Errorf("slot %d starts %s, want %s (14:00 in London)", i, s.StartsAt.UTC(), wantUTC[i])
		}
	}
	inv := outboxSince(t, d.store, since, models.MsgInterviewInvitation)
	if len(inv) != 1 || !strings.Contains(inv[0].Body, "Times are shown in America/New_York") {
		t.Fatalf("invitation: %+v", inv)
	}

	must(t, d.store.PickSlot(d.ctx, candidateActor(app), app.ID, r.ID, slots[1].ID))
	conf := outboxSince(t, d.store, since, models.MsgInterviewScheduled)
	if len(conf) != 1 {
		t.Fatalf("%d confirmations", len(conf))
	}
	if want := "When: Tuesday 16 March 2027, 10:00–11:00 (EDT, America/New_York)"; !strings.Contains(conf[0].Body, want) {
		t.Errorf("confirmation lacks %q:\n%s", want, conf[0].Body)
	}
	if want := "on Tuesday 16 March 2027"; !strings.Contains(conf[0].Subject, want) {
		t.Errorf("confirmation subject %q lacks %q", conf[0].Subject, want)
	}
	if !strings.Contains(conf[0].CalendarICS, "DTSTART:20270316T140000Z") {
		t.Errorf("the calendar file is not in UTC:\n%s", conf[0].CalendarICS)
	}
	// The panel member has no zone of their own: the portal's (UTC).
	panel := outboxSince(t, d.store, since, models.MsgPanelInterview)
	if len(panel) != 1 || !strings.Contains(panel[0].Body, "When: Tuesday 16 March 2027, 14:00–15:00 (UTC)") {
		t.Errorf("panel invitation: %+v", panel)
	}

	// Moved by the London recruiter to 14:00 London after the UK change too:
	// 09:00 in New York (both on summer time).
	since = lastOutboxID(t, d.store)
	must(t, d.store.RescheduleRound(d.ctx, staffActor(d.recruiter), r.ID, "2027-03-31T14:00"))
	moved := outboxSince(t, d.store, since, models.MsgInterviewRescheduled)
	if want := "New time: Wednesday 31 March 2027, 09:00–10:00 (EDT, America/New_York)"; len(moved) != 1 || !strings.Contains(moved[0].Body, want) {
		t.Errorf("rescheduled message lacks %q: %+v", want, moved)
	}

	// The day before, the reminder says the same time in the same zone.
	d.clock.Advance(time.Date(2027, 3, 30, 14, 0, 0, 0, time.UTC).Sub(d.clock.Now()))
	since = lastOutboxID(t, d.store)
	must(t, errOf2(d.store.SendDueReminders(d.ctx)))
	reminder := outboxSince(t, d.store, since, models.MsgInterviewReminder)
	if want := "When: Wednesday 31 March 2027, 09:00–10:00 (EDT, America/New_York)"; len(reminder) != 1 || !strings.Contains(reminder[0].Body, want) {
		t.Errorf("reminder lacks %q: %+v", want, reminder)
	}
}

func errOf2(_ int, err error) error { return err }
