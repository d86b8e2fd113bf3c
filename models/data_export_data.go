package models

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"

	"gorm.io/gorm"
)

// What data.json holds (data_export.go writes it). Only columns named here
// leave the database: every section is an explicit list, so a staff-only
// column added to a table later stays out until someone adds it here.

// exportData is data.json.
type exportData struct {
	ExportedAt           time.Time           `json:"exported_at"`
	ProducedBy           string              `json:"produced_by"`
	TimeZoneOfLocalTimes string              `json:"time_zone_of_local_times"`
	Profile              exportProfile       `json:"profile"`
	Applications         []exportApplication `json:"applications"`
	Messages             []exportMessage     `json:"messages_sent_to_you"`
	Documents            []json.RawMessage   `json:"documents"`
}

// exportProfile is the candidate's own record and choices.
type exportProfile struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	Email          string    `json:"email"`
	Phone          string    `json:"phone"`
	TimeZone       string    `json:"time_zone"` // "" until chosen or detected
	EmailReminders bool      `json:"email_reminders"`
	EmailUpdates   bool      `json:"email_updates"`
	CreatedAt      time.Time `json:"created_at"`
}

// exportApplication is one application as its candidate sees it.
type exportApplication struct {
	ID               int64             `json:"id"`
	Position         string            `json:"position"`
	Department       string            `json:"department,omitempty"`
	Location         string            `json:"location,omitempty"`
	Stage            string            `json:"stage"`
	Status           string            `json:"status"`
	AppliedAt        time.Time         `json:"applied_at"`
	ExpectedUpdateBy *time.Time        `json:"expected_update_by,omitempty"`
	MovedTo          string            `json:"continued_as,omitempty"`
	History          []exportEvent     `json:"history"`
	DateUpdates      []PromiseUpdate   `json:"promised_date_updates,omitempty"`
	Interviews       []exportInterview `json:"interviews"`
	AssessmentDays   []json.RawMessage `json:"assessment_day_bookings"`
	InterestChecks   []json.RawMessage `json:"interest_checks"`
	OfferVersions    []json.RawMessage `json:"offers_sent_to_you"`
	OfferQuestions   []json.RawMessage `json:"your_offer_questions"`
	Contracts        []json.RawMessage `json:"contracts"`
	Checks           []json.RawMessage `json:"checks"`
	Referees         []json.RawMessage `json:"referees_you_named"`
	OnboardingTasks  []json.RawMessage `json:"onboarding_tasks"`
	FirstDay         []json.RawMessage `json:"first_day,omitempty"`
	NameCorrections  []json.RawMessage `json:"contract_name_corrections,omitempty"`
}

// exportEvent is one step of an application's history as the candidate saw it.
type exportEvent struct {
	At     time.Time `json:"at"`
	Stage  string    `json:"stage"`
	Status string    `json:"status"`
}

// exportInterview is one interview round: the times in UTC and in the
// candidate's zone.
type exportInterview struct {
	Title         string      `json:"title"`
	Status        RoundStatus `json:"status"` // proposed: times offered, none picked; scheduled; cancelled
	StartsAt      *time.Time  `json:"starts_at_utc,omitempty"`
	EndsAt        *time.Time  `json:"ends_at_utc,omitempty"`
	StartsLocal   string      `json:"starts_at_local,omitempty"`
	TimeZone      string      `json:"time_zone,omitempty"` // of starts_at_local
	Minutes       int         `json:"duration_minutes"`
	Location      string      `json:"location,omitempty"`
	VideoURL      string      `json:"video_url,omitempty"`
	Instructions  string      `json:"instructions,omitempty"`
	Panel         []string    `json:"panel"`
	OfferedTimes  []time.Time `json:"offered_times_utc,omitempty"`
	ChangeRequest string      `json:"your_request_for_other_times,omitempty"`
}

// exportMessage is a message that was sent to the candidate.
type exportMessage struct {
	Subject string        `json:"subject"`
	Body    string        `json:"body"`
	To      string        `json:"to"`
	SentAt  *time.Time    `json:"sent_at"`
	Status  MessageStatus `json:"status"`
}

