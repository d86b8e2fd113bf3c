package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

func (h *Handler) staffPage(c echo.Context, status int, form views.StaffForm, errs map[string]string) error {
	staff, err := h.store.ListStaff(c.Request().Context())
	if err != nil {
		return err
	}
	return render(c, status, views.AdminStaffPage(views.AdminStaffProps{Layout: h.layout(c, "Staff"), Staff: staff, Form: form, Errors: errs}))
}

func (h *Handler) adminStaff(c echo.Context) error {
	return h.staffPage(c, http.StatusOK, views.StaffForm{Role: string(models.RoleInterviewer)}, nil)
}

func (h *Handler) adminStaffInvite(c echo.Context) error {
	form := views.StaffForm{Name: c.FormValue("name"), Email: c.FormValue("email"), Role: c.FormValue("role")}
	u, err := h.store.InviteStaff(c.Request().Context(), actor(c),
		models.StaffInput{Name: form.Name, Email: form.Email, Role: models.Role(form.Role)})
	if r := h.formRefusal(err); r != nil {
		return h.staffPage(c, statusOf(r.Code), form, formErrors(r))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, h.sentNotice(u.Name+" was invited", "the invitation"))
	return redirect(c, "/admin/staff")
}

func (h *Handler) adminStaffUpdate(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	role := models.Role(c.FormValue("role"))
	active := c.FormValue("active") == "true"
	err = h.store.UpdateStaff(c.Request().Context(), actor(c), id, role, active, c.FormValue("can_sign") == "true")
	if r := h.formRefusal(err); r != nil {
		return h.staffPage(c, statusOf(r.Code), views.StaffForm{Role: string(models.RoleInterviewer)}, formErrors(r))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "Staff member updated.")
	return redirect(c, "/admin/staff")
}

func (h *Handler) adminStaffLink(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	err = h.store.SendStaffSignInLink(c.Request().Context(), actor(c), id)
	if r := h.formRefusal(err); r != nil {
		return h.staffPage(c, statusOf(r.Code), views.StaffForm{Role: string(models.RoleInterviewer)}, formErrors(r))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, h.sentNotice("A sign-in link was sent", "it"))
	return redirect(c, "/admin/staff")
}

func (h *Handler) adminAudit(c echo.Context) error {
	f := models.AuditFilter{
		Action:     truncateInput(c.QueryParam("action"), 100),
		ActorEmail: truncateInput(c.QueryParam("actor"), 254),
		Subject:    truncateInput(c.QueryParam("subject"), 50),
		From:       formDate(c.QueryParam("from"), h.cfg.Location),
		To:         formDate(c.QueryParam("to"), h.cfg.Location),
		Page:       pageParam(c),
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // inclusive end day
	}
	ctx := c.Request().Context()
	entries, total, err := h.store.ListAudit(ctx, actor(c), f)
	if err != nil {
		return err
	}
	actions, err := h.store.AuditActions(ctx)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminAuditPage(views.AdminAuditProps{
		Layout: h.layout(c, "Audit log"), Entries: entries, Total: total, Actions: actions, Query: c.QueryParams(),
		Page: f.Page, PageSize: models.AuditPageSize}))
}
