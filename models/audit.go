package models

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Actor is whoever causes a change, with the request facts the audit log keeps.
type Actor struct {
	Kind      string // staff, candidate, system
	ID        int64
	Email     string
	Role      Role // staff only
	IP        string
	UserAgent string
}

// SystemActor is used by command-line tools and background work.
func SystemActor(label string) Actor { return Actor{Kind: "system", Email: label} }

// IsStaff reports whether the actor is a signed-in staff member.
func (a Actor) IsStaff() bool { return a.Kind == "staff" }

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	ID          int64
	ActorKind   string
	ActorID     *int64
	ActorEmail  string
	Action      string
	SubjectType string
	SubjectID   *int64
	IP          string
	UserAgent   string
	Details     []byte `gorm:"type:jsonb"`
	CreatedAt   time.Time
	PersonID    *int64 // the candidate whose data Personal holds
	Personal    []byte // auditPart sealed with the person's key (person_keys)
	PersonKey   []byte `gorm:"->"` // read beside the row (auditWithKeys): nil once erased
}

// TableName binds the struct to its table.
func (AuditEntry) TableName() string { return "audit_log" }

// DetailsText renders the details as compact key=value pairs for display.
func (e AuditEntry) DetailsText() string {
	var m map[string]any
	if json.Unmarshal(e.Details, &m) != nil || len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// audit appends one event inside the caller's transaction, so the event
// exists exactly when the change does. details must hold nothing personal
// (TestAuditDetailsHoldNothingPersonal): a candidate's own data goes through
// auditPersonal. When the actor is a candidate (or a referee, on their
// candidate's application) their email, address and browser are sealed with
// the candidate's key all the same.
func (s *Store) audit(tx *gorm.DB, actor Actor, action, subjectType string, subjectID int64, details map[string]any) error {
	switch {
	case actor.Kind == "candidate":
		return s.writeAudit(tx, actor, personOfCandidate, actor.ID, action, subjectType, subjectID, details, nil)
	case actor.Kind == "referee" && subjectType == "application":
		return s.writeAudit(tx, actor, personOfApplication, subjectID, action, subjectType, subjectID, details, nil)
	case actor.Kind == "referee":
		return fault("a referee's audit entry names no application")
	}
	e, err := newAuditEntry(actor, action, subjectType, subjectID, details)
	if err != nil {
		return err
	}
	return tx.Create(&e).Error
}

// auditPersonal appends an event that carries personal data of candidateID:
// personal is sealed with their key, with the actor's address and browser
// (and the actor's email when the actor is that candidate or their referee);
// details stays readable and must hold nothing personal. Erasing the
// candidate destroys the key, and with it everything personal here.
func (s *Store) auditPersonal(tx *gorm.DB, actor Actor, candidateID int64, action, subjectType string, subjectID int64,
	details, personal map[string]any) error {
	return s.writeAudit(tx, actor, personOfCandidate, candidateID, action, subjectType, subjectID, details, personal)
}

// auditPart is what an audit row keeps sealed.
type auditPart struct {
	ActorEmail string         `json:"actor_email,omitempty"`
	IP         string         `json:"ip,omitempty"`
	UserAgent  string         `json:"user_agent,omitempty"`
	Details    map[string]any `json:"details,omitempty"`
}

func (s *Store) writeAudit(tx *gorm.DB, actor Actor, of string, id int64, action, subjectType string, subjectID int64,
	details, personal map[string]any) error {
	e, err := newAuditEntry(actor, action, subjectType, subjectID, details)
	if err != nil {
		return err
	}
	person, ring, err := s.personKey(tx, of, id)
	if err != nil {
		return err
	}
	part := auditPart{IP: e.IP, UserAgent: e.UserAgent, Details: personal}
	if (actor.Kind == "candidate" && actor.ID == person) || actor.Kind == "referee" {
		part.ActorEmail, e.ActorEmail = e.ActorEmail, ""
	}
	e.IP, e.UserAgent = "", ""
	if e.Personal, err = sealPersonal(ring, part); err != nil {
		return err
	}
	e.PersonID = &person
	return tx.Create(&e).Error
}

// auditAll appends many events in one statement (scheduled work acting on
// hundreds of rows in one transaction); like audit's, their details hold
// nothing personal.
func auditAll(tx *gorm.DB, entries []AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	return tx.Create(&entries).Error
}

// newAuditEntry is the row audit writes, every field in clear.
func newAuditEntry(actor Actor, action, subjectType string, subjectID int64, details map[string]any) (AuditEntry, error) {
	if details == nil {
		details = map[string]any{}
	}
	b, err := json.Marshal(details)
	if err != nil {
		return AuditEntry{}, err
	}
	e := AuditEntry{
		ActorKind: actor.Kind, ActorEmail: actor.Email, Action: action, SubjectType: subjectType,
		IP: actor.IP, UserAgent: truncate(actor.UserAgent, 500), Details: b,
	}
	if e.ActorKind == "" {
		e.ActorKind = "system"
	}
	if actor.ID != 0 {
		id := actor.ID
		e.ActorID = &id
	}
	if subjectID != 0 {
		e.SubjectID = &subjectID
	}
	return e, nil
}

// auditWithKeys reads audit rows with each row's person key beside it, so
// their personal parts open in Go (revealAudit) with no query per row.
func auditWithKeys(db *gorm.DB) *gorm.DB {
	return db.Model(&AuditEntry{}).Select("audit_log.*, person_keys.sealed_key AS person_key").
		Joins("LEFT JOIN person_keys ON person_keys.candidate_id = audit_log.person_id")
}

// revealAudit opens the personal part of each entry into its fields and
// details; where the person's key was destroyed, what was sealed reads
// Erased. A key that does not open is an error, never shown.
func (s *Store) revealAudit(entries []AuditEntry) error {
	for i := range entries {
		e := &entries[i]
		if e.Personal == nil {
			continue
		}
		var part auditPart
		err := s.openPersonal(e.PersonKey, e.Personal, &part)
		if errors.Is(err, errPersonKeyGone) {
			part = auditPart{ActorEmail: Erased, IP: Erased, UserAgent: Erased, Details: map[string]any{"personal": Erased}}
			if e.ActorEmail != "" || e.ActorKind == "staff" || e.ActorKind == "system" {
				part.ActorEmail = ""
			}
		} else if err != nil {
			return err
		}
		if part.ActorEmail != "" {
			e.ActorEmail = part.ActorEmail
		}
		e.IP, e.UserAgent = part.IP, part.UserAgent
		if len(part.Details) > 0 {
			var d map[string]any
			if json.Unmarshal(e.Details, &d) != nil || d == nil {
				d = map[string]any{}
			}
			for k, v := range part.Details {
				d[k] = v
			}
			if e.Details, err = json.Marshal(d); err != nil {
				return err
			}
		}
	}
	return nil
}

// Audit records an event that has no other write (a sign-in, a failed check).
func (s *Store) Audit(ctx context.Context, actor Actor, action, subjectType string, subjectID int64, details map[string]any) error {
	return s.audit(s.db.WithContext(ctx), actor, action, subjectType, subjectID, details)
}

// AuditFilter narrows the audit log page.
type AuditFilter struct {
	Action     string
	ActorEmail string
	Subject    string // e.g. "candidate"
	From, To   time.Time
	Page       int
}

// AuditPageSize is how many audit rows one page shows.
const AuditPageSize = 50

// ListAudit returns one page of the audit log, newest first, and the total,
// to admins only; anyone else gets ErrForbidden and nothing.
func (s *Store) ListAudit(ctx context.Context, actor Actor, f AuditFilter) ([]AuditEntry, int64, error) {
	if !actor.IsStaff() || actor.Role != RoleAdmin {
		return nil, 0, ErrForbidden
	}
	filter := func(q *gorm.DB) *gorm.DB {
		if f.Action != "" {
			q = q.Where("audit_log.action = ?", f.Action)
		}
		if f.ActorEmail != "" { // staff emails are in clear; a candidate's are sealed, and found by no filter
			q = q.Where("audit_log.actor_email ILIKE ?", "%"+escapeLike(f.ActorEmail)+"%")
		}
		if f.Subject != "" {
			q = q.Where("audit_log.subject_type = ?", f.Subject)
		}
		if !f.From.IsZero() {
			q = q.Where("audit_log.created_at >= ?", f.From)
		}
		if !f.To.IsZero() {
			q = q.Where("audit_log.created_at < ?", f.To)
		}
		return q
	}
	db := s.db.WithContext(ctx)
	var total int64
	if err := filter(db.Model(&AuditEntry{})).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []AuditEntry
	page := max(f.Page, 1)
	if err := filter(auditWithKeys(db)).Order("audit_log.id DESC").Limit(AuditPageSize).Offset((page - 1) * AuditPageSize).Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	return rows, total, s.revealAudit(rows)
}

// ContractTrail is a contract's audit events in order (its signature
// record), for whoever may read the contract; ErrNotFound for anyone else.
func (s *Store) ContractTrail(ctx context.Context, actor Actor, contractID int64) ([]AuditEntry, error) {
	if err := contractVisible(s.db.WithContext(ctx), actor, contractID); err != nil {
		return nil, err
	}
	return s.contractTrail(s.db.WithContext(ctx), contractID)
}

// contractTrail reads a contract's audit events in order, their personal
// parts opened (the signer's email, address and typed name; Erased once the
// candidate's key is gone).
func (s *Store) contractTrail(db *gorm.DB, contractID int64) ([]AuditEntry, error) {
	var out []AuditEntry
	if err := auditWithKeys(db).Where("audit_log.subject_type = 'contract' AND audit_log.subject_id = ?", contractID).
		Order("audit_log.id").Find(&out).Error; err != nil {
		return nil, err
	}
	return out, s.revealAudit(out)
}

// AuditActions lists the distinct actions recorded, for the filter menu.
func (s *Store) AuditActions(ctx context.Context) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Model(&AuditEntry{}).Distinct("action").Order("action").Pluck("action", &out).Error
	return out, err
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// auditPersonalOfApplication is auditPersonal for the candidate of appID,
// found in the same statement as their key.
func (s *Store) auditPersonalOfApplication(tx *gorm.DB, actor Actor, appID int64, action, subjectType string, subjectID int64,
	details, personal map[string]any) error {
	return s.writeAudit(tx, actor, personOfApplication, appID, action, subjectType, subjectID, details, personal)
}
