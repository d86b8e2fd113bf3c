package handlers_test

// Assessment days over plain HTTP: booking rules, capacity, cancellation,
// results, the roster CSV and the waitlist, each checked in the page the
// person sees and in the database.

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"nextstep/models"
)

// ---- helpers shared with browser_assessment_test.go ----

const (
	assessBen       = "ben.okafor@example.com"   // sales, at the assessment stage
	assessKemi      = "kemi.adeyemi@example.com" // operations, at the assessment stage
	assessAmelia    = "amelia.hart@example.com"  // sales, still at interview completed
	assessSalesDay1 = "Sales assessment day (London)"
	assessSalesDay2 = "Sales assessment day (London, second date)"
	assessOpsDay    = "Operations assessment day (Manchester)"
	assessSales     = "Account Executive"
)

// assessmentDayID looks up a day by its title.
func (a *testApp) assessmentDayID(title string) int64 {
	a.t.Helper()
	var id int64
	if err := a.Store.DB().Raw("SELECT id FROM assessment_days WHERE title = ?", title).Scan(&id).Error; err != nil || id == 0 {
		a.t.Fatalf("assessment day %q not found: %v", title, err)
	}
	return id
}

// dayRow is a day's seat counters and status straight from the database.
type dayRow struct {
	Capacity   int
	SeatsTaken int
	Status     models.DayStatus
}

func (a *testApp) dayRow(id int64) dayRow {
	a.t.Helper()
	var r dayRow
	if err := a.Store.DB().Raw("SELECT capacity, seats_taken, status FROM assessment_days WHERE id = ?", id).Scan(&r).Error; err != nil || r.Status == "" {
		a.t.Fatalf("assessment day %d: %v", id, err)
	}
	return r
}

// setCapacity changes a day's capacity behind the application's back.
func (a *testApp) setCapacity(dayID int64, capacity int) {
	a.t.Helper()
	if err := a.Store.DB().Exec("UPDATE assessment_days SET capacity = ? WHERE id = ?", capacity, dayID).Error; err != nil {
		a.t.Fatalf("setting capacity of day %d to %d: %v", dayID, capacity, err)
	}
}

// adminActor is the demo admin as the store sees a signed-in staff member.
func (a *testApp) adminActor() models.Actor {
	a.t.Helper()
	return models.Actor{Kind: "staff", ID: a.staffID(adminEmail), Email: adminEmail, Role: models.RoleAdmin}
}

func candidateActor(candidateID int64) models.Actor {
	return models.Actor{Kind: "candidate", ID: candidateID}
}

// newAssessmentCandidate adds a candidate whose application for position
// starts at the assessment-day stage, and returns both ids.
func (a *testApp) newAssessmentCandidate(name, email, position string) (candidateID, appID int64) {
	a.t.Helper()
	c, err := a.Store.CreateCandidate(context.Background(), a.adminActor(), models.CandidateInput{
		Name: name, Email: email, PositionID: a.positionID(position), Stage: models.StageAssessmentDay})
	if err != nil {
		a.t.Fatalf("creating candidate %s: %v", email, err)
	}
	if got := a.applicationStage(a.applicationID(email)); got != string(models.StageAssessmentDay) {
		a.t.Fatalf("new candidate %s is at stage %q, want assessment_day", email, got)
	}
	return c.ID, a.applicationID(email)
}

// bookAs books a seat through the store as the candidate would.
func (a *testApp) bookAs(candidateID, appID, dayID int64) {
	a.t.Helper()
	if _, err := a.Store.BookSeat(context.Background(), candidateActor(candidateID), appID, dayID); err != nil {
		a.t.Fatalf("booking day %d for application %d: %v", dayID, appID, err)
	}
}

// joinWaitlistAs queues the candidate for a full day through the store.
func (a *testApp) joinWaitlistAs(candidateID, appID, dayID int64) {
	a.t.Helper()
	if err := a.Store.JoinWaitlist(context.Background(), candidateActor(candidateID), appID, dayID); err != nil {
		a.t.Fatalf("joining the waitlist of day %d for application %d: %v", dayID, appID, err)
	}
}

// bookedDay is the day of the application's active booking, 0 when it holds none.
func (a *testApp) bookedDay(appID int64) int64 {
	a.t.Helper()
	var ids []int64
	if err := a.Store.DB().Raw("SELECT day_id FROM assessment_bookings WHERE application_id = ? AND status = 'booked'", appID).Scan(&ids).Error; err != nil {
		a.t.Fatal(err)
	}
	if len(ids) > 1 {
		a.t.Fatalf("application %d holds %d active bookings", appID, len(ids))
	}
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// waitlistStatus is the status of the application's newest entry on a day's waitlist.
func (a *testApp) waitlistStatus(appID, dayID int64) models.WaitlistStatus {
	a.t.Helper()
	var st models.WaitlistStatus
	if err := a.Store.DB().Raw("SELECT status FROM assessment_waitlist WHERE application_id = ? AND day_id = ? ORDER BY id DESC LIMIT 1",
		appID, dayID).Scan(&st).Error; err != nil {
		a.t.Fatal(err)
	}
	return st
}

func assessmentPath(appID int64) string { return fmt.Sprintf("/me/applications/%d/assessment", appID) }

// formFields reads the values a browser would submit from the form sel.
func formFields(t *testing.T, doc *goquery.Document, sel string) url.Values {
	t.Helper()
	form := doc.Find(sel)
	if form.Length() != 1 {
		t.Fatalf("%d forms match %s", form.Length(), sel)
	}
	v := url.Values{}
	form.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		typ, _ := s.Attr("type")
		if (typ == "checkbox" || typ == "radio") && s.AttrOr("checked", "\x00") == "\x00" {
			return
		}
		v.Add(name, s.AttrOr("value", ""))
	})
	form.Find("select[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		opt := s.Find("option[selected]").First()
		if opt.Length() == 0 {
			opt = s.Find("option").First()
		}
		v.Add(name, opt.AttrOr("value", ""))
	})
	form.Find("textarea[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v.Add(name, s.Text())
	})
	v.Del("_csrf")
	return v
}

