package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// "Your first day": the starter's page and its .ics under /me, and the
// staff's form on the checklist page (handlers/onboarding.go renders it).

func (h *Handler) starterFirstDayRoutes(me *echo.Group) {
	me.GET("/applications/:id/first-day", h.starterFirstDay)
	me.GET("/applications/:id/first-day.ics", h.starterFirstDayCalendar)
}

func (h *Handler) staffFirstDayRoutes(staff *echo.Group, people echo.MiddlewareFunc) {
	staff.POST("/applications/:id/onboarding/first-day", h.adminSaveFirstDay, people)
}

func (h *Handler) starterFirstDay(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	day, err := h.store.FirstDay(c.Request().Context(), actor(c), appID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.FirstDayPage(views.FirstDayProps{Layout: h.layout(c, "Your first day"), Day: day}))
}

func (h *Handler) starterFirstDayCalendar(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	body, err := h.store.FirstDayICS(c.Request().Context(), actor(c), appID)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="first-day.ics"`)
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", []byte(body))
}

func (h *Handler) adminSaveFirstDay(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form := views.FirstDayForm{Values: map[string]string{}}
	for _, k := range []string{"start_time", "time_zone", "address", "ask_for", "what_to_bring", "agenda"} {
		form.Values[k] = c.FormValue(k)
	}
	in := models.FirstDayInput{StartTime: form.Values["start_time"], TimeZone: form.Values["time_zone"], Address: form.Values["address"],
		AskFor: form.Values["ask_for"], WhatToBring: form.Values["what_to_bring"], Agenda: form.Values["agenda"]}
	return h.act(c, action{
		do:    func() error { return h.store.SetFirstDay(c.Request().Context(), actor(c), appID, in) },
		flash: fixed("The first day is saved: the starter sees it on their page."),
		next:  views.ApplicationOnboardingPath(appID) + "#first-day",
		again: func(status int, r *models.Error) error {
			form.Errors = formErrors(r)
			return h.renderAdminChecklistWith(c, status, views.TaskForm{}, form)
		},
	})
}
