package models

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// River's daily REINDEX needs the owner of its tables: it stays on for a
// role that owns them and is off for the app's role, which would only log
// an error every day.
func TestRiverReindexRunsOnlyForTheOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, tdb := newTestStore(t)
	schedule := func(dsn string) func(time.Time) time.Time {
		pool, err := pgxpool.New(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		if s := riverReindexSchedule(ctx, pool); s != nil {
			return s.Next
		}
		return nil
	}
	now := time.Now()
	if next := schedule(tdb.URL); next == nil || next(now).Before(now.AddDate(10, 0, 0)) {
		t.Error("River's reindexer is scheduled for the app's role, which may not REINDEX")
	}
	if next := schedule(tdb.OwnerURL); next != nil {
		t.Error("River's reindexer is off for the owner of its tables")
	}
}
