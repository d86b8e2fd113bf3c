package models

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MessageStatus is where a message is in its life.
type MessageStatus string

// A message is held (scheduled for later), queued (waiting for, or between,
// delivery attempts), sent (the SMTP server accepted it) or failed (the last
// attempt failed, or the server refused it for good).
const (
	MessageHeld   MessageStatus = "held"
	MessageQueued MessageStatus = "queued"
	MessageSent   MessageStatus = "sent"
	MessageFailed MessageStatus = "failed"
	// MessageCancelled: withdrawn before it left (an undone stage move, a
	// held rejection dropped when the application was reopened).
	MessageCancelled MessageStatus = "cancelled"
)

// MessageStatuses are the states of a message, in the order of its life.
func MessageStatuses() []MessageStatus {
	return []MessageStatus{MessageHeld, MessageQueued, MessageSent, MessageFailed, MessageCancelled}
}

// Label is the status in words, for staff.
func (s MessageStatus) Label() string {
	switch s {
	case MessageHeld:
		return "Held"
	case MessageQueued:
		return "Queued"
	case MessageSent:
		return "Sent"
	case MessageFailed:
		return "Failed"
	case MessageCancelled:
		return "Withdrawn"
	}
	return string(s)
}

// OutboxMessage is an outgoing message. It is written, with the River job
// that delivers it, in the same transaction as its cause.
type OutboxMessage struct {
	ID            int64
	ToEmail       string
	ToName        string
	Subject       string
	Body          string // plain text
	BodyHTML      string
	Kind          MessageKind
	LinkPath      string // the page the message is about (staff alerts)
	CandidateID   *int64
	StaffID       *int64
	RefereeID     *int64 // a referee of an application (reference checks)
	ApplicationID *int64 // the candidate's application it is about, when the sender knew it (a closing's messages)
	Status        MessageStatus
	SendAfter     *time.Time
	Attempts      int
	LastAttemptAt *time.Time
	LastError     string
	SMTPReply     string `gorm:"column:smtp_reply"`
	MessageID     string
	CalendarICS   string `gorm:"column:calendar_ics"` // attached as invite.ics
	ReplyTo       string // where replies go (the sender is a no-reply address); empty: no header
	// ListUnsubscribe is the one-click unsubscribe link of a message of an
	// optional kind (message_choices.go), sent as its List-Unsubscribe
	// header; empty for every other message.
	ListUnsubscribe string
	// HeldForPositionID: held, with no job, until that position is settled.
	HeldForPositionID *int64
	CreatedAt         time.Time
	SentAt            *time.Time
}

// TableName binds the struct to its table.
func (OutboxMessage) TableName() string { return "outbox_messages" }

// send composes d with the wording in force for its kind and writes it with
// its delivery job, inside the caller's transaction. A message of an
// optional kind to a candidate who turned its category off is not written
// at all (send returns nil: the use case goes on); one they still get
// carries its unsubscribe link (message_choices.go).
func (s *Store) send(tx *gorm.DB, d draft) error { return s.sendAll(tx, []draft{d}) }

// sendAll is send for many drafts at once (scheduled work writing hundreds
// of messages in one transaction): each kind's wording is read once, and
// the messages and their jobs are written in one statement each.
func (s *Store) sendAll(tx *gorm.DB, drafts []draft) error {
	// An erased person has no address left: nothing is written to them.
	drafts = slices.DeleteFunc(drafts, func(d draft) bool { return strings.HasSuffix(d.toEmail, erasedEmailDomain) })
	wordings := map[MessageKind]MessageTemplate{}
	for _, d := range drafts {
		if _, ok := wordings[d.kind]; !ok {
			tmpl, err := s.templateFor(tx, d.kind)
			if err != nil {
				return err
			}
			wordings[d.kind] = tmpl
		}
	}
	drafts, links, err := s.optionalEmails(tx, drafts, wordings)
	if err != nil {
		return err
	}
	var held, queued []OutboxMessage
	var jobOpts []*river.InsertOpts
	for i, d := range drafts {
		if c, ok := tx.Statement.Context.Value(closingKey{}).(closingOf); ok && d.candidateID != nil && *d.candidateID == c.candidateID {
			d = c.apply(d) // a message of a closing: its application, and it waits with the rejection
		}
		m := s.compose(wordings[d.kind], d, links[i])
		if d.heldForPosition != nil {
			m.Status, m.HeldForPositionID = MessageHeld, d.heldForPosition
			held = append(held, m)
			continue
		}
		opts := &river.InsertOpts{}
		if d.sendAfter != nil && d.sendAfter.After(s.Now()) {
			m.Status, m.SendAfter, opts.ScheduledAt = MessageHeld, d.sendAfter, *d.sendAfter
		}
		queued, jobOpts = append(queued, m), append(jobOpts, opts)
	}
	// Held until their position is settled: no job yet.
	if len(held) > 0 {
		if err := tx.Omit("SentAt", "LastAttemptAt").Create(&held).Error; err != nil {
			return err
		}
	}
	if len(queued) == 0 {
		return nil
	}
	if err := tx.Omit("SentAt", "LastAttemptAt").Create(&queued).Error; err != nil {
		return err
	}
	ids := make([]int64, len(queued))
	for i := range queued {
		ids[i] = queued[i].ID
	}
	return s.insertDeliveryJobs(tx, ids, jobOpts)
}

