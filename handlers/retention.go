package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// Retention (issue 23; models/retention.go): the staff's list of candidates
// due for anonymisation, and the candidate's "Keep my data".

// retentionRoutes: the list for admins and recruiters (read-only: the
// scheduled task does the work); the candidate's button is in candidateRoutes.
func (h *Handler) retentionRoutes(staff *echo.Group, managers echo.MiddlewareFunc) {
	staff.GET("/retention", h.adminRetention, managers)
}

// adminRetention lists, soonest first, the candidates due for anonymisation
// within 30 days and those told, a page at a time: the cursor (due date, id)
// and the time the list is read at come in the query, so later pages follow
// the first's order. A cursor that does not read starts again at the top.
func (h *Handler) adminRetention(c echo.Context) error {
	var asOf time.Time
	var after models.RetentionCursor
	if t, err := time.Parse(time.RFC3339Nano, c.QueryParam("as_of")); err == nil {
		due, errDue := time.Parse(time.RFC3339Nano, c.QueryParam("after_due"))
		id, errID := strconv.ParseInt(c.QueryParam("after_id"), 10, 64)
		if errDue == nil && errID == nil && id > 0 {
			asOf, after = t, models.RetentionCursor{Due: due, ID: id}
		}
	}
	page, err := h.store.RetentionDue(c.Request().Context(), actor(c), asOf, after)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.RetentionPage(views.RetentionProps{
		Layout: h.layout(c, "Data retention"), Page: page, First: after.ID == 0}))
}

// candidateKeepData restarts the candidate's retention timer.
func (h *Handler) candidateKeepData(c echo.Context) error {
	var until time.Time
	return h.act(c, action{
		do: func() (err error) {
			until, err = h.store.KeepMyData(c.Request().Context(), actor(c))
			return err
		},
		flash: func() string {
			return "We will keep your data until at least " + views.LongDate(until, h.layoutWithoutCount(c, "")) +
				", and email you 30 days before we delete it."
		},
		next: views.MyAccountPath,
	})
}
