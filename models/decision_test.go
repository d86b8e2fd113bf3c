package models_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// newInterviewer adds an active interviewer-role staff member.
func (d ivDemo) newInterviewer(t *testing.T, name string) *models.StaffUser {
	t.Helper()
	u, err := d.store.CreateStaff(d.ctx, staffActor(d.admin), models.StaffInput{Email: strings.ToLower(strings.Fields(name)[0]) + "@demo.nextstep.test",
		Name: name, Role: models.RoleInterviewer})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// bookedRound creates a round for the application of email with one time,
// which the candidate books.
func (d ivDemo) bookedRound(t *testing.T, email, when string, panel ...int64) (*models.InterviewRound, models.Application) {
	t.Helper()
	r, app := d.newRound(t, email, roundInput(panel, when))
	must(t, d.store.PickSlot(d.ctx, candidateActor(app), app.ID, r.ID, roundSlots(t, d.store, r.ID)[0].ID))
	return r, app
}

// criteria are the live criteria of a position, in order.
func criteria(t *testing.T, d ivDemo, positionID int64) []models.ScorecardCriterion {
	t.Helper()
	var cs []models.ScorecardCriterion
	must(t, d.store.DB().Where("position_id = ? AND NOT retired", positionID).Order("sort_order").Find(&cs).Error)
	return cs
}

// card rates the criteria in order.
func card(cs []models.ScorecardCriterion, rec models.Recommendation, ratings ...int) models.ScorecardInput {
	in := models.ScorecardInput{Recommendation: rec, Notes: "Notes", Ratings: map[int64]string{}}
	for i, n := range ratings {
		in.Ratings[cs[i].ID] = fmt.Sprint(n)
	}
	return in
}

// at moves the clock to when (UTC, "2006-01-02T15:04"): scorecards open
// when the interview starts.
func (d ivDemo) at(t *testing.T, when string) {
	t.Helper()
	at, err := time.Parse("2006-01-02T15:04", when)
	must(t, err)
	d.clock.Advance(at.Sub(d.clock.Now()))
}

func (d ivDemo) submit(t *testing.T, u *models.StaffUser, roundID int64, in models.ScorecardInput) {
	t.Helper()
	must(t, d.store.SubmitScorecard(d.ctx, staffActor(u), roundID, in))
}

func TestSubmitScorecardRules(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	cs := criteria(t, d, d.ae)
	if len(cs) != 3 || cs[1].Name != "Customer empathy" {
		t.Fatalf("Account Executive criteria: %+v", cs)
	}
	cardsBefore := count(t, d.store, "scorecards") // the demo's own
	ivan := d.newInterviewer(t, "Ivan Second")
	r, app := d.bookedRound(t, "amelia.hart@example.com", "2026-12-08T10:00", d.interviewer.ID, ivan.ID)
	good := card(cs, models.RecommendYes, 3, 4, 2)
	d.at(t, "2026-12-08T11:00") // the interview has taken place

	for _, u := range []*models.StaffUser{d.recruiter, d.manager} {
		if err := d.store.SubmitScorecard(d.ctx, staffActor(u), r.ID, good); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%s, not on the panel: %v, want ErrNotFound", u.Role, err)
		}
	}
	missing := card(cs, models.RecommendYes, 3)
	missing.Ratings[cs[2].ID] = "4"
	err := d.store.SubmitScorecard(d.ctx, staffActor(d.interviewer), r.ID, missing)
	key := fmt.Sprintf("rating_%d", cs[1].ID)
	if msg := models.FieldErrors(err)[key]; !strings.Contains(msg, "Customer empathy") {
		t.Fatalf("missing rating: %v, want an error under %s naming the criterion", err, key)
	}
	if n := count(t, d.store, "scorecards"); n != cardsBefore {
		t.Fatalf("%d scorecards stored after refusals", n)
	}

	d.submit(t, d.interviewer, r.ID, good)
	var sc models.Scorecard
	must(t, d.store.DB().Where("round_id = ? AND interviewer_id = ?", r.ID, d.interviewer.ID).First(&sc).Error)
	if sc.Recommendation != models.RecommendYes || sc.Notes != "Notes" || !sc.SubmittedAt.Equal(d.clock.Now()) {
		t.Errorf("scorecard %+v", sc)
	}
	ratings := func() map[int64]int {
		var rows []models.ScorecardRating
		mustDB(t, d.store.DB().Where("scorecard_id = ?", sc.ID).Find(&rows))
		out := map[int64]int{}
		for _, r := range rows {
			out[r.CriterionID] = r.Rating
		}
		return out
	}
	if got := ratings(); len(got) != 3 || got[cs[0].ID] != 3 || got[cs[1].ID] != 4 || got[cs[2].ID] != 2 {
		t.Errorf("ratings %v", got)
	}

	// A second submission updates the one scorecard.
	submitted := d.clock.Now()
	d.clock.Advance(time.Hour)
	d.submit(t, d.interviewer, r.ID, card(cs, models.RecommendStrongYes, 4, 4, 3))
	var cards []models.Scorecard
	mustDB(t, d.store.DB().Where("round_id = ?", r.ID).Find(&cards))
	if len(cards) != 1 || cards[0].ID != sc.ID || cards[0].Recommendation != models.RecommendStrongYes ||
		!cards[0].SubmittedAt.Equal(submitted) || !cards[0].UpdatedAt.Equal(d.clock.Now()) {
		t.Fatalf("after update: %+v", cards)
	}
	if got := ratings(); got[cs[0].ID] != 4 || got[cs[2].ID] != 3 || len(got) != 3 {
		t.Errorf("ratings after update %v", got)
	}
	if s, u := len(auditRows(t, d.store, "scorecard.submitted", app.ID)), len(auditRows(t, d.store, "scorecard.updated", app.ID)); s != 1 || u != 1 {
		t.Errorf("%d submitted and %d updated audit rows, want 1 and 1", s, u)
	}

	// Once the application is rejected (which calls its rounds off) the scorecards are the record.
	must(t, d.store.ChangeStatus(d.ctx, staffActor(d.recruiter), app.ID, models.StatusRejected, "Not enough experience"))
	if err := d.store.SubmitScorecard(d.ctx, staffActor(ivan), r.ID, good); models.FieldErrors(err) == nil {
		t.Errorf("scorecard after rejection: %v, want a validation error", err)
	}
	if err := d.store.SubmitScorecard(d.ctx, staffActor(d.interviewer), r.ID, good); models.FieldErrors(err) == nil {
		t.Errorf("changing a scorecard after rejection: %v, want a validation error", err)
	}
	if got := ratings(); got[cs[0].ID] != 4 {
		t.Errorf("ratings changed after rejection: %v", got)
	}

	// Nor at the offer stage, nor before a time is booked.
	offer, _ := d.bookedRound(t, "sofia.costa@example.com", "2026-12-09T10:00", d.interviewer.ID)
	if err := d.store.SubmitScorecard(d.ctx, staffActor(d.interviewer), offer.ID, good); models.FieldErrors(err) == nil {
		t.Errorf("scorecard at the offer stage: %v", err)
	}
	proposed, _ := d.newRound(t, "chloe.dubois@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-10T10:00"))
	if err := d.store.SubmitScorecard(d.ctx, staffActor(d.interviewer), proposed.ID, good); models.FieldErrors(err) == nil {
		t.Errorf("scorecard before a time is booked: %v", err)
	}
}

