package models

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Role is a staff member's role.
type Role string

// Staff roles.
const (
	RoleAdmin         Role = "admin"
	RoleRecruiter     Role = "recruiter"
	RoleHiringManager Role = "hiring_manager"
	RoleInterviewer   Role = "interviewer"
)

// Roles lists every role in display order.
func Roles() []Role { return []Role{RoleAdmin, RoleRecruiter, RoleHiringManager, RoleInterviewer} }

// Label is the role's display name.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Admin"
	case RoleRecruiter:
		return "Recruiter"
	case RoleHiringManager:
		return "Hiring manager"
	case RoleInterviewer:
		return "Interviewer"
	}
	return string(r)
}

// SigningRole is the capacity in which u signs for the employer: their job
// title, else their role (frozen with a countersignature, shown by /verify).
func (u StaffUser) SigningRole() string {
	if t := strings.TrimSpace(u.JobTitle); t != "" {
		return t
	}
	return u.Role.Label()
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles() {
		if k == r {
			return true
		}
	}
	return false
}

// SeesAllCandidates reports whether the role sees every candidate.
func (r Role) SeesAllCandidates() bool { return r == RoleAdmin || r == RoleRecruiter }

// ManagesPositions reports whether the role creates and edits positions.
func (r Role) ManagesPositions() bool { return r == RoleAdmin || r == RoleRecruiter }

// SeesCandidates reports whether the role may open the candidate list at all.
func (r Role) SeesCandidates() bool { return r != RoleInterviewer }

