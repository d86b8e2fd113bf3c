package models

import (
	"fmt"
	"slices"
	"strings"
)

// stageRules is the one table of how each stage is entered, and of what
// staff are told about the stages no move enters. Every rule about them
// reads it: the move form (CanMove), the board (BoardMoves, BoardMove), the
// bulk move (bulkNextStage), the flows (PlanTransition), the stages an
// application may be opened at (BeforeOffer), the pipeline editor (the
// closing stages) and the staff pages (the hints below).
//
// A stage is entered in one of three ways:
//   - by a move (EntryByMove): the move form on the candidate's page, a bulk
//     move or the board;
//   - only through its own flow (EntryByFlow): the offer stage when an offer
//     is sent, the contract stage when the contract is sent, onboarding when
//     the contract is signed by both parties; no move enters it, and an
//     application there follows its flow until the next one;
//   - Hired (EntryByHire): by the move form on the candidate's page, after
//     onboarding, or after a contract signed by both parties when the
//     pipeline has no onboarding stage (canHire); never from the board or in
//     bulk.
//
// The stages not entered by a move end every pipeline, in the catalogue's
// order (the closing stages of the pipeline editor).
var stageRules = map[StageKey]stageRule{
	StageInterviewCompleted:    {entry: EntryByMove},
	StageAdditionalInterview:   {entry: EntryByMove},
	StageAssessmentDay:         {entry: EntryByMove},
	StageCommercialNegotiation: {entry: EntryByMove},
	StageHRRound:               {entry: EntryByMove},
	StageReferenceChecks:       {entry: EntryByMove},
	StageBackgroundCheck:       {entry: EntryByMove},
	StageMedical:               {entry: EntryByMove},
	StageFinalDecision:         {entry: EntryByMove},
	StageOffer: {entry: EntryByFlow, cause: CauseOfferSent, preparedFrom: StageFinalDecision,
		hint:         "The offer stage opens when an offer is sent to the candidate, from the Offer section below.",
		boardColumn:  "Opens when an offer is sent, from the candidate's page.",
		boardRefusal: "it opens when an offer is sent, from the candidate's page.",
		boardCard:    "Follows its offer: continue on the candidate's page."},
	StageContract: {entry: EntryByFlow, cause: CauseContractSent, from: StageOffer,
		hint:         "The contract stage opens when the contract is sent to the candidate, after they accept the offer.",
		boardColumn:  "Opens when the contract is sent, after the candidate accepts the offer.",
		boardRefusal: "it opens when the contract is sent to the candidate, after they accept the offer.",
		boardCard:    "Follows its contract: continue on the candidate's page."},
	StageOnboarding: {entry: EntryByFlow, cause: CauseContractSigned, from: StageContract,
		hint:         "Onboarding opens when the contract is signed by both parties.",
		boardColumn:  "Opens when the contract is signed by both parties.",
		boardRefusal: "it opens when the contract is signed by both parties.",
		boardCard:    "Record the hire on the candidate's page."},
	StageHired: {entry: EntryByHire,
		hint:         "Hired follows onboarding or a contract signed by both parties.",
		boardColumn:  "The hire is recorded on the candidate's page; hired candidates leave the board.",
		boardRefusal: "record the hire from the candidate's page."},
}

// StageEntry is how an application enters a stage (see stageRules).
type StageEntry string

// The ways into a stage.
const (
	EntryByMove StageEntry = "move" // a staff move: the move form, a bulk move, the board
	EntryByFlow StageEntry = "flow" // only its own flow: an offer sent, a contract sent, a contract signed
	EntryByHire StageEntry = "hire" // the move form, once onboarding is reached or the contract signed
)

// stageRule is one row of stageRules.
type stageRule struct {
	entry StageEntry
	// EntryByFlow: the flow that enters the stage, and the stage it must
	// start from (empty: any stage before).
	cause TransitionCause
	from  StageKey
	// preparedFrom is where staff start preparing the flow (the offer, from
	// the final decision on); empty: from the stage itself.
	preparedFrom StageKey
	// What staff are told about a stage no move enters: on the candidate's
	// page (the move form's refusal), on the board (the column's hint, the
	// refusal of a move to it, and why a card there has no move form).
	hint, boardColumn, boardRefusal, boardCard string
}

// StageEntryOf is how an application enters stage k ("" for an unknown stage).
func StageEntryOf(k StageKey) StageEntry { return stageRules[k].entry }

// EnteredByMove reports whether k is entered by a staff move, from the move
// form, a bulk move or the board alike.
func EnteredByMove(k StageKey) bool { return StageEntryOf(k) == EntryByMove }

