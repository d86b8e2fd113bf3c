package models

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pressly/goose/v3"
)

// Migration 00034 (Go: it needs the data key ring, which SQL has not) seals,
// once, the personal data the append-only tables held in clear before
// crypto-shredding: it runs in one transaction as the schema's owner, the
// only place the append-only triggers are ever switched off, and switches
// them on again before it commits.

// shredMigrationVersion is the Go migration's goose version.
const shredMigrationVersion = 34

// shredMigration is the goose migration that seals the existing rows with ring.
func shredMigration(ring *keyRing) *goose.Migration {
	return goose.NewGoMigration(shredMigrationVersion, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		return sealExistingRows(ctx, tx, ring)
	}}, &goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error { return nil }}) // down: the sealed rows stay sealed
}

// appendOnlyTriggers are the triggers that refuse UPDATE on the tables the
// migration rewrites.
var appendOnlyTriggers = [][2]string{
	{"audit_log", "audit_log_append_only"},
	{"check_consents", "check_consents_append_only"},
	{"esign_consents", "esign_consents_append_only"},
}

// personalDetailKeys are the keys of an audit entry's details that hold a
// person's own words or data: names, addresses, typed names, and free text
// a person wrote. A new call site passing one of them to audit or auditAll
// fails TestAuditDetailsHoldNothingPersonal; it goes through auditPersonal.
var personalDetailKeys = []string{"name", "email", "phone", "address", "typed_name", "reason", "note", "comment",
	"decline_reason", "return_reason", "rationale", "proposal", "subject", "current_name", "requested_name", "response"}

// actionPersonalKeys are further personal keys of particular actions, whose
// names elsewhere hold no personal data ("to" is a stage or a date elsewhere).
var actionPersonalKeys = map[string][]string{
	"contract.sent":                    {"to"},
	"message.retried":                  {"to"},
	"candidate.name_corrected":         {"from", "to"},
	"contract.name_correction_applied": {"from", "to"},
}

// auditPersonSQL is the candidate each audit entry is about: the candidate
// actor, or the candidate of the entry's subject.
const auditPersonSQL = `SELECT l.id, l.actor_kind, l.actor_email, l.action, l.ip, l.user_agent, l.details::text,
	CASE WHEN l.actor_kind = 'candidate' THEN l.actor_id
	WHEN l.subject_type = 'candidate' THEN l.subject_id
	WHEN l.subject_type = 'application' THEN (SELECT candidate_id FROM applications WHERE id = l.subject_id)
	WHEN l.subject_type = 'contract' THEN (SELECT a.candidate_id FROM contracts c JOIN applications a ON a.id = c.application_id WHERE c.id = l.subject_id)
	WHEN l.subject_type = 'offer' THEN (SELECT a.candidate_id FROM offers o JOIN applications a ON a.id = o.application_id WHERE o.id = l.subject_id)
	WHEN l.subject_type = 'check' THEN (SELECT a.candidate_id FROM checks c JOIN applications a ON a.id = c.application_id WHERE c.id = l.subject_id)
	WHEN l.subject_type = 'onboarding_task' THEN (SELECT a.candidate_id FROM onboarding_tasks t JOIN applications a ON a.id = t.application_id WHERE t.id = l.subject_id)
	WHEN l.subject_type = 'message' THEN (SELECT coalesce(m.candidate_id, a.candidate_id, (SELECT ra.candidate_id FROM referees r
			JOIN applications ra ON ra.id = r.application_id WHERE r.id = m.referee_id))
		FROM outbox_messages m LEFT JOIN applications a ON a.id = m.application_id WHERE m.id = l.subject_id)
	WHEN l.subject_type = 'stored_file' THEN (SELECT a.candidate_id FROM checks c JOIN applications a ON a.id = c.application_id
		WHERE c.result_file_id = l.subject_id LIMIT 1)
	END AS person
FROM audit_log l WHERE l.personal IS NULL ORDER BY l.id`

type oldAuditRow struct {
	id                                    int64
	actorKind, actorEmail, action, ip, ua string
	details                               string
	person                                sql.NullInt64
}

// sealExistingRows seals what the append-only tables hold in clear. It
// first opens the data key's canary (CheckDataKey's row), when there is one:
// keys sealed with a wrong data key would be lost for good once the right
// one is configured again, so a wrong key stops the migration instead.
func sealExistingRows(ctx context.Context, tx *sql.Tx, ring *keyRing) error {
	var canary []byte
	switch err := tx.QueryRowContext(ctx, "SELECT sealed FROM data_key_check WHERE id = 1").Scan(&canary); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	default:
		if plain, err := ring.open(canary); err != nil || string(plain) != canaryText {
			return fmt.Errorf("migration 00034 needs the data key the database was sealed with: %w", errors.Join(err, errWrongDataKey))
		}
	}
	for _, t := range appendOnlyTriggers {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+t[0]+" DISABLE TRIGGER "+t[1]); err != nil {
			return err
		}
	}
	keys := personKeys{tx: tx, ring: ring, rings: map[int64]*keyRing{}}
	if err := sealOldAudit(ctx, tx, &keys); err != nil {
		return err
	}
	for _, table := range []string{"check_consents", "esign_consents"} {
		if err := sealOldConsents(ctx, tx, &keys, table); err != nil {
			return err
		}
	}
	for _, t := range appendOnlyTriggers {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+t[0]+" ENABLE TRIGGER "+t[1]); err != nil {
			return err
		}
	}
	return nil
}

