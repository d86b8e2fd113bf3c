package views

import (
	"net/url"
	"sort"
	"strconv"

	"nextstep/models"
)

// BulkForm keeps the candidate list's bulk action form as typed, with the
// ticked rows and the problems found.
type BulkForm struct {
	Selected     map[int64]bool
	Action       string
	Reason       string
	Wording      string                 // bulk reject's wording
	Send         string                 // bulk reject's "Send the messages" choice (now, later, held)
	SendInDays   string                 // bulk reject's days for a later send, as typed
	Preview      *models.MessagePreview // the first ticked candidate's rejection, when asked for
	PreviewFor   string                 // whose it is
	ExpectedDate string
	ExpectedNote string
	Subject      string
	Body         string
	Errors       map[string]string
}

// ListQueryKeys are the parts of the list's address that say which list
// the user is on: its filters, sort and page. Each call returns a fresh slice.
func ListQueryKeys() []string {
	return []string{"q", "position", "stage", "status", "sort", "after", "before"}
}

// ListQuery is the list's query string with only its own keys, for the
// bulk form to bring the user back to the same list.
func ListQuery(q url.Values) string {
	out := url.Values{}
	for _, k := range ListQueryKeys() {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out.Encode()
}

// bulkProblems are the bulk form's messages: the form's own first, in the
// order of its fields, then each refused application's, in list order.
func bulkProblems(errs map[string]string, rows []models.CandidateRow) []string {
	var out []string
	done := map[string]bool{}
	for _, k := range []string{"ids", "action", "reason", "wording", "send", "send_in_days", "expected_date", "expected_note", "subject", "body"} {
		if msg, ok := errs[k]; ok {
			out, done[k] = append(out, msg), true
		}
	}
	for _, r := range rows {
		k := models.RefusalField(r.ApplicationID)
		if msg, ok := errs[k]; ok && !done[k] {
			out, done[k] = append(out, msg), true
		}
	}
	var rest []string
	for k := range errs {
		if !done[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, errs[k])
	}
	return out
}

// rowRefused is the refusal of a listed application, if any.
func rowRefused(b BulkForm, appID int64) string { return b.Errors[models.RefusalField(appID)] }

// bulkSelectLabel names a row's checkbox: who and for which position.
func bulkSelectLabel(r models.CandidateRow) string {
	return "Select " + r.Name + " — " + r.PositionTitle
}

// bulkCount says how many rows are ticked.
func bulkCount(b BulkForm) string {
	n := 0
	for _, on := range b.Selected {
		if on {
			n++
		}
	}
	return strconv.Itoa(n) + " selected"
}

// bulkActionChecked: which action radio is chosen.
func bulkActionChecked(b BulkForm, k models.BulkKind) bool { return b.Action == string(k) }

// bulkRowID is the id of a row's checkbox.
func bulkRowID(appID int64) string { return "select-" + strconv.FormatInt(appID, 10) }

// bulkRefusalID is the id of a refused row's message.
func bulkRefusalID(appID int64) string { return "refusal-" + strconv.FormatInt(appID, 10) }

// todayISO is today's date where the organisation works, for a date input's min.
func todayISO(l Layout) string { return l.Now.In(l.portal()).Format("2006-01-02") }
