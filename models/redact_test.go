package models_test

import (
	"context"
	"strings"
	"testing"

	"nextstep/models"
)

// newInvitedWithLegacyWording adds a candidate whose invitation carries a
// live sign-in link in its subject as well as its body (wording saved before
// the editor refused that), and returns the candidate and the stored token.
func newInvitedWithLegacyWording(t *testing.T, d demo) (*models.Candidate, string) {
	t.Helper()
	ctx := context.Background()
	if err := d.store.DB().Exec(`INSERT INTO message_templates (kind, subject, body, updated_by, updated_at)
		VALUES ('candidate_invitation', 'Your page: {{sign_in_link}}', 'Hello {{candidate_name}}, open {{sign_in_link}}', ?, now())`, d.admin.ID).Error; err != nil {
		t.Fatal(err)
	}
	var posID int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM positions WHERE title = 'Account Executive'").Scan(&posID))
	c, err := d.store.CreateCandidate(ctx, staffActor(d.recruiter), models.CandidateInput{Name: "Zoe Quinn", Email: "zoe@example.com", PositionID: posID})
	if err != nil {
		t.Fatal(err)
	}
	stored := lastMessageTo(t, d.store, "zoe@example.com")
	i := strings.Index(stored.Subject, "/signin/")
	if i < 0 || !strings.Contains(stored.Body, "/signin/") || !strings.Contains(stored.BodyHTML, "/signin/") {
		t.Fatalf("the stored invitation has no link in subject, text and HTML: %q / %q", stored.Subject, stored.Body)
	}
	return c, stored.Subject[i+len("/signin/"):]
}

// Every reader of messages for a page — the Outbox list, one message, the
// staff candidate page, the candidate's inbox — returns them redacted:
// subject, text and HTML, for admins as for recruiters.
func TestEveryMessageReaderHidesTokenLinks(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	c, token := newInvitedWithLegacyWording(t, d)
	check := func(who string, m models.OutboxMessage) {
		t.Helper()
		for field, text := range map[string]string{"subject": m.Subject, "body": m.Body, "html": m.BodyHTML} {
			if strings.Contains(text, token) || strings.Contains(text, "/signin/") {
				t.Errorf("%s: the %s of %q holds the live link: %q", who, field, m.Kind, text)
			}
		}
		if m.Kind == models.MsgCandidateInvitation && !strings.Contains(m.Subject, "[sign-in link hidden]") {
			t.Errorf("%s: invitation subject = %q, want the link marked hidden", who, m.Subject)
		}
	}
	for _, u := range []*models.StaffUser{d.admin, d.recruiter} {
		who := string(u.Role)
		msgs, _, err := d.store.ListOutbox(ctx, staffActor(u), models.OutboxFilter{To: "zoe@example.com", Page: 1})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("%s: outbox %d messages, %v", who, len(msgs), err)
		}
		check(who+" outbox", msgs[0])
		m, err := d.store.GetMessage(ctx, staffActor(u), msgs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		check(who+" message", *m)
		detail, err := d.store.GetCandidateDetail(ctx, staffActor(u), c.ID)
		if err != nil || len(detail.Messages) != 1 {
			t.Fatalf("%s: candidate page messages %d, %v", who, len(detail.Messages), err)
		}
		check(who+" candidate page", detail.Messages[0])
	}
	startMail(t, d.store) // the Messages page lists only what has left
	waitForDelivery(t, d.store)
	inbox, err := d.store.CandidateInbox(ctx, models.Actor{Kind: "candidate", ID: c.ID})
	if err != nil || len(inbox) != 1 {
		t.Fatalf("inbox: %d messages, %v", len(inbox), err)
	}
	check("candidate inbox", inbox[0])
}

// The editor's refusal reaches the store: wording with a sign-in link in the
// subject is not saved.
func TestSavingASignInLinkInTheSubjectIsRefused(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	err := d.store.SaveMessageTemplate(context.Background(), staffActor(d.admin), models.MsgCandidateSignIn,
		"Sign in: {{sign_in_link}}", "Hello {{candidate_name}}, {{sign_in_link}}")
	if msg := models.FieldErrors(err)["subject"]; !strings.Contains(msg, "{{sign_in_link}}") {
		t.Fatalf("saving a sign-in link in the subject: %v, want a subject message naming it", err)
	}
	if n := count(t, d.store, "message_templates"); n != 0 {
		t.Fatalf("%d wordings saved, want none", n)
	}
}

// Only admins and recruiters read the Outbox: a hiring manager, an
// interviewer, a candidate or nobody get a refusal and no data.
func TestOutboxReadsRefuseOutOfScopeActors(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	if err := d.store.RequestCandidateLink(ctx, "ben.okafor@example.com", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	id := lastMessageTo(t, d.store, "ben.okafor@example.com").ID
	cand := d.application(t, "ben.okafor@example.com").CandidateID
	for _, who := range []models.Actor{staffActor(d.manager), {Kind: "staff", ID: 99, Role: models.RoleInterviewer},
		{Kind: "candidate", ID: cand}, {Kind: "system"}, {Kind: "candidate", ID: cand, Role: models.RoleAdmin}} {
		msgs, total, err := d.store.ListOutbox(ctx, who, models.OutboxFilter{Page: 1})
		if err != models.ErrForbidden || len(msgs) != 0 || total != 0 {
			t.Errorf("%s/%s listing the outbox: %d messages, %v", who.Kind, who.Role, len(msgs), err)
		}
		counts, err := d.store.OutboxCounts(ctx, who)
		if err != models.ErrForbidden || len(counts) != 0 {
			t.Errorf("%s/%s counting the outbox: %v, %v", who.Kind, who.Role, counts, err)
		}
		m, err := d.store.GetMessage(ctx, who, id)
		if err != models.ErrNotFound || m != nil {
			t.Errorf("%s/%s reading message %d: %v, %v", who.Kind, who.Role, id, m, err)
		}
	}
}
