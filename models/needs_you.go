package models

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The "needs you" home: what waits for the signed-in staff member, oldest
// first, grouped by what they have to do. Each queue reads only the few rows
// waiting (partial indexes in migration 00009), so the page and the counts in
// the navigation stay cheap however many candidates there are.

// QueueKind names a "needs you" queue.
type QueueKind string

const (
	QueueOffersToApprove   QueueKind = "offers_to_approve"
	QueueOffersSentBack    QueueKind = "offers_sent_back"
	QueueOffersToSend      QueueKind = "offers_to_send"
	QueueOfferQuestions    QueueKind = "offer_questions"
	QueueContractsToSend   QueueKind = "contracts_to_send"
	QueueCountersign       QueueKind = "contracts_to_countersign"
	QueueNameCorrections   QueueKind = "name_corrections"
	QueueDecisions         QueueKind = "decisions"
	QueueScorecards        QueueKind = "scorecards"
	QueueInterviewTimes    QueueKind = "interview_times"
	QueueAssessmentResults QueueKind = "assessment_results"
	QueueReferencesIn      QueueKind = "references_in"
	QueueCheckResults      QueueKind = "check_results"
	QueueOnboarding        QueueKind = "onboarding"
	QueueOverdue           QueueKind = "overdue_promises"
	// QueueAwaitingApproval is for information: offers the actor follows
	// that wait for someone else's approval. It is not counted as work.
	QueueAwaitingApproval QueueKind = "awaiting_approval"
)

// QueueItemLimit is how many items each queue shows; QueueCountCap is where
// its count stops ("99+"), so counting never scans a long backlog.
const (
	QueueItemLimit = 10
	QueueCountCap  = 100
)

// QueueCountLabel is a queue's count as people read it, in the navigation,
// on the Needs you page and in the daily digest: "99+" from QueueCountCap on.
func QueueCountLabel(n int) string {
	if n >= QueueCountCap {
		return strconv.Itoa(QueueCountCap-1) + "+"
	}
	return strconv.Itoa(n)
}

// QueueItem is one thing waiting. Every queue yields the same columns. The
// link to act on it is built by the view from the queue's kind and these ids.
type QueueItem struct {
	ID            int64 // the version, question, contract, round, day… it is about
	ApplicationID int64
	CandidateID   int64
	CandidateName string
	PositionTitle string
	Detail        string
	Since         time.Time  // waiting since
	Due           *time.Time // when it is due, if it has a date
}

// Queue is one group on the page.
type Queue struct {
	Kind  QueueKind
	Count int // capped at QueueCountCap
	Items []QueueItem
}

// Title is the queue's heading.
func (q Queue) Title() string { return queueTitles[q.Kind] }

// Action says whether the queue is work for the actor (counted in the navigation).
func (q Queue) Action() bool { return q.Kind != QueueAwaitingApproval }

var queueTitles = map[QueueKind]string{
	QueueOffersToApprove:   "Offers to approve",
	QueueOffersSentBack:    "Offers sent back for changes",
	QueueOffersToSend:      "Approved offers to send",
	QueueOfferQuestions:    "Candidates' questions about offers",
	QueueContractsToSend:   "Accepted offers waiting for their contract",
	QueueCountersign:       "Contracts to countersign",
	QueueNameCorrections:   "Legal-name corrections asked for",
	QueueDecisions:         "Decisions colleagues are waiting for",
	QueueScorecards:        "Scorecards to write",
	QueueInterviewTimes:    "Candidates asking for other interview times",
	QueueAssessmentResults: "Assessment results to record",
	QueueReferencesIn:      "References in: read them and decide the next step",
	QueueCheckResults:      "Check results to act on",
	QueueOnboarding:        "New starters: documents to verify and tasks due",
	QueueOverdue:           "Promised updates overdue",
	QueueAwaitingApproval:  "Offers waiting for someone's approval",
}

