package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// adminHome is "Needs you": what waits for the signed-in staff member.
func (h *Handler) adminHome(c echo.Context) error {
	queues, err := h.store.NeedsYou(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	l := h.layoutWithoutCount(c, "Needs you")
	for _, q := range queues {
		if q.Action() {
			l.NeedsYou += q.Count
		}
	}
	return render(c, http.StatusOK, views.NeedsYouPage(views.NeedsYouProps{Layout: l, Queues: queues}))
}

func (h *Handler) adminCandidates(c echo.Context) error {
	return h.renderCandidateList(c, c.QueryParams(), http.StatusOK, views.BulkForm{})
}

// renderCandidateList shows the list that query describes, with the bulk
// form as given (the bulk action re-renders it with its problems).
func (h *Handler) renderCandidateList(c echo.Context, query url.Values, status int, bulk views.BulkForm) error {
	f := listFilter(query)
	f.After, f.Before = truncateInput(query.Get("after"), 700), truncateInput(query.Get("before"), 700)
	page, err := h.store.ListCandidates(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return render(c, status, views.AdminCandidatesPage(views.AdminCandidatesProps{
		Layout: h.layout(c, "Candidates"), Page: page, Filter: f, Positions: page.Positions, Query: query, Bulk: bulk,
	}))
}

func validStatus(s models.Status) bool {
	for _, k := range models.Statuses() {
		if k == s {
			return true
		}
	}
	return false
}

func truncateInput(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

func (h *Handler) candidateFormProps(c echo.Context, form views.CandidateForm, errs map[string]string) (views.AdminCandidateNewProps, error) {
	positions, err := h.store.ListPositions(c.Request().Context(), actor(c))
	if err != nil {
		return views.AdminCandidateNewProps{}, err
	}
	return views.AdminCandidateNewProps{Layout: h.layout(c, "New candidate"), Form: form, Errors: errs,
		Positions: models.TakingApplications(positions)}, nil
}

func (h *Handler) adminCandidateNew(c echo.Context) error {
	props, err := h.candidateFormProps(c, views.CandidateForm{PositionID: c.QueryParam("position")}, nil)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminCandidateNewPage(props))
}

func (h *Handler) adminCandidateCreate(c echo.Context) error {
	form := views.CandidateForm{
		Name: c.FormValue("name"), Email: c.FormValue("email"), Phone: c.FormValue("phone"),
		PositionID: c.FormValue("position_id"), Stage: c.FormValue("stage"),
	}
	in := models.CandidateInput{Name: form.Name, Email: form.Email, Phone: form.Phone,
		PositionID: formInt(form.PositionID), Stage: models.StageKey(form.Stage)}
	cand, err := h.store.CreateCandidate(c.Request().Context(), actor(c), in)
	if r := h.formRefusal(err); r != nil {
		props, perr := h.candidateFormProps(c, form, formErrors(r))
		if perr != nil {
			return perr
		}
		if perr := h.offerExistingCandidate(c, &props); perr != nil {
			return perr
		}
		return render(c, statusOf(r.Code), views.AdminCandidateNewPage(props))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, h.sentNotice(cand.Name+" was added and invited to their page", "the invitation"))
	return redirect(c, views.CandidatePath(cand.ID))
}

func (h *Handler) adminCandidate(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.renderCandidate(c, id, http.StatusOK, nil, views.CandidateActionForm{})
}

func (h *Handler) renderCandidate(c echo.Context, id int64, status int, errs map[string]string, form views.CandidateActionForm) error {
	ctx := c.Request().Context()
	d, err := h.store.GetCandidateDetail(ctx, actor(c), id)
	if err != nil {
		return err
	}
	props := views.AdminCandidateProps{Layout: h.layout(c, d.Candidate.Name), Detail: d, Errors: errs, Form: form,
		Rounds: map[int64][]models.InterviewRound{}, Decisions: map[int64][]models.DecisionRequest{}, Colleagues: d.Colleagues, Addable: d.Addable}
	for _, r := range d.Rounds {
		props.Rounds[r.ApplicationID] = append(props.Rounds[r.ApplicationID], r)
	}
	for _, dr := range d.Decisions {
		props.Decisions[dr.ApplicationID] = append(props.Decisions[dr.ApplicationID], dr)
	}
	return render(c, status, views.AdminCandidatePage(props))
}

// applicationAction runs one staff action on an application and returns to
// the candidate page with the flash done gives (asked after the action, so
// it can say what happened), or shows the page again with the refusal.
func (h *Handler) applicationAction(c echo.Context, form views.CandidateActionForm, do func(appID int64) error, done func() string) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	// Permission first: an input error must not confirm that an
	// application out of the actor's scope exists.
	if err := h.store.CheckApplicationScope(c.Request().Context(), actor(c), appID); err != nil {
		return err
	}
	return h.act(c, h.candidatePageAction(c, form, appID, func() error { return do(appID) }, done))
}

// candidatePageAction is an action posted from the staff candidate page:
// back to it when done, the page again with the input kept when refused.
func (h *Handler) candidatePageAction(c echo.Context, form views.CandidateActionForm, appID int64, do func() error, done func() string) action {
	candidateID := formInt(c.FormValue("candidate_id"))
	a := action{do: do, flash: done, next: "/admin/candidates"}
	if candidateID > 0 {
		a.next = views.CandidatePath(candidateID)
		a.again = func(status int, r *models.Error) error {
			form.ApplicationID = appID
			return h.renderCandidate(c, candidateID, status, formErrors(r), form)
		}
	}
	return a
}

func (h *Handler) adminApplicationMove(c echo.Context) error {
	to := models.StageKey(c.FormValue("to_stage"))
	note := c.FormValue("note")
	confirm := c.FormValue("confirm_skip") != ""
	form := views.CandidateActionForm{Action: "move", ToStage: string(to), Note: note, ConfirmSkip: confirm}
	return h.applicationAction(c, form, func(appID int64) error {
		if _, ok := models.LookupStage(to); !ok {
			return models.Invalid("to_stage", "Choose the stage to move to.")
		}
		return h.store.MoveStage(c.Request().Context(), actor(c), appID, models.MoveRequest{To: to, Note: note, ConfirmSkip: confirm})
	}, fixed(h.sentNotice("Stage changed to "+models.StageName(to), "the candidate's update")))
}

func (h *Handler) adminApplicationUndo(c echo.Context) error {
	note := c.FormValue("note")
	withdrawn := false
	return h.applicationAction(c, views.CandidateActionForm{Action: "undo", Note: note}, func(appID int64) (err error) {
		withdrawn, err = h.store.UndoLastMove(c.Request().Context(), actor(c), appID, note)
		return err
	}, func() string {
		if withdrawn {
			return "The last move has been undone. Its message to the candidate had not left yet and was withdrawn: they were told nothing."
		}
		return h.sentNotice("The last move has been undone", "the message telling the candidate their current step")
	})
}

func (h *Handler) adminApplicationStatus(c echo.Context) error {
	to := models.Status(c.FormValue("status"))
	reason := c.FormValue("reason")
	form := views.CandidateActionForm{Action: "status", Status: string(to), Reason: reason, Send: c.FormValue("send"),
		Wording: models.MessageKind(c.FormValue("wording")), SendInDays: strings.TrimSpace(c.FormValue("send_in_days"))}
	rejection, timeErr := models.ReadRejection(form.Wording, models.SendTime(form.Send), form.SendInDays)
	if c.FormValue("preview") != "" {
		return h.previewRejection(c, form, rejection, timeErr)
	}
	done := "Status changed to " + to.Label() + "."
	if models.HoldsRejection(to, rejection.Held) {
		done = "Rejected; every message to the candidate waits until the position is filled."
	}
	return h.applicationAction(c, form, func(appID int64) error {
		if to != models.StatusRejected {
			return h.store.ChangeStatus(c.Request().Context(), actor(c), appID, to, reason)
		}
		if timeErr != nil {
			return timeErr
		}
		return h.store.Reject(c.Request().Context(), actor(c), appID, reason, rejection)
	}, fixed(done))
}

// previewRejection shows the candidate page again with the status form as
// typed and the exact rejection the candidate would get: nothing changes.
// timeErr is the refusal of the send time as typed, shown instead.
func (h *Handler) previewRejection(c echo.Context, form views.CandidateActionForm, r models.Rejection, timeErr error) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form.ApplicationID = appID
	err = timeErr
	var preview models.MessagePreview
	if err == nil {
		preview, err = h.store.RejectionPreview(c.Request().Context(), actor(c), appID, r)
	}
	if r := models.ErrorOf(err); r != nil && r.Code == models.CodeInvalid {
		return h.renderCandidate(c, formInt(c.FormValue("candidate_id")), http.StatusUnprocessableEntity, formErrors(r), form)
	}
	if err != nil {
		return err
	}
	form.Preview = &preview
	return h.renderCandidate(c, formInt(c.FormValue("candidate_id")), http.StatusOK, nil, form)
}

