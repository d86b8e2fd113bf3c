-- +goose Up

-- The staff daily digest (issue 21; models/staff_digest.go): each staff
-- member may ask for a daily email at 08:00 in the portal's time zone that
-- lists their Needs you queues. Off until they turn it on. digest_sent_on is
-- the portal-local day of the last digest, checked or sent: the run claims a
-- member's day with a conditional UPDATE of it in the transaction that writes
-- the message, so two processes send one digest a day.
ALTER TABLE staff_users
    ADD COLUMN digest_enabled boolean NOT NULL DEFAULT false,
    ADD COLUMN digest_sent_on date;

-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
    WHERE c.conname = 'outbox_messages_kind_check' AND c.conrelid = 'outbox_messages'::regclass;
    kinds := ARRAY(SELECT DISTINCT unnest(kinds || ARRAY['staff_digest']) ORDER BY 1);
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
    kinds := ARRAY(SELECT k FROM unnest(kinds) AS k WHERE k <> 'staff_digest' ORDER BY 1);
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
    EXECUTE 'ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('
        || (SELECT string_agg(quote_literal(k), ', ') FROM unnest(kinds) AS k) || '))';
END
$$;
-- +goose StatementEnd
ALTER TABLE staff_users DROP COLUMN digest_sent_on, DROP COLUMN digest_enabled;
