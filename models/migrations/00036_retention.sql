-- +goose Up

-- Retention (issue 23; models/retention.go): a candidate whose applications
-- all closed (rejected or withdrawn) is anonymised once NEXTSTEP_RETENTION has
-- passed since their last activity, after a notice at least 30 days before.
--   last_signed_in_at    their last sign-in (one of the activities that count)
--   retention_kept_at    when they last pressed "Keep my data" (restarts the timer)
--   retention_notice_at  when the notice went; it counts only while it is later
--                        than their last activity (a later activity makes it stale)
ALTER TABLE candidates
    ADD COLUMN last_signed_in_at timestamptz,
    ADD COLUMN retention_kept_at timestamptz,
    ADD COLUMN retention_notice_at timestamptz;

-- The rule walks the candidates not yet erased, by id, and reads each one's
-- applications through applications_candidate_id_position_id_key; erased
-- people (most of the table, in time) are never visited.
CREATE INDEX candidates_retention_idx ON candidates (id) WHERE erased_at IS NULL;

-- The notice is a message kind like any other (its wording is edited on the
-- message templates page), so the outbox's list of kinds grows by one, read
-- from the constraint as it stands (whatever other migrations added).
-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
    WHERE c.conname = 'outbox_messages_kind_check' AND c.conrelid = 'outbox_messages'::regclass;
    kinds := ARRAY(SELECT DISTINCT unnest(kinds || ARRAY['retention_notice']) ORDER BY 1);
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
    EXECUTE 'ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('
        || (SELECT string_agg(quote_literal(k), ', ') FROM unnest(kinds) AS k) || '))';
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
    WHERE c.conname = 'outbox_messages_kind_check' AND c.conrelid = 'outbox_messages'::regclass;
    kinds := ARRAY(SELECT k FROM unnest(kinds) AS k WHERE k <> 'retention_notice' ORDER BY 1);
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
    EXECUTE 'ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('
        || (SELECT string_agg(quote_literal(k), ', ') FROM unnest(kinds) AS k) || '))';
END
$$;
-- +goose StatementEnd
DROP INDEX candidates_retention_idx;
ALTER TABLE candidates DROP COLUMN retention_notice_at, DROP COLUMN retention_kept_at, DROP COLUMN last_signed_in_at;
