package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// bulkState is what a bulk action may change, summed over the database, so
// a refused action can be shown to have changed nothing.
type bulkState struct {
	Events, Messages, Audits int64
	Apps                     string // every application's stage, status and promise
}

func readBulkState(t testing.TB, s *models.Store) bulkState {
	t.Helper()
	var st bulkState
	if err := s.DB().Raw(`SELECT (SELECT count(*) FROM stage_events) AS events, (SELECT count(*) FROM outbox_messages) AS messages,
		(SELECT count(*) FROM audit_log) AS audits,
		(SELECT string_agg(id || ':' || stage || ':' || status || ':' || coalesce(expected_update_at::text, '-') || ':' || rejection_held, ',' ORDER BY id)
		 FROM applications) AS apps`).Scan(&st).Error; err != nil {
		t.Fatal(err)
	}
	return st
}

func (d demo) ids(t *testing.T, emails ...string) []int64 {
	t.Helper()
	out := make([]int64, len(emails))
	for i, e := range emails {
		out[i] = d.application(t, e).ID
	}
	return out
}

func actorOf(u *models.StaffUser) models.Actor {
	return models.Actor{Kind: "staff", ID: u.ID, Email: u.Email, Role: u.Role}
}

// bulkAudit is the bulk action's own audit row, and its count.
func bulkAudit(t *testing.T, s *models.Store, action string) (rows int64, count int) {
	t.Helper()
	var r struct {
		Rows  int64
		Count *int
	}
	query(t, s, &r, "SELECT count(*) AS rows, max((details->>'count')::int) AS count FROM audit_log WHERE action = ?", action)
	if r.Count != nil {
		count = *r.Count
	}
	return r.Rows, count
}

func appAudits(t *testing.T, s *models.Store, action string, ids []int64) int64 {
	t.Helper()
	var n int64
	query(t, s, &n, "SELECT count(*) FROM audit_log WHERE action = ? AND subject_type = 'application' AND subject_id IN ?", action, ids)
	return n
}

func TestBulkMoveTakesEachToItsNextStage(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	ids := d.ids(t, "amelia.hart@example.com", "ben.okafor@example.com", "farid.haddad@example.com")
	since := lastOutboxID(t, d.store)
	movedBefore := appAudits(t, d.store, "application.stage_moved", ids) // the demo's own history
	res, err := d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: ids, Action: models.BulkMove})
	if err != nil {
		t.Fatal(err)
	}
	if res.Count != 3 || res.Action != models.BulkMove {
		t.Fatalf("result %+v, want 3 moved", res)
	}
	want := map[string]models.StageKey{"amelia.hart@example.com": models.StageAdditionalInterview,
		"ben.okafor@example.com": models.StageCommercialNegotiation, "farid.haddad@example.com": models.StageHRRound}
	for email, stage := range want {
		if got := d.application(t, email); got.Stage != stage || got.ExpectedUpdateAt == nil {
			t.Errorf("%s is in %s (promise %v), want %s with a new promise", email, got.Stage, got.ExpectedUpdateAt, stage)
		}
	}
	var msgs int64
	query(t, d.store, &msgs, "SELECT count(*) FROM outbox_messages m JOIN applications a ON a.candidate_id = m.candidate_id WHERE a.id IN ? AND m.kind = 'stage_changed' AND m.id > ?", ids, since)
	if msgs != 3 {
		t.Errorf("%d stage messages, want one per candidate (3)", msgs)
	}
	if n := appAudits(t, d.store, "application.stage_moved", ids) - movedBefore; n != 3 {
		t.Errorf("%d stage_moved audit rows, want 3", n)
	}
	if rows, count := bulkAudit(t, d.store, "candidates.bulk_move"); rows != 1 || count != 3 {
		t.Errorf("bulk audit: %d rows with count %d, want 1 row with count 3", rows, count)
	}
}

