package handlers

import (
	"errors"
	"net/http"
	"strings"

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
	if e := models.ErrorOf(err); e != nil {
		status, heading, message = statusOf(e.Code), headingOf(e.Code), strings.Join(e.Messages(), " ")
		switch e.Code {
		case models.CodeUnavailable:
			c.Response().Header().Set("Retry-After", "30")
			h.log.Warn("database unavailable", "err", err, "request_id", requestID(c), "path", c.Request().URL.Path)
		case models.CodeBusy:
			c.Response().Header().Set("Retry-After", "5")
			h.log.Warn("busy", "err", err, "request_id", requestID(c), "path", c.Request().URL.Path)
		}
		if e.Code != models.CodeUnavailable && errors.Unwrap(e) != nil { // a CHECK or a trigger: a write past the app's own checks
			h.log.Warn("refused by the database", "err", err, "request_id", requestID(c), "method", c.Request().Method, "path", c.Request().URL.Path)
		}
	} else if errors.As(err, &he) {
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
			heading, message = "Too much data", "What you sent is larger than we accept: a file can be 10 MB at most. Go back, choose a smaller file or shorten the text, and try again."
		case http.StatusForbidden:
			heading = "Not allowed"
		case http.StatusUnauthorized:
			heading = "Please sign in"
		case http.StatusBadRequest:
			heading = "We could not read that request"
		}
	}
	if status >= 500 && models.ErrorOf(err) == nil {
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

// statusOf is the HTTP status of each kind of refusal: the one place where
// refusal codes become statuses.
func statusOf(code models.Code) int {
	switch code {
	case models.CodeNotFound:
		return http.StatusNotFound
	case models.CodeForbidden:
		return http.StatusForbidden
	case models.CodeConflict:
		return http.StatusConflict
	case models.CodeInvalid:
		return http.StatusUnprocessableEntity
	case models.CodeGone:
		return http.StatusGone
	case models.CodeBusy, models.CodeUnavailable:
		return http.StatusServiceUnavailable
	case models.CodeUnauthorized:
		return http.StatusUnauthorized
	case models.CodeRateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// headingOf is the error page's heading for each kind of refusal.
func headingOf(code models.Code) string {
	switch code {
	case models.CodeNotFound:
		return "Page not found"
	case models.CodeForbidden:
		return "Not allowed"
	case models.CodeConflict:
		return "This change is not possible now"
	case models.CodeInvalid:
		return "Please check your input"
	case models.CodeGone:
		return "No longer available"
	case models.CodeBusy:
		return "Busy right now"
	case models.CodeUnavailable:
		return "Back in a moment"
	case models.CodeUnauthorized:
		return "Please sign in"
	case models.CodeRateLimited:
		return "Too many attempts"
	}
	return "Something went wrong on our side"
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}
