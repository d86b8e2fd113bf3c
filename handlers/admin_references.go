package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// ---- staff: an application's references, a position's reference setup ----

// referenceRoutes: staff read an application's referees with their answers
// and signals, ask, remind and add referees; a position's managers set what
// it asks of referees, and admins its questionnaire. The store scopes every
// application and position (a hiring manager reaches only their own).
func (h *Handler) referenceRoutes(staff *echo.Group, people, managers, admins echo.MiddlewareFunc) {
	staff.GET("/applications/:id/references", h.adminReferences, people)
	staff.POST("/applications/:id/references", h.adminRefereeAdd, people)
	staff.POST("/applications/:id/references/send", h.adminReferencesSend, people)
	staff.POST("/referees/:id/remind", h.adminRefereeRemind, people)
	staff.GET("/positions/:id/references", h.adminReferenceSetup, people)
	staff.POST("/positions/:id/references/settings", h.adminReferenceSettings, managers)
	staff.POST("/positions/:id/references/questions", h.adminReferenceQuestions, admins)
}

func (h *Handler) adminReferences(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.renderReferences(c, id, http.StatusOK, views.AdminReferencesProps{})
}

// renderReferences shows an application's references page; p carries the
// input and refusal of a form posted from it.
func (h *Handler) renderReferences(c echo.Context, appID int64, status int, p views.AdminReferencesProps) error {
	rv, err := h.store.ReferenceReview(c.Request().Context(), actor(c), appID)
	if err != nil {
		return err
	}
	p.Layout, p.Review = h.layout(c, "References: "+rv.CandidateName), rv
	return render(c, status, views.AdminReferencesPage(p))
}

// referencesAction is a form posted from an application's references page:
// back to it when done, the page again with the refusal (and input) when
// refused.
func (h *Handler) referencesAction(c echo.Context, appID int64, p views.AdminReferencesProps, do func() error, done func() string) error {
	return h.act(c, action{do: do, flash: done, next: views.ApplicationReferencesPath(appID),
		again: func(status int, r *models.Error) error {
			p.Errors = formErrors(r)
			return h.renderReferences(c, appID, status, p)
		}})
}

// refereeForm reads a referee form: the candidate's, or staff's "add a referee".
func refereeForm(c echo.Context) views.RefereeForm {
	return views.RefereeForm{Name: c.FormValue("name"), Email: c.FormValue("email"), Phone: c.FormValue("phone"),
		Company: c.FormValue("company"), Relationship: c.FormValue("relationship"), WorkedFrom: c.FormValue("worked_from"),
		WorkedTo: c.FormValue("worked_to"), MayContact: c.FormValue("may_contact"), ConfirmedAgreed: c.FormValue("confirmed_agreed") == "yes"}
}

func (h *Handler) adminRefereeAdd(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form := refereeForm(c)
	return h.referencesAction(c, appID, views.AdminReferencesProps{Action: "add", Form: form}, func() error {
		_, err := h.store.StaffAddReferee(c.Request().Context(), actor(c), appID, form.Input())
		return err
	}, fixed(strings.TrimSpace(form.Name)+" is added. Send their request when you are ready."))
}

// adminReferencesSend sends one referee their request (referee_id), or
// every referee who may be asked now.
func (h *Handler) adminReferencesSend(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var ids []int64 // nil: all
	if v := c.FormValue("referee_id"); v != "" {
		ids = []int64{formInt(v)}
	}
	sent := 0
	return h.referencesAction(c, appID, views.AdminReferencesProps{Action: "send"}, func() (err error) {
		sent, err = h.store.SendReferenceRequests(c.Request().Context(), actor(c), appID, ids)
		return err
	}, func() string {
		n := strconv.Itoa(sent) + " reference requests"
		if sent == 1 {
			n = "1 reference request"
		}
		return h.sentNotice(n+" sent", "each referee's message")
	})
}

