-- +goose Up

-- An assessment day. seats_taken counts active bookings plus seats held for
-- a waitlist offer; every change to it happens under the row's lock, and the
-- CHECK makes overbooking impossible even for a buggy writer.
CREATE TABLE assessment_days (
    id               bigserial PRIMARY KEY,
    title            text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    time_zone        text        NOT NULL,
    location_address text        NOT NULL DEFAULT '' CHECK (length(location_address) <= 500),
    directions       text        NOT NULL DEFAULT '' CHECK (length(directions) <= 2000),
    online_url       text        NOT NULL DEFAULT '' CHECK (length(online_url) <= 500),
    capacity         int         NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
    seats_taken      int         NOT NULL DEFAULT 0,
    cutoff_hours     int         NOT NULL DEFAULT 24 CHECK (cutoff_hours BETWEEN 0 AND 720),
    agenda           text        NOT NULL DEFAULT '' CHECK (length(agenda) <= 4000),
    what_to_bring    text        NOT NULL DEFAULT '' CHECK (length(what_to_bring) <= 2000),
    status           text        NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    cancel_reason    text        NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CHECK (seats_taken >= 0),
    CONSTRAINT assessment_days_not_overbooked CHECK (seats_taken <= capacity),
    CHECK (location_address <> '' OR online_url <> '')
);
CREATE INDEX assessment_days_starts_idx ON assessment_days (starts_at);

CREATE TABLE assessment_day_positions (
    day_id      bigint NOT NULL REFERENCES assessment_days (id) ON DELETE CASCADE,
    position_id bigint NOT NULL REFERENCES positions (id),
    PRIMARY KEY (day_id, position_id)
);
CREATE INDEX assessment_day_positions_position_idx ON assessment_day_positions (position_id);

CREATE TABLE assessment_bookings (
    id             bigserial PRIMARY KEY,
    day_id         bigint      NOT NULL REFERENCES assessment_days (id),
    application_id bigint      NOT NULL REFERENCES applications (id),
    status         text        NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'rescheduled', 'day_cancelled')),
    attendance     text        NOT NULL DEFAULT 'unknown' CHECK (attendance IN ('unknown', 'attended', 'no_show')),
    result         text        NOT NULL DEFAULT 'none' CHECK (result IN ('none', 'pass', 'fail')),
    result_notes   text        NOT NULL DEFAULT '' CHECK (length(result_notes) <= 4000),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    ended_at       timestamptz
);
-- One seat per application at a time.
CREATE UNIQUE INDEX assessment_bookings_one_active ON assessment_bookings (application_id) WHERE status = 'booked';
CREATE INDEX assessment_bookings_day_idx ON assessment_bookings (day_id, status);

CREATE TABLE assessment_waitlist (
    id               bigserial PRIMARY KEY,
    day_id           bigint      NOT NULL REFERENCES assessment_days (id),
    application_id   bigint      NOT NULL REFERENCES applications (id),
    status           text        NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'offered', 'accepted', 'expired', 'declined', 'left', 'day_cancelled')),
    offer_expires_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'offered' OR offer_expires_at IS NOT NULL)
);
CREATE UNIQUE INDEX assessment_waitlist_once_per_day ON assessment_waitlist (day_id, application_id) WHERE status IN ('waiting', 'offered');
CREATE INDEX assessment_waitlist_queue_idx ON assessment_waitlist (day_id, status, created_at, id);

-- +goose Down
DROP TABLE assessment_waitlist, assessment_bookings, assessment_day_positions, assessment_days;
