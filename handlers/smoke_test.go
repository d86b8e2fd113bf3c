package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

func TestStaffCanSignInAndSeeCandidates(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	res := c.get("/admin/candidates")
	if res.Status != http.StatusOK {
		t.Fatalf("candidates: %d", res.Status)
	}
	rows := res.Doc(t).Find("[data-testid=candidates-table] tbody tr").Length()
	if rows < 15 {
		t.Fatalf("recruiter sees %d rows, want all 16 demo applications", rows)
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store on signed-in pages", got)
	}
}

func TestCandidateSeesCurrentStage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginCandidate("ben.okafor@example.com")
	res := c.get("/me")
	if res.Status != http.StatusOK {
		t.Fatalf("/me: %d", res.Status)
	}
	doc := res.Doc(t)
	if got := doc.Find("[data-testid=stepper] [aria-current=step] .step-label").Text(); got != "Assessment day" {
		t.Fatalf("current step = %q, want Assessment day", got)
	}
	appID := app.applicationID("ben.okafor@example.com")
	if res := c.get(fmt.Sprintf("/me/applications/%d", appID)); res.Status != http.StatusOK {
		t.Fatalf("own application: %d", res.Status)
	}
	_ = url.Values{}
}
