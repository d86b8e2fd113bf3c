package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// warehouse is the demo's Warehouse Operations Lead: decision time 4
// business days, Kemi at the assessment day, Liam at reference checks, Maya
// at the medical.
const warehouse = "Warehouse Operations Lead"

// positionInputOf is the position form as the edit page fills it for the
// position titled title, with the stage times given (as typed).
func positionInputOf(t *testing.T, d demo, title string, times map[models.StageKey]string) (int64, models.PositionInput) {
	t.Helper()
	var id int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM positions WHERE title = ?", title).Scan(&id))
	p, err := d.store.GetPosition(context.Background(), staffActor(d.recruiter), id)
	must(t, err)
	in := models.PositionInput{Title: p.Title, Department: p.Department, Location: p.Location, Headcount: p.Headcount,
		DecisionSLADays: p.DecisionSLADays, RequiresDecisionApproval: p.RequiresDecisionApproval, Pipeline: p.Pipeline, StageTimes: times}
	if p.HiringManagerID != nil {
		in.HiringManagerID = *p.HiringManagerID
	}
	for _, c := range p.Criteria {
		in.Criteria += c.Name + "\n"
	}
	return id, in
}

// setStageTimes saves the stage times through the position form (the pipeline editor).
func setStageTimes(t *testing.T, d demo, title string, times map[models.StageKey]string) int64 {
	t.Helper()
	id, in := positionInputOf(t, d, title, times)
	must(t, d.store.UpdatePosition(context.Background(), staffActor(d.recruiter), id, in))
	return id
}

// promised is the application's promised date, read back from the database.
func promised(t *testing.T, d demo, appID int64) time.Time {
	t.Helper()
	var at *time.Time
	mustDB(t, d.store.DB().Raw("SELECT expected_update_at FROM applications WHERE id = ?", appID).Scan(&at))
	if at == nil {
		t.Fatalf("application %d has no promised date", appID)
	}
	return *at
}

// A stage with its own time promises that many business days from the
// move; a stage left blank promises the position's decision time. The same
// holds when an application is opened at a stage and when it is reactivated.
func TestStageTimeDatesEveryPromise(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	actor := staffActor(d.recruiter)
	posID := setStageTimes(t, d, warehouse, map[models.StageKey]string{
		models.StageMedical: "9", models.StageHRRound: " 2 ", models.StageInterviewCompleted: "3", models.StageReferenceChecks: ""})
	var stored []struct {
		Stage   string
		SLADays *int
	}
	mustDB(t, d.store.DB().Raw("SELECT stage, sla_days FROM position_stages WHERE position_id = ? ORDER BY sort_order", posID).Scan(&stored))
	want := map[string]int{string(models.StageMedical): 9, "hr_round": 2, "interview_completed": 3}
	for _, r := range stored {
		if w, ok := want[r.Stage]; ok != (r.SLADays != nil) || (ok && *r.SLADays != w) {
			t.Errorf("stored time of %s: %v, want %v", r.Stage, r.SLADays, w)
		}
	}
	at := func(n int) time.Time { return models.AddBusinessDays(d.clock.Now(), n, time.UTC) }

	liam := d.application(t, "liam.obrien@example.com") // reference checks → medical (9)
	must(t, d.store.MoveStage(ctx, actor, liam.ID, models.MoveRequest{To: models.StageMedical}))
	if got := promised(t, d, liam.ID); !got.Equal(at(9)) {
		t.Errorf("moved to a stage of 9 days: promised %v, want %v", got, at(9))
	}
	d.clock.Advance(26 * time.Hour)
	kemi := d.application(t, "kemi.adeyemi@example.com") // assessment day → HR round (2) → reference checks (blank: 4)
	must(t, d.store.MoveStage(ctx, actor, kemi.ID, models.MoveRequest{To: models.StageHRRound}))
	if got := promised(t, d, kemi.ID); !got.Equal(at(2)) {
		t.Errorf("moved to a stage of 2 days: promised %v, want %v", got, at(2))
	}
	must(t, d.store.MoveStage(ctx, actor, kemi.ID, models.MoveRequest{To: models.StageReferenceChecks}))
	if got := promised(t, d, kemi.ID); !got.Equal(at(4)) {
		t.Errorf("moved to a stage without its own time: promised %v, want the decision time's %v", got, at(4))
	}
	maya := d.application(t, "maya.patel@example.com") // at the medical (9): held, then reactivated
	must(t, d.store.ChangeStatus(ctx, actor, maya.ID, models.StatusOnHold, ""))
	d.clock.Advance(26 * time.Hour)
	must(t, d.store.ChangeStatus(ctx, actor, maya.ID, models.StatusActive, ""))
	if got := promised(t, d, maya.ID); !got.Equal(at(9)) {
		t.Errorf("reactivated at a stage of 9 days: promised %v, want %v", got, at(9))
	}
	var amelia models.Candidate // added at the first stage (3)
	mustDB(t, d.store.DB().Where("email = ?", "amelia.hart@example.com").First(&amelia))
	added, err := d.store.AddApplication(ctx, actor, amelia.ID, posID)
	must(t, err)
	if got := promised(t, d, added.ID); !got.Equal(at(3)) {
		t.Errorf("added at a stage of 3 days: promised %v, want %v", got, at(3))
	}
	var audited int64
	mustDB(t, d.store.DB().Raw(`SELECT count(*) FROM audit_log WHERE action = 'position.updated' AND subject_id = ?
		AND details->'stage_times'->>'pre_employment_medical' = '9' AND details->'stage_times'->>'hr_round' = '2'`, posID).Scan(&audited))
	if audited != 1 {
		t.Errorf("%d position.updated audit entries with the stage times, want 1", audited)
	}
}

