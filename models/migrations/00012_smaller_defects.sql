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

-- +goose Down
SELECT 1;
