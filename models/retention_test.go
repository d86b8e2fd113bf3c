package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// retentionFixture is the demo with helpers to move its clock to a date and
// read what the retention job did to one candidate.
type retentionFixture struct {
	demo
	ctx context.Context
}

func newRetention(t *testing.T) retentionFixture {
	t.Helper()
	return retentionFixture{newDemo(t), context.Background()}
}

// at moves the clock to t (forwards only).
func (f retentionFixture) at(t *testing.T, when time.Time) {
	t.Helper()
	if d := when.Sub(f.clock.Now()); d < 0 {
		t.Fatalf("the clock cannot go back to %s", when)
	} else {
		f.clock.Advance(d)
	}
}

// run runs the job once.
func (f retentionFixture) run(t *testing.T) int {
	t.Helper()
	n, err := f.store.ApplyRetention(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// candidateOf is the candidate id of the demo candidate with email.
func (f retentionFixture) candidateOf(t *testing.T, email string) int64 {
	t.Helper()
	return f.application(t, email).CandidateID
}

// notices counts the retention notices sent to the candidate.
func (f retentionFixture) notices(t *testing.T, candidateID int64) int64 {
	t.Helper()
	var n int64
	mustDB(t, f.store.DB().Raw("SELECT count(*) FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgRetentionNotice, candidateID).Scan(&n))
	return n
}

// erased says whether the candidate was anonymised.
func (f retentionFixture) erased(t *testing.T, candidateID int64) bool {
	t.Helper()
	var c struct {
		Name     string
		ErasedAt *time.Time
	}
	mustDB(t, f.store.DB().Raw("SELECT name, erased_at FROM candidates WHERE id = ?", candidateID).Scan(&c))
	if (c.ErasedAt != nil) != strings.HasPrefix(c.Name, "Erased candidate #") {
		t.Fatalf("candidate %d: name %q, erased at %v", candidateID, c.Name, c.ErasedAt)
	}
	return c.ErasedAt != nil
}

func (f retentionFixture) reject(t *testing.T, email string) models.Application {
	t.Helper()
	app := f.application(t, email)
	if err := f.store.ChangeStatus(f.ctx, staffActor(f.recruiter), app.ID, models.StatusRejected, "Not this time"); err != nil {
		t.Fatal(err)
	}
	return app
}

// A candidate rejected 11 months ago gets the notice, once however often
// the job runs; 12 months and a day after the rejection (the notice 30 days
// and more before) the job anonymises them, and never before.
func TestRetentionNoticeOnceThenAnonymisation(t *testing.T) {
	t.Parallel()
	f := newRetention(t)
	rejected := f.clock.Now()
	amelia := f.reject(t, "amelia.hart@example.com").CandidateID

	f.at(t, rejected.AddDate(0, 10, 0))
	f.run(t)
	if n := f.notices(t, amelia); n != 0 {
		t.Fatalf("after 10 months: %d notices, want none yet", n)
	}
	f.at(t, rejected.AddDate(0, 11, 0))
	f.run(t)
	f.run(t)
	if n := f.notices(t, amelia); n != 1 {
		t.Fatalf("after 11 months and two runs: %d notices, want 1", n)
	}
	var m models.OutboxMessage
	mustDB(t, f.store.DB().Where("kind = ? AND candidate_id = ?", models.MsgRetentionNotice, amelia).First(&m))
	due := rejected.AddDate(0, 12, 0).Format("Monday 2 January 2006")
	if !strings.Contains(m.Body, due) || !strings.Contains(m.Body, "http://x/me/account") || !strings.Contains(m.Body, "Keep my data") {
		t.Fatalf("the notice does not name the date %s, the account page and the button:\n%s", due, m.Body)
	}
	if f.erased(t, amelia) {
		t.Fatal("anonymised at the notice")
	}
	f.at(t, rejected.AddDate(0, 12, -1))
	f.run(t)
	if f.erased(t, amelia) {
		t.Fatal("anonymised a day before the due date")
	}
	f.at(t, rejected.AddDate(0, 12, 1))
	f.run(t)
	if !f.erased(t, amelia) {
		t.Fatal("not anonymised 12 months and a day after the rejection")
	}
	var audits int64
	mustDB(t, f.store.DB().Raw("SELECT count(*) FROM audit_log WHERE subject_type = 'candidate' AND subject_id = ? AND action = 'candidate.retention_notice_sent'", amelia).Scan(&audits))
	if audits != 1 || f.notices(t, amelia) != 1 || f.run(t) != 0 {
		t.Fatalf("%d notice audits, %d notices, or the next run acted again", audits, f.notices(t, amelia))
	}
}

// Nobody is anonymised unwarned: a candidate already past the period when
// first seen gets the notice, and is anonymised only 30 days later.
func TestRetentionNeverWithoutThirtyDaysNotice(t *testing.T) {
	t.Parallel()
	f := newRetention(t)
	rejected := f.clock.Now()
	amelia := f.reject(t, "amelia.hart@example.com").CandidateID
	f.at(t, rejected.AddDate(2, 0, 0))
	f.run(t)
	if f.erased(t, amelia) || f.notices(t, amelia) != 1 {
		t.Fatalf("two years on, first run: erased %v, %d notices; want the notice only", f.erased(t, amelia), f.notices(t, amelia))
	}
	f.at(t, rejected.AddDate(2, 0, 29))
	f.run(t)
	if f.erased(t, amelia) {
		t.Fatal("anonymised 29 days after the notice")
	}
	f.at(t, rejected.AddDate(2, 0, 30).Add(time.Minute))
	f.run(t)
	if !f.erased(t, amelia) {
		t.Fatal("not anonymised 30 days after the notice")
	}
}

// What blocks it: a rejection held until the position is filled, an
// application still open, a legal hold, an erasure request waiting for an
// admin. None of these candidates is told or anonymised.
func TestRetentionBlockers(t *testing.T) {
	t.Parallel()
	f := newRetention(t)
	recruiter := staffActor(f.recruiter)
	start := f.clock.Now()

	ben := f.application(t, "ben.okafor@example.com") // held rejection
	if err := f.store.RejectHeldUntilFilled(f.ctx, recruiter, ben.ID, "A stronger candidate is ahead"); err != nil {
		t.Fatal(err)
	}
	chloe := f.reject(t, "chloe.dubois@example.com") // rejected here, but open elsewhere
	var other int64
	mustDB(t, f.store.DB().Raw("SELECT id FROM positions WHERE id <> ? ORDER BY id LIMIT 1", chloe.PositionID).Scan(&other))
	open, err := f.store.AddApplication(f.ctx, recruiter, chloe.CandidateID, other)
	if err != nil {
		t.Fatal(err)
	}
	// A hire's signed contract is under legal hold (erasure's legalHoldReason); the
	// hire is also not closed as rejected or withdrawn, so two rules keep her.
	olivia := f.application(t, "olivia.brown@example.com")
	daniel := f.reject(t, "daniel.kim@example.com") // asked for erasure: an admin decides
	mustDB(t, f.store.DB().Exec("INSERT INTO erasure_requests (candidate_id, requested_at, status) VALUES (?, ?, 'requested')", daniel.CandidateID, start))
	amelia := f.reject(t, "amelia.hart@example.com") // nothing in the way: the control

	f.at(t, start.AddDate(0, 13, 0))
	f.run(t)
	f.at(t, start.AddDate(0, 14, 0))
	f.run(t)
	if !f.erased(t, amelia.CandidateID) {
		t.Fatal("the control candidate was not anonymised")
	}
	for name, id := range map[string]int64{"held rejection": ben.CandidateID, "open application": chloe.CandidateID,
		"legal hold (a hire)": olivia.CandidateID, "erasure request": daniel.CandidateID} {
		if f.erased(t, id) || f.notices(t, id) != 0 {
			t.Errorf("%s: erased %v, %d notices; want neither", name, f.erased(t, id), f.notices(t, id))
		}
	}

	// Closing the open application lets the rule apply (it was what blocked).
	if err := f.store.ChangeStatus(f.ctx, recruiter, open.ID, models.StatusWithdrawn, "No longer interested"); err != nil {
		t.Fatal(err)
	}
	f.at(t, start.AddDate(1, 14, 0))
	f.run(t)
	if f.notices(t, chloe.CandidateID) != 1 {
		t.Fatalf("once every application closed: %d notices, want 1", f.notices(t, chloe.CandidateID))
	}
}

// "Keep my data" restarts the timer: the notice no longer counts, the due
// date is the period from the press, and the next notice comes before it.
func TestRetentionKeepMyDataRestartsTheTimer(t *testing.T) {
	t.Parallel()
	f := newRetention(t)
	rejected := f.clock.Now()
	app := f.reject(t, "amelia.hart@example.com")
	amelia := models.Actor{Kind: "candidate", ID: app.CandidateID, Email: "amelia.hart@example.com"}

	mine, err := f.store.MyRetention(f.ctx, amelia)
	if err != nil || mine == nil || !mine.DueAt.Equal(rejected.AddDate(0, 12, 0)) || mine.NoticeAt != nil {
		t.Fatalf("her account page's retention: %+v, %v", mine, err)
	}
	f.at(t, rejected.AddDate(0, 11, 1))
	f.run(t)
	if f.notices(t, app.CandidateID) != 1 {
		t.Fatal("no notice")
	}
	f.at(t, rejected.AddDate(0, 11, 5))
	until, err := f.store.KeepMyData(f.ctx, amelia)
	if err != nil || !until.Equal(f.clock.Now().AddDate(0, 12, 0)) {
		t.Fatalf("keep: %v, %v", until, err)
	}
	if mine, err = f.store.MyRetention(f.ctx, amelia); err != nil || mine.NoticeAt != nil || mine.Reason() != models.LastActivityKept {
		t.Fatalf("after keeping: %+v, %v", mine, err)
	}
	var audits int64
	mustDB(t, f.store.DB().Raw("SELECT count(*) FROM audit_log WHERE action = 'candidate.retention_kept' AND subject_id = ?", app.CandidateID).Scan(&audits))
	if audits != 1 {
		t.Fatalf("%d audit entries for keeping", audits)
	}
	f.at(t, rejected.AddDate(0, 12, 2))
	f.run(t)
	if f.erased(t, app.CandidateID) || f.notices(t, app.CandidateID) != 1 {
		t.Fatal("anonymised or told again after asking to keep the data")
	}
	f.at(t, rejected.AddDate(0, 22, 10)) // 11 months after keeping
	f.run(t)
	if f.notices(t, app.CandidateID) != 2 {
		t.Fatalf("%d notices 11 months after keeping, want a second", f.notices(t, app.CandidateID))
	}
	_, err = f.store.KeepMyData(f.ctx, staffActor(f.admin))
	wantCode(t, err, models.CodeForbidden, "staff pressing keep")
}

// A sign-in is activity: the period runs from it.
func TestRetentionSignInIsActivity(t *testing.T) {
	t.Parallel()
	f := newRetention(t)
	rejected := f.clock.Now()
	app := f.reject(t, "amelia.hart@example.com")
	f.at(t, rejected.AddDate(0, 6, 0))
	link, err := f.store.IssueSignInLink(f.ctx, "amelia.hart@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.ConsumeSignInToken(f.ctx, link[strings.LastIndex(link, "/")+1:], models.Actor{}); err != nil {
		t.Fatal(err)
	}
	f.at(t, rejected.AddDate(0, 13, 0))
	f.run(t)
	if f.notices(t, app.CandidateID) != 0 {
		t.Fatal("told 7 months after signing in")
	}
	mine, err := f.store.MyRetention(f.ctx, models.Actor{Kind: "candidate", ID: app.CandidateID})
	if err != nil || mine.Reason() != models.LastActivitySignIn || !mine.DueAt.Equal(rejected.AddDate(0, 18, 0)) {
		t.Fatalf("after a sign-in: %+v, %v", mine, err)
	}
}

// Staff see who is due, when and why, soonest first, a page at a time;
// interviewers and hiring managers do not.
func TestRetentionDueListsWhoAndWhy(t *testing.T) {
	t.Parallel()
	f := newRetention(t)
	start := f.clock.Now()
	amelia := f.reject(t, "amelia.hart@example.com").CandidateID
	f.at(t, start.AddDate(0, 0, 10))
	chloe := f.reject(t, "chloe.dubois@example.com").CandidateID
	f.at(t, start.AddDate(0, 11, 0))
	f.run(t) // Amelia (and the demo's closed candidates) told; Chloe not yet
	f.at(t, start.AddDate(0, 12, -5))

	page, err := f.store.RetentionDue(f.ctx, staffActor(f.recruiter), time.Time{}, models.RetentionCursor{})
	if err != nil {
		t.Fatal(err)
	}
	at := map[int64]int{}
	for i, c := range page.Candidates {
		at[c.ID] = i
		if i > 0 && page.Candidates[i-1].DueAt.After(c.DueAt) {
			t.Fatalf("not soonest first: %v", page.Candidates)
		}
	}
	ia, okA := at[amelia]
	ic, okC := at[chloe]
	if !okA || !okC || ia > ic {
		t.Fatalf("Amelia (due first) and Chloe not both listed in order: %+v", page.Candidates)
	}
	a := page.Candidates[ia]
	if a.NoticeAt == nil || !a.DueAt.Equal(start.AddDate(0, 12, 0)) || !strings.Contains(a.Why(page.Period, time.UTC), "1 application rejected") {
		t.Fatalf("Amelia's row: %+v; %s", a, a.Why(page.Period, time.UTC))
	}
	if c := page.Candidates[ic]; c.NoticeAt != nil || !c.DueAt.Equal(f.clock.Now().Add(models.RetentionNoticePeriod)) {
		t.Fatalf("Chloe, not told yet, is due 30 days after a notice sent now: %+v", c)
	}
	if page.Next != nil {
		t.Fatalf("a next page with %d rows", len(page.Candidates))
	}
	_, err = f.store.RetentionDue(f.ctx, staffActor(f.manager), time.Time{}, models.RetentionCursor{})
	wantCode(t, err, models.CodeForbidden, "a hiring manager")
}

func TestParseRetention(t *testing.T) {
	for in, want := range map[string]models.RetentionPeriod{
		"12mo": {Months: 12}, "18mo": {Months: 18}, "365d": {Days: 365}, "8760h": {Exact: 8760 * time.Hour}, " 24mo ": {Months: 24},
	} {
		got, err := models.ParseRetention(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "12", "twelve months", "-12mo", "0d", "29d", "1h", "121mo", "12.5mo", "mo"} {
		if _, err := models.ParseRetention(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	jan31 := time.Date(2027, 1, 31, 10, 0, 0, 0, time.UTC)
	if got := (models.RetentionPeriod{Months: 1}).After(jan31); !got.Equal(time.Date(2027, 2, 28, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("a month after 31 January: %s (PostgreSQL says 28 February)", got)
	}
}

// Two processes running the job at once tell and anonymise each candidate
// once.
func TestRetentionConcurrentRunsActOnce(t *testing.T) {
	t.Parallel()
	f := newRetention(t)
	rejected := f.clock.Now()
	amelia := f.reject(t, "amelia.hart@example.com").CandidateID
	both := func() {
		done := make(chan error, 2)
		for range 2 {
			go func() { _, err := f.store.ApplyRetention(f.ctx); done <- err }()
		}
		for range 2 {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
	}
	f.at(t, rejected.AddDate(0, 11, 0))
	both()
	if n := f.notices(t, amelia); n != 1 {
		t.Fatalf("two runs at once sent %d notices", n)
	}
	f.at(t, rejected.AddDate(0, 12, 1))
	both()
	var audits int64
	mustDB(t, f.store.DB().Raw("SELECT count(*) FROM audit_log WHERE action = 'candidate.erased' AND subject_id = ?", amelia).Scan(&audits))
	if !f.erased(t, amelia) || audits != 1 {
		t.Fatalf("erased %v, %d erasure audits; want one", f.erased(t, amelia), audits)
	}
}

// A rejection put off by some days is not closed for retention until it has
// reached the candidate, and the timer runs from then.
func TestRetentionWaitsForAPutOffRejection(t *testing.T) {
	t.Parallel()
	f := newRetention(t)
	rejected := f.clock.Now()
	app := f.application(t, "amelia.hart@example.com")
	if err := f.store.Reject(f.ctx, staffActor(f.recruiter), app.ID, "Not this time", models.Rejection{InDays: 10}); err != nil {
		t.Fatal(err)
	}
	amelia := models.Actor{Kind: "candidate", ID: app.CandidateID}
	f.at(t, rejected.AddDate(0, 0, 5))
	if mine, err := f.store.MyRetention(f.ctx, amelia); err != nil || mine != nil {
		t.Fatalf("while the rejection is put off: %+v, %v; want the rule not to apply", mine, err)
	}
	f.at(t, rejected.AddDate(0, 0, 11))
	mine, err := f.store.MyRetention(f.ctx, amelia)
	if err != nil || mine == nil || !mine.DueAt.Equal(rejected.AddDate(0, 12, 10)) {
		t.Fatalf("once told: %+v, %v; want due 12 months after the rejection reached her", mine, err)
	}
}