// dayEditForm loads the staff edit form of a day as a browser would submit it.
func (c *client) dayEditForm(dayID int64) url.Values {
	c.app.t.Helper()
	res := c.get(fmt.Sprintf("/admin/assessment-days/%d/edit", dayID))
	if res.Status != http.StatusOK {
		c.app.t.Fatalf("edit form of day %d: status %d", dayID, res.Status)
	}
	form := formFields(c.app.t, res.Doc(c.app.t), fmt.Sprintf(`form[action="/admin/assessment-days/%d"]`, dayID))
	if form.Get("title") == "" || form.Get("capacity") == "" || len(form["positions"]) == 0 {
		c.app.t.Fatalf("edit form of day %d lacks title, capacity or positions: %v", dayID, form)
	}
	return form
}

// problem is the refusal message on a candidate assessment page.
func problem(t *testing.T, res response) string {
	t.Helper()
	return strings.Join(strings.Fields(res.Doc(t).Find("[data-testid=booking-problem]").Text()), " ")
}

// ---- capacity ----

func TestAssessmentCapacityCannotDropBelowBookings(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day := app.assessmentDayID(assessSalesDay1)

	// Ben books through the page, a second candidate through the store.
	ben := app.newClient()
	ben.loginCandidate(assessBen)
	benApp := app.applicationID(assessBen)
	if res := ben.post(assessmentPath(benApp)+"/book", url.Values{"day_id": {fmt.Sprint(day)}}); res.Status != http.StatusSeeOther ||
		res.Location != assessmentPath(benApp)+"/confirmation" {
		t.Fatalf("Ben books: %d → %q, want 303 to the confirmation", res.Status, res.Location)
	}
	cid, aid := app.newAssessmentCandidate("Sam Seller", "sam.seller@example.com", assessSales)
	app.bookAs(cid, aid, day)
	if got := app.dayRow(day); got.SeatsTaken != 2 || got.Capacity != 12 {
		t.Fatalf("after two bookings the day is %+v, want 2 of 12 seats taken", got)
	}

	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	form := staff.dayEditForm(day)
	form.Set("capacity", "1")
	res := staff.post(fmt.Sprintf("/admin/assessment-days/%d", day), form)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("capacity 1 with 2 seats taken: status %d, want 422", res.Status)
	}
	summary := strings.Join(strings.Fields(res.Doc(t).Find("[data-testid=error-summary]").Text()), " ")
	if !strings.Contains(summary, "cannot be lower") || !strings.Contains(summary, "already taken") || !strings.Contains(summary, "2 seats") {
		t.Errorf("error summary = %q, want it to say 2 seats are already taken and the capacity cannot be lower", summary)
	}
	if got := res.Doc(t).Find("#capacity").AttrOr("value", ""); got != "1" {
		t.Errorf("capacity field after the error = %q, want the typed 1 kept", got)
	}
	if got := app.dayRow(day); got.Capacity != 12 || got.SeatsTaken != 2 {
		t.Fatalf("after the refused edit the day is %+v, want capacity 12 and 2 seats taken", got)
	}

	// Exactly the seats taken is allowed.
	form.Set("capacity", "2")
	if res := staff.post(fmt.Sprintf("/admin/assessment-days/%d", day), form); res.Status != http.StatusSeeOther {
		t.Fatalf("capacity 2 with 2 seats taken: status %d, want 303; body %.300s", res.Status, res.text(t))
	}
	if got := app.dayRow(day); got.Capacity != 2 || got.SeatsTaken != 2 {
		t.Fatalf("after setting capacity 2 the day is %+v", got)
	}

	// The database refuses it too, whoever writes.
	err := app.Store.DB().Exec("UPDATE assessment_days SET capacity = 1 WHERE id = ?", day).Error
	if err == nil || !strings.Contains(err.Error(), "assessment_days_not_overbooked") {
		t.Fatalf("direct UPDATE to capacity 1: err = %v, want the assessment_days_not_overbooked CHECK violation", err)
	}
	err = app.Store.DB().Exec("UPDATE assessment_days SET seats_taken = seats_taken + 1 WHERE id = ?", day).Error
	if err == nil || !strings.Contains(err.Error(), "assessment_days_not_overbooked") {
		t.Fatalf("direct UPDATE taking a third seat of 2: err = %v, want the CHECK violation", err)
	}
	if got := app.dayRow(day); got.Capacity != 2 || got.SeatsTaken != 2 {
		t.Fatalf("after the refused SQL the day is %+v", got)
	}
}

// ---- booking rules ----

func TestAssessmentBookingClosedAfterCutoff(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day1, day2 := app.assessmentDayID(assessSalesDay1), app.assessmentDayID(assessSalesDay2)
	// Day 1 starts 11 December 09:00 UTC; with a 24 h cutoff booking closes 10 December 09:00.
	app.Clock.Advance(9*24*time.Hour + time.Hour)

	ben := app.newClient()
	ben.loginCandidate(assessBen)
	benApp := app.applicationID(assessBen)
	page := ben.get(assessmentPath(benApp))
	if page.Status != http.StatusOK {
		t.Fatalf("assessment page: %d", page.Status)
	}
	opt := page.Doc(t).Find(fmt.Sprintf(`[data-testid=day-option][data-day-id="%d"]`, day1))
	if opt.Find("[data-testid=booking-closed]").Length() != 1 || opt.Find("[data-testid=book]").Length() != 0 {
		t.Errorf("day 1 past its cutoff should show booking closed and no book button: %q", strings.Join(strings.Fields(opt.Text()), " "))
	}

	res := ben.post(assessmentPath(benApp)+"/book", url.Values{"day_id": {fmt.Sprint(day1)}})
	if res.Status != http.StatusConflict {
		t.Fatalf("booking past the cutoff: status %d, want 409", res.Status)
	}
	if msg := problem(t, res); !strings.Contains(msg, "Booking for this day has closed") {
		t.Errorf("refusal = %q, want the closed message", msg)
	}
	if got := app.bookedDay(benApp); got != 0 {
		t.Fatalf("Ben holds a booking on day %d after a refused late booking", got)
	}
	if got := app.dayRow(day1); got.SeatsTaken != 0 {
		t.Fatalf("day 1 seats taken = %d after a refused booking", got.SeatsTaken)
	}

	// The later day is still open.
	if res := ben.post(assessmentPath(benApp)+"/book", url.Values{"day_id": {fmt.Sprint(day2)}}); res.Status != http.StatusSeeOther {
		t.Fatalf("booking day 2 before its cutoff: status %d, want 303", res.Status)
	}
	if got := app.bookedDay(benApp); got != day2 {
		t.Fatalf("Ben's booked day = %d, want day 2 (%d)", got, day2)
	}
}