// candidateStatusWords is an application's status in the words the
// candidate's page uses.
func candidateStatusWords(a *CandidateApplication) string {
	switch {
	case a.RejectionHeld, a.DecisionWithheld:
		return "We are still completing our decision"
	case a.Status == StatusRejected && a.MovedToID != 0:
		return "Continued as another application"
	}
	return statusWords(a.Status)
}

// statusWords is a status in the candidate's words.
func statusWords(st Status) string {
	switch st {
	case StatusRejected:
		return "We decided not to continue with this application"
	case StatusOnHold:
		return "Still under consideration"
	case StatusWithdrawn:
		return "Withdrawn"
	case StatusHired:
		return "Hired"
	}
	return "In progress"
}

// candidateStageTitle is a stage's name as the candidate reads it.
func candidateStageTitle(k StageKey) string {
	if st, ok := LookupStage(k); ok {
		return st.CandidateTitle
	}
	return string(k)
}

// utcSQL writes a timestamp column as an ISO 8601 time in UTC.
func utcSQL(col string) string {
	return `to_char(` + col + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
}

// The per-application sections: application id, then the item as JSON.
// @c is the candidate's id, @withheld the applications whose rejection the
// candidate has not been told yet (never empty: 0 stands in).
var exportSections = []struct {
	name  string
	query string
}{
	{"assessment", `SELECT b.application_id, jsonb_build_object('day', d.title, 'starts_at_utc', ` + utcSQL("d.starts_at") + `,
		'ends_at_utc', ` + utcSQL("d.ends_at") + `, 'starts_at_local', to_char(d.starts_at AT TIME ZONE d.time_zone, 'YYYY-MM-DD HH24:MI'),
		'time_zone', d.time_zone, 'location', d.location_address, 'online_url', d.online_url, 'status', b.status,
		'booked_at', ` + utcSQL("b.created_at") + `, 'ended_at', ` + utcSQL("b.ended_at") + `)
		FROM assessment_bookings b JOIN assessment_days d ON d.id = b.day_id JOIN applications a ON a.id = b.application_id
		WHERE a.candidate_id = @c AND (b.status <> 'cancelled' OR a.id NOT IN @withheld) ORDER BY b.id`},
	{"interest", `SELECT i.application_id, jsonb_build_object('sent_at', ` + utcSQL("i.created_at") + `, 'message', i.message,
		'questions', i.extra_questions, 'status', i.status, 'your_earliest_start', i.earliest_start, 'your_notice_period', i.notice_period,
		'your_salary_expectation', i.salary_expectation, 'your_answers', i.extra_answers, 'your_withdrawal_reason', i.withdraw_reason,
		'answered_at', ` + utcSQL("i.responded_at") + `)
		FROM interest_checks i JOIN applications a ON a.id = i.application_id WHERE a.candidate_id = @c ORDER BY i.id`},
	{"offers", `SELECT o.application_id, jsonb_build_object('version', v.version, 'status', v.status, 'job_title', v.job_title,
		'salary', v.salary_amount::text, 'currency', v.salary_currency, 'period', v.salary_period, 'bonus_equity', v.bonus_equity,
		'benefits', v.benefits, 'start_date', v.start_date, 'location', v.location, 'working_pattern', v.working_pattern,
		'expires_on', v.expires_on, 'message', v.personal_message, 'sent_at', ` + utcSQL("v.sent_at") + `,
		'answered_at', ` + utcSQL("v.responded_at") + `, 'your_decline_reason', CASE WHEN v.status = 'declined' THEN o.decline_reason END)
		FROM offer_versions v JOIN offers o ON o.id = v.offer_id JOIN applications a ON a.id = o.application_id
		WHERE a.candidate_id = @c AND v.sent_at IS NOT NULL AND (o.status <> 'withdrawn' OR a.id NOT IN @withheld) ORDER BY o.id, v.version`},
	{"questions", `SELECT o.application_id, jsonb_build_object('question', q.question, 'asked_at', ` + utcSQL("q.asked_at") + `,
		'answer', q.answer, 'answered_at', ` + utcSQL("q.answered_at") + `)
		FROM offer_questions q JOIN offers o ON o.id = q.offer_id JOIN applications a ON a.id = o.application_id
		WHERE a.candidate_id = @c ORDER BY q.asked_at, q.id`},
	{"contracts", `SELECT ct.application_id, jsonb_build_object('id', ct.id, 'status', ct.status, 'text', ct.text,
		'your_signature', jsonb_build_object('name', ct.candidate_signed_name, 'at', ` + utcSQL("ct.candidate_signed_at") + `,
			'ip', ct.candidate_ip, 'user_agent', ct.candidate_user_agent),
		'employer_signature', jsonb_build_object('name', ct.employer_signed_name, 'role', ct.employer_signed_role, 'at', ` + utcSQL("ct.employer_signed_at") + `),
		'pdf_sha256', ct.pdf_sha256, 'has_pdf', ct.pdf IS NOT NULL,
		'esign_consents', (SELECT coalesce(jsonb_agg(jsonb_build_object('disclosure_version', e.disclosure_version,
			'at', ` + utcSQL("e.consented_at") + `, 'sealed', encode(e.personal, 'base64')) ORDER BY e.id), '[]')
			FROM esign_consents e WHERE e.contract_id = ct.id AND e.candidate_id = @c),
		'person_key', (SELECT encode(sealed_key, 'base64') FROM person_keys WHERE candidate_id = @c))
		FROM contracts ct JOIN applications a ON a.id = ct.application_id
		WHERE a.candidate_id = @c AND (ct.status <> 'void' OR a.id NOT IN @withheld) ORDER BY ct.id`},
	{"checks", `SELECT c.application_id, jsonb_build_object('kind', c.kind, 'status', c.status, 'provider', c.provider_name,
		'started_at', ` + utcSQL("c.started_at") + `, 'completed_at', ` + utcSQL("c.completed_at") + `, 'withdrawn_at', ` + utcSQL("c.withdrawn_at") + `,
		'consents', (SELECT coalesce(jsonb_agg(jsonb_build_object('action', k.action, 'text_version', k.text_version, 'at', ` + utcSQL("k.at") + `,
			'sealed', encode(k.personal, 'base64')) ORDER BY k.id), '[]') FROM check_consents k WHERE k.check_id = c.id AND k.candidate_id = @c),
		'person_key', (SELECT encode(sealed_key, 'base64') FROM person_keys WHERE candidate_id = @c),
		'addresses', (SELECT coalesce(jsonb_agg(jsonb_build_object('line', x.line, 'city', x.city, 'postcode', x.postcode, 'country', x.country,
			'from', x.from_month, 'to', x.to_month) ORDER BY x.id), '[]') FROM check_addresses x WHERE x.check_id = c.id),
		'appointment_windows', (SELECT coalesce(jsonb_agg(jsonb_build_object('from', w.from_day, 'to', w.to_day, 'part_of_day', w.part_of_day)
			ORDER BY w.id), '[]') FROM check_appointment_windows w WHERE w.check_id = c.id),
		'pre_decision_notices', (SELECT coalesce(jsonb_agg(jsonb_build_object('finding', n.finding, 'how_to_dispute', n.how_to_dispute,
			'sent_at', ` + utcSQL("n.sent_at") + `, 'answer_by', ` + utcSQL("n.wait_until") + `, 'your_reply', n.reply,
			'replied_at', ` + utcSQL("n.replied_at") + `) ORDER BY n.id), '[]') FROM check_adverse_actions n WHERE n.check_id = c.id AND n.sent_at IS NOT NULL))
		FROM checks c JOIN applications a ON a.id = c.application_id WHERE a.candidate_id = @c ORDER BY c.id`},
	{"referees", `SELECT r.application_id, jsonb_build_object('name', r.name, 'email', r.email, 'phone', r.phone, 'company', r.company,
		'relationship', r.relationship, 'worked_from', to_char(r.worked_from, 'YYYY-MM'), 'worked_to', to_char(r.worked_to, 'YYYY-MM'),
		'may_contact_now', r.may_contact_now, 'status', r.status, 'named_by', CASE WHEN r.added_by_staff_id IS NULL THEN 'you' ELSE 'staff' END,
		'added_at', ` + utcSQL("r.created_at") + `)
		FROM referees r JOIN applications a ON a.id = r.application_id WHERE a.candidate_id = @c ORDER BY r.id`},
	{"onboarding", `SELECT t.application_id, jsonb_build_object('title', t.title, 'kind', t.kind, 'status', t.status, 'due_on', t.due_on,
		'returned_because', t.return_reason, 'confirmed_version', t.confirmed_version, 'submitted_at', ` + utcSQL("t.submitted_at") + `,
		'completed_at', ` + utcSQL("t.completed_at") + `, 'file_id', t.file_id, 'file_name', f.name, 'file_type', f.content_type,
		'fields', (SELECT coalesce(jsonb_agg(jsonb_build_object('field', x.field, 'value', x.value, 'masked', x.masked,
			'sealed', encode(x.sealed, 'base64')) ORDER BY x.id), '[]') FROM onboarding_fields x WHERE x.task_id = t.id))
		FROM onboarding_tasks t JOIN applications a ON a.id = t.application_id LEFT JOIN stored_files f ON f.id = t.file_id
		WHERE a.candidate_id = @c AND t.assignee = 'starter' ORDER BY t.sort_order, t.id`},
	{"first_day", `SELECT fd.application_id, jsonb_build_object('start_time', to_char(fd.start_time, 'HH24:MI'), 'time_zone', fd.time_zone,
		'address', fd.address, 'ask_for', fd.ask_for, 'what_to_bring', fd.what_to_bring, 'agenda', fd.agenda)
		FROM first_days fd JOIN applications a ON a.id = fd.application_id WHERE a.candidate_id = @c AND a.id NOT IN @withheld`},
	{"name_corrections", `SELECT ct.application_id, jsonb_build_object('name_on_contract', n.current_name, 'requested_name', n.requested_name,
		'your_note', n.note, 'status', n.status, 'our_response', n.response, 'asked_at', ` + utcSQL("n.created_at") + `)
		FROM contract_name_corrections n JOIN contracts ct ON ct.id = n.contract_id JOIN applications a ON a.id = ct.application_id
		WHERE a.candidate_id = @c AND n.candidate_id = @c ORDER BY n.id`},
}

