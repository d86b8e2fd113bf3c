package models

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Rejections are final and respectful, but not all alike: a candidate turned
// down after an interview, after an assessment day or after their references
// reads a message that says so, and one whose position closed reads that.
// Each wording is an editable message kind (the message-template editor
// edits them like any other); staff choose one on the reject form, on bulk
// reject and on the close page, with a preview of the exact message, and
// choose when it goes: now, in a few days (a scheduled send, in the Outbox
// with its time), or held until the position is filled. Every path still
// rejects through closeApplication: the wording and the time are parameters.

// The rejection wordings besides the standard one, MsgApplicationRejected.
const (
	MsgRejectionAfterInterview  MessageKind = "rejection_after_interview"
	MsgRejectionAfterAssessment MessageKind = "rejection_after_assessment"
	MsgRejectionAfterReferences MessageKind = "rejection_after_references"
	MsgRejectionPositionClosed  MessageKind = "rejection_position_closed"
	// MsgApplicationMoved tells a candidate, once, that their application
	// goes on for another position (see ClosePosition): not a rejection
	// followed by an invitation.
	MsgApplicationMoved MessageKind = "application_moved"
)

var rejectionMessages = map[MessageKind]MessageTemplate{
	MsgRejectionAfterInterview: {
		Label: "Application not continued: after an interview", Editable: true,
		Subject:      "Your application for {{job_title}}",
		Body:         "Hello {{candidate_name}},\n\nThank you for meeting us and for the care you put into your interview for {{job_title}}. After careful consideration we have decided not to continue with your application.\n\nWe appreciate your interest in {{company}} and wish you every success.",
		Placeholders: []string{"candidate_name", "company", "job_title"},
	},
	MsgRejectionAfterAssessment: {
		Label: "Application not continued: after the assessment day", Editable: true,
		Subject:      "Your application for {{job_title}}",
		Body:         "Hello {{candidate_name}},\n\nThank you for taking part in our assessment day for {{job_title}}. We have weighed everyone's exercises carefully and have decided not to continue with your application.\n\nWe appreciate the time you gave us and wish you every success.",
		Placeholders: []string{"candidate_name", "company", "job_title"},
	},
	MsgRejectionAfterReferences: {
		Label: "Application not continued: after references", Editable: true,
		Subject:      "Your application for {{job_title}}",
		Body:         "Hello {{candidate_name}},\n\nThank you for your patience while we completed the final checks for {{job_title}}. Having considered everything, including your references, we have decided not to continue with your application.\n\nWe appreciate your interest in {{company}} and wish you every success.",
		Placeholders: []string{"candidate_name", "company", "job_title"},
	},
	MsgRejectionPositionClosed: {
		Label: "Application not continued: the position closed", Editable: true,
		Subject:      "The {{job_title}} position has closed",
		Body:         "Hello {{candidate_name}},\n\nThank you for your application for {{job_title}}. The position has now closed, so we cannot continue with your application.\n\nWe appreciate your interest in {{company}} and hope to hear from you again.",
		Placeholders: []string{"candidate_name", "company", "job_title"},
	},
	MsgApplicationMoved: {
		Label: "Application moved to another position", Editable: true,
		Subject:      "Your application continues for {{new_job_title}}",
		Body:         "Hello {{candidate_name}},\n\nThe {{job_title}} position has closed, and we would like to consider you for {{new_job_title}} instead. Your application now continues there: your next step is {{stage}}.\n\nFollow it on your personal page:\n{{sign_in_link}}\n\nThis link works once within {{days}} days. Afterwards, ask for a new link on the sign-in page with your email address.",
		Placeholders: []string{"candidate_name", "company", "job_title", "new_job_title", "stage", "days", "sign_in_link"},
		Required:     []string{"sign_in_link"},
	},
}

// RejectionWordings are the wordings a rejection may be sent with, the
// standard one first.
func RejectionWordings() []MessageKind {
	return []MessageKind{MsgApplicationRejected, MsgRejectionAfterInterview, MsgRejectionAfterAssessment,
		MsgRejectionAfterReferences, MsgRejectionPositionClosed}
}

