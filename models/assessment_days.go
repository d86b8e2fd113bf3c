package models

// Assessment days, as staff plan them: creating, changing and cancelling a
// day, the positions it serves, and the staff list of days.

import (
	"context"
	"sort"

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
	switch cond, args := positionScope(actor, ""); cond {
	case "TRUE":
		return true, nil
	case "FALSE":
		return false, nil
	default:
		var n int64
		err := tx.Table("positions").Where("id IN ?", d.PositionIDs).Where(cond, args...).Count(&n).Error
		return n > 0, err
	}
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
		return s.audit(tx, actor, "assessment_day.created", "assessment_day", d.ID, map[string]any{"title": d.Title, "starts_at": d.StartsAt, "capacity": d.Capacity})
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
		if err := s.audit(tx, actor, "assessment_day.updated", "assessment_day", id, map[string]any{"capacity_from": d.Capacity, "capacity_to": p.capacity}); err != nil {
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
	if err := tooLong(reason, limits.DayCancelReason); err != nil {
		return err
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
		return s.audit(tx, actor, "assessment_day.cancelled", "assessment_day", id, map[string]any{
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
	if cond, args := positionScope(actor, "p"); cond != "TRUE" {
		q = q.Where("id IN (SELECT dp.day_id FROM assessment_day_positions dp JOIN positions p ON p.id = dp.position_id WHERE "+cond+")", args...)
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
