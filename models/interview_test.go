package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/models"
	"nextstep/views"
)

// ivDemo is the demo data with the interview cast: the demo interviewer and
// the Account Executive position (managed by the demo hiring manager).
type ivDemo struct {
	demo
	ctx         context.Context
	interviewer *models.StaffUser
	ae          int64
}

func newIVDemo(t *testing.T) ivDemo {
	t.Helper()
	d := newDemo(t)
	return ivDemo{demo: d, ctx: context.Background(), interviewer: staffByEmail(t, d.store, "interviewer@demo.nextstep.test"),
		ae: positionID(t, d.store, "Account Executive")}
}

func staffByEmail(t *testing.T, s *models.Store, email string) *models.StaffUser {
	t.Helper()
	u, err := s.StaffByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// must stops the test on an unexpected error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// query scans the rows of a raw SQL statement into dst.
func query(t *testing.T, s *models.Store, dst any, sql string, args ...any) {
	t.Helper()
	must(t, s.DB().Raw(sql, args...).Scan(dst).Error)
}

func positionID(t *testing.T, s *models.Store, title string) (id int64) {
	query(t, s, &id, "SELECT id FROM positions WHERE title = ?", title)
	return id
}

func loadRound(t *testing.T, s *models.Store, id int64) (r models.InterviewRound) {
	query(t, s, &r, "SELECT * FROM interview_rounds WHERE id = ?", id)
	return r
}

// roundSlots are the slots offered to a round, earliest first.
func roundSlots(t *testing.T, s *models.Store, roundID int64) (slots []models.InterviewSlot) {
	query(t, s, &slots, `SELECT s.* FROM interview_slots s JOIN interview_round_slots rs ON rs.slot_id = s.id
		WHERE rs.round_id = ? ORDER BY s.starts_at, s.id`, roundID)
	return slots
}

func candidateActor(app models.Application) models.Actor {
	return models.Actor{Kind: "candidate", ID: app.CandidateID}
}

// roundInput offers the given times ("2026-12-08T10:00") for an hour with
// panel. A commercial negotiation interview moves an application still before
// that stage on to it (TestSchedulingMovesTheStageOn): the stages passed over
// are confirmed.
func roundInput(panel []int64, slots ...string) models.RoundInput {
	return models.RoundInput{Kind: models.InterviewCommercialNegotiation, Duration: "60", Location: "1 Market Street, London",
		VideoURL: "https://meet.example.com/ae", Instructions: "Prepare a short pitch.", PanelIDs: panel, Slots: slots, ConfirmSkip: true}
}

// newRound has the recruiter create a round for the application of email.
func (d ivDemo) newRound(t *testing.T, email string, in models.RoundInput) (*models.InterviewRound, models.Application) {
	t.Helper()
	app := d.application(t, email)
	r, err := d.store.CreateRound(d.ctx, staffActor(d.recruiter), app.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return r, app
}

func slotIDs(slots []models.InterviewSlot) []int64 {
	ids := make([]int64, len(slots))
	for i, s := range slots {
		ids[i] = s.ID
	}
	return ids
}

func lastOutboxID(t *testing.T, s *models.Store) (id int64) {
	query(t, s, &id, "SELECT coalesce(max(id), 0) FROM outbox_messages")
	return id
}

// outboxSince lists the messages of kind written after message id since.
func outboxSince(t *testing.T, s *models.Store, since int64, kind models.MessageKind) (msgs []models.OutboxMessage) {
	query(t, s, &msgs, "SELECT * FROM outbox_messages WHERE id > ? AND kind = ? ORDER BY id", since, kind)
	return msgs
}

// auditRows lists the audit entries with action about application appID.
// auditRows are an application's audit entries of action, with their
// sealed parts opened as the audit page shows them.
func auditRows(t *testing.T, s *models.Store, action string, appID int64) []models.AuditEntry {
	t.Helper()
	rows, err := s.RevealedAudit(context.Background(), "audit_log.action = ? AND audit_log.subject_type = 'application' AND audit_log.subject_id = ?",
		action, appID)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCreateRoundStoresPanelSlotsInvitationAndAudit(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	since := lastOutboxID(t, d.store)
	r, app := d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID, d.manager.ID}, "2026-12-09T14:00", "2026-12-08T10:00"))

	got := loadRound(t, d.store, r.ID)
	if got.Status != models.RoundProposed || got.StartsAt != nil || got.ApplicationID != app.ID || got.ICalSequence != 0 ||
		got.DurationMinutes != 60 || got.Title != "Commercial negotiation interview" || got.CreatedBy == nil || *got.CreatedBy != d.recruiter.ID {
		t.Fatalf("stored round: %+v", got)
	}
	if !strings.HasPrefix(got.ICalUID, "interview-") || got.ICalUID != r.ICalUID {
		t.Errorf("iCalendar UID %q (returned %q)", got.ICalUID, r.ICalUID)
	}
	var panel []int64
	mustDB(t, d.store.DB().Raw("SELECT staff_id FROM interview_panelists WHERE round_id = ? ORDER BY staff_id <> ?", r.ID, d.interviewer.ID).Scan(&panel))
	if fmt.Sprint(panel) != fmt.Sprint([]int64{d.interviewer.ID, d.manager.ID}) {
		t.Errorf("panel %v, want the interviewer and the manager", panel)
	}
	slots := roundSlots(t, d.store, r.ID)
	if len(slots) != 2 {
		t.Fatalf("%d slots linked, want 2", len(slots))
	}
	for i, want := range []time.Time{time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC), time.Date(2026, 12, 9, 14, 0, 0, 0, time.UTC)} {
		s := slots[i]
		if !s.StartsAt.Equal(want) || !s.EndsAt.Equal(want.Add(time.Hour)) || s.PositionID != d.ae || s.BookedRoundID != nil {
			t.Errorf("slot %d: %+v, want a free %v–+1h slot of the position", i, s, want)
		}
	}
	msgs := outboxSince(t, d.store, since, models.MsgInterviewInvitation)
	if len(msgs) != 1 {
		t.Fatalf("%d invitations queued, want 1", len(msgs))
	}
	m := msgs[0]
	if m.ToEmail != "amelia.hart@example.com" || m.CandidateID == nil || *m.CandidateID != app.CandidateID ||
		!strings.Contains(m.Body, fmt.Sprintf("/me/applications/%d/interviews/%d", app.ID, r.ID)) || m.CalendarICS != "" {
		t.Errorf("invitation: to %s candidate %v ics %q body:\n%s", m.ToEmail, m.CandidateID, m.CalendarICS, m.Body)
	}
	rows := auditRows(t, d.store, "interview.created", app.ID)
	if len(rows) != 1 || rows[0].ActorID == nil || *rows[0].ActorID != d.recruiter.ID {
		t.Fatalf("audit rows %+v", rows)
	}
}