// One application that cannot take the action refuses them all: nothing is
// written, and the error names each refused candidate and why.
func TestBulkIsAllOrNothing(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	amelia := d.application(t, "amelia.hart@example.com")
	daniel := d.application(t, "daniel.kim@example.com")    // at the final decision: the offer comes through its flow
	isabel := d.application(t, "isabel.moreno@example.com") // on hold
	noah := d.application(t, "noah.schmidt@example.com")    // onboarding: Hired is not a bulk move
	before := readBulkState(t, d.store)
	_, err := d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{
		ApplicationIDs: []int64{amelia.ID, daniel.ID, isabel.ID, noah.ID}, Action: models.BulkMove})
	fe := models.FieldErrors(err)
	if fe == nil {
		t.Fatalf("moving a mix with refusals: %v, want a validation error", err)
	}
	t.Logf("refusals: %v", fe)
	if _, ok := fe[models.RefusalField(amelia.ID)]; ok || len(fe) != 3 {
		t.Errorf("refusals %v, want exactly Daniel, Isabel and Noah", fe)
	}
	for id, want := range map[int64][]string{daniel.ID: {"Daniel Kim — Account Executive", "Offer"},
		isabel.ID: {"Isabel Moreno — Backend Engineer (Go)", "on hold"}, noah.ID: {"Noah Schmidt", "Hired"}} {
		for _, w := range want {
			if !strings.Contains(fe[models.RefusalField(id)], w) {
				t.Errorf("refusal of application %d = %q, want it to mention %q", id, fe[models.RefusalField(id)], w)
			}
		}
	}
	if after := readBulkState(t, d.store); after != before {
		t.Errorf("a refused bulk move changed the database:\nbefore %+v\nafter  %+v", before, after)
	}

	// Rejecting the already rejected Elena refuses the whole rejection.
	elena := d.application(t, "elena.rossi@example.com")
	_, err = d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{
		ApplicationIDs: []int64{amelia.ID, elena.ID}, Action: models.BulkReject, Reason: "Role paused"})
	if msg := models.FieldErrors(err)[models.RefusalField(elena.ID)]; !strings.Contains(msg, "Elena Rossi") || !strings.Contains(msg, "already closed") {
		t.Errorf("rejecting a closed application: %v, want Elena named as already closed", err)
	}
	if after := readBulkState(t, d.store); after != before {
		t.Errorf("a refused bulk rejection changed the database")
	}
}

func TestBulkRejectWritesStatusMessagesAndAudit(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	ids := d.ids(t, "amelia.hart@example.com", "farid.haddad@example.com")
	before := readBulkState(t, d.store)
	_, err := d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: ids, Action: models.BulkReject, Reason: " x "})
	if models.FieldErrors(err)["reason"] == "" {
		t.Fatalf("a rejection with a too-short reason: %v, want a reason error", err)
	}
	if readBulkState(t, d.store) != before {
		t.Fatal("a rejection without a reason changed the database")
	}
	res, err := d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: ids, Action: models.BulkReject,
		Reason: "  The role was re-scoped.  "})
	if err != nil || res.Count != 2 || res.Held {
		t.Fatalf("bulk rejection: %+v, %v", res, err)
	}
	var rows []struct {
		Status, OutcomeReason string
		Expected              *time.Time `gorm:"column:expected_update_at"`
	}
	query(t, d.store, &rows, "SELECT status, outcome_reason, expected_update_at FROM applications WHERE id IN ?", ids)
	for _, r := range rows {
		if r.Status != "rejected" || r.OutcomeReason != "The role was re-scoped." || r.Expected != nil {
			t.Errorf("after a bulk rejection: %+v, want rejected with the trimmed reason and no promise", r)
		}
	}
	var queued int64
	query(t, d.store, &queued, `SELECT count(*) FROM outbox_messages m JOIN applications a ON a.candidate_id = m.candidate_id
		WHERE a.id IN ? AND m.kind = 'application_rejected' AND m.status = 'queued'`, ids)
	if queued != 2 {
		t.Errorf("%d rejection messages queued, want 2", queued)
	}
	if n := appAudits(t, d.store, "application.status_changed", ids); n != 2 {
		t.Errorf("%d status audit rows, want 2", n)
	}
	if rows, count := bulkAudit(t, d.store, "candidates.bulk_reject"); rows != 1 || count != 2 {
		t.Errorf("bulk audit: %d rows with count %d, want 1 with count 2", rows, count)
	}
}

