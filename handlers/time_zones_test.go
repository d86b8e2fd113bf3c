package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"nextstep/handlers"
)

// A candidate's zone (issue 22): the browser's, posted once while they have
// none, never over a zone they chose; chosen on the account page (an
// unknown zone refused at its field); without one, the page says the
// portal's zone applies.
func TestCandidateTimeZoneIsDetectedOnceAndChosen(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	liam := app.candidateID(liamEmail)
	c := app.newClient()
	c.loginCandidate(liamEmail)
	zone := func() (z *string) {
		mustDB(t, app.Store.DB().Raw("SELECT time_zone FROM candidates WHERE id = ?", liam).Scan(&z))
		return z
	}

	doc := c.get("/me/account").Doc(t)
	if got := squash(doc.Find("[data-testid=zone-portal-note]").Text()); !strings.Contains(got, "Times are shown in UTC, the portal's time zone, until you choose yours") {
		t.Errorf("without a zone the page does not say the portal's applies: %q", got)
	}
	if doc.Find("form[data-zone-detect]").Length() != 1 {
		t.Error("no detection form for a candidate without a zone")
	}
	if got := c.get("/me").Doc(t).Find("noscript").Text(); !strings.Contains(got, "Times are shown in UTC, the portal's time zone.") {
		t.Errorf("without JavaScript the candidate's pages do not say which zone applies: %q", got)
	}
	if res := c.post("/me/account/zone/detect", url.Values{"time_zone": {"Nowhere/Land"}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("detecting an unknown zone: %d", res.Status)
	}
	if res := c.postRaw("/me/account/zone/detect", url.Values{"time_zone": {"America/New_York"}}); res.Status == http.StatusNoContent {
		t.Error("detection without the CSRF token was accepted")
	}
	// 200: kept, and not the portal's zone the page was shown in (app.js shows it again).
	if res := c.post("/me/account/zone/detect", url.Values{"time_zone": {"America/New_York"}}); res.Status != http.StatusOK {
		t.Fatalf("detecting: %d", res.Status)
	}
	if z := zone(); z == nil || *z != "America/New_York" {
		t.Fatalf("zone after detection: %v", z)
	}
	doc = c.get("/me/account").Doc(t)
	if doc.Find("form[data-zone-detect]").Length() != 0 || doc.Find("noscript").Length() != 0 {
		t.Error("the detection form, or the note without JavaScript, is still there once the candidate has a zone")
	}
	if got := squash(doc.Find("[data-testid=time-zone-name]").Text()); got != "America/New_York" {
		t.Errorf("zone shown %q", got)
	}
	if got := squash(c.get("/me/messages").Doc(t).Find("main").Text()); !strings.Contains(got, "times in EST, America/New_York") {
		t.Errorf("the messages page does not name the candidate's zone: %.200q", got)
	}
	if v, _ := doc.Find("[data-testid=zone-select] option[selected]").Attr("value"); v != "America/New_York" {
		t.Errorf("selected zone %q", v)
	}

	// A browser in UTC, the portal's zone, by another of its names: kept as
	// UTC, and nothing to show again.
	chloe := app.newClient()
	chloe.loginCandidate("chloe.dubois@example.com")
	if res := chloe.post("/me/account/zone/detect", url.Values{"time_zone": {"Etc/UTC"}}); res.Status != http.StatusNoContent {
		t.Errorf("detecting the portal's zone: %d", res.Status)
	}
	var chloeZone *string
	mustDB(t, app.Store.DB().Raw("SELECT time_zone FROM candidates WHERE id = ?", app.candidateID("chloe.dubois@example.com")).Scan(&chloeZone))
	if chloeZone == nil || *chloeZone != "UTC" {
		t.Errorf("Etc/UTC kept as %v, want UTC", chloeZone)
	}

	res := c.post("/me/account/zone", url.Values{"time_zone": {"Europe/Paris"}})
	if res.Status != http.StatusSeeOther || res.Location != "/me/account" {
		t.Fatalf("choosing: %d → %q", res.Status, res.Location)
	}
	if res := c.post("/me/account/zone/detect", url.Values{"time_zone": {"Asia/Tokyo"}}); res.Status != http.StatusNoContent {
		t.Errorf("a late detection: %d", res.Status)
	}
	if z := zone(); z == nil || *z != "Europe/Paris" {
		t.Errorf("a detection overrode the chosen zone: %v", z)
	}
	res = c.post("/me/account/zone", url.Values{"time_zone": {"Local"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("choosing Local: %d", res.Status)
	}
	if got := squash(res.Doc(t).Find("#time_zone-error").Text()); !strings.Contains(got, "Choose a time zone from the list") {
		t.Errorf("refusal at the field: %q", got)
	}
}

// A staff member's zone: their pages show times in it and say so, and the
// interview times they enter are read in it; the assessment-day form
// defaults to the portal's zone, whatever the staff member's.
func TestStaffTimeZoneNamesTheZoneTimesAreEnteredIn(t *testing.T) {
	t.Parallel()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	app := newTestAppWith(t, func(cfg *handlers.Config) { cfg.Location = london })
	c := app.newClient()
	c.loginStaff("recruiter@demo.nextstep.test")
	newRound := fmt.Sprintf("/admin/applications/%d/interviews/new", app.applicationID("amelia.hart@example.com"))
	if got := squash(c.get(newRound).Doc(t).Find("[data-testid=slots-zone]").Text()); !strings.Contains(got, "Times in GMT, Europe/London") {
		t.Errorf("new interview form, portal zone: %q", got)
	}
	res := c.post("/admin/account/zone", url.Values{"time_zone": {"America/Chicago"}})
	if res.Status != http.StatusSeeOther || res.Location != "/admin/account" {
		t.Fatalf("choosing: %d → %q", res.Status, res.Location)
	}
	doc := c.get("/admin/account").Doc(t)
	if v, _ := doc.Find("[data-testid=staff-zone-select] option[selected]").Attr("value"); v != "America/Chicago" {
		t.Errorf("selected zone %q", v)
	}
	if got := squash(c.get(newRound).Doc(t).Find("[data-testid=slots-zone]").Text()); !strings.Contains(got, "Times in CST, America/Chicago") {
		t.Errorf("new interview form, own zone: %q", got)
	}
	day := c.get("/admin/assessment-days/new").Doc(t)
	if v, _ := day.Find("#time_zone option[selected]").Attr("value"); v != "Europe/London" {
		t.Errorf("a new assessment day's zone defaults to %q, want the portal's", v)
	}
	if got := squash(day.Find("[data-testid=day-zone-hint]").Text()); !strings.Contains(got, "The date and times above are in this zone") {
		t.Errorf("the day form does not say which zone its times are in: %q", got)
	}
	if res := c.post("/admin/account/zone", url.Values{"time_zone": {"Mars/Base"}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown zone: %d", res.Status)
	}
	if res := c.post("/admin/account/zone", url.Values{"time_zone": {""}}); res.Status != http.StatusSeeOther {
		t.Errorf("back to the portal's zone: %d", res.Status)
	}
	if got := squash(c.get(newRound).Doc(t).Find("[data-testid=slots-zone]").Text()); !strings.Contains(got, "Times in GMT, Europe/London") {
		t.Errorf("new interview form, back to the portal zone: %q", got)
	}
}
