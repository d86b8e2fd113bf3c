package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// Reference checks: the candidate names referees; each referee replies on
// their own page, reached by the link in their email without signing in.
// Staff's pages are in staff_references.go.

// refereeRoutes: the referee's page. It sits outside the session and CSRF
// middleware: it sets no cookie at all, and the link's token, which only
// the referee has, is what authorises the form.
func (h *Handler) refereeRoutes(e *echo.Echo) {
	refs := e.Group("/references", cleanInput, noStore)
	refs.GET("/thanks", h.refereeThanks)
	refs.GET("/:token", h.refereeForm)
	refs.POST("/:token", h.refereeAnswer)
	refs.POST("/:token/decline", h.refereeDecline)
}

// noStore keeps a page out of every cache: the referee's form is personal.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		c.Response().Header().Set("Referrer-Policy", "no-referrer")
		return next(c)
	}
}

// ---- the candidate's referees ----

func (h *Handler) renderReferees(c echo.Context, status int, editing int64, form views.RefereeForm, errs map[string]string) error {
	a, err := h.ownApplication(c)
	if err != nil {
		return err
	}
	refs, err := h.store.Referees(c.Request().Context(), actor(c), a.ID)
	if err != nil {
		return err
	}
	if editing != 0 && errs == nil {
		found := false
		for _, r := range refs.Referees {
			if r.ID == editing {
				form, found = views.RefereeFormOf(r), true
			}
		}
		if !found {
			return models.ErrNotFound
		}
	}
	return render(c, status, views.CandidateRefereesPage(views.CandidateRefereesProps{Layout: h.layout(c, "Your referees"),
		App: *a, Referees: refs, Editing: editing, Form: form, Errors: errs}))
}

func (h *Handler) candidateReferees(c echo.Context) error {
	return h.renderReferees(c, http.StatusOK, 0, views.RefereeForm{}, nil)
}

func (h *Handler) candidateRefereeEdit(c echo.Context) error {
	id, err := paramID(c, "referee")
	if err != nil {
		return err
	}
	return h.renderReferees(c, http.StatusOK, id, views.RefereeForm{}, nil)
}

func (h *Handler) candidateRefereeAdd(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form := refereeForm(c)
	return h.act(c, action{
		do: func() error {
			_, err := h.store.AddReferee(c.Request().Context(), actor(c), appID, form.Input())
			return err
		},
		flash: fixed(form.Name + " is on your list. We contact them only as you said."),
		next:  views.MyReferencesPath(appID),
		again: func(status int, r *models.Error) error { return h.renderReferees(c, status, 0, form, formErrors(r)) },
	})
}

func (h *Handler) candidateRefereeUpdate(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	id, err := paramID(c, "referee")
	if err != nil {
		return err
	}
	form := refereeForm(c)
	return h.act(c, action{
		do:    func() error { return h.store.UpdateReferee(c.Request().Context(), actor(c), id, form.Input()) },
		flash: fixed("Your changes are saved."),
		next:  views.MyReferencesPath(appID),
		again: func(status int, r *models.Error) error { return h.renderReferees(c, status, id, form, formErrors(r)) },
	})
}

func (h *Handler) candidateRefereeRemove(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	id, err := paramID(c, "referee")
	if err != nil {
		return err
	}
	return h.act(c, action{
		do:    func() error { return h.store.RemoveReferee(c.Request().Context(), actor(c), id) },
		flash: fixed("The referee is removed from your list."),
		next:  views.MyReferencesPath(appID),
		again: func(status int, r *models.Error) error {
			return h.renderReferees(c, status, 0, views.RefereeForm{}, formErrors(r))
		},
	})
}

// ---- the referee's page ----

func (h *Handler) renderRefereeForm(c echo.Context, status int, props views.RefereeFormProps) error {
	token := c.Param("token")
	v, err := h.store.RefereeForm(c.Request().Context(), token, c.RealIP(), c.Request().UserAgent())
	if err != nil {
		return err
	}
	props.Layout, props.Token, props.View = h.layout(c, "A reference for "+v.CandidateName), token, v
	return render(c, status, views.RefereeFormPage(props))
}

func (h *Handler) refereeForm(c echo.Context) error {
	return h.renderRefereeForm(c, http.StatusOK, views.RefereeFormProps{})
}

func (h *Handler) refereeAnswer(c echo.Context) error {
	n, err := strconv.Atoi(c.FormValue("questions"))
	if err != nil || n < 0 || n > 50 {
		n = 0
	}
	props := views.RefereeFormProps{Answers: make([]string, n)}
	for i := range props.Answers {
		props.Answers[i] = c.FormValue("answer_" + strconv.Itoa(i))
	}
	props.Confirm.Relationship = c.FormValue("confirms_relationship") == "yes"
	props.Confirm.Period = c.FormValue("confirms_period") == "yes"
	return h.act(c, action{
		do: func() error {
			return h.store.AnswerReference(c.Request().Context(), c.Param("token"), models.RefereeAnswers{
				ConfirmsRelationship: props.Confirm.Relationship, ConfirmsPeriod: props.Confirm.Period, Answers: props.Answers},
				c.RealIP(), c.Request().UserAgent())
		},
		next:  views.RefereeThanksPath,
		again: h.refereeAgain(c, props),
	})
}

func (h *Handler) refereeDecline(c echo.Context) error {
	props := views.RefereeFormProps{Reason: c.FormValue("reason")}
	return h.act(c, action{
		do: func() error {
			return h.store.DeclineReference(c.Request().Context(), c.Param("token"), props.Reason, c.RealIP(), c.Request().UserAgent())
		},
		next:  views.RefereeThanksPath,
		again: h.refereeAgain(c, props),
	})
}

// refereeAgain shows the form again with the refusal, unless the link no
// longer opens it (replied or expired): then the refusal's own page says so.
func (h *Handler) refereeAgain(c echo.Context, props views.RefereeFormProps) func(int, *models.Error) error {
	return func(status int, r *models.Error) error {
		if r.Code == models.CodeGone {
			return r
		}
		props.Errors = formErrors(r)
		return h.renderRefereeForm(c, status, props)
	}
}

func (h *Handler) refereeThanks(c echo.Context) error {
	return render(c, http.StatusOK, views.RefereeThanksPage(views.RefereeThanksProps{Layout: h.layout(c, "Thank you")}))
}
