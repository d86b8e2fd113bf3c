package models

import (
	"context"
	"errors"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

func loadDayPositions(tx *gorm.DB, days []*AssessmentDay) error {
	if len(days) == 0 {
		return nil
	}
	ids := make([]int64, len(days))
	byID := map[int64]*AssessmentDay{}
	for i, d := range days {
		ids[i] = d.ID
		byID[d.ID] = d
		d.PositionIDs, d.Positions = nil, nil
	}
	var rows []struct {
		DayID int64
		Position
	}
	if err := tx.Table("assessment_day_positions dp").Select("dp.day_id, p.*").
		Joins("JOIN positions p ON p.id = dp.position_id").Where("dp.day_id IN ?", ids).Order("lower(p.title)").Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		d := byID[r.DayID]
		d.PositionIDs = append(d.PositionIDs, r.Position.ID)
		d.Positions = append(d.Positions, r.Position)
	}
	return nil
}

// lockDay loads a day FOR UPDATE with its positions.
func lockDay(tx *gorm.DB, id int64) (*AssessmentDay, error) {
	var d AssessmentDay
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&d, id).Error; err != nil {
		return nil, notFound(err)
	}
	if err := loadDayPositions(tx, []*AssessmentDay{&d}); err != nil {
		return nil, err
	}
	return &d, nil
}

// dayVisibleTo reports whether a staff actor may see a day: admins and
// recruiters see all, hiring managers the days serving one of their positions.
func dayVisibleTo(tx *gorm.DB, actor Actor, d *AssessmentDay) (bool, error) {
	if actor.Role.SeesAllCandidates() {
		return true, nil
	}
	if actor.Role != RoleHiringManager {
		return false, nil
	}
	var n int64
	err := tx.Table("positions").Where("id IN ? AND hiring_manager_id = ?", d.PositionIDs, actor.ID).Count(&n).Error
	return n > 0, err
}

// CreateAssessmentDay schedules a day.
func (s *Store) CreateAssessmentDay(ctx context.Context, actor Actor, in AssessmentDayInput) (*AssessmentDay, error) {
	if !actor.Role.ManagesPositions() {
		return nil, ErrForbidden
	}
	p, err := in.parse(s.Now(), true)
	if err != nil {
		return nil, err
	}
	d := &AssessmentDay{Title: p.title, StartsAt: p.start.UTC(), EndsAt: p.end.UTC(), TimeZone: p.timeZone,
		LocationAddress: p.address, Directions: p.directions, OnlineURL: p.onlineURL, Capacity: p.capacity,
		CutoffHours: p.cutoff, Agenda: p.agenda, WhatToBring: p.bring, Status: DayScheduled}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(d).Error; err != nil {
			return err
		}
		if err := writeDayPositions(tx, d.ID, p.positions); err != nil {
			return err
		}
		return audit(tx, actor, "assessment_day.created", "assessment_day", d.ID, map[string]any{"title": d.Title, "starts_at": d.StartsAt, "capacity": d.Capacity})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func writeDayPositions(tx *gorm.DB, dayID int64, positions []int64) error {
	if err := tx.Exec("DELETE FROM assessment_day_positions WHERE day_id = ?", dayID).Error; err != nil {
		return err
	}
	for _, pid := range positions {
		if err := tx.Exec("INSERT INTO assessment_day_positions (day_id, position_id) VALUES (?, ?) ON CONFLICT DO NOTHING", dayID, pid).Error; err != nil {
			if isForeignKeyViolation(err) {
				return Invalid("positions", "One of the chosen positions does not exist.")
			}
			return err
		}
	}
	return nil
}

// UpdateAssessmentDay edits a day. Lowering the capacity below the seats
// already taken is refused (and the database CHECK backs that); raising it
// offers the new seats to the waitlist.
func (s *Store) UpdateAssessmentDay(ctx context.Context, actor Actor, id int64, in AssessmentDayInput) error {
	if !actor.Role.ManagesPositions() {
		return ErrForbidden
	}
	p, err := in.parse(s.Now(), false)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		d, err := lockDay(tx, id)
		if err != nil {
			return err
		}
		if d.Status == DayCancelled {
			return Invalid("", "This day has been cancelled and can no longer be edited.")
		}
		if err := d.CanSetCapacity(p.capacity); err != nil {
			return err
		}
		err = tx.Model(&AssessmentDay{}).Where("id = ?", id).Updates(map[string]any{
			"title": p.title, "starts_at": p.start.UTC(), "ends_at": p.end.UTC(), "time_zone": p.timeZone,
			"location_address": p.address, "directions": p.directions, "online_url": p.onlineURL, "capacity": p.capacity,
			"cutoff_hours": p.cutoff, "agenda": p.agenda, "what_to_bring": p.bring, "updated_at": s.Now(),
		}).Error
		if isCheckViolation(err, "assessment_days_not_overbooked") {
			return Invalid("capacity", "The capacity cannot be lower than the seats already taken.")
		}
		if err != nil {
			return err
		}
		if err := writeDayPositions(tx, id, p.positions); err != nil {
			return err
		}
		if !p.start.Equal(d.StartsAt) || !p.end.Equal(d.EndsAt) || p.address != d.LocationAddress || p.onlineURL != d.OnlineURL {
			if err := s.notifyDayChanged(tx, d, p); err != nil {
				return err
			}
		}
		if err := audit(tx, actor, "assessment_day.updated", "assessment_day", id, map[string]any{"capacity_from": d.Capacity, "capacity_to": p.capacity}); err != nil {
			return err
		}
		fresh, err := lockDay(tx, id)
		if err != nil {
			return err
		}
		return s.offerFreeSeats(tx, fresh)
	})
}