// adminRefereeRemind reminds a referee by hand; application_id names the
// page to return to (the store checks the referee's own application).
func (h *Handler) adminRefereeRemind(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	appID := formInt(c.FormValue("application_id"))
	a := action{do: func() error { return h.store.RemindReferee(c.Request().Context(), actor(c), id) },
		flash: fixed(h.sentNotice("Reminder sent with a new link", "the message")), next: views.ApplicationReferencesPath(appID)}
	if appID == 0 {
		a.next = "/admin/candidates"
	} else {
		a.again = func(status int, r *models.Error) error {
			return h.renderReferences(c, appID, status, views.AdminReferencesProps{Action: "remind", Errors: formErrors(r)})
		}
	}
	return h.act(c, a)
}

func (h *Handler) adminReferenceSetup(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.renderReferenceSetup(c, id, http.StatusOK, views.AdminReferenceSetupProps{})
}

// renderReferenceSetup shows a position's reference setup; the forms show
// what is stored unless p carries the input of a refused form.
func (h *Handler) renderReferenceSetup(c echo.Context, positionID int64, status int, p views.AdminReferenceSetupProps) error {
	s, err := h.store.ReferenceSetup(c.Request().Context(), actor(c), positionID)
	if err != nil {
		return err
	}
	settings, questions := views.ReferenceSetupForms(s)
	if p.Action != "settings" {
		p.Settings = settings
	}
	if p.Action != "questions" {
		p.Questions = questions
	}
	p.Layout, p.Setup = h.layout(c, "References: "+s.PositionTitle), s
	return render(c, status, views.AdminReferenceSetupPage(p))
}

func (h *Handler) referenceSetupAction(c echo.Context, positionID int64, p views.AdminReferenceSetupProps, do func() error, done string) error {
	return h.act(c, action{do: do, flash: fixed(done), next: views.PositionReferencesPath(positionID),
		again: func(status int, r *models.Error) error {
			p.Errors = formErrors(r)
			return h.renderReferenceSetup(c, positionID, status, p)
		}})
}

func (h *Handler) adminReferenceSettings(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form := views.ReferenceSettingsForm{Needed: c.FormValue("references_needed"), ManagerRequired: c.FormValue("manager_required") != ""}
	needed, err := strconv.Atoi(strings.TrimSpace(form.Needed))
	if err != nil {
		needed = -1 // not a number: the store refuses it with its own sentence
	}
	set := models.ReferenceSettings{Needed: needed, ManagerRequired: form.ManagerRequired}
	return h.referenceSetupAction(c, id, views.AdminReferenceSetupProps{Action: "settings", Settings: form}, func() error {
		return h.store.SetReferenceSettings(c.Request().Context(), actor(c), id, set)
	}, "Reference settings saved.")
}

// adminReferenceQuestions saves the questionnaire from its rows (kind_N,
// prompt_N); a row whose prompt is empty is dropped, and "defaults" (or no
// row left) goes back to the default questions.
func (h *Handler) adminReferenceQuestions(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var rows []views.ReferenceQuestionRow
	var qs []models.ReferenceQuestion
	if c.FormValue("defaults") == "" {
		for i := 0; i < models.MaxReferenceQuestions+views.BlankQuestionRows; i++ {
			n := strconv.Itoa(i)
			row := views.ReferenceQuestionRow{Kind: c.FormValue("kind_" + n), Prompt: c.FormValue("prompt_" + n)}
			if strings.TrimSpace(row.Prompt) == "" {
				continue
			}
			rows = append(rows, row)
			qs = append(qs, models.ReferenceQuestion{Kind: models.QuestionKind(row.Kind), Prompt: row.Prompt})
		}
	}
	done := "Questionnaire saved. Referees asked from now on answer these questions."
	if len(qs) == 0 {
		done = "This position now asks the default questions."
	}
	return h.referenceSetupAction(c, id, views.AdminReferenceSetupProps{Action: "questions", Questions: rows}, func() error {
		return h.store.SetReferenceQuestions(c.Request().Context(), actor(c), id, qs)
	}, done)
}
