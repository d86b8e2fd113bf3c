package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// The retention job (ApplyRetention, a scheduled task), the staff's list of
// what is due (RetentionDue), and the candidate's side (MyRetention,
// KeepMyData). See retention.go for the rule.

// retentionScanBatch is how many candidates one read of the rule returns;
// retentionRunLimit bounds what one run does (notices and anonymisations),
// so a first run over years of closed candidates is spread over periods.
const (
	retentionScanBatch = 200
	retentionRunLimit  = 500
)

// retentionActionable leaves out of the job's scan the candidates already
// told who are still waiting out their notice: with a backlog, each batch
// would otherwise read them all again.
const retentionActionable = `NOT coalesce(c.retention_notice_at > greatest(x.last_change, c.last_signed_in_at, c.retention_kept_at)
	AND greatest(greatest(x.last_change, c.last_signed_in_at, c.retention_kept_at) + CAST(@retention AS interval),
		c.retention_notice_at + CAST(@notice AS interval)) > CAST(@now AS timestamptz), false)`

// retentionActor is who the job acts as in the audit log.
func retentionActor() Actor { return SystemActor("retention") }

// ApplyRetention sends the notices that are due and anonymises the
// candidates whose due date has passed, each in a transaction of its own,
// at most retentionRunLimit per run. It returns how many it did. Two
// processes running it at once do each thing once: each candidate is locked
// (with their applications) and the rule read again before anything is
// written, the notice is claimed by a conditional UPDATE, and an erased
// candidate no longer meets the rule.
func (s *Store) ApplyRetention(ctx context.Context) (int, error) {
	done := 0
	var after RetentionCursor
	now := s.Now() // the scan's order is read as at the run's start
	for done < retentionRunLimit {
		var rows []RetentionCandidate
		if err := s.db.WithContext(ctx).Raw(retentionSQL(retentionActionable),
			s.retentionArgs(now, now.Add(RetentionNoticePeriod), after, retentionScanBatch)).Scan(&rows).Error; err != nil {
			return done, err
		}
		for i := range rows {
			after = RetentionCursor{Due: rows[i].DueAt, ID: rows[i].ID}
			if rows[i].NoticeAt != nil && rows[i].DueAt.After(s.Now()) {
				continue // told, and waiting
			}
			acted, err := s.retainOne(ctx, rows[i].ID)
			if err != nil {
				return done, err
			}
			if acted {
				done++
			}
			if done >= retentionRunLimit {
				break
			}
		}
		if len(rows) < retentionScanBatch {
			break
		}
	}
	return done, nil
}

// retainOne notices or anonymises one candidate, whichever is due, in one
// transaction; false when neither is (any more).
func (s *Store) retainOne(ctx context.Context, candidateID int64) (acted bool, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		acted = false
		now := s.Now()
		// The candidate's row and their applications, locked: no application
		// is added (its foreign key waits for the candidate's lock) or
		// reopened while this runs.
		var locked []int64
		if err := tx.Raw("SELECT id FROM candidates WHERE id = ? AND erased_at IS NULL FOR UPDATE", candidateID).Scan(&locked).Error; err != nil || len(locked) == 0 {
			return err
		}
		if err := tx.Exec("SELECT id FROM applications WHERE candidate_id = ? FOR UPDATE", candidateID).Error; err != nil {
			return err
		}
		r, err := s.retentionOf(tx, candidateID, now, now.Add(RetentionNoticePeriod))
		if err != nil || r == nil {
			return err
		}
		hold, err := legalHoldReason(tx, candidateID)
		if err != nil || hold != "" {
			return err
		}
		if r.NoticeAt == nil {
			acted, err = s.sendRetentionNotice(tx, r, now)
			return err
		}
		if r.DueAt.After(now) {
			return nil
		}
		acted = true
		return s.eraseCandidate(tx, retentionActor(), candidateID, ErasureCauseRetention)
	})
	return acted, err
}

// retentionOf reads the rule for one candidate (nil when it does not apply
// by horizon).
func (s *Store) retentionOf(tx *gorm.DB, candidateID int64, now, horizon time.Time) (*RetentionCandidate, error) {
	args := s.retentionArgs(now, horizon, RetentionCursor{}, 1)
	args["candidate"] = candidateID
	var rows []RetentionCandidate
	if err := tx.Raw(retentionSQL("c.id = @candidate"), args).Scan(&rows).Error; err != nil || len(rows) == 0 {
		return nil, err
	}
	return &rows[0], nil
}