// CancelAssessmentDay cancels a day, frees every seat, closes its waitlist and
// tells each booked and waitlisted candidate, in one transaction.
func (s *Store) CancelAssessmentDay(ctx context.Context, actor Actor, id int64, reason string) error {
	if !actor.Role.ManagesPositions() {
		return ErrForbidden
	}
	if len([]rune(reason)) > 2000 {
		return Invalid("reason", "The reason is too long (2000 characters at most).")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		d, err := lockDay(tx, id)
		if err != nil {
			return err
		}
		if d.Status == DayCancelled {
			return nil
		}
		now := s.Now()
		var affected []int64
		if err := tx.Raw(`UPDATE assessment_bookings SET status = ?, ended_at = ?, updated_at = ? WHERE day_id = ? AND status = ? RETURNING application_id`,
			BookingDayCancelled, now, now, id, BookingBooked).Scan(&affected).Error; err != nil {
			return err
		}
		var waiting []int64
		if err := tx.Raw(`UPDATE assessment_waitlist SET status = ?, updated_at = ? WHERE day_id = ? AND status IN (?, ?) RETURNING application_id`,
			WaitDayCancelled, now, id, WaitWaiting, WaitOffered).Scan(&waiting).Error; err != nil {
			return err
		}
		if err := tx.Model(&AssessmentDay{}).Where("id = ?", id).Updates(map[string]any{
			"status": DayCancelled, "seats_taken": 0, "cancel_reason": reason, "updated_at": now}).Error; err != nil {
			return err
		}
		for _, appID := range append(affected, waiting...) {
			c, pos, err := applicationContact(tx, appID)
			if err != nil {
				return err
			}
			if err := s.send(tx, assessmentDayCancelledMail(s.urls(), c, pos, d, reason, appID)); err != nil {
				return err
			}
		}
		return audit(tx, actor, "assessment_day.cancelled", "assessment_day", id, map[string]any{
			"bookings_released": len(affected), "waitlist_closed": len(waiting), "reason": reason})
	})
}

// notifyDayChanged tells everyone holding a seat (booked or offered) that the
// day's time or place changed.
func (s *Store) notifyDayChanged(tx *gorm.DB, old *AssessmentDay, p parsedDay) error {
	var appIDs []int64
	if err := tx.Raw(`SELECT application_id FROM assessment_bookings WHERE day_id = ? AND status = 'booked'
		UNION SELECT application_id FROM assessment_waitlist WHERE day_id = ? AND status = 'offered'`, old.ID, old.ID).Scan(&appIDs).Error; err != nil {
		return err
	}
	for _, appID := range appIDs {
		c, _, err := applicationContact(tx, appID)
		if err != nil {
			return err
		}
		if err := s.send(tx, assessmentDayChangedMail(s.urls(), c, old, p, appID)); err != nil {
			return err
		}
	}
	return nil
}

