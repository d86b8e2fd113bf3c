package models

import (
	"fmt"
	"strconv"
)

// PositionFunnel is one position's pipeline with its counts.
type PositionFunnel struct {
	PositionID int64
	Title      string
	Status     PositionStatus
	Stages     []FunnelStage // in pipeline order
}

// FunnelStage is one pipeline stage of the funnel.
type FunnelStage struct {
	Stage   StageKey
	Reached int64 // applications that reached it
	InStage int64 // applications in it now, still in the process
}

// StageTime is the median stay in one stage.
type StageTime struct {
	Stage      StageKey
	Stays      int64    // completed stays measured
	MedianDays *float64 // nil without stays
}

// stageEntries is the CTE of stage entries that the funnel and the time in
// each stage read.
func stageEntries(q *reportSQL, f ReportFilter) {
	// Stage entries, without undone moves and their undos.
	cond, args := positionCond(f, "a.position_id")
	q.cte("entries", `SELECT x.id, x.application_id, x.position_id, x.current_stage, x.to_stage AS stage, x.created_at
			FROM (SELECT e.id, e.application_id, a.position_id, a.stage AS current_stage, e.to_stage, e.kind, e.created_at,
			             lead(e.kind) OVER (PARTITION BY e.application_id ORDER BY e.created_at, e.id) AS next_kind
			      FROM stage_events e JOIN applications a ON a.id = e.application_id
			      WHERE e.from_stage IS DISTINCT FROM e.to_stage AND `+cond+`) x
			WHERE x.kind <> 'undo' AND x.next_kind IS DISTINCT FROM 'undo'`, args...)
}

// funnelPart is the funnel of each position.
func funnelPart(q *reportSQL, f ReportFilter) reportPart {
	// Reached = the applications whose current stage is at or past the
	// stage (a running sum from the pipeline's end), plus those that
	// entered it but are back at an earlier stage now.
	condA, argsA := positionCond(f, "a.position_id")
	condPS, argsPS := positionCond(f, "ps.position_id")
	condP, argsP := positionCond(f, "p.id")
	args := append(append(append([]any{}, argsA...), argsPS...), argsP...)
	var funnel []byte
	q.col(`(SELECT coalesce(jsonb_agg(jsonb_build_object('position_id', p.id, 'title', p.title, 'status', p.status,
				'stages', coalesce(fs.stages, '[]'))
			ORDER BY p.status = 'open' DESC, lower(p.title), p.id), '[]')
		FROM positions p
		LEFT JOIN (
			SELECT cum.position_id, jsonb_agg(jsonb_build_object('stage', cum.stage, 'reached', cum.at_or_past + coalesce(bk.n, 0),
					'in_stage', cum.in_stage)
				ORDER BY cum.sort_order) AS stages
			FROM (
				SELECT ps.position_id, ps.stage, ps.sort_order, coalesce(cc.in_stage, 0) AS in_stage,
				       (sum(coalesce(cc.n, 0)) OVER (PARTITION BY ps.position_id ORDER BY ps.sort_order DESC))::bigint AS at_or_past
				FROM position_stages ps
				LEFT JOIN (
					SELECT a.position_id, a.stage, count(*) AS n,
					       count(*) FILTER (WHERE a.status IN ('active', 'on_hold', 'hired')) AS in_stage
					FROM applications a WHERE `+condA+`
					GROUP BY a.position_id, a.stage
				) cc ON cc.position_id = ps.position_id AND cc.stage = ps.stage
				WHERE `+condPS+`
			) cum
			LEFT JOIN (
				SELECT en.position_id, en.stage, count(DISTINCT en.application_id) AS n
				FROM entries en
				JOIN position_stages cs ON cs.position_id = en.position_id AND cs.stage = en.current_stage
				JOIN position_stages es ON es.position_id = en.position_id AND es.stage = en.stage
				WHERE es.sort_order > cs.sort_order
				GROUP BY en.position_id, en.stage
			) bk ON bk.position_id = cum.position_id AND bk.stage = cum.stage
			GROUP BY cum.position_id
		) fs ON fs.position_id = p.id
		WHERE `+condP+`)`, &funnel, args...)
	return func(r *Reports) error {
		if err := decodeRows(funnel, &r.Funnel); err != nil {
			return fmt.Errorf("funnel: %w", err)
		}
		return nil
	}
}

// stageTimesPart is the median time in each stage.
func stageTimesPart(q *reportSQL, f ReportFilter) reportPart {
	// Per position: its pipeline in its order; overall: every stage some
	// pipeline uses (or that has stays), in catalogue order.
	from, order, where := "stages s", "s.sort_order", "s.key IN (SELECT stage FROM position_stages) OR t.stays IS NOT NULL"
	var args []any
	if f.PositionID != 0 {
		from, order, where = "stages s JOIN position_stages ps ON ps.stage = s.key AND ps.position_id = ?", "ps.sort_order", "true"
		args = append(args, f.PositionID)
	}
	var stageTimes []byte
	q.col(`(SELECT coalesce(jsonb_agg(jsonb_build_object('stage', s.key, 'stays', coalesce(t.stays, 0), 'median_days', t.median_days)
			ORDER BY `+order+`), '[]')
		FROM `+from+`
		LEFT JOIN (
			SELECT st.stage, count(*) AS stays, percentile_cont(0.5) WITHIN GROUP (ORDER BY st.days) AS median_days
			FROM (SELECT en.stage, (extract(epoch FROM lead(en.created_at) OVER (PARTITION BY en.application_id ORDER BY en.created_at, en.id)
					- en.created_at) / 86400)::float8 AS days
			      FROM entries en) st
			WHERE st.days IS NOT NULL
			GROUP BY st.stage
		) t ON t.stage = s.key
		WHERE `+where+`)`, &stageTimes, args...)
	return func(r *Reports) error {
		if err := decodeRows(stageTimes, &r.StageTimes); err != nil {
			return fmt.Errorf("stage times: %w", err)
		}
		return nil
	}
}

// funnelCSV is the funnel as CSV records, header first, not yet made formula-safe.
func (r *Reports) funnelCSV() [][]string {
	n := strconv.FormatInt
	rows := [][]string{{"position", "position_status", "stage_number", "stage", "reached", "in_stage_now"}}
	for _, p := range r.Funnel {
		for i, st := range p.Stages {
			rows = append(rows, []string{p.Title, string(p.Status), strconv.Itoa(i + 1), StageName(st.Stage), n(st.Reached, 10), n(st.InStage, 10)})
		}
	}
	return rows
}

// stageTimesCSV is the time in each stage as CSV records, header first, not
// yet made formula-safe.
func (r *Reports) stageTimesCSV() [][]string {
	n := strconv.FormatInt
	scope := "All positions"
	if r.Position != nil {
		scope = r.Position.Title
	}
	rows := [][]string{{"positions", "stage", "completed_stays", "median_days"}}
	for _, st := range r.StageTimes {
		rows = append(rows, []string{scope, StageName(st.Stage), n(st.Stays, 10), csvDays(st.MedianDays)})
	}
	return rows
}
