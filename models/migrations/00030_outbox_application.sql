-- +goose Up

-- A candidate message that belongs to one application says which (issue 22
-- follow-up; models/transition.go closeApplication, models/outbox.go send):
-- the rejection and every other message of a closing. Reopening one
-- application then withdraws only that application's waiting messages, not
-- those of the candidate's other applications, and the pages read when a
-- rejection put off by some days reaches the candidate from its messages.
-- Deleting an application keeps its messages (the record of what was sent).
ALTER TABLE outbox_messages ADD COLUMN application_id bigint REFERENCES applications(id) ON DELETE SET NULL;

-- Only waiting messages are looked up by application.
CREATE INDEX outbox_messages_waiting_by_application ON outbox_messages (application_id)
    WHERE status = 'held' AND application_id IS NOT NULL;

-- +goose Down
DROP INDEX outbox_messages_waiting_by_application;
ALTER TABLE outbox_messages DROP COLUMN application_id;
