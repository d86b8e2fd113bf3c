-- +goose Up

-- Erasure (issue 23; models/erasure.go). A candidate asks from their account
-- page; an admin confirms or declines with a reason. The request keeps ids,
-- times and the admin's reason, never the person's data; a request, once
-- decided, is history.
CREATE TABLE erasure_requests (
    id             bigserial   PRIMARY KEY,
    candidate_id   bigint      NOT NULL REFERENCES candidates (id),
    requested_at   timestamptz NOT NULL,
    status         text        NOT NULL DEFAULT 'requested'
        CONSTRAINT erasure_requests_status_check CHECK (status IN ('requested', 'erased', 'declined', 'withdrawn')),
    decided_by     bigint      REFERENCES staff_users (id),
    decided_at     timestamptz,
    decline_reason text        NOT NULL DEFAULT '' CONSTRAINT erasure_requests_decline_reason_check CHECK (length(decline_reason) <= 1000),
    CONSTRAINT erasure_requests_decided_has_time CHECK ((status = 'requested') = (decided_at IS NULL)),
    CONSTRAINT erasure_requests_declined_has_reason CHECK ((status = 'declined') = (length(btrim(decline_reason)) > 0))
);
-- At most one open request a person; the admins' queue reads open ones.
CREATE UNIQUE INDEX erasure_requests_one_open ON erasure_requests (candidate_id) WHERE status = 'requested';
CREATE INDEX erasure_requests_candidate_idx ON erasure_requests (candidate_id, id);

-- When a person was erased, and why something of theirs is still kept (a
-- signed employment contract under legal hold). The placeholder name is
-- written by erasure itself ("Erased candidate #N").
ALTER TABLE candidates
    ADD COLUMN erased_at         timestamptz,
    ADD COLUMN legal_hold_reason text NOT NULL DEFAULT '' CONSTRAINT candidates_legal_hold_reason_check CHECK (length(legal_hold_reason) <= 500),
    ADD CONSTRAINT candidates_hold_only_erased CHECK (legal_hold_reason = '' OR erased_at IS NOT NULL);

-- A contract is frozen once written; erasure is the one change allowed to it,
-- once, and only towards less: the text, the PDF and the candidate's
-- signature evidence are removed, the digests stay so a copy the person kept
-- can still be matched. A contract under legal hold (signed, of a hire) is
-- never erased: models/erasure.go leaves it alone.
ALTER TABLE contracts ADD COLUMN erased_at timestamptz;
ALTER TABLE contracts DROP CONSTRAINT contracts_check1,
    ADD CONSTRAINT contracts_check1 CHECK (status <> 'completed' OR erased_at IS NOT NULL
        OR (pdf IS NOT NULL AND pdf_sha256 IS NOT NULL AND employer_signed_at IS NOT NULL));

-- An onboarding upload submitted or verified keeps its file until erasure
-- deletes it; the task then says when.
ALTER TABLE onboarding_tasks ADD COLUMN file_erased_at timestamptz,
    DROP CONSTRAINT onboarding_tasks_upload_has_file,
    ADD CONSTRAINT onboarding_tasks_upload_has_file CHECK (kind <> 'upload' OR status NOT IN ('submitted', 'done')
        OR file_id IS NOT NULL OR file_erased_at IS NOT NULL);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION contracts_freeze() RETURNS trigger AS $$
