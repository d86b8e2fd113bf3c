package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Candidate is a person in the post-interview process.
type Candidate struct {
	ID    int64
	Email string
	Name  string
	Phone string
	// TimeZone is the IANA zone the candidate's times are shown in, "" for
	// none yet (the portal's applies: CandidateZone). Read only here: it is
	// written by SetCandidateZone alone.
	TimeZone string `gorm:"->"`
	// ErasedAt is when the person was erased (erasure.go), and
	// LegalHoldReason why something of theirs is still kept; both are
	// written by eraseCandidate alone.
	ErasedAt        *time.Time `gorm:"->"`
	LegalHoldReason string     `gorm:"->"`
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// TableName binds the struct to its table.
func (Candidate) TableName() string { return "candidates" }

// Application is a candidate's candidacy for one position.
type Application struct {
	ID                 int64
	CandidateID        int64
	PositionID         int64
	Stage              StageKey
	Status             Status
	StageEnteredAt     time.Time
	ExpectedUpdateAt   *time.Time
	ExpectedUpdateNote string
	OutcomeReason      string
	// RejectionHeld: rejected, with the message held until the position is
	// filled; the candidate reads only that the decision waits for that.
	RejectionHeld bool
	// RejectionToldAt: rejected, with the message (and everything else its
	// closing tells the candidate) put off until then; nil otherwise.
	// Written with the status by closeApplication alone.
	RejectionToldAt *time.Time
	// MovedToApplicationID: closed by a move when its position closed, the
	// application it continues as (ClosePosition); only while rejected.
	MovedToApplicationID *int64
	// The promise keeper's state (promise_keeper.go): how many times in a
	// row it moved the promised date, whether the application waits for a
	// person since, and when the people in charge were told it stopped.
	PromiseExtensions            int
	PromiseExtendedAutomatically bool
	PromiseAlertedAt             *time.Time
	CreatedAt                    time.Time
	UpdatedAt                    time.Time

	Candidate *Candidate `gorm:"foreignKey:CandidateID"`
	Position  *Position  `gorm:"foreignKey:PositionID"`
}

// TableName binds the struct to its table.
func (Application) TableName() string { return "applications" }

// StageEvent records a change of stage or status.
type StageEvent struct {
	ID            int64
	ApplicationID int64
	FromStage     *StageKey
	ToStage       StageKey
	FromStatus    Status
	ToStatus      Status
	ActorStaffID  *int64
	Note          string
	Kind          EventKind `gorm:"default:move"`
	CreatedAt     time.Time

	Actor *StaffUser `gorm:"foreignKey:ActorStaffID"`
}

// EventKind says how an application reached a stage (see migration 00008).
type EventKind string

// Event kinds: only a move or a skip can be undone.
const (
	EventOpened EventKind = "opened"
	EventMove   EventKind = "move"
	EventSkip   EventKind = "skip"
	EventUndo   EventKind = "undo"
	EventFlow   EventKind = "flow"
	EventStatus EventKind = "status"
)

// TableName binds the struct to its table.
func (StageEvent) TableName() string { return "stage_events" }

// CandidateNote is an internal note, never shown to the candidate.
type CandidateNote struct {
	ID            int64
	CandidateID   int64
	ApplicationID *int64
	AuthorStaffID int64
	Body          string
	CreatedAt     time.Time

	Author *StaffUser `gorm:"foreignKey:AuthorStaffID"`
}

// TableName binds the struct to its table.
func (CandidateNote) TableName() string { return "candidate_notes" }

// CandidateInput is the "new candidate" form: a person and their first application.
type CandidateInput struct {
	Name       string
	Email      string
	Phone      string
	PositionID int64
	Stage      StageKey // empty: the pipeline's first stage
}

// Validate checks the form and normalises its text.
func (in *CandidateInput) Validate() error {
	v := &Problems{}
	in.Name = strings.TrimSpace(in.Name)
	in.Phone = strings.TrimSpace(in.Phone)
	if in.Name == "" {
		v.Add("name", "Enter the candidate's full name.")
	}
	v.checkLength(in.Name, limits.Name)
	if e, err := NormalizeEmail(in.Email); err != nil {
		mergeFields(v, err)
	} else {
		in.Email = e
	}
	v.checkLength(in.Phone, limits.Phone)
	if in.PositionID <= 0 {
		v.Add("position_id", "Choose the position they applied for.")
	}
	return v.Err()
}

// CreateCandidate adds a candidate with an application and puts an
// invitation with a sign-in link in the outbox, all in one transaction.
func (s *Store) CreateCandidate(ctx context.Context, actor Actor, in CandidateInput) (*Candidate, error) {
	if !actor.Role.SeesCandidates() {
		return nil, ErrForbidden
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	c := &Candidate{Name: in.Name, Email: in.Email, Phone: in.Phone}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		pos, err := positionForApplication(tx, actor, in.PositionID)
		if err != nil {
			return err
		}
		stage := in.Stage
		if stage == "" {
			stage = pos.Pipeline[0]
		}
		// The stage rule before anything is written (transition checks it again).
		if _, err := pos.Pipeline.PlanTransition("", "", CauseOpened, MoveRequest{To: stage}, false); err != nil {
			return err
		}
		if err := tx.Create(c).Error; err != nil {
			if isUniqueViolation(err, "candidates_email_key") {
				return Invalid("email", "A candidate with this email already exists.")
			}
			return err
		}
		if _, err := s.openApplication(tx, actor, c, pos, stage, nil); err != nil {
			return err
		}
		return s.audit(tx, actor, "candidate.created", "candidate", c.ID, map[string]any{"position_id": pos.ID, "stage": stage})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func staffID(a Actor) *int64 {
	if a.Kind != "staff" || a.ID == 0 {
		return nil
	}
	id := a.ID
	return &id
}

// lockApplication loads an application FOR UPDATE with its position and
// pipeline, and checks that actor may change it.
func lockApplication(tx *gorm.DB, actor Actor, appID int64) (*Application, error) {
	return applicationFor(tx, actor, appID, true)
}

// readApplication is lockApplication without the lock, for a page.
func readApplication(tx *gorm.DB, actor Actor, appID int64) (*Application, error) {
	return applicationFor(tx, actor, appID, false)
}

func applicationFor(tx *gorm.DB, actor Actor, appID int64, lock bool) (*Application, error) {
	q := tx
	if lock {
		q = tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var app Application
	if err := q.First(&app, appID).Error; err != nil {
		return nil, notFound(err)
	}
	var pos Position
	if err := tx.First(&pos, app.PositionID).Error; err != nil {
		return nil, err
	}
	if !actor.Role.SeesCandidates() || !actor.ManagesPosition(&pos) {
		return nil, ErrNotFound
	}
	if err := loadPipelines(tx, []*Position{&pos}); err != nil {
		return nil, err
	}
	app.Position = &pos
	var c Candidate
	if err := tx.First(&c, app.CandidateID).Error; err != nil {
		return nil, err
	}
	app.Candidate = &c
	return &app, nil
}

// MoveStage moves an application on to a later stage of its pipeline (see
// CanMove: the next stage, or further with a confirmed, explained skip),
// resets the expected update date, records the event, audits, and tells the
// candidate.
func (s *Store) MoveStage(ctx context.Context, actor Actor, appID int64, m MoveRequest) error {
	m.Note = strings.TrimSpace(m.Note)
	if err := tooLong(m.Note, limits.StageNote); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockApplication(tx, actor, appID)
		if err != nil {
			return err
		}
		return s.moveStageTx(tx, actor, app, m)
	})
}

// moveStageTx is MoveStage on an application already locked in tx (by
// lockApplication or lockApplications). A refusal is returned before
// anything is written.
func (s *Store) moveStageTx(tx *gorm.DB, actor Actor, app *Application, m MoveRequest) error {
	return s.transition(tx, actor, app, transitionRequest{Cause: CauseStaffMove, To: m.To, Note: m.Note, ConfirmSkip: m.ConfirmSkip})
}

// contractSigned reports whether the application has a contract signed by both parties.
func contractSigned(tx *gorm.DB, appID int64) (bool, error) {
	var n int64
	err := tx.Table("contracts").Where("application_id = ? AND status = ?", appID, ContractCompleted).Count(&n).Error
	return n > 0, err
}

// UndoLastMove reverses the application's last stage move or skip, made by
// staff: the application returns to the stage it left, the undo is recorded
// and audited. If the move's message to the candidate has not left yet, it is
// withdrawn and nothing is sent (messageWithdrawn); otherwise the candidate
// is told the step they now face.
func (s *Store) UndoLastMove(ctx context.Context, actor Actor, appID int64, note string) (messageWithdrawn bool, err error) {
	note = strings.TrimSpace(note)
	if err := tooLong(note, limits.StageNote); err != nil {
		return false, err
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockApplication(tx, actor, appID)
		if err != nil {
			return err
		}
		if note == "" {
			note = "Undid the last stage move."
		}
		return s.transition(tx, actor, app, transitionRequest{Cause: CauseUndo, Note: note, withdrawn: &messageWithdrawn})
	})
	return messageWithdrawn, err
}

// lastEvent is the application's newest stage event, or nil.
func lastEvent(tx *gorm.DB, appID int64) (*StageEvent, error) {
	var e StageEvent
	err := tx.Where("application_id = ?", appID).Order("created_at DESC, id DESC").Limit(1).Find(&e).Error
	if err != nil || e.ID == 0 {
		return nil, err
	}
	return &e, nil
}

// CanUndo is the undo rule: the application's newest event must be a stage
// move or skip made by staff, and the application still live and where
// that move put it.
func CanUndo(app *Application, last *StageEvent) error {
	switch {
	case last == nil || (last.Kind != EventMove && last.Kind != EventSkip) || last.FromStage == nil || last.ActorStaffID == nil:
		return Invalid("undo", "There is no stage move to undo: only the last move or skip made by staff can be undone.")
	case app.Stage != last.ToStage || app.Status.Closed() && app.Status != StatusHired:
		return Invalid("undo", "The application has changed since that move, so it cannot be undone.")
	case app.Position != nil && app.Position.Pipeline.Index(*last.FromStage) < 0:
		return Invalid("undo", StageName(*last.FromStage)+" is no longer part of this position's pipeline.")
	}
	return nil
}

// ChangeStatus rejects, withdraws, holds or reactivates an application.
func (s *Store) ChangeStatus(ctx context.Context, actor Actor, appID int64, to Status, reason string) error {
	return s.changeStatus(ctx, actor, appID, to, reason, Rejection{})
}

// Reject rejects an application with the wording and at the time r says
// (see Rejection); the reason stays internal.
func (s *Store) Reject(ctx context.Context, actor Actor, appID int64, reason string, r Rejection) error {
	return s.changeStatus(ctx, actor, appID, StatusRejected, reason, r)
}

// RejectHeldUntilFilled rejects an application but holds the candidate's
// message until its position is filled or closed: the candidate stays a
// fallback without being promised a date that will pass.
func (s *Store) RejectHeldUntilFilled(ctx context.Context, actor Actor, appID int64, reason string) error {
	return s.changeStatus(ctx, actor, appID, StatusRejected, reason, Rejection{Held: true})
}

func (s *Store) changeStatus(ctx context.Context, actor Actor, appID int64, to Status, reason string, r Rejection) error {
	reason, err := cleanReason(reason)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockApplication(tx, actor, appID)
		if err != nil {
			return err
		}
		return s.changeStatusTx(tx, actor, app, to, reason, r)
	})
}

