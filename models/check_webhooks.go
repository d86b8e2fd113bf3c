package models

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Check providers. A provider is who carries out a check: the manual
// provider (staff record what a provider outside Nextstep tells them:
// RecordManualCheck, AttachCheckResult) or a webhook provider, whose status
// events arrive at POST /webhooks/checks/{provider} signed with a shared
// secret (NEXTSTEP_CHECKS_WEBHOOK_SECRET, read in cmd and passed in).
//
// The signature: the provider sends two headers,
//
//	X-Nextstep-Timestamp: 1764579600                (Unix seconds when it signed)
//	X-Nextstep-Signature: sha256=<64 hex digits>    (HMAC-SHA256 with the secret over "<timestamp>.<raw body>")
//
// VerifyCheckWebhook refuses a wrong or missing signature and a timestamp
// more than 5 minutes old or more than 30 seconds ahead (clocks differ a
// little), then ParseCheckEvent reads the body and ApplyCheckEvent applies it
// once: a repeated event id is a no-op. The same signing (SignCheckWebhook)
// suits events Nextstep sends out later (a hire handed to the HR system).
//
// The body is JSON:
//
//	{"id": "evt_123", "reference": "BG-1234", "status": "clear", "summary": "…", "occurred_at": "2026-12-01T09:00:00Z"}
//
// id: the provider's event id, unique per provider; reference: the
// provider's id of the check (LinkCheckToProvider); status: one of the
// CheckStatus values; summary: the finding, for staff (optional).

// CheckProvider is who carries out a check.
type CheckProvider interface {
	Key() string  // stored in checks.provider: "manual", or the webhook path's {provider}
	Name() string // in words, for staff
	// Event verifies and reads one webhook delivery; the manual provider
	// receives none.
	Event(body []byte, signature, timestamp string, now time.Time) (CheckEvent, error)
}

// ManualCheckProvider is the provider staff record by hand.
type ManualCheckProvider struct{}

// Key is ManualProvider.
func (ManualCheckProvider) Key() string { return ManualProvider }

// Name is the provider in words.
func (ManualCheckProvider) Name() string { return "Recorded by staff" }

// Event refuses: a manual check has no webhook.
func (ManualCheckProvider) Event([]byte, string, string, time.Time) (CheckEvent, error) {
	return CheckEvent{}, ErrNotFound
}

// WebhookCheckProvider is a provider that sends signed status events.
type WebhookCheckProvider struct {
	ProviderKey string // lower-case letters, digits, - and _: the webhook path's {provider}
	DisplayName string
	Secret      []byte
}

// Key is the provider's key.
func (p WebhookCheckProvider) Key() string { return p.ProviderKey }

// Name is the provider in words.
func (p WebhookCheckProvider) Name() string { return nonEmpty(p.DisplayName, p.ProviderKey) }

// Event verifies the delivery's signature and reads its event.
func (p WebhookCheckProvider) Event(body []byte, signature, timestamp string, now time.Time) (CheckEvent, error) {
	if err := VerifyCheckWebhook(p.Secret, body, signature, timestamp, now); err != nil {
		return CheckEvent{}, err
	}
	return ParseCheckEvent(body)
}

// The headers of a signed check event, and how far its time may stray.
const (
	CheckWebhookTimestampHeader = "X-Nextstep-Timestamp"
	CheckWebhookSignatureHeader = "X-Nextstep-Signature"
	CheckWebhookMaxAge          = 5 * time.Minute
	CheckWebhookMaxSkew         = 30 * time.Second
)

var providerKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`)

// validProviderKey reports whether key can name a provider (the same rule
// as the CHECK on checks.provider).
func validProviderKey(key string) bool { return providerKeyPattern.MatchString(key) }

var (
	errWebhookSignature = refusal(CodeUnauthorized, "The signature of this event is missing or wrong.")
	errWebhookTimestamp = refusal(CodeUnauthorized, "The timestamp of this event is missing, too old (more than 5 minutes) or in the future.")
	errWebhookNoSecret  = refusal(CodeUnavailable, "Check events are not accepted: no webhook secret is configured.")
)

// SignCheckWebhook is the signature header's value for body sent at ts.
func SignCheckWebhook(secret, body []byte, ts time.Time) (signature, timestamp string) {
	timestamp = strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil)), timestamp
}

// VerifyCheckWebhook checks a delivery's signature (HMAC-SHA256 with secret
// over "timestamp.body", compared in constant time) and that its timestamp
// is neither more than 5 minutes old nor ahead of now (beyond 30 seconds of
// clock skew). An empty secret refuses everything.
func VerifyCheckWebhook(secret []byte, body []byte, signatureHeader, timestampHeader string, now time.Time) error {
	if len(secret) == 0 {
		return errWebhookNoSecret
	}
	sec, err := strconv.ParseInt(strings.TrimSpace(timestampHeader), 10, 64)
	if err != nil {
		return errWebhookTimestamp
	}
	sent := time.Unix(sec, 0)
	if now.Sub(sent) > CheckWebhookMaxAge || sent.Sub(now) > CheckWebhookMaxSkew {
		return errWebhookTimestamp
	}
	got, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(signatureHeader), "sha256="))
	if err != nil || len(got) != sha256.Size {
		return errWebhookSignature
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(strconv.FormatInt(sec, 10) + "."))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return errWebhookSignature
	}
	return nil
}

// CheckEvent is one status event of a webhook provider.
type CheckEvent struct {
	ID         string      `json:"id"`
	Reference  string      `json:"reference"`
	Status     CheckStatus `json:"status"`
	Summary    string      `json:"summary"`
	OccurredAt time.Time   `json:"occurred_at"`
	// Digest is the SHA-256 of the raw body, kept with the event id.
	Digest [sha256.Size]byte `json:"-"`
}

// ParseCheckEvent reads a verified webhook body.
func ParseCheckEvent(body []byte) (CheckEvent, error) {
	var ev CheckEvent
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&ev); err != nil {
		return CheckEvent{}, Invalid("", "The event is not valid JSON of the documented form.")
	}
	ev.ID, ev.Reference, ev.Summary = strings.TrimSpace(ev.ID), strings.TrimSpace(ev.Reference), strings.TrimSpace(ev.Summary)
	v := &Problems{}
	if ev.ID == "" || ev.Reference == "" {
		v.Add("", "The event needs an id and a reference.")
	}
	if _, ok := checkMoves[ev.Status]; !ok {
		v.Add("status", "The event's status is not one of the check statuses.")
	}
	v.checkLength(ev.ID, limits.WebhookEventID.as("id", limits.WebhookEventID.Subject))
	v.checkLength(ev.Summary, limits.CheckResultSummary)
	if err := v.Err(); err != nil {
		return CheckEvent{}, err
	}
	ev.Digest = sha256.Sum256(body)
	return ev, nil
}

// CheckEventOutcome says what ApplyCheckEvent did.
type CheckEventOutcome string

// The outcomes of a delivered event; each is a success for the provider (do
// not send it again).
const (
	EventApplied   CheckEventOutcome = "applied"   // the check moved, the candidate was told
	EventDuplicate CheckEventOutcome = "duplicate" // this event id was received before: nothing changed
	EventIgnored   CheckEventOutcome = "ignored"   // recorded, but the check's status does not allow it (out of order, withdrawn)
)

// ApplyCheckEvent applies a verified event of provider once: in one
// transaction it records the event id (INSERT … ON CONFLICT DO NOTHING: a
// delivery that finds it there, concurrent or later, changes nothing),
// moves the check through setCheckStatus and tells the candidate. An event
// for no known check is refused (not found) and not recorded, so the
// provider may send it again once the check is linked.
func (s *Store) ApplyCheckEvent(ctx context.Context, provider string, ev CheckEvent) (CheckEventOutcome, error) {
	if !validProviderKey(provider) || provider == ManualProvider {
		return "", ErrNotFound
	}
	actor := SystemActor("webhook:" + provider)
	var outcome CheckEventOutcome
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var ids []int64
		if err := tx.Raw("SELECT id FROM checks WHERE provider = ? AND provider_ref = ?", provider, ev.Reference).Scan(&ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return refusal(CodeNotFound, "No check has this provider and reference.")
		}
		res := tx.Exec(`INSERT INTO check_webhook_events (provider, event_id, received_at, payload_sha256, check_id, outcome)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (provider, event_id) DO NOTHING`, provider, ev.ID, s.Now(), ev.Digest[:], ids[0], EventApplied)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			outcome = EventDuplicate
			return nil
		}
		chk, err := lockCheck(tx, ids[0])
		if err != nil {
			return err
		}
		ch := checkChange{To: ev.Status, Cause: "webhook"}
		if ev.Summary != "" {
			ch.Summary = &ev.Summary
		}
		err = s.setCheckStatus(tx, actor, chk, ch)
		if e := ErrorOf(err); e != nil && e.Code == CodeInvalid {
			outcome = EventIgnored
			return tx.Exec("UPDATE check_webhook_events SET outcome = ?, note = ? WHERE provider = ? AND event_id = ?",
				EventIgnored, e.Message, provider, ev.ID).Error
		}
		outcome = EventApplied
		return err
	})
	if err != nil {
		return "", err
	}
	return outcome, nil
}
