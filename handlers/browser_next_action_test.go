package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserNextAction: the candidate's home page leads with the one thing
// to do now, at 1280 and at 360 px, and its button leads to where it is
// done. Ben has an assessment-day seat held for him from the waitlist (not
// "Choose your assessment day"), Wally waits on that day's waitlist and sees
// his place, Farid has interview times to pick, Sofia an offer to answer.
// Screenshots of each at both widths are kept with the run's others.
func TestBrowserNextAction(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	day1 := app.assessmentDayID(assessSalesDay1)
	app.setCapacity(day1, 1)
	holderID, holderApp := app.newAssessmentCandidate("Hana Holder", "hana.holder@example.com", assessSales)
	app.bookAs(holderID, holderApp, day1)
	benApp := app.applicationID(assessBen)
	app.joinWaitlistAs(app.candidateID(assessBen), benApp, day1)
	app.Clock.Advance(time.Second) // Wally joins after Ben
	wallyID, wallyApp := app.newAssessmentCandidate("Wally Waiter", "wally.waiter@example.com", assessSales)
	app.joinWaitlistAs(wallyID, wallyApp, day1)
	if err := app.Store.CancelSeat(ctx, candidateActor(holderID), holderApp); err != nil { // held for Ben now
		t.Fatal(err)
	}
	faridApp, sofiaApp := app.applicationID("farid.haddad@example.com"), app.applicationID("sofia.costa@example.com")
	var faridRound int64
	mustDB(t, app.Store.DB().Raw("SELECT id FROM interview_rounds WHERE application_id = ? AND status = 'proposed'", faridApp).Scan(&faridRound))

	for _, c := range []struct {
		who, email, move, title, due string
		page, landing, landingText   string
	}{
		{"ben", assessBen, "accept_seat", "Accept the assessment-day seat offered to you", "Held for you until Wednesday 2 December",
			assessmentPath(benApp), "[data-testid=offer]", "holding it for you"},
		{"wally", "wally.waiter@example.com", "waitlisted", "You are number 1 on the waitlist", "",
			assessmentPath(wallyApp), "[data-testid=waitlist-place]", "number 1"},
		{"farid", "farid.haddad@example.com", "pick_time", "Choose a time for your interview", "",
			fmt.Sprintf("/me/applications/%d/interviews/%d", faridApp, faridRound), "[data-testid=pick-form]", ""},
		{"sofia", "sofia.costa@example.com", "answer_offer", "Answer your job offer", "Due by ",
			fmt.Sprintf("/me/applications/%d/offer", sofiaApp), "[data-testid=offer-terms]", ""},
	} {
		link, err := app.Store.IssueSignInLink(ctx, c.email)
		if err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t)
		browserUseSignInLink(t, b, link)
		for _, width := range []int{1280, 360} {
			do(t, b, fmt.Sprintf("emulate a %dpx viewport", width), chromedp.EmulateViewport(int64(width), 800))
			open(t, b, app.URL+"/me", "[data-testid=next-action]")
			at := fmt.Sprintf("%s @%dpx", c.who, width)
			if got := attr(t, b, "[data-testid=next-action]", "data-move"); got != c.move {
				t.Errorf("%s: the first thing to do is %q, want %q", at, got, c.move)
			}
			if got := text(t, b, "[data-testid=next-action-title]"); got != c.title {
				t.Errorf("%s: the card reads %q, want %q", at, got, c.title)
			}
			if c.due != "" {
				if got := text(t, b, "[data-testid=next-action-due]"); !strings.HasPrefix(got, c.due) {
					t.Errorf("%s: due %q, want it to start %q", at, got, c.due)
				}
			}
			// The card leads: above the application, on the first screen.
			box := run(t, b, "where the card is", chromedp.Evaluate[struct{ Top, Bottom, App float64 }](`(function () {
				var r = document.querySelector("[data-testid=next-action]").getBoundingClientRect();
				return {top: r.top, bottom: r.bottom, app: document.querySelector("[data-testid=application]").getBoundingClientRect().top};
			})()`))
			if box.Bottom > 800 || box.Top > box.App {
				t.Errorf("%s: the card spans %.0f–%.0f px, the application starts at %.0f: it does not lead the page", at, box.Top, box.Bottom, box.App)
			}
			if n := countIn(t, b, "[data-move=book_seat]"); c.who != "farid" && c.who != "sofia" && n != 0 {
				t.Errorf("%s: asked to choose an assessment day (%d times) while a seat is held or waited for", at, n)
			}
			if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > width {
				t.Errorf("%s: the page is %dpx wide: it scrolls sideways", at, sw)
			}
			screenshot(t, b, fmt.Sprintf("next-action-%s-%d.png", c.who, width))
			if status := submit(t, b, "[data-testid=next-action-button]"); status != 200 {
				t.Fatalf("%s: following the next action: status %d", at, status)
			}
			if got := path(t, b); got != c.page {
				t.Fatalf("%s: the next action leads to %s, want %s", at, got, c.page)
			}
			waitVisible(t, b, c.landing)
			if got := text(t, b, c.landing); !strings.Contains(got, c.landingText) {
				t.Errorf("%s: the page it leads to reads %q, want %q", at, got, c.landingText)
			}
		}
	}
}