// RejectionWordingName is a wording's short name, for the choice on a form.
func RejectionWordingName(k MessageKind) string {
	switch k {
	case MsgApplicationRejected:
		return "Standard"
	case MsgRejectionAfterInterview:
		return "After an interview"
	case MsgRejectionAfterAssessment:
		return "After the assessment day"
	case MsgRejectionAfterReferences:
		return "After references"
	case MsgRejectionPositionClosed:
		return "The position closed"
	}
	return k.Label()
}

// DefaultRejectionWording is the wording suggested for an application
// rejected at stage: what the candidate last went through.
func DefaultRejectionWording(stage StageKey) MessageKind {
	switch stage {
	case StageAdditionalInterview, StageCommercialNegotiation, StageHRRound, StageFinalDecision:
		return MsgRejectionAfterInterview
	case StageAssessmentDay:
		return MsgRejectionAfterAssessment
	case StageReferenceChecks, StageBackgroundCheck, StageMedical:
		return MsgRejectionAfterReferences
	}
	return MsgApplicationRejected
}

// MaxRejectionDelayDays is the furthest a rejection's message may be put off.
const MaxRejectionDelayDays = 30

// SendInDaysRefusal refuses a rejection's delay that is not a number of
// days in range (typed, or asked of the store).
func SendInDaysRefusal() error {
	return Invalid("send_in_days", fmt.Sprintf("Send it now or in 1 to %d days.", MaxRejectionDelayDays))
}

// SendTime is the reject forms' one choice of when the message goes.
type SendTime string

// The times a rejection's message may go.
const (
	SendNow   SendTime = "now"
	SendLater SendTime = "later" // in the days typed next to it
	SendHeld  SendTime = "held"  // when the position is filled or closed
)

// ReadRejection is a reject form's wording, send time and days read into a
// Rejection: now (also when no time is posted), in days 1 to
// MaxRejectionDelayDays (read only for a later send), or held.
func ReadRejection(wording MessageKind, send SendTime, days string) (Rejection, error) {
	r := Rejection{Wording: wording}
	switch send {
	case SendNow, "":
	case SendHeld:
		r.Held = true
	case SendLater:
		days = strings.TrimSpace(days)
		if days == "" {
			return r, Invalid("send_in_days", fmt.Sprintf("Say in how many days the message goes (1 to %d).", MaxRejectionDelayDays))
		}
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > MaxRejectionDelayDays {
			return r, SendInDaysRefusal()
		}
		r.InDays = n
	default:
		return r, Invalid("send", "Choose when the message goes.")
	}
	return r, nil
}

// Rejection is how a rejection reaches the candidate: its wording ("" is the
// standard one) and when: now, InDays days from now, or Held until the
// position is filled or closed.
type Rejection struct {
	Wording MessageKind
	InDays  int
	Held    bool
}

// check refuses a wording that is not a rejection's and a time out of range.
func (r Rejection) check() error {
	v := &Problems{}
	if r.Wording != "" && !slices.Contains(RejectionWordings(), r.Wording) {
		v.Add("wording", "Choose one of the rejection wordings.")
	}
	if r.InDays < 0 || r.InDays > MaxRejectionDelayDays {
		mergeFields(v, SendInDaysRefusal())
	}
	if r.Held && r.InDays > 0 {
		v.Add("send", "Choose one time: in a few days, or held until the position is filled.")
	}
	return v.Err()
}

// rejectionMail is app's rejection in wording r, timed as r says (a held
// one is held by closeApplication, with everything else its closing says).
func (s *Store) rejectionMail(app *Application, r Rejection) draft {
	kind := r.Wording
	if kind == "" {
		kind = MsgApplicationRejected
	}
	d := toCandidate(app.Candidate, kind, map[string]string{"job_title": app.Position.Title})
	if r.InDays > 0 {
		at := s.Now().AddDate(0, 0, r.InDays)
		d.sendAfter = &at
	}
	return d
}

// applicationMovedMail tells c once that their application for from goes on
// for to, at stage, with a sign-in link as an invitation has.
func applicationMovedMail(c *Candidate, from, to *Position, stage StageKey, link string) draft {
	return toCandidate(c, MsgApplicationMoved, map[string]string{"job_title": from.Title, "new_job_title": to.Title,
		"stage": StageName(stage), "days": fmt.Sprint(int(InvitationLinkTTL.Hours() / 24)), "sign_in_link": link})
}

