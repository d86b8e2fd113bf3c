package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// An application's stage changes in one place, transition, whatever the
// cause: a staff move (form, bulk action, board), an undo, the application
// being opened, or a flow (an offer sent, a contract sent, a contract signed
// by both parties). Its status changes in one place too, closeApplication.
// Both check the rule first, then write the row, the stage event (stages
// passed over are recorded with the reason and shown to the candidate as not
// needed, never as done), the seat release, the candidate's message and the
// audit entry, all in the caller's transaction. A database trigger refuses
// any other write of applications.stage or status (migration 00010).

// TransitionCause says why an application enters a stage.
type TransitionCause string

// The causes of a stage change.
const (
	CauseOpened         TransitionCause = "opened"          // added, at the pipeline's first stage or a later one before the offer
	CauseStaffMove      TransitionCause = "staff_move"      // the move form, a bulk move, the board
	CauseUndo           TransitionCause = "undo"            // the last staff move reversed
	CauseOfferSent      TransitionCause = "offer_sent"      // → Offer
	CauseContractSent   TransitionCause = "contract_sent"   // → Contract
	CauseContractSigned TransitionCause = "contract_signed" // → Onboarding (signed by both parties)
)

// Transition is a planned stage change.
type Transition struct {
	From    StageKey // empty when the application is being opened
	To      StageKey
	Kind    EventKind
	Skipped []StageKey // stages passed over, shown to the candidate as not needed
	Noop    bool       // a flow reaching a stage the application is at or past already
}

// PlanTransition is the rule for every stage change: whether an application
// of status at from (empty: being opened) may enter to for cause, which
// stages that passes over, and how the event is recorded. contractSigned says
// whether the application has a contract signed by both parties (the way to
// Hired when the pipeline has no onboarding). A staff move follows CanMove.
func (p Pipeline) PlanTransition(status Status, from StageKey, cause TransitionCause, m MoveRequest, contractSigned bool) (Transition, error) {
	t := Transition{From: from, To: m.To}
	switch cause {
	case CauseOpened:
		ti := p.Index(m.To)
		if ti < 0 {
			return t, Invalid("stage", fmt.Sprintf("%s is not part of this position's pipeline.", StageName(m.To)))
		}
		if !BeforeOffer(p, m.To) {
			return t, Invalid("stage", strings.TrimSpace("A new application starts before the offer. "+StageHint(m.To)))
		}
		t.Kind, t.Skipped = EventOpened, append([]StageKey(nil), p[:ti]...)
		return t, nil
	case CauseStaffMove:
		if err := p.CanMove(status, from, m, contractSigned); err != nil {
			return t, err
		}
		t.Kind, t.Skipped = EventMove, p.Between(from, m.To)
		if len(t.Skipped) > 0 {
			t.Kind = EventSkip
		}
		return t, nil
	case CauseUndo:
		// CanUndo, which needs the last event, is the rule; the stage returned to must still be in the pipeline.
		if p.Index(m.To) < 0 {
			return t, Invalid("undo", StageName(m.To)+" is no longer part of this position's pipeline.")
		}
		t.Kind = EventUndo
		return t, nil
	}
	to, flowFrom, ok := flowTarget(cause) // the stage each flow enters: stageRules
	if !ok {
		return t, fault("unknown transition cause %q", cause)
	}
	t.To, t.Kind = to, EventFlow
	ti, fi := p.Index(to), p.Index(from)
	if ti < 0 || fi >= ti {
		t.Noop = true // the pipeline has no such stage, or the application is there already
		return t, nil
	}
	if status != StatusActive {
		return t, Invalid("", fmt.Sprintf("This application is %s; reactivate it first.", strings.ToLower(status.Label())))
	}
	if flowFrom != "" && from != flowFrom {
		return t, Invalid("", fmt.Sprintf("The application must be at %s for this step; it is at %s.", StageName(flowFrom), StageName(from)))
	}
	t.Skipped = p.Between(from, to)
	return t, nil
}

