package models_test

import (
	"context"
	"testing"
	"time"

	"nextstep/models"
)

// One test per Needs-you queue: a change made through the Store (the use
// case a handler calls) adds an item, and the navigation's count of the
// staff member it waits for goes up by exactly one at once; the change that
// deals with it takes it off, and the count goes down by one at once. Each
// count is read right after the change, with the count read before it still
// kept (see countCache): a change that did not forget the kept counts, or a
// queue that keeps or loses the wrong rows, fails here. Staff the item is
// not for (a manager of other positions, an interviewer, a recruiter who may
// not sign) are watched too: their counts must not move. The queues of
// interviews, decisions, assessment days and promises are in
// needs_you_queues_more_test.go.

// Short names for the queues, for the tables of expected moves.
const (
	qApprove    = models.QueueOffersToApprove
	qSentBack   = models.QueueOffersSentBack
	qToSend     = models.QueueOffersToSend
	qQuestions  = models.QueueOfferQuestions
	qToContract = models.QueueContractsToSend
	qSign       = models.QueueCountersign
	qNames      = models.QueueNameCorrections
	qDecide     = models.QueueDecisions
	qCards      = models.QueueScorecards
	qTimes      = models.QueueInterviewTimes
	qResults    = models.QueueAssessmentResults
	qOverdue    = models.QueueOverdue
	qRefs       = models.QueueReferencesIn
	qChecks     = models.QueueCheckResults
	qStarters   = models.QueueOnboarding
	qAwaiting   = models.QueueAwaitingApproval
)

// moves is how one staff member's queues change with one change: queue →
// by how much. A queue not named must not change; nil means nothing moves.
type moves map[models.QueueKind]int

// item is the queue item a test follows: its id as the queue lists it (the
// version, contract, round, day… see queueSQL) and its application.
type item struct{ id, app int64 }

// sight is what one staff member sees: the navigation's count and the
// count of each queue on the Needs-you page.
type sight struct {
	count  int
	queues map[models.QueueKind]models.Queue
}

// look reads the navigation's count first (right after the change that
// precedes it, with whatever the Store kept), then the page.
func look(t *testing.T, d demo, u *models.StaffUser) sight {
	t.Helper()
	ctx := context.Background()
	n, err := d.store.NeedsYouCount(ctx, staffActor(u))
	if err != nil {
		t.Fatal(err)
	}
	qs, err := d.store.NeedsYou(ctx, staffActor(u))
	if err != nil {
		t.Fatal(err)
	}
	s := sight{count: n, queues: map[models.QueueKind]models.Queue{}}
	page := 0
	for _, q := range qs {
		s.queues[q.Kind] = q
		if q.Action() {
			page += q.Count
		}
	}
	if page != n {
		t.Errorf("%s: the navigation counts %d, the Needs-you page %d", u.Email, n, page)
	}
	return s
}

// watch follows one queue item through changes, for several staff members.
type watch struct {
	t      *testing.T
	d      demo
	kind   models.QueueKind
	who    []*models.StaffUser
	last   []sight
	listed []bool // whether the item is on each one's queue now
}

// watchQueue reads what each of who sees before the first change; the
// item followed is on nobody's queue yet.
func watchQueue(t *testing.T, d demo, kind models.QueueKind, who ...*models.StaffUser) *watch {
	t.Helper()
	w := &watch{t: t, d: d, kind: kind, who: who, listed: make([]bool, len(who))}
	w.rebase()
	return w
}

// rebase reads everyone's counts again (after the clock moved).
func (w *watch) rebase() {
	w.t.Helper()
	w.last = w.last[:0]
	for _, u := range w.who {
		w.last = append(w.last, look(w.t, w.d, u))
	}
}

