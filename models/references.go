package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Reference checks: the candidate's and staff's use cases. The rules are in
// references_rules.go, the referee's own pages in references_referee.go,
// staff's review with its signals in references_signals.go.

// CandidateReferee is a referee as the candidate sees them: what they
// entered and where the request stands, never the referee's reply.
type CandidateReferee struct {
	ID                 int64
	Name, Email, Phone string
	Company            string
	Relationship       Relationship
	WorkedFrom         time.Time
	WorkedTo           *time.Time
	MayContactNow      bool
	ConfirmedAgreed    bool
	AddedByStaff       bool
	Status             RefereeStatus // with expired derived
}

// CandidateReferees is the candidate's reference page: their referees, what
// the position asks for and whether the list is complete.
type CandidateReferees struct {
	ApplicationID int64
	Settings      ReferenceSettings
	Referees      []CandidateReferee
	CanEdit       error // nil while the candidate may add, change and remove draft referees; else why not
	Completeness  ReferenceCompleteness
}

// Referees is the candidate's view of the referees of their application.
// Anyone but the application's candidate gets ErrNotFound.
func (s *Store) Referees(ctx context.Context, actor Actor, appID int64) (*CandidateReferees, error) {
	db := s.db.WithContext(ctx)
	app, err := ownApplication(db, actor, appID, false)
	if err != nil {
		return nil, err
	}
	set, err := positionReferenceSettings(db, app.PositionID)
	if err != nil {
		return nil, err
	}
	refs, err := applicationReferees(db, appID, false)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := &CandidateReferees{ApplicationID: appID, Settings: set, CanEdit: CandidateMayEditReferees(app),
		Completeness: RefereeSetComplete(refs, set, now)}
	for _, r := range refs {
		out.Referees = append(out.Referees, CandidateReferee{ID: r.ID, Name: r.Name, Email: r.Email, Phone: r.Phone, Company: r.Company,
			Relationship: r.Relationship, WorkedFrom: r.WorkedFrom, WorkedTo: r.WorkedTo, MayContactNow: r.MayContactNow,
			ConfirmedAgreed: r.CandidateConfirmedAgreed, AddedByStaff: r.AddedByStaffID != nil, Status: r.State(now)})
	}
	return out, nil
}

// AddReferee adds a referee to the candidate's own application, while it is
// active at the reference stage. It returns the new referee's id.
func (s *Store) AddReferee(ctx context.Context, actor Actor, appID int64, in RefereeInput) (int64, error) {
	p, err := in.Validate(s.Now())
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.tx(ctx, func(tx *gorm.DB) error {
		app, err := ownApplication(tx, actor, appID, true)
		if err != nil {
			return err
		}
		if err := CandidateMayEditReferees(app); err != nil {
			return err
		}
		r := p.referee(app.ID, in.MayContactNow, in.ConfirmedAgreed, nil)
		if err := insertReferee(tx, r); err != nil {
			return err
		}
		id = r.ID
		return s.audit(tx, actor, "referee.added", "application", app.ID, map[string]any{"referee_id": r.ID})
	})
	return id, err
}

