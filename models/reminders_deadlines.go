package models

import (
	"time"

	"gorm.io/gorm"
)

// The reminders of deadlines kept as dates (see reminders.go): an offer's
// expiry day and an onboarding task's due day. Each ends at 23:59:59 of its
// day in the portal's time zone (OfferVersion.ExpiresAt, Overdue), and that
// moment is what the reminder's claim names, so an offer extended to a new
// day is reminded again. The scans narrow the dates for their index, then
// compare the moments themselves.

// The last second of an offer's expiry day and of a task's due day in the
// zone @zone, as OfferVersion.ExpiresAt makes it.
const (
	offerExpiresSQL = "((v.expires_on + time '23:59:59') AT TIME ZONE CAST(@zone AS text))"
	taskDeadlineSQL = "((t.due_on + time '23:59:59') AT TIME ZONE CAST(@zone AS text))"
)

// dueOfferRemindersSQL is the versions sent and waiting for the candidate's
// answer (the offer still open, the application not closed) that expire
// within the lead and are not yet reminded for their current expiry. The
// version and its offer are locked (SKIP LOCKED): an answer, an extension
// or a withdrawal waits for the reminder, or the reminder skips them.
const dueOfferRemindersSQL = `SELECT v.id AS version_id, v.job_title, v.expires_on, ` + offerExpiresSQL + ` AS expires_at,
		o.application_id, c.id AS candidate_id, c.name AS candidate_name, c.email AS candidate_email
	FROM offer_versions v JOIN offers o ON o.id = v.offer_id JOIN applications a ON a.id = o.application_id
	JOIN candidates c ON c.id = a.candidate_id
	WHERE v.status = 'sent' AND v.expires_on BETWEEN CAST(@first AS date) AND CAST(@last AS date)
	AND ` + offerExpiresSQL + ` > @now AND ` + offerExpiresSQL + ` <= @until
	AND o.status = 'open' AND a.status IN @open
	AND NOT EXISTS (SELECT 1 FROM reminders x WHERE x.offer_version_id = v.id AND x.reminds_of = ` + offerExpiresSQL + `)
	ORDER BY v.expires_on, v.id
	LIMIT @limit
	FOR UPDATE OF v, o SKIP LOCKED`

type dueOffer struct {
	VersionID      int64
	JobTitle       string
	ExpiresOn      time.Time
	ExpiresAt      time.Time
	ApplicationID  int64
	CandidateID    int64
	CandidateName  string
	CandidateEmail string
}

