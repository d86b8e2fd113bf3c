package main

// Acceptance tests for candidates picking interview times under concurrency.
//
// Like the assessment day tests in concurrency_test.go, each test runs two
// real `nextstep serve` processes on one PostgreSQL database and fires the
// candidates' requests at both at once. Interview times can be shared between
// the rounds of different applications of one position ("whoever picks first
// gets it"), so many candidates can race for the same slot.

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"nextstep/models"
)

const (
	interviewRacers = 50 // candidates racing for the shared times
	interviewSlots  = 5  // shared times they race for
	slotTaken       = "Someone else has just taken that time"
)

// interviewRacer is a signed-in candidate with a round waiting for a choice.
type interviewRacer struct {
	*candidate
	roundID int64
	slotID  int64 // the slot this racer picks
	csrf    string
	csrfCk  *http.Cookie // nextstep_csrf, the cookie half of the token
}

// recruiter is the demo recruiter, who schedules the interviews.
func (e *raceEnv) recruiter() models.Actor {
	e.tb.Helper()
	in := models.DemoStaff()[1]
	id := e.scalar("SELECT id FROM staff_users WHERE lower(email) = lower(?)", in.Email)
	if id == 0 || in.Role != models.RoleRecruiter {
		e.tb.Fatalf("demo data lacks the recruiter %s", in.Email)
	}
	return models.Actor{Kind: "staff", ID: id, Email: in.Email, Role: in.Role, IP: "192.0.2.1"}
}

// newRound creates a round for the application through the store, offering
// the new times (in the portal's time zone, "2006-01-02T15:04") and the shared
// slots, with the demo interviewer on the panel.
func (e *raceEnv) newRound(actor models.Actor, appID int64, times []string, shared []int64) *models.InterviewRound {
	e.tb.Helper()
	panelist := e.scalar("SELECT id FROM staff_users WHERE lower(email) = lower(?)", models.DemoStaff()[3].Email)
	r, err := e.store.CreateRound(e.ctx, actor, appID, models.RoundInput{
		Kind: models.InterviewTechnical, Title: "Race interview", Duration: "45", Location: "1 Test Street, London",
		VideoURL: "https://meet.example.com/race", PanelIDs: []int64{panelist}, Slots: times, SharedSlots: shared,
	})
	if err != nil {
		e.tb.Fatalf("creating a round for application %d: %v", appID, err)
	}
	return r
}

// roundSlots lists the slot ids offered to a round, in id order.
func (e *raceEnv) roundSlots(roundID int64) []int64 {
	e.tb.Helper()
	var ids []int64
	if err := e.store.DB().WithContext(e.ctx).Raw(`SELECT slot_id FROM interview_round_slots WHERE round_id = ? ORDER BY slot_id`,
		roundID).Scan(&ids).Error; err != nil {
		e.tb.Fatal(err)
	}
	return ids
}

// futureTimes are n distinct times a fortnight ahead, as the staff form sends them.
func futureTimes(n int) []string {
	day := time.Now().AddDate(0, 0, 14)
	out := make([]string, n)
	for i := range out {
		out[i] = time.Date(day.Year(), day.Month(), day.Day(), 9+i, 0, 0, 0, time.UTC).Format("2006-01-02T15:04")
	}
	return out
}

func interviewPath(c *candidate, roundID int64) string {
	return fmt.Sprintf("/me/applications/%d/interviews/%d", c.appID, roundID)
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// openInterviewPage loads the candidate's interview page on its server, as a
// browser without Sec-Fetch-Site would: the answer carries the CSRF cookie
// and the pick form its hidden _csrf field. The page must offer the slot.
func (e *raceEnv) openInterviewPage(r *interviewRacer) error {
	req, err := http.NewRequest(http.MethodGet, e.servers[r.srv].base+interviewPath(r.candidate, r.roundID), nil)
	if err != nil {
		return err
	}
	req.AddCookie(r.session)
	resp, err := e.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", r.email, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: interview page answered %d: %.300s", r.email, resp.StatusCode, body)
	}
	page := string(body)
	if !strings.Contains(page, `data-testid="pick-form"`) || !strings.Contains(page, fmt.Sprintf(`name="slot_id" value="%d"`, r.slotID)) {
		return fmt.Errorf("%s: the interview page does not offer slot %d", r.email, r.slotID)
	}
	m := csrfInput.FindStringSubmatch(page)
	if m == nil || m[1] == "" {
		return fmt.Errorf("%s: the pick form has no _csrf field", r.email)
	}
	r.csrf = html.UnescapeString(m[1])
	for _, ck := range resp.Cookies() {
		if ck.Name == "nextstep_csrf" && ck.Value != "" {
			r.csrfCk = &http.Cookie{Name: ck.Name, Value: ck.Value}
		}
	}
	if r.csrfCk == nil {
		return fmt.Errorf("%s: the interview page set no CSRF cookie", r.email)
	}
	return nil
}

