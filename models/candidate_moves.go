package models

import (
	"sort"
	"time"

	"gorm.io/gorm"
)

// Everything open for the candidate, in one function (YourMoves): pick an
// interview time, book an assessment-day seat or accept one offered from the
// waitlist, see where they stand on a waitlist, answer an offer or an
// interest check, sign a contract, consent to a check, add referees, finish
// the starter's onboarding tasks. Their pages lead with the first and list
// the rest in order, each with its due date where it has one.
//
// Promises follow the flow (issue 21): while a move that holds the
// application up is open (answer an offer, take a seat offered from the
// waitlist, say whether they are still interested, sign, pick an interview
// time: MoveKind.HoldsPromise), their page shows their own deadline instead
// of the date by which they will hear from us, and the promise keeper leaves
// the application alone. When they have moved, the application comes back to
// staff with a new promised date (promiseAgain). The other moves (booking a
// seat, consent, referees, onboarding tasks) leave the promise to staff: we
// still owe the candidate news while we wait for them.

// MoveKind is something open for the candidate.
type MoveKind string

// The candidate's moves, in the order their pages list those without a due
// date (rank).
const (
	MovePickTime       MoveKind = "pick_time"
	MoveBookSeat       MoveKind = "book_seat"
	MoveAcceptSeat     MoveKind = "accept_seat"
	MoveAnswerOffer    MoveKind = "answer_offer"
	MoveAnswerInterest MoveKind = "answer_interest"
	MoveSignContract   MoveKind = "sign_contract"
	MoveGiveConsent    MoveKind = "give_consent"
	MoveAddReferees    MoveKind = "add_referees"
	MoveOnboardingTask MoveKind = "onboarding_task"
	MoveWaitlisted     MoveKind = "waitlisted" // nothing to do but wait: where they stand
)

// moveKinds lists the kinds in rank order.
func moveKinds() []MoveKind {
	return []MoveKind{MovePickTime, MoveBookSeat, MoveAcceptSeat, MoveAnswerOffer, MoveAnswerInterest, MoveSignContract,
		MoveGiveConsent, MoveAddReferees, MoveOnboardingTask, MoveWaitlisted}
}

// rank orders moves without a due date (and those due at the same moment).
func (k MoveKind) rank() int {
	for i, m := range moveKinds() {
		if m == k {
			return i
		}
	}
	return len(moveKinds())
}

// Label is the move as the candidate reads it.
func (k MoveKind) Label() string {
	switch k {
	case MovePickTime:
		return "Choose a time for your interview"
	case MoveBookSeat:
		return "Book your seat at an assessment day"
	case MoveAcceptSeat:
		return "Accept the assessment-day seat offered to you"
	case MoveAnswerOffer:
		return "Answer your job offer"
	case MoveAnswerInterest:
		return "Tell us whether you are still interested"
	case MoveSignContract:
		return "Sign your contract"
	case MoveGiveConsent:
		return "Give your consent for a check"
	case MoveAddReferees:
		return "Add your referees"
	case MoveOnboardingTask:
		return "Finish an onboarding task"
	case MoveWaitlisted:
		return "You are on the waitlist for an assessment day"
	}
	return string(k)
}

// HoldsPromise reports whether an open move of this kind holds the
// application up until the candidate moves: we promise no date meanwhile
// (awaitingCandidateSQL is the same rule for the promise keeper).
func (k MoveKind) HoldsPromise() bool {
	switch k {
	case MoveAnswerOffer, MoveAcceptSeat, MoveAnswerInterest, MoveSignContract, MovePickTime:
		return true
	}
	return false
}

// MoveTarget is the page a move is done on (views build its path).
type MoveTarget string

// The pages moves lead to.
const (
	TargetInterview  MoveTarget = "interview" // the round's page: RoundID
	TargetAssessment MoveTarget = "assessment"
	TargetOffer      MoveTarget = "offer"
	TargetInterest   MoveTarget = "interest"
	TargetContract   MoveTarget = "contract"
	TargetChecks     MoveTarget = "checks"
	TargetReferences MoveTarget = "references"
	TargetOnboarding MoveTarget = "onboarding" // the checklist, at TaskID
)

