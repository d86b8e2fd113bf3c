package models

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"runtime/debug"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
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
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// TableName binds the struct to its table.
func (StaffUser) TableName() string { return "staff_users" }

// Errors of signing in.
var (
	ErrBadCredentials  = errors.New("the email or password is not correct")
	ErrTooManyAttempts = errors.New("too many sign-in attempts")
	ErrTOTPRequired    = errors.New("a one-time code is required")
	ErrBadTOTP         = errors.New("the one-time code is not correct")
	// ErrBusy: too many password checks at once; try again in a moment.
	ErrBusy             = errors.New("busy")
	ErrTokenInvalid     = errors.New("this sign-in link is invalid, used or expired")
	ErrPasswordTooShort = errors.New("password too short")
)

// Sign-in rate limits, counted over LoginWindow across all instances.
const (
	LoginWindow         = 15 * time.Minute
	MaxFailuresPerEmail = 5
	MaxFailuresPerIP    = 30
	MinPasswordLength   = 10
	MaxPasswordLength   = 200
)

// NormalizeEmail trims and lower-cases an address and checks its form.
func NormalizeEmail(raw string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(raw))
	if e == "" {
		return "", errors.New("Enter an email address.")
	}
	if len(e) > 254 {
		return "", errors.New("The email address is too long (254 characters at most).")
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || !strings.Contains(e[strings.LastIndex(e, "@")+1:], ".") {
		return "", errors.New("Enter an email address like name@example.com.")
	}
	return e, nil
}

// ValidatePassword checks a new password.
func ValidatePassword(pw string) error {
	n := len([]rune(pw))
	if n < MinPasswordLength {
		return Invalid("password", fmt.Sprintf("Use at least %d characters.", MinPasswordLength))
	}
	if n > MaxPasswordLength {
		return Invalid("password", fmt.Sprintf("Use at most %d characters.", MaxPasswordLength))
	}
	return nil
}

// StaffInput is the form for creating or inviting staff.
type StaffInput struct {
	Email    string
	Name     string
	Role     Role
	Password string // empty: the person sets one after signing in with the invitation link
}

