package models_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"

	"nextstep/models"
	"nextstep/views"
)

func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// Issue 16.6: the app connects as a role that owns nothing, so it cannot
// switch off the triggers that freeze signed contracts and keep the audit
// log append-only, nor empty what they protect. The owner could switch them
// off (the control), which is why the app never connects as the owner.
func TestAppRoleCannotDisableSafeguards(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	tdb := testDatabase(t, d.store)
	ctx := context.Background()
	c, _ := signedContract(t, d)
	app := d.store.DB()

	refused := []struct {
		name, stmt string
		state      string // SQLSTATE: 42501 no privilege, P0001 a trigger refused
	}{
		{"disable all the contract triggers", "ALTER TABLE contracts DISABLE TRIGGER ALL", "42501"},
		{"disable the contract's own triggers", "ALTER TABLE contracts DISABLE TRIGGER USER", "42501"},
		{"disable the freeze trigger", "ALTER TABLE contracts DISABLE TRIGGER contracts_freeze", "42501"},
		{"disable the audit trigger", "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only", "42501"},
		{"drop the freeze trigger", "DROP TRIGGER contracts_freeze ON contracts", "42501"},
		{"replace the freeze function", "CREATE OR REPLACE FUNCTION contracts_freeze() RETURNS trigger AS 'BEGIN RETURN NEW; END' LANGUAGE plpgsql", "42501"},
		{"skip triggers for the session", "SET session_replication_role = replica", "42501"},
		{"change the signed contract", "UPDATE contracts SET candidate_signed_name = 'Somebody Else' WHERE status = 'completed'", "P0001"},
		{"void the signed contract", "UPDATE contracts SET status = 'void' WHERE status = 'completed'", "P0001"},
		{"delete the signed contract", "DELETE FROM contracts WHERE status = 'completed'", "42501"},
		{"truncate the audit log", "TRUNCATE audit_log", "42501"},
		{"truncate the contracts", "TRUNCATE contracts CASCADE", "42501"},
		{"rewrite the audit log", "UPDATE audit_log SET action = 'tampered'", "42501"},
		{"delete the audit log", "DELETE FROM audit_log", "42501"},
		{"change a consent", "UPDATE esign_consents SET ip = '203.0.113.9'", "42501"},
		{"mark a migration applied", "INSERT INTO goose_db_version (version_id, is_applied) VALUES (999999, true)", "42501"},
		{"create a table", "CREATE TABLE public.shadow (id int)", "42501"},
	}
	for _, r := range refused {
		err := app.Exec(r.stmt).Error
		if err == nil {
			t.Errorf("as the app's role, %s (%s) was allowed", r.name, r.stmt)
		} else if got := sqlState(err); got != r.state {
			t.Errorf("as the app's role, %s: SQLSTATE %s (%v), want %s", r.name, got, err, r.state)
		}
	}
	var name, status string
	if err := app.Raw("SELECT candidate_signed_name, status FROM contracts WHERE id = ?", c.ID).Row().Scan(&name, &status); err != nil {
		t.Fatal(err)
	}
	if name != "Daniel Kim" || status != "completed" {
		t.Errorf("the signed contract now reads %q, %s", name, status)
	}
	if n := count(t, d.store, "audit_log"); n == 0 {
		t.Error("the audit log is empty")
	}

	role, err := d.store.Role(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if role.Superuser || role.OwnedTables != 0 || role.CanDisableSafeguards() {
		t.Errorf("the app's role %+v can switch off the safeguards", role)
	}

	// Control: the owner may switch the triggers off (so the refusals above
	// are the role's doing; only a superuser may also switch off the foreign
	// keys' system triggers with ALL), yet the triggers refuse the owner too
	// while they are on.
	owner, err := sql.Open("pgx", tdb.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	tx, err := owner.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "ALTER TABLE contracts DISABLE TRIGGER USER"); err != nil {
		t.Errorf("the owner could not disable the contract triggers, so the test proves nothing: %v", err)
	}
	tx.Rollback()
	for _, stmt := range []string{"TRUNCATE audit_log", "UPDATE audit_log SET action = 'tampered'", "DELETE FROM esign_consents",
		"UPDATE contracts SET status = 'void' WHERE status = 'completed'"} {
		if _, err := owner.ExecContext(ctx, stmt); sqlState(err) != "P0001" {
			t.Errorf("as the owner, %s: %v, want a trigger's refusal (P0001)", stmt, err)
		}
	}
	ownerStore, err := models.Open(ctx, tdb.OwnerURL, models.Config{MaxConns: 1, Links: views.Paths{}})
	if err != nil {
		t.Fatal(err)
	}
	defer ownerStore.Close()
	if r, err := ownerStore.Role(ctx); err != nil || !r.CanDisableSafeguards() || r.OwnedTables == 0 {
		t.Errorf("the owner's role reads %+v (%v); want it flagged as able to switch off the safeguards", r, err)
	}
}

// A trigger's refusal is a conflict with a sentence, never an internal error.
func TestRefusedByRule(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	c, _ := signedContract(t, d)
	err := d.store.DB().Exec("UPDATE contracts SET status = 'void' WHERE id = ?", c.ID).Error
	if !models.RefusedByRule(err) {
		t.Fatalf("RefusedByRule(%v) = false", err)
	}
	if models.RefusedByRule(errors.New("contract 1 is final")) || models.RefusedByRule(nil) {
		t.Error("RefusedByRule is true for an error that is not the database's")
	}
}