// cleanReason trims a status change's reason and refuses an overlong one.
func cleanReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	return reason, tooLong(reason, limits.OutcomeReason)
}

// changeStatusTx is changeStatus on an application already locked in tx,
// with reason cleaned; r serves a rejection. A refusal is returned before
// anything is written.
func (s *Store) changeStatusTx(tx *gorm.DB, actor Actor, app *Application, to Status, reason string, r Rejection) error {
	return s.closeApplication(tx, actor, app, StatusChange{To: to, Reason: reason, HoldMessage: r.Held, Wording: r.Wording, InDays: r.InDays, Cause: StatusByStaff})
}

// OverrideExpectedDate sets the date by which the candidate will hear from us.
func (s *Store) OverrideExpectedDate(ctx context.Context, actor Actor, appID int64, date time.Time, note string) error {
	at, note, err := s.promisedDate(date, note)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockApplication(tx, actor, appID)
		if err != nil {
			return err
		}
		return s.overrideExpectedDateTx(tx, actor, app, at, note)
	})
}

// promisedDate checks a new promised update date and its internal note, and
// returns the moment promised (the end of that working day) and the note trimmed.
func (s *Store) promisedDate(date time.Time, note string) (time.Time, string, error) {
	note = strings.TrimSpace(note)
	v := &Problems{}
	if date.IsZero() {
		v.Add("expected_date", "Enter a date.")
	}
	today := s.Now().In(s.loc)
	if !date.IsZero() && date.Before(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, s.loc)) {
		v.Add("expected_date", "The date cannot be in the past.")
	}
	if note == "" {
		v.Add("expected_note", "Say why the date changes (kept internal).")
	}
	v.checkLength(note, limits.ExpectedNote)
	if err := v.Err(); err != nil {
		return time.Time{}, "", err
	}
	return time.Date(date.Year(), date.Month(), date.Day(), 17, 0, 0, 0, s.loc), note, nil
}

