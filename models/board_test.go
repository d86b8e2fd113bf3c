package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"nextstep/models"
)

func (d demo) positionID(t *testing.T, title string) int64 {
	t.Helper()
	var id int64
	if err := d.store.DB().Raw("SELECT id FROM positions WHERE title = ?", title).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("position %q: %v", title, err)
	}
	return id
}

// boardNames is the candidates' names per column, by stage.
func boardNames(b *models.Board) map[models.StageKey][]string {
	out := map[models.StageKey][]string{}
	for _, col := range b.Columns {
		for _, c := range col.Cards {
			out[col.Stage.Key] = append(out[col.Stage.Key], c.Name)
		}
	}
	return out
}

func TestPositionBoardColumnsCardsAndMoves(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	sales := d.positionID(t, "Account Executive")
	amelia := d.application(t, "amelia.hart@example.com") // interview completed, entered 26 hours ago
	if err := d.store.ChangeStatus(ctx, staffActor(d.recruiter), d.application(t, "chloe.dubois@example.com").ID, models.StatusOnHold, ""); err != nil {
		t.Fatal(err)
	}

	before := d.store.Statements()
	b, err := d.store.PositionBoard(ctx, staffActor(d.recruiter), sales)
	if err != nil {
		t.Fatal(err)
	}
	if used := d.store.Statements() - before; used != 1 {
		t.Errorf("the board took %d statements, want 1", used)
	}
	// One column per pipeline stage, in the pipeline's order.
	var keys []models.StageKey
	for _, col := range b.Columns {
		keys = append(keys, col.Stage.Key)
	}
	if b.Position.Title != "Account Executive" || !slices.Equal(keys, b.Position.Pipeline) || len(keys) != 11 {
		t.Fatalf("columns %v, pipeline %v", keys, b.Position.Pipeline)
	}
	// Only applications in progress: Elena (rejected) is not on the board.
	names := boardNames(b)
	want := map[models.StageKey][]string{
		models.StageInterviewCompleted:    {"Amelia Hart"},
		models.StageAssessmentDay:         {"Ben Okafor"},
		models.StageCommercialNegotiation: {"Chloe Dubois"},
		models.StageFinalDecision:         {"Daniel Kim"},
		models.StageOffer:                 {"Sofia Costa"},
	}
	if len(names) != len(want) {
		t.Fatalf("cards by stage %v, want %v", names, want)
	}
	for k, w := range want {
		if !slices.Equal(names[k], w) {
			t.Errorf("%s: %v, want %v", k, names[k], w)
		}
	}
	for _, col := range b.Columns {
		if col.Count != len(col.Cards) || col.Hidden() != 0 {
			t.Errorf("%s: count %d for %d cards", col.Stage.Key, col.Count, len(col.Cards))
		}
		flow := col.Stage.Key == models.StageOffer || col.Stage.Key == models.StageContract || col.Stage.Key == models.StageOnboarding || col.Stage.Key == models.StageHired
		if col.Flow != flow {
			t.Errorf("%s: flow %v, want %v", col.Stage.Key, col.Flow, flow)
		}
	}

	card := b.Card(amelia.ID)
	if card == nil || card.CandidateID != amelia.CandidateID || card.Status != models.StatusActive || card.DaysInStage != 1 || card.Overdue {
		t.Fatalf("Amelia's card: %+v", card)
	}
	if card.ExpectedUpdateAt == nil || !card.ExpectedUpdateAt.Equal(*amelia.ExpectedUpdateAt) {
		t.Errorf("Amelia's promised date %v, want %v", card.ExpectedUpdateAt, amelia.ExpectedUpdateAt)
	}
	// The next stage first, then skips up to the final decision; never the
	// offer, the contract or Hired, which open through their flows.
	if len(card.Moves) == 0 || card.Moves[0].To != models.StageAdditionalInterview || len(card.Moves[0].Skipped) != 0 {
		t.Fatalf("Amelia's moves: %+v", card.Moves)
	}
	last := card.Moves[len(card.Moves)-1]
	if last.To != models.StageFinalDecision || len(last.Skipped) != 5 {
		t.Errorf("Amelia's last move: %+v", last)
	}
	for _, col := range b.Columns {
		for _, c := range col.Cards {
			for _, m := range c.Moves {
				if m.To == models.StageOffer || m.To == models.StageContract || m.To == models.StageHired {
					t.Errorf("%s may be moved to %s on the board", c.Name, m.To)
				}
			}
		}
	}
	if c := b.Card(d.application(t, "chloe.dubois@example.com").ID); c == nil || c.Status != models.StatusOnHold || len(c.Moves) != 0 {
		t.Errorf("Chloe (on hold): %+v, want a card without moves", c)
	}
	if c := b.Card(d.application(t, "daniel.kim@example.com").ID); c == nil || len(c.Moves) != 0 {
		t.Errorf("Daniel (final decision, next the offer): %+v, want a card without moves", c)
	}
	if c := b.Card(d.application(t, "sofia.costa@example.com").ID); c == nil || len(c.Moves) != 0 {
		t.Errorf("Sofia (offer): %+v, want a card without moves", c)
	}

	// Days later the promise has passed.
	d.clock.Advance(9 * 24 * time.Hour)
	b, err = d.store.PositionBoard(ctx, staffActor(d.recruiter), sales)
	if err != nil {
		t.Fatal(err)
	}
	if c := b.Card(amelia.ID); c == nil || !c.Overdue || c.DaysInStage != 10 {
		t.Errorf("Amelia's card nine days later: %+v, want overdue after 10 days", c)
	}
}

