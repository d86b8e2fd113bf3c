package models

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// The two pages about one candidate — the candidate's own page and the staff
// candidate page — each load in one statement, whatever the number of
// applications, events, bookings or offers: the collections come back as
// JSON arrays built by PostgreSQL and are decoded by decodeRows.

// applicationsJSON selects a candidate's applications (in the scope given by
// the WHERE clause appended after it) with their position, the position's
// hiring manager and pipeline.
const applicationsJSON = `SELECT coalesce(jsonb_agg(to_jsonb(a) || jsonb_build_object('position', to_jsonb(p) || jsonb_build_object(
		'hiring_manager', (SELECT jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email, 'role', u.role, 'active', u.active)
		                   FROM staff_users u WHERE u.id = p.hiring_manager_id),
		'pipeline', (SELECT coalesce(jsonb_agg(ps.stage ORDER BY ps.sort_order), '[]') FROM position_stages ps WHERE ps.position_id = p.id)))
	ORDER BY a.id), '[]')
FROM applications a JOIN positions p ON p.id = a.position_id WHERE a.candidate_id = ?`

// staffJSON is the public face of a staff member (never hashes or secrets).
const staffJSON = `jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email, 'role', u.role, 'active', u.active)`

// applicationExtrasColumns select, for the applications in the CTE "apps",
// everything that hangs off them that both pages show.
const applicationExtrasColumns = `
	coalesce((SELECT jsonb_agg(to_jsonb(e) || jsonb_build_object('actor', (SELECT ` + staffJSON + ` FROM staff_users u WHERE u.id = e.actor_staff_id))
		ORDER BY e.created_at, e.id) FROM stage_events e WHERE e.application_id IN (SELECT id FROM apps)), '[]') AS events,
	coalesce((SELECT jsonb_agg(to_jsonb(b) || jsonb_build_object('day', to_jsonb(d)) ORDER BY b.id DESC)
		FROM assessment_bookings b JOIN assessment_days d ON d.id = b.day_id WHERE b.application_id IN (SELECT id FROM apps)), '[]') AS bookings,
	coalesce((SELECT jsonb_agg(to_jsonb(i) ORDER BY i.id DESC) FROM interest_checks i WHERE i.application_id IN (SELECT id FROM apps)), '[]') AS interest,
	coalesce((SELECT jsonb_agg(to_jsonb(o) || jsonb_build_object(
			'versions', (SELECT coalesce(jsonb_agg(to_jsonb(v) || jsonb_build_object(
				-- as Go reads them: the amount as text, the dates as midnight UTC
				'salary_amount', v.salary_amount::text,
				'start_date', v.start_date::timestamp AT TIME ZONE 'UTC', 'expires_on', v.expires_on::timestamp AT TIME ZONE 'UTC',
				'approver',
				(SELECT ` + staffJSON + ` FROM staff_users u WHERE u.id = v.approved_by)) ORDER BY v.version DESC), '[]')
				FROM offer_versions v WHERE v.offer_id = o.id),
			'questions', (SELECT coalesce(jsonb_agg(to_jsonb(q) ORDER BY q.asked_at), '[]') FROM offer_questions q WHERE q.offer_id = o.id))
		ORDER BY o.id DESC) FROM offers o WHERE o.application_id IN (SELECT id FROM apps)), '[]') AS offers,
	coalesce((SELECT jsonb_agg(to_jsonb(ct) - 'pdf' ORDER BY ct.id DESC) FROM contracts ct
		WHERE ct.application_id IN (SELECT id FROM apps)), '[]') AS contracts`

// applicationExtras is what applicationExtrasColumns return.
type applicationExtras struct {
	Events, Bookings, Interest, Offers, Contracts []byte
}

// decodedExtras is applicationExtras decoded.
type decodedExtras struct {
	Events    []StageEvent
	Bookings  []AssessmentBooking
	Interest  []InterestCheck
	Offers    []Offer
	Contracts []Contract
}

