package models

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// MessageKind names what a message is about. Every kind Nextstep sends is
// listed in messageCatalogue below, with its default wording.
type MessageKind string

// Candidate-facing kinds: their wording can be edited by admins.
const (
	MsgCandidateSignIn        MessageKind = "candidate_sign_in"
	MsgCandidateInvitation    MessageKind = "candidate_invitation"
	MsgStageChanged           MessageKind = "stage_changed"
	MsgApplicationRejected    MessageKind = "application_rejected"
	MsgInterestCheck          MessageKind = "interest_check"
	MsgOfferSent              MessageKind = "offer_sent"
	MsgOfferQuestionAnswered  MessageKind = "offer_question_answered"
	MsgContractSent           MessageKind = "contract_sent"
	MsgContractCompleted      MessageKind = "contract_completed"
	MsgAssessmentBooked       MessageKind = "assessment_booked"
	MsgAssessmentDayChanged   MessageKind = "assessment_day_changed"
	MsgAssessmentDayCancelled MessageKind = "assessment_day_cancelled"
	MsgAssessmentSeatOffered  MessageKind = "assessment_seat_offered"
)

// Staff alerts: fixed wording, and always a link to the page where the action is.
const (
	MsgStaffInvitation            MessageKind = "staff_invitation"
	MsgStaffSignInLink            MessageKind = "staff_sign_in_link"
	MsgOfferApprovalRequested     MessageKind = "offer_approval_requested"
	MsgOfferSentBack              MessageKind = "offer_sent_back"
	MsgOfferAccepted              MessageKind = "offer_accepted"
	MsgOfferDeclined              MessageKind = "offer_declined"
	MsgOfferQuestionAsked         MessageKind = "offer_question_asked"
	MsgContractReadyToCountersign MessageKind = "contract_ready_to_countersign"
)

// Label is the kind in words, as staff read it in the outbox.
func (k MessageKind) Label() string {
	if t, ok := messageCatalogue[k]; ok {
		return t.Label
	}
	return string(k)
}

// MessageTemplate is the wording of one kind: a subject and a plain-text body
// with {{placeholders}}. The HTML part is derived from the text.
type MessageTemplate struct {
	Kind         MessageKind
	Label        string // what staff see in the template list
	Subject      string
	Body         string
	Placeholders []string // the names this kind fills in
	Required     []string // placeholders the wording must keep (a sign-in link, say)
	Editable     bool     // candidate-facing kinds are; staff alerts are not
	Customised   bool     // an admin's wording is in use rather than the default
	// Optional is the category a candidate may turn off that the kind
	// belongs to; "" (most kinds) is essential. Set from optionalKinds
	// (message_choices.go), never in the lists below.
	Optional MessageChoice
}

