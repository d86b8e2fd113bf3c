package models

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Erasure (issue 23, GDPR article 17). A candidate asks from their account
// page; an admin confirms, or declines with a reason the candidate is told
// (an application still in progress, a legal hold). Confirming anonymises
// the person everywhere through eraseCandidate, the one function that
// erases (the retention job calls it too, retention.go): their name becomes
// "Erased candidate #N", contact details, free text, files and message
// bodies go, their referees' personal data goes, and their per-person key is
// destroyed so what the append-only tables sealed with it can no longer be
// read. Rows stay, so the reports' figures do not change. A signed contract
// of a hire is kept whole under legal hold, and the person's record says why.

// ErasureStatus is where an erasure request stands.
type ErasureStatus string

// The states of an erasure request.
const (
	ErasureRequested ErasureStatus = "requested"
	ErasureDone      ErasureStatus = "erased"
	ErasureDeclined  ErasureStatus = "declined"
	ErasureWithdrawn ErasureStatus = "withdrawn"
)

// Label is the status as the pages name it.
func (s ErasureStatus) Label() string {
	switch s {
	case ErasureRequested:
		return "Waiting for an admin"
	case ErasureDone:
		return "Erased"
	case ErasureDeclined:
		return "Declined"
	case ErasureWithdrawn:
		return "Withdrawn by the candidate"
	}
	return string(s)
}

// ErasureCause says why a person is erased: they asked, or the retention
// period ran out.
type ErasureCause string

// The causes of an erasure.
const (
	ErasureCauseRequest   ErasureCause = "request"
	ErasureCauseRetention ErasureCause = "retention"
)

// ErasureRequest is one request to erase a candidate.
type ErasureRequest struct {
	ID            int64
	CandidateID   int64
	RequestedAt   time.Time
	Status        ErasureStatus
	DecidedBy     *int64
	DecidedAt     *time.Time
	DeclineReason string
}

// TableName binds the struct to its table.
func (ErasureRequest) TableName() string { return "erasure_requests" }

// LegalHoldReason is what the person's record says about a signed contract
// of a hire that erasure keeps.
const LegalHoldReason = "A signed employment contract is an employment record: it is kept, with the name it was signed in, for as long as the law requires after employment ends."

// ErasedName is the name an erased candidate is shown by.
func ErasedName(id int64) string { return "Erased candidate #" + strconv.FormatInt(id, 10) }

// The refusals of erasure.
var (
	errErasureAlreadyAsked = refusal(CodeConflict, "You have already asked us to erase your data. An administrator will confirm it soon.")
	errNoErasureRequest    = refusal(CodeConflict, "There is no open request to erase this person's data: it was decided or withdrawn already. Reload the page to see where it stands.")
	errAlreadyErased       = refusal(CodeConflict, "This person's data has already been erased.")
	errErasedNoApplication = refusal(CodeConflict, "This person's data was erased: add them again as a new candidate if they apply again.")
	errErasedRecordClosed  = refusal(CodeConflict, "This person's data was erased: nothing more is added to their record.")
	errDeclineNeedsReason  = Invalid("reason", "Say why the data is not erased: the candidate reads this sentence.")
)

// openApplicationsRefusal names the applications still in progress, which an
// admin closes (or declines the request over) before erasing.
func openApplicationsRefusal(titles []string) error {
	return refusal(CodeConflict, "This candidate still has an application in progress ("+strings.Join(titles, ", ")+
		"). Reject or withdraw it first, or decline the request and say so.")
}

// RequestErasure records the signed-in candidate's request to erase their
// data, for an admin to confirm.
func (s *Store) RequestErasure(ctx context.Context, actor Actor) (*ErasureRequest, error) {
	if actor.Kind != "candidate" {
		return nil, ErrForbidden
	}
	req := &ErasureRequest{CandidateID: actor.ID, RequestedAt: s.Now(), Status: ErasureRequested}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(req).Error; err != nil {
			if isUniqueViolation(err, "erasure_requests_one_open") {
				return errErasureAlreadyAsked
			}
			return err
		}
		// Asking, taking it back and asking again tells the admins once a day.
		var toldToday bool
		if err := tx.Raw("SELECT EXISTS (SELECT 1 FROM erasure_requests WHERE candidate_id = ? AND id <> ? AND requested_at > ?)",
			actor.ID, req.ID, s.Now().Add(-24*time.Hour)).Scan(&toldToday).Error; err != nil {
			return err
		}
		var admins []StaffUser
		if err := tx.Where("role = ? AND active AND NOT ?", RoleAdmin, toldToday).Order("id").Find(&admins).Error; err != nil {
			return err
		}
		drafts := make([]draft, 0, len(admins))
		for i := range admins {
			drafts = append(drafts, erasureRequestedMail(s.urls(), &admins[i], actor.ID))
		}
		if err := s.sendAll(tx, drafts); err != nil {
			return err
		}
		return s.audit(tx, actor, "erasure.requested", "candidate", actor.ID, map[string]any{"request_id": req.ID})
	})
	if err != nil {
		return nil, err
	}
	return req, nil
}

