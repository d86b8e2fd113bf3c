package models

import (
	"strings"
	"testing"
	"time"
)

// salesFull has every kind of stage: ordinary ones, the two flow stages,
// onboarding and hired.
var salesFull = Pipeline{StageInterviewCompleted, StageAdditionalInterview, StageAssessmentDay, StageHRRound,
	StageFinalDecision, StageOffer, StageContract, StageOnboarding, StageHired}

func TestCanMoveEveryPair(t *testing.T) {
	// With a confirmed, explained skip: forward only; never into or out of
	// the offer and contract stages by hand; Hired only from onboarding.
	flow := map[StageKey]bool{StageOffer: true, StageContract: true}
	for fi, from := range salesFull {
		for ti, to := range salesFull {
			err := salesFull.CanMove(StatusActive, from, MoveRequest{To: to, Note: "not needed", ConfirmSkip: true}, true)
			crossesFlow := false
			for _, k := range salesFull.Between(from, to) {
				crossesFlow = crossesFlow || flow[k]
			}
			want := ti > fi && !flow[to] && !flow[from] && !crossesFlow && (to != StageHired || from == StageOnboarding)
			if (err == nil) != want {
				t.Errorf("CanMove(%s → %s) = %v, want allowed=%v", from, to, err, want)
			}
		}
	}
}

func TestCanMoveRefusals(t *testing.T) {
	next := MoveRequest{To: StageAssessmentDay}
	tests := []struct {
		name   string
		status Status
		from   StageKey
		m      MoveRequest
		field  string
		want   string
	}{
		{"not in pipeline", StatusActive, StageInterviewCompleted, MoveRequest{To: StageBackgroundCheck}, "to_stage", "not part of this position's pipeline"},
		{"backwards", StatusActive, StageHRRound, MoveRequest{To: StageAdditionalInterview}, "to_stage", "Undo last move"},
		{"same stage", StatusActive, StageHRRound, MoveRequest{To: StageHRRound}, "to_stage", "already in"},
		{"on hold", StatusOnHold, StageAdditionalInterview, next, "to_stage", "reactivate it"},
		{"rejected", StatusRejected, StageAdditionalInterview, next, "to_stage", "reactivate it"},
		{"into the offer by hand", StatusActive, StageFinalDecision, MoveRequest{To: StageOffer}, "to_stage", "when an offer is sent"},
		{"into the contract by hand", StatusActive, StageFinalDecision, MoveRequest{To: StageContract, ConfirmSkip: true, Note: "x y z"}, "to_stage", "contract is sent"},
		{"hired from an interview", StatusActive, StageAdditionalInterview, MoveRequest{To: StageHired, ConfirmSkip: true, Note: "x y z"}, "to_stage", "after onboarding"},
		{"skip without confirmation", StatusActive, StageInterviewCompleted, MoveRequest{To: StageHRRound, Note: "not needed"}, "confirm_skip", "skips Additional interview, Assessment day"},
		{"skip without reason", StatusActive, StageInterviewCompleted, MoveRequest{To: StageHRRound, ConfirmSkip: true}, "note", "reason for skipping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := salesFull.CanMove(tt.status, tt.from, tt.m, false)
			if err == nil {
				t.Fatal("move allowed; want refused")
			}
			if msg := FieldErrors(err)[tt.field]; !strings.Contains(msg, tt.want) {
				t.Fatalf("%s message %q does not contain %q (all: %v)", tt.field, msg, tt.want, FieldErrors(err))
			}
		})
	}
	if err := salesFull.CanMove(StatusActive, StageAdditionalInterview, next, false); err != nil {
		t.Fatalf("the next stage needs no confirmation: %v", err)
	}
}

func TestHiredWithoutOnboardingNeedsASignedContract(t *testing.T) {
	p := Pipeline{StageInterviewCompleted, StageOffer, StageContract, StageHired}
	if err := p.CanMove(StatusActive, StageContract, MoveRequest{To: StageHired}, false); err == nil {
		t.Fatal("hired before the contract is signed")
	}
	if err := p.CanMove(StatusActive, StageContract, MoveRequest{To: StageHired}, true); err != nil {
		t.Fatalf("hired after a signed contract refused: %v", err)
	}
}

func TestMoveChoicesMatchCanMove(t *testing.T) {
	got := salesFull.MoveChoices(StatusActive, StageAssessmentDay, false)
	want := []StageKey{StageHRRound, StageFinalDecision}
	if len(got) != len(want) {
		t.Fatalf("MoveChoices = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].To != want[i] {
			t.Fatalf("MoveChoices = %v, want %v", got, want)
		}
	}
	if len(got[0].Skipped) != 0 || len(got[1].Skipped) != 1 || got[1].Skipped[0] != StageHRRound {
		t.Fatalf("skipped stages: %v", got)
	}
	if moves := salesFull.MoveChoices(StatusOnHold, StageAssessmentDay, false); len(moves) != 0 {
		t.Fatalf("on-hold application has moves %v", moves)
	}
}

