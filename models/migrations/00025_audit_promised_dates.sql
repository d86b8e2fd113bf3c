-- +goose Up

-- The staff candidate page's history reads the promised-date changes of the
-- candidate's applications from the audit log (models/candidate_pages.go,
-- dateChangesJSON). Without this index that read would walk every such change
-- ever made, through audit_log_action_idx; with it, only the candidate's own.
CREATE INDEX audit_log_promised_dates_idx ON audit_log (subject_id, created_at)
    WHERE subject_type = 'application' AND action IN ('application.expected_date_changed', 'application.promise_extended');

-- +goose Down
DROP INDEX audit_log_promised_dates_idx;
