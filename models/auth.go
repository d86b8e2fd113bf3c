package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Lifetimes of one-time sign-in links.
const (
	SignInLinkTTL     = 10 * time.Minute
	InvitationLinkTTL = 72 * time.Hour // an invitation read the next morning must still work
)

// LoginSubject is who a sign-in link or session belongs to: exactly one is set.
type LoginSubject struct {
	StaffID     int64
	CandidateID int64
}

// NewSecret returns a random URL-safe token of 256 bits.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the kernel's randomness source does not fail on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret is how tokens and session ids are stored: their SHA-256.
func HashSecret(raw string) []byte {
	h := sha256.Sum256([]byte(raw))
	return h[:]
}

// SignInURL is the link a person opens to sign in with token.
func SignInURL(baseURL, token string) string {
	return strings.TrimRight(baseURL, "/") + "/signin/" + url.PathEscape(token)
}

func issueLoginToken(tx *gorm.DB, who LoginSubject, expires time.Time) (string, error) {
	raw := NewSecret()
	row := map[string]any{"token_hash": HashSecret(raw), "expires_at": expires}
	if who.StaffID != 0 {
		row["staff_id"] = who.StaffID
	} else {
		row["candidate_id"] = who.CandidateID
	}
	if err := tx.Table("login_tokens").Create(row).Error; err != nil {
		return "", err
	}
	return raw, nil
}

// IssueSignInLink creates a one-time link for the person with this email,
// staff or candidate, valid for SignInLinkTTL. It is the operator's escape
// hatch (login-link command) and the tests' way in.
func (s *Store) IssueSignInLink(ctx context.Context, email string) (string, error) {
	var link string
	err := s.tx(ctx, func(tx *gorm.DB) error {
		who, err := subjectByEmail(tx, email)
		if err != nil {
			return err
		}
		raw, err := issueLoginToken(tx, who, s.Now().Add(SignInLinkTTL))
		if err != nil {
			return err
		}
		link = SignInURL(s.baseURL, raw)
		return s.audit(tx, SystemActor("cli"), "sign_in_link.issued", subjectType(who), who.StaffID+who.CandidateID, nil)
	})
	return link, err
}

func subjectType(who LoginSubject) string {
	if who.StaffID != 0 {
		return "staff"
	}
	return "candidate"
}

func subjectByEmail(tx *gorm.DB, email string) (LoginSubject, error) {
	var ids []int64
	if err := tx.Table("staff_users").Where("lower(email) = lower(?) AND active", strings.TrimSpace(email)).Pluck("id", &ids).Error; err != nil {
		return LoginSubject{}, err
	}
	if len(ids) == 1 {
		return LoginSubject{StaffID: ids[0]}, nil
	}
	if err := tx.Table("candidates").Where("lower(email) = lower(?)", strings.TrimSpace(email)).Pluck("id", &ids).Error; err != nil {
		return LoginSubject{}, err
	}
	if len(ids) == 1 {
		return LoginSubject{CandidateID: ids[0]}, nil
	}
	return LoginSubject{}, ErrNotFound
}

// SignInLinksPerWindow is how many sign-in links one address is sent within
// LoginWindow; the "check your email" page tells every visitor, known or not.
const SignInLinksPerWindow = 5

// RequestCandidateLink puts a sign-in link in the outbox when email belongs
// to a candidate. It returns nil either way: the page must answer the same
// whether or not the address is known.
func (s *Store) RequestCandidateLink(ctx context.Context, email, ip string) error {
	email, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	return s.txOutsideQueues(ctx, func(tx *gorm.DB) error {
		var c Candidate
		if err := tx.Where("lower(email) = ?", email).First(&c).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil
			}
			return err
		}
		// At most SignInLinksPerWindow links in the window, so the form cannot
		// flood a mailbox; past it nothing is sent, and the page says so to everyone.
		var recent int64
		if err := tx.Table("login_tokens").Where("candidate_id = ? AND created_at > ?", c.ID, s.Now().Add(-LoginWindow)).Count(&recent).Error; err != nil {
			return err
		}
		if recent >= SignInLinksPerWindow {
			return nil
		}
		raw, err := issueLoginToken(tx, LoginSubject{CandidateID: c.ID}, s.Now().Add(SignInLinkTTL))
		if err != nil {
			return err
		}
		if err := s.send(tx, candidateSignInMail(&c, SignInURL(s.baseURL, raw))); err != nil {
			return err
		}
		return s.audit(tx, Actor{Kind: "candidate", ID: c.ID, Email: c.Email, IP: ip}, "candidate.sign_in_link_requested", "candidate", c.ID, nil)
	})
}

