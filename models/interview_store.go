package models

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CreateRound schedules an interview round for an application: its panel and
// the times offered (new ones, and free ones of the same position already
// offered to other candidates). The candidate is invited to pick a time.
func (s *Store) CreateRound(ctx context.Context, actor Actor, appID int64, in RoundInput) (*InterviewRound, error) {
	now := s.Now()
	p, err := in.parse(s.loc, now)
	if err != nil {
		return nil, err
	}
	var round InterviewRound
	err = s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockApplication(tx, actor, appID)
		if err != nil {
			return err
		}
		if app.Status.Closed() {
			return Invalid("kind", "This application is closed; reactivate it before scheduling an interview.")
		}
		panel, err := activePanel(tx, p.panel)
		if err != nil {
			return err
		}
		round = InterviewRound{ApplicationID: app.ID, Kind: p.kind, Title: p.title, DurationMinutes: int(p.duration / time.Minute),
			Location: p.location, VideoURL: p.videoURL, Instructions: p.instr, Status: RoundProposed,
			ICalUID: "interview-" + NewSecret()[:22] + "@nextstep", CreatedBy: staffID(actor)}
		if err := tx.Omit("StartsAt", "EndsAt", "ChangeRequestedAt").Create(&round).Error; err != nil {
			return err
		}
		for _, u := range panel {
			if err := tx.Exec("INSERT INTO interview_panelists (round_id, staff_id) VALUES (?, ?)", round.ID, u.ID).Error; err != nil {
				return err
			}
		}
		if err := s.offerSlots(tx, &round, app.PositionID, p.starts, p.shared, now); err != nil {
			return err
		}
		if err := loadRoundDetails(tx, []*InterviewRound{&round}); err != nil {
			return err
		}
		if err := s.send(tx, repliesTo(interviewInvitationMail(s.urls(), app, &round, s.loc), s.roundOrganizer(tx, &round))); err != nil {
			return err
		}
		return audit(tx, actor, "interview.created", "application", app.ID, map[string]any{"round": round.ID, "kind": round.Kind,
			"panel": p.panel, "times": len(p.starts) + len(p.shared)})
	})
	if err != nil {
		return nil, err
	}
	return &round, nil
}

// activePanel loads the panel, refusing people who cannot sign in.
func activePanel(tx *gorm.DB, ids []int64) ([]StaffUser, error) {
	var panel []StaffUser
	if err := tx.Where("id IN ? AND active", ids).Order("name").Find(&panel).Error; err != nil {
		return nil, err
	}
	if len(panel) != len(ids) {
		return nil, Invalid("panel", "Every panel member must be an active staff member.")
	}
	return panel, nil
}

// offerSlots creates the new times for round and links them and the shared
// ones (free, future, of the same position) to it.
func (s *Store) offerSlots(tx *gorm.DB, round *InterviewRound, positionID int64, starts []time.Time, shared []int64, now time.Time) error {
	duration := time.Duration(round.DurationMinutes) * time.Minute
	for _, start := range starts {
		slot := InterviewSlot{PositionID: positionID, StartsAt: start.UTC(), EndsAt: start.Add(duration).UTC()}
		if err := tx.Omit("BookedRoundID").Create(&slot).Error; err != nil {
			return err
		}
		shared = append(shared, slot.ID)
	}
	if len(shared) > 0 {
		var n int64
		if err := tx.Model(&InterviewSlot{}).Where("id IN ? AND position_id = ? AND booked_round_id IS NULL AND starts_at > ?", shared, positionID, now).
			Count(&n).Error; err != nil {
			return err
		}
		if int(n) != len(shared) {
			return Invalid("slots", "One of the shared times has just been taken or has passed; choose again.")
		}
	}
	for _, id := range shared {
		if err := tx.Exec("INSERT INTO interview_round_slots (round_id, slot_id) VALUES (?, ?) ON CONFLICT DO NOTHING", round.ID, id).Error; err != nil {
			return err
		}
	}
	return nil
}

