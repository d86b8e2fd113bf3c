package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"nextstep/models"
)

// The providers' webhook (acceptance 4). Its documented answers: a signed
// event that moves the check 200 "applied" (one message to the candidate);
// a wrong signature or a timestamp over 5 minutes old 401, changing
// nothing; the same event id again 200 "duplicate", changing nothing; an
// unknown reference 404, recording nothing; a body that is not the
// documented JSON 422; no secret configured 503.

// delivery is one webhook POST and its answer.
type delivery struct {
	status  int
	outcome string
}

// deliver posts body to the provider's webhook, signed with secret at ts
// (sig overrides the signature when set).
func deliver(t *testing.T, base, provider string, secret []byte, body string, ts time.Time, sig string) delivery {
	t.Helper()
	s, stamp := models.SignCheckWebhook(secret, []byte(body), ts)
	if sig != "" {
		s = sig
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/webhooks/checks/"+provider, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(models.CheckWebhookSignatureHeader, s)
	req.Header.Set(models.CheckWebhookTimestampHeader, stamp)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var answer struct{ Outcome, Error string }
	_ = json.Unmarshal(b, &answer)
	if len(res.Cookies()) != 0 {
		t.Errorf("the webhook set cookies: %v", res.Cookies())
	}
	return delivery{status: res.StatusCode, outcome: answer.Outcome}
}

func event(id, reference string, status models.CheckStatus, summary string) string {
	return fmt.Sprintf(`{"id":%q,"reference":%q,"status":%q,"summary":%q,"occurred_at":"2026-12-01T09:00:00Z"}`, id, reference, status, summary)
}

// webhookState is what a delivery may change: the check's status, the
// candidate's messages about checks, the events recorded and the status changes audited.
func (a checksApp) webhookState() string {
	a.t.Helper()
	return fmt.Sprintf("status=%s messages=%d events=%d changes=%d", a.status(),
		a.sqlCount("SELECT count(*) FROM outbox_messages WHERE candidate_id = ? AND kind IN ('check_status_changed', 'check_needs_you')", a.candID),
		a.sqlCount("SELECT count(*) FROM check_webhook_events"),
		a.sqlCount("SELECT count(*) FROM audit_log WHERE action = 'check.status_changed' AND subject_id = ?", a.checkID))
}

func TestCheckWebhook(t *testing.T) {
	t.Parallel()
	a := newChecksApp(t)
	ctx := context.Background()
	cand := a.newClient()
	cand.loginCandidate(henrikEmail)
	a.consent(cand)
	if err := a.Store.LinkCheckToProvider(ctx, a.adminActor(), a.checkID, "acme", "BG-1001"); err != nil {
		t.Fatal(err)
	}
	now := a.Clock.Now()
	before := a.webhookState()

	// Refused: nothing changes.
	good := event("evt-1", "BG-1001", models.CheckInProgress, "")
	for _, tc := range []struct {
		name string
		d    delivery
		want int
	}{
		{"wrong signature", deliver(t, a.URL, "acme", []byte("not-the-secret-not-the-secret-not-the"), good, now, ""), http.StatusUnauthorized},
		{"altered signature", deliver(t, a.URL, "acme", checksSecret, good, now, "sha256="+strings.Repeat("0", 64)), http.StatusUnauthorized},
		{"stale timestamp", deliver(t, a.URL, "acme", checksSecret, good, now.Add(-6*time.Minute), ""), http.StatusUnauthorized},
		{"unknown reference", deliver(t, a.URL, "acme", checksSecret, event("evt-x", "BG-404", models.CheckClear, ""), now, ""), http.StatusNotFound},
		{"not JSON", deliver(t, a.URL, "acme", checksSecret, `{"id": "evt-2", "reference": `, now, ""), http.StatusUnprocessableEntity},
		{"unknown status", deliver(t, a.URL, "acme", checksSecret, event("evt-3", "BG-1001", "approved", ""), now, ""), http.StatusUnprocessableEntity},
		{"another provider", deliver(t, a.URL, "other", checksSecret, good, now, ""), http.StatusNotFound},
	} {
		if tc.d.status != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, tc.d.status, tc.want)
		}
		if got := a.webhookState(); got != before {
			t.Fatalf("%s changed %s to %s", tc.name, before, got)
		}
	}

	// A signed event moves the check and tells the candidate once.
	if d := deliver(t, a.URL, "acme", checksSecret, good, now, ""); d.status != http.StatusOK || d.outcome != "applied" {
		t.Fatalf("a signed event: %+v", d)
	}
	want := "status=in_progress messages=1 events=1 changes=2" // the consent's change, then the event's
	if got := a.webhookState(); got != want {
		t.Fatalf("after the event: %s, want %s", got, want)
	}
	// The same event again: 200, a no-op.
	if d := deliver(t, a.URL, "acme", checksSecret, good, now, ""); d.status != http.StatusOK || d.outcome != "duplicate" {
		t.Fatalf("a replayed event: %+v", d)
	}
	if got := a.webhookState(); got != want {
		t.Fatalf("the replay changed %s to %s", want, got)
	}

	// Twenty deliveries of one new event at once apply it once.
	result := event("evt-result", "BG-1001", models.CheckNeedsReview, "Two addresses could not be confirmed.")
	var wg sync.WaitGroup
	answers := make([]delivery, 20)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = deliver(t, a.URL, "acme", checksSecret, result, now, "")
		}()
	}
	wg.Wait()
	applied := 0
	for _, d := range answers {
		switch {
		case d.status == http.StatusOK && d.outcome == "applied":
			applied++
		case d.status == http.StatusOK && d.outcome == "duplicate":
		default:
			t.Errorf("a concurrent delivery answered %+v", d)
		}
	}
	want = "status=needs_review messages=2 events=2 changes=3"
	if got := a.webhookState(); applied != 1 || got != want {
		t.Fatalf("20 concurrent deliveries: %d applied, %s, want 1 and %s", applied, got, want)
	}
	if n := a.sqlCount("SELECT count(*) FROM check_webhook_events WHERE event_id = 'evt-result'"); n != 1 {
		t.Fatalf("the event is recorded %d times", n)
	}
}