// ConsumeSignInToken spends a one-time token: it succeeds once, before expiry,
// and only for an active staff member or an existing candidate.
func (s *Store) ConsumeSignInToken(ctx context.Context, raw string, actor Actor) (LoginSubject, error) {
	var who LoginSubject
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var row struct {
			StaffID     *int64
			CandidateID *int64
		}
		res := tx.Raw(`UPDATE login_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
			RETURNING staff_id, candidate_id`, s.Now(), HashSecret(raw), s.Now()).Scan(&row)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrTokenInvalid
		}
		if row.StaffID != nil {
			u := StaffUser{}
			if err := tx.First(&u, *row.StaffID).Error; err != nil || !u.Active {
				return ErrTokenInvalid
			}
			who.StaffID = u.ID
			actor = Actor{Kind: "staff", ID: u.ID, Email: u.Email, IP: actor.IP, UserAgent: actor.UserAgent}
		} else if row.CandidateID != nil {
			c := Candidate{}
			if err := tx.First(&c, *row.CandidateID).Error; err != nil {
				return ErrTokenInvalid
			}
			who.CandidateID = c.ID
			actor = Actor{Kind: "candidate", ID: c.ID, Email: c.Email, IP: actor.IP, UserAgent: actor.UserAgent}
			// A sign-in is activity: the retention timer runs from it (retention.go).
			if err := tx.Exec("UPDATE candidates SET last_signed_in_at = ? WHERE id = ?", s.Now(), c.ID).Error; err != nil {
				return err
			}
		}
		return s.audit(tx, actor, "sign_in.link_used", subjectType(who), who.StaffID+who.CandidateID, nil)
	})
	return who, err
}

// SessionRow is a server-side session; the cookie holds only its signed id.
type SessionRow struct {
	IDHash      []byte `gorm:"column:id_hash;primaryKey"`
	StaffID     *int64
	CandidateID *int64
	Data        []byte
	CreatedAt   time.Time
	LastSeenAt  time.Time
	IP          string
	UserAgent   string
}

// TableName binds the struct to its table.
func (SessionRow) TableName() string { return "sessions" }

// SessionPerson is a live session with the person it belongs to, loaded in
// one statement: every signed-in page needs both.
type SessionPerson struct {
	Row       *SessionRow
	Staff     *StaffUser // set for a staff session
	Candidate *Candidate // set for a candidate session
}

// sessionQuery reads a session with its staff member or candidate in one
// statement: every signed-in page runs it.
const sessionQuery = `SELECT s.id_hash, s.staff_id, s.candidate_id, s.data, s.created_at, s.last_seen_at, s.ip, s.user_agent,
			u.id, u.email, u.name, u.role, u.password_hash, u.totp_secret, u.totp_enabled, u.active, u.can_sign_contracts, u.created_at, u.updated_at, u.job_title, u.digest_enabled, u.time_zone,
			c.id, c.email, c.name, c.phone, c.created_at, c.updated_at, c.time_zone
		FROM sessions s LEFT JOIN staff_users u ON u.id = s.staff_id LEFT JOIN candidates c ON c.id = s.candidate_id
		WHERE s.id_hash = $1`