func TestCreateRoundRefusals(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	amelia := d.application(t, "amelia.hart@example.com")
	farid := d.application(t, "farid.haddad@example.com") // Backend Engineer: no hiring manager
	in := roundInput([]int64{d.interviewer.ID}, "2026-12-08T10:00")
	rounds := count(t, d.store, "interview_rounds")
	if _, err := d.store.CreateRound(d.ctx, staffActor(d.manager), farid.ID, in); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("hiring manager of another position: %v, want ErrNotFound", err)
	}
	if _, err := d.store.CreateRound(d.ctx, staffActor(d.interviewer), amelia.ID, in); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("interviewer: %v, want ErrNotFound", err)
	}
	if _, err := d.store.CreateRound(d.ctx, staffActor(d.recruiter), amelia.ID, roundInput([]int64{d.interviewer.ID, 999999}, "2026-12-08T10:00")); models.FieldErrors(err)["panel"] == "" {
		t.Errorf("unknown panel member: %v, want a panel error", err)
	}
	elena := d.application(t, "elena.rossi@example.com") // rejected
	if _, err := d.store.CreateRound(d.ctx, staffActor(d.recruiter), elena.ID, in); models.FieldErrors(err) == nil {
		t.Errorf("closed application: %v, want a validation error", err)
	}
	// A slot of another position cannot be shared.
	other, err := d.store.CreateRound(d.ctx, staffActor(d.recruiter), farid.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	shared := roundInput([]int64{d.interviewer.ID})
	shared.SharedSlots = slotIDs(roundSlots(t, d.store, other.ID))
	if _, err := d.store.CreateRound(d.ctx, staffActor(d.recruiter), amelia.ID, shared); models.FieldErrors(err)["slots"] == "" {
		t.Errorf("sharing another position's slot: %v, want a slots error", err)
	}
	if got := count(t, d.store, "interview_rounds"); got != rounds+1 {
		t.Errorf("%d rounds, want %d (only the Backend Engineer round)", got, rounds+1)
	}
	// The manager can schedule on his own position.
	if _, err := d.store.CreateRound(d.ctx, staffActor(d.manager), amelia.ID, in); err != nil {
		t.Errorf("hiring manager of the position: %v", err)
	}
}

