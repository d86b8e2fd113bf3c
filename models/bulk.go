package models

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Bulk actions apply one action to applications ticked on the candidate
// list. They are all or nothing: each application goes through the same
// rule and the same writes as its single-item action (moveStageTx,
// changeStatusTx, overrideExpectedDateTx), in one transaction, and when any
// application refuses, nothing is saved and the error names each refusal.

// BulkKind is what a bulk action does.
type BulkKind string

// The bulk actions.
const (
	BulkMove         BulkKind = "move"    // to each application's next stage
	BulkReject       BulkKind = "reject"  // with one internal reason
	BulkExpectedDate BulkKind = "date"    // a new promised update date
	BulkMessage      BulkKind = "message" // one message to each candidate
)

// BulkKinds lists the bulk actions in the order the list offers them.
func BulkKinds() []BulkKind { return []BulkKind{BulkMove, BulkReject, BulkExpectedDate, BulkMessage} }

// Label is the action as the list offers it.
func (k BulkKind) Label() string {
	switch k {
	case BulkMove:
		return "Move to next stage"
	case BulkReject:
		return "Reject"
	case BulkExpectedDate:
		return "Set a new promised date"
	case BulkMessage:
		return "Send a message"
	}
	return string(k)
}

// MaxBulkApplications is how many applications one bulk action may touch.
const MaxBulkApplications = 200

// BulkRequest is one bulk action on the ticked applications. Reason and
// Rejection (the wording and when the message goes: now, later or held until
// the position is filled) serve BulkReject, Date and Note BulkExpectedDate,
// Subject and Body BulkMessage.
type BulkRequest struct {
	ApplicationIDs []int64
	Action         BulkKind
	Reason         string
	Rejection      Rejection
	Date           time.Time
	Note           string
	Subject        string
	Body           string
}

// BulkResult says what a bulk action did.
type BulkResult struct {
	Action BulkKind
	Count  int  // applications changed (or messaged)
	Held   bool // rejections whose messages wait until the position is filled
}

// RefusalField is the Problems key under which a bulk action names
// the refusal of one application.
func RefusalField(appID int64) string { return "application_" + strconv.FormatInt(appID, 10) }

// NothingTicked refuses a bulk action with no candidate ticked.
func NothingTicked() error { return Invalid("ids", "Tick at least one candidate.") }

// BulkAction applies req to every application in it, in one transaction.
func (s *Store) BulkAction(ctx context.Context, actor Actor, req BulkRequest) (BulkResult, error) {
	if !actor.Role.SeesCandidates() {
		return BulkResult{}, ErrForbidden
	}
	ids, err := s.checkBulk(&req)
	if err != nil {
		return BulkResult{}, err
	}
	var at time.Time
	if req.Action == BulkExpectedDate {
		at, req.Note, _ = s.promisedDate(req.Date, req.Note) // checked above
	}
	res := BulkResult{Action: req.Action, Held: req.Action == BulkReject && req.Rejection.Held}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		apps, err := lockApplications(tx, actor, ids)
		if err != nil {
			return err
		}
		refused := &Problems{}
		for _, app := range apps {
			err := s.bulkStep(tx, actor, app, req, at)
			// A refusal of the app's own (not a database error, after which
			// the transaction can run nothing more): go on checking the rest,
			// so the refusal names them all; it is rolled back below.
			if r := ErrorOf(err); r != nil && r.Code == CodeInvalid && r.Unwrap() == nil {
				refused.Add(RefusalField(app.ID), refusalText(app, r.Fields()))
				continue
			}
			if err != nil {
				return err
			}
		}
		if err := refused.Err(); err != nil {
			return err
		}
		// The reason, note or subject typed is in each application's own
		// entry, sealed with its candidate's key (bulkStep); this summary of
		// many candidates keeps none of it.
		details := map[string]any{"count": len(apps), "application_ids": ids}
		switch req.Action {
		case BulkReject:
			details["message_held"] = req.Rejection.Held
			details["wording"], details["send_in_days"] = req.Rejection.Wording, req.Rejection.InDays
		case BulkExpectedDate:
			details["to"] = at.Format("2006-01-02")
		}
		return s.audit(tx, actor, "candidates.bulk_"+string(req.Action), "", 0, details)
	})
	if err != nil {
		return BulkResult{}, err
	}
	res.Count = len(ids)
	return res, nil
}

// checkBulk validates the request as a whole (the same rules as the
// single-item actions) and returns its distinct application ids, in order.
func (s *Store) checkBulk(req *BulkRequest) ([]int64, error) {
	v := &Problems{}
	seen := map[int64]bool{}
	var ids []int64
	for _, id := range req.ApplicationIDs {
		if id > 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] }) // locks are taken in id order
	switch {
	case len(ids) == 0:
		mergeFields(v, NothingTicked())
	case len(ids) > MaxBulkApplications:
		v.Add("ids", fmt.Sprintf("Choose at most %d candidates at a time (%d are ticked).", MaxBulkApplications, len(ids)))
	}
	switch req.Action {
	case BulkMove:
	case BulkReject:
		reason, err := cleanReason(req.Reason)
		if err == nil {
			err = CanChangeStatus(StatusActive, StatusRejected, reason) // the reason rule
		}
		mergeFields(v, err)
		mergeFields(v, req.Rejection.check())
		req.Reason = reason
	case BulkExpectedDate:
		_, _, err := s.promisedDate(req.Date, req.Note)
		mergeFields(v, err)
	case BulkMessage:
		req.Subject, req.Body = oneLine(strings.TrimSpace(req.Subject)), strings.TrimSpace(req.Body)
		if req.Subject == "" {
			v.Add("subject", "Write a subject.")
		}
		v.checkLength(req.Subject, limits.StaffMessageSubject)
		if req.Body == "" {
			v.Add("body", "Write the message.")
		}
		v.checkLength(req.Body, limits.StaffMessageBody)
	default:
		v.Add("action", "Choose what to do with the ticked candidates.")
	}
	return ids, v.Err()
}

