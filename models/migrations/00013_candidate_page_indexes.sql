-- +goose Up

-- The candidate's page and the staff candidate page read, for a few
-- applications, their offers, contracts, bookings and interest checks. Only
-- partial indexes covered these (the open offer, the live contract, the active
-- booking), so each page scanned the whole table: fine while the tables were
-- empty, not once offers and signed contracts (with their text and PDF)
-- accumulate, and measured at 40 % of the candidate home's throughput with the
-- demo's few contracts.
CREATE INDEX offers_application_idx ON offers (application_id);
CREATE INDEX contracts_application_idx ON contracts (application_id);
CREATE INDEX assessment_bookings_application_idx ON assessment_bookings (application_id);
CREATE INDEX interest_checks_application_idx ON interest_checks (application_id);

-- +goose Down
DROP INDEX interest_checks_application_idx, assessment_bookings_application_idx, contracts_application_idx, offers_application_idx;
