package models_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"nextstep/models"
)

// promiseCase is one application the keeper is watched on: Liam's
// (Warehouse Operations Lead, managed by the demo manager; its stage time
// is the position's decision time), with a date set by the recruiter for tomorrow.
type promiseCase struct {
	d   demo
	app models.Application
	ctx context.Context
}

func newPromiseCase(t *testing.T) promiseCase {
	t.Helper()
	d := newDemo(t)
	c := promiseCase{d: d, ctx: context.Background()}
	c.app = d.application(t, "liam.obrien@example.com")
	must(t, d.store.OverrideExpectedDate(c.ctx, staffActor(d.recruiter), c.app.ID, d.clock.Now().AddDate(0, 0, 1), "Waiting for the last referee."))
	c.app = c.reload(t)
	return c
}

func (c promiseCase) reload(t *testing.T) models.Application {
	t.Helper()
	return c.d.application(t, "liam.obrien@example.com")
}

// messages counts the messages of kind to the case's candidate, or to staff member staffID when not 0.
func (c promiseCase) messages(t *testing.T, kind models.MessageKind, staffID int64) int64 {
	t.Helper()
	var n int64
	if staffID != 0 { // the alerts about this candidate
		mustDB(t, c.d.store.DB().Raw(`SELECT count(*) FROM outbox_messages WHERE kind = ? AND staff_id = ?
			AND subject LIKE (SELECT name FROM candidates WHERE id = ?) || '%'`, kind, staffID, c.app.CandidateID).Scan(&n))
	} else {
		mustDB(t, c.d.store.DB().Raw("SELECT count(*) FROM outbox_messages WHERE kind = ? AND candidate_id = ?", kind, c.app.CandidateID).Scan(&n))
	}
	return n
}

// pastPromise moves the clock a minute past the application's promised date and runs the keeper.
func (c promiseCase) pastPromise(t *testing.T) models.Application {
	t.Helper()
	app := c.reload(t)
	setClock(c.d, app.ExpectedUpdateAt.Add(time.Minute))
	if _, err := c.d.store.KeepPromises(c.ctx); err != nil {
		t.Fatal(err)
	}
	return c.reload(t)
}

