package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOutboxShowsAHeldRejectionUntilThePositionIsFilled: a rejection held
// until its position is settled has no date to be sent on; the Outbox says
// what it waits for.
func TestOutboxShowsAHeldRejectionUntilThePositionIsFilled(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	const ben = "ben.okafor@example.com"
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	r := staff.post(fmt.Sprintf("/admin/applications/%d/status", app.applicationID(ben)), url.Values{
		"status": {"rejected"}, "reason": {"A stronger candidate is ahead"}, "send": {"held"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("held rejection: %d", r.Status)
	}
	page := staff.get("/admin/outbox?status=held&to=" + url.QueryEscape(ben))
	if page.Status != http.StatusOK {
		t.Fatalf("outbox: %d", page.Status)
	}
	states := page.Doc(t).Find("[data-testid=outbox-message] [data-testid=message-status]")
	if states.Length() == 0 {
		t.Fatal("the held rejection is not in the Outbox")
	}
	for i := range states.Length() {
		got := strings.Join(strings.Fields(states.Eq(i).Text()), " ")
		if !strings.Contains(got, "Held until the position is filled") {
			t.Errorf("a held rejection's state reads %q, want \"Held until the position is filled\"", got)
		}
		if strings.ContainsAny(got, "0123456789") {
			t.Errorf("a held rejection's state names a date: %q", got)
		}
	}
}