BEGIN
    IF OLD.erased_at IS NOT NULL THEN
        RAISE EXCEPTION 'contract % was erased', OLD.id;
    END IF;
    IF NEW.erased_at IS NOT NULL THEN
        IF (NEW.id, NEW.application_id, NEW.offer_version_id, NEW.template_id, NEW.text_sha256, NEW.written_form_required,
            NEW.created_at, NEW.status, NEW.candidate_signed_at, NEW.employer_signer_id, NEW.employer_signed_at, NEW.pdf_sha256)
           IS DISTINCT FROM
           (OLD.id, OLD.application_id, OLD.offer_version_id, OLD.template_id, OLD.text_sha256, OLD.written_form_required,
            OLD.created_at, OLD.status, OLD.candidate_signed_at, OLD.employer_signer_id, OLD.employer_signed_at, OLD.pdf_sha256)
           OR NEW.text <> '' OR NEW.pdf IS NOT NULL
           OR coalesce(NEW.candidate_signed_name, '') <> '' OR coalesce(NEW.candidate_ip, '') <> ''
           OR coalesce(NEW.candidate_user_agent, '') <> '' THEN
            RAISE EXCEPTION 'contract % can only be erased whole', OLD.id;
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.id, NEW.application_id, NEW.offer_version_id, NEW.template_id, NEW.text, NEW.text_sha256,
        NEW.written_form_required, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.application_id, OLD.offer_version_id, OLD.template_id, OLD.text, OLD.text_sha256,
        OLD.written_form_required, OLD.created_at) THEN
        RAISE EXCEPTION 'contract % is frozen', OLD.id;
    END IF;
    IF (NEW.candidate_signed_name, NEW.candidate_signed_at, NEW.candidate_ip, NEW.candidate_user_agent)
       IS DISTINCT FROM (OLD.candidate_signed_name, OLD.candidate_signed_at, OLD.candidate_ip, OLD.candidate_user_agent) THEN
        IF OLD.candidate_signed_at IS NOT NULL OR OLD.candidate_signed_name IS NOT NULL THEN
            RAISE EXCEPTION 'contract % candidate signature is frozen', OLD.id;
        END IF;
        IF NEW.candidate_signed_at IS NULL OR NEW.candidate_signed_name IS NULL THEN
            RAISE EXCEPTION 'contract % candidate signature must be written whole', OLD.id;
        END IF;
    END IF;
    IF (NEW.employer_signer_id, NEW.employer_signed_name, NEW.employer_signed_role, NEW.employer_signed_at, NEW.employer_ip, NEW.employer_user_agent)
       IS DISTINCT FROM (OLD.employer_signer_id, OLD.employer_signed_name, OLD.employer_signed_role, OLD.employer_signed_at, OLD.employer_ip, OLD.employer_user_agent) THEN
        IF OLD.employer_signed_at IS NOT NULL OR OLD.employer_signed_name IS NOT NULL OR OLD.employer_signer_id IS NOT NULL THEN
            RAISE EXCEPTION 'contract % employer signature is frozen', OLD.id;
        END IF;
        IF NEW.employer_signed_at IS NULL OR NEW.employer_signed_name IS NULL OR NEW.employer_signer_id IS NULL THEN
            RAISE EXCEPTION 'contract % employer signature must be written whole', OLD.id;
        END IF;
    END IF;
    IF (NEW.pdf, NEW.pdf_sha256) IS DISTINCT FROM (OLD.pdf, OLD.pdf_sha256)
       AND (OLD.pdf IS NOT NULL OR OLD.pdf_sha256 IS NOT NULL) THEN
        RAISE EXCEPTION 'contract % signed PDF is frozen', OLD.id;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
           (OLD.status = 'awaiting_candidate' AND NEW.status IN ('awaiting_employer', 'written_form', 'void'))
        OR (OLD.status = 'awaiting_employer' AND NEW.status IN ('completed', 'void'))) THEN
        RAISE EXCEPTION 'contract % cannot move from % to %', OLD.id, OLD.status, NEW.status;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- Erasure finds a person's messages and files through these.
CREATE INDEX outbox_messages_application_idx ON outbox_messages (application_id) WHERE application_id IS NOT NULL;
CREATE INDEX outbox_messages_referee_idx ON outbox_messages (referee_id) WHERE referee_id IS NOT NULL;
CREATE INDEX stored_files_uploaded_by_candidate_idx ON stored_files (uploaded_by_candidate) WHERE uploaded_by_candidate IS NOT NULL;

