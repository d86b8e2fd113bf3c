package models

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
)

// limit is the most characters one text field holds. The database has the
// same rule as a CHECK (length(column) <= Max) on each of Columns, and
// TestLimitsMatchTheDatabase reads those constraints back and compares; a
// limit no column holds says why in GoOnly instead.
type limit struct {
	Max     int      // characters at most, counted as PostgreSQL's length counts them (runes)
	Min     int      // characters at least in the same CHECK (1: not empty); forms say so in their own words
	Columns []string // the "table.column"s whose CHECK holds Max
	GoOnly  string   // instead of Columns: why no CHECK holds this limit
	Field   string   // the form field a refusal is about ("" when no form writes it)
	Subject string   // how the refusal begins, naming the field with its verb: "The name is"
}

// limits is every text field's maximum, in one place. Forms check them with
// Problems.checkLength (or tooLong); a CHECK violation that still reaches
// the database becomes the same refusal (see lengthViolation).
var limits = struct {
	// People and positions
	Name, Email, Phone, JobTitle, Password              limit
	PositionTitle, PositionDepartment, PositionLocation limit
	Criterion, PositionDescription                      limit
	// Applications and notes
	StageNote, OutcomeReason, ExpectedNote, CandidateNote limit
	StaffMessageSubject, StaffMessageBody                 limit
	// Assessment days
	DayTitle, DayAddress, DayDirections, DayOnlineURL, DayAgenda, DayWhatToBring, DayCancelReason limit
	BookingNotes                                                                                  limit
	// Interest checks and offers
	InterestMessage, InterestQuestion, EarliestStart, NoticePeriod, SalaryExpectation, ExtraAnswer, WithdrawReason limit
	OfferJobTitle, OfferBonusEquity, OfferBenefits, OfferLocation, OfferWorkingPattern, OfferPersonalMessage       limit
	SentBackComment, OfferQuestion, OfferAnswer, DeclineReason                                                     limit
	// Contracts and mail
	TemplateName, TemplateBody, CurrentName, RequestedName, CorrectionNote, CorrectionResponse limit
	MessageSubject, MessageBody, ReplyTo                                                       limit
	// Interviews, scorecards and decisions
	RoundTitle, RoundLocation, RoundVideoURL, RoundInstructions, ChangeRequest, RoundCancelReason limit
	ScorecardNotes, RatingNote, Proposal, Rationale                                               limit
	RoundFocusAreas, KitQuestions                                                                 limit
	// Reference checks
	RefereeCompany, ReferencePrompt, ReferenceAnswer, RefereeUserAgent limit
	// Files, background checks and medicals
	FileName, CheckProviderName, CheckProviderRef, CheckResultSummary, WebhookEventID       limit
	AddressLine, AddressCity, AddressPostcode, AddressCountry                               limit
	ConsentTextVersion, ConsentUserAgent, AdverseFinding, AdverseHowToDispute, AdverseReply limit
	// Onboarding
	OnboardingTaskTitle, OnboardingTaskExplanation, OnboardingVersion, OnboardingReturnReason, OnboardingFieldValue limit
	// The first day
	FirstDayTimeZone, FirstDayAddress, FirstDayAskFor, FirstDayWhatToBring, FirstDayAgenda limit
	// A person's own time zone (candidates and staff)
	PersonTimeZone limit
	// Scheduled work
	ScheduledTask, ScheduledRunError limit
	// Erasure
	ErasureDeclineReason, LegalHoldReason limit
}{
	ErasureDeclineReason: limit{Max: 1000, Columns: []string{"erasure_requests.decline_reason"}, Field: "reason", Subject: "The reason is"},
	LegalHoldReason:      limit{Max: 500, Columns: []string{"candidates.legal_hold_reason"}, Subject: "The legal hold's reason is"},
	ScheduledTask:        limit{Max: 100, Min: 1, Columns: []string{"scheduled_runs.task"}, Subject: "The task's name is"},
	ScheduledRunError:    limit{Max: 2000, Columns: []string{"scheduled_runs.error"}, Subject: "The error is"},

	Name:                limit{Max: 200, Min: 1, Columns: []string{"candidates.name", "staff_users.name", "referees.name"}, Field: "name", Subject: "The name is"},
	Email:               limit{Max: 254, Min: 3, Columns: []string{"candidates.email", "staff_users.email", "referees.email"}, Field: "email", Subject: "The email address is"},
	Phone:               limit{Max: 40, Columns: []string{"candidates.phone", "referees.phone"}, Field: "phone", Subject: "The phone number is"},
	JobTitle:            limit{Max: 200, Columns: []string{"staff_users.job_title", "contracts.employer_signed_role"}, Field: "job_title", Subject: "The job title is"},
	Password:            limit{Max: 200, GoOnly: "only its argon2id hash is stored; the limit bounds the hashing work", Field: "password", Subject: "The password is"},
	PositionTitle:       limit{Max: 200, Min: 1, Columns: []string{"positions.title"}, Field: "title", Subject: "The title is"},
	PositionDepartment:  limit{Max: 200, Columns: []string{"positions.department"}, Field: "department", Subject: "The department is"},
	PositionLocation:    limit{Max: 200, Columns: []string{"positions.location"}, Field: "location", Subject: "The location is"},
	Criterion:           limit{Max: 100, Min: 1, Columns: []string{"scorecard_criteria.name"}, Field: "criteria", Subject: "A criterion is"},
	PositionDescription: limit{Max: 8000, Columns: []string{"positions.description"}, Field: "description", Subject: "The description is"},

	StageNote:           limit{Max: 4000, Columns: []string{"stage_events.note"}, Field: "note", Subject: "The note is"},
	OutcomeReason:       limit{Max: 2000, Columns: []string{"applications.outcome_reason"}, Field: "reason", Subject: "The reason is"},
	ExpectedNote:        limit{Max: 2000, Columns: []string{"applications.expected_update_note"}, Field: "expected_note", Subject: "The note is"},
	CandidateNote:       limit{Max: 4000, Min: 1, Columns: []string{"candidate_notes.body"}, Field: "body", Subject: "The note is"},
	StaffMessageSubject: limit{Max: 200, GoOnly: "it fills the staff_message template; the outbox's subjects have no CHECK", Field: "subject", Subject: "The subject is"},
	StaffMessageBody:    limit{Max: 4000, GoOnly: "it fills the staff_message template; the outbox's bodies have no CHECK", Field: "body", Subject: "The message is"},

	DayTitle:        limit{Max: 200, Min: 1, Columns: []string{"assessment_days.title"}, Field: "title", Subject: "The title is"},
	DayAddress:      limit{Max: 500, Columns: []string{"assessment_days.location_address"}, Field: "location_address", Subject: "The address is"},
	DayDirections:   limit{Max: 2000, Columns: []string{"assessment_days.directions"}, Field: "directions", Subject: "The directions are"},
	DayOnlineURL:    limit{Max: 500, Columns: []string{"assessment_days.online_url"}, Field: "online_url", Subject: "The link is"},
	DayAgenda:       limit{Max: 4000, Columns: []string{"assessment_days.agenda"}, Field: "agenda", Subject: "The agenda is"},
	DayWhatToBring:  limit{Max: 2000, Columns: []string{"assessment_days.what_to_bring"}, Field: "what_to_bring", Subject: "What to bring is"},
	DayCancelReason: limit{Max: 2000, GoOnly: "migration 00002 gave assessment_days.cancel_reason no CHECK", Field: "reason", Subject: "The reason is"},
	BookingNotes:    limit{Max: 4000, Columns: []string{"assessment_bookings.result_notes"}, Field: "notes", Subject: "The notes are"},

	InterestMessage:   limit{Max: 4000, Min: 1, Columns: []string{"interest_checks.message"}, Field: "message", Subject: "The message is"},
	InterestQuestion:  limit{Max: 500, GoOnly: "the questions are stored together, as JSON in interest_checks.extra_questions", Field: "questions", Subject: "A question is"},
	EarliestStart:     limit{Max: 200, Columns: []string{"interest_checks.earliest_start"}, Field: "earliest_start", Subject: "The answer is"},
	NoticePeriod:      limit{Max: 200, Columns: []string{"interest_checks.notice_period"}, Field: "notice_period", Subject: "The answer is"},
	SalaryExpectation: limit{Max: 200, Columns: []string{"interest_checks.salary_expectation"}, Field: "salary_expectation", Subject: "The answer is"},
	ExtraAnswer:       limit{Max: 2000, GoOnly: "the answers are stored together, as JSON in interest_checks.extra_answers", Field: "extra", Subject: "The answer is"},
	WithdrawReason:    limit{Max: 2000, Columns: []string{"interest_checks.withdraw_reason"}, Field: "reason", Subject: "The reason is"},

	OfferJobTitle:        limit{Max: 200, Min: 1, Columns: []string{"offer_versions.job_title"}, Field: "job_title", Subject: "The job title is"},
	OfferBonusEquity:     limit{Max: 2000, Columns: []string{"offer_versions.bonus_equity"}, Field: "bonus_equity", Subject: "The bonus and equity text is"},
	OfferBenefits:        limit{Max: 4000, Columns: []string{"offer_versions.benefits"}, Field: "benefits", Subject: "The benefits text is"},
	OfferLocation:        limit{Max: 200, Columns: []string{"offer_versions.location"}, Field: "location", Subject: "The location is"},
	OfferWorkingPattern:  limit{Max: 200, Columns: []string{"offer_versions.working_pattern"}, Field: "working_pattern", Subject: "The working pattern is"},
	OfferPersonalMessage: limit{Max: 4000, Columns: []string{"offer_versions.personal_message"}, Field: "personal_message", Subject: "The personal message is"},
	SentBackComment:      limit{Max: 2000, Columns: []string{"offer_versions.sent_back_comment"}, Field: "comment", Subject: "The comment is"},
	OfferQuestion:        limit{Max: 2000, Min: 1, Columns: []string{"offer_questions.question"}, Field: "question", Subject: "Your question is"},
	OfferAnswer:          limit{Max: 4000, Columns: []string{"offer_questions.answer"}, Field: "answer", Subject: "The answer is"},
	DeclineReason:        limit{Max: 2000, Columns: []string{"offers.decline_reason", "referees.decline_reason"}, Field: "reason", Subject: "The reason is"},

	TemplateName:       limit{Max: 200, Min: 1, Columns: []string{"contract_templates.name"}, Field: "name", Subject: "The name is"},
	TemplateBody:       limit{Max: 100000, Min: 1, Columns: []string{"contract_templates.body"}, Field: "body", Subject: "The contract text is"},
	CurrentName:        limit{Max: 200, Min: 1, Columns: []string{"contract_name_corrections.current_name"}, Subject: "The name on the contract is"},
	RequestedName:      limit{Max: 200, Min: 1, Columns: []string{"contract_name_corrections.requested_name"}, Field: "requested_name", Subject: "The name is"},
	CorrectionNote:     limit{Max: 2000, Columns: []string{"contract_name_corrections.note"}, Field: "note", Subject: "The note is"},
	CorrectionResponse: limit{Max: 2000, Columns: []string{"contract_name_corrections.response"}, Field: "response", Subject: "The response is"},
	MessageSubject:     limit{Max: 300, Min: 1, Columns: []string{"message_templates.subject"}, Field: "subject", Subject: "The subject is"},
	MessageBody:        limit{Max: 20000, Min: 1, Columns: []string{"message_templates.body"}, Field: "body", Subject: "The message is"},
	ReplyTo:            limit{Max: 320, Columns: []string{"outbox_messages.reply_to"}, Subject: "The reply-to address is"},

	RoundTitle:        limit{Max: 200, Min: 1, Columns: []string{"interview_rounds.title"}, Field: "title", Subject: "The title is"},
	RoundLocation:     limit{Max: 500, Columns: []string{"interview_rounds.location"}, Field: "location", Subject: "The place is"},
	RoundVideoURL:     limit{Max: 500, Columns: []string{"interview_rounds.video_url"}, Field: "video_url", Subject: "The video link is"},
	RoundInstructions: limit{Max: 4000, Columns: []string{"interview_rounds.instructions"}, Field: "instructions", Subject: "The instructions are"},
	ChangeRequest:     limit{Max: 2000, Columns: []string{"interview_rounds.change_request"}, Field: "message", Subject: "The message is"},
	RoundCancelReason: limit{Max: 2000, Columns: []string{"interview_rounds.cancel_reason"}, Field: "reason", Subject: "The reason is"},
	ScorecardNotes:    limit{Max: 8000, Columns: []string{"scorecards.notes"}, Field: "notes", Subject: "The notes are"},
	RatingNote:        limit{Max: 2000, Columns: []string{"scorecard_ratings.notes"}, Subject: "A rating's note is"},
	Proposal:          limit{Max: 4000, Min: 1, Columns: []string{"decision_requests.proposal"}, Field: "proposal", Subject: "The proposal is"},
	Rationale:         limit{Max: 4000, Columns: []string{"decision_responses.rationale"}, Field: "rationale", Subject: "The rationale is"},
	RoundFocusAreas:   limit{Max: 4000, Columns: []string{"interview_rounds.focus_areas"}, Field: "focus_areas", Subject: "The focus areas are"},
	KitQuestions:      limit{Max: 4000, Min: 1, Columns: []string{"interview_round_questions.questions"}, Subject: "The suggested questions are"},

	RefereeCompany:      limit{Max: 200, Columns: []string{"referees.company"}, Field: "company", Subject: "The company is"},
	ReferencePrompt:     limit{Max: 500, Min: 1, Columns: []string{"reference_questions.prompt", "reference_answers.prompt"}, Field: "prompt", Subject: "A question is"},
	ReferenceAnswer:     limit{Max: 4000, Columns: []string{"reference_answers.text_answer"}, Field: "answer", Subject: "The answer is"},
	RefereeUserAgent:    limit{Max: 500, Columns: []string{"referees.answer_user_agent"}, Subject: "The browser's description is"},
	FileName:            limit{Max: 255, Min: 1, Columns: []string{"stored_files.name"}, Field: "file", Subject: "The file's name is"},
	CheckProviderName:   limit{Max: 200, Columns: []string{"checks.provider_name"}, Field: "provider_name", Subject: "The provider's name is"},
	CheckProviderRef:    limit{Max: 200, Columns: []string{"checks.provider_ref"}, Field: "reference", Subject: "The reference is"},
	CheckResultSummary:  limit{Max: 4000, Columns: []string{"checks.result_summary"}, Field: "finding", Subject: "The finding is"},
	WebhookEventID:      limit{Max: 200, Min: 1, Columns: []string{"check_webhook_events.event_id"}, Subject: "The event id is"},
	AddressLine:         limit{Max: 200, Min: 1, Columns: []string{"check_addresses.line"}, Field: "line", Subject: "The street address is"},
	AddressCity:         limit{Max: 100, Min: 1, Columns: []string{"check_addresses.city"}, Field: "city", Subject: "The town or city is"},
	AddressPostcode:     limit{Max: 20, Columns: []string{"check_addresses.postcode"}, Field: "postcode", Subject: "The postcode is"},
	AddressCountry:      limit{Max: 100, Min: 1, Columns: []string{"check_addresses.country"}, Field: "country", Subject: "The country is"},
	ConsentTextVersion:  limit{Max: 50, Min: 1, Columns: []string{"check_consents.text_version"}, Subject: "The consent text's version is"},
	ConsentUserAgent:    limit{Max: 500, Columns: []string{"check_consents.user_agent"}, Subject: "The browser's name is"},
	AdverseFinding:      limit{Max: 4000, Min: 1, Columns: []string{"check_adverse_actions.finding"}, Field: "finding", Subject: "The finding is"},
	AdverseHowToDispute: limit{Max: 4000, Min: 1, Columns: []string{"check_adverse_actions.how_to_dispute"}, Field: "how_to_dispute", Subject: "How to dispute it is"},
	AdverseReply:        limit{Max: 4000, Columns: []string{"check_adverse_actions.reply"}, Field: "reply", Subject: "Your reply is"},

	OnboardingTaskTitle: limit{Max: 200, Min: 1, Columns: []string{"onboarding_template_tasks.title", "onboarding_tasks.title"}, Field: "title", Subject: "The task's title is"},
	OnboardingTaskExplanation: limit{Max: 4000, Columns: []string{"onboarding_template_tasks.explanation", "onboarding_tasks.explanation"},
		Field: "explanation", Subject: "The explanation is"},
	OnboardingVersion: limit{Max: 50, Columns: []string{"onboarding_template_tasks.confirm_version", "onboarding_tasks.confirm_version", "onboarding_tasks.confirmed_version"},
		Field: "version", Subject: "The version is"},
	OnboardingReturnReason: limit{Max: 2000, Columns: []string{"onboarding_tasks.return_reason"}, Field: "reason", Subject: "The reason is"},
	OnboardingFieldValue:   limit{Max: 500, Columns: []string{"onboarding_fields.value", "onboarding_fields.masked"}, Subject: "The answer is"},

	FirstDayTimeZone:    limit{Max: 64, Min: 1, Columns: []string{"first_days.time_zone"}, Field: "time_zone", Subject: "The time zone is"},
	FirstDayAddress:     limit{Max: 500, Min: 1, Columns: []string{"first_days.address"}, Field: "address", Subject: "The address is"},
	FirstDayAskFor:      limit{Max: 200, Columns: []string{"first_days.ask_for"}, Field: "ask_for", Subject: "Whom to ask for is"},
	FirstDayWhatToBring: limit{Max: 2000, Columns: []string{"first_days.what_to_bring"}, Field: "what_to_bring", Subject: "What to bring is"},
	FirstDayAgenda:      limit{Max: 2000, Columns: []string{"first_days.agenda"}, Field: "agenda", Subject: "The agenda is"},

	PersonTimeZone: limit{Max: 64, Min: 1, Columns: []string{"candidates.time_zone", "staff_users.time_zone"}, Field: "time_zone", Subject: "The time zone is"},
}