// sealOldAudit seals the personal part of each audit entry that has one.
func sealOldAudit(ctx context.Context, tx *sql.Tx, keys *personKeys) error {
	rows, err := tx.QueryContext(ctx, auditPersonSQL)
	if err != nil {
		return err
	}
	var old []oldAuditRow
	for rows.Next() {
		var r oldAuditRow
		if err := rows.Scan(&r.id, &r.actorKind, &r.actorEmail, &r.action, &r.ip, &r.ua, &r.details, &r.person); err != nil {
			rows.Close()
			return err
		}
		old = append(old, r)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, r := range old {
		if err := sealOldAuditRow(ctx, tx, keys, r); err != nil {
			return err
		}
	}
	return nil
}

func sealOldAuditRow(ctx context.Context, tx *sql.Tx, keys *personKeys, r oldAuditRow) error {
	var details map[string]any
	if err := json.Unmarshal([]byte(r.details), &details); err != nil {
		return err
	}
	personal := map[string]any{}
	for _, k := range slices.Concat(personalDetailKeys, actionPersonalKeys[r.action]) {
		if v, ok := details[k]; ok {
			personal[k] = v
			delete(details, k)
		}
	}
	byPerson := r.actorKind == "candidate" || r.actorKind == "referee" || (r.actorKind == "system" && r.ip != "")
	if !r.person.Valid {
		if len(personal) == 0 || !strings.HasPrefix(r.action, "candidates.bulk_") {
			return nil // nothing of a candidate's, or no candidate to seal it for (kept as it was)
		}
		// A bulk action's summary names many candidates: the reason, note or
		// subject it kept is in each application's own entry.
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE audit_log SET details = $1 WHERE id = $2", b, r.id)
		return err
	}
	if len(personal) == 0 && !byPerson {
		return nil
	}
	part := auditPart{IP: r.ip, UserAgent: r.ua}
	if len(personal) > 0 {
		part.Details = personal
	}
	email := r.actorEmail
	if r.actorKind == "candidate" || r.actorKind == "referee" {
		part.ActorEmail, email = r.actorEmail, ""
	}
	ring, err := keys.of(ctx, r.person.Int64)
	if err != nil {
		return err
	}
	sealed, err := sealPersonal(ring, part)
	if err != nil {
		return err
	}
	b, err := json.Marshal(details)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE audit_log SET person_id = $1, personal = $2, actor_email = $3, ip = '', user_agent = '',
		details = $4 WHERE id = $5`, r.person.Int64, sealed, email, b, r.id)
	return err
}

// sealOldConsents seals a consent table's clear address and browser.
func sealOldConsents(ctx context.Context, tx *sql.Tx, keys *personKeys, table string) error {
	ip := "ip" // esign_consents: text
	if table == "check_consents" {
		ip = "coalesce(host(ip), '')" // an inet, NULL when unknown
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, candidate_id, `+ip+`, user_agent FROM `+table+`
		WHERE personal IS NULL AND (`+ip+` <> '' OR user_agent <> '') ORDER BY id`)
	if err != nil {
		return err
	}
	type old struct {
		id, candidate int64
		consentPersonal
	}
	var all []old
	for rows.Next() {
		var o old
		if err := rows.Scan(&o.id, &o.candidate, &o.IP, &o.UserAgent); err != nil {
			rows.Close()
			return err
		}
		all = append(all, o)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	clearIP := "''"
	if table == "check_consents" {
		clearIP = "NULL" // an inet
	}
	for _, o := range all {
		ring, err := keys.of(ctx, o.candidate)
		if err != nil {
			return err
		}
		sealed, err := sealPersonal(ring, o.consentPersonal)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET personal = $1, ip = "+clearIP+", user_agent = '' WHERE id = $2",
			sealed, o.id); err != nil {
			return err
		}
	}
	return nil
}

// personKeys finds or makes each candidate's key once in the migration.
type personKeys struct {
	tx    *sql.Tx
	ring  *keyRing
	rings map[int64]*keyRing
}

func (p *personKeys) of(ctx context.Context, candidateID int64) (*keyRing, error) {
	if r, ok := p.rings[candidateID]; ok {
		return r, nil
	}
	plain := make([]byte, DataKeySize)
	if _, err := rand.Read(plain); err != nil {
		return nil, err
	}
	fresh, err := p.ring.seal(plain)
	if err != nil {
		return nil, err
	}
	if _, err := p.tx.ExecContext(ctx, "INSERT INTO person_keys (candidate_id, sealed_key) VALUES ($1, $2) ON CONFLICT DO NOTHING",
		candidateID, fresh); err != nil {
		return nil, err
	}
	var sealed []byte
	if err := p.tx.QueryRowContext(ctx, "SELECT sealed_key FROM person_keys WHERE candidate_id = $1", candidateID).Scan(&sealed); err != nil {
		return nil, err
	}
	key, err := p.ring.open(sealed)
	if err != nil {
		return nil, err
	}
	r, err := newKeyRing([][]byte{key})
	if err != nil {
		return nil, err
	}
	p.rings[candidateID] = r
	return r, nil
}
