package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// The development mailbox: every email the portal sent, as the in-process
// SMTP receiver got it (development only; production has no such route).

// DevMail is one received email, decoded for reading.
type DevMail = views.DevMail

// DevMailbox gives the received mail, newest first.
type DevMailbox interface{ Mail() []DevMail }

// devMailboxRoutes: the list, one message, and its HTML part.
func (h *Handler) devMailboxRoutes(e *echo.Echo) {
	if h.cfg.DevMailbox == nil {
		return
	}
	dev := e.Group("/dev/mailbox", cleanInput, noStore)
	dev.GET("", h.devMailboxList)
	dev.GET("/:n", h.devMailboxMessage)
	dev.GET("/:n/html", h.devMailboxHTML)
}

func (h *Handler) devMailboxList(c echo.Context) error {
	return render(c, http.StatusOK, views.DevMailboxPage(views.DevMailboxProps{Layout: h.layout(c, "Development mailbox"),
		Mail: h.cfg.DevMailbox.Mail()}))
}

// devMail is received message n (1 is the first received).
func (h *Handler) devMail(c echo.Context) (DevMail, error) {
	n, err := strconv.Atoi(c.Param("n"))
	if err == nil {
		for _, m := range h.cfg.DevMailbox.Mail() {
			if m.ID == n {
				return m, nil
			}
		}
	}
	return DevMail{}, models.ErrNotFound
}

func (h *Handler) devMailboxMessage(c echo.Context) error {
	m, err := h.devMail(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.DevMailPage(views.DevMailProps{Layout: h.layout(c, m.Subject), Mail: m}))
}

// devMailboxHTML serves the HTML part as sent, sandboxed: no scripts, no
// forms, no reach into the portal's session.
func (h *Handler) devMailboxHTML(c echo.Context) error {
	m, err := h.devMail(c)
	if err != nil || m.HTML == "" {
		return models.ErrNotFound
	}
	c.Response().Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'")
	return c.HTML(http.StatusOK, m.HTML)
}
