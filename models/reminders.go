package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Appointment reminders (issue 21), sent by SendDueReminders, which the
// server runs every few minutes:
//   - a day before an interview's booked time, to the candidate and to each
//     active member of its panel;
//   - a day before an assessment day, to each candidate holding a seat (a day
//     has no hosts or panel in the model, so nobody else);
//   - two days (48 hours) before an offer expires, to the candidate, while
//     the offer waits for their answer;
//   - two days before a starter's onboarding task is due (from the start of
//     that day in the portal's zone), while it is still theirs to do, one
//     message listing every such task.
//
// Each reminder is sent once. Its claim is a row of reminders, inserted in
// the same transaction as its messages and unique per cause and moment (the
// interview's or the day's start, the offer's expiry, the task's deadline);
// each batch also locks its causes FOR UPDATE SKIP LOCKED, so two processes
// share the work rather than race for it. The moment is part of the claim:
// a rescheduled interview, a changed day or an extended offer is reminded
// again for its new moment only. A reminder whose cause changed is dropped:
// the scans read only booked rounds, seats still booked on days still
// scheduled, offers still open and sent, tasks still open or returned, of
// applications not closed; and never a moment already passed (the database
// refuses a claim that is not before its moment). The referees' reminders
// are SendDueReferenceReminders', and the first day's SendFirstDayReminders'.

// Message kinds of the reminders.
const (
	MsgInterviewReminder      MessageKind = "interview_reminder"
	MsgPanelInterviewReminder MessageKind = "panel_interview_reminder"
	MsgAssessmentDayReminder  MessageKind = "assessment_day_reminder"
	MsgOfferExpiryReminder    MessageKind = "offer_expiry_reminder"
	MsgOnboardingTaskReminder MessageKind = "onboarding_task_reminder"
)

// ReminderKinds are the candidate-facing reminders: optional messages, which
// a candidate may choose not to receive. Staff reminders are not optional.
var ReminderKinds = []MessageKind{MsgInterviewReminder, MsgAssessmentDayReminder, MsgOfferExpiryReminder, MsgOnboardingTaskReminder}

// How long before its moment each reminder is due.
const (
	InterviewReminderLead  = 24 * time.Hour
	AssessmentReminderLead = 24 * time.Hour
	OfferReminderLead      = 48 * time.Hour
	// TaskReminderDays: a task's reminder is due from the start of the day
	// this many days before its due date, in the portal's time zone.
	TaskReminderDays = 2
)

// reminderBatch is how many causes one transaction of a family handles.
const reminderBatch = 200

// reminderMessages joins messageCatalogue (registered in messages.go).
var reminderMessages = map[MessageKind]MessageTemplate{
	MsgInterviewReminder: {
		Label: "Reminder of an interview (a day before)", Editable: true,
		Subject:      "Reminder: your {{interview}} on {{date}} at {{start_time}}",
		Body:         "Hello {{candidate_name}},\n\nThis is a reminder of your {{interview}} for {{job_title}}.\n\nWhen: {{date}}, {{start_time}}–{{end_time}} ({{time_zone}})\nWhere: {{where}}\nYou will meet: {{panel}}\n\nHow to prepare: {{instructions}}\n\nThe details, and a way to ask for another time, are on your page:\n{{interview_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "interview", "date", "start_time", "end_time", "time_zone", "where", "panel", "instructions", "interview_link"},
		Required:     []string{"interview_link"},
	},
	MsgPanelInterviewReminder: {
		Label:        "Reminder of an interview, for a panel member",
		Subject:      "Reminder: {{interview}} with {{candidate_name}}, {{date}} {{start_time}}",
		Body:         "Hello {{name}},\n\nA reminder: you are on the panel of the {{interview}} with {{candidate_name}} ({{job_title}}).\n\nWhen: {{date}}, {{start_time}}–{{end_time}} ({{time_zone}})\nWhere: {{where}}\n\nThe round, and your scorecard afterwards:\n{{link}}",
		Placeholders: []string{"name", "company", "interview", "candidate_name", "job_title", "date", "start_time", "end_time", "time_zone", "where", "link"},
	},
	MsgAssessmentDayReminder: {
		Label: "Reminder of an assessment day (a day before)", Editable: true,
		Subject:      "Reminder: {{day_title}} on {{date}} at {{start_time}}",
		Body:         "Hello {{candidate_name}},\n\nThis is a reminder of your seat at the assessment day for {{job_title}}.\n\nWhen: {{date}}, {{start_time}}–{{end_time}} ({{time_zone}})\nWhere: {{where}}\n\nWhat to bring: {{what_to_bring}}\n\nYour booking and its calendar file are on your page:\n{{booking_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "day_title", "date", "start_time", "end_time", "time_zone", "where", "what_to_bring", "booking_link"},
		Required:     []string{"booking_link"},
	},
	MsgOfferExpiryReminder: {
		Label: "Reminder that an offer expires (two days before)", Editable: true,
		Subject:      "Your offer for {{job_title}} expires on {{expires_on}}",
		Body:         "Hello {{candidate_name}},\n\nA reminder: your offer for {{job_title}} is waiting for your answer. You can accept it until the end of {{expires_on}} ({{time_zone}}).\n\nRead it, ask us a question, or answer it on your page:\n{{offer_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "expires_on", "time_zone", "offer_link"},
		Required:     []string{"offer_link"},
	},
	MsgOnboardingTaskReminder: {
		Label: "Reminder of onboarding tasks due (two days before)", Editable: true,
		Subject:      "Due by {{due_date}}: your onboarding checklist",
		Body:         "Hello {{candidate_name}},\n\nBefore you start as {{job_title}}, these things on your checklist are due soon:\n\n{{tasks}}\n\nEach is due by the end of its day ({{time_zone}}). You can do them on your page:\n{{application_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "due_date", "tasks", "time_zone", "application_link"},
		Required:     []string{"application_link"},
	},
}

