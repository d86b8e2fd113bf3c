package models

import (
	"context"
	"database/sql"
	"errors"
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
