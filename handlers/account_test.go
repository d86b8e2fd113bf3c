package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"nextstep/handlers"
	"nextstep/models"
)

func TestTOTPSetupAndSignIn(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	page := c.get("/admin/account")
	secret := strings.TrimSpace(page.Doc(t).Find("[data-testid=totp-secret]").Text())
	if len(secret) < 16 {
		t.Fatalf("no TOTP secret on the account page: %q", secret)
	}
	if src, _ := page.Doc(t).Find("[data-testid=totp-qr]").Attr("src"); !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Fatalf("no QR code image: %.60q", src)
	}
	if res := c.post("/admin/account/totp", url.Values{"code": {"000000"}}); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong setup code: %d", res.Status)
	}
	code, err := totp.GenerateCode(secret, app.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res := c.post("/admin/account/totp", url.Values{"code": {code}}); res.Status != http.StatusSeeOther {
		t.Fatalf("enabling TOTP: %d", res.Status)
	}
	if !strings.Contains(c.get("/admin/account").Body, `data-testid="totp-on"`) {
		t.Fatal("account page does not say two-step sign-in is on")
	}
	c.post("/logout", nil)
	app.Clock.Advance(30 * time.Second) // the setup code is spent: the next step's code signs in

	// Password alone now leads to the code page, not into the admin panel.
	c2 := app.newClient()
	res := c2.post("/staff/login", url.Values{"email": {recruiterEmail}, "password": {models.DemoPassword}})
	if res.Status != http.StatusSeeOther || res.Location != "/staff/login/totp" {
		t.Fatalf("password step: %d → %q", res.Status, res.Location)
	}
	if res := c2.get("/admin/candidates"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/staff/login") {
		t.Fatalf("admin reachable before the second factor: %d %q", res.Status, res.Location)
	}
	if res := c2.post("/staff/login/totp", url.Values{"code": {"123456"}}); res.Status != http.StatusUnauthorized {
		t.Fatalf("wrong code: %d", res.Status)
	}
	code, _ = totp.GenerateCode(secret, app.Clock.Now())
	if res := c2.post("/staff/login/totp", url.Values{"code": {code}}); res.Status != http.StatusSeeOther || res.Location != "/admin" {
		t.Fatalf("right code: %d → %q", res.Status, res.Location)
	}
	if res := c2.get("/admin/candidates"); res.Status != http.StatusOK {
		t.Fatalf("after the second factor: %d", res.Status)
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	bad := []struct {
		form url.Values
		want string
	}{
		{url.Values{"current_password": {"wrong"}, "new_password": {"a-new-long-password"}, "confirm_password": {"a-new-long-password"}}, "current password is not correct"},
		{url.Values{"current_password": {models.DemoPassword}, "new_password": {"short"}, "confirm_password": {"short"}}, "at least 10"},
		{url.Values{"current_password": {models.DemoPassword}, "new_password": {"a-new-long-password"}, "confirm_password": {"different-password"}}, "do not match"},
	}
	for _, b := range bad {
		res := c.post("/admin/account/password", b.form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, b.want) {
			t.Errorf("%v: %d, want 422 with %q", b.form, res.Status, b.want)
		}
	}
	res := c.post("/admin/account/password", url.Values{"current_password": {models.DemoPassword}, "new_password": {"a-new-long-password"}, "confirm_password": {"a-new-long-password"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("change password: %d", res.Status)
	}
	if _, err := app.Store.Authenticate(context.Background(), recruiterEmail, "a-new-long-password", "203.0.113.1"); err != nil {
		t.Fatalf("new password does not work: %v", err)
	}
}

func TestInvitedStaffSetsPasswordAfterLink(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	res := admin.post("/admin/staff", url.Values{"name": {"Nina New"}, "email": {"nina@demo.nextstep.test"}, "role": {"interviewer"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("invite: %d %.200s", res.Status, res.Body)
	}
	body := app.storedBody(app.latestMessageID("nina@demo.nextstep.test", models.MsgStaffInvitation))
	link := body[strings.Index(body, app.URL):]
	link = strings.TrimPrefix(strings.Fields(link)[0], app.URL)
	nina := app.newClient()
	nina.get(link)
	res = nina.post(link, nil)
	if res.Status != http.StatusSeeOther || res.Location != "/admin/account" {
		t.Fatalf("invitation link: %d → %q", res.Status, res.Location)
	}
	res = nina.post("/admin/account/password", url.Values{"new_password": {"ninas-own-password"}, "confirm_password": {"ninas-own-password"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("setting the first password: %d %.300s", res.Status, res.Body)
	}
	if res := nina.get("/admin/candidates"); res.Status != http.StatusForbidden {
		t.Fatalf("an interviewer opened the candidate list: %d", res.Status)
	}
}

func TestAdminSendsStaffSignInLink(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	var recruiterID int64
	mustDB(t, app.Store.DB().Raw("SELECT id FROM staff_users WHERE email = ?", recruiterEmail).Scan(&recruiterID))
	if res := admin.post(fmt.Sprintf("/admin/staff/%d/link", recruiterID), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("send link: %d", res.Status)
	}
	body := app.storedBody(app.latestMessageID(recruiterEmail, models.MsgStaffSignInLink))
	link := strings.TrimPrefix(strings.Fields(body[strings.Index(body, app.URL):])[0], app.URL)
	rec := app.newClient()
	if res := rec.post(link, nil); res.Status != http.StatusSeeOther || res.Location != "/admin" {
		t.Fatalf("using the link: %d → %q", res.Status, res.Location)
	}
	// Only admins may send links.
	if res := rec.post(fmt.Sprintf("/admin/staff/%d/link", recruiterID), nil); res.Status != http.StatusForbidden {
		t.Fatalf("recruiter sending a link: %d", res.Status)
	}
}

func TestRequiredTOTPSendsStaffToSetUpFirst(t *testing.T) {
	t.Parallel()
	app := newTestAppWith(t, func(c *handlers.Config) { c.RequireTOTP = true })
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	res := c.get("/admin/candidates")
	if res.Status != http.StatusSeeOther || res.Location != "/admin/account" {
		t.Fatalf("without a second factor: %d → %q, want the account page", res.Status, res.Location)
	}
	page := c.get("/admin/account")
	if !strings.Contains(page.Body, "requires a second sign-in factor") {
		t.Fatal("the account page does not explain why")
	}
	secret := strings.TrimSpace(page.Doc(t).Find("[data-testid=totp-secret]").Text())
	code, _ := totp.GenerateCode(secret, app.Clock.Now())
	if res := c.post("/admin/account/totp", url.Values{"code": {code}}); res.Status != http.StatusSeeOther {
		t.Fatalf("enabling: %d", res.Status)
	}
	if res := c.get("/admin/candidates"); res.Status != http.StatusOK {
		t.Fatalf("after setting up: %d", res.Status)
	}
	if res := c.post("/admin/account/totp/disable", nil); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("turning a required factor off: %d", res.Status)
	}
}

// A staff member ticks "Email me each morning" on their account page and
// finds it kept; unticking turns it off again.
func TestAccountDailyDigestIsKept(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(managerEmail)
	ticked := func() bool {
		t.Helper()
		box := c.get("/admin/account").Doc(t).Find(`input[type=checkbox][name=digest]`)
		if box.Length() != 1 {
			t.Fatalf("%d digest boxes on the account page", box.Length())
		}
		_, on := box.Attr("checked")
		return on
	}
	if ticked() {
		t.Fatal("the daily email is on before the person asked for it")
	}
	if res := c.post("/admin/account/digest", url.Values{"digest": {"1"}}); res.Status != http.StatusSeeOther || res.Location != "/admin/account" {
		t.Fatalf("ticking the box: %d → %q", res.Status, res.Location)
	}
	if !ticked() {
		t.Error("the box is not ticked after saving it ticked")
	}
	if res := c.post("/admin/account/digest", url.Values{}); res.Status != http.StatusSeeOther {
		t.Fatalf("unticking the box: %d", res.Status)
	}
	if ticked() {
		t.Error("the box is still ticked after saving it unticked")
	}
	var audits int64
	if err := app.Store.DB().Raw("SELECT count(*) FROM audit_log WHERE action = 'staff.digest_changed' AND actor_id = ?",
		app.staffID(managerEmail)).Scan(&audits).Error; err != nil {
		t.Fatal(err)
	}
	if audits != 2 {
		t.Errorf("%d audit entries, want 2 (on, off)", audits)
	}
}
