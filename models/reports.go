package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Reports for admins and recruiters: the funnel of each position, the median
// time in each stage, time to hire, offer acceptance and overdue promises.
// Every figure is computed by PostgreSQL, and the whole reports page is one
// statement whatever the number of positions or applications: each report is
// a scalar subquery returning a JSON document, decoded by decodeRows.
//
// Definitions (the page states them too):
//   - A stage entry is a stage event that changes the stage (the first event,
//     a move, a skip, a flow, an undo). A move that was undone does not count,
//     and neither does its undo: the stay before it simply runs on.
//   - Funnel: an application reached a stage of its position's pipeline when
//     its current stage is at or past it in the pipeline order (stages skipped
//     on the way count as passed), or when it has an entry into it. "Now"
//     counts the applications whose current stage it is and that are still in
//     the process: active or on hold (or hired, at the Hired stage).
//   - Time in a stage: from an entry to the application's next entry; stays
//     not yet over are left out. The median is percentile_cont(0.5).
//   - Time to hire: from the application's created_at (or its first stage
//     event, when that is earlier: a history imported with the application)
//     to the first event that set its status to hired, for applications now
//     hired.
//   - Offer acceptance: per offer, its newest version decides: accepted /
//     (accepted + declined). Offers whose newest version awaits the
//     candidate's answer are counted apart; drafts are not counted.
//   - Overdue promises: active applications whose promised update
//     (expected_update_at) is before now; days overdue are calendar days in
//     the organisation's time zone.

// ReportKind names one report; each has a CSV of its own.
type ReportKind string

// The reports, in the order the page shows them.
const (
	ReportFunnel          ReportKind = "funnel"
	ReportStageTimes      ReportKind = "stage-times"
	ReportTimeToHire      ReportKind = "time-to-hire"
	ReportOfferAcceptance ReportKind = "offer-acceptance"
	ReportOverdue         ReportKind = "overdue"
)

// ReportKinds lists every report in page order.
func ReportKinds() []ReportKind {
	return []ReportKind{ReportFunnel, ReportStageTimes, ReportTimeToHire, ReportOfferAcceptance, ReportOverdue}
}

// ParseReportKind reads a report name as it appears in a URL; an unknown
// name is ErrNotFound.
func ParseReportKind(s string) (ReportKind, error) {
	for _, k := range ReportKinds() {
		if string(k) == s {
			return k, nil
		}
	}
	return "", ErrNotFound
}

// Title is the report's heading.
func (k ReportKind) Title() string {
	switch k {
	case ReportFunnel:
		return "Funnel per position"
	case ReportStageTimes:
		return "Median time in each stage"
	case ReportTimeToHire:
		return "Time to hire"
	case ReportOfferAcceptance:
		return "Offer acceptance rate"
	case ReportOverdue:
		return "Overdue promises"
	}
	return string(k)
}

// ReportFilter chooses what Reports computes.
type ReportFilter struct {
	PositionID   int64        // 0: every position
	Kinds        []ReportKind // empty: every report
	OverdueLimit int          // overdue promises listed; 0: all of them (the count is always whole)
}

func (f ReportFilter) wants(k ReportKind) bool {
	if len(f.Kinds) == 0 {
		return true
	}
	for _, w := range f.Kinds {
		if w == k {
			return true
		}
	}
	return false
}

// Reports holds the figures of the requested reports.
type Reports struct {
	Filter    ReportFilter
	Now       time.Time
	Position  *PositionChoice  // the position filtered on, nil for all
	Positions []PositionChoice // every position, for the filter

	Funnel            []PositionFunnel
	StageTimes        []StageTime
	TimeToHire        []HireTime // per position
	TimeToHireOverall HireTime
	Offers            []OfferAcceptance // per position
	OffersOverall     OfferAcceptance
	Overdue           []OverduePromise // most overdue first, up to Filter.OverdueLimit
	OverdueCount      int64            // every overdue promise
	OverdueByPosition []OverdueTally   // most first
}

// Has reports whether the report kind was computed.
func (r *Reports) Has(k ReportKind) bool { return r.Filter.wants(k) }

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

// HireTime is time to hire for one position (PositionID 0: overall).
type HireTime struct {
	PositionID int64
	Title      string
	Status     PositionStatus
	Hires      int64
	MedianDays *float64 // nil without hires
}

// OfferAcceptance counts offers by the answer to their newest version.
type OfferAcceptance struct {
	PositionID int64 // 0: overall
	Title      string
	Status     PositionStatus
	Accepted   int64
	Declined   int64
	Awaiting   int64 // newest version sent, not answered yet
}