// With "hold the messages", each rejection takes the held path: the message
// waits with no delivery job; a position that is no longer open refuses.
func TestBulkRejectCanHoldTheMessages(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	ids := d.ids(t, "amelia.hart@example.com", "ben.okafor@example.com")
	res, err := d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: ids, Action: models.BulkReject,
		Reason: "A stronger candidate is ahead", Rejection: models.Rejection{Held: true}})
	if err != nil || !res.Held || res.Count != 2 {
		t.Fatalf("held bulk rejection: %+v, %v", res, err)
	}
	var held struct {
		Messages, Jobs, Flags int64
	}
	query(t, d.store, &held, `SELECT count(*) AS messages,
		sum((SELECT count(*) FROM river_job j WHERE j.args->>'message_id' = m.id::text)) AS jobs,
		sum(CASE WHEN a.rejection_held THEN 1 ELSE 0 END) AS flags
		FROM outbox_messages m JOIN applications a ON a.candidate_id = m.candidate_id AND m.held_for_position_id = a.position_id
		WHERE a.id IN ? AND m.kind = 'application_rejected' AND m.status = 'held'`, ids)
	if held.Messages != 2 || held.Jobs != 0 || held.Flags != 2 {
		t.Fatalf("held rejections: %+v, want 2 held messages, no jobs, 2 applications flagged", held)
	}

	// Engineering is closed: there is nothing to hold the message for.
	farid := d.application(t, "farid.haddad@example.com")
	must(t, d.store.DB().Exec("UPDATE positions SET status = 'closed' WHERE id = ?", farid.PositionID).Error)
	before := readBulkState(t, d.store)
	_, err = d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: []int64{farid.ID}, Action: models.BulkReject,
		Reason: "Position closed", Rejection: models.Rejection{Held: true}})
	if msg := models.FieldErrors(err)[models.RefusalField(farid.ID)]; !strings.Contains(msg, "Farid Haddad") || !strings.Contains(msg, "no longer open") {
		t.Errorf("held rejection on a closed position: %v, want Farid refused as the position is not open", err)
	}
	if readBulkState(t, d.store) != before {
		t.Error("the refused held rejection changed the database")
	}
}

func TestBulkExpectedDateFollowsTheSingleRules(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	ids := d.ids(t, "amelia.hart@example.com", "ben.okafor@example.com")
	before := readBulkState(t, d.store)
	past := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	_, err := d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: ids, Action: models.BulkExpectedDate, Date: past})
	fe := models.FieldErrors(err)
	if !strings.Contains(fe["expected_date"], "past") || fe["expected_note"] == "" {
		t.Fatalf("a past date without a note: %v, want both named", err)
	}
	elena := d.application(t, "elena.rossi@example.com")
	date := time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC)
	_, err = d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: append(ids, elena.ID), Action: models.BulkExpectedDate,
		Date: date, Note: "Panel is travelling"})
	if !strings.Contains(models.FieldErrors(err)[models.RefusalField(elena.ID)], "closed") {
		t.Fatalf("a promise to a rejected candidate: %v, want Elena refused", err)
	}
	if readBulkState(t, d.store) != before {
		t.Fatal("refused promises changed the database")
	}
	if _, err := d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: ids, Action: models.BulkExpectedDate,
		Date: date, Note: "Panel is travelling"}); err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"amelia.hart@example.com", "ben.okafor@example.com"} {
		a := d.application(t, e)
		if a.ExpectedUpdateAt == nil || !a.ExpectedUpdateAt.Equal(time.Date(2026, 12, 9, 17, 0, 0, 0, time.UTC)) || a.ExpectedUpdateNote != "Panel is travelling" {
			t.Errorf("%s promised %v (%q), want 9 December 17:00 with the note", e, a.ExpectedUpdateAt, a.ExpectedUpdateNote)
		}
	}
	if n := appAudits(t, d.store, "application.expected_date_changed", ids); n != 2 {
		t.Errorf("%d date audit rows, want 2", n)
	}
	if rows, count := bulkAudit(t, d.store, "candidates.bulk_date"); rows != 1 || count != 2 {
		t.Errorf("bulk audit: %d rows with count %d", rows, count)
	}
}