// lockRound loads a round FOR UPDATE with its application (position,
// pipeline, candidate) and panel, for staff who may manage the application.
// The application is locked first, as every other change to it does, so
// two transactions never wait on each other in opposite orders.
func lockRound(tx *gorm.DB, actor Actor, roundID int64) (*InterviewRound, *Application, error) {
	var appID int64
	if err := tx.Model(&InterviewRound{}).Select("application_id").Where("id = ?", roundID).Scan(&appID).Error; err != nil {
		return nil, nil, err
	}
	if appID == 0 {
		return nil, nil, ErrNotFound
	}
	app, err := lockApplication(tx, actor, appID)
	if err != nil {
		return nil, nil, err
	}
	var r InterviewRound
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&r, roundID).Error; err != nil {
		return nil, nil, notFound(err)
	}
	if err := loadRoundDetails(tx, []*InterviewRound{&r}); err != nil {
		return nil, nil, err
	}
	return &r, app, nil
}

// loadRoundDetails fills each round's panel and offered slots.
func loadRoundDetails(tx *gorm.DB, rounds []*InterviewRound) error {
	if len(rounds) == 0 {
		return nil
	}
	ids := make([]int64, len(rounds))
	byID := map[int64]*InterviewRound{}
	for i, r := range rounds {
		ids[i], byID[r.ID] = r.ID, r
		r.Panel, r.Slots = nil, nil
	}
	var panel []struct {
		RoundID int64
		StaffUser
	}
	if err := tx.Raw(`SELECT p.round_id, u.id, u.name, u.email, u.job_title, u.role, u.active
		FROM interview_panelists p JOIN staff_users u ON u.id = p.staff_id WHERE p.round_id IN ? ORDER BY u.name, u.id`, ids).Scan(&panel).Error; err != nil {
		return err
	}
	for _, p := range panel {
		byID[p.RoundID].Panel = append(byID[p.RoundID].Panel, p.StaffUser)
	}
	var slots []struct {
		RoundID int64
		InterviewSlot
	}
	if err := tx.Raw(`SELECT rs.round_id, s.* FROM interview_round_slots rs JOIN interview_slots s ON s.id = rs.slot_id
		WHERE rs.round_id IN ? ORDER BY s.starts_at, s.id`, ids).Scan(&slots).Error; err != nil {
		return err
	}
	for _, sl := range slots {
		byID[sl.RoundID].Slots = append(byID[sl.RoundID].Slots, sl.InterviewSlot)
	}
	return nil
}

