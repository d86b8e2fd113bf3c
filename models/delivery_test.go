package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// waitForStatus polls a message until it reaches want.
func waitForStatus(t *testing.T, s *models.Store, id int64, want models.MessageStatus) *models.OutboxMessage {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		m, err := s.GetMessage(context.Background(), outboxReader(), id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status == want {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %d is %s after 15 s (attempts %d, last error %q), want %s", id, m.Status, m.Attempts, m.LastError, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// outboxReader is an admin as the Outbox reads for them.
func outboxReader() models.Actor { return models.Actor{Kind: "staff", ID: 1, Role: models.RoleAdmin} }

// lastMessageTo is the newest message to email as stored, working links
// included (as delivery reads it, never as a page shows it).
func lastMessageTo(t *testing.T, s *models.Store, email string) models.OutboxMessage {
	t.Helper()
	var m models.OutboxMessage
	if err := s.DB().Where("to_email = ?", email).Order("id DESC").First(&m).Error; err != nil {
		t.Fatalf("no message to %s (%v)", email, err)
	}
	return m
}

func TestSignInLinkArrivesByEmailOnce(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	sink := startMail(t, d.store)
	if err := d.store.RequestCandidateLink(context.Background(), "ben.okafor@example.com", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	msgs, err := sink.WaitFor(1, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	waitDeliveryJobsDone(t, d.store) // a second copy would have arrived now
	if n := len(sink.To("ben.okafor@example.com")); n != 1 {
		t.Fatalf("%d emails to Ben, want 1", n)
	}
	text, err := msgs[0].Text()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "http://x/signin/") {
		t.Fatalf("the email has no sign-in link:\n%s", text)
	}
	html, err := msgs[0].HTML()
	if err != nil || !strings.Contains(html, `<a href="http://x/signin/`) {
		t.Fatalf("the HTML part has no link (%v):\n%s", err, html)
	}
	row := waitForStatus(t, d.store, lastMessageTo(t, d.store, "ben.okafor@example.com").ID, models.MessageSent)
	if row.Attempts != 1 || row.SentAt == nil || row.MessageID == "" {
		t.Fatalf("sent message row: attempts %d, sent at %v, message id %q", row.Attempts, row.SentAt, row.MessageID)
	}
	if got := msgs[0].Header.Get("Message-Id"); got != "<"+row.MessageID+">" {
		t.Fatalf("Message-ID header %q, row %q", got, row.MessageID)
	}
}

func TestTemporaryFailuresAreRetriedUntilSent(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	sink := startMail(t, d.store)
	sink.FailNext(3)
	if err := d.store.RequestCandidateLink(context.Background(), "ben.okafor@example.com", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	row := waitForStatus(t, d.store, lastMessageTo(t, d.store, "ben.okafor@example.com").ID, models.MessageSent)
	if row.Attempts != 4 {
		t.Fatalf("sent after %d attempts, want 4 (3 refused, then accepted)", row.Attempts)
	}
	if n := sink.Count(); n != 1 {
		t.Fatalf("%d emails received, want 1", n)
	}
}

func TestPermanentRefusalFailsAtOnceAndRetryWorks(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	sink := startMail(t, d.store)
	sink.RefuseAll(true)
	if err := d.store.RequestCandidateLink(context.Background(), "ben.okafor@example.com", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	id := lastMessageTo(t, d.store, "ben.okafor@example.com").ID
	row := waitForStatus(t, d.store, id, models.MessageFailed)
	if row.Attempts != 1 || !strings.Contains(row.LastError, "550") {
		t.Fatalf("refused message: attempts %d, last error %q; want 1 attempt and the 550 reply", row.Attempts, row.LastError)
	}
	if err := d.store.RetryMessage(context.Background(), staffActor(d.manager), id); err != models.ErrForbidden {
		t.Fatalf("a hiring manager retried a message: %v", err)
	}
	sink.RefuseAll(false)
	// Right after the failure River may still be closing the old job: the
	// retry is then refused politely, never queued twice.
	for try := 0; ; try++ {
		err := d.store.RetryMessage(context.Background(), staffActor(d.recruiter), id)
		if err == nil {
			break
		}
		if !strings.Contains(models.FieldErrors(err)[""], "still finishing") || try == 50 {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitForStatus(t, d.store, id, models.MessageSent)
	if err := d.store.RetryMessage(context.Background(), staffActor(d.recruiter), id); models.FieldErrors(err) == nil {
		t.Fatalf("retrying a sent message: %v", err)
	}
	if n := sink.Count(); n != 1 {
		t.Fatalf("%d emails received, want 1", n)
	}
}

func TestLastAttemptMarksTheMessageFailed(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	sink := startMail(t, d.store)
	sink.FailNext(100)
	if err := d.store.RequestCandidateLink(context.Background(), "ben.okafor@example.com", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	row := waitForStatus(t, d.store, lastMessageTo(t, d.store, "ben.okafor@example.com").ID, models.MessageFailed)
	if row.Attempts != 5 || !strings.Contains(row.LastError, "451") {
		t.Fatalf("after the last try: attempts %d (want 5), last error %q", row.Attempts, row.LastError)
	}
}

// A name with CR/LF must not add headers or recipients.
func TestHeaderInjectionThroughANameFails(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	sink := startMail(t, d.store)
	var posID int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM positions WHERE title = 'Account Executive'").Scan(&posID))
	evil := "Eve Example\r\nBcc: attacker@evil.test\r\nX-Injected: 1"
	if err := d.store.DB().Exec("INSERT INTO candidates (email, name) VALUES ('eve@example.com', ?)", evil).Error; err != nil {
		t.Fatal(err)
	}
	if err := d.store.RequestCandidateLink(context.Background(), "eve@example.com", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	msgs, err := sink.WaitFor(1, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	m := msgs[0]
	if len(m.Recipients) != 1 || m.Recipients[0] != "eve@example.com" {
		t.Fatalf("recipients %v", m.Recipients)
	}
	if m.Header.Get("Bcc") != "" || m.Header.Get("X-Injected") != "" {
		t.Fatalf("injected headers arrived: %v", m.Header)
	}
	head, _, _ := strings.Cut(string(m.Raw), "\r\n\r\n")
	if strings.Contains(head, "\nBcc:") || strings.Contains(head, "\nX-Injected:") {
		t.Fatalf("header section carries injected lines:\n%s", head)
	}
	if strings.Contains(string(m.Raw), "\r\nBcc: attacker") {
		t.Fatalf("the name's line breaks reached the body:\n%s", m.Raw)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "eve@example.com" || strings.ContainsAny(to[0].Name, "\r\n") {
		t.Fatalf("To header %v (%v)", to, err)
	}
}

// Booking, an offer and a contract each give the candidate exactly one email.
func TestEachCandidateEventSendsOneEmail(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 1, 5)
	sink := startMail(t, f.store)
	ctx := context.Background()
	if _, err := f.store.BookSeat(ctx, f.candidates[0], f.apps[0], f.dayID); err != nil {
		t.Fatal(err)
	}
	if _, err := sink.WaitFor(1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := sink.To("racer0@example.com"); len(got) != 1 || !strings.Contains(got[0].Header.Get("Subject"), "Your seat is booked") {
		t.Fatalf("booking emails: %d", len(got))
	}

	appID, _ := acceptedOffer(t, f.demo) // offer sent: one email to Daniel
	if _, err := f.store.GenerateContract(ctx, staffActor(f.recruiter), appID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := sink.WaitFor(3, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	waitDeliveryJobsDone(t, f.store)
	var offers, contracts int
	for _, m := range sink.To("daniel.kim@example.com") {
		switch subj := m.Header.Get("Subject"); {
		case strings.HasPrefix(subj, "Your offer for"):
			offers++
		case subj == "Your contract is ready to sign":
			contracts++
		}
	}
	if offers != 1 || contracts != 1 {
		t.Fatalf("Daniel got %d offer and %d contract emails, want 1 and 1", offers, contracts)
	}
}

func TestMessageWordingCanBeEditedButNotBroken(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	admin := staffActor(d.admin)
	err := d.store.SaveMessageTemplate(ctx, admin, models.MsgCandidateSignIn, "Sign in", "Hi {{candidate_name}}, {{sign_in_link}} {{salary}}")
	if fe := models.FieldErrors(err); !strings.Contains(fe["body"], "Unknown placeholder: salary") {
		t.Fatalf("unknown placeholder: %v", err)
	}
	err = d.store.SaveMessageTemplate(ctx, admin, models.MsgCandidateSignIn, "Sign in", "Hi {{candidate_name}}, no link here")
	if fe := models.FieldErrors(err); !strings.Contains(fe["body"], "{{sign_in_link}}") {
		t.Fatalf("dropping the link: %v", err)
	}
	if err := d.store.SaveMessageTemplate(ctx, staffActor(d.recruiter), models.MsgCandidateSignIn, "Sign in", "{{sign_in_link}}"); err != models.ErrForbidden {
		t.Fatalf("recruiter editing wording: %v", err)
	}
	if err := d.store.SaveMessageTemplate(ctx, admin, models.MsgCandidateSignIn, "Welcome back to {{company}}", "Dear {{candidate_name}},\r\nuse {{sign_in_link}}"); err != nil {
		t.Fatal(err)
	}
	if err := d.store.RequestCandidateLink(ctx, "ben.okafor@example.com", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	m := lastMessageTo(t, d.store, "ben.okafor@example.com")
	if m.Subject != "Welcome back to Nextstep Demo Ltd" || !strings.HasPrefix(m.Body, "Dear Ben Okafor,\nuse http://x/signin/") {
		t.Fatalf("edited wording not used: %q / %q", m.Subject, m.Body)
	}
	if err := d.store.ResetMessageTemplate(ctx, admin, models.MsgCandidateSignIn); err != nil {
		t.Fatal(err)
	}
	tmpl, _ := d.store.MessageTemplateFor(ctx, models.MsgCandidateSignIn)
	if tmpl.Customised || tmpl.Subject != "Your sign-in link for {{company}}" {
		t.Fatalf("after reset: %+v", tmpl)
	}
}

// The candidate's inbox lists what was sent to them, never sign-in links.
func TestCandidateInboxHidesSignInLinks(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	if err := d.store.RequestCandidateLink(ctx, "ben.okafor@example.com", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	app := d.application(t, "ben.okafor@example.com")
	if err := d.store.ChangeStatus(ctx, staffActor(d.recruiter), app.ID, models.StatusOnHold, "Waiting for the budget"); err != nil && models.FieldErrors(err) != nil {
		t.Fatal(err)
	}
	inbox, err := d.store.CandidateInbox(ctx, models.Actor{Kind: "candidate", ID: app.CandidateID})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range inbox {
		if m.Kind == models.MsgCandidateSignIn || strings.Contains(m.Body, "/signin/") {
			t.Fatalf("inbox shows a sign-in link: %+v", m)
		}
	}
	// The inbox is the candidate's own: staff, another candidate or nobody
	// get ErrNotFound and no messages.
	other := d.application(t, "amelia.hart@example.com").CandidateID
	for _, who := range []models.Actor{staffActor(d.admin), {Kind: "candidate", ID: 0}, {Kind: "system"}} {
		if got, err := d.store.CandidateInbox(ctx, who); err != models.ErrNotFound || len(got) != 0 {
			t.Errorf("%s %d reading an inbox: %d messages, %v; want ErrNotFound", who.Kind, who.ID, len(got), err)
		}
	}
	theirs, err := d.store.CandidateInbox(ctx, models.Actor{Kind: "candidate", ID: other})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range theirs {
		if m.CandidateID == nil || *m.CandidateID != other {
			t.Fatalf("another candidate's inbox holds a message to %s", m.ToEmail)
		}
	}
}
