package models

// The waitlist of a full assessment day: joining and leaving it, and the seat
// offers that hand a freed seat to the front of the queue for a while.

import (
	"context"
	"errors"
	"sort"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

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
		if err := s.audit(tx, SystemActor("waitlist"), "assessment_waitlist.offered", "assessment_day", d.ID, map[string]any{"application_id": app.ID, "expires_at": exp}); err != nil {
			return err
		}
	}
	return nil
}

// expireSeatOffers lapses the day's offers whose time is up and passes their seats on.
func (s *Store) expireSeatOffers(tx *gorm.DB, d *AssessmentDay) error {
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
			return s.expireSeatOffers(tx, d)
		}); err != nil {
			return 0, err
		}
	}
	return len(dayIDs), nil
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
		return s.audit(tx, actor, "assessment_waitlist.joined", "assessment_day", d.ID, map[string]any{"application_id": app.ID})
	})
}

// AcceptSeatOffer turns a held seat into a booking; a booking on another day is
// moved, atomically.
func (s *Store) AcceptSeatOffer(ctx context.Context, actor Actor, appID, entryID int64) (*AssessmentBooking, error) {
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
				return ErrSeatOfferExpired
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
		if err := s.expireSeatOffers(tx, d); err != nil {
			return err
		}
		if err := tx.First(&entry, entry.ID).Error; err != nil {
			return err
		}
		if entry.Status != WaitOffered {
			return ErrSeatOfferExpired
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
		return s.audit(tx, actor, "assessment_waitlist."+string(status), "assessment_day", d.ID, map[string]any{"application_id": app.ID})
	})
}

// WaitlistPosition is the 1-based place of an entry in its day's queue
// (waitlistPlaceSQL, as the candidate's page counts it).
func (s *Store) WaitlistPosition(ctx context.Context, e WaitlistEntry) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw("SELECT "+waitlistPlaceSQL+" FROM assessment_waitlist w WHERE w.id = ?", e.ID).Scan(&n).Error
	return int(n), err
}
