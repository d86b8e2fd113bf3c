package models

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The candidate's choices (issue 21): a candidate may turn off two
// categories of email, reminders and "still deciding" updates. Every other
// message — decisions, offers, contracts, sign-in links, everything they may
// have to act on — is essential and always goes.
//
// A kind's category is MessageTemplate.Optional, set once from optionalKinds
// below. sendAll (outbox.go; send is one draft of it), which every message
// goes through, asks optionalEmails about the messages of an optional kind
// to a candidate: one to a candidate who turned its category off is not
// written at all (no outbox row, no delivery job; an audit entry says it
// was withheld), and the use case that caused it carries on (the promise
// keeper still moves the date on the candidate's page and records the
// update for their timeline). Otherwise the message carries a one-click
// unsubscribe link of its own (unsubscribe.go) in its body and in its
// List-Unsubscribe header (mailer.go).

// MessageChoice is a category of messages a candidate may turn off; the
// empty choice is an essential message.
type MessageChoice string

// The categories a candidate chooses.
const (
	ChoiceReminders MessageChoice = "reminders"
	ChoiceUpdates   MessageChoice = "updates"
)

// MessageChoices are the categories, in the order the account page lists them.
func MessageChoices() []MessageChoice { return []MessageChoice{ChoiceReminders, ChoiceUpdates} }

// optionalKinds is the one declared list of the kinds a candidate may turn
// off, by category; every kind not listed is essential. Marking a kind
// optional is one entry here (mustMessageCatalogue copies it into the kind's
// MessageTemplate.Optional and refuses a kind it does not know, or one
// listed twice). Reminders: the first day's, and the appointment reminders
// (ReminderKinds, reminders.go; the panel's reminder is a staff alert and
// always goes). A kind sent to staff as well as to candidates is optional
// only for the candidates.
func optionalKinds() map[MessageChoice][]MessageKind {
	return map[MessageChoice][]MessageKind{
		ChoiceReminders: append([]MessageKind{MsgFirstDayReminder}, ReminderKinds...),
		ChoiceUpdates:   {MsgPromiseUpdate},
	}
}

// markOptional sets each listed kind's Optional in catalogue; a kind
// listed that the catalogue lacks, or listed twice, is a fault.
func markOptional(catalogue map[MessageKind]MessageTemplate, optional map[MessageChoice][]MessageKind) error {
	for choice, kinds := range optional {
		if choice.column() == "" {
			return fault("unknown message choice %q", choice)
		}
		for _, k := range kinds {
			t, ok := catalogue[k]
			switch {
			case !ok:
				return fault("optional message kind %q is not in the catalogue", k)
			case t.Optional != "":
				return fault("message kind %q is listed as optional twice", k)
			}
			t.Optional = choice
			catalogue[k] = t
		}
	}
	return nil
}

// Label names the category on the account page and the unsubscribe page.
func (c MessageChoice) Label() string {
	switch c {
	case ChoiceReminders:
		return "Reminders"
	case ChoiceUpdates:
		return "“Still deciding” updates"
	}
	return string(c)
}

// inSentence names the category within a sentence.
func (c MessageChoice) inSentence() string {
	switch c {
	case ChoiceReminders:
		return "reminders"
	case ChoiceUpdates:
		return "“still deciding” updates"
	}
	return string(c)
}

// Explanation says what the category's emails are.
func (c MessageChoice) Explanation() string {
	switch c {
	case ChoiceReminders:
		return "A reminder the day before an interview, an assessment day or your first day, two days before an offer ends, and when a task before your start is nearly due."
	case ChoiceUpdates:
		return "When we need longer than the date we promised you, we write to say we have not decided yet and give you a new date."
	}
	return ""
}

// column is the candidates column that holds the choice ("" for none).
func (c MessageChoice) column() string {
	switch c {
	case ChoiceReminders:
		return "email_reminders"
	case ChoiceUpdates:
		return "email_updates"
	}
	return ""
}

// EmailChoices is whether a candidate gets each optional category by email.
type EmailChoices struct {
	Reminders bool
	Updates   bool
}

// Wants reports whether the candidate gets c's emails (essential ones always).
func (e EmailChoices) Wants(c MessageChoice) bool {
	switch c {
	case ChoiceReminders:
		return e.Reminders
	case ChoiceUpdates:
		return e.Updates
	}
	return true
}

// emailChoicesRow reads the two columns.
type emailChoicesRow struct {
	EmailReminders bool
	EmailUpdates   bool
}

func (r emailChoicesRow) choices() EmailChoices {
	return EmailChoices{Reminders: r.EmailReminders, Updates: r.EmailUpdates}
}

