package models

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Recommendation is an interviewer's overall verdict.
type Recommendation string

// Recommendations, from the most negative.
const (
	RecommendStrongNo  Recommendation = "strong_no"
	RecommendNo        Recommendation = "no"
	RecommendYes       Recommendation = "yes"
	RecommendStrongYes Recommendation = "strong_yes"
)

// Recommendations lists them in display order.
func Recommendations() []Recommendation {
	return []Recommendation{RecommendStrongNo, RecommendNo, RecommendYes, RecommendStrongYes}
}

// Label is the recommendation in words.
func (r Recommendation) Label() string {
	switch r {
	case RecommendStrongNo:
		return "Strong no"
	case RecommendNo:
		return "No"
	case RecommendYes:
		return "Yes"
	case RecommendStrongYes:
		return "Strong yes"
	}
	return string(r)
}

// RatingLabels names the points of the 1–4 scale.
var ratingLabels = [5]string{"", "1 – Well below the bar", "2 – Below the bar", "3 – Meets the bar", "4 – Above the bar"}

// RatingLabel is rating n (1–4) in words.
func RatingLabel(n int) string {
	if n < 1 || n > 4 {
		return ""
	}
	return ratingLabels[n]
}

// DefaultCriteria are given to a position created without its own.
func DefaultCriteria() []string {
	return []string{"Skills for the role", "Communication", "Values and teamwork"}
}

// ScorecardCriterion is one thing interviewers rate for a position.
type ScorecardCriterion struct {
	ID         int64
	PositionID int64
	Name       string
	SortOrder  int
	Retired    bool
}

// TableName binds the struct to its table.
func (ScorecardCriterion) TableName() string { return "scorecard_criteria" }

// ParseCriteria reads the criteria box of the position form: one per line.
func ParseCriteria(text string) ([]string, error) {
	var out []string
	for _, line := range strings.Split(NormalizeNewlines(text), "\n") {
		name := strings.TrimSpace(line)
		if name == "" {
			continue
		}
		if err := tooLong(name, limits.Criterion.as("criteria", fmt.Sprintf("The criterion %q is", truncate(name, 40)))); err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, name) }) {
			return nil, Invalid("criteria", fmt.Sprintf("%q is listed twice.", name))
		}
		out = append(out, name)
	}
	if len(out) > 12 {
		return nil, Invalid("criteria", "List at most 12 criteria: a scorecard longer than that rarely gets filled in well.")
	}
	return out, nil
}

// Scorecard is one interviewer's evaluation of one round.
type Scorecard struct {
	ID             int64
	RoundID        int64
	InterviewerID  int64
	Recommendation Recommendation
	Notes          string
	SubmittedAt    time.Time
	UpdatedAt      time.Time
}

// TableName binds the struct to its table.
func (Scorecard) TableName() string { return "scorecards" }

// ScorecardRating is one criterion's rating on a scorecard.
type ScorecardRating struct {
	ScorecardID int64
	CriterionID int64
	Rating      int
	Notes       string
}

// TableName binds the struct to its table.
func (ScorecardRating) TableName() string { return "scorecard_ratings" }

// ScorecardRecord is a scorecard with its author and ratings, as pages show it.
type ScorecardRecord struct {
	Scorecard
	Interviewer string
	Ratings     map[int64]ScorecardRating `gorm:"-"` // by criterion id
}

// ScorecardInput is the scorecard form: a rating and a note per criterion.
type ScorecardInput struct {
	Recommendation Recommendation
	Notes          string
	Ratings        map[int64]string // criterion id → "1".."4" as sent
	RatingNotes    map[int64]string
}

// parse checks the form against the position's criteria: every criterion
// rated 1–4, a recommendation chosen.
func (in ScorecardInput) parse(criteria []ScorecardCriterion) ([]ScorecardRating, error) {
	var errs Problems
	if !slices.Contains(Recommendations(), in.Recommendation) {
		errs.Add("recommendation", "Choose your overall recommendation.")
	}
	errs.checkLength(in.Notes, limits.ScorecardNotes)
	var out []ScorecardRating
	for _, c := range criteria {
		key := "rating_" + strconv.FormatInt(c.ID, 10)
		n, err := strconv.Atoi(strings.TrimSpace(in.Ratings[c.ID]))
		if err != nil || n < 1 || n > 4 {
			errs.Add(key, fmt.Sprintf("Rate %s from 1 to 4.", c.Name))
			continue
		}
		note := strings.TrimSpace(in.RatingNotes[c.ID])
		if errs.checkLength(note, limits.RatingNote.as(key, "The note on "+c.Name+" is")); errs.Has(key) {
			continue
		}
		out = append(out, ScorecardRating{CriterionID: c.ID, Rating: n, Notes: note})
	}
	return out, errs.Err()
}

// ScorecardsOpen is the "editable until the decision" rule: scorecards can be
// written and changed while the application is live and has not reached the
// offer (the closing stages); once it has, or has closed, they are the
// record of the decision.
func ScorecardsOpen(app *Application) bool {
	return !app.Status.Closed() && !IsClosingStage(app.Stage)
}

// CanWriteScorecard is the rule for writing or changing a scorecard on a
// round at now: the round has a booked time, the interview has started (a
// scorecard judges an interview that took place), and the application is
// still open to evaluation (ScorecardsOpen).
func CanWriteScorecard(r *InterviewRound, app *Application, now time.Time, loc *time.Location) error {
	if r.Status != RoundScheduled || r.StartsAt == nil {
		return Invalid("", "Scorecards are written for a scheduled interview; this one is "+strings.ToLower(r.Status.Label())+".")
	}
	if !ScorecardsOpen(app) {
		return Invalid("", "The hiring decision has been made, so scorecards can no longer change.")
	}
	if now.Before(*r.StartsAt) {
		return Invalid("", scorecardOpensSentence(*r.StartsAt, now, loc))
	}
	return nil
}

// scorecardOpensSentence says when a round's scorecard opens, in loc: "The
// scorecard opens when the interview starts at 14:00 (UTC)." on the day
// itself, with the date on any other.
func scorecardOpensSentence(start, now time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	st, today := start.In(loc), now.In(loc)
	at := st.Format("15:04") + " (" + ZoneLabel(st, loc) + ")"
	if st.Year() == today.Year() && st.YearDay() == today.YearDay() {
		return "The scorecard opens when the interview starts at " + at + "."
	}
	return "The scorecard opens when the interview starts, on " + st.Format("Monday 2 January") + " at " + at + "."
}

// CanReadScorecards is the blind-feedback rule for one round: recruiters,
// admins and the position's hiring manager read every scorecard; a panelist
// reads the others' only once their own is in; nobody else reads any.
func CanReadScorecards(actor Actor, managesPosition, onPanel, submittedOwn bool) bool {
	switch {
	case actor.Role.SeesAllCandidates(), managesPosition:
		return true
	case onPanel:
		return submittedOwn
	}
	return false
}
