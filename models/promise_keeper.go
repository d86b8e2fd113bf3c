package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The promise keeper (issue 21): every candidate sees the date by which they
// will hear from us (applications.expected_update_at). When that date passes
// and nobody has moved the application or written to the candidate since,
// KeepPromises, run periodically, tells the candidate honestly that we have
// not decided yet and names a new date, the position's stage time from now.
// It does so at most PromiseMaxExtensions times in a row; the next time the
// date passes it alerts the hiring manager (the recruiters when the position
// has none) once, and the candidate's page says "running late" until a
// person acts. Each extension keeps the application in the staff's Overdue
// queue (promise_extended_automatically) until a person acts: a stage or
// status change (transition, closeApplication) or a new date
// (overrideExpectedDateTx) clears the keeper's state.

// Message kinds of the promise keeper.
const (
	// MsgPromiseUpdate is the candidate's "still deciding" update: candidate-facing, so editable.
	MsgPromiseUpdate MessageKind = "promise_update"
	// MsgPromiseLimitReached alerts the people in charge that the keeper has stopped extending.
	MsgPromiseLimitReached MessageKind = "promise_limit_reached"
)

// DefaultPromiseMaxExtensions is how many times in a row the keeper moves a
// promised date by itself (Config.PromiseMaxExtensions).
const DefaultPromiseMaxExtensions = 2

// promiseKeeperBatch is how many applications one transaction of the keeper
// handles: a lock held for a few hundred rows, not for all of them, and a
// failure that loses one batch's work, not the whole run's.
const promiseKeeperBatch = 250

// promiseMessages joins messageCatalogue (registered in messages.go).
var promiseMessages = map[MessageKind]MessageTemplate{
	MsgPromiseUpdate: {
		Label: "Still deciding: a new promised date", Editable: true,
		Subject:      "Your application for {{job_title}}: still in progress",
		Body:         "Hello {{candidate_name}},\n\nWe promised you news about your application for {{job_title}} by {{old_date}}, and we are sorry we have not decided yet. We will be in touch by {{new_date}}.\n\nYour application is still at this step: {{stage}}. You can see where things stand on your page:\n{{application_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "stage", "old_date", "new_date", "application_link"},
		Required:     []string{"new_date"},
	},
	MsgPromiseLimitReached: {
		Label:        "Promised date passed again after automatic updates",
		Subject:      "{{candidate_name}} is still waiting for news ({{job_title}})",
		Body:         "Hello {{name}},\n\nThe date promised to {{candidate_name}} ({{job_title}}, {{stage}}) passed on {{due_date}}. Nextstep has already told them {{extensions}} that we have not decided yet and will not do so again: please move the application on or set a new date.\n{{link}}",
		Placeholders: []string{"name", "company", "candidate_name", "job_title", "stage", "due_date", "extensions", "link"},
	},
}

// promiseDateLayout is how a promised date reads in a message.
const promiseDateLayout = "Monday 2 January 2006"

// overduePromise is one application whose promised date has passed, as the
// keeper reads it.
type overduePromise struct {
	ID, CandidateID, PositionID int64
	Stage                       StageKey
	ExpectedUpdateAt            time.Time
	PromiseExtensions           int
	StageTimeDays               int
	CandidateName, Email, Title string
}

// overduePromisesSQL finds, in the order promised, the active applications
// whose promised date has passed and that the keeper still has something to
// do for (an update, or the one alert after the last), with no message to
// the candidate since the date passed (but the sign-in links they asked for,
// and messages withdrawn unsent). A stage change sets a new date, so an
// application moved since is not overdue, nor one whose next move is the
// candidate's (their page shows their own deadline). It walks applications_overdue_idx
// and locks what it returns, skipping rows another run holds.
const overduePromisesSQL = `SELECT a.id, a.candidate_id, a.position_id, a.stage, a.expected_update_at, a.promise_extensions,
		` + stageTimeSQL + ` AS stage_time_days, c.name AS candidate_name, c.email, p.title
	FROM applications a JOIN positions p ON p.id = a.position_id JOIN candidates c ON c.id = a.candidate_id
	JOIN position_stages ps ON ps.position_id = a.position_id AND ps.stage = a.stage
	WHERE a.status = 'active' AND a.expected_update_at < @now
	AND (a.promise_extensions < @max OR a.promise_alerted_at IS NULL)
	AND NOT ` + awaitingCandidateSQL + `
	AND NOT EXISTS (SELECT 1 FROM outbox_messages m WHERE m.candidate_id = a.candidate_id AND m.created_at > a.expected_update_at
		AND m.kind <> 'candidate_sign_in' AND m.status <> 'cancelled')
	ORDER BY a.expected_update_at, a.id
	LIMIT @limit
	FOR UPDATE OF a SKIP LOCKED`

