package handlers_test

// Interviews and evaluation over plain HTTP: who may see which rounds,
// candidates and scorecards; blind feedback; refused forms that keep what
// was typed; the candidate's side of booking; and the decision consultation
// that gates the offer stage. Each test checks the answer a person gets and
// what the database holds.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

const (
	ixAmeliaEmail      = "amelia.hart@example.com" // Account Executive, Hugo manages it
	ixAmeliaName       = "Amelia Hart"
	ixChloeEmail       = "chloe.dubois@example.com" // Account Executive too
	ixChloeName        = "Chloe Dubois"
	ixFaridEmail       = "farid.haddad@example.com" // Backend Engineer, no manager assigned
	ixFaridName        = "Farid Haddad"
	ixAccountExecutive = "Account Executive"
	ixBackendEngineer  = "Backend Engineer (Go)"
	ixSecondPanelEmail = "nora.panel@demo.nextstep.test"
	ixSecondPanelName  = "Nora Panelist"
	ixSecondPanelTitle = "Solutions Engineer"
	ixInterviewerName  = "Ines Interviewer"
	ixInterviewerTitle = "Senior Account Executive"
	ixFirstSlot        = "2026-12-03T10:00" // the fake clock says Tue 1 Dec 2026, 09:00 UTC
	ixSecondSlot       = "2026-12-04T14:00"
	ixNeedsDecisionRx  = "needs an approved hiring decision"
)

// ixActor is a demo staff member as the store sees them when signed in.
func (a *testApp) ixActor(email string) models.Actor {
	a.t.Helper()
	u, err := a.Store.StaffByEmail(context.Background(), email)
	if err != nil {
		a.t.Fatalf("staff %s: %v", email, err)
	}
	return models.Actor{Kind: "staff", ID: u.ID, Email: u.Email, Role: u.Role}
}

// ixSecondInterviewer adds a second interviewer (with the demo password, so
// loginStaff works) and returns their id.
func (a *testApp) ixSecondInterviewer() int64 {
	a.t.Helper()
	u, err := a.Store.CreateStaff(context.Background(), a.adminActor(), models.StaffInput{
		Email: ixSecondPanelEmail, Name: ixSecondPanelName, Role: models.RoleInterviewer, Password: models.DemoPassword})
	if err != nil {
		a.t.Fatalf("creating the second interviewer: %v", err)
	}
	if err := a.Store.DB().Exec("UPDATE staff_users SET job_title = ? WHERE id = ?", ixSecondPanelTitle, u.ID).Error; err != nil {
		a.t.Fatal(err)
	}
	return u.ID
}

// ixRound creates a round for appID through the store, as staff member by,
// offering slots (two default times when none are given).
func (a *testApp) ixRound(by string, appID int64, title string, panel []int64, slots ...string) *models.InterviewRound {
	a.t.Helper()
	if len(slots) == 0 {
		slots = []string{ixFirstSlot, ixSecondSlot}
	}
	r, err := a.Store.CreateRound(context.Background(), a.ixActor(by), appID, models.RoundInput{Kind: models.InterviewAdditional,
		Title: title, Duration: "60", Location: "1 Market Street, London", PanelIDs: panel, Slots: slots})
	if err != nil {
		a.t.Fatalf("creating round %q for application %d: %v", title, appID, err)
	}
	return r
}

// ixSlots are the ids of the slots offered to a round, earliest first.
func (a *testApp) ixSlots(roundID int64) []int64 {
	a.t.Helper()
	var ids []int64
	if err := a.Store.DB().Raw(`SELECT s.id FROM interview_round_slots rs JOIN interview_slots s ON s.id = rs.slot_id
		WHERE rs.round_id = ? ORDER BY s.starts_at, s.id`, roundID).Scan(&ids).Error; err != nil || len(ids) == 0 {
		a.t.Fatalf("slots of round %d: %v (%d)", roundID, err, len(ids))
	}
	return ids
}