// messageCatalogue holds the default wording of every kind.
var coreMessages = map[MessageKind]MessageTemplate{
	MsgCandidateSignIn: {
		Label: "Sign-in link (asked for on the sign-in page)", Editable: true,
		Subject:      "Your sign-in link for {{company}}",
		Body:         "Hello {{candidate_name}},\n\nHere is your sign-in link. It works once, for {{minutes}} minutes:\n\n{{sign_in_link}}\n\nIf you did not ask for it, you can ignore this message.",
		Placeholders: []string{"candidate_name", "company", "minutes", "sign_in_link"}, Required: []string{"sign_in_link"},
	},
	MsgCandidateInvitation: {
		Label: "Invitation to the candidate portal", Editable: true,
		Subject:      "Your next steps for {{job_title}}",
		Body:         "Hello {{candidate_name}},\n\nThank you for interviewing for {{job_title}}. You can follow every next step of your application, and what we need from you, on your personal page:\n\n{{sign_in_link}}\n\nThis link works once within {{days}} days. Afterwards, ask for a new link on the sign-in page with your email address.",
		Placeholders: []string{"candidate_name", "company", "job_title", "days", "sign_in_link"}, Required: []string{"sign_in_link"},
	},
	MsgStageChanged: {
		Label: "Next step of an application", Editable: true,
		Subject:      "Next step for {{job_title}}: {{stage}}",
		Body:         "Hello {{candidate_name}},\n\nThere is news about your application for {{job_title}}. Your next step: {{stage}}.\n\n{{explanation}}\n\nWhat to do now: {{what_to_do}}\n\nSee the details on your page:\n{{application_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "stage", "explanation", "what_to_do", "application_link"},
	},
	MsgApplicationRejected: {
		Label: "Application not continued", Editable: true,
		Subject:      "Your application for {{job_title}}",
		Body:         "Hello {{candidate_name}},\n\nThank you for the time and care you put into your application for {{job_title}}. After careful consideration we have decided not to continue with your application.\n\nWe appreciate your interest in {{company}} and wish you every success.",
		Placeholders: []string{"candidate_name", "company", "job_title"},
	},
	MsgInterestCheck: {
		Label: "Interest check", Editable: true,
		Subject:      "Are you still interested in {{job_title}}?",
		Body:         "Hello {{candidate_name}},\n\n{{message}}\n\nPlease confirm your interest and answer a few questions on your page:\n{{interest_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "message", "interest_link"}, Required: []string{"interest_link"},
	},
	MsgOfferSent: {
		Label: "Offer sent", Editable: true,
		Subject:      "Your offer for {{job_title}}",
		Body:         "Hello {{candidate_name}},\n\nWe are delighted to offer you the role of {{job_title}}. Read the offer and answer it on your page by {{expires_on}}:\n{{offer_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "expires_on", "offer_link"}, Required: []string{"offer_link"},
	},
	MsgOfferQuestionAnswered: {
		Label: "Answer to a question about the offer", Editable: true,
		Subject:      "We answered your question about the offer",
		Body:         "Hello {{candidate_name}},\n\nYou asked: {{question}}\n\nOur answer: {{answer}}\n\nYour offer: {{offer_link}}",
		Placeholders: []string{"candidate_name", "company", "question", "answer", "offer_link"}, Required: []string{"answer"},
	},
	MsgContractSent: {
		Label: "Contract ready to sign", Editable: true,
		Subject:      "Your contract is ready to sign",
		Body:         "Hello {{candidate_name}},\n\nYour employment contract for {{job_title}} is ready. Read and sign it on your page:\n{{contract_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "contract_link"}, Required: []string{"contract_link"},
	},
	MsgContractCompleted: {
		Label: "Contract signed by both parties", Editable: true,
		Subject:      "Your signed contract",
		Body:         "Hello {{candidate_name}},\n\nYour contract has been signed by both parties. Download your copy here:\n{{signed_pdf_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "signed_pdf_link"},
	},
	MsgAssessmentBooked: {
		Label: "Assessment day seat booked", Editable: true,
		Subject:      "Your seat is booked: {{day_title}}",
		Body:         "Hello {{candidate_name}},\n\nYour seat at the assessment day for {{job_title}} is confirmed.\n\nWhen: {{date}}, {{start_time}}–{{end_time}} ({{time_zone}})\nWhere: {{where}}\n\nWhat to bring: {{what_to_bring}}\n\nAdd it to your calendar or change your booking on your page:\n{{booking_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "day_title", "date", "start_time", "end_time", "time_zone", "where", "what_to_bring", "booking_link"},
	},
	MsgAssessmentDayChanged: {
		Label: "Assessment day changed", Editable: true,
		Subject:      "Changed: {{day_title}}",
		Body:         "Hello {{candidate_name}},\n\nThe assessment day \"{{day_title}}\" has changed. It now takes place on {{date}}, {{start_time}}–{{end_time}} ({{time_zone}}), at {{where}}.\n\nIf the new time does not suit you, you can move or cancel your seat on your page:\n{{booking_link}}",
		Placeholders: []string{"candidate_name", "company", "day_title", "date", "start_time", "end_time", "time_zone", "where", "booking_link"},
	},
	MsgAssessmentDayCancelled: {
		Label: "Assessment day cancelled", Editable: true,
		Subject:      "Assessment day cancelled: {{day_title}}",
		Body:         "Hello {{candidate_name}},\n\nWe are sorry: the assessment day \"{{day_title}}\" on {{date}} has been cancelled.\n\n{{reason}}\n\nYour place has been released, so you can choose another day for {{job_title}} on your page:\n{{booking_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "day_title", "date", "reason", "booking_link"},
	},
	MsgAssessmentSeatOffered: {
		Label: "Seat offered from the waitlist", Editable: true,
		Subject:      "A seat has opened up: {{day_title}}",
		Body:         "Hello {{candidate_name}},\n\nGood news: a seat has opened up on the assessment day \"{{day_title}}\" on {{starts_at}}. We are holding it for you until {{hold_until}}.\n\nAccept it on your page:\n{{booking_link}}",
		Placeholders: []string{"candidate_name", "company", "day_title", "starts_at", "hold_until", "booking_link"},
	},

	MsgStaffInvitation: {
		Label:        "Staff invitation",
		Subject:      "You have been invited to Nextstep",
		Body:         "Hello {{name}},\n\nYou have been invited to Nextstep at {{company}} as {{role}}.\nSign in with this link (it works once, within {{days}} days), then set your password:\n\n{{sign_in_link}}",
		Placeholders: []string{"name", "company", "role", "days", "sign_in_link"},
	},
	MsgStaffSignInLink: {
		Label:        "Staff sign-in link sent by an admin",
		Subject:      "Your sign-in link for Nextstep",
		Body:         "Hello {{name}},\n\nAn admin sent you this sign-in link (it works once, within {{days}} days). After signing in you can change your password on your account page:\n\n{{sign_in_link}}",
		Placeholders: []string{"name", "company", "days", "sign_in_link"},
	},
	MsgOfferApprovalRequested: {
		Label:        "Offer waiting for approval",
		Subject:      "Please approve the offer for {{candidate_name}}",
		Body:         "Hello {{name}},\n\nAn offer for {{candidate_name}} ({{job_title}}, {{salary}}) is waiting for your approval:\n{{link}}",
		Placeholders: []string{"name", "company", "candidate_name", "job_title", "salary", "link"},
	},
	MsgOfferSentBack: {
		Label:        "Offer sent back by its approver",
		Subject:      "The offer for {{candidate_name}} was sent back",
		Body:         "Hello {{name}},\n\n{{approver}} sent back the offer for {{candidate_name}} ({{job_title}}, {{salary}}) with this comment:\n\n{{comment}}\n\nChange the offer and send it for approval again here:\n{{link}}",
		Placeholders: []string{"name", "company", "candidate_name", "job_title", "salary", "approver", "comment", "link"},
	},
	MsgOfferAccepted: {
		Label:        "Offer accepted",
		Subject:      "{{candidate_name}} accepted the offer",
		Body:         "Hello {{name}},\n\n{{candidate_name}} has accepted the offer for {{job_title}}. Prepare the contract here:\n{{link}}",
		Placeholders: []string{"name", "company", "candidate_name", "job_title", "link"},
	},
	MsgOfferDeclined: {
		Label:        "Offer declined",
		Subject:      "{{candidate_name}} declined the offer",
		Body:         "Hello {{name}},\n\n{{candidate_name}} has declined the offer for {{job_title}}.\n{{link}}",
		Placeholders: []string{"name", "company", "candidate_name", "job_title", "link"},
	},
	MsgOfferQuestionAsked: {
		Label:        "Question about an offer",
		Subject:      "{{candidate_name}} asked a question about the offer",
		Body:         "Hello {{name}},\n\n{{candidate_name}} asked a question about the offer for {{job_title}}:\n\n{{question}}\n\nAnswer it here:\n{{link}}",
		Placeholders: []string{"name", "company", "candidate_name", "job_title", "question", "link"},
	},
	MsgContractReadyToCountersign: {
		Label:        "Contract waiting for the employer's signature",
		Subject:      "{{candidate_name}} signed their contract",
		Body:         "Hello {{name}},\n\n{{candidate_name}} has signed the contract for {{job_title}}. It is waiting for the employer's signature:\n{{link}}",
		Placeholders: []string{"name", "company", "candidate_name", "job_title", "link"},
	},
}