func TestPickSlotSchedulesAndInvitesEveryone(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	r, app := d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID, d.manager.ID}, "2026-12-08T10:00", "2026-12-09T14:00"))
	slots := roundSlots(t, d.store, r.ID)
	since := lastOutboxID(t, d.store)
	must(t, d.store.PickSlot(d.ctx, candidateActor(app), app.ID, r.ID, slots[1].ID))
	got := loadRound(t, d.store, r.ID)
	if got.Status != models.RoundScheduled || got.StartsAt == nil || !got.StartsAt.Equal(slots[1].StartsAt) ||
		got.EndsAt == nil || !got.EndsAt.Equal(slots[1].EndsAt) {
		t.Fatalf("round after picking: %+v", got)
	}
	after := roundSlots(t, d.store, r.ID)
	if after[1].BookedRoundID == nil || *after[1].BookedRoundID != r.ID || after[0].BookedRoundID != nil {
		t.Errorf("slot bookings: %v / %v", after[0].BookedRoundID, after[1].BookedRoundID)
	}
	cand := outboxSince(t, d.store, since, models.MsgInterviewScheduled)
	if len(cand) != 1 || cand[0].ToEmail != "amelia.hart@example.com" {
		t.Fatalf("candidate confirmations: %+v", cand)
	}
	panel := outboxSince(t, d.store, since, models.MsgPanelInterview)
	if len(panel) != 2 {
		t.Fatalf("%d panel invitations, want 2", len(panel))
	}
	to := map[string]bool{}
	for _, m := range append(cand, panel...) {
		to[m.ToEmail] = true
		for _, want := range []string{"METHOD:REQUEST", "UID:" + r.ICalUID, "SEQUENCE:0", "DTSTART:20261209T140000Z", "DTEND:20261209T150000Z"} {
			if !strings.Contains(m.CalendarICS, want) {
				t.Errorf("%s (%s): calendar lacks %q:\n%s", m.Kind, m.ToEmail, want, m.CalendarICS)
			}
		}
	}
	if !to[d.interviewer.Email] || !to[d.manager.Email] {
		t.Errorf("panel invitations went to %v", to)
	}
	// Candidates see the panel's names, never their addresses.
	if ics := cand[0].CalendarICS; strings.Contains(ics, d.interviewer.Email) || strings.Contains(ics, d.manager.Email) {
		t.Errorf("the candidate's calendar carries panel addresses:\n%s", ics)
	}
	if ics := panel[0].CalendarICS; !strings.Contains(ics, "mailto:amelia.hart@example.com") || !strings.Contains(ics, "mailto:"+d.manager.Email) {
		t.Errorf("the panel's calendar lacks an attendee:\n%s", ics)
	}
	if n := len(auditRows(t, d.store, "interview.booked", app.ID)); n != 1 {
		t.Errorf("%d interview.booked audit rows", n)
	}

	// The same choice again (a double click) changes nothing.
	msgs := count(t, d.store, "outbox_messages")
	if err := d.store.PickSlot(d.ctx, candidateActor(app), app.ID, r.ID, slots[1].ID); err != nil {
		t.Errorf("picking the held slot again: %v", err)
	}
	if got := count(t, d.store, "outbox_messages"); got != msgs {
		t.Errorf("picking again queued %d messages", got-msgs)
	}
	if err := d.store.PickSlot(d.ctx, candidateActor(app), app.ID, r.ID, slots[0].ID); !errors.Is(err, models.ErrRoundClosed) {
		t.Errorf("picking another slot once scheduled: %v, want ErrRoundClosed", err)
	}

	// Another candidate cannot pick in this round, whichever application they name.
	chloe := d.application(t, "chloe.dubois@example.com")
	if err := d.store.PickSlot(d.ctx, candidateActor(chloe), app.ID, r.ID, slots[0].ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("another candidate, this application: %v", err)
	}
	if err := d.store.PickSlot(d.ctx, candidateActor(chloe), chloe.ID, r.ID, slots[0].ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("another candidate, own application: %v", err)
	}
}

