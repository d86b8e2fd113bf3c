package models

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrDecisionNeeded refuses an offer on a position that requires an
// approved decision when none is approved.
var ErrDecisionNeeded = Invalid("", "This position needs an approved hiring decision before an offer is sent: ask your colleagues under \"Decision\" first.")

// DecisionStatus is where a consultation stands.
type DecisionStatus string

// Decision statuses: waiting for answers, then approved (everyone approved),
// objected (someone objected) or withdrawn by the recruiter.
const (
	DecisionOpen      DecisionStatus = "open"
	DecisionApproved  DecisionStatus = "approved"
	DecisionObjected  DecisionStatus = "objected"
	DecisionWithdrawn DecisionStatus = "withdrawn"
)

// Label is the status in words.
func (s DecisionStatus) Label() string {
	switch s {
	case DecisionOpen:
		return "Waiting for answers"
	case DecisionApproved:
		return "Approved"
	case DecisionObjected:
		return "Objection raised"
	case DecisionWithdrawn:
		return "Withdrawn"
	}
	return string(s)
}

// Verdict is one colleague's answer.
type Verdict string

// Verdicts.
const (
	VerdictApprove Verdict = "approve"
	VerdictObject  Verdict = "object"
)

// DecisionRequest is a recruiter's question to named colleagues: "shall we
// make this candidate an offer?".
type DecisionRequest struct {
	ID            int64
	ApplicationID int64
	RequestedBy   int64
	Proposal      string
	Status        DecisionStatus
	CreatedAt     time.Time
	DecidedAt     *time.Time

	Requester string             `gorm:"-"`
	Responses []DecisionResponse `gorm:"-"` // in name order
}

// TableName binds the struct to its table.
func (DecisionRequest) TableName() string { return "decision_requests" }

// DecisionResponse is one consulted colleague's answer, empty until given.
type DecisionResponse struct {
	RequestID   int64
	StaffID     int64
	Verdict     *Verdict
	Rationale   string
	RespondedAt *time.Time

	Name  string `gorm:"-" json:"name"`
	Title string `gorm:"-" json:"title"`
}

// TableName binds the struct to its table.
func (DecisionResponse) TableName() string { return "decision_responses" }

// Outcome is the consultation's status once responses are in: any objection
// decides it; approval needs every colleague asked.
func Outcome(responses []DecisionResponse) DecisionStatus {
	all := len(responses) > 0
	for _, r := range responses {
		switch {
		case r.Verdict == nil:
			all = false
		case *r.Verdict == VerdictObject:
			return DecisionObjected
		}
	}
	if all {
		return DecisionApproved
	}
	return DecisionOpen
}

// DecisionInput is the recruiter's consultation form.
type DecisionInput struct {
	Proposal     string
	ConsultedIDs []int64
}

// RequestDecision asks the named colleagues to approve or object to the
// proposal for an application; each gets an alert with a link.
func (s *Store) RequestDecision(ctx context.Context, actor Actor, appID int64, in DecisionInput) error {
	var errs Problems
	proposal := strings.TrimSpace(in.Proposal)
	if len([]rune(proposal)) < 3 {
		errs.Add("proposal", "Say what you propose, for example \"Offer the Account Executive role\".")
	}
	errs.checkLength(proposal, limits.Proposal)
	var ids []int64
	for _, id := range in.ConsultedIDs {
		if id > 0 && id != actor.ID && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		errs.Add("consulted", "Choose at least one colleague to ask (not yourself).")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if !actor.Role.SeesAllCandidates() {
		return ErrForbidden
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockApplication(tx, actor, appID)
		if err != nil {
			return err
		}
		if app.Status.Closed() {
			return Invalid("proposal", "This application is closed; there is no decision to make.")
		}
		var people []StaffUser
		if err := tx.Where("id IN ? AND active AND role <> ?", ids, RoleInterviewer).Find(&people).Error; err != nil {
			return err
		}
		if len(people) != len(ids) {
			return Invalid("consulted", "Only active admins, recruiters and hiring managers can approve a decision.")
		}
		req := DecisionRequest{ApplicationID: app.ID, RequestedBy: actor.ID, Proposal: proposal, Status: DecisionOpen}
		if err := tx.Omit("DecidedAt").Create(&req).Error; err != nil {
			if isUniqueViolation(err, "decision_requests_one_open") {
				return Invalid("proposal", "A consultation is already waiting for answers on this application. Withdraw it first to ask again.")
			}
			return err
		}
		var requester StaffUser
		if err := tx.First(&requester, actor.ID).Error; err != nil {
			return err
		}
		for i := range people {
			if err := tx.Omit("Verdict", "RespondedAt").Create(&DecisionResponse{RequestID: req.ID, StaffID: people[i].ID}).Error; err != nil {
				return err
			}
			if err := s.send(tx, decisionRequestedMail(s.urls(), &people[i], app, requester.Name, proposal)); err != nil {
				return err
			}
		}
		return s.auditPersonal(tx, actor, app.CandidateID, "decision.requested", "application", app.ID, map[string]any{"request": req.ID, "consulted": ids},
			map[string]any{"proposal": proposal})
	})
}

