package handlers_test

// Browser acceptance tests for assessment days: a candidate books, adds the
// day to their calendar, moves and cancels their seat, and takes a seat that
// frees up on a full day through the waitlist.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"nextstep/models"
)

// dayOptionIDs lists the data-day-id of every day offered on the page, in order.
func dayOptionIDs(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return run(t, ctx, "day options", chromedp.Evaluate[[]string](`Array.prototype.map.call(
		document.querySelectorAll("[data-testid=day-option]"), function (e) { return e.getAttribute("data-day-id"); })`))
}

// countIn counts the elements matching sel on the page.
func countIn(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	q, _ := json.Marshal(sel)
	return run(t, ctx, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%s).length`, q)))
}

// fetched is a same-origin fetch made by the page, with the browser's cookies.
type fetched struct {
	Status      int    `json:"status"`
	ContentType string `json:"type"`
	Disposition string `json:"disposition"`
	Body        string `json:"body"`
}

func browserFetch(t *testing.T, ctx context.Context, href string) fetched {
	t.Helper()
	q, _ := json.Marshal(href)
	return run(t, ctx, "fetch "+href, chromedp.Evaluate[fetched](fmt.Sprintf(`fetch(%s, {credentials: "same-origin"}).then(function (r) {
		return r.text().then(function (body) {
			return {status: r.status, type: r.headers.get("content-type") || "", disposition: r.headers.get("content-disposition") || "", body: body};
		});
	})`, q), chromedp.EvalAwaitPromise))
}

// icsProperty is the unfolded, unescaped value of the first property name in
// an iCalendar text. It accepts bare LF line breaks as well as CRLF.
func icsProperty(ics, name string) (params, value string, ok bool) {
	unfolded := strings.NewReplacer("\r\n ", "", "\r\n\t", "", "\n ", "", "\n\t", "").Replace(ics)
	for _, line := range strings.Split(unfolded, "\n") {
		line = strings.TrimSuffix(line, "\r")
		head, val, found := strings.Cut(line, ":")
		if !found {
			continue
		}
		prop, par, _ := strings.Cut(head, ";")
		if prop == name {
			return par, strings.NewReplacer(`\,`, ",", `\;`, ";", `\n`, "\n", `\\`, `\`).Replace(val), true
		}
	}
	return "", "", false
}

// TestBrowserAssessmentBookRescheduleCancel is the acceptance journey: Ben
// books the first sales day, adds it to his calendar, moves to the second
// date, then cancels.
func TestBrowserAssessmentBookRescheduleCancel(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day1, day2 := app.assessmentDayID(assessSalesDay1), app.assessmentDayID(assessSalesDay2)
	benApp := app.applicationID(assessBen)
	base := assessmentPath(benApp)
	link, err := app.Store.IssueSignInLink(context.Background(), assessBen)
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	browserUseSignInLink(t, b, link)
	waitVisible(t, b, "[data-testid=next-action-button][data-move=book_seat]")
	if status := submit(t, b, "[data-testid=next-action-button][data-move=book_seat]"); status != http.StatusOK {
		t.Fatalf("book call to action: status %d", status)
	}
	if got := path(t, b); got != base {
		t.Fatalf("the call to action leads to %s, want %s", got, base)
	}
	waitVisible(t, b, "[data-testid=day-option]")
	if got, want := dayOptionIDs(t, b), []string{fmt.Sprint(day1), fmt.Sprint(day2)}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("days offered = %v, want the two sales days soonest first %v", got, want)
	}
	if got := text(t, b, "[data-testid=day-option] h3"); got != assessSalesDay1 {
		t.Fatalf("first day offered = %q, want %q", got, assessSalesDay1)
	}
	if got := text(t, b, "[data-testid=day-option] [data-testid=seats-left]"); got != "12 seats left" {
		t.Errorf("seats left on the first day = %q, want 12 seats left", got)
	}
	screenshot(t, b, "assessment-choose.png")

	// Book the first day.
	first := fmt.Sprintf(`[data-testid=day-option][data-day-id="%d"]`, day1)
	if status := submit(t, b, first+" [data-testid=book]"); status != http.StatusOK {
		t.Fatalf("book: status %d", status)
	}
	if got := path(t, b); got != base+"/confirmation" {
		t.Fatalf("after booking the browser is on %s, want the confirmation", got)
	}
	waitVisible(t, b, "[data-testid=booking-confirmation]")
	if got := text(t, b, "[data-testid=booking-confirmation]"); !strings.Contains(got, assessSalesDay1) || !strings.Contains(got, "Friday 11 December 2026") {
		t.Fatalf("confirmation = %q, want the first day's title and date", got)
	}
	if got := text(t, b, "[data-testid=flash]"); !strings.Contains(got, "booked") {
		t.Errorf("flash after booking = %q", got)
	}
	if got := app.bookedDay(benApp); got != day1 {
		t.Fatalf("Ben's booked day in the database = %d, want %d", got, day1)
	}
	screenshot(t, b, "assessment-confirmation.png")

	// The calendar file, fetched with the browser's own session.
	href := run(t, b, "ics href", chromedp.AttributeValue(chromedp.CSS("[data-testid=ics-link]"), "href"))
	if href.Value != base+"/calendar.ics" {
		t.Fatalf("ics link = %q, want %s/calendar.ics", href.Value, base)
	}
	ics := browserFetch(t, b, href.Value)
	if ics.Status != http.StatusOK || !strings.HasPrefix(ics.ContentType, "text/calendar") {
		t.Fatalf("calendar file: status %d, content type %q", ics.Status, ics.ContentType)
	}
	if !strings.Contains(ics.Disposition, "attachment") || !strings.Contains(ics.Disposition, ".ics") {
		t.Errorf("calendar Content-Disposition = %q", ics.Disposition)
	}
	if !strings.HasPrefix(ics.Body, "BEGIN:VCALENDAR") || !strings.Contains(ics.Body, "BEGIN:VEVENT") {
		t.Fatalf("calendar body is not an iCalendar file: %.200q", ics.Body)
	}
	if _, v, ok := icsProperty(ics.Body, "DTSTART"); !ok || v != "20261211T090000Z" {
		t.Errorf("DTSTART = %q, want 20261211T090000Z (09:00 UTC, written with Z)", v)
	}
	if _, v, ok := icsProperty(ics.Body, "DTEND"); !ok || v != "20261211T160000Z" {
		t.Errorf("DTEND = %q, want 20261211T160000Z", v)
	}
	if _, v, ok := icsProperty(ics.Body, "SUMMARY"); !ok || !strings.Contains(v, assessSalesDay1) {
		t.Errorf("SUMMARY = %q, want it to contain %q", v, assessSalesDay1)
	}

	// Back to the assessment page, and move to the second date.
	if status := submit(t, b, fmt.Sprintf(`[data-testid=booking-confirmation] a[href=%q]`, base)); status != http.StatusOK {
		t.Fatalf("Change or cancel: status %d", status)
	}
	waitVisible(t, b, "[data-testid=current-booking]")
	if got := text(t, b, "[data-testid=current-booking] h2"); got != assessSalesDay1 {
		t.Fatalf("current booking = %q, want %q", got, assessSalesDay1)
	}
	if got := dayOptionIDs(t, b); fmt.Sprint(got) != fmt.Sprint([]string{fmt.Sprint(day2)}) {
		t.Fatalf("with a seat booked the page offers days %v, want only the other day %d", got, day2)
	}
	if n := countIn(t, b, "[data-testid=book]"); n != 0 {
		t.Errorf("with a seat booked the page shows %d book buttons, want none", n)
	}
	if status := submit(t, b, fmt.Sprintf(`[data-testid=day-option][data-day-id="%d"] [data-testid=reschedule]`, day2)); status != http.StatusOK {
		t.Fatalf("reschedule: status %d", status)
	}
	if got := path(t, b); got != base+"/confirmation" {
		t.Fatalf("after rescheduling the browser is on %s", got)
	}
	waitVisible(t, b, "[data-testid=booking-confirmation]")
	if got := text(t, b, "[data-testid=booking-confirmation]"); !strings.Contains(got, assessSalesDay2) || !strings.Contains(got, "Friday 18 December 2026") {
		t.Fatalf("confirmation after rescheduling = %q, want the second day", got)
	}
	if got := app.bookedDay(benApp); got != day2 {
		t.Fatalf("Ben's booked day = %d, want %d", got, day2)
	}
	if d1, d2 := app.dayRow(day1), app.dayRow(day2); d1.SeatsTaken != 0 || d2.SeatsTaken != 1 {
		t.Fatalf("seats taken after rescheduling: day 1 %d, day 2 %d; want 0 and 1", d1.SeatsTaken, d2.SeatsTaken)
	}
	if n := app.countRows("assessment_bookings", "application_id = ? AND day_id = ? AND status = 'rescheduled'", benApp, day1); n != 1 {
		t.Errorf("rescheduled bookings on day 1 = %d, want 1", n)
	}
	// The calendar follows the move.
	if _, v, _ := icsProperty(browserFetch(t, b, base+"/calendar.ics").Body, "DTSTART"); v != "20261218T090000Z" {
		t.Errorf("DTSTART after rescheduling = %q, want 20261218T090000Z", v)
	}

	// Cancel the seat.
	open(t, b, app.URL+base, "[data-testid=cancel-seat]")
	if status := submit(t, b, "[data-testid=cancel-seat]"); status != http.StatusOK {
		t.Fatalf("cancel: status %d", status)
	}
	if got := path(t, b); got != base {
		t.Fatalf("after cancelling the browser is on %s, want %s", got, base)
	}
	waitVisible(t, b, "[data-testid=day-option]")
	if got := text(t, b, "[data-testid=flash]"); !strings.Contains(got, "cancelled") {
		t.Errorf("flash after cancelling = %q", got)
	}
	if n := countIn(t, b, "[data-testid=current-booking]"); n != 0 {
		t.Errorf("the page still shows a current booking after cancelling")
	}
	if got := dayOptionIDs(t, b); fmt.Sprint(got) != fmt.Sprint([]string{fmt.Sprint(day1), fmt.Sprint(day2)}) {
		t.Errorf("after cancelling the page offers %v, want both sales days", got)
	}
	if n := countIn(t, b, "[data-testid=day-option] [data-testid=book]"); n != 2 {
		t.Errorf("after cancelling there are %d book buttons, want 2", n)
	}
	if got := app.bookedDay(benApp); got != 0 {
		t.Fatalf("Ben still holds a booking on day %d", got)
	}
	if d1, d2 := app.dayRow(day1), app.dayRow(day2); d1.SeatsTaken != 0 || d2.SeatsTaken != 0 {
		t.Fatalf("seats taken after cancelling: %d and %d, want 0", d1.SeatsTaken, d2.SeatsTaken)
	}
	screenshot(t, b, "assessment-after-cancel.png")
	open(t, b, app.URL+"/me", "[data-testid=next-action-button][data-move=book_seat]")
}

// TestBrowserAssessmentWaitlistOffer: the first sales day is full; Ben joins
// its waitlist, the holder cancels, and Ben accepts the seat held for him.
func TestBrowserAssessmentWaitlistOffer(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	day1, day2 := app.assessmentDayID(assessSalesDay1), app.assessmentDayID(assessSalesDay2)
	benApp := app.applicationID(assessBen)
	base := assessmentPath(benApp)
	app.setCapacity(day1, 1)
	holderID, holderApp := app.newAssessmentCandidate("Hana Holder", "hana.holder@example.com", assessSales)
	app.bookAs(holderID, holderApp, day1)
	if got := app.dayRow(day1); got.SeatsTaken != 1 || got.Capacity != 1 {
		t.Fatalf("day 1 is %+v, want full at 1 of 1", got)
	}

	link, err := app.Store.IssueSignInLink(ctx, assessBen)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	browserUseSignInLink(t, b, link)
	open(t, b, app.URL+base, "[data-testid=day-option]")
	full := fmt.Sprintf(`[data-testid=day-option][data-day-id="%d"]`, day1)
	if got := text(t, b, full+" [data-testid=day-full]"); got != "Fully booked" {
		t.Fatalf("full day shows %q, want Fully booked", got)
	}
	if n := countIn(t, b, full+" [data-testid=book]"); n != 0 {
		t.Errorf("the full day shows %d book buttons", n)
	}
	if n := countIn(t, b, fmt.Sprintf(`[data-testid=day-option][data-day-id="%d"] [data-testid=book]`, day2)); n != 1 {
		t.Errorf("the open second day shows %d book buttons, want 1", n)
	}
	if status := submit(t, b, full+" [data-testid=join-waitlist]"); status != http.StatusOK {
		t.Fatalf("join waitlist: status %d", status)
	}
	if got := path(t, b); got != base {
		t.Fatalf("after joining the waitlist the browser is on %s", got)
	}
	waitVisible(t, b, "[data-testid=waitlist-place]")
	if got := text(t, b, "[data-testid=waitlist-place]"); !strings.Contains(got, "number 1") {
		t.Fatalf("waitlist place = %q, want number 1", got)
	}
	if n := countIn(t, b, full+" [data-testid=join-waitlist]"); n != 0 {
		t.Errorf("the join button is still shown after joining")
	}
	if got := app.waitlistStatus(benApp, day1); got != models.WaitWaiting {
		t.Fatalf("Ben's waitlist entry = %q, want waiting", got)
	}
	screenshot(t, b, "assessment-waitlist.png")

	// The holder gives up their seat; it is held for Ben.
	if err := app.Store.CancelSeat(ctx, candidateActor(holderID), holderApp); err != nil {
		t.Fatal(err)
	}
	open(t, b, app.URL+base, "[data-testid=offer]")
	if got := text(t, b, "[data-testid=offer]"); !strings.Contains(got, "holding it for you until") || !strings.Contains(got, "Wednesday 2 December") {
		t.Errorf("offer = %q, want it held until Wednesday 2 December", got)
	}
	screenshot(t, b, "assessment-offer.png")
	if status := submit(t, b, "[data-testid=accept-offer]"); status != http.StatusOK {
		t.Fatalf("accept offer: status %d", status)
	}
	if got := path(t, b); got != base+"/confirmation" {
		t.Fatalf("after accepting the browser is on %s", got)
	}
	waitVisible(t, b, "[data-testid=booking-confirmation]")
	if got := text(t, b, "[data-testid=booking-confirmation]"); !strings.Contains(got, assessSalesDay1) {
		t.Fatalf("confirmation = %q, want %q", got, assessSalesDay1)
	}

	// Exactly one seat on the day, and it is Ben's.
	var booked []int64
	if err := app.Store.DB().Raw("SELECT application_id FROM assessment_bookings WHERE day_id = ? AND status = 'booked'", day1).Scan(&booked).Error; err != nil {
		t.Fatal(err)
	}
	if len(booked) != 1 || booked[0] != benApp {
		t.Fatalf("booked applications on day 1 = %v, want only Ben's %d", booked, benApp)
	}
	if got := app.dayRow(day1); got.SeatsTaken != 1 {
		t.Fatalf("day 1 seats taken = %d, want 1", got.SeatsTaken)
	}
	if got := app.waitlistStatus(benApp, day1); got != models.WaitAccepted {
		t.Errorf("Ben's waitlist entry = %q, want accepted", got)
	}
	if n := app.countRows("assessment_bookings", "application_id = ? AND status = 'cancelled'", holderApp); n != 1 {
		t.Errorf("holder's cancelled bookings = %d, want 1", n)
	}
}
