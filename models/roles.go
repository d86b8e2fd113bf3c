package models

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
)

// The database's safeguards (the frozen signed contracts, the append-only
// audit log and consents) are triggers, and a table's owner can switch its
// triggers off (ALTER TABLE … DISABLE TRIGGER) or take the table away. So
// the schema belongs to an owner role that only runs migrations, and the
// app connects as a role that owns nothing and holds only the grants below.

// appGrants is what the app's role may do, granted again after every
// migration so a new table is never forgotten. It never gets TRUNCATE,
// REFERENCES or TRIGGER, ownership, or CREATE on the schema. %[1]s is the
// role's quoted name. Part of MigrationsHash: test templates follow it.
const appGrants = `
GRANT USAGE ON SCHEMA public TO %[1]s;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %[1]s;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %[1]s;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO %[1]s;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM %[1]s;
-- Evidence is written once: the app only adds to it.
REVOKE UPDATE, DELETE ON audit_log, esign_consents, check_consents, right_to_work_checks FROM %[1]s;
REVOKE DELETE ON contracts FROM %[1]s;
-- The migration bookkeeping is the owner's; the app only reads it (to see that nothing is pending).
REVOKE INSERT, UPDATE, DELETE ON goose_db_version, river_migration FROM %[1]s;
`

// grantApp gives appRole the app's privileges on everything the migrations
// made. Nothing happens when appRole is empty or is the migrating role itself
// (one role for everything: see the README's "Database roles").
func grantApp(ctx context.Context, db *sql.DB, appRole string) error {
	if appRole == "" {
		return nil
	}
	current, err := CurrentRole(ctx, db)
	if err != nil {
		return err
	}
	if current == appRole {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Instances starting together take turns: concurrent GRANTs on one table
	// fail with "tuple concurrently updated".
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext('nextstep.grants'))"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(appGrants, pgx.Identifier{appRole}.Sanitize())); err != nil {
		return fmt.Errorf("granting the app's role %q its privileges: %w", appRole, err)
	}
	return tx.Commit()
}

// RoleInfo describes the role a store connects as.
type RoleInfo struct {
	Name        string
	Superuser   bool
	OwnedTables int // tables in the schema the role owns, or may act as the owner of (membership)
}

// CanDisableSafeguards reports whether the role could switch off the
// database's triggers or remove its tables.
func (r RoleInfo) CanDisableSafeguards() bool { return r.Superuser || r.OwnedTables > 0 }

// Role tells which role the store connects as and what it could undo.
func (s *Store) Role(ctx context.Context) (RoleInfo, error) {
	var r RoleInfo
	err := s.db.WithContext(ctx).Raw(`SELECT current_user,
			(SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
			(SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND pg_has_role(current_user, c.relowner, 'MEMBER'))`).
		Row().Scan(&r.Name, &r.Superuser, &r.OwnedTables)
	return r, err
}

// CurrentRole is the role a connection acts as.
func CurrentRole(ctx context.Context, db *sql.DB) (string, error) {
	var name string
	err := db.QueryRowContext(ctx, "SELECT current_user").Scan(&name)
	return name, err
}

// riverReindexSchedule is River's default (a daily REINDEX of its job
// indexes) when the role owns River's tables, and never otherwise: REINDEX
// needs the owner, so as the app's role it would only log an error a day.
// Bloat of those indexes then falls to autovacuum, or to the owner running
// REINDEX TABLE CONCURRENTLY river_job.
func riverReindexSchedule(ctx context.Context, pool *pgxpool.Pool) river.PeriodicSchedule {
	var owns bool
	err := pool.QueryRow(ctx, "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE oid = 'river_job'::regclass").Scan(&owns)
	if err == nil && owns {
		return nil
	}
	return river.NeverSchedule()
}
