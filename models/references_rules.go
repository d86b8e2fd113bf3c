package models

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Reference checks: the candidate names referees while the application is
// at the reference stage; staff send each a personal link; the referee
// answers the position's questionnaire or declines. This file holds the
// types and the pure rules (time passed in); references.go the use cases.

// Timing of reference requests.
const (
	RefereeLinkTTL         = 14 * 24 * time.Hour // a request's links work this long after it is sent
	RefereeReminderAfter   = 5 * 24 * time.Hour  // the automatic reminder waits this long for an answer
	RefereeMaxReminders    = 2                   // automatic reminders per request (days 5 and 10 of 14)
	RefereeHandReminderGap = 24 * time.Hour      // a reminder by hand waits this long after the last email
	// QuickAnswer: an answer sent sooner than this after the form first
	// opened is a signal (nobody reads and answers the questionnaire so fast).
	QuickAnswer = 30 * time.Second
	// RecentManagerYears: a manager counts as recent when they worked with
	// the candidate within this many years (or still do).
	RecentManagerYears = 3
	// MaxReferees per application, so a form cannot flood people with requests.
	MaxReferees = 10
)

// RefereeStatus is where a referee is. Expired is never stored: it is a
// request whose links have lapsed (RefereeState).
type RefereeStatus string

// Referee statuses, as stored, and the derived expired state.
const (
	RefereeDraft     RefereeStatus = "draft"     // named, not asked yet
	RefereeRequested RefereeStatus = "requested" // asked, no reply yet
	RefereeAnswered  RefereeStatus = "answered"
	RefereeDeclined  RefereeStatus = "declined"
	RefereeExpired   RefereeStatus = "expired" // derived: requested, links lapsed
)

// CandidateLabel is the state in the candidate's words.
func (s RefereeStatus) CandidateLabel() string {
	switch s {
	case RefereeDraft:
		return "Not sent yet"
	case RefereeRequested:
		return "Asked"
	case RefereeAnswered:
		return "Answered"
	case RefereeDeclined:
		return "Declined"
	case RefereeExpired:
		return "Expired"
	}
	return string(s)
}

// Relationship is how the referee knows the candidate.
type Relationship string

// Relationships a referee can have with the candidate.
const (
	RelManager   Relationship = "manager"
	RelColleague Relationship = "colleague"
	RelClient    Relationship = "client"
	RelOther     Relationship = "other"
)

// Relationships lists them in the order forms offer them.
func Relationships() []Relationship {
	return []Relationship{RelManager, RelColleague, RelClient, RelOther}
}

// Label is the relationship in words.
func (r Relationship) Label() string {
	switch r {
	case RelManager:
		return "Manager"
	case RelColleague:
		return "Colleague"
	case RelClient:
		return "Client"
	case RelOther:
		return "Other"
	}
	return string(r)
}

// QuestionKind is how a question is answered.
type QuestionKind string

// Question kinds.
const (
	QuestionRating      QuestionKind = "rating"        // 1 to 5
	QuestionYesNoUnsure QuestionKind = "yes_no_unsure" // yes, no or unsure
	QuestionText        QuestionKind = "text"          // free text, optional
)

// ReferenceQuestion is one question of a position's questionnaire.
type ReferenceQuestion struct {
	Kind   QuestionKind
	Prompt string
}

// DefaultReferenceQuestions are asked by every position whose questionnaire
// no admin has edited.
func DefaultReferenceQuestions() []ReferenceQuestion {
	return []ReferenceQuestion{
		{QuestionText, "How long and in what capacity did you work with the candidate?"},
		{QuestionRating, "Rate their quality of work"},
		{QuestionRating, "Rate how they work with others"},
		{QuestionYesNoUnsure, "Would you hire or work with them again?"},
		{QuestionText, "Anything else we should know?"},
	}
}

// ReferenceSettings are what a position asks of the candidate's referees.
type ReferenceSettings struct {
	Needed          int  // referees needed, 0 to 5
	ManagerRequired bool // one must be a recent manager
}

// Referee is one referee of an application, as staff read it. Its answers
// are read only through ReferenceReview.
type Referee struct {
	ID                       int64
	ApplicationID            int64
	Name, Email, Phone       string
	Company                  string
	Relationship             Relationship
	WorkedFrom               time.Time  // the first day of the first month
	WorkedTo                 *time.Time // the first day of the last month; nil: still together
	MayContactNow            bool       // false: only after an offer
	CandidateConfirmedAgreed bool
	AddedByStaffID           *int64
	Status                   RefereeStatus
	TokenExpiresAt           *time.Time
	RequestedAt              *time.Time
	LastRemindedAt           *time.Time
	Reminders                int
	OpenedAt                 *time.Time
	AnsweredAt, DeclinedAt   *time.Time
	DeclineReason            string
	ConfirmedRelationship    *bool
	ConfirmedPeriod          *bool
	AnswerIP                 *string `gorm:"column:answer_ip"`
	AnswerUserAgent          string
	CreatedAt, UpdatedAt     time.Time
}

