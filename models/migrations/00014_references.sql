-- +goose Up

-- Reference checks (issue 19): what each position asks for, the referees a
-- candidate names, their personal links, and their answers.

-- How many references a position needs, and whether one of them must come
-- from a recent manager (models/references_rules.go: RefereeSetComplete).
ALTER TABLE positions
    ADD COLUMN references_needed integer NOT NULL DEFAULT 2
        CONSTRAINT positions_references_needed_range CHECK (references_needed BETWEEN 0 AND 5),
    ADD COLUMN reference_manager_required boolean NOT NULL DEFAULT false;

-- A position's own questionnaire; a position without rows asks the default
-- questions (models.DefaultReferenceQuestions).
CREATE TABLE reference_questions (
    id          bigserial PRIMARY KEY,
    position_id bigint  NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    sort_order  integer NOT NULL CHECK (sort_order >= 0),
    kind        text    NOT NULL CHECK (kind IN ('rating', 'yes_no_unsure', 'text')),
    prompt      text    NOT NULL CHECK (length(prompt) BETWEEN 1 AND 500),
    UNIQUE (position_id, sort_order)
);

-- A referee of one application. The status is stored; "expired" is derived
-- from token_expires_at. Each status carries exactly its own timestamps.
CREATE TABLE referees (
    id                         bigserial PRIMARY KEY,
    application_id             bigint      NOT NULL REFERENCES applications (id),
    name                       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email                      text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone                      text        NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    -- the phone's digits alone, to compare numbers however they were typed
    phone_digits               text        GENERATED ALWAYS AS (regexp_replace(phone, '[^0-9]', '', 'g')) STORED,
    company                    text        NOT NULL DEFAULT '' CHECK (length(company) <= 200),
    relationship               text        NOT NULL CHECK (relationship IN ('manager', 'colleague', 'client', 'other')),
    -- months worked together: the first day of the first and of the last
    -- month; worked_to NULL while they still work together
    worked_from                date        NOT NULL CHECK (extract(day FROM worked_from) = 1),
    worked_to                  date        CHECK (extract(day FROM worked_to) = 1),
    may_contact_now            boolean     NOT NULL, -- false: only after an offer
    candidate_confirmed_agreed boolean     NOT NULL DEFAULT false,
    added_by_staff_id          bigint      REFERENCES staff_users (id),
    status                     text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'requested', 'answered', 'declined')),
    token_expires_at           timestamptz,
    requested_at               timestamptz,
    last_reminded_at           timestamptz,
    reminders                  integer     NOT NULL DEFAULT 0 CHECK (reminders >= 0),
    opened_at                  timestamptz,
    answered_at                timestamptz,
    declined_at                timestamptz,
    decline_reason             text        NOT NULL DEFAULT '' CHECK (length(decline_reason) <= 2000),
    -- the referee's own word on what the candidate said about them
    confirmed_relationship     boolean,
    confirmed_period           boolean,
    answer_ip                  inet,
    answer_user_agent          text        NOT NULL DEFAULT '' CHECK (length(answer_user_agent) <= 500),
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT referees_period_in_order CHECK (worked_to IS NULL OR worked_to >= worked_from),
    CONSTRAINT referees_draft_is_unsent CHECK (status <> 'draft' OR (requested_at IS NULL AND token_expires_at IS NULL
        AND last_reminded_at IS NULL AND reminders = 0 AND opened_at IS NULL)),
    CONSTRAINT referees_sent_has_times CHECK (status = 'draft' OR (requested_at IS NOT NULL AND token_expires_at > requested_at)),
    CONSTRAINT referees_answered_has_time CHECK ((status = 'answered') = (answered_at IS NOT NULL)),
    CONSTRAINT referees_declined_has_time CHECK ((status = 'declined') = (declined_at IS NOT NULL)),
    CONSTRAINT referees_answered_confirms CHECK (status <> 'answered' OR (confirmed_relationship IS NOT NULL AND confirmed_period IS NOT NULL)),
    CONSTRAINT referees_reason_only_declined CHECK (status = 'declined' OR decline_reason = '')
);
CREATE INDEX referees_application_idx ON referees (application_id);
-- The "also a referee of another candidate" signal looks referees up by their address and number.
CREATE INDEX referees_email_idx ON referees (lower(email));
CREATE INDEX referees_phone_idx ON referees (phone_digits) WHERE phone_digits <> '';
-- The automatic reminder reads only the requests still waiting.
CREATE INDEX referees_waiting_idx ON referees (requested_at) WHERE status = 'requested';