func (h *Handler) adminApplicationExpected(c echo.Context) error {
	date := c.FormValue("expected_date")
	note := c.FormValue("expected_note")
	form := views.CandidateActionForm{Action: "expected", ExpectedDate: date, ExpectedNote: note}
	return h.applicationAction(c, form, func(appID int64) error {
		d := formDate(date, h.cfg.Location)
		if d.IsZero() && strings.TrimSpace(date) != "" {
			return models.Invalid("expected_date", "Enter the date as YYYY-MM-DD.")
		}
		return h.store.OverrideExpectedDate(c.Request().Context(), actor(c), appID, d, note)
	}, fixed("Expected update date changed."))
}

func (h *Handler) adminCandidateNote(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	body := c.FormValue("body")
	return h.act(c, action{
		do:    func() error { return h.store.AddNote(c.Request().Context(), actor(c), id, body) },
		flash: fixed("Note added."),
		next:  views.CandidatePath(id),
		again: func(status int, r *models.Error) error {
			return h.renderCandidate(c, id, status, formErrors(r), views.CandidateActionForm{Action: "note", NoteBody: body})
		},
	})
}

// candidateFilter reads the candidate list's filters, search and sort from
// the query string (the list page and its CSV export share them); unknown
// stages and statuses are ignored.
func candidateFilter(c echo.Context) models.CandidateFilter { return listFilter(c.QueryParams()) }

// listFilter is candidateFilter of a query string.
func listFilter(q url.Values) models.CandidateFilter {
	f := models.CandidateFilter{
		PositionID: formInt(q.Get("position")),
		Stage:      models.StageKey(q.Get("stage")),
		Status:     models.Status(q.Get("status")),
		Query:      truncateInput(q.Get("q"), 200),
		Sort:       q.Get("sort"),
	}
	if _, ok := models.LookupStage(f.Stage); !ok {
		f.Stage = ""
	}
	if !validStatus(f.Status) {
		f.Status = ""
	}
	return f
}
