package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// A person already in Nextstep who interviews for another position gets a
// second application, not a second candidate: the "new candidate" form finds
// them by email and offers to add one, and the staff candidate page offers
// the same.

// positionForApplication loads, in tx, the position a new application is
// for, with its pipeline, and checks that actor may add applications to it
// and that it still hires. The row is share-locked, so a position being
// closed or its pipeline rewritten at the same moment waits for us, or we
// for it.
func positionForApplication(tx *gorm.DB, actor Actor, positionID int64) (*Position, error) {
	var pos Position
	if err := tx.Clauses(clause.Locking{Strength: "SHARE"}).First(&pos, positionID).Error; err != nil {
		return nil, Invalid("position_id", "Choose the position they applied for.")
	}
	if !actor.ManagesPosition(&pos) {
		return nil, Invalid("position_id", "You can only add candidates to your own positions.")
	}
	if !pos.TakesApplications() {
		return nil, Invalid("position_id", fmt.Sprintf("%s is no longer open.", pos.Title))
	}
	if err := loadPipelines(tx, []*Position{&pos}); err != nil {
		return nil, err
	}
	return &pos, nil
}

// openApplication starts c's application for pos at stage, with the update
// date promised by the position, records the event, and invites c to follow
// it on their page (a sign-in link in the invitation), all in tx. tell, when
// given, writes that message instead of the invitation (a moved
// application's, which says both things at once).
func (s *Store) openApplication(tx *gorm.DB, actor Actor, c *Candidate, pos *Position, stage StageKey, tell func(link string) draft) (*Application, error) {
	if c.ErasedAt != nil {
		return nil, errErasedNoApplication
	}
	raw, err := issueLoginToken(tx, LoginSubject{CandidateID: c.ID}, s.Now().Add(InvitationLinkTTL))
	if err != nil {
		return nil, err
	}
	mail := candidateInvitationMail(c, pos, SignInURL(s.baseURL, raw))
	if tell != nil {
		mail = tell(SignInURL(s.baseURL, raw))
	}
	app := &Application{CandidateID: c.ID, PositionID: pos.ID, Candidate: c, Position: pos}
	note := "Application added"
	if stage != pos.Pipeline[0] {
		note = "Application added at " + StageName(stage)
	}
	err = s.transition(tx, actor, app, transitionRequest{Cause: CauseOpened, To: stage, Note: note, Message: &mail})
	if isUniqueViolation(err, "applications_candidate_id_position_id_key") {
		return nil, Invalid("position_id", fmt.Sprintf("%s already has an application for %s.", c.Name, pos.Title))
	}
	if err != nil {
		return nil, err
	}
	return app, nil
}