// messageCatalogue is every kind of message, registered once from each
// feature's list; a kind defined twice stops the program at start. It is
// read-only after that.
var messageCatalogue = mustMessageCatalogue(coreMessages, interviewMessages, bulkMessages, nameCorrectionMessages, referenceMessages, checkMessages, onboardingMessages, firstDayMessages, promiseMessages, digestMessages, reminderMessages, rejectionMessages, erasureMessages, retentionMessages)

// buildMessageCatalogue joins the features' message lists, refusing a kind
// defined twice (the later one would otherwise silently win).
func buildMessageCatalogue(parts ...map[MessageKind]MessageTemplate) (map[MessageKind]MessageTemplate, error) {
	out := map[MessageKind]MessageTemplate{}
	for _, part := range parts {
		for k, t := range part {
			if _, dup := out[k]; dup {
				return nil, fault("message kind %q is defined twice", k)
			}
			t.Kind = k
			out[k] = t
		}
	}
	return out, nil
}

func mustMessageCatalogue(parts ...map[MessageKind]MessageTemplate) map[MessageKind]MessageTemplate {
	c, err := buildMessageCatalogue(parts...)
	if err == nil {
		err = markOptional(c, optionalKinds())
	}
	if err != nil {
		panic(err)
	}
	return c
}

