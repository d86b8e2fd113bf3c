package models

import (
	"fmt"
	"strings"
)

// A staff member moves an application one stage on with "next stage". Going
// further skips stages: that needs a confirmation and a reason, and the
// candidate sees the skipped stages as "not needed", never as done. The
// stages no move enters, and Hired's conditions, are in stageRules. A
// mistaken move is reversed with Undo, not by moving back.

// MoveRequest is a staff member's stage move.
type MoveRequest struct {
	To          StageKey
	Note        string // internal; the reason, when stages are skipped
	ConfirmSkip bool   // "yes, the stages in between were not needed"
}

// Next is the stage after from in the pipeline, if any.
func (p Pipeline) Next(from StageKey) (StageKey, bool) {
	i := p.Index(from)
	if i < 0 || i+1 >= len(p) {
		return "", false
	}
	return p[i+1], true
}

// Between lists the stages strictly between from and to (from before to).
func (p Pipeline) Between(from, to StageKey) []StageKey {
	fi, ti := p.Index(from), p.Index(to)
	if fi < 0 || ti <= fi+1 {
		return nil
	}
	return append([]StageKey(nil), p[fi+1:ti]...)
}

// CanMove is the rule for a staff member's stage move; contractSigned says
// whether the application has a contract signed by both parties (the way to
// Hired when the pipeline has no onboarding stage).
func (p Pipeline) CanMove(status Status, from StageKey, m MoveRequest, contractSigned bool) error {
	if status != StatusActive {
		return Invalid("to_stage", fmt.Sprintf("This application is %s; reactivate it before moving it to another stage.", strings.ToLower(status.Label())))
	}
	to := m.To
	fi, ti := p.Index(from), p.Index(to)
	switch {
	case ti < 0:
		return Invalid("to_stage", fmt.Sprintf("%s is not part of this position's pipeline.", StageName(to)))
	case ti == fi:
		return Invalid("to_stage", fmt.Sprintf("The application is already in %s.", StageName(to)))
	case fi >= 0 && ti < fi:
		return Invalid("to_stage", "Stages are not moved backwards. If the last move was a mistake, use \"Undo last move\".")
	}
	if FlowOnly(to) {
		return Invalid("to_stage", StageHint(to))
	}
	if StageEntryOf(to) == EntryByHire {
		if err := p.canHire(from, contractSigned); err != nil {
			return err
		}
	} else if FlowOnly(from) && fi >= 0 {
		return Invalid("to_stage", "This application follows its "+strings.ToLower(StageName(from))+" now. "+StageHint(from))
	}
	skipped := p.Between(from, to)
	for _, k := range skipped {
		if FlowOnly(k) {
			return Invalid("to_stage", fmt.Sprintf("%s cannot be skipped. %s", StageName(k), StageHint(k)))
		}
	}
	if len(skipped) > 0 && fi >= 0 {
		names := make([]string, len(skipped))
		for i, k := range skipped {
			names[i] = StageName(k)
		}
		var errs Problems
		if !m.ConfirmSkip {
			errs.Add("confirm_skip", fmt.Sprintf("Moving to %s skips %s. Tick the box to confirm they are not needed.", StageName(to), strings.Join(names, ", ")))
		}
		if len([]rune(strings.TrimSpace(m.Note))) < 3 {
			errs.Add("note", "Give the reason for skipping stages (it stays internal).")
		}
		return errs.Err()
	}
	return nil
}

// MoveChoice is a stage a staff member may choose, with what choosing it skips.
type MoveChoice struct {
	To      StageKey
	Skipped []StageKey
}

// MoveChoices lists the stages a staff member may move to from the current
// one: the next stage first, then those that skip stages.
func (p Pipeline) MoveChoices(status Status, from StageKey, contractSigned bool) []MoveChoice {
	var out []MoveChoice
	for _, k := range p {
		if p.CanMove(status, from, MoveRequest{To: k, Note: "confirm", ConfirmSkip: true}, contractSigned) == nil {
			out = append(out, MoveChoice{To: k, Skipped: p.Between(from, k)})
		}
	}
	return out
}

// SkippedStages are the stages the application passed over (a skip, a flow
// such as an offer sent from an earlier stage, or being opened at a later
// stage) and has not entered since: the candidate sees them as "not needed".
// events are in the order they happened.
func (p Pipeline) SkippedStages(events []StageEvent) map[StageKey]bool {
	out := map[StageKey]bool{}
	for _, e := range events {
		switch {
		case e.Kind == EventOpened || e.FromStage == nil:
			if i := p.Index(e.ToStage); i > 0 {
				for _, k := range p[:i] {
					out[k] = true
				}
			}
		case e.Kind == EventSkip || e.Kind == EventFlow:
			for _, k := range p.Between(*e.FromStage, e.ToStage) {
				out[k] = true
			}
		}
		delete(out, e.ToStage)
	}
	return out
}