func (raw applicationExtras) decode() (*decodedExtras, error) {
	var x decodedExtras
	for _, part := range []struct {
		raw []byte
		dst any
	}{{raw.Events, &x.Events}, {raw.Bookings, &x.Bookings}, {raw.Interest, &x.Interest}, {raw.Offers, &x.Offers},
		{raw.Contracts, &x.Contracts}} {
		if err := decodeRows(part.raw, part.dst); err != nil {
			return nil, err
		}
	}
	return &x, nil
}

// CandidateDetail is everything the staff candidate page shows.
type CandidateDetail struct {
	Candidate    Candidate
	Applications []Application // with Position, its HiringManager and Pipeline
	Events       []StageEvent  // newest first, with Actor
	Notes        []CandidateNote
	Messages     []OutboxMessage
	Bookings     []AssessmentBooking  // every assessment-day booking, with Day, newest first
	Interest     []InterestCheck      // newest first
	Offers       map[int64]*Offer     // the newest offer by application id, versions newest first
	Contracts    []Contract           // without PDF bytes, newest first
	Templates    []ContractTemplate   // active templates, for generating a contract
	Rounds       []InterviewRound     // interview rounds of the applications in scope, in id order
	Decisions    []DecisionRequest    // consultations of the applications in scope, newest first
	Colleagues   []StaffUser          // the staff directory, for panels and consultations
	Addable      []PositionChoice     // open positions in scope the candidate has not applied to
	References   []ReferenceSums      // per application with referees: where the references stand
	DateChanges  []PromisedDateChange // the promised update dates set by staff or the promise keeper, newest first
}

// PromisedDateChange is one change of an application's promised update date,
// read from the audit log: by a staff member (with their note) or by the
// promise keeper (Automatic, no Actor).
type PromisedDateChange struct {
	ApplicationID int64
	To            string // the date promised, YYYY-MM-DD in the portal's zone
	Note          string
	Automatic     bool
	Actor         *StaffUser
	CreatedAt     time.Time
	// The note as stored, sealed with the candidate's key, and that key as
	// read beside it: GetCandidateDetail opens them into Note.
	Sealed, SealedKey []byte
}

// dateChangesJSON selects the promised-date changes of the applications in
// the CTE "apps" from the audit log, newest first.
const dateChangesJSON = `coalesce((SELECT jsonb_agg(jsonb_build_object('application_id', l.subject_id, 'to', left(l.details->>'to', 10),
		'note', coalesce(l.details->>'note', ''), 'automatic', l.action = 'application.promise_extended', 'created_at', l.created_at,
		'actor', (SELECT ` + staffJSON + ` FROM staff_users u WHERE l.actor_kind = 'staff' AND u.id = l.actor_id),
		'sealed', coalesce(translate(encode(l.personal, 'base64'), E'\n', ''), ''),
		'sealed_key', coalesce(translate(encode(k.sealed_key, 'base64'), E'\n', ''), ''))
	ORDER BY l.created_at DESC, l.id DESC) FROM audit_log l LEFT JOIN person_keys k ON k.candidate_id = l.person_id
	WHERE l.action IN ('application.expected_date_changed', 'application.promise_extended') AND l.subject_type = 'application'
		AND l.subject_id IN (SELECT id FROM apps)), '[]')`

