package models

import (
	"context"
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
	loc, err := s.actorZone(s.db.WithContext(ctx), actor) // staff enter times in their own zone
	if err != nil {
		return nil, err
	}
	p, err := in.parse(loc, now)
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
		if err := s.moveToRoundStage(tx, actor, app, p.kind, in.ConfirmSkip); err != nil {
			return err
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
		if err := s.send(tx, repliesTo(interviewInvitationMail(s.urls(), app, &round, s.CandidateZone(app.Candidate)), s.roundOrganizer(tx, &round))); err != nil {
			return err
		}
		return s.audit(tx, actor, "interview.created", "application", app.ID, map[string]any{"round": round.ID, "kind": round.Kind,
			"panel": p.panel, "times": len(p.starts) + len(p.shared)})
	})
	if err != nil {
		return nil, err
	}
	return &round, nil
}

// moveToRoundStage moves an application still before the round's stage on
// to it, through the one staff move (CanMove): the stage follows the work.
// The round's invitation is the candidate's message about it: no stage
// email besides.
// A round of an earlier stage, or of none, leaves the application where it
// is, and so does one for an application on hold (reactivating it is a
// decision of its own); a move that passes over stages asks for their
// confirmation first, as the move form does.
func (s *Store) moveToRoundStage(tx *gorm.DB, actor Actor, app *Application, kind InterviewKind, confirmSkip bool) error {
	to := kind.Stage()
	if to == "" || app.Status != StatusActive {
		return nil
	}
	if err := loadApplicationParts(tx, app); err != nil {
		return err
	}
	p := app.Position.Pipeline
	if ti := p.Index(to); ti < 0 || ti <= p.Index(app.Stage) {
		return nil
	}
	return s.transition(tx, actor, app, transitionRequest{Cause: CauseStaffMove, To: to, ConfirmSkip: confirmSkip,
		Note: "Moved on with the " + strings.ToLower(kind.Label()) + " scheduled.", toldByInvitation: true})
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
	if err := tx.Raw(`SELECT p.round_id, u.id, u.name, u.email, u.job_title, u.role, u.active, u.time_zone
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

// sendRoundInvitations sends the candidate and every panelist the round's
// calendar invitation (REQUEST, or CANCEL for a cancelled round).
func (s *Store) sendRoundInvitations(tx *gorm.DB, r *InterviewRound, app *Application, candidateKind MessageKind, panelChange string, tellCandidate bool) error {
	organizer := s.roundOrganizer(tx, r)
	cal := InterviewCalendar(r, app.Candidate, organizer, app.Position.Title, true, s.Now())
	switch {
	case !tellCandidate:
	case r.Status == RoundCancelled:
		if err := s.send(tx, repliesTo(interviewCancelledMail(s.urls(), app, r, s.CandidateZone(app.Candidate), r.CancelReason, cal), organizer)); err != nil {
			return err
		}
	default:
		if err := s.send(tx, repliesTo(interviewScheduledMail(s.urls(), app, r, s.CandidateZone(app.Candidate), candidateKind, cal), organizer)); err != nil {
			return err
		}
	}
	panelCal := InterviewCalendar(r, app.Candidate, organizer, app.Position.Title, false, s.Now())
	for i := range r.Panel {
		d := panelInterviewMail(s.urls(), &r.Panel[i], app, r, s.StaffZone(&r.Panel[i]), panelChange, panelCal)
		if r.Status == RoundCancelled {
			d = panelInterviewCancelledMail(s.urls(), &r.Panel[i], app, r, s.StaffZone(&r.Panel[i]), panelCal)
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

// StaffDirectory lists active staff by name, for choosing a panel or the
// colleagues to consult: names, roles and titles only.
func (s *Store) StaffDirectory(ctx context.Context) ([]StaffUser, error) {
	var out []StaffUser
	err := s.db.WithContext(ctx).Raw(staffDirectorySQL).Scan(&out).Error
	return out, err
}

// staffDirectorySQL is the active staff, by name: whom to put on a panel or
// consult. The staff candidate page reads it in its one statement.
const staffDirectorySQL = `SELECT id, name, email, role, job_title, active FROM staff_users WHERE active ORDER BY lower(name), id LIMIT 500`

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
	if !actor.Role.SeesCandidates() || !actor.ManagesPosition(&pos) {
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
		if !actor.ManagesPosition(&pos) {
			return nil, ErrNotFound
		}
	}
	var out []InterviewSlot
	err := s.db.WithContext(ctx).Where("position_id = ? AND booked_round_id IS NULL AND starts_at > ?", positionID, s.Now()).
		Order("starts_at, id").Limit(50).Find(&out).Error
	return out, err
}