// ixBook books the round's first slot through the store as the candidate.
func (a *testApp) ixBook(candEmail string, appID, roundID int64) {
	a.t.Helper()
	actor := models.Actor{Kind: "candidate", ID: a.candidateID(candEmail)}
	if err := a.Store.PickSlot(context.Background(), actor, appID, roundID, a.ixSlots(roundID)[0]); err != nil {
		a.t.Fatalf("booking round %d for %s: %v", roundID, candEmail, err)
	}
}

// ixAfterInterviews moves the clock past the default times (scorecards open
// when the interview starts); sign in after it, as sessions expire.
func (a *testApp) ixAfterInterviews() {
	a.Clock.Advance(time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC).Sub(a.Clock.Now()))
}

// ixRoundStatus reads a round's status straight from the database.
func (a *testApp) ixRoundStatus(roundID int64) string {
	a.t.Helper()
	var s string
	if err := a.Store.DB().Raw("SELECT status FROM interview_rounds WHERE id = ?", roundID).Scan(&s).Error; err != nil || s == "" {
		a.t.Fatalf("round %d: %v", roundID, err)
	}
	return s
}

// ixCriteria are the live scorecard criteria of a position, in form order.
func (a *testApp) ixCriteria(position string) []models.ScorecardCriterion {
	a.t.Helper()
	var cs []models.ScorecardCriterion
	if err := a.Store.DB().Where("position_id = ? AND NOT retired", a.positionID(position)).Order("sort_order, id").
		Find(&cs).Error; err != nil || len(cs) == 0 {
		a.t.Fatalf("criteria of %s: %v (%d)", position, err, len(cs))
	}
	return cs
}

// ixScorecard is a complete scorecard form: every criterion rated, with a
// recommendation and notes; ratingNote goes on the first criterion.
func ixScorecard(criteria []models.ScorecardCriterion, notes, ratingNote string) url.Values {
	form := url.Values{"recommendation": {string(models.RecommendYes)}, "notes": {notes}}
	for i, c := range criteria {
		form.Set("rating_"+strconv.FormatInt(c.ID, 10), strconv.Itoa(i%4+1))
	}
	if ratingNote != "" {
		form.Set("note_"+strconv.FormatInt(criteria[0].ID, 10), ratingNote)
	}
	return form
}

// ixRefused reports whether a response is a refusal (403 or 404).
func ixRefused(res response) bool {
	return res.Status == http.StatusNotFound || res.Status == http.StatusForbidden
}

func ixRoundPath(id int64) string { return fmt.Sprintf("/admin/interviews/%d", id) }

// ---- 1. interviewers see their own panels only ----

