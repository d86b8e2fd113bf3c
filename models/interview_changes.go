package models

// A round after it is scheduled: the candidate picks a time or asks for
// others, staff offer more times, reschedule or cancel, and a closing
// application calls off its live rounds.

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PickSlot books the slot the candidate chose for their round. Two
// candidates never get one slot: the slot is claimed with a conditional
// UPDATE. Picking the slot already held is a no-op, so a double click
// books once.
func (s *Store) PickSlot(ctx context.Context, actor Actor, appID, roundID, slotID int64) error {
	if slotID == 0 {
		return Invalid("slot_id", "Choose one of the times first.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		r, app, err := s.lockCandidateRound(tx, actor, appID, roundID)
		if err != nil {
			return err
		}
		if app.Status.Closed() {
			return ErrRoundClosed
		}
		var slot InterviewSlot
		if err := tx.First(&slot, slotID).Error; err != nil {
			return notFound(err)
		}
		if r.Status == RoundScheduled && slot.BookedRoundID != nil && *slot.BookedRoundID == r.ID {
			return nil // the same choice again
		}
		offered := slices.ContainsFunc(r.Slots, func(o InterviewSlot) bool { return o.ID == slotID })
		now := s.Now()
		if err := r.CanPick(&slot, offered, now); err != nil {
			return err
		}
		res := tx.Exec("UPDATE interview_slots SET booked_round_id = ? WHERE id = ? AND booked_round_id IS NULL", r.ID, slot.ID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrSlotTaken
		}
		r.Status, r.StartsAt, r.EndsAt = RoundScheduled, &slot.StartsAt, &slot.EndsAt
		if err := tx.Model(&InterviewRound{}).Where("id = ?", r.ID).Updates(map[string]any{"status": r.Status, "starts_at": slot.StartsAt,
			"ends_at": slot.EndsAt, "change_request": "", "change_requested_at": nil, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := s.sendRoundInvitations(tx, r, app, MsgInterviewScheduled, "New interview", true); err != nil {
			return err
		}
		if err := s.promiseAgain(tx, app.ID, slot.EndsAt); err != nil { // news after the interview
			return err
		}
		return s.audit(tx, actor, "interview.booked", "application", app.ID, map[string]any{"round": r.ID, "slot": slot.ID, "starts_at": slot.StartsAt})
	})
}

// lockCandidateRound loads a round of the candidate's own application,
// locking the application first (see lockRound).
func (s *Store) lockCandidateRound(tx *gorm.DB, actor Actor, appID, roundID int64) (*InterviewRound, *Application, error) {
	app, err := candidateApplication(tx, actor.ID, appID)
	if err != nil {
		return nil, nil, err
	}
	var r InterviewRound
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND application_id = ?", roundID, appID).First(&r).Error; err != nil {
		return nil, nil, notFound(err)
	}
	var pos Position
	if err := tx.First(&pos, app.PositionID).Error; err != nil {
		return nil, nil, err
	}
	var c Candidate
	if err := tx.First(&c, app.CandidateID).Error; err != nil {
		return nil, nil, err
	}
	app.Position, app.Candidate = &pos, &c
	if err := loadRoundDetails(tx, []*InterviewRound{&r}); err != nil {
		return nil, nil, err
	}
	return &r, app, nil
}

// RequestOtherTimes records the candidate's message that none of the times
// suit them (or that the booked one no longer does) and alerts the staff
// member who scheduled the round.
func (s *Store) RequestOtherTimes(ctx context.Context, actor Actor, appID, roundID int64, message string) error {
	message = strings.TrimSpace(message)
	if len([]rune(message)) < 3 {
		return Invalid("message", "Tell us which days and times would suit you.")
	}
	if err := tooLong(message, limits.ChangeRequest); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		r, app, err := s.lockCandidateRound(tx, actor, appID, roundID)
		if err != nil {
			return err
		}
		if r.Status == RoundCancelled {
			return ErrRoundCancelled
		}
		if err := tx.Model(&InterviewRound{}).Where("id = ?", r.ID).Updates(map[string]any{"change_request": message,
			"change_requested_at": s.Now(), "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		if owner, err := roundOwner(tx, r, app); err != nil {
			return err
		} else if owner != nil {
			if err := s.send(tx, interviewTimesRequestedMail(s.urls(), owner, app, r, message)); err != nil {
				return err
			}
		}
		return s.audit(tx, actor, "interview.times_requested", "application", app.ID, map[string]any{"round": r.ID})
	})
}

