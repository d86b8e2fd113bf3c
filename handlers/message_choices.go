package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// The candidate's choices (issue 21): their account page, and the
// unsubscribe links in the emails they may turn off.

// unsubscribeRoutes: an unsubscribe link's page. Like the referee's page it
// sits outside the session and CSRF middleware: it sets no cookie at all,
// and the link's token, which only the email's reader has, is what
// authorises it. A mail client's one-click POST (RFC 8058) carries no
// cookie and no CSRF token either.
func (h *Handler) unsubscribeRoutes(e *echo.Echo) {
	g := e.Group("/unsubscribe", cleanInput, noStore)
	g.GET("/:token", h.unsubscribePage)
	g.POST("/:token", h.unsubscribe)
}

// unsubscribePage asks before anything changes: opening a link (a mail
// scanner does) turns nothing off. A used link says so (410), a forged or
// altered one is not found (404).
func (h *Handler) unsubscribePage(c echo.Context) error {
	v, err := h.store.UnsubscribeLink(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.UnsubscribePage(views.UnsubscribeProps{Layout: h.layout(c, "Stop these emails?"),
		Token: c.Param("token"), Choice: v.Choice}))
}

// unsubscribe turns the link's category off, once, for the page's button
// and for a mail client's one-click POST (body List-Unsubscribe=One-Click)
// alike. It answers with the outcome itself rather than a redirect: there
// is no session to carry a flash, and a mail client posting one-click
// expects its answer from this address. Posting again (a reload) is
// refused as used and changes nothing.
func (h *Handler) unsubscribe(c echo.Context) error {
	choice, err := h.store.Unsubscribe(c.Request().Context(), c.Param("token"), models.UnsubscribeRequest{
		IP: c.RealIP(), UserAgent: c.Request().UserAgent(), OneClick: c.FormValue("List-Unsubscribe") == "One-Click"})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.UnsubscribePage(views.UnsubscribeProps{Layout: h.layout(c, "Emails turned off"),
		Choice: choice, Done: true}))
}

// candidateAccount shows the candidate's email choices and time zone.
func (h *Handler) candidateAccount(c echo.Context) error {
	return h.renderCandidateAccount(c, http.StatusOK, nil)
}

func (h *Handler) renderCandidateAccount(c echo.Context, status int, errs map[string]string) error {
	choices, err := h.store.CandidateEmailChoices(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	retention, err := h.store.MyRetention(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	erasure, err := h.store.MyErasureRequest(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	cand := currentCandidate(c)
	return render(c, status, views.CandidateAccountPage(views.CandidateAccountProps{Layout: h.layout(c, "Your account"),
		Email: cand.Email, Choices: choices, Zone: cand.TimeZone, Errors: errs, Erasure: erasure,
		Retention: retention, RetentionPeriod: h.store.Retention()}))
}

// candidateZoneSave keeps the time zone the candidate chose (issue 22).
func (h *Handler) candidateZoneSave(c echo.Context) error {
	changed := false
	return h.act(c, action{
		do: func() (err error) {
			changed, err = h.store.SetCandidateZone(c.Request().Context(), actor(c), c.FormValue("time_zone"), false)
			return err
		},
		flash: func() string {
			if !changed {
				return "Nothing to save: your time zone is as it was."
			}
			return "Your time zone is saved: times on your pages and in our emails are shown in it."
		},
		next: views.MyAccountPath,
		again: func(status int, r *models.Error) error {
			return h.renderCandidateAccount(c, status, formErrors(r))
		},
	})
}

// candidateZoneDetect keeps the zone the browser reports (app.js posts it,
// once, while the candidate has none; never shown as a page): 200 when it
// was kept and differs from the portal's, in which the page was shown (so
// app.js shows it again), 204 when nothing changes for the page (the
// candidate already had a zone, or it is the portal's), 422 for a zone this
// server does not know.
func (h *Handler) candidateZoneDetect(c echo.Context) error {
	changed, err := h.store.SetCandidateZone(c.Request().Context(), actor(c), c.FormValue("time_zone"), true)
	if r := h.formRefusal(err); r != nil {
		return c.NoContent(http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	if zone, _ := models.CheckZone(c.FormValue("time_zone")); changed && zone != h.cfg.Location.String() {
		return c.NoContent(http.StatusOK)
	}
	return c.NoContent(http.StatusNoContent)
}

// candidateAccountSave stores the ticked choices (an unticked box is not
// sent, so it is off).
func (h *Handler) candidateAccountSave(c echo.Context) error {
	want := models.EmailChoices{
		Reminders: c.FormValue(string(models.ChoiceReminders)) == "yes",
		Updates:   c.FormValue(string(models.ChoiceUpdates)) == "yes",
	}
	changed := false
	return h.act(c, action{
		do: func() (err error) {
			changed, err = h.store.SaveEmailChoices(c.Request().Context(), actor(c), want)
			return err
		},
		flash: func() string {
			if !changed {
				return "Nothing to save: your email choices are as they were."
			}
			return "Your email choices are saved."
		},
		next: views.MyAccountPath,
	})
}
