-- +goose Up

-- "Your first day" (issue 20; models/first_day.go): what a new starter needs
-- on the day, one row per application, set by the staff who manage it. The
-- date is the start date of the signed offer (not repeated here); the row
-- holds the local time of day in its time zone, where to go, whom to ask
-- for, what to bring and a short agenda. Each reminder (a week before, a
-- day before) is claimed by setting its sent-at with a conditional UPDATE,
-- so it goes once however many processes run the reminders.
CREATE TABLE first_days (
    application_id        bigint      PRIMARY KEY REFERENCES applications (id),
    start_time            time        NOT NULL,
    time_zone             text        NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    address               text        NOT NULL CHECK (length(address) BETWEEN 1 AND 500),
    ask_for               text        NOT NULL DEFAULT '' CHECK (length(ask_for) <= 200),
    what_to_bring         text        NOT NULL DEFAULT '' CHECK (length(what_to_bring) <= 2000),
    agenda                text        NOT NULL DEFAULT '' CHECK (length(agenda) <= 2000),
    ical_sequence         integer     NOT NULL DEFAULT 0 CHECK (ical_sequence >= 0),
    week_reminder_sent_at timestamptz,
    day_reminder_sent_at  timestamptz,
    updated_by            bigint      NOT NULL REFERENCES staff_users (id),
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);
-- The reminders read only the rows with a reminder still to send.
CREATE INDEX first_days_reminders_idx ON first_days (application_id) WHERE day_reminder_sent_at IS NULL;

-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
    WHERE c.conname = 'outbox_messages_kind_check' AND c.conrelid = 'outbox_messages'::regclass;
    kinds := ARRAY(SELECT DISTINCT unnest(kinds || ARRAY['first_day_reminder']) ORDER BY 1);
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
    kinds := ARRAY(SELECT k FROM unnest(kinds) AS k WHERE k <> 'first_day_reminder' ORDER BY 1);
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
    EXECUTE 'ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('
        || (SELECT string_agg(quote_literal(k), ', ') FROM unnest(kinds) AS k) || '))';
END
$$;
-- +goose StatementEnd
DROP TABLE first_days;