func TestAssessmentBookingCancelledDayRefused(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day2 := app.assessmentDayID(assessSalesDay2)
	benApp := app.applicationID(assessBen)

	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	res := staff.post(fmt.Sprintf("/admin/assessment-days/%d/cancel", day2), url.Values{"reason": {"The venue is closed."}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("cancel day: status %d", res.Status)
	}
	if got := app.dayRow(day2); got.Status != models.DayCancelled {
		t.Fatalf("day status after cancel = %q", got.Status)
	}

	ben := app.newClient()
	ben.loginCandidate(assessBen)
	page := ben.get(assessmentPath(benApp))
	if page.Doc(t).Find(fmt.Sprintf(`[data-testid=day-option][data-day-id="%d"]`, day2)).Length() != 0 {
		t.Errorf("the cancelled day is still offered to Ben")
	}
	res = ben.post(assessmentPath(benApp)+"/book", url.Values{"day_id": {fmt.Sprint(day2)}})
	if res.Status != http.StatusConflict {
		t.Fatalf("booking a cancelled day: status %d, want 409", res.Status)
	}
	if msg := problem(t, res); !strings.Contains(msg, "cancelled") {
		t.Errorf("refusal = %q, want it to say the day was cancelled", msg)
	}
	if got := app.bookedDay(benApp); got != 0 {
		t.Fatalf("Ben holds a booking on day %d", got)
	}
	if got := app.dayRow(day2); got.SeatsTaken != 0 {
		t.Fatalf("cancelled day seats taken = %d", got.SeatsTaken)
	}
}

func TestAssessmentDayCancelNotifiesAndFreesBookings(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	day1, day2 := app.assessmentDayID(assessSalesDay1), app.assessmentDayID(assessSalesDay2)
	benID, benApp := app.candidateID(assessBen), app.applicationID(assessBen)
	caraID, caraApp := app.newAssessmentCandidate("Cara Booked", "cara.booked@example.com", assessSales)
	danID, danApp := app.newAssessmentCandidate("Dan Waiting", "dan.waiting@example.com", assessSales)
	app.bookAs(benID, benApp, day1)
	app.bookAs(caraID, caraApp, day1)
	app.setCapacity(day1, 2)
	app.joinWaitlistAs(danID, danApp, day1)
	if got := app.waitlistStatus(danApp, day1); got != models.WaitWaiting {
		t.Fatalf("Dan's waitlist status = %q, want waiting", got)
	}
	outboxBefore := app.countRows("outbox_messages", "")

	staff := app.newClient()
	staff.loginStaff(adminEmail)
	res := staff.post(fmt.Sprintf("/admin/assessment-days/%d/cancel", day1), url.Values{"reason": {"Flooding at the office."}})
	if res.Status != http.StatusSeeOther || res.Location != fmt.Sprintf("/admin/assessment-days/%d", day1) {
		t.Fatalf("cancel day: %d → %q", res.Status, res.Location)
	}
	roster := staff.get(res.Location)
	if got := roster.Doc(t).Find("[data-testid=day-cancelled]").Text(); !strings.Contains(got, "Flooding at the office.") {
		t.Errorf("roster cancelled notice = %q, want the reason", got)
	}

	if got := app.dayRow(day1); got.Status != models.DayCancelled || got.SeatsTaken != 0 {
		t.Fatalf("day after cancel = %+v, want cancelled with 0 seats taken", got)
	}
	msgs, _, err := app.Store.ListOutbox(ctx, app.adminActor(), models.OutboxFilter{To: "", Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	if after := app.countRows("outbox_messages", ""); after != outboxBefore+3 {
		t.Errorf("outbox grew by %d messages, want 3 (two booked, one waiting)", after-outboxBefore)
	}
	got := map[string]int{}
	for _, m := range msgs {
		if m.Kind == "assessment_day_cancelled" {
			got[m.ToEmail]++
			if !strings.Contains(m.Body, "Flooding at the office.") || !strings.Contains(m.Body, assessSalesDay1) {
				t.Errorf("cancellation to %s lacks the reason or the day: %q", m.ToEmail, m.Body)
			}
		}
	}
	want := map[string]int{assessBen: 1, "cara.booked@example.com": 1, "dan.waiting@example.com": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("cancellation messages per recipient = %v, want %v", got, want)
	}
	if n := app.countRows("assessment_bookings", "day_id = ? AND status = 'day_cancelled'", day1); n != 2 {
		t.Errorf("day_cancelled bookings = %d, want 2", n)
	}
	if got := app.waitlistStatus(danApp, day1); got != models.WaitDayCancelled {
		t.Errorf("Dan's waitlist status = %q, want day_cancelled", got)
	}

	// A second cancel changes nothing and tells nobody twice.
	if res := staff.post(fmt.Sprintf("/admin/assessment-days/%d/cancel", day1), url.Values{"reason": {"again"}}); res.Status != http.StatusSeeOther {
		t.Errorf("second cancel: status %d", res.Status)
	}
	if after := app.countRows("outbox_messages", "kind = 'assessment_day_cancelled'"); after != 3 {
		t.Errorf("after a second cancel there are %d cancellation messages, want still 3", after)
	}

	// Ben is free to book the other day through his page.
	ben := app.newClient()
	ben.loginCandidate(assessBen)
	page := ben.get(assessmentPath(benApp))
	if page.Doc(t).Find("[data-testid=current-booking]").Length() != 0 {
		t.Errorf("Ben's page still shows a seat on the cancelled day")
	}
	if page.Doc(t).Find(fmt.Sprintf(`[data-testid=day-option][data-day-id="%d"] [data-testid=book]`, day2)).Length() != 1 {
		t.Errorf("Ben's page offers no book button for day 2")
	}
	if res := ben.post(assessmentPath(benApp)+"/book", url.Values{"day_id": {fmt.Sprint(day2)}}); res.Status != http.StatusSeeOther {
		t.Fatalf("Ben books day 2 after the cancellation: status %d, want 303; %q", res.Status, problem(t, res))
	}
	if got := app.bookedDay(benApp); got != day2 {
		t.Fatalf("Ben's booked day = %d, want day 2 (%d)", got, day2)
	}
	if got := app.dayRow(day2); got.SeatsTaken != 1 {
		t.Fatalf("day 2 seats taken = %d, want 1", got.SeatsTaken)
	}
}

func TestAssessmentCancelSeatAfterCutoffKeepsBooking(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day1 := app.assessmentDayID(assessSalesDay1)
	benID, benApp := app.candidateID(assessBen), app.applicationID(assessBen)
	app.bookAs(benID, benApp, day1)
	app.Clock.Advance(9*24*time.Hour + 30*time.Minute) // 10 December 09:30: past the cutoff, before the day

	ben := app.newClient()
	ben.loginCandidate(assessBen)
	page := ben.get(assessmentPath(benApp))
	doc := page.Doc(t)
	if doc.Find("[data-testid=current-booking]").Length() != 1 {
		t.Fatal("Ben's page does not show his seat")
	}
	if doc.Find("[data-testid=cancel-seat]").Length() != 0 {
		t.Errorf("a cancel button is shown past the cutoff")
	}
	if got := doc.Find("[data-testid=past-cutoff]").Text(); !strings.Contains(got, "contact your recruiter") {
		t.Errorf("past-cutoff notice = %q, want it to point to the recruiter", got)
	}

	res := ben.post(assessmentPath(benApp)+"/cancel", nil)
	if res.Status != http.StatusConflict {
		t.Fatalf("cancel past the cutoff: status %d, want 409", res.Status)
	}
	if msg := problem(t, res); !strings.Contains(msg, "contact your recruiter") {
		t.Errorf("refusal = %q, want the contact-your-recruiter message", msg)
	}
	if got := app.bookedDay(benApp); got != day1 {
		t.Fatalf("after a refused cancel Ben's booked day = %d, want %d", got, day1)
	}
	if got := app.dayRow(day1); got.SeatsTaken != 1 {
		t.Fatalf("seats taken = %d, want 1", got.SeatsTaken)
	}

	// Nor can he move away from it.
	day2 := app.assessmentDayID(assessSalesDay2)
	res = ben.post(assessmentPath(benApp)+"/reschedule", url.Values{"day_id": {fmt.Sprint(day2)}})
	if res.Status != http.StatusConflict || !strings.Contains(problem(t, res), "contact your recruiter") {
		t.Fatalf("reschedule past the cutoff: status %d, %q; want 409 and the recruiter message", res.Status, problem(t, res))
	}
	if got := app.bookedDay(benApp); got != day1 {
		t.Fatalf("after a refused reschedule Ben's booked day = %d, want %d", got, day1)
	}
	if got := app.dayRow(day2); got.SeatsTaken != 0 {
		t.Fatalf("day 2 seats taken = %d after a refused reschedule", got.SeatsTaken)
	}
}

func TestAssessmentBookingRefusedBeforeAssessmentStage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day1 := app.assessmentDayID(assessSalesDay1)
	ameliaApp := app.applicationID(assessAmelia)
	before := app.countRows("assessment_bookings", "")

	amelia := app.newClient()
	amelia.loginCandidate(assessAmelia)
	page := amelia.get(assessmentPath(ameliaApp))
	if page.Status != http.StatusOK {
		t.Fatalf("Amelia's assessment page: %d", page.Status)
	}
	if page.Doc(t).Find("[data-testid=book]").Length() != 0 {
		t.Errorf("Amelia, not at the assessment stage, is offered book buttons")
	}
	res := amelia.post(assessmentPath(ameliaApp)+"/book", url.Values{"day_id": {fmt.Sprint(day1)}})
	if res.Status != http.StatusConflict {
		t.Fatalf("booking before the assessment stage: status %d, want 409", res.Status)
	}
	if msg := problem(t, res); !strings.Contains(msg, "not at the assessment day step") {
		t.Errorf("refusal = %q", msg)
	}
	if after := app.countRows("assessment_bookings", ""); after != before {
		t.Fatalf("bookings: %d before, %d after a refused booking", before, after)
	}
	if got := app.dayRow(day1); got.SeatsTaken != 0 {
		t.Fatalf("seats taken = %d", got.SeatsTaken)
	}
}

func TestAssessmentBookingOtherCandidatesApplicationIs404(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day1, ops := app.assessmentDayID(assessSalesDay1), app.assessmentDayID(assessOpsDay)
	kemiApp := app.applicationID(assessKemi)
	benApp := app.applicationID(assessBen)
	before := app.countRows("assessment_bookings", "")

	ben := app.newClient()
	ben.loginCandidate(assessBen)
	for _, tc := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", assessmentPath(kemiApp), nil},
		{"GET", assessmentPath(kemiApp) + "/confirmation", nil},
		{"GET", assessmentPath(kemiApp) + "/calendar.ics", nil},
		{"POST", assessmentPath(kemiApp) + "/book", url.Values{"day_id": {fmt.Sprint(ops)}}},
		{"POST", assessmentPath(kemiApp) + "/waitlist", url.Values{"day_id": {fmt.Sprint(ops)}}},
		{"POST", assessmentPath(kemiApp) + "/cancel", url.Values{}},
		// Ben's own application, but a day that does not serve his position.
		{"POST", assessmentPath(benApp) + "/book", url.Values{"day_id": {fmt.Sprint(ops)}}},
	} {
		var res response
		if tc.method == "GET" {
			res = ben.get(tc.path)
		} else {
			res = ben.post(tc.path, tc.form)
		}
		if res.Status != http.StatusNotFound {
			t.Errorf("%s %s as Ben: status %d, want 404", tc.method, tc.path, res.Status)
		}
		if strings.Contains(res.Body, "Kemi") {
			t.Errorf("%s %s as Ben reveals Kemi's data", tc.method, tc.path)
		}
	}
	if after := app.countRows("assessment_bookings", ""); after != before {
		t.Fatalf("bookings: %d before, %d after", before, after)
	}
	if got := app.dayRow(ops); got.SeatsTaken != 0 {
		t.Fatalf("operations day seats taken = %d", got.SeatsTaken)
	}
	// Ben can still book his own day.
	if res := ben.post(assessmentPath(benApp)+"/book", url.Values{"day_id": {fmt.Sprint(day1)}}); res.Status != http.StatusSeeOther {
		t.Fatalf("Ben books his own day: status %d", res.Status)
	}
}

func TestAssessmentBookTwiceAndDoubleClick(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day1, day2 := app.assessmentDayID(assessSalesDay1), app.assessmentDayID(assessSalesDay2)
	benApp := app.applicationID(assessBen)
	ben := app.newClient()
	ben.loginCandidate(assessBen)
	for i := 0; i < 2; i++ { // the second is a double click
		if res := ben.post(assessmentPath(benApp)+"/book", url.Values{"day_id": {fmt.Sprint(day1)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("booking day 1, attempt %d: status %d", i+1, res.Status)
		}
	}
	if got := app.dayRow(day1); got.SeatsTaken != 1 {
		t.Fatalf("after a double click day 1 has %d seats taken, want 1", got.SeatsTaken)
	}
	if n := app.countRows("assessment_bookings", "application_id = ?", benApp); n != 1 {
		t.Fatalf("Ben has %d booking rows, want 1", n)
	}
	res := ben.post(assessmentPath(benApp)+"/book", url.Values{"day_id": {fmt.Sprint(day2)}})
	if res.Status != http.StatusConflict || !strings.Contains(problem(t, res), "Move my seat here") {
		t.Fatalf("booking a second day: %d %q, want 409 pointing to Move my seat here", res.Status, problem(t, res))
	}
	if got := app.bookedDay(benApp); got != day1 {
		t.Fatalf("Ben's booked day = %d, want %d", got, day1)
	}
	if got := app.dayRow(day2); got.SeatsTaken != 0 {
		t.Fatalf("day 2 seats taken = %d", got.SeatsTaken)
	}
}

// Many candidates race for the last seats: exactly as many bookings as seats.
func TestAssessmentBookingConcurrentLastSeats(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day := app.assessmentDayID(assessSalesDay2)
	const seats, racers = 3, 10
	app.setCapacity(day, seats)
	type racer struct{ cand, app int64 }
	rs := make([]racer, racers)
	for i := range rs {
		rs[i].cand, rs[i].app = app.newAssessmentCandidate(fmt.Sprintf("Racer %d", i), fmt.Sprintf("racer%d@example.com", i), assessSales)
	}
	var wg sync.WaitGroup
	errs := make([]error, racers)
	start := make(chan struct{})
	for i, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = app.Store.BookSeat(context.Background(), candidateActor(r.cand), r.app, day)
		}()
	}
	close(start)
	wg.Wait()
	ok, full := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, models.ErrDayFull):
			full++
		default:
			t.Errorf("racer %d: unexpected error %v", i, err)
		}
	}
	if ok != seats || full != racers-seats {
		t.Fatalf("%d bookings succeeded and %d were refused as full, want %d and %d", ok, full, seats, racers-seats)
	}
	if got := app.dayRow(day); got.SeatsTaken != seats {
		t.Fatalf("seats taken = %d, want %d", got.SeatsTaken, seats)
	}
	if n := app.countRows("assessment_bookings", "day_id = ? AND status = 'booked'", day); n != seats {
		t.Fatalf("booked rows = %d, want %d", n, seats)
	}
}