// Rate is accepted / (accepted + declined); ok is false when no offer was answered.
func (o OfferAcceptance) Rate() (rate float64, ok bool) {
	n := o.Accepted + o.Declined
	if n == 0 {
		return 0, false
	}
	return float64(o.Accepted) / float64(n), true
}

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

// reportSQL is a statement under construction: CTEs and select-list items,
// each with its arguments in the order their placeholders appear.
type reportSQL struct {
	ctes, cols       []string
	cteArgs, colArgs []any
	dests            []*[]byte
}

func (q *reportSQL) cte(name, body string, args ...any) {
	q.ctes = append(q.ctes, name+" AS ("+body+")")
	q.cteArgs = append(q.cteArgs, args...)
}

func (q *reportSQL) col(expr string, dest *[]byte, args ...any) {
	q.cols = append(q.cols, expr)
	q.colArgs = append(q.colArgs, args...)
	q.dests = append(q.dests, dest)
}

func (q *reportSQL) text() (string, []any) {
	var b strings.Builder
	if len(q.ctes) > 0 {
		b.WriteString("WITH " + strings.Join(q.ctes, ",\n") + "\n")
	}
	b.WriteString("SELECT " + strings.Join(q.cols, ",\n"))
	return b.String(), append(append([]any{}, q.cteArgs...), q.colArgs...)
}

// positionCond narrows alias's rows to the filtered position, if any.
func positionCond(f ReportFilter, column string) (string, []any) {
	if f.PositionID == 0 {
		return "true", nil
	}
	return column + " = ?", []any{f.PositionID}
}

// pgZone is the name PostgreSQL knows loc by.
func pgZone(loc *time.Location) string {
	if loc == nil || loc.String() == "" || loc.String() == "Local" {
		return "UTC"
	}
	return loc.String()
}

