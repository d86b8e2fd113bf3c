-- +goose Up

-- Contract templates no longer claim "Signed electronically by both parties"
-- in the text the candidate is asked to sign (the final PDF says it, once it
-- is true), and the place of work reads naturally: "Place of work: London"
-- rather than "working at London". Contracts already made stay frozen.
UPDATE contract_templates
SET body = replace(replace(body,
        E'\n\nSigned electronically by both parties.', ''),
        'The Employee is employed as {{job_title}}, working at {{location}} ({{working_pattern}}).',
        'The Employee is employed as {{job_title}} ({{working_pattern}}). Place of work: {{location}}.')
WHERE body LIKE '%Signed electronically by both parties.%' OR body LIKE '%working at {{location}}%';

-- Mail leaves from a no-reply sender: each message keeps the address replies
-- go to, chosen when it is written (the recruiter who arranged an interview,
-- otherwise NEXTSTEP_CONTACT_EMAIL; empty: no Reply-To header).
ALTER TABLE outbox_messages ADD COLUMN reply_to text NOT NULL DEFAULT '' CHECK (length(reply_to) <= 320);

-- The "Stage" sort key of an application is its stage's place in its own
-- position's pipeline (which staff may reorder), not in the global catalogue.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION applications_sort_keys() RETURNS trigger AS $$
BEGIN
    SELECT lower(name), lower(name) || ' ' || lower(email) INTO NEW.sort_name, NEW.search
    FROM candidates WHERE id = NEW.candidate_id;
    SELECT lower(title) INTO NEW.sort_position FROM positions WHERE id = NEW.position_id;
    NEW.stage_order := coalesce(
        (SELECT sort_order FROM position_stages WHERE position_id = NEW.position_id AND stage = NEW.stage),
        (SELECT sort_order FROM stages WHERE key = NEW.stage), 0);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- A pipeline edit (rows rewritten or renumbered) carries the new order to the
-- applications at each stage.
-- +goose StatementBegin
CREATE FUNCTION position_stages_sort_keys() RETURNS trigger AS $$
BEGIN
    UPDATE applications SET stage_order = NEW.sort_order
    WHERE position_id = NEW.position_id AND stage = NEW.stage AND stage_order IS DISTINCT FROM NEW.sort_order;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER position_stages_sort_keys AFTER INSERT OR UPDATE OF sort_order, stage ON position_stages
    FOR EACH ROW EXECUTE FUNCTION position_stages_sort_keys();

UPDATE applications a SET stage_order = ps.sort_order
FROM position_stages ps
WHERE ps.position_id = a.position_id AND ps.stage = a.stage AND a.stage_order <> ps.sort_order;

-- +goose Down
DROP TRIGGER position_stages_sort_keys ON position_stages;
DROP FUNCTION position_stages_sort_keys();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION applications_sort_keys() RETURNS trigger AS $$
BEGIN
    SELECT lower(name), lower(name) || ' ' || lower(email) INTO NEW.sort_name, NEW.search
    FROM candidates WHERE id = NEW.candidate_id;
    SELECT lower(title) INTO NEW.sort_position FROM positions WHERE id = NEW.position_id;
    SELECT sort_order INTO NEW.stage_order FROM stages WHERE key = NEW.stage;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
UPDATE applications a SET stage_order = s.sort_order FROM stages s WHERE s.key = a.stage;
ALTER TABLE outbox_messages DROP COLUMN reply_to;