// ---- staff: visibility, results, roster ----

func TestAssessmentHiringManagerSeesOnlyOwnDays(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	eng, err := app.Store.CreateAssessmentDay(ctx, app.adminActor(), models.AssessmentDayInput{
		Title: "Engineering pairing day", Date: "2026-12-15", StartTime: "10:00", EndTime: "15:00", TimeZone: "UTC",
		OnlineURL: "https://meet.example.com/pairing", Capacity: "6", PositionIDs: []int64{app.positionID("Backend Engineer (Go)")}})
	if err != nil {
		t.Fatal(err)
	}
	sales := app.assessmentDayID(assessSalesDay1)

	manager := app.newClient()
	manager.loginStaff(managerEmail)
	list := manager.get("/admin/assessment-days")
	if list.Status != http.StatusOK {
		t.Fatalf("manager's day list: %d", list.Status)
	}
	table := list.Doc(t).Find("[data-testid=days-table]").Text()
	for _, title := range []string{assessSalesDay1, assessSalesDay2, assessOpsDay} {
		if !strings.Contains(table, title) {
			t.Errorf("the manager's list lacks %q, a day of their position", title)
		}
	}
	if strings.Contains(list.Body, "Engineering pairing day") {
		t.Errorf("the manager's list shows the engineering day, which serves no position of theirs")
	}
	for _, p := range []string{fmt.Sprintf("/admin/assessment-days/%d", eng.ID), fmt.Sprintf("/admin/assessment-days/%d/roster.csv", eng.ID)} {
		if res := manager.get(p); res.Status != http.StatusNotFound {
			t.Errorf("manager GET %s: status %d, want 404", p, res.Status)
		}
	}
	if res := manager.get(fmt.Sprintf("/admin/assessment-days/%d", sales)); res.Status != http.StatusOK {
		t.Errorf("manager GET the sales roster: status %d, want 200", res.Status)
	}
	// Managers read rosters but do not edit or cancel days.
	if res := manager.post(fmt.Sprintf("/admin/assessment-days/%d/cancel", sales), url.Values{"reason": {"x"}}); res.Status != http.StatusForbidden {
		t.Errorf("manager cancels a day: status %d, want 403", res.Status)
	}
	if got := app.dayRow(sales); got.Status != models.DayScheduled {
		t.Fatalf("sales day status = %q after the manager's refused cancel", got.Status)
	}

	admin := app.newClient()
	admin.loginStaff(adminEmail)
	if res := admin.get("/admin/assessment-days"); !strings.Contains(res.Body, "Engineering pairing day") {
		t.Errorf("the admin's list lacks the engineering day")
	}
	if res := admin.get(fmt.Sprintf("/admin/assessment-days/%d", eng.ID)); res.Status != http.StatusOK {
		t.Errorf("admin GET the engineering roster: status %d", res.Status)
	}
}