// BeforeOffer reports whether stage comes before the offer in p: a stage
// entered by a move, before the closing stages (stageRules). Those are the
// stages staff may add an application at (see CauseOpened).
func BeforeOffer(p Pipeline, stage StageKey) bool {
	i := p.Index(stage)
	return i >= 0 && EnteredByMove(stage) && i < p.closingStart()
}

// OpeningStages are the stages of p an application may be added at.
func OpeningStages(p Pipeline) []StageKey {
	var out []StageKey
	for _, k := range p {
		if BeforeOffer(p, k) {
			out = append(out, k)
		}
	}
	return out
}

// OpeningStageChoices are the stages of the catalogue an application may be
// added at in some pipeline: those before the offer.
func OpeningStageChoices() []StageKey {
	all := make(Pipeline, len(catalogue))
	for i, st := range catalogue {
		all[i] = st.Key
	}
	return OpeningStages(all)
}

// transitionRequest asks transition to change an application's stage.
type transitionRequest struct {
	Cause       TransitionCause
	To          StageKey // staff moves, undo and opening; flows know their stage
	Note        string   // internal: the reason for a skip, or what happened
	ConfirmSkip bool
	// Message is the candidate's message for a flow (an offer, a contract,
	// an invitation); staff moves and undo tell the candidate themselves.
	Message *draft
	// withdrawn, when set, learns whether an undo withdrew the move's
	// message before it left.
	withdrawn *bool
	// toldByInvitation: a staff move made by scheduling an interview round,
	// whose invitation is the candidate's one message about it.
	toldByInvitation bool
}

// markGuardedWrite lets the next change of an application's stage or status
// through the database's guard (migration 00010); the guard consumes the mark.
func markGuardedWrite(tx *gorm.DB) error {
	return tx.Exec("SELECT set_config('nextstep.writer', 'transition', true)").Error
}

// transition moves app (locked by the caller, with its Position and
// pipeline; for CauseOpened not yet saved, with CandidateID and PositionID
// set) as req asks. A refusal is returned before anything is written; a flow
// reaching a stage the application is at or past already writes nothing but
// its message.
func (s *Store) transition(tx *gorm.DB, actor Actor, app *Application, req transitionRequest) error {
	if err := loadWritableApplication(tx, app); err != nil {
		return err
	}
	p := app.Position.Pipeline
	var last *StageEvent
	signed := false
	switch {
	case req.Cause == CauseUndo:
		var err error
		if last, err = lastEvent(tx, app.ID); err != nil {
			return err
		}
		if err := CanUndo(app, last); err != nil {
			return err
		}
		req.To = *last.FromStage
	case req.Cause == CauseStaffMove && StageEntryOf(req.To) == EntryByHire: // only the way to Hired asks about the contract
		var err error
		if signed, err = contractSigned(tx, app.ID); err != nil {
			return err
		}
	}
	t, err := p.PlanTransition(app.Status, app.Stage, req.Cause, MoveRequest{To: req.To, Note: req.Note, ConfirmSkip: req.ConfirmSkip}, signed)
	if err != nil {
		return err
	}
	if t.Noop {
		return s.sendIf(tx, req.Message)
	}
	if StageEntryOf(t.To) == EntryByHire { // every way to Hired: a required onboarding task open refuses it
		if err := onboardingHireGate(tx, app.ID); err != nil {
			return err
		}
	}
	now := s.Now()
	status := StatusAfterMove(t.To)
	if req.Cause == CauseOpened {
		status = StatusActive
	} else if req.Cause != CauseStaffMove && req.Cause != CauseUndo {
		status = app.Status // flows need an active application (see PlanTransition)
	}
	var expected any
	if status != StatusHired {
		expected = app.Position.PromisedDate(t.To, now, s.loc) // the new stage's time
	}
	note := req.Note
	if len(t.Skipped) > 0 && req.Cause != CauseStaffMove {
		note = strings.TrimSpace(note + " (passed over: " + stageNames(t.Skipped) + ")")
	}
	if req.Cause == CauseOpened {
		if err := s.insertApplication(tx, app, t.To, now, expected); err != nil {
			return err
		}
	} else {
		if err := s.writeApplication(tx, app.ID, promiseKeptByPerson(map[string]any{"stage": t.To, "status": status, "stage_entered_at": now,
			"expected_update_at": expected, "expected_update_note": "", "updated_at": now})); err != nil {
			return err
		}
		if app.Stage == StageAssessmentDay && t.To != StageAssessmentDay {
			if err := s.releaseAssessmentSeats(tx, app.ID); err != nil {
				return err
			}
		}
	}
	ev := &StageEvent{ApplicationID: app.ID, ToStage: t.To, FromStatus: app.Status, ToStatus: status,
		ActorStaffID: staffID(actor), Note: note, Kind: t.Kind}
	if req.Cause != CauseOpened {
		from := app.Stage
		ev.FromStage = &from
	} else {
		ev.FromStatus = StatusActive
	}
	if err := tx.Omit("Actor").Create(ev).Error; err != nil {
		return err
	}
	from := app.Stage
	app.Stage, app.Status, app.StageEnteredAt = t.To, status, now
	if err := s.checksOnStageChange(tx, actor, app, from, t.To, req.Cause); err != nil {
		return err
	}
	if err := s.onboardingOnStageChange(tx, actor, app, t.To, req.Cause); err != nil {
		return err
	}
	if err := s.tellCandidateOfStage(tx, app, req, last); err != nil {
		return err
	}
	action := map[TransitionCause]string{CauseOpened: "application.opened", CauseStaffMove: "application.stage_moved",
		CauseUndo: "application.stage_move_undone", CauseOfferSent: "application.offer_stage_entered",
		CauseContractSent: "application.contract_stage_entered", CauseContractSigned: "application.onboarding_entered"}[req.Cause]
	if t.Kind == EventSkip {
		action = "application.stages_skipped"
	}
	details := map[string]any{"from": from, "to": t.To, "cause": req.Cause}
	if len(t.Skipped) > 0 {
		details["skipped"] = t.Skipped
	}
	return s.auditPersonal(tx, actor, app.CandidateID, action, "application", app.ID, details, map[string]any{"note": req.Note})
}

