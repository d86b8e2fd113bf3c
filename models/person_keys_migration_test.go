package models

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Migration 00034 seals, once, what rows written before crypto-shredding
// held in clear: a candidate actor's email, address and browser, a staff
// note naming the candidate, the consents' addresses; a bulk summary loses
// its typed reason; a staff row about no candidate keeps its facts; and the
// append-only triggers are on again afterwards.
func TestShredMigrationSealsOldRows(t *testing.T) {
	t.Parallel()
	s, tdb := newTestStore(t)
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(tdb.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	owner := stdlib.OpenDB(*cfg)
	defer owner.Close()

	var applied int64
	mustDB(t, s.db.Raw("SELECT count(*) FROM goose_db_version WHERE version_id = ? AND is_applied", shredMigrationVersion).Scan(&applied))
	if applied != 1 {
		t.Errorf("Migrate applied the Go migration %d times, want once", applied)
	}
	var c struct {
		CandidateID, ApplicationID, CheckID, ContractID int64
		Name, Email                                     string
	}
	mustDB(t, s.db.Raw(`SELECT a.candidate_id, a.id AS application_id, ch.id AS check_id, k.id AS contract_id, cd.name, cd.email
		FROM applications a JOIN candidates cd ON cd.id = a.candidate_id
		CROSS JOIN LATERAL (SELECT id FROM checks LIMIT 1) ch CROSS JOIN LATERAL (SELECT id FROM contracts LIMIT 1) k
		ORDER BY a.id LIMIT 1`).Scan(&c))
	if c.CandidateID == 0 {
		t.Fatal("the demo has no application with a check and a contract to borrow")
	}
	note := "Ring " + c.Name + " after lunch"
	exec := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := owner.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	candRow := exec(`INSERT INTO audit_log (actor_kind, actor_id, actor_email, action, subject_type, subject_id, ip, user_agent)
		VALUES ('candidate', $1, $2, 'sign_in.link_used', 'candidate', $1, '203.0.113.50', 'OldBrowser/1')`, c.CandidateID, c.Email)
	noteRow := exec(`INSERT INTO audit_log (actor_kind, actor_email, action, subject_type, subject_id, ip, details)
		VALUES ('staff', 'recruiter@demo.nextstep.test', 'application.expected_date_changed', 'application', $1, '192.0.2.9',
		jsonb_build_object('to', '2026-12-10', 'note', $2::text))`, c.ApplicationID, note)
	staffRow := exec(`INSERT INTO audit_log (actor_kind, actor_email, action, subject_type, subject_id, ip, details)
		VALUES ('staff', 'admin@demo.nextstep.test', 'position.created', 'position', 1, '192.0.2.9', '{"title": "Old title"}')`)
	bulkRow := exec(`INSERT INTO audit_log (actor_kind, actor_email, action, ip, details)
		VALUES ('staff', 'recruiter@demo.nextstep.test', 'candidates.bulk_reject', '192.0.2.9', jsonb_build_object('count', 2, 'reason', $1::text))`, note)
	checkRow := exec(`INSERT INTO check_consents (check_id, candidate_id, action, text_version, at, ip, user_agent)
		VALUES ($1, $2, 'given', 'old-1', now(), '203.0.113.51', 'OldBrowser/2')`, c.CheckID, c.CandidateID)
	esignRow := exec(`INSERT INTO esign_consents (contract_id, candidate_id, disclosure_version, ip, user_agent)
		VALUES ($1, $2, 'old-1', '203.0.113.52', 'OldBrowser/3')`, c.ContractID, c.CandidateID)

	migrate := func() {
		t.Helper()
		tx, err := owner.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := sealExistingRows(ctx, tx, s.keys); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	// A candidate with no key yet: the wrong ring would seal their new key.
	if _, err := owner.ExecContext(ctx, "DELETE FROM person_keys WHERE candidate_id = $1", c.CandidateID); err != nil {
		t.Fatal(err)
	}
	wrong, err := newKeyRing([][]byte{bytes.Repeat([]byte{7}, DataKeySize)})
	if err != nil {
		t.Fatal(err)
	}
	if tx, err := owner.BeginTx(ctx, nil); err != nil {
		t.Fatal(err)
	} else if err := sealExistingRows(ctx, tx, wrong); !errors.Is(err, errWrongDataKey) {
		t.Errorf("sealing with a data key the canary does not open: %v, want errWrongDataKey", err)
		tx.Rollback()
	} else if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	migrate()
	migrate() // a second run finds nothing left to seal

	text := func(table string, id int64) string {
		t.Helper()
		var out string
		cols := map[string]string{"audit_log": "actor_email || ' ' || ip || ' ' || user_agent || ' ' || details::text",
			"check_consents": "coalesce(host(ip), '') || ' ' || user_agent", "esign_consents": "ip || ' ' || user_agent"}[table]
		if err := owner.QueryRowContext(ctx, "SELECT "+cols+" FROM "+table+" WHERE id = $1", id).Scan(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, r := range []struct {
		table string
		id    int64
	}{{"audit_log", candRow}, {"audit_log", noteRow}, {"audit_log", bulkRow}, {"check_consents", checkRow}, {"esign_consents", esignRow}} {
		got := text(r.table, r.id)
		for _, clear := range []string{c.Email, c.Name, "203.0.113.5", "OldBrowser", "192.0.2.9"} {
			if r.id == bulkRow && clear == "192.0.2.9" {
				continue // a staff member's address on a row about no one candidate
			}
			if strings.Contains(got, clear) {
				t.Errorf("%s %d still holds %q in clear: %s", r.table, r.id, clear, got)
			}
		}
	}
	if got := text("audit_log", staffRow); !strings.Contains(got, "192.0.2.9") || !strings.Contains(got, "Old title") {
		t.Errorf("a staff row about no candidate changed: %s", got)
	}

	open := func(table string, id int64) map[string]any {
		t.Helper()
		p, err := s.SealedPersonal(ctx, table, id)
		if err != nil {
			t.Fatalf("%s %d: %v", table, id, err)
		}
		return p
	}
	if p := open("audit_log", candRow); p["actor_email"] != c.Email || p["ip"] != "203.0.113.50" || p["user_agent"] != "OldBrowser/1" {
		t.Errorf("the candidate's row sealed %v", p)
	}
	if p := open("audit_log", noteRow); p["ip"] != "192.0.2.9" || p["details"].(map[string]any)["note"] != note {
		t.Errorf("the note's row sealed %v", p)
	}
	if p := open("check_consents", checkRow); p["ip"] != "203.0.113.51" || p["user_agent"] != "OldBrowser/2" {
		t.Errorf("the check consent sealed %v", p)
	}
	if p := open("esign_consents", esignRow); p["ip"] != "203.0.113.52" || p["user_agent"] != "OldBrowser/3" {
		t.Errorf("the e-sign consent sealed %v", p)
	}
	var consent struct{ Personal, SealedKey []byte }
	mustDB(t, s.db.Raw(`SELECT e.personal, k.sealed_key FROM esign_consents e JOIN person_keys k ON k.candidate_id = e.candidate_id
		WHERE e.id = ?`, esignRow).Scan(&consent))
	if p, err := s.openConsent(consent.SealedKey, consent.Personal); err != nil || p.IP != "203.0.113.52" {
		t.Errorf("openConsent: %+v, %v", p, err)
	}
	if p, err := s.openConsent(nil, consent.Personal); err != nil || p.IP != Erased || p.UserAgent != Erased {
		t.Errorf("openConsent without the key: %+v, %v; want %q", p, err, Erased)
	}
	rows, _, err := s.ListAudit(ctx, Actor{Kind: "staff", ID: 1, Role: RoleAdmin}, AuditFilter{Action: "sign_in.link_used", Page: 1})
	if err != nil || len(rows) == 0 || rows[0].ID != candRow || rows[0].ActorEmail != c.Email || rows[0].IP != "203.0.113.50" {
		t.Errorf("the audit page after the migration: %d rows, %v", len(rows), err)
	}
	for _, table := range []string{"audit_log", "check_consents", "esign_consents"} {
		if _, err := owner.ExecContext(ctx, "UPDATE "+table+" SET personal = NULL WHERE id = (SELECT max(id) FROM "+table+")"); err == nil ||
			!strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s after the migration: an update gave %v, want the append-only refusal", table, err)
		}
	}
}

// After a data key rotation (the new key first, the old one as previous),
// a person's key sealed by the old data key is sealed again with the new
// one at the next write about them, so the old key can then be retired.
func TestPersonKeyFollowsADataKeyRotation(t *testing.T) {
	t.Parallel()
	old, tdb := newTestStore(t) // the development key
	ctx := context.Background()
	var cand Candidate
	mustDB(t, old.db.Order("id").First(&cand))
	me := Actor{Kind: "candidate", ID: cand.ID, Email: cand.Email, IP: "203.0.113.77"}
	if err := old.Audit(ctx, me, "candidate.rotation_test", "candidate", cand.ID, nil); err != nil {
		t.Fatal(err)
	}
	dev, err := ParseDataKey(DevDataKey)
	if err != nil {
		t.Fatal(err)
	}
	fresh := bytes.Repeat([]byte{9}, DataKeySize)
	open := func(keys ...[]byte) *Store {
		t.Helper()
		cfg := internalStoreConfig
		cfg.DataKeys = keys
		s, err := Open(ctx, tdb.URL, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	rotated := open(fresh, dev)
	if err := rotated.Audit(ctx, me, "candidate.rotation_test", "candidate", cand.ID, nil); err != nil {
		t.Fatal(err)
	}
	var row struct{ SealedKey []byte }
	mustDB(t, old.db.Raw("SELECT sealed_key FROM person_keys WHERE candidate_id = ?", cand.ID).Scan(&row))
	if len(row.SealedKey) < 2 || row.SealedKey[1] != keyID(fresh) {
		t.Fatalf("the person's key is still sealed by the old data key after a write")
	}
	retired := open(fresh)
	rows, err := retired.RevealedAudit(ctx, "audit_log.action = 'candidate.rotation_test'")
	if err != nil || len(rows) != 2 || rows[0].IP != "203.0.113.77" || rows[1].ActorEmail != cand.Email {
		t.Errorf("with the old data key retired: %d rows, %v", len(rows), err)
	}
}
