package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// The interview kit: a round's page for its panel, and the form with which
// the staff who set the round up write its focus areas and suggested
// questions.

// interviewKitRoutes: the kit is read by the panel and the application's
// managers (the store decides); it is written by people who manage
// candidates.
func (h *Handler) interviewKitRoutes(staff *echo.Group, people echo.MiddlewareFunc) {
	staff.GET("/interviews/:id/kit", h.adminInterviewKit)
	staff.GET("/interviews/:id/kit/edit", h.adminInterviewKitEdit, people)
	staff.POST("/interviews/:id/kit", h.adminInterviewKitSave, people)
}

// renderInterviewKit shows the kit, or (edit) its form: only to those the
// store lets manage the round, as SaveInterviewKit does.
func (h *Handler) renderInterviewKit(c echo.Context, status int, edit bool, form views.KitForm, errs map[string]string) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	kit, err := h.store.GetInterviewKit(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	if !edit {
		return render(c, status, views.InterviewKitPage(views.InterviewKitProps{
			Layout: h.layout(c, "Interview kit: "+kit.Application.Candidate.Name), Kit: kit}))
	}
	if !kit.CanManage {
		return models.ErrNotFound
	}
	if form.Questions == nil {
		form = views.KitFormFrom(kit)
	}
	return render(c, status, views.InterviewKitEditPage(views.InterviewKitProps{
		Layout: h.layout(c, "Prepare the panel: "+kit.Application.Candidate.Name), Kit: kit, Form: form, Errors: errs}))
}

func (h *Handler) adminInterviewKit(c echo.Context) error {
	return h.renderInterviewKit(c, http.StatusOK, false, views.KitForm{}, nil)
}

func (h *Handler) adminInterviewKitEdit(c echo.Context) error {
	return h.renderInterviewKit(c, http.StatusOK, true, views.KitForm{}, nil)
}

func (h *Handler) adminInterviewKitSave(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	params, _ := c.FormParams()
	in := models.KitInput{FocusAreas: c.FormValue("focus_areas"), Questions: map[int64]string{}}
	form := views.KitForm{FocusAreas: in.FocusAreas, Questions: map[int64]string{}}
	for key, vals := range params {
		if cid, ok := strings.CutPrefix(key, "questions_"); ok && len(vals) > 0 {
			in.Questions[formInt(cid)], form.Questions[formInt(cid)] = vals[0], vals[0]
		}
	}
	return h.act(c, action{
		do:    func() error { return h.store.SaveInterviewKit(c.Request().Context(), actor(c), id, in) },
		flash: fixed("The kit is saved: the panel reads it on this page."),
		next:  views.InterviewKitPath(id),
		again: func(status int, r *models.Error) error {
			return h.renderInterviewKit(c, status, true, form, formErrors(r))
		},
	})
}
