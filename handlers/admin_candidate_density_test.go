package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// The staff candidate page groups each application's changes into one
// "Next step" panel: the move to the next stage first, as the primary action,
// the outcome and the promised date behind "Other changes", every form
// posting where it did. Its history reads as sentences with people's names,
// without raw JSON.
func TestStaffCandidatePageHasOneNextStepPanelAndAHistoryInSentences(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	faridID := app.candidateID("farid.haddad@example.com")
	appID := app.applicationID("farid.haddad@example.com")
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	path := fmt.Sprintf("/admin/candidates/%d", faridID)
	base := fmt.Sprintf("/admin/applications/%d", appID)

	doc := staff.get(path).Doc(t)
	apps := doc.Find("[data-testid=staff-application]")
	if apps.Length() == 0 {
		t.Fatal("no application on Farid's page")
	}
	apps.Each(func(i int, a *goquery.Selection) {
		panels := a.Find("[data-testid=next-step]")
		if panels.Length() != 1 {
			t.Fatalf("application %d has %d Next step panels, want 1", i, panels.Length())
		}
		if h := strings.TrimSpace(panels.Find("h3").First().Text()); !strings.HasPrefix(h, "Next step") {
			t.Errorf("application %d: the panel's heading is %q, want Next step", i, h)
		}
		if a.Find("[data-testid=move-form], [data-testid=status-form], [data-testid=expected-form]").Not("[data-testid=next-step] *").Length() != 0 {
			t.Errorf("application %d has a move, outcome or promised-date form outside its Next step panel", i)
		}
	})
	panel := apps.First().Find("[data-testid=next-step]")
	move := panel.Children().Filter("form[data-testid=move-form]")
	if move.Length() != 1 {
		t.Fatal("the move form is not the panel's own, first-level form")
	}
	if action, _ := move.Attr("action"); action != base+"/move" {
		t.Errorf("the move form posts to %q, want %s/move", action, base)
	}
	if move.Find("button.primary-action[type=submit]").Length() != 1 || move.Find("select[name=to_stage]").Length() != 1 {
		t.Error("the move is not the primary action with its stage choice")
	}
	if next := move.Find("[data-testid=next-up]").Text(); !strings.Contains(next, "HR round") {
		t.Errorf("the panel says %q, want the next stage in the pipeline (HR round)", next)
	}
	other := panel.Find("details[data-testid=other-changes]")
	if other.Length() != 1 {
		t.Fatal("no Other changes disclosure in the panel")
	}
	if _, open := other.Attr("open"); open {
		t.Error("Other changes is open with no error to show")
	}
	for testID, want := range map[string][]string{"status-form": {"/status", "status", "reason", "send", "send_in_days"}, "expected-form": {"/expected", "expected_date", "expected_note"}} {
		f := other.Find("form[data-testid=" + testID + "]")
		if action, _ := f.Attr("action"); action != base+want[0] {
			t.Errorf("%s posts to %q, want %s%s", testID, action, base, want[0])
		}
		for _, name := range want[1:] {
			if f.Find("[name="+name+"]").Length() == 0 {
				t.Errorf("%s has no field %q", testID, name)
			}
		}
	}

	// A refused outcome shows its error with Other changes open.
	refused := staff.post(base+"/status", url.Values{"candidate_id": {fmt.Sprint(faridID)}, "status": {"rejected"}, "reason": {""}})
	if refused.Status != 422 {
		t.Fatalf("a rejection without a reason: %d, want 422", refused.Status)
	}
	if _, open := refused.Doc(t).Find("[data-testid=next-step] details[data-testid=other-changes]").First().Attr("open"); !open {
		t.Error("Other changes stays closed over the outcome form's error")
	}

	// A move and a promised date, then the history.
	toStage, _ := move.Find("select[name=to_stage] option").First().Attr("value")
	if r := staff.post(base+"/move", url.Values{"candidate_id": {fmt.Sprint(faridID)}, "to_stage": {toStage}, "note": {"Ready for HR."}}); r.Status != 303 {
		t.Fatalf("move: %d %.300s", r.Status, r.Body)
	}
	app.Clock.Advance(time.Minute)
	promised := app.Store.Now().AddDate(0, 0, 14)
	if r := staff.post(base+"/expected", url.Values{"candidate_id": {fmt.Sprint(faridID)}, "expected_date": {promised.Format("2006-01-02")},
		"expected_note": {"Waiting for the panel."}}); r.Status != 303 {
		t.Fatalf("promised date: %d %.300s", r.Status, r.Body)
	}
	timeline := staff.get(path).Doc(t).Find("[data-testid=timeline]")
	text := strings.Join(strings.Fields(timeline.Text()), " ")
	for _, want := range []string{
		"Rita Recruiter moved Farid Haddad from Additional interview to HR round",
		"Ready for HR.",
		"Rita Recruiter set the promised date to " + promised.Format("2 January 2006") + ": Waiting for the panel.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the history does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "{") || strings.Contains(strings.ToLower(text), "application #") {
		t.Errorf("the history shows raw JSON or an application number:\n%s", text)
	}
	if first := timeline.Find("li").First().AttrOr("data-testid", ""); first != "history-promise" {
		t.Errorf("the newest line is %q, want the promised date (newest first)", first)
	}
}
