package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The candidate's pages lead with the one thing to do now, and list what
// else is open in order with its due date: Noah's onboarding tasks, soonest
// due first, each leading to its task on his checklist; Liam's referees,
// Henrik's consent and Isabel's answer each lead to their page; Jonas, whose
// contract waits for the employer, has nothing to do and no card.
func TestCandidatePagesLeadWithTheNextAction(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	card := func(doc *goquery.Document) (move, title, href string) {
		c := doc.Find("[data-testid=next-action]")
		return c.AttrOr("data-move", ""), strings.TrimSpace(c.Find("[data-testid=next-action-title]").Text()),
			c.Find("[data-testid=next-action-button]").AttrOr("href", "")
	}

	noah := app.newClient()
	noah.loginCandidate(noahEmail)
	noahApp := app.applicationID(noahEmail)
	var tasks []int64
	mustDB(t, app.Store.DB().Raw(`SELECT id FROM onboarding_tasks WHERE application_id = ? AND assignee = 'starter'
		AND status IN ('open', 'returned') ORDER BY due_on, sort_order, id`, noahApp).Scan(&tasks))
	if len(tasks) < 2 {
		t.Fatalf("fixture: Noah has %d tasks to do, want several", len(tasks))
	}
	for _, page := range []string{"/me", fmt.Sprintf("/me/applications/%d", noahApp)} {
		doc := noah.get(page).Doc(t)
		move, _, href := card(doc)
		if want := fmt.Sprintf("/me/applications/%d/onboarding#task-%d", noahApp, tasks[0]); move != "onboarding_task" || href != want {
			t.Errorf("%s: Noah's card is %q leading to %q, want his soonest task at %s", page, move, href, want)
		}
		if due := doc.Find("[data-testid=next-action-due]").Text(); !strings.Contains(due, "Due by") {
			t.Errorf("%s: the card's due date reads %q", page, due)
		}
		items := doc.Find("[data-testid=open-moves] ol[start='2'] > li[data-testid=open-move]")
		if items.Length() != len(tasks)-1 {
			t.Fatalf("%s: %d more things listed, want %d", page, items.Length(), len(tasks)-1)
		}
		items.Each(func(i int, li *goquery.Selection) {
			want := fmt.Sprintf("/me/applications/%d/onboarding#task-%d", noahApp, tasks[i+1])
			if got := li.Find("a").AttrOr("href", ""); got != want {
				t.Errorf("%s: item %d leads to %q, want %q (soonest due first)", page, i+2, got, want)
			}
			if due := li.Find("[data-testid=open-move-due]").Text(); !strings.HasPrefix(strings.TrimSpace(due), "Due by") {
				t.Errorf("%s: item %d's due date reads %q", page, i+2, due)
			}
		})
	}

	for _, c := range []struct{ email, move, title, page string }{
		{"liam.obrien@example.com", "add_referees", "Add your referees", "/references"},
		{"henrik.larsen@example.com", "give_consent", "Give your consent for the background check", "/checks"},
		{"isabel.moreno@example.com", "answer_interest", "Tell us whether you are still interested", "/interest"},
		{"farid.haddad@example.com", "pick_time", "Choose a time for your interview", "/interviews/"},
	} {
		cl := app.newClient()
		cl.loginCandidate(c.email)
		move, title, href := card(cl.get("/me").Doc(t))
		if want := fmt.Sprintf("/me/applications/%d%s", app.applicationID(c.email), c.page); move != c.move || title != c.title || !strings.HasPrefix(href, want) {
			t.Errorf("%s: card %q %q → %q, want %q %q → %s", c.email, move, title, href, c.move, c.title, want)
		}
	}

	jonas := app.newClient()
	jonas.loginCandidate("jonas.weber@example.com")
	if doc := jonas.get("/me").Doc(t); doc.Find("[data-testid=next-action], [data-testid=open-moves]").Length() != 0 {
		t.Errorf("Jonas, with nothing to do, is shown a next action: %q", doc.Find("[data-testid=next-action]").Text())
	}
}
