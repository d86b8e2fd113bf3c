-- +goose Up
-- Crypto-shredding (issue 23): the append-only tables (audit_log,
-- check_consents, esign_consents) cannot be rewritten when a candidate is
-- erased, so from now on they hold a candidate's personal data only sealed
-- with a key of that person's own. Each key is random, made on first need,
-- and stored sealed with the data key ring (NEXTSTEP_DATA_KEY); erasure
-- deletes the key row, and everything sealed with it can no longer be read.
CREATE TABLE person_keys (
    candidate_id bigint      PRIMARY KEY REFERENCES candidates (id),
    sealed_key   bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- person_id names the candidate whose data the row's personal part holds
-- (the actor, when a candidate or their referee acted; else the candidate the
-- row is about). personal is that data, sealed with their key: version ||
-- key id || nonce || AES-256-GCM ciphertext of a JSON object.
ALTER TABLE audit_log ADD COLUMN person_id bigint REFERENCES candidates (id),
    ADD COLUMN personal bytea,
    ADD CONSTRAINT audit_log_personal_has_person CHECK (personal IS NULL OR person_id IS NOT NULL);
CREATE INDEX audit_log_person_idx ON audit_log (person_id) WHERE person_id IS NOT NULL;
-- A candidate's addresses are no longer readable in SQL: the referee signal
-- that read them opens them in Go (referenceSignals), by person_id.
DROP INDEX audit_log_candidate_ip_idx;

-- The consents' ip and user_agent go sealed into personal; the clear columns
-- are written empty (NULL for check_consents.ip).
ALTER TABLE check_consents ADD COLUMN personal bytea;
ALTER TABLE esign_consents ADD COLUMN personal bytea;

-- +goose Down
ALTER TABLE esign_consents DROP COLUMN personal;
ALTER TABLE check_consents DROP COLUMN personal;
CREATE INDEX audit_log_candidate_ip_idx ON audit_log (actor_id, ip) WHERE actor_kind = 'candidate' AND ip <> '';
DROP INDEX audit_log_person_idx;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_personal_has_person, DROP COLUMN personal, DROP COLUMN person_id;
DROP TABLE person_keys;
