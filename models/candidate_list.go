package models

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CandidateFilter narrows the candidate list.
type CandidateFilter struct {
	PositionID int64
	Stage      StageKey
	Status     Status
	Query      string // name or email contains
	Sort       string // name, stage, updated, expected, position (prefix "-" for descending)
	After      string // cursor: the page after this row
	Before     string // cursor: the page before this row
}

// CandidatePageSize is how many rows one page of the candidate list shows.
const CandidatePageSize = 25

// CandidateCountCap is where the list stops counting: beyond it the page
// says "1,000+", which is all a person needs and costs no whole-table count.
const CandidateCountCap = 1000

// CandidateRow is one application in the candidate list.
type CandidateRow struct {
	ApplicationID    int64
	CandidateID      int64
	Name             string
	Email            string
	PositionID       int64
	PositionTitle    string
	Stage            StageKey
	Status           Status
	StageEnteredAt   time.Time
	ExpectedUpdateAt *time.Time
	SortKey          string // the row's value of the sort key, for its cursor
}

// CandidatePage is one page of the list with the cursors around it.
type CandidatePage struct {
	Rows    []CandidateRow
	Next    string // cursor of the following page, "" on the last
	Prev    string // cursor of the preceding page, "" on the first
	Count   int64  // matching applications, counted up to CandidateCountCap
	CountAt int64  // CandidateCountCap when Count reached it ("1,000+")

	Positions []PositionChoice // what the position filter offers
}

// candidateSort is one way of ordering the list: an indexed expression on
// applications, its SQL type (for the cursor), and its direction.
type candidateSort struct {
	expr string
	typ  string
	desc bool
}

func lookupCandidateSort(key string) candidateSort {
	name, desc := strings.CutPrefix(key, "-")
	switch name {
	case "name":
		return candidateSort{"a.sort_name", "text", desc}
	case "position":
		return candidateSort{"a.sort_position", "text", desc}
	case "stage":
		return candidateSort{"a.stage_order", "integer", desc}
	case "expected":
		// Applications without a promised date come last both ways.
		if desc {
			return candidateSort{"coalesce(a.expected_update_at, '-infinity'::timestamptz)", "timestamptz", true}
		}
		return candidateSort{"coalesce(a.expected_update_at, 'infinity'::timestamptz)", "timestamptz", false}
	case "updated":
		return candidateSort{"a.stage_entered_at", "timestamptz", desc}
	}
	return candidateSort{"a.stage_entered_at", "timestamptz", true} // longest-waiting last: newest moves first
}