// SendDueReminders sends every reminder that is due (see above) and returns
// how many messages went. Each family runs in batches of its own
// transactions; a family that fails does not stop the others, and its error
// is returned with theirs.
func (s *Store) SendDueReminders(ctx context.Context) (int, error) {
	total := 0
	var errs []error
	for _, family := range []reminderFamily{s.interviewReminders, s.assessmentReminders, s.offerReminders, s.taskReminders} {
		n, err := s.remindInBatches(ctx, family)
		total += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return total, errors.Join(errs...)
}

// reminderFamily sends, in tx, the due reminders of one batch of causes; it
// says how many messages it sent and whether the batch was full (there may
// be more).
type reminderFamily func(tx *gorm.DB, now time.Time) (sent int, full bool, err error)

func (s *Store) remindInBatches(ctx context.Context, family reminderFamily) (int, error) {
	total := 0
	for {
		var sent int
		var full bool
		// Reminders change no Needs-you queue.
		err := s.txOutsideQueues(ctx, func(tx *gorm.DB) error {
			var err error
			sent, full, err = family(tx, s.Now()) // a retried transaction counts afresh
			return err
		})
		if err != nil {
			return total, err
		}
		total += sent
		if !full || sent == 0 {
			return total, nil
		}
	}
}

// claimReminder records, in tx, the reminder of the cause in column (one of
// reminders' cause columns) at moment; false when it was already sent.
func claimReminder(tx *gorm.DB, column string, causeID int64, moment, now time.Time) (bool, error) {
	res := tx.Exec("INSERT INTO reminders ("+column+", reminds_of, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", causeID, moment, now)
	return res.RowsAffected == 1, res.Error
}

// openApplication is the statuses whose reminders still go: a closed
// application (hired, rejected, withdrawn) has nothing to be reminded of.
func openApplication() []Status { return []Status{StatusActive, StatusOnHold} }

// dueInterviewRemindersSQL is the booked rounds starting within the lead,
// of applications not closed, not yet reminded for their current start,
// locked (SKIP LOCKED: another process takes the others). It walks
// interview_rounds_scheduled_idx.
const dueInterviewRemindersSQL = `SELECT r.*, c.id AS candidate_id, c.name AS candidate_name, c.email AS candidate_email, COALESCE(c.time_zone, '') AS candidate_time_zone,
		p.title AS position_title
	FROM interview_rounds r JOIN applications a ON a.id = r.application_id JOIN candidates c ON c.id = a.candidate_id
	JOIN positions p ON p.id = a.position_id
	WHERE r.status = 'scheduled' AND r.starts_at > @now AND r.starts_at <= @until AND a.status IN @open
	AND NOT EXISTS (SELECT 1 FROM reminders x WHERE x.round_id = r.id AND x.reminds_of = r.starts_at)
	ORDER BY r.starts_at, r.id
	LIMIT @limit
	FOR UPDATE OF r SKIP LOCKED`

type dueInterview struct {
	InterviewRound
	CandidateID    int64
	CandidateName  string
	CandidateEmail string
	// CandidateTimeZone: the candidate's own zone, "" for the portal's.
	CandidateTimeZone string
	PositionTitle     string
}

// interviewReminders reminds the candidate and the active panel of each
// round of the batch, in one claim per round and start.
func (s *Store) interviewReminders(tx *gorm.DB, now time.Time) (int, bool, error) {
	var rows []dueInterview
	if err := tx.Raw(dueInterviewRemindersSQL, map[string]any{"now": now, "until": now.Add(InterviewReminderLead),
		"open": openApplication(), "limit": reminderBatch}).Scan(&rows).Error; err != nil {
		return 0, false, err
	}
	rounds := make([]*InterviewRound, len(rows))
	for i := range rows {
		rounds[i] = &rows[i].InterviewRound
	}
	if err := loadRoundDetails(tx, rounds); err != nil {
		return 0, false, err
	}
	sent := 0
	u := s.urls()
	for i := range rows {
		row := &rows[i]
		r := &row.InterviewRound
		ok, err := claimReminder(tx, "round_id", r.ID, *r.StartsAt, now)
		if err != nil {
			return sent, false, err
		}
		if !ok {
			continue // another process has just sent it
		}
		app := &Application{ID: r.ApplicationID, CandidateID: row.CandidateID, Position: &Position{Title: row.PositionTitle},
			Candidate: &Candidate{ID: row.CandidateID, Name: row.CandidateName, Email: row.CandidateEmail, TimeZone: row.CandidateTimeZone}}
		vars := roundWhen(r, s.CandidateZone(app.Candidate))
		vars["job_title"], vars["interview"], vars["where"], vars["panel"] = row.PositionTitle, r.Title, orDash(r.Where()), orDash(r.PanelNames())
		vars["instructions"], vars["interview_link"] = orDash(r.Instructions), u.abs(u.MyInterview(app.ID, r.ID))
		if err := s.send(tx, toCandidate(app.Candidate, MsgInterviewReminder, vars)); err != nil {
			return sent, false, err
		}
		sent++
		panel := 0
		for j := range r.Panel {
			member := &r.Panel[j]
			if !member.Active {
				continue
			}
			pv := roundWhen(r, s.StaffZone(member))
			pv["interview"], pv["candidate_name"], pv["job_title"] = r.Title, oneLine(row.CandidateName), row.PositionTitle
			pv["where"], pv["link"] = orDash(r.Where()), u.abs(u.Interview(r.ID))
			if err := s.send(tx, toStaff(member, MsgPanelInterviewReminder, u.Interview(r.ID), pv)); err != nil {
				return sent, false, err
			}
			sent++
			panel++
		}
		if err := s.audit(tx, SystemActor("reminders"), "interview.reminded", "application", app.ID,
			map[string]any{"round": r.ID, "starts_at": r.StartsAt, "panel": panel}); err != nil {
			return sent, false, err
		}
	}
	return sent, len(rows) == reminderBatch, nil
}

// dueAssessmentRemindersSQL is the seats still booked on scheduled days
// starting within the lead, of applications not closed, not yet reminded
// for the day's current start. The booking is locked (SKIP LOCKED), and the
// day shared, so a change of the day's time waits for the reminder (and the
// reminder for the change).
const dueAssessmentRemindersSQL = `SELECT b.id AS booking_id, b.application_id, d.*, c.id AS candidate_id,
		c.name AS candidate_name, c.email AS candidate_email, p.title AS position_title
	FROM assessment_days d JOIN assessment_bookings b ON b.day_id = d.id AND b.status = 'booked'
	JOIN applications a ON a.id = b.application_id JOIN candidates c ON c.id = a.candidate_id
	JOIN positions p ON p.id = a.position_id
	WHERE d.status = 'scheduled' AND d.starts_at > @now AND d.starts_at <= @until AND a.status IN @open
	AND NOT EXISTS (SELECT 1 FROM reminders x WHERE x.booking_id = b.id AND x.reminds_of = d.starts_at)
	ORDER BY d.starts_at, b.id
	LIMIT @limit
	FOR UPDATE OF b SKIP LOCKED FOR SHARE OF d SKIP LOCKED`

type dueSeat struct {
	BookingID     int64
	ApplicationID int64
	AssessmentDay
	CandidateID    int64
	CandidateName  string
	CandidateEmail string
	PositionTitle  string
}

// assessmentReminders reminds each candidate of the batch of their seat, in
// the day's own time zone (as its booking message did).
func (s *Store) assessmentReminders(tx *gorm.DB, now time.Time) (int, bool, error) {
	var rows []dueSeat
	if err := tx.Raw(dueAssessmentRemindersSQL, map[string]any{"now": now, "until": now.Add(AssessmentReminderLead),
		"open": openApplication(), "limit": reminderBatch}).Scan(&rows).Error; err != nil {
		return 0, false, err
	}
	sent := 0
	u := s.urls()
	for i := range rows {
		row := &rows[i]
		d := &row.AssessmentDay
		ok, err := claimReminder(tx, "booking_id", row.BookingID, d.StartsAt, now)
		if err != nil {
			return sent, false, err
		}
		if !ok {
			continue // another process has just sent it
		}
		vars := dayWhen(d, d.StartsAt, d.EndsAt, d.TimeZone)
		vars["job_title"], vars["day_title"], vars["where"] = row.PositionTitle, d.Title, orDash(d.Where())
		vars["what_to_bring"], vars["booking_link"] = orDash(d.WhatToBring), u.abs(u.MyAssessment(row.ApplicationID))
		c := &Candidate{ID: row.CandidateID, Name: row.CandidateName, Email: row.CandidateEmail}
		if err := s.send(tx, toCandidate(c, MsgAssessmentDayReminder, vars)); err != nil {
			return sent, false, err
		}
		sent++
		if err := s.audit(tx, SystemActor("reminders"), "assessment.reminded", "application", row.ApplicationID,
			map[string]any{"booking": row.BookingID, "day": d.ID, "starts_at": d.StartsAt}); err != nil {
			return sent, false, err
		}
	}
	return sent, len(rows) == reminderBatch, nil
}

// reminderList is lines of "- item" for a message.
func reminderList(items []string) string {
	lines := make([]string, len(items))
	for i, it := range items {
		lines[i] = "- " + oneLine(it)
	}
	return strings.Join(lines, "\n")
}
