package models_test

// Smaller defects (issue 16, point 8): each test here failed on the code
// before its fix.

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// TestCanWriteScorecardTimeEdges: the pure rule refuses a scorecard before
// the booked slot starts, accepts it from the first second of the interview,
// and still refuses unscheduled rounds and decided applications.
func TestCanWriteScorecardTimeEdges(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	scheduled := models.InterviewRound{Status: models.RoundScheduled, StartsAt: &start, EndsAt: &end}
	live := models.Application{Stage: models.StageAdditionalInterview, Status: models.StatusActive}
	offered := models.Application{Stage: models.StageOffer, Status: models.StatusActive}
	proposed := models.InterviewRound{Status: models.RoundProposed}
	for _, tc := range []struct {
		name  string
		round models.InterviewRound
		app   models.Application
		now   time.Time
		ok    bool
		want  string
	}{
		{"a day before", scheduled, live, start.Add(-24 * time.Hour), false, "The scorecard opens when the interview starts, on Tuesday 8 December at 10:00 (UTC)."},
		{"a second before the start", scheduled, live, start.Add(-time.Second), false, "The scorecard opens when the interview starts at 10:00 (UTC)."},
		{"at the start", scheduled, live, start, true, ""},
		{"during", scheduled, live, start.Add(30 * time.Minute), true, ""},
		{"a week after", scheduled, live, end.Add(7 * 24 * time.Hour), true, ""},
		{"no time booked", proposed, live, start, false, "scheduled interview"},
		{"after the decision", scheduled, offered, end, false, "decision"},
	} {
		err := models.CanWriteScorecard(&tc.round, &tc.app, tc.now, time.UTC)
		if tc.ok != (err == nil) {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
			continue
		}
		if !tc.ok && (models.FieldErrors(err) == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want a validation error saying %q", tc.name, err, tc.want)
		}
	}
}

// TestScorecardRefusedBeforeInterviewStarts: a panelist cannot submit a
// scorecard for a booked interview that has not happened yet; nothing is
// stored; once the clock reaches the start the same scorecard is accepted.
func TestScorecardRefusedBeforeInterviewStarts(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	cs := criteria(t, d, d.ae)
	r, _ := d.bookedRound(t, "amelia.hart@example.com", "2026-12-08T10:00", d.interviewer.ID)
	good := card(cs, models.RecommendYes, 3, 4, 2)
	err := d.store.SubmitScorecard(d.ctx, staffActor(d.interviewer), r.ID, good)
	if models.FieldErrors(err) == nil || !strings.Contains(err.Error(), "The scorecard opens when the interview starts, on Tuesday 8 December at 10:00") {
		t.Fatalf("scorecard a week before the interview: %v, want a validation error", err)
	}
	var n int64
	if mustDB(t, d.store.DB().Raw("SELECT count(*) FROM scorecards WHERE round_id = ?", r.ID).Scan(&n)); n != 0 {
		t.Fatalf("%d scorecards stored before the interview", n)
	}
	d.clock.Advance(time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC).Sub(d.clock.Now()))
	d.submit(t, d.interviewer, r.ID, good)
	if mustDB(t, d.store.DB().Raw("SELECT count(*) FROM scorecards WHERE round_id = ?", r.ID).Scan(&n)); n != 1 {
		t.Fatalf("%d scorecards stored at the start, want 1", n)
	}
}