func TestScorecardsAreBlindUntilYourOwnIsIn(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	cs := criteria(t, d, d.ae)
	ivan := d.newInterviewer(t, "Ivan Second")
	r, _ := d.bookedRound(t, "amelia.hart@example.com", "2026-12-08T10:00", d.interviewer.ID, ivan.ID)
	page := func(u *models.StaffUser) *models.RoundPage {
		t.Helper()
		p, err := d.store.GetRoundPage(d.ctx, staffActor(u), r.ID)
		if err != nil {
			t.Fatalf("%s: %v", u.Email, err)
		}
		return p
	}
	d.at(t, "2026-12-08T11:00")
	d.submit(t, ivan, r.ID, card(cs, models.RecommendNo, 2, 2, 2))

	p := page(d.interviewer)
	if p.SeesOthers || len(p.Others) != 0 || p.Mine != nil || p.Submitted != 1 || !p.CanEdit || p.CanManage {
		t.Fatalf("before submitting: sees others %v, others %d, mine %v, submitted %d, edit %v, manage %v",
			p.SeesOthers, len(p.Others), p.Mine, p.Submitted, p.CanEdit, p.CanManage)
	}
	d.submit(t, d.interviewer, r.ID, card(cs, models.RecommendYes, 3, 3, 3))
	p = page(d.interviewer)
	if !p.SeesOthers || len(p.Others) != 1 || p.Others[0].InterviewerID != ivan.ID || p.Others[0].Interviewer != "Ivan Second" ||
		p.Others[0].Ratings[cs[0].ID].Rating != 2 || p.Mine == nil || p.Mine.Recommendation != models.RecommendYes {
		t.Fatalf("after submitting: sees others %v, others %+v, mine %+v", p.SeesOthers, p.Others, p.Mine)
	}
	for _, u := range []*models.StaffUser{d.recruiter, d.manager} {
		p := page(u)
		if !p.SeesOthers || len(p.Others) != 2 || !p.CanManage || p.CanEdit || p.Mine != nil {
			t.Errorf("%s: sees others %v, others %d, manage %v, edit %v", u.Role, p.SeesOthers, len(p.Others), p.CanManage, p.CanEdit)
		}
	}
	outsider := d.newInterviewer(t, "Olga Outsider")
	if _, err := d.store.GetRoundPage(d.ctx, staffActor(outsider), r.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("interviewer not on the panel: %v, want ErrNotFound", err)
	}
	upcoming, needFeedback, done, err := d.store.MyInterviews(d.ctx, staffActor(d.interviewer))
	notDemo := func(m models.MyInterview) bool { return m.Round.ApplicationID != r.ApplicationID }
	upcoming, needFeedback, done = slices.DeleteFunc(upcoming, notDemo), slices.DeleteFunc(needFeedback, notDemo), slices.DeleteFunc(done, notDemo)
	if err != nil || len(done) != 1 || done[0].Round.ID != r.ID || !done[0].Submitted || len(needFeedback) != 0 || len(upcoming) != 0 {
		t.Errorf("MyInterviews: %+v, %+v, %+v, %v", upcoming, needFeedback, done, err)
	}
	if up, _, _, _ := d.store.MyInterviews(d.ctx, staffActor(outsider)); len(up) != 0 {
		t.Errorf("an outsider lists %d interviews", len(up))
	}
}