// Acceptance 1: an application past its promised date gets exactly one
// update per period, with the new date (the position's stage time on) on the
// candidate's page and in the message; after the limit (2) the hiring
// manager gets one alert and the candidate no more updates.
func TestKeepPromisesOneUpdatePerPeriodThenOneAlert(t *testing.T) {
	t.Parallel()
	c := newPromiseCase(t)
	d := c.d
	var sla int
	mustDB(t, d.store.DB().Raw("SELECT decision_sla_days FROM positions WHERE id = ?", c.app.PositionID).Scan(&sla))
	for round := 1; round <= 2; round++ {
		before := c.reload(t)
		app := c.pastPromise(t)
		want := models.AddBusinessDays(d.clock.Now(), sla, time.UTC)
		if app.ExpectedUpdateAt == nil || !app.ExpectedUpdateAt.Equal(want) || app.PromiseExtensions != round || !app.PromiseExtendedAutomatically {
			t.Fatalf("round %d: date %v (want %v), %d extensions, extended %v", round, app.ExpectedUpdateAt, want, app.PromiseExtensions, app.PromiseExtendedAutomatically)
		}
		if n := c.messages(t, models.MsgPromiseUpdate, 0); n != int64(round) {
			t.Fatalf("round %d: %d updates sent, want %d", round, n, round)
		}
		// The same period again: nothing more.
		if _, err := d.store.KeepPromises(c.ctx); err != nil {
			t.Fatal(err)
		}
		if n := c.messages(t, models.MsgPromiseUpdate, 0); n != int64(round) {
			t.Fatalf("round %d, run twice: %d updates sent, want %d", round, n, round)
		}
		var body string
		mustDB(t, d.store.DB().Raw("SELECT body FROM outbox_messages WHERE kind = ? AND candidate_id = ? ORDER BY id DESC LIMIT 1",
			models.MsgPromiseUpdate, app.CandidateID).Scan(&body))
		for _, s := range []string{"We will be in touch by " + want.Format("Monday 2 January 2006"), before.ExpectedUpdateAt.Format("Monday 2 January 2006")} {
			if !strings.Contains(body, s) {
				t.Errorf("round %d: the update does not say %q:\n%s", round, s, body)
			}
		}
		var cand models.Candidate
		mustDB(t, d.store.DB().First(&cand, app.CandidateID))
		view, err := d.store.GetCandidateView(c.ctx, &cand)
		must(t, err)
		for _, a := range view.Applications {
			if a.ID == app.ID && (a.ExpectedUpdateAt == nil || !a.ExpectedUpdateAt.Equal(want)) {
				t.Errorf("round %d: the candidate's page promises %v, want %v", round, a.ExpectedUpdateAt, want)
			}
			// Their timeline shows each update as it was sent.
			if a.ID == app.ID && (len(a.PromiseUpdates) != round || !a.PromiseUpdates[round-1].NewDate.Equal(want) ||
				!a.PromiseUpdates[round-1].PassedDate.Equal(*before.ExpectedUpdateAt)) {
				t.Errorf("round %d: the candidate's timeline has updates %+v, want %d, the last from %v to %v", round, a.PromiseUpdates, round, before.ExpectedUpdateAt, want)
			}
		}
		var audits int64
		mustDB(t, d.store.DB().Raw("SELECT count(*) FROM audit_log WHERE action = 'application.promise_extended' AND subject_id = ?", app.ID).Scan(&audits))
		if audits != int64(round) {
			t.Errorf("round %d: %d audit entries, want %d", round, audits, round)
		}
	}
	// The limit is reached: the next time the date passes the manager is
	// alerted once, the candidate gets nothing, the date stays passed.
	for range 2 {
		app := c.pastPromise(t)
		if app.PromiseExtensions != 2 || !app.ExpectedUpdateAt.Before(d.clock.Now()) || app.PromiseAlertedAt == nil {
			t.Fatalf("after the limit: %d extensions, date %v, alerted %v", app.PromiseExtensions, app.ExpectedUpdateAt, app.PromiseAlertedAt)
		}
		d.clock.Advance(24 * time.Hour)
	}
	if _, err := d.store.KeepPromises(c.ctx); err != nil {
		t.Fatal(err)
	}
	if n := c.messages(t, models.MsgPromiseUpdate, 0); n != 2 {
		t.Errorf("after the limit: %d updates to the candidate, want 2", n)
	}
	if n := c.messages(t, models.MsgPromiseLimitReached, d.manager.ID); n != 1 {
		t.Errorf("the hiring manager got %d alerts, want 1", n)
	}
	var alert string
	mustDB(t, d.store.DB().Raw("SELECT body FROM outbox_messages WHERE kind = ? AND staff_id = ? ORDER BY id DESC LIMIT 1",
		models.MsgPromiseLimitReached, d.manager.ID).Scan(&alert))
	if !strings.Contains(alert, "already told them 2 times that") {
		t.Errorf("the alert counts the updates as %q, want \"already told them 2 times that\"", alert)
	}
	if n := c.messages(t, models.MsgPromiseLimitReached, d.recruiter.ID); n != 0 {
		t.Errorf("the recruiter got %d alerts, want none (the position has a manager)", n)
	}
}

// A stage change between two runs cancels the update (the application is no
// longer overdue) and clears the keeper's count.
func TestKeepPromisesStageChangeCancelsUpdate(t *testing.T) {
	t.Parallel()
	c := newPromiseCase(t)
	d := c.d
	if app := c.pastPromise(t); app.PromiseExtensions != 1 {
		t.Fatalf("first update: %d extensions", app.PromiseExtensions)
	}
	app := c.reload(t)
	setClock(d, app.ExpectedUpdateAt.Add(time.Minute))
	must(t, d.store.MoveStage(c.ctx, staffActor(d.recruiter), app.ID, models.MoveRequest{To: models.StageMedical}))
	if _, err := d.store.KeepPromises(c.ctx); err != nil {
		t.Fatal(err)
	}
	if n := c.messages(t, models.MsgPromiseUpdate, 0); n != 1 {
		t.Errorf("%d updates, want 1: the move should have cancelled the second", n)
	}
	if app := c.reload(t); app.PromiseExtensions != 0 || app.PromiseExtendedAutomatically || !app.ExpectedUpdateAt.After(d.clock.Now()) {
		t.Errorf("after the move: %d extensions, extended %v, date %v", app.PromiseExtensions, app.PromiseExtendedAutomatically, app.ExpectedUpdateAt)
	}
}

