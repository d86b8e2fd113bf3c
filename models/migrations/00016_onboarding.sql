-- +goose Up

-- Onboarding (issue 20; models/onboarding*.go, models/sensitive.go): from a
-- contract signed by both parties to "hired".

-- The data key's canary (models/sensitive.go, CheckDataKey): one value
-- sealed with the data key on first start and opened at every start, so a
-- server given the wrong key refuses to start rather than show garbage.
CREATE TABLE data_key_check (
    id        smallint    PRIMARY KEY CHECK (id = 1),
    sealed    bytea       NOT NULL,
    sealed_at timestamptz NOT NULL DEFAULT now()
);

-- A position's checklist template, edited by admins; a position without
-- rows uses the default (models/onboarding_rules.go, DefaultOnboardingTemplate).
-- due_offset_days: working days relative to the start date (-5: five
-- working days before). A staff task is done by staff; every other kind
-- by the new starter.
CREATE TABLE onboarding_template_tasks (
    id              bigserial PRIMARY KEY,
    position_id     bigint  NOT NULL REFERENCES positions (id),
    sort_order      integer NOT NULL CHECK (sort_order >= 0),
    title           text    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    explanation     text    NOT NULL DEFAULT '' CHECK (length(explanation) <= 4000),
    kind            text    NOT NULL CHECK (kind IN ('confirm', 'form', 'upload', 'staff')),
    assignee        text    NOT NULL CHECK (assignee IN ('starter', 'staff')),
    required        boolean NOT NULL DEFAULT true,
    due_offset_days integer NOT NULL CHECK (due_offset_days BETWEEN -60 AND 60),
    form            text    NOT NULL DEFAULT '' CHECK (form IN ('', 'personal_details')),
    document        text    NOT NULL DEFAULT '' CHECK (document IN ('', 'right_to_work', 'certificate')),
    confirm_version text    NOT NULL DEFAULT '' CHECK (length(confirm_version) <= 50),
    UNIQUE (position_id, sort_order),
    CONSTRAINT onboarding_template_tasks_staff_kind CHECK ((kind = 'staff') = (assignee = 'staff')),
    CONSTRAINT onboarding_template_tasks_form CHECK ((kind = 'form') = (form <> '')),
    CONSTRAINT onboarding_template_tasks_document CHECK ((kind = 'upload') = (document <> '')),
    CONSTRAINT onboarding_template_tasks_version CHECK ((kind = 'confirm') = (confirm_version <> ''))
);

-- An application's checklist: copied from the template when the contract
-- is signed by both parties, with its due date computed from the offer's
-- start date. Kept for the record when the application closes.
--   open → done                          confirm, form, staff
--   open/returned → submitted → done     upload (done = verified by staff)
--                   submitted → returned (with a reason)
CREATE TABLE onboarding_tasks (
    id                     bigserial PRIMARY KEY,
    application_id         bigint      NOT NULL REFERENCES applications (id),
    sort_order             integer     NOT NULL CHECK (sort_order >= 0),
    title                  text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    explanation            text        NOT NULL DEFAULT '' CHECK (length(explanation) <= 4000),
    kind                   text        NOT NULL CHECK (kind IN ('confirm', 'form', 'upload', 'staff')),
    assignee               text        NOT NULL CHECK (assignee IN ('starter', 'staff')),
    required               boolean     NOT NULL,
    form                   text        NOT NULL DEFAULT '' CHECK (form IN ('', 'personal_details')),
    document               text        NOT NULL DEFAULT '' CHECK (document IN ('', 'right_to_work', 'certificate')),
    confirm_version        text        NOT NULL DEFAULT '' CHECK (length(confirm_version) <= 50),
    due_on                 date        NOT NULL,
    status                 text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'returned', 'done')),
    file_id                bigint      REFERENCES stored_files (id),
    return_reason          text        NOT NULL DEFAULT '' CHECK (length(return_reason) <= 2000),
    confirmed_version      text        NOT NULL DEFAULT '' CHECK (length(confirmed_version) <= 50),
    submitted_at           timestamptz,
    completed_at           timestamptz,
    completed_by_staff     bigint      REFERENCES staff_users (id),
    completed_by_candidate bigint      REFERENCES candidates (id),
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    UNIQUE (application_id, sort_order),
    CONSTRAINT onboarding_tasks_staff_kind CHECK ((kind = 'staff') = (assignee = 'staff')),
    CONSTRAINT onboarding_tasks_form CHECK ((kind = 'form') = (form <> '')),
    CONSTRAINT onboarding_tasks_document CHECK ((kind = 'upload') = (document <> '')),
    CONSTRAINT onboarding_tasks_done_has_time CHECK ((status = 'done') = (completed_at IS NOT NULL)),
    CONSTRAINT onboarding_tasks_done_by_one CHECK (status <> 'done' OR num_nonnulls(completed_by_staff, completed_by_candidate) = 1),
    -- Only a document waits for verification or comes back; a staff task is done by staff.
    CONSTRAINT onboarding_tasks_upload_states CHECK (kind = 'upload' OR status IN ('open', 'done')),
    CONSTRAINT onboarding_tasks_file_for_upload CHECK (file_id IS NULL OR kind = 'upload'),
    CONSTRAINT onboarding_tasks_upload_has_file CHECK (kind <> 'upload' OR status NOT IN ('submitted', 'done') OR file_id IS NOT NULL),
    -- A document is done only when staff verified it; a staff task only by staff.
    CONSTRAINT onboarding_tasks_verified_by_staff CHECK (kind NOT IN ('upload', 'staff') OR status <> 'done' OR completed_by_staff IS NOT NULL),
    CONSTRAINT onboarding_tasks_returned_has_reason CHECK ((status = 'returned') = (return_reason <> '')),
    CONSTRAINT onboarding_tasks_confirmed_version CHECK (kind <> 'confirm' OR status <> 'done' OR confirmed_version <> '')
);
CREATE INDEX onboarding_tasks_application_idx ON onboarding_tasks (application_id, sort_order);
-- The Needs-you queues read only the few tasks waiting.
CREATE INDEX onboarding_tasks_waiting_idx ON onboarding_tasks (submitted_at) WHERE status = 'submitted';
CREATE INDEX onboarding_tasks_staff_open_idx ON onboarding_tasks (due_on) WHERE status = 'open' AND assignee = 'staff';