func TestRequestDecisionValidation(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	app := d.application(t, "chloe.dubois@example.com")
	rec := staffActor(d.recruiter)
	requestsBefore := count(t, d.store, "decision_requests") // the demo's own
	responsesBefore := count(t, d.store, "decision_responses")
	ask := func(actor models.Actor, proposal string, ids ...int64) error {
		return d.store.RequestDecision(d.ctx, actor, app.ID, models.DecisionInput{Proposal: proposal, ConsultedIDs: ids})
	}
	if err := ask(rec, "  ", d.manager.ID); models.FieldErrors(err)["proposal"] == "" {
		t.Errorf("empty proposal: %v", err)
	}
	if err := ask(rec, "Offer the role"); models.FieldErrors(err)["consulted"] == "" {
		t.Errorf("nobody consulted: %v", err)
	}
	if err := ask(rec, "Offer the role", d.recruiter.ID); models.FieldErrors(err)["consulted"] == "" {
		t.Errorf("consulting only yourself: %v", err)
	}
	if err := ask(rec, "Offer the role", d.manager.ID, d.interviewer.ID); models.FieldErrors(err)["consulted"] == "" {
		t.Errorf("consulting an interviewer: %v", err)
	}
	if err := ask(staffActor(d.manager), "Offer the role", d.admin.ID); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("hiring manager asking: %v, want ErrForbidden", err)
	}
	if n := count(t, d.store, "decision_requests"); n != requestsBefore {
		t.Fatalf("%d requests stored after refusals", n)
	}
	since := lastOutboxID(t, d.store)
	must(t, ask(rec, "Offer the Account Executive role", d.manager.ID, d.admin.ID, d.manager.ID))
	if err := ask(rec, "Offer it again", d.admin.ID); models.FieldErrors(err)["proposal"] == "" {
		t.Errorf("second open request: %v", err)
	}
	if n := count(t, d.store, "decision_responses") - responsesBefore; n != 2 {
		t.Errorf("%d colleagues asked, want 2", n)
	}
	if msgs := outboxSince(t, d.store, since, models.MsgDecisionRequested); len(msgs) != 2 {
		t.Errorf("%d decision alerts, want 2", len(msgs))
	}
	if n := len(auditRows(t, d.store, "decision.requested", app.ID)); n != 1 {
		t.Errorf("%d decision.requested audit rows", n)
	}
}