// PickSlot books the slot the candidate chose for their round. Two
// candidates never get one slot: the slot is claimed with a conditional
// UPDATE. Picking the slot already held is a no-op, so a double click
// books once.
func (s *Store) PickSlot(ctx context.Context, actor Actor, appID, roundID, slotID int64) error {
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
		return audit(tx, actor, "interview.booked", "application", app.ID, map[string]any{"round": r.ID, "slot": slot.ID, "starts_at": slot.StartsAt})
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

// sendRoundInvitations sends the candidate and every panelist the round's
// calendar invitation (REQUEST, or CANCEL for a cancelled round).
func (s *Store) sendRoundInvitations(tx *gorm.DB, r *InterviewRound, app *Application, candidateKind MessageKind, panelChange string, tellCandidate bool) error {
	organizer := s.roundOrganizer(tx, r)
	cal := InterviewCalendar(r, app.Candidate, organizer, app.Position.Title, true, s.Now())
	switch {
	case !tellCandidate:
	case r.Status == RoundCancelled:
		if err := s.send(tx, repliesTo(interviewCancelledMail(s.urls(), app, r, s.loc, r.CancelReason, cal), organizer)); err != nil {
			return err
		}
	default:
		if err := s.send(tx, repliesTo(interviewScheduledMail(s.urls(), app, r, s.loc, candidateKind, cal), organizer)); err != nil {
			return err
		}
	}
	panelCal := InterviewCalendar(r, app.Candidate, organizer, app.Position.Title, false, s.Now())
	for i := range r.Panel {
		d := panelInterviewMail(s.urls(), &r.Panel[i], app, r, s.loc, panelChange, panelCal)
		if r.Status == RoundCancelled {
			d = panelInterviewCancelledMail(s.urls(), &r.Panel[i], app, r, s.loc, panelCal)
		}
		if err := s.send(tx, d); err != nil {
			return err
		}
	}
	return nil
}

// repliesTo sends replies to d to the staff member responsible (if known).
func repliesTo(d draft, u *StaffUser) draft {
	if u != nil {
		d.replyTo = u.Email
	}
	return d
}

// roundOrganizer is the ORGANIZER of a round's invitations, which RFC 5546
// requires for REQUEST and CANCEL: the staff member who arranged it, or else
// the recruiting contact address under the company's name (nil only when
// neither exists).
func (s *Store) roundOrganizer(tx *gorm.DB, r *InterviewRound) *StaffUser {
	if r.CreatedBy != nil {
		var u StaffUser
		if err := tx.First(&u, *r.CreatedBy).Error; err == nil {
			return &u
		}
	}
	if s.contactEmail != "" {
		return &StaffUser{Email: s.contactEmail, Name: s.company}
	}
	return nil
}

// CandidateInterviewCalendar is the invitation the candidate downloads for a
// round of theirs, the same file their email carried (organiser included).
func (s *Store) CandidateInterviewCalendar(ctx context.Context, r *InterviewRound, candidate *Candidate, positionTitle string) string {
	return InterviewCalendar(r, candidate, s.roundOrganizer(s.db.WithContext(ctx), r), positionTitle, true, s.Now())
}

// RequestOtherTimes records the candidate's message that none of the times
// suit them (or that the booked one no longer does) and alerts the staff
// member who scheduled the round.
func (s *Store) RequestOtherTimes(ctx context.Context, actor Actor, appID, roundID int64, message string) error {
	message = strings.TrimSpace(message)
	if len([]rune(message)) < 3 {
		return Invalid("message", "Tell us which days and times would suit you.")
	}
	if len([]rune(message)) > 2000 {
		return Invalid("message", "The message is too long (2000 characters at most).")
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
		return audit(tx, actor, "interview.times_requested", "application", app.ID, map[string]any{"round": r.ID})
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
	var starts []time.Time
	for _, raw := range slots {
		if raw = strings.TrimSpace(raw); raw == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", raw, s.loc)
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
		if err := s.send(tx, repliesTo(interviewInvitationMail(s.urls(), app, r, s.loc), s.roundOrganizer(tx, r))); err != nil {
			return err
		}
		return audit(tx, actor, "interview.times_added", "application", app.ID, map[string]any{"round": r.ID, "times": len(starts)})
	})
}

// RescheduleRound moves a scheduled round to a new time agreed with the
// candidate: the old slot is freed, the sequence grows, and everyone gets
// the updated invitation with the same UID.
func (s *Store) RescheduleRound(ctx context.Context, actor Actor, roundID int64, start string) error {
	now := s.Now()
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(start), s.loc)
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
		return audit(tx, actor, "interview.rescheduled", "application", app.ID, map[string]any{"round": r.ID, "starts_at": slot.StartsAt})
	})
}

// CancelRound calls a round off: its slot is freed for others, and the
// candidate and panel are told (with a CANCEL for their calendars when a
// time had been booked).
func (s *Store) CancelRound(ctx context.Context, actor Actor, roundID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > 2000 {
		return Invalid("reason", "The reason is too long (2000 characters at most).")
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
		return audit(tx, actor, "interview.cancelled", "application", app.ID, map[string]any{"round": r.ID, "reason": reason})
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
		return s.send(tx, repliesTo(interviewCancelledMail(s.urls(), app, r, s.loc, reason, ""), s.roundOrganizer(tx, r)))
	}
	return nil
}