// EditableMessageKinds lists the candidate-facing kinds, in a stable order.
func EditableMessageKinds() []MessageKind {
	var out []MessageKind
	for k, t := range messageCatalogue {
		if t.Editable {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return messageCatalogue[out[i]].Label < messageCatalogue[out[j]].Label })
	return out
}

// ValidateMessageTemplate refuses empty or overlong wording, placeholders the
// kind does not fill, and wording that drops a required placeholder.
func ValidateMessageTemplate(kind MessageKind, subject, body string) error {
	def, ok := messageCatalogue[kind]
	if !ok || !def.Editable {
		return ErrNotFound
	}
	v := &Problems{}
	switch {
	case strings.TrimSpace(subject) == "":
		v.Add("subject", "Write a subject.")
	case strings.ContainsAny(subject, "\r\n"):
		v.Add("subject", "The subject must be one line.")
	}
	switch {
	case strings.TrimSpace(body) == "":
		v.Add("body", "Write the message.")
	}
	v.checkLength(subject, limits.MessageSubject)
	v.checkLength(body, limits.MessageBody)
	var links []string
	for _, m := range placeholderPattern.FindAllStringSubmatch(subject, -1) {
		if tokenLinkPlaceholder(m[1]) && !contains(links, m[1]) {
			links = append(links, m[1])
		}
	}
	if len(links) > 0 {
		v.Add("subject", msgTokenLinkOutsideBody(links))
	}
	allowed := def.Placeholders
	for _, part := range []struct{ field, text string }{{"subject", subject}, {"body", body}} {
		var unknown []string
		for _, m := range placeholderPattern.FindAllStringSubmatch(part.text, -1) {
			if !contains(allowed, m[1]) && !contains(unknown, m[1]) {
				unknown = append(unknown, m[1])
			}
		}
		if len(unknown) > 0 {
			v.Add(part.field, msgUnknownPlaceholders(unknown, allowed))
		}
	}
	for _, req := range def.Required {
		if !placeholderUsed(body, req) {
			v.Add("body", "The message must keep {{"+req+"}}: without it the candidate cannot act on it.")
		}
	}
	return v.Err()
}

func msgUnknownPlaceholders(unknown, allowed []string) string {
	sort.Strings(unknown)
	return unknownPlaceholders(unknown) + ". This message can use: " + strings.Join(allowed, ", ") + "."
}

// unknownPlaceholders names the placeholders a text may not use: "Unknown
// placeholder: salary", "Unknown placeholders: bonus, salary".
func unknownPlaceholders(unknown []string) string {
	if len(unknown) == 1 {
		return "Unknown placeholder: " + unknown[0]
	}
	return "Unknown placeholders: " + strings.Join(unknown, ", ")
}

