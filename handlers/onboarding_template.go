package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// ---- admins: a position's onboarding checklist template ----

// onboardingTemplateRoutes: admins edit the checklist a position's new
// starters get (the default until they write their own).
func (h *Handler) onboardingTemplateRoutes(staff *echo.Group, admins echo.MiddlewareFunc) {
	staff.GET("/positions/:id/onboarding", h.adminOnboardingTemplate, admins)
	staff.POST("/positions/:id/onboarding", h.adminOnboardingTemplateSave, admins)
}

func (h *Handler) adminOnboardingTemplate(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.renderOnboardingTemplate(c, id, http.StatusOK, views.OnboardingTemplateProps{})
}

// renderOnboardingTemplate shows a position's checklist template; the rows
// are what is stored unless p carries the input of a refused save.
func (h *Handler) renderOnboardingTemplate(c echo.Context, positionID int64, status int, p views.OnboardingTemplateProps) error {
	ctx := c.Request().Context()
	pos, err := h.store.GetPosition(ctx, actor(c), positionID)
	if err != nil {
		return err
	}
	if !p.Refused {
		tasks, err := h.store.OnboardingTemplate(ctx, actor(c), positionID)
		if err != nil {
			return err
		}
		p.Rows = views.TemplateRowsFrom(tasks)
	}
	p.Layout, p.PositionID, p.PositionTitle = h.layout(c, "Onboarding checklist: "+pos.Title), positionID, pos.Title
	return render(c, status, views.OnboardingTemplatePage(p))
}

// adminOnboardingTemplateSave saves the template from its rows (title_N,
// explanation_N, kind_N, ...); a row whose title is empty is dropped, and
// "defaults" (or no row left) goes back to the default checklist.
func (h *Handler) adminOnboardingTemplateSave(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var rows []views.TemplateRow
	var tasks []models.TaskTemplate
	if c.FormValue("defaults") == "" {
		for i := 0; i < views.MaxTemplateRows; i++ {
			n := strconv.Itoa(i)
			row := views.TemplateRow{Title: c.FormValue("title_" + n), Explanation: c.FormValue("explanation_" + n),
				Kind: c.FormValue("kind_" + n), Assignee: c.FormValue("assignee_" + n), Required: c.FormValue("required_"+n) != "",
				DueOffsetDays: c.FormValue("due_offset_days_" + n), Form: c.FormValue("form_" + n),
				Document: c.FormValue("document_" + n), ConfirmVersion: c.FormValue("confirm_version_" + n)}
			if strings.TrimSpace(row.Title) == "" {
				continue
			}
			rows = append(rows, row)
			tasks = append(tasks, row.Task())
		}
	}
	done := "Onboarding checklist saved. Checklists made from now on have these tasks."
	if len(tasks) == 0 {
		done = "This position now uses the default onboarding checklist."
	}
	return h.act(c, action{do: func() error {
		return h.store.SetOnboardingTemplate(c.Request().Context(), actor(c), id, tasks)
	}, flash: fixed(done), next: views.PositionOnboardingPath(id),
		again: func(status int, r *models.Error) error {
			return h.renderOnboardingTemplate(c, id, status, views.OnboardingTemplateProps{Rows: rows, Refused: true, Errors: formErrors(r)})
		}})
}
