package models

import (
	"context"

	"gorm.io/gorm"
)

// One-click unsubscribe (RFC 8058). Each email of an optional kind carries
// a link of its own, /unsubscribe/<token> (optionalEmails in
// message_choices.go makes it): 256 random bits, stored only as their
// SHA-256, tied to one candidate and one category. The link is the only
// key — no sign-in, no cookie — and all it can do is turn that category off
// for that candidate, once. Opening it (GET) changes nothing, so a mail
// scanner that follows links turns nothing off; the POST of its page's
// button, or the POST a mail client sends on "Unsubscribe", does.

// UnsubscribeView is what an unsubscribe link's page shows before it is used.
type UnsubscribeView struct {
	Choice MessageChoice
}

// Refusals of an unsubscribe link.
var (
	errUnsubscribeUnknown = refusal(CodeNotFound, "This unsubscribe link is not valid: it may have been cut short or changed on its way. "+
		"Nothing was changed. To choose which emails you get, sign in and open Your account.")
	errUnsubscribeUsed = refusal(CodeGone, "This unsubscribe link has already been used, so nothing was changed this time. "+
		"To choose which emails you get, sign in and open Your account.")
)

// unsubscribeToken is one row of unsubscribe_tokens, found by its hash.
type unsubscribeToken struct {
	CandidateID int64
	Category    MessageChoice
	Used        bool
}

// findUnsubscribeToken looks a token up; an unknown, empty or oversized
// token is errUnsubscribeUnknown.
func findUnsubscribeToken(tx *gorm.DB, token string) (*unsubscribeToken, error) {
	if token == "" || len(token) > 100 {
		return nil, errUnsubscribeUnknown
	}
	var rows []unsubscribeToken
	if err := tx.Raw("SELECT candidate_id, category, used_at IS NOT NULL AS used FROM unsubscribe_tokens WHERE token_hash = ?",
		HashSecret(token)).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errUnsubscribeUnknown
	}
	return &rows[0], nil
}

// UnsubscribeLink reads a link for its page, changing nothing: unknown is
// not found, used is gone.
func (s *Store) UnsubscribeLink(ctx context.Context, token string) (*UnsubscribeView, error) {
	t, err := findUnsubscribeToken(s.db.WithContext(ctx), token)
	if err != nil {
		return nil, err
	}
	if t.Used {
		return nil, errUnsubscribeUsed
	}
	return &UnsubscribeView{Choice: t.Category}, nil
}

// UnsubscribeRequest is who used a link, as far as the request tells: the
// person, or their mail client's one-click POST (RFC 8058).
type UnsubscribeRequest struct {
	IP, UserAgent string
	OneClick      bool // the body said List-Unsubscribe=One-Click
}

// Unsubscribe spends token and turns its category off for its candidate,
// with an audit entry, in one transaction; it returns the category. The
// conditional UPDATE … WHERE used_at IS NULL lets one use through, however
// many arrive at once; the others, and every later one, are gone and change
// nothing.
func (s *Store) Unsubscribe(ctx context.Context, token string, req UnsubscribeRequest) (MessageChoice, error) {
	var choice MessageChoice
	err := s.tx(ctx, func(tx *gorm.DB) error {
		t, err := findUnsubscribeToken(tx, token)
		if err != nil {
			return err
		}
		if t.Used {
			return errUnsubscribeUsed
		}
		now := s.Now()
		res := tx.Exec("UPDATE unsubscribe_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL", now, HashSecret(token))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errUnsubscribeUsed // another use got there first
		}
		col := t.Category.column()
		if col == "" {
			return fault("unsubscribe token of unknown category %q", t.Category)
		}
		var was []bool
		if err := tx.Raw("SELECT "+col+" FROM candidates WHERE id = ? FOR UPDATE", t.CandidateID).Scan(&was).Error; err != nil {
			return err
		}
		if err := tx.Exec("UPDATE candidates SET "+col+" = false, updated_at = ? WHERE id = ?", now, t.CandidateID).Error; err != nil {
			return err
		}
		via := "unsubscribe page"
		if req.OneClick {
			via = "one-click unsubscribe (mail client)"
		}
		choice = t.Category
		// The link's holder is not known to be the candidate (an email can
		// be forwarded): the entry names the link, with the request's facts.
		return s.auditPersonal(tx, Actor{Kind: "system", Email: "unsubscribe link", IP: req.IP, UserAgent: req.UserAgent},
			t.CandidateID, "candidate.email_choices_changed", "candidate", t.CandidateID, map[string]any{
				"category": t.Category, "on": false, "was_on": len(was) == 1 && was[0], "via": via}, nil)
	})
	if err != nil {
		return "", err
	}
	return choice, nil
}
