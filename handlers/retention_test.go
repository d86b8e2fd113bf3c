package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// A candidate whose applications have all closed sees on their account
// page when their data will be deleted and a "Keep my data" button, which
// restarts the timer (audited); staff see who is due, when and why.
func TestRetentionKeepButtonAndStaffPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	recruiter, err := app.Store.StaffByEmail(ctx, recruiterEmail)
	if err != nil {
		t.Fatal(err)
	}
	staff := models.Actor{Kind: "staff", ID: recruiter.ID, Email: recruiter.Email, Role: recruiter.Role}
	const amelia, chloe = "amelia.hart@example.com", "chloe.dubois@example.com"

	before := app.newClient()
	before.loginCandidate(amelia)
	if n := before.get("/me/account").Doc(t).Find(`[data-testid="retention-card"]`).Length(); n != 0 {
		t.Fatal("the retention card shows while her application is open")
	}
	for _, email := range []string{amelia, chloe} {
		if err := app.Store.ChangeStatus(ctx, staff, app.applicationID(email), models.StatusRejected, "Not this time"); err != nil {
			t.Fatal(err)
		}
	}
	app.Clock.Advance(335 * 24 * time.Hour) // 11 months on
	if _, err := app.Store.ApplyRetention(ctx); err != nil {
		t.Fatal(err)
	}

	// Staff: Chloe is listed with her date, her notice and why; not for a hiring manager.
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	res := admin.get("/admin/retention")
	if res.Status != http.StatusOK {
		t.Fatalf("admin: status %d", res.Status)
	}
	doc := res.Doc(t)
	row := doc.Find(`[data-testid="retention-` + strconv.FormatInt(app.candidateID(chloe), 10) + `"]`)
	text := strings.Join(strings.Fields(row.Text()), " ")
	if row.Length() != 1 || !strings.Contains(text, "Sent") || !strings.Contains(text, "1 application rejected") ||
		!strings.Contains(row.Find(`[data-testid="retention-due"]`).Text(), "Wednesday 1 December") {
		t.Fatalf("Chloe's row: %q", text)
	}
	if doc.Find(`nav a[href="/admin/retention"]`).Length() != 1 {
		t.Error("the More menu does not link the page")
	}
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	if s := rec.get("/admin/retention").Status; s != http.StatusOK {
		t.Errorf("recruiter: status %d", s)
	}
	mgr := app.newClient()
	mgr.loginStaff(managerEmail)
	if s := mgr.get("/admin/retention").Status; s != http.StatusForbidden && s != http.StatusNotFound {
		t.Errorf("hiring manager: status %d", s)
	}

	// The candidate: the card and the button.
	c := app.newClient()
	c.loginCandidate(amelia)
	card := c.get("/me/account").Doc(t).Find(`[data-testid="retention-card"]`)
	if card.Length() != 1 || !strings.Contains(card.Text(), "Keep my data for another 12 months") {
		t.Fatalf("the account page's retention card: %q", card.Text())
	}
	res = c.post("/me/account/keep-data", nil)
	if res.Status != http.StatusSeeOther || res.Location != "/me/account" {
		t.Fatalf("keep: %d → %q", res.Status, res.Location)
	}
	if body := c.get("/me/account").Body; !strings.Contains(body, "We will keep your data until at least") {
		t.Error("no confirmation after keeping")
	}
	var kept struct {
		Kept   bool
		Audits int64
	}
	mustDB(t, app.Store.DB().Raw(`SELECT retention_kept_at IS NOT NULL AS kept,
		(SELECT count(*) FROM audit_log WHERE action = 'candidate.retention_kept' AND subject_id = c.id) AS audits
		FROM candidates c WHERE c.id = ?`, app.candidateID(amelia)).Scan(&kept))
	if !kept.Kept || kept.Audits != 1 {
		t.Fatalf("after keeping: %+v", kept)
	}
	// Without the form's token nothing is kept.
	if res := c.postRaw("/me/account/keep-data", nil); res.Status != http.StatusForbidden {
		t.Errorf("keep without CSRF: status %d", res.Status)
	}
}
