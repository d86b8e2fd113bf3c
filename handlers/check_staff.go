package handlers

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// The staff's side of checks: an application's checks page, the manual
// provider's record, the result upload, the adverse-action steps, the
// result's download and a position's choice of checks.

// checkResultRoute is the upload's route: it has a body limit of its own
// (checkUploadLimit), set in routes before any middleware reads the form.
const checkResultRoute = "/admin/applications/:id/checks/:check/result"

// checkUploadLimit lets a file somewhat over models.MaxFileBytes through
// (11 MB, say, with the form around it), so the store refuses it at the
// field with its size; anything larger is cut off with 413 unread.
const checkUploadLimit = "12M"

// staffCheckRoutes: checks under /admin. The page is for people (the store
// scopes a hiring manager to their positions and shows them the status
// only); acting on a check and its results is for managers.
func (h *Handler) staffCheckRoutes(staff *echo.Group, people, managers echo.MiddlewareFunc) {
	staff.GET("/applications/:id/checks", h.adminChecks, people)
	staff.POST("/applications/:id/checks/:check/manual", h.adminCheckManual, managers)
	staff.POST("/applications/:id/checks/:check/provider", h.adminCheckProvider, managers)
	staff.POST(checkResultRoute[len("/admin"):], h.adminCheckResult, managers)
	staff.POST("/applications/:id/checks/:check/notice", h.adminCheckNotice, managers)
	staff.POST("/applications/:id/checks/:check/confirm-rejection", h.adminCheckConfirmRejection, managers)
	staff.POST("/applications/:id/checks/:check/cancel-notice", h.adminCheckCancelNotice, managers)
	staff.GET("/check-files/:id", h.adminCheckFile, managers)
	staff.POST("/positions/:id/checks", h.adminPositionChecks, managers)
}

func (h *Handler) renderAdminChecks(c echo.Context, status int, form views.StaffCheckForm, errs map[string]string) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	app, err := h.store.GetApplicationForStaff(ctx, actor(c), appID)
	if err != nil {
		return err
	}
	checks, err := h.store.StaffChecks(ctx, actor(c), appID)
	if err != nil {
		return err
	}
	return render(c, status, views.AdminChecksPage(views.AdminChecksProps{Layout: h.layout(c, "Checks · "+app.Candidate.Name),
		App: app, Checks: checks, Form: form, Errors: errs}))
}

func (h *Handler) adminChecks(c echo.Context) error {
	return h.renderAdminChecks(c, http.StatusOK, views.StaffCheckForm{}, nil)
}

// staffCheckAction runs one staff form of a check: on success back to the
// checks page with flash, on a refusal the page again with form kept.
func (h *Handler) staffCheckAction(c echo.Context, form views.StaffCheckForm, do func(id int64) error, flash string) error {
	appID, id, err := checkParams(c)
	if err != nil {
		return err
	}
	form.CheckID = id
	return h.act(c, action{
		do:    func() error { return do(id) },
		flash: fixed(flash),
		next:  views.ApplicationChecksPath(appID),
		again: func(status int, r *models.Error) error { return h.renderAdminChecks(c, status, form, formErrors(r)) },
	})
}

func (h *Handler) adminCheckManual(c echo.Context) error {
	form := views.StaffCheckForm{Action: "manual", ProviderName: c.FormValue("provider_name"), Reference: c.FormValue("reference"),
		Status: c.FormValue("status"), StartedOn: c.FormValue("started_on"), CompletedOn: c.FormValue("completed_on")}
	return h.staffCheckAction(c, form, func(id int64) error {
		return h.store.RecordManualCheck(c.Request().Context(), actor(c), id, models.ManualCheckInput{ProviderName: form.ProviderName,
			Reference: form.Reference, Status: models.CheckStatus(form.Status), StartedOn: form.StartedOn, CompletedOn: form.CompletedOn})
	}, "The provider's record is saved.")
}

// adminCheckProvider hands a check to a webhook provider: its signed events
// then move it.
func (h *Handler) adminCheckProvider(c echo.Context) error {
	form := views.StaffCheckForm{Action: "provider", ProviderName: c.FormValue("provider"), Reference: c.FormValue("reference")}
	return h.staffCheckAction(c, form, func(id int64) error {
		return h.store.LinkCheckToProvider(c.Request().Context(), actor(c), id, form.ProviderName, form.Reference)
	}, "The check is linked to the provider: its events will move it.")
}

// errNoFile: the upload form came without a file.
var errNoFile = models.Invalid("file", "Choose the result document to upload (PDF, JPEG or PNG, 10 MB at most).")

func (h *Handler) adminCheckResult(c echo.Context) error {
	form := views.StaffCheckForm{Action: "result", Status: c.FormValue("status"), Finding: c.FormValue("finding")}
	return h.staffCheckAction(c, form, func(id int64) error {
		name, data, err := uploadedFile(c, "file")
		if err != nil {
			return err
		}
		return h.store.AttachCheckResult(c.Request().Context(), actor(c), id, name, data, models.CheckStatus(form.Status), form.Finding)
	}, "The result is stored.")
}

// uploadedFile reads the form's file field whole (the route's body limit
// bounds it); no file is a refusal at the field.
func uploadedFile(c echo.Context, field string) (string, []byte, error) {
	fh, err := c.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return "", nil, errNoFile
	}
	if err != nil {
		return "", nil, err
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	return fh.Filename, data, err
}

func (h *Handler) adminCheckNotice(c echo.Context) error {
	form := views.StaffCheckForm{Action: "notice", Finding: c.FormValue("finding"), HowToDispute: c.FormValue("how_to_dispute")}
	return h.staffCheckAction(c, form, func(id int64) error {
		return h.store.SendPreDecisionNotice(c.Request().Context(), actor(c), id, form.Finding, form.HowToDispute)
	}, h.sentNotice("Pre-decision notice sent", "the candidate's notice"))
}

func (h *Handler) adminCheckConfirmRejection(c echo.Context) error {
	return h.staffCheckAction(c, views.StaffCheckForm{Action: "confirm"}, func(id int64) error {
		return h.store.ConfirmAdverseRejection(c.Request().Context(), actor(c), id)
	}, h.sentNotice("The application is rejected", "the final notice"))
}

func (h *Handler) adminCheckCancelNotice(c echo.Context) error {
	return h.staffCheckAction(c, views.StaffCheckForm{Action: "confirm"}, func(id int64) error {
		return h.store.CancelPreDecisionNotice(c.Request().Context(), actor(c), id)
	}, "The pre-decision notice is cancelled; the application goes on.")
}

// adminCheckFile serves a check's result document as a download, never
// shown in the browser (attachment, nosniff), to admins and recruiters.
func (h *Handler) adminCheckFile(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.store.CheckFile(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return serveAttachment(c, f)
}

// serveAttachment sends a stored file as a download: never rendered in the
// portal's origin (attachment, nosniff), never cached.
func serveAttachment(c echo.Context, f *models.StoredFile) error {
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": f.DownloadName()}))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, f.ContentType, f.Data)
}

// adminPositionChecks says which checks a position needs (positions page).
func (h *Handler) adminPositionChecks(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form := views.PositionChecksForm{PositionID: id, Value: c.FormValue("required_checks")}
	return h.act(c, action{
		do: func() error {
			return h.store.SetPositionChecks(c.Request().Context(), actor(c), id, models.RequiredChecks(form.Value))
		},
		flash: fixed("The position's checks are saved. Applications at a check's stage have their check now."),
		next:  "/admin/positions",
		again: func(status int, r *models.Error) error {
			form.Error = sentence(r)
			return h.renderPositions(c, status, form)
		},
	})
}
