package models

// Booking a seat on an assessment day, as the candidate does it: book,
// reschedule, cancel, the candidate's page, and letting seats go when an
// application closes or moves on.

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// candidateApplication locks the candidate's own application; anything else is ErrNotFound.
func candidateApplication(tx *gorm.DB, candidateID, appID int64) (*Application, error) {
	var app Application
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND candidate_id = ?", appID, candidateID).First(&app).Error; err != nil {
		return nil, notFound(err)
	}
	return &app, nil
}

func activeBooking(tx *gorm.DB, appID int64) (*AssessmentBooking, error) {
	var b AssessmentBooking
	err := tx.Where("application_id = ? AND status = ?", appID, BookingBooked).First(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &b, err
}

// takeSeat takes one seat of a locked day if one is free. The conditional
// UPDATE is the guard; the CHECK constraint is the backstop.
func takeSeat(tx *gorm.DB, d *AssessmentDay, now time.Time) error {
	res := tx.Exec("UPDATE assessment_days SET seats_taken = seats_taken + 1, updated_at = ? WHERE id = ? AND status = ? AND seats_taken < capacity",
		now, d.ID, DayScheduled)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrDayFull
	}
	d.SeatsTaken++
	return nil
}

// createBooking records a seat already taken (or held) for an application.
func createBooking(tx *gorm.DB, dayID, appID int64) (*AssessmentBooking, error) {
	b := &AssessmentBooking{DayID: dayID, ApplicationID: appID, Status: BookingBooked, Attendance: AttendanceUnknown, Result: AssessmentNoResult}
	if err := tx.Omit("Day").Create(b).Error; err != nil {
		return nil, err
	}
	return b, nil
}

// takeSeatOrHeldOffer books a seat on a locked day for an application: the
// seat held for its open waitlist offer when it has one (already counted),
// a free seat otherwise. Any wait for the same day ends.
func (s *Store) takeSeatOrHeldOffer(tx *gorm.DB, d *AssessmentDay, appID int64) error {
	now := s.Now()
	res := tx.Exec("UPDATE assessment_waitlist SET status = ?, updated_at = ? WHERE day_id = ? AND application_id = ? AND status = ?",
		WaitAccepted, now, d.ID, appID, WaitOffered)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		if err := takeSeat(tx, d, now); err != nil {
			return err
		}
	}
	return tx.Exec("UPDATE assessment_waitlist SET status = ?, updated_at = ? WHERE day_id = ? AND application_id = ? AND status = ?",
		WaitLeft, now, d.ID, appID, WaitWaiting).Error
}

// releaseSeat ends a booking, gives its seat back and offers it to the waitlist.
func (s *Store) releaseSeat(tx *gorm.DB, b *AssessmentBooking, status BookingStatus) error {
	now := s.Now()
	if err := tx.Model(&AssessmentBooking{}).Where("id = ?", b.ID).Updates(map[string]any{"status": status, "ended_at": now, "updated_at": now}).Error; err != nil {
		return err
	}
	d, err := lockDay(tx, b.DayID)
	if err != nil {
		return err
	}
	if d.Status == DayCancelled {
		return nil
	}
	if err := tx.Exec("UPDATE assessment_days SET seats_taken = seats_taken - 1, updated_at = ? WHERE id = ?", now, d.ID).Error; err != nil {
		return err
	}
	d.SeatsTaken--
	if err := s.expireSeatOffers(tx, d); err != nil {
		return err
	}
	return s.offerFreeSeats(tx, d)
}

