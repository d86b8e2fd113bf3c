package models_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"nextstep/models"
)

// TestEveryPathKeepsTheApplicationInvariants drives random sequences of every
// way an application's stage or status changes — moves (form, bulk, board),
// skips, undo, adding candidates and applications, offers sent, accepted and
// declined, contracts sent, signed and countersigned, Hired, reject, hold,
// reactivate, held rejections, withdrawals, assessment bookings and filling
// the position — and after each step checks in SQL what a candidate and a
// report rely on. A refusal by the domain is fine; a refusal by the database
// (a bypass of the guarded writer, a broken constraint) fails the test.
// NEXTSTEP_PROPERTY_SEED replays a sequence.
func TestEveryPathKeepsTheApplicationInvariants(t *testing.T) {
	t.Parallel()
	seed := uint64(rand.Int64())
	if v, err := strconv.ParseUint(os.Getenv("NEXTSTEP_PROPERTY_SEED"), 10, 64); err == nil {
		seed = v
	}
	t.Logf("seed %d (NEXTSTEP_PROPERTY_SEED=%d replays it)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	for run := 0; run < 2; run++ {
		t.Run(fmt.Sprint("run", run), func(t *testing.T) { runIntegrityProperty(t, rng, 200) })
	}
}

func runIntegrityProperty(t *testing.T, rng *rand.Rand, steps int) {
	d := newDemo(t)
	ctx := context.Background()
	admin, recruiter, manager := staffActor(d.admin), staffActor(d.recruiter), staffActor(d.manager)
	pipeline := models.Pipeline{models.StageInterviewCompleted, models.StageAdditionalInterview, models.StageAssessmentDay,
		models.StageHRRound, models.StageReferenceChecks, models.StageFinalDecision,
		models.StageOffer, models.StageContract, models.StageOnboarding, models.StageHired}
	newPosition := func(title string) *models.Position {
		p, err := d.store.CreatePosition(ctx, admin, models.PositionInput{Title: title, Department: "Sales", Location: "London",
			Headcount: 2, DecisionSLADays: 3, HiringManagerID: d.manager.ID, Pipeline: pipeline})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	pos, other := newPosition("Property Role"), newPosition("Property Role Two")
	day, err := d.store.CreateAssessmentDay(ctx, admin, models.AssessmentDayInput{Title: "Property day", Date: "2026-12-18",
		StartTime: "09:00", EndTime: "16:00", TimeZone: "UTC", LocationAddress: "1 Test Street", Capacity: "3", CutoffHours: "24",
		Agenda: "Exercises", PositionIDs: []int64{pos.ID, other.ID}})
	if err != nil {
		t.Fatal(err)
	}
	templateID := activeTemplate(t, d)

	type person struct {
		candidate models.Candidate
	}
	var people []person
	stages := models.Stages()
	addCandidate := func(i int) error {
		st := stages[rng.IntN(len(stages))].Key
		switch rng.IntN(4) {
		case 0:
			st = ""
		case 1: // often at the assessment day, so seats are booked and let go
			st = models.StageAssessmentDay
		}
		c, err := d.store.CreateCandidate(ctx, recruiter, models.CandidateInput{Name: fmt.Sprintf("Prop Person %d", i),
			Email: fmt.Sprintf("prop%d-%d@example.com", i, rng.IntN(1_000_000)), PositionID: pos.ID, Stage: st})
		if err == nil {
			people = append(people, person{*c})
			if st != "" && !models.BeforeOffer(pipeline, st) {
				t.Fatalf("a candidate was added at %s", st)
			}
		}
		return err
	}
	// Four people to start with; a random stage may be refused (one reached
	// only through its flow), so some seeds need more tries.
	for i := 0; len(people) < 4; i++ {
		if i == 100 {
			t.Fatal("a hundred tries added fewer than four candidates")
		}
		if err := addCandidate(i); err != nil && models.FieldErrors(err) == nil {
			t.Fatal(err)
		}
	}
	apps := func() []models.Application {
		var out []models.Application
		mustDB(t, d.store.DB().Where("position_id IN ?", []int64{pos.ID, other.ID}).Order("id").Find(&out))
		return out
	}
	candidateActor := func(a models.Application) models.Actor {
		var c models.Candidate
		mustDB(t, d.store.DB().First(&c, a.CandidateID))
		return models.Actor{Kind: "candidate", ID: c.ID, Email: c.Email, IP: "198.51.100.7", UserAgent: "PropertyTest"}
	}
	sentVersion := func(a models.Application) int64 {
		var id int64
		mustDB(t, d.store.DB().Raw(`SELECT v.id FROM offer_versions v JOIN offers o ON o.id = v.offer_id
			WHERE o.application_id = ? AND v.status = 'sent' ORDER BY v.id DESC LIMIT 1`, a.ID).Scan(&id))
		return id
	}
	next := func(a models.Application) models.StageKey {
		n, _ := pipeline.Next(a.Stage)
		return n
	}
	later := func(a models.Application) models.StageKey {
		i := pipeline.Index(a.Stage)
		if i < 0 || i+1 >= len(pipeline) {
			return a.Stage
		}
		return pipeline[i+1+rng.IntN(len(pipeline)-i-1)]
	}
	type op struct {
		name string
		do   func(a models.Application) error
	}
	ops := []op{
		{"move", func(a models.Application) error {
			return d.store.MoveStage(ctx, recruiter, a.ID, models.MoveRequest{To: next(a)})
		}},
		{"skip", func(a models.Application) error {
			return d.store.MoveStage(ctx, recruiter, a.ID, models.MoveRequest{To: later(a), ConfirmSkip: true, Note: "Not needed for this hire"})
		}},
		{"bulk move", func(a models.Application) error {
			_, err := d.store.BulkAction(ctx, recruiter, models.BulkRequest{ApplicationIDs: []int64{a.ID}, Action: models.BulkMove})
			return err
		}},
		{"board move", func(a models.Application) error {
			_, err := d.store.BoardMove(ctx, manager, a.PositionID, a.ID, models.MoveRequest{To: later(a), ConfirmSkip: true, Note: "Board skip"})
			return err
		}},
		{"undo", func(a models.Application) error {
			_, err := d.store.UndoLastMove(ctx, recruiter, a.ID, "")
			return err
		}},
		{"add candidate", func(models.Application) error { return addCandidate(len(people) + 10) }},
		{"add application", func(a models.Application) error {
			_, err := d.store.AddApplication(ctx, recruiter, a.CandidateID, other.ID)
			return err
		}},
		{"send offer", func(a models.Application) error {
			v, err := d.store.SaveOfferDraft(ctx, recruiter, a.ID, offerInput)
			if err != nil {
				return err
			}
			if err := d.store.SubmitOffer(ctx, recruiter, v.ID); err != nil {
				return err
			}
			if err := d.store.ApproveOffer(ctx, manager, v.ID); err != nil {
				return err
			}
			return d.store.SendOffer(ctx, recruiter, v.ID)
		}},
		{"accept offer", func(a models.Application) error {
			return d.store.AcceptJobOffer(ctx, candidateActor(a), a.ID, sentVersion(a))
		}},
		{"decline offer", func(a models.Application) error {
			return d.store.DeclineJobOffer(ctx, candidateActor(a), a.ID, sentVersion(a), "Another offer")
		}},
		{"send contract", func(a models.Application) error {
			_, err := d.store.GenerateContract(ctx, recruiter, a.ID, templateID)
			return err
		}},
		{"sign", func(a models.Application) error {
			c := candidateActor(a)
			if err := d.store.GiveEsignConsent(ctx, c, a.ID, true); err != nil {
				return err
			}
			var name string
			mustDB(t, d.store.DB().Raw("SELECT name FROM candidates WHERE id = ?", a.CandidateID).Scan(&name))
			return d.store.SignAsCandidate(ctx, c, a.ID, name, true)
		}},
		{"countersign", func(a models.Application) error {
			var id int64
			mustDB(t, d.store.DB().Raw("SELECT id FROM contracts WHERE application_id = ? AND status = 'awaiting_employer'", a.ID).Scan(&id))
			return d.store.Countersign(ctx, admin, id, d.admin.Name, true)
		}},
		{"hire", func(a models.Application) error {
			return d.store.MoveStage(ctx, recruiter, a.ID, models.MoveRequest{To: models.StageHired})
		}},
		{"reject", func(a models.Application) error {
			return d.store.ChangeStatus(ctx, recruiter, a.ID, models.StatusRejected, "Not a fit this time")
		}},
		{"hold", func(a models.Application) error {
			return d.store.ChangeStatus(ctx, recruiter, a.ID, models.StatusOnHold, "Budget review")
		}},
		{"reactivate", func(a models.Application) error {
			return d.store.ChangeStatus(ctx, recruiter, a.ID, models.StatusActive, "Back in the running")
		}},
		{"reject held", func(a models.Application) error {
			return d.store.RejectHeldUntilFilled(ctx, recruiter, a.ID, "Fallback candidate")
		}},
		{"withdraw", func(a models.Application) error {
			return d.store.ChangeStatus(ctx, recruiter, a.ID, models.StatusWithdrawn, "Candidate phoned to withdraw")
		}},
		{"candidate withdraws", func(a models.Application) error {
			if _, err := d.store.SendInterestCheck(ctx, recruiter, a.ID, "Are you still interested?", nil); err != nil {
				return err
			}
			return d.store.WithdrawFromInterestCheck(ctx, candidateActor(a), a.ID, "Found another role")
		}},
		{"book seat", func(a models.Application) error {
			_, err := d.store.BookSeat(ctx, candidateActor(a), a.ID, day.ID)
			return err
		}},
	}
	// The demo's applications are checked too: the seed goes through the same use cases.
	if bad := integrityViolations(t, d); len(bad) > 0 {
		t.Fatalf("the demo data already breaks: %v", bad)
	}
	done := map[string]int{}
	filled := false
	for step := 0; step < steps; step++ {
		all := apps()
		if len(all) == 0 {
			t.Fatal("no applications to drive")
		}
		a := all[rng.IntN(len(all))]
		o := ops[rng.IntN(len(ops))]
		if rng.IntN(5) > 0 { // mostly a step that fits, so that runs reach the offer, the contract and Hired
			names := plausibleSteps(t, d, a)
			name := names[rng.IntN(len(names))]
			for _, x := range ops {
				if x.name == name {
					o = x
				}
			}
		}
		if !filled && step > steps*3/4 && rng.IntN(8) == 0 {
			o = op{"fill position", func(models.Application) error {
				return d.store.ClosePosition(ctx, admin, pos.ID, models.PositionFilled, nil)
			}}
			filled = true
		}
		err := o.do(a)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			t.Fatalf("step %d, %s on application %d (%s, %s): the database refused what the domain allowed: %v", step, o.name, a.ID, a.Stage, a.Status, err)
		}
		if err != nil && !refusal(err) {
			t.Fatalf("step %d, %s: %v", step, o.name, err)
		}
		if bad := integrityViolations(t, d); len(bad) > 0 {
			t.Fatalf("step %d, %s on application %d (was %s, %s; err %v): %v", step, o.name, a.ID, a.Stage, a.Status, err, bad)
		}
		if err == nil {
			done[o.name]++
		} else if os.Getenv("NEXTSTEP_PROPERTY_VERBOSE") != "" {
			t.Logf("step %d, %s on %d (%s, %s): %v", step, o.name, a.ID, a.Stage, a.Status, err)
		}
	}
	var reached []string
	mustDB(t, d.store.DB().Raw("SELECT DISTINCT stage || '/' || status FROM applications WHERE position_id IN ?", []int64{pos.ID, other.ID}).Scan(&reached))
	t.Logf("steps that went through: %v; reached: %v", done, reached)
}