func TestAssessmentBookingResultRecorded(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day1 := app.assessmentDayID(assessSalesDay1)
	benID, benApp := app.candidateID(assessBen), app.applicationID(assessBen)
	app.bookAs(benID, benApp, day1)
	var bookingID int64
	if err := app.Store.DB().Raw("SELECT id FROM assessment_bookings WHERE application_id = ? AND status = 'booked'", benApp).Scan(&bookingID).Error; err != nil || bookingID == 0 {
		t.Fatalf("Ben's booking: %v", err)
	}
	resultPath := fmt.Sprintf("/admin/assessment-bookings/%d/result", bookingID)
	form := func(att, res, notes string) url.Values {
		return url.Values{"day_id": {fmt.Sprint(day1)}, "attendance": {att}, "result": {res}, "notes": {notes}}
	}
	type row struct{ Attendance, Result, ResultNotes string }
	stored := func() row {
		var r row
		if err := app.Store.DB().Raw("SELECT attendance, result, result_notes FROM assessment_bookings WHERE id = ?", bookingID).Scan(&r).Error; err != nil {
			t.Fatal(err)
		}
		return r
	}

	// Before the day starts there is nothing to record.
	manager := app.newClient()
	manager.loginStaff(managerEmail)
	if res := manager.post(resultPath, form("attended", "pass", "early")); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("recording before the day: status %d, want 422", res.Status)
	}
	if got := stored(); got.Attendance != "unknown" || got.Result != "none" {
		t.Fatalf("after a refused early result the booking is %+v", got)
	}

	app.Clock.Advance(10*24*time.Hour + 2*time.Hour) // 11 December 11:00, the day is under way
	manager = app.newClient()
	manager.loginStaff(managerEmail)
	roster := manager.get(fmt.Sprintf("/admin/assessment-days/%d", day1))
	if roster.Doc(t).Find("[data-testid=result-form]").Length() != 1 {
		t.Fatalf("the roster shows %d result forms once the day started, want 1", roster.Doc(t).Find("[data-testid=result-form]").Length())
	}
	res := manager.post(resultPath, form("attended", "pass", "Excellent role play."))
	if res.Status != http.StatusSeeOther || res.Location != fmt.Sprintf("/admin/assessment-days/%d#booking-%d", day1, bookingID) {
		t.Fatalf("recording the result: %d → %q", res.Status, res.Location)
	}
	if got := stored(); got != (row{"attended", "pass", "Excellent role play."}) {
		t.Fatalf("stored result = %+v", got)
	}
	page := manager.get(fmt.Sprintf("/admin/candidates/%d", benID))
	if page.Status != http.StatusOK {
		t.Fatalf("Ben's staff page: %d", page.Status)
	}
	if got := strings.TrimSpace(page.Doc(t).Find("[data-testid=booking-result]").Text()); got != "Pass" {
		t.Errorf("booking result on Ben's staff page = %q, want Pass", got)
	}
	if got := page.Doc(t).Find("[data-testid=candidate-bookings]").Text(); !strings.Contains(got, "Attended") || !strings.Contains(got, assessSalesDay1) {
		t.Errorf("Ben's bookings section = %q, want the day and Attended", strings.Join(strings.Fields(got), " "))
	}

	// A no-show cannot pass; the stored result stays.
	res = manager.post(resultPath, form("no_show", "pass", "contradiction"))
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("no_show + pass: status %d, want 422", res.Status)
	}
	if got := res.Doc(t).Find("[data-testid=error-summary]").Text(); !strings.Contains(got, "cannot pass") {
		t.Errorf("error summary = %q", got)
	}
	if got := stored(); got != (row{"attended", "pass", "Excellent role play."}) {
		t.Fatalf("after the refused no_show + pass the booking is %+v", got)
	}
	// Unknown values are refused too.
	if res := manager.post(resultPath, form("maybe", "pass", "")); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("attendance maybe: status %d, want 422", res.Status)
	}

	// An interviewer may not record anything.
	interviewer := app.newClient()
	interviewer.loginStaff(interviewerEmail)
	if res := interviewer.post(resultPath, form("no_show", "fail", "")); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
		t.Errorf("interviewer records a result: status %d, want 403 or 404", res.Status)
	}
	if got := stored(); got.Result != "pass" {
		t.Fatalf("after the interviewer's attempt the result is %q", got.Result)
	}
}

func TestRosterCSVNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day1 := app.assessmentDayID(assessSalesDay1)
	benID, benApp := app.candidateID(assessBen), app.applicationID(assessBen)
	const evil = `=HYPERLINK("x")`
	evilID, evilApp := app.newAssessmentCandidate(evil, "formula@example.com", assessSales)
	waitID, waitApp := app.newAssessmentCandidate("+Plus Waiter", "plus.waiter@example.com", assessSales)
	app.bookAs(benID, benApp, day1)
	app.bookAs(evilID, evilApp, day1)
	app.setCapacity(day1, 2)
	app.joinWaitlistAs(waitID, waitApp, day1)

	staff := app.newClient()
	staff.loginStaff(managerEmail)
	res := staff.get(fmt.Sprintf("/admin/assessment-days/%d/roster.csv", day1))
	if res.Status != http.StatusOK {
		t.Fatalf("roster CSV: status %d", res.Status)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type = %q, want text/csv", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".csv") {
		t.Errorf("Content-Disposition = %q, want an attachment named .csv", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatalf("parsing the roster CSV: %v\n%s", err, res.Body)
	}
	if len(rows) != 4 {
		t.Fatalf("roster CSV has %d rows, want a header, 2 booked and 1 waiting:\n%s", len(rows), res.Body)
	}
	if rows[0][2] != "name" || rows[0][3] != "email" {
		t.Errorf("header = %v", rows[0])
	}
	byEmail := map[string][]string{}
	for _, r := range rows[1:] {
		byEmail[r[3]] = r
		for j, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell %d of %v starts with a formula character: %q", j, r, cell)
			}
		}
	}
	if r := byEmail[assessBen]; r == nil || r[0] != "booked" || r[2] != "Ben Okafor" || r[4] != assessSales {
		t.Errorf("Ben's row = %v, want booked, Ben Okafor, %s", r, assessSales)
	}
	if r := byEmail["formula@example.com"]; r == nil || r[0] != "booked" || r[2] != "'"+evil {
		t.Errorf("formula candidate's row = %v, want the name as '%s", r, evil)
	}
	if r := byEmail["plus.waiter@example.com"]; r == nil || r[0] != "waitlist" || r[1] != "1" || r[2] != "'+Plus Waiter" {
		t.Errorf("waiting candidate's row = %v, want waitlist place 1 with the name neutralised", r)
	}
}