func TestSkippedStagesComeFromSkipsNotYetEntered(t *testing.T) {
	ic, ai, hr := StageInterviewCompleted, StageAdditionalInterview, StageHRRound
	events := []StageEvent{
		{ToStage: ic},
		{FromStage: &ic, ToStage: hr, Kind: EventSkip}, // skips additional interview and assessment day
	}
	got := salesFull.SkippedStages(events)
	if !got[StageAdditionalInterview] || !got[StageAssessmentDay] || len(got) != 2 {
		t.Fatalf("skipped = %v", got)
	}
	// Undone, then moved on properly: nothing is skipped any more.
	events = append(events, StageEvent{FromStage: &hr, ToStage: ic, Kind: EventUndo}, StageEvent{FromStage: &ic, ToStage: ai, Kind: EventMove})
	got = salesFull.SkippedStages(events)
	if got[StageAdditionalInterview] {
		t.Fatalf("a stage entered after the skip is still marked skipped: %v", got)
	}
}

func TestCanUndoOnlyTheLastStaffMove(t *testing.T) {
	ic, ai := StageInterviewCompleted, StageAdditionalInterview
	staff := int64(7)
	app := &Application{Stage: ai, Status: StatusActive, Position: &Position{Pipeline: salesFull}}
	if err := CanUndo(app, &StageEvent{FromStage: &ic, ToStage: ai, Kind: EventMove, ActorStaffID: &staff}); err != nil {
		t.Fatalf("undo of a staff move refused: %v", err)
	}
	for name, e := range map[string]*StageEvent{
		"no event":          nil,
		"a flow":            {FromStage: &ic, ToStage: ai, Kind: EventFlow, ActorStaffID: &staff},
		"an undo":           {FromStage: &ic, ToStage: ai, Kind: EventUndo, ActorStaffID: &staff},
		"a status change":   {FromStage: &ai, ToStage: ai, Kind: EventStatus, ActorStaffID: &staff},
		"no staff (import)": {FromStage: &ic, ToStage: ai, Kind: EventMove},
		"moved since":       {FromStage: &ic, ToStage: StageHRRound, Kind: EventMove, ActorStaffID: &staff},
	} {
		if err := CanUndo(app, e); err == nil {
			t.Errorf("%s: undo allowed", name)
		}
	}
}

func TestCanChangeStatus(t *testing.T) {
	tests := []struct {
		from, to Status
		reason   string
		ok       bool
	}{
		{StatusActive, StatusRejected, "Not enough experience", true},
		{StatusActive, StatusRejected, "", false},
		{StatusActive, StatusRejected, "  ", false},
		{StatusOnHold, StatusRejected, "Position filled", true},
		{StatusRejected, StatusRejected, "again", false},
		{StatusActive, StatusWithdrawn, "", true},
		{StatusWithdrawn, StatusWithdrawn, "", false},
		{StatusActive, StatusOnHold, "", true},
		{StatusOnHold, StatusOnHold, "", false},
		{StatusRejected, StatusOnHold, "", false},
		{StatusOnHold, StatusActive, "", true},
		{StatusRejected, StatusActive, "", true},
		{StatusWithdrawn, StatusActive, "", true},
		{StatusActive, StatusActive, "", false},
		{StatusHired, StatusRejected, "x y z", false},
		{StatusHired, StatusActive, "", false},
		{StatusActive, StatusHired, "", false}, // hired only by moving to the Hired stage
	}
	for _, tt := range tests {
		err := CanChangeStatus(tt.from, tt.to, strings.TrimSpace(tt.reason))
		if (err == nil) != tt.ok {
			t.Errorf("CanChangeStatus(%s → %s, %q) = %v, want ok=%v", tt.from, tt.to, tt.reason, err, tt.ok)
		}
	}
}

func TestPipelineValidate(t *testing.T) {
	if err := (Pipeline{}).Validate(); err == nil {
		t.Error("empty pipeline accepted")
	}
	if err := (Pipeline{StageOffer, StageOffer}).Validate(); err == nil {
		t.Error("duplicate stage accepted")
	}
	if err := (Pipeline{"made_up"}).Validate(); err == nil {
		t.Error("unknown stage accepted")
	}
	if err := salesFull.Validate(); err != nil {
		t.Errorf("valid pipeline refused: %v", err)
	}
}

