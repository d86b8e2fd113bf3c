-- +goose Up

-- Promises kept automatically and scheduled work (issue 21;
-- models/promise_keeper.go, models/scheduled.go).

-- The promise keeper's state on each application: how many times it has
-- moved the promised date by itself since a person last acted, whether the
-- application waits for a person (the Overdue queue keeps it while the new
-- date is still ahead), and when the people in charge were told the limit
-- was reached. A stage or status change, or a date set by a person, clears
-- all three (models/transition.go, models/candidate.go).
ALTER TABLE applications
    ADD COLUMN promise_extensions int NOT NULL DEFAULT 0 CONSTRAINT applications_promise_extensions_range CHECK (promise_extensions BETWEEN 0 AND 100),
    ADD COLUMN promise_extended_automatically boolean NOT NULL DEFAULT false,
    ADD COLUMN promise_alerted_at timestamptz;

-- The Overdue queue reads "active and (past its date or extended by the
-- keeper)": the first half is applications_overdue_idx (00009), this is the
-- second, so the count stays two index scans.
CREATE INDEX applications_promise_extended_idx ON applications (id) WHERE status = 'active' AND promise_extended_automatically;

-- One row per run of a piece of scheduled work (models/scheduled.go): when
-- it started and finished, how many things it did, and its error, for the
-- admins' "Scheduled work" view. River's own job rows are deleted a day
-- after they complete and keep no count; this keeps 30 days of runs.
CREATE TABLE scheduled_runs (
    id          bigserial PRIMARY KEY,
    task        text        NOT NULL CHECK (length(task) BETWEEN 1 AND 100),
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    items       bigint      NOT NULL DEFAULT 0,
    error       text        NOT NULL DEFAULT '' CHECK (length(error) <= 2000)
);
CREATE INDEX scheduled_runs_task_idx ON scheduled_runs (task, started_at DESC);

-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
    WHERE c.conname = 'outbox_messages_kind_check' AND c.conrelid = 'outbox_messages'::regclass;
    kinds := ARRAY(SELECT DISTINCT unnest(kinds || ARRAY['promise_update', 'promise_limit_reached']) ORDER BY 1);
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
    kinds := ARRAY(SELECT k FROM unnest(kinds) AS k WHERE k NOT IN ('promise_update', 'promise_limit_reached') ORDER BY 1);
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
    EXECUTE 'ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('
        || (SELECT string_agg(quote_literal(k), ', ') FROM unnest(kinds) AS k) || '))';
END
$$;
-- +goose StatementEnd
DROP TABLE scheduled_runs;
DROP INDEX applications_promise_extended_idx;
ALTER TABLE applications DROP COLUMN promise_alerted_at, DROP COLUMN promise_extended_automatically, DROP COLUMN promise_extensions;