// Reports computes the reports f asks for, in one statement. Only admins and
// recruiters see them; an unknown position is ErrNotFound.
func (s *Store) Reports(ctx context.Context, actor Actor, f ReportFilter) (*Reports, error) {
	if actor.Kind != "staff" || !actor.Role.SeesAllCandidates() {
		return nil, ErrForbidden
	}
	if f.PositionID < 0 || f.OverdueLimit < 0 {
		return nil, ErrNotFound
	}
	r := &Reports{Filter: f, Now: s.Now()}
	q, parts := reportQuery(f, r.Now, s.loc)
	if err := s.scanReports(ctx, q); err != nil {
		return nil, err
	}
	for _, decode := range parts {
		if err := decode(r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// reportPart fills one report (or the list of positions) of r from its
// column, once the statement has run.
type reportPart func(r *Reports) error

// reportQuery builds the statement of the reports f asks for: the list of
// positions first, then each report's CTEs and column in page order. The
// parts decode the columns in the same order.
func reportQuery(f ReportFilter, now time.Time, loc *time.Location) (*reportSQL, []reportPart) {
	q := &reportSQL{}
	parts := []reportPart{positionsPart(q, f)}
	if f.wants(ReportFunnel) || f.wants(ReportStageTimes) {
		stageEntries(q, f)
	}
	if f.wants(ReportFunnel) {
		parts = append(parts, funnelPart(q, f))
	}
	if f.wants(ReportStageTimes) {
		parts = append(parts, stageTimesPart(q, f))
	}
	if f.wants(ReportTimeToHire) {
		parts = append(parts, timeToHirePart(q, f))
	}
	if f.wants(ReportOfferAcceptance) {
		parts = append(parts, offerAcceptancePart(q, f))
	}
	if f.wants(ReportOverdue) {
		parts = append(parts, overduePart(q, f, now, pgZone(loc)))
	}
	return q, parts
}

// scanReports runs the statement and scans its one row into q's columns.
func (s *Store) scanReports(ctx context.Context, q *reportSQL) error {
	query, args := q.text()
	row, err := s.queryRow(ctx, query, args...)
	if err != nil {
		return err
	}
	dests := make([]any, len(q.dests))
	for i, d := range q.dests {
		dests[i] = d
	}
	if err := row.Scan(dests...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		return err
	}
	return nil
}

// positionsPart lists every position, for the filter; with a position
// filtered on, it must be among them (else ErrNotFound).
func positionsPart(q *reportSQL, f ReportFilter) reportPart {
	var positions []byte
	q.col(`(SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'title', p.title, 'status', p.status)
		ORDER BY p.status = 'open' DESC, lower(p.title), p.id), '[]') FROM positions p)`, &positions)
	return func(r *Reports) error {
		if err := decodeRows(positions, &r.Positions); err != nil {
			return err
		}
		if f.PositionID != 0 {
			for i := range r.Positions {
				if r.Positions[i].ID == f.PositionID {
					r.Position = &r.Positions[i]
				}
			}
			if r.Position == nil {
				return ErrNotFound
			}
		}
		return nil
	}
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

// offerAcceptancePart is the offer acceptance rate, per position and overall.
func offerAcceptancePart(q *reportSQL, f ReportFilter) reportPart {
	cond, args := positionCond(f, "a.position_id")
	q.cte("outcomes", `SELECT a.position_id, v.status
			FROM offers o
			JOIN applications a ON a.id = o.application_id
			JOIN LATERAL (SELECT ov.status FROM offer_versions ov WHERE ov.offer_id = o.id ORDER BY ov.version DESC LIMIT 1) v ON true
			WHERE `+cond, args...)
	condP, argsP := positionCond(f, "p.id")
	const counts = `'accepted', count(*) FILTER (WHERE status = 'accepted'), 'declined', count(*) FILTER (WHERE status = 'declined'),
			'awaiting', count(*) FILTER (WHERE status = 'sent')`
	var offers []byte
	q.col(`(SELECT jsonb_build_object(
			'overall', (SELECT jsonb_build_object(`+counts+`) FROM outcomes),
			'positions', (SELECT coalesce(jsonb_agg(jsonb_build_object('position_id', p.id, 'title', p.title, 'status', p.status,
					'accepted', coalesce(oc.accepted, 0), 'declined', coalesce(oc.declined, 0), 'awaiting', coalesce(oc.awaiting, 0))
				ORDER BY p.status = 'open' DESC, lower(p.title), p.id), '[]')
				FROM positions p
				LEFT JOIN (SELECT position_id, count(*) FILTER (WHERE status = 'accepted') AS accepted,
				                  count(*) FILTER (WHERE status = 'declined') AS declined, count(*) FILTER (WHERE status = 'sent') AS awaiting
				           FROM outcomes GROUP BY position_id) oc ON oc.position_id = p.id
				WHERE `+condP+`)))`, &offers, argsP...)
	return func(r *Reports) error {
		if len(offers) == 0 {
			return nil
		}
		var o struct {
			Overall   OfferAcceptance
			Positions []OfferAcceptance
		}
		if err := decodeRows(offers, &o); err != nil {
			return fmt.Errorf("offer acceptance: %w", err)
		}
		r.OffersOverall, r.Offers = o.Overall, o.Positions
		return nil
	}
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

// csvDays formats a number of days for a CSV cell: two decimals, "" for none.
func csvDays(d *float64) string {
	if d == nil {
		return ""
	}
	return strconv.FormatFloat(*d, 'f', 2, 64)
}

// CSVRecords is one report as CSV records, header first; every cell is
// formula-safe (see csvSafe). Times are written in loc.
func (r *Reports) CSVRecords(kind ReportKind, loc *time.Location) ([][]string, error) {
	if !r.Has(kind) {
		return nil, ErrNotFound
	}
	if loc == nil {
		loc = time.UTC
	}
	var rows [][]string
	switch kind {
	case ReportFunnel:
		rows = r.funnelCSV()
	case ReportStageTimes:
		rows = r.stageTimesCSV()
	case ReportTimeToHire:
		rows = r.timeToHireCSV()
	case ReportOfferAcceptance:
		rows = r.offerAcceptanceCSV()
	case ReportOverdue:
		rows = r.overdueCSV(loc)
	default:
		return nil, ErrNotFound
	}
	for _, row := range rows {
		for j := range row {
			row[j] = csvSafe(row[j])
		}
	}
	return rows, nil
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

// offerAcceptanceCSV is offer acceptance as CSV records, header first, not
// yet made formula-safe.
func (r *Reports) offerAcceptanceCSV() [][]string {
	n := strconv.FormatInt
	rows := [][]string{{"position", "accepted", "declined", "awaiting_answer", "acceptance_rate_percent"}}
	line := func(title string, o OfferAcceptance) []string {
		rate := ""
		if v, ok := o.Rate(); ok {
			rate = strconv.FormatFloat(v*100, 'f', 1, 64)
		}
		return []string{title, n(o.Accepted, 10), n(o.Declined, 10), n(o.Awaiting, 10), rate}
	}
	for _, o := range r.Offers {
		rows = append(rows, line(o.Title, o))
	}
	if r.Position == nil {
		rows = append(rows, line("All positions", r.OffersOverall))
	}
	return rows
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

// CandidateExportBatch is how many applications one statement of the
// candidate export reads.
const CandidateExportBatch = 1000

// CandidateCSVHeader is the first record of the candidate list export.
func CandidateCSVHeader() []string {
	return []string{"name", "email", "position", "stage", "status", "stage_entered", "expected_update"}
}

// CandidateCSVRecord is one application of the candidate list as a
// formula-safe CSV record, with times in loc.
func CandidateCSVRecord(r CandidateRow, loc *time.Location) []string {
	if loc == nil {
		loc = time.UTC
	}
	expected := ""
	if r.ExpectedUpdateAt != nil {
		expected = r.ExpectedUpdateAt.In(loc).Format("2006-01-02 15:04")
	}
	rec := []string{r.Name, r.Email, r.PositionTitle, StageName(r.Stage), r.Status.Label(),
		r.StageEnteredAt.In(loc).Format("2006-01-02 15:04"), expected}
	for i := range rec {
		rec[i] = csvSafe(rec[i])
	}
	return rec
}

// ExportCandidates hands every application the candidate list shows for f
// (its filters and sort, without its paging) to each, in batches of
// CandidateExportBatch read by keyset, one statement a batch: memory stays
// flat and no connection is held while each writes. each is called at least
// once (with no rows when nothing matches), and only after the first batch
// was read, so a failure before it leaves the response untouched. Rows that
// change while the export runs may move between batches.
func (s *Store) ExportCandidates(ctx context.Context, actor Actor, f CandidateFilter, each func([]CandidateRow) error) error {
	if !actor.Role.SeesCandidates() {
		return ErrForbidden
	}
	filter, args := candidateFilterSQL(actor, f)
	sort := lookupCandidateSort(f.Sort)
	cmp, dir := ">", "ASC"
	if sort.desc {
		cmp, dir = "<", "DESC"
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	page := func(after *cursor) (string, []any) {
		w, a := filter, append([]any{}, args...)
		if after != nil {
			w += " AND (" + sort.expr + ", a.id) " + cmp + " (CAST(? AS " + sort.typ + "), ?)"
			a = append(a, after.Key, after.ID)
		}
		// The batch's columns come from the keyset scan itself: joined back
		// by id, a generic plan hashes the whole table instead.
		return numberedPlaceholders(`SELECT pg.id, pg.candidate_id, c.name, c.email, pg.position_id, p.title, pg.stage, pg.status,
				pg.stage_entered_at, pg.expected_update_at, CAST(pg.sk AS text)
			FROM (SELECT a.id, a.candidate_id, a.position_id, a.stage, a.status, a.stage_entered_at, a.expected_update_at, ` + sort.expr + ` AS sk
			      FROM applications a WHERE ` + w + `
			      ORDER BY ` + sort.expr + ` ` + dir + `, a.id ` + dir + ` LIMIT ` + strconv.Itoa(CandidateExportBatch) + `) pg
			JOIN candidates c ON c.id = pg.candidate_id
			JOIN positions p ON p.id = pg.position_id
			ORDER BY pg.sk ` + dir + `, pg.id ` + dir), a
	}
	var after *cursor
	batch := make([]CandidateRow, 0, CandidateExportBatch)
	for first := true; ; first = false {
		query, qargs := page(after)
		s.statements.Add(1)
		res, err := sqlDB.QueryContext(ctx, query, qargs...)
		if err != nil {
			return err
		}
		batch = batch[:0]
		for res.Next() {
			var r CandidateRow
			if err := res.Scan(&r.ApplicationID, &r.CandidateID, &r.Name, &r.Email, &r.PositionID, &r.PositionTitle, &r.Stage, &r.Status,
				&r.StageEnteredAt, &r.ExpectedUpdateAt, &r.SortKey); err != nil {
				res.Close()
				return err
			}
			batch = append(batch, r)
		}
		err = res.Err()
		res.Close()
		if err != nil {
			return err
		}
		if len(batch) > 0 || first {
			if err := each(batch); err != nil {
				return err
			}
		}
		if len(batch) < CandidateExportBatch {
			return nil
		}
		last := batch[len(batch)-1]
		after = &cursor{Key: last.SortKey, ID: last.ApplicationID}
	}
}
