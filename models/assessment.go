package models

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// WaitlistOfferTTL is how long a freed seat is held for the first person on
// the waitlist before it passes to the next.
const WaitlistOfferTTL = 24 * time.Hour

// Refusals of booking, in the words the candidate reads.
var (
	ErrDayFull          = refusal(CodeConflict, "This day has just filled up. Choose another day below, or join its waitlist and we will offer you a seat if one frees up.")
	ErrBookingClosed    = refusal(CodeConflict, "Booking for this day has closed. Choose another day, or contact your recruiter.")
	ErrDayCancelled     = refusal(CodeConflict, "This day has been cancelled. Please choose another day.")
	ErrPastCutoff       = refusal(CodeConflict, "The deadline for changing this booking has passed. If you cannot attend, please contact your recruiter directly.")
	ErrNotInAssessment  = refusal(CodeConflict, "Your application is not at the assessment day step at the moment, so there is nothing to book.")
	ErrSeatOfferExpired = refusal(CodeConflict, "This offer is no longer available: it expired or the seat went to someone else.")
	ErrAlreadyBooked    = refusal(CodeConflict, "You already have a seat on another day. Use \"Move my seat here\" to change days.")
	ErrSeatsStillOpen   = refusal(CodeConflict, "This day still has seats: you can book one directly.")
)

// DayStatus is whether an assessment day takes place.
type DayStatus string

// Day statuses.
const (
	DayScheduled DayStatus = "scheduled"
	DayCancelled DayStatus = "cancelled"
)

// BookingStatus is where a seat booking is: booked, or ended by the
// candidate's cancellation, a move to another day, or the day's cancellation.
type BookingStatus string

// Booking statuses.
const (
	BookingBooked       BookingStatus = "booked"
	BookingCancelled    BookingStatus = "cancelled"
	BookingRescheduled  BookingStatus = "rescheduled"
	BookingDayCancelled BookingStatus = "day_cancelled"
)

// WaitlistStatus is where a place in a full day's queue is: waiting, then
// offered a freed seat, which is accepted, declined or lapses; or left by the
// candidate, or ended by the day's cancellation.
type WaitlistStatus string

// Waitlist statuses.
const (
	WaitWaiting      WaitlistStatus = "waiting"
	WaitOffered      WaitlistStatus = "offered"
	WaitAccepted     WaitlistStatus = "accepted"
	WaitExpired      WaitlistStatus = "expired"
	WaitDeclined     WaitlistStatus = "declined"
	WaitLeft         WaitlistStatus = "left"
	WaitDayCancelled WaitlistStatus = "day_cancelled"
)

// AssessmentDay is a scheduled day of exercises with a fixed number of seats.
type AssessmentDay struct {
	ID              int64
	Title           string
	StartsAt        time.Time
	EndsAt          time.Time
	TimeZone        string
	LocationAddress string
	Directions      string
	OnlineURL       string `gorm:"column:online_url"`
	Capacity        int
	SeatsTaken      int
	CutoffHours     int
	Agenda          string
	WhatToBring     string
	Status          DayStatus
	CancelReason    string
	CreatedAt       time.Time
	UpdatedAt       time.Time

	PositionIDs []int64    `gorm:"-"`
	Positions   []Position `gorm:"-"`
}

// TableName binds the struct to its table.
func (AssessmentDay) TableName() string { return "assessment_days" }

// Where is the day's address and online link, as one line.
func (d AssessmentDay) Where() string {
	where := d.LocationAddress
	if d.OnlineURL != "" {
		if where != "" {
			where += " / "
		}
		where += d.OnlineURL
	}
	return where
}

// SeatsLeft is how many seats can still be booked.
func (d AssessmentDay) SeatsLeft() int { return max(d.Capacity-d.SeatsTaken, 0) }

// Cutoff is the last moment to book, change or cancel a seat.
func (d AssessmentDay) Cutoff() time.Time {
	return d.StartsAt.Add(-time.Duration(d.CutoffHours) * time.Hour)
}