// collectExport fills x's data.json and its list of files for cand, whose
// times are shown in zone; open says whether sealed answers are opened.
func (s *Store) collectExport(ctx context.Context, x *DataExport, cand *Candidate, zone *time.Location, open bool) error {
	view, err := s.GetCandidateView(ctx, cand)
	if err != nil {
		return err
	}
	withheld := []int64{0}
	byID := map[int64]*exportApplication{}
	x.data.Applications = make([]exportApplication, 0, len(view.Applications))
	for i := range view.Applications {
		a := &view.Applications[i]
		if a.DecisionWithheld {
			withheld = append(withheld, a.ID)
		}
		x.data.Applications = append(x.data.Applications, exportApplicationOf(a, zone))
	}
	for i := range x.data.Applications {
		byID[x.data.Applications[i].ID] = &x.data.Applications[i]
	}
	db := x.db
	for _, sec := range exportSections {
		rows, err := exportRows(db, sec.query, map[string]any{"c": cand.ID, "withheld": withheld})
		if err != nil {
			return err
		}
		for _, r := range rows {
			a := byID[r.appID]
			if a == nil {
				continue
			}
			item, err := s.finishExportItem(x, sec.name, r.item, open)
			if err != nil {
				return err
			}
			a.add(sec.name, item)
		}
	}
	if err := exportMessages(db, x, cand.ID); err != nil {
		return err
	}
	return exportDocuments(db, x, cand.ID)
}