// after checks, right after change, that each watched staff member's queues
// moved as want says (one moves per person, in the order watched), that
// the navigation's count moved by the sum of the moves of the queues that
// are work, and that the item is on their queue of the watched kind
// exactly when it should be.
func (w *watch) after(change string, it item, want ...moves) {
	w.t.Helper()
	if len(want) != len(w.who) {
		w.t.Fatalf("after %s: %d expectations for %d staff", change, len(want), len(w.who))
	}
	for i, u := range w.who {
		now := look(w.t, w.d, u)
		total := 0
		for _, k := range []models.QueueKind{qApprove, qSentBack, qToSend, qQuestions, qToContract, qSign, qNames,
			qDecide, qCards, qTimes, qResults, qOverdue, qRefs, qChecks, qStarters, qAwaiting} {
			got := now.queues[k].Count - w.last[i].queues[k].Count
			if got != want[i][k] {
				w.t.Errorf("after %s, %s (%s): queue %s went from %d to %d, want a change of %+d",
					change, u.Email, u.Role, k, w.last[i].queues[k].Count, now.queues[k].Count, want[i][k])
			}
			if k != qAwaiting {
				total += want[i][k]
			}
		}
		if got := now.count - w.last[i].count; got != total {
			w.t.Errorf("after %s, %s (%s): the navigation's count went from %d to %d, want a change of %+d",
				change, u.Email, u.Role, w.last[i].count, now.count, total)
		}
		switch {
		case want[i][w.kind] > 0:
			w.listed[i] = true
		case want[i][w.kind] < 0:
			w.listed[i] = false
		}
		if q := now.queues[w.kind]; listsItem(q, it) != w.listed[i] {
			w.t.Errorf("after %s, %s (%s): item %+v listed in %s is %v, want %v (items %+v)",
				change, u.Email, u.Role, it, w.kind, !w.listed[i], w.listed[i], q.Items)
		}
		w.last[i] = now
	}
	if w.t.Failed() {
		w.t.FailNow()
	}
}

// listsItem reports whether q lists it (queues list their oldest items
// first, up to QueueItemLimit: the tests keep queues shorter than that).
func listsItem(q models.Queue, it item) bool {
	for _, x := range q.Items {
		if x.ID == it.id && x.ApplicationID == it.app {
			return true
		}
	}
	return false
}

// setClock moves the store's clock to at (backwards too).
func setClock(d demo, at time.Time) { d.clock.Advance(at.Sub(d.clock.Now())) }

// offerCast is who watches an offer of Daniel's (Account Executive, managed
// by the demo manager): the recruiter who drafts it, the manager who
// approves it, a manager of no position and the interviewer.
func offerCast(t *testing.T, d demo) (recruiter, manager, other, interviewer *models.StaffUser) {
	t.Helper()
	return d.recruiter, d.manager, secondManager(t, d), staffByEmail(t, d.store, "interviewer@demo.nextstep.test")
}

// rejectDaniel is the recruiter rejecting Daniel's application.
func rejectDaniel(d demo, appID int64) error {
	return d.store.ChangeStatus(context.Background(), staffActor(d.recruiter), appID, models.StatusRejected, "The role went to another candidate.")
}

// versionChange is one way an offer version leaves a queue.
type versionChange struct {
	name              string
	change            func(d demo, app models.Application, v *models.OfferVersion) error
	drafter, approver moves
}

