package models_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"nextstep/models"
)

// digestCase is the demo with the daily digest asked for by the recruiter
// and the hiring manager (both with work waiting), by a second manager who
// manages no position (nothing waits), and by a recruiter since deactivated
// (work waiting, but gone); the admin, with work waiting, has not asked.
type digestCase struct {
	d                  demo
	ctx                context.Context
	quiet, deactivated *models.StaffUser
}

func newDigestCase(t *testing.T) digestCase {
	t.Helper()
	d := newDemo(t)
	c := digestCase{d: d, ctx: context.Background(), quiet: secondManager(t, d)}
	var err error
	c.deactivated, err = d.store.CreateStaff(c.ctx, staffActor(d.admin), models.StaffInput{Email: "gone.recruiter@demo.nextstep.test",
		Name: "Gone Recruiter", Role: models.RoleRecruiter, Password: "a long enough password 42"})
	must(t, err)
	for _, u := range []*models.StaffUser{d.recruiter, d.manager, c.quiet, c.deactivated} {
		must(t, d.store.SetStaffDigest(c.ctx, staffActor(u), true))
	}
	must(t, d.store.UpdateStaff(c.ctx, staffActor(d.admin), c.deactivated.ID, models.RoleRecruiter, false, false))
	return c
}

// digests counts the digests written to each staff member.
func (c digestCase) digests(t *testing.T) map[int64]int {
	t.Helper()
	var rows []struct {
		StaffID int64
		N       int
	}
	mustDB(t, c.d.store.DB().Raw("SELECT staff_id, count(*) AS n FROM outbox_messages WHERE kind = ? GROUP BY staff_id",
		models.MsgStaffDigest).Scan(&rows))
	out := map[int64]int{}
	for _, r := range rows {
		out[r.StaffID] = r.N
	}
	return out
}

// sentOn is the portal day a member's digest was last claimed ("" when never).
func (c digestCase) sentOn(t *testing.T, u *models.StaffUser) string {
	t.Helper()
	var day *string
	mustDB(t, c.d.store.DB().Raw("SELECT to_char(digest_sent_on, 'YYYY-MM-DD') FROM staff_users WHERE id = ?", u.ID).Scan(&day))
	if day == nil {
		return ""
	}
	return *day
}

// run sends the digests, as the scheduled task does.
func (c digestCase) run(t *testing.T) int {
	t.Helper()
	n, err := c.d.store.SendStaffDigests(c.ctx)
	must(t, err)
	return n
}

// waiting is how many things wait for u on Needs you (the action queues).
func (c digestCase) waiting(t *testing.T, u *models.StaffUser) int {
	t.Helper()
	queues, err := c.d.store.NeedsYou(c.ctx, staffActor(u))
	must(t, err)
	n := 0
	for _, q := range queues {
		if q.Action() {
			n += q.Count
		}
	}
	return n
}

// Nothing before 08:00; from 08:00 one digest for each member who asked
// and has work waiting, none for empty queues, the admin who did not ask or
// the deactivated recruiter; again, and at once from two runs, still one;
// the next day one more.
func TestStaffDigestOncePerDayFromEight(t *testing.T) {
	t.Parallel()
	c := newDigestCase(t)
	d := c.d
	for _, u := range []*models.StaffUser{d.recruiter, d.manager, d.admin, c.deactivated} {
		if c.waiting(t, u) == 0 {
			t.Fatalf("the demo no longer has work waiting for %s: the case needs it", u.Email)
		}
	}
	if n := c.waiting(t, c.quiet); n != 0 {
		t.Fatalf("%d things wait for a manager of no position", n)
	}
	want := func(day int) map[int64]int { return map[int64]int{d.recruiter.ID: day, d.manager.ID: day} }
	check := func(when string, wantSent map[int64]int) {
		t.Helper()
		got := c.digests(t)
		if len(got) != len(wantSent) {
			t.Errorf("%s: digests per member %v, want %v (recruiter %d, manager %d)", when, got, wantSent, d.recruiter.ID, d.manager.ID)
		}
		for id, n := range wantSent {
			if got[id] != n {
				t.Errorf("%s: member %d got %d digests, want %d", when, id, got[id], n)
			}
		}
	}

	day := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC) // a Wednesday; the portal's zone is UTC here
	setClock(d, day.Add(7*time.Hour+59*time.Minute))
	if n := c.run(t); n != 0 {
		t.Errorf("07:59: %d digests sent", n)
	}
	check("07:59", nil)
	if on := c.sentOn(t, c.quiet); on != "" {
		t.Errorf("07:59: the quiet manager's day is marked %s", on)
	}

	setClock(d, day.Add(8*time.Hour))
	if n := c.run(t); n != 2 {
		t.Errorf("08:00: %d digests sent, want 2", n)
	}
	check("08:00", want(1))
	if on := c.sentOn(t, c.quiet); on != "2026-12-02" {
		t.Errorf("08:00: the quiet manager's day is %q, want it checked (2026-12-02)", on)
	}
	if on := c.sentOn(t, d.admin); on != "" {
		t.Errorf("the admin, who did not ask, is marked %q", on)
	}
	d.clock.Advance(5 * time.Minute)
	if n := c.run(t); n != 0 {
		t.Errorf("run again the same day: %d digests sent", n)
	}
	check("run again", want(1))

	// The next day, two runs at once (two server processes): one each.
	setClock(d, day.AddDate(0, 0, 1).Add(8*time.Hour+5*time.Minute))
	concurrently(t, 4, func() (int, error) { return d.store.SendStaffDigests(c.ctx) }, 2)
	check("the next day, four runs at once", want(2))

	// And the day after, again.
	setClock(d, day.AddDate(0, 0, 2).Add(9*time.Hour))
	if n := c.run(t); n != 2 {
		t.Errorf("the third day: %d digests sent, want 2", n)
	}
	check("the third day", want(3))
}

