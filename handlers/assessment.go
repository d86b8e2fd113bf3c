package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

func (h *Handler) renderAssessment(c echo.Context, status int, problem string) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ca, err := h.store.GetCandidateAssessment(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	positions := map[int64]int{}
	for _, w := range ca.Waitlist {
		if w.Status == models.WaitWaiting {
			n, err := h.store.WaitlistPosition(c.Request().Context(), w)
			if err != nil {
				return err
			}
			positions[w.ID] = n
		}
	}
	return render(c, status, views.CandidateAssessmentPage(views.CandidateAssessmentProps{
		Layout: h.layout(c, "Assessment day"), Data: ca, Problem: problem, WaitlistPlaces: positions}))
}

func (h *Handler) candidateAssessment(c echo.Context) error {
	return h.renderAssessment(c, http.StatusOK, "")
}

// assessmentAction runs one candidate booking action and redirects to where
// it leads, or shows the page again with the reason it was refused.
func (h *Handler) assessmentAction(c echo.Context, do func(appID int64) error, done, next string) error {
	appID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.act(c, action{
		do:    func() error { return do(appID) },
		flash: fixed(done),
		next:  views.MyAssessmentPath(appID) + next,
		again: func(status int, r *models.Error) error { return h.renderAssessment(c, status, sentence(r)) },
	})
}

func (h *Handler) candidateBook(c echo.Context) error {
	dayID := formInt(c.FormValue("day_id"))
	return h.assessmentAction(c, func(appID int64) error {
		_, err := h.store.BookSeat(c.Request().Context(), actor(c), appID, dayID)
		return err
	}, "Your seat is booked. A confirmation is on its way to your inbox.", "/confirmation")
}

func (h *Handler) candidateReschedule(c echo.Context) error {
	dayID := formInt(c.FormValue("day_id"))
	return h.assessmentAction(c, func(appID int64) error {
		_, err := h.store.RescheduleSeat(c.Request().Context(), actor(c), appID, dayID)
		return err
	}, "Your seat has moved to the new day. Your previous seat has been released.", "/confirmation")
}

func (h *Handler) candidateCancelSeat(c echo.Context) error {
	return h.assessmentAction(c, func(appID int64) error {
		return h.store.CancelSeat(c.Request().Context(), actor(c), appID)
	}, "Your seat has been cancelled. You can book another day below.", "")
}

func (h *Handler) candidateJoinWaitlist(c echo.Context) error {
	dayID := formInt(c.FormValue("day_id"))
	return h.assessmentAction(c, func(appID int64) error {
		return h.store.JoinWaitlist(c.Request().Context(), actor(c), appID, dayID)
	}, "You are on the waitlist. If a seat frees up, we will hold it for you and let you know.", "")
}

func (h *Handler) candidateAcceptSeatOffer(c echo.Context) error {
	entryID, err := paramID(c, "entry")
	if err != nil {
		return err
	}
	return h.assessmentAction(c, func(appID int64) error {
		_, err := h.store.AcceptSeatOffer(c.Request().Context(), actor(c), appID, entryID)
		return err
	}, "The seat is yours. A confirmation is on its way to your inbox.", "/confirmation")
}

func (h *Handler) candidateLeaveWaitlist(c echo.Context) error {
	entryID, err := paramID(c, "entry")
	if err != nil {
		return err
	}
	return h.assessmentAction(c, func(appID int64) error {
		return h.store.LeaveWaitlist(c.Request().Context(), actor(c), appID, entryID)
	}, "You have left the waitlist.", "")
}

