package models_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"nextstep/models"
	"nextstep/views"
)

// reportFixture is a small hiring history with known timestamps, inserted
// with SQL so every created_at is exactly what the figures are computed from.
// The expected figures in the tests are worked out by hand from it.
type reportFixture struct {
	store              *models.Store
	clock              *fakeClock
	alpha, beta, gamma int64 // positions
	apps               map[string]int64
	cands              map[string]int64
}

var (
	reportAdmin   = models.Actor{Kind: "staff", ID: 1, Email: "admin@example.test", Role: models.RoleAdmin}
	reportT0      = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	reportDay     = 24 * time.Hour
	reportNowTime = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) // the fake clock's time
)

func (fx *reportFixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if err := fx.store.DB().Exec(q, args...).Error; err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
}

func (fx *reportFixture) id(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := fx.store.DB().Raw(q, args...).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("%v (id %d)\n%s", err, id, q)
	}
	return id
}

func (fx *reportFixture) position(t *testing.T, title, status string, stages ...models.StageKey) int64 {
	t.Helper()
	id := fx.id(t, `INSERT INTO positions (title, status) VALUES (?, ?) RETURNING id`, title, status)
	for i, st := range stages {
		fx.exec(t, `INSERT INTO position_stages (position_id, stage, sort_order) VALUES (?, ?, ?)`, id, st, i+1)
	}
	return id
}

