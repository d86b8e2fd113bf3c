package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// ---- candidate ----

func (h *Handler) renderCandidateInterview(c echo.Context, status int, problem, message string) error {
	roundID, err := paramID(c, "round")
	if err != nil {
		return err
	}
	app, err := h.ownApplication(c)
	if err != nil {
		return err
	}
	for i := range app.Rounds {
		if r := &app.Rounds[i]; r.ID == roundID {
			return render(c, status, views.CandidateInterviewPage(views.CandidateInterviewProps{
				Layout: h.layout(c, r.Title), Application: app, Round: r, Problem: problem, Message: message}))
		}
	}
	return models.ErrNotFound
}

func (h *Handler) candidateInterview(c echo.Context) error {
	return h.renderCandidateInterview(c, http.StatusOK, "", "")
}

func (h *Handler) candidateInterviewPick(c echo.Context) error {
	appID, roundID, err := appAndRound(c)
	if err != nil {
		return err
	}
	booked := "Your interview is booked. Add it to your calendar with the button below."
	if h.cfg.EmailEnabled {
		booked = "Your interview is booked. The invitation for your calendar is on its way to your inbox."
	}
	return h.act(c, action{
		do: func() error {
			return h.store.PickSlot(c.Request().Context(), actor(c), appID, roundID, formInt(c.FormValue("slot_id")))
		},
		flash: fixed(booked),
		next:  views.MyInterviewPath(appID, roundID),
		again: func(status int, r *models.Error) error { return h.renderCandidateInterview(c, status, sentence(r), "") },
	})
}

func (h *Handler) candidateInterviewOtherTimes(c echo.Context) error {
	appID, roundID, err := appAndRound(c)
	if err != nil {
		return err
	}
	message := c.FormValue("message")
	return h.act(c, action{
		do: func() error {
			return h.store.RequestOtherTimes(c.Request().Context(), actor(c), appID, roundID, message)
		},
		flash: fixed("Thank you. We have passed your message on and will offer other times soon."),
		next:  views.MyInterviewPath(appID, roundID),
		again: func(status int, r *models.Error) error {
			return h.renderCandidateInterview(c, status, sentence(r), message)
		},
	})
}

