-- +goose Up

-- A stage's own time (issue 21; models/stage_time.go): the business days
-- within which a candidate at that stage of the position hears from us. NULL
-- uses the position's decision time (positions.decision_sla_days), within
-- the same bounds. Every promised date is counted from this, whether set
-- by a stage move, a reactivation or the promise keeper.
ALTER TABLE position_stages
    ADD COLUMN sla_days int CONSTRAINT position_stages_sla_days_range CHECK (sla_days BETWEEN 1 AND 60);

-- +goose Down
ALTER TABLE position_stages DROP COLUMN sla_days;
