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

// A new starter's document waiting for verification is work for the staff
// who manage the application (Noah, Warehouse Operations Lead: the
// recruiter, the demo manager, the admin; not the interviewer) until it is
// verified; a staff task past its due day is listed until it is done.
func TestNeedsYouCountOnboarding(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDemo(t)
	app := d.application(t, "noah.schmidt@example.com")
	noah := models.Actor{Kind: "candidate", ID: app.CandidateID, IP: "198.51.100.9", UserAgent: "Test"}
	var tasks []struct {
		ID       int64
		Title    string
		Kind     string
		Document string
		DueOn    time.Time
	}
	mustDB(t, d.store.DB().Raw("SELECT id, title, kind, document, due_on FROM onboarding_tasks WHERE application_id = ? ORDER BY sort_order", app.ID).Scan(&tasks))
	var upload, staffTask int64
	var staffDue time.Time
	for _, tk := range tasks {
		switch {
		case tk.Document == "right_to_work":
			upload = tk.ID
		case tk.Kind == "staff" && staffTask == 0:
			staffTask, staffDue = tk.ID, tk.DueOn
		}
	}
	if upload == 0 || staffTask == 0 {
		t.Fatalf("Noah's checklist lacks a right-to-work upload or a staff task: %+v", tasks)
	}
	rec := staffActor(d.recruiter)
	interviewer := staffByEmail(t, d.store, "interviewer@demo.nextstep.test")
	w := watchQueue(t, d, qStarters, d.recruiter, d.manager, d.admin, interviewer)
	_, err := d.store.UploadTaskDocument(ctx, noah, upload, "passport.pdf", pdfBytes)
	must(t, err)
	in, out := moves{qStarters: 1}, moves{qStarters: -1}
	it := item{upload, app.ID}
	w.after("the starter uploading the document", it, in, in, in, nil)
	must(t, d.store.RecordRightToWork(ctx, rec, upload, models.RTWUKPassport, d.clock.Now(), nil))
	w.after("recording the original seen", it, nil, nil, nil, nil)
	must(t, d.store.VerifyDocument(ctx, rec, upload))
	w.after("verifying it", it, out, out, out, nil)

	listed := func(when string, want bool) {
		t.Helper()
		q := look(t, d, d.recruiter).queues[qStarters]
		if got := listsItem(q, item{staffTask, app.ID}); got != want {
			t.Errorf("%s: the staff task is listed %v, want %v (items %+v)", when, got, want, q.Items)
		}
	}
	if d.clock.Now().After(staffDue.Add(24 * time.Hour)) {
		t.Fatalf("the demo's clock (%v) is already past the staff task's due day %v", d.clock.Now(), staffDue)
	}
	listed("before its due day", false)
	setClock(d, staffDue.Add(36*time.Hour))
	listed("after its due day", true)
	must(t, d.store.CompleteStaffTask(ctx, rec, staffTask))
	listed("once done", false)
}