// GetCandidateDetail loads a candidate for staff, limited to what actor may see:
// a hiring manager sees only the applications for their positions, and gets
// ErrNotFound for candidates with none. One statement, whatever the data.
func (s *Store) GetCandidateDetail(ctx context.Context, actor Actor, candidateID int64) (*CandidateDetail, error) {
	if !actor.Role.SeesCandidates() {
		return nil, ErrNotFound
	}
	cond, condArgs := positionScope(actor, "p")
	scope, scopeArgs := " AND "+cond, append([]any{candidateID}, condArgs...)
	seesMessages := actor.Role.SeesAllCandidates()
	readsEveryNote := cond == "TRUE" // who manages every position; a hiring manager reads the notes on their applications and their own
	// The candidate, the applications in scope, the notes this person may read,
	// the messages sent (staff who see all candidates only) and the templates.
	var row struct {
		Candidate
		Applications, Notes, Messages, Templates           []byte
		Events, Bookings, Interest, Offers, Contracts      []byte
		Rounds, Decisions, Colleagues, Addable, References []byte
		DateChanges                                        []byte
	}
	addable, addableArgs := addablePositionsSQL(actor, candidateID)
	r, err := s.queryRow(ctx, `WITH apps AS (SELECT a.id FROM applications a JOIN positions p ON p.id = a.position_id
			WHERE a.candidate_id = ?`+scope+`)
		SELECT c.id, c.email, c.name, c.phone, c.erased_at, c.legal_hold_reason, c.created_at, c.updated_at,
			(`+applicationsJSON+scope+`) AS applications,
			coalesce((SELECT jsonb_agg(to_jsonb(n) || jsonb_build_object('author', (SELECT `+staffJSON+` FROM staff_users u WHERE u.id = n.author_staff_id))
				ORDER BY n.created_at DESC, n.id DESC) FROM candidate_notes n
				WHERE n.candidate_id = c.id AND (? OR n.author_staff_id = ? OR n.application_id IN (SELECT id FROM apps))), '[]') AS notes,
			CASE WHEN ? THEN coalesce((SELECT jsonb_agg(to_jsonb(m) - 'body_html' ORDER BY m.id DESC)
				FROM (SELECT * FROM outbox_messages WHERE candidate_id = c.id ORDER BY id DESC LIMIT 100) m), '[]') ELSE '[]' END AS messages,
			coalesce((SELECT jsonb_agg(to_jsonb(t) ORDER BY lower(t.name)) FROM contract_templates t WHERE t.active), '[]') AS templates,
			`+applicationExtrasColumns+`,
			`+roundsJSON("SELECT id FROM apps")+` AS rounds,
			`+decisionsJSON("SELECT id FROM apps")+` AS decisions,
			coalesce((SELECT jsonb_agg(to_jsonb(d) ORDER BY lower(d.name), d.id) FROM (`+staffDirectorySQL+`) d), '[]') AS colleagues,
			coalesce((SELECT jsonb_agg(to_jsonb(x) ORDER BY lower(x.title), x.id) FROM (`+addable+`) x), '[]') AS addable,
			`+referenceSumsJSON("SELECT id FROM apps")+` AS references,
			`+dateChangesJSON+` AS date_changes
		FROM candidates c WHERE c.id = ?`,
		append(append(append(append(append([]any{}, scopeArgs...), scopeArgs...), readsEveryNote, actor.ID, seesMessages), addableArgs...), candidateID)...)
	if err != nil {
		return nil, err
	}
	c := &row.Candidate
	err = r.Scan(&c.ID, &c.Email, &c.Name, &c.Phone, &c.ErasedAt, &c.LegalHoldReason, &c.CreatedAt, &c.UpdatedAt, &row.Applications, &row.Notes, &row.Messages, &row.Templates,
		&row.Events, &row.Bookings, &row.Interest, &row.Offers, &row.Contracts, &row.Rounds, &row.Decisions, &row.Colleagues, &row.Addable, &row.References, &row.DateChanges)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	d := CandidateDetail{Candidate: row.Candidate, Offers: map[int64]*Offer{}}
	for _, part := range []struct {
		raw []byte
		dst any
	}{{row.Applications, &d.Applications}, {row.Notes, &d.Notes}, {row.Messages, &d.Messages}, {row.Templates, &d.Templates},
		{row.Rounds, &d.Rounds}, {row.Decisions, &d.Decisions}, {row.Colleagues, &d.Colleagues}, {row.Addable, &d.Addable},
		{row.References, &d.References}, {row.DateChanges, &d.DateChanges}} {
		if err := decodeRows(part.raw, part.dst); err != nil {
			return nil, err
		}
	}
	if len(d.Applications) == 0 && !actor.Role.SeesAllCandidates() {
		return nil, ErrNotFound
	}
	if err := s.openDateChangeNotes(d.DateChanges); err != nil {
		return nil, err
	}
	redactAll(d.Messages)
	x, err := applicationExtras{row.Events, row.Bookings, row.Interest, row.Offers, row.Contracts}.decode()
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(x.Events)-1; i < j; i, j = i+1, j-1 {
		x.Events[i], x.Events[j] = x.Events[j], x.Events[i] // staff read the newest first
	}
	d.Events, d.Bookings, d.Interest, d.Contracts = x.Events, x.Bookings, x.Interest, x.Contracts
	for i := range x.Offers {
		if _, seen := d.Offers[x.Offers[i].ApplicationID]; !seen {
			d.Offers[x.Offers[i].ApplicationID] = &x.Offers[i]
		}
	}
	return &d, nil
}