// countOf is a count with its noun: "1 application", "2 applications".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func placeholderUsed(text, name string) bool {
	for _, m := range placeholderPattern.FindAllStringSubmatch(text, -1) {
		if m[1] == name {
			return true
		}
	}
	return false
}

// sampleMessageValues fill a template preview with plausible values: the
// links are those of application 1.
func sampleMessageValues(kind MessageKind, company string, u siteURLs) map[string]string {
	vals := map[string]string{
		"candidate_name": "Alex Example", "name": "Sam Recruiter", "company": company, "job_title": "Account Executive",
		"minutes": "10", "days": "3", "sign_in_link": SignInURL(u.base, "EXAMPLE-LINK"), "stage": "Assessment day",
		"explanation": "A half-day of exercises with the team.", "what_to_do": "Choose a date on your page.",
		"application_link": u.abs(u.MyApplication(1)), "message": "We enjoyed meeting you and would like to move forward.",
		"interest_link": u.abs(u.MyInterest(1)), "expires_on": "18 December 2026", "offer_link": u.abs(u.MyOffer(1)),
		"question": "Is the role hybrid?", "answer": "Yes: two days a week in the office.", "contract_link": u.abs(u.MyContract(1)),
		"signed_pdf_link": u.abs(u.MySignedContract(1)), "day_title": "Sales assessment day", "date": "Tuesday 15 December 2026",
		"start_time": "09:30", "end_time": "13:00", "time_zone": "Europe/London", "where": "1 Example Street, London",
		"what_to_bring": "Photo ID", "booking_link": u.abs(u.MyAssessment(1)), "reason": "Reason: the venue is unavailable.",
		"starts_at": "Tuesday 15 December, 09:30 GMT", "hold_until": "Thursday 10 December, 09:30 GMT",
		"role": "Recruiter", "salary": "GBP 65,000 per year", "link": u.abs(u.StaffHome()),
		"subject": "About your application", "corrected_name": "Alex Jordan Example", "requested_name": "Alex Jordan Example",
		"response": "We need the name exactly as it appears on your passport.", "note": "My passport includes my middle name.",
		"referee_name": "Jo Referee", "reference_link": u.abs(u.RefereeForm("EXAMPLE-LINK")),
		"check": "Background check", "status": "In progress", "finding": "An address in 2022 could not be confirmed.",
		"how_to_dispute": "Write to disputes@screening.example with the reference BG-1234.", "reply_by": "Tuesday 8 December 2026, 17:00 GMT",
		"reply_note": " and your answer to our notice",
		"old_date":   "Tuesday 1 December 2026", "new_date": "Tuesday 8 December 2026", "due_date": "Tuesday 1 December 2026", "extensions": "2 times",
		"interview": "Commercial negotiation interview", "panel": "Sam Recruiter (Head of Sales)", "instructions": "Prepare a short pitch.",
		"period": "12 months", "account_link": u.abs(u.MyAccount()),
		"new_job_title": "Sales Development Representative",
		"tasks":         "- Your personal details: due Tuesday 1 December 2026\n- Right-to-work document: due Thursday 3 December 2026",
	}
	out := map[string]string{}
	if def, ok := messageCatalogue[kind]; ok {
		for _, p := range def.Placeholders {
			out[p] = vals[p]
		}
	}
	return out
}

// draft is one message about to be written: its kind, its recipient and the
// values of its placeholders. Each builder below makes one kind from typed data.
type draft struct {
	kind        MessageKind
	toEmail     string
	toName      string
	candidateID *int64
	staffID     *int64
	refereeID   *int64 // a referee: neither candidate nor staff (toReferee)
	// applicationID: the candidate's application the message is about (a
	// rejection and every message of a closing), so that reopening it
	// withdraws only its own waiting messages.
	applicationID *int64
	linkPath      string // the page the message is about, for staff alerts
	vars          map[string]string
	sendAfter     *time.Time // held until then
	// heldForPosition holds the message, with no delivery job, until that
	// position is filled or closed (see releaseHeldRejections).
	heldForPosition *int64
	calendarICS     string // an invitation to attach (RFC 5545), if any
	replyTo         string // where replies go; empty: the contact address
}

