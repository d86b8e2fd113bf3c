package models

import (
	"sort"
	"time"

	"gorm.io/gorm"
)

// Promises follow the flow (issue 21): while the next move is the
// candidate's (answer an offer, take a seat offered from the waitlist, say
// whether they are still interested, sign, pick an interview time), their
// page shows their own deadline instead of the date by which they will hear
// from us, and the promise keeper leaves the application alone. When they
// have moved, the application comes back to staff with a new promised date
// (promiseAgain).

// MoveKind is something only the candidate can do.
type MoveKind string

// The candidate's moves.
const (
	MoveAnswerOffer    MoveKind = "answer_offer"
	MoveAcceptSeat     MoveKind = "accept_seat"
	MoveAnswerInterest MoveKind = "answer_interest"
	MoveSignContract   MoveKind = "sign_contract"
	MovePickTime       MoveKind = "pick_time"
)

// Label is the move as the candidate reads it.
func (k MoveKind) Label() string {
	switch k {
	case MoveAnswerOffer:
		return "Answer your job offer"
	case MoveAcceptSeat:
		return "Accept the assessment-day seat offered to you"
	case MoveAnswerInterest:
		return "Tell us whether you are still interested"
	case MoveSignContract:
		return "Sign your contract"
	case MovePickTime:
		return "Choose a time for your interview"
	}
	return string(k)
}

// CandidateMove is one move open to the candidate, with the moment it is
// due by (nil: no deadline).
type CandidateMove struct {
	Kind    MoveKind
	RoundID int64 // MovePickTime: the round
	By      *time.Time
}

// YourMoves are the candidate's open moves on a at now, the soonest due
// first (those without a deadline last). None on a closed application.
func (a CandidateApplication) YourMoves(now time.Time) []CandidateMove {
	if a.Status.Closed() {
		return nil
	}
	var moves []CandidateMove
	if a.JobOffer == OfferSent {
		moves = append(moves, CandidateMove{Kind: MoveAnswerOffer, By: a.OfferAnswerBy})
	}
	if a.Offers > 0 {
		moves = append(moves, CandidateMove{Kind: MoveAcceptSeat, By: a.SeatOfferBy})
	}
	if a.InterestOpen {
		moves = append(moves, CandidateMove{Kind: MoveAnswerInterest})
	}
	if a.ContractStatus == ContractAwaitingCandidate {
		moves = append(moves, CandidateMove{Kind: MoveSignContract})
	}
	for _, r := range a.Rounds {
		if r.Status == RoundProposed && len(r.OpenSlots(now)) > 0 {
			moves = append(moves, CandidateMove{Kind: MovePickTime, RoundID: r.ID})
		}
	}
	sort.SliceStable(moves, func(i, j int) bool {
		bi, bj := moves[i].By, moves[j].By
		return bi != nil && (bj == nil || bi.Before(*bj))
	})
	return moves
}

// YourDeadline is the soonest deadline among the candidate's open moves.
func (a CandidateApplication) YourDeadline(now time.Time) (CandidateMove, bool) {
	for _, m := range a.YourMoves(now) {
		if m.By != nil {
			return m, true
		}
	}
	return CandidateMove{}, false
}

// awaitingCandidateSQL is true for an application (aliased a) with a move
// open to the candidate: YourMoves in SQL, for the promise keeper. @now is
// the time now.
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