func TestPositionBoardScopedLikeTheCandidateList(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	sales, eng := d.positionID(t, "Account Executive"), d.positionID(t, "Backend Engineer (Go)")
	if b, err := d.store.PositionBoard(ctx, staffActor(d.manager), sales); err != nil || b.Card(d.application(t, "ben.okafor@example.com").ID) == nil {
		t.Fatalf("manager's own position: %v", err)
	}
	if _, err := d.store.PositionBoard(ctx, staffActor(d.manager), eng); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("manager opening engineering's board: %v, want ErrNotFound", err)
	}
	if _, err := d.store.PositionBoard(ctx, staffActor(d.admin), eng); err != nil {
		t.Fatalf("admin opening engineering's board: %v", err)
	}
	interviewer := models.Actor{Kind: "staff", ID: 999, Role: models.RoleInterviewer}
	if _, err := d.store.PositionBoard(ctx, interviewer, sales); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("interviewer opening a board: %v, want ErrNotFound", err)
	}
	if _, err := d.store.PositionBoard(ctx, staffActor(d.admin), 999999); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("unknown position: %v, want ErrNotFound", err)
	}
}

func TestPositionBoardCapsColumns(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	ops := d.positionID(t, "Warehouse Operations Lead")
	n := models.BoardCardCap + 5
	if err := d.store.DB().Exec(`INSERT INTO candidates (email, name) SELECT 'bulk' || g || '@example.com', 'Bulk ' || g FROM generate_series(1, ?) g`, n).Error; err != nil {
		t.Fatal(err)
	}
	if err := d.store.DB().Exec(`INSERT INTO applications (candidate_id, position_id, stage, status, stage_entered_at)
		SELECT id, ?, 'hr_round', CASE WHEN id % 2 = 0 THEN 'active' ELSE 'on_hold' END, now() - id * interval '1 minute'
		FROM candidates WHERE email LIKE 'bulk%'`, ops).Error; err != nil {
		t.Fatal(err)
	}
	b, err := d.store.PositionBoard(ctx, staffActor(d.admin), ops)
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range b.Columns {
		if col.Stage.Key != models.StageHRRound {
			continue
		}
		if col.Count != n || len(col.Cards) != models.BoardCardCap || col.Hidden() != 5 {
			t.Fatalf("HR round: count %d, %d cards, %d hidden", col.Count, len(col.Cards), col.Hidden())
		}
		// The longest waiting come first.
		for i := 1; i < len(col.Cards); i++ {
			if col.Cards[i].StageEnteredAt.Before(col.Cards[i-1].StageEnteredAt) {
				t.Fatalf("cards out of order at %d", i)
			}
		}
		return
	}
	t.Fatal("no HR round column")
}

func TestBoardMoveChecksPositionAndFlows(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	sales, ops := d.positionID(t, "Account Executive"), d.positionID(t, "Warehouse Operations Lead")
	amelia := d.application(t, "amelia.hart@example.com")
	rec := staffActor(d.recruiter)

	if _, err := d.store.BoardMove(ctx, rec, ops, amelia.ID, models.MoveRequest{To: models.StageAdditionalInterview}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("moving through another position's board: %v, want ErrNotFound", err)
	}
	if _, err := d.store.BoardMove(ctx, rec, sales, 999999, models.MoveRequest{To: models.StageAdditionalInterview}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("unknown application: %v, want ErrNotFound", err)
	}
	for _, to := range []models.StageKey{models.StageOffer, models.StageHired, "nonsense"} {
		if _, err := d.store.BoardMove(ctx, rec, sales, amelia.ID, models.MoveRequest{To: to, Note: "because", ConfirmSkip: true}); models.FieldErrors(err)["to_stage"] == "" {
			t.Errorf("move to %q: %v, want a to_stage error", to, err)
		}
	}
	// A skip needs its reason (the rule of MoveStage).
	if _, err := d.store.BoardMove(ctx, rec, sales, amelia.ID, models.MoveRequest{To: models.StageAssessmentDay, ConfirmSkip: true}); models.FieldErrors(err)["note"] == "" {
		t.Fatalf("skip without a reason: %v", err)
	}
	if got := d.application(t, "amelia.hart@example.com"); got.Stage != models.StageInterviewCompleted {
		t.Fatalf("a refused move changed the stage to %s", got.Stage)
	}
	name, err := d.store.BoardMove(ctx, rec, sales, amelia.ID, models.MoveRequest{To: models.StageAdditionalInterview})
	if err != nil || name != "Amelia Hart" {
		t.Fatalf("next stage: %q, %v", name, err)
	}
	if got := d.application(t, "amelia.hart@example.com"); got.Stage != models.StageAdditionalInterview {
		t.Fatalf("stage after the move: %s", got.Stage)
	}
	var audits int64
	mustDB(t, d.store.DB().Raw(`SELECT count(*) FROM audit_log WHERE action = 'application.stage_moved' AND subject_id = ?`, amelia.ID).Scan(&audits))
	if audits != 1 {
		t.Errorf("%d audit rows for the move, want 1", audits)
	}
	// A hiring manager cannot move another manager's (here: nobody's) position's cards.
	farid := d.application(t, "farid.haddad@example.com")
	if _, err := d.store.BoardMove(ctx, staffActor(d.manager), d.positionID(t, "Backend Engineer (Go)"), farid.ID, models.MoveRequest{To: models.StageHRRound}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("manager moving an engineering card: %v, want ErrNotFound", err)
	}
}
