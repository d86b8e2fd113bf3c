package models

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestStageRulesCoverEveryStage(t *testing.T) {
	for _, st := range catalogue {
		r, ok := stageRules[st.Key]
		if !ok || r.entry == "" {
			t.Errorf("%s has no rule of entry", st.Key)
			continue
		}
		if r.entry == EntryByMove {
			if r.hint != "" || r.boardColumn != "" || r.boardRefusal != "" || r.boardCard != "" || r.cause != "" {
				t.Errorf("%s is entered by a move but its rule has flow words: %+v", st.Key, r)
			}
			continue
		}
		if r.hint == "" || r.boardColumn == "" || r.boardRefusal == "" {
			t.Errorf("%s is not entered by a move but misses a hint: %+v", st.Key, r)
		}
		if r.entry == EntryByFlow {
			if r.boardCard == "" {
				t.Errorf("%s: a card there has no hint on the board", st.Key)
			}
			if to, _, ok := flowTarget(r.cause); !ok || to != st.Key {
				t.Errorf("%s: its flow %q enters %q", st.Key, r.cause, to)
			}
		}
	}
	for _, k := range DefaultPipeline() {
		if _, ok := stageRules[k]; !ok {
			t.Errorf("%s, of the default pipeline, has no rule of entry", k)
		}
	}
	for k := range stageRules {
		if _, ok := LookupStage(k); !ok {
			t.Errorf("stageRules has %q, which is not in the catalogue", k)
		}
	}
	var hires []StageKey
	for _, st := range catalogue {
		if StageEntryOf(st.Key) == EntryByHire {
			hires = append(hires, st.Key)
		}
	}
	if !slices.Equal(hires, []StageKey{StageHired}) {
		t.Errorf("stages entered by the hire: %v, want only Hired", hires)
	}
	for _, cause := range []TransitionCause{CauseOfferSent, CauseContractSent, CauseContractSigned} {
		if _, _, ok := flowTarget(cause); !ok {
			t.Errorf("the flow %q enters no stage", cause)
		}
	}
}

// The move form refuses exactly the flow-only stages; the board and a bulk
// move refuse exactly the stages no move enters (the flow-only ones and
// Hired), each with the table's words.
func TestBoardBulkAndMoveRefuseExactlyWhatTheTableSays(t *testing.T) {
	var all Pipeline
	for _, st := range catalogue {
		all = append(all, st.Key)
	}
	for i := 1; i < len(all); i++ {
		from, to := all[i-1], all[i]
		err := all.CanMove(StatusActive, from, MoveRequest{To: to}, true)
		if (err != nil) != FlowOnly(to) {
			t.Errorf("move form %s → %s: %v, want refused=%v", from, to, err, FlowOnly(to))
		}
		if FlowOnly(to) && FieldErrors(err)["to_stage"] != StageHint(to) {
			t.Errorf("move form to %s says %q, want the table's hint", to, FieldErrors(err)["to_stage"])
		}
		onBoard := slices.ContainsFunc(all.BoardMoves(StatusActive, from), func(m MoveChoice) bool { return m.To == to })
		if onBoard != EnteredByMove(to) {
			t.Errorf("board %s → %s offered=%v, want %v", from, to, onBoard, EnteredByMove(to))
		}
		if err := boardRefusal(to); (err != nil) == EnteredByMove(to) ||
			err != nil && !strings.Contains(FieldErrors(err)["to_stage"], stageRules[to].boardRefusal) {
			t.Errorf("board move to %s: %v", to, err)
		}
		app := &Application{Position: &Position{Pipeline: all}, Stage: from, Status: StatusActive}
		next, err := bulkNextStage(app)
		if (err != nil) == EnteredByMove(to) || err == nil && next != to {
			t.Errorf("bulk move %s → %s: %s, %v; want refused=%v", from, to, next, err, !EnteredByMove(to))
		}
	}
}

