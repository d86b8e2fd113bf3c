-- +goose Up

-- The promise keeper's updates as the candidate's timeline shows them (issue
-- 21, models/promise_keeper.go): one row per automatic "we have not decided
-- yet" with the date that passed and the new one, written in the same
-- transaction as the message. The message may not exist (the candidate
-- chose no such emails); the row does, so the page still tells the story.
CREATE TABLE promise_updates (
    id             bigserial PRIMARY KEY,
    application_id bigint      NOT NULL REFERENCES applications (id),
    passed_date    timestamptz NOT NULL,
    new_date       timestamptz NOT NULL CHECK (new_date > passed_date),
    created_at     timestamptz NOT NULL
);
CREATE INDEX promise_updates_application_idx ON promise_updates (application_id, created_at);

-- +goose Down
DROP TABLE promise_updates;
