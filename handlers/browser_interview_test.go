package handlers_test

// Browser acceptance test of interviews and evaluation: the recruiter
// schedules a round with a panel and three times, the candidate picks one,
// an interviewer writes a blind scorecard, the hiring manager compares
// candidates, approves the hiring decision the recruiter asks for, and only
// then can the candidate move to the offer stage. Each person uses their
// own browser.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nextstep/models"
)

const (
	ivAmeliaEmail = "amelia.hart@example.com" // sales (needs an approved decision), first stage
	ivAmeliaName  = "Amelia Hart"
)

// ivChoiceValue is the value of the checkbox or radio named name, inside
// container, whose label reads labelText, as a person finds it by its words.
func ivChoiceValue(t *testing.T, ctx context.Context, container, name, labelText string) string {
	t.Helper()
	waitVisible(t, ctx, container)
	args, _ := json.Marshal([]string{container, name, labelText})
	res := run(t, ctx, "find "+labelText+" in "+container, chromedp.Evaluate[map[string]string](fmt.Sprintf(`(function (container, name, label) {
		var c = document.querySelector(container);
		if (!c) { return {error: "no " + container}; }
		var labels = Array.prototype.slice.call(c.querySelectorAll("label"));
		var found = labels.filter(function (l) {
			var i = l.querySelector("input[name='" + name + "']");
			return i && l.textContent.replace(/\s+/g, " ").indexOf(label) >= 0;
		});
		if (found.length !== 1) {
			return {error: found.length + " labels match; labels are: " + labels.map(function (l) { return l.textContent.replace(/\s+/g, " ").trim(); }).join(" | ")};
		}
		return {value: found[0].querySelector("input").value};
	}).apply(null, %s)`, args)))
	if res["error"] != "" {
		t.Fatalf("choose %q (%s) in %s: %s", labelText, name, container, res["error"])
	}
	return res["value"]
}

