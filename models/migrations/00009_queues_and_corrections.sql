-- +goose Up

-- A rejection held "until the position is filled": the application is closed
-- for staff, while the candidate reads only that the decision waits for the
-- position to be settled, with no date promised. Cleared when the held
-- message is released.
ALTER TABLE applications ADD COLUMN rejection_held boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT applications_rejection_held_is_rejected CHECK (NOT rejection_held OR status = 'rejected');
CREATE INDEX applications_rejection_held_idx ON applications (position_id) WHERE rejection_held;

-- A candidate's request to correct the legal name a contract expects,
-- instead of being refused at signing.
CREATE TABLE contract_name_corrections (
    id             bigserial PRIMARY KEY,
    contract_id    bigint      NOT NULL REFERENCES contracts (id),
    candidate_id   bigint      NOT NULL REFERENCES candidates (id),
    current_name   text        NOT NULL CHECK (length(current_name) BETWEEN 1 AND 200),
    requested_name text        NOT NULL CHECK (length(requested_name) BETWEEN 1 AND 200),
    note           text        NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    status         text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'applied', 'declined')),
    response       text        NOT NULL DEFAULT '' CHECK (length(response) <= 2000),
    resolved_by    bigint      REFERENCES staff_users (id),
    resolved_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'open') = (resolved_at IS NULL)),
    CHECK (status <> 'declined' OR response <> '')
);
CREATE UNIQUE INDEX contract_name_corrections_one_open ON contract_name_corrections (contract_id) WHERE status = 'open';
CREATE INDEX contract_name_corrections_open_idx ON contract_name_corrections (created_at) WHERE status = 'open';

-- The "needs you" queues read only the few rows waiting for someone.
CREATE INDEX offer_versions_pending_idx ON offer_versions (offer_id) WHERE status = 'pending_approval';
CREATE INDEX offer_questions_unanswered_idx ON offer_questions (offer_id) WHERE answered_at IS NULL;
CREATE INDEX contracts_awaiting_employer_idx ON contracts (application_id) WHERE status = 'awaiting_employer';
CREATE INDEX applications_overdue_idx ON applications (expected_update_at, id) WHERE status = 'active';

-- +goose Down
DROP INDEX applications_overdue_idx, contracts_awaiting_employer_idx, offer_questions_unanswered_idx, offer_versions_pending_idx;
DROP TABLE contract_name_corrections;
DROP INDEX applications_rejection_held_idx;
ALTER TABLE applications DROP CONSTRAINT applications_rejection_held_is_rejected, DROP COLUMN rejection_held;