func (h *Handler) candidateInterviewCalendar(c echo.Context) error {
	roundID, err := paramID(c, "round")
	if err != nil {
		return err
	}
	app, err := h.ownApplication(c)
	if err != nil {
		return err
	}
	for i := range app.Rounds {
		if r := &app.Rounds[i]; r.ID == roundID && r.Status != models.RoundProposed {
			body := h.store.CandidateInterviewCalendar(c.Request().Context(), r, currentCandidate(c), app.Position.Title)
			c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="interview.ics"`)
			return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", []byte(body))
		}
	}
	return models.ErrNotFound
}

func appAndRound(c echo.Context) (appID, roundID int64, err error) {
	if appID, err = paramID(c, "id"); err != nil {
		return 0, 0, err
	}
	roundID, err = paramID(c, "round")
	return appID, roundID, err
}

// ---- staff: scheduling ----

func roundForm(c echo.Context) views.RoundForm {
	f := views.RoundForm{Kind: c.FormValue("kind"), Title: c.FormValue("title"), Duration: c.FormValue("duration"),
		Location: c.FormValue("location"), VideoURL: c.FormValue("video_url"), Instructions: c.FormValue("instructions"),
		ConfirmSkip: c.FormValue("confirm_skip") != ""}
	if params, err := c.FormParams(); err == nil {
		f.Slots = params["slots"]
		for _, v := range params["panel"] {
			if id := formInt(v); id > 0 {
				f.Panel = append(f.Panel, id)
			}
		}
		for _, v := range params["shared"] {
			if id := formInt(v); id > 0 {
				f.Shared = append(f.Shared, id)
			}
		}
	}
	return f
}

func (h *Handler) renderRoundNew(c echo.Context, status int, form views.RoundForm, errs map[string]string) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	app, err := h.store.GetApplicationForStaff(ctx, actor(c), appID)
	if err != nil {
		return err
	}
	staff, err := h.store.StaffDirectory(ctx)
	if err != nil {
		return err
	}
	free, err := h.store.FreeSlots(ctx, actor(c), app.PositionID)
	if err != nil {
		return err
	}
	return render(c, status, views.RoundNewPage(views.RoundNewProps{Layout: h.layout(c, "Schedule an interview"), Application: app,
		Staff: staff, FreeSlots: free, Form: form, Errors: errs}))
}

func (h *Handler) adminRoundNew(c echo.Context) error {
	return h.renderRoundNew(c, http.StatusOK, views.RoundForm{Duration: "60", Kind: string(models.InterviewAdditional)}, nil)
}

func (h *Handler) adminRoundCreate(c echo.Context) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form := roundForm(c)
	round, err := h.store.CreateRound(c.Request().Context(), actor(c), appID, form.Input())
	if r := h.formRefusal(err); r != nil {
		return h.renderRoundNew(c, statusOf(r.Code), form, formErrors(r))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, h.sentNotice("Interview created with "+views.CountLabel(int64(len(round.Slots)), "time", "times")+" to choose from",
		"the candidate's invitation to pick one"))
	return redirect(c, views.InterviewPath(round.ID))
}

func (h *Handler) renderRound(c echo.Context, status int, errs map[string]string, form views.RoundActionForm) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	page, err := h.store.GetRoundPage(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return render(c, status, views.RoundPage(views.RoundPageProps{Layout: h.layout(c, page.Round.Title+": "+page.Application.Candidate.Name),
		Page: page, Errors: errs, Form: form}))
}

func (h *Handler) adminRound(c echo.Context) error {
	return h.renderRound(c, http.StatusOK, nil, views.RoundActionForm{})
}

// roundAction runs one change on a round, then shows the round again: with
// the input and the reason when it was refused.
func (h *Handler) roundAction(c echo.Context, form views.RoundActionForm, do func(id int64) error, done string) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.act(c, action{
		do:    func() error { return do(id) },
		flash: fixed(done),
		next:  views.InterviewPath(id),
		again: func(status int, r *models.Error) error { return h.renderRound(c, status, formErrors(r), form) },
	})
}

func (h *Handler) adminRoundTimes(c echo.Context) error {
	params, _ := c.FormParams()
	form := views.RoundActionForm{Action: "times", Slots: params["slots"]}
	return h.roundAction(c, form, func(id int64) error {
		return h.store.OfferMoreTimes(c.Request().Context(), actor(c), id, params["slots"])
	}, h.sentNotice("New times offered", "the candidate's invitation to choose one"))
}

func (h *Handler) adminRoundReschedule(c echo.Context) error {
	start := c.FormValue("starts_at")
	form := views.RoundActionForm{Action: "reschedule", StartsAt: start}
	return h.roundAction(c, form, func(id int64) error {
		return h.store.RescheduleRound(c.Request().Context(), actor(c), id, start)
	}, h.sentNotice("Interview moved", "the updated invitation for the candidate and the panel"))
}

func (h *Handler) adminRoundCancel(c echo.Context) error {
	reason := c.FormValue("reason")
	form := views.RoundActionForm{Action: "cancel", Reason: reason}
	return h.roundAction(c, form, func(id int64) error {
		return h.store.CancelRound(c.Request().Context(), actor(c), id, reason)
	}, h.sentNotice("Interview cancelled", "the notice to the candidate and the panel"))
}

// ---- staff: scorecards, review, interviewer home ----

func (h *Handler) adminScorecard(c echo.Context) error {
	params, _ := c.FormParams()
	in := models.ScorecardInput{Recommendation: models.Recommendation(c.FormValue("recommendation")), Notes: c.FormValue("notes"),
		Ratings: map[int64]string{}, RatingNotes: map[int64]string{}}
	form := views.RoundActionForm{Action: "scorecard", Recommendation: c.FormValue("recommendation"), Notes: in.Notes,
		Ratings: map[string]string{}, RatingNotes: map[string]string{}}
	for key, vals := range params {
		if len(vals) == 0 {
			continue
		}
		if cid, ok := strings.CutPrefix(key, "rating_"); ok {
			in.Ratings[formInt(cid)], form.Ratings[cid] = vals[0], vals[0]
		}
		if cid, ok := strings.CutPrefix(key, "note_"); ok {
			in.RatingNotes[formInt(cid)], form.RatingNotes[cid] = vals[0], vals[0]
		}
	}
	return h.roundAction(c, form, func(id int64) error {
		return h.store.SubmitScorecard(c.Request().Context(), actor(c), id, in)
	}, "Scorecard saved. You can now read the other panelists' scorecards.")
}

func (h *Handler) adminMyInterviews(c echo.Context) error {
	return h.renderMyInterviews(c, http.StatusOK, nil, views.CandidateActionForm{}, 0)
}

// renderMyInterviews shows an interviewer's home; errs and form belong to the
// answer to consultation formFor, when one was refused.
func (h *Handler) renderMyInterviews(c echo.Context, status int, errs map[string]string, form views.CandidateActionForm, formFor int64) error {
	ctx := c.Request().Context()
	upcoming, feedback, done, err := h.store.MyInterviews(ctx, actor(c))
	if err != nil {
		return err
	}
	pending, err := h.store.PendingDecisions(ctx, actor(c))
	if err != nil {
		return err
	}
	return render(c, status, views.MyInterviewsPage(views.MyInterviewsProps{Layout: h.layout(c, "My interviews"),
		Upcoming: upcoming, NeedFeedback: feedback, Done: done, Decisions: pending, Errors: errs, Form: form, FormFor: formFor}))
}

func (h *Handler) adminReview(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	rv, err := h.store.GetReview(c.Request().Context(), actor(c), id, models.StageKey(c.QueryParam("stage")))
	if err != nil {
		return err
	}
	refs, err := h.store.ReviewReferenceSummaries(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ReviewPage(views.ReviewProps{Layout: h.layout(c, "Review: "+rv.Position.Title), Review: rv, References: refs}))
}

// ---- staff: decision consultation ----

func (h *Handler) adminDecisionRequest(c echo.Context) error {
	params, _ := c.FormParams()
	var ids []int64
	for _, v := range params["consulted"] {
		ids = append(ids, formInt(v))
	}
	proposal := c.FormValue("proposal")
	form := views.CandidateActionForm{Action: "decision", Note: proposal, Consulted: ids}
	return h.applicationAction(c, form, func(appID int64) error {
		return h.store.RequestDecision(c.Request().Context(), actor(c), appID, models.DecisionInput{Proposal: proposal, ConsultedIDs: ids})
	}, fixed(h.sentNotice("Your colleagues have been asked for their decision", "their notification")))
}

func (h *Handler) adminDecisionRespond(c echo.Context) error {
	verdict := models.Verdict(c.FormValue("verdict"))
	rationale := c.FormValue("rationale")
	form := views.CandidateActionForm{Action: "respond", Status: string(verdict), Reason: rationale}
	respond := func(id int64) error {
		return h.store.RespondDecision(c.Request().Context(), actor(c), id, verdict, rationale)
	}
	const done = "Your answer has been recorded with your reasons."
	if formInt(c.FormValue("candidate_id")) > 0 {
		return h.staffAppAction(c, form, respond, done)
	}
	// Answered from My interviews (a colleague who may not open the candidate's page).
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := respond(id); err != nil {
		if r := h.formRefusal(err); r != nil {
			return h.renderMyInterviews(c, statusOf(r.Code), formErrors(r), form, id)
		}
		return err
	}
	h.setFlash(c, done)
	return redirect(c, "/admin/interviews")
}

func (h *Handler) adminDecisionWithdraw(c echo.Context) error {
	return h.staffAppAction(c, views.CandidateActionForm{}, func(id int64) error {
		return h.store.WithdrawDecision(c.Request().Context(), actor(c), id)
	}, "The consultation has been withdrawn.")
}
