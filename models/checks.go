package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Background checks and pre-employment medicals. A position says which it
// needs (SetPositionChecks); when one of its applications enters a check's
// stage, transition makes the check (checksOnStageChange), waiting for the
// candidate. The candidate reads what it is, consents and supplies what is
// asked (GiveCheckConsent), or withdraws (WithdrawCheckConsent). Staff record
// a manual provider's progress (RecordManualCheck) and its result document
// (AttachCheckResult); a webhook provider's events arrive signed
// (check_webhooks.go). A check's status changes only through setCheckStatus,
// which follows CanMoveCheck, tells the candidate and audits. Who sees what:
// the candidate their own checks' status and what is asked, never the result
// document or finding; admins and recruiters everything; a hiring manager
// (their positions) and an interviewer (their panels' candidates) the status
// only.

// Check is one check of an application.
type Check struct {
	ID            int64
	ApplicationID int64
	Kind          CheckKind
	Provider      string // "manual", or a webhook provider's key
	ProviderName  string // the provider in words, as staff recorded it
	ProviderRef   string // the provider's id for the check
	Status        CheckStatus
	ResultSummary string // the finding: staff only
	ResultFileID  *int64 // the result document: staff only
	CreatedAt     time.Time
	UpdatedAt     time.Time
	StartedAt     *time.Time
	CompletedAt   *time.Time
	WithdrawnAt   *time.Time
}

// TableName binds the struct to its table.
func (Check) TableName() string { return "checks" }

// ManualProvider is the provider key of checks staff record by hand.
const ManualProvider = "manual"

