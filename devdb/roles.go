package devdb

import (
	"context"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
)

// The project-local cluster splits the database roles as production should:
// OwnerRole owns the database and everything in it and runs the migrations;
// AppRole, which the app connects as, owns nothing and has only the grants
// the migrations give it, so it cannot switch off the database's triggers.
const (
	OwnerRole = "nextstep_owner"
	AppRole   = "nextstep_app"
)

// Role is a login role to create when missing.
type Role struct {
	Name     string
	Password string // empty: none (the local cluster trusts 127.0.0.1)
}

// EnsureRoles creates the roles that do not exist yet, as plain login roles
// (no superuser, no CREATEDB, no CREATEROLE). conn must be a role allowed
// to create roles.
func EnsureRoles(ctx context.Context, conn *pgx.Conn, roles ...Role) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// Several processes may start at once: take turns.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('nextstep.roles'))"); err != nil {
		return err
	}
	for _, r := range roles {
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", r.Name).Scan(&exists); err != nil {
			return err
		}
		if exists {
			continue
		}
		stmt := "CREATE ROLE " + pgx.Identifier{r.Name}.Sanitize() + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
		if r.Password != "" {
			stmt += " PASSWORD " + quoteLiteral(r.Password)
		}
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("creating role %s: %w", r.Name, err)
		}
	}
	return tx.Commit(ctx)
}

func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}

// URLAs is the connection string for database as role on this cluster.
func (c *Cluster) URLAs(role, database string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", url.PathEscape(role), c.Port, database)
}

// PrepareDatabase makes sure the roles and the database exist on the running
// cluster, the database and every object in its public schema owned by
// OwnerRole (a database made before the roles were split is handed over),
// and returns the URLs the app and the migrations connect with.
func (c *Cluster) PrepareDatabase(ctx context.Context, name string) (appURL, ownerURL string, err error) {
	admin, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return "", "", fmt.Errorf("connecting to local PostgreSQL: %w", err)
	}
	defer admin.Close(ctx)
	if err := EnsureRoles(ctx, admin, Role{Name: OwnerRole}, Role{Name: AppRole}); err != nil {
		return "", "", err
	}
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", "", err
	}
	db := pgx.Identifier{name}.Sanitize()
	if !exists {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+db+" OWNER "+OwnerRole); err != nil {
			return "", "", err
		}
	} else if _, err := admin.Exec(ctx, "ALTER DATABASE "+db+" OWNER TO "+OwnerRole); err != nil {
		return "", "", err
	}
	// Hand over what the superuser made before the split (tables, sequences
	// standing alone, views, functions, enum and domain types); sequences of
	// a table and members of an extension follow their owner.
	inDB, err := pgx.Connect(ctx, c.URL(name))
	if err != nil {
		return "", "", err
	}
	defer inDB.Close(ctx)
	if _, err := inDB.Exec(ctx, handOverToOwner); err != nil {
		return "", "", fmt.Errorf("handing the local database to %s: %w", OwnerRole, err)
	}
	return c.URLAs(AppRole, name), c.URLAs(OwnerRole, name), nil
}

const handOverToOwner = `DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT format('ALTER %s %s OWNER TO ` + OwnerRole + `',
                CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                c.oid::regclass) AS stmt
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
              AND c.relowner <> '` + OwnerRole + `'::regrole
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
    LOOP
        EXECUTE r.stmt;
    END LOOP;
    FOR r IN SELECT format('ALTER ROUTINE %s OWNER TO ` + OwnerRole + `', p.oid::regprocedure) AS stmt
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND p.proowner <> '` + OwnerRole + `'::regrole
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE r.stmt;
    END LOOP;
    FOR r IN SELECT format('ALTER TYPE %s OWNER TO ` + OwnerRole + `', t.oid::regtype) AS stmt
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') AND t.typowner <> '` + OwnerRole + `'::regrole
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
    LOOP
        EXECUTE r.stmt;
    END LOOP;
END $$`
