package views_test

import (
	"testing"
	"time"

	"nextstep/models"
	"nextstep/views"
)

// Every kind of event on the staff candidate page reads as a sentence naming
// who did it and the candidate.
func TestEventSentenceForEachKind(t *testing.T) {
	rita := &models.StaffUser{Name: "Rita Recruiter"}
	stage := func(k models.StageKey) *models.StageKey { return &k }
	cases := []struct {
		name, want, kind string
		e                models.StageEvent
	}{
		{"opened by staff", "Rita Recruiter added Farid Haddad at Interview completed", "opened",
			models.StageEvent{ToStage: models.StageInterviewCompleted, Kind: models.EventOpened, Actor: rita}},
		{"opened by the candidate", "Farid Haddad's application opened at Interview completed", "opened",
			models.StageEvent{ToStage: models.StageInterviewCompleted, Kind: models.EventOpened}},
		{"move", "Rita Recruiter moved Farid Haddad from Additional interview to HR round", "move",
			models.StageEvent{FromStage: stage(models.StageAdditionalInterview), ToStage: models.StageHRRound, Kind: models.EventMove, Actor: rita}},
		{"skip", "Rita Recruiter moved Farid Haddad from Interview completed to HR round, skipping the stages in between", "skip",
			models.StageEvent{FromStage: stage(models.StageInterviewCompleted), ToStage: models.StageHRRound, Kind: models.EventSkip, Actor: rita}},
		{"undo", "Rita Recruiter undid the move to HR round: Farid Haddad is back at Additional interview", "undo",
			models.StageEvent{FromStage: stage(models.StageHRRound), ToStage: models.StageAdditionalInterview, Kind: models.EventUndo, Actor: rita}},
		{"flow", "Farid Haddad moved on from Contract to Onboarding automatically", "flow",
			models.StageEvent{FromStage: stage(models.StageContract), ToStage: models.StageOnboarding, Kind: models.EventFlow}},
		{"rejected", "Rita Recruiter rejected Farid Haddad at HR round", "status",
			models.StageEvent{FromStage: stage(models.StageHRRound), ToStage: models.StageHRRound, Kind: models.EventStatus, ToStatus: models.StatusRejected, Actor: rita}},
		{"on hold", "Rita Recruiter put Farid Haddad on hold at HR round", "status",
			models.StageEvent{FromStage: stage(models.StageHRRound), ToStage: models.StageHRRound, Kind: models.EventStatus, ToStatus: models.StatusOnHold, Actor: rita}},
		{"reactivated", "Rita Recruiter reactivated Farid Haddad's application at HR round", "status",
			models.StageEvent{FromStage: stage(models.StageHRRound), ToStage: models.StageHRRound, Kind: models.EventStatus, ToStatus: models.StatusActive, Actor: rita}},
		{"withdrawn by staff", "Rita Recruiter marked Farid Haddad as withdrawn at HR round", "status",
			models.StageEvent{FromStage: stage(models.StageHRRound), ToStage: models.StageHRRound, Kind: models.EventStatus, ToStatus: models.StatusWithdrawn, Actor: rita}},
		{"withdrawn by the candidate", "Farid Haddad withdrew at HR round", "status",
			models.StageEvent{FromStage: stage(models.StageHRRound), ToStage: models.StageHRRound, Kind: models.EventStatus, ToStatus: models.StatusWithdrawn}},
		{"hired", "Rita Recruiter marked Farid Haddad as hired", "status",
			models.StageEvent{FromStage: stage(models.StageHired), ToStage: models.StageHired, Kind: models.EventStatus, ToStatus: models.StatusHired, Actor: rita}},
	}
	for _, c := range cases {
		got, kind := views.EventSentence(c.e, "Farid Haddad")
		if got != c.want || kind != c.kind {
			t.Errorf("%s: got %q (%s), want %q (%s)", c.name, got, kind, c.want, c.kind)
		}
	}
}

// A promised date set by staff reads with their name, the date and the note;
// one the promise keeper moved says so.
func TestDateChangeSentence(t *testing.T) {
	rita := &models.StaffUser{Name: "Rita Recruiter"}
	if got, want := views.DateChangeSentence(models.PromisedDateChange{To: "2026-12-12", Note: "Waiting for the panel.", Actor: rita}, "Farid Haddad"),
		"Rita Recruiter set the promised date to 12 December 2026: Waiting for the panel."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := views.DateChangeSentence(models.PromisedDateChange{To: "2026-12-19", Automatic: true}, "Farid Haddad"),
		"The promise keeper moved the promised date to 19 December 2026 and told Farid Haddad we are still deciding."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// The history is newest first across stage events and promised dates, and
// names the position only when the candidate has several applications.
func TestStaffHistoryOrderAndPositions(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	first := models.StageInterviewCompleted
	d := &models.CandidateDetail{
		Candidate: models.Candidate{Name: "Farid Haddad"},
		Applications: []models.Application{{ID: 1, Position: &models.Position{Title: "Backend engineer"}},
			{ID: 2, Position: &models.Position{Title: "Data engineer"}}},
		Events: []models.StageEvent{{ApplicationID: 2, FromStage: &first, ToStage: models.StageHRRound, Kind: models.EventSkip, CreatedAt: at.Add(time.Hour)},
			{ApplicationID: 1, ToStage: models.StageInterviewCompleted, Kind: models.EventOpened, CreatedAt: at}},
		DateChanges: []models.PromisedDateChange{{ApplicationID: 1, To: "2026-12-12", Note: "Soon.", CreatedAt: at.Add(30 * time.Minute)}},
	}
	got := views.StaffHistory(d)
	if len(got) != 3 || got[0].Position != "Data engineer" || got[1].Kind != "promise" || got[2].Kind != "opened" || got[2].Position != "Backend engineer" {
		t.Errorf("history = %+v", got)
	}
	d.Applications = d.Applications[:1]
	if got := views.StaffHistory(d); got[0].Position != "" {
		t.Errorf("one application, yet the position is named: %+v", got[0])
	}
}
