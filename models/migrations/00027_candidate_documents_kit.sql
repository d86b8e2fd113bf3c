-- +goose Up

-- Candidate documents and the interview kit (issue 22;
-- models/candidate_documents.go, models/interview_kit.go).

-- A candidate's CV, cover letter and portfolio files. The bytes live in
-- stored_files like every other upload (models/files.go): one backup holds
-- them, erasure reaches every copy, and the size, digest and sniffed type
-- are checked there. This row says whose document it is and what kind; a
-- document is removed together with its file.
ALTER TABLE stored_files DROP CONSTRAINT stored_files_content_type_check;
ALTER TABLE stored_files ADD CONSTRAINT stored_files_content_type_check CHECK (content_type IN
    ('application/pdf', 'image/jpeg', 'image/png', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'));

CREATE TABLE candidate_documents (
    id                    bigserial PRIMARY KEY,
    candidate_id          bigint      NOT NULL REFERENCES candidates (id),
    kind                  text        NOT NULL CHECK (kind IN ('cv', 'cover_letter', 'portfolio')),
    file_id               bigint      NOT NULL UNIQUE REFERENCES stored_files (id),
    uploaded_by_staff     bigint      REFERENCES staff_users (id),
    uploaded_by_candidate bigint      REFERENCES candidates (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    -- Someone uploaded it: a staff member, or the candidate themselves.
    CONSTRAINT candidate_documents_one_uploader CHECK (num_nonnulls(uploaded_by_staff, uploaded_by_candidate) = 1),
    CONSTRAINT candidate_documents_own_upload CHECK (uploaded_by_candidate IS NULL OR uploaded_by_candidate = candidate_id)
);
CREATE INDEX candidate_documents_candidate_idx ON candidate_documents (candidate_id, created_at);

-- The kit: what the position is, what a round should look at, and the
-- questions it suggests for each scorecard criterion of the position.
ALTER TABLE positions ADD COLUMN description text NOT NULL DEFAULT '' CHECK (length(description) <= 8000);
ALTER TABLE interview_rounds ADD COLUMN focus_areas text NOT NULL DEFAULT '' CHECK (length(focus_areas) <= 4000);
CREATE TABLE interview_round_questions (
    round_id     bigint NOT NULL REFERENCES interview_rounds (id),
    criterion_id bigint NOT NULL REFERENCES scorecard_criteria (id),
    questions    text   NOT NULL CHECK (length(questions) BETWEEN 1 AND 4000),
    PRIMARY KEY (round_id, criterion_id)
);

-- +goose Down
DROP TABLE interview_round_questions;
ALTER TABLE interview_rounds DROP COLUMN focus_areas;
ALTER TABLE positions DROP COLUMN description;
DROP TABLE candidate_documents;
DELETE FROM stored_files WHERE content_type = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
ALTER TABLE stored_files DROP CONSTRAINT stored_files_content_type_check;
ALTER TABLE stored_files ADD CONSTRAINT stored_files_content_type_check CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png'));
