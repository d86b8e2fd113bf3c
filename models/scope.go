package models

import (
	"context"

	"gorm.io/gorm"
)

// Every read of candidate data takes the actor and enforces scope itself,
// whatever the handler loaded before: an id out of scope is ErrNotFound, a
// list keeps only what is in scope. The rule is the one the staff pages
// follow:
//   - admins and recruiters read every application;
//   - a hiring manager reads the applications for their positions;
//   - an interviewer reads only the interviews they sit on (panelReads);
//   - a candidate reads only their own applications, and never staff-only
//     records (without candidateReads);
//   - anyone else reads nothing.

// readScope says who, beyond admins, recruiters and the position's hiring
// manager, may read one kind of record.
type readScope uint8

const (
	candidateReads readScope = 1 << iota // the candidate reads it about their own applications
	panelReads                           // an interviewer reads it about the applications whose interviews they sit on
)

const (
	scopeStaffOnly       readScope = 0              // decision consultations
	scopeCandidateFacing readScope = candidateReads // offers, contracts, interest checks
	scopeInterviews      readScope = panelReads     // interview rounds
	// a candidate's documents (CV, cover letter, portfolio): the candidate,
	// and the panels of their interviews, who read them in the kit
	scopeDocuments readScope = candidateReads | panelReads
)

// appScopeSQL is the condition under which actor may read application a
// (joined with its position p), with its arguments.
func appScopeSQL(actor Actor, rs readScope) (string, []any) {
	switch {
	case actor.Kind == "candidate" && actor.ID != 0 && rs&candidateReads != 0:
		return "a.candidate_id = ?", []any{actor.ID}
	case !actor.IsStaff():
		return "FALSE", nil
	case actor.Role.SeesAllCandidates():
		return "TRUE", nil
	case actor.Role == RoleHiringManager:
		return positionScope(actor, "p")
	case actor.Role == RoleInterviewer && rs&panelReads != 0:
		return `EXISTS (SELECT 1 FROM interview_rounds r JOIN interview_panelists ip ON ip.round_id = r.id
			WHERE r.application_id = a.id AND ip.staff_id = ?)`, []any{actor.ID}
	}
	return "FALSE", nil
}

// visibleApplications keeps the ids of appIDs that actor may read, in
// their order.
func visibleApplications(db *gorm.DB, actor Actor, appIDs []int64, rs readScope) ([]int64, error) {
	if len(appIDs) == 0 {
		return nil, nil
	}
	cond, args := appScopeSQL(actor, rs)
	switch cond {
	case "TRUE": // admins and recruiters read every application: no statement needed
		return appIDs, nil
	case "FALSE":
		return nil, nil
	}
	var ok []int64
	if err := db.Raw(`SELECT a.id FROM applications a JOIN positions p ON p.id = a.position_id
		WHERE a.id IN ? AND (`+cond+`)`, append([]any{appIDs}, args...)...).Scan(&ok).Error; err != nil {
		return nil, err
	}
	in := make(map[int64]bool, len(ok))
	for _, id := range ok {
		in[id] = true
	}
	out := make([]int64, 0, len(ok))
	for _, id := range appIDs {
		if in[id] {
			out = append(out, id)
			in[id] = false
		}
	}
	return out, nil
}

// applicationVisible is nil when actor may read application appID, and
// ErrNotFound otherwise (also when it does not exist).
func applicationVisible(db *gorm.DB, actor Actor, appID int64, rs readScope) error {
	ids, err := visibleApplications(db, actor, []int64{appID}, rs)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return ErrNotFound
	}
	return nil
}

// candidateVisible is nil when actor may read candidate candidateID's
// records of scope rs, through any of the candidate's applications (a
// candidate: only themselves, with candidateReads), and ErrNotFound
// otherwise (also when the candidate does not exist).
func candidateVisible(db *gorm.DB, actor Actor, candidateID int64, rs readScope) error {
	cond, args := appScopeSQL(actor, rs)
	var n int64
	var err error
	switch cond {
	case "FALSE":
		return ErrNotFound
	case "TRUE": // admins and recruiters: any candidate who exists
		err = db.Raw("SELECT count(*) FROM candidates WHERE id = ?", candidateID).Scan(&n).Error
	default:
		err = db.Raw(`SELECT count(*) FROM applications a JOIN positions p ON p.id = a.position_id
			WHERE a.candidate_id = ? AND (`+cond+`)`, append([]any{candidateID}, args...)...).Scan(&n).Error
	}
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// contractVisible is nil when actor may read contract contractID (through
// its application), and ErrNotFound otherwise.
func contractVisible(db *gorm.DB, actor Actor, contractID int64) error {
	var appID int64
	res := db.Raw("SELECT application_id FROM contracts WHERE id = ?", contractID).Scan(&appID)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return applicationVisible(db, actor, appID, scopeCandidateFacing)
}

// ManagesPosition is the one rule of who manages a position and its
// applications: admins and recruiters every position, a hiring manager the
// positions they are the hiring manager of, nobody else.
func (a Actor) ManagesPosition(p *Position) bool {
	switch {
	case !a.IsStaff():
		return false
	case a.Role.SeesAllCandidates():
		return true
	}
	return a.Role == RoleHiringManager && p != nil && p.HiringManagerID != nil && *p.HiringManagerID == a.ID
}

// positionScope is ManagesPosition in SQL: the condition on the positions
// table known as alias (empty: unqualified) under which actor manages a
// position, with its arguments.
func positionScope(actor Actor, alias string) (string, []any) {
	switch cond := positionScopeSQL(actor, alias, "?"); cond {
	case "TRUE", "FALSE":
		return cond, nil
	default:
		return cond, []any{actor.ID}
	}
}

// positionScopeSQL is positionScope's condition with me standing for the
// actor's id: "?", or a named argument such as "@me" for statements built
// once per role (the "needs you" queues).
func positionScopeSQL(actor Actor, alias, me string) string {
	col := "hiring_manager_id"
	if alias != "" {
		col = alias + "." + col
	}
	switch {
	case !actor.IsStaff():
		return "FALSE"
	case actor.Role.SeesAllCandidates():
		return "TRUE"
	case actor.Role == RoleHiringManager:
		return col + " = " + me
	}
	return "FALSE"
}

// CheckApplicationScope returns ErrNotFound unless actor may manage the
// application (staff who see candidates, a hiring manager only on their own
// positions). Handlers call it before looking at the form, so an input error
// (422) never confirms that an application out of scope exists.
func (s *Store) CheckApplicationScope(ctx context.Context, actor Actor, appID int64) error {
	if !actor.Role.SeesCandidates() {
		return ErrNotFound
	}
	var pos []Position
	if err := s.db.WithContext(ctx).Raw(`SELECT p.* FROM applications a JOIN positions p ON p.id = a.position_id WHERE a.id = ?`, appID).
		Scan(&pos).Error; err != nil {
		return err
	}
	if len(pos) == 0 || !actor.ManagesPosition(&pos[0]) {
		return ErrNotFound
	}
	return nil
}