func TestInterviewerScopingToOwnPanels(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ines := app.staffID(interviewerEmail)
	ameliaApp, chloeApp := app.applicationID(ixAmeliaEmail), app.applicationID(ixChloeEmail)
	mine := app.ixRound(recruiterEmail, ameliaApp, "Role play with Ines", []int64{ines})
	app.ixBook(ixAmeliaEmail, ameliaApp, mine.ID)
	other := app.ixRound(recruiterEmail, chloeApp, "Negotiation with Hugo", []int64{app.staffID(managerEmail)})
	app.ixBook(ixChloeEmail, chloeApp, other.ID)

	c := app.newClient()
	c.loginStaff(interviewerEmail)
	if res := c.get("/admin"); res.Status != http.StatusOK || !strings.Contains(res.Body, "Needs you") {
		t.Fatalf("GET /admin as interviewer: %d, want their Needs you page", res.Status)
	}

	// Pages outside their panels are refused without naming anyone.
	refused := map[string]string{
		"/admin/candidates": "the candidate list",
		fmt.Sprintf("/admin/candidates/%d", app.candidateID(ixAmeliaEmail)): "their own candidate's file",
		ixRoundPath(other.ID): "a round they are not on",
		fmt.Sprintf("/admin/positions/%d/review", app.positionID(ixAccountExecutive)): "the review",
		fmt.Sprintf("/admin/applications/%d/interviews/new", ameliaApp):               "the schedule page",
		fmt.Sprintf("/admin/candidates/%d", app.candidateID(ixChloeEmail)):            "another candidate's file",
		fmt.Sprintf("/admin/positions/%d/review", app.positionID(ixBackendEngineer)):  "another review",
		fmt.Sprintf("/admin/candidates?q=%s", url.QueryEscape(ixChloeName)):           "a search",
	}
	for path, what := range refused {
		res := c.get(path)
		if !ixRefused(res) {
			t.Errorf("interviewer GET %s (%s): %d, want 403/404", path, what, res.Status)
		}
		for _, name := range []string{ixAmeliaName, ixChloeName, ixFaridName} {
			if strings.Contains(res.Body, name) {
				t.Errorf("interviewer GET %s (%s): the refusal names %s", path, what, name)
			}
		}
	}

	if res := c.get(ixRoundPath(other.ID)); res.Status != http.StatusNotFound {
		t.Errorf("a round they are not on: %d, want 404 (its existence is not confirmed)", res.Status)
	}

	// Scoring a round they are not on is refused and writes nothing.
	res := c.post(ixRoundPath(other.ID)+"/scorecard", ixScorecard(app.ixCriteria(ixAccountExecutive), "sneaky", ""))
	if res.Status != http.StatusNotFound {
		t.Errorf("scorecard for another panel's round: %d, want 404", res.Status)
	}
	if strings.Contains(res.Body, ixChloeName) {
		t.Error("the scorecard refusal names the candidate")
	}
	if n := app.countRows("scorecards", "round_id = ?", other.ID); n != 0 {
		t.Errorf("a refused scorecard left %d row(s)", n)
	}

	// Their own round and their list work, and the list holds only theirs.
	if res := c.get(ixRoundPath(mine.ID)); res.Status != http.StatusOK || !strings.Contains(res.Body, ixAmeliaName) {
		t.Errorf("interviewer on their own round: %d, names Amelia: %v", res.Status, strings.Contains(res.Body, ixAmeliaName))
	}
	list := c.get("/admin/interviews")
	if list.Status != http.StatusOK {
		t.Fatalf("GET /admin/interviews: %d", list.Status)
	}
	if !strings.Contains(list.Body, ixAmeliaName) || !strings.Contains(list.Body, mine.Title) {
		t.Error("the interviewer's list lacks their own round")
	}
	if strings.Contains(list.Body, ixChloeName) || strings.Contains(list.Body, other.Title) {
		t.Error("the interviewer's list mentions a round they are not on")
	}
}

// ---- 2. blind feedback ----

