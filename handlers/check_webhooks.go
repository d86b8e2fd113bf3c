package handlers

import (
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
)

// The check providers' webhook: POST /webhooks/checks/:provider, outside the
// session and CSRF middleware (a provider has neither; the signature is what
// authorises it). The raw body is read once, verified against the configured
// secret (HMAC-SHA256 over "timestamp.body", at most 5 minutes old), then
// applied once by event id. The answers:
//
//	200 {"outcome":"applied"}    the check moved; the candidate was told
//	200 {"outcome":"duplicate"}  this event id came before: nothing changed
//	200 {"outcome":"ignored"}    recorded, but the check's status does not allow it
//	401 wrong or missing signature, or a timestamp too old or ahead
//	404 no check has this provider and reference: nothing recorded (send it again once linked)
//	413 a body over 64 KB
//	422 a body that is not the documented JSON
//	503 no secret is configured
//
// Every delivery logs one line: provider, event id, outcome, status; never
// the body, whose summary may hold personal data.

// checkWebhookMaxBytes is the largest event body read.
const checkWebhookMaxBytes = 64 << 10

// checkWebhookRoutes: the providers' webhook.
func (h *Handler) checkWebhookRoutes(e *echo.Echo) {
	e.POST("/webhooks/checks/:provider", h.checkWebhook)
}

// webhookAnswer is the JSON a provider reads.
type webhookAnswer struct {
	Outcome models.CheckEventOutcome `json:"outcome,omitempty"`
	Error   string                   `json:"error,omitempty"`
}

func (h *Handler) checkWebhook(c echo.Context) error {
	provider := c.Param("provider")
	c.Response().Header().Set("Cache-Control", "no-store")
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, checkWebhookMaxBytes+1))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge) || len(body) > checkWebhookMaxBytes:
		return h.webhookRefused(c, provider, "", http.StatusRequestEntityTooLarge, "The event is larger than 64 KB.")
	case err != nil:
		return h.webhookRefused(c, provider, "", http.StatusBadRequest, "The event could not be read.")
	}
	p := models.WebhookCheckProvider{ProviderKey: provider, Secret: h.cfg.ChecksWebhookSecret}
	ev, err := p.Event(body, c.Request().Header.Get(models.CheckWebhookSignatureHeader),
		c.Request().Header.Get(models.CheckWebhookTimestampHeader), h.clock.Now())
	if err != nil {
		return h.webhookError(c, provider, "", err)
	}
	outcome, err := h.store.ApplyCheckEvent(c.Request().Context(), provider, ev)
	if err != nil {
		return h.webhookError(c, provider, ev.ID, err)
	}
	h.logWebhook(c, provider, ev.ID, string(outcome), http.StatusOK)
	return c.JSON(http.StatusOK, webhookAnswer{Outcome: outcome})
}

// webhookError answers a refusal with its status (statusOf: unauthorized
// 401, unavailable 503, not found 404, invalid 422); anything else is a
// fault for the error handler (500: the provider sends it again).
func (h *Handler) webhookError(c echo.Context, provider, eventID string, err error) error {
	r := models.ErrorOf(err)
	if r == nil || statusOf(r.Code) >= 500 && r.Code != models.CodeUnavailable {
		h.logWebhook(c, provider, eventID, "error", http.StatusInternalServerError)
		return err
	}
	return h.webhookRefused(c, provider, eventID, statusOf(r.Code), sentence(r))
}

func (h *Handler) webhookRefused(c echo.Context, provider, eventID string, status int, message string) error {
	h.logWebhook(c, provider, eventID, "refused", status)
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", "60")
	}
	return c.JSON(status, webhookAnswer{Error: message})
}

// logWebhook writes the delivery's one line: never the body.
func (h *Handler) logWebhook(c echo.Context, provider, eventID, outcome string, status int) {
	level := slog.LevelInfo
	if status >= 400 {
		level = slog.LevelWarn
	}
	h.log.LogAttrs(c.Request().Context(), level, "check webhook", slog.String("provider", provider), slog.String("event_id", eventID),
		slog.String("outcome", outcome), slog.Int("status", status), slog.String("request_id", requestID(c)))
}
