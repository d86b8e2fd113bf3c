-- +goose Up

-- When a rejection put off by some days reaches the candidate, kept on the
-- application itself (written with the status by closeApplication): the
-- candidate's and staff pages read it with the application, where a
-- subquery on outbox_messages per application cost the staff candidate
-- page a fifth of its database time (make bench).
ALTER TABLE applications ADD COLUMN rejection_told_at timestamptz,
    ADD CONSTRAINT applications_rejection_told_at_is_rejected CHECK (rejection_told_at IS NULL OR status = 'rejected');

UPDATE applications a SET rejection_told_at = m.told
FROM (SELECT application_id, max(send_after) AS told FROM outbox_messages
      WHERE status = 'held' AND held_for_position_id IS NULL AND application_id IS NOT NULL AND send_after IS NOT NULL
      GROUP BY application_id) m
WHERE m.application_id = a.id AND a.status = 'rejected';

-- +goose Down
ALTER TABLE applications DROP CONSTRAINT applications_rejection_told_at_is_rejected, DROP COLUMN rejection_told_at;
