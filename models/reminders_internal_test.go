package models

import (
	"strings"
	"testing"
	"time"
)

// seedReminderHistory adds 2,000 applications with a long past: ten
// interview rounds each (held, so still 'scheduled'), an offer of ten
// versions (nine superseded, the last sent and long expired), ten staff
// tasks and a starter's task done, a cancelled seat on each of 200 past
// assessment days, and the reminders the rounds and offers had. Nothing of
// it is due for a reminder.
func seedReminderHistory(t *testing.T, s *Store) {
	t.Helper()
	now := s.Now()
	for _, stmt := range []string{
		`WITH c AS (INSERT INTO candidates (email, name) SELECT 'reminder' || g || '.example.com', 'Candidate ' || g
				FROM generate_series(1, 2000) g RETURNING id),
			ps AS (SELECT position_id, stage FROM position_stages WHERE stage = 'onboarding' ORDER BY position_id LIMIT 1)
		INSERT INTO applications (candidate_id, position_id, stage, status, stage_entered_at, expected_update_at)
		SELECT c.id, ps.position_id, ps.stage, 'active', @now, CAST(@now AS timestamptz) + interval '5 days' FROM c, ps`,
		`INSERT INTO interview_rounds (application_id, kind, title, duration_minutes, location, status, starts_at, ends_at, ical_uid)
		SELECT a.id, 'technical', 'Technical interview', 60, 'HQ', 'scheduled', CAST(@now AS timestamptz) - g * interval '1 day',
			CAST(@now AS timestamptz) - g * interval '1 day' + interval '1 hour', 'history-' || a.id || '-' || g || '.nextstep'
		FROM applications a JOIN candidates c ON c.id = a.candidate_id AND c.email LIKE 'reminder%', generate_series(1, 10) g`,
		`INSERT INTO offers (application_id, status, created_at, updated_at) SELECT a.id, 'open', @now, @now FROM applications a
			JOIN candidates c ON c.id = a.candidate_id AND c.email LIKE 'reminder%'`,
		`INSERT INTO offer_versions (offer_id, version, status, job_title, salary_amount, salary_currency, salary_period, start_date, expires_on)
		SELECT o.id, g, CASE WHEN g = 10 THEN 'sent' ELSE 'superseded' END, 'Warehouse lead', 40000, 'GBP', 'year',
			CAST(@now AS date) - 30 + g, CAST(@now AS date) - 100 + g
		FROM offers o JOIN applications a ON a.id = o.application_id JOIN candidates c ON c.id = a.candidate_id AND c.email LIKE 'reminder%',
			generate_series(1, 10) g`,
		`INSERT INTO onboarding_tasks (application_id, sort_order, title, kind, assignee, required, due_on, status,
			completed_at, completed_by_candidate, confirmed_version, created_at, updated_at)
		SELECT a.id, g, 'Task ' || g, CASE WHEN g = 0 THEN 'confirm' ELSE 'staff' END, CASE WHEN g = 0 THEN 'starter' ELSE 'staff' END, true,
			CAST(@now AS date) - 50 + g, CASE WHEN g = 0 THEN 'done' ELSE 'open' END, CASE WHEN g = 0 THEN CAST(@now AS timestamptz) END,
			CASE WHEN g = 0 THEN a.candidate_id END, CASE WHEN g = 0 THEN '1' ELSE '' END, @now, @now
		FROM applications a JOIN candidates c ON c.id = a.candidate_id AND c.email LIKE 'reminder%', generate_series(0, 10) g`,
		`INSERT INTO assessment_days (title, starts_at, ends_at, time_zone, location_address, capacity, status)
		SELECT 'Past day ' || g, CAST(@now AS timestamptz) - g * interval '1 day', CAST(@now AS timestamptz) - g * interval '1 day' + interval '6 hours',
			'UTC', 'HQ', 20, 'scheduled' FROM generate_series(1, 200) g`,
		`INSERT INTO assessment_bookings (day_id, application_id, status, ended_at)
		SELECT d.id, a.id, 'cancelled', @now FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM assessment_days WHERE title LIKE 'Past day%') d
			JOIN (SELECT a.id, row_number() OVER (ORDER BY a.id) AS n FROM applications a JOIN candidates c ON c.id = a.candidate_id
				AND c.email LIKE 'reminder%') a ON (a.n - 1) / 10 + 1 = d.n`,
		`INSERT INTO reminders (round_id, reminds_of, sent_at) SELECT r.id, r.starts_at, r.starts_at - interval '1 day'
		FROM interview_rounds r WHERE r.ical_uid LIKE 'history-%'`,
		`INSERT INTO reminders (offer_version_id, reminds_of, sent_at) SELECT v.id, v.expires_on + time '23:59:59', v.expires_on - 1
		FROM offer_versions v JOIN offers o ON o.id = v.offer_id JOIN applications a ON a.id = o.application_id
		JOIN candidates c ON c.id = a.candidate_id AND c.email LIKE 'reminder%'`,
	} {
		var args []any
		if strings.Contains(stmt, "@now") {
			args = append(args, map[string]any{"now": now})
		}
		mustDB(t, s.db.Exec(stmt, args...))
	}
}