func TestAddBusinessDays(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		name  string
		start time.Time
		n     int
		loc   *time.Location
		want  string
	}{
		{"Tuesday + 3", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), 3, time.UTC, "2026-12-04 Fri"},
		{"Thursday + 3 skips weekend", time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), 3, time.UTC, "2026-12-08 Tue"},
		{"Friday + 1 is Monday", time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC), 1, time.UTC, "2026-12-07 Mon"},
		{"Saturday + 1 is Monday", time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC), 1, time.UTC, "2026-12-07 Mon"},
		{"Sunday + 5 is next Friday", time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC), 5, time.UTC, "2026-12-11 Fri"},
		{"late Friday UTC is Saturday in Berlin", time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC), 1, berlin, "2026-12-07 Mon"},
		{"across a year", time.Date(2026, 12, 30, 9, 0, 0, 0, time.UTC), 3, time.UTC, "2027-01-04 Mon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AddBusinessDays(tt.start, tt.n, tt.loc)
			if s := got.Format("2006-01-02 Mon"); s != tt.want {
				t.Fatalf("got %s, want %s", s, tt.want)
			}
			if got.Hour() != 17 || got.Location() != tt.loc {
				t.Fatalf("got %v, want 17:00 in %v", got, tt.loc)
			}
		})
	}
}

func TestEveryStageExplainsItself(t *testing.T) {
	for _, s := range Stages() {
		if s.CandidateTitle == "" || len(s.Explanation) < 30 || len(s.WhatToDo) < 10 {
			t.Errorf("stage %s lacks candidate-facing text", s.Key)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{" Ada@Example.COM ": "ada@example.com", "a.b+c@d.co": "a.b+c@d.co"}
	for in, want := range good {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a@", "@b.com", "no-at", "a@b", "Ada <ada@example.com>", strings.Repeat("a", 250) + "@b.com"} {
		if _, err := NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) accepted", bad)
		}
	}
}

func TestWhatToDoNowFollowsWhatHappened(t *testing.T) {
	app := func(stage StageKey, status Status) CandidateApplication {
		return CandidateApplication{Application: Application{Stage: stage, Status: status}}
	}
	booked := app(StageAssessmentDay, StatusActive)
	booked.Booking = &AssessmentBooking{}
	offerSent := app(StageOffer, StatusActive)
	offerSent.JobOffer = OfferSent
	signed := app(StageContract, StatusActive)
	signed.ContractStatus = ContractAwaitingEmployer
	tests := []struct {
		name string
		a    CandidateApplication
		want string
	}{
		{"assessment, not booked", app(StageAssessmentDay, StatusActive), "Book a seat"},
		{"assessment, booked", booked, "You are booked"},
		{"offer not sent yet", app(StageOffer, StatusActive), "preparing your offer"},
		{"offer sent", offerSent, "Read the offer carefully"},
		{"contract not ready", app(StageContract, StatusActive), "preparing your contract"},
		{"contract signed by the candidate", signed, "You have signed"},
		{"on hold", app(StageHRRound, StatusOnHold), "Nothing for now"},
	}
	for _, tt := range tests {
		if got := tt.a.WhatToDoNow(); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want it to contain %q", tt.name, got, tt.want)
		}
	}
}

func TestDefaultPipelineIsValid(t *testing.T) {
	p := DefaultPipeline()
	if err := p.Validate(); err != nil {
		t.Fatalf("the default pipeline is refused: %v", err)
	}
	if err := p.checkClosingOrder(); err != nil {
		t.Fatalf("the default pipeline breaks the closing order: %v", err)
	}
	if p[0] != StageInterviewCompleted || p[len(p)-1] != StageHired || len(OpeningStages(p)) == 0 {
		t.Fatalf("the default pipeline %v does not run from the interview to the hire", p)
	}
	p[0] = StageHRRound
	if DefaultPipeline()[0] != StageInterviewCompleted {
		t.Fatal("DefaultPipeline returns a shared slice")
	}
}

func TestHoldsRejectionOnlyForARejection(t *testing.T) {
	for _, to := range Statuses() {
		for _, ticked := range []bool{false, true} {
			if got, want := HoldsRejection(to, ticked), ticked && to == StatusRejected; got != want {
				t.Errorf("HoldsRejection(%s, %v) = %v, want %v", to, ticked, got, want)
			}
		}
	}
}

func TestTakingApplicationsKeepsOpenPositions(t *testing.T) {
	ps := []PositionSummary{{Position: Position{ID: 1, Status: PositionOpen}}, {Position: Position{ID: 2, Status: PositionFilled}},
		{Position: Position{ID: 3, Status: PositionClosed}}, {Position: Position{ID: 4, Status: PositionOpen}}}
	got := TakingApplications(ps)
	if len(got) != 2 || got[0].ID != 1 || got[1].ID != 4 {
		t.Fatalf("TakingApplications kept %+v, want positions 1 and 4", got)
	}
	if ps[1].ID != 2 {
		t.Fatal("TakingApplications changed its argument")
	}
}