// TableName binds the struct to its table.
func (Referee) TableName() string { return "referees" }

// State is the status as people read it at now: a request whose links have
// lapsed is expired.
func (r Referee) State(now time.Time) RefereeStatus {
	if r.Status == RefereeRequested && r.TokenExpiresAt != nil && !now.Before(*r.TokenExpiresAt) {
		return RefereeExpired
	}
	return r.Status
}

// Agreed: the candidate confirmed the referee agreed to be asked, or staff
// added the referee themselves.
func (r Referee) Agreed() bool { return r.CandidateConfirmedAgreed || r.AddedByStaffID != nil }

// RecentManager reports whether the referee managed the candidate within
// RecentManagerYears of now (or still does).
func (r Referee) RecentManager(now time.Time) bool {
	if r.Relationship != RelManager {
		return false
	}
	return r.WorkedTo == nil || !r.WorkedTo.Before(monthStart(now).AddDate(-RecentManagerYears, 0, 0))
}

// CandidateMayEditReferees: a candidate names, changes and removes referees
// only while their application is active at the reference stage.
func CandidateMayEditReferees(app *Application) error {
	if app.Status != StatusActive || app.Stage != StageReferenceChecks {
		return refusal(CodeConflict, "You can list referees only while your application is at the reference checks step.")
	}
	return nil
}

// CandidateMayChange: a referee can be changed or removed by the candidate
// only until their request has gone out.
func (r Referee) CandidateMayChange() error {
	if r.Status != RefereeDraft {
		return refusal(CodeConflict, "We have already contacted "+oneLine(r.Name)+", so this referee can no longer be changed or removed.")
	}
	return nil
}

// MayBeAsked says whether a request may go to the referee now: unsent (or
// sent and expired, to send afresh), agreed, and, for one who may be
// contacted only after an offer, once an offer has been made.
func (r Referee) MayBeAsked(now time.Time, offerMade bool) error {
	switch st := r.State(now); {
	case st != RefereeDraft && st != RefereeExpired:
		return refusal(CodeConflict, oneLine(r.Name)+" has already been asked for a reference.")
	case !r.Agreed():
		return refusal(CodeConflict, "The candidate has not confirmed that "+oneLine(r.Name)+" agreed to give a reference.")
	case !r.MayContactNow && !offerMade:
		return refusal(CodeConflict, "The candidate asked us to contact "+oneLine(r.Name)+" only after an offer.")
	}
	return nil
}

// LinkUsable says whether the referee's link opens the form at now: from the
// request until the reply, never after it expires.
func (r Referee) LinkUsable(now time.Time) error {
	switch r.State(now) {
	case RefereeRequested:
		return nil
	case RefereeAnswered, RefereeDeclined:
		return errRefereeReplied
	case RefereeExpired:
		return errRefereeLinkExpired
	}
	return ErrNotFound // a draft has no link
}

var (
	errRefereeReplied     = refusal(CodeGone, "Thank you: your reply has already reached us. This link cannot be used again.")
	errRefereeLinkExpired = refusal(CodeGone, "This link has expired. If you would still like to give a reference, reply to our email and we will send a new one.")
	// errReferenceNoLongerNeeded says nothing of why: the referee is not
	// told how the candidate's application ended.
	errReferenceNoLongerNeeded = refusal(CodeGone, "This reference is no longer needed, so the link has been closed. Thank you for your time.")
)

// ReminderDue says whether the automatic reminder should go at now: the
// request is still open, nothing came back for RefereeReminderAfter since
// the request or the last reminder, and fewer than RefereeMaxReminders went.
func (r Referee) ReminderDue(now time.Time) bool {
	if r.State(now) != RefereeRequested || r.Reminders >= RefereeMaxReminders || r.RequestedAt == nil {
		return false
	}
	last := *r.RequestedAt
	if r.LastRemindedAt != nil {
		last = *r.LastRemindedAt
	}
	return !now.Before(last.Add(RefereeReminderAfter))
}