// tellCandidateOfStage sends the candidate the message of a stage change: the
// flow's own message, or, for a staff move or an undo, the new step, after a
// short delay so that an undo can withdraw it. An undo whose move's message
// has not left yet withdraws it and sends nothing: the candidate never knew.
func (s *Store) tellCandidateOfStage(tx *gorm.DB, app *Application, req transitionRequest, undone *StageEvent) error {
	if req.Cause != CauseStaffMove && req.Cause != CauseUndo {
		return s.sendIf(tx, req.Message)
	}
	if req.toldByInvitation {
		return nil
	}
	if req.Cause == CauseUndo {
		withdrawn, err := cancelMessages(tx, "candidate_id = ? AND kind = ? AND held_for_position_id IS NULL AND created_at >= ?",
			app.CandidateID, MsgStageChanged, undone.CreatedAt)
		if req.withdrawn != nil {
			*req.withdrawn = withdrawn > 0
		}
		if err != nil || withdrawn > 0 {
			return err
		}
	}
	st, _ := LookupStage(app.Stage)
	d := stageChangedMail(s.urls(), app, st)
	if s.stageMessageDelay > 0 {
		at := s.Now().Add(s.stageMessageDelay)
		d.sendAfter = &at
	}
	return s.send(tx, d)
}

func (s *Store) sendIf(tx *gorm.DB, d *draft) error {
	if d == nil {
		return nil
	}
	return s.send(tx, *d)
}

// writeApplication updates application id with the guard's mark: the only
// statement that changes an application's stage or status.
func (s *Store) writeApplication(tx *gorm.DB, id int64, updates map[string]any) error {
	if err := markGuardedWrite(tx); err != nil {
		return err
	}
	return tx.Model(&Application{}).Where("id = ?", id).Updates(updates).Error
}

