package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// When a position is filled or closed, nobody may be left reading "you will
// hear from us by …" about it: every application still in progress before
// the offer is closed in the same transaction, each candidate gets the
// respectful message. Applications at the offer or later are the ones
// filling the position: an offer not yet accepted must be settled first; an
// accepted offer whose contract is not yet signed by both parties is the
// hire in progress, and the position may be filled with it. Rejections held
// until the position is filled (the fallbacks) go out when it is really
// filled: at once when no hire is in progress, else when the last hire in
// progress is confirmed (its contract signed by both parties, see
// hireConfirmed). A hire that falls through leaves them held: staff reopen
// the position and a fallback.

// OpenApplication is an application still in progress, on the page that
// confirms closing its position.
type OpenApplication struct {
	ID, CandidateID int64
	CandidateName   string
	Stage           StageKey
	Status          Status
	ClosesWithIt    bool // before the offer: closed with the position
	// Undecided: at the offer or later with no offer accepted and no
	// contract signed by both parties: an offer in progress, which staff
	// settle (withdraw, or the candidate accepts) before the position can
	// close.
	Undecided bool
	// HireInProgress: the offer is accepted, the contract not yet signed by
	// both parties; the position may be filled with it, and its fallbacks
	// wait for the signature.
	HireInProgress bool
	Signed         bool // a contract signed by both parties
}

// OpenApplications lists the position's applications still in progress.
func (s *Store) OpenApplications(ctx context.Context, actor Actor, positionID int64) (*Position, []OpenApplication, error) {
	if !actor.Role.ManagesPositions() {
		return nil, nil, ErrForbidden
	}
	db := s.db.WithContext(ctx)
	var p Position
	if err := db.First(&p, positionID).Error; err != nil {
		return nil, nil, notFound(err)
	}
	if err := loadPipelines(db, []*Position{&p}); err != nil {
		return nil, nil, err
	}
	var rows []struct {
		OpenApplication
		Accepted bool
	}
	if err := db.Raw(`SELECT a.id, a.candidate_id, c.name AS candidate_name, a.stage, a.status, `+signedSQL+` AS signed, `+acceptedSQL+` AS accepted FROM applications a
		JOIN candidates c ON c.id = a.candidate_id WHERE a.position_id = ? AND a.status IN ('active', 'on_hold')
		ORDER BY c.name, a.id LIMIT 1000`, p.ID).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	out := make([]OpenApplication, len(rows))
	for i, r := range rows {
		a := r.OpenApplication
		a.ClosesWithIt = closesWithPosition(p.Pipeline, a.Stage)
		a.HireInProgress = !a.ClosesWithIt && !a.Signed && r.Accepted
		a.Undecided = !a.ClosesWithIt && !a.Signed && !r.Accepted
		out[i] = a
	}
	return &p, out, nil
}

// signedSQL: application a has a contract signed by both parties (or
// agreed in writing): the offer and the contract are settled.
const signedSQL = `EXISTS (SELECT 1 FROM contracts k WHERE k.application_id = a.id AND k.status IN ('completed', 'written_form'))`

// acceptedSQL: application a's offer is accepted by the candidate.
const acceptedSQL = `EXISTS (SELECT 1 FROM offers o WHERE o.application_id = a.id AND o.status = 'accepted')`

// hireInProgressSQL: application a (in progress) is a hire not yet
// confirmed: its offer accepted, its contract not yet signed by both.
const hireInProgressSQL = `(a.status IN ('active', 'on_hold') AND ` + acceptedSQL + ` AND NOT ` + signedSQL + `)`

// msgOffersUndecided refuses closing a position while an offer for it is
// still undecided (not yet accepted).
func msgOffersUndecided(names []string) string {
	return fmt.Sprintf("Settle the offers in progress first (wait for the answer, or close the application, which withdraws its offer): %s. Closing the position would leave them undecided.", strings.Join(names, ", "))
}

// CloseChoice is what happens to one application still in progress before
// the offer when its position closes.
type CloseChoice string

// The choices on the close page.
const (
	CloseStandard CloseChoice = "close"    // rejected, with the standard message
	CloseWording  CloseChoice = "wording"  // rejected, in a chosen rejection wording
	CloseFallback CloseChoice = "fallback" // rejected, its message held until the position is settled
	CloseMove     CloseChoice = "move"     // moved to another open position
)

// CloseDecision is the choice for one application: Wording serves
// CloseWording, MoveTo (a position id) CloseMove.
type CloseDecision struct {
	Choice  CloseChoice
	Wording MessageKind
	MoveTo  int64
}

