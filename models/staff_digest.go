package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The staff daily digest (issue 21): a staff member may ask, on their
// account page, for an email each morning that lists what waits for them
// on Needs you, a count and a link per queue. It is off until they turn it
// on. SendStaffDigests, run every few minutes as scheduled work, sends it
// from DigestHour in the portal's time zone: each member's day is claimed
// with a conditional UPDATE of staff_users.digest_sent_on in the
// transaction that writes the message, so two runs at once (two server
// processes) send it once. The queues are read through the Needs-you page's
// own statement (needsYouOn), scoped to the member as their page is, on the
// transaction's connection. A member with nothing waiting gets no email;
// their day is checked all the same.

// MsgStaffDigest is the daily summary of a staff member's Needs-you queues.
const MsgStaffDigest MessageKind = "staff_digest"

// DigestHour is the hour, in the portal's time zone, from which each day's
// digests are sent.
const DigestHour = 8

// digestMessages joins messageCatalogue (registered in messages.go). A
// staff message: fixed wording, not editable.
var digestMessages = map[MessageKind]MessageTemplate{
	MsgStaffDigest: {
		Label:        "Daily summary of Needs you (for staff who asked for it)",
		Subject:      "Needs you: {{total}} waiting ({{date}})",
		Body:         "Hello {{name}},\n\nThis is what waits for you in Nextstep today, {{date}}:\n\n{{queues}}\n\nEverything is on your Needs you page:\n{{link}}\n\nYou get this email because you asked for a daily summary. You can turn it off on your account page:\n{{account_link}}",
		Placeholders: []string{"name", "company", "date", "total", "queues", "link", "account_link"},
	},
}

// SetStaffDigest turns the actor's daily digest on or off, audited. Saving
// the setting already in force changes nothing and records nothing.
func (s *Store) SetStaffDigest(ctx context.Context, actor Actor, on bool) error {
	if !actor.IsStaff() {
		return ErrForbidden
	}
	return s.txOutsideQueues(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("UPDATE staff_users SET digest_enabled = ?, updated_at = ? WHERE id = ? AND digest_enabled <> ?", on, s.Now(), actor.ID, on)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return s.audit(tx, actor, "staff.digest_changed", "staff", actor.ID, map[string]any{"digest": on})
	})
}

// SendStaffDigests sends today's digests that are due and says how many it
// sent. Before DigestHour (portal time) it does nothing. From then on each
// active member who asked for it and has not had today's gets one, when
// anything waits for them; either way their day is marked done.
func (s *Store) SendStaffDigests(ctx context.Context) (int, error) {
	now := s.Now()
	local := now.In(s.loc)
	if local.Hour() < DigestHour {
		return 0, nil
	}
	today := local.Format(time.DateOnly)
	var ids []int64
	if err := s.db.WithContext(ctx).Raw(`SELECT id FROM staff_users WHERE digest_enabled AND active
		AND (digest_sent_on IS NULL OR digest_sent_on < CAST(? AS date)) ORDER BY id`, today).Scan(&ids).Error; err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, id := range ids {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		ok, err := s.sendStaffDigest(ctx, id, today, local)
		if err != nil {
			// One member's failure does not hold back the others; their
			// day stays unclaimed, so the next run tries again.
			errs = append(errs, err)
			continue
		}
		if ok {
			sent++
		}
	}
	return sent, errors.Join(errs...)
}

// sendStaffDigest claims staffID's day (today, a portal-local date) and, in
// the same transaction, writes their digest when anything waits for them.
// It says whether it sent one; a day another run claimed first is left alone.
func (s *Store) sendStaffDigest(ctx context.Context, staffID int64, today string, local time.Time) (sent bool, err error) {
	err = s.txOutsideQueues(ctx, func(tx *gorm.DB) error {
		sent = false // a retried transaction starts afresh
		var u StaffUser
		res := tx.Raw(`UPDATE staff_users SET digest_sent_on = CAST(? AS date)
			WHERE id = ? AND digest_enabled AND active AND (digest_sent_on IS NULL OR digest_sent_on < CAST(? AS date))
			RETURNING *`, today, staffID, today).Scan(&u)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		queues, err := s.needsYouOn(ctx, tx.Statement.ConnPool, Actor{Kind: "staff", ID: u.ID, Email: u.Email, Role: u.Role})
		if err != nil {
			return err
		}
		d, ok := staffDigestMail(s.urls(), &u, queues, local)
		if !ok {
			return nil // nothing waits: the day is checked, no email
		}
		if err := s.send(tx, d); err != nil {
			return err
		}
		sent = true
		return nil
	})
	return sent, err
}

// staffDigestMail is u's digest of queues (as NeedsYou returns them), or
// false when nothing in them is work for u. Each queue is a line with its
// count and a link to its section of the Needs you page; the queue kept
// for information comes with the others, marked as such.
func staffDigestMail(su siteURLs, u *StaffUser, queues []Queue, local time.Time) (draft, bool) {
	total := 0
	for _, q := range queues {
		if q.Action() {
			total += q.Count
		}
	}
	if total == 0 {
		return draft{}, false
	}
	lines := make([]string, 0, len(queues))
	for _, q := range queues {
		title := q.Title()
		if !q.Action() {
			title = "For your information: " + title
		}
		lines = append(lines, title+": "+QueueCountLabel(q.Count)+"\n"+su.abs(su.NeedsYouQueue(string(q.Kind))))
	}
	return toStaff(u, MsgStaffDigest, su.StaffHome(), map[string]string{
		"date": local.Format(promiseDateLayout), "total": QueueCountLabel(total), "queues": strings.Join(lines, "\n\n"),
		"link": su.abs(su.StaffHome()), "account_link": su.abs(su.Account()),
	}), true
}
