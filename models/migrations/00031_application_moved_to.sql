-- +goose Up
-- An application closed by a move (its position closed, the candidate moved
-- to another open position) names the application it continues as, so the
-- candidate's page says where it went rather than "we have decided not to
-- continue". Only a rejected application can have been moved; any later
-- change of its status (reopening it) forgets the move.
ALTER TABLE applications ADD COLUMN moved_to_application_id bigint REFERENCES applications (id) ON DELETE SET NULL,
    ADD CONSTRAINT applications_moved_to_rejected CHECK (moved_to_application_id IS NULL OR status = 'rejected'),
    ADD CONSTRAINT applications_moved_to_other CHECK (moved_to_application_id IS DISTINCT FROM id);

-- +goose StatementBegin
CREATE FUNCTION applications_forget_move() RETURNS trigger AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        NEW.moved_to_application_id := NULL;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER applications_forget_move BEFORE UPDATE OF status ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_forget_move();

-- +goose Down
DROP TRIGGER applications_forget_move ON applications;
DROP FUNCTION applications_forget_move();
ALTER TABLE applications DROP COLUMN moved_to_application_id;
