-- +goose Up

-- The candidate's choices (issue 21; models/message_choices.go): whether
-- they get reminders and "still deciding" updates by email. Both are on
-- until the candidate turns one off, on their account page or with the
-- link in such an email. Every other message is essential and always goes.
ALTER TABLE candidates
    ADD COLUMN email_reminders boolean NOT NULL DEFAULT true,
    ADD COLUMN email_updates   boolean NOT NULL DEFAULT true;

-- One-click unsubscribe links (RFC 8058). Each optional email carries a
-- link of its own, scoped to its candidate and its category and to nothing
-- else; only the token's SHA-256 is kept. A link works once: the
-- conditional UPDATE … WHERE used_at IS NULL that turns the category off
-- spends it in the same transaction.
CREATE TABLE unsubscribe_tokens (
    token_hash   bytea       PRIMARY KEY,
    candidate_id bigint      NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    category     text        NOT NULL CONSTRAINT unsubscribe_tokens_category_check CHECK (category IN ('reminders', 'updates')),
    created_at   timestamptz NOT NULL,
    used_at      timestamptz,
    CONSTRAINT unsubscribe_tokens_used_after_made CHECK (used_at IS NULL OR used_at >= created_at)
);
CREATE INDEX unsubscribe_tokens_candidate_idx ON unsubscribe_tokens (candidate_id);

-- The link a message's List-Unsubscribe header carries (delivery sets the
-- header from it): only a message to a candidate has one.
ALTER TABLE outbox_messages
    ADD COLUMN list_unsubscribe text NOT NULL DEFAULT '',
    ADD CONSTRAINT outbox_messages_unsubscribe_to_candidate CHECK (list_unsubscribe = '' OR candidate_id IS NOT NULL);

-- +goose Down
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_unsubscribe_to_candidate, DROP COLUMN list_unsubscribe;
DROP TABLE unsubscribe_tokens;
ALTER TABLE candidates DROP COLUMN email_updates, DROP COLUMN email_reminders;
