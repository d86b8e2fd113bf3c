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
	now := s.Now()
	closed := 0
	for i := range apps {
		app := &apps[i]
		if !closesWithPosition(p.Pipeline, app.Stage) {
			continue
		}
		var c Candidate
		if err := tx.First(&c, app.CandidateID).Error; err != nil {
			return 0, err
		}
		app.Candidate, app.Position = &c, p
		if err := tx.Model(&Application{}).Where("id = ?", app.ID).Updates(map[string]any{"status": StatusRejected,
			"outcome_reason": reason, "expected_update_at": nil, "expected_update_note": "", "updated_at": now}).Error; err != nil {
			return 0, err
		}
		stage := app.Stage
		if err := tx.Omit("Actor").Create(&StageEvent{ApplicationID: app.ID, FromStage: &stage, ToStage: stage, FromStatus: app.Status,
			ToStatus: StatusRejected, ActorStaffID: staffID(actor), Note: reason, Kind: EventStatus}).Error; err != nil {
			return 0, err
		}
		if err := s.releaseAssessmentSeats(tx, app.ID); err != nil {
			return 0, err
		}
		if err := s.cancelOpenRounds(tx, app, reason); err != nil {
			return 0, err
		}
		if err := closeOpenOfferWork(tx, app.ID); err != nil {
			return 0, err
		}
		if err := s.send(tx, applicationRejectedMail(app)); err != nil {
			return 0, err
		}
		if err := audit(tx, actor, "application.closed_with_position", "application", app.ID, map[string]any{"position": p.ID, "reason": reason}); err != nil {
			return 0, err
		}
		closed++
	}
	return closed, s.releaseHeldRejections(tx, p.ID)
}

// releaseHeldRejections sends the messages held until the position was filled.
func (s *Store) releaseHeldRejections(tx *gorm.DB, positionID int64) error {
	var ids []int64
	if err := tx.Raw(`UPDATE outbox_messages SET status = 'queued', send_after = NULL
		WHERE held_for_position_id = ? AND status = 'held' RETURNING id`, positionID).Scan(&ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.insertDeliveryJob(tx, id, nil); err != nil {
			return err
		}
	}
	return tx.Exec(`UPDATE applications SET rejection_held = false WHERE position_id = ? AND rejection_held`, positionID).Error
}

var errNothingToHoldFor = Invalid("hold_message", "This position is no longer open, so there is nothing to wait for: send the message now.")

// dropHeldRejection removes the never-sent rejection of an application
// reopened while its message was held.
func dropHeldRejection(tx *gorm.DB, app *Application) error {
	return tx.Exec(`DELETE FROM outbox_messages WHERE held_for_position_id = ? AND candidate_id = ? AND kind = ? AND status = 'held'`,
		app.PositionID, app.CandidateID, MsgApplicationRejected).Error
}
