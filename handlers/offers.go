package handlers

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// ---- staff: interest checks, offers, contracts on the candidate page ----

// staffApplicationAction is staffAppAction for a route whose :id is an
// application: permission before input (see applicationAction), so a refusal
// of the form never confirms that an application out of scope exists.
func (h *Handler) staffApplicationAction(c echo.Context, form views.CandidateActionForm, do func(appID int64) error, done string) error {
	return h.applicationAction(c, form, do, fixed(done))
}

// staffAppAction runs a staff action on an application or one of its parts
// and returns to the candidate page, keeping the input on a refusal.
func (h *Handler) staffAppAction(c echo.Context, form views.CandidateActionForm, do func(id int64) error, done string) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	appID := formInt(c.FormValue("application_id"))
	if appID == 0 {
		appID = id
	}
	return h.act(c, h.candidatePageAction(c, form, appID, func() error { return do(id) }, fixed(done)))
}

func (h *Handler) adminInterestCheck(c echo.Context) error {
	msg := c.FormValue("message")
	questions := strings.Split(c.FormValue("questions"), "\n")
	form := views.CandidateActionForm{Action: "interest", Note: msg, Reason: c.FormValue("questions")}
	return h.staffApplicationAction(c, form, func(appID int64) error {
		_, err := h.store.SendInterestCheck(c.Request().Context(), actor(c), appID, msg, questions)
		return err
	}, "Interest check sent. The candidate's answers will appear here.")
}

func offerInput(c echo.Context) models.OfferInput {
	return models.OfferInput{JobTitle: c.FormValue("job_title"), SalaryAmount: c.FormValue("salary_amount"),
		SalaryCurrency: c.FormValue("salary_currency"), SalaryPeriod: c.FormValue("salary_period"), BonusEquity: c.FormValue("bonus_equity"),
		Benefits: c.FormValue("benefits"), StartDate: c.FormValue("start_date"), Location: c.FormValue("location"),
		WorkingPattern: c.FormValue("working_pattern"), ExpiresOn: c.FormValue("expires_on"), PersonalMessage: c.FormValue("personal_message")}
}

func (h *Handler) adminOfferSave(c echo.Context) error {
	in := offerInput(c)
	form := views.CandidateActionForm{Action: "offer", Offer: in}
	return h.staffApplicationAction(c, form, func(appID int64) error {
		_, err := h.store.SaveOfferDraft(c.Request().Context(), actor(c), appID, in)
		return err
	}, "Offer draft saved. Send it for approval when it is ready.")
}

func (h *Handler) adminOfferSubmit(c echo.Context) error {
	return h.staffAppAction(c, views.CandidateActionForm{Action: "offer-version"}, func(id int64) error {
		return h.store.SubmitOffer(c.Request().Context(), actor(c), id)
	}, "Offer sent for approval.")
}

// adminOfferApprove approves from the candidate page or the review page,
// and returns to the page it came from.
func (h *Handler) adminOfferApprove(c echo.Context) error {
	do := func(id int64) error { return h.store.ApproveOffer(c.Request().Context(), actor(c), id) }
	const done = "Offer approved. It can now be sent to the candidate."
	if fromReview(c) {
		return h.reviewAction(c, do, done, "")
	}
	return h.staffAppAction(c, views.CandidateActionForm{Action: "offer-version"}, do, done)
}

// adminOfferSend sends an approved offer; the pages ask for confirmation
// first (the review page's confirmation step).
func (h *Handler) adminOfferSend(c echo.Context) error {
	do := func(id int64) error { return h.store.SendOffer(c.Request().Context(), actor(c), id) }
	done := h.sentNotice("Offer sent: the candidate can read it on their page", "the message telling them")
	if fromReview(c) {
		return h.reviewAction(c, do, done, "")
	}
	return h.staffAppAction(c, views.CandidateActionForm{Action: "offer-version"}, do, done)
}

func (h *Handler) adminOfferExtend(c echo.Context) error {
	date := c.FormValue("expires_on")
	return h.staffAppAction(c, views.CandidateActionForm{Action: "offer-extend", ExpectedDate: date}, func(id int64) error {
		return h.store.ExtendOffer(c.Request().Context(), actor(c), id, date)
	}, "Offer expiry extended.")
}

func (h *Handler) adminOfferAnswer(c echo.Context) error {
	answer := c.FormValue("answer")
	return h.staffAppAction(c, views.CandidateActionForm{Action: "offer-answer", NoteBody: answer}, func(id int64) error {
		return h.store.AnswerOfferQuestion(c.Request().Context(), actor(c), id, answer)
	}, h.sentNotice("Answer saved on the candidate's offer page", "the message telling them"))
}

func (h *Handler) adminContractGenerate(c echo.Context) error {
	templateID := formInt(c.FormValue("template_id"))
	return h.staffApplicationAction(c, views.CandidateActionForm{Action: "contract"}, func(appID int64) error {
		_, err := h.store.GenerateContract(c.Request().Context(), actor(c), appID, templateID)
		return err
	}, h.sentNotice("Contract generated: the candidate can sign it on their page", "the message telling them"))
}

func (h *Handler) adminContract(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.renderStaffContract(c, id, http.StatusOK, nil, "")
}