// checkLength adds l's refusal when value has more characters than l
// allows. value is what would be stored, trimmed as the caller stores it.
func (p *Problems) checkLength(value string, l limit) {
	if utf8.RuneCountInString(value) > l.Max {
		p.Add(l.Field, l.tooLongSentence())
	}
}

// tooLongSentence is the one "too long" sentence: "The note is too long
// (4000 characters at most)."
func (l limit) tooLongSentence() string {
	return l.Subject + " too long (" + characters(l.Max) + " at most)."
}

// tooLong is checkLength for a form of one field: the refusal, or nil.
func tooLong(value string, l limit) error {
	var p Problems
	p.checkLength(value, l)
	return p.Err()
}

// as is l for a field the form repeats (one per answer, one per criterion),
// with its own field name and subject.
func (l limit) as(field, subject string) limit {
	l.Field, l.Subject = field, subject
	return l
}

// characters writes a count the way the sentences do: "4000 characters",
// "20,000 characters".
func characters(n int) string {
	s := strconv.Itoa(n)
	if n >= 10000 {
		for i := len(s) - 3; i > 0; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
	}
	return s + " characters"
}

// eachLimit calls fn with the name and value of every limit in the table.
func eachLimit(fn func(name string, l limit)) {
	v := reflect.ValueOf(limits)
	for i := range v.NumField() {
		fn(v.Type().Field(i).Name, v.Field(i).Interface().(limit))
	}
}

