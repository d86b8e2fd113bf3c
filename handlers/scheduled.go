package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/views"
)

// adminScheduled shows admins the server's scheduled work: each task's
// period, last run and last failure (models/scheduled.go).
func (h *Handler) adminScheduled(c echo.Context) error {
	tasks, err := h.store.ScheduledWork(c.Request().Context(), actor(c), h.cfg.Scheduled...)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ScheduledWorkPage(views.ScheduledWorkProps{
		Layout: h.layout(c, "Scheduled work"), Tasks: tasks}))
}