func TestInterviewConfirmationEmailCarriesTheInvitation(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	r, app := d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-08T10:00"))
	sink := startMail(t, d.store)
	must(t, d.store.PickSlot(d.ctx, candidateActor(app), app.ID, r.ID, roundSlots(t, d.store, r.ID)[0].ID))
	// The candidate gets the invitation (no calendar; it is also her one message about the stage the
	// round moved her to) and the confirmation; the panelist one invitation.
	for to, n := range map[string]int{"amelia.hart@example.com": 2, d.interviewer.Email: 1} {
		for deadline := time.Now().Add(10 * time.Second); len(sink.To(to)) < n && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
		found := 0
		for _, m := range sink.To(to) {
			if raw := string(m.Raw); strings.Contains(raw, "text/calendar") && strings.Contains(raw, "method=REQUEST") && strings.Contains(raw, "invite.ics") {
				found++
			}
		}
		if found != 1 || len(sink.To(to)) != n {
			t.Errorf("%s: %d mails, %d with a REQUEST invite.ics; want %d and 1", to, len(sink.To(to)), found, n)
		}
	}
}

func TestSharedSlotGoesToOneRound(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	first, amelia := d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-08T10:00", "2026-12-08T12:00"))
	slots := roundSlots(t, d.store, first.ID)
	in := roundInput([]int64{d.interviewer.ID})
	in.SharedSlots = slotIDs(slots)
	second, chloe := d.newRound(t, "chloe.dubois@example.com", in)
	if got := slotIDs(roundSlots(t, d.store, second.ID)); fmt.Sprint(got) != fmt.Sprint(slotIDs(slots)) {
		t.Fatalf("second round offered %v, want the shared %v", got, slotIDs(slots))
	}
	must(t, d.store.PickSlot(d.ctx, candidateActor(amelia), amelia.ID, first.ID, slots[0].ID))
	if err := d.store.PickSlot(d.ctx, candidateActor(chloe), chloe.ID, second.ID, slots[0].ID); !errors.Is(err, models.ErrSlotTaken) {
		t.Fatalf("second candidate on the taken slot: %v, want ErrSlotTaken", err)
	}
	if got := loadRound(t, d.store, second.ID); got.Status != models.RoundProposed {
		t.Errorf("losing round is %s", got.Status)
	}
	if err := d.store.PickSlot(d.ctx, candidateActor(chloe), chloe.ID, second.ID, slots[1].ID); err != nil {
		t.Errorf("second candidate on the other shared slot: %v", err)
	}
	// A taken slot can no longer be offered to a new round.
	again := roundInput([]int64{d.interviewer.ID})
	again.SharedSlots = []int64{slots[0].ID}
	if _, err := d.store.CreateRound(d.ctx, staffActor(d.recruiter), d.application(t, "ben.okafor@example.com").ID, again); models.FieldErrors(err)["slots"] == "" {
		t.Errorf("sharing a booked slot: %v, want a slots error", err)
	}
}

func TestPickSlotRefusesAPastSlot(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	r, app := d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-02T10:00"))
	d.clock.Advance(25 * time.Hour) // 2 December 10:00: the slot starts now
	if err := d.store.PickSlot(d.ctx, candidateActor(app), app.ID, r.ID, roundSlots(t, d.store, r.ID)[0].ID); !errors.Is(err, models.ErrSlotPast) {
		t.Fatalf("picking a slot that has started: %v, want ErrSlotPast", err)
	}
	if got := loadRound(t, d.store, r.ID); got.Status != models.RoundProposed {
		t.Errorf("round is %s", got.Status)
	}
}