// Target is the page a move of this kind is done on.
func (k MoveKind) Target() MoveTarget {
	switch k {
	case MovePickTime:
		return TargetInterview
	case MoveBookSeat, MoveAcceptSeat, MoveWaitlisted:
		return TargetAssessment
	case MoveAnswerOffer:
		return TargetOffer
	case MoveAnswerInterest:
		return TargetInterest
	case MoveSignContract:
		return TargetContract
	case MoveGiveConsent:
		return TargetChecks
	case MoveAddReferees:
		return TargetReferences
	}
	return TargetOnboarding
}

// CandidateMove is one thing open for the candidate, with the moment it is
// due by (nil: no due date).
type CandidateMove struct {
	Kind          MoveKind
	ApplicationID int64
	Target        MoveTarget
	RoundID       int64     // MovePickTime: the round
	TaskID        int64     // MoveOnboardingTask: the task
	Check         CheckKind // MoveGiveConsent: the check
	Subject       string    // what it is about: the round's, the day's or the task's title
	Place         int       // MoveWaitlisted: the place in the day's queue (1: next)
	Missing       string    // MoveAddReferees: what the list still lacks, in words
	By            *time.Time
}

// YourMoves are everything open for the candidate on a at now, in the order
// to do them: the soonest due first, then those without a due date by kind
// (MovePickTime first, MoveWaitlisted last). None on a closed application.
func (a CandidateApplication) YourMoves(now time.Time) []CandidateMove {
	if a.Status.Closed() {
		return nil
	}
	var moves []CandidateMove
	add := func(m CandidateMove) {
		m.ApplicationID, m.Target = a.ID, m.Kind.Target()
		moves = append(moves, m)
	}
	for _, r := range a.Rounds {
		if r.Status == RoundProposed && len(r.OpenSlots(now)) > 0 {
			add(CandidateMove{Kind: MovePickTime, RoundID: r.ID, Subject: r.Title})
		}
	}
	seatInView := a.Booking != nil // a seat booked, held for them or waited for: nothing to book
	for _, w := range a.Waitlist {
		switch {
		case w.SeatOfferOpen(now):
			add(CandidateMove{Kind: MoveAcceptSeat, Subject: w.dayTitle(), By: w.OfferExpiresAt})
			seatInView = true
		case w.Status == WaitWaiting:
			add(CandidateMove{Kind: MoveWaitlisted, Subject: w.dayTitle(), Place: w.Place})
			seatInView = true
		}
	}
	if a.Stage == StageAssessmentDay && a.Status == StatusActive && !seatInView {
		add(CandidateMove{Kind: MoveBookSeat})
	}
	if a.JobOffer == OfferSent {
		add(CandidateMove{Kind: MoveAnswerOffer, By: a.OfferAnswerBy})
	}
	if a.InterestOpen {
		add(CandidateMove{Kind: MoveAnswerInterest})
	}
	if a.ContractStatus == ContractAwaitingCandidate {
		add(CandidateMove{Kind: MoveSignContract})
	}
	for _, c := range a.Checks { // staff who moved the application past the check's stage no longer wait for it
		if c.Status == CheckWaitingForCandidate && a.Stage == c.Kind.Stage() {
			add(CandidateMove{Kind: MoveGiveConsent, Check: c.Kind})
		}
	}
	if a.Stage == StageReferenceChecks && a.Status == StatusActive {
		if c := RefereeSetComplete(a.Referees, a.RefereeSettings, now); !c.Complete {
			add(CandidateMove{Kind: MoveAddReferees, Missing: c.Missing[0]})
		}
	}
	for _, t := range a.StarterTasks {
		if t.Status == TaskOpen || t.Status == TaskReturned {
			add(CandidateMove{Kind: MoveOnboardingTask, TaskID: t.ID, Subject: t.Title, By: &t.DueBy})
		}
	}
	sortMoves(moves)
	return moves
}

// sortMoves puts moves in the order to do them: the soonest due first, those
// without a due date after them by rank; equals keep their order.
func sortMoves(moves []CandidateMove) {
	sort.SliceStable(moves, func(i, j int) bool {
		bi, bj := moves[i].By, moves[j].By
		switch {
		case bi != nil && bj != nil && !bi.Equal(*bj):
			return bi.Before(*bj)
		case (bi == nil) != (bj == nil):
			return bi != nil
		}
		return moves[i].Kind.rank() < moves[j].Kind.rank()
	})
}

// YourMoves are everything open for the candidate across their
// applications, in the order to do them (the applications' own YourMoves,
// merged).
func (v CandidateView) YourMoves(now time.Time) []CandidateMove {
	var moves []CandidateMove
	for _, a := range v.Applications {
		moves = append(moves, a.YourMoves(now)...)
	}
	sortMoves(moves)
	return moves
}

