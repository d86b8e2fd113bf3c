package models_test

import (
	"context"
	"testing"
	"time"

	"nextstep/models"
)

// A check's result that needs review is work for the recruiter and the
// admin (results are theirs alone), not for the interviewer. It leaves when
// a pre-decision notice goes (the candidate's turn), comes back when the
// candidate answers, and leaves for good when the notice is cancelled or
// the rejection confirmed; a notice nobody answered comes back when its
// wait is over.
func TestNeedsYouCountCheckResults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newCheckFixture(t)
	rec := staffActor(f.recruiter)
	interviewer := staffByEmail(t, f.store, "interviewer@demo.nextstep.test")
	f.consent(t)
	w := watchQueue(t, f.demo, qChecks, f.recruiter, f.admin, interviewer)
	it := item{f.checkID, f.appID}
	must(t, f.store.AttachCheckResult(ctx, rec, f.checkID, "r.pdf", pdfBytes, models.CheckNeedsReview, "A county court judgment from 2021."))
	in, out := moves{qChecks: 1}, moves{qChecks: -1}
	w.after("a result that needs review", it, in, in, nil)
	must(t, f.store.SendPreDecisionNotice(ctx, rec, f.checkID, "A county court judgment from 2021.", "Write to disputes@acme.example."))
	w.after("the pre-decision notice going", it, out, out, nil)
	must(t, f.store.ReplyToPreDecision(ctx, f.candidate, f.checkID, "It was set aside in 2022."))
	w.after("the candidate answering it", it, in, in, nil)
	must(t, f.store.CancelPreDecisionNotice(ctx, rec, f.checkID))
	w.after("cancelling the notice", it, out, out, nil)

	// A notice nobody answers: the item comes back when the wait is over,
	// and leaves when the rejection is confirmed.
	g := newCheckFixture(t)
	rec = staffActor(g.recruiter)
	g.consent(t)
	must(t, g.store.AttachCheckResult(ctx, rec, g.checkID, "r.pdf", pdfBytes, models.CheckNotClear, "A county court judgment from 2021."))
	must(t, g.store.SendPreDecisionNotice(ctx, rec, g.checkID, "A county court judgment from 2021.", "Write to disputes@acme.example."))
	listed := func(when string, want bool) {
		t.Helper()
		q := look(t, g.demo, g.recruiter).queues[qChecks]
		if got := listsItem(q, item{g.checkID, g.appID}); got != want {
			t.Errorf("%s: the check is listed %v, want %v (items %+v)", when, got, want, q.Items)
		}
	}
	listed("while the candidate may answer", false)
	g.clock.Advance(8 * 24 * time.Hour)
	listed("when the wait is over", true)
	must(t, g.store.ConfirmAdverseRejection(ctx, rec, g.checkID))
	listed("after the rejection is confirmed", false)
}