func applicationContact(tx *gorm.DB, appID int64) (*Candidate, *Position, error) {
	var app Application
	if err := tx.Preload("Candidate").Preload("Position").First(&app, appID).Error; err != nil {
		return nil, nil, err
	}
	return app.Candidate, app.Position, nil
}

// offerFreeSeats hands free seats of a day to the front of its waitlist, one
// offer each, holding the seat for WaitlistOfferTTL. Called, under the day's
// lock, whenever a seat frees: a cancel, a reschedule, a raised capacity or a
// lapsed offer.
func (s *Store) offerFreeSeats(tx *gorm.DB, d *AssessmentDay) error {
	now := s.Now()
	if d.Status != DayScheduled || !now.Before(d.Cutoff()) {
		return nil
	}
	for d.SeatsTaken < d.Capacity {
		var next WaitlistEntry
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("day_id = ? AND status = ?", d.ID, WaitWaiting).Order("created_at, id").First(&next).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		// Someone who has meanwhile left the assessment stage is skipped.
		var app Application
		if err := tx.First(&app, next.ApplicationID).Error; err != nil {
			return err
		}
		if app.Status != StatusActive || app.Stage != StageAssessmentDay {
			if err := tx.Model(&next).Updates(map[string]any{"status": WaitLeft, "updated_at": now}).Error; err != nil {
				return err
			}
			continue
		}
		exp := d.offerExpiry(now)
		if err := tx.Model(&next).Updates(map[string]any{"status": WaitOffered, "offer_expires_at": exp, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Exec("UPDATE assessment_days SET seats_taken = seats_taken + 1, updated_at = ? WHERE id = ?", now, d.ID).Error; err != nil {
			return err
		}
		d.SeatsTaken++
		c, _, err := applicationContact(tx, app.ID)
		if err != nil {
			return err
		}
		if err := s.send(tx, assessmentSeatOfferedMail(s.urls(), c, d, exp, app.ID)); err != nil {
			return err
		}
		if err := audit(tx, SystemActor("waitlist"), "assessment_waitlist.offered", "assessment_day", d.ID, map[string]any{"application_id": app.ID, "expires_at": exp}); err != nil {
			return err
		}
	}
	return nil
}

// expireOffers lapses the day's offers whose time is up and passes their seats on.
func (s *Store) expireOffers(tx *gorm.DB, d *AssessmentDay) error {
	now := s.Now()
	res := tx.Exec("UPDATE assessment_waitlist SET status = ?, updated_at = ? WHERE day_id = ? AND status = ? AND offer_expires_at <= ?",
		WaitExpired, now, d.ID, WaitOffered, now)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return nil
	}
	if err := tx.Exec("UPDATE assessment_days SET seats_taken = seats_taken - ?, updated_at = ? WHERE id = ?", res.RowsAffected, now, d.ID).Error; err != nil {
		return err
	}
	d.SeatsTaken -= int(res.RowsAffected)
	return s.offerFreeSeats(tx, d)
}

// ExpireWaitlistOffers lapses every overdue offer and passes the seats on;
// the server runs it every minute.
func (s *Store) ExpireWaitlistOffers(ctx context.Context) (int, error) {
	var dayIDs []int64
	if err := s.db.WithContext(ctx).Table("assessment_waitlist").Distinct("day_id").
		Where("status = ? AND offer_expires_at <= ?", WaitOffered, s.Now()).Pluck("day_id", &dayIDs).Error; err != nil {
		return 0, err
	}
	for _, id := range dayIDs {
		if err := s.tx(ctx, func(tx *gorm.DB) error {
			d, err := lockDay(tx, id)
			if err != nil {
				return err
			}
			return s.expireOffers(tx, d)
		}); err != nil {
			return 0, err
		}
	}
	return len(dayIDs), nil
}

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
	b := &AssessmentBooking{DayID: dayID, ApplicationID: appID, Status: BookingBooked, Attendance: "unknown", Result: "none"}
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
func (s *Store) releaseSeat(tx *gorm.DB, b *AssessmentBooking, status string) error {
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
	if err := s.expireOffers(tx, d); err != nil {
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
	return audit(tx, actor, action, "assessment_booking", b.ID, map[string]any{"day_id": d.ID, "application_id": app.ID})
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
	if err := s.expireOffers(tx, d); err != nil {
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
		if err := s.expireOffers(tx, newDay); err != nil {
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
		return audit(tx, actor, "assessment_booking.cancelled", "assessment_booking", b.ID, map[string]any{"day_id": b.DayID})
	})
}

// JoinWaitlist queues the candidate for a full day.
func (s *Store) JoinWaitlist(ctx context.Context, actor Actor, appID, dayID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, err := candidateApplication(tx, actor.ID, appID)
		if err != nil {
			return err
		}
		d, err := s.bookableDay(tx, app, dayID)
		if err != nil {
			return err
		}
		if d.SeatsLeft() > 0 {
			return ErrSeatsStillOpen
		}
		if b, err := activeBooking(tx, app.ID); err != nil {
			return err
		} else if b != nil && b.DayID == dayID {
			return nil
		}
		res := tx.Exec(`INSERT INTO assessment_waitlist (day_id, application_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (day_id, application_id) WHERE status IN ('waiting', 'offered') DO NOTHING`, d.ID, app.ID, WaitWaiting, s.Now(), s.Now())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return nil // already waiting: a double click changes nothing
		}
		return audit(tx, actor, "assessment_waitlist.joined", "assessment_day", d.ID, map[string]any{"application_id": app.ID})
	})
}