// Rejecting an application calls off its rounds: the booked time goes back
// to the candidates sharing it, the panel's calendars are cleared, and the
// candidate can no longer book.
func TestClosingTheApplicationCancelsItsRounds(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	booked, app := d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-08T10:00"))
	slot := roundSlots(t, d.store, booked.ID)[0]
	in := roundInput([]int64{d.interviewer.ID})
	in.SharedSlots = []int64{slot.ID}
	other, chloe := d.newRound(t, "chloe.dubois@example.com", in)
	must(t, d.store.PickSlot(d.ctx, candidateActor(app), app.ID, booked.ID, slot.ID))
	waiting, _ := d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-09T10:00"))
	since := lastOutboxID(t, d.store)
	must(t, d.store.ChangeStatus(d.ctx, staffActor(d.recruiter), app.ID, models.StatusRejected, "Not the right fit"))
	for _, id := range []int64{booked.ID, waiting.ID} {
		if got := loadRound(t, d.store, id); got.Status != models.RoundCancelled || got.StartsAt != nil {
			t.Errorf("round %d after rejection: %s", id, got.Status)
		}
	}
	if err := d.store.PickSlot(d.ctx, candidateActor(app), app.ID, waiting.ID, roundSlots(t, d.store, waiting.ID)[0].ID); !errors.Is(err, models.ErrRoundClosed) {
		t.Errorf("a rejected candidate picking a time: %v, want ErrRoundClosed", err)
	}
	if panel := outboxSince(t, d.store, since, models.MsgPanelInterviewCancelled); len(panel) != 1 || !strings.Contains(panel[0].CalendarICS, "METHOD:CANCEL") {
		t.Errorf("panel cancellations: %+v", panel)
	}
	if cand := outboxSince(t, d.store, since, models.MsgInterviewCancelled); len(cand) != 1 || !strings.Contains(cand[0].CalendarICS, "METHOD:CANCEL") {
		t.Errorf("candidate cancellations (one CANCEL for the booked time): %+v", cand)
	}
	if err := d.store.PickSlot(d.ctx, candidateActor(chloe), chloe.ID, other.ID, slot.ID); err != nil {
		t.Errorf("picking the time the rejection freed: %v", err)
	}
}

func TestConcurrentPicksOfSharedSlots(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	scheduledBefore := count(t, d.store, "interview_rounds WHERE status = 'scheduled'") // the demo's own
	const n = 20
	apps := make([]models.Application, n)
	rounds := make([]int64, n)
	var slots []int64
	for i := range n {
		email := fmt.Sprintf("race%02d@example.com", i)
		_, err := d.store.CreateCandidate(d.ctx, staffActor(d.recruiter), models.CandidateInput{Name: fmt.Sprintf("Racer %d", i), Email: email, PositionID: d.ae})
		must(t, err)
		in := roundInput([]int64{d.interviewer.ID}, "2026-12-08T10:00", "2026-12-08T11:00", "2026-12-08T12:00")
		if i > 0 {
			in.Slots, in.SharedSlots = nil, slots
		}
		r, app := d.newRound(t, email, in)
		apps[i], rounds[i] = app, r.ID
		if i == 0 {
			slots = slotIDs(roundSlots(t, d.store, r.ID))
		}
	}
	start := make(chan struct{})
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = d.store.PickSlot(d.ctx, candidateActor(apps[i]), apps[i].ID, rounds[i], slots[i%3])
		})
	}
	close(start)
	wg.Wait()
	ok, taken := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, models.ErrSlotTaken):
			taken++
		default:
			t.Errorf("pick %d: %v", i, err)
		}
	}
	if ok != 3 || taken != n-3 {
		t.Fatalf("%d picks succeeded and %d were told the slot was taken, want 3 and %d", ok, taken, n-3)
	}
	var booked struct{ Slots, Rounds int }
	query(t, d.store, &booked, "SELECT count(*) AS slots, count(DISTINCT booked_round_id) AS rounds FROM interview_slots WHERE id IN ? AND booked_round_id IS NOT NULL", slots)
	if booked.Slots != 3 || booked.Rounds != 3 {
		t.Fatalf("%d slots booked to %d rounds, want 3 and 3", booked.Slots, booked.Rounds)
	}
	var consistent int
	query(t, d.store, &consistent, `SELECT count(*) FROM interview_rounds r JOIN interview_slots s ON s.booked_round_id = r.id
		WHERE r.id IN ? AND r.status = 'scheduled' AND r.starts_at = s.starts_at AND r.ends_at = s.ends_at`, rounds)
	if scheduled := count(t, d.store, "interview_rounds WHERE status = 'scheduled'") - scheduledBefore; scheduled != 3 || consistent != 3 {
		t.Fatalf("%d rounds scheduled, %d matching their slot; want 3 and 3", scheduled, consistent)
	}
}