// queueSQL is each queue's rows: the QueueItem columns, for the actor given
// by the named arguments @me and @now. queueQuery fills in, for the actor's
// role, {visible}: the applications of the positions the actor manages
// (positionScope), and {approver}: those whose offers they approve
// (approvesOffers).

var queueSQL = []struct {
	kind  QueueKind
	query string
	order string
	// who: whether a role has the queue at all.
	who func(r Role) bool
}{
	// A version stops waiting for approval once its offer is no longer open
	// (the application closed and withdrew it), as in the offer queues below.
	{QueueOffersToApprove, `SELECT v.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		v.job_title AS detail, v.created_at AS since, NULL::timestamptz AS due
		FROM offer_versions v JOIN offers o ON o.id = v.offer_id JOIN applications a ON a.id = o.application_id
		{names}
		WHERE v.status = 'pending_approval' AND o.status = 'open' AND coalesce(v.created_by, 0) <> @me
		AND {approver}`, "since",
		func(r Role) bool { return offerApproverSQL(r, "p") != "FALSE" }},
	{QueueOffersSentBack, `SELECT v.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		v.sent_back_comment AS detail, v.sent_back_at AS since, NULL::timestamptz AS due
		FROM offer_versions v JOIN offers o ON o.id = v.offer_id JOIN applications a ON a.id = o.application_id
		{names}
		WHERE v.status = 'draft' AND v.sent_back_at IS NOT NULL AND o.status = 'open' AND {visible}`, "since",
		func(r Role) bool { return r.SeesCandidates() }},
	{QueueOffersToSend, `SELECT v.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		v.job_title AS detail, v.approved_at AS since, NULL::timestamptz AS due
		FROM offer_versions v JOIN offers o ON o.id = v.offer_id JOIN applications a ON a.id = o.application_id
		{names}
		WHERE v.status = 'approved' AND o.status = 'open' AND {visible}`, "since",
		func(r Role) bool { return r.SeesCandidates() }},
	// The contract stage opens when the contract is sent: an accepted offer
	// waits at the offer stage until someone sends it.
	{QueueContractsToSend, `SELECT a.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		'' AS detail, coalesce(v.responded_at, o.updated_at) AS since, NULL::timestamptz AS due
		FROM applications a JOIN offers o ON o.application_id = a.id AND o.status = 'accepted'
		JOIN offer_versions v ON v.offer_id = o.id AND v.status = 'accepted'
		{names}
		WHERE a.stage = 'offer' AND a.status IN ('active', 'on_hold') AND {visible}`, "since",
		func(r Role) bool { return r.SeesCandidates() }},
	{QueueOfferQuestions, `SELECT q.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		q.question AS detail, q.asked_at AS since, NULL::timestamptz AS due
		FROM offer_questions q JOIN offers o ON o.id = q.offer_id JOIN applications a ON a.id = o.application_id
		{names}
		WHERE q.answered_at IS NULL AND o.status = 'open' AND {visible}`, "since",
		func(r Role) bool { return r.SeesCandidates() }},
	{QueueCountersign, `SELECT k.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		'' AS detail, k.candidate_signed_at AS since, NULL::timestamptz AS due
		FROM contracts k JOIN applications a ON a.id = k.application_id
		{names}
		WHERE k.status = 'awaiting_employer' AND {visible}
		AND EXISTS (SELECT 1 FROM staff_users su WHERE su.id = @me AND su.can_sign_contracts AND su.active)`, "since",
		func(r Role) bool { return r.SeesCandidates() }},
	// A correction can be applied only while its contract waits for the
	// candidate's signature: closing the application voids the contract.
	{QueueNameCorrections, `SELECT k.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		n.requested_name AS detail, n.created_at AS since, NULL::timestamptz AS due
		FROM contract_name_corrections n JOIN contracts k ON k.id = n.contract_id JOIN applications a ON a.id = k.application_id
		{names}
		WHERE n.status = 'open' AND k.status = 'awaiting_candidate' AND {visible}`, "since",
		func(r Role) bool { return r.SeesCandidates() }},
	// A closed application has no decision to make (RequestDecision refuses
	// one); its open consultation waits again if it is reactivated.
	{QueueDecisions, `SELECT d.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		d.proposal AS detail, d.created_at AS since, NULL::timestamptz AS due
		FROM decision_responses r JOIN decision_requests d ON d.id = r.request_id JOIN applications a ON a.id = d.application_id
		{names}
		WHERE r.staff_id = @me AND r.verdict IS NULL AND d.status = 'open' AND a.status IN ('active', 'on_hold')`, "since",
		func(Role) bool { return true }},
	{QueueScorecards, `SELECT ir.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		ir.title AS detail, ir.ends_at AS since, NULL::timestamptz AS due
		FROM interview_panelists ip JOIN interview_rounds ir ON ir.id = ip.round_id JOIN applications a ON a.id = ir.application_id
		{names}
		WHERE ip.staff_id = @me AND ir.status = 'scheduled' AND ir.ends_at <= @now
		AND NOT EXISTS (SELECT 1 FROM scorecards sc WHERE sc.round_id = ir.id AND sc.interviewer_id = @me)`, "since",
		func(Role) bool { return true }},
	{QueueInterviewTimes, `SELECT ir.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		ir.change_request AS detail, ir.change_requested_at AS since, NULL::timestamptz AS due
		FROM interview_rounds ir JOIN applications a ON a.id = ir.application_id
		{names}
		WHERE ir.change_requested_at IS NOT NULL AND ir.status <> 'cancelled' AND a.status IN ('active', 'on_hold') AND {visible}`, "since",
		func(r Role) bool { return r.SeesCandidates() }},
	{QueueAssessmentResults, `SELECT d.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		d.title AS detail, d.ends_at AS since, NULL::timestamptz AS due
		FROM assessment_bookings b JOIN assessment_days d ON d.id = b.day_id JOIN applications a ON a.id = b.application_id
		{names}
		WHERE b.status = 'booked' AND b.result = 'none' AND d.ends_at <= @now AND a.status IN ('active', 'on_hold') AND {visible}`, "since",
		func(r Role) bool { return r.SeesCandidates() }},
	// The referees have replied (at least one answered) and no request is
	// still open: the references are ready to read. Read from the replies,
	// so the queue costs nothing where there are none.
	{QueueReferencesIn, `SELECT a.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		'' AS detail, ref.last AS since, NULL::timestamptz AS due
		FROM (SELECT application_id, max(coalesce(answered_at, declined_at)) AS last FROM referees
			WHERE status IN ('answered', 'declined') GROUP BY application_id HAVING bool_or(status = 'answered')) ref
		JOIN applications a ON a.id = ref.application_id
		{names}
		WHERE a.stage = 'reference_checks' AND a.status = 'active' AND {visible}
		AND NOT EXISTS (SELECT 1 FROM referees q WHERE q.application_id = a.id AND q.status = 'requested' AND q.token_expires_at > @now)`, "since",
		func(r Role) bool { return r.SeesCandidates() }},
	// A background check or medical whose result needs a decision: a result
	// that needs review or is not clear, with no pre-decision notice yet;
	// the candidate's answer to a notice; or a notice whose wait is over.
	// Results are for admins and recruiters only. The detail is
	// kind:status:notice, put in words by the view.
	{QueueCheckResults, `SELECT k.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		k.kind || ':' || k.status || ':' || coalesce(x.status, '') AS detail, coalesce(x.replied_at, x.wait_until, k.completed_at) AS since, NULL::timestamptz AS due
		FROM checks k JOIN applications a ON a.id = k.application_id
		LEFT JOIN check_adverse_actions x ON x.check_id = k.id AND x.status IN ('notice_sent', 'replied')
		{names}
		WHERE k.status IN ('needs_review', 'not_clear') AND a.status IN ('active', 'on_hold') AND {visible}
		AND (x.id IS NULL AND NOT EXISTS (SELECT 1 FROM check_adverse_actions d WHERE d.check_id = k.id AND d.status IN ('confirmed', 'cancelled'))
			OR x.status = 'replied' OR x.wait_until <= @now)`, "since",
		func(r Role) bool { return r.SeesAllCandidates() }},
	// A promised date has passed, or the promise keeper moved it by itself
	// (promise_keeper.go): it waits for a person until one acts.
	// A new starter's document waiting for verification, or a staff task
	// past its due day (days counted in UTC here).
	{QueueOnboarding, `SELECT t.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		t.title AS detail, coalesce(t.submitted_at, t.due_on::timestamptz) AS since, t.due_on::timestamptz AS due
		FROM onboarding_tasks t JOIN applications a ON a.id = t.application_id
		{names}
		WHERE (t.status = 'submitted' OR (t.kind = 'staff' AND t.status = 'open' AND t.due_on < CAST(@now AS date)))
		AND a.status = 'active' AND {visible}`, "since",
		func(r Role) bool { return r.SeesCandidates() }},
	{QueueOverdue, `SELECT a.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		a.stage || CASE WHEN a.promise_alerted_at IS NOT NULL THEN ' stopped' /* KeeperStopped */
			WHEN a.promise_extended_automatically THEN ' extended' /* KeeperExtended */ ELSE '' END AS detail,
		a.stage_entered_at AS since, a.expected_update_at AS due
		FROM applications a {names}
		WHERE a.status = 'active' AND (a.expected_update_at < @now OR a.promise_extended_automatically) AND {visible}`, "due",
		func(r Role) bool { return r.SeesCandidates() }},
	// The offers waiting for approval are read first, behind OFFSET 0 (the
	// planner may not reorder across it): for "drafted by me", with none
	// such, it otherwise chose a merge join that walked every application
	// (≈ 50 ms at 100,000 for a hiring manager, on every count).
	{QueueAwaitingApproval, `SELECT v.id, a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
		v.job_title AS detail, v.created_at AS since, NULL::timestamptz AS due
		FROM (SELECT v.id, v.job_title, v.created_at, v.created_by, o.application_id FROM offer_versions v JOIN offers o ON o.id = v.offer_id
			WHERE v.status = 'pending_approval' AND o.status = 'open' OFFSET 0) v
		JOIN applications a ON a.id = v.application_id
		{names}
		WHERE {visible} AND NOT (coalesce(v.created_by, 0) <> @me AND {approver})`, "since",
		func(r Role) bool { return r.SeesCandidates() }},
}

