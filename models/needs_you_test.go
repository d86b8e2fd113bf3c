package models_test

import (
	"context"
	"fmt"
	"testing"

	"nextstep/models"
	"nextstep/views"
)

// queue finds kind among qs.
func queue(qs []models.Queue, kind models.QueueKind) (models.Queue, bool) {
	for _, q := range qs {
		if q.Kind == kind {
			return q, true
		}
	}
	return models.Queue{}, false
}

// hasDetail reports whether one of q's items reads detail (the demo data
// has items of its own).
func hasDetail(q models.Queue, detail string) bool {
	for _, it := range q.Items {
		if it.Detail == detail {
			return true
		}
	}
	return false
}

// hasItem reports whether one of q's items is id.
func hasItem(q models.Queue, id int64) bool {
	for _, it := range q.Items {
		if it.ID == id {
			return true
		}
	}
	return false
}

func needsYou(t *testing.T, d demo, u *models.StaffUser) ([]models.Queue, int) {
	t.Helper()
	ctx := context.Background()
	qs, err := d.store.NeedsYou(ctx, staffActor(u))
	if err != nil {
		t.Fatal(err)
	}
	n, err := d.store.NeedsYouCount(ctx, staffActor(u))
	if err != nil {
		t.Fatal(err)
	}
	return qs, n
}

