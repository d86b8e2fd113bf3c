package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/models"
	"nextstep/views"
)

// In development without NEXTSTEP_SMTP_URL, serve receives its own email
// over SMTP and shows it at /dev/mailbox, with working links: a candidate's
// sign-in link arrives there and signs them in.
func TestDevelopmentMailboxShowsTheSentMail(t *testing.T) {
	t.Parallel()
	dbURL := devdb.TestDatabaseURL(t, migrator)
	store, err := models.Open(t.Context(), dbURL, models.Config{Links: views.Paths{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SeedDemo(t.Context()); err != nil {
		t.Fatal(err)
	}
	store.Close()
	srv := startServers(t, 1, dbURL, "NEXTSTEP_DEV_SMTP_ADDR=127.0.0.1:0")[0]
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	get := func(path string) (int, string) {
		t.Helper()
		res, err := client.Get(srv.base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if status, body := get("/dev/mailbox"); status != http.StatusOK || !strings.Contains(body, "Development mailbox") {
		t.Fatalf("the mailbox: %d %.300s", status, body)
	}
	var res *http.Response
	_, page := get("/signin")
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if token == nil {
		t.Fatal("no CSRF token on the sign-in page")
	}
	res, err = client.PostForm(srv.base+"/signin", url.Values{"email": {"ben.okafor@example.com"}, "_csrf": {token[1]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var list string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, list = get("/dev/mailbox"); strings.Contains(list, "Your sign-in link") {
			break
		}
	}
	first := regexp.MustCompile(`href="(/dev/mailbox/\d+)">Your sign-in link`).FindStringSubmatch(list)
	if first == nil || !strings.Contains(list, "ben.okafor@example.com") {
		t.Fatalf("the sign-in mail did not reach the mailbox: %.500s", list)
	}
	_, mail := get(first[1])
	link := regexp.MustCompile(`href="(http://127\.0\.0\.1:\d+/signin/[^"]+)"`).FindStringSubmatch(mail)
	if link == nil {
		t.Fatalf("the mail shows no working sign-in link: %.500s", mail)
	}
	if status, _ := get(strings.TrimPrefix(link[1], srv.base)); status != http.StatusOK {
		t.Errorf("following the link from the mailbox: %d", status)
	}
}
