-- +goose Up
-- The staff candidate list at 100,000 applications: every sort and filter is
-- served by an index on applications alone, so a page is a short index walk
-- (keyset paging, no OFFSET) and a search touches only matching rows.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Sort and search keys copied from the candidate, the position and the stage
-- catalogue. Triggers keep them true; nothing in the application writes them.
ALTER TABLE applications
    ADD COLUMN sort_name     text    NOT NULL DEFAULT '',
    ADD COLUMN sort_position text    NOT NULL DEFAULT '',
    ADD COLUMN stage_order   integer NOT NULL DEFAULT 0,
    ADD COLUMN search        text    NOT NULL DEFAULT '';

-- +goose StatementBegin
CREATE FUNCTION applications_sort_keys() RETURNS trigger AS $$
BEGIN
    SELECT lower(name), lower(name) || ' ' || lower(email) INTO NEW.sort_name, NEW.search
    FROM candidates WHERE id = NEW.candidate_id;
    SELECT lower(title) INTO NEW.sort_position FROM positions WHERE id = NEW.position_id;
    SELECT sort_order INTO NEW.stage_order FROM stages WHERE key = NEW.stage;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER applications_sort_keys BEFORE INSERT OR UPDATE OF candidate_id, position_id, stage ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_sort_keys();

-- +goose StatementBegin
CREATE FUNCTION candidates_sort_keys() RETURNS trigger AS $$
BEGIN
    UPDATE applications SET sort_name = lower(NEW.name), search = lower(NEW.name) || ' ' || lower(NEW.email)
    WHERE candidate_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER candidates_sort_keys AFTER UPDATE OF name, email ON candidates
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
    EXECUTE FUNCTION candidates_sort_keys();

-- +goose StatementBegin
CREATE FUNCTION positions_sort_keys() RETURNS trigger AS $$
BEGIN
    UPDATE applications SET sort_position = lower(NEW.title) WHERE position_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER positions_sort_keys AFTER UPDATE OF title ON positions
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION positions_sort_keys();

UPDATE applications SET candidate_id = candidate_id;

-- fastupdate off: new rows go straight into the index, so search plans do not
-- degrade (a long pending list makes the planner avoid the index) between vacuums.
CREATE INDEX applications_search_trgm ON applications USING gin (search gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX applications_updated_key ON applications (stage_entered_at, id);
CREATE INDEX applications_name_key ON applications (sort_name, id);
CREATE INDEX applications_stage_key ON applications (stage_order, id);
CREATE INDEX applications_position_key ON applications (sort_position, id);
-- A promised date sorts with the applications that have none last, both ways.
CREATE INDEX applications_expected_asc ON applications ((coalesce(expected_update_at, 'infinity'::timestamptz)), id);
CREATE INDEX applications_expected_desc ON applications ((coalesce(expected_update_at, '-infinity'::timestamptz)), id);
-- The filters people use most, each with the default sort.
CREATE INDEX applications_status_key ON applications (status, stage_entered_at, id);
CREATE INDEX applications_stage_filter_key ON applications (stage, stage_entered_at, id);
CREATE INDEX applications_position_filter_key ON applications (position_id, stage_entered_at, id);

-- +goose Down
DROP INDEX applications_position_filter_key, applications_stage_filter_key, applications_status_key,
    applications_expected_desc, applications_expected_asc, applications_position_key, applications_stage_key,
    applications_name_key, applications_updated_key, applications_search_trgm;
DROP TRIGGER positions_sort_keys ON positions;
DROP FUNCTION positions_sort_keys();
DROP TRIGGER candidates_sort_keys ON candidates;
DROP FUNCTION candidates_sort_keys();
DROP TRIGGER applications_sort_keys ON applications;
DROP FUNCTION applications_sort_keys();
ALTER TABLE applications DROP COLUMN search, DROP COLUMN stage_order, DROP COLUMN sort_position, DROP COLUMN sort_name;