// AcceptOffer turns a held seat into a booking; a booking on another day is
// moved, atomically.
func (s *Store) AcceptOffer(ctx context.Context, actor Actor, appID, entryID int64) (*AssessmentBooking, error) {
	var booking *AssessmentBooking
	err := s.tx(ctx, func(tx *gorm.DB) error {
		app, err := candidateApplication(tx, actor.ID, appID)
		if err != nil {
			return err
		}
		var entry WaitlistEntry
		if err := tx.Where("id = ? AND application_id = ?", entryID, app.ID).First(&entry).Error; err != nil {
			return notFound(err)
		}
		if entry.Status == WaitAccepted {
			booking, err = activeBooking(tx, app.ID)
			if err == nil && booking == nil {
				return ErrOfferExpired
			}
			return err
		}
		// Lock the offered day and the day of any current seat in id order,
		// as RescheduleSeat does, so crossing acceptances cannot deadlock.
		current, err := activeBooking(tx, app.ID)
		if err != nil {
			return err
		}
		ids := []int64{entry.DayID}
		if current != nil && current.DayID != entry.DayID {
			ids = append(ids, current.DayID)
			sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		}
		var d *AssessmentDay
		for _, id := range ids {
			locked, err := lockDay(tx, id)
			if err != nil {
				return err
			}
			if id == entry.DayID {
				d = locked
			}
		}
		if err := s.expireOffers(tx, d); err != nil {
			return err
		}
		if err := tx.First(&entry, entry.ID).Error; err != nil {
			return err
		}
		if entry.Status != WaitOffered {
			return ErrOfferExpired
		}
		if app.Status != StatusActive || app.Stage != StageAssessmentDay {
			return ErrNotInAssessment
		}
		if old, err := activeBooking(tx, app.ID); err != nil {
			return err
		} else if old != nil {
			var oldDay AssessmentDay
			if err := tx.First(&oldDay, old.DayID).Error; err != nil {
				return err
			}
			if err := oldDay.CanChangeBooking(s.Now()); err != nil {
				return err
			}
			if err := s.releaseSeat(tx, old, BookingRescheduled); err != nil {
				return err
			}
		}
		// The seat was held for this offer: it is already counted.
		if err := tx.Model(&WaitlistEntry{}).Where("id = ?", entry.ID).Updates(map[string]any{"status": WaitAccepted, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		if booking, err = createBooking(tx, d.ID, app.ID); err != nil {
			return err
		}
		return s.confirmBooking(tx, actor, app, d, booking, "assessment_waitlist.accepted")
	})
	if err != nil {
		return nil, err
	}
	return booking, nil
}

// LeaveWaitlist takes the candidate off a day's waitlist, declining any
// offer they hold (its seat passes to the next person).
func (s *Store) LeaveWaitlist(ctx context.Context, actor Actor, appID, entryID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, err := candidateApplication(tx, actor.ID, appID)
		if err != nil {
			return err
		}
		var entry WaitlistEntry
		if err := tx.Where("id = ? AND application_id = ?", entryID, app.ID).First(&entry).Error; err != nil {
			return notFound(err)
		}
		if entry.Status != WaitWaiting && entry.Status != WaitOffered {
			return nil
		}
		d, err := lockDay(tx, entry.DayID)
		if err != nil {
			return err
		}
		if err := tx.First(&entry, entry.ID).Error; err != nil {
			return err
		}
		status := WaitLeft
		if entry.Status == WaitOffered {
			status = WaitDeclined
		}
		if err := tx.Model(&WaitlistEntry{}).Where("id = ?", entry.ID).Updates(map[string]any{"status": status, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		if entry.Status == WaitOffered {
			if err := tx.Exec("UPDATE assessment_days SET seats_taken = seats_taken - 1, updated_at = ? WHERE id = ?", s.Now(), d.ID).Error; err != nil {
				return err
			}
			d.SeatsTaken--
			if err := s.offerFreeSeats(tx, d); err != nil {
				return err
			}
		}
		return audit(tx, actor, "assessment_waitlist."+status, "assessment_day", d.ID, map[string]any{"application_id": app.ID})
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
	if err := db.Preload("Day").Where("application_id = ? AND status IN ?", appID, []string{WaitWaiting, WaitOffered}).Order("created_at").Find(&ca.Waitlist).Error; err != nil {
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

// WaitlistPosition is the 1-based place of an entry in its day's queue.
func (s *Store) WaitlistPosition(ctx context.Context, e WaitlistEntry) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("assessment_waitlist").
		Where("day_id = ? AND status = ? AND (created_at, id) <= (?, ?)", e.DayID, WaitWaiting, e.CreatedAt, e.ID).Count(&n).Error
	return int(n), err
}

// DaySummary is a day with its booking numbers for the staff list.
type DaySummary struct {
	AssessmentDay
	Booked  int64
	Waiting int64
}

// ListAssessmentDays lists the days actor may see: upcoming first, then past.
func (s *Store) ListAssessmentDays(ctx context.Context, actor Actor) ([]DaySummary, error) {
	if !actor.Role.SeesCandidates() {
		return nil, ErrForbidden
	}
	db := s.db.WithContext(ctx)
	var days []AssessmentDay
	q := db.Order("starts_at < now() , starts_at")
	if actor.Role == RoleHiringManager {
		q = q.Where("id IN (SELECT dp.day_id FROM assessment_day_positions dp JOIN positions p ON p.id = dp.position_id WHERE p.hiring_manager_id = ?)", actor.ID)
	}
	if err := q.Find(&days).Error; err != nil {
		return nil, err
	}
	ptrs := make([]*AssessmentDay, len(days))
	for i := range days {
		ptrs[i] = &days[i]
	}
	if err := loadDayPositions(db, ptrs); err != nil {
		return nil, err
	}
	var counts []struct {
		DayID   int64
		Booked  int64
		Waiting int64
	}
	if err := db.Raw(`SELECT d.id AS day_id,
		(SELECT count(*) FROM assessment_bookings b WHERE b.day_id = d.id AND b.status = 'booked') AS booked,
		(SELECT count(*) FROM assessment_waitlist w WHERE w.day_id = d.id AND w.status IN ('waiting', 'offered')) AS waiting
		FROM assessment_days d`).Scan(&counts).Error; err != nil {
		return nil, err
	}
	cm := map[int64][2]int64{}
	for _, c := range counts {
		cm[c.DayID] = [2]int64{c.Booked, c.Waiting}
	}
	now := s.Now()
	out := make([]DaySummary, len(days))
	for i, d := range days {
		out[i] = DaySummary{AssessmentDay: d, Booked: cm[d.ID][0], Waiting: cm[d.ID][1]}
	}
	// Upcoming soonest first, then past most recent first.
	sort.SliceStable(out, func(a, b int) bool {
		pa, pb := out[a].StartsAt.Before(now), out[b].StartsAt.Before(now)
		if pa != pb {
			return !pa
		}
		if pa {
			return out[a].StartsAt.After(out[b].StartsAt)
		}
		return out[a].StartsAt.Before(out[b].StartsAt)
	})
	return out, nil
}

// RosterEntry is one person on a day's roster or waitlist.
type RosterEntry struct {
	BookingID      int64
	WaitlistID     int64
	ApplicationID  int64
	CandidateID    int64
	Name           string
	Email          string
	PositionTitle  string
	Status         string
	Attendance     string
	Result         string
	ResultNotes    string
	OfferExpiresAt *time.Time
	CreatedAt      time.Time
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
	scope := ""
	args := []any{dayID}
	if actor.Role == RoleHiringManager {
		scope = " AND p.hiring_manager_id = ?"
		args = append(args, actor.ID)
	}
	if err := db.Raw(`SELECT b.id AS booking_id, a.id AS application_id, c.id AS candidate_id, c.name, c.email, p.title AS position_title,
			b.status, b.attendance, b.result, b.result_notes, b.created_at
		FROM assessment_bookings b JOIN applications a ON a.id = b.application_id JOIN candidates c ON c.id = a.candidate_id
		JOIN positions p ON p.id = a.position_id
		WHERE b.day_id = ? AND b.status = 'booked'`+scope+` ORDER BY lower(c.name)`, args...).Scan(&r.Booked).Error; err != nil {
		return nil, err
	}
	if err := db.Raw(`SELECT w.id AS waitlist_id, a.id AS application_id, c.id AS candidate_id, c.name, c.email, p.title AS position_title,
			w.status, w.offer_expires_at, w.created_at
		FROM assessment_waitlist w JOIN applications a ON a.id = w.application_id JOIN candidates c ON c.id = a.candidate_id
		JOIN positions p ON p.id = a.position_id
		WHERE w.day_id = ? AND w.status IN ('waiting', 'offered')`+scope+` ORDER BY w.status = 'offered' DESC, w.created_at, w.id`, args...).Scan(&r.Waitlist).Error; err != nil {
		return nil, err
	}
	return &r, nil
}

// GetAssessmentDay loads a day for editing.
func (s *Store) GetAssessmentDay(ctx context.Context, actor Actor, id int64) (*AssessmentDay, error) {
	if !actor.Role.ManagesPositions() {
		return nil, ErrForbidden
	}
	var d AssessmentDay
	if err := s.db.WithContext(ctx).First(&d, id).Error; err != nil {
		return nil, notFound(err)
	}
	if err := loadDayPositions(s.db.WithContext(ctx), []*AssessmentDay{&d}); err != nil {
		return nil, err
	}
	return &d, nil
}

// Attendance values and results.
var (
	Attendances = []string{"unknown", "attended", "no_show"}
	Results     = []string{"none", "pass", "fail"}
)

// RecordAssessmentResult marks attendance and the result of one booking.
func (s *Store) RecordAssessmentResult(ctx context.Context, actor Actor, bookingID int64, attendance, result, notes string) error {
	v := &ValidationError{}
	if !contains(Attendances, attendance) {
		v.Add("attendance", "Choose attended, no-show or not recorded.")
	}
	if !contains(Results, result) {
		v.Add("result", "Choose pass, fail or no result yet.")
	}
	if attendance == "no_show" && result == "pass" {
		v.Add("result", "A candidate who did not attend cannot pass.")
	}
	if len([]rune(notes)) > 4000 {
		v.Add("notes", "The notes are too long (4000 characters at most).")
	}
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
		if !actor.Role.SeesCandidates() || !canManagePosition(actor, &pos) {
			return ErrNotFound
		}
		if b.Status != BookingBooked {
			return Invalid("attendance", "This booking was cancelled; there is nothing to record.")
		}
		var d AssessmentDay
		if err := tx.First(&d, b.DayID).Error; err != nil {
			return err
		}
		if s.Now().Before(d.StartsAt) && (attendance != "unknown" || result != "none") {
			return Invalid("attendance", "Attendance and results can be recorded once the day has started.")
		}
		if err := tx.Model(&AssessmentBooking{}).Where("id = ?", b.ID).Updates(map[string]any{
			"attendance": attendance, "result": result, "result_notes": notes, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		return audit(tx, actor, "assessment_booking.result_recorded", "assessment_booking", b.ID, map[string]any{"attendance": attendance, "result": result})
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
	if err := tx.Where("application_id = ? AND status IN ?", appID, []string{WaitWaiting, WaitOffered}).Find(&offered).Error; err != nil {
		return err
	}
	for _, w := range offered {
		d, err := lockDay(tx, w.DayID)
		if err != nil {
			return err
		}
		// Read the entry again under the day's lock: an expiry or an offer
		// may have changed it meanwhile, and the seat count depends on it.
		var was []string
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