func (in *StaffInput) validate() error {
	v := &ValidationError{}
	if email, err := NormalizeEmail(in.Email); err != nil {
		v.Add("email", err.Error())
	} else {
		in.Email = email
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		v.Add("name", "Enter the person's name.")
	} else if len([]rune(in.Name)) > 200 {
		v.Add("name", "The name is too long (200 characters at most).")
	}
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
		return audit(tx, actor, "staff.created", "staff", u.ID, map[string]any{"email": u.Email, "role": u.Role})
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
		if err := s.send(tx, staffInvitationMail(u, SignInURL(s.baseURL, raw))); err != nil {
			return err
		}
		return audit(tx, actor, "staff.invited", "staff", u.ID, map[string]any{"email": u.Email, "role": u.Role})
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

// dummyHash keeps sign-in for an unknown email as slow as for a known one.
// It is a constant (argon2id.DefaultParams, made once) rather than computed
// at start, which would cost every process 64 MB before its first request.
const dummyHash = "$argon2id$v=19$m=65536,t=1,p=2$41XtvIjcSpV3RRVmpiEMYw$hTTMar8ksguG7kNN3W1zp4UUG4XggxJNQIw5Y4f5iYI"

// Authenticate checks email and password. The attempt is counted before the
// password is hashed, under a lock per account and per IP, so concurrent
// guesses cannot outrun the limits; the count lives in the database so the
// limits hold across instances.
func (s *Store) Authenticate(ctx context.Context, email, password, ip string) (*StaffUser, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	release, err := s.takeHashSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	attempt, err := s.BeginLoginAttempt(ctx, email, ip)
	if err != nil {
		return nil, err
	}
	u, err := s.StaffByEmail(ctx, email)
	ok := false
	switch {
	case err == nil && u.Active && u.PasswordHash != "":
		ok, err = argon2id.ComparePasswordAndHash(password, u.PasswordHash)
		if err != nil {
			return nil, err
		}
	case err == nil || errors.Is(err, ErrNotFound):
		_, _ = argon2id.ComparePasswordAndHash(password, dummyHash)
	default:
		return nil, err
	}
	if !ok {
		return nil, ErrBadCredentials
	}
	if err := s.FinishLoginAttempt(ctx, attempt); err != nil {
		return nil, err
	}
	return u, nil
}

// BeginLoginAttempt counts one sign-in attempt (password or second factor) as
// a failure until FinishLoginAttempt says it succeeded. It refuses with
// ErrTooManyAttempts when the account or the IP has failed too often lately.
// Checking and counting happen under transaction-level advisory locks on the
// account and the IP, so parallel attempts are counted one after another.
func (s *Store) BeginLoginAttempt(ctx context.Context, email, ip string) (int64, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var id int64
	throttled := false
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext('login:email:' || ?)), pg_advisory_xact_lock(hashtext('login:ip:' || ?))", email, ip).Error; err != nil {
			return err
		}
		since := s.Now().Add(-LoginWindow)
		var n struct{ ByEmail, ByIP int64 }
		if err := tx.Raw(`SELECT count(*) FILTER (WHERE email = ?) AS by_email, count(*) FILTER (WHERE ip = ?) AS by_ip
			FROM login_attempts WHERE (email = ? OR ip = ?) AND NOT success AND created_at > ?`, email, ip, email, ip, since).Scan(&n).Error; err != nil {
			return err
		}
		if n.ByEmail >= MaxFailuresPerEmail || n.ByIP >= MaxFailuresPerIP {
			throttled = true
			return nil
		}
		return tx.Raw("INSERT INTO login_attempts (email, ip, success, created_at) VALUES (?, ?, false, ?) RETURNING id", email, ip, s.Now()).Scan(&id).Error
	})
	if err != nil {
		return 0, err
	}
	if throttled {
		_ = s.Audit(ctx, Actor{Kind: "system", Email: email, IP: ip}, "staff.sign_in_throttled", "", 0, nil)
		return 0, ErrTooManyAttempts
	}
	return id, nil
}

// FinishLoginAttempt records that an attempt succeeded.
func (s *Store) FinishLoginAttempt(ctx context.Context, id int64) error {
	return s.db.WithContext(ctx).Exec("UPDATE login_attempts SET success = true WHERE id = ?", id).Error
}