// buttonLabel names the button of the email's HTML part by who reads it
// (a token link, such as a sign-in link, names its own).
func (d draft) buttonLabel() string {
	if d.candidateID != nil {
		return "Open your page"
	}
	if d.staffID != nil {
		return "Open in Nextstep"
	}
	return "Open the page"
}

func toCandidate(c *Candidate, kind MessageKind, vars map[string]string) draft {
	id := c.ID
	vars["candidate_name"] = oneLine(c.Name)
	return draft{kind: kind, toEmail: c.Email, toName: c.Name, candidateID: &id, vars: vars}
}

func toStaff(u *StaffUser, kind MessageKind, linkPath string, vars map[string]string) draft {
	id := u.ID
	vars["name"] = oneLine(u.Name)
	return draft{kind: kind, toEmail: u.Email, toName: u.Name, staffID: &id, linkPath: linkPath, vars: vars}
}

func candidateSignInMail(c *Candidate, link string) draft {
	return toCandidate(c, MsgCandidateSignIn, map[string]string{"minutes": strconv.Itoa(int(SignInLinkTTL.Minutes())), "sign_in_link": link})
}

func candidateInvitationMail(c *Candidate, pos *Position, link string) draft {
	return toCandidate(c, MsgCandidateInvitation, map[string]string{"job_title": pos.Title, "days": strconv.Itoa(int(InvitationLinkTTL.Hours() / 24)), "sign_in_link": link})
}

func stageChangedMail(u siteURLs, app *Application, st Stage) draft {
	return toCandidate(app.Candidate, MsgStageChanged, map[string]string{"job_title": app.Position.Title, "stage": st.CandidateTitle,
		"explanation": st.Explanation, "what_to_do": st.WhatToDo, "application_link": u.abs(u.MyApplication(app.ID))})
}

func interestCheckMail(u siteURLs, app *Application, message string) draft {
	return toCandidate(app.Candidate, MsgInterestCheck, map[string]string{"job_title": app.Position.Title, "message": message,
		"interest_link": u.abs(u.MyInterest(app.ID))})
}

func offerSentMail(u siteURLs, app *Application, v *OfferVersion) draft {
	return toCandidate(app.Candidate, MsgOfferSent, map[string]string{"job_title": v.JobTitle, "expires_on": v.ExpiresOn.Format("2 January 2006"),
		"offer_link": u.abs(u.MyOffer(app.ID))})
}

func offerQuestionAnsweredMail(u siteURLs, app *Application, question, answer string) draft {
	return toCandidate(app.Candidate, MsgOfferQuestionAnswered, map[string]string{"question": question, "answer": answer,
		"offer_link": u.abs(u.MyOffer(app.ID))})
}

func contractSentMail(u siteURLs, app *Application, jobTitle string) draft {
	return toCandidate(app.Candidate, MsgContractSent, map[string]string{"job_title": jobTitle, "contract_link": u.abs(u.MyContract(app.ID))})
}

func contractCompletedMail(u siteURLs, app *Application) draft {
	return toCandidate(app.Candidate, MsgContractCompleted, map[string]string{"job_title": app.Position.Title,
		"signed_pdf_link": u.abs(u.MySignedContract(app.ID))})
}

// dayWhen is how a day's time reads in a message, in the day's own zone.
func dayWhen(d *AssessmentDay, start, end time.Time, zone string) map[string]string {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = d.Location()
	}
	return map[string]string{"date": start.In(loc).Format("Monday 2 January 2006"), "start_time": start.In(loc).Format("15:04"),
		"end_time": end.In(loc).Format("15:04"), "time_zone": zone}
}

func assessmentBookedMail(u siteURLs, c *Candidate, pos *Position, d *AssessmentDay, appID int64) draft {
	vars := dayWhen(d, d.StartsAt, d.EndsAt, d.TimeZone)
	vars["job_title"], vars["day_title"], vars["where"] = pos.Title, d.Title, orDash(d.Where())
	vars["what_to_bring"], vars["booking_link"] = orDash(d.WhatToBring), u.abs(u.MyAssessment(appID))
	return toCandidate(c, MsgAssessmentBooked, vars)
}