-- The messages of erasure: a request for the admins, a declined request,
-- with the admin's reason, for the candidate.
-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
    WHERE c.conname = 'outbox_messages_kind_check' AND c.conrelid = 'outbox_messages'::regclass;
    kinds := ARRAY(SELECT DISTINCT unnest(kinds || ARRAY['erasure_declined', 'erasure_requested']) ORDER BY 1);
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
    kinds := ARRAY(SELECT k FROM unnest(kinds) AS k WHERE k NOT IN ('erasure_declined', 'erasure_requested') ORDER BY 1);
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
    EXECUTE 'ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('
        || (SELECT string_agg(quote_literal(k), ', ') FROM unnest(kinds) AS k) || '))';
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION contracts_freeze() RETURNS trigger AS $$
BEGIN
    IF (NEW.id, NEW.application_id, NEW.offer_version_id, NEW.template_id, NEW.text, NEW.text_sha256,
        NEW.written_form_required, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.application_id, OLD.offer_version_id, OLD.template_id, OLD.text, OLD.text_sha256,
        OLD.written_form_required, OLD.created_at) THEN
        RAISE EXCEPTION 'contract % is frozen', OLD.id;
    END IF;
    IF (NEW.candidate_signed_name, NEW.candidate_signed_at, NEW.candidate_ip, NEW.candidate_user_agent)
       IS DISTINCT FROM (OLD.candidate_signed_name, OLD.candidate_signed_at, OLD.candidate_ip, OLD.candidate_user_agent) THEN
        IF OLD.candidate_signed_at IS NOT NULL OR OLD.candidate_signed_name IS NOT NULL THEN
            RAISE EXCEPTION 'contract % candidate signature is frozen', OLD.id;
        END IF;
        IF NEW.candidate_signed_at IS NULL OR NEW.candidate_signed_name IS NULL THEN
            RAISE EXCEPTION 'contract % candidate signature must be written whole', OLD.id;
        END IF;
    END IF;
    IF (NEW.employer_signer_id, NEW.employer_signed_name, NEW.employer_signed_role, NEW.employer_signed_at, NEW.employer_ip, NEW.employer_user_agent)
       IS DISTINCT FROM (OLD.employer_signer_id, OLD.employer_signed_name, OLD.employer_signed_role, OLD.employer_signed_at, OLD.employer_ip, OLD.employer_user_agent) THEN
        IF OLD.employer_signed_at IS NOT NULL OR OLD.employer_signed_name IS NOT NULL OR OLD.employer_signer_id IS NOT NULL THEN
            RAISE EXCEPTION 'contract % employer signature is frozen', OLD.id;
        END IF;
        IF NEW.employer_signed_at IS NULL OR NEW.employer_signed_name IS NULL OR NEW.employer_signer_id IS NULL THEN
            RAISE EXCEPTION 'contract % employer signature must be written whole', OLD.id;
        END IF;
    END IF;
    IF (NEW.pdf, NEW.pdf_sha256) IS DISTINCT FROM (OLD.pdf, OLD.pdf_sha256)
       AND (OLD.pdf IS NOT NULL OR OLD.pdf_sha256 IS NOT NULL) THEN
        RAISE EXCEPTION 'contract % signed PDF is frozen', OLD.id;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
           (OLD.status = 'awaiting_candidate' AND NEW.status IN ('awaiting_employer', 'written_form', 'void'))
        OR (OLD.status = 'awaiting_employer' AND NEW.status IN ('completed', 'void'))) THEN
        RAISE EXCEPTION 'contract % cannot move from % to %', OLD.id, OLD.status, NEW.status;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
ALTER TABLE contracts DROP CONSTRAINT contracts_check1,
    ADD CONSTRAINT contracts_check1 CHECK (status <> 'completed' OR (pdf IS NOT NULL AND pdf_sha256 IS NOT NULL AND employer_signed_at IS NOT NULL));
ALTER TABLE contracts DROP COLUMN erased_at;
ALTER TABLE onboarding_tasks DROP CONSTRAINT onboarding_tasks_upload_has_file,
    ADD CONSTRAINT onboarding_tasks_upload_has_file CHECK (kind <> 'upload' OR status NOT IN ('submitted', 'done') OR file_id IS NOT NULL),
    DROP COLUMN file_erased_at;
ALTER TABLE candidates DROP CONSTRAINT candidates_hold_only_erased, DROP COLUMN legal_hold_reason, DROP COLUMN erased_at;
DROP TABLE erasure_requests;
DROP INDEX stored_files_uploaded_by_candidate_idx, outbox_messages_referee_idx, outbox_messages_application_idx;