// dateParam is a day as the scans' date parameters take it.
func dateParam(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

// offerReminders reminds each candidate of the batch that their offer expires.
func (s *Store) offerReminders(tx *gorm.DB, now time.Time) (int, bool, error) {
	until := now.Add(OfferReminderLead)
	var rows []dueOffer
	if err := tx.Raw(dueOfferRemindersSQL, map[string]any{"now": now, "until": until, "zone": s.loc.String(),
		"first": dateParam(now.AddDate(0, 0, -1), s.loc), "last": dateParam(until.AddDate(0, 0, 1), s.loc),
		"open": openApplication(), "limit": reminderBatch}).Scan(&rows).Error; err != nil {
		return 0, false, err
	}
	sent := 0
	u := s.urls()
	for i := range rows {
		row := &rows[i]
		ok, err := claimReminder(tx, "offer_version_id", row.VersionID, row.ExpiresAt, now)
		if err != nil {
			return sent, false, err
		}
		if !ok {
			continue // another process has just sent it
		}
		c := &Candidate{ID: row.CandidateID, Name: row.CandidateName, Email: row.CandidateEmail}
		if err := s.send(tx, toCandidate(c, MsgOfferExpiryReminder, map[string]string{"job_title": row.JobTitle,
			"expires_on": row.ExpiresOn.Format("Monday 2 January 2006"), "time_zone": ZoneLabel(row.ExpiresAt, s.loc),
			"offer_link": u.abs(u.MyOffer(row.ApplicationID))})); err != nil {
			return sent, false, err
		}
		sent++
		if err := s.audit(tx, SystemActor("reminders"), "offer.expiry_reminded", "application", row.ApplicationID,
			map[string]any{"offer_version": row.VersionID, "expires_on": row.ExpiresOn.Format(time.DateOnly)}); err != nil {
			return sent, false, err
		}
	}
	return sent, len(rows) == reminderBatch, nil
}

// dueTaskRemindersSQL is the starters' tasks still theirs to do (open, or
// returned to them) due from today to TaskReminderDays ahead whose due day
// has not ended, of applications not closed, not yet reminded for their
// due day; by application, so one message lists a starter's tasks. The
// task is locked and its application shared (SKIP LOCKED): finishing the
// task, or closing the application, waits for the reminder, or the reminder
// skips them.
const dueTaskRemindersSQL = `SELECT t.id, t.application_id, t.title, t.due_on, ` + taskDeadlineSQL + ` AS deadline,
		c.id AS candidate_id, c.name AS candidate_name, c.email AS candidate_email, p.title AS position_title
	FROM onboarding_tasks t JOIN applications a ON a.id = t.application_id JOIN candidates c ON c.id = a.candidate_id
	JOIN positions p ON p.id = a.position_id
	WHERE t.assignee = 'starter' AND t.status IN ('open', 'returned') AND t.due_on BETWEEN CAST(@first AS date) AND CAST(@last AS date)
	AND ` + taskDeadlineSQL + ` > @now AND a.status IN @open
	AND NOT EXISTS (SELECT 1 FROM reminders x WHERE x.task_id = t.id AND x.reminds_of = ` + taskDeadlineSQL + `)
	ORDER BY t.application_id, t.due_on, t.sort_order
	LIMIT @limit
	FOR UPDATE OF t SKIP LOCKED FOR SHARE OF a SKIP LOCKED`

type dueTask struct {
	ID             int64
	ApplicationID  int64
	Title          string
	DueOn          time.Time
	Deadline       time.Time
	CandidateID    int64
	CandidateName  string
	CandidateEmail string
	PositionTitle  string
}

// taskReminders sends each starter of the batch one message listing their
// tasks that fell due for a reminder, each claimed by itself.
func (s *Store) taskReminders(tx *gorm.DB, now time.Time) (int, bool, error) {
	var rows []dueTask
	if err := tx.Raw(dueTaskRemindersSQL, map[string]any{"now": now, "zone": s.loc.String(), "first": dateParam(now, s.loc),
		"last": dateParam(now.AddDate(0, 0, TaskReminderDays), s.loc), "open": openApplication(), "limit": reminderBatch}).
		Scan(&rows).Error; err != nil {
		return 0, false, err
	}
	sent := 0
	for start := 0; start < len(rows); {
		end := start
		for end < len(rows) && rows[end].ApplicationID == rows[start].ApplicationID {
			end++
		}
		went, err := s.remindStarter(tx, rows[start:end], now)
		if err != nil {
			return sent, false, err
		}
		if went {
			sent++
		}
		start = end
	}
	return sent, len(rows) == reminderBatch, nil
}

// remindStarter claims each of one starter's due tasks and sends one
// message listing those claimed (none: nothing is sent).
func (s *Store) remindStarter(tx *gorm.DB, tasks []dueTask, now time.Time) (bool, error) {
	var items []string
	var ids []int64
	var first *dueTask // the earliest claimed (tasks come by due date)
	for i := range tasks {
		t := &tasks[i]
		ok, err := claimReminder(tx, "task_id", t.ID, t.Deadline, now)
		if err != nil {
			return false, err
		}
		if ok {
			items = append(items, t.Title+": due "+t.DueOn.Format("Monday 2 January 2006"))
			ids = append(ids, t.ID)
			if first == nil {
				first = t
			}
		}
	}
	if len(ids) == 0 {
		return false, nil
	}
	u := s.urls()
	c := &Candidate{ID: first.CandidateID, Name: first.CandidateName, Email: first.CandidateEmail}
	if err := s.send(tx, toCandidate(c, MsgOnboardingTaskReminder, map[string]string{"job_title": first.PositionTitle,
		"due_date": first.DueOn.Format("Monday 2 January 2006"), "tasks": reminderList(items), "time_zone": ZoneLabel(first.Deadline, s.loc),
		"application_link": u.abs(u.MyApplication(first.ApplicationID))})); err != nil {
		return false, err
	}
	return true, s.audit(tx, SystemActor("reminders"), "onboarding.tasks_reminded", "application", first.ApplicationID,
		map[string]any{"tasks": ids})
}
