package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Adverse action, fairly: when a check's result needs review or is not
// clear and staff intend to reject because of it, the candidate first gets a
// pre-decision notice with the finding and how to dispute it
// (SendPreDecisionNotice), may answer in the portal (ReplyToPreDecision)
// until the waiting period ends (a configured number of business days,
// PreDecisionWaitUntil), and only then may staff confirm the rejection
// (ConfirmAdverseRejection), which closes the application through
// closeApplication with the final notice as its message. A notice whose
// result stops standing (the check is cleared, re-run or withdrawn) is
// cancelled by setCheckStatus; staff may also cancel it
// (CancelPreDecisionNotice). Every step is audited; the database refuses a
// final notice before the wait ends (migration 00015).

// AdverseAction is one pre-decision notice and what followed it.
type AdverseAction struct {
	ID            int64
	CheckID       int64
	Status        AdverseStatus
	Finding       string // as the candidate reads it
	HowToDispute  string
	SentBy        int64
	SentAt        time.Time
	WaitUntil     time.Time // the candidate may answer until then; no rejection before
	Reply         string
	RepliedAt     *time.Time
	ConfirmedBy   *int64
	FinalNoticeAt *time.Time
	CancelledAt   *time.Time
}

// TableName binds the struct to its table.
func (AdverseAction) TableName() string { return "check_adverse_actions" }

// openAdverseAction is check id's open notice, locked, or nil.
func openAdverseAction(tx *gorm.DB, checkID int64) (*AdverseAction, error) {
	var a AdverseAction
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("check_id = ? AND status IN ?", checkID,
		[]AdverseStatus{AdverseNoticeSent, AdverseReplied}).Limit(1).Find(&a).Error
	if err != nil || a.ID == 0 {
		return nil, err
	}
	return &a, nil
}

// lockCheckApplication locks the application of check id (as staff who may
// change it: admins and recruiters) and then the check, in that order, as
// every path that changes both does.
func lockCheckApplication(tx *gorm.DB, actor Actor, checkID int64) (*Check, *Application, error) {
	if _, err := staffCheck(tx, actor, checkID, false, true); err != nil {
		return nil, nil, err
	}
	var appID int64
	if err := tx.Raw("SELECT application_id FROM checks WHERE id = ?", checkID).Scan(&appID).Error; err != nil {
		return nil, nil, err
	}
	app, err := lockApplication(tx, actor, appID)
	if err != nil {
		return nil, nil, err
	}
	chk, err := lockCheck(tx, checkID)
	if err != nil {
		return nil, nil, err
	}
	return chk, app, nil
}

// SendPreDecisionNotice tells the candidate what a check found that may lead
// to their rejection, and how to dispute it, and starts the waiting period
// (admins and recruiters; only on a result that needs review or is not
// clear, of a live application, one notice open at a time).
func (s *Store) SendPreDecisionNotice(ctx context.Context, actor Actor, checkID int64, finding, howToDispute string) error {
	finding, howToDispute = strings.TrimSpace(NormalizeNewlines(finding)), strings.TrimSpace(NormalizeNewlines(howToDispute))
	v := &Problems{}
	if finding == "" {
		v.Add("finding", "Write what the check found, as the candidate will read it.")
	}
	if howToDispute == "" {
		v.Add("how_to_dispute", "Say how the candidate can dispute the result: whom to contact, with which reference.")
	}
	v.checkLength(finding, limits.AdverseFinding)
	v.checkLength(howToDispute, limits.AdverseHowToDispute)
	if err := v.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		chk, app, err := lockCheckApplication(tx, actor, checkID)
		if err != nil {
			return err
		}
		switch {
		case app.Status.Closed():
			return refusal(CodeConflict, "This application is closed: there is no decision left to give notice of.")
		case !chk.Status.Adverse():
			return refusal(CodeConflict, "A pre-decision notice is sent only for a result that needs review or is not clear; this check is "+strings.ToLower(chk.Status.Label())+".")
		}
		open, err := openAdverseAction(tx, chk.ID)
		if err != nil {
			return err
		}
		if open != nil {
			return refusal(CodeConflict, "A pre-decision notice for this check is already waiting for the candidate's answer.")
		}
		now := s.Now()
		a := &AdverseAction{CheckID: chk.ID, Status: AdverseNoticeSent, Finding: finding, HowToDispute: howToDispute, SentBy: actor.ID,
			SentAt: now, WaitUntil: PreDecisionWaitUntil(now, s.adverseWaitDays, s.loc)}
		if err := tx.Create(a).Error; err != nil {
			return err
		}
		if err := s.send(tx, checkPreDecisionMail(s.urls(), app, chk.Kind, a, s.CandidateZone(app.Candidate))); err != nil {
			return err
		}
		return s.audit(tx, actor, "check.pre_decision_notice_sent", "check", chk.ID, map[string]any{"adverse_action_id": a.ID,
			"wait_until": a.WaitUntil, "wait_business_days": s.adverseWaitDays, "application_id": app.ID})
	})
}

