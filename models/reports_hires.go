package models

import (
	"fmt"
	"strconv"
)

// HireTime is time to hire for one position (PositionID 0: overall).
type HireTime struct {
	PositionID int64
	Title      string
	Status     PositionStatus
	Hires      int64
	MedianDays *float64 // nil without hires
}

// timeToHirePart is time to hire, per position and overall.
func timeToHirePart(q *reportSQL, f ReportFilter) reportPart {
	cond, args := positionCond(f, "a.position_id")
	// An application starts when it was created, or at its first stage
	// event when that is earlier (a history imported with it).
	q.cte("hires", `SELECT a.position_id, (extract(epoch FROM h.hired_at - least(a.created_at, h.first_at)) / 86400)::float8 AS days
			FROM applications a
			JOIN LATERAL (SELECT min(e.created_at) FILTER (WHERE e.to_status = 'hired' AND e.from_status IS DISTINCT FROM 'hired') AS hired_at,
			                     min(e.created_at) AS first_at
			              FROM stage_events e WHERE e.application_id = a.id) h ON h.hired_at IS NOT NULL
			WHERE a.status = 'hired' AND `+cond, args...)
	condP, argsP := positionCond(f, "p.id")
	var hires []byte
	q.col(`(SELECT jsonb_build_object(
			'overall', (SELECT jsonb_build_object('hires', count(*), 'median_days', percentile_cont(0.5) WITHIN GROUP (ORDER BY days)) FROM hires),
			'positions', (SELECT coalesce(jsonb_agg(jsonb_build_object('position_id', p.id, 'title', p.title, 'status', p.status,
					'hires', coalesce(h.hires, 0), 'median_days', h.median_days)
				ORDER BY p.status = 'open' DESC, lower(p.title), p.id), '[]')
				FROM positions p
				LEFT JOIN (SELECT position_id, count(*) AS hires, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median_days
				           FROM hires GROUP BY position_id) h ON h.position_id = p.id
				WHERE `+condP+`)))`, &hires, argsP...)
	return func(r *Reports) error {
		if len(hires) == 0 {
			return nil
		}
		var h struct {
			Overall   HireTime
			Positions []HireTime
		}
		if err := decodeRows(hires, &h); err != nil {
			return fmt.Errorf("time to hire: %w", err)
		}
		r.TimeToHireOverall, r.TimeToHire = h.Overall, h.Positions
		return nil
	}
}

// timeToHireCSV is time to hire as CSV records, header first, not yet made
// formula-safe.
func (r *Reports) timeToHireCSV() [][]string {
	n := strconv.FormatInt
	rows := [][]string{{"position", "hires", "median_days_to_hire"}}
	for _, h := range r.TimeToHire {
		rows = append(rows, []string{h.Title, n(h.Hires, 10), csvDays(h.MedianDays)})
	}
	if r.Position == nil {
		rows = append(rows, []string{"All positions", n(r.TimeToHireOverall.Hires, 10), csvDays(r.TimeToHireOverall.MedianDays)})
	}
	return rows
}