func TestRescheduleKeepsUIDAndBumpsSequence(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	r, app := d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-08T10:00"))
	old := roundSlots(t, d.store, r.ID)[0]
	must(t, d.store.PickSlot(d.ctx, candidateActor(app), app.ID, r.ID, old.ID))
	rec := staffActor(d.recruiter)
	if err := d.store.RescheduleRound(d.ctx, rec, r.ID, "2026-12-08T10:00"); models.FieldErrors(err)["starts_at"] == "" {
		t.Errorf("rescheduling to the same time: %v", err)
	}
	if err := d.store.RescheduleRound(d.ctx, rec, r.ID, "2026-11-30T10:00"); models.FieldErrors(err)["starts_at"] == "" {
		t.Errorf("rescheduling into the past: %v", err)
	}
	if err := d.store.RescheduleRound(d.ctx, staffActor(d.interviewer), r.ID, "2026-12-10T15:00"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("interviewer rescheduling: %v", err)
	}
	since := lastOutboxID(t, d.store)
	must(t, d.store.RescheduleRound(d.ctx, rec, r.ID, "2026-12-10T15:00"))
	got := loadRound(t, d.store, r.ID)
	start := time.Date(2026, 12, 10, 15, 0, 0, 0, time.UTC)
	if got.ICalUID != r.ICalUID || got.ICalSequence != 1 || got.Status != models.RoundScheduled ||
		!got.StartsAt.Equal(start) || !got.EndsAt.Equal(start.Add(time.Hour)) {
		t.Fatalf("round after reschedule: %+v", got)
	}
	var oldSlot models.InterviewSlot
	mustDB(t, d.store.DB().First(&oldSlot, old.ID))
	if oldSlot.BookedRoundID != nil {
		t.Errorf("old slot still booked to %d", *oldSlot.BookedRoundID)
	}
	var booked []models.InterviewSlot
	mustDB(t, d.store.DB().Where("booked_round_id = ?", r.ID).Find(&booked))
	if len(booked) != 1 || !booked[0].StartsAt.Equal(start) {
		t.Errorf("slots booked to the round: %+v", booked)
	}
	msgs := outboxSince(t, d.store, since, models.MsgInterviewRescheduled)
	if len(msgs) != 1 || msgs[0].ToEmail != "amelia.hart@example.com" {
		t.Fatalf("rescheduled messages: %+v", msgs)
	}
	for _, want := range []string{"METHOD:REQUEST", "UID:" + r.ICalUID, "SEQUENCE:1", "DTSTART:20261210T150000Z"} {
		if !strings.Contains(msgs[0].CalendarICS, want) {
			t.Errorf("rescheduled calendar lacks %q:\n%s", want, msgs[0].CalendarICS)
		}
	}
	if panel := outboxSince(t, d.store, since, models.MsgPanelInterview); len(panel) != 1 || !strings.Contains(panel[0].CalendarICS, "SEQUENCE:1") {
		t.Errorf("panel update: %+v", panel)
	}
}