func TestBlindFeedbackUntilOwnScorecard(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	nora := app.ixSecondInterviewer()
	appID := app.applicationID(ixAmeliaEmail)
	r := app.ixRound(recruiterEmail, appID, "Panel interview", []int64{app.staffID(interviewerEmail), nora})
	app.ixBook(ixAmeliaEmail, appID, r.ID)
	criteria := app.ixCriteria(ixAccountExecutive)
	app.ixAfterInterviews()

	second := app.newClient()
	second.loginStaff(ixSecondPanelEmail)
	if res := second.post(ixRoundPath(r.ID)+"/scorecard", ixScorecard(criteria, "SECRET-NOTE-B", "SECRET-RATING-NOTE-B")); res.Status != http.StatusSeeOther || res.Location != ixRoundPath(r.ID) {
		t.Fatalf("second interviewer's scorecard: %d → %q; %s", res.Status, res.Location, offerProblemText(res))
	}

	first := app.newClient()
	first.loginStaff(interviewerEmail)
	page := first.get(ixRoundPath(r.ID))
	if page.Status != http.StatusOK {
		t.Fatalf("first interviewer's round page: %d", page.Status)
	}
	for _, secret := range []string{"SECRET-NOTE-B", "SECRET-RATING-NOTE-B"} {
		if strings.Contains(page.Body, secret) {
			t.Errorf("before submitting, the first interviewer reads %s", secret)
		}
	}
	doc := page.Doc(t)
	if doc.Find(`[data-testid="blind-notice"]`).Length() != 1 {
		t.Error("no blind-feedback notice before the first interviewer's own scorecard")
	}
	if n := doc.Find(`[data-testid="other-scorecards"] [data-testid="scorecard"]`).Length(); n != 0 {
		t.Errorf("%d other scorecard(s) shown before the first interviewer's own", n)
	}

	if res := first.post(ixRoundPath(r.ID)+"/scorecard", ixScorecard(criteria, "SECRET-NOTE-A", "")); res.Status != http.StatusSeeOther {
		t.Fatalf("first interviewer's scorecard: %d; %s", res.Status, offerProblemText(res))
	}
	page = first.get(ixRoundPath(r.ID))
	if !strings.Contains(page.Body, "SECRET-NOTE-B") || !strings.Contains(page.Body, "SECRET-RATING-NOTE-B") {
		t.Error("after submitting, the first interviewer still cannot read the other scorecard")
	}
	if page.Doc(t).Find(`[data-testid="blind-notice"]`).Length() != 0 {
		t.Error("the blind notice stays after the first interviewer submitted")
	}
	if n := app.countRows("scorecards", "round_id = ?", r.ID); n != 2 {
		t.Errorf("%d scorecards in the database, want 2", n)
	}

	// The recruiter and the position's hiring manager read both without writing any.
	for _, who := range []string{recruiterEmail, managerEmail} {
		c := app.newClient()
		c.loginStaff(who)
		page := c.get(ixRoundPath(r.ID))
		if page.Status != http.StatusOK {
			t.Errorf("%s on the round: %d", who, page.Status)
			continue
		}
		if !strings.Contains(page.Body, "SECRET-NOTE-A") || !strings.Contains(page.Body, "SECRET-NOTE-B") {
			t.Errorf("%s does not see both scorecards", who)
		}
		if page.Doc(t).Find(`[data-testid="blind-notice"]`).Length() != 0 {
			t.Errorf("%s is shown the blind notice", who)
		}
	}
}

// ---- 3. hiring managers reach their own positions only ----

func TestHiringManagerScopingOnInterviews(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	m := app.newClient()
	m.loginStaff(managerEmail)
	farid := app.applicationID(ixFaridEmail)
	ines := strconv.FormatInt(app.staffID(interviewerEmail), 10)

	if res := m.get(fmt.Sprintf("/admin/applications/%d/interviews/new", farid)); res.Status != http.StatusNotFound || strings.Contains(res.Body, ixFaridName) {
		t.Errorf("manager on the schedule page of another manager's position: %d (names Farid: %v), want 404",
			res.Status, strings.Contains(res.Body, ixFaridName))
	}
	roundsBefore := app.countRows("interview_rounds", "application_id = ?", farid) // the demo's own
	slotsBefore := app.countRows("interview_slots", "position_id = ?", app.positionID(ixBackendEngineer))
	form := url.Values{"kind": {"technical"}, "title": {"Sneaky round"}, "duration": {"60"}, "location": {"Room 1"},
		"panel": {ines}, "slots": {ixFirstSlot}}
	if res := m.post(fmt.Sprintf("/admin/applications/%d/interviews", farid), form); res.Status != http.StatusNotFound {
		t.Errorf("manager creating a round on another position: %d, want 404", res.Status)
	}
	if n := app.countRows("interview_rounds", "application_id = ?", farid) - roundsBefore; n != 0 {
		t.Errorf("the refused round was written (%d rows)", n)
	}
	if n := app.countRows("interview_slots", "position_id = ?", app.positionID(ixBackendEngineer)) - slotsBefore; n != 0 {
		t.Errorf("the refused round left %d slot(s)", n)
	}
	if res := m.get(fmt.Sprintf("/admin/positions/%d/review", app.positionID(ixBackendEngineer))); res.Status != http.StatusNotFound {
		t.Errorf("manager on the review of another position: %d, want 404", res.Status)
	}
	// A round on Farid's application created by the recruiter stays hidden too.
	r := app.ixRound(recruiterEmail, farid, "Go deep dive", []int64{app.staffID(interviewerEmail)})
	if res := m.get(ixRoundPath(r.ID)); res.Status != http.StatusNotFound || strings.Contains(res.Body, ixFaridName) {
		t.Errorf("manager on a round of another position: %d, want 404", res.Status)
	}

	// Their own position works.
	if res := m.get(fmt.Sprintf("/admin/applications/%d/interviews/new", app.applicationID(ixAmeliaEmail))); res.Status != http.StatusOK {
		t.Errorf("manager on the schedule page of their own position: %d", res.Status)
	}
	if res := m.get(fmt.Sprintf("/admin/positions/%d/review", app.positionID(ixAccountExecutive))); res.Status != http.StatusOK {
		t.Errorf("manager on the review of their own position: %d", res.Status)
	}
}