// compose fills tmpl with d's values: the message as it will be sent,
// ending with link, its unsubscribe link, when it has one.
func (s *Store) compose(tmpl MessageTemplate, d draft, link string) OutboxMessage {
	vars := map[string]string{"company": s.company}
	for k, v := range d.vars {
		vars[k] = v
	}
	subject := oneLine(FillTemplate(tmpl.Subject, vars))
	body := FillTemplate(tmpl.Body, vars) + "\n"
	if link != "" {
		body += unsubscribeFooter(s.urls(), tmpl.Optional, link)
	}
	return OutboxMessage{
		ToEmail: d.toEmail, ToName: oneLine(d.toName), Subject: subject, Body: body, BodyHTML: messageHTML(s.company, subject, body, s.baseURL, d.buttonLabel()),
		Kind: d.kind, LinkPath: d.linkPath, CandidateID: d.candidateID, StaffID: d.staffID, RefereeID: d.refereeID, ApplicationID: d.applicationID,
		Status: MessageQueued, MessageID: newMessageID(s.baseURL), CalendarICS: d.calendarICS, ReplyTo: nonEmpty(d.replyTo, s.contactEmail),
		ListUnsubscribe: link,
	}
}

// insertDeliveryJob adds the River job that delivers message id, in tx.
func (s *Store) insertDeliveryJob(tx *gorm.DB, id int64, opts *river.InsertOpts) error {
	return s.insertDeliveryJobs(tx, []int64{id}, []*river.InsertOpts{opts})
}

// insertDeliveryJobs adds the River jobs that deliver messages ids (with
// opts[i] for ids[i]; nil for none), in tx, in one statement.
func (s *Store) insertDeliveryJobs(tx *gorm.DB, ids []int64, opts []*river.InsertOpts) error {
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return fault("delivery jobs must be inserted inside a transaction")
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		o := opts[i]
		if o == nil {
			o = &river.InsertOpts{}
		}
		o.Queue = MailQueue
		o.MaxAttempts = s.mailMaxAttempts
		// One live job per message, ever: a second insert while one is queued,
		// running or done is a no-op (a failed message's job is cancelled or
		// discarded, so "Send again" can add a fresh one).
		o.UniqueOpts = river.UniqueOpts{ByArgs: true}
		params[i] = river.InsertManyParams{Args: DeliverMessageArgs{MessageID: id}, InsertOpts: o}
	}
	res, err := s.jobs.InsertManyTx(tx.Statement.Context, sqlTx, params)
	if err != nil {
		return fmt.Errorf("queueing %d message(s) from %d: %w", len(ids), ids[0], err)
	}
	for _, r := range res {
		if r.UniqueSkippedAsDuplicate {
			return errDeliveryJobExists
		}
	}
	return nil
}

// errDeliveryJobExists: the message's previous job has not finished yet.
var errDeliveryJobExists = Invalid("", "The last attempt to send this message is still finishing. Try again in a few seconds.")

// oneLine keeps a header value to one line of printable text: a name or a
// subject with CR or LF must never add a header.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }), " ")
}

// templateFor is the wording in force for kind: an admin's, or the default.
func (s *Store) templateFor(tx *gorm.DB, kind MessageKind) (MessageTemplate, error) {
	def, ok := messageCatalogue[kind]
	if !ok {
		return MessageTemplate{}, fault("unknown message kind %q", kind)
	}
	if !def.Editable {
		return def, nil
	}
	var row struct{ Subject, Body string }
	res := tx.Raw("SELECT subject, body FROM message_templates WHERE kind = ?", kind).Scan(&row)
	if res.Error != nil {
		return MessageTemplate{}, res.Error
	}
	if res.RowsAffected == 1 {
		def.Subject, def.Body, def.Customised = row.Subject, row.Body, true
	}
	return def, nil
}

// OutboxFilter narrows the Outbox page.
type OutboxFilter struct {
	To     string
	Status MessageStatus
	Page   int
}