func (s *Store) confirmBooking(tx *gorm.DB, actor Actor, app *Application, d *AssessmentDay, b *AssessmentBooking, action string) error {
	c, pos, err := applicationContact(tx, app.ID)
	if err != nil {
		return err
	}
	if err := s.send(tx, assessmentBookedMail(s.urls(), c, pos, d, app.ID)); err != nil {
		return err
	}
	return s.audit(tx, actor, action, "assessment_booking", b.ID, map[string]any{"day_id": d.ID, "application_id": app.ID})
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// bookableDay locks a day the application may book now: the application is at
// the assessment stage, the day serves its position, is scheduled and before
// its cutoff; lapsed offers on it have been passed on.
func (s *Store) bookableDay(tx *gorm.DB, app *Application, dayID int64) (*AssessmentDay, error) {
	if app.Status != StatusActive || app.Stage != StageAssessmentDay {
		return nil, ErrNotInAssessment
	}
	d, err := lockDay(tx, dayID)
	if err != nil {
		return nil, err
	}
	if !d.Serves(app.PositionID) {
		return nil, ErrNotFound
	}
	if err := d.CanBook(s.Now()); err != nil {
		return nil, err
	}
	if err := s.expireSeatOffers(tx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// BookSeat books a seat on a day for the candidate's application. The
// application row is locked first, so a double-click waits for the first
// request and then gets the same booking back; the day row's conditional
// update makes overbooking impossible across any number of app instances.
func (s *Store) BookSeat(ctx context.Context, actor Actor, appID, dayID int64) (*AssessmentBooking, error) {
	var booking *AssessmentBooking
	err := s.tx(ctx, func(tx *gorm.DB) error {
		app, err := candidateApplication(tx, actor.ID, appID)
		if err != nil {
			return err
		}
		if existing, err := activeBooking(tx, app.ID); err != nil {
			return err
		} else if existing != nil {
			if existing.DayID == dayID {
				booking = existing // the same request twice: same answer
				return nil
			}
			return ErrAlreadyBooked
		}
		d, err := s.bookableDay(tx, app, dayID)
		if err != nil {
			return err
		}
		if err := s.takeSeatOrHeldOffer(tx, d, app.ID); err != nil {
			return err
		}
		if booking, err = createBooking(tx, d.ID, app.ID); err != nil {
			return err
		}
		return s.confirmBooking(tx, actor, app, d, booking, "assessment_booking.booked")
	})
	if err != nil {
		return nil, err
	}
	return booking, nil
}

// RescheduleSeat moves the candidate's booking to another day atomically: the
// old seat is released only once the new one is secured.
func (s *Store) RescheduleSeat(ctx context.Context, actor Actor, appID, newDayID int64) (*AssessmentBooking, error) {
	var booking *AssessmentBooking
	err := s.tx(ctx, func(tx *gorm.DB) error {
		app, err := candidateApplication(tx, actor.ID, appID)
		if err != nil {
			return err
		}
		old, err := activeBooking(tx, app.ID)
		if err != nil {
			return err
		}
		if old == nil {
			return Invalid("", "You have no seat to move; book one instead.")
		}
		if old.DayID == newDayID {
			booking = old
			return nil
		}
		if app.Status != StatusActive || app.Stage != StageAssessmentDay {
			return ErrNotInAssessment
		}
		// Lock both days in id order, so two opposite reschedules cannot deadlock.
		first, second := old.DayID, newDayID
		if second < first {
			first, second = second, first
		}
		days := map[int64]*AssessmentDay{}
		for _, id := range []int64{first, second} {
			d, err := lockDay(tx, id)
			if err != nil {
				return err
			}
			days[id] = d
		}
		oldDay, newDay := days[old.DayID], days[newDayID]
		if !newDay.Serves(app.PositionID) {
			return ErrNotFound
		}
		if err := oldDay.CanChangeBooking(s.Now()); err != nil {
			return err
		}
		if err := newDay.CanBook(s.Now()); err != nil {
			return err
		}
		if err := s.expireSeatOffers(tx, newDay); err != nil {
			return err
		}
		if err := s.takeSeatOrHeldOffer(tx, newDay, app.ID); err != nil {
			return err
		}
		if err := s.releaseSeat(tx, old, BookingRescheduled); err != nil {
			return err
		}
		if booking, err = createBooking(tx, newDay.ID, app.ID); err != nil {
			return err
		}
		return s.confirmBooking(tx, actor, app, newDay, booking, "assessment_booking.rescheduled")
	})
	if err != nil {
		return nil, err
	}
	return booking, nil
}

// CancelSeat gives up the candidate's seat before the cutoff.
func (s *Store) CancelSeat(ctx context.Context, actor Actor, appID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, err := candidateApplication(tx, actor.ID, appID)
		if err != nil {
			return err
		}
		b, err := activeBooking(tx, app.ID)
		if err != nil {
			return err
		}
		if b == nil {
			return nil // already cancelled: a repeated click changes nothing
		}
		var d AssessmentDay
		if err := tx.First(&d, b.DayID).Error; err != nil {
			return err
		}
		if err := d.CanChangeBooking(s.Now()); err != nil {
			return err
		}
		if err := s.releaseSeat(tx, b, BookingCancelled); err != nil {
			return err
		}
		return s.audit(tx, actor, "assessment_booking.cancelled", "assessment_booking", b.ID, map[string]any{"day_id": b.DayID})
	})
}

// CandidateAssessment is what the candidate's assessment page shows.
type CandidateAssessment struct {
	Application Application // with Position
	Booking     *AssessmentBooking
	Days        []AssessmentDay // upcoming scheduled days for the position, soonest first
	Waitlist    []WaitlistEntry // live entries, with Day
	Past        []AssessmentBooking
	// EarlierBookings counts the application's bookings before the current
	// one: the calendar event's sequence number.
	EarlierBookings int
	// DecisionWithheld: a rejection put off by some days, not told yet (a
	// held one is Application.RejectionHeld).
	DecisionWithheld bool
}

// GetCandidateAssessment loads the candidate actor's assessment page for one
// of their own applications; ErrNotFound for anyone else's, or for staff.
func (s *Store) GetCandidateAssessment(ctx context.Context, actor Actor, appID int64) (*CandidateAssessment, error) {
	if actor.Kind != "candidate" || actor.ID == 0 {
		return nil, ErrNotFound
	}
	db := s.db.WithContext(ctx)
	var ca CandidateAssessment
	if err := db.Preload("Position").Where("id = ? AND candidate_id = ?", appID, actor.ID).First(&ca.Application).Error; err != nil {
		return nil, notFound(err)
	}
	if ca.Application.Status == StatusRejected && !ca.Application.RejectionHeld {
		if err := db.Raw(`SELECT EXISTS (SELECT 1 FROM outbox_messages WHERE application_id = ? AND status = 'held'
			AND held_for_position_id IS NULL AND send_after > ?)`, appID, s.Now()).Scan(&ca.DecisionWithheld).Error; err != nil {
			return nil, err
		}
	}
	var b AssessmentBooking
	err := db.Preload("Day").Where("application_id = ? AND status = ?", appID, BookingBooked).First(&b).Error
	if err == nil {
		ca.Booking = &b
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	if err := db.Where("id IN (SELECT day_id FROM assessment_day_positions WHERE position_id = ?) AND status = ? AND starts_at > ?",
		ca.Application.PositionID, DayScheduled, s.Now()).Order("starts_at, id").Find(&ca.Days).Error; err != nil {
		return nil, err
	}
	ptrs := make([]*AssessmentDay, len(ca.Days))
	for i := range ca.Days {
		ptrs[i] = &ca.Days[i]
	}
	if err := loadDayPositions(db, ptrs); err != nil {
		return nil, err
	}
	if err := db.Preload("Day").Where("application_id = ? AND status IN ?", appID, []WaitlistStatus{WaitWaiting, WaitOffered}).Order("created_at").Find(&ca.Waitlist).Error; err != nil {
		return nil, err
	}
	if err := db.Preload("Day").Where("application_id = ? AND status <> ?", appID, BookingBooked).Order("id DESC").Limit(10).Find(&ca.Past).Error; err != nil {
		return nil, err
	}
	if ca.Booking != nil {
		var n int64
		if err := db.Model(&AssessmentBooking{}).Where("application_id = ? AND id < ?", appID, ca.Booking.ID).Count(&n).Error; err != nil {
			return nil, err
		}
		ca.EarlierBookings = int(n)
	}
	return &ca, nil
}

// releaseAssessmentSeats gives up an application's seat on a day that has not
// started and its place on any waitlist: called when the application is
// rejected, withdrawn or moves to another stage, so the seat can go to
// someone who still needs it.
func (s *Store) releaseAssessmentSeats(tx *gorm.DB, appID int64) error {
	now := s.Now()
	b, err := activeBooking(tx, appID)
	if err != nil {
		return err
	}
	if b != nil {
		var d AssessmentDay
		if err := tx.First(&d, b.DayID).Error; err != nil {
			return err
		}
		if d.StartsAt.After(now) {
			if err := s.releaseSeat(tx, b, BookingCancelled); err != nil {
				return err
			}
		}
	}
	var offered []WaitlistEntry
	if err := tx.Where("application_id = ? AND status IN ?", appID, []WaitlistStatus{WaitWaiting, WaitOffered}).Find(&offered).Error; err != nil {
		return err
	}
	for _, w := range offered {
		d, err := lockDay(tx, w.DayID)
		if err != nil {
			return err
		}
		// Read the entry again under the day's lock: an expiry or an offer
		// may have changed it meanwhile, and the seat count depends on it.
		var was []WaitlistStatus
		if err := tx.Raw(`UPDATE assessment_waitlist w SET status = ?, updated_at = ? FROM assessment_waitlist old
			WHERE w.id = old.id AND w.id = ? AND w.status IN ('waiting', 'offered') RETURNING old.status`, WaitLeft, now, w.ID).Scan(&was).Error; err != nil {
			return err
		}
		if len(was) == 1 && was[0] == WaitOffered && d.Status == DayScheduled {
			if err := tx.Exec("UPDATE assessment_days SET seats_taken = seats_taken - 1, updated_at = ? WHERE id = ?", now, d.ID).Error; err != nil {
				return err
			}
			d.SeatsTaken--
			if err := s.offerFreeSeats(tx, d); err != nil {
				return err
			}
		}
	}
	return nil
}