func TestBulkMessageSendsOneMessagePerApplication(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	ids := d.ids(t, "amelia.hart@example.com", "elena.rossi@example.com")
	for _, tc := range []struct {
		subject, body, field string
	}{
		{"", "Hello", "subject"},
		{"Hi", "  ", "body"},
		{strings.Repeat("s", 201), "Hello", "subject"},
		{"Hi", strings.Repeat("b", 4001), "body"},
	} {
		_, err := d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: ids, Action: models.BulkMessage, Subject: tc.subject, Body: tc.body})
		if models.FieldErrors(err)[tc.field] == "" {
			t.Errorf("subject %d chars, body %d chars: %v, want a %s error", len(tc.subject), len(tc.body), err, tc.field)
		}
	}
	res, err := d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: ids, Action: models.BulkMessage,
		Subject: "Our office\r\nBcc: x@evil.test moves", Body: "We are moving to a new office next week.\nDirections follow."})
	if err != nil || res.Count != 2 {
		t.Fatalf("bulk message: %+v, %v", res, err)
	}
	var msgs []models.OutboxMessage
	query(t, d.store, &msgs, "SELECT * FROM outbox_messages WHERE kind = 'staff_message' ORDER BY id")
	if len(msgs) != 2 {
		t.Fatalf("%d staff messages, want 2", len(msgs))
	}
	for _, m := range msgs {
		if m.Subject != "Our office Bcc: x@evil.test moves" || m.Status != models.MessageQueued || m.CandidateID == nil {
			t.Errorf("message %q to %s (%s): want the subject on one line, queued, to a candidate", m.Subject, m.ToEmail, m.Status)
		}
		if !strings.Contains(m.Body, "We are moving to a new office next week.\nDirections follow.") || !strings.Contains(m.Body, "http://x/me/applications/") {
			t.Errorf("message body %q, want the text and the application link", m.Body)
		}
	}
	if n := appAudits(t, d.store, "application.message_sent", ids); n != 2 {
		t.Errorf("%d message audit rows, want 2", n)
	}
	if rows, count := bulkAudit(t, d.store, "candidates.bulk_message"); rows != 1 || count != 2 {
		t.Errorf("bulk audit: %d rows with count %d", rows, count)
	}
	// The wording is editable, but must keep the message and the link.
	if err := models.ValidateMessageTemplate(models.MsgStaffMessage, "{{subject}}", "Hello {{candidate_name}}"); err == nil {
		t.Error("a wording without {{message}} and {{application_link}} was accepted")
	}
}

