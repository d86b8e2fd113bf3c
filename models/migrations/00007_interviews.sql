-- +goose Up

-- What a candidate reads about the people they will meet.
ALTER TABLE staff_users ADD COLUMN job_title text NOT NULL DEFAULT '' CHECK (length(job_title) <= 200);

-- A position may require named colleagues to approve the hiring decision
-- before an application can move to the offer stage.
ALTER TABLE positions ADD COLUMN requires_decision_approval boolean NOT NULL DEFAULT false;

-- What interviewers rate for a position, 1–4 each.
CREATE TABLE scorecard_criteria (
    id          bigserial PRIMARY KEY,
    position_id bigint NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    name        text   NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    sort_order  int    NOT NULL CHECK (sort_order >= 0),
    retired     boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX scorecard_criteria_name_key ON scorecard_criteria (position_id, lower(name));
CREATE INDEX scorecard_criteria_position_idx ON scorecard_criteria (position_id, sort_order);

-- One interview of one application. The UID and SEQUENCE are those of the
-- iCalendar event: the UID never changes, the sequence grows with each
-- change the attendees' calendars must apply.
CREATE TABLE interview_rounds (
    id               bigserial PRIMARY KEY,
    application_id   bigint      NOT NULL REFERENCES applications (id),
    kind             text        NOT NULL CHECK (kind IN ('additional', 'technical', 'commercial_negotiation', 'hr_round', 'final')),
    title            text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    duration_minutes int         NOT NULL CHECK (duration_minutes BETWEEN 15 AND 480),
    location         text        NOT NULL DEFAULT '' CHECK (length(location) <= 500),
    video_url        text        NOT NULL DEFAULT '' CHECK (length(video_url) <= 500),
    instructions     text        NOT NULL DEFAULT '' CHECK (length(instructions) <= 4000),
    status           text        NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'scheduled', 'cancelled')),
    starts_at        timestamptz,
    ends_at          timestamptz,
    ical_uid         text        NOT NULL UNIQUE,
    ical_sequence    int         NOT NULL DEFAULT 0 CHECK (ical_sequence >= 0),
    change_request   text        NOT NULL DEFAULT '' CHECK (length(change_request) <= 2000),
    change_requested_at timestamptz,
    cancel_reason    text        NOT NULL DEFAULT '' CHECK (length(cancel_reason) <= 2000),
    created_by       bigint      REFERENCES staff_users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (location <> '' OR video_url <> ''),
    CHECK ((status = 'scheduled') = (starts_at IS NOT NULL AND ends_at IS NOT NULL)),
    CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX interview_rounds_application_idx ON interview_rounds (application_id);

CREATE TABLE interview_panelists (
    round_id bigint NOT NULL REFERENCES interview_rounds (id) ON DELETE CASCADE,
    staff_id bigint NOT NULL REFERENCES staff_users (id),
    PRIMARY KEY (round_id, staff_id)
);
CREATE INDEX interview_panelists_staff_idx ON interview_panelists (staff_id, round_id);

-- A time the panel can meet. One slot may be offered to several candidates of
-- a position; the first to pick it gets it: booked_round_id goes from NULL to
-- the round in one conditional UPDATE, and the unique index keeps a round to
-- one slot even against a buggy writer.
CREATE TABLE interview_slots (
    id              bigserial PRIMARY KEY,
    position_id     bigint      NOT NULL REFERENCES positions (id),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    booked_round_id bigint      REFERENCES interview_rounds (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE UNIQUE INDEX interview_slots_one_per_round ON interview_slots (booked_round_id) WHERE booked_round_id IS NOT NULL;
CREATE INDEX interview_slots_position_idx ON interview_slots (position_id, starts_at);

-- The slots offered to a round's candidate.
CREATE TABLE interview_round_slots (
    round_id bigint NOT NULL REFERENCES interview_rounds (id) ON DELETE CASCADE,
    slot_id  bigint NOT NULL REFERENCES interview_slots (id),
    PRIMARY KEY (round_id, slot_id)
);
CREATE INDEX interview_round_slots_slot_idx ON interview_round_slots (slot_id);

-- One interviewer's evaluation of one round.
CREATE TABLE scorecards (
    id             bigserial PRIMARY KEY,
    round_id       bigint      NOT NULL REFERENCES interview_rounds (id),
    interviewer_id bigint      NOT NULL REFERENCES staff_users (id),
    recommendation text        NOT NULL CHECK (recommendation IN ('strong_no', 'no', 'yes', 'strong_yes')),
    notes          text        NOT NULL DEFAULT '' CHECK (length(notes) <= 8000),
    submitted_at   timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (round_id, interviewer_id),
    -- only a panelist of the round can write one
    FOREIGN KEY (round_id, interviewer_id) REFERENCES interview_panelists (round_id, staff_id)
);
CREATE INDEX scorecards_interviewer_idx ON scorecards (interviewer_id);

CREATE TABLE scorecard_ratings (
    scorecard_id bigint NOT NULL REFERENCES scorecards (id) ON DELETE CASCADE,
    criterion_id bigint NOT NULL REFERENCES scorecard_criteria (id),
    rating       int    NOT NULL CHECK (rating BETWEEN 1 AND 4),
    notes        text   NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    PRIMARY KEY (scorecard_id, criterion_id)
);

-- A recruiter asks named colleagues to approve a hiring decision.
CREATE TABLE decision_requests (
    id             bigserial PRIMARY KEY,
    application_id bigint      NOT NULL REFERENCES applications (id),
    requested_by   bigint      NOT NULL REFERENCES staff_users (id),
    proposal       text        NOT NULL CHECK (length(proposal) BETWEEN 1 AND 4000),
    status         text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'objected', 'withdrawn')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    decided_at     timestamptz,
    CHECK ((status = 'open') = (decided_at IS NULL))
);
-- One open consultation per application at a time.
CREATE UNIQUE INDEX decision_requests_one_open ON decision_requests (application_id) WHERE status = 'open';
CREATE INDEX decision_requests_application_idx ON decision_requests (application_id, id);

CREATE TABLE decision_responses (
    request_id   bigint      NOT NULL REFERENCES decision_requests (id),
    staff_id     bigint      NOT NULL REFERENCES staff_users (id),
    verdict      text        CHECK (verdict IN ('approve', 'object')),
    rationale    text        NOT NULL DEFAULT '' CHECK (length(rationale) <= 4000),
    responded_at timestamptz,
    PRIMARY KEY (request_id, staff_id),
    CHECK ((verdict IS NULL) = (responded_at IS NULL)),
    CHECK (verdict IS NULL OR length(rationale) >= 3)
);
CREATE INDEX decision_responses_staff_idx ON decision_responses (staff_id) WHERE verdict IS NULL;

-- A calendar invitation carried by a message (RFC 5545, METHOD REQUEST or
-- CANCEL); empty for messages without one.
ALTER TABLE outbox_messages ADD COLUMN calendar_ics text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox_messages DROP COLUMN calendar_ics;
DROP TABLE decision_responses, decision_requests, scorecard_ratings, scorecards,
    interview_round_slots, interview_slots, interview_panelists, interview_rounds, scorecard_criteria;
ALTER TABLE positions DROP COLUMN requires_decision_approval;
ALTER TABLE staff_users DROP COLUMN job_title;
