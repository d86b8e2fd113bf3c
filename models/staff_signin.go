package models

// Staff sign-in: checking a password under the attempt limits, the hashing
// slots that keep argon2id's memory bounded, changing a password and
// two-step sign-in.

import (
	"context"
	"errors"
	"runtime/debug"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"
)

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
		s.obs.SignInFailed("password")
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
	err := s.txOutsideQueues(ctx, func(tx *gorm.DB) error {
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
		s.obs.SignInFailed("throttled")
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
// 64 MB each): a flood of sign-ins waits briefly, then is refused as busy, instead
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
		return nil, refusal(CodeBusy, "Many people are signing in right now. Wait a few seconds and try again.")
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
		return s.audit(tx, actor, "staff.password_changed", "staff", userID, map[string]any{"by_reset_link": in.ByResetLink, "other_sessions_ended": res.RowsAffected})
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
		return s.audit(tx, actor, "staff.totp_enabled", "staff", userID, nil)
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
		return s.audit(tx, actor, "staff.totp_disabled", "staff", userID, nil)
	})
}