// KeepPromises sends the updates and alerts that are due (see above) and
// returns how many applications it acted on. Two processes running it at
// once act on each application once: each batch locks its rows (SKIP
// LOCKED) and writes the new date, the message and the audit entry in one
// transaction, and the write re-checks that the date it replaces is still
// the one that passed.
func (s *Store) KeepPromises(ctx context.Context) (int, error) {
	total := 0
	for {
		n, full, err := s.keepPromisesBatch(ctx)
		total += n
		if err != nil || !full {
			return total, err
		}
	}
}

// keepPromisesBatch handles one batch in one transaction; full says whether
// the batch was full (there may be more).
func (s *Store) keepPromisesBatch(ctx context.Context) (done int, full bool, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		done, full = 0, false // a retried transaction counts afresh
		now := s.Now()
		var rows []overduePromise
		if err := tx.Raw(overduePromisesSQL, map[string]any{"now": now, "max": s.promiseMaxExtensions, "limit": promiseKeeperBatch}).
			Scan(&rows).Error; err != nil {
			return err
		}
		full = len(rows) == promiseKeeperBatch
		var extend []*overduePromise
		for i := range rows {
			if rows[i].PromiseExtensions < s.promiseMaxExtensions {
				extend = append(extend, &rows[i])
				continue
			}
			acted, err := s.alertPromiseLimit(tx, &rows[i], now)
			if err != nil {
				return err
			}
			if acted {
				done++
			}
		}
		n, err := s.extendPromises(tx, extend, now)
		done += n
		return err
	})
	return done, full, err
}

// extendPromises moves each application's promised date by its position's
// stage time and tells the candidate, in a few statements for the whole
// batch (one update per new date, one insert of the messages, their jobs
// and the audit entries): the keeper must get through 10,000 overdue
// promises within its period. The rows are locked by the batch's SELECT, so
// the update's re-check of the date that passed only guards against a
// caller that did not lock them.
func (s *Store) extendPromises(tx *gorm.DB, rows []*overduePromise, now time.Time) (int, error) {
	byDue := map[time.Time][]*overduePromise{}
	var dues []time.Time
	for _, r := range rows {
		due := AddBusinessDays(now, r.StageTimeDays, s.loc)
		if _, seen := byDue[due]; !seen {
			dues = append(dues, due)
		}
		byDue[due] = append(byDue[due], r)
	}
	u := s.urls()
	var drafts []draft
	var entries []AuditEntry
	var told []PromiseUpdate
	for _, due := range dues {
		group := byDue[due]
		ids := make([]int64, len(group))
		for i, r := range group {
			ids[i] = r.ID
		}
		var updated []int64
		if err := tx.Raw(`UPDATE applications SET expected_update_at = ?, promise_extensions = promise_extensions + 1,
			promise_extended_automatically = true, updated_at = ?
			WHERE id IN ? AND status = 'active' AND expected_update_at < ? AND promise_extensions < ? RETURNING id`,
			due, now, ids, now, s.promiseMaxExtensions).Scan(&updated).Error; err != nil {
			return 0, err
		}
		done := make(map[int64]bool, len(updated))
		for _, id := range updated {
			done[id] = true
		}
		for _, r := range group {
			if !done[r.ID] {
				continue
			}
			cand := &Candidate{ID: r.CandidateID, Name: r.CandidateName, Email: r.Email}
			drafts = append(drafts, toCandidate(cand, MsgPromiseUpdate, map[string]string{"job_title": r.Title,
				"stage": stageCandidateTitle(r.Stage), "old_date": r.ExpectedUpdateAt.In(s.loc).Format(promiseDateLayout),
				"new_date": due.In(s.loc).Format(promiseDateLayout), "application_link": u.abs(u.MyApplication(r.ID))}))
			e, err := newAuditEntry(SystemActor("promise keeper"), "application.promise_extended", "application", r.ID, map[string]any{
				"from": r.ExpectedUpdateAt, "to": due, "extensions": r.PromiseExtensions + 1})
			if err != nil {
				return 0, err
			}
			entries = append(entries, e)
			told = append(told, PromiseUpdate{ApplicationID: r.ID, PassedDate: r.ExpectedUpdateAt, NewDate: due, CreatedAt: now})
		}
	}
	if len(told) == 0 {
		return 0, nil
	}
	if err := s.sendAll(tx, drafts); err != nil {
		return 0, err
	}
	if err := tx.Create(&told).Error; err != nil {
		return 0, err
	}
	return len(entries), auditAll(tx, entries)
}