// Without a secret the webhook accepts nothing: 503.
func TestCheckWebhookWithoutSecret(t *testing.T) {
	t.Parallel()
	a := checksFor(t, newTestApp(t))
	mustDB(t, a.Store.DB().Exec("UPDATE checks SET provider = 'acme', provider_ref = 'BG-1' WHERE id = ?", a.checkID))
	d := deliver(t, a.URL, "acme", checksSecret, event("evt-1", "BG-1", models.CheckInProgress, ""), a.Clock.Now(), "")
	if d.status != http.StatusServiceUnavailable {
		t.Fatalf("no secret: status %d, want 503", d.status)
	}
	if n := a.sqlCount("SELECT count(*) FROM check_webhook_events"); n != 0 {
		t.Fatalf("%d events recorded without a secret", n)
	}
}

// Staff hand a check to a webhook provider from its page; a bad key is
// refused at its field.
func TestLinkCheckToProviderFromThePage(t *testing.T) {
	t.Parallel()
	a := newChecksApp(t)
	staff := a.newClient()
	staff.loginStaff(recruiterEmail)
	res := staff.post(a.staffAction("provider"), url.Values{"provider": {"Not A Key"}, "reference": {"BG-9"}})
	if res.Status != http.StatusUnprocessableEntity || res.Doc(t).Find("#provider-error").Length() != 1 {
		t.Fatalf("a bad provider key: %d", res.Status)
	}
	if res := staff.post(a.staffAction("provider"), url.Values{"provider": {"acme"}, "reference": {"BG-9"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("linking: %d", res.Status)
	}
	if n := a.sqlCount("SELECT count(*) FROM checks WHERE id = ? AND provider = 'acme' AND provider_ref = 'BG-9'", a.checkID); n != 1 {
		t.Fatal("the check is not linked")
	}
}
