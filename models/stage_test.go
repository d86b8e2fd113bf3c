package models

import (
	"strings"
	"testing"
	"time"
)

var salesPipeline = Pipeline{StageInterviewCompleted, StageAdditionalInterview, StageAssessmentDay, StageCommercialNegotiation, StageHRRound, StageOffer, StageHired}

func TestCanMoveEveryPair(t *testing.T) {
	// Forward to any later stage, back exactly one, nothing else.
	for fi, from := range salesPipeline {
		for ti, to := range salesPipeline {
			err := salesPipeline.CanMove(StatusActive, from, to)
			want := ti > fi || ti == fi-1
			if (err == nil) != want {
				t.Errorf("CanMove(%s → %s) = %v, want allowed=%v", from, to, err, want)
			}
		}
	}
}

func TestCanMoveRefusals(t *testing.T) {
	tests := []struct {
		name     string
		status   Status
		from, to StageKey
		wantMsg  string
	}{
		{"not in pipeline", StatusActive, StageInterviewCompleted, StageBackgroundCheck, "not part of this position's pipeline"},
		{"back two", StatusActive, StageCommercialNegotiation, StageAdditionalInterview, "back one step only"},
		{"same stage", StatusActive, StageHRRound, StageHRRound, "already in"},
		{"on hold", StatusOnHold, StageHRRound, StageOffer, "reactivate it"},
		{"rejected", StatusRejected, StageHRRound, StageOffer, "reactivate it"},
		{"hired", StatusHired, StageHired, StageOffer, "reactivate it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := salesPipeline.CanMove(tt.status, tt.from, tt.to)
			if err == nil {
				t.Fatal("move allowed; want refused")
			}
			if msg := FieldErrors(err)["to_stage"]; !strings.Contains(msg, tt.wantMsg) {
				t.Fatalf("message %q does not contain %q", msg, tt.wantMsg)
			}
		})
	}
}

func TestAllowedMovesMatchesCanMove(t *testing.T) {
	got := salesPipeline.AllowedMoves(StatusActive, StageAssessmentDay)
	want := []StageKey{StageAdditionalInterview, StageCommercialNegotiation, StageHRRound, StageOffer, StageHired}
	if len(got) != len(want) {
		t.Fatalf("AllowedMoves = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("AllowedMoves = %v, want %v", got, want)
		}
	}
	if moves := salesPipeline.AllowedMoves(StatusOnHold, StageAssessmentDay); len(moves) != 0 {
		t.Fatalf("on-hold application has moves %v", moves)
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
	if err := salesPipeline.Validate(); err != nil {
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