// YourTurn is the first open move that holds the application up
// (HoldsPromise): the soonest due, else the first without a due date. While
// there is one, the page shows it instead of the date we promised.
func (a CandidateApplication) YourTurn(now time.Time) (CandidateMove, bool) {
	for _, m := range a.YourMoves(now) {
		if m.Kind.HoldsPromise() {
			return m, true
		}
	}
	return CandidateMove{}, false
}

// WaitlistPlace is a live waitlist entry of the candidate's (waiting, or
// holding a seat offer) with its day and, while waiting, its place in the
// day's queue.
type WaitlistPlace struct {
	WaitlistEntry
	Place int // 1: the next to be offered a seat
}

func (w WaitlistPlace) dayTitle() string {
	if w.Day == nil {
		return ""
	}
	return w.Day.Title
}

// StarterTask is an onboarding task the starter has not finished.
type StarterTask struct {
	ID            int64
	ApplicationID int64
	Title         string
	Status        TaskStatus
	DueOn         time.Time // the due day, as dates are kept
	DueBy         time.Time // the end of the due day in the portal's zone
}

// waitlistPlaceSQL is the place of the waitlist entry w in its day's queue
// (1: the next to be offered a seat), through the queue's index.
const waitlistPlaceSQL = `(SELECT count(*) FROM assessment_waitlist q
	WHERE q.day_id = w.day_id AND q.status = 'waiting' AND (q.created_at, q.id) <= (w.created_at, w.id))`

// atReferenceChecks is the applications of the CTE "apps" (which carries
// their stage, status and position) whose referees YourMoves reads: those
// active at reference checks.
const atReferenceChecks = `SELECT id FROM apps WHERE stage = 'reference_checks' AND status = 'active'`

// candidateMovesColumns select, for the applications in the CTE "apps",
// only what YourMoves reads beyond what both candidate pages load: the live
// waitlist entries with their day and place, the checks waiting for the
// candidate's consent, the referees and what the position asks of them
// (for applications at reference checks: the completeness rule) and the
// starter's unfinished tasks.
const candidateMovesColumns = `coalesce((SELECT jsonb_agg(to_jsonb(w) || jsonb_build_object('day', to_jsonb(d),
			'place', CASE WHEN w.status = 'waiting' THEN ` + waitlistPlaceSQL + ` ELSE 0 END) ORDER BY w.created_at, w.id)
		FROM assessment_waitlist w JOIN assessment_days d ON d.id = w.day_id
		WHERE w.application_id IN (SELECT id FROM apps) AND w.status IN ('waiting', 'offered')), '[]') AS waitlist,
	coalesce((SELECT jsonb_agg(jsonb_build_object('id', c.id, 'application_id', c.application_id, 'kind', c.kind, 'status', c.status) ORDER BY c.id)
		FROM checks c WHERE c.application_id IN (SELECT id FROM apps) AND c.status = 'waiting_for_candidate'), '[]') AS checks,
	coalesce((SELECT jsonb_agg(jsonb_build_object('id', r.id, 'application_id', r.application_id, 'status', r.status,
			'relationship', r.relationship, 'worked_from', r.worked_from::timestamp AT TIME ZONE 'UTC',
			'worked_to', r.worked_to::timestamp AT TIME ZONE 'UTC', 'candidate_confirmed_agreed', r.candidate_confirmed_agreed,
			'added_by_staff_id', r.added_by_staff_id) ORDER BY r.id)
		FROM referees r WHERE r.application_id IN (` + atReferenceChecks + `)), '[]') AS referees,
	coalesce((SELECT jsonb_agg(jsonb_build_object('application_id', a.id, 'needed', p.references_needed,
			'manager_required', p.reference_manager_required))
		FROM apps a JOIN positions p ON p.id = a.position_id WHERE a.stage = 'reference_checks' AND a.status = 'active'), '[]') AS reference_settings,
	coalesce((SELECT jsonb_agg(jsonb_build_object('id', t.id, 'application_id', t.application_id, 'title', t.title, 'status', t.status,
			'due_on', t.due_on::timestamp AT TIME ZONE 'UTC') ORDER BY t.due_on, t.sort_order, t.id)
		FROM onboarding_tasks t WHERE t.application_id IN (SELECT id FROM apps) AND t.assignee = 'starter' AND t.status <> 'done'), '[]') AS starter_tasks`