-- The personal links of a referee: only the SHA-256 of each random token.
-- The request and every reminder carry a link of their own, and each works
-- until the referee answers or the request expires (referees.token_expires_at),
-- so an older email's link still opens the form.
CREATE TABLE referee_tokens (
    token_hash bytea       PRIMARY KEY,
    referee_id bigint      NOT NULL REFERENCES referees (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX referee_tokens_referee_idx ON referee_tokens (referee_id);

-- A referee's answers, one row per question, with the question's kind and
-- prompt as they were asked: editing the questionnaire later changes no
-- answer. UNIQUE (referee_id, sort_order) keeps a referee to one set.
CREATE TABLE reference_answers (
    id          bigserial PRIMARY KEY,
    referee_id  bigint  NOT NULL REFERENCES referees (id) ON DELETE CASCADE,
    sort_order  integer NOT NULL CHECK (sort_order >= 0),
    kind        text    NOT NULL CHECK (kind IN ('rating', 'yes_no_unsure', 'text')),
    prompt      text    NOT NULL CHECK (length(prompt) BETWEEN 1 AND 500),
    rating      smallint CHECK (rating BETWEEN 1 AND 5),
    choice      text    CHECK (choice IN ('yes', 'no', 'unsure')),
    text_answer text    NOT NULL DEFAULT '' CHECK (length(text_answer) <= 4000),
    UNIQUE (referee_id, sort_order),
    CONSTRAINT reference_answers_fits_kind CHECK (
        (kind = 'rating' AND rating IS NOT NULL AND choice IS NULL AND text_answer = '')
        OR (kind = 'yes_no_unsure' AND choice IS NOT NULL AND rating IS NULL AND text_answer = '')
        OR (kind = 'text' AND rating IS NULL AND choice IS NULL))
);

-- A referee is a recipient of messages of their own: neither a candidate nor staff.
ALTER TABLE outbox_messages ADD COLUMN referee_id bigint REFERENCES referees (id),
    ADD CONSTRAINT outbox_messages_one_recipient CHECK (referee_id IS NULL OR (candidate_id IS NULL AND staff_id IS NULL));
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check,
    ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN (
    'application_rejected', 'assessment_booked', 'assessment_day_cancelled', 'assessment_day_changed', 'assessment_seat_offered',
    'candidate_invitation', 'candidate_sign_in', 'contract_completed', 'contract_name_corrected', 'contract_ready_to_countersign',
    'contract_sent', 'decision_decided', 'decision_requested', 'interest_check', 'interview_cancelled', 'interview_invitation',
    'interview_rescheduled', 'interview_scheduled', 'interview_times_requested', 'name_correction_declined',
    'name_correction_requested', 'offer_accepted', 'offer_approval_requested', 'offer_declined', 'offer_question_answered',
    'offer_question_asked', 'offer_sent', 'offer_sent_back', 'panel_interview', 'panel_interview_cancelled',
    'reference_reminder', 'reference_request', 'staff_invitation', 'staff_message', 'staff_sign_in_link', 'stage_changed'));

-- A referee's answer or decline is audited with the referee as its actor.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_kind_check,
    ADD CONSTRAINT audit_log_actor_kind_check CHECK (actor_kind IN ('staff', 'candidate', 'system', 'referee'));

-- The "answered from the candidate's address" signal reads the addresses the
-- candidate used: every audited action of theirs (sign-ins included) keeps
-- the IP, and the audit log, unlike sessions, is never purged.
CREATE INDEX audit_log_candidate_ip_idx ON audit_log (actor_id, ip) WHERE actor_kind = 'candidate' AND ip <> '';

-- +goose Down
DROP INDEX audit_log_candidate_ip_idx;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_kind_check,
    ADD CONSTRAINT audit_log_actor_kind_check CHECK (actor_kind IN ('staff', 'candidate', 'system'));
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check,
    ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN (
    'application_rejected', 'assessment_booked', 'assessment_day_cancelled', 'assessment_day_changed', 'assessment_seat_offered',
    'candidate_invitation', 'candidate_sign_in', 'contract_completed', 'contract_name_corrected', 'contract_ready_to_countersign',
    'contract_sent', 'decision_decided', 'decision_requested', 'interest_check', 'interview_cancelled', 'interview_invitation',
    'interview_rescheduled', 'interview_scheduled', 'interview_times_requested', 'name_correction_declined',
    'name_correction_requested', 'offer_accepted', 'offer_approval_requested', 'offer_declined', 'offer_question_answered',
    'offer_question_asked', 'offer_sent', 'offer_sent_back', 'panel_interview', 'panel_interview_cancelled', 'staff_invitation',
    'staff_message', 'staff_sign_in_link', 'stage_changed'));
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_one_recipient, DROP COLUMN referee_id;
DROP TABLE reference_answers, referee_tokens, referees, reference_questions;
ALTER TABLE positions DROP COLUMN reference_manager_required, DROP COLUMN references_needed;
