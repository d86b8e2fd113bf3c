-- +goose Up

-- The stage catalogue. Titles and explanations live in Go (models/stage.go);
-- this table lets foreign keys refuse unknown stage keys.
CREATE TABLE stages (
    key        text PRIMARY KEY,
    sort_order int  NOT NULL UNIQUE
);
INSERT INTO stages (key, sort_order) VALUES
    ('interview_completed', 1),
    ('additional_interview', 2),
    ('assessment_day', 3),
    ('commercial_negotiation', 4),
    ('hr_round', 5),
    ('reference_checks', 6),
    ('background_check', 7),
    ('pre_employment_medical', 8),
    ('final_decision', 9),
    ('offer', 10),
    ('contract', 11),
    ('onboarding', 12),
    ('hired', 13);

CREATE TABLE staff_users (
    id            bigserial PRIMARY KEY,
    email         text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role          text        NOT NULL CHECK (role IN ('admin', 'recruiter', 'hiring_manager', 'interviewer')),
    password_hash text        NOT NULL DEFAULT '',
    totp_secret   text        NOT NULL DEFAULT '',
    totp_enabled  boolean     NOT NULL DEFAULT false,
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT totp_enabled OR totp_secret <> '')
);
CREATE UNIQUE INDEX staff_users_email_key ON staff_users (lower(email));

CREATE TABLE candidates (
    id         bigserial PRIMARY KEY,
    email      text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone      text        NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX candidates_email_key ON candidates (lower(email));
CREATE INDEX candidates_name_idx ON candidates (lower(name));

CREATE TABLE positions (
    id                bigserial PRIMARY KEY,
    title             text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    department        text        NOT NULL DEFAULT '' CHECK (length(department) <= 200),
    location          text        NOT NULL DEFAULT '' CHECK (length(location) <= 200),
    headcount         int         NOT NULL DEFAULT 1 CHECK (headcount BETWEEN 1 AND 1000),
    status            text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'filled', 'closed')),
    decision_sla_days int         NOT NULL DEFAULT 5 CHECK (decision_sla_days BETWEEN 1 AND 60),
    hiring_manager_id bigint      REFERENCES staff_users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- A position's pipeline: an ordered subset of the catalogue.
CREATE TABLE position_stages (
    position_id bigint NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    stage       text   NOT NULL REFERENCES stages (key),
    sort_order  int    NOT NULL CHECK (sort_order >= 0),
    PRIMARY KEY (position_id, stage),
    UNIQUE (position_id, sort_order) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE applications (
    id                   bigserial PRIMARY KEY,
    candidate_id         bigint      NOT NULL REFERENCES candidates (id),
    position_id          bigint      NOT NULL REFERENCES positions (id),
    stage                text        NOT NULL,
    status               text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'on_hold', 'hired', 'rejected', 'withdrawn')),
    stage_entered_at     timestamptz NOT NULL DEFAULT now(),
    expected_update_at   timestamptz,
    expected_update_note text        NOT NULL DEFAULT '' CHECK (length(expected_update_note) <= 2000),
    outcome_reason       text        NOT NULL DEFAULT '' CHECK (length(outcome_reason) <= 2000),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (candidate_id, position_id),
    -- The current stage must belong to the position's pipeline. Deferred so a
    -- pipeline can be rewritten inside one transaction.
    FOREIGN KEY (position_id, stage) REFERENCES position_stages (position_id, stage) DEFERRABLE INITIALLY DEFERRED,
    CHECK (status <> 'rejected' OR outcome_reason <> '')
);
CREATE INDEX applications_position_idx ON applications (position_id, stage, status);

CREATE TABLE stage_events (
    id             bigserial PRIMARY KEY,
    application_id bigint      NOT NULL REFERENCES applications (id),
    from_stage     text        REFERENCES stages (key),
    to_stage       text        NOT NULL REFERENCES stages (key),
    from_status    text        NOT NULL DEFAULT '',
    to_status      text        NOT NULL,
    actor_staff_id bigint      REFERENCES staff_users (id),
    note           text        NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stage_events_application_idx ON stage_events (application_id, created_at);

-- Internal notes: staff only, never shown to the candidate.
CREATE TABLE candidate_notes (
    id              bigserial PRIMARY KEY,
    candidate_id    bigint      NOT NULL REFERENCES candidates (id),
    application_id  bigint      REFERENCES applications (id),
    author_staff_id bigint      NOT NULL REFERENCES staff_users (id),
    body            text        NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX candidate_notes_candidate_idx ON candidate_notes (candidate_id, created_at);

-- Append-only: a trigger refuses UPDATE and DELETE.
CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    actor_kind   text        NOT NULL CHECK (actor_kind IN ('staff', 'candidate', 'system')),
    actor_id     bigint,
    actor_email  text        NOT NULL DEFAULT '',
    action       text        NOT NULL,
    subject_type text        NOT NULL DEFAULT '',
    subject_id   bigint,
    ip           text        NOT NULL DEFAULT '',
    user_agent   text        NOT NULL DEFAULT '',
    details      jsonb       NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, created_at DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

-- One-time sign-in links. Only the SHA-256 of the token is stored.
CREATE TABLE login_tokens (
    id           bigserial PRIMARY KEY,
    token_hash   bytea       NOT NULL UNIQUE,
    staff_id     bigint      REFERENCES staff_users (id) ON DELETE CASCADE,
    candidate_id bigint      REFERENCES candidates (id) ON DELETE CASCADE,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((staff_id IS NULL) <> (candidate_id IS NULL))
);

-- Server-side sessions; the cookie carries only the signed id, stored here hashed.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY,
    staff_id     bigint      REFERENCES staff_users (id) ON DELETE CASCADE,
    candidate_id bigint      REFERENCES candidates (id) ON DELETE CASCADE,
    data         bytea       NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    ip           text        NOT NULL DEFAULT '',
    user_agent   text        NOT NULL DEFAULT ''
);
CREATE INDEX sessions_staff_idx ON sessions (staff_id) WHERE staff_id IS NOT NULL;
CREATE INDEX sessions_candidate_idx ON sessions (candidate_id) WHERE candidate_id IS NOT NULL;
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);

-- Staff sign-in attempts, counted across all app instances for rate limiting.
CREATE TABLE login_attempts (
    id         bigserial PRIMARY KEY,
    email      text        NOT NULL,
    ip         text        NOT NULL,
    success    boolean     NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email_idx ON login_attempts (lower(email), created_at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, created_at);

-- Every outgoing message. Until email delivery exists it is read on the
-- admin Outbox page; later a worker sends what sent_at marks as pending.
CREATE TABLE outbox_messages (
    id           bigserial PRIMARY KEY,
    to_email     text        NOT NULL,
    to_name      text        NOT NULL DEFAULT '',
    subject      text        NOT NULL,
    body         text        NOT NULL,
    kind         text        NOT NULL,
    candidate_id bigint      REFERENCES candidates (id),
    staff_id     bigint      REFERENCES staff_users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz
);
CREATE INDEX outbox_messages_created_idx ON outbox_messages (created_at DESC);
CREATE INDEX outbox_messages_candidate_idx ON outbox_messages (candidate_id, created_at DESC);

-- +goose Down
DROP TABLE outbox_messages, login_attempts, sessions, login_tokens, audit_log, candidate_notes,
    stage_events, applications, position_stages, positions, candidates, staff_users, stages;
DROP FUNCTION audit_log_is_append_only();