// application inserts a candidate and their application, created at created.
func (fx *reportFixture) application(t *testing.T, key string, pos int64, stage models.StageKey, status models.Status, created time.Time, expected *time.Time) {
	t.Helper()
	cand := fx.id(t, `INSERT INTO candidates (name, email) VALUES (?, ?) RETURNING id`, "Candidate "+key, key+"@example.com")
	reason := ""
	if status == models.StatusRejected {
		reason = "Not this time."
	}
	fx.cands[key] = cand
	fx.apps[key] = fx.id(t, `INSERT INTO applications (candidate_id, position_id, stage, status, stage_entered_at, expected_update_at, outcome_reason, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, cand, pos, stage, status, created, expected, reason, created)
}

// event records a stage event; from "" is the first one.
func (fx *reportFixture) event(t *testing.T, key string, from, to models.StageKey, toStatus models.Status, kind models.EventKind, at time.Time) {
	t.Helper()
	var fromStage any
	fromStatus := ""
	if from != "" {
		fromStage, fromStatus = from, string(models.StatusActive)
	}
	fx.exec(t, `INSERT INTO stage_events (application_id, from_stage, to_stage, from_status, to_status, kind, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		fx.apps[key], fromStage, to, fromStatus, toStatus, kind, at)
}

// offer records an offer of the application with its versions' statuses, oldest first.
func (fx *reportFixture) offer(t *testing.T, key, status string, versions ...string) {
	t.Helper()
	o := fx.id(t, `INSERT INTO offers (application_id, status) VALUES (?, ?) RETURNING id`, fx.apps[key], status)
	for i, vs := range versions {
		fx.exec(t, `INSERT INTO offer_versions (offer_id, version, status, job_title, salary_amount, salary_currency, salary_period, start_date, expires_on)
			VALUES (?, ?, ?, 'Role', 50000, 'EUR', 'year', '2027-01-04', '2026-12-20')`, o, i+1, vs)
	}
}

func reportDayN(n float64) time.Time { return reportT0.Add(time.Duration(n * float64(reportDay))) }

func reportAt(y int, m time.Month, d, h, min int) *time.Time {
	t := time.Date(y, m, d, h, min, 0, 0, time.UTC)
	return &t
}

func newReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	store, clock := newStore(t)
	if !clock.Now().Equal(reportNowTime) {
		t.Fatalf("the fixture assumes the clock at %v, it is at %v", reportNowTime, clock.Now())
	}
	fx := &reportFixture{store: store, clock: clock, apps: map[string]int64{}, cands: map[string]int64{}}
	IC, HR, FD, OF, HI := models.StageInterviewCompleted, models.StageHRRound, models.StageFinalDecision, models.StageOffer, models.StageHired
	active, hired := models.StatusActive, models.StatusHired
	fx.alpha = fx.position(t, "Alpha", "open", IC, HR, OF, HI)
	fx.beta = fx.position(t, "Beta", "open", IC, FD)
	fx.gamma = fx.position(t, "Gamma", "closed", IC, HI)

	// Alpha.
	fx.application(t, "a1", fx.alpha, HI, hired, reportDayN(0), nil)
	fx.event(t, "a1", "", IC, active, models.EventMove, reportDayN(0))
	fx.event(t, "a1", IC, HR, active, models.EventMove, reportDayN(2)) // IC 2 days
	fx.event(t, "a1", HR, OF, active, models.EventFlow, reportDayN(5)) // HR 3 days
	fx.event(t, "a1", OF, HI, hired, models.EventMove, reportDayN(10)) // offer 5 days; hired after 10 days

	fx.application(t, "a2", fx.alpha, HR, active, reportDayN(1), reportAt(2026, 11, 28, 17, 0)) // 3 calendar days overdue
	fx.event(t, "a2", "", IC, active, models.EventMove, reportDayN(1))
	fx.event(t, "a2", IC, HR, active, models.EventMove, reportDayN(5)) // IC 4 days

	fx.application(t, "a3", fx.alpha, HI, hired, reportDayN(2), nil)
	fx.event(t, "a3", "", IC, active, models.EventMove, reportDayN(2))
	fx.event(t, "a3", IC, HR, active, models.EventMove, reportDayN(3))    // IC 1 day
	fx.event(t, "a3", HR, OF, active, models.EventMove, reportDayN(4))    // a mistake…
	fx.event(t, "a3", OF, HR, active, models.EventUndo, reportDayN(4.25)) // …undone: HR runs on
	fx.event(t, "a3", HR, OF, active, models.EventFlow, reportDayN(9))    // HR 6 days (3 → 9)
	fx.event(t, "a3", OF, HI, hired, models.EventMove, reportDayN(20))    // offer 11 days; hired after 18 days

	fx.application(t, "a4", fx.alpha, IC, models.StatusRejected, reportDayN(3), reportAt(2026, 11, 20, 17, 0)) // closed: not overdue
	fx.event(t, "a4", "", IC, active, models.EventMove, reportDayN(3))
	fx.event(t, "a4", IC, IC, models.StatusRejected, models.EventStatus, reportDayN(4)) // not a stage entry

	fx.application(t, "a5", fx.alpha, OF, active, reportDayN(4), reportAt(2026, 12, 1, 8, 0)) // overdue since this morning: 0 days
	fx.event(t, "a5", "", IC, active, models.EventMove, reportDayN(4))
	fx.event(t, "a5", IC, OF, active, models.EventSkip, reportDayN(6)) // IC 2 days; HR skipped (still "passed")

	fx.application(t, "a6", fx.alpha, HR, models.StatusOnHold, reportDayN(5), reportAt(2026, 11, 25, 17, 0)) // on hold: not overdue
	fx.event(t, "a6", "", IC, active, models.EventMove, reportDayN(5))
	fx.event(t, "a6", IC, HR, active, models.EventMove, reportDayN(8)) // IC 3 days
	fx.event(t, "a6", HR, HR, models.StatusOnHold, models.EventStatus, reportDayN(9))

	// Beta.
	fx.application(t, "b1", fx.beta, IC, active, reportDayN(0), reportAt(2026, 11, 30, 23, 30)) // 1 calendar day overdue in UTC
	fx.event(t, "b1", "", IC, active, models.EventMove, reportDayN(0))
	fx.event(t, "b1", IC, FD, active, models.EventMove, reportDayN(1))
	fx.event(t, "b1", FD, IC, active, models.EventUndo, reportDayN(1.5)) // FD never reached; IC stay not over

	fx.application(t, "b2", fx.beta, IC, active, reportDayN(0), reportAt(2026, 12, 1, 10, 0)) // due later today: not overdue
	fx.event(t, "b2", "", IC, active, models.EventMove, reportDayN(0))
	fx.event(t, "b2", IC, FD, active, models.EventMove, reportDayN(2)) // IC 2 days
	fx.event(t, "b2", FD, IC, active, models.EventMove, reportDayN(3)) // FD 1 day; moved back (the old rule): FD was reached

	// Gamma (closed).
	fx.application(t, "g1", fx.gamma, HI, hired, reportDayN(0), nil)
	fx.event(t, "g1", "", IC, active, models.EventMove, reportDayN(0))
	fx.event(t, "g1", IC, HI, hired, models.EventMove, reportDayN(7)) // IC 7 days; hired after 7 days

	// Created after its history (imported): it starts at its first event.
	fx.application(t, "g2", fx.gamma, HI, hired, reportDayN(10), nil)
	fx.event(t, "g2", "", IC, active, models.EventMove, reportDayN(2))
	fx.event(t, "g2", IC, HI, hired, models.EventMove, reportDayN(6)) // IC 4 days; hired after 4 days

	// Offers: the newest version decides.
	fx.offer(t, "a1", "accepted", "superseded", "accepted") // accepted
	fx.offer(t, "a3", "declined", "declined")               // declined
	fx.offer(t, "a3", "accepted", "accepted")               // accepted
	fx.offer(t, "a5", "open", "sent")                       // waiting
	fx.offer(t, "a2", "open", "draft")                      // not counted
	fx.offer(t, "b1", "declined", "accepted", "declined")   // declined: the newest version decides
	return fx
}