// ---- 4. refused forms keep what was typed ----

func TestInterviewRoundValidationKeepsInput(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	appID := app.applicationID(ixAmeliaEmail)
	const place, instr, past = "Room 4B, TYPED-LOCATION", "Bring TYPED-INSTRUCTIONS & a laptop", "2026-11-20T10:00"
	res := c.post(fmt.Sprintf("/admin/applications/%d/interviews", appID), url.Values{"kind": {"additional"}, "title": {"Case study"},
		"duration": {"45"}, "location": {place}, "instructions": {instr}, "slots": {past}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("round with no panel and a past time: %d, want 422", res.Status)
	}
	doc := res.Doc(t)
	if msg := squash(doc.Find("#panel-error").Text()); !strings.Contains(msg, "at least one interviewer") {
		t.Errorf("panel error = %q", msg)
	}
	if msg := squash(doc.Find("#slots-error").Text()); !strings.Contains(msg, "in the future") {
		t.Errorf("slots error = %q", msg)
	}
	if v, _ := doc.Find("#location").Attr("value"); v != place {
		t.Errorf("location kept as %q, want %q", v, place)
	}
	if v := strings.TrimSpace(doc.Find("#instructions").Text()); v != instr {
		t.Errorf("instructions kept as %q, want %q", v, instr)
	}
	if v, _ := doc.Find("#title").Attr("value"); v != "Case study" {
		t.Errorf("title kept as %q", v)
	}
	if n := app.countRows("interview_rounds", "application_id = ?", appID); n != 0 {
		t.Errorf("a refused round was written (%d rows)", n)
	}

	// A scorecard missing one rating names that criterion and keeps the notes.
	r := app.ixRound(recruiterEmail, appID, "Role play", []int64{app.staffID(interviewerEmail)})
	app.ixBook(ixAmeliaEmail, appID, r.ID)
	criteria := app.ixCriteria(ixAccountExecutive)
	missing := criteria[len(criteria)-1]
	form := ixScorecard(criteria, "KEEP-THESE-NOTES", "KEEP-RATING-NOTE")
	form.Del("rating_" + strconv.FormatInt(missing.ID, 10))
	app.ixAfterInterviews()
	ines := app.newClient()
	ines.loginStaff(interviewerEmail)
	res = ines.post(ixRoundPath(r.ID)+"/scorecard", form)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("scorecard missing a rating: %d, want 422", res.Status)
	}
	doc = res.Doc(t)
	if msg := squash(doc.Find(fmt.Sprintf("#rating_%d-error", missing.ID)).Text()); !strings.Contains(msg, missing.Name) {
		t.Errorf("missing-rating error = %q, want it to name %q", msg, missing.Name)
	}
	if v := strings.TrimSpace(doc.Find("#notes").Text()); v != "KEEP-THESE-NOTES" {
		t.Errorf("notes kept as %q", v)
	}
	if v := strings.TrimSpace(doc.Find(fmt.Sprintf("#note_%d", criteria[0].ID)).Text()); v != "KEEP-RATING-NOTE" {
		t.Errorf("rating note kept as %q", v)
	}
	if n := doc.Find(fmt.Sprintf(`input[name="rating_%d"][value="1"][checked]`, criteria[0].ID)).Length(); n != 1 {
		t.Error("the rating given is no longer selected")
	}
	if n := app.countRows("scorecards", "round_id = ?", r.ID); n != 0 {
		t.Errorf("a refused scorecard was written (%d rows)", n)
	}
}