// takeHashSlot bounds the password hashes computed at once (argon2id takes
// 64 MB each): a flood of sign-ins waits briefly, then gets ErrBusy, instead
// of exhausting the server's memory.
func (s *Store) takeHashSlot(ctx context.Context) (release func(), err error) {
	t := time.NewTimer(hashSlotWait)
	defer t.Stop()
	select {
	case s.hashSlots <- struct{}{}:
		return func() {
			<-s.hashSlots
			if len(s.hashSlots) == 0 {
				// Hand the hash's 64 MB back to the system now: sign-ins are
				// rare, and a page server should stay small between them.
				debug.FreeOSMemory()
			}
		}, nil
	case <-t.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// hashSlotWait is how long a sign-in waits for a free hashing slot.
const hashSlotWait = 2 * time.Second

func (s *Store) comparePassword(ctx context.Context, password, hash string) (bool, error) {
	release, err := s.takeHashSlot(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return argon2id.ComparePasswordAndHash(password, hash)
}

func (s *Store) hashPassword(ctx context.Context, password string) (string, error) {
	release, err := s.takeHashSlot(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return argon2id.CreateHash(password, s.passwordParams)
}

// PasswordChange is a request to replace a password.
type PasswordChange struct {
	Current string
	New     string
	// ByResetLink: the session was opened by a one-time sign-in link (the way
	// back in after a forgotten password), so the current password is not asked.
	ByResetLink bool
	// KeepSession is the hash of the session making the change; every other
	// session of the user ends with the change.
	KeepSession []byte
}

// ChangePassword replaces the user's password after checking the current one
// (not asked when the user has none yet or came by a sign-in link) and ends
// the user's other sessions in the same transaction.
func (s *Store) ChangePassword(ctx context.Context, actor Actor, userID int64, in PasswordChange) error {
	u, err := s.GetStaff(ctx, userID)
	if err != nil {
		return err
	}
	if u.PasswordHash != "" && !in.ByResetLink {
		ok, err := s.comparePassword(ctx, in.Current, u.PasswordHash)
		if err != nil {
			return err
		}
		if !ok {
			return Invalid("current_password", "The current password is not correct.")
		}
	}
	if err := ValidatePassword(in.New); err != nil {
		return Invalid("new_password", FieldErrors(err)["password"])
	}
	h, err := s.hashPassword(ctx, in.New)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&StaffUser{}).Where("id = ?", userID).Updates(map[string]any{"password_hash": h, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		res := tx.Exec("DELETE FROM sessions WHERE staff_id = ? AND id_hash IS DISTINCT FROM ?", userID, in.KeepSession)
		if res.Error != nil {
			return res.Error
		}
		return audit(tx, actor, "staff.password_changed", "staff", userID, map[string]any{"by_reset_link": in.ByResetLink, "other_sessions_ended": res.RowsAffected})
	})
}

// EnableTOTP turns on the second factor once the user proves the secret works.
func (s *Store) EnableTOTP(ctx context.Context, actor Actor, userID int64, secret, code string) error {
	step, ok := totpStep(secret, code, s.Now())
	if !ok {
		return Invalid("code", "That code does not match. Check the time on your phone and enter the current 6-digit code.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&StaffUser{}).Where("id = ?", userID).Updates(map[string]any{"totp_secret": secret, "totp_enabled": true,
			"totp_last_step": step, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		return audit(tx, actor, "staff.totp_enabled", "staff", userID, nil)
	})
}

// DisableTOTP turns the second factor off, once the user proves it is them
// with their password or a current code: a session left open on a shared
// computer must not be enough.
func (s *Store) DisableTOTP(ctx context.Context, actor Actor, userID int64, proof string) error {
	u, err := s.GetStaff(ctx, userID)
	if err != nil {
		return err
	}
	if strings.TrimSpace(proof) == "" {
		return Invalid("proof", "Enter your password or a current code from your authenticator app.")
	}
	proven := false
	if u.TOTPEnabled && len(strings.ReplaceAll(strings.TrimSpace(proof), " ", "")) == 6 {
		proven = s.AcceptTOTP(ctx, u, proof) == nil
	}
	if !proven && u.PasswordHash != "" {
		if proven, err = s.comparePassword(ctx, proof, u.PasswordHash); err != nil {
			return err
		}
	}
	if !proven {
		return Invalid("proof", "That is neither your password nor a current code.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&StaffUser{}).Where("id = ?", userID).Updates(map[string]any{"totp_secret": "", "totp_enabled": false, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		return audit(tx, actor, "staff.totp_disabled", "staff", userID, nil)
	})
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
		return audit(tx, actor, "staff.updated", "staff", userID, map[string]any{
			"email": u.Email, "role_from": u.Role, "role_to": role, "active_from": u.Active, "active_to": active, "can_sign": canSign,
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
		if err := s.send(tx, staffSignInLinkMail(&u, SignInURL(s.baseURL, raw))); err != nil {
			return err
		}
		return audit(tx, actor, "staff.sign_in_link_sent", "staff", u.ID, nil)
	})
}

// SetJobTitle changes the title candidates read next to actor's name when
// they are on an interview panel or answer for the company.
func (s *Store) SetJobTitle(ctx context.Context, actor Actor, title string) error {
	title = strings.TrimSpace(title)
	if len([]rune(title)) > 200 {
		return Invalid("job_title", "The job title is too long (200 characters at most).")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&StaffUser{}).Where("id = ?", actor.ID).Updates(map[string]any{"job_title": title, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		return audit(tx, actor, "staff.job_title_changed", "staff", actor.ID, map[string]any{"job_title": title})
	})
}