// sendRetentionNotice claims r's notice (a conditional UPDATE: a notice
// sent since its last activity is not sent again) and sends it, with its
// audit entry.
func (s *Store) sendRetentionNotice(tx *gorm.DB, r *RetentionCandidate, now time.Time) (bool, error) {
	res := tx.Exec(`UPDATE candidates SET retention_notice_at = ? WHERE id = ? AND erased_at IS NULL
		AND (retention_notice_at IS NULL OR retention_notice_at <= ?)`, now, r.ID, r.LastActivity)
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	due := s.retention.After(r.LastActivity)
	if earliest := now.Add(RetentionNoticePeriod); due.Before(earliest) {
		due = earliest
	}
	u := s.urls()
	cand := &Candidate{ID: r.ID, Name: r.Name, Email: r.Email}
	if err := s.send(tx, toCandidate(cand, MsgRetentionNotice, map[string]string{
		"date": due.In(s.loc).Format(promiseDateLayout), "period": s.retention.String(), "account_link": u.abs(u.MyAccount())})); err != nil {
		return false, err
	}
	return true, s.audit(tx, retentionActor(), "candidate.retention_notice_sent", "candidate", r.ID, map[string]any{
		"due": due, "last_activity": r.LastActivity, "reason": r.Reason()})
}

// RetentionPageSize is how many candidates the staff's list shows at once.
const RetentionPageSize = 50

// RetentionPage is one page of the staff's list of candidates due for
// anonymisation.
type RetentionPage struct {
	AsOf       time.Time // the list is read as at this time (the cursor keeps it)
	Period     RetentionPeriod
	Candidates []RetentionCandidate
	Next       *RetentionCursor // the next page's start; nil on the last page
}

// RetentionDue lists, for admins and recruiters, the candidates who will be
// anonymised within the next 30 days (or as soon as their notice has run,
// for those not told yet) and those already told, soonest first, as at
// asOf (zero: now), from after.
func (s *Store) RetentionDue(ctx context.Context, actor Actor, asOf time.Time, after RetentionCursor) (RetentionPage, error) {
	if !actor.IsStaff() || (actor.Role != RoleAdmin && actor.Role != RoleRecruiter) {
		return RetentionPage{}, ErrForbidden
	}
	if asOf.IsZero() {
		asOf = s.Now()
	}
	// A legal hold (a hire's signed contract, legalHoldReason) never shows
	// here: the rule reads only people whose every application was rejected
	// or withdrawn.
	page := RetentionPage{AsOf: asOf, Period: s.retention}
	if err := s.db.WithContext(ctx).Raw(retentionSQL("true"), s.retentionArgs(asOf, asOf.Add(RetentionNoticePeriod), after, RetentionPageSize+1)).
		Scan(&page.Candidates).Error; err != nil {
		return page, err
	}
	if len(page.Candidates) > RetentionPageSize {
		page.Candidates = page.Candidates[:RetentionPageSize]
		last := page.Candidates[RetentionPageSize-1]
		page.Next = &RetentionCursor{Due: last.DueAt, ID: last.ID}
	}
	return page, nil
}

// MyRetention is what the candidate's account page says about their data:
// nil while the rule does not apply to them (an application is open, or
// held), else when and why it will be deleted.
func (s *Store) MyRetention(ctx context.Context, actor Actor) (*RetentionCandidate, error) {
	if actor.Kind != "candidate" {
		return nil, ErrForbidden
	}
	now := s.Now()
	return s.retentionOf(s.db.WithContext(ctx), actor.ID, now, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
}

// KeepMyData restarts the candidate's retention timer ("Keep my data"): the
// period runs again from now, and a notice already sent no longer counts
// (the next one goes 30 days before the new date). Audited. It returns the
// new date.
func (s *Store) KeepMyData(ctx context.Context, actor Actor) (time.Time, error) {
	if actor.Kind != "candidate" {
		return time.Time{}, ErrForbidden
	}
	var due time.Time
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.Now()
		res := tx.Exec("UPDATE candidates SET retention_kept_at = ?, retention_notice_at = NULL WHERE id = ? AND erased_at IS NULL", now, actor.ID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		due = s.retention.After(now)
		return s.audit(tx, actor, "candidate.retention_kept", "candidate", actor.ID, map[string]any{"until": due})
	})
	return due, err
}
