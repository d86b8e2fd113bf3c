package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// middayZone is a fixed-offset zone (Etc/GMT±N) where it is about noon at
// now, so a test that needs the staff digest's 08:00 passed, and the day not
// about to change, holds whenever it runs.
func middayZone(now time.Time) string {
	offset := 12 - now.UTC().Hour()
	if offset > 14 {
		offset -= 24
	}
	if offset < -12 {
		offset += 24
	}
	switch { // the Etc zones' signs are POSIX's: Etc/GMT-3 is three hours ahead of UTC
	case offset > 0:
		return fmt.Sprintf("Etc/GMT-%d", offset)
	case offset < 0:
		return fmt.Sprintf("Etc/GMT+%d", -offset)
	}
	return "Etc/GMT"
}

// TestTwoServersSendEachPeriodicMessageOnce is issue 21's acceptance 2:
// two server processes on one database, every scheduled task every second
// (NEXTSTEP_SCHEDULE_EVERY), for at least three periods of each, to a real
// SMTP receiver. Every active application's promise has passed and every
// staff member asked for the daily digest. Each application gets one
// "still deciding" update, each staff member with work one digest, each
// interview's candidate and panelist (the interviews moved three hours
// ahead) one reminder:
// counted on the receiver, and each email arrives once.
func TestTwoServersSendEachPeriodicMessageOnce(t *testing.T) {
	e, dbURL := newMailEnv(t)
	sink := startSink(t, "127.0.0.1:0")
	e.exec("UPDATE applications SET expected_update_at = now() - interval '1 hour' WHERE status = 'active'")
	e.exec("UPDATE staff_users SET digest_enabled = true WHERE active")
	// Every interview still ahead starts in three hours: its reminders are due.
	e.exec(`UPDATE interview_rounds SET starts_at = now() + interval '3 hours', ends_at = now() + interval '4 hours'
		WHERE status = 'scheduled' AND starts_at > now()`)
	rounds := e.scalar(`SELECT count(*) FROM interview_rounds r JOIN applications a ON a.id = r.application_id
		WHERE r.status = 'scheduled' AND r.starts_at > now() AND a.status IN ('active', 'on_hold')`)
	panelists := e.scalar(`SELECT count(*) FROM interview_panelists p JOIN interview_rounds r ON r.id = p.round_id
		JOIN applications a ON a.id = r.application_id JOIN staff_users u ON u.id = p.staff_id
		WHERE r.status = 'scheduled' AND r.starts_at > now() AND a.status IN ('active', 'on_hold') AND u.active`)
	if rounds == 0 || panelists == 0 {
		t.Fatalf("fixture: %d interviews ahead with %d panelists", rounds, panelists)
	}
	zone := middayZone(time.Now())
	servers := startServers(t, 2, dbURL, append(mailServerEnv(sink.URL()), "NEXTSTEP_SCHEDULE_EVERY=1s", "NEXTSTEP_TIMEZONE="+zone)...)

	periodic := []string{"keep_promises", "send_staff_digests", "send_reminders"}
	deadline := time.Now().Add(90 * time.Second)
	for _, task := range periodic {
		for e.scalar("SELECT count(*) FROM scheduled_runs WHERE task = ? AND finished_at IS NOT NULL AND error = ''", task) < 3 {
			if time.Now().After(deadline) {
				var b strings.Builder
				for _, s := range servers {
					fmt.Fprintf(&b, "\n%s output:\n%s", s.name, s.output.String())
				}
				t.Fatalf("%s did not run three times within 90 s%s", task, b.String())
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	rows := e.waitAllSent(int(e.scalar("SELECT count(*) FROM outbox_messages")), 30*time.Second, servers...)

	updates := e.scalar("SELECT count(*) FROM promise_updates")
	if updates < 5 || e.scalar("SELECT count(DISTINCT application_id) FROM promise_updates") != updates {
		t.Fatalf("%d updates, on %d applications: want at least 5, one per application", updates,
			e.scalar("SELECT count(DISTINCT application_id) FROM promise_updates"))
	}
	var wantUpdates []struct {
		Email string
		N     int
	}
	if err := e.store.DB().Raw(`SELECT c.email, count(*) AS n FROM promise_updates u JOIN applications a ON a.id = u.application_id
		JOIN candidates c ON c.id = a.candidate_id GROUP BY c.email`).Scan(&wantUpdates).Error; err != nil {
		t.Fatal(err)
	}
	perRecipient := map[string]int{}
	for _, w := range wantUpdates {
		perRecipient[w.Email] = w.N
	}
	var digests []string
	if err := e.store.DB().Raw("SELECT to_email FROM outbox_messages WHERE kind = 'staff_digest'").Scan(&digests).Error; err != nil {
		t.Fatal(err)
	}
	if len(digests) < 2 {
		t.Errorf("%d staff digests, want the admin's and the recruiter's at least", len(digests))
	}
	for _, d := range digests {
		if perRecipient[d] > 0 {
			t.Errorf("%s got more than one digest in a day", d)
		}
		perRecipient[d] = 1
	}
	var reminders []string
	if err := e.store.DB().Raw("SELECT to_email FROM outbox_messages WHERE kind IN ('interview_reminder', 'panel_interview_reminder')").
		Scan(&reminders).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range reminders {
		perRecipient[r]++
	}
	if int64(len(reminders)) != rounds+panelists {
		t.Errorf("%d interview reminders, want one for each of %d candidates and %d panelists", len(reminders), rounds, panelists)
	}
	checkSentOnce(t, sink, rows, perRecipient)
	got := map[string]int{}
	for _, m := range sink.Messages() {
		switch subject := m.Header.Get("Subject"); {
		case strings.Contains(subject, "still in progress"):
			got["updates"]++
		case strings.HasPrefix(subject, "Needs you:"):
			got["digests"]++
		case strings.HasPrefix(subject, "Reminder:"):
			got["reminders"]++
		default:
			t.Errorf("an unexpected email to %v: %q", m.Recipients, subject)
		}
	}
	if got["updates"] != int(updates) || got["digests"] != len(digests) || got["reminders"] != len(reminders) {
		t.Errorf("the receiver got %d updates, %d digests and %d reminders, want %d, %d and %d", got["updates"], got["digests"], got["reminders"],
			updates, len(digests), len(reminders))
	}
	t.Logf("%d runs of keep_promises, %d of send_staff_digests; %d updates, %d digests, in zone %s", e.scalar("SELECT count(*) FROM scheduled_runs WHERE task = 'keep_promises'"),
		e.scalar("SELECT count(*) FROM scheduled_runs WHERE task = 'send_staff_digests'"), updates, len(digests), zone)
}