// WithdrawErasureRequest lets the candidate take back an open request.
func (s *Store) WithdrawErasureRequest(ctx context.Context, actor Actor) error {
	if actor.Kind != "candidate" {
		return ErrForbidden
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&ErasureRequest{}).Where("candidate_id = ? AND status = ?", actor.ID, ErasureRequested).
			Updates(map[string]any{"status": ErasureWithdrawn, "decided_at": s.Now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errNoErasureRequest
		}
		return s.audit(tx, actor, "erasure.withdrawn", "candidate", actor.ID, nil)
	})
}

// MyErasureRequest is the candidate's latest request, nil when they never asked.
func (s *Store) MyErasureRequest(ctx context.Context, actor Actor) (*ErasureRequest, error) {
	if actor.Kind != "candidate" {
		return nil, ErrForbidden
	}
	var reqs []ErasureRequest
	if err := s.db.WithContext(ctx).Where("candidate_id = ?", actor.ID).Order("id DESC").Limit(1).Find(&reqs).Error; err != nil {
		return nil, err
	}
	if len(reqs) == 0 {
		return nil, nil
	}
	return &reqs[0], nil
}

// DeclineErasure refuses a request with the reason the candidate is told.
func (s *Store) DeclineErasure(ctx context.Context, actor Actor, requestID int64, reason string) error {
	if !actor.IsStaff() || actor.Role != RoleAdmin {
		return ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return errDeclineNeedsReason
	}
	if err := tooLong(reason, limits.ErasureDeclineReason); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		req, err := openErasureRequest(tx, requestID)
		if err != nil {
			return err
		}
		if err := tx.Model(req).Updates(map[string]any{"status": ErasureDeclined, "decided_at": s.Now(),
			"decided_by": actor.ID, "decline_reason": reason}).Error; err != nil {
			return err
		}
		var c Candidate
		if err := tx.First(&c, req.CandidateID).Error; err != nil {
			return err
		}
		if err := s.send(tx, erasureDeclinedMail(s.urls(), &c, reason)); err != nil {
			return err
		}
		return s.audit(tx, actor, "erasure.declined", "candidate", req.CandidateID, map[string]any{"request_id": req.ID})
	})
}

// ConfirmErasure erases the person a request is about. It is refused while
// any of their applications is still in progress.
func (s *Store) ConfirmErasure(ctx context.Context, actor Actor, requestID int64) error {
	if !actor.IsStaff() || actor.Role != RoleAdmin {
		return ErrForbidden
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		req, err := openErasureRequest(tx, requestID)
		if err != nil {
			return err
		}
		var open []string
		if err := tx.Raw(openApplicationTitlesOf("?"), req.CandidateID).Scan(&open).Error; err != nil {
			return err
		}
		if len(open) > 0 {
			return openApplicationsRefusal(open)
		}
		if err := s.eraseCandidate(tx, actor, req.CandidateID, ErasureCauseRequest); err != nil {
			return err
		}
		return tx.Model(req).Updates(map[string]any{"status": ErasureDone, "decided_at": s.Now(), "decided_by": actor.ID}).Error
	})
}

// refuseErased refuses adding anything to an erased person's record (a
// note, a document): it would bring back what erasure removed.
func refuseErased(db *gorm.DB, candidateID int64) error {
	var erased bool
	if err := db.Raw("SELECT erased_at IS NOT NULL FROM candidates WHERE id = ?", candidateID).Scan(&erased).Error; err != nil {
		return err
	}
	if erased {
		return errErasedRecordClosed
	}
	return nil
}

// openErasureRequest locks a request that still waits for a decision.
func openErasureRequest(tx *gorm.DB, id int64) (*ErasureRequest, error) {
	var req ErasureRequest
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&req).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return nil, ErrNotFound
	case err != nil:
		return nil, err
	case req.Status != ErasureRequested:
		return nil, errNoErasureRequest
	}
	return &req, nil
}

// heldContractsOf selects the contracts of candidate (an SQL expression)
// that legal hold keeps: signed by both sides (or on paper) for an
// application that ended in a hire, and not erased.
func heldContractsOf(candidate string) string {
	return `SELECT k.id FROM contracts k JOIN applications a ON a.id = k.application_id
		WHERE a.candidate_id = ` + candidate + ` AND a.status = 'hired' AND k.status IN ('completed', 'written_form') AND k.erased_at IS NULL`
}

// openApplicationTitlesOf selects the position titles of candidate's
// applications still in progress, which stop an erasure.
func openApplicationTitlesOf(candidate string) string {
	return `SELECT p.title FROM applications a JOIN positions p ON p.id = a.position_id
		WHERE a.candidate_id = ` + candidate + ` AND a.status IN ('active', 'on_hold') ORDER BY a.id`
}