// roundOwner is who hears about a round's change requests: its creator while
// active, else the position's hiring manager.
func roundOwner(tx *gorm.DB, r *InterviewRound, app *Application) (*StaffUser, error) {
	for _, id := range []*int64{r.CreatedBy, app.Position.HiringManagerID} {
		if id == nil {
			continue
		}
		var u StaffUser
		if err := tx.Where("id = ? AND active", *id).First(&u).Error; err == nil {
			return &u, nil
		} else if err != gorm.ErrRecordNotFound {
			return nil, err
		}
	}
	return nil, nil
}

// OfferMoreTimes adds times to a round still waiting for the candidate's
// choice (after they asked for others) and invites them again.
func (s *Store) OfferMoreTimes(ctx context.Context, actor Actor, roundID int64, slots []string) error {
	now := s.Now()
	loc, err := s.actorZone(s.db.WithContext(ctx), actor) // staff enter times in their own zone
	if err != nil {
		return err
	}
	var starts []time.Time
	for _, raw := range slots {
		if raw = strings.TrimSpace(raw); raw == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", raw, loc)
		if err != nil {
			return Invalid("slots", "Enter each time as a date and time (use the pickers, or type 2027-03-28T10:00).")
		}
		if !t.After(now) {
			return Invalid("slots", "Every time offered must be in the future.")
		}
		starts = append(starts, t)
	}
	if len(starts) == 0 {
		return Invalid("slots", "Offer at least one new time.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		r, app, err := lockRound(tx, actor, roundID)
		if err != nil {
			return err
		}
		if r.Status != RoundProposed {
			return Invalid("slots", "The candidate has already chosen a time; use Reschedule to move it.")
		}
		if len(r.OpenSlots(now))+len(starts) > MaxSlotsPerRound {
			return Invalid("slots", "Offer at most 8 open times at once.")
		}
		if err := s.offerSlots(tx, r, app.PositionID, starts, nil, now); err != nil {
			return err
		}
		if err := tx.Model(&InterviewRound{}).Where("id = ?", r.ID).Updates(map[string]any{"change_request": "", "change_requested_at": nil,
			"updated_at": now}).Error; err != nil {
			return err
		}
		if err := s.send(tx, repliesTo(interviewInvitationMail(s.urls(), app, r, s.CandidateZone(app.Candidate)), s.roundOrganizer(tx, r))); err != nil {
			return err
		}
		return s.audit(tx, actor, "interview.times_added", "application", app.ID, map[string]any{"round": r.ID, "times": len(starts)})
	})
}

// RescheduleRound moves a scheduled round to a new time agreed with the
// candidate: the old slot is freed, the sequence grows, and everyone gets
// the updated invitation with the same UID.
func (s *Store) RescheduleRound(ctx context.Context, actor Actor, roundID int64, start string) error {
	now := s.Now()
	loc, err := s.actorZone(s.db.WithContext(ctx), actor) // staff enter times in their own zone
	if err != nil {
		return err
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(start), loc)
	if err != nil {
		return Invalid("starts_at", "Enter the new date and time (use the picker, or type 2027-03-28T10:00).")
	}
	if !t.After(now) {
		return Invalid("starts_at", "The new time must be in the future.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		r, app, err := lockRound(tx, actor, roundID)
		if err != nil {
			return err
		}
		if r.Status != RoundScheduled {
			return Invalid("starts_at", "Only a scheduled interview can be moved; this one is "+strings.ToLower(r.Status.Label())+".")
		}
		if r.StartsAt != nil && r.StartsAt.Equal(t) {
			return Invalid("starts_at", "The interview is already at that time.")
		}
		if err := tx.Exec("UPDATE interview_slots SET booked_round_id = NULL WHERE booked_round_id = ?", r.ID).Error; err != nil {
			return err
		}
		end := t.Add(time.Duration(r.DurationMinutes) * time.Minute)
		slot := InterviewSlot{PositionID: app.PositionID, StartsAt: t.UTC(), EndsAt: end.UTC(), BookedRoundID: &r.ID}
		if err := tx.Create(&slot).Error; err != nil {
			return err
		}
		if err := tx.Exec("INSERT INTO interview_round_slots (round_id, slot_id) VALUES (?, ?)", r.ID, slot.ID).Error; err != nil {
			return err
		}
		r.StartsAt, r.EndsAt, r.ICalSequence = &slot.StartsAt, &slot.EndsAt, r.ICalSequence+1
		if err := tx.Model(&InterviewRound{}).Where("id = ?", r.ID).Updates(map[string]any{"starts_at": slot.StartsAt, "ends_at": slot.EndsAt,
			"ical_sequence": r.ICalSequence, "change_request": "", "change_requested_at": nil, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := s.sendRoundInvitations(tx, r, app, MsgInterviewRescheduled, "Moved", true); err != nil {
			return err
		}
		return s.audit(tx, actor, "interview.rescheduled", "application", app.ID, map[string]any{"round": r.ID, "starts_at": slot.StartsAt})
	})
}

// CancelRound calls a round off: its slot is freed for others, and the
// candidate and panel are told (with a CANCEL for their calendars when a
// time had been booked).
func (s *Store) CancelRound(ctx context.Context, actor Actor, roundID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := tooLong(reason, limits.RoundCancelReason); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		r, app, err := lockRound(tx, actor, roundID)
		if err != nil {
			return err
		}
		if r.Status == RoundCancelled {
			return Invalid("reason", "This interview is already cancelled.")
		}
		if r.Held(s.Now()) {
			return Invalid("reason", "This interview has already taken place, so it cannot be cancelled; its scorecards stay on record.")
		}
		if err := s.cancelRound(tx, r, app, reason, true); err != nil {
			return err
		}
		return s.auditPersonal(tx, actor, app.CandidateID, "interview.cancelled", "application", app.ID, map[string]any{"round": r.ID},
			map[string]any{"reason": reason})
	})
}