// An offer submitted for approval is work for its approver and, for the
// recruiter who drafted it, something to follow (not counted as work);
// sent back, it becomes the recruiter's work; approved, it waits to be sent.
func TestNeedsYouFollowsAnOfferThroughApproval(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	_, recruiterBefore := needsYou(t, d, d.recruiter)
	_, managerBefore := needsYou(t, d, d.manager)
	app, v := pendingOffer(t, d)

	qs, n := needsYou(t, d, d.manager)
	q, ok := queue(qs, models.QueueOffersToApprove)
	if !ok || q.Count != 1 || q.Items[0].ID != v.ID || q.Items[0].ApplicationID != app.ID || n != managerBefore+1 {
		t.Fatalf("manager: offers to approve %+v (found %v), count %d → %d; want version %d and one more", q, ok, managerBefore, n, v.ID)
	}
	qs, n = needsYou(t, d, d.recruiter)
	if _, ok := queue(qs, models.QueueOffersToApprove); ok {
		t.Fatal("the recruiter who drafted the offer is asked to approve it")
	}
	if q, ok := queue(qs, models.QueueAwaitingApproval); !ok || q.Items[0].ID != v.ID || q.Action() || n != recruiterBefore {
		t.Fatalf("recruiter: awaiting approval %+v (found %v), count %d → %d; want it listed, not counted", q, ok, recruiterBefore, n)
	}
	other := secondManager(t, d)
	if qs, n := needsYou(t, d, other); len(qs) != 0 || n != 0 {
		t.Fatalf("a manager of no position sees %+v (count %d)", qs, n)
	}

	if err := d.store.SendBackOffer(ctx, staffActor(d.manager), v.ID, "Salary above the band"); err != nil {
		t.Fatal(err)
	}
	qs, n = needsYou(t, d, d.recruiter)
	if q, ok := queue(qs, models.QueueOffersSentBack); !ok || q.Items[0].Detail != "Salary above the band" || n != recruiterBefore+1 {
		t.Fatalf("recruiter after send back: %+v (found %v), count %d", q, ok, n)
	}
	if qs, _ := needsYou(t, d, d.manager); len(qs) > 0 {
		if _, ok := queue(qs, models.QueueOffersToApprove); ok {
			t.Fatal("the sent-back offer is still waiting for the manager's approval")
		}
	}

	if err := d.store.SubmitOffer(ctx, staffActor(d.recruiter), v.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.store.ApproveOffer(ctx, staffActor(d.manager), v.ID); err != nil {
		t.Fatal(err)
	}
	qs, _ = needsYou(t, d, d.recruiter)
	if q, ok := queue(qs, models.QueueOffersToSend); !ok || q.Items[0].ID != v.ID {
		t.Fatalf("recruiter after approval: offers to send %+v (found %v)", q, ok)
	}
	if _, ok := queue(qs, models.QueueOffersSentBack); ok {
		t.Fatal("the offer is still listed as sent back after it was approved")
	}
}

// Overdue promises are listed oldest first, only for positions the actor
// may see, and interviewers have no such queue.
func TestNeedsYouOverduePromises(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	db := d.store.DB()
	var want, managed int64
	now := d.clock.Now()
	mustDB(t, db.Raw(`SELECT count(*) FROM applications WHERE status = 'active' AND expected_update_at < ?`, now).Scan(&want))
	mustDB(t, db.Raw(`SELECT count(*) FROM applications a JOIN positions p ON p.id = a.position_id
		WHERE a.status = 'active' AND a.expected_update_at < ? AND p.hiring_manager_id = ?`, now, d.manager.ID).Scan(&managed))
	if want == 0 || managed == 0 || managed == want {
		t.Fatalf("fixture: %d overdue, %d of them the manager's; want some of each", want, managed)
	}
	qs, _ := needsYou(t, d, d.recruiter)
	q, _ := queue(qs, models.QueueOverdue)
	if int64(q.Count) != want {
		t.Fatalf("recruiter: %d overdue, want %d", q.Count, want)
	}
	for i := 1; i < len(q.Items); i++ {
		if q.Items[i].Due.Before(*q.Items[i-1].Due) {
			t.Fatalf("overdue items not oldest first: %v before %v", q.Items[i-1].Due, q.Items[i].Due)
		}
	}
	qs, _ = needsYou(t, d, d.manager)
	if q, _ := queue(qs, models.QueueOverdue); int64(q.Count) != managed {
		t.Fatalf("manager: %d overdue, want %d (their positions only)", q.Count, managed)
	}
	interviewer, err := d.store.StaffByEmail(context.Background(), "interviewer@demo.nextstep.test")
	if err != nil {
		t.Fatal(err)
	}
	if qs, _ := needsYou(t, d, interviewer); len(qs) != 0 {
		t.Fatalf("interviewer sees %+v", qs)
	}
	// Moving the date on takes the application off the queue.
	if err := d.store.OverrideExpectedDate(context.Background(), staffActor(d.recruiter), q.Items[0].ApplicationID, now.AddDate(0, 0, 7), "Waiting for references"); err != nil {
		t.Fatal(err)
	}
	qs, _ = needsYou(t, d, d.recruiter)
	if q, _ := queue(qs, models.QueueOverdue); int64(q.Count) != want-1 {
		t.Fatalf("after a new date: %d overdue, want %d", q.Count, want-1)
	}
}

// A candidate's question on an open offer and a contract to countersign
// each reach the right person.
func TestNeedsYouQuestionsAndContracts(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	db := d.store.DB()
	appID, cand := acceptedOffer(t, d)
	if err := d.store.AskOfferQuestion(ctx, cand, appID, "Is the start date flexible?"); err != nil {
		t.Fatal(err)
	}
	qs, _ := needsYou(t, d, d.recruiter)
	if q, ok := queue(qs, models.QueueOfferQuestions); ok && hasDetail(q, "Is the start date flexible?") {
		t.Fatalf("a question on an accepted offer is listed: %+v", q)
	}
	mustDB(t, db.Exec(`UPDATE offers SET status = 'open' WHERE application_id = ?`, appID))
	qs, _ = needsYou(t, d, d.recruiter)
	if q, ok := queue(qs, models.QueueOfferQuestions); !ok || !hasDetail(q, "Is the start date flexible?") {
		t.Fatalf("recruiter: questions %+v (found %v)", q, ok)
	}

	mustDB(t, db.Exec(`UPDATE offers SET status = 'accepted' WHERE application_id = ?`, appID))
	qs, _ = needsYou(t, d, d.recruiter)
	if q, ok := queue(qs, models.QueueContractsToSend); !ok || q.Items[0].ApplicationID != appID || views.QueueItemPath(q.Kind, q.Items[0]) != fmt.Sprintf("/admin/candidates/%d#offer-%d", q.Items[0].CandidateID, appID) {
		t.Fatalf("an accepted offer is not listed as waiting for its contract: %+v (found %v)", q, ok)
	}
	c, err := d.store.GenerateContract(ctx, staffActor(d.recruiter), appID, 1)
	if err != nil {
		t.Fatal(err)
	}
	qs, _ = needsYou(t, d, d.recruiter)
	if _, ok := queue(qs, models.QueueContractsToSend); ok {
		t.Fatal("a sent contract is still listed as waiting")
	}
	if err := d.store.GiveEsignConsent(ctx, cand, appID, true); err != nil {
		t.Fatal(err)
	}
	mustDB(t, db.Exec(`UPDATE staff_users SET can_sign_contracts = (id = ?)`, d.admin.ID))
	qs, _ = needsYou(t, d, d.admin)
	if q, ok := queue(qs, models.QueueCountersign); ok && hasItem(q, c.ID) {
		t.Fatal("a contract the candidate has not signed is listed to countersign")
	}
	if err := d.store.SignAsCandidate(ctx, cand, appID, "Daniel Kim", true); err != nil {
		t.Fatal(err)
	}
	qs, _ = needsYou(t, d, d.admin)
	if q, ok := queue(qs, models.QueueCountersign); !ok || !hasItem(q, c.ID) || views.QueueItemPath(q.Kind, q.Items[len(q.Items)-1]) != fmt.Sprintf("/admin/contracts/%d", c.ID) {
		t.Fatalf("admin who signs: contracts %+v (found %v), want %d", q, ok, c.ID)
	}
	qs, _ = needsYou(t, d, d.recruiter)
	if _, ok := queue(qs, models.QueueCountersign); ok {
		t.Fatal("a recruiter who may not sign contracts is asked to countersign")
	}
}
