package views_test

import (
	"testing"
	"time"

	"nextstep/views"
)

// A page shows times in its person's zone, naming it; a date input stays in
// the portal's zone, the one the handlers read it in (a promise made for
// 17:00 in London is still that day for a staff member in Tokyo).
func TestPageZoneAndPortalZone(t *testing.T) {
	t.Parallel()
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	london, newYork, tokyo := load("Europe/London"), load("America/New_York"), load("Asia/Tokyo")
	promised := time.Date(2027, 3, 16, 17, 0, 0, 0, london)
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

	staff := views.Layout{Loc: tokyo, Portal: london, Now: now}
	if got := views.ISODate(&promised, staff); got != "2027-03-16" {
		t.Errorf("date input in Tokyo: %s, want the portal's date 2027-03-16", got)
	}
	if got := views.ShortDate(promised, staff); got != "17 Mar 2027" {
		t.Errorf("date shown in Tokyo: %s, want the Tokyo date", got)
	}
	// A promised update date is a day of the portal's calendar, for every reader.
	if got := views.PromisedShort(promised, staff); got != "16 Mar 2027" {
		t.Errorf("promised date shown in Tokyo: %s, want the portal's day 16 Mar 2027", got)
	}
	if got := views.PromisedDay(promised, views.Layout{Loc: tokyo, Portal: london, Now: now}); got != "Tuesday 16 March" {
		t.Errorf("promised day for a candidate in Tokyo: %s, want Tuesday 16 March", got)
	}
	candidate := views.Layout{Loc: newYork, Portal: london, Now: now}
	if got := views.DeadlineWhen(promised, candidate); got != "Tuesday 16 March, 13:00 (EDT, America/New_York)" {
		t.Errorf("deadline in New York: %q", got)
	}
	if got := views.DeadlineWhen(promised, views.Layout{Portal: london, Now: now}); got != "Tuesday 16 March, 17:00 (GMT, Europe/London)" {
		t.Errorf("deadline without a zone of one's own: %q, want the portal's", got)
	}
}
