package views

import (
	"strconv"
	"time"

	"nextstep/models"
)

// CandidateAssessmentProps is the candidate's assessment-day page.
type CandidateAssessmentProps struct {
	Layout
	Data           *models.CandidateAssessment
	Problem        string        // why the last action was refused, in plain words
	WaitlistPlaces map[int64]int // waitlist entry id → place in the queue
}

// AdminAssessmentDaysProps is the staff list of days.
type AdminAssessmentDaysProps struct {
	Layout
	Days []models.DaySummary
}

// AssessmentDayForm keeps the day form as typed.
type AssessmentDayForm struct {
	Title, Date, StartTime, EndTime, TimeZone, LocationAddress, Directions, OnlineURL string
	Capacity, CutoffHours, Agenda, WhatToBring                                        string
	PositionIDs                                                                       []int64
}

// Input converts the form for the store, which validates it.
func (f AssessmentDayForm) Input() models.AssessmentDayInput {
	return models.AssessmentDayInput{Title: f.Title, Date: f.Date, StartTime: f.StartTime, EndTime: f.EndTime,
		TimeZone: f.TimeZone, LocationAddress: f.LocationAddress, Directions: f.Directions, OnlineURL: f.OnlineURL,
		Capacity: f.Capacity, CutoffHours: f.CutoffHours, Agenda: f.Agenda, WhatToBring: f.WhatToBring, PositionIDs: f.PositionIDs}
}

// HasPosition reports whether position id is ticked.
func (f AssessmentDayForm) HasPosition(id int64) bool {
	for _, p := range f.PositionIDs {
		if p == id {
			return true
		}
	}
	return false
}

// AssessmentDayFormFrom fills the form from a stored day, in the day's own zone.
func AssessmentDayFormFrom(d *models.AssessmentDay) AssessmentDayForm {
	loc := d.Location()
	return AssessmentDayForm{Title: d.Title, Date: d.StartsAt.In(loc).Format("2006-01-02"),
		StartTime: d.StartsAt.In(loc).Format("15:04"), EndTime: d.EndsAt.In(loc).Format("15:04"), TimeZone: d.TimeZone,
		LocationAddress: d.LocationAddress, Directions: d.Directions, OnlineURL: d.OnlineURL,
		Capacity: strconv.Itoa(d.Capacity), CutoffHours: strconv.Itoa(d.CutoffHours), Agenda: d.Agenda,
		WhatToBring: d.WhatToBring, PositionIDs: d.PositionIDs}
}

// AdminAssessmentDayFormProps is the create/edit day page.
type AdminAssessmentDayFormProps struct {
	Layout
	ID        int64
	Form      AssessmentDayForm
	Errors    map[string]string
	Positions []models.PositionSummary
}

// AdminRosterProps is a day's roster page.
type AdminRosterProps struct {
	Layout
	Roster *models.Roster
	Errors map[string]string
}

// TimeZones are the zones offered in the day form: the one curated list the
// account pages offer too (models.ZoneChoices). Each call returns a fresh slice.
func TimeZones() []string { return models.ZoneChoices() }

// zoneChoices are the zones the day form offers, current first when it is
// not among TimeZones.
func zoneChoices(current string) []string {
	zones := TimeZones()
	for _, z := range zones {
		if z == current {
			return zones
		}
	}
	if current == "" {
		return zones
	}
	return append([]string{current}, zones...)
}

// DayWhen is "Tuesday 15 December 2026, 09:00–16:00 (Europe/London)" in the day's own zone.
func DayWhen(d models.AssessmentDay) string {
	loc := d.Location()
	return d.StartsAt.In(loc).Format("Monday 2 January 2006, 15:04") + "–" + d.EndsAt.In(loc).Format("15:04") + " (" + d.TimeZone + ")"
}

// DayCutoff is when booking changes close, in the day's zone, named.
func DayCutoff(d models.AssessmentDay) string {
	at := d.Cutoff().In(d.Location())
	return at.Format("Monday 2 January, 15:04") + " (" + models.ZoneLabel(at, d.Location()) + ")"
}

// OfferUntil is when a waitlist offer lapses, in the day's zone.
func OfferUntil(w models.WaitlistEntry) string {
	if w.OfferExpiresAt == nil || w.Day == nil {
		return ""
	}
	at := w.OfferExpiresAt.In(w.Day.Location())
	return at.Format("Monday 2 January, 15:04") + " (" + models.ZoneLabel(at, w.Day.Location()) + ")"
}

// Before reports whether a is before b (templ has no operators on time).
func Before(a, b time.Time) bool { return a.Before(b) }

// seatMovable reports whether the candidate's seat may still move to another
// day: the rule the move itself applies to the day it leaves (past that day's
// cutoff, "Move my seat here" would only be refused).
func seatMovable(p CandidateAssessmentProps) bool {
	b := p.Data.Booking
	return b != nil && b.Day != nil && b.Day.CanChangeBooking(p.Now) == nil
}

// onWaitlist reports whether the candidate already waits for day id.
func onWaitlist(ca *models.CandidateAssessment, dayID int64) bool {
	for _, w := range ca.Waitlist {
		if w.DayID == dayID {
			return true
		}
	}
	return false
}

func bookingStatusLabel(s models.BookingStatus) string {
	switch s {
	case models.BookingBooked:
		return "Booked"
	case models.BookingCancelled:
		return "Cancelled by you"
	case models.BookingRescheduled:
		return "Moved to another day"
	case models.BookingDayCancelled:
		return "Day cancelled"
	}
	return string(s)
}

func attendanceLabel(s models.Attendance) string {
	switch s {
	case models.AttendanceAttended:
		return "Attended"
	case models.AttendanceNoShow:
		return "No-show"
	}
	return "Not recorded"
}

func resultLabel(s models.AssessmentResult) string {
	switch s {
	case models.AssessmentPass:
		return "Pass"
	case models.AssessmentFail:
		return "Fail"
	}
	return "No result yet"
}

func dayAction(id int64) string {
	if id == 0 {
		return "/admin/assessment-days"
	}
	return AssessmentDayPath(id)
}
