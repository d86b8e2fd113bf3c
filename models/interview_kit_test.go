package models_test

import (
	"errors"
	"strings"
	"testing"

	"nextstep/models"
)

// TestInterviewKit: the recruiter sets a round's focus areas and suggested
// questions (a panelist may not); the panelist's kit shows them with the
// candidate's documents and the position's description; the earlier round's
// scorecards stay hidden until the panelist's own scorecard for this round
// is in, which opens only when the interview starts.
func TestInterviewKit(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	cs := criteria(t, d, d.ae)
	ivan := d.newInterviewer(t, "Ivan Earlier")
	first, app := d.bookedRound(t, "amelia.hart@example.com", "2026-12-08T10:00", ivan.ID)
	second, _ := d.bookedRound(t, "amelia.hart@example.com", "2026-12-09T14:00", d.interviewer.ID)
	_, err := d.store.UploadCandidateDocument(d.ctx, staffActor(d.recruiter), app.CandidateID, models.DocumentCV, "cv.pdf", samplePDF)
	must(t, err)
	// The description is written on the position form, within its limit.
	posID, pin := positionInputOf(t, d.demo, "Account Executive", nil)
	pin.Description = strings.Repeat("x", 8001)
	if err := d.store.UpdatePosition(d.ctx, staffActor(d.recruiter), posID, pin); models.FieldErrors(err)["description"] != "The description is too long (8000 characters at most)." {
		t.Fatalf("a description too long: %v", err)
	}
	pin.Description = "  Sell to mid-size firms.  "
	must(t, d.store.UpdatePosition(d.ctx, staffActor(d.recruiter), posID, pin))

	in := models.KitInput{FocusAreas: "Pricing under pressure", Questions: map[int64]string{cs[0].ID: "Walk us through a deal you lost.", cs[1].ID: "  "}}
	if err := d.store.SaveInterviewKit(d.ctx, staffActor(d.interviewer), second.ID, in); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("a panelist edits the kit: %v, want not found", err)
	}
	must(t, d.store.SaveInterviewKit(d.ctx, staffActor(d.recruiter), second.ID, in))
	if _, err := d.store.GetInterviewKit(d.ctx, staffActor(ivan), second.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("the other round's panelist opens this kit: %v", err)
	}

	d.at(t, "2026-12-08T11:00")
	d.submit(t, ivan, first.ID, card(cs, models.RecommendYes, 3, 3, 3))
	k, err := d.store.GetInterviewKit(d.ctx, staffActor(d.interviewer), second.ID)
	must(t, err)
	if k.Round.FocusAreas != "Pricing under pressure" || k.Questions[cs[0].ID] != "Walk us through a deal you lost." || len(k.Questions) != 1 {
		t.Errorf("focus %q, questions %v", k.Round.FocusAreas, k.Questions)
	}
	if len(k.Documents) != 1 || k.Documents[0].Kind != models.DocumentCV || k.Application.Position.Description != "Sell to mid-size firms." {
		t.Errorf("documents %+v, description %q", k.Documents, k.Application.Position.Description)
	}
	if k.SeesEarlier || len(k.Earlier) != 0 || k.EarlierWaiting != 1 || k.CanEdit {
		t.Errorf("before the interview: sees %v, earlier %d, waiting %d, can edit %v", k.SeesEarlier, len(k.Earlier), k.EarlierWaiting, k.CanEdit)
	}
	want := "The scorecard opens when the interview starts, on Wednesday 9 December at 14:00 (UTC)."
	if k.ScorecardNotice != want {
		t.Errorf("notice %q, want %q", k.ScorecardNotice, want)
	}
	if err := d.store.SubmitScorecard(d.ctx, staffActor(d.interviewer), second.ID, card(cs, models.RecommendNo, 2, 2, 2)); err == nil || err.Error() != want {
		t.Errorf("a scorecard before the start: %v", err)
	}

	d.at(t, "2026-12-09T14:00")
	if k, err = d.store.GetInterviewKit(d.ctx, staffActor(d.interviewer), second.ID); err != nil || !k.CanEdit || k.SeesEarlier {
		t.Fatalf("at the start: can edit %v, sees earlier %v, %v", k.CanEdit, k.SeesEarlier, err)
	}
	d.submit(t, d.interviewer, second.ID, card(cs, models.RecommendNo, 2, 2, 2))
	k, err = d.store.GetInterviewKit(d.ctx, staffActor(d.interviewer), second.ID)
	must(t, err)
	if !k.SeesEarlier || len(k.Earlier) != 1 || k.Earlier[0].Round.ID != first.ID || len(k.Earlier[0].Scorecards) != 1 || k.Earlier[0].Scorecards[0].InterviewerID != ivan.ID {
		t.Errorf("after submitting: %+v", k.Earlier)
	}
	// The recruiter reads everything at any time.
	if k, err = d.store.GetInterviewKit(d.ctx, staffActor(d.recruiter), first.ID); err != nil || !k.SeesEarlier || len(k.Earlier) != 0 {
		t.Errorf("the recruiter's kit of the first round: %+v, %v", k, err)
	}
}

// TestInterviewKitKeepsAnEarlierRoundBlind: a panelist who sat on an earlier
// round too reads its scorecards only once their own for it is in, even
// after submitting for this round (the blind-feedback rule, per round).
func TestInterviewKitKeepsAnEarlierRoundBlind(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	cs := criteria(t, d, d.ae)
	ivan := d.newInterviewer(t, "Ivan Earlier")
	hana := d.newInterviewer(t, "Hana Both")
	first, _ := d.bookedRound(t, "amelia.hart@example.com", "2026-12-08T10:00", ivan.ID, hana.ID)
	second, _ := d.bookedRound(t, "amelia.hart@example.com", "2026-12-09T14:00", hana.ID)

	d.at(t, "2026-12-09T15:00")
	d.submit(t, ivan, first.ID, card(cs, models.RecommendYes, 3, 3, 3))
	d.submit(t, hana, second.ID, card(cs, models.RecommendNo, 2, 2, 2))
	k, err := d.store.GetInterviewKit(d.ctx, staffActor(hana), second.ID)
	must(t, err)
	if len(k.Earlier) != 0 || k.EarlierWaiting != 1 {
		t.Errorf("before her own first-round scorecard: %d earlier rounds shown, %d waiting; want none shown and Ivan's waiting", len(k.Earlier), k.EarlierWaiting)
	}
	d.submit(t, hana, first.ID, card(cs, models.RecommendYes, 3, 2, 3))
	k, err = d.store.GetInterviewKit(d.ctx, staffActor(hana), second.ID)
	must(t, err)
	if len(k.Earlier) != 1 || len(k.Earlier[0].Scorecards) != 2 || k.EarlierWaiting != 0 {
		t.Errorf("after it: %d earlier rounds, waiting %d", len(k.Earlier), k.EarlierWaiting)
	}
}