// insertApplication saves a new application at stage.
func (s *Store) insertApplication(tx *gorm.DB, app *Application, stage StageKey, now any, expected any) error {
	app.Stage, app.Status = stage, StatusActive
	row := map[string]any{"candidate_id": app.CandidateID, "position_id": app.PositionID, "stage": stage, "status": StatusActive,
		"stage_entered_at": now, "expected_update_at": expected}
	var id int64
	if err := tx.Raw(`INSERT INTO applications (candidate_id, position_id, stage, status, stage_entered_at, expected_update_at)
		VALUES (@candidate_id, @position_id, @stage, @status, @stage_entered_at, @expected_update_at) RETURNING id`, row).Scan(&id).Error; err != nil {
		return err
	}
	app.ID = id
	return nil
}

func stageNames(keys []StageKey) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = StageName(k)
	}
	return strings.Join(names, ", ")
}

// StatusChange asks closeApplication to change an application's status.
type StatusChange struct {
	To     Status
	Reason string // internal (rejection, withdrawal) or shown as given
	// HoldMessage holds the rejection, and every message to the candidate
	// its closing causes (interview cancellations, a released seat), until
	// the position is filled or closed.
	HoldMessage bool
	// Wording is the rejection's wording ("": the standard one) and InDays
	// puts its message off by that many days (a scheduled send).
	Wording MessageKind
	InDays  int
	Cause   StatusCause
	Note    string // the stage event's note; Reason when empty
	// rejectionMail replaces the usual rejection message (the final notice
	// of an adverse action).
	rejectionMail *draft
	// toldElsewhere: the candidate hears of this closing from another
	// message of the same use case (a moved application's), not from a
	// rejection.
	toldElsewhere bool
}

// rejection is how c's rejection reaches the candidate.
func (c StatusChange) rejection() Rejection {
	return Rejection{Wording: c.Wording, InDays: c.InDays, Held: c.HoldMessage}
}

// StatusCause says who or what changed an application's status.
type StatusCause string

// The causes of a status change.
const (
	StatusByStaff          StatusCause = "staff"
	StatusByCandidate      StatusCause = "candidate"        // withdrew when asked about their interest
	StatusByOfferDecline   StatusCause = "offer_declined"   // declined the offer
	StatusByPositionFilled StatusCause = "position_settled" // the position was filled or closed
)