// exportApplicationOf is the part of an application the candidate's page
// shows: its history already without a rejection they were not told of.
func exportApplicationOf(a *CandidateApplication, zone *time.Location) exportApplication {
	out := exportApplication{ID: a.ID, Stage: candidateStageTitle(a.Stage), Status: candidateStatusWords(a), AppliedAt: a.CreatedAt.UTC(),
		MovedTo: a.MovedToTitle, DateUpdates: a.PromiseUpdates, History: []exportEvent{}, Interviews: []exportInterview{}}
	for _, list := range []*[]json.RawMessage{&out.AssessmentDays, &out.InterestChecks, &out.OfferVersions, &out.OfferQuestions,
		&out.Contracts, &out.Checks, &out.Referees, &out.OnboardingTasks} {
		*list = []json.RawMessage{} // an empty list rather than null: "none" said plainly
	}
	if a.Position != nil {
		out.Position, out.Department, out.Location = a.Position.Title, a.Position.Department, a.Position.Location
	}
	if a.ExpectedUpdateAt != nil && (a.Status == StatusActive || a.Status == StatusOnHold || a.DecisionWithheld) {
		t := a.ExpectedUpdateAt.UTC()
		out.ExpectedUpdateBy = &t
	}
	for _, e := range a.History {
		out.History = append(out.History, exportEvent{At: e.CreatedAt.UTC(), Stage: candidateStageTitle(e.ToStage), Status: statusWords(e.ToStatus)})
	}
	for _, r := range a.Rounds {
		iv := exportInterview{Title: r.Title, Status: r.Status, Minutes: r.DurationMinutes, Location: r.Location, VideoURL: r.VideoURL,
			Instructions: r.Instructions, ChangeRequest: r.ChangeRequest, Panel: []string{}}
		if r.StartsAt != nil && r.EndsAt != nil {
			st, en := r.StartsAt.UTC(), r.EndsAt.UTC()
			iv.StartsAt, iv.EndsAt = &st, &en
			iv.StartsLocal, iv.TimeZone = r.StartsAt.In(zone).Format("2006-01-02 15:04 (MST)"), zone.String()
		}
		for _, p := range r.Panel {
			name := p.Name
			if p.JobTitle != "" {
				name += ", " + p.JobTitle
			}
			iv.Panel = append(iv.Panel, name)
		}
		if r.Status == RoundProposed {
			for _, sl := range r.Slots {
				iv.OfferedTimes = append(iv.OfferedTimes, sl.StartsAt.UTC())
			}
		}
		out.Interviews = append(out.Interviews, iv)
	}
	return out
}