func TestCancelRoundFreesSlotAndSendsCancel(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	r, app := d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID, d.manager.ID}, "2026-12-08T10:00"))
	slot := roundSlots(t, d.store, r.ID)[0]
	in := roundInput([]int64{d.interviewer.ID})
	in.SharedSlots = []int64{slot.ID}
	other, chloe := d.newRound(t, "chloe.dubois@example.com", in)
	must(t, d.store.PickSlot(d.ctx, candidateActor(app), app.ID, r.ID, slot.ID))
	if err := d.store.PickSlot(d.ctx, candidateActor(chloe), chloe.ID, other.ID, slot.ID); !errors.Is(err, models.ErrSlotTaken) {
		t.Fatalf("slot not taken before the cancellation: %v", err)
	}
	since := lastOutboxID(t, d.store)
	must(t, d.store.CancelRound(d.ctx, staffActor(d.recruiter), r.ID, "The panel is unavailable"))
	got := loadRound(t, d.store, r.ID)
	if got.Status != models.RoundCancelled || got.StartsAt != nil || got.ICalSequence != 1 || got.CancelReason != "The panel is unavailable" {
		t.Fatalf("round after cancel: %+v", got)
	}
	cand := outboxSince(t, d.store, since, models.MsgInterviewCancelled)
	panel := outboxSince(t, d.store, since, models.MsgPanelInterviewCancelled)
	if len(cand) != 1 || len(panel) != 2 {
		t.Fatalf("%d candidate and %d panel cancellations, want 1 and 2", len(cand), len(panel))
	}
	for _, m := range append(cand, panel...) {
		for _, want := range []string{"METHOD:CANCEL", "STATUS:CANCELLED", "SEQUENCE:1", "UID:" + r.ICalUID} {
			if !strings.Contains(m.CalendarICS, want) {
				t.Errorf("%s to %s: calendar lacks %q:\n%s", m.Kind, m.ToEmail, want, m.CalendarICS)
			}
		}
	}
	if !strings.Contains(cand[0].Body, "The panel is unavailable") {
		t.Errorf("cancellation does not give the reason:\n%s", cand[0].Body)
	}
	if err := d.store.PickSlot(d.ctx, candidateActor(chloe), chloe.ID, other.ID, slot.ID); err != nil {
		t.Errorf("picking the slot freed by the cancellation: %v", err)
	}
	if err := d.store.PickSlot(d.ctx, candidateActor(app), app.ID, r.ID, slot.ID); !errors.Is(err, models.ErrRoundCancelled) {
		t.Errorf("picking in a cancelled round: %v", err)
	}
	if err := d.store.CancelRound(d.ctx, staffActor(d.recruiter), r.ID, ""); models.FieldErrors(err) == nil {
		t.Errorf("cancelling twice: %v", err)
	}
	// A round still waiting for a choice is called off without a calendar.
	waiting, ben := d.newRound(t, "ben.okafor@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-11T10:00"))
	since = lastOutboxID(t, d.store)
	must(t, d.store.CancelRound(d.ctx, staffActor(d.recruiter), waiting.ID, ""))
	if msgs := outboxSince(t, d.store, since, models.MsgInterviewCancelled); len(msgs) != 1 || msgs[0].CalendarICS != "" || msgs[0].ToEmail != "ben.okafor@example.com" {
		t.Errorf("cancelling a proposed round: %+v", msgs)
	}
	if n := len(outboxSince(t, d.store, since, models.MsgPanelInterviewCancelled)); n != 0 {
		t.Errorf("%d panel cancellations for a round never booked", n)
	}
	if n := len(auditRows(t, d.store, "interview.cancelled", ben.ID)); n != 1 {
		t.Errorf("%d interview.cancelled audit rows", n)
	}
}