// cancelOpenRounds calls off an application's live rounds when it closes
// (rejected or withdrawn): the shared times go back to other candidates and
// the panel's calendars are cleared.
func (s *Store) cancelOpenRounds(tx *gorm.DB, app *Application, reason string) error {
	var rounds []InterviewRound
	// Rounds that took place stay as they were: their scorecards are the record.
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("application_id = ? AND (status = ? OR (status = ? AND ends_at > ?))",
		app.ID, RoundProposed, RoundScheduled, s.Now()).Order("id").Find(&rounds).Error; err != nil {
		return err
	}
	if len(rounds) == 0 {
		return nil
	}
	if app.Candidate == nil || app.Position == nil {
		var c Candidate
		var p Position
		if err := tx.First(&c, app.CandidateID).Error; err != nil {
			return err
		}
		if err := tx.First(&p, app.PositionID).Error; err != nil {
			return err
		}
		app.Candidate, app.Position = &c, &p
	}
	for i := range rounds {
		if err := loadRoundDetails(tx, []*InterviewRound{&rounds[i]}); err != nil {
			return err
		}
		// The candidate hears the outcome in its own message; a booked time
		// still gets its CANCEL so it leaves their calendar.
		if err := s.cancelRound(tx, &rounds[i], app, reason, rounds[i].Status == RoundScheduled); err != nil {
			return err
		}
	}
	return nil
}

// StaffDirectory lists active staff by name, for choosing a panel or the
// colleagues to consult: names, roles and titles only.
func (s *Store) StaffDirectory(ctx context.Context) ([]StaffUser, error) {
	var out []StaffUser
	err := s.db.WithContext(ctx).Select("id", "name", "email", "role", "job_title", "active").Where("active").
		Order("lower(name), id").Limit(500).Find(&out).Error
	return out, err
}

// GetApplicationForStaff loads one application with its candidate and
// position (pipeline and criteria), if actor may manage it.
func (s *Store) GetApplicationForStaff(ctx context.Context, actor Actor, appID int64) (*Application, error) {
	db := s.db.WithContext(ctx)
	var app Application
	if err := db.First(&app, appID).Error; err != nil {
		return nil, notFound(err)
	}
	var pos Position
	if err := db.First(&pos, app.PositionID).Error; err != nil {
		return nil, err
	}
	if !actor.Role.SeesCandidates() || !canManagePosition(actor, &pos) {
		return nil, ErrNotFound
	}
	var c Candidate
	if err := db.First(&c, app.CandidateID).Error; err != nil {
		return nil, err
	}
	if err := loadPipelines(db, []*Position{&pos}); err != nil {
		return nil, err
	}
	if err := loadCriteria(db, &pos); err != nil {
		return nil, err
	}
	app.Position, app.Candidate = &pos, &c
	return &app, nil
}

// FreeSlots lists a position's future slots nobody has taken yet: times
// already offered to one candidate that can be offered to others too. Only
// staff who manage the position read them; anyone else gets ErrNotFound.
func (s *Store) FreeSlots(ctx context.Context, actor Actor, positionID int64) ([]InterviewSlot, error) {
	if !actor.IsStaff() || !actor.Role.SeesCandidates() {
		return nil, ErrNotFound
	}
	if !actor.Role.SeesAllCandidates() { // a hiring manager: their own positions only
		var pos Position
		if err := s.db.WithContext(ctx).First(&pos, positionID).Error; err != nil {
			return nil, notFound(err)
		}
		if !canManagePosition(actor, &pos) {
			return nil, ErrNotFound
		}
	}
	var out []InterviewSlot
	err := s.db.WithContext(ctx).Where("position_id = ? AND booked_round_id IS NULL AND starts_at > ?", positionID, s.Now()).
		Order("starts_at, id").Limit(50).Find(&out).Error
	return out, err
}