// MayRemindByHand: staff can remind a referee whose request is open, once a
// day at most.
func (r Referee) MayRemindByHand(now time.Time) error {
	if err := r.LinkUsable(now); err != nil {
		return refusal(CodeConflict, oneLine(r.Name)+" has no open request to be reminded of.")
	}
	last := *r.RequestedAt
	if r.LastRemindedAt != nil {
		last = *r.LastRemindedAt
	}
	if now.Before(last.Add(RefereeHandReminderGap)) {
		return refusal(CodeConflict, oneLine(r.Name)+" was emailed less than a day ago. Give them a little time.")
	}
	return nil
}

// ReferenceCompleteness is whether an application's referees satisfy its
// position, with what is missing in words.
type ReferenceCompleteness struct {
	Complete bool
	Missing  []string
}

// RefereeSetComplete checks the referees against the position's settings:
// enough referees still in play (declined ones no longer count), a recent
// manager among them when the position asks for one, and every one agreed.
func RefereeSetComplete(refs []Referee, set ReferenceSettings, now time.Time) ReferenceCompleteness {
	var n int
	var manager, unagreed bool
	for _, r := range refs {
		if r.Status == RefereeDeclined {
			continue
		}
		n++
		manager = manager || r.RecentManager(now)
		unagreed = unagreed || !r.Agreed()
	}
	var missing []string
	if n < set.Needed {
		missing = append(missing, "Add "+strconv.Itoa(set.Needed-n)+" more referee"+plural(set.Needed-n)+" ("+strconv.Itoa(set.Needed)+" needed).")
	}
	if set.ManagerRequired && !manager {
		missing = append(missing, "One referee must be a manager you worked with in the last "+strconv.Itoa(RecentManagerYears)+" years.")
	}
	if unagreed {
		missing = append(missing, "Confirm that each referee agreed to give a reference.")
	}
	return ReferenceCompleteness{Complete: len(missing) == 0, Missing: missing}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// RefereeInput is the referee form, as the candidate or staff fill it in.
type RefereeInput struct {
	Name, Email, Phone, Company string
	Relationship                Relationship
	WorkedFrom, WorkedTo        string // "2021-03"; WorkedTo empty: still working together
	MayContactNow               bool   // false: only after an offer
	ConfirmedAgreed             bool   // the candidate confirms the referee agreed
}

// parsedReferee is a valid RefereeInput, ready to store.
type parsedReferee struct {
	name, email, phone, company string
	relationship                Relationship
	from                        time.Time
	to                          *time.Time
}

// Validate checks the form at now and returns every problem at once.
func (in RefereeInput) Validate(now time.Time) (parsedReferee, error) {
	v := &Problems{}
	p := parsedReferee{name: strings.TrimSpace(in.Name), phone: strings.TrimSpace(in.Phone), company: strings.TrimSpace(in.Company),
		relationship: in.Relationship}
	if p.name == "" {
		v.Add("name", "Enter the referee's name.")
	}
	v.checkLength(p.name, limits.Name)
	v.checkLength(strings.TrimSpace(in.Email), limits.Email)
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		v.Add("email", "Enter the referee's email address, like name@example.com.")
	}
	p.email = email
	v.checkLength(p.phone, limits.Phone)
	if p.phone != "" && utf8.RuneCountInString(digitsOf(p.phone)) < 6 {
		v.Add("phone", "Enter a phone number with its area code, or leave it empty.")
	}
	v.checkLength(p.company, limits.RefereeCompany)
	if !slices.Contains(Relationships(), in.Relationship) {
		v.Add("relationship", "Choose how the referee knows you: manager, colleague, client or other.")
	}
	thisMonth := monthStart(now)
	from, ok := parseMonth(in.WorkedFrom)
	switch {
	case !ok:
		v.Add("worked_from", "Enter the month you started working together, like 2021-03.")
	case from.After(thisMonth):
		v.Add("worked_from", "The start of your time together cannot be in the future.")
	}
	p.from = from
	if strings.TrimSpace(in.WorkedTo) != "" {
		to, ok := parseMonth(in.WorkedTo)
		switch {
		case !ok:
			v.Add("worked_to", "Enter the last month you worked together, like 2023-11, or leave it empty if you still do.")
		case to.After(thisMonth):
			v.Add("worked_to", "The end of your time together cannot be in the future; leave it empty if you still work together.")
		case !v.Has("worked_from") && to.Before(from):
			v.Add("worked_to", "The end of your time together comes before its start.")
		}
		p.to = &to
	}
	return p, v.Err()
}

// parseMonth reads "2006-01" as the first day of that month, in UTC.
func parseMonth(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil || t.Year() < 1950 {
		return time.Time{}, false
	}
	return t, true
}

// monthStart is the first day of now's month, in UTC.
func monthStart(now time.Time) time.Time {
	now = now.UTC()
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// MonthText is how a stored month reads on a form: "2021-03".
func MonthText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2006-01")
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