// Times are typed in the portal's zone (Amsterdam) and written to the
// calendar in UTC: 10:00 is 09:00Z before the EU change to summer time on
// 28 March 2027 and 08:00Z after it.
func TestInterviewCalendarIsStrictAcrossDST(t *testing.T) {
	t.Parallel()
	ams, err := time.LoadLocation("Europe/Amsterdam")
	must(t, err)
	clock := &fakeClock{now: time.Date(2027, 3, 20, 9, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	store, err := models.Open(ctx, devdb.TestDatabaseURL(t, migrator), models.Config{Location: ams, Clock: clock, BaseURL: "http://x", MaxConns: 4, PasswordParams: testPasswordParams, Links: views.Paths{}})
	must(t, err)
	t.Cleanup(func() { store.Close() })
	_, err = store.SeedDemo(ctx)
	must(t, err)
	d := ivDemo{demo: demo{store: store, clock: clock}, ctx: ctx, ae: positionID(t, store, "Account Executive")}
	d.recruiter, d.interviewer = staffByEmail(t, store, "recruiter@demo.nextstep.test"), staffByEmail(t, store, "interviewer@demo.nextstep.test")
	r, app := d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID}, "2027-03-29T10:00", "2027-03-26T10:00"))
	slots := roundSlots(t, store, r.ID)
	before, after := time.Date(2027, 3, 26, 9, 0, 0, 0, time.UTC), time.Date(2027, 3, 29, 8, 0, 0, 0, time.UTC)
	if len(slots) != 2 || !slots[0].StartsAt.Equal(before) || !slots[1].StartsAt.Equal(after) {
		t.Fatalf("slots %+v, want %v and %v", slots, before, after)
	}

	// check parses the calendar of the last message of kind and checks its event.
	check := func(kind models.MessageKind, method string, seq int, start time.Time, attendees ...string) {
		t.Helper()
		msgs := outboxSince(t, store, 0, kind)
		if len(msgs) == 0 {
			t.Fatalf("no %s message", kind)
		}
		cal := strictICS(t, msgs[len(msgs)-1].CalendarICS)
		if got := cal.Props.Get("METHOD"); got == nil || got.Value != method {
			t.Errorf("%s: METHOD %v, want %s", kind, got, method)
		}
		events := cal.Events()
		if len(events) != 1 {
			t.Fatalf("%s: %d events", kind, len(events))
		}
		ev := events[0]
		for name, want := range map[string]string{"UID": r.ICalUID, "SEQUENCE": fmt.Sprint(seq), "DTSTART": start.Format("20060102T150405Z"),
			"ORGANIZER": "mailto:recruiter@demo.nextstep.test", "DTSTAMP": clock.Now().Format("20060102T150405Z")} {
			if got := ev.Props.Get(name); got == nil || !strings.EqualFold(got.Value, want) {
				t.Errorf("%s: %s is %v, want %s", kind, name, got, want)
			}
		}
		var got []string
		for _, a := range ev.Props.Values("ATTENDEE") {
			got = append(got, strings.TrimPrefix(strings.ToLower(a.Value), "mailto:"))
		}
		if fmt.Sprint(got) != fmt.Sprint(attendees) {
			t.Errorf("%s: attendees %v, want %v", kind, got, attendees)
		}
		if got, err := ev.DateTimeStart(ams); err != nil || !got.Equal(start) || got.In(ams).Hour() != 10 {
			t.Errorf("%s: start %v (%v), want 10:00 in Amsterdam = %v", kind, got, err, start)
		}
	}

	since := lastOutboxID(t, store)
	must(t, store.PickSlot(ctx, candidateActor(app), app.ID, r.ID, slots[1].ID))
	cand, panel := "amelia.hart@example.com", "interviewer@demo.nextstep.test"
	check(models.MsgInterviewScheduled, "REQUEST", 0, after, cand)
	check(models.MsgPanelInterview, "REQUEST", 0, after, cand, panel)
	if msg := outboxSince(t, store, since, models.MsgInterviewScheduled)[0]; !strings.Contains(msg.Body, "10:00") || !strings.Contains(msg.Body, "CEST") {
		t.Errorf("confirmation does not give 10:00 CEST:\n%s", msg.Body)
	}
	must(t, store.RescheduleRound(ctx, staffActor(d.recruiter), r.ID, "2027-03-26T10:00"))
	check(models.MsgInterviewRescheduled, "REQUEST", 1, before, cand)
	check(models.MsgPanelInterview, "REQUEST", 1, before, cand, panel)
	must(t, store.CancelRound(ctx, staffActor(d.recruiter), r.ID, "Role filled"))
	check(models.MsgInterviewCancelled, "CANCEL", 2, before, cand)
	check(models.MsgPanelInterviewCancelled, "CANCEL", 2, before, cand, panel)
}