// pickRequest is the pick form as the page submits it: slot_id and the
// _csrf token with its cookie, no Sec-Fetch-Site, so the token is checked.
func (e *raceEnv) pickRequest(r *interviewRacer) *http.Request {
	e.tb.Helper()
	form := url.Values{"slot_id": {fmt.Sprint(r.slotID)}, "_csrf": {r.csrf}}
	req, err := http.NewRequest(http.MethodPost, e.servers[r.srv].base+interviewPath(r.candidate, r.roundID)+"/pick",
		strings.NewReader(form.Encode()))
	if err != nil {
		e.tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(r.session)
	req.AddCookie(r.csrfCk)
	return req
}

// pickedIt is a pick that went through: 303 back to the interview page.
func (r result) pickedIt(path string) bool {
	return r.err == nil && r.status == http.StatusSeeOther && r.location == path
}

// refusedTaken is the refusal for a time someone else took first.
func (r result) refusedTaken() bool {
	return r.err == nil && r.status == http.StatusConflict && strings.Contains(r.body, slotTaken)
}

// TestInterviewRace: 50 candidates of one position race, through two servers,
// for 5 interview times shared by all their rounds; 10 pick each time.
// Exactly 5 get one, the 45 others are told it was taken, nobody sees a 5xx.
func TestInterviewRace(t *testing.T) {
	e := newRaceEnv(t)
	recruiter := e.recruiter()
	cands := e.addCandidates("iv-race-", interviewRacers)

	// The first round creates the 5 times; the 49 others are offered the same ones.
	first := e.newRound(recruiter, cands[0].appID, futureTimes(interviewSlots), nil)
	slots := e.roundSlots(first.ID)
	if len(slots) != interviewSlots {
		t.Fatalf("the first round offers %d slots, want %d", len(slots), interviewSlots)
	}
	racers := make([]*interviewRacer, len(cands))
	racers[0] = &interviewRacer{candidate: cands[0], roundID: first.ID}
	for i, c := range cands[1:] {
		r := e.newRound(recruiter, c.appID, nil, slots)
		if got := e.roundSlots(r.ID); !slices.Equal(got, slots) {
			t.Fatalf("round %d offers slots %v, want the shared %v", r.ID, got, slots)
		}
		racers[i+1] = &interviewRacer{candidate: c, roundID: r.ID}
	}
	rounds := make([]int64, len(racers))
	for i, r := range racers {
		r.slotID = slots[i%interviewSlots] // every slot is wanted by 10 candidates
		rounds[i] = r.roundID
	}

	t0 := time.Now()
	e.signIn(cands) // half on each server; the picks go to the other one
	errs := make([]error, len(racers))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, r := range racers {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = e.openInterviewPage(r)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("opening the interview page: %v", err)
		}
	}
	t.Logf("signed in %d candidates and opened their interview pages in %v", len(racers), time.Since(t0).Round(time.Millisecond))

	reqs := make([]*http.Request, len(racers))
	for i, r := range racers {
		reqs[i] = e.pickRequest(r)
	}
	t0 = time.Now()
	results := e.race(reqs)
	elapsed := time.Since(t0)

	winners := map[int64]*interviewRacer{} // by round
	var perServer [2]int
	wins, taken, server5xx := 0, 0, 0
	for i, res := range results {
		r := racers[i]
		switch {
		case res.pickedIt(interviewPath(r.candidate, r.roundID)):
			wins++
			perServer[r.srv]++
			winners[r.roundID] = r
		case res.refusedTaken():
			taken++
		default:
			if res.err == nil && res.status >= 500 {
				server5xx++
			}
			t.Errorf("%s picking slot %d on %s: want 303 or 409 %q, got %v", r.email, r.slotID, e.servers[r.srv].name, slotTaken, res)
		}
	}
	t.Logf("%d picked a time (%d via server A, %d via server B), %d were told it was taken, in %v",
		wins, perServer[0], perServer[1], taken, elapsed.Round(time.Millisecond))
	if server5xx > 0 {
		t.Errorf("%d answers were 5xx, want none", server5xx)
	}
	if wins != interviewSlots || taken != interviewRacers-interviewSlots {
		t.Errorf("%d picks went through and %d were refused as taken; want %d and %d", wins, taken, interviewSlots, interviewRacers-interviewSlots)
	}

	// The database: 5 scheduled rounds, 5 slots each booked to a different one of them.
	if n := e.scalar(`SELECT count(*) FROM interview_rounds WHERE id IN ? AND status = 'scheduled'`, rounds); n != interviewSlots {
		t.Errorf("%d rounds are scheduled, want %d", n, interviewSlots)
	}
	if n := e.scalar(`SELECT count(*) FROM interview_rounds WHERE id IN ? AND status = 'proposed'`, rounds); n != interviewRacers-interviewSlots {
		t.Errorf("%d rounds still wait for a choice, want %d", n, interviewRacers-interviewSlots)
	}
	var booked []struct {
		ID            int64
		BookedRoundID *int64
	}
	if err := e.store.DB().WithContext(e.ctx).Raw(`SELECT id, booked_round_id FROM interview_slots WHERE id IN ? ORDER BY id`, slots).
		Scan(&booked).Error; err != nil {
		t.Fatal(err)
	}
	holders := map[int64]bool{}
	for _, s := range booked {
		if s.BookedRoundID == nil {
			t.Errorf("slot %d is not booked", s.ID)
			continue
		}
		if holders[*s.BookedRoundID] {
			t.Errorf("round %d holds more than one slot", *s.BookedRoundID)
		}
		holders[*s.BookedRoundID] = true
		w := winners[*s.BookedRoundID]
		switch {
		case w == nil:
			t.Errorf("slot %d is booked to round %d, whose candidate was not told they had it", s.ID, *s.BookedRoundID)
		case w.slotID != s.ID:
			t.Errorf("slot %d is booked to round %d, whose candidate picked slot %d", s.ID, *s.BookedRoundID, w.slotID)
		}
	}
	if len(booked) != interviewSlots || len(holders) != interviewSlots {
		t.Errorf("%d slots found, booked to %d distinct rounds; want %d and %d", len(booked), len(holders), interviewSlots, interviewSlots)
	}
	for roundID, w := range winners {
		var st struct {
			Status   string
			StartsAt *time.Time
		}
		if err := e.store.DB().WithContext(e.ctx).Raw(`SELECT status, starts_at FROM interview_rounds WHERE id = ?`, roundID).Scan(&st).Error; err != nil {
			t.Fatal(err)
		}
		slotStart := e.scalar(`SELECT extract(epoch FROM starts_at)::bigint FROM interview_slots WHERE id = ?`, w.slotID)
		if st.Status != string(models.RoundScheduled) || st.StartsAt == nil || st.StartsAt.Unix() != slotStart {
			t.Errorf("%s won slot %d but the round is %q starting %v", w.email, w.slotID, st.Status, st.StartsAt)
		}
		if n := e.scalar(`SELECT count(*) FROM outbox_messages WHERE candidate_id = ? AND kind = ?`, w.id, string(models.MsgInterviewScheduled)); n != 1 {
			t.Errorf("%s got %d interview confirmations, want 1", w.email, n)
		}
	}
	if n := e.scalar(`SELECT count(*) FROM outbox_messages WHERE candidate_id IN ? AND kind = ?`, candidateIDs(cands),
		string(models.MsgInterviewScheduled)); n != interviewSlots {
		t.Errorf("%d interview confirmations were queued for the racers, want %d", n, interviewSlots)
	}
}