// OutboxPageSize is how many messages the Outbox page shows at once.
const OutboxPageSize = 30

// seesOutbox reports whether actor may read the Outbox: staff who see every
// candidate (admins and recruiters). Every message there is redacted.
func seesOutbox(actor Actor) bool { return actor.IsStaff() && actor.Role.SeesAllCandidates() }

// ListOutbox returns one page of messages, newest first, redacted, for staff
// who see the Outbox; anyone else gets ErrForbidden and nothing.
func (s *Store) ListOutbox(ctx context.Context, actor Actor, f OutboxFilter) ([]OutboxMessage, int64, error) {
	if !seesOutbox(actor) {
		return nil, 0, ErrForbidden
	}
	q := s.db.WithContext(ctx).Model(&OutboxMessage{})
	if f.To != "" {
		q = q.Where("to_email ILIKE ?", "%"+escapeLike(f.To)+"%")
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []OutboxMessage
	err := q.Order("id DESC").Limit(OutboxPageSize).Offset((max(f.Page, 1) - 1) * OutboxPageSize).Find(&rows).Error
	if err != nil {
		return nil, 0, err
	}
	redactAll(rows)
	return rows, total, nil
}

// OutboxCounts is how many messages are in each state, for staff who see
// the Outbox; anyone else gets ErrForbidden.
func (s *Store) OutboxCounts(ctx context.Context, actor Actor) (map[MessageStatus]int64, error) {
	if !seesOutbox(actor) {
		return nil, ErrForbidden
	}
	var rows []struct {
		Status MessageStatus
		N      int64
	}
	if err := s.db.WithContext(ctx).Raw("SELECT status, count(*) AS n FROM outbox_messages GROUP BY status").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[MessageStatus]int64{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// GetMessage loads one message, redacted, for staff who see the Outbox;
// for anyone else it does not exist (ErrNotFound).
func (s *Store) GetMessage(ctx context.Context, actor Actor, id int64) (*OutboxMessage, error) {
	if !seesOutbox(actor) {
		return nil, ErrNotFound
	}
	var m OutboxMessage
	if err := s.db.WithContext(ctx).First(&m, id).Error; err != nil {
		return nil, notFound(err)
	}
	m = m.Redacted()
	return &m, nil
}

// RetryMessage queues a failed message for a fresh round of attempts.
func (s *Store) RetryMessage(ctx context.Context, actor Actor, id int64) error {
	if actor.Role != RoleAdmin && actor.Role != RoleRecruiter {
		return ErrForbidden
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var m OutboxMessage
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&m, id).Error; err != nil {
			return notFound(err)
		}
		if m.Status != MessageFailed {
			return Invalid("", msgOnlyFailedRetry)
		}
		if _, err := moveMessages(tx, MessageQueued, nil, "id = ?", id); err != nil {
			return err
		}
		if err := s.insertDeliveryJob(tx, id, nil); err != nil {
			return err
		}
		// A candidate's address, or their referee's, is sealed with the candidate's key.
		details, personal := map[string]any{"kind": m.Kind}, map[string]any{"to": m.ToEmail}
		switch {
		case m.CandidateID != nil:
			return s.auditPersonal(tx, actor, *m.CandidateID, "message.retried", "message", id, details, personal)
		case m.RefereeID != nil:
			var appID int64
			if err := tx.Raw("SELECT application_id FROM referees WHERE id = ?", *m.RefereeID).Scan(&appID).Error; err != nil {
				return err
			}
			return s.auditPersonalOfApplication(tx, actor, appID, "message.retried", "message", id, details, personal)
		}
		return s.audit(tx, actor, "message.retried", "message", id, map[string]any{"to": m.ToEmail, "kind": m.Kind})
	})
}

const msgOnlyFailedRetry = "Only a message that failed can be sent again."

// CandidateInbox lists what was sent to the candidate actor, newest first:
// every message but sign-in links (useless once spent and dangerous if not),
// redacted, so no other message shows a working token link either. Only a
// candidate has an inbox; for anyone else it is ErrNotFound.
func (s *Store) CandidateInbox(ctx context.Context, actor Actor) ([]OutboxMessage, error) {
	if actor.Kind != "candidate" || actor.ID == 0 {
		return nil, ErrNotFound
	}
	var rows []OutboxMessage
	// Only what has left: a message waiting (an undoable stage move, a held
	// rejection) or withdrawn was never theirs to read.
	err := s.db.WithContext(ctx).Where("candidate_id = ? AND kind <> ? AND status = ?", actor.ID, MsgCandidateSignIn, MessageSent).
		Order("id DESC").Limit(200).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	redactAll(rows)
	return rows, nil
}