// add files an item under its section.
func (a *exportApplication) add(section string, item json.RawMessage) {
	dst := map[string]*[]json.RawMessage{"assessment": &a.AssessmentDays, "interest": &a.InterestChecks, "offers": &a.OfferVersions,
		"questions": &a.OfferQuestions, "contracts": &a.Contracts, "checks": &a.Checks, "referees": &a.Referees,
		"onboarding": &a.OnboardingTasks, "first_day": &a.FirstDay, "name_corrections": &a.NameCorrections}[section]
	*dst = append(*dst, item)
}

// exportRow is one item of a section.
type exportRow struct {
	appID int64
	item  json.RawMessage
}

// exportRows runs a section's statement.
func exportRows(db *gorm.DB, query string, args map[string]any) ([]exportRow, error) {
	rows, err := db.Raw(query, args).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exportRow
	for rows.Next() {
		var r exportRow
		var raw []byte
		if err := rows.Scan(&r.appID, &raw); err != nil {
			return nil, err
		}
		r.item = raw
		out = append(out, r)
	}
	return out, rows.Err()
}

// finishExportItem puts what only Go knows into an item: statuses in the
// candidate's words, sealed answers opened or masked, and the files' places.
func (s *Store) finishExportItem(x *DataExport, section string, item json.RawMessage, open bool) (json.RawMessage, error) {
	if section != "checks" && section != "referees" && section != "contracts" && section != "onboarding" {
		return item, nil
	}
	var m map[string]any
	if err := json.Unmarshal(item, &m); err != nil {
		return nil, err
	}
	if err := s.openExportConsents(m, "consents", "esign_consents"); err != nil {
		return nil, err
	}
	switch section {
	case "checks":
		m["status"] = CheckStatus(str(m["status"])).CandidateLabel()
	case "referees":
		m["status"] = RefereeStatus(str(m["status"])).CandidateLabel()
	case "contracts":
		if m["has_pdf"] == true {
			id := int64(m["id"].(float64))
			f := exportFile{Path: exportFileName("contracts", id, "signed-contract.pdf", FilePDF), contractID: id}
			x.files = append(x.files, f)
			m["signed_pdf"] = f.Path
		}
		delete(m, "has_pdf")
		delete(m, "id")
	case "onboarding":
		if id, ok := m["file_id"].(float64); ok {
			f := exportFile{Path: exportFileName("onboarding", int64(id), str(m["file_name"]), str(m["file_type"])), storedID: int64(id)}
			x.files = append(x.files, f)
			m["file"] = f.Path
		}
		delete(m, "file_id")
		delete(m, "file_type")
		if m["file"] == nil {
			delete(m, "file_name")
		}
		if err := s.openExportFields(m, open); err != nil {
			return nil, err
		}
	}
	return json.Marshal(m)
}