// concurrently runs fn in n goroutines released together, and checks that
// together they report want.
func concurrently(t *testing.T, n int, fn func() (int, error), want int) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	counts := make([]int, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			counts[i], errs[i] = fn()
		}()
	}
	close(start)
	wg.Wait()
	total := 0
	for i := range n {
		must(t, errs[i])
		total += counts[i]
	}
	if total != want {
		t.Errorf("%d runs at once reported %d sent, want %d", n, total, want)
	}
}

// The digest lists what the person's own Needs you page lists: each queue
// with its count and a link to it, the same for a recruiter (every
// position) and a hiring manager (their positions), and nothing else.
func TestStaffDigestListsTheNeedsYouQueues(t *testing.T) {
	t.Parallel()
	c := newDigestCase(t)
	d := c.d
	setClock(d, time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC))
	if n := c.run(t); n != 2 {
		t.Errorf("%d digests sent, want 2", n)
	}
	for _, u := range []*models.StaffUser{d.recruiter, d.manager} {
		var m models.OutboxMessage
		mustDB(t, d.store.DB().Where("kind = ? AND staff_id = ?", models.MsgStaffDigest, u.ID).First(&m))
		queues, err := d.store.NeedsYou(c.ctx, staffActor(u))
		must(t, err)
		total := 0
		for _, q := range queues {
			line := q.Title() + ": " + strconv.Itoa(q.Count) + "\nhttp://x/admin#q-" + string(q.Kind)
			if !strings.Contains(m.Body, line) {
				t.Errorf("%s: the digest does not list %q:\n%s", u.Email, line, m.Body)
			}
			if q.Action() {
				total += q.Count
			}
		}
		if links := strings.Count(m.Body, "http://x/admin#q-"); links != len(queues) {
			t.Errorf("%s: the digest links %d queues, the page shows %d:\n%s", u.Email, links, len(queues), m.Body)
		}
		if want := "Needs you: " + strconv.Itoa(total) + " waiting (Wednesday 2 December 2026)"; m.Subject != want {
			t.Errorf("%s: subject %q, want %q", u.Email, m.Subject, want)
		}
		if m.ToEmail != u.Email || m.LinkPath != "/admin" || !strings.Contains(m.Body, "http://x/admin/account") {
			t.Errorf("%s: to %s, link %q, body:\n%s", u.Email, m.ToEmail, m.LinkPath, m.Body)
		}
	}
	// The two people's digests differ where their pages do: the manager
	// sees only his positions.
	var bodies []string
	mustDB(t, d.store.DB().Raw("SELECT body FROM outbox_messages WHERE kind = ? ORDER BY staff_id", models.MsgStaffDigest).Scan(&bodies))
	if len(bodies) != 2 || bodies[0] == bodies[1] {
		t.Errorf("the recruiter's and the manager's digests are the same: %q", bodies)
	}
}

// Turning the digest on or off is audited; saving the setting in force
// changes nothing and records nothing.
func TestStaffDigestSettingIsAudited(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	audits := func() []string {
		var rows []string
		mustDB(t, d.store.DB().Raw(`SELECT details->>'digest' FROM audit_log WHERE action = 'staff.digest_changed' AND subject_id = ?
			AND actor_id = ? ORDER BY id`, d.manager.ID, d.manager.ID).Scan(&rows))
		return rows
	}
	enabled := func() bool {
		var on bool
		mustDB(t, d.store.DB().Raw("SELECT digest_enabled FROM staff_users WHERE id = ?", d.manager.ID).Scan(&on))
		return on
	}
	if enabled() {
		t.Fatal("the digest is on before anyone asked for it")
	}
	must(t, d.store.SetStaffDigest(ctx, staffActor(d.manager), true))
	must(t, d.store.SetStaffDigest(ctx, staffActor(d.manager), true))
	if !enabled() {
		t.Error("the digest is still off")
	}
	must(t, d.store.SetStaffDigest(ctx, staffActor(d.manager), false))
	if enabled() {
		t.Error("the digest is still on")
	}
	if got := audits(); strings.Join(got, ",") != "true,false" {
		t.Errorf("audit entries %v, want [true false]", got)
	}
	if err := d.store.SetStaffDigest(ctx, models.Actor{Kind: "candidate", ID: d.manager.ID}, true); models.ErrorCode(err) != models.CodeForbidden {
		t.Errorf("a candidate actor: %v, want forbidden", err)
	}
}