// bulkStep applies req to one locked application through the single-item
// action's own internals.
func (s *Store) bulkStep(tx *gorm.DB, actor Actor, app *Application, req BulkRequest, at time.Time) error {
	switch req.Action {
	case BulkMove:
		to, err := bulkNextStage(app)
		if err != nil {
			return err
		}
		return s.moveStageTx(tx, actor, app, MoveRequest{To: to})
	case BulkReject:
		return s.changeStatusTx(tx, actor, app, StatusRejected, req.Reason, req.Rejection)
	case BulkExpectedDate:
		return s.overrideExpectedDateTx(tx, actor, app, at, req.Note)
	case BulkMessage:
		if err := s.send(tx, staffMessageMail(s.urls(), app, req.Subject, req.Body)); err != nil {
			return err
		}
		return s.auditPersonal(tx, actor, app.CandidateID, "application.message_sent", "application", app.ID, nil, map[string]any{"subject": req.Subject})
	}
	return fault("unknown bulk action %q", req.Action)
}

// bulkNextStage is where "Move to next stage" takes app: the next stage of
// its pipeline. Only the stages entered by a move are reached in bulk (see
// bulkRefusal); skips are not offered in bulk. Everything else is CanMove's
// to decide.
func bulkNextStage(app *Application) (StageKey, error) {
	next, ok := app.Position.Pipeline.Next(app.Stage)
	if app.Status != StatusActive {
		return next, nil // CanMove explains why a closed or held application does not move
	}
	if !ok {
		return "", Invalid("to_stage", "It is already at the last stage of its pipeline.")
	}
	return next, bulkRefusal(next)
}

// refusalText names the application and why it refused.
func refusalText(app *Application, fields map[string]string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msgs := make([]string, len(keys))
	for i, k := range keys {
		msgs[i] = fields[k]
	}
	return fmt.Sprintf("%s — %s: %s", app.Candidate.Name, app.Position.Title, strings.Join(msgs, " "))
}

// mergeFields adds err's field messages to v; err must be nil or a Problems.
func mergeFields(v *Problems, err error) {
	for k, msg := range FieldErrors(err) {
		v.Add(k, msg)
	}
}

// lockApplications is lockApplication for many applications at once, in a
// few statements whatever their number: the rows FOR UPDATE in id order (so
// two bulk actions cannot deadlock), their positions with pipelines, and
// their candidates. An id that does not exist or that actor may not change
// makes the whole request not found, as it does for one application.
func lockApplications(tx *gorm.DB, actor Actor, ids []int64) ([]*Application, error) {
	var rows []Application
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) != len(ids) {
		return nil, ErrNotFound
	}
	posIDs, candIDs := map[int64]bool{}, map[int64]bool{}
	for _, a := range rows {
		posIDs[a.PositionID], candIDs[a.CandidateID] = true, true
	}
	var positions []Position
	if err := tx.Where("id IN ?", idList(posIDs)).Find(&positions).Error; err != nil {
		return nil, err
	}
	byPos := map[int64]*Position{}
	ptrs := make([]*Position, len(positions))
	for i := range positions {
		p := &positions[i]
		if !actor.ManagesPosition(p) {
			return nil, ErrNotFound
		}
		byPos[p.ID], ptrs[i] = p, p
	}
	if err := loadPipelines(tx, ptrs); err != nil {
		return nil, err
	}
	var cands []Candidate
	if err := tx.Where("id IN ?", idList(candIDs)).Find(&cands).Error; err != nil {
		return nil, err
	}
	byCand := map[int64]*Candidate{}
	for i := range cands {
		byCand[cands[i].ID] = &cands[i]
	}
	out := make([]*Application, len(rows))
	for i := range rows {
		a := &rows[i]
		a.Position, a.Candidate = byPos[a.PositionID], byCand[a.CandidateID]
		if a.Position == nil || a.Candidate == nil {
			return nil, ErrNotFound
		}
		out[i] = a
	}
	return out, nil
}

func idList(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// MsgStaffMessage is a staff member's own message to a candidate about one
// application, written on the candidate list.
const MsgStaffMessage MessageKind = "staff_message"

// bulkMessages joins messageCatalogue (registered in messages.go).
var bulkMessages = map[MessageKind]MessageTemplate{
	MsgStaffMessage: {
		Label: "A message about your application", Editable: true,
		Subject:      "{{subject}}",
		Body:         "Hello {{candidate_name}},\n\n{{message}}\n\nYour application for {{job_title}} is on your page:\n{{application_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "subject", "message", "application_link"},
		// Without {{message}} the staff member's words would never arrive.
		Required: []string{"message", "application_link"},
	},
}

func staffMessageMail(u siteURLs, app *Application, subject, message string) draft {
	return toCandidate(app.Candidate, MsgStaffMessage, map[string]string{"job_title": app.Position.Title, "subject": oneLine(subject),
		"message": message, "application_link": u.abs(u.MyApplication(app.ID))})
}
