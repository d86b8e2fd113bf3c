package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"nextstep/models"
)

// assessmentFixture is the demo data plus n sales candidates at the
// assessment stage and one sales day of the given capacity.
type assessmentFixture struct {
	demo
	dayID      int64
	candidates []models.Actor // candidate actors
	apps       []int64        // their application ids
}

func newAssessmentFixture(t *testing.T, n, capacity int) assessmentFixture {
	t.Helper()
	d := newDemo(t)
	ctx := context.Background()
	var posID int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM positions WHERE title = 'Account Executive'").Scan(&posID))
	day, err := d.store.CreateAssessmentDay(ctx, staffActor(d.recruiter), models.AssessmentDayInput{
		Title: "Race day", Date: "2026-12-10", StartTime: "09:00", EndTime: "15:00", TimeZone: "UTC",
		LocationAddress: "HQ", Capacity: fmt.Sprint(capacity), PositionIDs: []int64{posID}})
	if err != nil {
		t.Fatal(err)
	}
	f := assessmentFixture{demo: d, dayID: day.ID}
	for i := range n {
		var c struct{ ID, AppID int64 }
		err := d.store.DB().Raw(`WITH c AS (INSERT INTO candidates (email, name) VALUES (?, ?) RETURNING id)
			INSERT INTO applications (candidate_id, position_id, stage, status) SELECT c.id, ?, 'assessment_day', 'active' FROM c
			RETURNING candidate_id AS id, id AS app_id`, fmt.Sprintf("racer%d@example.com", i), fmt.Sprintf("Racer %d", i), posID).Scan(&c).Error
		if err != nil {
			t.Fatal(err)
		}
		f.candidates = append(f.candidates, models.Actor{Kind: "candidate", ID: c.ID})
		f.apps = append(f.apps, c.AppID)
	}
	return f
}

func (f assessmentFixture) seats(t *testing.T, dayID int64) (taken, capacity, booked, offered int64) {
	t.Helper()
	row := f.store.DB().Raw(`SELECT d.seats_taken, d.capacity,
		(SELECT count(*) FROM assessment_bookings b WHERE b.day_id = d.id AND b.status = 'booked'),
		(SELECT count(*) FROM assessment_waitlist w WHERE w.day_id = d.id AND w.status = 'offered')
		FROM assessment_days d WHERE d.id = ?`, dayID).Row()
	if err := row.Scan(&taken, &capacity, &booked, &offered); err != nil {
		t.Fatal(err)
	}
	if taken != booked+offered || taken > capacity || taken < 0 {
		t.Fatalf("seat accounting broken: taken %d, capacity %d, booked %d, offered %d", taken, capacity, booked, offered)
	}
	return
}

func TestBookSeatNeverOverbooks(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 40, 10)
	ctx := context.Background()
	var wg sync.WaitGroup
	results := make([]error, len(f.candidates))
	start := make(chan struct{})
	for i := range f.candidates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, results[i] = f.store.BookSeat(ctx, f.candidates[i], f.apps[i], f.dayID)
		}()
	}
	close(start)
	wg.Wait()
	wins, full := 0, 0
	for _, err := range results {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, models.ErrDayFull):
			full++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 10 || full != 30 {
		t.Fatalf("%d bookings and %d full answers, want 10 and 30", wins, full)
	}
	if taken, _, booked, _ := f.seats(t, f.dayID); taken != 10 || booked != 10 {
		t.Fatalf("taken %d, booked %d", taken, booked)
	}
}

func TestDoubleBookingReturnsTheSameSeat(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 1, 5)
	ctx := context.Background()
	var wg sync.WaitGroup
	ids := make([]int64, 10)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := f.store.BookSeat(ctx, f.candidates[0], f.apps[0], f.dayID)
			if err != nil {
				t.Errorf("parallel booking %d: %v", i, err)
				return
			}
			ids[i] = b.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("different bookings returned: %v", ids)
		}
	}
	if taken, _, booked, _ := f.seats(t, f.dayID); taken != 1 || booked != 1 {
		t.Fatalf("taken %d, booked %d", taken, booked)
	}
}