// A hiring manager acts only on their own positions' applications: one
// other application makes the whole request not found.
func TestBulkHiringManagerOnlyTheirPositions(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	hugo := actorOf(d.manager)
	before := readBulkState(t, d.store)
	mixed := d.ids(t, "amelia.hart@example.com", "farid.haddad@example.com") // Farid: engineering, not Hugo's
	if _, err := d.store.BulkAction(ctx, hugo, models.BulkRequest{ApplicationIDs: mixed, Action: models.BulkMove}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("manager moving another position's application: %v, want not found", err)
	}
	if _, err := d.store.BulkAction(ctx, hugo, models.BulkRequest{ApplicationIDs: []int64{mixed[0], 999999}, Action: models.BulkMove}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("an unknown application: %v, want not found", err)
	}
	if readBulkState(t, d.store) != before {
		t.Fatal("a refused manager's bulk move changed the database")
	}
	interviewer, err := d.store.StaffByEmail(ctx, "interviewer@demo.nextstep.test")
	must(t, err)
	if _, err := d.store.BulkAction(ctx, actorOf(interviewer), models.BulkRequest{ApplicationIDs: mixed[:1], Action: models.BulkMove}); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("interviewer: %v, want forbidden", err)
	}
	own := d.ids(t, "amelia.hart@example.com", "kemi.adeyemi@example.com")
	if res, err := d.store.BulkAction(ctx, hugo, models.BulkRequest{ApplicationIDs: own, Action: models.BulkMove}); err != nil || res.Count != 2 {
		t.Fatalf("manager moving their own: %+v, %v", res, err)
	}
}

func TestBulkRequestLimits(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	many := make([]int64, 201)
	for i := range many {
		many[i] = int64(i + 1)
	}
	_, err := d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: many, Action: models.BulkMove})
	if !strings.Contains(models.FieldErrors(err)["ids"], "200") {
		t.Errorf("201 applications: %v, want the limit of 200 named", err)
	}
	_, err = d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{Action: "explode"})
	if fe := models.FieldErrors(err); fe["ids"] == "" || fe["action"] == "" {
		t.Errorf("no applications and no action: %v, want both named", err)
	}
	// The same application twice counts once.
	amelia := d.application(t, "amelia.hart@example.com")
	res, err := d.store.BulkAction(ctx, actorOf(d.recruiter), models.BulkRequest{ApplicationIDs: []int64{amelia.ID, amelia.ID}, Action: models.BulkMove})
	if err != nil || res.Count != 1 || d.application(t, "amelia.hart@example.com").Stage != models.StageAdditionalInterview {
		t.Errorf("a duplicated id: %+v, %v, want one move", res, err)
	}
}

// BenchmarkBulkMove moves 100 applications to their next stage in one bulk
// action, and reports the statements it took per application.
//
//	go test -run '^$' -bench BulkMove -benchmem -count=1 ./models
func BenchmarkBulkMove(b *testing.B) {
	store, _ := benchStore(b)
	ctx := context.Background()
	if _, err := store.SeedDemo(ctx); err != nil {
		b.Fatal(err)
	}
	recruiter, err := store.StaffByEmail(ctx, "recruiter@demo.nextstep.test")
	if err != nil {
		b.Fatal(err)
	}
	const n = 100
	var ids []int64
	if err := store.DB().Raw(`WITH c AS (
			INSERT INTO candidates (name, email) SELECT 'Bench ' || i, 'bench' || i || '@example.com' FROM generate_series(1, ?) i RETURNING id)
		INSERT INTO applications (candidate_id, position_id, stage, status, stage_entered_at)
		SELECT c.id, (SELECT id FROM positions WHERE title = 'Account Executive'), 'interview_completed', 'active', now() FROM c RETURNING id`, n).
		Scan(&ids).Error; err != nil {
		b.Fatal(err)
	}
	if len(ids) != n {
		b.Fatalf("%d applications made, want %d", len(ids), n)
	}
	var statements int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		forceStage(b, store, "interview_completed", ids...)
		before := store.Statements()
		b.StartTimer()
		res, err := store.BulkAction(ctx, actorOf(recruiter), models.BulkRequest{ApplicationIDs: ids, Action: models.BulkMove})
		if err != nil || res.Count != n {
			b.Fatalf("bulk move: %+v, %v", res, err)
		}
		b.StopTimer()
		statements += store.Statements() - before
		b.StartTimer()
	}
	b.ReportMetric(float64(statements)/float64(b.N)/n, "stmts/app")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/n/1000, "ms/app")
}
