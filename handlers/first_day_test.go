package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The first day through the pages: staff give a bad time (422, at its
// field, what was typed kept), then good details (303); Noah reads his
// page and downloads the .ics; another candidate gets 404 for both.
func TestFirstDayThroughThePages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	appID := app.applicationID(noahEmail)
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	post := fmt.Sprintf("/admin/applications/%d/onboarding/first-day", appID)
	form := url.Values{"start_time": {"9am"}, "time_zone": {""}, "address": {"Warehouse 3, Trafford Park\nManchester M17 1PL"},
		"ask_for": {"Sam at the gatehouse"}, "what_to_bring": {"Safety boots"}, "agenda": {"08:30 Site tour"}}
	res := rec.post(post, form)
	doc := res.Doc(t)
	if res.Status != http.StatusUnprocessableEntity || doc.Find("#start_time-error").Length() != 1 {
		t.Fatalf("a bad time: %d, message %d", res.Status, doc.Find("#start_time-error").Length())
	}
	if v, _ := doc.Find("#ask_for").Attr("value"); v != "Sam at the gatehouse" || !strings.Contains(doc.Find("#address").Text(), "Trafford Park") {
		t.Errorf("the form did not keep what was typed: %q, %q", v, doc.Find("#address").Text())
	}
	form.Set("start_time", "08:30")
	if res := rec.post(post, form); res.Status != http.StatusSeeOther {
		t.Fatalf("a good first day: %d %q", res.Status, res.Doc(t).Find(".error-summary").Text())
	}

	noah := app.newClient()
	noah.loginCandidate(noahEmail)
	page := fmt.Sprintf("/me/applications/%d/first-day", appID)
	res = noah.get(page)
	doc = res.Doc(t)
	if res.Status != http.StatusOK || !strings.Contains(doc.Find("[data-testid=first-day-when]").Text(), "08:30") {
		t.Fatalf("Noah's first day: %d %q", res.Status, doc.Find("[data-testid=first-day-when]").Text())
	}
	if href, _ := doc.Find("[data-testid=first-day-map]").Attr("href"); href != "https://www.openstreetmap.org/search?query=Warehouse+3%2C+Trafford+Park+Manchester+M17+1PL" {
		t.Errorf("map link %q", href)
	}
	if href, _ := doc.Find("[data-testid=first-day-ics]").Attr("href"); href != page+".ics" {
		t.Errorf("calendar link %q", href)
	}
	if link := noah.get(fmt.Sprintf("/me/applications/%d/onboarding", appID)).Doc(t).Find("[data-testid=first-day-link]"); link.Length() != 1 {
		t.Error("the checklist does not link to the first day")
	}
	ics := noah.get(page + ".ics")
	if ics.Status != http.StatusOK || !strings.HasPrefix(ics.Header.Get("Content-Type"), "text/calendar") || !strings.Contains(ics.Body, "BEGIN:VEVENT") {
		t.Fatalf("the .ics: %d %q", ics.Status, ics.Header.Get("Content-Type"))
	}

	ben := app.newClient()
	ben.loginCandidate("ben.okafor@example.com")
	for _, path := range []string{page, page + ".ics"} {
		if res := ben.get(path); res.Status != http.StatusNotFound {
			t.Errorf("another candidate on %s: %d, want 404", path, res.Status)
		}
	}
}
