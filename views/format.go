package views

import (
	"fmt"
	"github.com/a-h/templ"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"nextstep/models"
)

// LongDate is the friendly date candidates read: "Thursday 10 December".
// The year is added when it is not the current one.
func LongDate(t time.Time, l Layout) string {
	t = t.In(l.loc())
	if t.Year() != l.Now.In(l.loc()).Year() {
		return t.Format("Monday 2 January 2006")
	}
	return t.Format("Monday 2 January")
}

// DeadlineWhen is a candidate's deadline: "Sunday 20 December" when it is
// the end of a day in the page's zone, else with the time and the zone named
// as every time shown to a candidate names it, models.ZoneLabel ("Sunday 20
// December, 15:00 (GMT, Europe/London)").
func DeadlineWhen(t time.Time, l Layout) string {
	local := t.In(l.loc())
	if local.Hour() == 23 && local.Minute() == 59 {
		return LongDate(t, l)
	}
	return LongDate(t, l) + ", " + local.Format("15:04") + " (" + models.ZoneLabel(t, l.loc()) + ")"
}

// ShortDate is "10 Dec 2026".
func ShortDate(t time.Time, l Layout) string { return t.In(l.loc()).Format("2 Jan 2006") }

// DateTime is "10 Dec 2026, 14:05".
func DateTime(t time.Time, l Layout) string { return t.In(l.loc()).Format("2 Jan 2006, 15:04") }

// UTCTime is an ISO time in UTC, for the audit log.
func UTCTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

// ISODate is "2026-12-10", for date inputs: a date as the portal's zone
// counts it, which is the zone the handlers read date inputs in (whatever
// the staff member's own zone).
func ISODate(t *time.Time, l Layout) string {
	if t == nil {
		return ""
	}
	return t.In(l.portal()).Format("2006-01-02")
}

func (l Layout) loc() *time.Location {
	if l.Loc == nil {
		return l.portal()
	}
	return l.Loc
}

// portal is the portal's zone (UTC when unset).
func (l Layout) portal() *time.Location {
	if l.Portal == nil {
		return time.UTC
	}
	return l.Portal
}

// PromisedDay is a promised update date, "Tuesday 8 December". It is a day
// of the portal's calendar (kept as its 17:00), so it is named in the
// portal's zone for every reader: in the reader's own zone it could fall on
// the next day, and disagree with the email that promised it.
func PromisedDay(t time.Time, l Layout) string { return LongDate(t, l.inPortal()) }

// PromisedShort is PromisedDay as "8 Dec 2026".
func PromisedShort(t time.Time, l Layout) string { return ShortDate(t, l.inPortal()) }

// inPortal is the layout with the portal's zone as the reader's.
func (l Layout) inPortal() Layout {
	l.Loc = l.portal()
	return l
}

// Overdue reports whether a promised update date has passed.
func Overdue(t *time.Time, l Layout) bool { return t != nil && t.Before(l.Now) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// StepState is a stepper step's state: done, current or upcoming.
func StepState(p models.Pipeline, current, step models.StageKey) string {
	ci, si := p.Index(current), p.Index(step)
	switch {
	case si < ci:
		return "done"
	case si == ci:
		return "current"
	}
	return "upcoming"
}

// CandidateStepState is StepState for the candidate's stepper, where a
// stage skipped as not needed reads "skipped", never "done".
func CandidateStepState(a models.CandidateApplication, step models.StageKey) string {
	state := StepState(a.Position.Pipeline, a.Stage, step)
	if state == "done" && a.Skipped[step] {
		return "skipped"
	}
	return state
}

// CandidateStage is the candidate-facing description of a stage.
func CandidateStage(k models.StageKey) models.Stage {
	s, ok := models.LookupStage(k)
	if !ok {
		return models.Stage{Key: k, Name: string(k), CandidateTitle: string(k)}
	}
	return s
}

// sortOptions are the candidate list's sort orders: value and label.
var sortOptions = [][2]string{{"", "Most recently moved"}, {"name", "Name (A–Z)"}, {"-name", "Name (Z–A)"},
	{"stage", "Stage (earliest first)"}, {"-stage", "Stage (latest first)"}, {"expected", "Next update due (soonest)"},
	{"position", "Position"}, {"updated", "Longest in stage"}}

// PageURL is the current list URL with page replaced.
func PageURL(path string, q url.Values, page int) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	c.Set("page", strconv.Itoa(page))
	return path + "?" + c.Encode()
}

