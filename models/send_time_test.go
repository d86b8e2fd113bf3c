package models_test

import (
	"context"
	"testing"

	"nextstep/models"
)

// The reject forms' one "Send the message" choice reads into one Rejection:
// now, in 1 to 30 days, or held; a later send without its days, or with
// days out of range, is refused at the days; an unknown choice at the choice.
func TestReadRejectionReadsTheOneSendChoice(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		send       models.SendTime
		days       string
		want       models.Rejection
		errorField string
		sentence   string
	}{
		{send: "", days: "", want: models.Rejection{}},
		{send: models.SendNow, days: "7", want: models.Rejection{}}, // days typed, but Now chosen: now
		{send: models.SendHeld, days: "7", want: models.Rejection{Held: true}},
		{send: models.SendLater, days: " 3 ", want: models.Rejection{InDays: 3}},
		{send: models.SendLater, days: "30", want: models.Rejection{InDays: 30}},
		{send: models.SendLater, days: "", errorField: "send_in_days", sentence: "Say in how many days the message goes (1 to 30)."},
		{send: models.SendLater, days: "0", errorField: "send_in_days", sentence: "Send it now or in 1 to 30 days."},
		{send: models.SendLater, days: "31", errorField: "send_in_days", sentence: "Send it now or in 1 to 30 days."},
		{send: models.SendLater, days: "two", errorField: "send_in_days", sentence: "Send it now or in 1 to 30 days."},
		{send: "tomorrow", days: "", errorField: "send", sentence: "Choose when the message goes."},
	} {
		got, err := models.ReadRejection(models.MsgRejectionAfterInterview, c.send, c.days)
		if c.errorField != "" {
			if msg := models.FieldErrors(err)[c.errorField]; msg != c.sentence {
				t.Errorf("send %q days %q: %v, want %q at %s", c.send, c.days, err, c.sentence, c.errorField)
			}
			continue
		}
		c.want.Wording = models.MsgRejectionAfterInterview
		if err != nil || got != c.want {
			t.Errorf("send %q days %q: %+v, %v; want %+v", c.send, c.days, got, err, c.want)
		}
	}
}

// Bulk reject "held until the position is filled" goes through the one
// rejection: each rejection is recorded as held, in the chosen wording, and
// nothing is queued; filling the position releases exactly one message to
// each candidate.
func TestBulkRejectHeldIsReleasedOnceWhenThePositionIsFilled(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	ids := d.ids(t, "amelia.hart@example.com", "ben.okafor@example.com")
	res, err := d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: ids, Action: models.BulkReject,
		Reason: "A stronger candidate is ahead", Rejection: models.Rejection{Wording: models.MsgRejectionAfterInterview, Held: true}})
	if err != nil || !res.Held || res.Count != 2 {
		t.Fatalf("held bulk rejection: %+v, %v", res, err)
	}
	type row struct {
		Email, Status, Kind string
		Held, AppHeld       bool
		Jobs                int64
	}
	messages := func() []row {
		var rows []row
		query(t, d.store, &rows, `SELECT c.email, m.status, m.kind, m.held_for_position_id IS NOT NULL AS held, a.rejection_held AS app_held,
			(SELECT count(*) FROM river_job j WHERE j.args->>'message_id' = m.id::text) AS jobs
			FROM applications a JOIN candidates c ON c.id = a.candidate_id
			JOIN outbox_messages m ON m.candidate_id = a.candidate_id AND m.kind IN ?
			WHERE a.id IN ? ORDER BY c.email, m.id`, models.RejectionWordings(), ids)
		return rows
	}
	held := messages()
	if len(held) != 2 {
		t.Fatalf("after the held bulk rejection: %+v, want one rejection message each", held)
	}
	for _, m := range held {
		if m.Status != "held" || !m.Held || m.Jobs != 0 || !m.AppHeld || m.Kind != string(models.MsgRejectionAfterInterview) {
			t.Errorf("%s: %+v, want a held message after an interview, nothing queued, the rejection recorded as held", m.Email, m)
		}
	}
	var statuses []string
	query(t, d.store, &statuses, "SELECT status FROM applications WHERE id IN ? ORDER BY id", ids)
	if len(statuses) != 2 || statuses[0] != "rejected" || statuses[1] != "rejected" {
		t.Errorf("statuses %v, want both rejected", statuses)
	}
	var audited bool
	query(t, d.store, &audited, `SELECT bool_and((details->>'message_held')::bool) FROM audit_log WHERE action = 'candidates.bulk_reject'`)
	if !audited {
		t.Error("the bulk audit row does not say the messages are held")
	}

	amelia := d.application(t, "amelia.hart@example.com")
	rejectSofia(t, d)
	must(t, d.store.ClosePosition(ctx, actorOf(d.admin), amelia.PositionID, models.PositionFilled, nil))
	released := messages()
	if len(released) != 2 {
		t.Fatalf("after filling: %+v, want exactly one rejection message each", released)
	}
	for _, m := range released {
		if m.Status != "queued" || m.Jobs != 1 || m.AppHeld || m.Kind != string(models.MsgRejectionAfterInterview) {
			t.Errorf("%s after filling: %+v, want its one message queued for delivery in its wording and the hold cleared", m.Email, m)
		}
	}
}
