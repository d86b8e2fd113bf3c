-- +goose Up

-- Staff who may countersign contracts for the employer.
ALTER TABLE staff_users ADD COLUMN can_sign_contracts boolean NOT NULL DEFAULT false;

-- "Are you still interested?" before a formal offer.
CREATE TABLE interest_checks (
    id                 bigserial PRIMARY KEY,
    application_id     bigint      NOT NULL REFERENCES applications (id),
    message            text        NOT NULL CHECK (length(message) BETWEEN 1 AND 4000),
    extra_questions    jsonb       NOT NULL DEFAULT '[]',
    status             text        NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'confirmed', 'withdrawn', 'cancelled')),
    earliest_start     text        NOT NULL DEFAULT '' CHECK (length(earliest_start) <= 200),
    notice_period      text        NOT NULL DEFAULT '' CHECK (length(notice_period) <= 200),
    salary_expectation text        NOT NULL DEFAULT '' CHECK (length(salary_expectation) <= 200),
    extra_answers      jsonb       NOT NULL DEFAULT '[]',
    withdraw_reason    text        NOT NULL DEFAULT '' CHECK (length(withdraw_reason) <= 2000),
    sent_by            bigint      REFERENCES staff_users (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    responded_at       timestamptz
);
CREATE UNIQUE INDEX interest_checks_one_open ON interest_checks (application_id) WHERE status = 'sent';

-- An offer and its versions. Every change to a sent offer is a new version
-- that needs approval again; only the newest version can be accepted.
CREATE TABLE offers (
    id             bigserial PRIMARY KEY,
    application_id bigint      NOT NULL REFERENCES applications (id),
    status         text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'declined', 'withdrawn')),
    decline_reason text        NOT NULL DEFAULT '' CHECK (length(decline_reason) <= 2000),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX offers_one_open ON offers (application_id) WHERE status IN ('open', 'accepted');

CREATE TABLE offer_versions (
    id               bigserial PRIMARY KEY,
    offer_id         bigint         NOT NULL REFERENCES offers (id),
    version          int            NOT NULL CHECK (version >= 1),
    status           text           NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'pending_approval', 'approved', 'sent', 'superseded', 'accepted', 'declined')),
    job_title        text           NOT NULL CHECK (length(job_title) BETWEEN 1 AND 200),
    salary_amount    numeric(12, 2) NOT NULL CHECK (salary_amount > 0),
    salary_currency  text           NOT NULL CHECK (salary_currency ~ '^[A-Z]{3}$'),
    salary_period    text           NOT NULL CHECK (salary_period IN ('year', 'month', 'hour')),
    bonus_equity     text           NOT NULL DEFAULT '' CHECK (length(bonus_equity) <= 2000),
    benefits         text           NOT NULL DEFAULT '' CHECK (length(benefits) <= 4000),
    start_date       date           NOT NULL,
    location         text           NOT NULL DEFAULT '' CHECK (length(location) <= 200),
    working_pattern  text           NOT NULL DEFAULT '' CHECK (length(working_pattern) <= 200),
    expires_on       date           NOT NULL,
    personal_message text           NOT NULL DEFAULT '' CHECK (length(personal_message) <= 4000),
    created_by       bigint         REFERENCES staff_users (id),
    approved_by      bigint         REFERENCES staff_users (id),
    approved_at      timestamptz,
    sent_at          timestamptz,
    responded_at     timestamptz,
    created_at       timestamptz    NOT NULL DEFAULT now(),
    UNIQUE (offer_id, version)
);

CREATE TABLE offer_questions (
    id          bigserial PRIMARY KEY,
    offer_id    bigint      NOT NULL REFERENCES offers (id),
    question    text        NOT NULL CHECK (length(question) BETWEEN 1 AND 2000),
    answer      text        NOT NULL DEFAULT '' CHECK (length(answer) <= 4000),
    answered_by bigint      REFERENCES staff_users (id),
    asked_at    timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz
);