// The promise keeper names a new date from the stage's own time.
func TestKeepPromisesExtendsByTheStageTime(t *testing.T) {
	t.Parallel()
	c := newPromiseCase(t) // Liam, at reference checks
	setStageTimes(t, c.d, warehouse, map[models.StageKey]string{models.StageReferenceChecks: "7"})
	app := c.pastPromise(t)
	want := models.AddBusinessDays(c.d.clock.Now(), 7, time.UTC)
	if app.ExpectedUpdateAt == nil || !app.ExpectedUpdateAt.Equal(want) || app.PromiseExtensions != 1 {
		t.Fatalf("after the keeper: date %v (want %v, the stage's 7 days), %d extensions", app.ExpectedUpdateAt, want, app.PromiseExtensions)
	}
	var body string
	mustDB(t, c.d.store.DB().Raw("SELECT body FROM outbox_messages WHERE kind = ? AND candidate_id = ? ORDER BY id DESC LIMIT 1",
		models.MsgPromiseUpdate, app.CandidateID).Scan(&body))
	if s := "We will be in touch by " + want.Format("Monday 2 January 2006"); !strings.Contains(body, s) {
		t.Errorf("the update does not say %q:\n%s", s, body)
	}
}

// A stage time of 0, 61 or a word is refused at its field with the reason,
// and nothing of the form is saved; the database refuses such a time too.
func TestStageTimeRefused(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	posID := setStageTimes(t, d, warehouse, map[models.StageKey]string{models.StageMedical: "9"})
	snapshot := func() string {
		var s string
		mustDB(t, d.store.DB().Raw(`SELECT p.title || '|' || string_agg(ps.stage || '=' || coalesce(ps.sla_days::text, '-'), ',' ORDER BY ps.sort_order)
			|| '|' || (SELECT count(*) FROM audit_log)
			FROM positions p JOIN position_stages ps ON ps.position_id = p.id WHERE p.id = ? GROUP BY p.id`, posID).Scan(&s))
		return s
	}
	before := snapshot()
	for _, bad := range []string{"0", "61", "abc", "-3", "4.5"} {
		_, in := positionInputOf(t, d, warehouse, map[models.StageKey]string{models.StageMedical: "5", models.StageHRRound: bad})
		in.Title = "Warehouse Operations Lead (renamed)"
		err := d.store.UpdatePosition(ctx, staffActor(d.recruiter), posID, in)
		msg := models.FieldErrors(err)[models.StageTimeField(models.StageHRRound)]
		if want := "The time to update the candidate at HR round must be a whole number of business days from 1 to 60, or blank for the position's decision time."; msg != want {
			t.Errorf("%q: refusal %q (err %v), want %q", bad, msg, err, want)
		}
		if after := snapshot(); after != before {
			t.Errorf("%q: something was saved:\n before %s\n after  %s", bad, before, after)
		}
	}
	// The CHECK is the backstop.
	for _, bad := range []int{0, 61} {
		err := d.store.DB().Exec("UPDATE position_stages SET sla_days = ? WHERE position_id = ? AND stage = ?", bad, posID, models.StageMedical).Error
		if err == nil || !strings.Contains(err.Error(), "position_stages_sla_days_range") {
			t.Errorf("sla_days = %d: %v, want the range CHECK's refusal", bad, err)
		}
	}
}