-- A form task's answers, one row per field. A sensitive field (bank
-- details, national insurance number, emergency contact) is only sealed
-- (AES-256-GCM, models/sensitive.go) with its masked form beside it; value
-- holds only non-sensitive answers.
CREATE TABLE onboarding_fields (
    id         bigserial PRIMARY KEY,
    task_id    bigint      NOT NULL REFERENCES onboarding_tasks (id),
    field      text        NOT NULL CHECK (field ~ '^[a-z][a-z_]{0,39}$'),
    value      text        NOT NULL DEFAULT '' CHECK (length(value) <= 500),
    sealed     bytea,
    masked     text        NOT NULL DEFAULT '' CHECK (length(masked) <= 500),
    updated_at timestamptz NOT NULL,
    UNIQUE (task_id, field),
    CONSTRAINT onboarding_fields_sealed_not_clear CHECK (sealed IS NULL OR value = '')
);

-- A staff member saw the original right-to-work document: who, when, which
-- document, until when it is valid (NULL: no expiry). Evidence, written
-- once; a later record supersedes an earlier one.
CREATE TABLE right_to_work_checks (
    id            bigserial PRIMARY KEY,
    task_id       bigint      NOT NULL REFERENCES onboarding_tasks (id),
    document_type text        NOT NULL CHECK (document_type IN ('uk_passport', 'passport_with_visa', 'biometric_residence_permit', 'share_code', 'birth_certificate_and_ni', 'other')),
    seen_by       bigint      NOT NULL REFERENCES staff_users (id),
    seen_at       timestamptz NOT NULL,
    expires_on    date,
    recorded_at   timestamptz NOT NULL,
    CONSTRAINT right_to_work_seen_before_recorded CHECK (seen_at <= recorded_at)
);
CREATE INDEX right_to_work_checks_task_idx ON right_to_work_checks (task_id, id);

-- +goose StatementBegin
CREATE FUNCTION right_to_work_checks_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'right_to_work_checks is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER right_to_work_checks_append_only BEFORE UPDATE OR DELETE ON right_to_work_checks
    FOR EACH ROW EXECUTE FUNCTION right_to_work_checks_append_only();
CREATE TRIGGER right_to_work_checks_no_truncate BEFORE TRUNCATE ON right_to_work_checks FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();

-- The onboarding message joins the outbox's list (read back and extended, as in 00015).
-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
    WHERE c.conname = 'outbox_messages_kind_check' AND c.conrelid = 'outbox_messages'::regclass;
    kinds := ARRAY(SELECT DISTINCT unnest(kinds || ARRAY['onboarding_started']) ORDER BY 1);
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
    kinds := ARRAY(SELECT k FROM unnest(kinds) AS k WHERE k NOT LIKE 'onboarding\_%' ORDER BY 1);
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
    EXECUTE 'ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('
        || (SELECT string_agg(quote_literal(k), ', ') FROM unnest(kinds) AS k) || '))';
END
$$;
-- +goose StatementEnd
DROP TABLE right_to_work_checks, onboarding_fields, onboarding_tasks, onboarding_template_tasks, data_key_check;
DROP FUNCTION right_to_work_checks_append_only();
