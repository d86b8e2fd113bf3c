package views

import (
	"sort"
	"time"

	"nextstep/models"
)

// The staff candidate page's history, as sentences with people's names
// ("Rita Recruiter moved Farid Haddad from Additional interview to HR round").
// Every sentence is written here, from what GetCandidateDetail already loaded:
// the stage events and the promised-date changes.

// HistoryLine is one line of the staff candidate page's history.
type HistoryLine struct {
	At       time.Time
	Position string // the application's position title, when the candidate has several
	Sentence string
	Note     string // the internal note of a move, shown under the sentence
	Kind     string // what happened, for tests: move, skip, undo, flow, opened, status, promise
}

// StaffHistory is the candidate's history for staff, newest first.
func StaffHistory(d *models.CandidateDetail) []HistoryLine {
	titles := make(map[int64]string, len(d.Applications))
	for _, a := range d.Applications {
		titles[a.ID] = a.Position.Title
	}
	title := func(appID int64) string {
		if len(d.Applications) < 2 {
			return ""
		}
		return titles[appID]
	}
	name := d.Candidate.Name
	out := make([]HistoryLine, 0, len(d.Events)+len(d.DateChanges))
	for _, e := range d.Events {
		s, kind := EventSentence(e, name)
		out = append(out, HistoryLine{At: e.CreatedAt, Position: title(e.ApplicationID), Sentence: s, Note: e.Note, Kind: kind})
	}
	for _, c := range d.DateChanges {
		out = append(out, HistoryLine{At: c.CreatedAt, Position: title(c.ApplicationID), Sentence: DateChangeSentence(c, name), Kind: "promise"})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out
}

// EventSentence says what a stage event did, naming who did it and the
// candidate, and the kind of event it was.
func EventSentence(e models.StageEvent, candidate string) (string, string) {
	who := ""
	if e.Actor != nil {
		who = e.Actor.Name
	}
	to := models.StageName(e.ToStage)
	switch {
	case e.FromStage == nil:
		if who == "" {
			return candidate + "'s application opened at " + to, "opened"
		}
		return who + " added " + candidate + " at " + to, "opened"
	case *e.FromStage != e.ToStage:
		from := models.StageName(*e.FromStage)
		switch {
		case e.Kind == models.EventUndo:
			return byWhom(who) + " undid the move to " + from + ": " + candidate + " is back at " + to, "undo"
		case e.Kind == models.EventFlow || who == "":
			return candidate + " moved on from " + from + " to " + to + " automatically", "flow"
		case e.Kind == models.EventSkip:
			return who + " moved " + candidate + " from " + from + " to " + to + ", skipping the stages in between", "skip"
		}
		return who + " moved " + candidate + " from " + from + " to " + to, "move"
	}
	return statusSentence(who, candidate, e.ToStatus, to), "status"
}

// statusSentence says what a change of status did.
func statusSentence(who, candidate string, s models.Status, stage string) string {
	if who == "" && s == models.StatusWithdrawn {
		return candidate + " withdrew at " + stage
	}
	switch s {
	case models.StatusActive:
		return byWhom(who) + " reactivated " + candidate + "'s application at " + stage
	case models.StatusOnHold:
		return byWhom(who) + " put " + candidate + " on hold at " + stage
	case models.StatusRejected:
		return byWhom(who) + " rejected " + candidate + " at " + stage
	case models.StatusWithdrawn:
		return byWhom(who) + " marked " + candidate + " as withdrawn at " + stage
	case models.StatusHired:
		return byWhom(who) + " marked " + candidate + " as hired"
	}
	return byWhom(who) + " changed " + candidate + "'s status to " + s.Label()
}

// DateChangeSentence says who changed the promised update date, to when and why.
func DateChangeSentence(c models.PromisedDateChange, candidate string) string {
	when := c.To
	if t, err := time.Parse("2006-01-02", c.To); err == nil {
		when = t.Format("2 January 2006")
	}
	if c.Automatic {
		return "The promise keeper moved the promised date to " + when + " and told " + candidate + " we are still deciding."
	}
	who := ""
	if c.Actor != nil {
		who = c.Actor.Name
	}
	s := byWhom(who) + " set the promised date to " + when
	if c.Note != "" {
		return s + ": " + c.Note
	}
	return s + "."
}

// byWhom is who did something: a staff member, or the portal itself.
func byWhom(who string) string {
	if who == "" {
		return "Nextstep"
	}
	return who
}