// plausibleSteps are the steps that fit application a as it stands, some
// more than once (weights), with the closing steps rarer.
func plausibleSteps(t *testing.T, d demo, a models.Application) []string {
	var x struct{ Sent, Accepted, Awaiting, Employer, Completed bool }
	mustDB(t, d.store.DB().Raw(`SELECT
		EXISTS (SELECT 1 FROM offer_versions v JOIN offers o ON o.id = v.offer_id WHERE o.application_id = @id AND v.status = 'sent') AS sent,
		EXISTS (SELECT 1 FROM offers o WHERE o.application_id = @id AND o.status = 'accepted') AS accepted,
		EXISTS (SELECT 1 FROM contracts c WHERE c.application_id = @id AND c.status = 'awaiting_candidate') AS awaiting,
		EXISTS (SELECT 1 FROM contracts c WHERE c.application_id = @id AND c.status = 'awaiting_employer') AS employer,
		EXISTS (SELECT 1 FROM contracts c WHERE c.application_id = @id AND c.status = 'completed') AS completed`,
		map[string]any{"id": a.ID}).Scan(&x))
	closing := []string{"reject", "hold", "withdraw", "reject held", "candidate withdraws", "add candidate", "add application", "undo"}
	switch {
	case a.Status == models.StatusRejected || a.Status == models.StatusWithdrawn:
		return []string{"reactivate", "reactivate", "add candidate"}
	case a.Status == models.StatusOnHold:
		return []string{"reactivate", "reactivate", "reject", "withdraw", "send offer", "send contract"}
	case a.Status == models.StatusHired:
		return []string{"undo", "add candidate", "reject"}
	case x.Sent:
		return append([]string{"accept offer", "accept offer", "accept offer", "decline offer"}, closing[:2]...)
	case x.Accepted && !x.Awaiting && !x.Employer && !x.Completed:
		return []string{"send contract", "send contract", "send contract", "reject", "hold"}
	case x.Awaiting:
		return []string{"sign", "sign", "sign", "reject"}
	case x.Employer:
		return []string{"countersign", "countersign", "countersign", "hold"}
	case x.Completed:
		return []string{"hire", "hire", "undo"}
	case a.Stage == models.StageAssessmentDay:
		return append([]string{"book seat", "book seat", "book seat", "move", "skip", "send offer"}, closing...)
	}
	return append([]string{"move", "move", "skip", "bulk move", "board move", "send offer", "send offer"}, closing...)
}

