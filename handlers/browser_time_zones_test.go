package handlers_test

// Browser acceptance test of times in the candidate's own zone (issue 22,
// acceptance 2): a candidate whose browser runs in America/New_York sees an
// interview offered by a recruiter in Europe/London at the right local time
// on the picker, the confirmation page and the email, across the weeks of
// 2027 when New York has moved its clocks (14 March) and London not yet
// (28 March). The portal's zone is UTC, so a time shown in it, or in the
// recruiter's zone, reads differently.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"nextstep/models"
)

func TestBrowserCandidateSeesInterviewTimesInTheirZone(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	appID, candID := app.applicationID(ivAmeliaEmail), app.candidateID(ivAmeliaEmail)

	// The recruiter works in London and offers three times at 14:00 there.
	rec, err := app.Store.StaffByEmail(ctx, recruiterEmail)
	if err != nil {
		t.Fatal(err)
	}
	recruiter := models.Actor{Kind: "staff", ID: rec.ID, Email: rec.Email, Role: rec.Role}
	if _, err := app.Store.SetStaffZone(ctx, recruiter, "Europe/London"); err != nil {
		t.Fatal(err)
	}
	ines, err := app.Store.StaffByEmail(ctx, interviewerEmail)
	if err != nil {
		t.Fatal(err)
	}
	round, err := app.Store.CreateRound(ctx, recruiter, appID, models.RoundInput{Kind: models.InterviewCommercialNegotiation,
		Duration: "45", Location: "London office", PanelIDs: []int64{ines.ID},
		Slots: []string{"2027-03-09T14:00", "2027-03-16T14:00", "2027-03-30T14:00"}, ConfirmSkip: true})
	if err != nil {
		t.Fatal(err)
	}

	// Amelia's browser is in New York: her first page tells the portal so,
	// and shows itself again in her zone.
	cand := newBrowser(t)
	browserZone(t, cand, "America/New_York")
	link, err := app.Store.IssueSignInLink(ctx, ivAmeliaEmail)
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, cand, link)
	var zone *string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		mustDB(t, app.Store.DB().Raw("SELECT time_zone FROM candidates WHERE id = ?", candID).Scan(&zone))
		if zone != nil || time.Now().After(deadline) {
			break
		}
	}
	if zone == nil || *zone != "America/New_York" {
		t.Fatalf("the browser's zone was not kept: %v", zone)
	}
	// The page shown again has no detection form left.
	for deadline := time.Now().Add(10 * time.Second); elementCount(t, cand, "form[data-zone-detect]") != 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the page was not shown again after the zone was kept")
		}
	}

	// The picker: 14:00 in London is 09:00, 10:00 and 09:00 in New York.
	pickPath := fmt.Sprintf("/me/applications/%d/interviews/%d", appID, round.ID)
	open(t, cand, app.URL+pickPath, "[data-testid=pick-form]")
	if got := text(t, cand, "[data-testid=pick-form] legend"); got != "Times in America/New_York" {
		t.Errorf("times legend = %q, want the candidate's zone named", got)
	}
	want := []string{"Tuesday 9 March 2027, 09:00–09:45 (EST)", "Tuesday 16 March 2027, 10:00–10:45 (EDT)",
		"Tuesday 30 March 2027, 09:00–09:45 (EDT)"}
	if got := ivTexts(t, cand, "[data-testid=pick-form] label"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("times on the picker = %q, want %q", got, want)
	}
	screenshot(t, cand, "time-zone-picker-new-york.png")
	value := ivChoiceValue(t, cand, "[data-testid=pick-form]", "slot_id", "Tuesday 16 March 2027, 10:00")
	tick(t, cand, fmt.Sprintf(`[data-testid=pick-form] input[name=slot_id][value="%s"]`, value))
	if status := submit(t, cand, "[data-testid=pick-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("book the time: status %d", status)
	}

	// The confirmation page and the email say the same, naming the zone.
	const when = "Tuesday 16 March 2027, 10:00–10:45 (EDT, America/New_York)"
	if got := text(t, cand, "[data-testid=interview-when]"); got != when {
		t.Errorf("confirmation page: %q, want %q", got, when)
	}
	screenshot(t, cand, "time-zone-confirmation-new-york.png")
	var mail models.OutboxMessage
	mustDB(t, app.Store.DB().Raw("SELECT * FROM outbox_messages WHERE kind = ? AND candidate_id = ? ORDER BY id DESC LIMIT 1",
		models.MsgInterviewScheduled, candID).Scan(&mail))
	if wantLine := "When: Tuesday 16 March 2027, 10:00–10:45 (EDT, America/New_York)"; !strings.Contains(mail.Body, wantLine) {
		t.Errorf("the confirmation email lacks %q:\n%s", wantLine, mail.Body)
	}
	if !strings.Contains(mail.CalendarICS, "DTSTART:20270316T140000Z") {
		t.Errorf("the email's calendar file is not in UTC:\n%s", mail.CalendarICS)
	}
	// The calendar download too stays UTC.
	ics := run(t, cand, "calendar file", chromedp.Evaluate[string](fmt.Sprintf(
		`fetch(%q, {credentials: "same-origin"}).then(function (r) { return r.text(); })`, pickPath+"/calendar.ics"), chromedp.EvalAwaitPromise))
	if !strings.Contains(ics, "DTSTART:20270316T140000Z") {
		t.Errorf("the downloaded calendar file is not in UTC:\n%s", ics)
	}

	// Without JavaScript nothing is posted: Farid, also in New York, sees
	// his interview times in the portal's zone, named, and is told so.
	faridApp, faridID := app.applicationID("farid.haddad@example.com"), app.candidateID("farid.haddad@example.com")
	var faridRound int64
	mustDB(t, app.Store.DB().Raw("SELECT id FROM interview_rounds WHERE application_id = ? AND status = 'proposed'", faridApp).Scan(&faridRound))
	farid := newBrowser(t)
	browserZone(t, farid, "America/New_York")
	if _, err := chromedp.Call(farid, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
	link, err = app.Store.IssueSignInLink(ctx, "farid.haddad@example.com")
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, farid, link)
	open(t, farid, app.URL+fmt.Sprintf("/me/applications/%d/interviews/%d", faridApp, faridRound), "[data-testid=pick-form]")
	if got := text(t, farid, "[data-testid=pick-form] legend"); got != "Times in UTC" {
		t.Errorf("without JavaScript the times legend = %q, want the portal's zone", got)
	}
	if got := text(t, farid, "[data-testid=zone-noscript]"); !strings.Contains(got, "Times are shown in UTC, the portal's time zone.") {
		t.Errorf("without JavaScript the page does not say which zone applies: %q", got)
	}
	var faridZone *string
	mustDB(t, app.Store.DB().Raw("SELECT time_zone FROM candidates WHERE id = ?", faridID).Scan(&faridZone))
	if faridZone != nil {
		t.Errorf("a zone was kept without JavaScript: %q", *faridZone)
	}
}
