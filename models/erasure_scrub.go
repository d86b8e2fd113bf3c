package models

import (
	"database/sql"

	"gorm.io/gorm"
)

// What erasure removes, table by table. Each statement reaches the rows of
// one candidate through @c (their id), their applications (erasedApps) or
// their referees; rows are kept (reports count them) and their personal
// contents go. Free text someone wrote about the person becomes "(erased)"
// where a column must not be empty and stays empty where it was; files are
// deleted. The erasure tests scan every text, jsonb and bytea column of
// every table afterwards (TestErasureOfTheRichestCandidateLeavesNoTrace on a
// candidate who has used nearly every feature), so a table added later that
// holds such data, and is missing here, fails them once its feature is in
// that fixture.

// erasedEmailDomain ends the placeholder address of an erased candidate or
// referee (a reserved domain: RFC 2606); sendAll writes nothing to it.
const erasedEmailDomain = "@erased.invalid"

// erasedText replaces free text a rule requires to be non-empty.
const erasedText = "(erased)"

const erasedApps = "(SELECT id FROM applications WHERE candidate_id = @c)"

const erasedReferees = "(SELECT id FROM referees WHERE application_id IN " + erasedApps + ")"

// blank is the expression that empties a free-text column, keeping a
// placeholder where its CHECK wants one.
func blank(col string) string {
	return col + " = CASE WHEN " + col + " = '' THEN '' ELSE '" + erasedText + "' END"
}

// scrubMessages empties the messages to or about candidate @c, once for
// each name they have gone by (@oldName: a corrected contract name leaves
// the earlier one in subjects written before): bodies go, subjects (with the
// name replaced) and states stay, and whatever was still to be sent about
// the person is cancelled. A staff alert about them is found by their
// application, or, for the kinds that carry none (a panel's invitation), by
// their name in it among the staff messages written since they were added.
// It returns the messages' ids.
const scrubMessages = `UPDATE outbox_messages SET body = '', body_html = '', calendar_ics = '', link_path = '', list_unsubscribe = '',
		last_error = '', smtp_reply = '',
		to_email = CASE WHEN staff_id IS NULL THEN '' ELSE to_email END,
		to_name = CASE WHEN staff_id IS NULL THEN '' ELSE to_name END,
		subject = replace(replace(subject, @oldName, @name), @email, @name),
		status = CASE WHEN status IN ('held', 'queued') THEN 'cancelled' ELSE status END,
		send_after = CASE WHEN status IN ('held', 'queued') THEN NULL ELSE send_after END,
		held_for_position_id = CASE WHEN status IN ('held', 'queued') THEN NULL ELSE held_for_position_id END
	WHERE candidate_id = @c OR application_id IN ` + erasedApps + ` OR referee_id IN ` + erasedReferees + `
		OR (staff_id IS NOT NULL AND application_id IS NULL AND created_at >= (SELECT created_at FROM candidates WHERE id = @c)
			AND (strpos(subject, @oldName) > 0 OR strpos(body, @oldName) > 0 OR strpos(body, @email) > 0))
	RETURNING id`

