-- +goose Up

-- Appointment reminders (issue 21; models/reminders.go): a day before an
-- interview and before an assessment day, two days before an offer expires
-- and before a starter's onboarding task is due. Each row is one reminder
-- sent, and its claim: it names its cause (exactly one of a round, a seat
-- booking, an offer version, a task) and the moment it reminded of (the
-- interview's or the day's start, the offer's expiry, the task's deadline).
-- It is inserted in the same transaction as the messages, and the unique
-- indexes let one reminder per cause and moment exist, so two processes
-- running the reminders at once send it once; a cause whose moment moved
-- (a rescheduled interview, a changed day, an extended offer) has a new
-- moment and is reminded again, for the new one only.
CREATE TABLE reminders (
    id               bigserial   PRIMARY KEY,
    round_id         bigint      REFERENCES interview_rounds (id),
    booking_id       bigint      REFERENCES assessment_bookings (id),
    offer_version_id bigint      REFERENCES offer_versions (id),
    task_id          bigint      REFERENCES onboarding_tasks (id),
    reminds_of       timestamptz NOT NULL,
    sent_at          timestamptz NOT NULL,
    CONSTRAINT reminders_one_cause CHECK (num_nonnulls(round_id, booking_id, offer_version_id, task_id) = 1),
    -- A reminder of a moment already passed is never sent.
    CONSTRAINT reminders_before_the_moment CHECK (sent_at < reminds_of)
);
CREATE UNIQUE INDEX reminders_round_once ON reminders (round_id, reminds_of) WHERE round_id IS NOT NULL;
CREATE UNIQUE INDEX reminders_booking_once ON reminders (booking_id, reminds_of) WHERE booking_id IS NOT NULL;
CREATE UNIQUE INDEX reminders_offer_once ON reminders (offer_version_id, reminds_of) WHERE offer_version_id IS NOT NULL;
CREATE UNIQUE INDEX reminders_task_once ON reminders (task_id, reminds_of) WHERE task_id IS NOT NULL;

-- The due scans read only upcoming or open rows: booked interview times
-- (held ones stay 'scheduled', so the range on starts_at matters), offer
-- versions waiting for the candidate's answer (a withdrawn offer's stay
-- 'sent', hence the range on expires_on), the starters' tasks still to do,
-- and scheduled assessment days (few for now: a table that small is read
-- whole), whose seats are found through assessment_bookings_day_idx.
CREATE INDEX interview_rounds_scheduled_idx ON interview_rounds (starts_at) WHERE status = 'scheduled';
CREATE INDEX offer_versions_sent_idx ON offer_versions (expires_on) WHERE status = 'sent';
CREATE INDEX onboarding_tasks_starter_open_idx ON onboarding_tasks (due_on) WHERE assignee = 'starter' AND status IN ('open', 'returned');
CREATE INDEX assessment_days_scheduled_idx ON assessment_days (starts_at) WHERE status = 'scheduled';

-- The reminders' messages join the outbox's list (read back and extended, as in 00015).
-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
    WHERE c.conname = 'outbox_messages_kind_check' AND c.conrelid = 'outbox_messages'::regclass;
    kinds := ARRAY(SELECT DISTINCT unnest(kinds || ARRAY['interview_reminder', 'panel_interview_reminder', 'assessment_day_reminder',
        'offer_expiry_reminder', 'onboarding_task_reminder']) ORDER BY 1);
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
    kinds := ARRAY(SELECT k FROM unnest(kinds) AS k WHERE k NOT IN ('interview_reminder', 'panel_interview_reminder',
        'assessment_day_reminder', 'offer_expiry_reminder', 'onboarding_task_reminder') ORDER BY 1);
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
    EXECUTE 'ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('
        || (SELECT string_agg(quote_literal(k), ', ') FROM unnest(kinds) AS k) || '))';
END
$$;
-- +goose StatementEnd
DROP INDEX interview_rounds_scheduled_idx, offer_versions_sent_idx, onboarding_tasks_starter_open_idx, assessment_days_scheduled_idx;
DROP TABLE reminders;
