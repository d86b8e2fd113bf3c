-- +goose Up

-- One guarded writer for an application's stage and status (models/transition.go).
-- The database backs it up: Hired is a stage and a status at once, and a change
-- of stage or status is refused unless the writer marked it just before (it sets
-- nextstep.writer for the transaction; the trigger consumes the mark, so a later
-- direct write in the same transaction is refused too). A new code path that
-- writes the row directly fails in the tests at once.
ALTER TABLE applications ADD CONSTRAINT applications_hired_stage_is_status CHECK ((stage = 'hired') = (status = 'hired'));

-- +goose StatementBegin
CREATE FUNCTION applications_guard_writer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.stage IS DISTINCT FROM OLD.stage OR NEW.status IS DISTINCT FROM OLD.status THEN
        IF coalesce(current_setting('nextstep.writer', true), '') <> 'transition' THEN
            RAISE EXCEPTION 'application % changes stage or status only through the guarded writer', OLD.id
                USING ERRCODE = 'P0001', HINT = 'call transition or closeApplication in models';
        END IF;
        PERFORM set_config('nextstep.writer', '', true);
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER applications_guard_writer BEFORE UPDATE OF stage, status ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_guard_writer();

-- How an application entered a stage: "opened" is its first event (stages of
-- the pipeline before the one it opened at are shown as not needed).
ALTER TABLE stage_events DROP CONSTRAINT stage_events_kind_check,
    ADD CONSTRAINT stage_events_kind_check CHECK (kind IN ('opened', 'move', 'skip', 'undo', 'flow', 'status'));
UPDATE stage_events SET kind = 'opened' WHERE from_stage IS NULL AND kind = 'move';

-- Messages: a message withdrawn before it left (an undone stage move, a held
-- rejection dropped on reopening) is cancelled, not deleted, so the Outbox
-- keeps its life. A held message waits either for a time (send_after, with
-- its delivery job scheduled) or for its position to be settled (no job):
-- exactly one of the two.
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_status_check,
    ADD CONSTRAINT outbox_messages_status_check CHECK (status IN ('held', 'queued', 'sent', 'failed', 'cancelled'));
UPDATE outbox_messages SET send_after = NULL WHERE status = 'held' AND held_for_position_id IS NOT NULL;
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_held_has_time,
    ADD CONSTRAINT outbox_messages_held_waits_for_one CHECK (status <> 'held' OR ((send_after IS NULL) <> (held_for_position_id IS NULL)));
ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN (
    'application_rejected', 'assessment_booked', 'assessment_day_cancelled', 'assessment_day_changed', 'assessment_seat_offered',
    'candidate_invitation', 'candidate_sign_in', 'contract_completed', 'contract_name_corrected', 'contract_ready_to_countersign',
    'contract_sent', 'decision_decided', 'decision_requested', 'interest_check', 'interview_cancelled', 'interview_invitation',
    'interview_rescheduled', 'interview_scheduled', 'interview_times_requested', 'name_correction_declined',
    'name_correction_requested', 'offer_accepted', 'offer_approval_requested', 'offer_declined', 'offer_question_answered',
    'offer_question_asked', 'offer_sent', 'offer_sent_back', 'panel_interview', 'panel_interview_cancelled', 'staff_invitation',
    'staff_message', 'staff_sign_in_link', 'stage_changed'));
-- Candidate messages caused by a stage move wait a moment (so Undo can withdraw them).
CREATE INDEX outbox_messages_pending_stage_idx ON outbox_messages (candidate_id) WHERE status = 'held' AND kind = 'stage_changed';

-- Accepted offers waiting for their contract (a "needs you" queue): read from
-- the few live applications at the offer stage, never from every offer ever accepted.
CREATE INDEX applications_at_offer_idx ON applications (id) WHERE stage = 'offer' AND status IN ('active', 'on_hold');

-- +goose Down
DROP INDEX applications_at_offer_idx;
DROP INDEX outbox_messages_pending_stage_idx;
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_held_waits_for_one;
UPDATE outbox_messages SET send_after = created_at WHERE status = 'held' AND send_after IS NULL;
ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_held_has_time CHECK (status <> 'held' OR send_after IS NOT NULL);
UPDATE outbox_messages SET status = 'failed', last_error = 'Withdrawn before it was sent.' WHERE status = 'cancelled';
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_status_check,
    ADD CONSTRAINT outbox_messages_status_check CHECK (status IN ('held', 'queued', 'sent', 'failed'));
UPDATE stage_events SET kind = 'move' WHERE kind = 'opened';
ALTER TABLE stage_events DROP CONSTRAINT stage_events_kind_check,
    ADD CONSTRAINT stage_events_kind_check CHECK (kind IN ('move', 'skip', 'undo', 'flow', 'status'));
DROP TRIGGER applications_guard_writer ON applications;
DROP FUNCTION applications_guard_writer();
ALTER TABLE applications DROP CONSTRAINT applications_hired_stage_is_status;