// ContractSigned reports whether application appID has a contract signed by
// both parties (the way to Hired when its pipeline has no onboarding).
func (d *CandidateDetail) ContractSigned(appID int64) bool {
	for _, c := range d.Contracts {
		if c.ApplicationID == appID && c.Status == ContractCompleted {
			return true
		}
	}
	return false
}

// CandidateView is what the candidate's own page shows: their applications
// with pipeline and public history. Internal notes and reasons are left out.
type CandidateView struct {
	Candidate    Candidate
	Applications []CandidateApplication
}

// CandidateApplication is one application as its candidate sees it.
type CandidateApplication struct {
	Application
	History []StageEvent       // oldest first; notes stripped
	Booking *AssessmentBooking // the current assessment-day seat, with Day

	Rounds  []InterviewRound  // interviews, oldest first, with panel and offered times
	Skipped map[StageKey]bool // stages skipped as not needed

	InterestOpen   bool               // an interest check waits for the candidate's answer
	JobOffer       OfferVersionStatus // status of the newest offer version the candidate was sent, if any
	ContractStatus ContractStatus     // the live contract's status, if any
	OfferAnswerBy  *time.Time         // JobOffer sent: the last moment to accept it
	PromiseUpdates []PromiseUpdate    // the keeper's automatic updates, oldest first
	// MovedToID, MovedToTitle: closed by a move when its position closed,
	// the application it continues as, and that position's title.
	MovedToID    int64
	MovedToTitle string

	// What else YourMoves reads (candidate_moves.go).
	Waitlist        []WaitlistPlace   // live waitlist entries: waiting, or holding a seat offer
	Checks          []Check           // the application's checks: id, kind and status only
	Referees        []Referee         // what the completeness rule reads of each referee, never their answers
	RefereeSettings ReferenceSettings // what the position asks of the referees
	StarterTasks    []StarterTask     // onboarding tasks the starter has not finished, soonest due first

	// DecisionWithheld: a rejection the candidate has not been told yet,
	// held until the position is settled or put off until RejectionToldAt.
	// Their page shows neither it nor what its closing called off.
	DecisionWithheld bool
}

