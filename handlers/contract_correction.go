package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/views"
)

// candidateContractNameCorrection asks staff to correct the legal name the
// candidate's contract is made out to.
func (h *Handler) candidateContractNameCorrection(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form := views.NameCorrectionForm{RequestedName: c.FormValue("requested_name"), Note: c.FormValue("note")}
	_, err = h.store.RequestNameCorrection(c.Request().Context(), actor(c), appID, form.RequestedName, form.Note)
	if r := h.formRefusal(err); r != nil {
		return h.renderCandidateContractWith(c, statusOf(r.Code), views.CandidateContractProps{Errors: formErrors(r), Correction: form})
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "We've asked HR to correct your name. We'll send you the corrected contract to sign.")
	return redirect(c, views.MyContractPath(appID))
}

// adminNameCorrectionApply corrects the name and replaces the contract, then
// shows the new contract.
func (h *Handler) adminNameCorrectionApply(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctr, err := h.store.ApplyNameCorrection(c.Request().Context(), actor(c), id)
	if r := h.formRefusal(err); r != nil {
		return h.renderCorrectionRefusal(c, id, views.ContractProps{Errors: formErrors(r)})
	}
	if err != nil {
		return err
	}
	h.setFlash(c, h.sentNotice("Name corrected. The old contract is void, and the candidate can sign the corrected one on their page", "the message telling them"))
	return redirect(c, views.ContractPath(ctr.ID))
}

// adminNameCorrectionDecline refuses the correction with a response the
// candidate reads.
func (h *Handler) adminNameCorrectionDecline(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	response := c.FormValue("response")
	err = h.store.DeclineNameCorrection(c.Request().Context(), actor(c), id, response)
	if r := h.formRefusal(err); r != nil {
		return h.renderCorrectionRefusal(c, id, views.ContractProps{Errors: formErrors(r), Response: response})
	}
	if err != nil {
		return err
	}
	nc, err := h.store.StaffNameCorrection(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	h.setFlash(c, "Correction declined. The candidate has been sent your response.")
	return redirect(c, views.ContractPath(nc.ContractID))
}

// renderCorrectionRefusal shows the contract of correction id again with
// the refusal and the input kept.
func (h *Handler) renderCorrectionRefusal(c echo.Context, id int64, p views.ContractProps) error {
	nc, err := h.store.StaffNameCorrection(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return h.renderStaffContractWith(c, nc.ContractID, http.StatusUnprocessableEntity, p)
}
