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
	Zone    string            // the zone the candidate chose or their browser told us; "" for none yet
	Errors  map[string]string // of the refused time zone
	// Erasure is the candidate's latest request to erase their data, nil for none.
	Erasure *models.ErasureRequest
	// Retention is when their data will be deleted, once every application
	// has closed (nil before); RetentionPeriod is how long it is kept.
	Retention       *models.RetentionCandidate
	RetentionPeriod models.RetentionPeriod
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

// zoneNow is the page zone's abbreviation in force now, " (GMT now)", or
// nothing when the zone is UTC (its name says it all).
func zoneNow(l Layout) string {
	loc := l.loc()
	if loc == time.UTC || loc.String() == "UTC" {
		return ""
	}
	abbr, _ := l.Now.In(loc).Zone()
	return " (" + abbr + " now)"
}

// candidateZoneChoice is the zone the account page's select shows chosen:
// the candidate's own, else the portal's.
func candidateZoneChoice(p CandidateAccountProps) string {
	if p.Zone != "" {
		return p.Zone
	}
	return p.portal().String()
}

// staffZoneChoices are the staff account page's zones after its first
// option, the portal's.
func staffZoneChoices(current string) []string { return models.ZoneChoicesWith(current) }
