package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// Filling the backend position while Jonas's hire is in progress (his offer
// accepted, his contract signed by him, not yet by the employer): Grace,
// moved to the sales position with an HR round booked for tomorrow, is told
// once (the moved message, carrying the CANCEL for her calendar, and no
// cancellation email of its own), the panel still hears the round is off,
// and her old application's page says where it went; Henrik, kept as a
// fallback, hears nothing until the employer countersigns Jonas's contract,
// then exactly one message.
func TestAMovedCandidateIsToldOnceAndTheFallbackWaitsForTheHire(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	sink := startMail(t, d.store)
	admin := staffActor(d.admin)
	backend, sales := positionID(t, d.store, "Backend Engineer (Go)"), positionID(t, d.store, "Account Executive")
	grace, henrik, jonas := d.application(t, "grace.liu@example.com"), d.application(t, "henrik.larsen@example.com"), d.application(t, "jonas.weber@example.com")
	var panelBefore int64
	mustDB(t, d.store.DB().Raw(`SELECT count(*) FROM outbox_messages WHERE kind = ?`, models.MsgPanelInterviewCancelled).Scan(&panelBefore))

	must(t, d.store.ClosePosition(ctx, admin, backend, models.PositionFilled, map[int64]models.CloseDecision{
		grace.ID:  {Choice: models.CloseMove, MoveTo: sales},
		henrik.ID: {Choice: models.CloseFallback},
	}))

	var graceKinds []string
	mustDB(t, d.store.DB().Raw(`SELECT kind FROM outbox_messages WHERE candidate_id = ? AND created_at >= ? ORDER BY id`,
		grace.CandidateID, d.clock.Now()).Scan(&graceKinds))
	if strings.Join(graceKinds, ",") != string(models.MsgApplicationMoved) {
		t.Fatalf("Grace's messages: %v, want the one application_moved", graceKinds)
	}
	var panelAfter int64
	mustDB(t, d.store.DB().Raw(`SELECT count(*) FROM outbox_messages WHERE kind = ?`, models.MsgPanelInterviewCancelled).Scan(&panelAfter))
	if panelAfter == panelBefore {
		t.Error("the panel of Grace's HR round was not told it is off")
	}
	if _, err := sink.WaitFor(1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	waitDeliveryJobsDone(t, d.store)
	got := sink.To("grace.liu@example.com")
	if len(got) != 1 || got[0].Header.Get("Subject") != "Your application continues for Account Executive" {
		t.Fatalf("Grace received %v, want the one moved message", subjectsOf(got))
	}
	if !strings.Contains(string(got[0].Raw), "method=CANCEL") {
		t.Errorf("the moved message does not carry the CANCEL of Grace's booked round:\n%s", got[0].Raw)
	}
	if n := len(sink.To("henrik.larsen@example.com")); n != 0 {
		t.Fatalf("Henrik, kept as a fallback while Jonas's hire is in progress, received %d emails", n)
	}

	var cand models.Candidate
	mustDB(t, d.store.DB().First(&cand, grace.CandidateID))
	view, err := d.store.GetCandidateView(ctx, &cand)
	must(t, err)
	for _, a := range view.Applications {
		if a.ID == grace.ID && (a.MovedToTitle != "Account Executive" || a.MovedToID == 0) {
			t.Errorf("Grace's old application on her page: moved to %q (%d), want Account Executive", a.MovedToTitle, a.MovedToID)
		}
	}

	var contractID int64
	mustDB(t, d.store.DB().Raw(`SELECT id FROM contracts WHERE application_id = ? AND status = 'awaiting_employer'`, jonas.ID).Scan(&contractID))
	must(t, d.store.Countersign(ctx, admin, contractID, d.admin.Name, true))
	deadline := time.Now().Add(10 * time.Second)
	for len(sink.To("henrik.larsen@example.com")) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	waitDeliveryJobsDone(t, d.store)
	if got := sink.To("henrik.larsen@example.com"); len(got) != 1 || got[0].Header.Get("Subject") != "Your application for Backend Engineer (Go)" {
		t.Fatalf("Henrik after the countersignature: %v, want his one rejection", subjectsOf(got))
	}
}

// A hire that falls through leaves the fallbacks held: the positions list
// says so, and reopening the position and a fallback withdraws its
// rejection, never sent.
func TestAFallbackStaysHeldWhenTheHireFallsThrough(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	admin := staffActor(d.admin)
	sales := positionID(t, d.store, "Account Executive")
	chloe, sofia := d.application(t, "chloe.dubois@example.com"), d.application(t, "sofia.costa@example.com")
	acceptSofiasOffer(t, d)
	must(t, d.store.ClosePosition(ctx, admin, sales, models.PositionFilled, map[int64]models.CloseDecision{chloe.ID: {Choice: models.CloseFallback}}))
	must(t, d.store.ChangeStatus(ctx, admin, sofia.ID, models.StatusWithdrawn, "Sofia took another job before signing."))

	held := func() string {
		var st string
		mustDB(t, d.store.DB().Raw(`SELECT string_agg(status, ',' ORDER BY id) FROM outbox_messages WHERE candidate_id = ? AND kind IN ?`,
			chloe.CandidateID, models.RejectionWordings()).Scan(&st))
		return st
	}
	if st := held(); st != "held" {
		t.Fatalf("Chloe's rejection after the hire fell through: %q, want held", st)
	}
	list, err := d.store.ListPositions(ctx, admin)
	must(t, err)
	for _, p := range list {
		if p.ID == sales && (p.FallbacksKept != 1 || p.HiresInProgress != 0) {
			t.Errorf("the positions list: %d fallbacks kept, %d hires in progress, want 1 and 0", p.FallbacksKept, p.HiresInProgress)
		}
	}
	must(t, d.store.ReopenPosition(ctx, admin, sales))
	must(t, d.store.ChangeStatus(ctx, admin, chloe.ID, models.StatusActive, "Our first choice withdrew."))
	if st := held(); st != "cancelled" {
		t.Fatalf("Chloe's rejection after reopening her application: %q, want cancelled", st)
	}
}

// With two hires in progress (Sofia's and Daniel's offers accepted), the
// fallback waits for both: the first countersignature releases nothing, the
// second releases its one message.
func TestTheFallbackWaitsForEveryHireInProgress(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	admin := staffActor(d.admin)
	sales := positionID(t, d.store, "Account Executive")
	chloe, sofia := d.application(t, "chloe.dubois@example.com"), d.application(t, "sofia.costa@example.com")
	sofiaActor := acceptSofiasOffer(t, d)
	danielID, danielActor := acceptedOffer(t, d)
	must(t, d.store.ClosePosition(ctx, admin, sales, models.PositionFilled, map[int64]models.CloseDecision{chloe.ID: {Choice: models.CloseFallback}}))
	status := func() string {
		var st string
		mustDB(t, d.store.DB().Raw(`SELECT string_agg(status, ',' ORDER BY id) FROM outbox_messages WHERE candidate_id = ? AND kind IN ?`,
			chloe.CandidateID, models.RejectionWordings()).Scan(&st))
		return st
	}
	sign := func(appID int64, candidate models.Actor, name string) {
		t.Helper()
		c, err := d.store.GenerateContract(ctx, staffActor(d.recruiter), appID, 1)
		must(t, err)
		must(t, d.store.GiveEsignConsent(ctx, candidate, appID, true))
		must(t, d.store.SignAsCandidate(ctx, candidate, appID, name, true))
		must(t, d.store.Countersign(ctx, staffActor(d.manager), c.ID, "Hugo Manager", true))
	}
	sign(sofia.ID, sofiaActor, "Sofia Costa")
	if st := status(); st != "held" {
		t.Fatalf("Chloe's rejection with Daniel's hire still in progress: %q, want held", st)
	}
	sign(danielID, danielActor, "Daniel Kim")
	if st := status(); st != "queued" && st != "sending" && st != "sent" {
		t.Fatalf("Chloe's rejection after both hires are confirmed: %q, want one, on its way", st)
	}
}

// Reopening a moved application forgets the move: its page no longer says
// it continues elsewhere (the database forgets it with the status).
func TestReopeningAMovedApplicationForgetsTheMove(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	admin := staffActor(d.admin)
	ops, backend := positionID(t, d.store, "Warehouse Operations Lead"), positionID(t, d.store, "Backend Engineer (Go)")
	kemi := d.application(t, "kemi.adeyemi@example.com")
	must(t, d.store.ClosePosition(ctx, admin, ops, models.PositionClosed, map[int64]models.CloseDecision{kemi.ID: {Choice: models.CloseMove, MoveTo: backend}}))
	movedTo := func() *int64 {
		var id *int64
		mustDB(t, d.store.DB().Raw("SELECT moved_to_application_id FROM applications WHERE id = ?", kemi.ID).Scan(&id))
		return id
	}
	if movedTo() == nil {
		t.Fatal("the moved application does not name the one it continues as")
	}
	must(t, d.store.ReopenPosition(ctx, admin, ops))
	must(t, d.store.ChangeStatus(ctx, admin, kemi.ID, models.StatusActive, "Reopened."))
	if id := movedTo(); id != nil {
		t.Fatalf("reopened, the application still names %d as where it went", *id)
	}
}

// A contract to be signed on paper is agreed in writing when the candidate
// signs it (there is no countersignature here): that confirms the hire, and
// the fallback's rejection goes then.
func TestAWrittenFormContractConfirmsTheHire(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	admin := staffActor(d.admin)
	sales := positionID(t, d.store, "Account Executive")
	chloe, sofia := d.application(t, "chloe.dubois@example.com"), d.application(t, "sofia.costa@example.com")
	sofiaActor := acceptSofiasOffer(t, d)
	must(t, d.store.ClosePosition(ctx, admin, sales, models.PositionFilled, map[int64]models.CloseDecision{chloe.ID: {Choice: models.CloseFallback}}))
	tmpl, err := d.store.SaveTemplate(ctx, admin, 0, "On paper", "Employment contract for {{candidate_name}}, {{job_title}}.", true, true)
	must(t, err)
	_, err = d.store.GenerateContract(ctx, staffActor(d.recruiter), sofia.ID, tmpl)
	must(t, err)
	must(t, d.store.GiveEsignConsent(ctx, sofiaActor, sofia.ID, true))
	must(t, d.store.SignAsCandidate(ctx, sofiaActor, sofia.ID, "Sofia Costa", true))
	var st string
	mustDB(t, d.store.DB().Raw(`SELECT string_agg(status, ',' ORDER BY id) FROM outbox_messages WHERE candidate_id = ? AND kind IN ?`,
		chloe.CandidateID, models.RejectionWordings()).Scan(&st))
	if st != "queued" && st != "sending" && st != "sent" {
		t.Fatalf("Chloe's rejection once Sofia's contract is agreed in writing: %q, want one, on its way", st)
	}
}