// openDecision asks the manager and the admin about the application of email.
func (d ivDemo) openDecision(t *testing.T, email string) (models.Application, int64) {
	t.Helper()
	app := d.application(t, email)
	if err := d.store.RequestDecision(d.ctx, staffActor(d.recruiter), app.ID,
		models.DecisionInput{Proposal: "Offer the role", ConsultedIDs: []int64{d.manager.ID, d.admin.ID}}); err != nil {
		t.Fatal(err)
	}
	var id int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM decision_requests WHERE application_id = ? AND status = 'open'", app.ID).Scan(&id))
	return app, id
}

func decisionStatus(t *testing.T, d ivDemo, id int64) models.DecisionStatus {
	t.Helper()
	var req models.DecisionRequest
	must(t, d.store.DB().First(&req, id).Error)
	return req.Status
}

func TestRespondDecisionApprovalAndObjection(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	app, id := d.openDecision(t, "chloe.dubois@example.com")
	for _, u := range []*models.StaffUser{d.interviewer, d.recruiter} {
		if err := d.store.RespondDecision(d.ctx, staffActor(u), id, models.VerdictApprove, "Looks good"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%s not asked: %v, want ErrNotFound", u.Role, err)
		}
	}
	mgr := staffActor(d.manager)
	if err := d.store.RespondDecision(d.ctx, mgr, id, "maybe", "ok"); models.FieldErrors(err)["verdict"] == "" || models.FieldErrors(err)["rationale"] == "" {
		t.Errorf("bad verdict and short rationale: %v", err)
	}
	must(t, d.store.RespondDecision(d.ctx, mgr, id, models.VerdictApprove, "Strong negotiation day"))
	if s := decisionStatus(t, d, id); s != models.DecisionOpen {
		t.Fatalf("after one of two approvals: %s", s)
	}
	if err := d.store.RespondDecision(d.ctx, mgr, id, models.VerdictApprove, "Again"); models.FieldErrors(err)["verdict"] == "" {
		t.Errorf("answering twice: %v", err)
	}
	since := lastOutboxID(t, d.store)
	must(t, d.store.RespondDecision(d.ctx, staffActor(d.admin), id, models.VerdictApprove, "References are excellent"))
	if s := decisionStatus(t, d, id); s != models.DecisionApproved {
		t.Fatalf("after every approval: %s", s)
	}
	// Each answer is audited with its rationale, then the outcome by the system.
	auditWho(t, auditRows(t, d.store, "decision.answer_approve", app.ID), []string{d.manager.Email, d.admin.Email},
		"rationale", "Strong negotiation day", "References are excellent")
	auditWho(t, auditRows(t, d.store, "decision.approved", app.ID), []string{"consultation"}, "proposal", "Offer the role")
	if msgs := outboxSince(t, d.store, since, models.MsgDecisionDecided); len(msgs) != 1 || msgs[0].ToEmail != d.recruiter.Email {
		t.Errorf("decided alerts: %+v", msgs)
	}
	reqs, err := d.store.Decisions(d.ctx, staffActor(d.recruiter), []int64{app.ID})
	if err != nil || len(reqs) != 1 || len(reqs[0].Responses) != 2 || reqs[0].Requester != d.recruiter.Name || reqs[0].DecidedAt == nil {
		t.Fatalf("Decisions: %+v, %v", reqs, err)
	}
	for _, r := range reqs[0].Responses {
		if r.Verdict == nil || *r.Verdict != models.VerdictApprove || r.Name == "" || len(r.Rationale) < 3 {
			t.Errorf("response %+v", r)
		}
	}

	// One objection decides at once, even before the others answer.
	ben, obj := d.openDecision(t, "ben.okafor@example.com")
	must(t, d.store.RespondDecision(d.ctx, staffActor(d.admin), obj, models.VerdictObject, "Weak on discovery questions"))
	if s := decisionStatus(t, d, obj); s != models.DecisionObjected {
		t.Fatalf("after an objection: %s", s)
	}
	auditWho(t, auditRows(t, d.store, "decision.answer_object", ben.ID), []string{d.admin.Email}, "rationale", "Weak on discovery questions")
	auditWho(t, auditRows(t, d.store, "decision.objected", ben.ID), []string{"consultation"}, "proposal", "Offer the role")
	if err := d.store.RespondDecision(d.ctx, mgr, obj, models.VerdictApprove, "Too late"); models.FieldErrors(err)["verdict"] == "" {
		t.Errorf("answering a decided consultation: %v", err)
	}
	if _, again := d.openDecision(t, "ben.okafor@example.com"); again == 0 || again == obj {
		t.Error("no new consultation after an objection")
	}
}