func assessmentDayChangedMail(u siteURLs, c *Candidate, d *AssessmentDay, p parsedDay, appID int64) draft {
	vars := dayWhen(d, p.start, p.end, p.timeZone)
	where := p.address
	if p.onlineURL != "" {
		where = strings.TrimSpace(where + " " + p.onlineURL)
	}
	vars["day_title"], vars["where"], vars["booking_link"] = p.title, orDash(where), u.abs(u.MyAssessment(appID))
	return toCandidate(c, MsgAssessmentDayChanged, vars)
}

func assessmentDayCancelledMail(u siteURLs, c *Candidate, pos *Position, d *AssessmentDay, reason string, appID int64) draft {
	vars := dayWhen(d, d.StartsAt, d.EndsAt, d.TimeZone)
	vars["job_title"], vars["day_title"], vars["booking_link"] = pos.Title, d.Title, u.abs(u.MyAssessment(appID))
	vars["reason"] = "No reason was given."
	if reason != "" {
		vars["reason"] = "Reason: " + reason
	}
	return toCandidate(c, MsgAssessmentDayCancelled, vars)
}

func assessmentSeatOfferedMail(u siteURLs, c *Candidate, d *AssessmentDay, holdUntil time.Time, appID int64) draft {
	const layout = "Monday 2 January, 15:04 MST"
	return toCandidate(c, MsgAssessmentSeatOffered, map[string]string{"day_title": d.Title, "starts_at": d.StartsAt.In(d.Location()).Format(layout),
		"hold_until": holdUntil.In(d.Location()).Format(layout), "booking_link": u.abs(u.MyAssessment(appID))})
}

func staffInvitationMail(su siteURLs, u *StaffUser, link string) draft {
	return toStaff(u, MsgStaffInvitation, su.Account(), map[string]string{"role": u.Role.Label(),
		"days": strconv.Itoa(int(InvitationLinkTTL.Hours() / 24)), "sign_in_link": link})
}

func staffSignInLinkMail(su siteURLs, u *StaffUser, link string) draft {
	return toStaff(u, MsgStaffSignInLink, su.Account(), map[string]string{"days": strconv.Itoa(int(InvitationLinkTTL.Hours() / 24)), "sign_in_link": link})
}

func offerApprovalRequestedMail(su siteURLs, hm *StaffUser, app *Application, v *OfferVersion) draft {
	path := su.CandidateOffer(app.CandidateID, app.ID)
	return toStaff(hm, MsgOfferApprovalRequested, path, map[string]string{"candidate_name": oneLine(app.Candidate.Name), "job_title": v.JobTitle,
		"salary": v.Salary(), "link": su.abs(path)})
}

// offerSentBackMail tells the person who drafted an offer that its approver
// sent it back, and why.
func offerSentBackMail(su siteURLs, drafter, approver *StaffUser, app *Application, v *OfferVersion, comment string) draft {
	path := su.CandidateOffer(app.CandidateID, app.ID)
	return toStaff(drafter, MsgOfferSentBack, path, map[string]string{"candidate_name": oneLine(app.Candidate.Name), "job_title": v.JobTitle,
		"salary": v.Salary(), "approver": oneLine(approver.Name), "comment": comment, "link": su.abs(path)})
}

func offerAnsweredMail(su siteURLs, author *StaffUser, kind MessageKind, app *Application, v *OfferVersion, question string) draft {
	path := su.CandidateOffer(app.CandidateID, app.ID)
	vars := map[string]string{"candidate_name": oneLine(app.Candidate.Name), "job_title": v.JobTitle, "link": su.abs(path)}
	if kind == MsgOfferQuestionAsked {
		vars["question"] = question
	}
	return toStaff(author, kind, path, vars)
}

func contractReadyToCountersignMail(su siteURLs, signer *StaffUser, app *Application, contractID int64) draft {
	path := su.Contract(contractID)
	return toStaff(signer, MsgContractReadyToCountersign, path, map[string]string{"candidate_name": oneLine(app.Candidate.Name),
		"job_title": app.Position.Title, "link": su.abs(path)})
}
