package models

import (
	"strings"
	"time"
)

// Message kinds about interviews and hiring decisions.
const (
	MsgInterviewInvitation  MessageKind = "interview_invitation"
	MsgInterviewScheduled   MessageKind = "interview_scheduled"
	MsgInterviewRescheduled MessageKind = "interview_rescheduled"
	MsgInterviewCancelled   MessageKind = "interview_cancelled"

	MsgPanelInterview          MessageKind = "panel_interview"
	MsgPanelInterviewCancelled MessageKind = "panel_interview_cancelled"
	MsgInterviewTimesRequested MessageKind = "interview_times_requested"
	MsgDecisionRequested       MessageKind = "decision_requested"
	MsgDecisionDecided         MessageKind = "decision_decided"
)

// interviewMessages joins messageCatalogue (registered in messages.go).
var interviewMessages = map[MessageKind]MessageTemplate{
	MsgInterviewInvitation: {
		Label: "Invitation to choose an interview time", Editable: true,
		Subject:      "Choose a time for your {{interview}} ({{job_title}})",
		Body:         "Hello {{candidate_name}},\n\nWe would like to invite you to the next step for {{job_title}}: {{interview}}.\n\nPlease choose one of the times we offer on your page. If none suits you, you can ask for other times there:\n{{interview_link}}\n\nTimes are shown in {{time_zone}}.",
		Placeholders: []string{"candidate_name", "company", "job_title", "interview", "time_zone", "interview_link"}, Required: []string{"interview_link"},
	},
	MsgInterviewScheduled: {
		Label: "Interview time confirmed", Editable: true,
		Subject:      "Confirmed: {{interview}} on {{date}}",
		Body:         "Hello {{candidate_name}},\n\nYour {{interview}} for {{job_title}} is confirmed.\n\nWhen: {{date}}, {{start_time}}–{{end_time}} ({{time_zone}})\nWhere: {{where}}\nYou will meet: {{panel}}\n\nHow to prepare: {{instructions}}\n\nThe invitation is attached for your calendar. Details, and a way to ask for another time, are on your page:\n{{interview_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "interview", "date", "start_time", "end_time", "time_zone", "where", "panel", "instructions", "interview_link"},
	},
	MsgInterviewRescheduled: {
		Label: "Interview moved to a new time", Editable: true,
		Subject:      "New time: {{interview}} on {{date}}",
		Body:         "Hello {{candidate_name}},\n\nYour {{interview}} for {{job_title}} has moved.\n\nNew time: {{date}}, {{start_time}}–{{end_time}} ({{time_zone}})\nWhere: {{where}}\n\nThe updated invitation is attached; your calendar will replace the old time. Details are on your page:\n{{interview_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "interview", "date", "start_time", "end_time", "time_zone", "where", "interview_link"},
	},
	MsgInterviewCancelled: {
		Label: "Interview cancelled", Editable: true,
		Subject:      "Cancelled: {{interview}} ({{job_title}})",
		Body:         "Hello {{candidate_name}},\n\nWe are sorry: your {{interview}} for {{job_title}}{{when}} has been cancelled.\n\n{{reason}}\n\nWe will let you know the next step on your page:\n{{application_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "interview", "when", "reason", "application_link"},
	},

	MsgPanelInterview: {
		Label:        "Interview for a panel member",
		Subject:      "{{change}}: {{candidate_name}}, {{date}} {{start_time}}",
		Body:         "Hello {{name}},\n\n{{change}}: {{interview}} with {{candidate_name}} ({{job_title}}).\n\nWhen: {{date}}, {{start_time}}–{{end_time}} ({{time_zone}})\nWhere: {{where}}\n\nThe calendar invitation is attached. Your scorecard is here:\n{{link}}",
		Placeholders: []string{"name", "company", "change", "interview", "candidate_name", "job_title", "date", "start_time", "end_time", "time_zone", "where", "link"},
	},
	MsgPanelInterviewCancelled: {
		Label:        "Interview cancelled, for a panel member",
		Subject:      "Cancelled: {{interview}} with {{candidate_name}}",
		Body:         "Hello {{name}},\n\nThe {{interview}} with {{candidate_name}} ({{job_title}}){{when}} has been cancelled. The attached update removes it from your calendar.\n{{link}}",
		Placeholders: []string{"name", "company", "interview", "candidate_name", "job_title", "when", "link"},
	},
	MsgInterviewTimesRequested: {
		Label:        "Candidate asked for other interview times",
		Subject:      "{{candidate_name}} asked for other interview times",
		Body:         "Hello {{name}},\n\n{{candidate_name}} cannot make the times offered for the {{interview}} ({{job_title}}) and wrote:\n\n{{message}}\n\nOffer other times here:\n{{link}}",
		Placeholders: []string{"name", "company", "candidate_name", "interview", "job_title", "message", "link"},
	},
	MsgDecisionRequested: {
		Label:        "Hiring decision waiting for your answer",
		Subject:      "Your decision is needed: {{candidate_name}} ({{job_title}})",
		Body:         "Hello {{name}},\n\n{{requester}} asks for your decision on {{candidate_name}} for {{job_title}}:\n\n{{proposal}}\n\nApprove or object, with your reasons, here:\n{{link}}",
		Placeholders: []string{"name", "company", "requester", "candidate_name", "job_title", "proposal", "link"},
	},
	MsgDecisionDecided: {
		Label:        "Consultation decided",
		Subject:      "Decision {{outcome}}",
		Body:         "Hello {{name}},\n\nThe consultation you started has been decided: {{outcome}}. The answers and their reasons are here:\n{{link}}",
		Placeholders: []string{"name", "company", "outcome", "link"},
	},
}

