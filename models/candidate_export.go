package models

import (
	"context"
	"strconv"
	"time"
)

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
		s.ran(query, qargs)
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