// Submitted for approval, an offer is work for its approver (listed, not
// counted, for the recruiter who drafted it); it leaves when approved, sent
// back, edited again, or when the application closes.
func TestNeedsYouCountOffersToApprove(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	edited := offerInput
	edited.SalaryAmount = "64000"
	for _, tc := range []versionChange{
		{"approval", func(d demo, _ models.Application, v *models.OfferVersion) error {
			return d.store.ApproveOffer(ctx, staffActor(d.manager), v.ID)
		}, moves{qAwaiting: -1, qToSend: 1}, moves{qApprove: -1, qToSend: 1}},
		{"sending back", func(d demo, _ models.Application, v *models.OfferVersion) error {
			return d.store.SendBackOffer(ctx, staffActor(d.manager), v.ID, "Bring the salary into the band.")
		}, moves{qAwaiting: -1, qSentBack: 1}, moves{qApprove: -1, qSentBack: 1}},
		{"an edit by the drafter", func(d demo, app models.Application, _ *models.OfferVersion) error {
			_, err := d.store.SaveOfferDraft(ctx, staffActor(d.recruiter), app.ID, edited)
			return err
		}, moves{qAwaiting: -1}, moves{qApprove: -1}},
		{"rejecting the application", func(d demo, app models.Application, _ *models.OfferVersion) error {
			return rejectDaniel(d, app.ID)
		}, moves{qAwaiting: -1}, moves{qApprove: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t)
			recruiter, manager, other, interviewer := offerCast(t, d)
			app := d.application(t, "daniel.kim@example.com")
			v, err := d.store.SaveOfferDraft(ctx, staffActor(recruiter), app.ID, offerInput)
			must(t, err)
			w := watchQueue(t, d, qApprove, manager, recruiter, d.admin, other, interviewer)
			must(t, d.store.SubmitOffer(ctx, staffActor(recruiter), v.ID))
			w.after("submitting the offer", item{v.ID, app.ID}, moves{qApprove: 1}, moves{qAwaiting: 1}, moves{qApprove: 1}, nil, nil)
			must(t, tc.change(d, app, v))
			admin := tc.approver // the admin approves every offer, and sees every position
			w.after(tc.name, item{v.ID, app.ID}, tc.approver, tc.drafter, admin, nil, nil)
		})
	}
}

// Sent back, an offer is work for the recruiter (and shows to the position's
// manager); it stays while edited and leaves when submitted again or when
// the application closes.
func TestNeedsYouCountOffersSentBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []versionChange{
		{"submitting it again", func(d demo, _ models.Application, v *models.OfferVersion) error {
			return d.store.SubmitOffer(ctx, staffActor(d.recruiter), v.ID)
		}, moves{qSentBack: -1, qAwaiting: 1}, moves{qSentBack: -1, qApprove: 1}},
		{"rejecting the application", func(d demo, app models.Application, _ *models.OfferVersion) error {
			return rejectDaniel(d, app.ID)
		}, moves{qSentBack: -1}, moves{qSentBack: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t)
			recruiter, manager, other, interviewer := offerCast(t, d)
			app, v := pendingOffer(t, d)
			w := watchQueue(t, d, qSentBack, recruiter, manager, other, interviewer)
			must(t, d.store.SendBackOffer(ctx, staffActor(manager), v.ID, "Bring the salary into the band."))
			it := item{v.ID, app.ID}
			w.after("sending it back", it, moves{qAwaiting: -1, qSentBack: 1}, moves{qApprove: -1, qSentBack: 1}, nil, nil)
			edited := offerInput
			edited.SalaryAmount = "60000"
			_, err := d.store.SaveOfferDraft(ctx, staffActor(recruiter), app.ID, edited)
			must(t, err)
			w.after("editing it", it, nil, nil, nil, nil)
			must(t, tc.change(d, app, v))
			w.after(tc.name, it, tc.drafter, tc.approver, nil, nil)
		})
	}
}

// Approved, an offer waits to be sent; it leaves when sent, edited (a new
// draft) or when the application closes.
func TestNeedsYouCountOffersToSend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []versionChange{
		{"sending it", func(d demo, _ models.Application, v *models.OfferVersion) error {
			return d.store.SendOffer(ctx, staffActor(d.recruiter), v.ID)
		}, moves{qToSend: -1}, moves{qToSend: -1}},
		{"an edit", func(d demo, app models.Application, _ *models.OfferVersion) error {
			edited := offerInput
			edited.StartDate = "2027-03-01"
			_, err := d.store.SaveOfferDraft(ctx, staffActor(d.recruiter), app.ID, edited)
			return err
		}, moves{qToSend: -1}, moves{qToSend: -1}},
		{"rejecting the application", func(d demo, app models.Application, _ *models.OfferVersion) error {
			return rejectDaniel(d, app.ID)
		}, moves{qToSend: -1}, moves{qToSend: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t)
			recruiter, manager, other, interviewer := offerCast(t, d)
			app, v := pendingOffer(t, d)
			w := watchQueue(t, d, qToSend, recruiter, manager, other, interviewer)
			must(t, d.store.ApproveOffer(ctx, staffActor(manager), v.ID))
			it := item{v.ID, app.ID}
			w.after("approving it", it, moves{qAwaiting: -1, qToSend: 1}, moves{qApprove: -1, qToSend: 1}, nil, nil)
			must(t, tc.change(d, app, v))
			w.after(tc.name, it, tc.drafter, tc.approver, nil, nil)
		})
	}
}