// alertPromiseLimit tells the hiring manager (or, when the position has
// none or they are inactive, every active recruiter) once that r's date has
// passed again after the last automatic update.
func (s *Store) alertPromiseLimit(tx *gorm.DB, r *overduePromise, now time.Time) (bool, error) {
	res := tx.Exec(`UPDATE applications SET promise_alerted_at = ? WHERE id = ? AND status = 'active'
		AND expected_update_at = ? AND promise_alerted_at IS NULL`, now, r.ID, r.ExpectedUpdateAt)
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	var pos Position
	if err := tx.First(&pos, r.PositionID).Error; err != nil {
		return false, err
	}
	var to []StaffUser
	if pos.HiringManagerID != nil {
		if err := tx.Where("id = ? AND active", *pos.HiringManagerID).Find(&to).Error; err != nil {
			return false, err
		}
	}
	if len(to) == 0 {
		if err := tx.Where("role = ? AND active", RoleRecruiter).Order("id").Find(&to).Error; err != nil {
			return false, err
		}
	}
	u := s.urls()
	path := u.CandidateDecision(r.CandidateID, r.ID)
	for i := range to {
		if err := s.send(tx, toStaff(&to[i], MsgPromiseLimitReached, path, map[string]string{"candidate_name": oneLine(r.CandidateName),
			"job_title": r.Title, "stage": StageName(r.Stage), "due_date": r.ExpectedUpdateAt.In(s.loc).Format(promiseDateLayout),
			"extensions": countOf(r.PromiseExtensions, "time", "times"), "link": u.abs(path)})); err != nil {
			return false, err
		}
	}
	ids := make([]int64, len(to))
	for i := range to {
		ids[i] = to[i].ID
	}
	return true, s.audit(tx, SystemActor("promise keeper"), "application.promise_limit_reached", "application", r.ID, map[string]any{
		"due": r.ExpectedUpdateAt, "extensions": r.PromiseExtensions, "alerted_staff": ids})
}

// stageCandidateTitle is the stage as the candidate reads it.
func stageCandidateTitle(k StageKey) string {
	if st, ok := LookupStage(k); ok {
		return st.CandidateTitle
	}
	return StageName(k)
}

// promiseKeptByPerson is what every person's action on an application sets
// besides its own change: the keeper starts counting afresh.
func promiseKeptByPerson(updates map[string]any) map[string]any {
	updates["promise_extensions"] = 0
	updates["promise_extended_automatically"] = false
	updates["promise_alerted_at"] = nil
	return updates
}

// KeeperState is what the promise keeper has done about an overdue
// application, as the staff's Overdue queue shows it.
type KeeperState string

// The keeper's states.
const (
	KeeperNothing  KeeperState = ""
	KeeperExtended KeeperState = "extended" // it has told the candidate a new date
	KeeperStopped  KeeperState = "stopped"  // it reached the limit and alerted the people in charge
)

// OverdueDetail reads an Overdue queue item's detail: the stage, then what
// the keeper has done (see the queue's SQL in needs_you.go).
func OverdueDetail(detail string) (StageKey, KeeperState) {
	stage, state, _ := strings.Cut(detail, " ")
	return StageKey(stage), KeeperState(state)
}

// PromiseUpdate is one automatic update the keeper gave a candidate: the
// date that passed and the new one (their timeline shows it).
type PromiseUpdate struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	PassedDate    time.Time `json:"passed_date"`
	NewDate       time.Time `json:"new_date"`
	CreatedAt     time.Time `json:"created_at"`
}

// TableName binds the struct to its table.
func (PromiseUpdate) TableName() string { return "promise_updates" }
