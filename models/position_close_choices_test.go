package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/models"
)

// Acceptance 4 (issue 22): closing a position with four open applications,
// one per choice, ends each as chosen, with one message each that really
// reaches the SMTP server; the moved candidate has a new application at the
// other position's first stage and is told once. While an offer is still
// undecided, closing is refused and names it; once it is accepted, the
// position may be filled with that hire in progress, and the fallback's
// rejection waits until the hire is confirmed (the contract signed by both
// parties): then it goes, once.
func TestClosingAPositionWithAChoicePerApplication(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	sink := startMail(t, d.store)
	admin := staffActor(d.admin)
	sales, backend := positionID(t, d.store, "Account Executive"), positionID(t, d.store, "Backend Engineer (Go)")
	amelia, ben := d.application(t, "amelia.hart@example.com"), d.application(t, "ben.okafor@example.com")
	chloe, daniel := d.application(t, "chloe.dubois@example.com"), d.application(t, "daniel.kim@example.com")
	sofia := d.application(t, "sofia.costa@example.com")
	choices := map[int64]models.CloseDecision{
		amelia.ID: {Choice: models.CloseStandard},
		ben.ID:    {Choice: models.CloseWording, Wording: models.MsgRejectionAfterAssessment},
		chloe.ID:  {Choice: models.CloseFallback},
		daniel.ID: {Choice: models.CloseMove, MoveTo: backend},
	}

	// Sofia's offer waits for her answer: nothing closes.
	err := d.store.ClosePosition(ctx, admin, sales, models.PositionFilled, choices)
	if r := models.ErrorOf(err); r == nil || !strings.Contains(r.Message, "Settle the offers in progress first (wait for the answer, or close the application, which withdraws its offer): Sofia Costa.") {
		t.Fatalf("closing with an offer undecided: %v", err)
	}
	var status string
	mustDB(t, d.store.DB().Raw("SELECT status FROM applications WHERE id = ?", amelia.ID).Scan(&status))
	if status != "active" {
		t.Fatalf("the refused closing changed Amelia's application: %s", status)
	}
	sofiaActor := acceptSofiasOffer(t, d)
	_, open, err := d.store.OpenApplications(ctx, admin, sales)
	must(t, err)
	for _, a := range open {
		if a.ID == sofia.ID && (!a.HireInProgress || a.Undecided) {
			t.Fatalf("Sofia's accepted offer, contract unsigned, on the close page: %+v, want the hire in progress", a)
		}
	}

	must(t, d.store.ClosePosition(ctx, admin, sales, models.PositionFilled, choices))

	type row struct {
		Email, Status, Kinds, Held string
		HeldFor                    *int64
	}
	rowsNow := func() map[string]row {
		var rows []row
		mustDB(t, d.store.DB().Raw(`SELECT c.email, a.status,
			(SELECT string_agg(m.kind, ',' ORDER BY m.id) FROM outbox_messages m WHERE m.candidate_id = c.id AND m.created_at >= ?) AS kinds,
			(SELECT string_agg(m.status, ',' ORDER BY m.id) FROM outbox_messages m WHERE m.candidate_id = c.id AND m.created_at >= ?) AS held,
			(SELECT max(m.held_for_position_id) FROM outbox_messages m WHERE m.candidate_id = c.id AND m.created_at >= ?) AS held_for
			FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id IN ? ORDER BY a.id`,
			d.clock.Now(), d.clock.Now(), d.clock.Now(), []int64{amelia.ID, ben.ID, chloe.ID, daniel.ID}).Scan(&rows))
		out := map[string]row{}
		for _, r := range rows {
			out[r.Email] = r
		}
		return out
	}
	want := map[string]row{
		"amelia.hart@example.com":  {Status: "rejected", Kinds: "application_rejected"},
		"ben.okafor@example.com":   {Status: "rejected", Kinds: "rejection_after_assessment"},
		"chloe.dubois@example.com": {Status: "rejected", Kinds: "application_rejected"},
		"daniel.kim@example.com":   {Status: "rejected", Kinds: "application_moved"},
	}
	for email, r := range rowsNow() {
		w := want[email]
		if r.Status != w.Status || r.Kinds != w.Kinds {
			t.Errorf("%s: %s with messages %q, want %s with %q", email, r.Status, r.Kinds, w.Status, w.Kinds)
		}
		fallback := email == "chloe.dubois@example.com"
		if held := r.HeldFor != nil; held != fallback {
			t.Errorf("%s: message held for the position: %v", email, held)
		}
		if fallback && r.Held != "held" {
			t.Errorf("Chloe's rejection is %q while Sofia's hire is in progress, want held", r.Held)
		}
	}
	var moved struct {
		Stage, Status string
		N             int64
	}
	mustDB(t, d.store.DB().Raw(`SELECT max(stage) AS stage, max(status) AS status, count(*) AS n FROM applications
		WHERE candidate_id = ? AND position_id = ?`, daniel.CandidateID, backend).Scan(&moved))
	if moved.N != 1 || moved.Stage != "interview_completed" || moved.Status != "active" {
		t.Fatalf("Daniel's application for the backend position: %+v, want one, active, at its first stage", moved)
	}
	var posStatus string
	mustDB(t, d.store.DB().Raw("SELECT status FROM positions WHERE id = ?", sales).Scan(&posStatus))
	if posStatus != "filled" {
		t.Fatalf("position %s", posStatus)
	}

	// On the wire: one email to each of the three told now, none to Chloe.
	if _, err := sink.WaitFor(3, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	waitDeliveryJobsDone(t, d.store)
	subjects := map[string]string{
		"amelia.hart@example.com":  "Your application for Account Executive",
		"ben.okafor@example.com":   "Your application for Account Executive",
		"daniel.kim@example.com":   "Your application continues for Backend Engineer (Go)",
		"chloe.dubois@example.com": "",
	}
	checkMail := func(when string) {
		t.Helper()
		for email, subject := range subjects {
			got := sink.To(email)
			if subject == "" && len(got) != 0 {
				t.Errorf("%s: %s received %v, want nothing yet", when, email, subjectsOf(got))
			}
			if subject != "" && (len(got) != 1 || got[0].Header.Get("Subject") != subject) {
				t.Errorf("%s: %s received %d emails (%v), want one: %q", when, email, len(got), subjectsOf(got), subject)
			}
		}
	}
	checkMail("after closing")
	if ben := sink.To("ben.okafor@example.com"); len(ben) == 1 && !strings.Contains(string(ben[0].Raw), "assessment day") {
		t.Errorf("Ben's email is not the wording after the assessment day:\n%s", ben[0].Raw)
	}
	list, err := d.store.ListPositions(ctx, admin)
	must(t, err)
	for _, p := range list {
		if p.ID == sales && (p.FallbacksKept != 1 || p.HiresInProgress != 1) {
			t.Errorf("the positions list: %d fallbacks kept, %d hires in progress, want 1 and 1", p.FallbacksKept, p.HiresInProgress)
		}
	}

	// Sofia signs: her hire is not confirmed until the employer countersigns.
	c, err := d.store.GenerateContract(ctx, staffActor(d.recruiter), sofia.ID, 1)
	must(t, err)
	must(t, d.store.GiveEsignConsent(ctx, sofiaActor, sofia.ID, true))
	must(t, d.store.SignAsCandidate(ctx, sofiaActor, sofia.ID, "Sofia Costa", true))
	if r := rowsNow()["chloe.dubois@example.com"]; r.Held != "held" {
		t.Fatalf("Chloe's rejection is %q after only Sofia signed, want held", r.Held)
	}
	must(t, d.store.Countersign(ctx, staffActor(d.manager), c.ID, "Hugo Manager", true))
	if _, err := sink.WaitFor(len(sink.Messages())+1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	waitDeliveryJobsDone(t, d.store)
	subjects["chloe.dubois@example.com"] = "Your application for Account Executive"
	checkMail("after the countersignature")
	if r := rowsNow()["chloe.dubois@example.com"]; r.Kinds != "application_rejected" {
		t.Errorf("Chloe's messages after the countersignature: %q, want the one rejection", r.Kinds)
	}
}

// acceptSofiasOffer: Sofia (sales) accepts the offer she was sent; her
// contract is still to come: the sales position's hire in progress.
func acceptSofiasOffer(t *testing.T, d demo) models.Actor {
	t.Helper()
	ctx := context.Background()
	sofia := d.application(t, "sofia.costa@example.com")
	o, err := d.store.OfferFor(ctx, staffActor(d.admin), sofia.ID)
	must(t, err)
	candidate := models.Actor{Kind: "candidate", ID: sofia.CandidateID, Email: "sofia.costa@example.com", IP: "198.51.100.21", UserAgent: "TestBrowser/1.0"}
	must(t, d.store.AcceptJobOffer(ctx, candidate, sofia.ID, o.Current().ID))
	return candidate
}

// rejectSofia settles the sales position's one undecided offer (Sofia's,
// unanswered) the other way: her application closes, the offer withdrawn.
func rejectSofia(t *testing.T, d demo) {
	t.Helper()
	sofia := d.application(t, "sofia.costa@example.com")
	must(t, d.store.ChangeStatus(context.Background(), staffActor(d.admin), sofia.ID, models.StatusRejected, "The role was given to another candidate."))
}

// Moving an application to a position the candidate already applied for is
// refused with a sentence naming both, and nothing closes.
func TestClosingRefusesAMoveToAPositionAlreadyAppliedFor(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	admin := staffActor(d.admin)
	ops, backend := positionID(t, d.store, "Warehouse Operations Lead"), positionID(t, d.store, "Backend Engineer (Go)")
	kemi := d.application(t, "kemi.adeyemi@example.com")
	if _, err := d.store.AddApplication(ctx, admin, kemi.CandidateID, backend); err != nil {
		t.Fatal(err)
	}
	err := d.store.ClosePosition(ctx, admin, ops, models.PositionClosed, map[int64]models.CloseDecision{kemi.ID: {Choice: models.CloseMove, MoveTo: backend}})
	r := models.ErrorOf(err)
	if r == nil || r.Fields()[models.CloseField(kemi.ID)] != "Kemi Adeyemi already has an application for Backend Engineer (Go)." {
		t.Fatalf("moving to a position already applied for: %v", err)
	}
	var status string
	mustDB(t, d.store.DB().Raw("SELECT status FROM positions WHERE id = ?", ops).Scan(&status))
	if status != "open" {
		t.Fatalf("the refused closing left the position %s", status)
	}
}

// A rejection's message in a chosen wording, put off by three days, is held
// in the outbox with its time and leaves only then; the preview is the very
// message that is sent.
func TestARejectionInAChosenWordingSentLater(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	sink := startMail(t, d.store)
	rec := staffActor(d.recruiter)
	liam := d.application(t, "liam.obrien@example.com")
	if got := models.DefaultRejectionWording(liam.Stage); got != models.MsgRejectionAfterReferences {
		t.Fatalf("default wording at %s: %s", liam.Stage, got)
	}
	r := models.Rejection{Wording: models.MsgRejectionAfterReferences, InDays: 3}
	preview, err := d.store.RejectionPreview(ctx, rec, liam.ID, r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(preview.Body, "Hello Liam O'Brien") || !strings.Contains(preview.Body, "including your references") {
		t.Fatalf("preview:\n%s", preview.Body)
	}
	must(t, d.store.Reject(ctx, rec, liam.ID, "Weak references.", r))
	var m models.OutboxMessage
	mustDB(t, d.store.DB().Where("candidate_id = ? AND kind = ?", liam.CandidateID, models.MsgRejectionAfterReferences).First(&m))
	if m.Status != models.MessageHeld || m.SendAfter == nil || !m.SendAfter.Equal(d.clock.Now().AddDate(0, 0, 3)) {
		t.Fatalf("the message is %s until %v, want held for three days", m.Status, m.SendAfter)
	}
	if m.Subject != preview.Subject || m.Body != preview.Body {
		t.Fatalf("sent %q\n%s\npreviewed %q\n%s", m.Subject, m.Body, preview.Subject, preview.Body)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(sink.To("liam.obrien@example.com")); n != 0 {
		t.Fatalf("%d emails before their time", n)
	}
	d.clock.Advance(72*time.Hour + time.Minute)
	wakeDeliveries(t, d.store)
	if _, err := sink.WaitFor(1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := d.store.Reject(ctx, rec, d.application(t, "maya.patel@example.com").ID, "x", models.Rejection{Wording: "stage_changed"}); models.ErrorOf(err) == nil {
		t.Fatalf("a wording that is not a rejection's: %v", err)
	}
}

func subjectsOf(ms []devdb.ReceivedMail) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Header.Get("Subject")
	}
	return out
}

// Reopening an application whose rejection waits for its day withdraws the
// rejection: it never leaves.
func TestReopeningWithdrawsARejectionSentLater(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	rec := staffActor(d.recruiter)
	maya := d.application(t, "maya.patel@example.com")
	must(t, d.store.Reject(ctx, rec, maya.ID, "Not this time.", models.Rejection{InDays: 2}))
	must(t, d.store.ChangeStatus(ctx, rec, maya.ID, models.StatusActive, ""))
	var status string
	mustDB(t, d.store.DB().Raw("SELECT status FROM outbox_messages WHERE candidate_id = ? AND kind = 'application_rejected'", maya.CandidateID).Scan(&status))
	if status != string(models.MessageCancelled) {
		t.Fatalf("the rejection put off by two days is %q after reopening, want cancelled", status)
	}
}
