package models

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// When a position is filled or closed, nobody may be left reading "you will
// hear from us by …" about it: every application still in progress before
// the offer is closed in the same transaction, each candidate gets the
// respectful message, and rejections held until the position was filled go
// out. Applications at the offer or later are the ones filling the position:
// staff decide those themselves, and the confirmation page names them.

// OpenApplication is an application still in progress, on the page that
// confirms closing its position.
type OpenApplication struct {
	ID, CandidateID int64
	CandidateName   string
	Stage           StageKey
	Status          Status
	ClosesWithIt    bool // before the offer: closed with the position
}

// OpenApplications lists the position's applications still in progress.
func (s *Store) OpenApplications(ctx context.Context, actor Actor, positionID int64) (*Position, []OpenApplication, error) {
	if !actor.Role.ManagesPositions() {
		return nil, nil, ErrForbidden
	}
	db := s.db.WithContext(ctx)
	var p Position
	if err := db.First(&p, positionID).Error; err != nil {
		return nil, nil, notFound(err)
	}
	if err := loadPipelines(db, []*Position{&p}); err != nil {
		return nil, nil, err
	}
	var out []OpenApplication
	if err := db.Raw(`SELECT a.id, a.candidate_id, c.name AS candidate_name, a.stage, a.status FROM applications a
		JOIN candidates c ON c.id = a.candidate_id WHERE a.position_id = ? AND a.status IN ('active', 'on_hold')
		ORDER BY c.name, a.id LIMIT 1000`, p.ID).Scan(&out).Error; err != nil {
		return nil, nil, err
	}
	for i := range out {
		out[i].ClosesWithIt = closesWithPosition(p.Pipeline, out[i].Stage)
	}
	return &p, out, nil
}

// closesWithPosition: applications before the offer close with their position.
func closesWithPosition(p Pipeline, stage StageKey) bool {
	oi := p.Index(StageOffer)
	return oi < 0 || p.Index(stage) < oi
}

// closeOpenApplications closes, in tx, the position's applications in
// progress before the offer, and releases the rejections held for it.
func (s *Store) closeOpenApplications(tx *gorm.DB, actor Actor, p *Position, status PositionStatus) (int, error) {
	if err := loadPipelines(tx, []*Position{p}); err != nil {
		return 0, err
	}
	var apps []Application
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("position_id = ? AND status IN ?", p.ID, []Status{StatusActive, StatusOnHold}).
		Order("id").Find(&apps).Error; err != nil {
		return 0, err
	}
	reason := "The position was filled."
	if status == PositionClosed {
		reason = "The position was closed."
	}
	closed := 0
	for i := range apps {
		app := &apps[i]
		if !closesWithPosition(p.Pipeline, app.Stage) {
			continue
		}
		app.Position = p
		if err := s.closeApplication(tx, actor, app, StatusChange{To: StatusRejected, Reason: reason, Cause: StatusByPositionFilled}); err != nil {
			return 0, err
		}
		closed++
	}
	return closed, s.releaseHeldRejections(tx, p.ID)
}

// releaseHeldRejections sends the messages held until the position was
// filled: the rejections and what their closing caused.
func (s *Store) releaseHeldRejections(tx *gorm.DB, positionID int64) error {
	if err := s.releaseHeldMessages(tx, "held_for_position_id = ?", positionID); err != nil {
		return err
	}
	return tx.Exec(`UPDATE applications SET rejection_held = false WHERE position_id = ? AND rejection_held`, positionID).Error
}

var errNothingToHoldFor = Invalid("hold_message", "This position is no longer open, so there is nothing to wait for: send the message now.")

// dropHeldRejection withdraws the never-sent rejection of an application
// reopened while its message was held; what else its closing held (an
// interview's cancellation, which the candidate's calendar needs) goes now.
func (s *Store) dropHeldRejection(tx *gorm.DB, app *Application) error {
	if _, err := cancelMessages(tx, "held_for_position_id = ? AND candidate_id = ? AND kind = ?",
		app.PositionID, app.CandidateID, MsgApplicationRejected); err != nil {
		return err
	}
	return s.releaseHeldMessages(tx, "held_for_position_id = ? AND candidate_id = ?", app.PositionID, app.CandidateID)
}
