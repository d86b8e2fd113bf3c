package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"nextstep/models"
)

type demo struct {
	store     *models.Store
	clock     *fakeClock
	admin     *models.StaffUser
	recruiter *models.StaffUser
	manager   *models.StaffUser
}

func newDemo(t *testing.T) demo {
	t.Helper()
	store, clock := newDemoStore(t)
	ctx := context.Background()
	get := func(email string) *models.StaffUser {
		u, err := store.StaffByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	return demo{store, clock, get("admin@demo.nextstep.test"), get("recruiter@demo.nextstep.test"), get("manager@demo.nextstep.test")}
}

func (d demo) application(t *testing.T, email string) models.Application {
	t.Helper()
	var a models.Application
	if err := d.store.DB().Joins("JOIN candidates c ON c.id = applications.candidate_id").Where("c.email = ?", email).First(&a).Error; err != nil {
		t.Fatal(err)
	}
	return a
}

func count(t *testing.T, s *models.Store, table string) int64 {
	t.Helper()
	var n int64
	if err := s.DB().Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMoveStageWritesEventAuditAndMessageTogether(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	app := d.application(t, "ben.okafor@example.com") // sales, assessment_day, SLA 3 days
	before := map[string]int64{}
	for _, tbl := range []string{"stage_events", "audit_log", "outbox_messages"} {
		before[tbl] = count(t, d.store, tbl)
	}
	if err := d.store.MoveStage(ctx, staffActor(d.recruiter), app.ID, models.MoveRequest{To: models.StageCommercialNegotiation, Note: "Strong day", ConfirmSkip: true}); err != nil {
		t.Fatal(err)
	}
	for tbl, n := range before {
		if got := count(t, d.store, tbl); got != n+1 {
			t.Errorf("%s: %d rows, want %d", tbl, got, n+1)
		}
	}
	after := d.application(t, "ben.okafor@example.com")
	if after.Stage != models.StageCommercialNegotiation || !after.StageEnteredAt.Equal(d.clock.Now()) {
		t.Fatalf("application after move: %+v", after)
	}
	// Tuesday 1 December + 3 business days = Friday 4 December, end of day.
	if want := time.Date(2026, 12, 4, 17, 0, 0, 0, time.UTC); after.ExpectedUpdateAt == nil || !after.ExpectedUpdateAt.Equal(want) {
		t.Fatalf("expected update at %v, want %v", after.ExpectedUpdateAt, want)
	}
}

func TestInvalidMoveChangesNothing(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	app := d.application(t, "chloe.dubois@example.com") // commercial_negotiation
	events, audits := count(t, d.store, "stage_events"), count(t, d.store, "audit_log")
	err := d.store.MoveStage(ctx, staffActor(d.recruiter), app.ID, models.MoveRequest{To: models.StageInterviewCompleted, Note: "not needed here", ConfirmSkip: true})
	if models.FieldErrors(err)["to_stage"] == "" {
		t.Fatalf("err = %v, want a to_stage validation error", err)
	}
	if got := d.application(t, "chloe.dubois@example.com"); got.Stage != app.Stage || !got.UpdatedAt.Equal(app.UpdatedAt) {
		t.Fatalf("application changed: %+v", got)
	}
	if count(t, d.store, "stage_events") != events || count(t, d.store, "audit_log") != audits {
		t.Fatal("an event or audit row was written for a refused move")
	}
}

func TestDatabaseRefusesStageOutsidePipeline(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	app := d.application(t, "ben.okafor@example.com") // sales pipeline has no background check
	err := d.store.DB().Transaction(func(tx *gorm.DB) error {
		mustDB(t, tx.Exec("SELECT set_config('nextstep.writer', 'transition', true)"))
		return tx.Exec("UPDATE applications SET stage = 'background_check' WHERE id = ?", app.ID).Error
	})
	if err == nil || !strings.Contains(err.Error(), "applications_position_id_stage_fkey") {
		t.Fatalf("database accepted a stage outside the position's pipeline (or refused it for another reason): %v", err)
	}
}

// TestDatabaseRefusesDirectStageWrites: only the store's one writer (which
// marks its write) may change an application's stage or status.
func TestDatabaseRefusesDirectStageWrites(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	app := d.application(t, "ben.okafor@example.com")
	for _, stmt := range []string{
		"UPDATE applications SET stage = 'hr_round' WHERE id = ?",
		"UPDATE applications SET status = 'rejected', outcome_reason = 'x' WHERE id = ?",
	} {
		err := d.store.DB().Exec(stmt, app.ID).Error
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "P0001" {
			t.Fatalf("%s: want the guard's refusal (P0001), got %v", stmt, err)
		}
	}
	// The mark is spent by one write: a second direct write in the same transaction is refused.
	err := d.store.DB().Transaction(func(tx *gorm.DB) error {
		mustDB(t, tx.Exec("SELECT set_config('nextstep.writer', 'transition', true)"))
		if err := tx.Exec("UPDATE applications SET stage = 'hr_round' WHERE id = ?", app.ID).Error; err != nil {
			return fmt.Errorf("marked write refused: %w", err)
		}
		return tx.Exec("UPDATE applications SET stage = 'reference_checks' WHERE id = ?", app.ID).Error
	})
	if err == nil || !strings.Contains(err.Error(), "guarded writer") {
		t.Fatalf("second unmarked write in the same transaction: %v", err)
	}
	// Other columns stay writable (e.g. the promised date), and Hired goes with hired.
	if err := d.store.DB().Exec("UPDATE applications SET expected_update_note = 'x' WHERE id = ?", app.ID).Error; err != nil {
		t.Fatalf("a write that leaves stage and status alone: %v", err)
	}
	err = d.store.DB().Transaction(func(tx *gorm.DB) error {
		mustDB(t, tx.Exec("SELECT set_config('nextstep.writer', 'transition', true)"))
		return tx.Exec("UPDATE applications SET stage = 'hired' WHERE id = ?", app.ID).Error
	})
	if err == nil || !strings.Contains(err.Error(), "applications_hired_stage_is_status") {
		t.Fatalf("stage hired with status active: %v", err)
	}
}

func TestRejectNeedsReasonAndNotifies(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	app := d.application(t, "amelia.hart@example.com")
	if err := d.store.ChangeStatus(ctx, staffActor(d.recruiter), app.ID, models.StatusRejected, ""); models.FieldErrors(err)["reason"] == "" {
		t.Fatalf("reject without reason: %v", err)
	}
	msgs := count(t, d.store, "outbox_messages")
	if err := d.store.ChangeStatus(ctx, staffActor(d.recruiter), app.ID, models.StatusRejected, "Position needs more enterprise experience"); err != nil {
		t.Fatal(err)
	}
	if got := d.application(t, "amelia.hart@example.com"); got.Status != models.StatusRejected || got.ExpectedUpdateAt != nil {
		t.Fatalf("after reject: %+v", got)
	}
	if count(t, d.store, "outbox_messages") != msgs+1 {
		t.Fatal("no rejection message queued")
	}
	// Reactivation restores a promised date.
	if err := d.store.ChangeStatus(ctx, staffActor(d.recruiter), app.ID, models.StatusActive, ""); err != nil {
		t.Fatal(err)
	}
	if got := d.application(t, "amelia.hart@example.com"); got.Status != models.StatusActive || got.ExpectedUpdateAt == nil {
		t.Fatalf("after reactivate: %+v", got)
	}
}

func TestHiringManagerSeesOnlyOwnPositions(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	mine, err := d.store.ListCandidates(ctx, staffActor(d.manager), models.CandidateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := d.store.ListCandidates(ctx, staffActor(d.recruiter), models.CandidateFilter{})
	if mine.Count == 0 || mine.Count >= all.Count || len(all.Rows) == 0 {
		t.Fatalf("manager sees %d of %d", mine.Count, all.Count)
	}
	for _, r := range mine.Rows {
		if strings.Contains(r.PositionTitle, "Engineer") {
			t.Fatalf("manager sees engineering candidate %s", r.Name)
		}
	}
	eng := d.application(t, "farid.haddad@example.com")
	if _, err := d.store.GetCandidateDetail(ctx, staffActor(d.manager), eng.CandidateID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("manager opening engineering candidate: %v, want ErrNotFound", err)
	}
	if err := d.store.MoveStage(ctx, staffActor(d.manager), eng.ID, models.MoveRequest{To: models.StageHRRound, Note: "not needed here", ConfirmSkip: true}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("manager moving engineering candidate: %v, want ErrNotFound", err)
	}
	interviewer := models.Actor{Kind: "staff", ID: 999, Role: models.RoleInterviewer}
	if _, err := d.store.ListCandidates(ctx, interviewer, models.CandidateFilter{}); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("interviewer listing candidates: %v", err)
	}
}

func TestCandidateListFiltersSortAndPaging(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	a := staffActor(d.recruiter)
	list := func(f models.CandidateFilter) *models.CandidatePage {
		t.Helper()
		p, err := d.store.ListCandidates(ctx, a, f)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := list(models.CandidateFilter{Stage: models.StageAssessmentDay}); p.Count != 2 || len(p.Rows) != 2 {
		t.Fatalf("assessment day filter: %d rows, count %d", len(p.Rows), p.Count)
	}
	if p := list(models.CandidateFilter{Query: "OKAF"}); len(p.Rows) != 1 || p.Rows[0].Name != "Ben Okafor" {
		t.Fatalf("search: %+v", p.Rows)
	}
	if p := list(models.CandidateFilter{Query: "ben.okafor@EXAMPLE"}); len(p.Rows) != 1 {
		t.Fatalf("search by email: %+v", p.Rows)
	}
	found := false
	for _, r := range list(models.CandidateFilter{Query: "OK"}).Rows { // shorter than a trigram
		found = found || r.Name == "Ben Okafor"
	}
	if !found {
		t.Fatal("a two-letter search did not find Ben Okafor")
	}
	if p := list(models.CandidateFilter{Query: "%"}); len(p.Rows) != 0 {
		t.Fatalf("a literal %% matched %d rows", len(p.Rows))
	}
	rows := list(models.CandidateFilter{Sort: "name"}).Rows
	for i := 1; i < len(rows); i++ {
		if strings.ToLower(rows[i-1].Name) > strings.ToLower(rows[i].Name) {
			t.Fatalf("not sorted by name: %s before %s", rows[i-1].Name, rows[i].Name)
		}
	}
	if p := list(models.CandidateFilter{Status: models.StatusRejected}); p.Count != 1 {
		t.Fatalf("rejected filter count %d", p.Count)
	}
	if p := list(models.CandidateFilter{}); p.Count != 17 || p.Next != "" || p.Prev != "" { // 17 demo applications fit on page 1
		t.Fatalf("one page: count %d, next %q, prev %q", p.Count, p.Next, p.Prev)
	}
	// A renamed candidate sorts by the new name at once (the sort key follows).
	ben := d.application(t, "ben.okafor@example.com")
	if err := d.store.DB().Exec("UPDATE candidates SET name = 'Aaron Aardvark' WHERE id = ?", ben.CandidateID).Error; err != nil {
		t.Fatal(err)
	}
	if first := list(models.CandidateFilter{Sort: "name"}).Rows[0]; first.Name != "Aaron Aardvark" {
		t.Fatalf("after the rename the first by name is %s", first.Name)
	}
	if p := list(models.CandidateFilter{Query: "aardvark"}); len(p.Rows) != 1 {
		t.Fatalf("search after rename: %d rows", len(p.Rows))
	}
}

// Keyset paging walks every row exactly once, forwards and back, in every sort.
func TestCandidateListKeysetPaging(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	a := staffActor(d.recruiter)
	var posID int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM positions WHERE title = 'Account Executive'").Scan(&posID))
	// 70 more applications, many sharing a sort value, so ties are broken by id.
	if err := d.store.DB().Exec(`WITH c AS (INSERT INTO candidates (email, name)
			SELECT 'pager' || g || '@example.com', 'Pager ' || (g % 7) FROM generate_series(1, 70) g RETURNING id)
		INSERT INTO applications (candidate_id, position_id, stage, status, stage_entered_at, expected_update_at)
		SELECT id, ?, 'hr_round', 'active', '2026-11-20 09:00+00', CASE WHEN id % 3 = 0 THEN NULL ELSE '2026-12-09 09:00+00'::timestamptz END FROM c`, posID).Error; err != nil {
		t.Fatal(err)
	}
	for _, sort := range []string{"", "name", "-name", "stage", "-stage", "updated", "-updated", "expected", "-expected", "position", "-position"} {
		seen := map[int64]bool{}
		var order []int64
		f := models.CandidateFilter{Sort: sort}
		var last *models.CandidatePage
		for pages := 0; ; pages++ {
			p, err := d.store.ListCandidates(ctx, a, f)
			if err != nil {
				t.Fatalf("sort %q: %v", sort, err)
			}
			for _, r := range p.Rows {
				if seen[r.ApplicationID] {
					t.Fatalf("sort %q: application %d on two pages", sort, r.ApplicationID)
				}
				seen[r.ApplicationID] = true
				order = append(order, r.ApplicationID)
			}
			last = p
			if p.Next == "" || pages > 10 {
				break
			}
			f.After = p.Next
		}
		if len(seen) != 87 || last.Count != 87 {
			t.Fatalf("sort %q: walked %d applications (count %d), want 87", sort, len(seen), last.Count)
		}
		// And back from the last page to the first, in the same order.
		var back []int64
		f = models.CandidateFilter{Sort: sort, Before: last.Prev}
		for last.Prev != "" {
			p, err := d.store.ListCandidates(ctx, a, f)
			if err != nil {
				t.Fatal(err)
			}
			for i := len(p.Rows) - 1; i >= 0; i-- {
				back = append(back, p.Rows[i].ApplicationID)
			}
			if p.Prev == "" {
				break
			}
			f.Before = p.Prev
		}
		// back holds every page before the last, newest first.
		if want := len(order) - len(last.Rows); len(back) != want {
			t.Fatalf("sort %q: walking back saw %d applications, want %d", sort, len(back), want)
		}
		for i, id := range back {
			if order[len(order)-len(last.Rows)-1-i] != id {
				t.Fatalf("sort %q: walking back gave a different order at %d", sort, i)
			}
		}
	}
	if _, err := d.store.ListCandidates(ctx, a, models.CandidateFilter{After: "not-a-cursor!"}); err != nil {
		t.Fatalf("a garbled cursor must give the first page, not an error: %v", err)
	}
}

func TestCreateCandidateIsAllOrNothing(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	var posID int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM positions WHERE title = 'Account Executive'").Scan(&posID))
	before := count(t, d.store, "candidates")
	_, err := d.store.CreateCandidate(ctx, staffActor(d.recruiter), models.CandidateInput{Name: "Zoe", Email: "BEN.okafor@example.com", PositionID: posID})
	if models.FieldErrors(err)["email"] == "" {
		t.Fatalf("duplicate email: %v", err)
	}
	_, err = d.store.CreateCandidate(ctx, staffActor(d.recruiter), models.CandidateInput{Name: "Zoe", Email: "zoe@example.com", PositionID: posID, Stage: models.StageBackgroundCheck})
	if models.FieldErrors(err)["stage"] == "" {
		t.Fatalf("stage outside pipeline: %v", err)
	}
	if count(t, d.store, "candidates") != before {
		t.Fatal("a refused candidate was saved")
	}
	msgs := count(t, d.store, "outbox_messages")
	c, err := d.store.CreateCandidate(ctx, staffActor(d.recruiter), models.CandidateInput{Name: "Zoe Quinn", Email: "zoe@example.com", PositionID: posID})
	if err != nil {
		t.Fatal(err)
	}
	if count(t, d.store, "outbox_messages") != msgs+1 {
		t.Fatal("no invitation queued")
	}
	v, err := d.store.GetCandidateView(ctx, c)
	if err != nil || len(v.Applications) != 1 || v.Applications[0].Stage != models.StageInterviewCompleted {
		t.Fatalf("candidate view: %+v, %v", v, err)
	}
}

func TestSignInTokenIsSingleUseUnderConcurrency(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	link, err := d.store.IssueSignInLink(ctx, "ben.okafor@example.com")
	if err != nil {
		t.Fatal(err)
	}
	token := link[strings.LastIndex(link, "/")+1:]
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := d.store.ConsumeSignInToken(ctx, token, models.Actor{}); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d consumers succeeded, want exactly 1", wins)
	}
}

func TestSignInTokenExpires(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	link, _ := d.store.IssueSignInLink(ctx, "ben.okafor@example.com")
	d.clock.Advance(models.SignInLinkTTL + time.Second)
	if _, err := d.store.ConsumeSignInToken(ctx, link[strings.LastIndex(link, "/")+1:], models.Actor{}); !errors.Is(err, models.ErrTokenInvalid) {
		t.Fatalf("expired token: %v", err)
	}
	var stored int64
	mustDB(t, d.store.DB().Table("login_tokens").Where("token_hash = ?", []byte(link)).Count(&stored))
	if stored != 0 {
		t.Fatal("raw token stored")
	}
}

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	id := models.HashSecret("session-1")
	staffID := d.recruiter.ID
	if err := d.store.CreateSession(ctx, &models.SessionRow{IDHash: id, StaffID: &staffID}); err != nil {
		t.Fatal(err)
	}
	idle, abs := 2*time.Hour, 12*time.Hour
	// Active use keeps it alive until the absolute limit.
	for range 6 {
		d.clock.Advance(110 * time.Minute)
		live, err := d.store.LoadSessionPerson(ctx, id, idle, abs)
		if err != nil {
			t.Fatalf("live session lost: %v", err)
		}
		if err := d.store.UpdateSession(ctx, live.Row); err != nil {
			t.Fatal(err)
		}
	}
	d.clock.Advance(110 * time.Minute) // 12h50m after creation
	if _, err := d.store.LoadSessionPerson(ctx, id, idle, abs); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("session past absolute timeout: %v", err)
	}
	id2 := models.HashSecret("session-2")
	d.store.CreateSession(ctx, &models.SessionRow{IDHash: id2, StaffID: &staffID})
	d.clock.Advance(idle + time.Minute)
	if _, err := d.store.LoadSessionPerson(ctx, id2, idle, abs); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("idle session: %v", err)
	}
}