// GetCandidateView loads the candidate's own page in one statement.
func (s *Store) GetCandidateView(ctx context.Context, cand *Candidate) (*CandidateView, error) {
	var row struct {
		Applications                                  []byte
		Events, Bookings, Interest, Offers, Contracts []byte
		Rounds, PromiseUpdates                        []byte
		moves                                         candidateMovesRows
	}
	r, err := s.queryRow(ctx, `WITH apps AS (SELECT id, stage, status, position_id FROM applications WHERE candidate_id = ?)
		SELECT (`+applicationsJSON+`) AS applications, `+applicationExtrasColumns+`, `+roundsJSON("SELECT id FROM apps")+` AS rounds,
			coalesce((SELECT jsonb_agg(to_jsonb(u) ORDER BY u.created_at, u.id) FROM promise_updates u
				WHERE u.application_id IN (SELECT id FROM apps)), '[]') AS promise_updates,
			`+candidateMovesColumns, cand.ID, cand.ID)
	if err != nil {
		return nil, err
	}
	if err := r.Scan(&row.Applications, &row.Events, &row.Bookings, &row.Interest, &row.Offers, &row.Contracts,
		&row.Rounds, &row.PromiseUpdates, &row.moves.Waitlist, &row.moves.Checks, &row.moves.Referees,
		&row.moves.ReferenceSettings, &row.moves.StarterTasks); err != nil {
		return nil, err
	}
	var told []PromiseUpdate
	if err := decodeRows(row.PromiseUpdates, &told); err != nil {
		return nil, err
	}
	var apps []Application
	if err := decodeRows(row.Applications, &apps); err != nil {
		return nil, err
	}
	x, err := applicationExtras{row.Events, row.Bookings, row.Interest, row.Offers, row.Contracts}.decode()
	if err != nil {
		return nil, err
	}
	m, err := row.moves.decode(s.loc)
	if err != nil {
		return nil, err
	}
	v := &CandidateView{Candidate: *cand}
	now := s.Now()
	for _, a := range apps {
		a.Candidate = cand
		ca := CandidateApplication{Application: a, DecisionWithheld: a.RejectionHeld || a.RejectionToldAt != nil && a.RejectionToldAt.After(now)}
		s.fillCandidateApplication(&ca, x)
		m.fill(&ca)
		for _, u := range told {
			if u.ApplicationID == a.ID {
				ca.PromiseUpdates = append(ca.PromiseUpdates, u)
			}
		}
		v.Applications = append(v.Applications, ca)
	}
	var rounds []InterviewRound // of the candidate's own applications, in the same statement
	if err := decodeRows(row.Rounds, &rounds); err != nil {
		return nil, err
	}
	for _, r := range rounds {
		for i := range v.Applications {
			a := &v.Applications[i]
			// A withheld rejection shows nothing of itself: not the interviews it called off.
			if a.ID == r.ApplicationID && !(a.DecisionWithheld && r.Status == RoundCancelled) {
				a.Rounds = append(a.Rounds, r)
			}
		}
	}
	for i := range v.Applications {
		if a := &v.Applications[i]; a.DecisionWithheld {
			a.History = historyBeforeHeldRejection(a.History)
		}
		if a := &v.Applications[i]; a.Status == StatusRejected && a.MovedToApplicationID != nil {
			for _, b := range v.Applications {
				if b.ID == *a.MovedToApplicationID && b.Position != nil {
					a.MovedToID, a.MovedToTitle = b.ID, b.Position.Title
				}
			}
		}
	}
	return v, nil
}

// fillCandidateApplication gives ca what both pages' collections x hold of
// it: its interest check, offer, contract, booking and public history.
func (s *Store) fillCandidateApplication(ca *CandidateApplication, x *decodedExtras) {
	for _, ic := range x.Interest {
		ca.InterestOpen = ca.InterestOpen || (ic.ApplicationID == ca.ID && ic.Status == InterestSent)
	}
	for _, o := range x.Offers {
		if o.ApplicationID != ca.ID || ca.JobOffer != "" {
			continue
		}
		for _, ver := range o.Versions { // newest first: the newest the candidate was sent
			if ver.Status == OfferSent || ver.Status == OfferAccepted || ver.Status == OfferDeclined {
				ca.JobOffer = ver.Status
				if ver.Status == OfferSent {
					by := ver.ExpiresAt(s.loc)
					ca.OfferAnswerBy = &by
				}
				break
			}
		}
	}
	for _, c := range x.Contracts {
		if c.ApplicationID == ca.ID && c.Status != ContractVoid && ca.ContractStatus == "" {
			ca.ContractStatus = c.Status
		}
	}
	for i := range x.Bookings {
		if x.Bookings[i].ApplicationID == ca.ID && x.Bookings[i].Status == BookingBooked {
			ca.Booking = &x.Bookings[i]
		}
	}
	for _, e := range x.Events {
		if e.ApplicationID == ca.ID {
			e.Note, e.ActorStaffID, e.Actor = "", nil, nil
			ca.History = append(ca.History, e)
		}
	}
	if ca.Position != nil {
		ca.Skipped = ca.Position.Pipeline.SkippedStages(ca.History)
	}
}

// historyBeforeHeldRejection is a candidate's history without the held
// rejection and what followed it.
func historyBeforeHeldRejection(events []StageEvent) []StageEvent {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].ToStatus == StatusRejected && events[i].Kind == EventStatus {
			return events[:i]
		}
	}
	return events
}
