package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// Erasure (issue 23): the candidate asks on their account page; an admin
// confirms or declines on the erasure requests page.

// candidateErasureRequest records the signed-in candidate's request.
func (h *Handler) candidateErasureRequest(c echo.Context) error {
	return h.act(c, action{
		do: func() error {
			_, err := h.store.RequestErasure(c.Request().Context(), actor(c))
			return err
		},
		flash: fixed("We have your request to erase your data. An administrator confirms it within a month; until then you can take it back here."),
		next:  views.MyAccountPath,
		again: func(status int, r *models.Error) error { return h.renderCandidateAccount(c, status, formErrors(r)) },
	})
}

// candidateErasureWithdraw takes the candidate's open request back.
func (h *Handler) candidateErasureWithdraw(c echo.Context) error {
	return h.act(c, action{
		do:    func() error { return h.store.WithdrawErasureRequest(c.Request().Context(), actor(c)) },
		flash: fixed("Your request is withdrawn: we keep your data as before."),
		next:  views.MyAccountPath,
		again: func(status int, r *models.Error) error { return h.renderCandidateAccount(c, status, formErrors(r)) },
	})
}

// adminErasure lists the erasure requests.
func (h *Handler) adminErasure(c echo.Context) error {
	return h.renderErasure(c, http.StatusOK, views.ErasureRequestsProps{})
}

func (h *Handler) renderErasure(c echo.Context, status int, props views.ErasureRequestsProps) error {
	reqs, err := h.store.ErasureRequests(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	props.Layout, props.Requests = h.layout(c, "Erasure requests"), reqs
	return render(c, status, views.ErasureRequestsPage(props))
}

// adminErasureConfirm erases the person a request is about.
func (h *Handler) adminErasureConfirm(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.act(c, action{
		do:    func() error { return h.store.ConfirmErasure(c.Request().Context(), actor(c), id) },
		flash: fixed("The candidate's data is erased and they are signed out."),
		next:  views.ErasurePath,
		again: func(status int, r *models.Error) error {
			return h.renderErasure(c, status, views.ErasureRequestsProps{Failed: id, Errors: formErrors(r)})
		},
	})
}

// adminErasureDecline declines a request with the reason the candidate reads.
func (h *Handler) adminErasureDecline(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	return h.act(c, action{
		do:    func() error { return h.store.DeclineErasure(c.Request().Context(), actor(c), id, reason) },
		flash: fixed("The request is declined and the candidate is told why by email."),
		next:  views.ErasurePath,
		again: func(status int, r *models.Error) error {
			return h.renderErasure(c, status, views.ErasureRequestsProps{Failed: id, Errors: formErrors(r), Reason: reason})
		},
	})
}
