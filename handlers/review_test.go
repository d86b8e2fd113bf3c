package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"
)

// Found in review: the outbox holds sign-in links, so nobody reads them there:
// admins and recruiters see the outbox with every sign-in link hidden, and
// the other roles not at all.
func TestNobodyReadsSignInLinksInTheOutbox(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	if err := app.Store.SendStaffSignInLink(context.Background(), app.adminActor(), app.staffID(interviewerEmail)); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{adminEmail, recruiterEmail} {
		c := app.newClient()
		c.loginStaff(who)
		res := c.get("/admin/outbox")
		if res.Status != http.StatusOK {
			t.Fatalf("%s on the outbox: %d", who, res.Status)
		}
		if strings.Contains(res.Body, "/signin/") || !strings.Contains(res.Body, "[sign-in link hidden]") {
			t.Fatalf("%s's outbox shows a working sign-in link", who)
		}
	}
	for _, who := range []string{managerEmail, interviewerEmail} {
		c := app.newClient()
		c.loginStaff(who)
		if res := c.get("/admin/outbox"); res.Status != http.StatusForbidden {
			t.Fatalf("%s on the outbox: %d", who, res.Status)
		}
	}
}

// Found in review: a sign-in link replaces the password, never the second factor.
func TestStaffSignInLinkStillAsksForTOTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	secret := strings.TrimSpace(c.get("/admin/account").Doc(t).Find("[data-testid=totp-secret]").Text())
	code, _ := totp.GenerateCode(secret, app.Clock.Now())
	if res := c.post("/admin/account/totp", url.Values{"code": {code}}); res.Status != http.StatusSeeOther {
		t.Fatalf("enabling TOTP: %d", res.Status)
	}
	link, err := app.Store.IssueSignInLink(context.Background(), recruiterEmail)
	if err != nil {
		t.Fatal(err)
	}
	other := app.newClient()
	res := other.post(strings.TrimPrefix(link, app.URL), nil)
	if res.Status != http.StatusSeeOther || res.Location != "/staff/login/totp" {
		t.Fatalf("link for a TOTP user: %d → %q, want the code step", res.Status, res.Location)
	}
	if res := other.get("/admin/candidates"); res.Status == http.StatusOK {
		t.Fatal("signed in without the second factor")
	}
}

// Found in review: /verify's upload limit applies before the body is read.
func TestVerifyRefusesHugeUploads(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", c.csrf())
	part, _ := w.CreateFormFile("document", "big.pdf")
	part.Write(bytes.Repeat([]byte("x"), 11<<20))
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/verify", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if res := c.do(req); res.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("11 MB upload: %d, want 413", res.Status)
	}
}
