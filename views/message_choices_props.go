package views

import (
	"time"

	"nextstep/models"
)

// CandidateAccountProps is the candidate's account page: the emails they
// choose to get, and the time zone their times are shown in.
type CandidateAccountProps struct {
	Layout
	Email   string // where we write to them
	Choices models.EmailChoices
}

// UnsubscribeProps is an unsubscribe link's page: before the button is
// pressed (Done false), and after (Done true).
type UnsubscribeProps struct {
	Layout
	Token  string
	Choice models.MessageChoice
	Done   bool
}

// choiceField is the form field of a category on the account page.
func choiceField(c models.MessageChoice) string { return string(c) }

// zoneNow is the portal zone's abbreviation in force now, " (GMT now)", or
// nothing when the zone is UTC (its name says it all).
func zoneNow(l Layout) string {
	if l.Loc == nil || l.Loc == time.UTC || l.Loc.String() == "UTC" {
		return ""
	}
	abbr, _ := l.Now.In(l.Loc).Zone()
	return " (" + abbr + " now)"
}