// overrideExpectedDateTx is OverrideExpectedDate on an application already
// locked in tx, with at and note checked by promisedDate. A refusal is
// returned before anything is written.
func (s *Store) overrideExpectedDateTx(tx *gorm.DB, actor Actor, app *Application, at time.Time, note string) error {
	if app.Status.Closed() {
		return Invalid("expected_date", "This application is closed; there is no next update to promise.")
	}
	if err := tx.Model(&Application{}).Where("id = ?", app.ID).Updates(promiseKeptByPerson(map[string]any{
		"expected_update_at": at, "expected_update_note": note, "updated_at": s.Now()})).Error; err != nil {
		return err
	}
	return s.auditPersonal(tx, actor, app.CandidateID, "application.expected_date_changed", "application", app.ID,
		map[string]any{"to": at.Format("2006-01-02")}, map[string]any{"note": note})
}

// AddNote adds an internal note to a candidate.
func (s *Store) AddNote(ctx context.Context, actor Actor, candidateID int64, body string) error {
	// Permission first: an input error must not confirm that a candidate
	// out of the actor's scope exists.
	d, err := s.GetCandidateDetail(ctx, actor, candidateID)
	if err != nil {
		return err
	}
	if d.Candidate.ErasedAt != nil {
		return errErasedRecordClosed
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return Invalid("body", "Write the note first.")
	}
	if err := tooLong(body, limits.CandidateNote); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		n := CandidateNote{CandidateID: candidateID, AuthorStaffID: actor.ID, Body: body}
		if err := tx.Omit("Author").Create(&n).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "candidate.note_added", "candidate", candidateID, nil)
	})
}