// ---- waitlist ----

func TestWaitlistOfferExpiresAndPassesOn(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	day1 := app.assessmentDayID(assessSalesDay1)
	benID, benApp := app.candidateID(assessBen), app.applicationID(assessBen)
	bID, bApp := app.newAssessmentCandidate("Bea Second", "bea.second@example.com", assessSales)
	cID, cApp := app.newAssessmentCandidate("Cal Third", "cal.third@example.com", assessSales)
	app.setCapacity(day1, 1)
	app.bookAs(benID, benApp, day1)
	app.joinWaitlistAs(bID, bApp, day1)
	app.joinWaitlistAs(cID, cApp, day1)

	// C sees their place in the queue.
	cal := app.newClient()
	cal.loginCandidate("cal.third@example.com")
	if got := cal.get(assessmentPath(cApp)).Doc(t).Find("[data-testid=waitlist-place]").Text(); !strings.Contains(strings.Join(strings.Fields(got), " "), "number 2") {
		t.Errorf("Cal's waitlist place = %q, want number 2", got)
	}

	if err := app.Store.CancelSeat(ctx, candidateActor(benID), benApp); err != nil {
		t.Fatal(err)
	}
	if got := app.waitlistStatus(bApp, day1); got != models.WaitOffered {
		t.Fatalf("after the holder cancelled B's entry is %q, want offered", got)
	}
	if got := app.waitlistStatus(cApp, day1); got != models.WaitWaiting {
		t.Fatalf("C's entry is %q, want waiting", got)
	}
	if got := app.dayRow(day1); got.SeatsTaken != 1 {
		t.Fatalf("seats taken while the offer is held = %d, want 1", got.SeatsTaken)
	}
	if n := app.countRows("outbox_messages", "kind = 'assessment_seat_offered' AND to_email = ?", "bea.second@example.com"); n != 1 {
		t.Errorf("offer messages to B = %d, want 1", n)
	}
	// Nobody else can take the held seat.
	if _, err := app.Store.BookSeat(ctx, candidateActor(benID), benApp, day1); !errors.Is(err, models.ErrDayFull) {
		t.Fatalf("Ben rebooks the held seat: err = %v, want ErrDayFull", err)
	}

	// Within the 24 hours nothing lapses.
	app.Clock.Advance(23 * time.Hour)
	if _, err := app.Store.ExpireWaitlistOffers(ctx); err != nil {
		t.Fatal(err)
	}
	if got := app.waitlistStatus(bApp, day1); got != models.WaitOffered {
		t.Fatalf("after 23 h B's entry is %q, want still offered", got)
	}

	app.Clock.Advance(2 * time.Hour) // 25 h after the offer
	if n, err := app.Store.ExpireWaitlistOffers(ctx); err != nil || n != 1 {
		t.Fatalf("ExpireWaitlistOffers = %d, %v; want 1 day handled", n, err)
	}
	if got := app.waitlistStatus(bApp, day1); got != models.WaitExpired {
		t.Fatalf("after 25 h B's entry is %q, want expired", got)
	}
	if got := app.waitlistStatus(cApp, day1); got != models.WaitOffered {
		t.Fatalf("after B's offer lapsed C's entry is %q, want offered", got)
	}
	if got := app.dayRow(day1); got.SeatsTaken != 1 {
		t.Fatalf("seats taken after passing the offer on = %d, want 1", got.SeatsTaken)
	}
	if n := app.countRows("outbox_messages", "kind = 'assessment_seat_offered' AND to_email = ?", "cal.third@example.com"); n != 1 {
		t.Errorf("offer messages to C = %d, want 1", n)
	}

	// B's lapsed offer can no longer be accepted.
	var bEntry int64
	if err := app.Store.DB().Raw("SELECT id FROM assessment_waitlist WHERE application_id = ? AND day_id = ?", bApp, day1).Scan(&bEntry).Error; err != nil {
		t.Fatal(err)
	}
	bea := app.newClient()
	bea.loginCandidate("bea.second@example.com")
	res := bea.post(fmt.Sprintf("%s/waitlist/%d/accept", assessmentPath(bApp), bEntry), nil)
	if res.Status != http.StatusConflict || !strings.Contains(problem(t, res), "no longer available") {
		t.Fatalf("B accepts a lapsed offer: %d %q, want 409 and no longer available", res.Status, problem(t, res))
	}
	if got := app.bookedDay(bApp); got != 0 {
		t.Fatalf("B holds a booking on day %d after a lapsed offer", got)
	}

	// C lets it lapse too; nobody waits, so the seat is simply free again.
	app.Clock.Advance(25 * time.Hour)
	if _, err := app.Store.ExpireWaitlistOffers(ctx); err != nil {
		t.Fatal(err)
	}
	if got := app.waitlistStatus(cApp, day1); got != models.WaitExpired {
		t.Fatalf("C's entry is %q, want expired", got)
	}
	if got := app.dayRow(day1); got.SeatsTaken != 0 {
		t.Fatalf("seats taken with nobody waiting = %d, want 0", got.SeatsTaken)
	}
	if n := app.countRows("assessment_bookings", "day_id = ? AND status = 'booked'", day1); n != 0 {
		t.Fatalf("booked rows = %d, want 0", n)
	}
}