// LoadSessionPerson loads a live session and its staff member or candidate;
// a session past its idle or absolute timeout is deleted and ErrNotFound.
func (s *Store) LoadSessionPerson(ctx context.Context, idHash []byte, idle, absolute time.Duration) (*SessionPerson, error) {
	// Every signed-in request runs this: plain database/sql, no reflection.
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	var row SessionRow
	var u struct {
		id                                   sql.NullInt64
		email, name, role, hash, totpSecret  sql.NullString
		jobTitle, zone                       sql.NullString
		totpEnabled, active, canSign, digest sql.NullBool
		createdAt, updatedAt                 sql.NullTime
	}
	var c struct {
		id                   sql.NullInt64
		email, name, phone   sql.NullString
		zone                 sql.NullString
		createdAt, updatedAt sql.NullTime
	}
	s.ran(sessionQuery, []any{idHash})
	err = sqlDB.QueryRowContext(ctx, sessionQuery, idHash).Scan(&row.IDHash, &row.StaffID, &row.CandidateID, &row.Data, &row.CreatedAt, &row.LastSeenAt, &row.IP, &row.UserAgent,
		&u.id, &u.email, &u.name, &u.role, &u.hash, &u.totpSecret, &u.totpEnabled, &u.active, &u.canSign, &u.createdAt, &u.updatedAt, &u.jobTitle, &u.digest, &u.zone,
		&c.id, &c.email, &c.name, &c.phone, &c.createdAt, &c.updatedAt, &c.zone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if now.Sub(row.LastSeenAt) > idle || now.Sub(row.CreatedAt) > absolute {
		s.db.WithContext(ctx).Where("id_hash = ?", idHash).Delete(&SessionRow{})
		return nil, ErrNotFound
	}
	p := &SessionPerson{Row: &row}
	if u.id.Valid {
		p.Staff = &StaffUser{ID: u.id.Int64, Email: u.email.String, Name: u.name.String, Role: Role(u.role.String), PasswordHash: u.hash.String,
			TOTPSecret: u.totpSecret.String, TOTPEnabled: u.totpEnabled.Bool, Active: u.active.Bool, CanSignContracts: u.canSign.Bool,
			CreatedAt: u.createdAt.Time, UpdatedAt: u.updatedAt.Time, JobTitle: u.jobTitle.String, DigestEnabled: u.digest.Bool, TimeZone: u.zone.String}
	}
	if c.id.Valid {
		p.Candidate = &Candidate{ID: c.id.Int64, Email: c.email.String, Name: c.name.String, Phone: c.phone.String,
			CreatedAt: c.createdAt.Time, UpdatedAt: c.updatedAt.Time, TimeZone: c.zone.String}
	}
	return p, nil
}

// StaffOrNil is the session's staff member, if any (nil-safe).
func (p *SessionPerson) StaffOrNil() *StaffUser {
	if p == nil {
		return nil
	}
	return p.Staff
}

// CandidateOrNil is the session's candidate, if any (nil-safe).
func (p *SessionPerson) CandidateOrNil() *Candidate {
	if p == nil {
		return nil
	}
	return p.Candidate
}

// CreateSession writes a new session row (a fresh id, at sign-in or first visit).
func (s *Store) CreateSession(ctx context.Context, row *SessionRow) error {
	now := s.Now()
	row.LastSeenAt, row.CreatedAt = now, now
	row.UserAgent = truncate(row.UserAgent, 500)
	if row.Data == nil {
		row.Data = []byte{}
	}
	return s.db.WithContext(ctx).Create(row).Error
}

// UpdateSession saves an existing session. It never re-creates a row: a
// session ended meanwhile (logout, password change, deactivation) stays
// ended, even for a request that was already in flight. ErrNotFound then.
func (s *Store) UpdateSession(ctx context.Context, row *SessionRow) error {
	if row.Data == nil {
		row.Data = []byte{}
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE sessions SET staff_id = ?, candidate_id = ?, data = ?, last_seen_at = ? WHERE id_hash = ?`,
		row.StaffID, row.CandidateID, row.Data, s.Now(), row.IDHash)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, idHash []byte) error {
	return s.db.WithContext(ctx).Where("id_hash = ?", idHash).Delete(&SessionRow{}).Error
}

// PurgeExpiredSessions removes sessions idle longer than idle; run periodically.
func (s *Store) PurgeExpiredSessions(ctx context.Context, idle, absolute time.Duration) (int64, error) {
	now := s.Now()
	res := s.db.WithContext(ctx).Where("last_seen_at < ? OR created_at < ?", now.Add(-idle), now.Add(-absolute)).Delete(&SessionRow{})
	return res.RowsAffected, res.Error
}

// AcceptTOTP checks a code against the user's enabled secret and records its
// time step, in one statement: a code is accepted once, and never one from
// a step at or before the last accepted.
func (s *Store) AcceptTOTP(ctx context.Context, u *StaffUser, code string) error {
	step, ok := totpStep(u.TOTPSecret, code, s.Now())
	if !u.TOTPEnabled || !ok {
		return ErrBadTOTP
	}
	res := s.db.WithContext(ctx).Exec("UPDATE staff_users SET totp_last_step = ? WHERE id = ? AND totp_enabled AND totp_last_step < ?", step, u.ID, step)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrBadTOTP
	}
	return nil
}
