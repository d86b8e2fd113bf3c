-- +goose Up
-- A signed contract can be trusted only if nothing about it can move: every
-- column is frozen except the allowed status moves, the first (complete)
-- write of each signature and the first write of the final PDF.
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

-- TRUNCATE skips row triggers: refuse it at statement level on what must last.
-- +goose StatementBegin
CREATE FUNCTION refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% cannot be truncated', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER contracts_no_truncate BEFORE TRUNCATE ON contracts FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER esign_consents_no_truncate BEFORE TRUNCATE ON esign_consents FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();

-- Consent to electronic records is evidence: written once, never changed.
-- +goose StatementBegin
CREATE FUNCTION esign_consents_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'esign_consents is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER esign_consents_append_only BEFORE UPDATE OR DELETE ON esign_consents
    FOR EACH ROW EXECUTE FUNCTION esign_consents_append_only();

-- The last accepted TOTP time step: a code is accepted once.
ALTER TABLE staff_users ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE staff_users DROP COLUMN totp_last_step;
DROP TRIGGER esign_consents_append_only ON esign_consents;
DROP FUNCTION esign_consents_append_only();
DROP TRIGGER esign_consents_no_truncate ON esign_consents;
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER contracts_no_truncate ON contracts;
DROP FUNCTION refuse_truncate();
