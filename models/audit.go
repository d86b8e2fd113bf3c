package models

import (
	"context"
	"encoding/json"
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
// exists exactly when the change does.
func audit(tx *gorm.DB, actor Actor, action, subjectType string, subjectID int64, details map[string]any) error {
	e, err := newAuditEntry(actor, action, subjectType, subjectID, details)
	if err != nil {
		return err
	}
	return tx.Create(&e).Error
}

// auditAll appends many events in one statement (scheduled work acting on
// hundreds of rows in one transaction).
func auditAll(tx *gorm.DB, entries []AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	return tx.Create(&entries).Error
}

// newAuditEntry is the row audit writes.
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

// Audit records an event that has no other write (a sign-in, a failed check).
func (s *Store) Audit(ctx context.Context, actor Actor, action, subjectType string, subjectID int64, details map[string]any) error {
	return audit(s.db.WithContext(ctx), actor, action, subjectType, subjectID, details)
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
	q := s.db.WithContext(ctx).Model(&AuditEntry{})
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.ActorEmail != "" {
		q = q.Where("actor_email ILIKE ?", "%"+escapeLike(f.ActorEmail)+"%")
	}
	if f.Subject != "" {
		q = q.Where("subject_type = ?", f.Subject)
	}
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", f.To)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []AuditEntry
	page := max(f.Page, 1)
	if err := q.Order("id DESC").Limit(AuditPageSize).Offset((page - 1) * AuditPageSize).Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	return rows, total, nil
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