// TestMessagesCarryReplyTo: mail comes from a no-reply sender, so every
// message names where replies go: the recruiter who arranged an interview
// for its invitations, otherwise NEXTSTEP_CONTACT_EMAIL. The address is
// chosen when the message is written and kept on its outbox row.
func TestMessagesCarryReplyTo(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	sink := startMail(t, d.store)
	must(t, d.store.RequestCandidateLink(d.ctx, "ben.okafor@example.com", "192.0.2.7"))
	if _, err := sink.WaitFor(1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	ben := sink.To("ben.okafor@example.com")
	if len(ben) != 1 || ben[0].Header.Get("Reply-To") != "<"+testContactEmail+">" && ben[0].Header.Get("Reply-To") != testContactEmail {
		t.Errorf("sign-in email Reply-To = %q, want %s", ben[0].Header.Get("Reply-To"), testContactEmail)
	}
	if row := lastMessageTo(t, d.store, "ben.okafor@example.com"); row.ReplyTo != testContactEmail {
		t.Errorf("outbox row reply_to = %q, want %s", row.ReplyTo, testContactEmail)
	}

	// Scheduling also moves Amelia's stage on (a stage email, with the
	// general contact address); the interview's own emails are told apart
	// from it by their outbox row, found by Message-ID.
	d.bookedRound(t, "amelia.hart@example.com", "2026-12-08T10:00", d.interviewer.ID)
	var interviewIDs []string
	mustDB(t, d.store.DB().Raw(`SELECT message_id FROM outbox_messages WHERE to_email = 'amelia.hart@example.com'
		AND kind IN ('interview_invitation', 'interview_scheduled')`).Scan(&interviewIDs))
	if len(interviewIDs) == 0 {
		t.Fatal("no interview email was written to Amelia")
	}
	deadline := time.Now().Add(10 * time.Second)
	var got []string
	for time.Now().Before(deadline) {
		got = got[:0]
		for _, m := range sink.To("amelia.hart@example.com") {
			if slices.ContainsFunc(interviewIDs, func(id string) bool { return strings.Contains(m.Header.Get("Message-ID"), id) }) {
				got = append(got, m.Header.Get("Reply-To"))
			}
		}
		if len(got) == len(interviewIDs) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(got) != len(interviewIDs) {
		t.Fatalf("%d of Amelia's %d interview emails arrived", len(got), len(interviewIDs))
	}
	for _, rt := range got {
		if !strings.Contains(rt, d.recruiter.Email) {
			t.Errorf("interview email Reply-To = %q, want the recruiter who arranged it (%s)", rt, d.recruiter.Email)
		}
	}
}

// TestStageSortFollowsPositionPipeline: the "Stage" sort of the candidate
// list follows the position's own pipeline order, also after the pipeline is
// reordered, and every application's stage_order matches its pipeline.
func TestStageSortFollowsPositionPipeline(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	var posID int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM positions WHERE title = 'Account Executive'").Scan(&posID))
	p, err := d.store.GetPosition(ctx, staffActor(d.recruiter), posID)
	if err != nil {
		t.Fatal(err)
	}
	// Commercial negotiation (Chloe) moves before the assessment day (Ben).
	pipeline := models.Pipeline{}
	for _, k := range p.Pipeline {
		switch k {
		case models.StageAssessmentDay:
			pipeline = append(pipeline, models.StageCommercialNegotiation, models.StageAssessmentDay)
		case models.StageCommercialNegotiation:
		default:
			pipeline = append(pipeline, k)
		}
	}
	in := models.PositionInput{Title: p.Title, Department: p.Department, Location: p.Location, Headcount: p.Headcount,
		DecisionSLADays: p.DecisionSLADays, RequiresDecisionApproval: p.RequiresDecisionApproval, Pipeline: pipeline}
	must(t, d.store.UpdatePosition(ctx, staffActor(d.recruiter), posID, in))

	var wrong int64
	must(t, d.store.DB().Raw(`SELECT count(*) FROM applications a JOIN position_stages ps ON ps.position_id = a.position_id AND ps.stage = a.stage
		WHERE a.stage_order <> ps.sort_order`).Scan(&wrong).Error)
	if wrong != 0 {
		t.Errorf("%d applications sort by a stage order other than their pipeline's", wrong)
	}
	page, err := d.store.ListCandidates(ctx, staffActor(d.recruiter), models.CandidateFilter{PositionID: posID, Status: models.StatusActive, Sort: "stage"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range page.Rows {
		names = append(names, r.Name)
	}
	chloe, ben := slices.Index(names, "Chloe Dubois"), slices.Index(names, "Ben Okafor")
	if chloe < 0 || ben < 0 || chloe > ben {
		t.Errorf("sorted by stage: %v, want Chloe (commercial negotiation, now before the assessment day) before Ben", names)
	}
}