// candidateMovesRows is what candidateMovesColumns return.
type candidateMovesRows struct {
	Waitlist, Checks, Referees, ReferenceSettings, StarterTasks []byte
}

// candidateMoves is candidateMovesRows decoded.
type candidateMoves struct {
	waitlist     []WaitlistPlace
	checks       []Check
	referees     []Referee
	tasks        []StarterTask
	referencesOf map[int64]ReferenceSettings // by application id
}

// decode reads the rows; a task's due day ends in loc.
func (raw candidateMovesRows) decode(loc *time.Location) (*candidateMoves, error) {
	m := &candidateMoves{referencesOf: map[int64]ReferenceSettings{}}
	var settings []struct {
		ApplicationID   int64
		Needed          int
		ManagerRequired bool
	}
	for _, part := range []struct {
		raw []byte
		dst any
	}{{raw.Waitlist, &m.waitlist}, {raw.Checks, &m.checks}, {raw.Referees, &m.referees}, {raw.StarterTasks, &m.tasks},
		{raw.ReferenceSettings, &settings}} {
		if err := decodeRows(part.raw, part.dst); err != nil {
			return nil, err
		}
	}
	for _, a := range settings {
		m.referencesOf[a.ApplicationID] = ReferenceSettings{Needed: a.Needed, ManagerRequired: a.ManagerRequired}
	}
	for i := range m.tasks {
		d := m.tasks[i].DueOn
		m.tasks[i].DueBy = time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, loc)
	}
	return m, nil
}

// fill gives ca its part of m.
func (m *candidateMoves) fill(ca *CandidateApplication) {
	ca.RefereeSettings = m.referencesOf[ca.ID]
	for _, w := range m.waitlist {
		if w.ApplicationID == ca.ID {
			ca.Waitlist = append(ca.Waitlist, w)
		}
	}
	for _, c := range m.checks {
		if c.ApplicationID == ca.ID {
			ca.Checks = append(ca.Checks, c)
		}
	}
	for _, r := range m.referees {
		if r.ApplicationID == ca.ID {
			ca.Referees = append(ca.Referees, r)
		}
	}
	for _, t := range m.tasks {
		if t.ApplicationID == ca.ID {
			ca.StarterTasks = append(ca.StarterTasks, t)
		}
	}
}

// awaitingCandidateSQL is true for an application (aliased a) with a move
// open to the candidate that holds it up: YourTurn in SQL, for the promise
// keeper. @now is the time now.
const awaitingCandidateSQL = `(EXISTS (SELECT 1 FROM offers o JOIN offer_versions v ON v.offer_id = o.id
		WHERE o.application_id = a.id AND o.status = 'open' AND v.status = 'sent')
	OR EXISTS (SELECT 1 FROM assessment_waitlist w WHERE w.application_id = a.id AND w.status = 'offered' AND w.offer_expires_at > @now)
	OR EXISTS (SELECT 1 FROM interest_checks i WHERE i.application_id = a.id AND i.status = 'sent')
	OR EXISTS (SELECT 1 FROM contracts k WHERE k.application_id = a.id AND k.status = 'awaiting_candidate')
	OR EXISTS (SELECT 1 FROM interview_rounds r JOIN interview_round_slots rs ON rs.round_id = r.id
		JOIN interview_slots sl ON sl.id = rs.slot_id
		WHERE r.application_id = a.id AND r.status = 'proposed' AND sl.booked_round_id IS NULL AND sl.starts_at > @now))`

// promiseAgain gives application appID, back with staff after the
// candidate's move, a new promised date: the position's stage time from
// from (now, or the end of the interview just booked), counted afresh by
// the promise keeper. A closed application keeps what it has.
func (s *Store) promiseAgain(tx *gorm.DB, appID int64, from time.Time) error {
	var days int
	if err := tx.Raw(`SELECT `+stageTimeSQL+` FROM applications a JOIN positions p ON p.id = a.position_id
		JOIN position_stages ps ON ps.position_id = a.position_id AND ps.stage = a.stage WHERE a.id = ?`, appID).
		Scan(&days).Error; err != nil {
		return err
	}
	if days < 1 {
		return fault("application %d has no stage time", appID)
	}
	return tx.Model(&Application{}).Where("id = ? AND status IN ?", appID, []Status{StatusActive, StatusOnHold}).
		Updates(promiseKeptByPerson(map[string]any{"expected_update_at": AddBusinessDays(from, days, s.loc), "updated_at": s.Now()})).Error
}
