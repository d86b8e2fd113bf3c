package handlers_test

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"
)

// TestClosingAPositionCountsInWords: the close button counts the applications
// to decide with the noun that fits ("decide 2 applications", "decide 1
// application"), never "application(s)".
func TestClosingAPositionCountsInWords(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(adminEmail)
	res := c.get(fmt.Sprintf("/admin/positions/%d/close?status=filled", app.positionID("Account Executive")))
	if res.Status != http.StatusOK {
		t.Fatalf("the close page: %d", res.Status)
	}
	got := squash(res.Doc(t).Find("[data-testid=confirm-close]").Text())
	m := regexp.MustCompile(`decide (\d+) (application|applications)$`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("the close button reads %q, want \"… decide N applications\"", got)
	}
	if (m[1] == "1") != (m[2] == "application") {
		t.Errorf("the close button reads %q: the noun does not agree with the count", got)
	}
}