// TestBrowserStepperDisclosure: on a 360 px phone the stepper is one line,
// "Step 3 of 11: Assessment day", with the whole list behind it; on a wide
// screen the whole list shows and the line does not.
func TestBrowserStepperDisclosure(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	link, err := app.Store.IssueSignInLink(context.Background(), assessBen)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	browserUseSignInLink(t, b, link)
	page := fmt.Sprintf("%s/me/applications/%d", app.URL, app.applicationID(assessBen))
	shown := func(sel string) bool {
		t.Helper()
		q := fmt.Sprintf("%q", sel)
		return run(t, b, "is "+sel+" shown", chromedp.Evaluate[bool](`(function () {
			var e = document.querySelector(`+q+`);
			return !!e && e.checkVisibility({visibilityProperty: true});
		})()`))
	}

	do(t, b, "emulate a 360px viewport", chromedp.EmulateViewport(360, 800))
	open(t, b, page, "[data-testid=stepper-summary]")
	if got := text(t, b, "[data-testid=stepper-summary]"); got != "Step 3 of 11: Assessment day" {
		t.Errorf("the phone's stepper reads %q, want Step 3 of 11: Assessment day", got)
	}
	if shown("[data-testid=stepper]") || shown("[data-testid=stepper-compact] li") {
		t.Errorf("at 360px the whole list of steps shows before it is asked for")
	}
	screenshot(t, b, "stepper-360-closed.png")
	do(t, b, "open the steps", chromedp.Click(chromedp.CSS("[data-testid=stepper-summary]")))
	waitVisible(t, b, `[data-testid=stepper-compact] li[aria-current="step"]`)
	if got := text(t, b, `[data-testid=stepper-compact] li[aria-current="step"]`); !strings.Contains(got, "Assessment day") {
		t.Errorf("the current step in the opened list reads %q", got)
	}
	if n := countIn(t, b, "[data-testid=stepper-compact] li"); n != 11 {
		t.Errorf("the opened list has %d steps, want 11", n)
	}
	if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
		t.Errorf("with the steps open the page is %dpx wide", sw)
	}
	screenshot(t, b, "stepper-360-open.png")

	do(t, b, "emulate a 1280px viewport", chromedp.EmulateViewport(1280, 900))
	open(t, b, page, "[data-testid=stepper]")
	if shown("[data-testid=stepper-summary]") {
		t.Errorf("at 1280px the one-line stepper shows beside the whole list")
	}
	if n := countIn(t, b, "[data-testid=stepper] li"); n != 11 {
		t.Errorf("the wide stepper has %d steps, want 11", n)
	}
}

// attr is the attribute name of the first element matching sel.
func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	return run(t, ctx, name+" of "+sel, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute(%q) || ""`, sel, name)))
}
