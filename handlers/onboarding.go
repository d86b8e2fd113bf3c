package handlers

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// Onboarding: the new starter's checklist under /me, and the staff's pages
// (every new starter, one checklist) under /admin.

// onboardingUploadRoute takes a document; it has the upload body limit
// (checkUploadLimit), set in routes before any middleware reads the form.
const onboardingUploadRoute = "/me/applications/:id/onboarding/:task/upload"

func (h *Handler) starterOnboardingRoutes(me *echo.Group) {
	me.GET("/applications/:id/onboarding", h.starterChecklist)
	me.POST("/applications/:id/onboarding/:task/confirm", h.starterConfirm)
	me.POST("/applications/:id/onboarding/:task/form", h.starterForm)
	me.POST(onboardingUploadRoute[len("/me"):], h.starterUpload)
	me.GET("/applications/:id/onboarding/:task/document", h.taskDocument)
	h.starterFirstDayRoutes(me)
}

func (h *Handler) staffOnboardingRoutes(staff *echo.Group, people echo.MiddlewareFunc) {
	staff.GET("/onboarding", h.adminStarters, people)
	staff.GET("/applications/:id/onboarding", h.adminChecklist, people)
	staff.POST("/applications/:id/onboarding/:task/verify", h.adminVerifyDocument, people)
	staff.POST("/applications/:id/onboarding/:task/return", h.adminReturnDocument, people)
	staff.POST("/applications/:id/onboarding/:task/complete", h.adminCompleteTask, people)
	staff.POST("/applications/:id/onboarding/:task/right-to-work", h.adminRightToWork, people)
	staff.POST("/applications/:id/onboarding/fields/:field/reveal", h.adminRevealField, people)
	staff.GET("/applications/:id/onboarding/:task/document", h.taskDocument, people)
	h.staffFirstDayRoutes(staff, people)
}

// ---- the starter ----

func (h *Handler) renderStarterChecklist(c echo.Context, status int, form views.TaskForm) error {
	a, err := h.ownApplication(c)
	if err != nil {
		return err
	}
	list, err := h.store.StarterChecklist(c.Request().Context(), actor(c), a.ID)
	if err != nil {
		return err
	}
	return render(c, status, views.StarterChecklistPage(views.StarterChecklistProps{Layout: h.layout(c, "Before your first day"),
		App: *a, List: list, Form: form}))
}

func (h *Handler) starterChecklist(c echo.Context) error {
	return h.renderStarterChecklist(c, http.StatusOK, views.TaskForm{})
}

// taskAct runs one form on a task of the checklist (the starter's or
// staff's): done, back to page with flash; refused, the page again via
// render with the form kept and its errors.
func (h *Handler) taskAct(c echo.Context, form views.TaskForm, do func(taskID int64) error, flash string,
	page func(appID int64) string, render func(echo.Context, int, views.TaskForm) error) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if form.TaskID, err = paramID(c, "task"); err != nil {
		return err
	}
	return h.act(c, action{
		do:    func() error { return do(form.TaskID) },
		flash: fixed(flash),
		next:  page(appID),
		again: func(status int, r *models.Error) error {
			form.Errors = formErrors(r)
			return render(c, status, form)
		},
	})
}

// starterAct runs one of the starter's task forms.
func (h *Handler) starterAct(c echo.Context, form views.TaskForm, do func(taskID int64) error, flash string) error {
	return h.taskAct(c, form, do, flash, views.MyOnboardingPath, h.renderStarterChecklist)
}

func (h *Handler) starterConfirm(c echo.Context) error {
	return h.starterAct(c, views.TaskForm{}, func(id int64) error {
		return h.store.ConfirmTask(c.Request().Context(), actor(c), id, c.FormValue("version"))
	}, "Thank you: confirmed.")
}

func (h *Handler) starterForm(c echo.Context) error {
	values := map[string]string{}
	params, _ := c.FormParams()
	for k := range params {
		if k != "_csrf" {
			values[k] = strings.TrimSpace(c.FormValue(k))
		}
	}
	return h.starterAct(c, views.TaskForm{Values: values}, func(id int64) error {
		return h.store.SubmitTaskForm(c.Request().Context(), actor(c), id, values)
	}, "Thank you: your details are saved.")
}

func (h *Handler) starterUpload(c echo.Context) error {
	return h.starterAct(c, views.TaskForm{}, func(id int64) error {
		// No file goes on to the store too, which says whose task it is
		// before it refuses the empty upload at its field.
		name, data, err := uploadedFile(c, "file")
		if err != nil && !errors.Is(err, errNoFile) {
			return err
		}
		_, err = h.store.UploadTaskDocument(c.Request().Context(), actor(c), id, name, data)
		return err
	}, "Thank you: your document is with us. We will let you know once it is checked.")
}

