package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// adminCandidatesBulk applies one action to the applications ticked on the
// candidate list (all of them or none) and brings the user back to the same
// list: its filters, sort and page travel in the form's "list" field.
func (h *Handler) adminCandidatesBulk(c echo.Context) error {
	form, formErr := c.FormParams()
	if formErr != nil {
		return formErr
	}
	query := listQuery(c.FormValue("list"))
	bulk := views.BulkForm{Selected: map[int64]bool{}, Action: c.FormValue("action"), Reason: c.FormValue("reason"),
		Send: c.FormValue("send"), ExpectedDate: c.FormValue("expected_date"),
		Wording: c.FormValue("wording"), SendInDays: strings.TrimSpace(c.FormValue("send_in_days")),
		ExpectedNote: c.FormValue("expected_note"), Subject: c.FormValue("subject"), Body: c.FormValue("body")}
	var ids []int64
	for _, v := range form["ids"] {
		if id := formInt(v); id > 0 {
			ids = append(ids, id)
			bulk.Selected[id] = true
		}
	}
	date := formDate(bulk.ExpectedDate, h.cfg.Location)
	req := models.BulkRequest{ApplicationIDs: ids, Action: models.BulkKind(bulk.Action), Reason: bulk.Reason,
		Date: date, Note: bulk.ExpectedNote, Subject: bulk.Subject, Body: bulk.Body}
	var err error
	if req.Action == models.BulkReject || c.FormValue("preview") != "" {
		req.Rejection, err = models.ReadRejection(models.MessageKind(bulk.Wording), models.SendTime(bulk.Send), bulk.SendInDays)
	}
	if err == nil && c.FormValue("preview") != "" {
		return h.bulkPreview(c, query, bulk, req)
	}
	var res models.BulkResult
	if err == nil {
		res, err = h.store.BulkAction(c.Request().Context(), actor(c), req)
	}
	if r := h.formRefusal(err); r != nil {
		bulk.Errors = formErrors(r)
		if _, ok := bulk.Errors["expected_date"]; ok && date.IsZero() && strings.TrimSpace(bulk.ExpectedDate) != "" {
			bulk.Errors["expected_date"] = "Enter the date as YYYY-MM-DD."
		}
		return h.renderCandidateList(c, query, statusOf(r.Code), bulk)
	}
	if err != nil {
		return err
	}
	h.setFlash(c, h.bulkDone(res))
	to := "/admin/candidates"
	if q := query.Encode(); q != "" {
		to += "?" + q
	}
	return redirect(c, to)
}

// listQuery reads the list's filters, sort and page back from the bulk
// form, keeping only the list's own keys.
func listQuery(encoded string) url.Values {
	parsed, _ := url.ParseQuery(encoded)
	out := url.Values{}
	for _, k := range views.ListQueryKeys() {
		if v := parsed.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

// bulkDone is the flash after a bulk action.
func (h *Handler) bulkDone(res models.BulkResult) string {
	n := views.CountLabel(int64(res.Count), "candidate", "candidates")
	switch res.Action {
	case models.BulkMove:
		return h.sentNotice("Moved "+n+" to their next stage", "each candidate's update")
	case models.BulkReject:
		if res.Held {
			return "Rejected " + n + ". The messages wait until each position is filled."
		}
		return h.sentNotice("Rejected "+n, "each candidate's message")
	case models.BulkExpectedDate:
		return "Set a new promised date for " + n + "."
	case models.BulkMessage:
		return h.sentNotice("Wrote to "+n, "the message")
	}
	return "Done."
}

// bulkPreview shows the list again, as typed, with the rejection the first
// ticked candidate would get: nothing changes.
func (h *Handler) bulkPreview(c echo.Context, query url.Values, bulk views.BulkForm, req models.BulkRequest) error {
	if len(req.ApplicationIDs) == 0 {
		bulk.Errors = formErrors(models.ErrorOf(models.NothingTicked()))
		return h.renderCandidateList(c, query, http.StatusUnprocessableEntity, bulk)
	}
	first := req.ApplicationIDs[0] // the first ticked, in the list's order
	preview, err := h.store.RejectionPreview(c.Request().Context(), actor(c), first, req.Rejection)
	if r := h.formRefusal(err); r != nil {
		bulk.Errors = formErrors(r)
		return h.renderCandidateList(c, query, statusOf(r.Code), bulk)
	}
	if err != nil {
		return err
	}
	bulk.Preview, bulk.PreviewFor = &preview, preview.ToName
	return h.renderCandidateList(c, query, http.StatusOK, bulk)
}