// TestInterviewDoubleSubmit: one candidate sends the same pick five times at
// once through both servers; every answer is the redirect, and there is one
// booking, a scheduled round and one confirmation email.
func TestInterviewDoubleSubmit(t *testing.T) {
	e := newRaceEnv(t)
	c := e.addCandidates("iv-double-", 1)[0]
	round := e.newRound(e.recruiter(), c.appID, futureTimes(2), nil)
	slots := e.roundSlots(round.ID)
	if len(slots) != 2 {
		t.Fatalf("the round offers %d slots, want 2", len(slots))
	}
	e.signIn([]*candidate{c})
	path := interviewPath(c, round.ID)
	reqs := make([]*http.Request, 5)
	for i := range reqs {
		c.srv = i % 2 // both servers, with the one session
		req := e.postRequest(c, "", url.Values{"slot_id": {fmt.Sprint(slots[1])}})
		req.URL.Path = path + "/pick" // postRequest's assessment path, moved to the interview
		reqs[i] = req
	}
	for i, r := range e.race(reqs) {
		if !r.pickedIt(path) {
			t.Errorf("request %d: want 303 to %s, got %v", i, path, r)
		}
	}
	if n := e.scalar(`SELECT count(*) FROM interview_slots WHERE booked_round_id = ?`, round.ID); n != 1 {
		t.Errorf("the round holds %d slots, want 1", n)
	}
	if n := e.scalar(`SELECT count(*) FROM interview_slots WHERE id = ? AND booked_round_id = ?`, slots[1], round.ID); n != 1 {
		t.Errorf("the picked slot %d is not booked to the round", slots[1])
	}
	if n := e.scalar(`SELECT count(*) FROM interview_slots WHERE id = ? AND booked_round_id IS NULL`, slots[0]); n != 1 {
		t.Errorf("the other slot %d was booked too", slots[0])
	}
	if n := e.scalar(`SELECT count(*) FROM interview_rounds WHERE id = ? AND status = 'scheduled' AND starts_at IS NOT NULL`, round.ID); n != 1 {
		t.Errorf("the round is not scheduled")
	}
	if n := e.scalar(`SELECT count(*) FROM outbox_messages WHERE candidate_id = ? AND kind = ?`, c.id, string(models.MsgInterviewScheduled)); n != 1 {
		t.Errorf("the candidate got %d interview confirmations, want 1", n)
	}
	if n := e.scalar(`SELECT count(*) FROM audit_log WHERE action = 'interview.booked' AND subject_type = 'application' AND subject_id = ?`, c.appID); n != 1 {
		t.Errorf("%d interview.booked audit entries, want 1", n)
	}
}

func candidateIDs(cands []*candidate) []int64 {
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	return ids
}
