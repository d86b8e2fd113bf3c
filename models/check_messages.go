package models

import "time"

// Message kinds about background checks and medicals: candidate-facing, so
// admins may re-word them on Message wording.
const (
	MsgCheckNeedsYou          MessageKind = "check_needs_you"
	MsgCheckStatusChanged     MessageKind = "check_status_changed"
	MsgCheckPreDecisionNotice MessageKind = "check_pre_decision_notice"
	MsgCheckFinalNotice       MessageKind = "check_final_notice"
)

// checkMessages joins messageCatalogue (registered in messages.go).
var checkMessages = map[MessageKind]MessageTemplate{
	MsgCheckNeedsYou: {
		Label: "A check needs something from the candidate", Editable: true,
		Subject:      "Your {{check}} needs your answer ({{job_title}})",
		Body:         "Hello {{candidate_name}},\n\nYour {{check}} for {{job_title}} cannot go on without you. Please read what it involves and give the details asked on your page:\n{{application_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "check", "application_link"}, Required: []string{"application_link"},
	},
	MsgCheckStatusChanged: {
		Label: "News about a check", Editable: true,
		Subject:      "Your {{check}}: {{status}}",
		Body:         "Hello {{candidate_name}},\n\nThere is news about your {{check}} for {{job_title}}: {{status}}.\n\nIf a result could affect our decision, we will show it to you first and you can answer before we decide.\n\nSee where things stand on your page:\n{{application_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "check", "status", "application_link"},
	},
	MsgCheckPreDecisionNotice: {
		Label: "Pre-decision notice after a check", Editable: true,
		Subject:      "Before we decide: the result of your {{check}}",
		Body:         "Hello {{candidate_name}},\n\nBefore we make a decision on your application for {{job_title}}, we want to show you what your {{check}} found, because it may affect our decision:\n\n{{finding}}\n\nIf you think it is wrong or incomplete, or want to explain it, you can answer on your page until {{reply_by}}. We will read your answer before we decide, and nothing will be decided before then.\n\nHow to dispute the result with the provider: {{how_to_dispute}}\n\n{{application_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "check", "finding", "how_to_dispute", "reply_by", "application_link"},
		Required:     []string{"finding", "how_to_dispute", "reply_by", "application_link"},
	},
	MsgCheckFinalNotice: {
		Label: "Final notice after a check", Editable: true,
		Subject:      "Your application for {{job_title}}",
		Body:         "Hello {{candidate_name}},\n\nThank you for your patience. Having considered the result of your {{check}}{{reply_note}}, we have decided not to continue with your application for {{job_title}}.\n\nThe finding we relied on was:\n{{finding}}\n\nYou can still dispute the result with the provider: {{how_to_dispute}}\n\nWe wish you every success.",
		Placeholders: []string{"candidate_name", "company", "job_title", "check", "finding", "how_to_dispute", "reply_note"},
		Required:     []string{"finding", "how_to_dispute"},
	},
}

func checkNeedsYouMail(u siteURLs, app *Application, k CheckKind) draft {
	return toCandidate(app.Candidate, MsgCheckNeedsYou, map[string]string{"job_title": app.Position.Title, "check": k.Label(),
		"application_link": u.abs(u.MyApplication(app.ID))})
}

func checkStatusChangedMail(u siteURLs, app *Application, k CheckKind, st CheckStatus) draft {
	return toCandidate(app.Candidate, MsgCheckStatusChanged, map[string]string{"job_title": app.Position.Title, "check": k.Label(),
		"status": st.CandidateLabel(), "application_link": u.abs(u.MyApplication(app.ID))})
}

func checkPreDecisionMail(u siteURLs, app *Application, k CheckKind, a *AdverseAction, loc *time.Location) draft {
	return toCandidate(app.Candidate, MsgCheckPreDecisionNotice, map[string]string{"job_title": app.Position.Title, "check": k.Label(),
		"finding": a.Finding, "how_to_dispute": a.HowToDispute, "reply_by": a.WaitUntil.In(loc).Format("Monday 2 January 2006, 15:04 MST"),
		"application_link": u.abs(u.MyApplication(app.ID))})
}

func checkFinalNoticeMail(app *Application, k CheckKind, a *AdverseAction) draft {
	note := ""
	if a.RepliedAt != nil {
		note = " and your answer to our notice"
	}
	return toCandidate(app.Candidate, MsgCheckFinalNotice, map[string]string{"job_title": app.Position.Title, "check": k.Label(),
		"finding": a.Finding, "how_to_dispute": a.HowToDispute, "reply_note": note})
}