// refusal reports whether err is the domain saying no (as opposed to a
// fault, or a database rule catching what the domain missed).
func refusal(err error) bool {
	var e *models.Error
	return errors.As(err, &e)
}

func activeTemplate(t *testing.T, d demo) int64 {
	t.Helper()
	ts, err := d.store.ListTemplates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if x.Active && !x.WrittenFormRequired {
			return x.ID
		}
	}
	id, err := d.store.SaveTemplate(context.Background(), staffActor(d.admin), 0, "Property contract",
		"This contract is between {{company}} and {{candidate_name}} for the role of {{job_title}}.", false, true)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// integrityViolations checks, in SQL, over every application in the
// database, what no path may break. Each query lists the offending rows.
func integrityViolations(t *testing.T, d demo) []string {
	t.Helper()
	checks := []struct{ name, sql string }{
		{"at or past Offer without an offer", `SELECT a.id FROM applications a
			JOIN position_stages cur ON cur.position_id = a.position_id AND cur.stage = a.stage
			JOIN position_stages o ON o.position_id = a.position_id AND o.stage = 'offer'
			WHERE cur.sort_order >= o.sort_order AND NOT EXISTS (SELECT 1 FROM offers f WHERE f.application_id = a.id)`},
		{"at or past Contract without a contract", `SELECT a.id FROM applications a
			JOIN position_stages cur ON cur.position_id = a.position_id AND cur.stage = a.stage
			JOIN position_stages o ON o.position_id = a.position_id AND o.stage = 'contract'
			WHERE cur.sort_order >= o.sort_order AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.application_id = a.id)`},
		{"at Hired without a countersigned contract", `SELECT a.id FROM applications a WHERE a.stage = 'hired'
			AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.application_id = a.id AND c.status = 'completed')`},
		{"a stage shown as done was neither passed through nor skipped with a reason", `SELECT a.id FROM applications a
			JOIN position_stages cur ON cur.position_id = a.position_id AND cur.stage = a.stage
			JOIN position_stages ps ON ps.position_id = a.position_id AND ps.sort_order < cur.sort_order
			WHERE NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.application_id = a.id AND e.to_stage = ps.stage)
			AND NOT EXISTS (SELECT 1 FROM stage_events e
				LEFT JOIN position_stages f ON f.position_id = a.position_id AND f.stage = e.from_stage
				JOIN position_stages tt ON tt.position_id = a.position_id AND tt.stage = e.to_stage
				WHERE e.application_id = a.id AND e.kind IN ('skip', 'flow', 'opened') AND btrim(e.note) <> ''
				AND coalesce(f.sort_order, -1) < ps.sort_order AND ps.sort_order < tt.sort_order)`},
		{"a seat held by a closed application", `SELECT b.application_id FROM assessment_bookings b
			JOIN applications a ON a.id = b.application_id JOIN assessment_days dd ON dd.id = b.day_id
			WHERE b.status = 'booked' AND a.status IN ('rejected', 'withdrawn') AND dd.status = 'scheduled'
			UNION ALL SELECT w.application_id FROM assessment_waitlist w JOIN applications a ON a.id = w.application_id
			WHERE w.status IN ('waiting', 'offered') AND a.status IN ('rejected', 'withdrawn')`},
		{"seats counted differently from seats held", `SELECT dd.id FROM assessment_days dd WHERE dd.status = 'scheduled' AND dd.seats_taken <>
			(SELECT count(*) FROM assessment_bookings b WHERE b.day_id = dd.id AND b.status = 'booked')
			+ (SELECT count(*) FROM assessment_waitlist w WHERE w.day_id = dd.id AND w.status = 'offered')`},
		{"a message to a held rejection's candidate left before the position was settled", `SELECT m.id FROM outbox_messages m
			JOIN applications a ON a.candidate_id = m.candidate_id AND a.rejection_held
			WHERE m.held_for_position_id = a.position_id AND m.status NOT IN ('held', 'cancelled')`},
	}
	var bad []string
	for _, c := range checks {
		var ids []int64
		if err := d.store.DB().Raw(c.sql).Scan(&ids).Error; err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(ids) > 0 {
			bad = append(bad, fmt.Sprintf("%s: %v", c.name, ids))
		}
	}
	return bad
}