// limitsByConstraint finds a limit by the name PostgreSQL gives a column's
// CHECK ("candidates_name_check"); TestLimitsMatchTheDatabase checks that
// the names are those.
var limitsByConstraint = sync.OnceValue(func() map[string]limit {
	m := map[string]limit{}
	eachLimit(func(_ string, l limit) {
		for _, c := range l.Columns {
			m[strings.ReplaceAll(c, ".", "_")+"_check"] = l
		}
	})
	return m
})

// lengthViolation is the limit behind err when err is a CHECK violation
// (SQLSTATE 23514) of a column in the table: a write that skipped the form's
// check. ErrorOf makes it the field's refusal rather than an internal error.
func lengthViolation(err error) (limit, bool) {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23514" {
		return limit{}, false
	}
	l, ok := limitsByConstraint()[pgErr.ConstraintName]
	return l, ok
}

// violation is the sentence for a value the database refused under l's
// CHECK, which also refuses an empty (or too short) value when l.Min says so.
func (l limit) violation() string {
	switch {
	case l.Min == 0:
		return l.tooLongSentence()
	case l.Min == 1:
		return l.Subject + " empty or too long (" + characters(l.Max) + " at most)."
	default:
		return fmt.Sprintf("%s too short or too long (%d to %s).", l.Subject, l.Min, characters(l.Max))
	}
}
