package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// Background checks and pre-employment medicals: the candidate reads each
// check, consents and gives what it asks, withdraws, and answers a
// pre-decision notice; staff follow the checks of an application, record a
// manual provider, upload the result and take the adverse-action steps.
// Staff's forms are in check_staff.go; the providers' webhook in
// check_webhooks.go.

// candidateCheckRoutes: the candidate's checks, under /me.
func (h *Handler) candidateCheckRoutes(me *echo.Group) {
	me.GET("/applications/:id/checks", h.candidateChecks)
	me.POST("/applications/:id/checks/:check/consent", h.candidateCheckConsent)
	me.POST("/applications/:id/checks/:check/withdraw", h.candidateCheckWithdraw)
	me.POST("/applications/:id/checks/:check/reply", h.candidateCheckReply)
}

func (h *Handler) renderCandidateChecks(c echo.Context, status int, form views.ConsentForm, errs map[string]string) error {
	a, err := h.ownApplication(c)
	if err != nil {
		return err
	}
	checks, err := h.store.CandidateChecks(c.Request().Context(), actor(c), a.ID)
	if err != nil {
		return err
	}
	return render(c, status, views.CandidateChecksPage(views.CandidateChecksProps{Layout: h.layout(c, "Your checks"), App: *a,
		Checks: checks, Form: form, Errors: errs}))
}

func (h *Handler) candidateChecks(c echo.Context) error {
	return h.renderCandidateChecks(c, http.StatusOK, views.ConsentForm{}, nil)
}

// consentForm reads the consent form of check id: the tick, and the rows
// typed (blank rows left out, the others in order, so a refusal's
// "address_2_city" is the third row typed and the form shows it there).
func consentForm(c echo.Context, id int64) views.ConsentForm {
	f := views.ConsentForm{CheckID: id, Agreed: c.FormValue("consent") == "yes"}
	for i := range views.MaxAddressRows {
		v := func(field string) string { return strings.TrimSpace(c.FormValue(rowName("address", i, field))) }
		r := views.AddressRow{Line: v("line"), City: v("city"), Postcode: v("postcode"), Country: v("country"),
			FromMonth: v("from_month"), ToMonth: v("to_month")}
		if !r.Blank() {
			f.Addresses = append(f.Addresses, r)
		}
	}
	for i := range views.MaxWindowRows {
		v := func(field string) string { return strings.TrimSpace(c.FormValue(rowName("window", i, field))) }
		r := views.WindowRow{FromDay: v("from_day"), ToDay: v("to_day"), PartOfDay: v("part_of_day")}
		if !r.Blank() {
			f.Windows = append(f.Windows, r)
		}
	}
	return f
}

// rowName is the form name of field in row i: "address_0_line".
func rowName(prefix string, i int, field string) string {
	return prefix + "_" + strconv.Itoa(i) + "_" + field
}

// consentInput is the form as the models take it.
func consentInput(f views.ConsentForm, version string) models.CheckConsentInput {
	in := models.CheckConsentInput{TextVersion: version, Agreed: f.Agreed}
	for _, r := range f.Addresses {
		in.Addresses = append(in.Addresses, models.CheckAddressInput{Line: r.Line, City: r.City, Postcode: r.Postcode,
			Country: r.Country, FromMonth: r.FromMonth, ToMonth: r.ToMonth})
	}
	for _, r := range f.Windows {
		in.Windows = append(in.Windows, models.AppointmentWindowInput{FromDay: r.FromDay, ToDay: r.ToDay, PartOfDay: r.PartOfDay})
	}
	return in
}

// checkParams are the application and check ids of a check's route.
func checkParams(c echo.Context) (appID, checkID int64, err error) {
	if appID, err = paramID(c, "id"); err != nil {
		return 0, 0, err
	}
	checkID, err = paramID(c, "check")
	return appID, checkID, err
}

func (h *Handler) candidateCheckConsent(c echo.Context) error {
	appID, id, err := checkParams(c)
	if err != nil {
		return err
	}
	form := consentForm(c, id)
	return h.act(c, action{
		do: func() error {
			return h.store.GiveCheckConsent(c.Request().Context(), actor(c), id, consentInput(form, c.FormValue("text_version")))
		},
		flash: fixed("Thank you: your consent and details are recorded. We will tell you when there is news."),
		next:  views.MyChecksPath(appID),
		again: func(status int, r *models.Error) error {
			return h.renderCandidateChecks(c, status, form, formErrors(r))
		},
	})
}

func (h *Handler) candidateCheckWithdraw(c echo.Context) error {
	appID, id, err := checkParams(c)
	if err != nil {
		return err
	}
	return h.act(c, action{
		do:    func() error { return h.store.WithdrawCheckConsent(c.Request().Context(), actor(c), id) },
		flash: fixed("Your consent is withdrawn and the check has stopped. Our team can see this."),
		next:  views.MyChecksPath(appID),
		again: func(status int, r *models.Error) error {
			return h.renderCandidateChecks(c, status, views.ConsentForm{CheckID: id}, formErrors(r))
		},
	})
}

func (h *Handler) candidateCheckReply(c echo.Context) error {
	appID, id, err := checkParams(c)
	if err != nil {
		return err
	}
	form := views.ConsentForm{CheckID: id, Reply: c.FormValue("reply")}
	return h.act(c, action{
		do:    func() error { return h.store.ReplyToPreDecision(c.Request().Context(), actor(c), id, form.Reply) },
		flash: fixed("Thank you: your answer is recorded. We will read it before we decide."),
		next:  views.MyChecksPath(appID),
		again: func(status int, r *models.Error) error {
			return h.renderCandidateChecks(c, status, form, formErrors(r))
		},
	})
}
