package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// ownApplication loads the signed-in candidate's application view, or 404.
func (h *Handler) ownApplication(c echo.Context) (*models.CandidateApplication, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	v, err := h.store.GetCandidateView(c.Request().Context(), currentCandidate(c))
	if err != nil {
		return nil, err
	}
	for i := range v.Applications {
		if v.Applications[i].ID == id {
			return &v.Applications[i], nil
		}
	}
	return nil, models.ErrNotFound
}

// ---- interest check ----

func (h *Handler) renderInterest(c echo.Context, status int, errs map[string]string, form views.InterestForm) error {
	a, err := h.ownApplication(c)
	if err != nil {
		return err
	}
	checks, err := h.store.InterestChecksFor(c.Request().Context(), actor(c), []int64{a.ID})
	if err != nil {
		return err
	}
	return render(c, status, views.CandidateInterestPage(views.CandidateInterestProps{Layout: h.layout(c, "Are you still interested?"),
		App: *a, Checks: checks, Errors: errs, Form: form}))
}

func (h *Handler) candidateInterest(c echo.Context) error {
	return h.renderInterest(c, http.StatusOK, nil, views.InterestForm{})
}

func (h *Handler) candidateInterestConfirm(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	params, _ := c.FormParams()
	form := views.InterestForm{EarliestStart: c.FormValue("earliest_start"), NoticePeriod: c.FormValue("notice_period"),
		SalaryExpectation: c.FormValue("salary_expectation"), Extra: params["extra"]}
	err = h.store.ConfirmInterest(c.Request().Context(), actor(c), appID, models.InterestAnswer{EarliestStart: form.EarliestStart,
		NoticePeriod: form.NoticePeriod, SalaryExpectation: form.SalaryExpectation, Extra: append([]string{}, form.Extra...)})
	if r := h.formRefusal(err); r != nil {
		return h.renderInterest(c, statusOf(r.Code), formErrors(r), form)
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "Thank you — we have your answers and will be in touch about the next step.")
	return redirect(c, "/me")
}

func (h *Handler) candidateInterestWithdraw(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	err = h.store.WithdrawFromInterestCheck(c.Request().Context(), actor(c), appID, reason)
	if r := h.formRefusal(err); r != nil {
		return h.renderInterest(c, statusOf(r.Code), formErrors(r), views.InterestForm{Reason: reason})
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "We have withdrawn your application. Thank you for letting us know, and all the best.")
	return redirect(c, "/me")
}

// ---- offer ----

func (h *Handler) renderOffer(c echo.Context, status int, problem string, errs map[string]string, question string) error {
	a, err := h.ownApplication(c)
	if err != nil {
		return err
	}
	offer, err := h.store.OfferFor(c.Request().Context(), actor(c), a.ID)
	if err != nil {
		return err
	}
	if offer == nil || offer.Current() == nil {
		return models.ErrNotFound
	}
	return render(c, status, views.CandidateOfferPage(views.CandidateOfferProps{Layout: h.layout(c, "Your offer"), App: *a, Offer: offer,
		Problem: problem, Errors: errs, Question: question}))
}

func (h *Handler) candidateOffer(c echo.Context) error {
	return h.renderOffer(c, http.StatusOK, "", nil, "")
}

func (h *Handler) candidateOfferAction(c echo.Context, do func(appID int64) error, done string, next func(appID int64) string) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.act(c, action{
		do:    func() error { return do(appID) },
		flash: fixed(done),
		next:  next(appID),
		again: func(status int, r *models.Error) error {
			if r.Code == models.CodeInvalid {
				return h.renderOffer(c, status, "", formErrors(r), c.FormValue("question"))
			}
			return h.renderOffer(c, status, sentence(r), nil, c.FormValue("question"))
		},
	})
}

func (h *Handler) candidateOfferAccept(c echo.Context) error {
	versionID := formInt(c.FormValue("version_id"))
	return h.candidateOfferAction(c, func(appID int64) error {
		return h.store.AcceptJobOffer(c.Request().Context(), actor(c), appID, versionID)
	}, "Congratulations, and welcome! Your contract will be prepared next.", views.MyApplicationPath)
}

func (h *Handler) candidateOfferDecline(c echo.Context) error {
	versionID := formInt(c.FormValue("version_id"))
	return h.candidateOfferAction(c, func(appID int64) error {
		return h.store.DeclineJobOffer(c.Request().Context(), actor(c), appID, versionID, c.FormValue("reason"))
	}, "You have declined the offer. Thank you for letting us know.", views.MyApplicationPath)
}

func (h *Handler) candidateOfferQuestion(c echo.Context) error {
	return h.candidateOfferAction(c, func(appID int64) error {
		return h.store.AskOfferQuestion(c.Request().Context(), actor(c), appID, c.FormValue("question"))
	}, "Your question has been sent. The answer will appear on this page.", views.MyOfferPath)
}

// ---- contract ----

func (h *Handler) renderCandidateContract(c echo.Context, status int, errs map[string]string, typed string) error {
	return h.renderCandidateContractWith(c, status, views.CandidateContractProps{Errors: errs, TypedName: typed})
}

// renderCandidateContractWith renders the contract page with the input of
// one of its forms kept in p.
func (h *Handler) renderCandidateContractWith(c echo.Context, status int, p views.CandidateContractProps) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.store.GetCandidateContract(c.Request().Context(), actor(c), appID)
	if err != nil {
		return err
	}
	p.Layout, p.View, p.DisclosureVersion = h.layout(c, "Your contract"), v, models.EsignDisclosureVersion
	return render(c, status, views.CandidateContractPage(p))
}

func (h *Handler) candidateContract(c echo.Context) error {
	return h.renderCandidateContract(c, http.StatusOK, nil, "")
}

func (h *Handler) candidateContractConsent(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	err = h.store.GiveEsignConsent(c.Request().Context(), actor(c), appID, c.FormValue("consent") == "yes")
	if r := h.formRefusal(err); r != nil {
		return h.renderCandidateContract(c, statusOf(r.Code), formErrors(r), "")
	}
	if err != nil {
		return err
	}
	return redirect(c, views.MyContractPath(appID)+"#sign")
}

func (h *Handler) candidateContractSign(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	typed, agreed := c.FormValue("signed_name"), c.FormValue("agree") == "yes"
	return h.act(c, action{
		do: func() error {
			return h.store.SignAsCandidate(c.Request().Context(), actor(c), appID, typed, agreed)
		},
		flash: fixed("You have signed your contract. We will countersign it and send you the final copy."),
		next:  views.MyContractPath(appID),
		again: func(status int, r *models.Error) error {
			// The form comes back as sent: the name as typed, the box as ticked.
			return h.renderCandidateContractWith(c, status, views.CandidateContractProps{Errors: formErrors(r), TypedName: typed, Agreed: agreed})
		},
	})
}

func (h *Handler) candidateContractPDF(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctr, err := h.store.CandidateSignedPDF(c.Request().Context(), actor(c), appID)
	if err != nil {
		return err
	}
	return sendPDF(c, ctr)
}