// legalHoldReason is why something of the candidate's must outlive their
// erasure, "" when nothing must: a contract both sides signed (or signed on
// paper) for an application that ended in a hire.
func legalHoldReason(tx *gorm.DB, candidateID int64) (string, error) {
	var held bool
	err := tx.Raw(`SELECT EXISTS (`+heldContractsOf("?")+`)`, candidateID).Scan(&held).Error
	if err != nil || !held {
		return "", err
	}
	return LegalHoldReason, nil
}

// eraseCandidate anonymises one candidate in the caller's transaction: the
// one way anybody is erased. It writes one audit entry naming only ids.
func (s *Store) eraseCandidate(tx *gorm.DB, actor Actor, candidateID int64, cause ErasureCause) error {
	var c struct {
		Name     string
		Email    string
		ErasedAt *time.Time
	}
	if err := tx.Raw("SELECT name, email, erased_at FROM candidates WHERE id = ? FOR UPDATE", candidateID).Scan(&c).Error; err != nil {
		return err
	}
	if c.Email == "" {
		return ErrNotFound
	}
	if c.ErasedAt != nil {
		return errAlreadyErased
	}
	hold, err := legalHoldReason(tx, candidateID)
	if err != nil {
		return err
	}
	if err := s.scrubCandidate(tx, candidateID, c.Name, c.Email, hold); err != nil {
		return err
	}
	// What the append-only tables sealed with their key can no longer be read.
	if err := s.destroyPersonKey(tx, candidateID); err != nil {
		return err
	}
	return s.audit(tx, actor, "candidate.erased", "candidate", candidateID, map[string]any{"cause": cause, "legal_hold": hold != ""})
}

// The messages of erasure.
const (
	// MsgErasureDeclined tells a candidate why their data was not erased.
	MsgErasureDeclined MessageKind = "erasure_declined"
	// MsgErasureRequested tells the admins a request waits for them. It
	// names the candidate by number only, so it holds nothing to erase.
	MsgErasureRequested MessageKind = "erasure_requested"
)

// erasureMessages joins messageCatalogue (registered in messages.go).
var erasureMessages = map[MessageKind]MessageTemplate{
	MsgErasureDeclined: {
		Label: "Request to erase data declined", Editable: true,
		Subject:      "About your request to erase your data",
		Body:         "Hello {{candidate_name}},\n\nYou asked {{company}} to erase the data we hold about you. We cannot do that yet, and this is why:\n\n{{reason}}\n\nYou can ask again, or download a copy of your data, on your account page:\n{{account_link}}",
		Placeholders: []string{"candidate_name", "company", "reason", "account_link"}, Required: []string{"reason", "account_link"},
	},
	MsgErasureRequested: {
		Label:        "Candidate asked to erase their data",
		Subject:      "Candidate #{{candidate_number}} asked us to erase their data",
		Body:         "Hello {{name}},\n\nCandidate #{{candidate_number}} asked us to erase the data we hold about them. Confirm it, or decline it with a reason, within a month:\n{{link}}",
		Placeholders: []string{"name", "company", "candidate_number", "link"},
	},
}

func erasureRequestedMail(su siteURLs, admin *StaffUser, candidateID int64) draft {
	path := su.ErasureRequests()
	return toStaff(admin, MsgErasureRequested, path, map[string]string{"candidate_number": strconv.FormatInt(candidateID, 10), "link": su.abs(path)})
}

func erasureDeclinedMail(u siteURLs, c *Candidate, reason string) draft {
	return toCandidate(c, MsgErasureDeclined, map[string]string{"reason": reason, "account_link": u.abs(u.MyAccount())})
}

// ErasureRequestRow is one request on the admins' page, with what decides it.
type ErasureRequestRow struct {
	ErasureRequest
	CandidateName    string
	OpenApplications string // titles of the positions still in progress, comma-separated
	LegalHold        bool   // a signed contract of a hire will be kept
}

// ErasureRequestsPage is how many requests the admins' page lists at most.
const ErasureRequestsPage = 100

// ErasureRequests lists the open requests, oldest first, then those decided
// in the last 90 days, to admins only.
func (s *Store) ErasureRequests(ctx context.Context, actor Actor) ([]ErasureRequestRow, error) {
	if !actor.IsStaff() || actor.Role != RoleAdmin {
		return nil, ErrForbidden
	}
	var rows []ErasureRequestRow
	err := s.db.WithContext(ctx).Raw(`SELECT r.*, c.name AS candidate_name,
			coalesce((SELECT string_agg(o.title, ', ') FROM (`+openApplicationTitlesOf("r.candidate_id")+`) o), '') AS open_applications,
			EXISTS (`+heldContractsOf("r.candidate_id")+`) AS legal_hold
		FROM erasure_requests r JOIN candidates c ON c.id = r.candidate_id
		WHERE r.status = 'requested' OR r.decided_at > ?
		ORDER BY r.status <> 'requested', CASE WHEN r.status = 'requested' THEN r.requested_at END, r.decided_at DESC
		LIMIT ?`, s.Now().AddDate(0, 0, -90), ErasureRequestsPage).Scan(&rows).Error
	return rows, err
}