// scrubStatements empty everything personal of candidate @c, whose old
// email is @email and whose name becomes @name. @hold is the legal-hold
// reason ("" for none): a held contract is left whole.
func scrubStatements() []string {
	return []string{
		`UPDATE candidates SET name = @name, email = 'erased-' || id || '` + erasedEmailDomain + `', phone = '', time_zone = NULL,
			erased_at = @now, legal_hold_reason = @hold, updated_at = @now WHERE id = @c`,
		`DELETE FROM login_attempts WHERE lower(email) = lower(@email)`,
		`DELETE FROM sessions WHERE candidate_id = @c`,
		`DELETE FROM login_tokens WHERE candidate_id = @c`,
		`DELETE FROM unsubscribe_tokens WHERE candidate_id = @c`,
		`DELETE FROM candidate_notes WHERE candidate_id = @c`,
		`UPDATE applications SET expected_update_note = '', ` + blank("outcome_reason") + ` WHERE candidate_id = @c`,
		`UPDATE stage_events SET note = '' WHERE application_id IN ` + erasedApps,
		`UPDATE interview_rounds SET ` + blank("change_request") + `, ` + blank("cancel_reason") + `, ` + blank("instructions") +
			` WHERE application_id IN ` + erasedApps,
		`UPDATE scorecards SET notes = '' WHERE round_id IN (SELECT id FROM interview_rounds WHERE application_id IN ` + erasedApps + `)`,
		`UPDATE scorecard_ratings SET notes = '' WHERE scorecard_id IN (SELECT s.id FROM scorecards s JOIN interview_rounds r ON r.id = s.round_id
			WHERE r.application_id IN ` + erasedApps + `)`,
		`UPDATE assessment_bookings SET ` + blank("result_notes") + ` WHERE application_id IN ` + erasedApps,
		`UPDATE interest_checks SET ` + blank("message") + `, earliest_start = '', notice_period = '', salary_expectation = '',
			extra_answers = '[]', ` + blank("withdraw_reason") + ` WHERE application_id IN ` + erasedApps,
		`UPDATE offer_versions SET ` + blank("personal_message") + `, ` + blank("sent_back_comment") +
			` WHERE offer_id IN (SELECT id FROM offers WHERE application_id IN ` + erasedApps + `)`,
		`UPDATE offers SET ` + blank("decline_reason") + ` WHERE application_id IN ` + erasedApps,
		`UPDATE offer_questions SET ` + blank("question") + `, ` + blank("answer") +
			` WHERE offer_id IN (SELECT id FROM offers WHERE application_id IN ` + erasedApps + `)`,
		`UPDATE decision_requests SET ` + blank("proposal") + ` WHERE application_id IN ` + erasedApps,
		`UPDATE decision_responses SET ` + blank("rationale") +
			` WHERE request_id IN (SELECT id FROM decision_requests WHERE application_id IN ` + erasedApps + `)`,
		`DELETE FROM contract_name_corrections WHERE candidate_id = @c`,
		`UPDATE contracts SET erased_at = @now, text = '', pdf = NULL,
			candidate_signed_name = CASE WHEN candidate_signed_name IS NULL THEN NULL ELSE '' END,
			candidate_ip = NULL, candidate_user_agent = NULL
		WHERE application_id IN ` + erasedApps + ` AND erased_at IS NULL AND NOT (@hold <> '' AND id IN (` + heldContractsOf("@c") + `))`,
		`DELETE FROM check_addresses WHERE check_id IN (SELECT id FROM checks WHERE application_id IN ` + erasedApps + `)`,
		`UPDATE check_adverse_actions SET ` + blank("finding") + `, ` + blank("how_to_dispute") + `, ` + blank("reply") +
			` WHERE check_id IN (SELECT id FROM checks WHERE application_id IN ` + erasedApps + `)`,
		`UPDATE referees SET name = 'Erased referee', email = 'erased-referee-' || id || '` + erasedEmailDomain + `', phone = '',
			company = '', ` + blank("decline_reason") + `, answer_ip = NULL, answer_user_agent = '' WHERE id IN ` + erasedReferees,
		`UPDATE reference_answers SET text_answer = CASE WHEN text_answer IS NULL OR text_answer = '' THEN text_answer ELSE '' END
			WHERE referee_id IN ` + erasedReferees,
		`DELETE FROM referee_tokens WHERE referee_id IN ` + erasedReferees,
		`DELETE FROM onboarding_fields WHERE task_id IN (SELECT id FROM onboarding_tasks WHERE application_id IN ` + erasedApps + `)`,
		`UPDATE erasure_requests SET decline_reason = CASE WHEN status = 'declined' THEN '` + erasedText + `' ELSE '' END WHERE candidate_id = @c`,
		// Files last: their references are cut first, then the bytes go
		// (@files, read before the statements run).
		`DELETE FROM candidate_documents WHERE candidate_id = @c`,
		`UPDATE onboarding_tasks SET file_erased_at = CASE WHEN file_id IS NULL THEN file_erased_at ELSE @now END, file_id = NULL, ` + blank("return_reason") + ` WHERE application_id IN ` + erasedApps,
		`UPDATE checks SET result_file_id = NULL, ` + blank("result_summary") + ` WHERE application_id IN ` + erasedApps,
		`DELETE FROM stored_files WHERE id IN @files`,
	}
}

// erasedFiles are the stored files of candidate @c: their documents, their
// onboarding uploads, their checks' result files, anything they uploaded,
// and any file an audit entry about them names (a check result replaced by
// a later one, which nothing else points to any more).
const erasedFiles = `SELECT file_id FROM candidate_documents WHERE candidate_id = @c
	UNION SELECT file_id FROM onboarding_tasks WHERE file_id IS NOT NULL AND application_id IN ` + erasedApps + `
	UNION SELECT result_file_id FROM checks WHERE result_file_id IS NOT NULL AND application_id IN ` + erasedApps + `
	UNION SELECT id FROM stored_files WHERE uploaded_by_candidate = @c
	UNION SELECT (details->>'file_id')::bigint FROM audit_log WHERE person_id = @c AND details->>'file_id' IS NOT NULL`

// scrubCandidate runs scrubStatements for one candidate in tx.
func (s *Store) scrubCandidate(tx *gorm.DB, candidateID int64, oldName, oldEmail, hold string) error {
	var files []int64
	if err := tx.Raw(erasedFiles, sql.Named("c", candidateID)).Scan(&files).Error; err != nil {
		return err
	}
	args := []any{sql.Named("c", candidateID), sql.Named("email", oldEmail), sql.Named("name", ErasedName(candidateID)),
		sql.Named("hold", hold), sql.Named("now", s.Now()), sql.Named("files", files)}
	var names []string
	if err := tx.Raw(`SELECT DISTINCT n FROM contract_name_corrections, unnest(ARRAY[current_name, requested_name]) AS n
		WHERE candidate_id = ? AND n <> ?`, candidateID, oldName).Scan(&names).Error; err != nil {
		return err
	}
	var messages []int64
	for _, name := range append([]string{oldName}, names...) {
		var ids []int64
		if err := tx.Raw(scrubMessages, append(args, sql.Named("oldName", name))...).Scan(&ids).Error; err != nil {
			return err
		}
		messages = append(messages, ids...)
	}
	// River keeps a failed delivery's error, which may quote the address.
	if err := tx.Exec(`UPDATE river_job SET errors = NULL WHERE kind = 'deliver_message' AND errors IS NOT NULL
		AND (args->>'message_id')::bigint IN ?`, messages).Error; err != nil {
		return err
	}
	for _, q := range scrubStatements() {
		if err := tx.Exec(q, args...).Error; err != nil {
			return err
		}
	}
	return nil
}