func reportDays(v float64) *float64 { return &v }

func reportSameDays(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Abs(*a-*b) < 1e-9
}

func reportDaysText(d *float64) string {
	if d == nil {
		return "nil"
	}
	return fmt.Sprint(*d)
}

func TestReportFiguresMatchHandComputedValues(t *testing.T) {
	t.Parallel()
	fx := newReportFixture(t)
	ctx := context.Background()
	before := fx.store.Statements()
	r, err := fx.store.Reports(ctx, reportAdmin, models.ReportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if n := fx.store.Statements() - before; n != 1 {
		t.Errorf("every report took %d statements, want 1", n)
	}
	IC, HR, FD, OF, HI := models.StageInterviewCompleted, models.StageHRRound, models.StageFinalDecision, models.StageOffer, models.StageHired

	t.Run("positions", func(t *testing.T) {
		want := []models.PositionChoice{{ID: fx.alpha, Title: "Alpha", Status: "open"}, {ID: fx.beta, Title: "Beta", Status: "open"},
			{ID: fx.gamma, Title: "Gamma", Status: "closed"}}
		if !reflect.DeepEqual(r.Positions, want) {
			t.Errorf("positions = %+v, want %+v", r.Positions, want)
		}
	})

	t.Run("funnel", func(t *testing.T) {
		want := []models.PositionFunnel{
			{PositionID: fx.alpha, Title: "Alpha", Status: "open", Stages: []models.FunnelStage{
				{Stage: IC, Reached: 6, InStage: 0}, // a4 is there, but rejected
				{Stage: HR, Reached: 5, InStage: 2}, // all but a4 (a5 skipped it); now a2 (active) and a6 (on hold)
				{Stage: OF, Reached: 3, InStage: 1}, // a1, a3, a5; now a5
				{Stage: HI, Reached: 2, InStage: 2}, // a1, a3
			}},
			{PositionID: fx.beta, Title: "Beta", Status: "open", Stages: []models.FunnelStage{
				{Stage: IC, Reached: 2, InStage: 2},
				{Stage: FD, Reached: 1, InStage: 0}, // b2 entered it and moved back; b1's move was undone
			}},
			{PositionID: fx.gamma, Title: "Gamma", Status: "closed", Stages: []models.FunnelStage{
				{Stage: IC, Reached: 2, InStage: 0},
				{Stage: HI, Reached: 2, InStage: 2},
			}},
		}
		if !reflect.DeepEqual(r.Funnel, want) {
			t.Errorf("funnel =\n%+v\nwant\n%+v", r.Funnel, want)
		}
	})

	t.Run("stage times", func(t *testing.T) {
		// IC: a1 2, a2 4, a3 1, a5 2, a6 3, b2 2, g1 7, g2 4 → 1 2 2 2 3 4 4 7: median 2.5.
		// HR: a1 3, a3 6 (the undone move does not end the stay) → 4.5. FD: b2 1.
		// Offer: a1 5, a3 11 → 8. Hired: no stay has ended.
		want := []models.StageTime{{Stage: IC, Stays: 8, MedianDays: reportDays(2.5)}, {Stage: HR, Stays: 2, MedianDays: reportDays(4.5)},
			{Stage: FD, Stays: 1, MedianDays: reportDays(1)}, {Stage: OF, Stays: 2, MedianDays: reportDays(8)}, {Stage: HI, Stays: 0}}
		checkReportStageTimes(t, r.StageTimes, want)
	})

	t.Run("time to hire", func(t *testing.T) {
		// a1 10 days, a3 18 days, g1 7 days, g2 4 days (from its first event, not its later created_at).
		if o := r.TimeToHireOverall; o.Hires != 4 || !reportSameDays(o.MedianDays, reportDays(8.5)) {
			t.Errorf("overall time to hire = %d hires, median %s; want 4, 8.5", o.Hires, reportDaysText(o.MedianDays))
		}
		want := map[int64]struct {
			hires  int64
			median *float64
		}{fx.alpha: {2, reportDays(14)}, fx.beta: {0, nil}, fx.gamma: {2, reportDays(5.5)}}
		if len(r.TimeToHire) != len(want) {
			t.Fatalf("time to hire has %d positions, want %d", len(r.TimeToHire), len(want))
		}
		for _, h := range r.TimeToHire {
			w := want[h.PositionID]
			if h.Hires != w.hires || !reportSameDays(h.MedianDays, w.median) {
				t.Errorf("%s: %d hires, median %s; want %d, %s", h.Title, h.Hires, reportDaysText(h.MedianDays), w.hires, reportDaysText(w.median))
			}
		}
	})

	t.Run("offer acceptance", func(t *testing.T) {
		o := r.OffersOverall
		if o.Accepted != 2 || o.Declined != 2 || o.Awaiting != 1 {
			t.Errorf("overall offers = %+v, want 2 accepted, 2 declined, 1 waiting", o)
		}
		if rate, ok := o.Rate(); !ok || rate != 0.5 {
			t.Errorf("overall rate = %v (%v), want 0.5", rate, ok)
		}
		want := []models.OfferAcceptance{
			{PositionID: fx.alpha, Title: "Alpha", Status: "open", Accepted: 2, Declined: 1, Awaiting: 1},
			{PositionID: fx.beta, Title: "Beta", Status: "open", Accepted: 0, Declined: 1},
			{PositionID: fx.gamma, Title: "Gamma", Status: "closed"},
		}
		if !reflect.DeepEqual(r.Offers, want) {
			t.Errorf("offers =\n%+v\nwant\n%+v", r.Offers, want)
		}
		if rate, ok := r.Offers[0].Rate(); !ok || math.Abs(rate-2.0/3) > 1e-12 {
			t.Errorf("Alpha rate = %v, want 2/3", rate)
		}
		if _, ok := r.Offers[2].Rate(); ok {
			t.Error("Gamma has no answered offer, but a rate")
		}
	})

	t.Run("overdue", func(t *testing.T) {
		if r.OverdueCount != 3 {
			t.Errorf("overdue count = %d, want 3", r.OverdueCount)
		}
		type row struct {
			app  int64
			pos  int64
			st   models.StageKey
			days int64
		}
		var got []row
		for _, o := range r.Overdue {
			got = append(got, row{o.ApplicationID, o.PositionID, o.Stage, o.DaysOverdue})
		}
		want := []row{{fx.apps["a2"], fx.alpha, HR, 3}, {fx.apps["b1"], fx.beta, IC, 1}, {fx.apps["a5"], fx.alpha, OF, 0}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("overdue = %+v, want %+v", got, want)
		}
		if o := r.Overdue[0]; o.Name != "Candidate a2" || o.Email != "a2@example.com" || o.PositionTitle != "Alpha" ||
			o.CandidateID != fx.cands["a2"] || !o.ExpectedUpdateAt.Equal(*reportAt(2026, 11, 28, 17, 0)) {
			t.Errorf("first overdue row = %+v", o)
		}
		wantBy := []models.OverdueTally{{PositionID: fx.alpha, Title: "Alpha", Count: 2}, {PositionID: fx.beta, Title: "Beta", Count: 1}}
		if !reflect.DeepEqual(r.OverdueByPosition, wantBy) {
			t.Errorf("overdue by position = %+v, want %+v", r.OverdueByPosition, wantBy)
		}
	})
}

func checkReportStageTimes(t *testing.T, got, want []models.StageTime) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("stage times = %+v, want %d stages", got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Stage != w.Stage || g.Stays != w.Stays || !reportSameDays(g.MedianDays, w.MedianDays) {
			t.Errorf("stage %d: %s, %d stays, median %s; want %s, %d, %s", i, g.Stage, g.Stays, reportDaysText(g.MedianDays), w.Stage, w.Stays, reportDaysText(w.MedianDays))
		}
	}
}