// sentOffer drafts, submits, approves and sends an offer for Daniel; it
// returns his application, the version and Daniel as an actor.
func sentOffer(t *testing.T, d demo) (models.Application, *models.OfferVersion, models.Actor) {
	t.Helper()
	ctx := context.Background()
	app, v := pendingOffer(t, d)
	must(t, d.store.ApproveOffer(ctx, staffActor(d.manager), v.ID))
	must(t, d.store.SendOffer(ctx, staffActor(d.recruiter), v.ID))
	return app, v, models.Actor{Kind: "candidate", ID: app.CandidateID, Email: "daniel.kim@example.com", IP: "198.51.100.20"}
}

// A candidate's question on a sent offer is work for those who manage the
// application until answered, or until the offer is no longer open.
func TestNeedsYouCountOfferQuestions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		change func(d demo, app models.Application, v *models.OfferVersion, cand models.Actor, questionID int64) error
		staff  moves // for the recruiter and the manager alike
	}{
		{"answering it", func(d demo, _ models.Application, _ *models.OfferVersion, _ models.Actor, id int64) error {
			return d.store.AnswerOfferQuestion(ctx, staffActor(d.recruiter), id, "Yes, by a month either way.")
		}, moves{qQuestions: -1}},
		{"the candidate accepting", func(d demo, app models.Application, v *models.OfferVersion, cand models.Actor, _ int64) error {
			return d.store.AcceptJobOffer(ctx, cand, app.ID, v.ID)
		}, moves{qQuestions: -1, qToContract: 1}},
		{"the candidate declining", func(d demo, app models.Application, v *models.OfferVersion, cand models.Actor, _ int64) error {
			return d.store.DeclineJobOffer(ctx, cand, app.ID, v.ID, "I took another offer.")
		}, moves{qQuestions: -1}},
		{"rejecting the application", func(d demo, app models.Application, _ *models.OfferVersion, _ models.Actor, _ int64) error {
			return rejectDaniel(d, app.ID)
		}, moves{qQuestions: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t)
			recruiter, manager, other, interviewer := offerCast(t, d)
			app, v, cand := sentOffer(t, d)
			w := watchQueue(t, d, qQuestions, recruiter, manager, other, interviewer)
			must(t, d.store.AskOfferQuestion(ctx, cand, app.ID, "Is the start date flexible?"))
			var id int64
			mustDB(t, d.store.DB().Raw(`SELECT max(q.id) FROM offer_questions q JOIN offers o ON o.id = q.offer_id WHERE o.application_id = ?`, app.ID).Scan(&id))
			it := item{id, app.ID}
			w.after("the candidate asking", it, moves{qQuestions: 1}, moves{qQuestions: 1}, nil, nil)
			must(t, tc.change(d, app, v, cand, id))
			w.after(tc.name, it, tc.staff, tc.staff, nil, nil)
		})
	}
}

// contractChange is one way a contract's queue item leaves.
type contractChange struct {
	name   string
	change func(d demo, app models.Application, c *models.Contract) error
}

// An accepted offer waits for its contract until the contract is sent or
// the application closes.
func TestNeedsYouCountContractsToSend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []contractChange{
		{"sending the contract", func(d demo, app models.Application, _ *models.Contract) error {
			_, err := d.store.GenerateContract(ctx, staffActor(d.recruiter), app.ID, 1)
			return err
		}},
		{"withdrawing the application", func(d demo, app models.Application, _ *models.Contract) error {
			return d.store.ChangeStatus(ctx, staffActor(d.recruiter), app.ID, models.StatusWithdrawn, "Moving abroad.")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t)
			recruiter, manager, other, interviewer := offerCast(t, d)
			app, v, cand := sentOffer(t, d)
			w := watchQueue(t, d, qToContract, recruiter, manager, other, interviewer)
			must(t, d.store.AcceptJobOffer(ctx, cand, app.ID, v.ID))
			it := item{app.ID, app.ID}
			w.after("the candidate accepting", it, moves{qToContract: 1}, moves{qToContract: 1}, nil, nil)
			must(t, tc.change(d, app, nil))
			w.after(tc.name, it, moves{qToContract: -1}, moves{qToContract: -1}, nil, nil)
		})
	}
}