// CursorURL is the current list URL moved to cursor ("after=…" or
// "before=…", or "" for the first page).
func CursorURL(path string, q url.Values, cursor string) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	c.Del("after")
	c.Del("before")
	c.Del("page")
	if key, value, ok := strings.Cut(cursor, "="); ok {
		c.Set(key, value)
	}
	if len(c) == 0 {
		return path
	}
	return path + "?" + c.Encode()
}

// ResultCount says how many applications match, up to the counting cap.
func ResultCount(p *models.CandidatePage) string {
	if p.CountAt > 0 {
		return fmt.Sprintf("More than %s applications", thousands(p.CountAt))
	}
	return CountLabel(p.Count, "application", "applications")
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// SortURL is the current list URL sorted by key, toggling direction when it is already the sort.
func SortURL(path string, q url.Values, key string) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	c.Del("page")
	c.Del("after")
	c.Del("before")
	if q.Get("sort") == key {
		c.Set("sort", "-"+key)
	} else {
		c.Set("sort", key)
	}
	return path + "?" + c.Encode()
}

// SortState is the aria-sort value of a column.
func SortState(q url.Values, key string) string {
	switch q.Get("sort") {
	case key:
		return "ascending"
	case "-" + key:
		return "descending"
	}
	return "none"
}

// Pages is the number of pages for total rows.
func Pages(total int64, size int) int {
	if total == 0 {
		return 1
	}
	return int((total + int64(size) - 1) / int64(size))
}