// ---- 5. the candidate's side ----

func TestCandidateInterviewBookingAndScoping(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	nora := app.ixSecondInterviewer()
	ameliaApp, chloeApp := app.applicationID(ixAmeliaEmail), app.applicationID(ixChloeEmail)
	r := app.ixRound(recruiterEmail, ameliaApp, "Meet the sales team", []int64{app.staffID(interviewerEmail), nora})
	otherRound := app.ixRound(recruiterEmail, chloeApp, "Chloe's round", []int64{nora}, "2026-12-07T11:00")
	foreignSlot := app.ixSlots(otherRound.ID)[0]
	base := fmt.Sprintf("/me/applications/%d/interviews/%d", ameliaApp, r.ID)

	// Another candidate reaches nothing of Amelia's round.
	chloe := app.newClient()
	chloe.loginCandidate(ixChloeEmail)
	for _, path := range []string{base, base + "/calendar.ics", fmt.Sprintf("/me/applications/%d/interviews/%d", chloeApp, r.ID)} {
		if res := chloe.get(path); res.Status != http.StatusNotFound || strings.Contains(res.Body, ixAmeliaName) {
			t.Errorf("another candidate GET %s: %d, want 404", path, res.Status)
		}
	}
	if res := chloe.post(base+"/pick", url.Values{"slot_id": {strconv.FormatInt(app.ixSlots(r.ID)[0], 10)}}); res.Status != http.StatusNotFound {
		t.Errorf("another candidate picking Amelia's time: %d, want 404", res.Status)
	}

	amelia := app.newClient()
	amelia.loginCandidate(ixAmeliaEmail)
	if res := amelia.get(base + "/calendar.ics"); res.Status != http.StatusNotFound {
		t.Errorf("calendar of a round with no time yet: %d, want 404", res.Status)
	}
	// A slot offered to someone else's round cannot be picked.
	res := amelia.post(base+"/pick", url.Values{"slot_id": {strconv.FormatInt(foreignSlot, 10)}})
	if res.Status != http.StatusNotFound && res.Status != http.StatusConflict {
		t.Errorf("picking a slot not offered to the round: %d, want 404 or 409", res.Status)
	}
	if st := app.ixRoundStatus(r.ID); st != string(models.RoundProposed) {
		t.Errorf("after a refused pick the round is %s", st)
	}
	if n := app.countRows("interview_slots", "id = ? AND booked_round_id IS NOT NULL", foreignSlot); n != 0 {
		t.Error("the foreign slot was booked")
	}

	res = amelia.post(base+"/pick", url.Values{"slot_id": {strconv.FormatInt(app.ixSlots(r.ID)[0], 10)}})
	if res.Status != http.StatusSeeOther || res.Location != base {
		t.Fatalf("picking an offered slot: %d → %q; %s", res.Status, res.Location, offerProblemText(res))
	}
	if st := app.ixRoundStatus(r.ID); st != string(models.RoundScheduled) {
		t.Fatalf("after booking the round is %s", st)
	}
	if n := app.countRows("interview_slots", "booked_round_id = ?", r.ID); n != 1 {
		t.Errorf("%d slots booked for the round, want 1", n)
	}

	var uid string
	if err := app.Store.DB().Raw("SELECT ical_uid FROM interview_rounds WHERE id = ?", r.ID).Scan(&uid).Error; err != nil || uid == "" {
		t.Fatalf("round UID: %v", err)
	}
	ics := amelia.get(base + "/calendar.ics")
	if ics.Status != http.StatusOK || !strings.HasPrefix(ics.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("calendar: %d %q", ics.Status, ics.Header.Get("Content-Type"))
	}
	unfolded := strings.ReplaceAll(ics.Body, "\r\n ", "")
	if !strings.Contains(unfolded, "METHOD:REQUEST") || !strings.Contains(unfolded, "UID:"+uid) {
		t.Errorf("calendar lacks METHOD:REQUEST or UID:%s:\n%s", uid, ics.Body)
	}

	home := amelia.get("/me")
	if home.Status != http.StatusOK {
		t.Fatalf("GET /me: %d", home.Status)
	}
	rounds := squash(home.Doc(t).Find(`[data-testid="candidate-rounds"]`).Text())
	for _, want := range []string{r.Title, "You will meet", ixInterviewerName + " (" + ixInterviewerTitle + ")", ixSecondPanelName + " (" + ixSecondPanelTitle + ")"} {
		if !strings.Contains(rounds, want) {
			t.Errorf("the candidate's interviews lack %q: %q", want, rounds)
		}
	}
	for _, email := range []string{interviewerEmail, ixSecondPanelEmail} {
		if strings.Contains(home.Body, email) {
			t.Errorf("the candidate home shows the panel address %s", email)
		}
		if page := amelia.get(base); strings.Contains(page.Body, email) {
			t.Errorf("the candidate's interview page shows the panel address %s", email)
		}
	}
	if strings.Contains(home.Body, otherRound.Title) {
		t.Error("the candidate home mentions another candidate's round")
	}
}

