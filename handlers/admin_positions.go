package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

func (h *Handler) adminPositions(c echo.Context) error {
	return h.renderPositions(c, http.StatusOK, views.PositionChecksForm{})
}

// renderPositions shows the positions, with a refused choice of checks kept.
func (h *Handler) renderPositions(c echo.Context, status int, checks views.PositionChecksForm) error {
	ps, err := h.store.ListPositions(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return render(c, status, views.AdminPositionsPage(views.AdminPositionsProps{Layout: h.layout(c, "Positions"), Positions: ps, Checks: checks}))
}

// positionForm reads the position form. The pipeline editor posts one
// "stage_<key>" checkbox, one hidden "order_<key>" place and one
// "sla_<key>" time (models.StageTimeField) per catalogue stage; orderErr is
// set when a place is not a number from 1 to 99.
func positionForm(c echo.Context) (f views.PositionForm, orderErr error) {
	f = views.PositionForm{
		Title: c.FormValue("title"), Department: c.FormValue("department"), Location: c.FormValue("location"),
		Headcount: c.FormValue("headcount"), DecisionSLADays: c.FormValue("decision_sla_days"),
		HiringManagerID: c.FormValue("hiring_manager_id"),
		Criteria:        c.FormValue("criteria"), Description: c.FormValue("description"), RequiresDecisionApproval: c.FormValue("requires_decision_approval") != "",
	}
	places := map[models.StageKey]string{}
	f.StageTimes = map[models.StageKey]string{}
	for _, st := range models.Stages() {
		places[st.Key] = c.FormValue("order_" + string(st.Key))
		f.StageTimes[st.Key] = c.FormValue(models.StageTimeField(st.Key))
		if c.FormValue("stage_"+string(st.Key)) != "" {
			f.Selected = append(f.Selected, st.Key)
		}
	}
	f.Order, orderErr = models.ParseEditorOrder(places)
	return f, orderErr
}

func positionInput(f views.PositionForm, orderErr error) (models.PositionInput, error) {
	v := &models.Problems{}
	head, ok := formIntStrict(f.Headcount)
	if !ok {
		v.Add("headcount", "Headcount must be a whole number from 1 to 1000.")
	}
	sla, ok := formIntStrict(f.DecisionSLADays)
	if !ok {
		v.Add("decision_sla_days", "The decision time must be a whole number of business days from 1 to 60.")
	}
	if orderErr != nil {
		v.Add("stages", models.FieldErrors(orderErr)["stages"])
	}
	in := models.PositionInput{Title: f.Title, Department: f.Department, Location: f.Location, Headcount: head,
		DecisionSLADays: sla, HiringManagerID: formInt(f.HiringManagerID), Pipeline: f.Pipeline(),
		Criteria: f.Criteria, Description: f.Description, RequiresDecisionApproval: f.RequiresDecisionApproval, StageTimes: f.StageTimes}
	if err := in.Validate(); err != nil {
		for k, m := range models.FieldErrors(err) {
			v.Add(k, m)
		}
	}
	return in, v.Err()
}

// positionMove answers a "Move up"/"Move down" button pressed without
// JavaScript: the form comes back with the stage moved and everything else as
// typed, nothing saved. handled is false when no such button was pressed.
func (h *Handler) positionMove(c echo.Context, id int64, form views.PositionForm, orderErr error) (handled bool, err error) {
	raw := c.FormValue("pipeline_move")
	if raw == "" {
		return false, nil
	}
	if id != 0 { // the position must exist and be the actor's to edit, as for a save
		if _, err := h.store.GetPosition(c.Request().Context(), actor(c), id); err != nil {
			return true, err
		}
	}
	if orderErr != nil {
		return true, h.positionFormPage(c, http.StatusUnprocessableEntity, id, form, models.FieldErrors(orderErr))
	}
	dir, key, ok := models.ParseEditorMove(raw)
	if !ok {
		return true, h.positionFormPage(c, http.StatusUnprocessableEntity, id, form,
			map[string]string{"stages": "Choose a stage of the list to move."})
	}
	order, merr := models.MoveInEditor(form.Order, key, dir)
	if merr != nil {
		form.Moved, form.MoveDir = key, dir // the focus goes back to the button pressed
		return true, h.positionFormPage(c, http.StatusUnprocessableEntity, id, form, models.FieldErrors(merr))
	}
	form.Order, form.Moved, form.MoveDir = order, key, dir
	form.Notice = models.EditorMoveNotice(order, key, dir)
	return true, h.positionFormPage(c, http.StatusOK, id, form, nil)
}

func (h *Handler) positionFormPage(c echo.Context, status int, id int64, form views.PositionForm, errs map[string]string) error {
	managers, err := h.store.StaffWithRole(c.Request().Context(), models.RoleHiringManager)
	if err != nil {
		return err
	}
	title := "New position"
	if id != 0 {
		title = "Edit position"
	}
	return render(c, status, views.AdminPositionFormPage(views.AdminPositionFormProps{
		Layout: h.layout(c, title), ID: id, Form: form, Errors: errs, Managers: managers}))
}

func (h *Handler) adminPositionNew(c echo.Context) error {
	form := views.PositionForm{Headcount: "1", DecisionSLADays: "5", Selected: models.DefaultPipeline()}
	form.Order = models.EditorOrder(form.Selected)
	return h.positionFormPage(c, http.StatusOK, 0, form, nil)
}

func (h *Handler) adminPositionCreate(c echo.Context) error {
	form, orderErr := positionForm(c)
	if handled, err := h.positionMove(c, 0, form, orderErr); handled {
		return err
	}
	in, err := positionInput(form, orderErr)
	if err == nil {
		var p *models.Position
		p, err = h.store.CreatePosition(c.Request().Context(), actor(c), in)
		if err == nil {
			h.setFlash(c, fmt.Sprintf("Position %q created.", p.Title))
			return redirect(c, "/admin/positions")
		}
	}
	if r := h.formRefusal(err); r != nil {
		return h.positionFormPage(c, statusOf(r.Code), 0, form, formErrors(r))
	}
	return err
}

func (h *Handler) adminPositionEdit(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.store.GetPosition(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return h.positionFormPage(c, http.StatusOK, id, views.PositionFormFrom(p), nil)
}

func (h *Handler) adminPositionUpdate(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form, orderErr := positionForm(c)
	if handled, err := h.positionMove(c, id, form, orderErr); handled {
		return err
	}
	in, err := positionInput(form, orderErr)
	if err == nil {
		err = h.store.UpdatePosition(c.Request().Context(), actor(c), id, in)
		if err == nil {
			h.setFlash(c, fmt.Sprintf("Position %q saved.", in.Title))
			return redirect(c, "/admin/positions")
		}
	}
	if r := h.formRefusal(err); r != nil {
		return h.positionFormPage(c, statusOf(r.Code), id, form, formErrors(r))
	}
	return err
}

func (h *Handler) adminPositionStatus(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	status := models.PositionStatus(c.FormValue("status"))
	if status == models.PositionFilled || status == models.PositionClosed {
		// Filling or closing decides every application in progress, and is
		// refused over an undecided offer: that is the close page's (ClosePosition).
		return redirect(c, views.PositionPath(id)+"/close?status="+string(status))
	}
	if status != models.PositionOpen {
		return models.Invalid("status", "Choose open, filled or closed.")
	}
	if err := h.store.ReopenPosition(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	h.setFlash(c, "Position marked "+string(status)+".")
	return redirect(c, "/admin/positions")
}

func (h *Handler) adminPositionClose(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.renderPositionClose(c, id, models.PositionStatus(c.QueryParam("status")), http.StatusOK, nil, nil)
}

// adminPositionCloseSubmit marks the position filled or closed with each
// application's choice (choice_<id>, see views.CloseChoiceValue).
func (h *Handler) adminPositionCloseSubmit(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	status := models.PositionStatus(c.FormValue("status"))
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	choices, decisions := map[int64]string{}, map[int64]models.CloseDecision{}
	for key, vals := range form {
		appID, ok := strings.CutPrefix(key, "choice_")
		if n := formInt(appID); ok && n > 0 && len(vals) == 1 {
			choices[n], decisions[n] = vals[0], views.ParseCloseChoice(vals[0])
		}
	}
	return h.act(c, action{
		do:    func() error { return h.store.ClosePosition(c.Request().Context(), actor(c), id, status, decisions) },
		flash: fixed("Position marked " + string(status) + "."),
		next:  "/admin/positions",
		again: func(code int, r *models.Error) error {
			return h.renderPositionClose(c, id, status, code, choices, formErrors(r))
		},
	})
}

func (h *Handler) renderPositionClose(c echo.Context, id int64, status models.PositionStatus, code int, choices map[int64]string, errs map[string]string) error {
	if status != models.PositionFilled && status != models.PositionClosed {
		status = models.PositionFilled
	}
	ctx := c.Request().Context()
	pos, apps, err := h.store.OpenApplications(ctx, actor(c), id)
	if err != nil {
		return err
	}
	targets, err := h.store.MoveTargets(ctx, actor(c), id)
	if err != nil {
		return err
	}
	props := views.PositionCloseProps{Layout: h.layout(c, "Close "+pos.Title), Position: pos, Status: status,
		Applications: apps, Targets: targets, Choices: choices, Errors: errs}
	for _, a := range apps {
		if a.ClosesWithIt {
			props.Closing++
		}
	}
	return render(c, code, views.PositionClosePage(props))
}