// MessagePreview is a message as its candidate will read it.
type MessagePreview struct {
	ToName        string
	Subject, Body string
	SendAfter     *time.Time // a later send: when it goes
	Held          bool       // it waits until the position is filled or closed
}

// RejectionPreview composes app's rejection in wording r exactly as send
// will (the wording in force, this candidate's values), without writing it.
func (s *Store) RejectionPreview(ctx context.Context, actor Actor, appID int64, r Rejection) (MessagePreview, error) {
	if err := r.check(); err != nil {
		return MessagePreview{}, err
	}
	tx := s.db.WithContext(ctx)
	app, err := readApplication(tx, actor, appID)
	if err != nil {
		return MessagePreview{}, err
	}
	d := s.rejectionMail(app, r)
	tmpl, err := s.templateFor(tx, d.kind)
	if err != nil {
		return MessagePreview{}, err
	}
	m := s.compose(tmpl, d, "")
	return MessagePreview{ToName: m.ToName, Subject: m.Subject, Body: m.Body, SendAfter: d.sendAfter, Held: r.Held}, nil
}

// A rejection put off by some days is, until then, like a held one: the
// candidate learns nothing of it. Everything its closing tells them (an
// interview's cancellation, a released seat) waits until the same time, and
// their pages show the decision only from then (CandidateApplication's
// DecisionWithheld). Every message of a closing names its application, so
// reopening one application withdraws only that application's messages.

// closingKey marks a transaction whose messages to one candidate belong to
// the closing of one of their applications (see closeApplication and send).
type closingKey struct{}

// closingOf is what a closing does to its messages to the candidate.
type closingOf struct {
	candidateID, applicationID int64
	heldFor                    int64      // the rejection is held until this position is settled (0: not held)
	tellAt                     *time.Time // the rejection is put off until then (nil: not put off)
}

// closingFor is the closing of app as c asks it, at now.
func closingFor(app *Application, c StatusChange, now time.Time) closingOf {
	k := closingOf{candidateID: app.CandidateID, applicationID: app.ID}
	if c.HoldMessage {
		k.heldFor = app.PositionID
	}
	if c.To == StatusRejected && c.InDays > 0 && !c.toldElsewhere && c.rejectionMail == nil {
		at := now.AddDate(0, 0, c.InDays)
		k.tellAt = &at
	}
	return k
}

// apply makes d one of the closing's messages: it names the application and
// waits with the rejection, held or put off, never leaving before it.
func (k closingOf) apply(d draft) draft {
	if d.applicationID == nil {
		id := k.applicationID
		d.applicationID = &id
	}
	if k.heldFor != 0 && d.heldForPosition == nil {
		p := k.heldFor
		d.heldForPosition = &p
	}
	if k.tellAt != nil && (d.sendAfter == nil || d.sendAfter.Before(*k.tellAt)) {
		at := *k.tellAt
		d.sendAfter = &at
	}
	return d
}

// withdrawDelayedRejection is app, rejected with its message put off by some
// days, reopened before the message went: the rejection never goes, and what
// else its closing told the candidate (an interview's cancellation) goes now,
// as a held rejection's does. The candidate's other applications keep theirs.
func (s *Store) withdrawDelayedRejection(tx *gorm.DB, app *Application) error {
	if _, err := cancelMessages(tx, "application_id = ? AND kind IN ? AND status = 'held' AND held_for_position_id IS NULL",
		app.ID, RejectionWordings()); err != nil {
		return err
	}
	var jobs []int64 // the waiting messages' delivery jobs, scheduled for the rejection's time
	if err := tx.Raw(`SELECT j.id FROM river_job j JOIN outbox_messages m ON j.args->>'message_id' = m.id::text
		WHERE j.kind = 'deliver_message' AND j.state = 'scheduled' AND m.application_id = ? AND m.status = 'held'
			AND m.held_for_position_id IS NULL`, app.ID).Scan(&jobs).Error; err != nil {
		return err
	}
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return fault("delivery jobs must be cancelled inside a transaction")
	}
	for _, id := range jobs {
		if _, err := s.jobs.JobCancelTx(tx.Statement.Context, sqlTx, id); err != nil {
			return err
		}
	}
	return s.releaseHeldMessages(tx, "application_id = ? AND held_for_position_id IS NULL", app.ID)
}
