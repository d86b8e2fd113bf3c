-- +goose Up

-- Rejection wordings and closing a position with choices (issue 22;
-- models/rejection_wordings.go, models/position_close.go): four named
-- rejection wordings besides the standard one, and the one message that tells
-- a candidate their application moved to another open position. They are
-- message kinds like any other (their wording is edited on the message
-- templates page), so the outbox's list of kinds grows by five.
-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
    WHERE c.conname = 'outbox_messages_kind_check' AND c.conrelid = 'outbox_messages'::regclass;
    kinds := ARRAY(SELECT DISTINCT unnest(kinds || ARRAY['rejection_after_interview', 'rejection_after_assessment',
        'rejection_after_references', 'rejection_position_closed', 'application_moved']) ORDER BY 1);
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
    kinds := ARRAY(SELECT k FROM unnest(kinds) AS k WHERE k NOT IN ('rejection_after_interview', 'rejection_after_assessment',
        'rejection_after_references', 'rejection_position_closed', 'application_moved') ORDER BY 1);
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
    EXECUTE 'ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('
        || (SELECT string_agg(quote_literal(k), ', ') FROM unnest(kinds) AS k) || '))';
END
$$;
-- +goose StatementEnd
