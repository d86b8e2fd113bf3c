package models

// A day's roster for staff, and the attendance and result recorded per seat.

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// RosterEntry is one person on a day's roster or waitlist.
type RosterEntry struct {
	BookingID      int64
	WaitlistID     int64
	ApplicationID  int64
	CandidateID    int64
	Name           string
	Email          string
	PositionTitle  string
	BookingStatus  BookingStatus  // on the roster
	WaitlistStatus WaitlistStatus // on the waitlist
	Attendance     Attendance
	Result         AssessmentResult
	ResultNotes    string
	OfferExpiresAt *time.Time
	CreatedAt      time.Time
}

// Status is the entry's booking or waitlist status, as text.
func (e RosterEntry) Status() string {
	if e.WaitlistStatus != "" {
		return string(e.WaitlistStatus)
	}
	return string(e.BookingStatus)
}

// Roster is a day with its booked candidates and its waitlist in order.
type Roster struct {
	Day      AssessmentDay
	Booked   []RosterEntry
	Waitlist []RosterEntry
}

// GetRoster loads a day's roster; hiring managers see only their positions' candidates.
func (s *Store) GetRoster(ctx context.Context, actor Actor, dayID int64) (*Roster, error) {
	if !actor.Role.SeesCandidates() {
		return nil, ErrNotFound
	}
	db := s.db.WithContext(ctx)
	var r Roster
	if err := db.First(&r.Day, dayID).Error; err != nil {
		return nil, notFound(err)
	}
	if err := loadDayPositions(db, []*AssessmentDay{&r.Day}); err != nil {
		return nil, err
	}
	if ok, err := dayVisibleTo(db, actor, &r.Day); err != nil {
		return nil, err
	} else if !ok {
		return nil, ErrNotFound
	}
	cond, condArgs := positionScope(actor, "p")
	scope := " AND " + cond
	args := append([]any{dayID}, condArgs...)
	if err := db.Raw(`SELECT b.id AS booking_id, a.id AS application_id, c.id AS candidate_id, c.name, c.email, p.title AS position_title,
			b.status AS booking_status, b.attendance, b.result, b.result_notes, b.created_at
		FROM assessment_bookings b JOIN applications a ON a.id = b.application_id JOIN candidates c ON c.id = a.candidate_id
		JOIN positions p ON p.id = a.position_id
		WHERE b.day_id = ? AND b.status = 'booked'`+scope+` ORDER BY lower(c.name)`, args...).Scan(&r.Booked).Error; err != nil {
		return nil, err
	}
	if err := db.Raw(`SELECT w.id AS waitlist_id, a.id AS application_id, c.id AS candidate_id, c.name, c.email, p.title AS position_title,
			w.status AS waitlist_status, w.offer_expires_at, w.created_at
		FROM assessment_waitlist w JOIN applications a ON a.id = w.application_id JOIN candidates c ON c.id = a.candidate_id
		JOIN positions p ON p.id = a.position_id
		WHERE w.day_id = ? AND w.status IN ('waiting', 'offered')`+scope+` ORDER BY w.status = 'offered' DESC, w.created_at, w.id`, args...).Scan(&r.Waitlist).Error; err != nil {
		return nil, err
	}
	return &r, nil
}

// Attendance is whether a booked candidate came to the day.
type Attendance string

// Attendance values.
const (
	AttendanceUnknown  Attendance = "unknown"
	AttendanceAttended Attendance = "attended"
	AttendanceNoShow   Attendance = "no_show"
)

// Attendances are the attendance values a seat can have, in display order.
func Attendances() []Attendance {
	return []Attendance{AttendanceUnknown, AttendanceAttended, AttendanceNoShow}
}

// AssessmentResult is a booked candidate's result on the day.
type AssessmentResult string

// Assessment results.
const (
	AssessmentNoResult AssessmentResult = "none"
	AssessmentPass     AssessmentResult = "pass"
	AssessmentFail     AssessmentResult = "fail"
)

// AssessmentResults are the results a seat can have, in display order.
func AssessmentResults() []AssessmentResult {
	return []AssessmentResult{AssessmentNoResult, AssessmentPass, AssessmentFail}
}

// RecordAssessmentResult marks attendance and the result of one booking.
func (s *Store) RecordAssessmentResult(ctx context.Context, actor Actor, bookingID int64, attendance Attendance, result AssessmentResult, notes string) error {
	v := &Problems{}
	if !slices.Contains(Attendances(), attendance) {
		v.Add("attendance", "Choose attended, no-show or not recorded.")
	}
	if !slices.Contains(AssessmentResults(), result) {
		v.Add("result", "Choose pass, fail or no result yet.")
	}
	if attendance == AttendanceNoShow && result == AssessmentPass {
		v.Add("result", "A candidate who did not attend cannot pass.")
	}
	v.checkLength(notes, limits.BookingNotes)
	if err := v.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var b AssessmentBooking
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&b, bookingID).Error; err != nil {
			return notFound(err)
		}
		var app Application
		if err := tx.First(&app, b.ApplicationID).Error; err != nil {
			return err
		}
		var pos Position
		if err := tx.First(&pos, app.PositionID).Error; err != nil {
			return err
		}
		if !actor.Role.SeesCandidates() || !actor.ManagesPosition(&pos) {
			return ErrNotFound
		}
		if b.Status != BookingBooked {
			return Invalid("attendance", "This booking was cancelled; there is nothing to record.")
		}
		var d AssessmentDay
		if err := tx.First(&d, b.DayID).Error; err != nil {
			return err
		}
		if s.Now().Before(d.StartsAt) && (attendance != AttendanceUnknown || result != AssessmentNoResult) {
			return Invalid("attendance", "Attendance and results can be recorded once the day has started.")
		}
		if err := tx.Model(&AssessmentBooking{}).Where("id = ?", b.ID).Updates(map[string]any{
			"attendance": attendance, "result": result, "result_notes": notes, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "assessment_booking.result_recorded", "assessment_booking", b.ID, map[string]any{"attendance": attendance, "result": result})
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