// Each reminder scan reads its upcoming or open rows through an index,
// never the whole of a table that grows with every hire.
func TestReminderScansUseTheirIndexes(t *testing.T) {
	t.Parallel()
	s, tdb := newTestStore(t)
	seedReminderHistory(t, s)
	asOwner(t, tdb, "ANALYZE")
	now := s.Now()
	args := map[string]any{"now": now, "until": now.Add(48 * time.Hour), "open": openApplication(), "limit": reminderBatch,
		"zone": "UTC", "first": now.Format(time.DateOnly), "last": now.AddDate(0, 0, 3).Format(time.DateOnly)}
	for _, c := range []struct {
		name, sql string
		big       []string
	}{
		{"interviews", dueInterviewRemindersSQL, []string{"interview_rounds", "reminders"}},
		{"assessment days", dueAssessmentRemindersSQL, []string{"assessment_bookings", "reminders"}},
		{"offers", dueOfferRemindersSQL, []string{"offer_versions", "offers", "reminders"}},
		{"onboarding tasks", dueTaskRemindersSQL, []string{"onboarding_tasks", "reminders"}},
	} {
		var lines []string
		rows, err := s.db.Raw("EXPLAIN "+c.sql, args).Rows()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, l)
		}
		rows.Close()
		plan := strings.Join(lines, "\n")
		for _, table := range c.big {
			if strings.Contains(plan, "Seq Scan on "+table+" ") {
				t.Errorf("the %s reminders scan all of %s:\n%s", c.name, table, plan)
			}
		}
	}
}

// The database refuses a reminder that is not before its moment, and a
// second claim of one cause and moment.
func TestReminderClaimsAreOncePerMomentAndBeforeIt(t *testing.T) {
	t.Parallel()
	s, _ := newTestStore(t)
	var roundID int64
	mustDB(t, s.db.Raw("SELECT id FROM interview_rounds WHERE status = 'scheduled' ORDER BY id LIMIT 1").Scan(&roundID))
	if roundID == 0 {
		t.Fatal("the demo has no booked interview")
	}
	now := s.Now()
	moment := now.Add(time.Hour)
	for i, want := range []bool{true, false} {
		ok, err := claimReminder(s.db, "round_id", roundID, moment, now)
		if err != nil || ok != want {
			t.Fatalf("claim %d: %v, %v; want %v", i+1, ok, err, want)
		}
	}
	if ok, err := claimReminder(s.db, "round_id", roundID, moment.Add(time.Hour), now); err != nil || !ok {
		t.Fatalf("a claim of a new moment: %v, %v", ok, err)
	}
	_, err := claimReminder(s.db, "round_id", roundID, now, now)
	if !isCheckViolation(err, "reminders_before_the_moment") {
		t.Errorf("a claim at its moment: %v, want reminders_before_the_moment", err)
	}
	err = s.db.Exec("INSERT INTO reminders (round_id, task_id, reminds_of, sent_at) VALUES (?, 1, ?, ?)", roundID, moment, now).Error
	if !isCheckViolation(err, "reminders_one_cause") {
		t.Errorf("a claim of two causes: %v, want reminders_one_cause", err)
	}
}