func TestDeactivationEndsSessions(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	staffID := d.recruiter.ID
	d.store.CreateSession(ctx, &models.SessionRow{IDHash: models.HashSecret("s"), StaffID: &staffID})
	if err := d.store.UpdateStaff(ctx, staffActor(d.admin), staffID, models.RoleRecruiter, false, false); err != nil {
		t.Fatal(err)
	}
	var n int64
	mustDB(t, d.store.DB().Table("sessions").Where("staff_id = ?", staffID).Count(&n))
	if n != 0 {
		t.Fatalf("%d sessions left for a deactivated user", n)
	}
	if err := d.store.UpdateStaff(ctx, staffActor(d.admin), d.admin.ID, models.RoleRecruiter, true, true); models.FieldErrors(err) == nil {
		t.Fatalf("admin demoted themselves: %v", err)
	}
	if err := d.store.UpdateStaff(ctx, staffActor(d.recruiter), d.admin.ID, models.RoleInterviewer, true, false); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("recruiter changed a role: %v", err)
	}
}

func TestLoginRateLimitPerAccount(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	for i := range models.MaxFailuresPerEmail {
		if _, err := d.store.Authenticate(ctx, "recruiter@demo.nextstep.test", "wrong", "198.51.100.7"); !errors.Is(err, models.ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, err := d.store.Authenticate(ctx, "recruiter@demo.nextstep.test", models.DemoPassword, "203.0.113.9"); !errors.Is(err, models.ErrTooManyAttempts) {
		t.Fatalf("right password after lock-out from another IP: %v, want ErrTooManyAttempts", err)
	}
	d.clock.Advance(models.LoginWindow + time.Minute)
	if _, err := d.store.Authenticate(ctx, "recruiter@demo.nextstep.test", models.DemoPassword, "203.0.113.9"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestPipelineEditRefusesRemovingOccupiedStage(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	var posID int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM positions WHERE title = 'Account Executive'").Scan(&posID))
	p, err := d.store.GetPosition(ctx, staffActor(d.recruiter), posID)
	if err != nil {
		t.Fatal(err)
	}
	in := models.PositionInput{Title: p.Title, Headcount: 2, DecisionSLADays: 3,
		Pipeline: models.Pipeline{models.StageInterviewCompleted, models.StageOffer, models.StageHired}}
	err = d.store.UpdatePosition(ctx, staffActor(d.recruiter), posID, in)
	if msg := models.FieldErrors(err)["stages"]; !strings.Contains(msg, "cannot be removed") {
		t.Fatalf("err = %v", err)
	}
	// Reordering without removing occupied stages works, inside one transaction.
	in.Pipeline = append(models.Pipeline{}, p.Pipeline...)
	in.Pipeline[1], in.Pipeline[2] = in.Pipeline[2], in.Pipeline[1]
	if err := d.store.UpdatePosition(ctx, staffActor(d.recruiter), posID, in); err != nil {
		t.Fatal(err)
	}
	p2, _ := d.store.GetPosition(ctx, staffActor(d.recruiter), posID)
	if p2.Pipeline[1] != p.Pipeline[2] {
		t.Fatalf("pipeline not reordered: %v", p2.Pipeline)
	}
}

// A candidate is added only at a stage before the offer: the offer, the
// contract, onboarding and Hired follow from their flows. Added at a later
// stage, the stages before it are recorded as passed over (with the reason)
// and the candidate sees them as not needed, never as done.
func TestCandidatesStartBeforeTheOffer(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	var posID int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM positions WHERE title = 'Account Executive'").Scan(&posID))
	before := count(t, d.store, "candidates")
	for i, st := range []models.StageKey{models.StageOffer, models.StageContract, models.StageOnboarding, models.StageHired} {
		_, err := d.store.CreateCandidate(ctx, staffActor(d.recruiter), models.CandidateInput{Name: "Zoe Quinn",
			Email: fmt.Sprintf("zoe%d@example.com", i), PositionID: posID, Stage: st})
		if models.FieldErrors(err)["stage"] == "" {
			t.Fatalf("added at %s: %v, want a stage error", st, err)
		}
	}
	if count(t, d.store, "candidates") != before {
		t.Fatal("a refused candidate was saved")
	}
	for _, k := range models.OpeningStageChoices() {
		if k == models.StageOffer || k == models.StageContract || k == models.StageOnboarding || k == models.StageHired {
			t.Fatalf("the form offers %s", k)
		}
	}
	c, err := d.store.CreateCandidate(ctx, staffActor(d.recruiter), models.CandidateInput{Name: "Zoe Quinn", Email: "zoe@example.com",
		PositionID: posID, Stage: models.StageHRRound})
	if err != nil {
		t.Fatal(err)
	}
	view, err := d.store.GetCandidateView(ctx, c)
	if err != nil || len(view.Applications) != 1 {
		t.Fatalf("view: %v", err)
	}
	a := view.Applications[0]
	if a.Stage != models.StageHRRound || a.Status != models.StatusActive {
		t.Fatalf("added at %s/%s", a.Stage, a.Status)
	}
	for _, k := range a.Position.Pipeline[:a.Position.Pipeline.Index(models.StageHRRound)] {
		if !a.Skipped[k] {
			t.Errorf("%s shows as done for a candidate added at the HR round", k)
		}
	}
	if len(a.History) != 1 || a.History[0].Kind != models.EventOpened {
		t.Fatalf("history %+v, want one opening event", a.History)
	}
}