// FlowOnly reports whether k is entered only through its own flow.
func FlowOnly(k StageKey) bool { return StageEntryOf(k) == EntryByFlow }

// StageHint says, in the words of the candidate's page, how a stage no move
// enters is reached ("" for a stage entered by a move).
func StageHint(k StageKey) string { return stageRules[k].hint }

// BoardColumnHint says how the board's column of a stage no move enters
// fills ("" for a stage entered by a move).
func BoardColumnHint(k StageKey) string { return stageRules[k].boardColumn }

// BoardCardHint says why a card at stage k has no move on the board and
// where to go instead ("" when the stage says nothing particular).
func BoardCardHint(k StageKey) string { return stageRules[k].boardCard }

// boardRefusal refuses a move on the board to a stage no move on the board
// enters; nil for the others.
func boardRefusal(to StageKey) error {
	if EnteredByMove(to) {
		return nil
	}
	return Invalid("to_stage", fmt.Sprintf("%s is not reached by a move on the board: %s", StageName(to), stageRules[to].boardRefusal))
}

// bulkRefusal refuses a bulk move to a stage no move in bulk enters: those
// are reached one candidate at a time, on the candidate's page. nil for the
// others.
func bulkRefusal(next StageKey) error {
	if EnteredByMove(next) {
		return nil
	}
	return Invalid("to_stage", fmt.Sprintf("Its next stage, %s, is reached only through its own steps on the candidate's page.", StageName(next)))
}

// flowTarget is the stage a flow enters, and the stage it must start from
// (empty: any stage before).
func flowTarget(cause TransitionCause) (to, from StageKey, ok bool) {
	for k, r := range stageRules {
		if r.entry == EntryByFlow && r.cause == cause {
			return k, r.from, true
		}
	}
	return "", "", false
}

// closingStages are the stages no move enters, in the catalogue's order:
// they end every pipeline that has them, in this order.
var closingStages = func() []StageKey {
	var out []StageKey
	for _, st := range catalogue {
		if !EnteredByMove(st.Key) {
			out = append(out, st.Key)
		}
	}
	return out
}()

// ClosingStages lists the stages that end a pipeline, in their fixed order.
func ClosingStages() []StageKey { return slices.Clone(closingStages) }

// IsClosingStage reports whether k is one of the stages that end a pipeline
// in a fixed order (those no move enters).
func IsClosingStage(k StageKey) bool { return slices.Contains(closingStages, k) }

// closingRule names the closing stages in their order.
var closingRule = func() string {
	names := make([]string, len(closingStages))
	for i, k := range closingStages {
		names[i] = StageName(k)
	}
	last := len(names) - 1
	return fmt.Sprintf("%s and %s end the pipeline, in that order.", strings.Join(names[:last], ", "), names[last])
}()

// closingStart is the index in p of its first closing stage, or len(p).
func (p Pipeline) closingStart() int {
	for i, k := range p {
		if IsClosingStage(k) {
			return i
		}
	}
	return len(p)
}

// OfferPrepared reports whether an application at stage at is where staff
// prepare its offer: the stage the offer's flow is prepared from (the final
// decision) or later, or the offer stage and later when the pipeline has no
// such stage.
func (p Pipeline) OfferPrepared(at StageKey) bool {
	offer, _, _ := flowTarget(CauseOfferSent)
	start := p.Index(stageRules[offer].preparedFrom)
	if start < 0 {
		start = p.Index(offer)
	}
	return start >= 0 && p.Index(at) >= start
}

// OfferMade reports whether an application at stage at has been sent an
// offer: it stands at the stage the offer's flow enters, or later (a referee
// who may be contacted "only after an offer" may be asked from then on).
func (p Pipeline) OfferMade(at StageKey) bool {
	offer, _, _ := flowTarget(CauseOfferSent)
	i := p.Index(offer)
	return i >= 0 && p.Index(at) >= i
}

// Onboarding reports whether the application is a new starter working
// through their checklist: active, at the stage a contract signed by both
// sides leads to.
func (a Application) Onboarding() bool {
	to, _, _ := flowTarget(CauseContractSigned)
	return a.Stage == to && a.Status == StatusActive
}

// canHire: Hired comes after onboarding, or after a contract signed by both
// parties when the pipeline has no onboarding stage.
func (p Pipeline) canHire(from StageKey, contractSigned bool) error {
	switch {
	case from == StageOnboarding:
		return nil
	case p.Index(StageOnboarding) >= 0:
		return Invalid("to_stage", "Hired comes after onboarding: the application reaches onboarding when the contract is signed by both parties.")
	case p.Index(StageContract) >= 0 && !(from == StageContract && contractSigned):
		return Invalid("to_stage", "Hired comes after the contract is signed by both parties.")
	}
	return nil
}