// sentContract takes Daniel's offer to acceptance and sends his contract.
func sentContract(t *testing.T, d demo) (models.Application, *models.Contract, models.Actor) {
	t.Helper()
	ctx := context.Background()
	app, v, cand := sentOffer(t, d)
	must(t, d.store.AcceptJobOffer(ctx, cand, app.ID, v.ID))
	c, err := d.store.GenerateContract(ctx, staffActor(d.recruiter), app.ID, 1)
	must(t, err)
	return app, c, cand
}

// Signed by the candidate, a contract waits for a countersignature from
// those who may sign and see the position: the demo manager and the admin,
// not the recruiter (who may not sign) nor a signing manager of other
// positions. It leaves when countersigned or when the application closes.
func TestNeedsYouCountCountersign(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []contractChange{
		{"countersigning", func(d demo, _ models.Application, c *models.Contract) error {
			return d.store.Countersign(ctx, staffActor(d.manager), c.ID, "Hugo Manager", true)
		}},
		{"rejecting the application", func(d demo, app models.Application, _ *models.Contract) error { return rejectDaniel(d, app.ID) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t)
			recruiter, manager, other, interviewer := offerCast(t, d)
			must(t, d.store.UpdateStaff(ctx, staffActor(d.admin), other.ID, models.RoleHiringManager, true, true)) // may sign
			app, c, cand := sentContract(t, d)
			must(t, d.store.GiveEsignConsent(ctx, cand, app.ID, true))
			w := watchQueue(t, d, qSign, manager, d.admin, recruiter, other, interviewer)
			must(t, d.store.SignAsCandidate(ctx, cand, app.ID, "Daniel Kim", true))
			it := item{c.ID, app.ID}
			w.after("the candidate signing", it, moves{qSign: 1}, moves{qSign: 1}, nil, nil, nil)
			must(t, tc.change(d, app, c))
			w.after(tc.name, it, moves{qSign: -1}, moves{qSign: -1}, nil, nil, nil)
		})
	}
}

// A candidate's request to correct the name on an unsigned contract waits
// for those who manage the application until applied or declined, or until
// the application closes (its contract void, the correction can no longer
// be applied).
func TestNeedsYouCountNameCorrections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		change func(d demo, app models.Application, correctionID int64) error
	}{
		{"applying it", func(d demo, _ models.Application, id int64) error {
			_, err := d.store.ApplyNameCorrection(ctx, staffActor(d.recruiter), id)
			return err
		}},
		{"declining it", func(d demo, _ models.Application, id int64) error {
			return d.store.DeclineNameCorrection(ctx, staffActor(d.manager), id, "Your passport reads Daniel Kim.")
		}},
		{"rejecting the application", func(d demo, app models.Application, _ int64) error { return rejectDaniel(d, app.ID) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t)
			recruiter, manager, other, interviewer := offerCast(t, d)
			app, c, cand := sentContract(t, d)
			w := watchQueue(t, d, qNames, recruiter, manager, other, interviewer)
			nc, err := d.store.RequestNameCorrection(ctx, cand, app.ID, "Daniel J. Kim", "As in my passport.")
			must(t, err)
			it := item{c.ID, app.ID}
			w.after("the candidate asking", it, moves{qNames: 1}, moves{qNames: 1}, nil, nil)
			must(t, tc.change(d, app, nc.ID))
			w.after(tc.name, it, moves{qNames: -1}, moves{qNames: -1}, nil, nil)
		})
	}
}
