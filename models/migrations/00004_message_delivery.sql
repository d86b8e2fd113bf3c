-- +goose Up
-- Email delivery: every outbox message now has a life (held → queued → sent or
-- failed) and is delivered by a River job inserted in the same transaction as
-- the message (River's own tables are created by rivermigrate, see store.go).
ALTER TABLE outbox_messages
    ADD COLUMN status          text        NOT NULL DEFAULT 'queued'
        CONSTRAINT outbox_messages_status_check CHECK (status IN ('held', 'queued', 'sent', 'failed')),
    ADD COLUMN body_html       text        NOT NULL DEFAULT '',
    ADD COLUMN link_path       text        NOT NULL DEFAULT '',
    ADD COLUMN send_after      timestamptz,
    ADD COLUMN attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    ADD COLUMN last_attempt_at timestamptz,
    ADD COLUMN last_error      text        NOT NULL DEFAULT '',
    ADD COLUMN smtp_reply      text        NOT NULL DEFAULT '',
    ADD COLUMN message_id      text        NOT NULL DEFAULT '',
    ADD CONSTRAINT outbox_messages_sent_has_time CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    ADD CONSTRAINT outbox_messages_held_has_time CHECK (status <> 'held' OR send_after IS NOT NULL);

-- Messages written before delivery existed were never sent, and their sign-in
-- links have long expired: they stay visible, honestly marked, and are not sent.
UPDATE outbox_messages SET status = 'failed', last_error = 'Written before email delivery was set up; not sent.'
WHERE sent_at IS NULL;
UPDATE outbox_messages SET status = 'sent' WHERE sent_at IS NOT NULL;

CREATE INDEX outbox_messages_status_idx ON outbox_messages (status, id DESC);

-- Staff-edited wording of the candidate-facing message kinds; a kind without a
-- row uses the built-in default (models/messages.go).
CREATE TABLE message_templates (
    kind       text PRIMARY KEY CHECK (kind <> ''),
    subject    text        NOT NULL CHECK (subject <> '' AND length(subject) <= 300),
    body       text        NOT NULL CHECK (body <> '' AND length(body) <= 20000),
    updated_by bigint      REFERENCES staff_users (id),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE message_templates;
DROP INDEX outbox_messages_status_idx;
ALTER TABLE outbox_messages
    DROP CONSTRAINT outbox_messages_held_has_time,
    DROP CONSTRAINT outbox_messages_sent_has_time,
    DROP COLUMN message_id, DROP COLUMN smtp_reply, DROP COLUMN last_error, DROP COLUMN last_attempt_at,
    DROP COLUMN attempts, DROP COLUMN send_after, DROP COLUMN link_path, DROP COLUMN body_html, DROP COLUMN status;
