package models_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/models"
)

// newHTTPSDemo is newDemo with the portal at an https:// address, as in
// production: RFC 8058's one-click header is only for HTTPS links.
func newHTTPSDemo(t *testing.T, base string) demo {
	t.Helper()
	db := devdb.NewFixtureDatabase(t, migrator, demoFixture)
	clock := &fakeClock{now: testNow}
	cfg := testStoreConfig(clock)
	cfg.BaseURL = base
	store, err := models.Open(context.Background(), db.URL, cfg)
	if err != nil {
		t.Fatal(err)
	}
	storeDSN.Store(store, db.URL)
	storeDatabase.Store(store, db)
	t.Cleanup(func() { store.Close() })
	get := func(email string) *models.StaffUser {
		u, err := store.StaffByEmail(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	return demo{store, clock, get("admin@demo.nextstep.test"), get("recruiter@demo.nextstep.test"), get("manager@demo.nextstep.test")}
}

// Acceptance 4, on the wire: the "still deciding" update reaches the SMTP
// server with List-Unsubscribe (one HTTPS link in angle brackets, the same
// link as in its text and HTML) and List-Unsubscribe-Post:
// List-Unsubscribe=One-Click; the link works. An essential message carries
// neither header.
func TestUnsubscribeHeadersAreOnTheWire(t *testing.T) {
	t.Parallel()
	const base = "https://portal.example"
	d := newHTTPSDemo(t, base)
	ctx := context.Background()
	sink := startMail(t, d.store)
	const email = "liam.obrien@example.com"
	app := d.application(t, email)
	must(t, d.store.OverrideExpectedDate(ctx, staffActor(d.recruiter), app.ID, d.clock.Now().AddDate(0, 0, 1), "Waiting for the last referee."))
	setClock(d, d.application(t, email).ExpectedUpdateAt.Add(time.Minute))
	if _, err := d.store.KeepPromises(ctx); err != nil {
		t.Fatal(err)
	}
	must(t, d.store.RequestCandidateLink(ctx, email, "192.0.2.7")) // essential
	if _, err := sink.WaitFor(2, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	waitDeliveryJobsDone(t, d.store)
	var update, signIn *devdb.ReceivedMail
	for _, m := range sink.To(email) {
		switch {
		case strings.HasPrefix(m.Header.Get("Subject"), "Your application for"):
			update = &m
		case strings.HasPrefix(m.Header.Get("Subject"), "Your sign-in link"):
			signIn = &m
		}
	}
	if update == nil || signIn == nil {
		t.Fatalf("the update (%v) or the sign-in link (%v) did not arrive", update != nil, signIn != nil)
	}

	header := update.Header.Get("List-Unsubscribe")
	if !strings.HasPrefix(header, "<") || !strings.HasSuffix(header, ">") || strings.Count(header, "<") != 1 {
		t.Fatalf("List-Unsubscribe %q: want one link in angle brackets", header)
	}
	link := strings.TrimSuffix(strings.TrimPrefix(header, "<"), ">")
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "https" || u.Host != "portal.example" || !strings.HasPrefix(u.Path, "/unsubscribe/") || u.RawQuery != "" {
		t.Fatalf("List-Unsubscribe link %q: want %s/unsubscribe/<token> (%v)", link, base, err)
	}
	if got := update.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q, want List-Unsubscribe=One-Click", got)
	}
	var stored string
	mustDB(t, d.store.DB().Raw("SELECT list_unsubscribe FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgPromiseUpdate, app.CandidateID).Scan(&stored))
	if link != stored {
		t.Errorf("the header's link %q is not the message's %q", link, stored)
	}
	text, err := update.Text()
	if err != nil || !strings.Contains(text, "Stop these emails (“still deciding” updates): "+link) {
		t.Errorf("the text part lacks the header's link (%v):\n%s", err, text)
	}
	html, err := update.HTML()
	if err != nil || !strings.Contains(html, `href="`+link+`"`) {
		t.Errorf("the HTML part lacks the header's link (%v):\n%s", err, html)
	}
	if choice, err := d.store.Unsubscribe(ctx, unsubscribeToken(t, link), models.UnsubscribeRequest{OneClick: true}); err != nil || choice != models.ChoiceUpdates {
		t.Errorf("the header's link: %q, %v", choice, err)
	}
	for _, h := range []string{"List-Unsubscribe", "List-Unsubscribe-Post"} {
		if got := signIn.Header.Get(h); got != "" {
			t.Errorf("the sign-in email carries %s: %q", h, got)
		}
	}
}

// Over plain HTTP (development) the link goes in List-Unsubscribe alone:
// RFC 8058 allows one-click only for HTTPS.
func TestUnsubscribeHeaderWithoutHTTPS(t *testing.T) {
	t.Parallel()
	sink, err := devdb.StartSMTPSink("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	sender := models.NewSMTPSender(mustSMTP(t, sink.URL()))
	const link = "http://localhost:8080/unsubscribe/abc"
	if _, err := sender.Send(context.Background(), models.OutgoingMail{FromName: "Nextstep", FromEmail: "jobs@nextstep.test",
		ToName: "Liam", ToEmail: "liam@example.com", Subject: "Update", Text: "Hello\n", MessageID: "m1@nextstep.test", Date: testNow,
		ListUnsubscribe: link}); err != nil {
		t.Fatal(err)
	}
	msgs, err := sink.WaitFor(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got := msgs[0].Header.Get("List-Unsubscribe"); got != "<"+link+">" {
		t.Errorf("List-Unsubscribe %q, want <%s>", got, link)
	}
	if got := msgs[0].Header.Get("List-Unsubscribe-Post"); got != "" {
		t.Errorf("List-Unsubscribe-Post %q on a plain HTTP link, want none", got)
	}
}