// StaffUser is an employee using the admin panel.
type StaffUser struct {
	ID           int64
	Email        string
	Name         string
	JobTitle     string // shown to candidates with the name ("Head of Sales")
	Role         Role
	PasswordHash string `gorm:"column:password_hash"`
	TOTPSecret   string `gorm:"column:totp_secret"`
	TOTPEnabled  bool   `gorm:"column:totp_enabled"`
	Active       bool
	// CanSignContracts lets the person countersign contracts for the employer.
	CanSignContracts bool
	// DigestEnabled: the person asked for the daily Needs-you email (staff_digest.go).
	DigestEnabled bool
	// TimeZone is the IANA zone the person's pages show, and their forms
	// take, times in; "" for the portal's (StaffZone). Read only here: it is
	// written by SetStaffZone alone.
	TimeZone  string `gorm:"->"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName binds the struct to its table.
func (StaffUser) TableName() string { return "staff_users" }

// Refusals of signing in.
var (
	ErrBadCredentials  = refusal(CodeUnauthorized, "The email or password is not correct.")
	ErrTooManyAttempts = refusal(CodeRateLimited, "Too many sign-in attempts. Wait 15 minutes and try again, or ask an admin for a sign-in link.")
	ErrBadTOTP         = refusal(CodeUnauthorized, "That code is not correct, or was already used. Enter the current 6-digit code from your authenticator app.")
	ErrTokenInvalid    = refusal(CodeGone, "This sign-in link is invalid, used or expired.")
)

// Sign-in rate limits, counted over LoginWindow across all instances.
const (
	LoginWindow         = 15 * time.Minute
	MaxFailuresPerEmail = 5
	MaxFailuresPerIP    = 30
	MinPasswordLength   = 10
)

// NormalizeEmail trims and lower-cases an address and checks its form.
func NormalizeEmail(raw string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(raw))
	if e == "" {
		return "", Invalid("email", "Enter an email address.")
	}
	if err := tooLong(e, limits.Email); err != nil {
		return "", err
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || !strings.Contains(e[strings.LastIndex(e, "@")+1:], ".") {
		return "", Invalid("email", "Enter an email address like name@example.com.")
	}
	return e, nil
}

// ValidatePassword checks a new password.
func ValidatePassword(pw string) error {
	n := len([]rune(pw))
	if n < MinPasswordLength {
		return Invalid("password", fmt.Sprintf("Use at least %d characters.", MinPasswordLength))
	}
	return tooLong(pw, limits.Password)
}

// StaffInput is the form for creating or inviting staff.
type StaffInput struct {
	Email    string
	Name     string
	Role     Role
	Password string // empty: the person sets one after signing in with the invitation link
}

func (in *StaffInput) validate() error {
	v := &Problems{}
	if email, err := NormalizeEmail(in.Email); err != nil {
		mergeFields(v, err)
	} else {
		in.Email = email
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		v.Add("name", "Enter the person's name.")
	}
	v.checkLength(in.Name, limits.Name)
	if !in.Role.Valid() {
		v.Add("role", "Choose a role.")
	}
	if in.Password != "" {
		if err := ValidatePassword(in.Password); err != nil {
			v.Add("password", FieldErrors(err)["password"])
		}
	}
	return v.Err()
}

// CreateStaff adds a staff member. With no password, the caller sends an invitation.
func (s *Store) CreateStaff(ctx context.Context, actor Actor, in StaffInput) (*StaffUser, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	u := &StaffUser{Email: in.Email, Name: in.Name, Role: in.Role, Active: true}
	if in.Password != "" {
		h, err := s.hashPassword(ctx, in.Password)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = h
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(u).Error; err != nil {
			if isUniqueViolation(err, "staff_users_email_key") {
				return Invalid("email", "A staff member with this email already exists.")
			}
			return err
		}
		return s.audit(tx, actor, "staff.created", "staff", u.ID, map[string]any{"staff_email": u.Email, "role": u.Role})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// InviteStaff creates a staff member and puts an invitation with a sign-in
// link in the outbox, in one transaction.
func (s *Store) InviteStaff(ctx context.Context, actor Actor, in StaffInput) (*StaffUser, error) {
	in.Password = ""
	if err := in.validate(); err != nil {
		return nil, err
	}
	u := &StaffUser{Email: in.Email, Name: in.Name, Role: in.Role, Active: true}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(u).Error; err != nil {
			if isUniqueViolation(err, "staff_users_email_key") {
				return Invalid("email", "A staff member with this email already exists.")
			}
			return err
		}
		raw, err := issueLoginToken(tx, LoginSubject{StaffID: u.ID}, s.Now().Add(InvitationLinkTTL))
		if err != nil {
			return err
		}
		if err := s.send(tx, staffInvitationMail(s.urls(), u, SignInURL(s.baseURL, raw))); err != nil {
			return err
		}
		return s.audit(tx, actor, "staff.invited", "staff", u.ID, map[string]any{"staff_email": u.Email, "role": u.Role})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// GetStaff loads a staff member by id.
func (s *Store) GetStaff(ctx context.Context, id int64) (*StaffUser, error) {
	var u StaffUser
	if err := s.db.WithContext(ctx).First(&u, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// StaffByEmail loads a staff member by email (case-insensitive).
func (s *Store) StaffByEmail(ctx context.Context, email string) (*StaffUser, error) {
	var u StaffUser
	if err := s.db.WithContext(ctx).Where("lower(email) = lower(?)", strings.TrimSpace(email)).First(&u).Error; err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// ListStaff returns all staff, active first.
func (s *Store) ListStaff(ctx context.Context) ([]StaffUser, error) {
	var out []StaffUser
	err := s.db.WithContext(ctx).Order("active DESC, lower(name)").Find(&out).Error
	return out, err
}

// StaffWithRole lists the active staff members holding role.
func (s *Store) StaffWithRole(ctx context.Context, role Role) ([]StaffUser, error) {
	var out []StaffUser
	err := s.db.WithContext(ctx).Where("role = ? AND active", role).Order("lower(name)").Find(&out).Error
	return out, err
}

// UpdateStaff changes a staff member's role and active flag. Deactivating
// ends all their sessions in the same transaction. Admins cannot demote or
// deactivate themselves, so there is always one admin left.
func (s *Store) UpdateStaff(ctx context.Context, actor Actor, userID int64, role Role, active, canSign bool) error {
	if actor.Role != RoleAdmin {
		return ErrForbidden
	}
	if !role.Valid() {
		return Invalid("role", "Choose a role.")
	}
	if userID == actor.ID && (role != RoleAdmin || !active) {
		return Invalid("role", "You cannot remove your own admin role or deactivate yourself; ask another admin.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var u StaffUser
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&u, userID).Error; err != nil {
			return notFound(err)
		}
		if err := tx.Model(&StaffUser{}).Where("id = ?", userID).Updates(map[string]any{"role": role, "active": active,
			"can_sign_contracts": canSign, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		if !active {
			if err := tx.Exec("DELETE FROM sessions WHERE staff_id = ?", userID).Error; err != nil {
				return err
			}
		}
		return s.audit(tx, actor, "staff.updated", "staff", userID, map[string]any{
			"staff_email": u.Email, "role_from": u.Role, "role_to": role, "active_from": u.Active, "active_to": active, "can_sign": canSign,
		})
	})
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// SendStaffSignInLink puts a one-time sign-in link for a staff member in the
// outbox: how an admin helps someone who forgot their password.
func (s *Store) SendStaffSignInLink(ctx context.Context, actor Actor, userID int64) error {
	if actor.Role != RoleAdmin {
		return ErrForbidden
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var u StaffUser
		if err := tx.First(&u, userID).Error; err != nil {
			return notFound(err)
		}
		if !u.Active {
			return Invalid("role", u.Name+" is deactivated; reactivate them first.")
		}
		raw, err := issueLoginToken(tx, LoginSubject{StaffID: u.ID}, s.Now().Add(InvitationLinkTTL))
		if err != nil {
			return err
		}
		if err := s.send(tx, staffSignInLinkMail(s.urls(), &u, SignInURL(s.baseURL, raw))); err != nil {
			return err
		}
		return s.audit(tx, actor, "staff.sign_in_link_sent", "staff", u.ID, nil)
	})
}

// SetJobTitle changes the title candidates read next to actor's name when
// they are on an interview panel or answer for the company.
func (s *Store) SetJobTitle(ctx context.Context, actor Actor, title string) error {
	title = strings.TrimSpace(title)
	if err := tooLong(title, limits.JobTitle); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&StaffUser{}).Where("id = ?", actor.ID).Updates(map[string]any{"job_title": title, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "staff.job_title_changed", "staff", actor.ID, map[string]any{"job_title": title})
	})
}
