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

-- +goose Down
ALTER TABLE outbox_messages DROP COLUMN reply_to;
SELECT 1;