// ivFitsWidth checks that the page does not scroll sideways on a phone.
func ivFitsWidth(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	w := run(t, ctx, "viewport width", chromedp.Evaluate[int](`window.innerWidth`))
	if w != 360 {
		t.Fatalf("viewport is %dpx wide, want the emulated 360px", w)
	}
	if sw := run(t, ctx, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > w {
		wide := run(t, ctx, "wide elements", chromedp.Evaluate[[]string](`Array.prototype.slice.call(document.querySelectorAll("body *"))
			.filter(function (e) { return e.getBoundingClientRect().right > window.innerWidth + 0.5; })
			.slice(0, 5).map(function (e) { return e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " " + Math.round(e.getBoundingClientRect().right) + "px"; })`))
		t.Errorf("%s is %dpx wide on a %dpx screen: it scrolls sideways (widest: %v)", what, sw, w, wide)
	}
}

// ivTexts is the trimmed, whitespace-collapsed text of every element matching sel.
func ivTexts(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	q, _ := json.Marshal(sel)
	return run(t, ctx, "texts of "+sel, chromedp.Evaluate[[]string](fmt.Sprintf(`Array.prototype.map.call(document.querySelectorAll(%s),
		function (e) { return e.textContent.replace(/\s+/g, " ").trim(); })`, q)))
}

// ivCheckFlash checks the flash message names what happened and reads as a
// sentence (sentNotice takes a clause without its full stop and a noun).
func ivCheckFlash(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	got := text(t, ctx, "[data-testid=flash]")
	if !strings.Contains(got, want) {
		t.Errorf("flash = %q, want it to say %q", got, want)
	}
	if strings.Contains(got, ".;") || strings.Contains(got, ". is ") {
		t.Errorf("flash = %q: garbled sentence", got)
	}
}

// TestBrowserInterviewJourney: schedule → pick a time → blind scorecard →
// side-by-side review → decision consultation → offer stage.
func TestBrowserInterviewJourney(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	candID, appID := app.candidateID(ivAmeliaEmail), app.applicationID(ivAmeliaEmail)
	staffPath := fmt.Sprintf("/admin/candidates/%d", candID)
	staffPage := app.URL + staffPath
	var positionID int64
	if err := app.Store.DB().Raw("SELECT position_id FROM applications WHERE id = ?", appID).Scan(&positionID).Error; err != nil || positionID == 0 {
		t.Fatalf("Amelia's position: %v", err)
	}
	// Three times a week after the fake clock's Tuesday 1 December 2026, 45
	// minutes each, in the portal's zone (UTC in tests).
	slots := []string{"2026-12-08T10:00", "2026-12-09T14:00", "2026-12-10T11:30"}
	slotLabels := []string{"Tuesday 8 December 2026, 10:00–10:45", "Wednesday 9 December 2026, 14:00–14:45", "Thursday 10 December 2026, 11:30–12:15"}
	const (
		kind       = "Commercial negotiation interview"
		location   = "London office, 5th floor"
		panelNames = "Hugo Manager (Head of Sales), Ines Interviewer (Senior Account Executive)"
		bookedWhen = "Wednesday 9 December 2026, 14:00–14:45 (UTC)"
		proposal   = "Offer Amelia the Account Executive role."
		rationale  = "Strong negotiation round; the panel's scores are above the bar."
	)

	// 1. The recruiter opens Amelia and schedules an interview.
	rec := newBrowser(t)
	browserLoginStaff(t, rec, app, recruiterEmail, "/admin")
	open(t, rec, staffPage, "[data-testid=interviews]")
	if got := text(t, rec, "[data-testid=candidate-name]"); got != ivAmeliaName {
		t.Fatalf("candidate page name = %q, want %s", got, ivAmeliaName)
	}
	if got := text(t, rec, "[data-testid=staff-application] h2"); got != "Account Executive" {
		t.Fatalf("Amelia's application = %q, want Account Executive", got)
	}
	if got := text(t, rec, "[data-testid=decision]"); !strings.Contains(got, "needs an approved decision before the offer stage") {
		t.Errorf("decision section = %q, want the hint that the position needs an approved decision", got)
	}
	newPath := fmt.Sprintf("/admin/applications/%d/interviews/new", appID)
	if status := submit(t, rec, fmt.Sprintf(`[data-testid=interviews] a[href="%s"]`, newPath)); status != http.StatusOK {
		t.Fatalf("open Schedule an interview: status %d", status)
	}
	if got := path(t, rec); got != newPath {
		t.Fatalf("Schedule an interview leads to %s, want %s", got, newPath)
	}
	if got := text(t, rec, "main h1"); got != "Schedule an interview" {
		t.Fatalf("scheduling page heading = %q", got)
	}
	if n := elementCount(t, rec, `input[type=datetime-local][name=slots]`); n < 3 {
		t.Fatalf("the scheduling form has %d time inputs, want at least 3", n)
	}
	kindValue := selectOption(t, rec, "#kind", kind)
	fill(t, rec, "duration", "45")
	fill(t, rec, "location", location)
	for i, s := range slots {
		setDate(t, rec, fmt.Sprintf("slot-%d", i), s)
	}
	createBtn := fmt.Sprintf(`form[action="/admin/applications/%d/interviews"] button[type=submit]`, appID)

	// First without a panel: refused, with everything typed kept.
	if status := submit(t, rec, createBtn); status != http.StatusUnprocessableEntity {
		t.Errorf("create without a panel: status %d, want 422", status)
	}
	waitVisible(t, rec, "[data-testid=error-summary]")
	if got := text(t, rec, "[data-testid=error-summary]"); !strings.Contains(got, "Choose at least one interviewer") {
		t.Errorf("error summary = %q, want the panel error", got)
	}
	if got := text(t, rec, "[data-testid=panel-choices] #panel-error"); got != "Choose at least one interviewer for the panel." {
		t.Errorf("panel field error = %q", got)
	}
	if got := fieldValue(t, rec, "#location"); got != location {
		t.Errorf("location after the error = %q, want the typed %q", got, location)
	}
	if got := fieldValue(t, rec, "#duration"); got != "45" {
		t.Errorf("duration after the error = %q, want 45", got)
	}
	if got := fieldValue(t, rec, "#kind"); got != kindValue {
		t.Errorf("kind after the error = %q, want %q", got, kindValue)
	}
	for i, s := range slots {
		if got := fieldValue(t, rec, fmt.Sprintf("#slot-%d", i)); got != s {
			t.Errorf("time %d after the error = %q, want the typed %q", i+1, got, s)
		}
	}
	if n := app.sqlCount("SELECT count(*) FROM interview_rounds WHERE application_id = ?", appID); n != 0 {
		t.Fatalf("a refused form created %d interview rounds", n)
	}

	// Then with Ines and Hugo on the panel.
	inesID := ivChoiceValue(t, rec, "[data-testid=panel-choices]", "panel", "Ines Interviewer")
	hugoID := ivChoiceValue(t, rec, "[data-testid=panel-choices]", "panel", "Hugo Manager")
	tick(t, rec, fmt.Sprintf(`[data-testid=panel-choices] input[name=panel][value="%s"]`, inesID))
	tick(t, rec, fmt.Sprintf(`[data-testid=panel-choices] input[name=panel][value="%s"]`, hugoID))
	// Amelia is at Interview completed: a commercial negotiation interview moves her on, past two
	// stages, which the form asks to confirm first.
	if status := submit(t, rec, createBtn); status != http.StatusUnprocessableEntity {
		t.Fatalf("create the interview without confirming the stages passed over: status %d, want 422", status)
	}
	waitVisible(t, rec, "[data-testid=round-confirm-skip]")
	tick(t, rec, "[data-testid=round-confirm-skip]")
	if status := submit(t, rec, createBtn); status != http.StatusOK {
		t.Fatalf("create the interview: status %d", status)
	}
	roundPath := path(t, rec)
	m := regexp.MustCompile(`^/admin/interviews/(\d+)$`).FindStringSubmatch(roundPath)
	if m == nil {
		t.Fatalf("after creating, the recruiter is on %s, want the interview's page", roundPath)
	}
	roundID := m[1]
	ivCheckFlash(t, rec, "Interview created with 3 time")
	if got := text(t, rec, "[data-testid=round-title]"); got != kind+": "+ivAmeliaName {
		t.Errorf("round title = %q, want %q", got, kind+": "+ivAmeliaName)
	}
	if got := text(t, rec, "[data-testid=round-status]"); got != "Waiting for the candidate to pick a time" {
		t.Fatalf("round status = %q, want Waiting for the candidate to pick a time", got)
	}
	if got := ivTexts(t, rec, "[data-testid=round-slots] li"); strings.Join(got, "\n") != strings.Join(slotLabels, "\n") {
		t.Fatalf("times offered = %q, want %q", got, slotLabels)
	}
	if got := text(t, rec, "[data-testid=round-panel]"); got != panelNames {
		t.Errorf("panel = %q, want %q", got, panelNames)
	}

	// 2. Amelia signs in, sees the invitation on /me and picks the second time.
	cand := newBrowser(t)
	do(t, cand, "emulate a 360px viewport", chromedp.EmulateViewport(360, 800))
	link, err := app.Store.IssueSignInLink(context.Background(), ivAmeliaEmail)
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, cand, link)
	waitVisible(t, cand, "[data-testid=candidate-rounds]")
	if got := text(t, cand, "[data-testid=candidate-rounds]"); !strings.Contains(got, kind) || !strings.Contains(got, "please choose a time") {
		t.Fatalf("/me interviews = %q, want %s and please choose a time", got, kind)
	}
	candRoundPath := fmt.Sprintf("/me/applications/%d/interviews/%s", appID, roundID)
	if status := submit(t, cand, fmt.Sprintf(`[data-testid=candidate-rounds] a[href="%s"]`, candRoundPath)); status != http.StatusOK {
		t.Fatalf("open the interview: status %d", status)
	}
	if got := path(t, cand); got != candRoundPath {
		t.Fatalf("the interview link leads to %s, want %s", got, candRoundPath)
	}
	if got := text(t, cand, "[data-testid=interview-title]"); got != kind {
		t.Errorf("interview title shown to Amelia = %q, want %q", got, kind)
	}
	waitVisible(t, cand, "[data-testid=pick-form]")
	if got := text(t, cand, "[data-testid=pick-form] legend"); got != "Times in UTC" {
		t.Errorf("times legend = %q, want it to name the zone: Times in UTC", got)
	}
	if got := ivTexts(t, cand, "[data-testid=pick-form] label"); strings.Join(got, "\n") != strings.Join(slotLabels, "\n") {
		t.Fatalf("times Amelia can choose = %q, want %q", got, slotLabels)
	}
	values := run(t, cand, "slot values", chromedp.Evaluate[[]string](`Array.prototype.map.call(
		document.querySelectorAll("[data-testid=pick-form] input[type=radio][name=slot_id]"), function (i) { return i.value; })`))
	if len(values) != 3 {
		t.Fatalf("%d radio buttons, want 3", len(values))
	}
	ivFitsWidth(t, cand, "the candidate's interview page")
	screenshot(t, cand, "interview-candidate-pick-mobile.png")
	tick(t, cand, fmt.Sprintf(`[data-testid=pick-form] input[name=slot_id][value="%s"]`, values[1]))
	if status := submit(t, cand, "[data-testid=pick-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("book the time: status %d", status)
	}
	if got := path(t, cand); got != candRoundPath {
		t.Fatalf("after booking Amelia is on %s, want %s", got, candRoundPath)
	}
	ivCheckFlash(t, cand, "Your interview is booked")
	if got := text(t, cand, "[data-testid=interview-when]"); got != bookedWhen {
		t.Fatalf("booked time = %q, want %q", got, bookedWhen)
	}
	if got := text(t, cand, "[data-testid=interview-panel]"); got != panelNames {
		t.Errorf("panel shown to Amelia = %q, want %q", got, panelNames)
	}
	if got := text(t, cand, "main"); !strings.Contains(got, "You will meet") {
		t.Errorf("the booked interview page does not say whom Amelia will meet")
	}
	if n := elementCount(t, cand, "[data-testid=pick-form]"); n != 0 {
		t.Errorf("the booked interview still offers times to pick")
	}
	ivFitsWidth(t, cand, "the candidate's booked interview page")
	screenshot(t, cand, "interview-candidate-booked-mobile.png")
	open(t, cand, app.URL+"/me", "[data-testid=candidate-rounds]")
	if got := text(t, cand, "[data-testid=candidate-rounds]"); !strings.Contains(got, bookedWhen) || !strings.Contains(got, "You will meet "+panelNames) {
		t.Errorf("/me interviews after booking = %q, want the time and the panel", got)
	}

	// 3. Ines signs in to her interviews, opens the round and scores it.
	ines := newBrowser(t)
	do(t, ines, "emulate a 360px viewport", chromedp.EmulateViewport(360, 800))
	browserLoginStaff(t, ines, app, interviewerEmail, "/admin")
	open(t, ines, app.URL+"/admin/interviews", "main h1")
	if got := text(t, ines, "main h1"); got != "My interviews" {
		t.Fatalf("interviewer's interviews heading = %q, want My interviews", got)
	}
	roundLink := fmt.Sprintf(`[data-testid=my-upcoming] a[href="%s"]`, roundPath)
	waitVisible(t, ines, roundLink)
	if got := text(t, ines, roundLink); got != ivAmeliaName {
		t.Errorf("upcoming interview link = %q, want %s", got, ivAmeliaName)
	}
	if got := text(t, ines, "[data-testid=my-upcoming]"); !strings.Contains(got, bookedWhen) {
		t.Errorf("upcoming interviews = %q, want the booked time %s", got, bookedWhen)
	}
	if status := submit(t, ines, roundLink); status != http.StatusOK {
		t.Fatalf("open the round: status %d", status)
	}
	if got := path(t, ines); got != roundPath {
		t.Fatalf("the round link leads to %s, want %s", got, roundPath)
	}
	if got := text(t, ines, "[data-testid=round-when]"); got != bookedWhen {
		t.Errorf("round time for the interviewer = %q, want %q", got, bookedWhen)
	}
	// Before the interview the scorecard is not open yet, and says so.
	waitVisible(t, ines, "[data-testid=scorecard-not-yet]")
	if n := elementCount(t, ines, "[data-testid=scorecard-form]"); n != 0 {
		t.Errorf("the scorecard form is offered before the interview took place")
	}
	// The interview takes place (sessions have expired by then: sign in again).
	app.Clock.Advance(time.Date(2026, 12, 9, 15, 0, 0, 0, time.UTC).Sub(app.Clock.Now()))
	browserLoginStaff(t, ines, app, interviewerEmail, "/admin")
	open(t, ines, app.URL+roundPath, "[data-testid=scorecard-form]")
	waitVisible(t, ines, "[data-testid=blind-notice]")
	waitVisible(t, ines, "[data-testid=scorecard-form]")
	type criterion struct {
		Name   string `json:"name"`
		Legend string `json:"legend"`
	}
	criteria := run(t, ines, "criteria", chromedp.Evaluate[[]criterion](`Array.prototype.map.call(
		document.querySelectorAll("[data-testid=scorecard-form] fieldset"), function (f) {
			var r = f.querySelector("input[type=radio]");
			return {name: r ? r.name : "", legend: f.querySelector("legend").textContent.trim()};
		}).filter(function (c) { return c.name.indexOf("rating_") === 0; })`))
	wantCriteria := []string{"Negotiation", "Customer empathy", "Values and teamwork"}
	if len(criteria) != len(wantCriteria) {
		t.Fatalf("scorecard criteria = %+v, want %v", criteria, wantCriteria)
	}
	ratings := []string{"3", "4", "2"}
	for i, c := range criteria {
		if c.Legend != wantCriteria[i] {
			t.Errorf("criterion %d = %q, want %q", i+1, c.Legend, wantCriteria[i])
		}
		if n := elementCount(t, ines, fmt.Sprintf(`input[type=radio][name=%s]`, c.Name)); n != 4 {
			t.Errorf("criterion %s has %d ratings, want 4", c.Legend, n)
		}
		tick(t, ines, fmt.Sprintf(`input[type=radio][name=%s][value="%s"]`, c.Name, ratings[i]))
	}
	tick(t, ines, `[data-testid=scorecard-form] input[name=recommendation][value="yes"]`)
	fill(t, ines, "notes", "Handled the pricing objection calmly; keep an eye on discovery questions.")
	ivFitsWidth(t, ines, "the scorecard page")
	screenshot(t, ines, "interview-scorecard-mobile.png")
	if status := submit(t, ines, "[data-testid=scorecard-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("submit the scorecard: status %d", status)
	}
	if got := path(t, ines); got != roundPath {
		t.Fatalf("after the scorecard Ines is on %s, want %s", got, roundPath)
	}
	ivCheckFlash(t, ines, "Scorecard saved")
	if n := elementCount(t, ines, "[data-testid=blind-notice]"); n != 0 {
		t.Errorf("the blind notice is still shown after Ines submitted her scorecard")
	}
	if got := text(t, ines, "[data-testid=round-submitted]"); got != "1 of 2" {
		t.Errorf("scorecards in = %q, want 1 of 2", got)
	}
	for i, c := range criteria {
		if got := run(t, ines, "checked rating", chromedp.Evaluate[bool](fmt.Sprintf(`!!document.querySelector('input[name=%s][value="%s"]:checked')`, c.Name, ratings[i]))); !got {
			t.Errorf("after saving, %s is not shown with the rating %s", c.Legend, ratings[i])
		}
	}
	ivFitsWidth(t, ines, "the scorecard page after saving")
	if n := app.sqlCount(`SELECT count(*) FROM scorecards sc JOIN staff_users u ON u.id = sc.interviewer_id
		WHERE sc.round_id = ? AND u.email = ? AND sc.recommendation = 'yes'`, roundID, interviewerEmail); n != 1 {
		t.Fatalf("Ines's stored scorecards with the recommendation yes: %d, want 1", n)
	}

	// 4. Hugo compares the sales candidates: Amelia's averages are Ines's ratings.
	hugo := newBrowser(t)
	browserLoginStaff(t, hugo, app, managerEmail, "/admin")
	open(t, hugo, fmt.Sprintf("%s/admin/positions/%d/review", app.URL, positionID), "[data-testid=review-table]")
	if got := text(t, hugo, "main h1"); got != "Compare candidates: Account Executive" {
		t.Errorf("review heading = %q", got)
	}
	type reviewRow struct {
		Name     string   `json:"name"`
		Averages []string `json:"averages"`
		Recs     string   `json:"recs"`
	}
	rows := run(t, hugo, "review rows", chromedp.Evaluate[[]reviewRow](`Array.prototype.map.call(
		document.querySelectorAll("[data-testid=review-table] [data-testid=review-row]"), function (r) {
			var avgs = r.querySelectorAll("[data-testid=review-average]");
			return {name: r.querySelector("th").textContent.trim(),
				averages: Array.prototype.map.call(avgs, function (c) { return c.textContent.trim(); }),
				recs: avgs.length ? avgs[avgs.length - 1].nextElementSibling.textContent.replace(/\s+/g, " ").trim() : ""};
		})`))
	headers := ivTexts(t, hugo, "[data-testid=review-table] thead th")
	if len(headers) < 2+len(wantCriteria) || strings.Join(headers[2:2+len(wantCriteria)], "|") != strings.Join(wantCriteria, "|") {
		t.Errorf("review columns = %q, want the criteria %v after Candidate and Stage", headers, wantCriteria)
	}
	var amelia *reviewRow
	for i := range rows {
		if rows[i].Name == ivAmeliaName {
			amelia = &rows[i]
		}
	}
	if amelia == nil {
		t.Fatalf("the review has no row for %s: %+v", ivAmeliaName, rows)
	}
	if want := []string{"3.0", "4.0", "2.0"}; strings.Join(amelia.Averages, "|") != strings.Join(want, "|") {
		t.Errorf("Amelia's averages = %q, want %q", amelia.Averages, want)
	}
	if amelia.Recs != "Yes: 1" {
		t.Errorf("Amelia's recommendations = %q, want Yes: 1", amelia.Recs)
	}

	// 5. The offer stage is refused until colleagues approve the decision.
	browserLoginStaff(t, rec, app, recruiterEmail, "/admin")
	open(t, rec, staffPage, "[data-testid=move-form]")
	if got := text(t, rec, "[data-testid=interviews] [data-testid=round-row]"); !strings.Contains(got, "Scheduled") ||
		!strings.Contains(got, bookedWhen) || !strings.Contains(got, "1 of 2 scorecards") {
		t.Errorf("interview row on Amelia's page = %q, want Scheduled, the time and 1 of 2 scorecards", got)
	}
	// The offer stage opens by sending an offer: an approved one waits.
	ctx := context.Background()
	recActor := models.Actor{Kind: "staff", ID: app.staffID(recruiterEmail), Email: recruiterEmail, Role: models.RoleRecruiter}
	version, err := app.Store.SaveOfferDraft(ctx, recActor, appID, models.OfferInput{JobTitle: "Account Executive", SalaryAmount: "65000",
		SalaryCurrency: "gbp", SalaryPeriod: "year", StartDate: "2027-02-01", Location: "London", WorkingPattern: "Full time",
		ExpiresOn: app.Clock.Now().AddDate(0, 0, 14).Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Store.SubmitOffer(ctx, recActor, version.ID); err != nil {
		t.Fatal(err)
	}
	if err := app.Store.ApproveOffer(ctx, models.Actor{Kind: "staff", ID: app.staffID(managerEmail), Email: managerEmail, Role: models.RoleHiringManager}, version.ID); err != nil {
		t.Fatal(err)
	}
	sendOffer := func() int {
		t.Helper()
		open(t, rec, staffPage, "[data-testid=offer-send]")
		if status := submit(t, rec, "[data-testid=offer-send]"); status != http.StatusOK {
			t.Fatalf("opening the send confirmation: status %d", status)
		}
		return submit(t, rec, "[data-testid=confirm-send]")
	}
	if status := sendOffer(); status != http.StatusUnprocessableEntity {
		t.Errorf("sending the offer without a decision: status %d, want 422", status)
	}
	if got := text(t, rec, "main"); !strings.Contains(got, "needs an approved hiring decision") {
		t.Fatalf("page after the refused send = %q, want the approved decision error", got)
	}
	// Amelia is where the interview moved her: the refused send left her there.
	if got := app.applicationStage(appID); got != string(models.StageCommercialNegotiation) {
		t.Fatalf("stage after the refused send = %q, want commercial_negotiation", got)
	}
	open(t, rec, staffPage, "[data-testid=decision]")

	do(t, rec, "open Ask colleagues for a decision", chromedp.Click(chromedp.CSS("[data-testid=decision] details > summary")))
	fill(t, rec, fmt.Sprintf("proposal-%d", appID), proposal)
	consultHugo := ivChoiceValue(t, rec, "[data-testid=decision] details", "consulted", "Hugo Manager")
	if consultHugo != hugoID {
		t.Errorf("Hugo's checkbox value = %s in the decision form, %s in the panel", consultHugo, hugoID)
	}
	tick(t, rec, fmt.Sprintf(`[data-testid=decision] input[name=consulted][value="%s"]`, consultHugo))
	if status := submit(t, rec, fmt.Sprintf(`[data-testid=decision] form[action="/admin/applications/%d/decision"] button[type=submit]`, appID)); status != http.StatusOK {
		t.Fatalf("ask for a decision: status %d", status)
	}
	if got := path(t, rec); got != staffPath {
		t.Fatalf("after asking, the recruiter is on %s, want %s", got, staffPath)
	}
	ivCheckFlash(t, rec, "Your colleagues have been asked for their decision")
	if got := text(t, rec, "[data-testid=decision-status]"); got != "Waiting for answers" {
		t.Fatalf("decision status = %q, want Waiting for answers", got)
	}
	if got := text(t, rec, "[data-testid=decision-request]"); !strings.Contains(got, proposal) || !strings.Contains(got, "Hugo Manager") {
		t.Errorf("decision request = %q, want the proposal and Hugo", got)
	}

	// Hugo finds the question among his pending decisions and approves it
	// on Amelia's page.
	open(t, hugo, app.URL+"/admin/interviews", "[data-testid=pending-decisions]")
	if got := text(t, hugo, "[data-testid=pending-decisions]"); !strings.Contains(got, ivAmeliaName) || !strings.Contains(got, proposal) {
		t.Errorf("Hugo's pending decisions = %q, want Amelia and the proposal", got)
	}
	open(t, hugo, staffPage, "[data-testid=decision-respond]")
	tick(t, hugo, `[data-testid=decision-respond] input[name=verdict][value="approve"]`)
	rationaleID := run(t, hugo, "rationale id", chromedp.AttributeValue(chromedp.CSS("[data-testid=decision-respond] textarea[name=rationale]"), "id")).Value
	fill(t, hugo, rationaleID, rationale)
	if status := submit(t, hugo, "[data-testid=decision-respond] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("answer the decision: status %d", status)
	}
	if got := path(t, hugo); got != staffPath {
		t.Fatalf("after answering, Hugo is on %s, want %s", got, staffPath)
	}
	ivCheckFlash(t, hugo, "Your answer has been recorded")
	if got := text(t, hugo, "[data-testid=decision-status]"); got != "Approved" {
		t.Fatalf("decision status after Hugo's answer = %q, want Approved", got)
	}
	if got := text(t, hugo, "[data-testid=decision-request]"); !strings.Contains(got, "approves") || !strings.Contains(got, rationale) {
		t.Errorf("decision request = %q, want Hugo's approval with his reasons", got)
	}
	if n := elementCount(t, hugo, "[data-testid=decision-respond]"); n != 0 {
		t.Errorf("the decided consultation still asks Hugo for an answer")
	}

	// 6. Now the offer goes out, and Amelia is at the offer stage.
	open(t, rec, staffPage, "[data-testid=decision]")
	if got := text(t, rec, "[data-testid=decision-status]"); got != "Approved" {
		t.Fatalf("decision status for the recruiter = %q, want Approved", got)
	}
	if status := sendOffer(); status != http.StatusOK {
		t.Fatalf("sending the offer after approval: status %d", status)
	}
	open(t, rec, staffPage, "[data-testid=app-stage]")
	if got := text(t, rec, "[data-testid=app-stage]"); got != "Offer" {
		t.Fatalf("stage after the offer was sent = %q, want Offer", got)
	}

	// The audit log keeps the consultation: the request, Hugo's approval and
	// the outcome.
	type auditRow struct {
		Action    string
		ActorKind string
		Email     string
	}
	var audit []auditRow
	if err := app.Store.DB().Raw(`SELECT action, actor_kind, actor_email AS email FROM audit_log
		WHERE subject_type = 'application' AND subject_id = ? AND action LIKE 'decision.%' ORDER BY id`, appID).Scan(&audit).Error; err != nil {
		t.Fatal(err)
	}
	want := []auditRow{
		{"decision.requested", "staff", recruiterEmail},
		{"decision.answer_approve", "staff", managerEmail},
		{"decision.approved", "system", "consultation"},
	}
	if fmt.Sprint(audit) != fmt.Sprint(want) {
		t.Errorf("decision audit rows = %+v, want %+v", audit, want)
	}
	if n := app.sqlCount(`SELECT count(*) FROM applications WHERE id = ? AND stage = 'offer'`, appID); n != 1 {
		t.Errorf("stored stage is not offer")
	}
}