// Location is the day's own time zone, for showing its times.
func (d AssessmentDay) Location() *time.Location {
	if loc, err := time.LoadLocation(d.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// Serves reports whether the day is open to applications for positionID.
func (d AssessmentDay) Serves(positionID int64) bool {
	for _, id := range d.PositionIDs {
		if id == positionID {
			return true
		}
	}
	return false
}

// CanBook is the booking rule short of seat counting, which the database
// does: the day must be scheduled and before its cutoff.
func (d AssessmentDay) CanBook(now time.Time) error {
	if d.Status == DayCancelled {
		return ErrDayCancelled
	}
	if !now.Before(d.Cutoff()) {
		return ErrBookingClosed
	}
	return nil
}

// CanChangeBooking is the rule for cancelling or moving away from a seat on this day.
func (d AssessmentDay) CanChangeBooking(now time.Time) error {
	if d.Status == DayCancelled {
		return nil // nothing to hold on to
	}
	if !now.Before(d.Cutoff()) {
		return ErrPastCutoff
	}
	return nil
}

// CanSetCapacity refuses a capacity below the seats already taken.
func (d AssessmentDay) CanSetCapacity(capacity int) error {
	if capacity < d.SeatsTaken {
		return Invalid("capacity", fmt.Sprintf("%d seats are already taken (booked or offered to the waitlist); the capacity cannot be lower than that.", d.SeatsTaken))
	}
	return nil
}

// offerExpiry is when an offer made at now lapses: after WaitlistOfferTTL,
// but never after the day's cutoff.
func (d AssessmentDay) offerExpiry(now time.Time) time.Time {
	exp := now.Add(WaitlistOfferTTL)
	if c := d.Cutoff(); c.Before(exp) {
		return c
	}
	return exp
}

// AssessmentBooking is one candidate's seat on a day.
type AssessmentBooking struct {
	ID            int64
	DayID         int64
	ApplicationID int64
	Status        BookingStatus
	Attendance    Attendance
	Result        AssessmentResult
	ResultNotes   string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	EndedAt       *time.Time

	Day *AssessmentDay `gorm:"foreignKey:DayID"`
}

// TableName binds the struct to its table.
func (AssessmentBooking) TableName() string { return "assessment_bookings" }

// WaitlistEntry is a place in a full day's queue.
type WaitlistEntry struct {
	ID             int64
	DayID          int64
	ApplicationID  int64
	Status         WaitlistStatus
	OfferExpiresAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time

	Day *AssessmentDay `gorm:"foreignKey:DayID"`
}

// TableName binds the struct to its table.
func (WaitlistEntry) TableName() string { return "assessment_waitlist" }

// SeatOfferOpen reports whether the entry holds a seat offer that has not lapsed.
func (w WaitlistEntry) SeatOfferOpen(now time.Time) bool {
	return w.Status == WaitOffered && w.OfferExpiresAt != nil && now.Before(*w.OfferExpiresAt)
}

// AssessmentDayInput is the staff form for a day.
type AssessmentDayInput struct {
	Title           string
	Date            string // YYYY-MM-DD
	StartTime       string // HH:MM
	EndTime         string // HH:MM
	TimeZone        string
	LocationAddress string
	Directions      string
	OnlineURL       string
	Capacity        string
	CutoffHours     string
	Agenda          string
	WhatToBring     string
	PositionIDs     []int64
}

// parsed is the input checked and converted.
type parsedDay struct {
	title, timeZone, address, directions, onlineURL, agenda, bring string
	start, end                                                     time.Time
	capacity, cutoff                                               int
	positions                                                      []int64
}

func (in AssessmentDayInput) parse(now time.Time, requireFuture bool) (parsedDay, error) {
	v := &Problems{}
	p := parsedDay{
		title: strings.TrimSpace(in.Title), timeZone: strings.TrimSpace(in.TimeZone),
		address: strings.TrimSpace(in.LocationAddress), directions: strings.TrimSpace(in.Directions),
		onlineURL: strings.TrimSpace(in.OnlineURL), agenda: strings.TrimSpace(in.Agenda), bring: strings.TrimSpace(in.WhatToBring),
		positions: in.PositionIDs,
	}
	if p.title == "" {
		v.Add("title", "Give the day a title, e.g. \"Sales assessment day\".")
	}
	v.checkLength(p.title, limits.DayTitle)
	v.checkLength(p.address, limits.DayAddress)
	v.checkLength(p.directions, limits.DayDirections)
	v.checkLength(p.onlineURL, limits.DayOnlineURL)
	v.checkLength(p.agenda, limits.DayAgenda)
	v.checkLength(p.bring, limits.DayWhatToBring)
	loc, err := time.LoadLocation(p.timeZone)
	if p.timeZone == "" || err != nil {
		v.Add("time_zone", "Choose the time zone the day takes place in.")
		loc = time.UTC
	}
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.Date), loc)
	if err != nil {
		v.Add("date", "Enter the date as YYYY-MM-DD.")
	}
	st, err1 := time.Parse("15:04", strings.TrimSpace(in.StartTime))
	if err1 != nil {
		v.Add("start_time", "Enter the start time as HH:MM, e.g. 09:00.")
	}
	et, err2 := time.Parse("15:04", strings.TrimSpace(in.EndTime))
	if err2 != nil {
		v.Add("end_time", "Enter the end time as HH:MM, e.g. 17:00.")
	}
	if err == nil && err1 == nil && err2 == nil {
		p.start = time.Date(day.Year(), day.Month(), day.Day(), st.Hour(), st.Minute(), 0, 0, loc)
		p.end = time.Date(day.Year(), day.Month(), day.Day(), et.Hour(), et.Minute(), 0, 0, loc)
		if !p.end.After(p.start) {
			v.Add("end_time", "The day must end after it starts.")
		}
		if requireFuture && !p.start.After(now) {
			v.Add("date", "The day must be in the future.")
		}
	}
	if p.onlineURL != "" {
		if u, err := url.Parse(p.onlineURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.Add("online_url", "Enter a full link starting with https://.")
		}
	}
	if p.address == "" && p.onlineURL == "" {
		v.Add("location_address", "Give an address, an online link, or both.")
	}
	if n, ok := atoiStrict(in.Capacity); !ok || n < 1 || n > 1000 {
		v.Add("capacity", "Seats must be a whole number from 1 to 1000.")
	} else {
		p.capacity = n
	}
	cut := strings.TrimSpace(in.CutoffHours)
	if cut == "" {
		p.cutoff = 24
	} else if n, ok := atoiStrict(cut); !ok || n < 0 || n > 720 {
		v.Add("cutoff_hours", "The booking cutoff must be a whole number of hours from 0 to 720.")
	} else {
		p.cutoff = n
	}
	if len(p.positions) == 0 {
		v.Add("positions", "Choose at least one position this day serves.")
	}
	return p, v.Err()
}

func atoiStrict(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}