// openExportFields gives each sealed onboarding answer its value: opened
// for the candidate, masked otherwise.
func (s *Store) openExportFields(task map[string]any, open bool) error {
	fields, _ := task["fields"].([]any)
	for _, f := range fields {
		field := f.(map[string]any)
		if sealed := str(field["sealed"]); sealed != "" {
			field["value"] = field["masked"]
			if open {
				raw, err := base64.StdEncoding.DecodeString(sealed)
				if err != nil {
					return err
				}
				plain, err := s.keys.open(raw)
				if err != nil {
					return err
				}
				field["value"] = string(plain)
			}
		}
		delete(field, "sealed")
		delete(field, "masked")
	}
	return nil
}

// str is v as a string, "" when it is not one.
func str(v any) string { s, _ := v.(string); return s }

// exportMessages lists what was sent to the candidate, as their Messages
// page does (CandidateInbox): only messages that left, never one still
// waiting (an undoable move, a rejection held or put off) or withdrawn, and
// not the sign-in links; token links are blanked in what is kept.
func exportMessages(db *gorm.DB, x *DataExport, candidateID int64) error {
	var rows []OutboxMessage
	if err := db.Where("candidate_id = ? AND kind <> ? AND status = ?", candidateID, MsgCandidateSignIn, MessageSent).
		Order("id").Find(&rows).Error; err != nil {
		return err
	}
	x.data.Messages = make([]exportMessage, 0, len(rows))
	for _, m := range rows {
		m = m.Redacted()
		var sent *time.Time
		if m.SentAt != nil {
			t := m.SentAt.UTC()
			sent = &t
		}
		x.data.Messages = append(x.data.Messages, exportMessage{Subject: m.Subject, Body: m.Body, To: m.ToEmail, SentAt: sent, Status: m.Status})
	}
	return nil
}

// exportDocuments lists the candidate's documents (uploaded by them or by
// staff) and files their bytes.
func exportDocuments(db *gorm.DB, x *DataExport, candidateID int64) error {
	docs, err := listDocuments(db, candidateID)
	if err != nil {
		return err
	}
	x.data.Documents = make([]json.RawMessage, 0, len(docs))
	for _, d := range docs {
		by := "you"
		if d.UploadedByStaff != nil {
			by = "staff"
		}
		f := exportFile{Path: exportFileName("documents", d.FileID, d.Name, d.ContentType), storedID: d.FileID}
		x.files = append(x.files, f)
		item, err := json.Marshal(map[string]any{"kind": d.Kind.Label(), "name": d.Name, "type": d.ContentType, "size_bytes": d.SizeBytes,
			"uploaded_at": d.CreatedAt.UTC(), "uploaded_by": by, "file": f.Path})
		if err != nil {
			return err
		}
		x.data.Documents = append(x.data.Documents, item)
	}
	return nil
}

// openExportConsents opens the address and browser each consent in m's
// lists sealed with the person's key (person_keys.go): the person's own
// data, so their export holds it.
func (s *Store) openExportConsents(m map[string]any, lists ...string) error {
	key, _ := base64.StdEncoding.DecodeString(str(m["person_key"]))
	delete(m, "person_key")
	for _, list := range lists {
		consents, _ := m[list].([]any)
		for _, c := range consents {
			consent, ok := c.(map[string]any)
			if !ok {
				continue
			}
			sealed, _ := base64.StdEncoding.DecodeString(str(consent["sealed"]))
			delete(consent, "sealed")
			p, err := s.openConsent(key, sealed)
			if err != nil {
				return err
			}
			if p.IP != "" || p.UserAgent != "" {
				consent["ip"], consent["user_agent"] = p.IP, p.UserAgent
			}
		}
	}
	return nil
}