func TestReportsForOnePosition(t *testing.T) {
	t.Parallel()
	fx := newReportFixture(t)
	ctx := context.Background()
	r, err := fx.store.Reports(ctx, reportAdmin, models.ReportFilter{PositionID: fx.alpha, OverdueLimit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Position == nil || r.Position.ID != fx.alpha || len(r.Positions) != 3 {
		t.Fatalf("position = %+v, positions %d", r.Position, len(r.Positions))
	}
	if len(r.Funnel) != 1 || r.Funnel[0].PositionID != fx.alpha {
		t.Errorf("funnel covers %+v, want Alpha only", r.Funnel)
	}
	// Alpha's own pipeline, in its order. IC: 1 2 2 3 4 → 2.
	checkReportStageTimes(t, r.StageTimes, []models.StageTime{
		{Stage: models.StageInterviewCompleted, Stays: 5, MedianDays: reportDays(2)},
		{Stage: models.StageHRRound, Stays: 2, MedianDays: reportDays(4.5)},
		{Stage: models.StageOffer, Stays: 2, MedianDays: reportDays(8)},
		{Stage: models.StageHired, Stays: 0},
	})
	if o := r.TimeToHireOverall; o.Hires != 2 || !reportSameDays(o.MedianDays, reportDays(14)) {
		t.Errorf("time to hire for Alpha = %d, %s; want 2, 14", o.Hires, reportDaysText(o.MedianDays))
	}
	if len(r.TimeToHire) != 1 || r.TimeToHire[0].PositionID != fx.alpha {
		t.Errorf("time to hire rows = %+v", r.TimeToHire)
	}
	if o := r.OffersOverall; o.Accepted != 2 || o.Declined != 1 || o.Awaiting != 1 {
		t.Errorf("offers for Alpha = %+v", o)
	}
	// The count is whole; the list stops at the limit.
	if r.OverdueCount != 2 || len(r.Overdue) != 1 || r.Overdue[0].ApplicationID != fx.apps["a2"] {
		t.Errorf("overdue for Alpha = %d, %+v; want 2 with a2 listed first and alone", r.OverdueCount, r.Overdue)
	}

	// Only what is asked for is computed.
	r, err = fx.store.Reports(ctx, reportAdmin, models.ReportFilter{Kinds: []models.ReportKind{models.ReportOverdue}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Funnel != nil || r.StageTimes != nil || r.Offers != nil || r.OverdueCount != 3 || !r.Has(models.ReportOverdue) || r.Has(models.ReportFunnel) {
		t.Errorf("overdue only: %+v", r)
	}

	if _, err := fx.store.Reports(ctx, reportAdmin, models.ReportFilter{PositionID: 999999}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown position: %v, want ErrNotFound", err)
	}
	for _, role := range []models.Role{models.RoleHiringManager, models.RoleInterviewer} {
		if _, err := fx.store.Reports(ctx, models.Actor{Kind: "staff", ID: 2, Role: role}, models.ReportFilter{}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("%s: %v, want ErrForbidden", role, err)
		}
	}
	if _, err := fx.store.Reports(ctx, models.Actor{Kind: "candidate", ID: 1}, models.ReportFilter{}); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("candidate: %v, want ErrForbidden", err)
	}
}

// Days overdue are calendar days where the organisation works.
func TestReportOverdueDaysInTheOrganisationsTimeZone(t *testing.T) {
	t.Parallel()
	fx := newReportFixture(t)
	dsn, _ := storeDSN.Load(fx.store)
	// Tokyo (UTC+9, no summer time): now is 1 Dec 18:00; a2's promise was
	// 29 Nov 02:00 (2 days), b1's 1 Dec 08:30 and a5's 1 Dec 17:00 (0 days).
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	store, err := models.Open(context.Background(), dsn.(string), models.Config{Clock: fx.clock, MaxConns: 2, BaseURL: "http://x", Location: tokyo, Links: views.Paths{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	r, err := store.Reports(context.Background(), reportAdmin, models.ReportFilter{Kinds: []models.ReportKind{models.ReportOverdue}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]int64{}
	for _, o := range r.Overdue {
		got[o.ApplicationID] = o.DaysOverdue
	}
	want := map[int64]int64{fx.apps["a2"]: 2, fx.apps["b1"]: 0, fx.apps["a5"]: 0}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("days overdue in Tokyo = %v, want %v", got, want)
	}
}

func TestReportKindsAndCSVRecords(t *testing.T) {
	t.Parallel()
	for _, k := range models.ReportKinds() {
		if got, err := models.ParseReportKind(string(k)); err != nil || got != k {
			t.Errorf("ParseReportKind(%q) = %q, %v", k, got, err)
		}
	}
	for _, bad := range []string{"", "Funnel", "audit", "../funnel"} {
		if _, err := models.ParseReportKind(bad); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("ParseReportKind(%q): %v, want ErrNotFound", bad, err)
		}
	}

	fx := newReportFixture(t)
	ctx := context.Background()
	fx.exec(t, `UPDATE positions SET title = '=HYPERLINK("http://evil.example","x")' WHERE id = ?`, fx.gamma)
	fx.exec(t, `UPDATE candidates SET name = '@SUM(1+1)', email = '+a2@example.com' WHERE id = ?`, fx.cands["a2"])
	r, err := fx.store.Reports(ctx, reportAdmin, models.ReportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	const evil = `'=HYPERLINK("http://evil.example","x")` // Gamma's title, made harmless
	want := map[models.ReportKind][][]string{
		models.ReportFunnel: {
			{"position", "position_status", "stage_number", "stage", "reached", "in_stage_now"},
			{"Alpha", "open", "1", "Interview completed", "6", "0"},
			{"Alpha", "open", "2", "HR round", "5", "2"},
			{"Alpha", "open", "3", "Offer", "3", "1"},
			{"Alpha", "open", "4", "Hired", "2", "2"},
			{"Beta", "open", "1", "Interview completed", "2", "2"},
			{"Beta", "open", "2", "Final decision", "1", "0"},
			{evil, "closed", "1", "Interview completed", "2", "0"},
			{evil, "closed", "2", "Hired", "2", "2"},
		},
		models.ReportStageTimes: {
			{"positions", "stage", "completed_stays", "median_days"},
			{"All positions", "Interview completed", "8", "2.50"},
			{"All positions", "HR round", "2", "4.50"},
			{"All positions", "Final decision", "1", "1.00"},
			{"All positions", "Offer", "2", "8.00"},
			{"All positions", "Hired", "0", ""},
		},
		models.ReportTimeToHire: {
			{"position", "hires", "median_days_to_hire"},
			{"Alpha", "2", "14.00"},
			{"Beta", "0", ""},
			{evil, "2", "5.50"},
			{"All positions", "4", "8.50"},
		},
		models.ReportOfferAcceptance: {
			{"position", "accepted", "declined", "awaiting_answer", "acceptance_rate_percent"},
			{"Alpha", "2", "1", "1", "66.7"},
			{"Beta", "0", "1", "0", "0.0"},
			{evil, "0", "0", "0", ""},
			{"All positions", "2", "2", "1", "50.0"},
		},
		models.ReportOverdue: {
			{"candidate", "email", "position", "stage", "promised_update", "days_overdue"},
			{"'@SUM(1+1)", "'+a2@example.com", "Alpha", "HR round", "2026-11-28 17:00", "3"},
			{"Candidate b1", "b1@example.com", "Beta", "Interview completed", "2026-11-30 23:30", "1"},
			{"Candidate a5", "a5@example.com", "Alpha", "Offer", "2026-12-01 08:00", "0"},
		},
	}
	for _, k := range models.ReportKinds() {
		got, err := r.CSVRecords(k, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want[k]) {
			t.Errorf("%s CSV =\n%q\nwant\n%q", k, got, want[k])
		}
	}
	only, err := fx.store.Reports(ctx, reportAdmin, models.ReportFilter{Kinds: []models.ReportKind{models.ReportOverdue}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := only.CSVRecords(models.ReportFunnel, time.UTC); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("CSV of a report not computed: %v, want ErrNotFound", err)
	}

	rec := models.CandidateCSVRecord(models.CandidateRow{Name: "=HYPERLINK(\"http://evil.example\")", Email: "-x@example.com", PositionTitle: "\tTab",
		Stage: models.StageHRRound, Status: models.StatusOnHold, StageEnteredAt: reportT0}, time.UTC)
	wantRec := []string{"'=HYPERLINK(\"http://evil.example\")", "'-x@example.com", "'\tTab", "HR round", "On hold", "2026-11-01 09:00", ""}
	if !reflect.DeepEqual(rec, wantRec) {
		t.Errorf("candidate record = %q, want %q", rec, wantRec)
	}
}

// The candidate export reads the whole filtered list by keyset, a batch a
// statement, every application once and in the list's order.
func TestReportCandidateExportPagesByKeyset(t *testing.T) {
	t.Parallel()
	fx := newReportFixture(t)
	ctx := context.Background()
	const extra = 2*models.CandidateExportBatch + 50 - 10 // with the fixture's 10: two full batches and 50
	fx.exec(t, `INSERT INTO candidates (name, email) SELECT 'Bulk ' || lpad(i::text, 5, '0'), 'bulk' || i || '@example.com' FROM generate_series(1, ?) i`, extra)
	fx.exec(t, `INSERT INTO applications (candidate_id, position_id, stage, status, created_at)
		SELECT id, ?, 'interview_completed', 'active', ? FROM candidates WHERE email LIKE 'bulk%'`, fx.beta, reportT0)

	var names []string
	calls := 0
	before := fx.store.Statements()
	err := fx.store.ExportCandidates(ctx, reportAdmin, models.CandidateFilter{Sort: "name"}, func(rows []models.CandidateRow) error {
		calls++
		for _, r := range rows {
			names = append(names, r.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total := extra + 10; len(names) != total {
		t.Fatalf("exported %d applications, want %d", len(names), total)
	}
	if calls != 3 || fx.store.Statements()-before != 3 {
		t.Errorf("%d batches in %d statements, want 3 and 3", calls, fx.store.Statements()-before)
	}
	seen := map[string]bool{}
	for i, n := range names {
		if seen[n] {
			t.Fatalf("%q exported twice", n)
		}
		seen[n] = true
		if i > 0 && names[i-1] > n {
			t.Fatalf("not in name order at %d: %q before %q", i, names[i-1], n)
		}
	}

	// Filters as on the list: one position, one status, a search.
	var got []string
	collect := func(rows []models.CandidateRow) error {
		for _, r := range rows {
			got = append(got, r.Name)
		}
		return nil
	}
	if err := fx.store.ExportCandidates(ctx, reportAdmin, models.CandidateFilter{PositionID: fx.alpha, Status: models.StatusActive, Sort: "-name"}, collect); err != nil {
		t.Fatal(err)
	}
	if want := []string{"Candidate a5", "Candidate a2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("active in Alpha = %q, want %q", got, want)
	}
	got = nil
	calls = 0
	if err := fx.store.ExportCandidates(ctx, reportAdmin, models.CandidateFilter{Query: "nobody-is-called-this"}, func(rows []models.CandidateRow) error {
		calls++
		return collect(rows)
	}); err != nil {
		t.Fatal(err)
	}
	if calls != 1 || len(got) != 0 {
		t.Errorf("no match: %d calls, %d rows; want one call with no rows (for the header)", calls, len(got))
	}
	if err := fx.store.ExportCandidates(ctx, models.Actor{Kind: "staff", ID: 2, Role: models.RoleInterviewer}, models.CandidateFilter{}, collect); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("interviewer: %v, want ErrForbidden", err)
	}
}
