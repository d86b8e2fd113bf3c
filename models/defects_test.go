package models_test

// Smaller defects (issue 16, point 8): each test here failed on the code
// before its fix.

import (
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// TestCanWriteScorecardTimeEdges: the pure rule refuses a scorecard before
// the booked slot starts, accepts it from the first second of the interview,
// and still refuses unscheduled rounds and decided applications.
func TestCanWriteScorecardTimeEdges(t *testing.T) {
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
		{"a day before", scheduled, live, start.Add(-24 * time.Hour), false, "has not started"},
		{"a second before the start", scheduled, live, start.Add(-time.Second), false, "has not started"},
		{"at the start", scheduled, live, start, true, ""},
		{"during", scheduled, live, start.Add(30 * time.Minute), true, ""},
		{"a week after", scheduled, live, end.Add(7 * 24 * time.Hour), true, ""},
		{"no time booked", proposed, live, start, false, "scheduled interview"},
		{"after the decision", scheduled, offered, end, false, "decision"},
	} {
		err := models.CanWriteScorecard(&tc.round, &tc.app, tc.now)
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
	d := newIVDemo(t)
	cs := criteria(t, d, d.ae)
	r, _ := d.bookedRound(t, "amelia.hart@example.com", "2026-12-08T10:00", d.interviewer.ID)
	good := card(cs, models.RecommendYes, 3, 4, 2)
	err := d.store.SubmitScorecard(d.ctx, staffActor(d.interviewer), r.ID, good)
	if models.FieldErrors(err) == nil || !strings.Contains(err.Error(), "has not started") {
		t.Fatalf("scorecard a week before the interview: %v, want a validation error", err)
	}
	if n := count(t, d.store, "scorecards"); n != 0 {
		t.Fatalf("%d scorecards stored before the interview", n)
	}
	d.clock.Advance(time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC).Sub(d.clock.Now()))
	d.submit(t, d.interviewer, r.ID, good)
	if n := count(t, d.store, "scorecards"); n != 1 {
		t.Fatalf("%d scorecards stored at the start, want 1", n)
	}
}

// TestMessagesCarryReplyTo: mail comes from a no-reply sender, so every
// message names where replies go: the recruiter who arranged an interview
// for its invitations, otherwise NEXTSTEP_CONTACT_EMAIL. The address is
// chosen when the message is written and kept on its outbox row.
func TestMessagesCarryReplyTo(t *testing.T) {
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

	d.bookedRound(t, "amelia.hart@example.com", "2026-12-08T10:00", d.interviewer.ID)
	deadline := time.Now().Add(10 * time.Second)
	for len(sink.To("amelia.hart@example.com")) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	var got []string
	for _, m := range sink.To("amelia.hart@example.com") {
		got = append(got, m.Header.Get("Reply-To"))
	}
	if len(got) == 0 {
		t.Fatal("no interview email reached Amelia")
	}
	for _, rt := range got {
		if !strings.Contains(rt, d.recruiter.Email) {
			t.Errorf("interview email Reply-To = %q, want the recruiter who arranged it (%s)", rt, d.recruiter.Email)
		}
	}
}