// ReplyToPreDecision is the candidate's answer to a pre-decision notice about
// one of their checks: once, while the notice is open.
func (s *Store) ReplyToPreDecision(ctx context.Context, actor Actor, checkID int64, text string) error {
	text = strings.TrimSpace(NormalizeNewlines(text))
	if text == "" {
		return Invalid("reply", "Write your answer: what is wrong or missing in the finding, or what explains it.")
	}
	if err := tooLong(text, limits.AdverseReply); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		chk, _, err := candidateCheck(tx, actor, checkID)
		if err != nil {
			return err
		}
		a, err := openAdverseAction(tx, chk.ID)
		if err != nil {
			return err
		}
		switch {
		case a == nil:
			return refusal(CodeConflict, "There is no notice about this check waiting for your answer.")
		case a.Status == AdverseReplied:
			return refusal(CodeConflict, "Your answer is recorded already. If you need to add something, write to us.")
		}
		now := s.Now()
		if err := tx.Model(&AdverseAction{}).Where("id = ?", a.ID).Updates(map[string]any{"status": AdverseReplied, "reply": text,
			"replied_at": now}).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "check.pre_decision_reply", "check", chk.ID, map[string]any{"adverse_action_id": a.ID,
			"within_wait": !now.After(a.WaitUntil)})
	})
}

// ConfirmAdverseRejection rejects the application on its check's result once
// the pre-decision notice's waiting period has ended (admins and
// recruiters): through closeApplication, the one writer of an application's
// status, with the final notice instead of the usual rejection message.
func (s *Store) ConfirmAdverseRejection(ctx context.Context, actor Actor, checkID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		chk, app, err := lockCheckApplication(tx, actor, checkID)
		if err != nil {
			return err
		}
		a, err := openAdverseAction(tx, chk.ID)
		if err != nil {
			return err
		}
		if a == nil {
			var last AdverseAction
			if err := tx.Where("check_id = ?", chk.ID).Order("id DESC").Limit(1).Find(&last).Error; err != nil {
				return err
			}
			return CanConfirmAdverseRejection(last.Status, last.WaitUntil, s.Now(), s.loc)
		}
		now := s.Now()
		if err := CanConfirmAdverseRejection(a.Status, a.WaitUntil, now, s.loc); err != nil {
			return err
		}
		notice := checkFinalNoticeMail(app, chk.Kind, a)
		reason := "Rejected on the result of the " + strings.ToLower(chk.Kind.Label()) + " (" + strings.ToLower(chk.Status.Label()) +
			"), after a pre-decision notice sent on " + a.SentAt.In(s.loc).Format("2 January 2006") + "."
		if err := s.closeApplication(tx, actor, app, StatusChange{To: StatusRejected, Reason: reason, Cause: StatusByStaff,
			rejectionMail: &notice}); err != nil {
			return err
		}
		if err := tx.Model(&AdverseAction{}).Where("id = ?", a.ID).Updates(map[string]any{"status": AdverseConfirmed,
			"confirmed_by": actor.ID, "final_notice_at": now}).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "check.adverse_rejection_confirmed", "check", chk.ID, map[string]any{"adverse_action_id": a.ID,
			"application_id": app.ID, "candidate_replied": a.RepliedAt != nil})
	})
}

// CancelPreDecisionNotice closes an open notice without a rejection: staff
// decided the result does not stand in the way (admins and recruiters).
func (s *Store) CancelPreDecisionNotice(ctx context.Context, actor Actor, checkID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		chk, err := staffCheck(tx, actor, checkID, true, true)
		if err != nil {
			return err
		}
		a, err := openAdverseAction(tx, chk.ID)
		if err != nil {
			return err
		}
		if a == nil {
			return refusal(CodeConflict, "There is no open pre-decision notice for this check.")
		}
		if err := tx.Model(&AdverseAction{}).Where("id = ?", a.ID).Updates(map[string]any{"status": AdverseCancelled,
			"cancelled_at": s.Now()}).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "check.pre_decision_notice_cancelled", "check", chk.ID, map[string]any{"adverse_action_id": a.ID})
	})
}

// noOpenPreDecisionNotice refuses an ordinary rejection while a
// pre-decision notice about one of the application's checks is open: the
// candidate may still be answering it, and the rejection that follows it
// must carry the final notice (ConfirmAdverseRejection).
func noOpenPreDecisionNotice(tx *gorm.DB, appID int64) error {
	var open []struct {
		Kind      CheckKind
		WaitUntil time.Time
	}
	if err := tx.Raw(`SELECT c.kind, a.wait_until FROM check_adverse_actions a JOIN checks c ON c.id = a.check_id
		WHERE c.application_id = ? AND a.status IN ?`, appID, []AdverseStatus{AdverseNoticeSent, AdverseReplied}).Scan(&open).Error; err != nil {
		return err
	}
	if len(open) == 0 {
		return nil
	}
	return refusal(CodeConflict, "A pre-decision notice about the "+strings.ToLower(open[0].Kind.Label())+" is open (the candidate may answer until "+
		open[0].WaitUntil.UTC().Format("2 January 2006, 15:04 MST")+"). Reject from the checks page with \"Confirm rejection\" once the wait is over, so the candidate gets the final notice, or cancel the notice first.")
}