func TestRescheduleKeepsOldSeatWhenNewDayIsFull(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 2, 5)
	ctx := context.Background()
	var posID int64
	mustDB(t, f.store.DB().Raw("SELECT id FROM positions WHERE title = 'Account Executive'").Scan(&posID))
	full, err := f.store.CreateAssessmentDay(ctx, staffActor(f.recruiter), models.AssessmentDayInput{
		Title: "Tiny day", Date: "2026-12-11", StartTime: "09:00", EndTime: "12:00", TimeZone: "UTC",
		LocationAddress: "HQ", Capacity: "1", PositionIDs: []int64{posID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.BookSeat(ctx, f.candidates[0], f.apps[0], full.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.BookSeat(ctx, f.candidates[1], f.apps[1], f.dayID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.RescheduleSeat(ctx, f.candidates[1], f.apps[1], full.ID); !errors.Is(err, models.ErrDayFull) {
		t.Fatalf("reschedule to a full day: %v", err)
	}
	if taken, _, booked, _ := f.seats(t, f.dayID); taken != 1 || booked != 1 {
		t.Fatalf("old seat lost: taken %d, booked %d", taken, booked)
	}
	// Moving the other way works and frees the tiny day's seat.
	if _, err := f.store.RescheduleSeat(ctx, f.candidates[0], f.apps[0], f.dayID); err != nil {
		t.Fatal(err)
	}
	if taken, _, _, _ := f.seats(t, full.ID); taken != 0 {
		t.Fatalf("tiny day still has %d seats taken", taken)
	}
	if taken, _, _, _ := f.seats(t, f.dayID); taken != 2 {
		t.Fatalf("race day has %d seats taken", taken)
	}
}

func TestWaitlistOfferAcceptExpireAndPassOn(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 3, 1)
	ctx := context.Background()
	holder, second, third := 0, 1, 2
	if _, err := f.store.BookSeat(ctx, f.candidates[holder], f.apps[holder], f.dayID); err != nil {
		t.Fatal(err)
	}
	if err := f.store.JoinWaitlist(ctx, f.candidates[second], f.apps[second], f.dayID); err != nil {
		t.Fatal(err)
	}
	if err := f.store.JoinWaitlist(ctx, f.candidates[second], f.apps[second], f.dayID); err != nil {
		t.Fatalf("joining twice: %v", err)
	}
	if err := f.store.JoinWaitlist(ctx, f.candidates[third], f.apps[third], f.dayID); err != nil {
		t.Fatal(err)
	}
	if err := f.store.CancelSeat(ctx, f.candidates[holder], f.apps[holder]); err != nil {
		t.Fatal(err)
	}
	if taken, _, booked, offered := f.seats(t, f.dayID); taken != 1 || booked != 0 || offered != 1 {
		t.Fatalf("after cancel: taken %d booked %d offered %d", taken, booked, offered)
	}
	// The first in line lets the offer lapse; it passes to the next.
	f.clock.Advance(models.WaitlistOfferTTL + time.Minute)
	if _, err := f.store.ExpireWaitlistOffers(ctx); err != nil {
		t.Fatal(err)
	}
	ca, err := f.store.GetCandidateAssessment(ctx, f.candidates[third], f.apps[third])
	if err != nil {
		t.Fatal(err)
	}
	// The page is the candidate's own: another candidate or staff get ErrNotFound.
	for _, out := range []models.Actor{f.candidates[holder], {Kind: "staff", ID: 1, Role: models.RoleAdmin}} {
		if got, err := f.store.GetCandidateAssessment(ctx, out, f.apps[third]); !errors.Is(err, models.ErrNotFound) || got != nil {
			t.Errorf("%s %d reading another candidate's assessment page: %v; want ErrNotFound", out.Kind, out.ID, err)
		}
	}
	if len(ca.Waitlist) != 1 || !ca.Waitlist[0].SeatOfferOpen(f.clock.Now()) {
		t.Fatalf("third candidate has no open offer: %+v", ca.Waitlist)
	}
	if _, err := f.store.AcceptSeatOffer(ctx, f.candidates[second], f.apps[second], ca.Waitlist[0].ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("accepting someone else's offer: %v", err)
	}
	if _, err := f.store.AcceptSeatOffer(ctx, f.candidates[third], f.apps[third], ca.Waitlist[0].ID); err != nil {
		t.Fatal(err)
	}
	if taken, _, booked, offered := f.seats(t, f.dayID); taken != 1 || booked != 1 || offered != 0 {
		t.Fatalf("after accept: taken %d booked %d offered %d", taken, booked, offered)
	}
}

func TestCapacityRules(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 3, 2)
	ctx := context.Background()
	for i := range 2 {
		if _, err := f.store.BookSeat(ctx, f.candidates[i], f.apps[i], f.dayID); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.store.JoinWaitlist(ctx, f.candidates[2], f.apps[2], f.dayID); err != nil {
		t.Fatal(err)
	}
	d, err := f.store.GetAssessmentDay(ctx, staffActor(f.recruiter), f.dayID)
	if err != nil {
		t.Fatal(err)
	}
	in := models.AssessmentDayInput{Title: d.Title, Date: "2026-12-10", StartTime: "09:00", EndTime: "15:00", TimeZone: "UTC",
		LocationAddress: "HQ", Capacity: "1", PositionIDs: d.PositionIDs}
	if err := f.store.UpdateAssessmentDay(ctx, staffActor(f.recruiter), f.dayID, in); models.FieldErrors(err)["capacity"] == "" {
		t.Fatalf("lowering below bookings: %v", err)
	}
	if err := f.store.DB().Exec("UPDATE assessment_days SET capacity = 1 WHERE id = ?", f.dayID).Error; err == nil {
		t.Fatal("the database accepted a capacity below the seats taken")
	}
	in.Capacity = "3"
	if err := f.store.UpdateAssessmentDay(ctx, staffActor(f.recruiter), f.dayID, in); err != nil {
		t.Fatal(err)
	}
	if taken, _, booked, offered := f.seats(t, f.dayID); taken != 3 || booked != 2 || offered != 1 {
		t.Fatalf("raised capacity not offered to the waitlist: taken %d booked %d offered %d", taken, booked, offered)
	}
}

func TestBookingRefusals(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 2, 5)
	ctx := context.Background()
	// Another candidate's application is invisible.
	if _, err := f.store.BookSeat(ctx, f.candidates[0], f.apps[1], f.dayID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("booking for someone else: %v", err)
	}
	// Not at the assessment stage.
	forceStage(t, f.store, "hr_round", f.apps[1])
	if _, err := f.store.BookSeat(ctx, f.candidates[1], f.apps[1], f.dayID); !errors.Is(err, models.ErrNotInAssessment) {
		t.Fatalf("booking outside the stage: %v", err)
	}
	// After the cutoff (24 h before 10 Dec 09:00).
	f.clock.Advance(8 * 24 * time.Hour)
	if _, err := f.store.BookSeat(ctx, f.candidates[0], f.apps[0], f.dayID); !errors.Is(err, models.ErrBookingClosed) {
		t.Fatalf("booking after the cutoff: %v", err)
	}
	if taken, _, _, _ := f.seats(t, f.dayID); taken != 0 {
		t.Fatalf("refused bookings took %d seats", taken)
	}
}

func TestCancelDayFreesEveryoneAndTellsThem(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 3, 2)
	ctx := context.Background()
	for i := range 2 {
		if _, err := f.store.BookSeat(ctx, f.candidates[i], f.apps[i], f.dayID); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.store.JoinWaitlist(ctx, f.candidates[2], f.apps[2], f.dayID); err != nil {
		t.Fatal(err)
	}
	msgs := count(t, f.store, "outbox_messages")
	if err := f.store.CancelAssessmentDay(ctx, staffActor(f.recruiter), f.dayID, "Venue flooded"); err != nil {
		t.Fatal(err)
	}
	if got := count(t, f.store, "outbox_messages"); got != msgs+3 {
		t.Fatalf("%d messages for 3 people", got-msgs)
	}
	if taken, _, booked, _ := f.seats(t, f.dayID); taken != 0 || booked != 0 {
		t.Fatalf("cancelled day still holds seats: %d/%d", taken, booked)
	}
	if _, err := f.store.BookSeat(ctx, f.candidates[0], f.apps[0], f.dayID); !errors.Is(err, models.ErrDayCancelled) {
		t.Fatalf("booking a cancelled day: %v", err)
	}
}

func TestBookingWhileHoldingAnOfferUsesTheHeldSeat(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 3, 1)
	ctx := context.Background()
	f.store.BookSeat(ctx, f.candidates[0], f.apps[0], f.dayID)
	if err := f.store.JoinWaitlist(ctx, f.candidates[1], f.apps[1], f.dayID); err != nil {
		t.Fatal(err)
	}
	// Raising the capacity by two offers one seat to the waitlist and leaves one free.
	d, _ := f.store.GetAssessmentDay(ctx, staffActor(f.recruiter), f.dayID)
	in := models.AssessmentDayInput{Title: d.Title, Date: "2026-12-10", StartTime: "09:00", EndTime: "15:00", TimeZone: "UTC",
		LocationAddress: "HQ", Capacity: "3", PositionIDs: d.PositionIDs}
	if err := f.store.UpdateAssessmentDay(ctx, staffActor(f.recruiter), f.dayID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.BookSeat(ctx, f.candidates[1], f.apps[1], f.dayID); err != nil {
		t.Fatal(err)
	}
	if taken, _, booked, offered := f.seats(t, f.dayID); taken != 2 || booked != 2 || offered != 0 {
		t.Fatalf("taken %d booked %d offered %d; the held seat should have been used", taken, booked, offered)
	}
}

func TestLeavingTheAssessmentReleasesTheSeat(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 3, 1)
	ctx := context.Background()
	f.store.BookSeat(ctx, f.candidates[0], f.apps[0], f.dayID)
	f.store.JoinWaitlist(ctx, f.candidates[1], f.apps[1], f.dayID)
	if err := f.store.ChangeStatus(ctx, staffActor(f.recruiter), f.apps[0], models.StatusRejected, "Not a fit for the role"); err != nil {
		t.Fatal(err)
	}
	if taken, _, booked, offered := f.seats(t, f.dayID); taken != 1 || booked != 0 || offered != 1 {
		t.Fatalf("after rejection: taken %d booked %d offered %d; the seat should pass to the waitlist", taken, booked, offered)
	}
	// Moving the offered candidate on to another stage gives up the held seat too.
	if err := f.store.MoveStage(ctx, staffActor(f.recruiter), f.apps[1], models.MoveRequest{To: models.StageHRRound, Note: "not needed here", ConfirmSkip: true}); err != nil {
		t.Fatal(err)
	}
	if taken, _, _, _ := f.seats(t, f.dayID); taken != 0 {
		t.Fatalf("after moving on: %d seats still taken", taken)
	}
}

func TestChangingADayTellsItsCandidates(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 2, 5)
	ctx := context.Background()
	f.store.BookSeat(ctx, f.candidates[0], f.apps[0], f.dayID)
	f.store.BookSeat(ctx, f.candidates[1], f.apps[1], f.dayID)
	d, _ := f.store.GetAssessmentDay(ctx, staffActor(f.recruiter), f.dayID)
	msgs := count(t, f.store, "outbox_messages")
	in := models.AssessmentDayInput{Title: d.Title, Date: "2026-12-10", StartTime: "09:00", EndTime: "15:00", TimeZone: "UTC",
		LocationAddress: "HQ", Capacity: "6", PositionIDs: d.PositionIDs}
	if err := f.store.UpdateAssessmentDay(ctx, staffActor(f.recruiter), f.dayID, in); err != nil {
		t.Fatal(err)
	}
	if got := count(t, f.store, "outbox_messages"); got != msgs {
		t.Fatalf("a capacity change sent %d messages", got-msgs)
	}
	in.StartTime = "10:00"
	if err := f.store.UpdateAssessmentDay(ctx, staffActor(f.recruiter), f.dayID, in); err != nil {
		t.Fatal(err)
	}
	if got := count(t, f.store, "outbox_messages"); got != msgs+2 {
		t.Fatalf("a time change sent %d messages to 2 booked candidates", got-msgs)
	}
}

func TestBookingCalendarIsRFC5545(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	d := models.AssessmentDay{Title: "Sales day", StartsAt: start, EndsAt: start.Add(6 * time.Hour), TimeZone: "Europe/London", LocationAddress: "HQ, London", Status: models.DayScheduled}
	b := models.AssessmentBooking{ID: 9, ApplicationID: 4, Status: models.BookingBooked}
	ics := models.BookingCalendar(d, b, 2, "Account Executive", "https://jobs.example/me/applications/4/assessment", start.Add(-48*time.Hour))
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "UID:assessment-application-4@nextstep\r\n", "SEQUENCE:2\r\n", "DTSTART:20261210T090000Z\r\n", "DTEND:20261210T150000Z\r\n", "STATUS:CONFIRMED\r\n", "END:VCALENDAR"} {
		if !strings.Contains(ics, want) {
			t.Errorf("calendar lacks %q:\n%s", want, ics)
		}
	}
	if strings.Contains(strings.ReplaceAll(ics, "\r\n", ""), "\n") {
		t.Error("calendar has bare LF line endings")
	}
}
