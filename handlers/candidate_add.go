package handlers

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// offerExistingCandidate: when the email on a refused "new candidate" form
// belongs to a candidate already, the page says who they are and offers to
// add an application for them instead.
func (h *Handler) offerExistingCandidate(c echo.Context, props *views.AdminCandidateNewProps) error {
	existing, err := h.store.FindCandidateByEmail(c.Request().Context(), actor(c), props.Form.Email)
	if models.ErrorCode(err) == models.CodeNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	props.Existing = existing
	if props.AddPositionID == "" { // the position chosen on the form, when it can take them
		for _, p := range existing.Addable {
			if fmt.Sprint(p.ID) == props.Form.PositionID {
				props.AddPositionID = props.Form.PositionID
			}
		}
	}
	return nil
}

// adminCandidateAddApplication adds an application for an existing candidate
// to another open position. A refusal comes back on the page the form was
// on: the "new candidate" page (from=new, with what was typed there) or the
// candidate's page.
func (h *Handler) adminCandidateAddApplication(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	positionID := c.FormValue("position_id")
	app, err := h.store.AddApplication(c.Request().Context(), actor(c), id, formInt(positionID))
	if r := h.formRefusal(err); r != nil {
		msg, ok := r.Fields()["position_id"]
		if !ok {
			msg = sentence(r)
		}
		errs := map[string]string{"add_position_id": msg}
		if c.FormValue("from") != "new" {
			return h.renderCandidate(c, id, statusOf(r.Code), errs,
				views.CandidateActionForm{Action: "add_application", AddPositionID: positionID})
		}
		form := views.CandidateForm{Name: c.FormValue("name"), Email: c.FormValue("email"), Phone: c.FormValue("phone"),
			PositionID: positionID, Stage: c.FormValue("stage")}
		props, err := h.candidateFormProps(c, form, errs)
		if err != nil {
			return err
		}
		props.AddPositionID = positionID
		if err := h.offerExistingCandidate(c, &props); err != nil {
			return err
		}
		return render(c, statusOf(r.Code), views.AdminCandidateNewPage(props))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, h.sentNotice(fmt.Sprintf("An application for %s was added for %s", app.Position.Title, app.Candidate.Name), "their invitation"))
	return redirect(c, views.CandidatePath(id))
}
