-- +goose Up

-- How an application reached its stage: a staff member's step to the next
-- stage ('move'), a skip over stages that were not needed ('skip'), the undo
-- of a mistaken move ('undo'), a flow (an offer sent, a contract signed:
-- 'flow'), or a change of status only ('status'). Only a 'move' or 'skip'
-- can be undone.
ALTER TABLE stage_events ADD COLUMN kind text NOT NULL DEFAULT 'move'
    CHECK (kind IN ('move', 'skip', 'undo', 'flow', 'status'));
UPDATE stage_events SET kind = 'status' WHERE from_stage = to_stage;

-- A rejection held "until the position is filled": the message waits, with no
-- delivery job, until the position is marked filled or closed.
ALTER TABLE outbox_messages ADD COLUMN held_for_position_id bigint REFERENCES positions (id);
CREATE INDEX outbox_messages_held_for_position_idx ON outbox_messages (held_for_position_id) WHERE status = 'held';

-- An offer sent back by its approver returns to draft with the reason.
ALTER TABLE offer_versions
    ADD COLUMN sent_back_comment text NOT NULL DEFAULT '' CHECK (length(sent_back_comment) <= 2000),
    ADD COLUMN sent_back_by      bigint REFERENCES staff_users (id),
    ADD COLUMN sent_back_at      timestamptz;

-- +goose Down
ALTER TABLE offer_versions DROP COLUMN sent_back_at, DROP COLUMN sent_back_by, DROP COLUMN sent_back_comment;
DROP INDEX outbox_messages_held_for_position_idx;
ALTER TABLE outbox_messages DROP COLUMN held_for_position_id;
ALTER TABLE stage_events DROP COLUMN kind;