// closeOpenOfferWork ends what a closed application can no longer answer: an
// open interest check, an open offer and a contract nobody has signed yet.
func closeOpenOfferWork(tx *gorm.DB, appID int64) error {
	if err := tx.Exec("UPDATE interest_checks SET status = ? WHERE application_id = ? AND status = ?", InterestCancelled, appID, InterestSent).Error; err != nil {
		return err
	}
	if err := tx.Exec("UPDATE offers SET status = ?, updated_at = now() WHERE application_id = ? AND status = ?", OfferStatusWithdrawn, appID, OfferStatusOpen).Error; err != nil {
		return err
	}
	return tx.Exec("UPDATE contracts SET status = 'void' WHERE application_id = ? AND status IN ('awaiting_candidate', 'awaiting_employer')", appID).Error
}

// WhatToDoNow is the stage's advice, adjusted to what has already happened,
// so a candidate is never told to do something done or not yet possible.
func (a CandidateApplication) WhatToDoNow() string {
	st, _ := LookupStage(a.Stage)
	if a.Status == StatusOnHold {
		return "Nothing for now. We will be in touch as soon as we can move forward."
	}
	switch a.Stage {
	case StageAssessmentDay:
		if a.Booking != nil {
			return "You are booked. Read the agenda and what to bring before the day; you can still move or cancel your seat until the booking closes."
		}
	case StageOffer:
		switch a.JobOffer {
		case "":
			return "We are preparing your offer. We will let you know as soon as it is ready to read."
		case OfferAccepted:
			return "Thank you for accepting. We are preparing your contract."
		}
	case StageContract:
		switch a.ContractStatus {
		case "":
			return "We are preparing your contract and will let you know when it is ready to sign."
		case ContractAwaitingEmployer:
			return "You have signed. We will countersign and send you the final copy."
		case ContractWrittenForm:
			return "We will send you the paper copy to sign."
		case ContractCompleted:
			return "Your contract is signed by both parties. You can download your copy at any time."
		}
	}
	return st.WhatToDo
}
