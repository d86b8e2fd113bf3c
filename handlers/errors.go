package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// handleError is the one place where errors become HTTP answers. Internal
// errors are logged in full with the request id; the person sees a calm page.
func (h *Handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		// The request logger already handed this error to us once.
		h.log.Debug("error after response started", "err", err, "request_id", requestID(c))
		return
	}
	status := http.StatusInternalServerError
	heading := "Something went wrong on our side"
	message := "We could not complete your request. Please try again in a moment. If it keeps happening, tell us the reference below."
	var he *echo.HTTPError
	var ve *models.ValidationError
	switch {
	case errors.Is(err, models.ErrNotFound):
		status, heading, message = http.StatusNotFound, "Page not found", "This page does not exist, or you do not have access to it."
	case errors.Is(err, models.ErrForbidden):
		status, heading, message = http.StatusForbidden, "Not allowed", "Your role does not allow this. Ask an admin if you think you need access."
	case models.Unavailable(err):
		status, heading, message = http.StatusServiceUnavailable, "Back in a moment", "We cannot reach our database just now. Nothing you sent was half-saved. Please try again in a minute."
		c.Response().Header().Set("Retry-After", "30")
		h.log.Warn("database unavailable", "err", err, "request_id", requestID(c), "path", c.Request().URL.Path)
	case errors.Is(err, models.ErrBusy):
		status, heading, message = http.StatusServiceUnavailable, "Busy right now", "Too many requests are being handled at once. Wait a few seconds and try again."
		c.Response().Header().Set("Retry-After", "5")
	case models.RefusedByRule(err):
		status, heading, message = http.StatusConflict, "This change is not allowed", models.RuleRefusalMessage
		h.log.Warn("refused by a database rule", "err", err, "request_id", requestID(c), "method", c.Request().Method, "path", c.Request().URL.Path)
	case errors.Is(err, models.ErrConflict):
		status, heading, message = http.StatusConflict, "Changed in the meantime", "Someone else changed this at the same time. Reload the page and try again."
	case errors.As(err, &ve):
		status, heading, message = http.StatusUnprocessableEntity, "Please check your input", ve.Error()
	case errors.As(err, &he):
		status = he.Code
		heading = http.StatusText(status)
		if m, ok := he.Message.(string); ok && status < 500 {
			message = m
		}
		switch status {
		case http.StatusNotFound:
			heading, message = "Page not found", "This page does not exist, or you do not have access to it."
		case http.StatusMethodNotAllowed:
			heading, message = "Not available", "This address does not accept that kind of request. Use the links and buttons on the page."
		case http.StatusRequestEntityTooLarge:
			heading, message = "Too much data", "What you sent is larger than we accept. Shorten it and try again."
		case http.StatusForbidden:
			heading = "Not allowed"
		case http.StatusUnauthorized:
			heading = "Please sign in"
		case http.StatusBadRequest:
			heading = "We could not read that request"
		}
	}
	if status >= 500 {
		h.log.Error("request failed", "err", err, "request_id", requestID(c), "method", c.Request().Method, "path", c.Request().URL.Path)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	props := views.ErrorProps{Layout: h.layout(c, heading), Status: status, Heading: heading, Message: message, RequestID: requestID(c)}
	if rerr := render(c, status, views.ErrorPage(props)); rerr != nil {
		h.log.Error("rendering error page", "err", rerr)
	}
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}