// RespondDecision records a consulted colleague's verdict with its rationale;
// the request is decided as soon as someone objects or everyone approved.
func (s *Store) RespondDecision(ctx context.Context, actor Actor, requestID int64, verdict Verdict, rationale string) error {
	rationale = strings.TrimSpace(rationale)
	var errs Problems
	if verdict != VerdictApprove && verdict != VerdictObject {
		errs.Add("verdict", "Choose Approve or Object.")
	}
	if len([]rune(rationale)) < 3 {
		errs.Add("rationale", "Give your reasons: they are kept with the decision.")
	}
	errs.checkLength(rationale, limits.Rationale)
	if err := errs.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var req DecisionRequest
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&req, requestID).Error; err != nil {
			return notFound(err)
		}
		var mine DecisionResponse
		if err := tx.Where("request_id = ? AND staff_id = ?", req.ID, actor.ID).First(&mine).Error; err != nil {
			return notFound(err) // only the people asked may answer
		}
		if req.Status != DecisionOpen {
			return Invalid("verdict", "This consultation has already been decided ("+strings.ToLower(req.Status.Label())+").")
		}
		if mine.Verdict != nil {
			return Invalid("verdict", "You have already answered this consultation.")
		}
		now := s.Now()
		if err := tx.Model(&DecisionResponse{}).Where("request_id = ? AND staff_id = ?", req.ID, actor.ID).
			Updates(map[string]any{"verdict": verdict, "rationale": rationale, "responded_at": now}).Error; err != nil {
			return err
		}
		var all []DecisionResponse
		if err := tx.Where("request_id = ?", req.ID).Find(&all).Error; err != nil {
			return err
		}
		if err := s.auditPersonalOfApplication(tx, actor, req.ApplicationID, verdictAction(verdict), "application", req.ApplicationID,
			map[string]any{"request": req.ID}, map[string]any{"rationale": rationale}); err != nil {
			return err
		}
		outcome := Outcome(all)
		if outcome == DecisionOpen {
			return nil
		}
		if err := tx.Model(&DecisionRequest{}).Where("id = ?", req.ID).Updates(map[string]any{"status": outcome, "decided_at": now}).Error; err != nil {
			return err
		}
		var requester StaffUser
		if err := tx.First(&requester, req.RequestedBy).Error; err != nil {
			return err
		}
		var app Application
		if err := tx.First(&app, req.ApplicationID).Error; err != nil {
			return err
		}
		if err := s.send(tx, decisionDecidedMail(s.urls(), &requester, app.CandidateID, app.ID, outcome)); err != nil {
			return err
		}
		return s.auditPersonalOfApplication(tx, SystemActor("consultation"), req.ApplicationID, "decision."+string(outcome), "application",
			req.ApplicationID, map[string]any{"request": req.ID}, map[string]any{"proposal": req.Proposal})
	})
}

// verdictAction is the audit action of one colleague's answer; the outcome
// of the whole consultation is "decision.approved" or "decision.objected".
func verdictAction(v Verdict) string {
	if v == VerdictApprove {
		return "decision.answer_approve"
	}
	return "decision.answer_object"
}

