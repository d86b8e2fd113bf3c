-- +goose Up
-- /verify names the role in which the employer's signer signed (their job
-- title, else their role in Nextstep), not the position the contract is for.
-- The role is written once, with the countersignature, and frozen with it like
-- the rest of the signature. Contracts countersigned before are given their
-- signer's job title or role as it stands now (the old trigger ignores the new
-- column), then the trigger freezes it.
ALTER TABLE contracts ADD COLUMN employer_signed_role text CHECK (length(employer_signed_role) <= 200);

UPDATE contracts c SET employer_signed_role = COALESCE(NULLIF(s.job_title, ''), CASE s.role
        WHEN 'admin' THEN 'Admin' WHEN 'recruiter' THEN 'Recruiter'
        WHEN 'hiring_manager' THEN 'Hiring manager' WHEN 'interviewer' THEN 'Interviewer' ELSE s.role END)
    FROM staff_users s
    WHERE s.id = c.employer_signer_id;

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

-- +goose Down
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
    IF (NEW.employer_signer_id, NEW.employer_signed_name, NEW.employer_signed_at, NEW.employer_ip, NEW.employer_user_agent)
       IS DISTINCT FROM (OLD.employer_signer_id, OLD.employer_signed_name, OLD.employer_signed_at, OLD.employer_ip, OLD.employer_user_agent) THEN
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

ALTER TABLE contracts DROP COLUMN employer_signed_role;
