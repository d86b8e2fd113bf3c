package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// The first-day reminders: one message a week before the first day and one
// a day before, each sent once. SendFirstDayReminders claims each with a
// conditional UPDATE of its sent-at (… WHERE sent_at IS NULL), in the same
// transaction as the message, so two processes running it at once send it
// once. A starter whose application closed without a hire (withdrawn,
// rejected) gets none; a hired starter still has their first day ahead.

// MsgFirstDayReminder reminds a new starter of their first day ({{when}}:
// "in a week", "tomorrow").
const MsgFirstDayReminder MessageKind = "first_day_reminder"

// firstDayMessages joins messageCatalogue (registered in messages.go).
var firstDayMessages = map[MessageKind]MessageTemplate{
	MsgFirstDayReminder: {
		Label: "Reminder of the first day (a week and a day before)", Editable: true,
		Subject:      "Your first day at {{company}} is {{when}}",
		Body:         "Hello {{candidate_name}},\n\nYour first day as {{job_title}} is {{when}}: {{date}} at {{start_time}} ({{time_zone}}).\n\nWhere: {{address}}\nAsk for: {{ask_for}}\n\nWhat to bring, the agenda and a calendar file are on your page:\n{{first_day_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "when", "date", "start_time", "time_zone", "address", "ask_for", "first_day_link"},
		Required:     []string{"first_day_link"},
	},
}

// Which reminder is due, and how the message says when.
const (
	weekReminder = "week_reminder_sent_at"
	dayReminder  = "day_reminder_sent_at"
)

// firstDayReminderBatch is how many first days one transaction handles.
const firstDayReminderBatch = 200

// dueFirstDaysSQL is the first days with a reminder still to send, of
// starters still onboarding or hired, whose start date is not past,
// locked (SKIP LOCKED: another process takes the others).
const dueFirstDaysSQL = `SELECT f.application_id, to_char(f.start_time, 'HH24:MI') AS start_time, f.time_zone, f.address,
		f.ask_for, f.week_reminder_sent_at IS NOT NULL AS week_sent, c.id AS candidate_id, c.name AS candidate_name, c.email,
		p.title AS position_title, o.start_date AS offer_start
	FROM first_days f JOIN applications a ON a.id = f.application_id JOIN candidates c ON c.id = a.candidate_id
	JOIN positions p ON p.id = a.position_id
	CROSS JOIN LATERAL (SELECT v.start_date FROM contracts k JOIN offer_versions v ON v.id = k.offer_version_id
		WHERE k.application_id = a.id AND k.status = @completed ORDER BY k.id DESC LIMIT 1) o
	WHERE f.day_reminder_sent_at IS NULL AND ((a.stage = @stage AND a.status = 'active') OR a.status = 'hired')
		AND o.start_date BETWEEN CAST(@yesterday AS date) AND CAST(@horizon AS date)
	ORDER BY f.application_id
	LIMIT @limit
	FOR UPDATE OF f SKIP LOCKED`

type dueFirstDay struct {
	ApplicationID int64
	StartTime     string
	TimeZone      string
	Address       string
	AskFor        string
	WeekSent      bool
	CandidateID   int64
	CandidateName string
	Email         string
	PositionTitle string
	OfferStart    time.Time
}

// SendFirstDayReminders sends the reminders that are due: the week's from
// seven days before the start until a day before, the day's from a day
// before until the start (the week's is no longer sent once the day's is
// due). It returns how many it sent.
func (s *Store) SendFirstDayReminders(ctx context.Context) (int, error) {
	total := 0
	for {
		n, full, err := s.firstDayReminderBatch(ctx)
		total += n
		if err != nil || !full || n == 0 {
			return total, err
		}
	}
}

func (s *Store) firstDayReminderBatch(ctx context.Context) (sent int, full bool, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		sent, full = 0, false
		now := s.Now()
		var rows []dueFirstDay
		if err := tx.Raw(dueFirstDaysSQL, map[string]any{"completed": ContractCompleted, "stage": onboardingStage(),
			"yesterday": now.UTC().AddDate(0, 0, -1).Format(time.DateOnly), "horizon": now.UTC().AddDate(0, 0, 8).Format(time.DateOnly),
			"limit": firstDayReminderBatch}).Scan(&rows).Error; err != nil {
			return err
		}
		full = len(rows) == firstDayReminderBatch
		for i := range rows {
			ok, err := s.remindFirstDay(tx, &rows[i], now)
			if err != nil {
				return err
			}
			if ok {
				sent++
			}
		}
		return nil
	})
	return sent, full, err
}

// remindFirstDay sends r's reminder if one is due now, claiming it first.
func (s *Store) remindFirstDay(tx *gorm.DB, r *dueFirstDay, now time.Time) (bool, error) {
	f := FirstDay{ApplicationID: r.ApplicationID, StartDate: dateOnly(r.OfferStart), Set: true, StartTime: r.StartTime, TimeZone: r.TimeZone}
	start, ok := f.StartsAt()
	if !ok || !now.Before(start) {
		return false, nil
	}
	column, when := "", ""
	switch left := start.Sub(now); {
	case left <= 24*time.Hour:
		column, when = dayReminder, "tomorrow"
	case left <= 7*24*time.Hour && !r.WeekSent:
		column, when = weekReminder, "in a week"
	default:
		return false, nil
	}
	res := tx.Exec("UPDATE first_days SET "+column+" = ? WHERE application_id = ? AND "+column+" IS NULL", now, r.ApplicationID)
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	askFor := r.AskFor
	if askFor == "" {
		askFor = "reception"
	}
	u := s.urls()
	cand := &Candidate{ID: r.CandidateID, Name: r.CandidateName, Email: r.Email}
	if err := s.send(tx, toCandidate(cand, MsgFirstDayReminder, map[string]string{"job_title": r.PositionTitle, "when": when,
		"date": start.Format("Monday 2 January 2006"), "start_time": start.Format("15:04"), "time_zone": ZoneLabel(start, start.Location()),
		"address": oneLine(r.Address), "ask_for": oneLine(askFor), "first_day_link": u.abs(u.MyFirstDay(r.ApplicationID))})); err != nil {
		return false, err
	}
	return true, s.audit(tx, SystemActor("first-day reminders"), "onboarding.first_day_reminded", "application", r.ApplicationID,
		map[string]any{"reminder": column})
}