// auditWho checks audit rows by actor email (staff, or "consultation" for
// the system's outcome), each carrying the next value under key.
func auditWho(t *testing.T, rows []models.AuditEntry, emails []string, key string, values ...string) {
	t.Helper()
	if len(rows) != len(emails) {
		t.Fatalf("%d audit rows, want %d (%v)", len(rows), len(emails), emails)
	}
	for i, r := range rows {
		var details map[string]any
		json.Unmarshal(r.Details, &details)
		kind := "staff"
		if emails[i] == "consultation" {
			kind = "system"
		}
		if r.ActorEmail != emails[i] || r.ActorKind != kind || details[key] != values[i] {
			t.Errorf("%s row %d: %s %s %s, want %s with %s %q", r.Action, i, r.ActorKind, r.ActorEmail, r.Details, emails[i], key, values[i])
		}
	}
}

// The offer stage opens by sending an offer; on a position that requires
// it, the offer goes out only after an approved consultation.
func TestOfferStageNeedsAnApprovedDecision(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	rec := staffActor(d.recruiter)
	app := d.application(t, "chloe.dubois@example.com")
	must(t, d.store.MoveStage(d.ctx, rec, app.ID, models.MoveRequest{To: models.StageHRRound}))
	v, err := d.store.SaveOfferDraft(d.ctx, rec, app.ID, offerInput)
	must(t, err)
	must(t, d.store.SubmitOffer(d.ctx, rec, v.ID))
	must(t, d.store.ApproveOffer(d.ctx, staffActor(d.manager), v.ID))
	blocked := func(when string) {
		t.Helper()
		err := d.store.SendOffer(d.ctx, rec, v.ID)
		if msg := models.FieldErrors(err)[""]; !strings.Contains(msg, "approved hiring decision") {
			t.Fatalf("%s: sending the offer gave %v, want the decision error", when, err)
		}
		if got := d.application(t, "chloe.dubois@example.com"); got.Stage != models.StageHRRound {
			t.Fatalf("%s: the application moved to %s", when, got.Stage)
		}
	}
	blocked("without a decision")
	_, id := d.openDecision(t, "chloe.dubois@example.com")
	blocked("while the decision is open")
	must(t, d.store.WithdrawDecision(d.ctx, rec, id))
	if s := decisionStatus(t, d, id); s != models.DecisionWithdrawn {
		t.Errorf("withdrawn request is %s", s)
	}
	blocked("after a withdrawal")
	_, id = d.openDecision(t, "chloe.dubois@example.com")
	d.store.RespondDecision(d.ctx, staffActor(d.admin), id, models.VerdictApprove, "Yes")
	must(t, d.store.RespondDecision(d.ctx, staffActor(d.manager), id, models.VerdictObject, "Not yet"))
	blocked("after an objection")
	_, id = d.openDecision(t, "chloe.dubois@example.com")
	for _, u := range []*models.StaffUser{d.manager, d.admin} {
		must(t, d.store.RespondDecision(d.ctx, staffActor(u), id, models.VerdictApprove, "Agreed"))
	}
	if err := d.store.SendOffer(d.ctx, rec, v.ID); err != nil {
		t.Fatalf("sending the offer after approval: %v", err)
	}
	if got := d.application(t, "chloe.dubois@example.com"); got.Stage != models.StageOffer {
		t.Fatalf("after the offer is sent the application is in %s, want offer", got.Stage)
	}
}

// No hand move reaches the offer or anything past it.
func TestOfferGateCannotBeJumped(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	app := d.application(t, "chloe.dubois@example.com") // commercial negotiation, no decision
	for _, to := range []models.StageKey{models.StageOffer, models.StageContract, models.StageOnboarding, models.StageHired} {
		if err := d.store.MoveStage(d.ctx, staffActor(d.recruiter), app.ID, models.MoveRequest{To: to, Note: "not needed here", ConfirmSkip: true}); models.FieldErrors(err)["to_stage"] == "" {
			t.Errorf("jump to %s: %v", to, err)
		}
	}
}