// ---- 6. the decision consultation gates the offer ----

func TestDecisionConsultationGatesOffer(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	appID, candID := app.applicationID(ixAmeliaEmail), app.candidateID(ixAmeliaEmail)
	cid := strconv.FormatInt(candID, 10)
	if err := app.Store.MoveStage(context.Background(), app.ixActor(recruiterEmail), appID, models.MoveRequest{To: models.StageFinalDecision, Note: "not needed here", ConfirmSkip: true}); err != nil {
		t.Fatalf("moving Amelia to the final decision: %v", err)
	}
	// An approved offer, ready to send: sending it opens the offer stage.
	ctx := context.Background()
	v, err := app.Store.SaveOfferDraft(ctx, app.ixActor(recruiterEmail), appID, models.OfferInput{JobTitle: "Account Executive",
		SalaryAmount: "65000", SalaryCurrency: "gbp", SalaryPeriod: "year", StartDate: "2027-02-01", Location: "London",
		WorkingPattern: "Full time", ExpiresOn: app.Clock.Now().AddDate(0, 0, 14).Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Store.SubmitOffer(ctx, app.ixActor(recruiterEmail), v.ID); err != nil {
		t.Fatal(err)
	}
	if err := app.Store.ApproveOffer(ctx, app.ixActor(managerEmail), v.ID); err != nil {
		t.Fatal(err)
	}
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	movePath := fmt.Sprintf("/admin/offer-versions/%d/send", v.ID)
	toOffer := func() url.Values {
		return url.Values{"candidate_id": {cid}, "application_id": {strconv.FormatInt(appID, 10)}}
	}

	if res := rec.post(movePath, toOffer()); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.text(t), ixNeedsDecisionRx) {
		t.Fatalf("sending the offer without a decision: %d, message %q", res.Status, offerProblemText(res))
	}
	if got := app.applicationStage(appID); got != string(models.StageFinalDecision) {
		t.Fatalf("after the refused move the stage is %s", got)
	}

	res := rec.post(fmt.Sprintf("/admin/applications/%d/decision", appID), url.Values{"proposal": {"Offer the Account Executive role"},
		"consulted": {strconv.FormatInt(app.staffID(managerEmail), 10)}, "candidate_id": {cid}})
	if want := fmt.Sprintf("/admin/candidates/%d", candID); res.Status != http.StatusSeeOther || res.Location != want {
		t.Fatalf("requesting a decision: %d → %q; %s", res.Status, res.Location, offerProblemText(res))
	}
	var decisionID int64
	if err := app.Store.DB().Raw("SELECT id FROM decision_requests WHERE application_id = ? AND status = 'open'", appID).Scan(&decisionID).Error; err != nil || decisionID == 0 {
		t.Fatalf("no open decision request: %v", err)
	}
	// Still refused while the consultation waits for answers.
	if res := rec.post(movePath, toOffer()); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("move to offer with an open consultation: %d, want 422", res.Status)
	}

	m := app.newClient()
	m.loginStaff(managerEmail)
	if res := m.get("/admin/interviews"); !strings.Contains(squash(res.Doc(t).Find(`[data-testid="pending-decisions"]`).Text()), ixAmeliaName) {
		t.Error("the manager's list does not show the consultation waiting for them")
	}
	respond := fmt.Sprintf("/admin/decisions/%d/respond", decisionID)
	res = m.post(respond, url.Values{"verdict": {"approve"}, "rationale": {"  "}, "candidate_id": {cid}, "application_id": {strconv.FormatInt(appID, 10)}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.text(t), "Give your reasons") {
		t.Fatalf("answer without a rationale: %d, page %q", res.Status, offerProblemText(res))
	}
	if n := app.countRows("decision_responses", "request_id = ? AND verdict IS NOT NULL", decisionID); n != 0 {
		t.Fatal("an answer without a rationale was recorded")
	}
	// A colleague who was not asked cannot answer.
	if res := rec.post(respond, url.Values{"verdict": {"approve"}, "rationale": {"I say yes"}}); res.Status != http.StatusNotFound {
		t.Errorf("answer from someone not consulted: %d, want 404", res.Status)
	}

	const why = "Strong negotiator, references are glowing."
	res = m.post(respond, url.Values{"verdict": {"approve"}, "rationale": {why}, "candidate_id": {cid}, "application_id": {strconv.FormatInt(appID, 10)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("approving: %d; %s", res.Status, offerProblemText(res))
	}
	var status, rationale string
	mustDB(t, app.Store.DB().Raw("SELECT status FROM decision_requests WHERE id = ?", decisionID).Scan(&status))
	mustDB(t, app.Store.DB().Raw("SELECT rationale FROM decision_responses WHERE request_id = ?", decisionID).Scan(&rationale))
	if status != string(models.DecisionApproved) || rationale != why {
		t.Fatalf("after approval: status %q, rationale %q", status, rationale)
	}

	if res := rec.post(movePath, toOffer()); res.Status != http.StatusSeeOther {
		t.Fatalf("move to offer after approval: %d; %s", res.Status, offerProblemText(res))
	}
	if got := app.applicationStage(appID); got != string(models.StageOffer) {
		t.Errorf("after the approved move the stage is %s, want offer", got)
	}
}

// The confirmation after scheduling counts the times actually offered: the
// blank time fields of the form are not times, and shared times are.
func TestInterviewRoundCreatedOverHTTPCountsTimes(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	appID := app.applicationID(ixAmeliaEmail)
	other := app.ixRound(recruiterEmail, app.applicationID(ixChloeEmail), "Chloe's round", []int64{app.staffID(managerEmail)}, "2026-12-08T09:00", "2026-12-08T15:00")
	shared := app.ixSlots(other.ID)[1]
	form := url.Values{"kind": {"additional"}, "title": {"Case study"}, "duration": {"60"}, "location": {"Room 2"},
		"panel": {strconv.FormatInt(app.staffID(interviewerEmail), 10)}, "slots": {ixFirstSlot, "", "", ""},
		"shared": {strconv.FormatInt(shared, 10)}}
	res := c.post(fmt.Sprintf("/admin/applications/%d/interviews", appID), form)
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/admin/interviews/") {
		t.Fatalf("scheduling: %d → %q; %s", res.Status, res.Location, offerProblemText(res))
	}
	roundID, _ := strconv.ParseInt(strings.TrimPrefix(res.Location, "/admin/interviews/"), 10, 64)
	if n := app.countRows("interview_round_slots", "round_id = ?", roundID); n != 2 {
		t.Fatalf("%d times offered, want 2 (one typed, one shared)", n)
	}
	flash := squash(c.get(res.Location).Doc(t).Find(`[data-testid="flash"]`).Text())
	if !strings.Contains(flash, "with 2 times to choose from") {
		t.Errorf("flash = %q, want it to count the 2 times offered", flash)
	}
}
