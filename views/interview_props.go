package views

import (
	"slices"
	"strconv"
	"time"

	"nextstep/models"
)

// RoundForm keeps the "schedule an interview" form as typed.
type RoundForm struct {
	Kind, Title, Duration, Location, VideoURL, Instructions string
	Panel, Shared                                           []int64
	Slots                                                   []string
	ConfirmSkip                                             bool // the stages the round's stage passes over are not needed
}

// Input converts the form for the store, which validates it.
func (f RoundForm) Input() models.RoundInput {
	return models.RoundInput{Kind: models.InterviewKind(f.Kind), Title: f.Title, Duration: f.Duration, Location: f.Location,
		VideoURL: f.VideoURL, Instructions: f.Instructions, PanelIDs: f.Panel, Slots: f.Slots, SharedSlots: f.Shared,
		ConfirmSkip: f.ConfirmSkip}
}

// SlotValue is the i-th time typed, or "".
func (f RoundForm) SlotValue(i int) string {
	if i < len(f.Slots) {
		return f.Slots[i]
	}
	return ""
}

// asksSkip reports whether the form shows the confirmation of the stages a
// round's stage passes over: once the store has asked for it.
func (p RoundNewProps) asksSkip() bool {
	_, asked := p.Errors["confirm_skip"]
	return asked || p.Form.ConfirmSkip
}

// RoundNewProps is the page that schedules an interview round.
type RoundNewProps struct {
	Layout
	Application *models.Application
	Staff       []models.StaffUser
	FreeSlots   []models.InterviewSlot
	Form        RoundForm
	Errors      map[string]string
}

// RoundActionForm keeps what was typed in one of the round page's forms.
type RoundActionForm struct {
	Action                string // times, reschedule, cancel, scorecard
	Slots                 []string
	StartsAt, Reason      string
	Recommendation, Notes string
	Ratings, RatingNotes  map[string]string // by criterion id
}

// RoundPageProps is the staff page of one interview round.
type RoundPageProps struct {
	Layout
	Page   *models.RoundPage
	Errors map[string]string
	Form   RoundActionForm
}

// rating is the rating to show checked for a criterion: as typed, else as saved.
func (p RoundPageProps) rating(c models.ScorecardCriterion) string {
	id := strconv.FormatInt(c.ID, 10)
	if p.Form.Action == "scorecard" {
		return p.Form.Ratings[id]
	}
	if p.Page.Mine != nil {
		if r, ok := p.Page.Mine.Ratings[c.ID]; ok {
			return strconv.Itoa(r.Rating)
		}
	}
	return ""
}

func (p RoundPageProps) ratingNote(c models.ScorecardCriterion) string {
	id := strconv.FormatInt(c.ID, 10)
	if p.Form.Action == "scorecard" {
		return p.Form.RatingNotes[id]
	}
	if p.Page.Mine != nil {
		return p.Page.Mine.Ratings[c.ID].Notes
	}
	return ""
}

func (p RoundPageProps) recommendation() string {
	if p.Form.Action == "scorecard" {
		return p.Form.Recommendation
	}
	if p.Page.Mine != nil {
		return string(p.Page.Mine.Recommendation)
	}
	return ""
}

func (p RoundPageProps) scorecardNotes() string {
	if p.Form.Action == "scorecard" {
		return p.Form.Notes
	}
	if p.Page.Mine != nil {
		return p.Page.Mine.Notes
	}
	return ""
}

// MyInterviewsProps is an interviewer's home.
type MyInterviewsProps struct {
	Layout
	Upcoming, NeedFeedback, Done []models.MyInterview
	Decisions                    []models.PendingDecision
	Errors                       map[string]string   // of the refused answer to consultation FormFor
	Form                         CandidateActionForm // that answer as typed
	FormFor                      int64
}

// ReviewProps is the side-by-side review of a position.
type ReviewProps struct {
	Layout
	Review     *models.Review
	References map[int64]models.ReferenceSummary // by application id; answered references only
}

// CandidateInterviewProps is the candidate's page of one interview.
type CandidateInterviewProps struct {
	Layout
	Application *models.CandidateApplication
	Round       *models.InterviewRound
	Problem     string // why the last action was refused
	Message     string // the "other times" message as typed
}

// SlotWhen is a slot's time for people, in the layout's zone with the zone named.
func SlotWhen(s models.InterviewSlot, l Layout) string {
	st := s.StartsAt.In(l.loc())
	return st.Format("Monday 2 January 2006, 15:04") + "–" + s.EndsAt.In(l.loc()).Format("15:04")
}

// SlotsZone names the zone of a list of times: with its abbreviation
// ("EST, America/New_York") when every time has the same one, else by its
// name alone ("America/New_York"), each time then carrying its own (a
// clock change falls between them; see slotAbbr).
func SlotsZone(slots []models.InterviewSlot, l Layout) string {
	if len(slots) == 0 || slotsCrossAClockChange(slots, l) {
		return l.loc().String()
	}
	return ZoneName(slots[0].StartsAt, l)
}

// slotAbbr is " (EDT)" after a time when the list crosses a clock change,
// else nothing.
func slotAbbr(slots []models.InterviewSlot, s models.InterviewSlot, l Layout) string {
	if !slotsCrossAClockChange(slots, l) {
		return ""
	}
	abbr, _ := s.StartsAt.In(l.loc()).Zone()
	return " (" + abbr + ")"
}

// slotsCrossAClockChange reports whether the zone's offset differs between
// the times of slots.
func slotsCrossAClockChange(slots []models.InterviewSlot, l Layout) bool {
	if len(slots) == 0 {
		return false
	}
	_, first := slots[0].StartsAt.In(l.loc()).Zone()
	for _, s := range slots[1:] {
		if _, off := s.StartsAt.In(l.loc()).Zone(); off != first {
			return true
		}
	}
	return false
}

// ZoneName is the page's zone as people read it at t.
func ZoneName(t time.Time, l Layout) string { return models.ZoneLabel(t, l.loc()) }

// RoundWhen is a round's booked time, or "" before one is chosen.
func RoundWhen(r models.InterviewRound, l Layout) string {
	return r.When(l.loc())
}

func containsID(ids []int64, id int64) bool { return slices.Contains(ids, id) }

// Average is a mean rating with one decimal, or "–".
func Average(m map[int64]float64, id int64) string {
	v, ok := m[id]
	if !ok {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// pendingResponse is actor's unanswered place in a consultation, if any.
func pendingResponse(d models.DecisionRequest, staffID int64) bool {
	for _, r := range d.Responses {
		if r.StaffID == staffID && r.Verdict == nil {
			return true
		}
	}
	return false
}
