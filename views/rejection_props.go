package views

import (
	"strconv"
	"strings"

	"nextstep/models"
)

// rejectionWordingValue is the wording the reject form shows chosen: the
// one typed when the form comes back, else the default for a's stage.
func rejectionWordingValue(f CandidateActionForm, a models.Application, kept bool) models.MessageKind {
	if kept && f.Wording != "" {
		return f.Wording
	}
	return models.DefaultRejectionWording(a.Stage)
}

// SendTimeField is the reject forms' one "Send the message" choice, as
// shown: its ids' prefix, the choice and days as posted (when kept), the
// field errors, and whether "held until the position is filled" is offered.
type SendTimeField struct {
	ID      string // "send-12" on an application's form, "bulk-send" on bulk reject
	Send    string // as posted: now, later or held
	Days    string // as typed, for a later send
	Kept    bool   // the form comes back after a refusal or a preview
	Errors  map[string]string
	HeldToo bool
	Bulk    bool // the messages of several candidates
}

// chosen: v is the send time shown chosen: as posted when kept, else Now.
func (f SendTimeField) chosen(v models.SendTime) bool {
	if f.Kept && (f.Send == string(models.SendLater) || f.Send == string(models.SendHeld)) {
		return f.Send == string(v)
	}
	return v == models.SendNow
}

// errs are the errors this field shows: only a kept form's.
func (f SendTimeField) errs() map[string]string {
	if !f.Kept {
		return nil
	}
	return f.Errors
}

// keptDays is the reject form's days for a later send as typed, when kept.
func keptDays(f CandidateActionForm, kept bool) string {
	if kept {
		return f.SendInDays
	}
	return ""
}

// CloseChoiceValue is a close page option's value: the choice, and the
// wording or the position it names ("wording:rejection_after_interview",
// "move:12"); the handler reads it back with ParseCloseChoice.
func CloseChoiceValue(c models.CloseChoice, arg string) string {
	if arg == "" {
		return string(c)
	}
	return string(c) + ":" + arg
}

// ParseCloseChoice reads a close page option's value.
func ParseCloseChoice(v string) models.CloseDecision {
	choice, arg, _ := strings.Cut(v, ":")
	d := models.CloseDecision{Choice: models.CloseChoice(choice)}
	switch d.Choice {
	case models.CloseWording:
		d.Wording = models.MessageKind(arg)
	case models.CloseMove:
		d.MoveTo, _ = strconv.ParseInt(arg, 10, 64)
	}
	return d
}

// closeChoiceChosen is a's choice as posted, or the standard close.
func closeChoiceChosen(p PositionCloseProps, a models.OpenApplication) string {
	if v, ok := p.Choices[a.ID]; ok {
		return v
	}
	return CloseChoiceValue(models.CloseStandard, "")
}

// hiresInProgress are the applications whose offer is accepted and whose
// contract is not yet signed by both parties.
func hiresInProgress(apps []models.OpenApplication) []models.OpenApplication {
	var out []models.OpenApplication
	for _, a := range apps {
		if a.HireInProgress {
			out = append(out, a)
		}
	}
	return out
}

// undecidedOffers are the applications whose offer is not yet accepted.
func undecidedOffers(apps []models.OpenApplication) []models.OpenApplication {
	var out []models.OpenApplication
	for _, a := range apps {
		if a.Undecided {
			out = append(out, a)
		}
	}
	return out
}
