-- +goose Up

-- Background checks and pre-employment medicals (issue 19; models/checks*.go,
-- models/check_webhooks.go, models/adverse_action.go, models/files.go).

-- Which checks a position needs. A check row is made for each when an
-- application enters the check's stage (models/checks.go, ensureChecks).
ALTER TABLE positions ADD COLUMN required_checks text NOT NULL DEFAULT 'none'
    CONSTRAINT positions_required_checks_known CHECK (required_checks IN ('none', 'background', 'medical', 'both'));

-- Every uploaded file, in one table (models/files.go): owners reference the
-- file (checks.result_file_id; later onboarding documents, data exports),
-- never the other way round, so one backup holds every copy and erasure can
-- find them all. The type is sniffed from the bytes; the digest is the
-- database's own, so a row cannot claim bytes it does not hold.
CREATE TABLE stored_files (
    id                    bigserial PRIMARY KEY,
    name                  text        NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    content_type          text        NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes            bigint      NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
    sha256                bytea       NOT NULL,
    data                  bytea       NOT NULL,
    uploaded_by_staff     bigint      REFERENCES staff_users (id),
    uploaded_by_candidate bigint      REFERENCES candidates (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT stored_files_size_is_data CHECK (size_bytes = octet_length(data)),
    CONSTRAINT stored_files_digest_is_data CHECK (sha256 = sha256(data)),
    CONSTRAINT stored_files_one_uploader CHECK (num_nonnulls(uploaded_by_staff, uploaded_by_candidate) <= 1)
);
-- The bytes are large and already compressed (PDF, JPEG, PNG): kept out of line, not recompressed.
ALTER TABLE stored_files ALTER COLUMN data SET STORAGE EXTERNAL;

-- One check of each kind per application. provider is 'manual' (staff
-- record it) or the key of a webhook provider; provider_ref is that
-- provider's id for the check, by which its events find it.
CREATE TABLE checks (
    id              bigserial PRIMARY KEY,
    application_id  bigint      NOT NULL REFERENCES applications (id),
    kind            text        NOT NULL CHECK (kind IN ('background', 'medical')),
    provider        text        NOT NULL DEFAULT 'manual' CHECK (provider ~ '^[a-z][a-z0-9_-]{0,39}$'),
    provider_name   text        NOT NULL DEFAULT '' CHECK (length(provider_name) <= 200),
    provider_ref    text        NOT NULL DEFAULT '' CHECK (length(provider_ref) <= 200),
    status          text        NOT NULL DEFAULT 'waiting_for_candidate' CHECK (status IN
                        ('not_started', 'waiting_for_candidate', 'in_progress', 'clear', 'needs_review', 'not_clear', 'withdrawn')),
    result_summary  text        NOT NULL DEFAULT '' CHECK (length(result_summary) <= 4000),
    result_file_id  bigint      REFERENCES stored_files (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    completed_at    timestamptz,
    withdrawn_at    timestamptz,
    UNIQUE (application_id, kind),
    -- A check that has begun says when; a result says when it came; a
    -- withdrawn check says when it stopped, and only a withdrawn one does.
    CONSTRAINT checks_started_has_time CHECK (status NOT IN ('in_progress', 'clear', 'needs_review', 'not_clear') OR started_at IS NOT NULL),
    CONSTRAINT checks_result_has_time CHECK (status NOT IN ('clear', 'needs_review', 'not_clear') OR completed_at IS NOT NULL),
    CONSTRAINT checks_withdrawn_has_time CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL)),
    CONSTRAINT checks_completed_after_start CHECK (completed_at IS NULL OR (started_at IS NOT NULL AND completed_at >= started_at)),
    CONSTRAINT checks_result_file_with_result CHECK (result_file_id IS NULL OR completed_at IS NOT NULL)
);
CREATE UNIQUE INDEX checks_provider_ref ON checks (provider, provider_ref) WHERE provider_ref <> '';

-- What the candidate supplies for a background check: where they lived in
-- the last five years, a row per address. to_month NULL: still there.
CREATE TABLE check_addresses (
    id         bigserial PRIMARY KEY,
    check_id   bigint NOT NULL REFERENCES checks (id),
    line       text   NOT NULL CHECK (length(line) BETWEEN 1 AND 200),
    city       text   NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    postcode   text   NOT NULL DEFAULT '' CHECK (length(postcode) <= 20),
    country    text   NOT NULL CHECK (length(country) BETWEEN 1 AND 100),
    from_month date   NOT NULL CHECK (extract(day FROM from_month) = 1),
    to_month   date   CHECK (extract(day FROM to_month) = 1),
    CONSTRAINT check_addresses_months_in_order CHECK (to_month IS NULL OR to_month >= from_month)
);
CREATE INDEX check_addresses_check_idx ON check_addresses (check_id);

-- For a medical: when the candidate could attend an appointment.
CREATE TABLE check_appointment_windows (
    id          bigserial PRIMARY KEY,
    check_id    bigint NOT NULL REFERENCES checks (id),
    from_day    date   NOT NULL,
    to_day      date   NOT NULL,
    part_of_day text   NOT NULL DEFAULT 'any' CHECK (part_of_day IN ('any', 'morning', 'afternoon')),
    CONSTRAINT check_appointment_windows_days_in_order CHECK (to_day >= from_day)
);
CREATE INDEX check_appointment_windows_check_idx ON check_appointment_windows (check_id);