// checksOnStageChange keeps an application's checks in step with its stage;
// transition calls it on every stage change. Entering the stage of a check
// the position needs makes that check, waiting for the candidate (their
// message is the stage's own). Undoing the move that entered it removes a
// check nothing has happened to yet, as the undo withdraws the move's
// message.
func (s *Store) checksOnStageChange(tx *gorm.DB, actor Actor, app *Application, from, to StageKey, cause TransitionCause) error {
	for _, k := range app.Position.RequiredChecks.Kinds() {
		switch {
		case k.Stage() == to:
			if err := s.openCheck(tx, actor, app.ID, k); err != nil {
				return err
			}
		case cause == CauseUndo && k.Stage() == from:
			res := tx.Exec(`DELETE FROM checks c WHERE c.application_id = ? AND c.kind = ? AND c.status = ? AND c.provider_ref = ''
				AND c.result_file_id IS NULL AND NOT EXISTS (SELECT 1 FROM check_consents cc WHERE cc.check_id = c.id)
				AND NOT EXISTS (SELECT 1 FROM check_adverse_actions aa WHERE aa.check_id = c.id)`, app.ID, k, CheckWaitingForCandidate)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 {
				if err := s.audit(tx, actor, "check.removed_by_undo", "application", app.ID, map[string]any{"kind": k}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// openCheck makes application appID's check of kind k unless it exists.
func (s *Store) openCheck(tx *gorm.DB, actor Actor, appID int64, k CheckKind) error {
	var id int64
	res := tx.Raw(`INSERT INTO checks (application_id, kind, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (application_id, kind) DO NOTHING RETURNING id`, appID, k, CheckWaitingForCandidate, s.Now(), s.Now()).Scan(&id)
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	return s.audit(tx, actor, "check.opened", "check", id, map[string]any{"application_id": appID, "kind": k})
}

// SetPositionChecks says which checks a position needs. Each needed check's
// stage must be in the position's pipeline; live applications already at
// such a stage get their check now.
func (s *Store) SetPositionChecks(ctx context.Context, actor Actor, positionID int64, r RequiredChecks) error {
	if !actor.Role.ManagesPositions() {
		return ErrForbidden
	}
	if !r.Valid() {
		return Invalid("required_checks", "Choose which checks the position needs: none, a background check, a medical or both.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var p Position
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&p, positionID).Error; err != nil {
			return notFound(err)
		}
		if err := loadPipelines(tx, []*Position{&p}); err != nil {
			return err
		}
		for _, k := range r.Kinds() {
			if p.Pipeline.Index(k.Stage()) < 0 {
				return Invalid("required_checks", "Add the "+StageName(k.Stage())+" stage to the position's pipeline first: the check is made there.")
			}
		}
		if err := tx.Model(&Position{}).Where("id = ?", p.ID).Updates(map[string]any{"required_checks": r, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		for _, k := range r.Kinds() {
			var ids []int64
			if err := tx.Raw(`SELECT id FROM applications WHERE position_id = ? AND stage = ? AND status IN ?`,
				p.ID, k.Stage(), []Status{StatusActive, StatusOnHold}).Scan(&ids).Error; err != nil {
				return err
			}
			for _, id := range ids {
				if err := s.openCheck(tx, actor, id, k); err != nil {
					return err
				}
			}
		}
		return s.audit(tx, actor, "position.checks_set", "position", p.ID, map[string]any{"from": p.RequiredChecks, "to": r})
	})
}

// checkChange is what setCheckStatus writes besides the status.
type checkChange struct {
	To       CheckStatus
	Cause    string     // the audit entry's cause: consent, manual, result, webhook
	Started  *time.Time // when it began (staff's record); nil: now, if it had not
	Finished *time.Time // when the result came (staff's record); nil: now
	Summary  *string    // the finding
	FileID   *int64     // the result document
	// sameStatus lets a change keep the status (a document added to a
	// result): the other columns are written, nobody is told.
	sameStatus bool
	// quiet: the candidate caused it (consent, withdrawal) and is not told.
	quiet bool
}

// consentStands reports whether the newest consent row of check id gives consent.
func consentStands(tx *gorm.DB, id int64) (bool, error) {
	var actions []string
	if err := tx.Raw("SELECT action FROM check_consents WHERE check_id = ? ORDER BY id DESC LIMIT 1", id).Scan(&actions).Error; err != nil {
		return false, err
	}
	return len(actions) == 1 && actions[0] == "given", nil
}

// setCheckStatus is the one writer of a check's status (chk locked by the
// caller): it checks the status machine, writes the row with its times,
// cancels an open pre-decision notice whose result no longer stands, tells
// the candidate what changed for them, and audits. A refusal comes before
// any write.
func (s *Store) setCheckStatus(tx *gorm.DB, actor Actor, chk *Check, ch checkChange) error {
	consented, err := consentStands(tx, chk.ID)
	if err != nil {
		return err
	}
	if chk.Status == CheckWithdrawn || !(ch.sameStatus && ch.To == chk.Status) {
		if err := CanMoveCheck(chk.Status, ch.To, consented); err != nil {
			return err
		}
	}
	now := s.Now()
	updates := map[string]any{"status": ch.To, "updated_at": now}
	started, finished := chk.StartedAt, chk.CompletedAt
	if (ch.To == CheckInProgress || ch.To.HasResult()) && (started == nil || ch.Started != nil) {
		started = nonNilTime(ch.Started, now)
	}
	if ch.To.HasResult() && (ch.To != chk.Status || ch.Finished != nil) {
		finished = nonNilTime(ch.Finished, now)
		if ch.Started == nil && started != nil && finished.Before(*started) && chk.StartedAt == nil {
			started = finished // recorded all at once: it began when it ended
		}
	}
	if started != nil && finished != nil && finished.Before(*started) {
		return Invalid("completed_on", "The result cannot come before the check started ("+started.In(s.loc).Format("2 January 2006")+").")
	}
	if started != chk.StartedAt {
		updates["started_at"] = *started
	}
	if finished != chk.CompletedAt {
		updates["completed_at"] = *finished
	}
	if ch.To == CheckWithdrawn {
		updates["withdrawn_at"] = now
	}
	if ch.Summary != nil {
		updates["result_summary"] = *ch.Summary
	}
	if ch.FileID != nil {
		updates["result_file_id"] = *ch.FileID
	}
	if err := tx.Model(&Check{}).Where("id = ?", chk.ID).Updates(updates).Error; err != nil {
		return err
	}
	from := chk.Status
	chk.Status = ch.To
	if !ch.To.Adverse() {
		if err := tx.Exec(`UPDATE check_adverse_actions SET status = ?, cancelled_at = ? WHERE check_id = ? AND status IN ?`,
			AdverseCancelled, now, chk.ID, []AdverseStatus{AdverseNoticeSent, AdverseReplied}).Error; err != nil {
			return err
		}
	}
	if from != ch.To && !ch.quiet {
		if err := s.tellCandidateOfCheck(tx, chk, from); err != nil {
			return err
		}
	}
	return s.audit(tx, actor, "check.status_changed", "check", chk.ID, map[string]any{"from": from, "to": ch.To, "cause": ch.Cause,
		"application_id": chk.ApplicationID})
}

func nonNilTime(t *time.Time, or time.Time) *time.Time {
	if t != nil {
		return t
	}
	return &or
}

// tellCandidateOfCheck sends the candidate the news of a check whose status
// changed from from, when it reads differently to them and their
// application is still live.
func (s *Store) tellCandidateOfCheck(tx *gorm.DB, chk *Check, from CheckStatus) error {
	if from.CandidateLabel() == chk.Status.CandidateLabel() {
		return nil
	}
	app := &Application{ID: chk.ApplicationID}
	if err := tx.First(app, chk.ApplicationID).Error; err != nil {
		return err
	}
	if app.Status.Closed() {
		return nil
	}
	if err := loadApplicationParts(tx, app); err != nil {
		return err
	}
	if chk.Status == CheckWaitingForCandidate {
		return s.send(tx, checkNeedsYouMail(s.urls(), app, chk.Kind))
	}
	return s.send(tx, checkStatusChangedMail(s.urls(), app, chk.Kind, chk.Status))
}

// lockCheck loads check id FOR UPDATE.
func lockCheck(tx *gorm.DB, id int64) (*Check, error) {
	var c Check
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&c, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// staffCheck loads check id for actor (locked when lock): not found unless
// actor may read its application (status only for a hiring manager on
// their positions, an interviewer on their panels), forbidden when results
// asks for what only admins and recruiters see or do.
func staffCheck(tx *gorm.DB, actor Actor, id int64, lock, results bool) (*Check, error) {
	var c Check
	q := tx
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.First(&c, id).Error; err != nil {
		return nil, notFound(err)
	}
	if err := applicationVisible(tx, actor, c.ApplicationID, scopeInterviews); err != nil {
		return nil, err
	}
	if results && !actor.Role.SeesAllCandidates() {
		return nil, ErrForbidden
	}
	return &c, nil
}

// candidateCheck loads check id FOR UPDATE for the candidate it concerns,
// with its application; anyone else: not found.
func candidateCheck(tx *gorm.DB, actor Actor, id int64) (*Check, *Application, error) {
	if actor.Kind != "candidate" || actor.ID == 0 {
		return nil, nil, ErrNotFound
	}
	c, err := lockCheck(tx, id)
	if err != nil {
		return nil, nil, err
	}
	var app Application
	if err := tx.Where("id = ? AND candidate_id = ?", c.ApplicationID, actor.ID).First(&app).Error; err != nil {
		return nil, nil, notFound(err)
	}
	return c, &app, nil
}