func (h *Handler) candidateBookingConfirmation(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ca, err := h.store.GetCandidateAssessment(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	if ca.Booking == nil {
		return redirect(c, views.MyAssessmentPath(id))
	}
	return render(c, http.StatusOK, views.BookingConfirmationPage(views.CandidateAssessmentProps{
		Layout: h.layout(c, "Your seat is booked"), Data: ca}))
}

func (h *Handler) candidateBookingCalendar(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ca, err := h.store.GetCandidateAssessment(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	if ca.Booking == nil || ca.Booking.Day == nil {
		return models.ErrNotFound
	}
	body := models.BookingCalendar(*ca.Booking.Day, *ca.Booking, ca.EarlierBookings, ca.Application.Position.Title,
		strings.TrimRight(h.cfg.BaseURL, "/")+views.MyAssessmentPath(ca.Booking.ApplicationID), h.clock.Now())
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="assessment-day.ics"`)
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", []byte(body))
}

// ---- staff ----

func (h *Handler) adminAssessmentDays(c echo.Context) error {
	days, err := h.store.ListAssessmentDays(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminAssessmentDaysPage(views.AdminAssessmentDaysProps{Layout: h.layout(c, "Assessment days"), Days: days}))
}

func assessmentDayForm(c echo.Context) views.AssessmentDayForm {
	f := views.AssessmentDayForm{
		Title: c.FormValue("title"), Date: c.FormValue("date"), StartTime: c.FormValue("start_time"), EndTime: c.FormValue("end_time"),
		TimeZone: c.FormValue("time_zone"), LocationAddress: c.FormValue("location_address"), Directions: c.FormValue("directions"),
		OnlineURL: c.FormValue("online_url"), Capacity: c.FormValue("capacity"), CutoffHours: c.FormValue("cutoff_hours"),
		Agenda: c.FormValue("agenda"), WhatToBring: c.FormValue("what_to_bring"),
	}
	if params, err := c.FormParams(); err == nil {
		for _, v := range params["positions"] {
			if id := formInt(v); id > 0 {
				f.PositionIDs = append(f.PositionIDs, id)
			}
		}
	}
	return f
}

func (h *Handler) assessmentDayFormPage(c echo.Context, status int, id int64, form views.AssessmentDayForm, errs map[string]string) error {
	positions, err := h.store.ListPositions(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	title := "New assessment day"
	if id != 0 {
		title = "Edit assessment day"
	}
	return render(c, status, views.AdminAssessmentDayFormPage(views.AdminAssessmentDayFormProps{
		Layout: h.layout(c, title), ID: id, Form: form, Errors: errs, Positions: positions}))
}

func (h *Handler) adminAssessmentDayNew(c echo.Context) error {
	tomorrow := h.clock.Now().In(h.cfg.Location).AddDate(0, 0, 14)
	form := views.AssessmentDayForm{Date: tomorrow.Format("2006-01-02"), StartTime: "09:00", EndTime: "16:00",
		TimeZone: h.cfg.Location.String(), Capacity: "20", CutoffHours: "24"}
	if pid := formInt(c.QueryParam("position")); pid > 0 {
		form.PositionIDs = []int64{pid}
	}
	return h.assessmentDayFormPage(c, http.StatusOK, 0, form, nil)
}

func (h *Handler) adminAssessmentDayCreate(c echo.Context) error {
	form := assessmentDayForm(c)
	d, err := h.store.CreateAssessmentDay(c.Request().Context(), actor(c), form.Input())
	if r := h.formRefusal(err); r != nil {
		return h.assessmentDayFormPage(c, statusOf(r.Code), 0, form, formErrors(r))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, fmt.Sprintf("Assessment day %q scheduled. Candidates at the assessment stage can now book it.", d.Title))
	return redirect(c, views.AssessmentDayPath(d.ID))
}

func (h *Handler) adminAssessmentDayEdit(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.store.GetAssessmentDay(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return h.assessmentDayFormPage(c, http.StatusOK, id, views.AssessmentDayFormFrom(d), nil)
}

func (h *Handler) adminAssessmentDayUpdate(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form := assessmentDayForm(c)
	err = h.store.UpdateAssessmentDay(c.Request().Context(), actor(c), id, form.Input())
	if r := h.formRefusal(err); r != nil {
		return h.assessmentDayFormPage(c, statusOf(r.Code), id, form, formErrors(r))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "Assessment day saved.")
	return redirect(c, views.AssessmentDayPath(id))
}

func (h *Handler) adminAssessmentDayCancel(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	reason := truncateInput(c.FormValue("reason"), 2001)
	err = h.store.CancelAssessmentDay(c.Request().Context(), actor(c), id, reason)
	if r := h.formRefusal(err); r != nil {
		return h.renderRoster(c, id, statusOf(r.Code), formErrors(r))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, h.sentNotice("The day is cancelled and every booked and waitlisted candidate can choose another day", "their messages"))
	return redirect(c, views.AssessmentDayPath(id))
}

func (h *Handler) adminAssessmentDay(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.renderRoster(c, id, http.StatusOK, nil)
}

func (h *Handler) renderRoster(c echo.Context, id int64, status int, errs map[string]string) error {
	r, err := h.store.GetRoster(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return render(c, status, views.AdminRosterPage(views.AdminRosterProps{Layout: h.layout(c, r.Day.Title), Roster: r, Errors: errs}))
}

func (h *Handler) adminRosterCSV(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	r, err := h.store.GetRoster(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	body, err := models.RosterCSV(r)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("roster-%s-%d.csv", r.Day.StartsAt.In(r.Day.Location()).Format("2006-01-02"), r.Day.ID)
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", body)
}

func (h *Handler) adminBookingResult(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	dayID := formInt(c.FormValue("day_id"))
	err = h.store.RecordAssessmentResult(c.Request().Context(), actor(c), id,
		models.Attendance(c.FormValue("attendance")), models.AssessmentResult(c.FormValue("result")), truncateInput(c.FormValue("notes"), 4001))
	if r := h.formRefusal(err); r != nil && dayID > 0 {
		return h.renderRoster(c, dayID, statusOf(r.Code), formErrors(r))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "Result saved.")
	if dayID == 0 {
		return redirect(c, "/admin/assessment-days")
	}
	return redirect(c, views.AssessmentDayBookingPath(dayID, id))
}
