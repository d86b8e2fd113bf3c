package models

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"
)

// The board shows one position's applications in progress as cards in a
// column per pipeline stage. Moving a card is the ordinary stage move
// (MoveStage and its rule CanMove); the board only offers moves to the
// stages entered by a move: the flow stages and the hire are reached on the
// candidate's page (stageRules).

// BoardCardCap is how many cards one column shows; a busier stage links to
// the candidate list for the rest, so the page stays light.
const BoardCardCap = 200

// BoardCard is one application in progress on the board.
type BoardCard struct {
	ApplicationID    int64
	CandidateID      int64
	Name             string
	Stage            StageKey
	Status           Status // active or on_hold
	StageEnteredAt   time.Time
	ExpectedUpdateAt *time.Time
	DaysInStage      int
	Overdue          bool         // the promised update date has passed
	Moves            []MoveChoice // what the card may be moved to on the board: the next stage first
}

// BoardColumn is one stage of the pipeline with its cards.
type BoardColumn struct {
	Stage Stage
	Count int         // every application in progress in the stage
	Cards []BoardCard // the longest waiting first, at most BoardCardCap
	// Flow: the stage is entered only through its flow, never by a move on the board.
	Flow bool
}

// Hidden is how many of the stage's applications the column does not show.
func (c BoardColumn) Hidden() int { return c.Count - len(c.Cards) }

// Board is a position's pipeline with its applications in progress.
type Board struct {
	Position Position // with Pipeline
	Columns  []BoardColumn
}

// Card finds a card on the board by application id.
func (b *Board) Card(appID int64) *BoardCard {
	for i := range b.Columns {
		for j := range b.Columns[i].Cards {
			if b.Columns[i].Cards[j].ApplicationID == appID {
				return &b.Columns[i].Cards[j]
			}
		}
	}
	return nil
}

// BoardMoves are the moves a card offers on the board: the pipeline's move
// choices to the stages entered by a move (stageRules).
func (p Pipeline) BoardMoves(status Status, from StageKey) []MoveChoice {
	// contractSigned only opens the way to Hired, which the board never offers.
	all := p.MoveChoices(status, from, false)
	out := all[:0:0]
	for _, m := range all {
		if EnteredByMove(m.To) {
			out = append(out, m)
		}
	}
	return out
}

// daysBetween counts whole days from t to now (0 for the same day or the future).
func daysBetween(t, now time.Time) int {
	if d := int(now.Sub(t).Hours() / 24); d > 0 {
		return d
	}
	return 0
}

// PositionBoard loads a position's board for actor, in one statement: the
// position, its pipeline and, per stage, the applications in progress
// (active or on hold) with their candidate, at most BoardCardCap a stage,
// and how many there are. A hiring manager sees only their own positions;
// anyone else without access gets ErrNotFound.
func (s *Store) PositionBoard(ctx context.Context, actor Actor, positionID int64) (*Board, error) {
	if !actor.Role.SeesCandidates() {
		return nil, ErrNotFound
	}
	scope, scopeArgs := positionScope(actor, "p")
	// The window runs over the position's applications alone (index
	// applications_position_idx); candidates are joined for the kept cards only.
	r, err := s.queryRow(ctx, `SELECT p.id, p.title, p.department, p.location, p.headcount, p.status, p.decision_sla_days,
			p.hiring_manager_id, p.requires_decision_approval,
			(SELECT coalesce(jsonb_agg(ps.stage ORDER BY ps.sort_order), '[]') FROM position_stages ps WHERE ps.position_id = p.id),
			(SELECT coalesce(jsonb_agg(jsonb_build_object('application_id', x.id, 'candidate_id', x.candidate_id, 'name', c.name,
					'stage', x.stage, 'status', x.status, 'stage_entered_at', x.stage_entered_at, 'expected_update_at', x.expected_update_at,
					'in_stage', x.in_stage) ORDER BY x.stage_entered_at, x.id), '[]')
				FROM (SELECT a.id, a.candidate_id, a.stage, a.status, a.stage_entered_at, a.expected_update_at,
						row_number() OVER (PARTITION BY a.stage ORDER BY a.stage_entered_at, a.id) AS rn,
						count(*) OVER (PARTITION BY a.stage) AS in_stage
					FROM applications a WHERE a.position_id = p.id AND a.status IN ('active', 'on_hold')) x
				JOIN candidates c ON c.id = x.candidate_id
				WHERE x.rn <= `+strconv.Itoa(BoardCardCap)+`)
		FROM positions p WHERE p.id = ? AND (`+scope+`)`,
		append([]any{positionID}, scopeArgs...)...)
	if err != nil {
		return nil, err
	}
	b := &Board{}
	p := &b.Position
	var pipeline, cards []byte
	err = r.Scan(&p.ID, &p.Title, &p.Department, &p.Location, &p.Headcount, &p.Status, &p.DecisionSLADays,
		&p.HiringManagerID, &p.RequiresDecisionApproval, &pipeline, &cards)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := decodeRows(pipeline, &p.Pipeline); err != nil {
		return nil, err
	}
	var rows []struct {
		BoardCard
		InStage int
	}
	if err := decodeRows(cards, &rows); err != nil {
		return nil, err
	}
	now := s.Now()
	b.Columns = make([]BoardColumn, len(p.Pipeline))
	for i, k := range p.Pipeline {
		st, _ := LookupStage(k)
		b.Columns[i] = BoardColumn{Stage: st, Flow: !EnteredByMove(k)}
	}
	for _, row := range rows {
		i := p.Pipeline.Index(row.Stage)
		if i < 0 {
			continue // cannot happen: a stage in use stays in the pipeline (UpdatePosition)
		}
		card := row.BoardCard
		card.DaysInStage = daysBetween(card.StageEnteredAt, now)
		card.Overdue = card.ExpectedUpdateAt != nil && card.ExpectedUpdateAt.Before(now)
		card.Moves = p.Pipeline.BoardMoves(card.Status, card.Stage)
		b.Columns[i].Count = row.InStage
		b.Columns[i].Cards = append(b.Columns[i].Cards, card)
	}
	return b, nil
}

// BoardMove moves an application of the position on the board: it must
// belong to positionID (ErrNotFound otherwise), and the target must be a
// stage the board offers; the move itself is MoveStage, with its rules,
// event, audit entry and message. It returns the candidate's name.
func (s *Store) BoardMove(ctx context.Context, actor Actor, positionID, appID int64, m MoveRequest) (string, error) {
	if !actor.Role.SeesCandidates() {
		return "", ErrNotFound
	}
	// An application never changes position, so this check holds for the
	// transaction MoveStage runs; MoveStage checks actor's access again.
	var row struct {
		PositionID int64
		Name       string
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT a.position_id, c.name FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE a.id = ?`, appID).Scan(&row).Error; err != nil {
		return "", err
	}
	if row.PositionID == 0 || row.PositionID != positionID {
		return "", ErrNotFound
	}
	if _, ok := LookupStage(m.To); !ok {
		return "", Invalid("to_stage", "Choose the stage to move to.")
	}
	if err := boardRefusal(m.To); err != nil {
		return "", err
	}
	if err := s.MoveStage(ctx, actor, appID, m); err != nil {
		return "", err
	}
	return row.Name, nil
}
