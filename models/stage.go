package models

import (
	"fmt"
	"slices"
	"time"
)

// StageKey names a step of the post-interview process.
type StageKey string

// The stage catalogue, in its natural order.
const (
	StageInterviewCompleted    StageKey = "interview_completed"
	StageAdditionalInterview   StageKey = "additional_interview"
	StageAssessmentDay         StageKey = "assessment_day"
	StageCommercialNegotiation StageKey = "commercial_negotiation"
	StageHRRound               StageKey = "hr_round"
	StageReferenceChecks       StageKey = "reference_checks"
	StageBackgroundCheck       StageKey = "background_check"
	StageMedical               StageKey = "pre_employment_medical"
	StageFinalDecision         StageKey = "final_decision"
	StageOffer                 StageKey = "offer"
	StageContract              StageKey = "contract"
	StageOnboarding            StageKey = "onboarding"
	StageHired                 StageKey = "hired"
)

// Stage describes a stage to staff and, in plain words, to the candidate.
type Stage struct {
	Key            StageKey
	Name           string // staff-facing
	CandidateTitle string
	Explanation    string // what happens in this stage
	WhatToDo       string // what the candidate should do now
}

// Catalogue lists every stage in its natural order.
var catalogue = []Stage{
	{StageInterviewCompleted, "Interview completed", "Interview completed",
		"Thank you for interviewing with us. The interview team is sharing their notes and deciding on the next step.",
		"Nothing for now. We will let you know the next step by the date shown."},
	{StageAdditionalInterview, "Additional interview", "Another interview",
		"We would like to get to know you better in another conversation, often with future colleagues or your future manager.",
		"Watch for an invitation with the date and time. If the proposed time does not suit you, reply and we will find another."},
	{StageAssessmentDay, "Assessment day", "Assessment day",
		"You are invited to an assessment day: practical exercises, sometimes in a group, that show how you work in situations like the real job.",
		"Book a seat on one of the offered days. Read the agenda and what to bring before the day."},
	{StageCommercialNegotiation, "Commercial negotiation interview", "Commercial negotiation interview",
		"A conversation in which you negotiate a realistic sales scenario with us, so we can see how you handle customers and prices.",
		"Prepare as you would for a real customer meeting. You will receive the scenario brief beforehand."},
	{StageHRRound, "HR round", "Conversation with HR",
		"A conversation with our people team about working conditions, expectations, and any questions you have about the company.",
		"Think about your notice period, preferred start date and any questions about the role or benefits."},
	{StageReferenceChecks, "Reference checks", "Reference checks",
		"We speak with people who have worked with you, with your permission, to hear about your past work.",
		"Name your referees on this page and let them know we will contact them. You will see when each has replied, never what they wrote."},
	{StageBackgroundCheck, "Background check", "Background check",
		"A background check required for this role, carried out only with your consent.",
		"Give your consent when asked and answer any follow-up questions promptly. You will only see the status, never third-party reports."},
	{StageMedical, "Pre-employment medical", "Pre-employment medical",
		"A short medical assessment required for this role, carried out by an independent occupational health service.",
		"Book the appointment we send you. Results stay with the medical service; we only learn whether you are fit for the role."},
	{StageFinalDecision, "Final decision", "Final decision",
		"The hiring team is making its final decision, which may include approval from a senior manager.",
		"Nothing for now. We will contact you by the date shown."},
	{StageOffer, "Offer", "Job offer",
		"We would like to offer you the job. The offer sets out the salary, start date and benefits.",
		"Read the offer carefully. You can accept it, decline it, or ask us a question before the offer expires."},
	{StageContract, "Contract", "Contract",
		"Your employment contract is ready to be signed electronically.",
		"Read the contract and sign it. We will countersign and send you the final copy."},
	{StageOnboarding, "Onboarding", "Getting ready to start",
		"Welcome aboard. A few forms and checks help us prepare for your first day.",
		"Nothing for now. We will send you what we need from you, and the details of your first day, before you start."},
	{StageHired, "Hired", "Welcome to the team",
		"You have joined us. We are glad to have you.",
		"Nothing more to do here. Welcome to the team!"},
}

// Stages returns the whole catalogue in natural order.
func Stages() []Stage { return slices.Clone(catalogue) }