// ---- staff ----

func (h *Handler) adminStarters(c echo.Context) error {
	list, err := h.store.StaffOnboarding(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminStartersPage(views.AdminStartersProps{Layout: h.layout(c, "New starters"), Starters: list}))
}

func (h *Handler) renderAdminChecklist(c echo.Context, status int, form views.TaskForm) error {
	return h.renderAdminChecklistWith(c, status, form, views.FirstDayForm{})
}

// renderAdminChecklistWith is the staff checklist page with the first
// day's form as posted (fd) when it was refused.
func (h *Handler) renderAdminChecklistWith(c echo.Context, status int, form views.TaskForm, fd views.FirstDayForm) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	app, err := h.store.GetApplicationForStaff(ctx, actor(c), appID)
	if err != nil {
		return err
	}
	list, err := h.store.StaffChecklist(ctx, actor(c), appID)
	if err != nil {
		return err
	}
	var day *models.FirstDay
	if len(list.Tasks) > 0 {
		if day, err = h.store.FirstDay(ctx, actor(c), appID); err != nil {
			return err
		}
	}
	return render(c, status, views.AdminChecklistPage(views.AdminChecklistProps{Layout: h.layout(c, "Onboarding · "+app.Candidate.Name),
		App: app, List: list, Form: form, FirstDay: day, FirstDayForm: fd}))
}

func (h *Handler) adminChecklist(c echo.Context) error {
	return h.renderAdminChecklist(c, http.StatusOK, views.TaskForm{})
}

// staffAct runs one staff form on a task of the checklist.
func (h *Handler) staffAct(c echo.Context, form views.TaskForm, do func(taskID int64) error, flash string) error {
	return h.taskAct(c, form, do, flash, views.ApplicationOnboardingPath, h.renderAdminChecklist)
}

func (h *Handler) adminVerifyDocument(c echo.Context) error {
	return h.staffAct(c, views.TaskForm{}, func(id int64) error {
		return h.store.VerifyDocument(c.Request().Context(), actor(c), id)
	}, "The document is verified.")
}

func (h *Handler) adminReturnDocument(c echo.Context) error {
	form := views.TaskForm{Values: map[string]string{"reason": c.FormValue("reason")}}
	return h.staffAct(c, form, func(id int64) error {
		return h.store.ReturnDocument(c.Request().Context(), actor(c), id, form.Values["reason"])
	}, h.sentNotice("The document is returned", "the starter's message"))
}

func (h *Handler) adminCompleteTask(c echo.Context) error {
	return h.staffAct(c, views.TaskForm{}, func(id int64) error {
		return h.store.CompleteStaffTask(c.Request().Context(), actor(c), id)
	}, "The task is done.")
}

func (h *Handler) adminRightToWork(c echo.Context) error {
	form := views.TaskForm{Values: map[string]string{"document_type": c.FormValue("document_type"),
		"seen_on": c.FormValue("seen_on"), "expires_on": c.FormValue("expires_on")}}
	return h.staffAct(c, form, func(id int64) error {
		seen, _ := time.ParseInLocation(time.DateOnly, form.Values["seen_on"], h.cfg.Location)
		var expires *time.Time
		if raw := form.Values["expires_on"]; raw != "" {
			d, err := time.ParseInLocation(time.DateOnly, raw, h.cfg.Location)
			if err != nil {
				return models.Invalid("expires_on", "Give the document's expiry date as a date, or leave it empty if it does not expire.")
			}
			expires = &d
		}
		return h.store.RecordRightToWork(c.Request().Context(), actor(c), id, models.RightToWorkDocument(form.Values["document_type"]), seen, expires)
	}, "The right-to-work check is recorded.")
}

// adminRevealField shows one sensitive answer in clear, once, to an admin
// (audited by the store); the page is answered directly, not redirected, so
// the value is never kept in a session or a URL.
func (h *Handler) adminRevealField(c echo.Context) error {
	id, err := paramID(c, "field")
	if err != nil {
		return err
	}
	value, err := h.store.RevealSensitiveField(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.renderAdminChecklist(c, http.StatusOK, views.TaskForm{RevealedField: id, Revealed: value})
}

// taskDocument serves a task's uploaded document to its starter or to staff
// who manage the application: as an attachment, never rendered in the
// portal's origin, never cached.
func (h *Handler) taskDocument(c echo.Context) error {
	id, err := paramID(c, "task")
	if err != nil {
		return err
	}
	f, err := h.store.TaskDocument(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return serveAttachment(c, f)
}
