package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// candidateHome is the "where am I" page: every application of the signed-in candidate.
func (h *Handler) candidateHome(c echo.Context) error {
	v, err := h.store.GetCandidateView(c.Request().Context(), currentCandidate(c))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.CandidateHomePage(views.CandidateHomeProps{Layout: h.layout(c, "Your applications"), View: v}))
}

// candidateApplication shows one application; another candidate's id is a 404.
func (h *Handler) candidateApplication(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.store.GetCandidateView(c.Request().Context(), currentCandidate(c))
	if err != nil {
		return err
	}
	for _, a := range v.Applications {
		if a.ID == id {
			return render(c, http.StatusOK, views.CandidateApplicationPage(views.CandidateApplicationProps{
				Layout: h.layout(c, a.Position.Title), App: a}))
		}
	}
	return models.ErrNotFound
}