// cancelRound calls off r in tx: its slot is freed for others and the
// sequence raised. A booked round sends the panel, and the candidate when
// tellCandidate, a CANCEL for their calendars; a round still waiting for a
// choice tells the candidate when tellCandidate.
func (s *Store) cancelRound(tx *gorm.DB, r *InterviewRound, app *Application, reason string, tellCandidate bool) error {
	wasScheduled := r.Status == RoundScheduled
	if err := tx.Exec("UPDATE interview_slots SET booked_round_id = NULL WHERE booked_round_id = ?", r.ID).Error; err != nil {
		return err
	}
	r.Status, r.CancelReason, r.ICalSequence = RoundCancelled, reason, r.ICalSequence+1
	if err := tx.Model(&InterviewRound{}).Where("id = ?", r.ID).Updates(map[string]any{"status": r.Status, "cancel_reason": reason,
		"ical_sequence": r.ICalSequence, "starts_at": nil, "ends_at": nil, "updated_at": s.Now()}).Error; err != nil {
		return err
	}
	switch {
	case wasScheduled:
		return s.sendRoundInvitations(tx, r, app, MsgInterviewCancelled, "", tellCandidate)
	case tellCandidate:
		return s.send(tx, repliesTo(interviewCancelledMail(s.urls(), app, r, s.CandidateZone(app.Candidate), reason, ""), s.roundOrganizer(tx, r)))
	}
	return nil
}

// cancelOpenRounds calls off an application's live rounds when it closes
// (rejected or withdrawn): the shared times go back to other candidates and
// the panel's calendars are cleared.
func (s *Store) cancelOpenRounds(tx *gorm.DB, app *Application, reason string) error {
	_, err := s.cancelLiveRounds(tx, app, reason, true)
	return err
}

// cancelLiveRounds is cancelOpenRounds; when !tellCandidate the candidate
// is sent nothing (another message of the use case tells them), and the
// CANCELs for their calendar of the rounds they had booked are returned for
// that message to carry.
func (s *Store) cancelLiveRounds(tx *gorm.DB, app *Application, reason string, tellCandidate bool) ([]string, error) {
	var rounds []InterviewRound
	// Rounds that took place stay as they were: their scorecards are the record.
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("application_id = ? AND (status = ? OR (status = ? AND ends_at > ?))",
		app.ID, RoundProposed, RoundScheduled, s.Now()).Order("id").Find(&rounds).Error; err != nil {
		return nil, err
	}
	if len(rounds) == 0 {
		return nil, nil
	}
	if app.Candidate == nil || app.Position == nil {
		var c Candidate
		var p Position
		if err := tx.First(&c, app.CandidateID).Error; err != nil {
			return nil, err
		}
		if err := tx.First(&p, app.PositionID).Error; err != nil {
			return nil, err
		}
		app.Candidate, app.Position = &c, &p
	}
	var cals []string
	for i := range rounds {
		if err := loadRoundDetails(tx, []*InterviewRound{&rounds[i]}); err != nil {
			return nil, err
		}
		// The candidate hears the outcome in its own message; a booked time
		// still gets its CANCEL so it leaves their calendar.
		booked := rounds[i].Status == RoundScheduled
		if err := s.cancelRound(tx, &rounds[i], app, reason, booked && tellCandidate); err != nil {
			return nil, err
		}
		if booked && !tellCandidate {
			cals = append(cals, InterviewCalendar(&rounds[i], app.Candidate, s.roundOrganizer(tx, &rounds[i]), app.Position.Title, true, s.Now()))
		}
	}
	return cals, nil
}