// AddApplication adds an application for an existing candidate to another
// open position, at the first stage of its pipeline, and invites them as a
// new candidate is invited. Hiring managers add only to their own positions;
// a position the candidate already has an application for (open or closed)
// is refused.
func (s *Store) AddApplication(ctx context.Context, actor Actor, candidateID, positionID int64) (*Application, error) {
	if !actor.Role.SeesCandidates() {
		return nil, ErrForbidden
	}
	if positionID <= 0 {
		return nil, Invalid("position_id", "Choose the position to add an application for.")
	}
	var app *Application
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var c Candidate
		if err := tx.First(&c, candidateID).Error; err != nil {
			return notFound(err)
		}
		var err error
		app, err = s.addApplication(tx, actor, &c, positionID, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return app, nil
}

// applicationMove is where a moved application comes from: the closing
// position, and the CANCEL for the candidate's calendar of the interview it
// had booked there ("" when none), carried by the one message.
type applicationMove struct {
	from      *Position
	cancelICS string
}

// addApplication is AddApplication in tx, for candidate c: the one way an
// existing candidate gets another application (added by staff, or moved
// from a closing position, when moved says where from and the candidate's
// one message says so).
func (s *Store) addApplication(tx *gorm.DB, actor Actor, c *Candidate, positionID int64, moved *applicationMove) (*Application, error) {
	pos, err := positionForApplication(tx, actor, positionID)
	if err != nil {
		return nil, err
	}
	var n int64
	if err := tx.Model(&Application{}).Where("candidate_id = ? AND position_id = ?", c.ID, pos.ID).Count(&n).Error; err != nil {
		return nil, err
	}
	if n > 0 { // the unique constraint says the same if two requests race
		return nil, Invalid("position_id", fmt.Sprintf("%s already has an application for %s.", c.Name, pos.Title))
	}
	var tell func(string) draft
	if moved != nil {
		tell = func(link string) draft {
			d := applicationMovedMail(c, moved.from, pos, pos.Pipeline[0], link)
			d.calendarICS = moved.cancelICS
			return d
		}
	}
	app, err := s.openApplication(tx, actor, c, pos, pos.Pipeline[0], tell)
	if err != nil {
		return nil, err
	}
	app.Candidate, app.Position = c, pos
	details := map[string]any{"candidate_id": c.ID, "position_id": pos.ID, "stage": app.Stage}
	if moved != nil {
		details["moved_from_position_id"] = moved.from.ID
	}
	return app, s.audit(tx, actor, "application.added", "application", app.ID, details)
}

// AddablePositions are the open positions actor may add an application for
// candidateID to: all of them for admins and recruiters, their own for a
// hiring manager, in each case without those the candidate already has an
// application for. One statement.
func (s *Store) AddablePositions(ctx context.Context, actor Actor, candidateID int64) ([]PositionChoice, error) {
	if !actor.Role.SeesCandidates() {
		return nil, nil
	}
	query, args := addablePositionsSQL(actor, candidateID)
	var out []PositionChoice
	err := s.db.WithContext(ctx).Raw(query, args...).Scan(&out).Error
	return out, err
}

// addablePositionsSQL is the open positions in actor's scope that
// candidateID has not applied to, in title order: the choices for adding an
// application. The staff candidate page reads them in its one statement.
func addablePositionsSQL(actor Actor, candidateID int64) (string, []any) {
	cond, args := positionScope(actor, "p")
	return `SELECT p.id, p.title, p.status FROM positions p
		WHERE p.status = ? AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.position_id = p.id AND a.candidate_id = ?)
		  AND NOT EXISTS (SELECT 1 FROM candidates c WHERE c.id = ? AND c.erased_at IS NOT NULL) AND ` + cond + `
		ORDER BY lower(p.title), p.id LIMIT 500`, append([]any{PositionOpen, candidateID, candidateID}, args...)
}

// ExistingCandidate is a candidate the "new candidate" form found by email,
// as far as actor may see them.
type ExistingCandidate struct {
	Candidate    Candidate
	Applications []ExistingApplication // those in actor's scope, newest first
	OutOfScope   int                   // applications for positions a hiring manager does not manage
	Addable      []PositionChoice      // see AddablePositions
}

// ExistingApplication is one application of an ExistingCandidate.
type ExistingApplication struct {
	PositionTitle string
	Stage         StageKey
	Status        Status
}

// FindCandidateByEmail finds the candidate with this email for the "new
// candidate" form, or returns ErrNotFound (also for an address that is not
// one). Staff who may add candidates learn that the person exists; a hiring
// manager sees only the applications for their own positions.
func (s *Store) FindCandidateByEmail(ctx context.Context, actor Actor, email string) (*ExistingCandidate, error) {
	if !actor.Role.SeesCandidates() {
		return nil, ErrNotFound
	}
	e, err := NormalizeEmail(email)
	if err != nil {
		return nil, ErrNotFound
	}
	var out ExistingCandidate
	if err := s.db.WithContext(ctx).Where("email = ?", e).First(&out.Candidate).Error; err != nil {
		return nil, notFound(err)
	}
	var rows []struct {
		ExistingApplication
		InScope bool
	}
	cond, condArgs := positionScope(actor, "p")
	if err := s.db.WithContext(ctx).Raw(`SELECT p.title AS position_title, a.stage, a.status,
			coalesce(`+cond+`, false) AS in_scope
		FROM applications a JOIN positions p ON p.id = a.position_id
		WHERE a.candidate_id = ? ORDER BY a.created_at DESC, a.id DESC`,
		append(condArgs, out.Candidate.ID)...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.InScope {
			out.Applications = append(out.Applications, r.ExistingApplication)
		} else {
			out.OutOfScope++
		}
	}
	if out.Addable, err = s.AddablePositions(ctx, actor, out.Candidate.ID); err != nil {
		return nil, err
	}
	return &out, nil
}