// queueQuery is a queue's statement for staff of role.
func queueQuery(query string, role Role) string {
	return strings.Replace(queueScoped(query, role), "{names}", namesJoin, 1)
}

// namesJoin brings in the candidate's name and the position's title.
const namesJoin = "JOIN candidates c ON c.id = a.candidate_id JOIN positions p ON p.id = a.position_id"

// queueScoped is query with the role's scope filled in and {names} left.
func queueScoped(query string, role Role) string {
	staff := Actor{Kind: "staff", Role: role}
	return strings.NewReplacer("{visible}", "("+positionScopeSQL(staff, "p", "@me")+")",
		"{approver}", "("+offerApproverSQL(role, "p")+")").Replace(query)
}

var (
	queueColumns  = regexp.MustCompile(`(?s)^SELECT .*?\bFROM\b`)
	usesPositions = regexp.MustCompile(`\bp\.`)
)

// queueCountQuery is query's rows for counting only: no columns, no
// candidate (every application has one), and the position only when the
// role's scope reads it. The navigation counts on every staff page, so the
// statement reads as few rows as the count needs (≈ 16 buffers instead of
// ≈ 220 for 100 overdue promises).
func queueCountQuery(query string, role Role) string {
	q := queueColumns.ReplaceAllString(queueScoped(query, role), "SELECT 1 FROM")
	join := ""
	if usesPositions.MatchString(q) {
		join = "JOIN positions p ON p.id = a.position_id"
	}
	return strings.Replace(q, "{names}", join, 1)
}