func (h *Handler) renderStaffContract(c echo.Context, id int64, status int, errs map[string]string, typed string) error {
	return h.renderStaffContractWith(c, id, status, views.ContractProps{Errors: errs, TypedName: typed})
}

// renderStaffContractWith renders the staff contract page with the input of
// one of its forms kept in p.
func (h *Handler) renderStaffContractWith(c echo.Context, id int64, status int, p views.ContractProps) error {
	ctr, app, err := h.store.StaffContract(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	trail, err := h.store.ContractTrail(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	if ctr.Status == models.ContractAwaitingCandidate {
		if p.Correction, err = h.store.OpenNameCorrection(c.Request().Context(), actor(c), id); err != nil {
			return err
		}
	}
	p.Layout, p.Contract, p.Application, p.Trail = h.layout(c, "Contract"), ctr, app, trail
	return render(c, status, views.AdminContractPage(p))
}

func (h *Handler) adminCountersign(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	typed, agreed := c.FormValue("signed_name"), c.FormValue("agree") == "yes"
	return h.act(c, action{
		do: func() error {
			return h.store.Countersign(c.Request().Context(), actor(c), id, typed, agreed)
		},
		flash: fixed("Contract countersigned. The signed PDF is ready for both parties."),
		next:  views.ContractPath(id),
		again: func(status int, r *models.Error) error {
			// The form comes back as sent: the name as typed, the box as ticked.
			return h.renderStaffContractWith(c, id, status, views.ContractProps{Errors: formErrors(r), TypedName: typed, Agreed: agreed})
		},
	})
}

func (h *Handler) adminContractPDF(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctr, _, err := h.store.StaffContract(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	if ctr.PDF == nil {
		return models.ErrNotFound
	}
	return sendPDF(c, ctr)
}

func sendPDF(c echo.Context, ctr *models.Contract) error {
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="contract-%d-signed.pdf"`, ctr.ID))
	return c.Blob(http.StatusOK, "application/pdf", ctr.PDF)
}

// ---- contract templates (admin) ----

func (h *Handler) adminTemplates(c echo.Context) error {
	ts, err := h.store.ListTemplates(c.Request().Context())
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminTemplatesPage(views.AdminTemplatesProps{Layout: h.layout(c, "Contract templates"), Templates: ts}))
}

func (h *Handler) templateForm(c echo.Context, status int, id int64, form views.TemplateForm, errs map[string]string) error {
	return render(c, status, views.AdminTemplateFormPage(views.AdminTemplateFormProps{Layout: h.layout(c, "Contract template"), ID: id,
		Form: form, Errors: errs, Preview: models.FillTemplate(form.Body, models.SampleValues(h.cfg.CompanyName)), Placeholders: models.ContractPlaceholders()}))
}

func (h *Handler) adminTemplateNew(c echo.Context) error {
	return h.templateForm(c, http.StatusOK, 0, views.TemplateForm{Active: true, Body: "This contract is made between {{company}} and {{candidate_name}} for the role of {{job_title}}, starting {{start_date}}, at a salary of {{salary}}.\n"}, nil)
}

func (h *Handler) adminTemplateEdit(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	t, err := h.store.GetTemplate(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return h.templateForm(c, http.StatusOK, id, views.TemplateForm{Name: t.Name, Body: t.Body, WrittenForm: t.WrittenFormRequired, Active: t.Active}, nil)
}

func (h *Handler) adminTemplateSave(c echo.Context) error {
	var id int64
	if c.Param("id") != "" {
		var err error
		if id, err = paramID(c, "id"); err != nil {
			return err
		}
	}
	form := views.TemplateForm{Name: c.FormValue("name"), Body: c.FormValue("body"), WrittenForm: c.FormValue("written_form") == "yes", Active: c.FormValue("active") == "yes"}
	if c.FormValue("preview") != "" {
		return h.templateForm(c, http.StatusOK, id, form, models.FieldErrors(models.ValidateTemplate(form.Name, form.Body)))
	}
	newID, err := h.store.SaveTemplate(c.Request().Context(), actor(c), id, form.Name, form.Body, form.WrittenForm, form.Active)
	if r := h.formRefusal(err); r != nil {
		return h.templateForm(c, statusOf(r.Code), id, form, formErrors(r))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "Template saved. Contracts already generated keep their own frozen text.")
	return redirect(c, views.ContractTemplatePath(newID)+"/edit")
}

// ---- verification (public and staff) ----

func (h *Handler) verifyForm(c echo.Context) error {
	return render(c, http.StatusOK, views.VerifyPage(views.VerifyProps{Layout: h.layout(c, "Verify a signed contract")}))
}

func (h *Handler) verifyUpload(c echo.Context) error {
	fh, err := c.FormFile("document")
	if err != nil {
		return render(c, http.StatusUnprocessableEntity, views.VerifyPage(views.VerifyProps{Layout: h.layout(c, "Verify a signed contract"),
			Error: "Choose the PDF file to check."}))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	buf, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	doc, err := h.store.VerifyPDF(c.Request().Context(), buf)
	props := views.VerifyProps{Layout: h.layout(c, "Verify a signed contract"), Checked: true, FileName: fh.Filename}
	switch {
	case models.ErrorCode(err) == models.CodeNotFound:
	case err != nil:
		return err
	default:
		props.Document = doc
	}
	return render(c, http.StatusOK, views.VerifyPage(props))
}