// LookupStage finds a stage by key.
func LookupStage(key StageKey) (Stage, bool) {
	for _, s := range catalogue {
		if s.Key == key {
			return s, true
		}
	}
	return Stage{}, false
}

// StageName is the staff-facing name of key, or the key itself when unknown.
func StageName(key StageKey) string {
	if s, ok := LookupStage(key); ok {
		return s.Name
	}
	return string(key)
}

// Status of an application.
type Status string

// Application statuses: one live state, one paused, three outcomes.
const (
	StatusActive    Status = "active"
	StatusOnHold    Status = "on_hold"
	StatusHired     Status = "hired"
	StatusRejected  Status = "rejected"
	StatusWithdrawn Status = "withdrawn"
)

// Statuses lists all statuses in display order.
func Statuses() []Status {
	return []Status{StatusActive, StatusOnHold, StatusHired, StatusRejected, StatusWithdrawn}
}

// Label is the staff-facing name of a status.
func (s Status) Label() string {
	switch s {
	case StatusActive:
		return "Active"
	case StatusOnHold:
		return "On hold"
	case StatusHired:
		return "Hired"
	case StatusRejected:
		return "Rejected"
	case StatusWithdrawn:
		return "Withdrawn"
	}
	return string(s)
}

// Closed reports whether the application has reached an outcome.
func (s Status) Closed() bool {
	return s == StatusHired || s == StatusRejected || s == StatusWithdrawn
}

// Pipeline is a position's ordered list of stages.
type Pipeline []StageKey

// DefaultPipeline is the pipeline a new position starts with in the editor.
func DefaultPipeline() Pipeline {
	return Pipeline{StageInterviewCompleted, StageAdditionalInterview, StageHRRound, StageReferenceChecks,
		StageFinalDecision, StageOffer, StageContract, StageOnboarding, StageHired}
}

// Index is the position of key in the pipeline, or -1.
func (p Pipeline) Index(key StageKey) int { return slices.Index(p, key) }

// Validate checks a pipeline built in the editor.
func (p Pipeline) Validate() error {
	if len(p) == 0 {
		return Invalid("stages", "Choose at least one stage for the pipeline.")
	}
	seen := map[StageKey]bool{}
	for _, k := range p {
		if _, ok := LookupStage(k); !ok {
			return Invalid("stages", fmt.Sprintf("%q is not a known stage.", k))
		}
		if seen[k] {
			return Invalid("stages", fmt.Sprintf("%s appears twice; each stage can be used once.", StageName(k)))
		}
		seen[k] = true
	}
	return nil
}

// StatusAfterMove is the status an application takes on entering a stage.
func StatusAfterMove(to StageKey) Status {
	if to == StageHired {
		return StatusHired
	}
	return StatusActive
}

// CanChangeStatus is the outcome rule: reject and withdraw close a live
// application (reject needs a reason), hold pauses an active one, reactivate
// resumes a held, rejected or withdrawn one. Hired is final.
func CanChangeStatus(from, to Status, reason string) error {
	if from == StatusHired {
		return Invalid("status", "This candidate has been hired; the application can no longer change.")
	}
	switch to {
	case StatusRejected:
		if from == StatusRejected || from == StatusWithdrawn {
			return Invalid("status", "This application is already closed.")
		}
		if len([]rune(reason)) < 3 {
			return Invalid("reason", "Give a reason for the rejection (it stays internal).")
		}
	case StatusWithdrawn:
		if from == StatusRejected || from == StatusWithdrawn {
			return Invalid("status", "This application is already closed.")
		}
	case StatusOnHold:
		if from != StatusActive {
			return Invalid("status", "Only an active application can be put on hold.")
		}
	case StatusActive:
		if from == StatusActive {
			return Invalid("status", "This application is already active.")
		}
	default:
		return Invalid("status", "Unknown status.")
	}
	return nil
}

// HoldsRejection reports whether a status change to to, with "Held until the
// position is filled" chosen or not, holds the candidate's message: a hold
// applies only to a rejection, so the choice means nothing for any other
// change.
func HoldsRejection(to Status, held bool) bool { return held && to == StatusRejected }

// AddBusinessDays returns the end of the working day n business days after t,
// in loc (Saturdays and Sundays skipped).
func AddBusinessDays(t time.Time, n int, loc *time.Location) time.Time {
	d := t.In(loc)
	for added := 0; added < n; {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			added++
		}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 17, 0, 0, 0, loc)
}