// WithdrawDecision closes an open consultation without a decision.
func (s *Store) WithdrawDecision(ctx context.Context, actor Actor, requestID int64) error {
	if !actor.Role.SeesAllCandidates() {
		return ErrForbidden
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&DecisionRequest{}).Where("id = ? AND status = ?", requestID, DecisionOpen).
			Updates(map[string]any{"status": DecisionWithdrawn, "decided_at": s.Now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		var req DecisionRequest
		if err := tx.First(&req, requestID).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "decision.withdrawn", "application", req.ApplicationID, map[string]any{"request": req.ID})
	})
}

// requireDecision is the gate to the offer stage: on a position that
// requires it, an offer goes out only after an approved consultation. (The
// offer stage opens only by sending an offer, see stageRules.)
func requireDecision(tx *gorm.DB, app *Application) error {
	if app.Position == nil || !app.Position.RequiresDecisionApproval {
		return nil
	}
	if pl := app.Position.Pipeline; pl.Index(app.Stage) >= pl.Index(StageOffer) {
		return nil // already past the decision: a revised offer needs no new one
	}
	var n int64
	if err := tx.Model(&DecisionRequest{}).Where("application_id = ? AND status = ?", app.ID, DecisionApproved).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return ErrDecisionNeeded
	}
	return nil
}

// Decisions loads the consultations of those applications actor may read
// (staff only), newest first, with the answers and who gave them.
func (s *Store) Decisions(ctx context.Context, actor Actor, appIDs []int64) ([]DecisionRequest, error) {
	appIDs, err := visibleApplications(s.db.WithContext(ctx), actor, appIDs, scopeStaffOnly)
	if err != nil {
		return nil, err
	}
	if len(appIDs) == 0 {
		return nil, nil
	}
	var raw []byte
	if err := s.db.WithContext(ctx).Raw("SELECT "+decisionsJSON("?"), appIDs).Row().Scan(&raw); err != nil {
		return nil, err
	}
	var out []DecisionRequest
	return out, decodeRows(raw, &out)
}

// decisionsJSON is the consultations of the applications whose ids the SQL
// apps gives (a list parameter or a subquery), as a JSON array, newest first:
// each with who asked and every colleague's answer in name order. The staff
// candidate page reads it in its one statement; other pages through
// Decisions.
func decisionsJSON(apps string) string {
	return `coalesce((SELECT jsonb_agg(to_jsonb(d) || jsonb_build_object('requester', u.name,
			'responses', coalesce((SELECT jsonb_agg(jsonb_build_object('request_id', r.request_id, 'staff_id', r.staff_id, 'verdict', r.verdict,
				'rationale', r.rationale, 'responded_at', r.responded_at, 'name', s.name, 'title', s.job_title) ORDER BY s.name, s.id)
				FROM decision_responses r JOIN staff_users s ON s.id = r.staff_id WHERE r.request_id = d.id), '[]')) ORDER BY d.id DESC)
		FROM decision_requests d JOIN staff_users u ON u.id = d.requested_by
		WHERE d.application_id IN (` + apps + `)), '[]')`
}

// PendingDecision is a consultation waiting for one person's answer.
type PendingDecision struct {
	DecisionRequest
	CandidateID   int64
	CandidateName string
	PositionTitle string
	RequesterName string
}

// PendingDecisions lists the consultations waiting for actor's answer.
func (s *Store) PendingDecisions(ctx context.Context, actor Actor) ([]PendingDecision, error) {
	var out []PendingDecision
	err := s.db.WithContext(ctx).Raw(`SELECT d.*, u.name AS requester_name, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title
		FROM decision_responses r JOIN decision_requests d ON d.id = r.request_id JOIN staff_users u ON u.id = d.requested_by
		JOIN applications a ON a.id = d.application_id JOIN candidates c ON c.id = a.candidate_id JOIN positions p ON p.id = a.position_id
		WHERE r.staff_id = ? AND r.verdict IS NULL AND d.status = 'open' AND a.status IN ('active', 'on_hold') ORDER BY d.id`, actor.ID).Scan(&out).Error
	return out, err
}