// roundWhen is how a round's time reads in a message, in the portal's zone.
func roundWhen(r *InterviewRound, loc *time.Location) map[string]string {
	if r.StartsAt == nil || r.EndsAt == nil {
		return map[string]string{"date": "", "start_time": "", "end_time": "", "time_zone": loc.String()}
	}
	return map[string]string{"date": r.StartsAt.In(loc).Format("Monday 2 January 2006"), "start_time": r.StartsAt.In(loc).Format("15:04"),
		"end_time": r.EndsAt.In(loc).Format("15:04"), "time_zone": ZoneLabel(*r.StartsAt, loc)}
}

// Where is the place and the video link of a round, as one line.
func (r *InterviewRound) Where() string {
	return strings.TrimSpace(strings.Join(strings.Fields(r.Location+" "+r.VideoURL), " "))
}

// PanelNames lists the panel as "Name (Title)", for candidates.
func (r *InterviewRound) PanelNames() string {
	var names []string
	for _, u := range r.Panel {
		if u.JobTitle != "" {
			names = append(names, u.Name+" ("+u.JobTitle+")")
		} else {
			names = append(names, u.Name)
		}
	}
	return strings.Join(names, ", ")
}

func interviewInvitationMail(u siteURLs, app *Application, r *InterviewRound, loc *time.Location) draft {
	return toCandidate(app.Candidate, MsgInterviewInvitation, map[string]string{"job_title": app.Position.Title, "interview": r.Title,
		"time_zone": loc.String(), "interview_link": u.abs(u.MyInterview(app.ID, r.ID))})
}

func interviewScheduledMail(u siteURLs, app *Application, r *InterviewRound, loc *time.Location, kind MessageKind, ics string) draft {
	vars := roundWhen(r, loc)
	vars["job_title"], vars["interview"], vars["where"], vars["panel"] = app.Position.Title, r.Title, orDash(r.Where()), orDash(r.PanelNames())
	vars["instructions"], vars["interview_link"] = orDash(r.Instructions), u.abs(u.MyInterview(app.ID, r.ID))
	d := toCandidate(app.Candidate, kind, vars)
	d.calendarICS = ics
	return d
}

func interviewCancelledMail(u siteURLs, app *Application, r *InterviewRound, loc *time.Location, reason, ics string) draft {
	d := toCandidate(app.Candidate, MsgInterviewCancelled, map[string]string{"job_title": app.Position.Title, "interview": r.Title,
		"when": cancelledWhen(r, loc), "reason": reasonLine(reason), "application_link": u.abs(u.MyApplication(app.ID))})
	d.calendarICS = ics
	return d
}

func panelInterviewMail(su siteURLs, member *StaffUser, app *Application, r *InterviewRound, loc *time.Location, change, ics string) draft {
	vars := roundWhen(r, loc)
	vars["change"], vars["interview"], vars["candidate_name"] = change, r.Title, oneLine(app.Candidate.Name)
	vars["job_title"], vars["where"], vars["link"] = app.Position.Title, orDash(r.Where()), su.abs(su.Interview(r.ID))
	d := toStaff(member, MsgPanelInterview, su.Interview(r.ID), vars)
	d.calendarICS = ics
	return d
}

func panelInterviewCancelledMail(su siteURLs, member *StaffUser, app *Application, r *InterviewRound, loc *time.Location, ics string) draft {
	d := toStaff(member, MsgPanelInterviewCancelled, su.Interview(r.ID), map[string]string{"interview": r.Title,
		"candidate_name": oneLine(app.Candidate.Name), "job_title": app.Position.Title, "when": cancelledWhen(r, loc), "link": su.abs(su.Interview(r.ID))})
	d.calendarICS = ics
	return d
}

func interviewTimesRequestedMail(su siteURLs, owner *StaffUser, app *Application, r *InterviewRound, message string) draft {
	return toStaff(owner, MsgInterviewTimesRequested, su.Interview(r.ID), map[string]string{"candidate_name": oneLine(app.Candidate.Name),
		"interview": r.Title, "job_title": app.Position.Title, "message": message, "link": su.abs(su.Interview(r.ID))})
}

func decisionRequestedMail(su siteURLs, colleague *StaffUser, app *Application, requester, proposal string) draft {
	path := su.CandidateDecision(app.CandidateID, app.ID)
	return toStaff(colleague, MsgDecisionRequested, path, map[string]string{"requester": oneLine(requester), "candidate_name": oneLine(app.Candidate.Name),
		"job_title": app.Position.Title, "proposal": proposal, "link": su.abs(path)})
}

func decisionDecidedMail(su siteURLs, requester *StaffUser, candidateID, appID int64, outcome DecisionStatus) draft {
	path := su.CandidateDecision(candidateID, appID)
	return toStaff(requester, MsgDecisionDecided, path, map[string]string{"outcome": strings.ToLower(outcome.Label()), "link": su.abs(path)})
}

func cancelledWhen(r *InterviewRound, loc *time.Location) string {
	if r.StartsAt == nil {
		return ""
	}
	return " on " + r.StartsAt.In(loc).Format("Monday 2 January 2006, 15:04")
}

func reasonLine(reason string) string {
	if reason == "" {
		return "No reason was given."
	}
	return "Reason: " + reason
}