// CountLabel is "1 candidate" / "3 candidates".
func CountLabel(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// CandidateHistory is the history the candidate sees: while a rejection is
// held until the position is filled, or put off by some days, its event is
// not shown yet.
func CandidateHistory(a models.CandidateApplication) []models.StageEvent {
	if !a.DecisionWithheld {
		return a.History
	}
	out := make([]models.StageEvent, 0, len(a.History))
	for _, e := range a.History {
		if e.ToStatus != models.StatusRejected {
			out = append(out, e)
		}
	}
	return out
}

// TimelineEntry is one line of the candidate's history.
type TimelineEntry struct {
	At     time.Time
	Text   string
	TestID string
}

// CandidateTimeline is the candidate's history, newest first: their steps
// and the promise keeper's "still deciding" updates, as they were sent.
func CandidateTimeline(a models.CandidateApplication, l Layout) []TimelineEntry {
	events := CandidateHistory(a)
	out := make([]TimelineEntry, 0, len(events)+len(a.PromiseUpdates))
	for i := len(events) - 1; i >= 0; i-- { // newest first, also among events at the same moment
		e := events[i]
		text := CandidateEventText(e)
		if i == len(events)-1 && e.ToStatus == models.StatusRejected && a.MovedToTitle != "" {
			text = "Moved to " + a.MovedToTitle
		}
		out = append(out, TimelineEntry{At: e.CreatedAt, Text: text, TestID: "history-step"})
	}
	for i := len(a.PromiseUpdates) - 1; i >= 0; i-- {
		u := a.PromiseUpdates[i]
		out = append(out, TimelineEntry{At: u.CreatedAt, TestID: "history-promise-update",
			Text: "We had not decided by " + PromisedDay(u.PassedDate, l) + " and wrote to you: you will hear from us by " + PromisedDay(u.NewDate, l)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out
}

// CandidateEventText describes a stage event for the candidate.
func CandidateEventText(e models.StageEvent) string {
	st := CandidateStage(e.ToStage)
	switch {
	case e.FromStage == nil || *e.FromStage != e.ToStage:
		return st.CandidateTitle
	case e.ToStatus == models.StatusOnHold:
		return "Your application is still under consideration"
	case e.ToStatus == models.StatusActive:
		return "Your application is moving again"
	case e.ToStatus == models.StatusRejected:
		return "Decision made"
	case e.ToStatus == models.StatusWithdrawn:
		return "Application withdrawn"
	}
	return st.CandidateTitle
}

// StaffName is a staff member's name, or "System" when there is none.
func StaffName(u *models.StaffUser) string {
	if u == nil {
		return "System"
	}
	return u.Name
}

func sortedMessages(errs map[string]string) []string {
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = errs[k]
	}
	return out
}

// statusChoices are the statuses staff may pick from the current one.
func statusChoices(from models.Status) []models.Status {
	var out []models.Status
	for _, s := range []models.Status{models.StatusOnHold, models.StatusActive, models.StatusRejected, models.StatusWithdrawn} {
		if models.CanChangeStatus(from, s, "a valid reason") == nil {
			out = append(out, s)
		}
	}
	return out
}

func statusVerb(s models.Status) string {
	switch s {
	case models.StatusOnHold:
		return "Put on hold"
	case models.StatusActive:
		return "Reactivate"
	case models.StatusRejected:
		return "Reject"
	case models.StatusWithdrawn:
		return "Withdrawn by candidate"
	}
	return s.Label()
}

func expectedValue(p AdminCandidateProps, a models.Application) string {
	if p.Form.Action == "expected" && p.Form.ApplicationID == a.ID {
		return p.Form.ExpectedDate
	}
	return ISODate(a.ExpectedUpdateAt, p.Layout)
}

func expectedNoteValue(p AdminCandidateProps, a models.Application) string {
	if p.Form.Action == "expected" && p.Form.ApplicationID == a.ID {
		return p.Form.ExpectedNote
	}
	return ""
}

// keptValue is the typed input of a failed action on this application, or "".
func keptValue(p AdminCandidateProps, a models.Application, action, value string) string {
	if p.Form.Action == action && p.Form.ApplicationID == a.ID {
		return value
	}
	return ""
}

func positionStatusVerb(s models.PositionStatus) string {
	switch s {
	case models.PositionOpen:
		return "Reopen"
	case models.PositionFilled:
		return "Mark filled"
	}
	return "Close"
}

// stageChip names a stage of a position's pipeline on the positions page,
// with its own time when it has one.
func stageChip(p *models.Position, k models.StageKey) string {
	if d, ok := p.OwnStageTime(k); ok {
		return models.StageName(k) + ": " + strconv.Itoa(d) + " business days"
	}
	return models.StageName(k)
}

func positionStatusLabel(s models.PositionStatus) string {
	switch s {
	case models.PositionOpen:
		return "Open"
	case models.PositionFilled:
		return "Filled"
	}
	return "Closed"
}

func positionAction(id int64) string {
	if id == 0 {
		return "/admin/positions"
	}
	return PositionPath(id)
}

// currentPage is the aria-current value of a navigation link: "page" for the
// page being shown, nothing otherwise.
func currentPage(current bool) templ.Attributes {
	if current {
		return templ.Attributes{"aria-current": "page"}
	}
	return templ.Attributes{}
}

// FirstName is the first word of a name, for a friendly greeting.
func FirstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}

// BookedDayAfter reports whether the candidate's booked assessment day comes
// after t: then the day itself is the next date, not the promised update.
func BookedDayAfter(a models.CandidateApplication, t time.Time) bool {
	return a.Booking != nil && a.Booking.Day != nil && a.Booking.Day.StartsAt.After(t)
}

// moveChoices are the stages staff may move application a to.
func moveChoices(p AdminCandidateProps, a models.Application) []models.MoveChoice {
	return a.Position.Pipeline.MoveChoices(a.Status, a.Stage, p.Detail.ContractSigned(a.ID))
}

// moveLabel names a move choice: the next stage, or what a skip passes over.
func moveLabel(m models.MoveChoice) string {
	if len(m.Skipped) == 0 {
		return "Next: " + models.StageName(m.To)
	}
	names := make([]string, len(m.Skipped))
	for i, k := range m.Skipped {
		names[i] = models.StageName(k)
	}
	return "Skip to " + models.StageName(m.To) + " (skips " + strings.Join(names, ", ") + ")"
}

// undoableMove is application a's last move when staff may undo it.
func undoableMove(p AdminCandidateProps, a models.Application) *models.StageEvent {
	for i := range p.Detail.Events { // newest first
		if e := &p.Detail.Events[i]; e.ApplicationID == a.ID {
			if models.CanUndo(&a, e) == nil {
				return e
			}
			return nil
		}
	}
	return nil
}

// invalidFor is invalid() for a field of one application's form.
func invalidFor(p AdminCandidateProps, a models.Application, action, field string) string {
	if p.Form.Action != action || p.Form.ApplicationID != a.ID {
		return "false"
	}
	return invalid(p.Errors, field)
}

// countLabel shows a queue count, "99+" past the cap.
func countLabel(n int) string { return models.QueueCountLabel(n) }

// queueDetail is the short line under a "needs you" item.
func queueDetail(k models.QueueKind, it models.QueueItem) string {
	switch k {
	case models.QueueOverdue:
		stage, keeper := models.OverdueDetail(it.Detail)
		switch keeper {
		case models.KeeperStopped:
			return "at " + models.StageName(stage) + ": automatic updates have stopped, the candidate is waiting for a person"
		case models.KeeperExtended:
			return "at " + models.StageName(stage) + ": the candidate was sent an automatic “still deciding” update"
		}
		return "at " + models.StageName(stage)
	case models.QueueOffersSentBack:
		return "“" + truncate(it.Detail, 140) + "”"
	case models.QueueOfferQuestions, models.QueueInterviewTimes, models.QueueDecisions:
		return "“" + truncate(it.Detail, 140) + "”"
	case models.QueueNameCorrections:
		return "asks to be named " + it.Detail
	case models.QueueCheckResults:
		return checkQueueDetail(it.Detail)
	}
	return truncate(it.Detail, 140)
}

// queueWhen says how long an item has waited, or how late it is.
func queueWhen(k models.QueueKind, it models.QueueItem, l Layout) string {
	if k == models.QueueOverdue && it.Due != nil {
		return "promised by " + PromisedShort(*it.Due, l)
	}
	if it.Since.IsZero() {
		return ""
	}
	return "since " + ShortDate(it.Since, l)
}

// queueMoreLink is where the whole of a long queue is listed, if anywhere.
func queueMoreLink(k models.QueueKind) string {
	switch k {
	case models.QueueOverdue:
		return "/admin/candidates?status=active&sort=expected"
	case models.QueueScorecards:
		return "/admin/interviews"
	}
	return ""
}

// truncate cuts s to n characters at most, ending with "…" when cut.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}

// staffSkippedStages are the stages of a the staff stepper marks as skipped:
// the detail's events are newest first and span all applications.
func staffSkippedStages(d *models.CandidateDetail, a models.Application) map[models.StageKey]bool {
	var events []models.StageEvent
	for i := len(d.Events) - 1; i >= 0; i-- {
		if d.Events[i].ApplicationID == a.ID {
			events = append(events, d.Events[i])
		}
	}
	return a.Position.Pipeline.SkippedStages(events)
}

// checkQueueDetail puts a check-results item (kind:status:notice) in words:
// "Background check, needs review: the candidate answered the notice".
func checkQueueDetail(detail string) string {
	parts := strings.SplitN(detail, ":", 3)
	if len(parts) != 3 {
		return detail
	}
	text := models.CheckKind(parts[0]).Label() + ", " + strings.ToLower(models.CheckStatus(parts[1]).Label())
	switch models.AdverseStatus(parts[2]) {
	case models.AdverseReplied:
		return text + ": the candidate answered the pre-decision notice"
	case models.AdverseNoticeSent:
		return text + ": the pre-decision notice's wait is over"
	}
	return text + ": decide whether to send a pre-decision notice"
}
