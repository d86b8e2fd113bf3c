package models_test

import (
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// The signature: good, wrong, stale, from the future (beyond the skew
// allowed), and no secret configured.
func TestVerifyCheckWebhook(t *testing.T) {
	t.Parallel()
	secret := []byte("a-shared-secret-of-some-length")
	body := []byte(`{"id":"evt_1","reference":"BG-1","status":"in_progress"}`)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	sig, ts := models.SignCheckWebhook(secret, body, now.Add(-time.Minute))
	_, tsNext := models.SignCheckWebhook(secret, body, now.Add(-time.Minute+time.Second))
	for _, c := range []struct {
		name     string
		secret   []byte
		body     []byte
		sig, ts  string
		now      time.Time
		wantCode models.Code
	}{
		{"good", secret, body, sig, ts, now, ""},
		{"just under five minutes old", secret, body, sig, ts, now.Add(3*time.Minute + 59*time.Second), ""},
		{"wrong signature", secret, body, "sha256=" + strings.Repeat("ab", 32), ts, now, models.CodeUnauthorized},
		{"signed with another secret", []byte("another secret"), body, sig, ts, now, models.CodeUnauthorized},
		{"body changed", secret, append([]byte(" "), body...), sig, ts, now, models.CodeUnauthorized},
		{"timestamp changed by a second", secret, body, sig, tsNext, now, models.CodeUnauthorized},
		{"no signature", secret, body, "", ts, now, models.CodeUnauthorized},
		{"not hex", secret, body, "sha256=zz", ts, now, models.CodeUnauthorized},
		{"stale", secret, body, sig, ts, now.Add(4*time.Minute + time.Second), models.CodeUnauthorized},
		{"from the future", secret, body, sig, ts, now.Add(-2 * time.Minute), models.CodeUnauthorized},
		{"no timestamp", secret, body, sig, "", now, models.CodeUnauthorized},
		{"no secret configured", nil, body, sig, ts, now, models.CodeUnavailable},
	} {
		err := models.VerifyCheckWebhook(c.secret, c.body, c.sig, c.ts, c.now)
		if models.ErrorCode(err) != c.wantCode || (c.wantCode == "") != (err == nil) {
			t.Errorf("%s: %v, want code %q", c.name, err, c.wantCode)
		}
	}
	// Ahead by a few seconds (clocks differ) is accepted; by a minute is not.
	sig2, ts2 := models.SignCheckWebhook(secret, body, now.Add(10*time.Second))
	if err := models.VerifyCheckWebhook(secret, body, sig2, ts2, now); err != nil {
		t.Errorf("10 seconds ahead: %v", err)
	}
	ev, err := models.ParseCheckEvent(body)
	if err != nil || ev.ID != "evt_1" || ev.Reference != "BG-1" || ev.Status != models.CheckInProgress {
		t.Errorf("parsed %+v, %v", ev, err)
	}
	for _, bad := range []string{`{"id":"","reference":"x","status":"clear"}`, `{"id":"e","reference":"x","status":"finished"}`, `not json`} {
		if _, err := models.ParseCheckEvent([]byte(bad)); models.ErrorCode(err) != models.CodeInvalid {
			t.Errorf("%s: %v, want invalid", bad, err)
		}
	}
}