// queueArgs are the named arguments every queue statement reads.
func (s *Store) queueArgs(actor Actor) map[string]any {
	return map[string]any{"me": actor.ID, "now": s.Now()}
}

// NeedsYou lists the actor's queues, in one statement. Empty queues are
// left out.
func (s *Store) NeedsYou(ctx context.Context, actor Actor) ([]Queue, error) {
	if actor.Kind != "staff" {
		return nil, ErrForbidden
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	return s.needsYouOn(ctx, sqlDB, actor)
}

// rowQuerier runs one statement: the pool, or a transaction's connection
// (a GORM transaction's Statement.ConnPool).
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// needsYouOn is NeedsYou on conn: the page, and the daily digest inside
// its transaction (staff_digest.go), read the queues through this one
// statement, so the digest lists exactly what the person's page shows.
func (s *Store) needsYouOn(ctx context.Context, conn rowQuerier, actor Actor) ([]Queue, error) {
	page, ok := s.needsYouPages[actor.Role]
	if !ok {
		return nil, nil
	}
	now := s.Now()
	args := make([]any, len(page.args))
	for i, name := range page.args {
		if name == "me" {
			args[i] = actor.ID
		} else {
			args[i] = now
		}
	}
	s.ran(page.query, args)
	row := conn.QueryRowContext(ctx, page.query, args...)
	raw := make([][]byte, len(page.kinds))
	dst := make([]any, len(raw))
	for i := range raw {
		dst[i] = &raw[i]
	}
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
	var out []Queue
	for i, k := range page.kinds {
		var q struct {
			Count int
			Items []QueueItem
		}
		if err := decodeRows(raw[i], &q); err != nil {
			return nil, err
		}
		if q.Count > 0 {
			out = append(out, Queue{Kind: k, Count: q.Count, Items: q.Items})
		}
	}
	return out, nil
}

// needsYouPage is a role's Needs-you statement, built once: every queue's
// capped count and first items, one text column per queue.
type needsYouPage struct {
	query string
	kinds []QueueKind
	args  []string // the named argument of each $n, in order
}

// needsYouPages builds each role's page statement once. Its text is what
// GORM made of the named arguments on every request (each @name its own $n,
// in order): building it per request (the queues' regular expressions and
// GORM's scan of ≈ 8 kB of SQL) was a third of the page's server time.
func needsYouPages() map[Role]needsYouPage {
	out := map[Role]needsYouPage{}
	for _, r := range Roles() {
		var page needsYouPage
		var cols []string
		for _, q := range queueSQL {
			if !q.who(r) {
				continue
			}
			page.kinds = append(page.kinds, q.kind)
			cols = append(cols, fmt.Sprintf(`(SELECT jsonb_build_object('count', (SELECT count(*) FROM (%[1]s LIMIT %[2]d) n),
			'items', coalesce((SELECT jsonb_agg(i) FROM (%[3]s ORDER BY %[4]s, 1 LIMIT %[5]d) i), '[]')))::text AS %[6]s`,
				queueCountQuery(q.query, r), QueueCountCap, queueQuery(q.query, r), q.order, QueueItemLimit, q.kind))
		}
		if len(cols) == 0 {
			continue
		}
		page.query, page.args = numberNamedArguments("SELECT " + strings.Join(cols, ",\n"))
		out[r] = page
	}
	return out
}

// numberNamedArguments replaces each @me and @now in query by $1, $2, … in
// order of appearance and says which name each number stands for.
func numberNamedArguments(query string) (string, []string) {
	var b strings.Builder
	var names []string
	for i := 0; i < len(query); i++ {
		if name := namedArgumentAt(query, i); name != "" {
			names = append(names, name)
			b.WriteString("$" + strconv.Itoa(len(names)))
			i += len(name)
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String(), names
}

// namedArgumentAt is the argument named at query[i] ("@me" or "@now"), or "".
func namedArgumentAt(query string, i int) string {
	if query[i] != '@' {
		return ""
	}
	for _, name := range []string{"me", "now"} {
		end := i + 1 + len(name)
		if strings.HasPrefix(query[i+1:], name) && (end == len(query) || !isNameByte(query[end])) {
			return name
		}
	}
	return ""
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// NeedsYouCount is the number of things waiting for the actor, for the
// navigation: one statement, each queue counted up to QueueCountCap.
func (s *Store) NeedsYouCount(ctx context.Context, actor Actor) (int, error) {
	if actor.Kind != "staff" {
		return 0, nil
	}
	query, ok := s.needsYouCount[actor.Role]
	if !ok {
		return 0, nil
	}
	now := s.Now()
	if n, ok := s.counts.get(actor.ID, now); ok {
		return n, nil
	}
	gen := s.counts.generation()
	row, err := s.queryRow(ctx, query, actor.ID, now)
	if err != nil {
		return 0, err
	}
	var n int
	if err := row.Scan(&n); err != nil {
		return 0, err
	}
	s.counts.put(actor.ID, n, gen, now)
	return n, nil
}

// needsYouCountTTL is how long the navigation may show a count without
// counting again. A change made through this process's Store forgets every
// count at once, so a person sees their own change (and a colleague's on the
// same server) at the next page; a change made on another server instance,
// or an item that falls due with time (an overdue promise), shows within
// this long.
const needsYouCountTTL = 5 * time.Second

// countCache keeps each staff member's last navigation count for a few
// seconds: every staff page shows the count, and counting costs more than
// the rest of a small page.
type countCache struct {
	mu      sync.Mutex
	gen     uint64 // raised by every write transaction of the Store
	entries map[int64]cachedCount
}

type cachedCount struct {
	n   int
	gen uint64
	at  time.Time
}

// changed forgets every count: something may have entered or left a queue.
func (c *countCache) changed() {
	c.mu.Lock()
	c.gen++
	c.entries = nil
	c.mu.Unlock()
}

func (c *countCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get is staffID's count when it is recent and nothing changed since.
func (c *countCache) get(staffID int64, now time.Time) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[staffID]
	if !ok || e.gen != c.gen || now.Before(e.at) || now.Sub(e.at) >= needsYouCountTTL {
		return 0, false
	}
	return e.n, true
}

// put keeps a count made when the generation was gen; a count made while a
// change was committing is not kept.
func (c *countCache) put(staffID int64, n int, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil {
		c.entries = map[int64]cachedCount{}
	}
	c.entries[staffID] = cachedCount{n: n, gen: gen, at: now}
}

// needsYouCountQueries builds, once, each role's count statement for the
// navigation, with the named arguments as $1 (@me) and $2 (@now): every
// staff page runs it, so its text is built and parsed once and its prepared
// plan reused.
func needsYouCountQueries() map[Role]string {
	out := map[Role]string{}
	named := strings.NewReplacer("@me", "$1", "@now", "$2")
	for _, r := range Roles() {
		var parts []string
		for _, q := range queueSQL {
			if q.kind == QueueAwaitingApproval || !q.who(r) {
				continue
			}
			parts = append(parts, fmt.Sprintf("(SELECT count(*) FROM (%s LIMIT %d) n)", named.Replace(queueCountQuery(q.query, r)), QueueCountCap))
		}
		if len(parts) > 0 {
			// The FROM names each argument's type, used by the queues or not.
			out[r] = "SELECT " + strings.Join(parts, " + ") + " FROM (SELECT $1::bigint, $2::timestamptz) args"
		}
	}
	return out
}