func TestWaitlistRaisedCapacityOffersSeats(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day1 := app.assessmentDayID(assessSalesDay1)
	benID, benApp := app.candidateID(assessBen), app.applicationID(assessBen)
	bID, bApp := app.newAssessmentCandidate("Bea Second", "bea.second@example.com", assessSales)
	cID, cApp := app.newAssessmentCandidate("Cal Third", "cal.third@example.com", assessSales)
	dID, dApp := app.newAssessmentCandidate("Dee Fourth", "dee.fourth@example.com", assessSales)
	app.setCapacity(day1, 1)
	app.bookAs(benID, benApp, day1)
	app.joinWaitlistAs(bID, bApp, day1)
	app.joinWaitlistAs(cID, cApp, day1)
	app.joinWaitlistAs(dID, dApp, day1)

	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	form := staff.dayEditForm(day1)
	if form.Get("capacity") != "1" {
		t.Fatalf("edit form capacity = %q, want 1", form.Get("capacity"))
	}
	form.Set("capacity", "3")
	if res := staff.post(fmt.Sprintf("/admin/assessment-days/%d", day1), form); res.Status != http.StatusSeeOther {
		t.Fatalf("raising capacity: status %d; %.300s", res.Status, res.text(t))
	}
	if got := app.dayRow(day1); got.Capacity != 3 || got.SeatsTaken != 3 {
		t.Fatalf("after raising capacity the day is %+v, want 3 of 3 (one booked, two held)", got)
	}
	for _, tc := range []struct {
		app  int64
		want models.WaitlistStatus
	}{{bApp, models.WaitOffered}, {cApp, models.WaitOffered}, {dApp, models.WaitWaiting}} {
		if got := app.waitlistStatus(tc.app, day1); got != tc.want {
			t.Errorf("waitlist entry of application %d = %q, want %q", tc.app, got, tc.want)
		}
	}
	if n := app.countRows("outbox_messages", "kind = 'assessment_seat_offered'"); n != 2 {
		t.Errorf("offer messages = %d, want 2", n)
	}
	roster := staff.get(fmt.Sprintf("/admin/assessment-days/%d", day1))
	if got := strings.Join(strings.Fields(roster.Doc(t).Find("[data-testid=seat-count]").Text()), " "); !strings.Contains(got, "1 booked") || !strings.Contains(got, "2 held") {
		t.Errorf("roster seat count = %q, want 1 booked and 2 held", got)
	}

	// B accepts through the page: a booking, and the held seat is not counted twice.
	bea := app.newClient()
	bea.loginCandidate("bea.second@example.com")
	page := bea.get(assessmentPath(bApp))
	accept := page.Doc(t).Find("[data-testid=offer]").Closest("[data-testid=waitlist-entry]").Find("form[action$=accept]")
	action, ok := accept.Attr("action")
	if !ok {
		t.Fatalf("B's page shows no offer to accept: %.500s", page.text(t))
	}
	res := bea.post(action, nil)
	if res.Status != http.StatusSeeOther || res.Location != assessmentPath(bApp)+"/confirmation" {
		t.Fatalf("B accepts: %d → %q; %q", res.Status, res.Location, problem(t, res))
	}
	if got := app.bookedDay(bApp); got != day1 {
		t.Fatalf("B's booked day = %d, want %d", got, day1)
	}
	if got := app.waitlistStatus(bApp, day1); got != models.WaitAccepted {
		t.Errorf("B's entry = %q, want accepted", got)
	}
	if got := app.dayRow(day1); got.SeatsTaken != 3 {
		t.Fatalf("seats taken after B accepted = %d, want still 3", got.SeatsTaken)
	}
	if n := app.countRows("assessment_bookings", "day_id = ? AND status = 'booked'", day1); n != 2 {
		t.Fatalf("booked rows = %d, want 2 (Ben and B)", n)
	}
	if n := app.countRows("assessment_waitlist", "day_id = ? AND status = 'waiting'", day1); n != 1 {
		t.Fatalf("still waiting = %d, want 1 (D)", n)
	}
}

// TestMoveSeatNotOfferedAfterCutoff: past the cutoff of the day a seat is on,
// the seat no longer moves, so the other days offer no "Move my seat here".
func TestMoveSeatNotOfferedAfterCutoff(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day1, day2 := app.assessmentDayID(assessSalesDay1), app.assessmentDayID(assessSalesDay2)
	benCand, benApp := app.candidateID(assessBen), app.applicationID(assessBen)
	app.bookAs(benCand, benApp, day1)
	ben := app.newClient()
	ben.loginCandidate(assessBen)
	moveTo := func() *goquery.Selection {
		page := ben.get(assessmentPath(benApp))
		if page.Status != http.StatusOK {
			t.Fatalf("assessment page: %d", page.Status)
		}
		return page.Doc(t).Find(fmt.Sprintf(`[data-testid=day-option][data-day-id="%d"] [data-testid=reschedule]`, day2))
	}
	if moveTo().Length() != 1 {
		t.Fatalf("before day 1's cutoff, day 2 should offer to move the seat")
	}
	// Day 1's cutoff is 10 December 09:00; day 2's a week later.
	app.Clock.Advance(9*24*time.Hour + time.Hour)
	ben.loginCandidate(assessBen) // the session ended meanwhile
	if moveTo().Length() != 0 {
		t.Errorf("past day 1's cutoff, day 2 still offers \"Move my seat here\"")
	}
	if res := ben.post(assessmentPath(benApp)+"/reschedule", url.Values{"day_id": {fmt.Sprint(day2)}}); res.Status != http.StatusConflict {
		t.Errorf("moving the seat past the cutoff: status %d, want 409 (the rule the page follows)", res.Status)
	}
}
