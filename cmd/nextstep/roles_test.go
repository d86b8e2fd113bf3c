package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"nextstep/devdb"
	"nextstep/models"
)

// Issue 16.6: the app connects as DATABASE_URL and migrates as
// NEXTSTEP_MIGRATE_DATABASE_URL, and still starts with one URL for both
// (nothing pending: the app's role only reads the migration bookkeeping);
// production warns when the app's role could switch off the safeguards.
func TestSplitRolesStartAndProductionWarnsAboutAnOwner(t *testing.T) {
	ctx := context.Background()
	tdb := devdb.NewTestDatabase(t, migrator)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	open := func(cfg Config) *models.Store {
		t.Helper()
		cfg.DBMaxConns = 2
		_, store, err := openStore(ctx, cfg, log, nil)
		if err != nil {
			t.Fatalf("openStore(DATABASE_URL=%s, NEXTSTEP_MIGRATE_DATABASE_URL=%s): %v", cfg.DatabaseURL, cfg.MigrateURL, err)
		}
		t.Cleanup(func() { store.Close() })
		return store
	}
	// Instances starting together migrate and grant in turn.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			_, store, err := openStore(ctx, Config{DatabaseURL: tdb.URL, MigrateURL: tdb.OwnerURL, DBMaxConns: 1}, log, nil)
			if err == nil {
				store.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("starting with others: %v", err)
		}
	}
	split := open(Config{DatabaseURL: tdb.URL, MigrateURL: tdb.OwnerURL})
	if r, err := split.Role(ctx); err != nil || r.Name != devdb.TestAppRole || r.CanDisableSafeguards() {
		t.Fatalf("the app connects as %+v (%v), want %s owning nothing", r, err, devdb.TestAppRole)
	}
	appOnly := open(Config{DatabaseURL: tdb.URL, MigrateURL: tdb.URL})
	owner := open(Config{DatabaseURL: tdb.OwnerURL, MigrateURL: tdb.OwnerURL})

	for _, c := range []struct {
		name  string
		env   string
		store *models.Store
		warns bool
	}{
		{"production, app role", "production", split, false},
		{"production, app role migrating itself", "production", appOnly, false},
		{"production, owner", "production", owner, true},
		{"development, owner", "development", owner, false},
	} {
		logs.Reset()
		if err := warnAboutRole(ctx, Config{Env: c.env}, c.store, log); err != nil {
			t.Fatal(err)
		}
		got := strings.Contains(logs.String(), "level=WARN") && strings.Contains(logs.String(), "NEXTSTEP_MIGRATE_DATABASE_URL")
		if got != c.warns {
			t.Errorf("%s: warned %v, want %v: %s", c.name, got, c.warns, logs.String())
		}
		if c.warns && !strings.Contains(logs.String(), "role="+devdb.TestOwnerRole) {
			t.Errorf("%s: the warning does not name the role: %s", c.name, logs.String())
		}
	}
}