// CandidateEmailChoices is the signed-in candidate's choices. Only a
// candidate has them: for anyone else they do not exist (ErrNotFound).
func (s *Store) CandidateEmailChoices(ctx context.Context, actor Actor) (EmailChoices, error) {
	if actor.Kind != "candidate" || actor.ID == 0 {
		return EmailChoices{}, ErrNotFound
	}
	var row emailChoicesRow
	res := s.db.WithContext(ctx).Raw("SELECT email_reminders, email_updates FROM candidates WHERE id = ?", actor.ID).Scan(&row)
	if res.Error != nil {
		return EmailChoices{}, res.Error
	}
	if res.RowsAffected == 0 {
		return EmailChoices{}, ErrNotFound
	}
	return row.choices(), nil
}

// SaveEmailChoices stores the signed-in candidate's choices and audits a
// change; it reports whether anything changed (saving the same choices
// again writes nothing).
func (s *Store) SaveEmailChoices(ctx context.Context, actor Actor, want EmailChoices) (changed bool, err error) {
	if actor.Kind != "candidate" || actor.ID == 0 {
		return false, ErrNotFound
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var row emailChoicesRow
		res := tx.Table("candidates").Select("email_reminders, email_updates").Where("id = ?", actor.ID).
			Clauses(clause.Locking{Strength: "UPDATE"}).Scan(&row)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		was := row.choices()
		if changed = was != want; !changed {
			return nil
		}
		if err := tx.Exec("UPDATE candidates SET email_reminders = ?, email_updates = ?, updated_at = ? WHERE id = ?",
			want.Reminders, want.Updates, s.Now(), actor.ID).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "candidate.email_choices_changed", "candidate", actor.ID, map[string]any{
			"reminders": want.Reminders, "updates": want.Updates, "was": map[string]bool{"reminders": was.Reminders, "updates": was.Updates},
			"via": "account page"})
	})
	return changed, err
}

// optionalEmails decides, in sendAll's transaction, about the drafts of an
// optional kind to a candidate: it returns the drafts that go and, for each,
// its unsubscribe link ("" for an essential message) — a new token, scoped
// to the candidate and the category. A draft whose candidate turned its
// category off is dropped and audited as withheld. However many drafts,
// it costs one read of the choices, one insert of the tokens and one of the
// audit entries (the promise keeper sends hundreds at once).
func (s *Store) optionalEmails(tx *gorm.DB, drafts []draft, wordings map[MessageKind]MessageTemplate) ([]draft, []string, error) {
	links := make([]string, len(drafts))
	var ids []int64
	for _, d := range drafts {
		if wordings[d.kind].Optional != "" && d.candidateID != nil {
			ids = append(ids, *d.candidateID)
		}
	}
	if len(ids) == 0 {
		return drafts, links, nil
	}
	var rows []struct {
		ID                           int64
		EmailReminders, EmailUpdates bool
	}
	if err := tx.Raw("SELECT id, email_reminders, email_updates FROM candidates WHERE id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	choices := make(map[int64]EmailChoices, len(rows))
	for _, r := range rows {
		choices[r.ID] = EmailChoices{Reminders: r.EmailReminders, Updates: r.EmailUpdates}
	}
	keep, kept := drafts[:0:0], links[:0:0]
	var tokens []map[string]any
	var withheld []AuditEntry
	u := s.urls()
	for _, d := range drafts {
		choice := wordings[d.kind].Optional
		if choice == "" || d.candidateID == nil {
			keep, kept = append(keep, d), append(kept, "")
			continue
		}
		if c, ok := choices[*d.candidateID]; ok && !c.Wants(choice) {
			e, err := newAuditEntry(SystemActor("email choices"), "message.withheld_by_choice", "candidate", *d.candidateID,
				map[string]any{"kind": d.kind, "category": choice})
			if err != nil {
				return nil, nil, err
			}
			withheld = append(withheld, e)
			continue
		}
		raw := NewSecret()
		tokens = append(tokens, map[string]any{"token_hash": HashSecret(raw), "candidate_id": *d.candidateID,
			"category": string(choice), "created_at": s.Now()})
		keep, kept = append(keep, d), append(kept, u.abs(u.Unsubscribe(raw)))
	}
	if len(tokens) > 0 {
		if err := tx.Table("unsubscribe_tokens").Create(tokens).Error; err != nil {
			return nil, nil, err
		}
	}
	return keep, kept, auditAll(tx, withheld)
}

// unsubscribeFooter ends the text of an optional message: its own link to
// stop the category, and what always comes anyway.
func unsubscribeFooter(u siteURLs, choice MessageChoice, link string) string {
	return "\n--\nStop these emails (" + choice.inSentence() + "): " + link +
		"\nMessages about decisions, offers and contracts always come. Your choices: " + u.abs(u.MyAccount()) + "\n"
}