// closeApplication is the one writer of an application's status: it rejects,
// withdraws, holds and reactivates (staff), closes an application whose
// candidate withdrew or declined the offer, and closes those left when a
// position is settled. app is locked by the caller, with its Position.
// Closing lets go of everything a closed application can no longer hold: its
// seat and waitlist places, its future interviews, an open interest check,
// an open offer and an unsigned contract.
func (s *Store) closeApplication(tx *gorm.DB, actor Actor, app *Application, c StatusChange) error {
	if err := loadWritableApplication(tx, app); err != nil {
		return err
	}
	if c.Cause == StatusByStaff || c.Cause == StatusByPositionFilled {
		if err := CanChangeStatus(app.Status, c.To, c.Reason); err != nil {
			return err
		}
	} else if app.Status.Closed() || c.To != StatusWithdrawn {
		return Invalid("status", "This application is already closed.")
	}
	if c.HoldMessage && !HoldsRejection(c.To, c.HoldMessage) {
		return Invalid("send", "Only a rejection can be held until the position is filled.")
	}
	if c.HoldMessage && app.Position.Status != PositionOpen {
		return errNothingToHoldFor
	}
	if c.To == StatusRejected {
		if err := c.rejection().check(); err != nil {
			return err
		}
	}
	if c.To == StatusRejected && c.Cause == StatusByStaff && c.rejectionMail == nil {
		// A candidate who was sent a pre-decision notice is rejected only by
		// confirming it, after the wait, with the final notice.
		if err := noOpenPreDecisionNotice(tx, app.ID); err != nil {
			return err
		}
	}
	now := s.Now()
	// Everything this closing tells the candidate names the application and
	// waits with a held or put-off rejection.
	closing := closingFor(app, c, now)
	updates := promiseKeptByPerson(map[string]any{"status": c.To, "updated_at": now, "rejection_held": c.HoldMessage,
		"rejection_told_at": closing.tellAt})
	if app.Status == StatusRejected && c.To != StatusRejected {
		// Reopened before a rejection put off by some days left: it never goes.
		if err := s.withdrawDelayedRejection(tx, app); err != nil {
			return err
		}
	}
	if app.RejectionHeld {
		// Reopened before the position was settled: the held rejection must
		// never go; what else was held (an interview's cancellation) goes now.
		if err := s.dropHeldRejection(tx, app); err != nil {
			return err
		}
	}
	closes := c.To == StatusRejected || c.To == StatusWithdrawn
	switch {
	case closes:
		updates["outcome_reason"] = c.Reason
		updates["expected_update_at"] = nil
		updates["expected_update_note"] = ""
	case c.To == StatusActive:
		updates["outcome_reason"] = ""
		updates["expected_update_at"] = app.Position.PromisedDate(app.Stage, now, s.loc) // its stage's time
	}
	if err := s.writeApplication(tx, app.ID, updates); err != nil {
		return err
	}
	tx = tx.WithContext(context.WithValue(tx.Statement.Context, closingKey{}, closing))
	if closes {
		why := map[StatusCause]string{StatusByCandidate: "The candidate withdrew.", StatusByOfferDecline: "The candidate declined the offer."}[c.Cause]
		if why == "" {
			why = nonEmpty(c.Reason, "The application has closed.")
		}
		if err := s.releaseAssessmentSeats(tx, app.ID); err != nil {
			return err
		}
		if err := s.cancelOpenRounds(tx, app, why); err != nil {
			return err
		}
		if err := closeOpenOfferWork(tx, app.ID); err != nil {
			return err
		}
	}
	stage := app.Stage
	if err := tx.Omit("Actor").Create(&StageEvent{ApplicationID: app.ID, FromStage: &stage, ToStage: stage,
		FromStatus: app.Status, ToStatus: c.To, ActorStaffID: staffID(actor), Note: nonEmpty(c.Note, c.Reason), Kind: EventStatus}).Error; err != nil {
		return err
	}
	if c.To == StatusRejected && !c.toldElsewhere {
		mail := s.rejectionMail(app, c.rejection())
		if c.rejectionMail != nil {
			mail = *c.rejectionMail
		}
		if closing.tellAt != nil {
			mail.sendAfter = closing.tellAt // the very time the closing's other messages go
		}
		if err := s.send(tx, mail); err != nil {
			return err
		}
	}
	from := app.Status
	app.Status, app.RejectionHeld, app.RejectionToldAt = c.To, c.HoldMessage, closing.tellAt
	action := "application.status_changed"
	switch c.Cause {
	case StatusByPositionFilled:
		action = "application.closed_with_position"
	case StatusByCandidate, StatusByOfferDecline:
		action = "application.withdrawn_by_candidate"
	}
	return s.auditPersonal(tx, actor, app.CandidateID, action, "application", app.ID, map[string]any{"from": from, "to": c.To,
		"message_held": c.HoldMessage, "wording": c.Wording, "send_in_days": c.InDays}, map[string]any{"reason": c.Reason})
}

// loadApplicationParts loads, when missing, the candidate and the position
// (with its pipeline) of an application locked by the caller.
// loadWritableApplication is loadApplicationParts for the two writers of a
// stage or status (transition, closeApplication): an erased person's
// applications stay as they ended.
func loadWritableApplication(tx *gorm.DB, app *Application) error {
	if err := loadApplicationParts(tx, app); err != nil {
		return err
	}
	if app.Candidate.ErasedAt != nil {
		return errErasedRecordClosed
	}
	return nil
}

func loadApplicationParts(tx *gorm.DB, app *Application) error {
	if app.Candidate == nil {
		var c Candidate
		if err := tx.First(&c, app.CandidateID).Error; err != nil {
			return err
		}
		app.Candidate = &c
	}
	if app.Position == nil {
		var p Position
		if err := tx.First(&p, app.PositionID).Error; err != nil {
			return err
		}
		app.Position = &p
	}
	if len(app.Position.Pipeline) == 0 {
		return loadPipelines(tx, []*Position{app.Position})
	}
	return nil
}