func TestReviewAveragesPerCriterion(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	cs := criteria(t, d, d.ae)
	ivan := d.newInterviewer(t, "Ivan Second")
	amelia, _ := d.bookedRound(t, "amelia.hart@example.com", "2026-12-08T10:00", d.interviewer.ID, ivan.ID)
	chloe1, _ := d.bookedRound(t, "chloe.dubois@example.com", "2026-12-08T12:00", d.interviewer.ID, ivan.ID)
	d.at(t, "2026-12-08T13:00")
	d.submit(t, d.interviewer, amelia.ID, card(cs, models.RecommendYes, 3, 4, 2))
	d.submit(t, ivan, amelia.ID, card(cs, models.RecommendStrongYes, 2, 4, 3))
	d.submit(t, d.interviewer, chloe1.ID, card(cs, models.RecommendNo, 1, 2, 3))
	d.submit(t, ivan, chloe1.ID, card(cs, models.RecommendStrongNo, 2, 2, 4))
	chloe2, _ := d.newRound(t, "chloe.dubois@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-09T12:00"))
	chloeApp := d.application(t, "chloe.dubois@example.com")
	must(t, d.store.PickSlot(d.ctx, candidateActor(chloeApp), chloeApp.ID, chloe2.ID, roundSlots(t, d.store, chloe2.ID)[0].ID))
	d.at(t, "2026-12-09T13:00")
	d.submit(t, d.interviewer, chloe2.ID, card(cs, models.RecommendNo, 1, 3, 4))

	rv, err := d.store.GetReview(d.ctx, staffActor(d.recruiter), d.ae, "")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]models.ReviewRow{}
	for _, r := range rv.Rows {
		rows[r.CandidateName] = r
	}
	if len(rows) != 5 || rows["Elena Rossi"].ApplicationID != 0 { // Amelia, Ben, Chloe, Daniel, Sofia; not the rejected Elena
		t.Fatalf("review rows %v", rows)
	}
	want := map[string]struct {
		means [3]float64
		recs  map[models.Recommendation]int
		cards int
	}{
		"Amelia Hart":  {[3]float64{2.5, 4, 2.5}, map[models.Recommendation]int{models.RecommendYes: 1, models.RecommendStrongYes: 1}, 2},
		"Chloe Dubois": {[3]float64{4.0 / 3, 7.0 / 3, 11.0 / 3}, map[models.Recommendation]int{models.RecommendNo: 2, models.RecommendStrongNo: 1}, 3},
	}
	for name, w := range want {
		r := rows[name]
		for i, c := range cs {
			if got, ok := r.Averages[c.ID]; !ok || math.Abs(got-w.means[i]) > 1e-9 {
				t.Errorf("%s, %s: mean %v, want %v", name, c.Name, got, w.means[i])
			}
		}
		if r.Scorecards != w.cards || fmt.Sprint(r.Recommendations) != fmt.Sprint(w.recs) {
			t.Errorf("%s: %d scorecards %v, want %d %v", name, r.Scorecards, r.Recommendations, w.cards, w.recs)
		}
	}
	if ben := rows["Ben Okafor"]; ben.Scorecards != 0 || len(ben.Averages) != 0 {
		t.Errorf("Ben without scorecards: %+v", ben)
	}
	later, err := d.store.GetReview(d.ctx, staffActor(d.manager), d.ae, models.StageCommercialNegotiation)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range later.Rows {
		names = append(names, r.CandidateName)
	}
	// Amelia's commercial negotiation interview moved her to that stage (TestSchedulingMovesTheStageOn).
	if fmt.Sprint(names) != "[Amelia Hart Chloe Dubois Daniel Kim Sofia Costa]" {
		t.Errorf("from commercial negotiation the manager sees %v", names)
	}
	backend := positionID(t, d.store, "Backend Engineer (Go)")
	if _, err := d.store.GetReview(d.ctx, staffActor(d.manager), backend, ""); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("hiring manager of another position: %v, want ErrNotFound", err)
	}
	if _, err := d.store.GetReview(d.ctx, staffActor(d.interviewer), d.ae, ""); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("interviewer: %v, want ErrNotFound", err)
	}
}