// ClosePosition marks a position filled or closed, deciding each
// application in progress before the offer as decisions say (one missing
// is closed with the standard message), in one transaction: refused while
// an offer is undecided (not yet accepted). A moved candidate gets a new
// application at the other position's first stage, told in one message.
// The held rejections (fallbacks) go out now unless a hire is in progress
// (see hireConfirmed). It is the one way a position is filled or closed.
func (s *Store) ClosePosition(ctx context.Context, actor Actor, id int64, status PositionStatus, decisions map[int64]CloseDecision) error {
	if !actor.Role.ManagesPositions() {
		return ErrForbidden
	}
	if status != PositionFilled && status != PositionClosed {
		return Invalid("status", "Choose filled or closed.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var p Position
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&p, id).Error; err != nil {
			return notFound(err)
		}
		if p.Status != PositionOpen {
			return Invalid("status", fmt.Sprintf("%s is no longer open.", p.Title))
		}
		if err := loadPipelines(tx, []*Position{&p}); err != nil {
			return err
		}
		var apps []Application
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("position_id = ? AND status IN ?", p.ID, []Status{StatusActive, StatusOnHold}).
			Order("id").Find(&apps).Error; err != nil {
			return err
		}
		if err := undecidedOffers(tx, &p, apps); err != nil {
			return err
		}
		counts := map[CloseChoice]int{}
		for i := range apps {
			app := &apps[i]
			d, ok := decisions[app.ID]
			if !ok || !closesWithPosition(p.Pipeline, app.Stage) {
				continue
			}
			app.Position = &p
			if err := s.decideOnClose(tx, actor, app, status, d); err != nil {
				return err
			}
			counts[d.Choice]++
		}
		if err := tx.Model(&Position{}).Where("id = ?", id).Updates(map[string]any{"status": status, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		closed, err := s.closeOpenApplications(tx, actor, &p, status)
		if err != nil {
			return err
		}
		return s.audit(tx, actor, "position.status_changed", "position", id, map[string]any{"from": p.Status, "to": status,
			"applications_closed": closed + counts[CloseStandard] + counts[CloseWording] + counts[CloseFallback], "moved": counts[CloseMove]})
	})
}

// undecidedOffers refuses while an application of p is at the offer or later
// with no offer accepted and no contract signed by both parties.
func undecidedOffers(tx *gorm.DB, p *Position, apps []Application) error {
	var ids []int64
	for _, a := range apps {
		if !closesWithPosition(p.Pipeline, a.Stage) {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var names []string
	if err := tx.Raw(`SELECT c.name FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE a.id IN ? AND NOT `+signedSQL+` AND NOT `+acceptedSQL+` ORDER BY c.name`, ids).Scan(&names).Error; err != nil {
		return err
	}
	if len(names) > 0 {
		return Invalid("status", msgOffersUndecided(names))
	}
	return nil
}

// decideOnClose carries out d for app, locked, whose position p is closing.
func (s *Store) decideOnClose(tx *gorm.DB, actor Actor, app *Application, status PositionStatus, d CloseDecision) error {
	reason := "The position was filled."
	if status == PositionClosed {
		reason = "The position was closed."
	}
	c := StatusChange{To: StatusRejected, Reason: reason, Cause: StatusByPositionFilled}
	switch d.Choice {
	case CloseStandard:
	case CloseWording:
		if d.Wording == "" {
			return Invalid(CloseField(app.ID), "Choose the wording of this rejection.")
		}
		c.Wording = d.Wording
	case CloseFallback:
		c.HoldMessage = true
	case CloseMove:
		return s.moveOnClose(tx, actor, app, d.MoveTo)
	default:
		return Invalid(CloseField(app.ID), "Choose what happens to this application.")
	}
	return s.closeApplication(tx, actor, app, c)
}

// moveOnClose closes app without a rejection and opens the candidate's
// application for position to, at its first stage, through the one way an
// application is added; the new application's message tells them both, and
// is their one message: the interviews the old application had still to
// come are called off without a cancellation email of their own (the panel
// is told as ever; the moved message carries the CANCEL of a booked time
// for the candidate's calendar). The old application names the new one, so
// the candidate's page says where it went.
func (s *Store) moveOnClose(tx *gorm.DB, actor Actor, app *Application, to int64) error {
	if to <= 0 || to == app.PositionID {
		return Invalid(CloseField(app.ID), "Choose the open position to move this application to.")
	}
	if err := loadApplicationParts(tx, app); err != nil {
		return err
	}
	const reason = "Moved to another position."
	cals, err := s.cancelLiveRounds(tx, app, reason, false)
	if err != nil {
		return err
	}
	move := &applicationMove{from: app.Position}
	if len(cals) > 0 {
		move.cancelICS = cals[0] // one calendar file a message; a second booked round is rare
	}
	if err := s.closeApplication(tx, actor, app, StatusChange{To: StatusRejected, Reason: reason,
		Cause: StatusByPositionFilled, toldElsewhere: true}); err != nil {
		return err
	}
	moved, err := s.addApplication(tx, actor, app.Candidate, to, move)
	if r := ErrorOf(err); r != nil && r.Code == CodeInvalid {
		sentence := r.Message // the refusal's own, on this application's choice
		return Invalid(CloseField(app.ID), sentence)
	}
	if err != nil {
		return err
	}
	return s.writeApplication(tx, app.ID, map[string]any{"moved_to_application_id": moved.ID})
}

// CloseField is the form field (and Problems key) of an application's
// choice on the close page.
func CloseField(appID int64) string { return "choice_" + strconv.FormatInt(appID, 10) }

// closesWithPosition: applications before the offer close with their position.
func closesWithPosition(p Pipeline, stage StageKey) bool {
	oi := p.Index(StageOffer)
	return oi < 0 || p.Index(stage) < oi
}

// closeOpenApplications closes, in tx, the position's applications in
// progress before the offer, and releases the rejections held for it unless
// a hire of it is still in progress.
func (s *Store) closeOpenApplications(tx *gorm.DB, actor Actor, p *Position, status PositionStatus) (int, error) {
	if err := loadPipelines(tx, []*Position{p}); err != nil {
		return 0, err
	}
	var apps []Application
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("position_id = ? AND status IN ?", p.ID, []Status{StatusActive, StatusOnHold}).
		Order("id").Find(&apps).Error; err != nil {
		return 0, err
	}
	reason := "The position was filled."
	if status == PositionClosed {
		reason = "The position was closed."
	}
	closed := 0
	for i := range apps {
		app := &apps[i]
		if !closesWithPosition(p.Pipeline, app.Stage) {
			continue
		}
		app.Position = p
		if err := s.closeApplication(tx, actor, app, StatusChange{To: StatusRejected, Reason: reason, Cause: StatusByPositionFilled}); err != nil {
			return 0, err
		}
		closed++
	}
	return closed, s.releaseHeldRejectionsIfFilled(tx, p.ID)
}

// hireConfirmed is called in the transaction that confirms app's hire (its
// contract signed by both parties, or accepted for the written form): the
// rejections held for its position go out if the position is filled or
// closed and no other hire of it is still in progress.
func (s *Store) hireConfirmed(tx *gorm.DB, app *Application) error {
	// The hire's application locked, as ClosePosition locks it: whichever
	// of the two commits second sees the other's change.
	if err := tx.Exec(`SELECT 1 FROM applications WHERE id = ? FOR UPDATE`, app.ID).Error; err != nil {
		return err
	}
	return s.releaseHeldRejectionsIfFilled(tx, app.PositionID)
}

// releaseHeldRejectionsIfFilled releases the rejections held for position
// id once it is no longer open and no hire of it is in progress. The
// position is read, not locked (see hireConfirmed).
func (s *Store) releaseHeldRejectionsIfFilled(tx *gorm.DB, positionID int64) error {
	var st struct {
		Open       bool
		InProgress bool
	}
	if err := tx.Raw(`SELECT p.status = 'open' AS open, EXISTS (SELECT 1 FROM applications a WHERE a.position_id = p.id AND `+hireInProgressSQL+`) AS in_progress
		FROM positions p WHERE p.id = ?`, positionID).Scan(&st).Error; err != nil {
		return err
	}
	if st.Open || st.InProgress {
		return nil
	}
	return s.releaseHeldRejections(tx, positionID)
}

// releaseHeldRejections sends the messages held until the position was
// filled: the rejections and what their closing caused.
func (s *Store) releaseHeldRejections(tx *gorm.DB, positionID int64) error {
	if err := s.releaseHeldMessages(tx, "held_for_position_id = ?", positionID); err != nil {
		return err
	}
	return tx.Exec(`UPDATE applications SET rejection_held = false WHERE position_id = ? AND rejection_held`, positionID).Error
}

var errNothingToHoldFor = Invalid("send", "This position is no longer open, so there is nothing to wait for: send the message now.")

// dropHeldRejection withdraws the never-sent rejection of an application
// reopened while its message was held; what else its closing held (an
// interview's cancellation, which the candidate's calendar needs) goes now.
func (s *Store) dropHeldRejection(tx *gorm.DB, app *Application) error {
	if _, err := cancelMessages(tx, "held_for_position_id = ? AND candidate_id = ? AND kind IN ?",
		app.PositionID, app.CandidateID, RejectionWordings()); err != nil { // in whichever wording it was held
		return err
	}
	return s.releaseHeldMessages(tx, "held_for_position_id = ? AND candidate_id = ?", app.PositionID, app.CandidateID)
}

// MoveTargets are the open positions, other than positionID, that actor may
// move an application to when positionID closes.
func (s *Store) MoveTargets(ctx context.Context, actor Actor, positionID int64) ([]PositionChoice, error) {
	if !actor.Role.ManagesPositions() {
		return nil, ErrForbidden
	}
	cond, args := positionScope(actor, "p")
	var out []PositionChoice
	err := s.db.WithContext(ctx).Raw(`SELECT p.id, p.title, p.status FROM positions p WHERE p.status = ? AND p.id <> ? AND `+cond+`
		ORDER BY lower(p.title), p.id LIMIT 500`, append([]any{PositionOpen, positionID}, args...)...).Scan(&out).Error
	return out, err
}