func TestClosingStagesAreThoseNoMoveEnters(t *testing.T) {
	want := []StageKey{StageOffer, StageContract, StageOnboarding, StageHired}
	if got := ClosingStages(); !slices.Equal(got, want) {
		t.Errorf("ClosingStages() = %v, want %v", got, want)
	}
	if closingRule != "Offer, Contract, Onboarding and Hired end the pipeline, in that order." {
		t.Errorf("closingRule = %q", closingRule)
	}
	for _, st := range catalogue {
		if IsClosingStage(st.Key) == EnteredByMove(st.Key) {
			t.Errorf("%s: closing=%v, entered by a move=%v", st.Key, IsClosingStage(st.Key), EnteredByMove(st.Key))
		}
	}
}

func TestOfferPreparedFromTheFinalDecision(t *testing.T) {
	full := Pipeline{StageInterviewCompleted, StageFinalDecision, StageOffer, StageContract, StageHired}
	short := Pipeline{StageInterviewCompleted, StageHRRound, StageOffer, StageHired}
	for _, tt := range []struct {
		p    Pipeline
		at   StageKey
		want bool
	}{
		{full, StageInterviewCompleted, false}, {full, StageFinalDecision, true}, {full, StageContract, true},
		{short, StageHRRound, false}, {short, StageOffer, true}, {short, StageHired, true},
		{Pipeline{StageInterviewCompleted}, StageInterviewCompleted, false},
	} {
		if got := tt.p.OfferPrepared(tt.at); got != tt.want {
			t.Errorf("%v.OfferPrepared(%s) = %v, want %v", tt.p, tt.at, got, tt.want)
		}
	}
}

// stageKeyMentions are the stages stageRules describes, as Go names them.
var stageKeyMentions = regexp.MustCompile(`\bStage(Offer|Contract|Onboarding|Hired)\b`)

// stageKeyAllowed are the files that may name the closing stages, and why:
// none of them decides how a stage is entered.
var stageKeyAllowed = map[string]string{
	"models/stage.go":          "the catalogue, and the status Hired gives (StatusAfterMove)",
	"models/stage_rules.go":    "the table itself",
	"models/candidate.go":      "the candidate's advice at each stage (WhatToDoNow)",
	"models/seed.go":           "the demo data",
	"models/decision.go":       "the decision gate: an application past the offer needs no new decision",
	"models/position_close.go": "applications before the offer close with their position",
	"views/board.templ":        "the Hired column links to the hired candidates, who leave the board",
	"views/board_templ.go":     "generated from board.templ",
}

// TestStageRulesAreDefinedOnce scans the sources: only stageRules' file
// holds its sentences, and only the files above name the closing stages,
// so no other file can hold its own copy of how a stage is entered.
func TestStageRulesAreDefinedOnce(t *testing.T) {
	var sentences []string
	for _, r := range stageRules {
		for _, s := range []string{r.hint, r.boardColumn, r.boardRefusal, r.boardCard} {
			if s != "" {
				sentences = append(sentences, s)
			}
		}
	}
	sentences = append(sentences, "is reached only through its own steps", "is not reached by a move on the board")
	files := sourceFiles(t)
	for _, name := range sortedNames(files) {
		src := files[name]
		if name == "models/stage_rules.go" {
			continue
		}
		for _, s := range sentences {
			if strings.Contains(src, s) {
				t.Errorf("%s repeats the stage rules' words %q", name, s)
			}
		}
		if _, ok := stageKeyAllowed[name]; !ok && stageKeyMentions.MatchString(src) {
			t.Errorf("%s names a closing stage (%s): its rule belongs in stageRules", name, stageKeyMentions.FindString(src))
		}
	}
	for name := range stageKeyAllowed {
		if !stageKeyMentions.MatchString(files[name]) {
			t.Errorf("stageKeyAllowed lists %s, which names no closing stage (any more)", name)
		}
	}
}