// UpdateReferee changes one of the candidate's referees while it is a draft.
func (s *Store) UpdateReferee(ctx context.Context, actor Actor, refereeID int64, in RefereeInput) error {
	p, err := in.Validate(s.Now())
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, r, err := ownDraftReferee(tx, actor, refereeID)
		if err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE referees SET name = ?, email = ?, phone = ?, company = ?, relationship = ?, worked_from = ?, worked_to = ?,
			may_contact_now = ?, candidate_confirmed_agreed = ?, updated_at = ? WHERE id = ? AND status = ?`,
			p.name, p.email, p.phone, p.company, p.relationship, p.from, p.to, in.MayContactNow, in.ConfirmedAgreed, s.Now(), r.ID, RefereeDraft).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "referee.changed", "application", app.ID, map[string]any{"referee_id": r.ID})
	})
}

// RemoveReferee removes one of the candidate's referees while it is a draft.
func (s *Store) RemoveReferee(ctx context.Context, actor Actor, refereeID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, r, err := ownDraftReferee(tx, actor, refereeID)
		if err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM referees WHERE id = ? AND status = ?", r.ID, RefereeDraft).Error; err != nil {
			return err
		}
		return s.auditPersonal(tx, actor, app.CandidateID, "referee.removed", "application", app.ID, map[string]any{"referee_id": r.ID},
			map[string]any{"name": r.Name})
	})
}

// StaffAddReferee adds a referee to an open application the actor manages,
// at any stage. The candidate's confirmation is not asked: staff who add a
// referee take on knowing that they agreed.
func (s *Store) StaffAddReferee(ctx context.Context, actor Actor, appID int64, in RefereeInput) (int64, error) {
	p, err := in.Validate(s.Now())
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockApplication(tx, actor, appID)
		if err != nil {
			return err
		}
		if app.Status.Closed() {
			return errReferencesClosed
		}
		r := p.referee(app.ID, in.MayContactNow, false, staffID(actor))
		if err := insertReferee(tx, r); err != nil {
			return err
		}
		id = r.ID
		return s.audit(tx, actor, "referee.added", "application", app.ID, map[string]any{"referee_id": r.ID, "by_staff": true})
	})
	return id, err
}

var errReferencesClosed = refusal(CodeConflict, "This application is closed: its referees can no longer be contacted.")

// SendReferenceRequests emails the chosen referees of an application the
// actor manages their personal link (refereeIDs nil: every draft referee who
// may be asked now). A referee whose request expired can be asked afresh by
// naming them. It returns how many requests went.
func (s *Store) SendReferenceRequests(ctx context.Context, actor Actor, appID int64, refereeIDs []int64) (int, error) {
	sent := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockApplication(tx, actor, appID)
		if err != nil {
			return err
		}
		if app.Status.Closed() {
			return errReferencesClosed
		}
		refs, err := applicationReferees(tx, appID, true)
		if err != nil {
			return err
		}
		now := s.Now()
		offerMade := app.Position.Pipeline.OfferMade(app.Stage)
		var targets []*Referee
		for i := range refs {
			r := &refs[i]
			switch {
			case refereeIDs == nil && r.Status == RefereeDraft && r.MayBeAsked(now, offerMade) == nil:
				targets = append(targets, r)
			case refereeIDs != nil && containsID(refereeIDs, r.ID):
				if err := r.MayBeAsked(now, offerMade); err != nil {
					return err
				}
				targets = append(targets, r)
			}
		}
		if refereeIDs != nil && len(targets) != len(uniqueIDs(refereeIDs)) {
			return ErrNotFound // a referee of another application, or none
		}
		if len(targets) == 0 {
			return refusal(CodeConflict, "No referee is ready to be asked: each needs the candidate's confirmation that they agreed, and some may be contacted only after an offer.")
		}
		ids := make([]int64, 0, len(targets))
		for _, r := range targets {
			if err := s.requestReferee(tx, app, r, now); err != nil {
				return err
			}
			ids = append(ids, r.ID)
		}
		sent = len(targets)
		return s.audit(tx, actor, "referee.requests_sent", "application", app.ID, map[string]any{"referee_ids": ids})
	})
	return sent, err
}

// requestReferee gives r a fresh request: its earlier links (of an expired
// request) stop working, a new one goes out with the request email.
func (s *Store) requestReferee(tx *gorm.DB, app *Application, r *Referee, now time.Time) error {
	if err := tx.Exec("DELETE FROM referee_tokens WHERE referee_id = ?", r.ID).Error; err != nil {
		return err
	}
	raw, err := issueRefereeToken(tx, r.ID)
	if err != nil {
		return err
	}
	expires := now.Add(RefereeLinkTTL)
	res := tx.Exec(`UPDATE referees SET status = ?, requested_at = ?, token_expires_at = ?, last_reminded_at = NULL, reminders = 0,
		opened_at = NULL, updated_at = ? WHERE id = ? AND status IN ?`, RefereeRequested, now, expires, now, r.ID, []RefereeStatus{RefereeDraft, RefereeRequested})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ErrConflict
	}
	r.Status, r.RequestedAt, r.TokenExpiresAt = RefereeRequested, &now, &expires
	return s.send(tx, referenceMail(s.urls(), MsgReferenceRequest, r, app, raw, s.loc))
}

// RemindReferee emails a referee whose request is open a reminder with a
// new link (the earlier ones keep working), by hand.
func (s *Store) RemindReferee(ctx context.Context, actor Actor, refereeID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var appID int64
		if err := tx.Raw("SELECT application_id FROM referees WHERE id = ?", refereeID).Scan(&appID).Error; err != nil {
			return err
		}
		app, err := lockApplication(tx, actor, appID)
		if err != nil {
			return err
		}
		if app.Status.Closed() {
			return errReferencesClosed
		}
		var r Referee
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND application_id = ?", refereeID, appID).First(&r).Error; err != nil {
			return notFound(err)
		}
		now := s.Now()
		if err := r.MayRemindByHand(now); err != nil {
			return err
		}
		if _, err := s.remindReferee(tx, app, &r, now, false); err != nil {
			return err
		}
		return s.audit(tx, actor, "referee.reminded", "application", app.ID, map[string]any{"referee_id": r.ID})
	})
}

// remindReferee counts a reminder for r, if its request is still open (and,
// for the automatic reminder, still due: the UPDATE re-checks it, so a run
// that read the row before another reminded it sends nothing), and emails
// it with a new link. It reports whether the reminder went.
func (s *Store) remindReferee(tx *gorm.DB, app *Application, r *Referee, now time.Time, automatic bool) (bool, error) {
	cond, args := "", []any{now, now, r.ID, RefereeRequested, now}
	if automatic {
		cond, args = " AND reminders < ? AND coalesce(last_reminded_at, requested_at) <= ?", append(args, RefereeMaxReminders, now.Add(-RefereeReminderAfter))
	}
	res := tx.Exec(`UPDATE referees SET last_reminded_at = ?, reminders = reminders + 1, updated_at = ?
		WHERE id = ? AND status = ? AND token_expires_at > ?`+cond, args...)
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected != 1 {
		if automatic {
			return false, nil
		}
		return false, ErrConflict
	}
	raw, err := issueRefereeToken(tx, r.ID)
	if err != nil {
		return false, err
	}
	return true, s.send(tx, referenceMail(s.urls(), MsgReferenceReminder, r, app, raw, s.loc))
}

// SendDueReferenceReminders sends the automatic reminders that are due
// (Referee.ReminderDue) and returns how many went; the server runs it
// periodically. Two processes running it at once send each reminder once:
// each takes the rows it reminds with FOR UPDATE SKIP LOCKED, and the
// counting UPDATE re-checks that the reminder is still due.
func (s *Store) SendDueReferenceReminders(ctx context.Context) (int, error) {
	sent := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		sent = 0 // a retried transaction counts afresh
		now := s.Now()
		var refs []Referee
		if err := tx.Raw(`SELECT r.* FROM referees r JOIN applications a ON a.id = r.application_id
			WHERE r.status = ? AND r.token_expires_at > ? AND r.reminders < ? AND coalesce(r.last_reminded_at, r.requested_at) <= ?
			AND a.status IN ? ORDER BY r.id LIMIT 100 FOR UPDATE OF r SKIP LOCKED`,
			RefereeRequested, now, RefereeMaxReminders, now.Add(-RefereeReminderAfter), []Status{StatusActive, StatusOnHold}).Scan(&refs).Error; err != nil {
			return err
		}
		for i := range refs {
			r := &refs[i]
			if !r.ReminderDue(now) {
				continue
			}
			app := &Application{}
			if err := tx.First(app, r.ApplicationID).Error; err != nil {
				return err
			}
			if err := loadApplicationParts(tx, app); err != nil {
				return err
			}
			went, err := s.remindReferee(tx, app, r, now, true)
			if err != nil {
				return err
			}
			if !went {
				continue
			}
			if err := s.audit(tx, SystemActor("reference reminders"), "referee.reminded", "application", app.ID,
				map[string]any{"referee_id": r.ID, "automatic": true}); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	return sent, err
}

// issueRefereeToken stores the hash of a new random link token for the
// referee and returns the token.
func issueRefereeToken(tx *gorm.DB, refereeID int64) (string, error) {
	raw := NewSecret()
	// Through a map, as issueLoginToken does: GORM's Exec would spread a []byte argument into a list.
	if err := tx.Table("referee_tokens").Create(map[string]any{"token_hash": HashSecret(raw), "referee_id": refereeID}).Error; err != nil {
		return "", err
	}
	return raw, nil
}

// ownApplication loads the candidate actor's own application (FOR UPDATE
// when lock), with its position; for anyone else it is ErrNotFound.
func ownApplication(db *gorm.DB, actor Actor, appID int64, lock bool) (*Application, error) {
	if actor.Kind != "candidate" || actor.ID == 0 {
		return nil, ErrNotFound
	}
	q := db
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var app Application
	if err := q.Where("id = ? AND candidate_id = ?", appID, actor.ID).First(&app).Error; err != nil {
		return nil, notFound(err)
	}
	return &app, nil
}

// ownDraftReferee locks the candidate actor's application of a referee and
// the referee, which must still be theirs to change.
func ownDraftReferee(tx *gorm.DB, actor Actor, refereeID int64) (*Application, *Referee, error) {
	var appID int64
	if err := tx.Raw("SELECT application_id FROM referees WHERE id = ?", refereeID).Scan(&appID).Error; err != nil {
		return nil, nil, err
	}
	app, err := ownApplication(tx, actor, appID, true)
	if err != nil {
		return nil, nil, err
	}
	if err := CandidateMayEditReferees(app); err != nil {
		return nil, nil, err
	}
	var r Referee
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND application_id = ?", refereeID, appID).First(&r).Error; err != nil {
		return nil, nil, notFound(err)
	}
	if err := r.CandidateMayChange(); err != nil {
		return nil, nil, err
	}
	return app, &r, nil
}

// applicationReferees lists an application's referees in the order they
// were added (FOR UPDATE when lock).
func applicationReferees(db *gorm.DB, appID int64, lock bool) ([]Referee, error) {
	q := db
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var refs []Referee
	err := q.Where("application_id = ?", appID).Order("id").Find(&refs).Error
	return refs, err
}

// referee is the row a valid form makes.
func (p parsedReferee) referee(appID int64, mayContactNow, agreed bool, addedBy *int64) *Referee {
	return &Referee{ApplicationID: appID, Name: p.name, Email: p.email, Phone: p.phone, Company: p.company, Relationship: p.relationship,
		WorkedFrom: p.from, WorkedTo: p.to, MayContactNow: mayContactNow, CandidateConfirmedAgreed: agreed, AddedByStaffID: addedBy,
		Status: RefereeDraft}
}

// insertReferee adds r, within MaxReferees for its application (the caller
// holds the application's lock).
func insertReferee(tx *gorm.DB, r *Referee) error {
	var n int64
	if err := tx.Model(&Referee{}).Where("application_id = ?", r.ApplicationID).Count(&n).Error; err != nil {
		return err
	}
	if n >= MaxReferees {
		return Invalid("", "An application can have at most 10 referees. Remove one before adding another.")
	}
	return tx.Omit("TokenExpiresAt", "RequestedAt", "LastRemindedAt", "OpenedAt", "AnsweredAt", "DeclinedAt",
		"ConfirmedRelationship", "ConfirmedPeriod", "AnswerIP").Create(r).Error
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func uniqueIDs(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