// cursor is a position in the list: the sort value and the application id.
type cursor struct {
	Key string `json:"k"`
	ID  int64  `json:"i"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID <= 0 || len(c.Key) > 500 {
		return cursor{}, false
	}
	return c, true
}

// candidateListSQL is the pair of statements behind one page of the list:
// the capped count and the page itself.
type candidateListSQL struct {
	with                string // a leading CTE, or ""
	withArgs            []any
	countSQL, pageSQL   string
	order               string // of the page's rows, over the alias r
	countArgs, pageArgs []any
	backwards, atCursor bool
}

// candidateFilterSQL is the WHERE condition (on applications "a") of the
// candidate list's filters and search, scoped to what actor may see.
func candidateFilterSQL(actor Actor, f CandidateFilter) (string, []any) {
	var where []string
	var args []any
	if cond, scopeArgs := positionScope(actor, ""); cond != "TRUE" {
		where = append(where, "a.position_id IN (SELECT id FROM positions WHERE "+cond+")")
		args = append(args, scopeArgs...)
	}
	if f.PositionID != 0 {
		where, args = append(where, "a.position_id = ?"), append(args, f.PositionID)
	}
	if f.Stage != "" {
		where, args = append(where, "a.stage = ?"), append(args, f.Stage)
	}
	if f.Status != "" {
		where, args = append(where, "a.status = ?"), append(args, f.Status)
	}
	if qs := strings.TrimSpace(f.Query); utf8.RuneCountInString(qs) >= 3 {
		where, args = append(where, "a.search LIKE ?"), append(args, "%"+escapeLike(strings.ToLower(qs))+"%")
	} else if qs != "" {
		// Too short for trigrams: the index would have to return every row,
		// so a plain scan (with its own prepared plan) is the better plan.
		where, args = append(where, "strpos(a.search, ?) > 0"), append(args, strings.ToLower(qs))
	}
	filter := "true"
	if len(where) > 0 {
		filter = strings.Join(where, " AND ")
	}
	return filter, args
}

// buildCandidateList writes the statements for one page. With fromMatches,
// the filter runs once into a materialised set of at most the count cap
// (a search's trigram scan then happens once, not for the count and again
// for the page); that is only right when the set is complete, i.e. when
// fewer rows than the cap match.
func buildCandidateList(actor Actor, f CandidateFilter, fromMatches bool) candidateListSQL {
	filter, args := candidateFilterSQL(actor, f)
	q := candidateListSQL{
		// The limits are constants in the text, not parameters, so the
		// prepared statement settles on one plan instead of re-planning.
		countSQL:  "SELECT count(*) FROM (SELECT 1 FROM applications a WHERE " + filter + " LIMIT " + strconv.Itoa(CandidateCountCap) + ") capped",
		countArgs: args,
	}
	if fromMatches {
		q.with = "WITH m AS MATERIALIZED (SELECT a.id FROM applications a WHERE " + filter + " LIMIT " + strconv.Itoa(CandidateCountCap) + ")"
		q.withArgs = args
		q.countSQL, q.countArgs = "SELECT count(*) FROM m", nil
		filter, args = "a.id IN (SELECT id FROM m)", nil
	}
	sort := lookupCandidateSort(f.Sort)
	// Walking backwards (the page before a cursor) reverses the order, then the rows.
	at, ok := decodeCursor(f.After)
	if !ok {
		if at, ok = decodeCursor(f.Before); ok {
			q.backwards = true
		}
	}
	q.atCursor = ok
	cmp, dir := ">", "ASC"
	if sort.desc != q.backwards {
		cmp, dir = "<", "DESC"
	}
	pageWhere, pageArgs := filter, append([]any{}, args...)
	if ok {
		pageWhere += " AND (" + sort.expr + ", a.id) " + cmp + " (CAST(? AS " + sort.typ + "), ?)"
		pageArgs = append(pageArgs, at.Key, at.ID)
	}
	q.pageSQL = `SELECT a.id AS application_id, a.candidate_id, c.name, c.email, a.position_id, p.title AS position_title,
			a.stage, a.status, a.stage_entered_at, a.expected_update_at, CAST(pg.sk AS text) AS sort_key, pg.sk
		FROM (SELECT a.id, ` + sort.expr + ` AS sk FROM applications a WHERE ` + pageWhere + `
		      ORDER BY ` + sort.expr + ` ` + dir + `, a.id ` + dir + ` LIMIT ` + strconv.Itoa(CandidatePageSize+1) + `) pg
		JOIN applications a ON a.id = pg.id
		JOIN candidates c ON c.id = a.candidate_id
		JOIN positions p ON p.id = a.position_id`
	q.order = "r.sk " + dir + ", r.application_id " + dir
	q.pageArgs = pageArgs
	return q
}

// ListCandidates returns one page of the applications visible to actor. It
// pages by keyset (the sort value and the id of the row at the page's edge),
// so page 2,000 costs what page 1 does, and counts matches only up to a cap.
func (s *Store) ListCandidates(ctx context.Context, actor Actor, f CandidateFilter) (*CandidatePage, error) {
	if !actor.Role.SeesCandidates() {
		return nil, ErrForbidden
	}
	page, err := s.listCandidates(ctx, actor, buildCandidateList(actor, f, f.Query != ""))
	if err == nil && page.CountAt > 0 && f.Query != "" {
		// More matches than the set holds: page through the whole index instead.
		page, err = s.listCandidates(ctx, actor, buildCandidateList(actor, f, false))
	}
	return page, err
}

func (s *Store) listCandidates(ctx context.Context, actor Actor, q candidateListSQL) (*CandidatePage, error) {
	// One statement: the capped count, the page (as JSON, in order) and the
	// positions the filter offers.
	posScope, posArgs := positionScope(actor, "")
	args := append(append(append(append([]any{}, q.withArgs...), q.countArgs...), posArgs...), q.pageArgs...)
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	// The page's rows come as plain rows; the count and the position choices
	// ride along on each (the LEFT JOIN keeps one row for an empty page).
	query := numberedPlaceholders(q.with + ` SELECT cnt.n, pos.j, r.application_id, r.candidate_id, r.name, r.email,
			r.position_id, r.position_title, r.stage, r.status, r.stage_entered_at, r.expected_update_at, r.sort_key
		FROM (` + q.countSQL + `) cnt (n)
		CROSS JOIN (SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'title', title, 'status', status) ORDER BY status = 'open' DESC, lower(title)), '[]')
			FROM positions WHERE ` + posScope + `) pos (j)
		LEFT JOIN LATERAL (` + q.pageSQL + `) r ON true
		ORDER BY ` + q.order)
	s.ran(query, args)
	res, err := sqlDB.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	page := &CandidatePage{}
	var rows []CandidateRow
	var positions []byte
	for res.Next() {
		var r struct {
			appID, candID, posID        sql.NullInt64
			name, email, title, sortKey sql.NullString
			stage, status               sql.NullString
			entered                     sql.NullTime
		}
		var expected *time.Time
		if err := res.Scan(&page.Count, &positions, &r.appID, &r.candID, &r.name, &r.email, &r.posID, &r.title, &r.stage, &r.status,
			&r.entered, &expected, &r.sortKey); err != nil {
			return nil, err
		}
		if !r.appID.Valid {
			continue // an empty page
		}
		rows = append(rows, CandidateRow{ApplicationID: r.appID.Int64, CandidateID: r.candID.Int64, Name: r.name.String, Email: r.email.String,
			PositionID: r.posID.Int64, PositionTitle: r.title.String, Stage: StageKey(r.stage.String), Status: Status(r.status.String),
			StageEnteredAt: r.entered.Time, ExpectedUpdateAt: expected, SortKey: r.sortKey.String})
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	if page.Count >= CandidateCountCap {
		page.CountAt = CandidateCountCap
	}
	if err := decodeRows(positions, &page.Positions); err != nil {
		return nil, err
	}
	more := len(rows) > CandidatePageSize
	if more {
		rows = rows[:CandidatePageSize]
	}
	if q.backwards {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	page.Rows = rows
	if len(rows) > 0 {
		first := cursor{Key: rows[0].SortKey, ID: rows[0].ApplicationID}.encode()
		last := cursor{Key: rows[len(rows)-1].SortKey, ID: rows[len(rows)-1].ApplicationID}.encode()
		switch {
		case q.backwards:
			page.Next = last // we came from there
			if more {
				page.Prev = first
			}
		case q.atCursor:
			page.Prev = first
			if more {
				page.Next = last
			}
		default:
			if more {
				page.Next = last
			}
		}
	}
	return page, nil
}