-- Consent to a check, given or withdrawn: evidence, written once (as
-- esign_consents). The newest row of a check says whether consent stands.
CREATE TABLE check_consents (
    id           bigserial PRIMARY KEY,
    check_id     bigint      NOT NULL REFERENCES checks (id),
    candidate_id bigint      NOT NULL REFERENCES candidates (id),
    action       text        NOT NULL CHECK (action IN ('given', 'withdrawn')),
    text_version text        NOT NULL CHECK (length(text_version) BETWEEN 1 AND 50),
    at           timestamptz NOT NULL,
    ip           inet,
    user_agent   text        NOT NULL DEFAULT '' CHECK (length(user_agent) <= 500)
);
CREATE INDEX check_consents_check_idx ON check_consents (check_id, id);

-- +goose StatementBegin
CREATE FUNCTION check_consents_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'check_consents is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER check_consents_append_only BEFORE UPDATE OR DELETE ON check_consents
    FOR EACH ROW EXECUTE FUNCTION check_consents_append_only();
CREATE TRIGGER check_consents_no_truncate BEFORE TRUNCATE ON check_consents FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();

-- Each webhook event is applied once: its (provider, event id) is written in
-- the transaction that applies it, and a second delivery finds it there.
CREATE TABLE check_webhook_events (
    provider       text        NOT NULL,
    event_id       text        NOT NULL CHECK (length(event_id) BETWEEN 1 AND 200),
    received_at    timestamptz NOT NULL,
    payload_sha256 bytea       NOT NULL CHECK (octet_length(payload_sha256) = 32),
    check_id       bigint      REFERENCES checks (id),
    outcome        text        NOT NULL CHECK (outcome IN ('applied', 'ignored')),
    note           text        NOT NULL DEFAULT '',
    PRIMARY KEY (provider, event_id)
);

-- Adverse action, fairly (models/adverse_action.go): before staff reject on a
-- check's result, the candidate gets a pre-decision notice with the finding
-- and how to dispute it, may reply until wait_until (business days later),
-- and only then may staff confirm the rejection (the final notice). A new
-- notice may follow a cancelled one; one is open at a time.
CREATE TABLE check_adverse_actions (
    id              bigserial PRIMARY KEY,
    check_id        bigint      NOT NULL REFERENCES checks (id),
    status          text        NOT NULL DEFAULT 'notice_sent' CHECK (status IN ('notice_sent', 'replied', 'confirmed', 'cancelled')),
    finding         text        NOT NULL CHECK (length(finding) BETWEEN 1 AND 4000),
    how_to_dispute  text        NOT NULL CHECK (length(how_to_dispute) BETWEEN 1 AND 4000),
    sent_by         bigint      NOT NULL REFERENCES staff_users (id),
    sent_at         timestamptz NOT NULL,
    wait_until      timestamptz NOT NULL,
    reply           text        NOT NULL DEFAULT '' CHECK (length(reply) <= 4000),
    replied_at      timestamptz,
    confirmed_by    bigint      REFERENCES staff_users (id),
    final_notice_at timestamptz,
    cancelled_at    timestamptz,
    CONSTRAINT check_adverse_actions_waits CHECK (wait_until > sent_at),
    CONSTRAINT check_adverse_actions_reply_has_time CHECK ((replied_at IS NULL) = (reply = '')),
    CONSTRAINT check_adverse_actions_replied CHECK (status <> 'replied' OR replied_at IS NOT NULL),
    -- The backstop of the waiting period: no final notice before it ends.
    CONSTRAINT check_adverse_actions_confirmed CHECK ((status = 'confirmed') = (confirmed_by IS NOT NULL AND final_notice_at IS NOT NULL)),
    CONSTRAINT check_adverse_actions_after_wait CHECK (final_notice_at IS NULL OR final_notice_at >= wait_until),
    CONSTRAINT check_adverse_actions_cancelled CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE UNIQUE INDEX check_adverse_actions_one_open ON check_adverse_actions (check_id) WHERE status IN ('notice_sent', 'replied');

-- The message kinds of checks join the outbox's list. The list is read back
-- and extended rather than written out again, so this migration and others
-- adding kinds in parallel (00014) do not undo each other.
-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
    WHERE c.conname = 'outbox_messages_kind_check' AND c.conrelid = 'outbox_messages'::regclass;
    kinds := ARRAY(SELECT DISTINCT unnest(kinds || ARRAY['check_needs_you', 'check_status_changed', 'check_pre_decision_notice', 'check_final_notice']) ORDER BY 1);
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
    kinds := ARRAY(SELECT k FROM unnest(kinds) AS k WHERE k NOT LIKE 'check\_%' ORDER BY 1);
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
    EXECUTE 'ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('
        || (SELECT string_agg(quote_literal(k), ', ') FROM unnest(kinds) AS k) || '))';
END
$$;
-- +goose StatementEnd
DROP TABLE check_adverse_actions, check_webhook_events, check_consents, check_appointment_windows, check_addresses, checks, stored_files;
DROP FUNCTION check_consents_append_only();
ALTER TABLE positions DROP COLUMN required_checks;