// A message to the candidate after the date passed (someone wrote to them)
// holds the update back: the application stays in the staff's queue.
func TestKeepPromisesNoUpdateAfterAMessage(t *testing.T) {
	t.Parallel()
	c := newPromiseCase(t)
	d := c.d
	setClock(d, c.app.ExpectedUpdateAt.Add(time.Minute))
	must(t, d.store.RequestCandidateLink(c.ctx, "liam.obrien@example.com", "192.0.2.9"))
	if _, err := d.store.KeepPromises(c.ctx); err != nil {
		t.Fatal(err)
	}
	if n := c.messages(t, models.MsgPromiseUpdate, 0); n != 1 {
		t.Fatalf("a sign-in link must not hold the update back: %d updates", n)
	}
	setClock(d, c.reload(t).ExpectedUpdateAt.Add(time.Minute))
	_, err := d.store.SendInterestCheck(c.ctx, staffActor(d.recruiter), c.app.ID, "Are you still interested?", nil)
	must(t, err)
	d.clock.Advance(time.Minute)
	if _, err := d.store.KeepPromises(c.ctx); err != nil {
		t.Fatal(err)
	}
	if n := c.messages(t, models.MsgPromiseUpdate, 0); n != 1 {
		t.Errorf("%d updates, want 1: the interest check was news", n)
	}
}

// Two processes running the keeper at once send each update once: every
// overdue application of the demo, and twenty more, get one update each.
func TestKeepPromisesConcurrentRunsSendEachUpdateOnce(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	// Every active application falls overdue tomorrow evening.
	mustDB(t, d.store.DB().Exec("UPDATE applications SET expected_update_at = ? WHERE status = 'active'", d.clock.Now().Add(time.Hour)))
	d.clock.Advance(2 * time.Hour)
	// The keeper acts on every overdue application whose next move is not
	// the candidate's (YourMoves on the candidate's own page, so the SQL and
	// the page must agree).
	var overdueApps []models.Application
	mustDB(t, d.store.DB().Where("status = 'active' AND expected_update_at < ?", d.clock.Now()).Find(&overdueApps))
	awaiting := map[int64]bool{}
	for _, a := range overdueApps {
		var cand models.Candidate
		mustDB(t, d.store.DB().First(&cand, a.CandidateID))
		view, err := d.store.GetCandidateView(ctx, &cand)
		must(t, err)
		for _, ca := range view.Applications {
			if _, yours := ca.YourTurn(d.clock.Now()); ca.ID == a.ID && yours {
				awaiting[a.ID] = true
			}
		}
	}
	overdue := int64(len(overdueApps) - len(awaiting))
	if overdue < 5 || len(awaiting) == 0 {
		t.Fatalf("fixture: only %d overdue applications, %d of them awaiting the candidate", overdue, len(awaiting))
	}
	counts := make([]int, 4)
	var wg sync.WaitGroup
	for i := range counts {
		wg.Go(func() {
			n, err := d.store.KeepPromises(ctx)
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		})
	}
	wg.Wait()
	var perApp []struct {
		ApplicationID int64
		N             int64
	}
	mustDB(t, d.store.DB().Raw(`SELECT subject_id AS application_id, count(*) AS n FROM audit_log
		WHERE action = 'application.promise_extended' GROUP BY subject_id`).Scan(&perApp))
	var messages int64
	mustDB(t, d.store.DB().Raw("SELECT count(*) FROM outbox_messages WHERE kind = ?", models.MsgPromiseUpdate).Scan(&messages))
	sum := 0
	for _, n := range counts {
		sum += n
	}
	if int64(len(perApp)) != overdue || messages != overdue || int64(sum) != overdue {
		t.Errorf("%d overdue: %d applications extended, %d updates sent, runs say %v", overdue, len(perApp), messages, counts)
	}
	for _, a := range perApp {
		if a.N != 1 || awaiting[a.ApplicationID] {
			t.Errorf("application %d extended %d times (awaiting the candidate: %v)", a.ApplicationID, a.N, awaiting[a.ApplicationID])
		}
	}
}
