package models

import (
	"fmt"
	"strconv"
	"time"
)

// OverduePromise is an active application whose promised update is late.
type OverduePromise struct {
	ApplicationID    int64
	CandidateID      int64
	Name             string
	Email            string
	PositionID       int64
	PositionTitle    string
	Stage            StageKey
	ExpectedUpdateAt time.Time
	DaysOverdue      int64 // calendar days past the promised date; 0: promised for earlier today
}

// OverdueTally is the number of overdue promises of one position.
type OverdueTally struct {
	PositionID int64
	Title      string
	Count      int64
}

// overduePart is the overdue promises at now: the count, the most overdue up
// to f.OverdueLimit, and the count per position. zone is the organisation's
// time zone as PostgreSQL names it.
func overduePart(q *reportSQL, f ReportFilter, now time.Time, zone string) reportPart {
	cond, args := positionCond(f, "a.position_id")
	// coalesce(…, 'infinity') < now is the expression of the index
	// applications_expected_asc, and means the same as expected_update_at < now.
	q.cte("overdue", `SELECT a.id AS application_id, a.candidate_id, a.position_id, a.stage, a.expected_update_at
			FROM applications a
			WHERE a.status = 'active' AND coalesce(a.expected_update_at, 'infinity'::timestamptz) < CAST(? AS timestamptz) AND `+cond,
		append([]any{now}, args...)...)
	limit := "ALL"
	if f.OverdueLimit > 0 {
		limit = strconv.Itoa(f.OverdueLimit)
	}
	var overdue []byte
	q.col(`(SELECT jsonb_build_object(
			'count', (SELECT count(*) FROM overdue),
			'rows', (SELECT coalesce(jsonb_agg(to_jsonb(o) || jsonb_build_object('name', c.name, 'email', c.email, 'position_title', p.title,
					'days_overdue', (CAST(? AS timestamptz) AT TIME ZONE CAST(? AS text))::date - (o.expected_update_at AT TIME ZONE CAST(? AS text))::date)
				ORDER BY o.expected_update_at, o.application_id), '[]')
				FROM (SELECT * FROM overdue ORDER BY expected_update_at, application_id LIMIT `+limit+`) o
				JOIN candidates c ON c.id = o.candidate_id
				JOIN positions p ON p.id = o.position_id),
			'by_position', (SELECT coalesce(jsonb_agg(jsonb_build_object('position_id', p.id, 'title', p.title, 'count', b.n)
				ORDER BY b.n DESC, lower(p.title), p.id), '[]')
				FROM (SELECT position_id, count(*) AS n FROM overdue GROUP BY position_id) b
				JOIN positions p ON p.id = b.position_id)))`, &overdue, now, zone, zone)
	return func(r *Reports) error {
		if len(overdue) == 0 {
			return nil
		}
		var o struct {
			Count      int64
			Rows       []OverduePromise
			ByPosition []OverdueTally
		}
		if err := decodeRows(overdue, &o); err != nil {
			return fmt.Errorf("overdue promises: %w", err)
		}
		r.OverdueCount, r.Overdue, r.OverdueByPosition = o.Count, o.Rows, o.ByPosition
		return nil
	}
}

// overdueCSV is the overdue promises as CSV records, header first, with
// times in loc, not yet made formula-safe.
func (r *Reports) overdueCSV(loc *time.Location) [][]string {
	rows := [][]string{{"candidate", "email", "position", "stage", "promised_update", "days_overdue"}}
	for _, o := range r.Overdue {
		rows = append(rows, []string{o.Name, o.Email, o.PositionTitle, StageName(o.Stage),
			o.ExpectedUpdateAt.In(loc).Format("2006-01-02 15:04"), strconv.FormatInt(o.DaysOverdue, 10)})
	}
	return rows
}