CREATE TABLE contract_templates (
    id                    bigserial PRIMARY KEY,
    name                  text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    body                  text        NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
    written_form_required boolean     NOT NULL DEFAULT false,
    active                boolean     NOT NULL DEFAULT true,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- A contract is frozen when generated: its exact text and the text's SHA-256.
CREATE TABLE contracts (
    id                    bigserial PRIMARY KEY,
    application_id        bigint      NOT NULL REFERENCES applications (id),
    offer_version_id      bigint      NOT NULL REFERENCES offer_versions (id),
    template_id           bigint      NOT NULL REFERENCES contract_templates (id),
    text                  text        NOT NULL,
    text_sha256           text        NOT NULL CHECK (text_sha256 ~ '^[0-9a-f]{64}$'),
    written_form_required boolean     NOT NULL DEFAULT false,
    status                text        NOT NULL DEFAULT 'awaiting_candidate'
        CHECK (status IN ('awaiting_candidate', 'awaiting_employer', 'completed', 'written_form', 'void')),
    candidate_signed_name text,
    candidate_signed_at   timestamptz,
    candidate_ip          text,
    candidate_user_agent  text,
    employer_signer_id    bigint      REFERENCES staff_users (id),
    employer_signed_name  text,
    employer_signed_at    timestamptz,
    employer_ip           text,
    employer_user_agent   text,
    pdf                   bytea,
    pdf_sha256            text UNIQUE,
    created_at            timestamptz NOT NULL DEFAULT now(),
    -- Signing order: the employer signs only after the candidate.
    CHECK (employer_signed_at IS NULL OR candidate_signed_at IS NOT NULL),
    CHECK (status <> 'completed' OR (pdf IS NOT NULL AND pdf_sha256 IS NOT NULL AND employer_signed_at IS NOT NULL))
);
CREATE UNIQUE INDEX contracts_one_live ON contracts (application_id) WHERE status <> 'void';

-- Electronic-records consent, with the disclosure version it answered.
CREATE TABLE esign_consents (
    id                 bigserial PRIMARY KEY,
    contract_id        bigint      NOT NULL REFERENCES contracts (id),
    candidate_id       bigint      NOT NULL REFERENCES candidates (id),
    disclosure_version text        NOT NULL,
    consented_at       timestamptz NOT NULL DEFAULT now(),
    ip                 text        NOT NULL DEFAULT '',
    user_agent         text        NOT NULL DEFAULT '',
    UNIQUE (contract_id, candidate_id, disclosure_version)
);

-- What has been signed can no longer change: the frozen text, each signature
-- once given, and the final PDF once written.
-- +goose StatementBegin
CREATE FUNCTION contracts_freeze() RETURNS trigger AS $$
BEGIN
    IF NEW.text IS DISTINCT FROM OLD.text OR NEW.text_sha256 IS DISTINCT FROM OLD.text_sha256
       OR NEW.offer_version_id IS DISTINCT FROM OLD.offer_version_id THEN
        RAISE EXCEPTION 'contract % text is frozen', OLD.id;
    END IF;
    IF OLD.candidate_signed_at IS NOT NULL AND (NEW.candidate_signed_at IS DISTINCT FROM OLD.candidate_signed_at
       OR NEW.candidate_signed_name IS DISTINCT FROM OLD.candidate_signed_name
       OR NEW.candidate_ip IS DISTINCT FROM OLD.candidate_ip OR NEW.candidate_user_agent IS DISTINCT FROM OLD.candidate_user_agent) THEN
        RAISE EXCEPTION 'contract % candidate signature is frozen', OLD.id;
    END IF;
    IF OLD.employer_signed_at IS NOT NULL AND (NEW.employer_signed_at IS DISTINCT FROM OLD.employer_signed_at
       OR NEW.employer_signed_name IS DISTINCT FROM OLD.employer_signed_name OR NEW.employer_signer_id IS DISTINCT FROM OLD.employer_signer_id
       OR NEW.employer_ip IS DISTINCT FROM OLD.employer_ip OR NEW.employer_user_agent IS DISTINCT FROM OLD.employer_user_agent) THEN
        RAISE EXCEPTION 'contract % employer signature is frozen', OLD.id;
    END IF;
    IF OLD.pdf IS NOT NULL AND (NEW.pdf IS DISTINCT FROM OLD.pdf OR NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256) THEN
        RAISE EXCEPTION 'contract % signed PDF is frozen', OLD.id;
    END IF;
    IF OLD.status IN ('completed', 'written_form') AND NEW.status IS DISTINCT FROM OLD.status THEN
        RAISE EXCEPTION 'contract % is final', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER contracts_freeze BEFORE UPDATE ON contracts FOR EACH ROW EXECUTE FUNCTION contracts_freeze();

-- +goose StatementBegin
CREATE FUNCTION contracts_no_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'contracts are never deleted';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER contracts_no_delete BEFORE DELETE ON contracts FOR EACH ROW EXECUTE FUNCTION contracts_no_delete();

-- A default template so the feature works out of the box.
INSERT INTO contract_templates (name, body) VALUES ('Standard employment contract',
'EMPLOYMENT CONTRACT

This contract is made between {{company}} ("the Employer") and {{candidate_name}} ("the Employee").

1. Position. The Employee is employed as {{job_title}}, working at {{location}} ({{working_pattern}}).

2. Start date. Employment begins on {{start_date}}.

3. Salary. The Employee will be paid {{salary}}, in arrears, by bank transfer.

4. Bonus and equity. {{bonus_equity}}

5. Benefits. {{benefits}}

6. Probation and notice. The first six months are a probationary period, during which either party may end the employment with one week''s written notice. Afterwards the notice period is one month for either party.

7. Confidentiality. The Employee will keep confidential all information about the Employer''s business learned during the employment.

8. Governing law. This contract is governed by the law of the country in which the Employee mainly works.

Signed electronically by both parties.');

-- +goose Down
DROP TABLE esign_consents, contracts, contract_templates, offer_questions, offer_versions, offers, interest_checks;
DROP FUNCTION contracts_freeze();
DROP FUNCTION contracts_no_delete();
ALTER TABLE staff_users DROP COLUMN can_sign_contracts;
