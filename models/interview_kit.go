package models

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// The interview kit: one page per round for its panel (and the staff who
// manage the application) with what they need to prepare — the candidate's
// documents, the position's description, the round's focus areas and the
// questions it suggests for each scorecard criterion — and, once the
// panelist's own scorecard is in (the blind-feedback rule,
// CanReadScorecards), the scorecards of the application's earlier rounds.
// Staff who manage the round set the focus areas and questions.

// InterviewKit is everything the kit page shows.
type InterviewKit struct {
	RoundPage                     // the round, application, position (criteria), the reader's scorecard and rights
	Documents []CandidateDocument // the candidate's, without bytes
	Questions map[int64]string    // suggested questions by criterion id
	Earlier   []EarlierRound      // earlier rounds with their scorecards, when SeesEarlier
	// SeesEarlier: the reader may read earlier rounds' scorecards now (a
	// panelist after submitting their own for this round).
	SeesEarlier bool
	// EarlierWaiting counts the earlier rounds' scorecards a panelist will
	// read once their own is in.
	EarlierWaiting int
}

// EarlierRound is one earlier round of the application with its scorecards.
type EarlierRound struct {
	Round      InterviewRound
	Scorecards []ScorecardRecord
}

// GetInterviewKit loads round roundID's kit for a panelist or a staff member
// who manages the application; anyone else gets ErrNotFound.
func (s *Store) GetInterviewKit(ctx context.Context, actor Actor, roundID int64) (*InterviewKit, error) {
	page, err := s.GetRoundPage(ctx, actor, roundID)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	k := &InterviewKit{RoundPage: *page, Questions: map[int64]string{}}
	if k.Documents, err = listDocuments(db, k.Application.CandidateID); err != nil {
		return nil, err
	}
	var qs []struct {
		CriterionID int64
		Questions   string
	}
	if err := db.Raw("SELECT criterion_id, questions FROM interview_round_questions WHERE round_id = ?", roundID).Scan(&qs).Error; err != nil {
		return nil, err
	}
	for _, q := range qs {
		k.Questions[q.CriterionID] = q.Questions
	}
	var earlier []InterviewRound
	if err := db.Raw(`SELECT * FROM interview_rounds WHERE application_id = ? AND id <> ? AND status = 'scheduled'
		AND starts_at < COALESCE(?, 'infinity'::timestamptz) ORDER BY starts_at, id`,
		k.Application.ID, roundID, k.Round.StartsAt).Scan(&earlier).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(earlier))
	for i := range earlier {
		ids[i] = earlier[i].ID
	}
	cards, err := roundScorecards(db, ids)
	if err != nil {
		return nil, err
	}
	// The blind-feedback rule, as on the round page: the reader's own
	// scorecard for this round opens the earlier ones too, except a round the
	// reader also sat on and has not scored yet (CanReadScorecards, per round).
	k.SeesEarlier = k.SeesOthers
	if !k.SeesEarlier {
		k.EarlierWaiting = len(cards)
		return k, nil
	}
	var panelOf []int64 // earlier rounds the reader sits on
	if len(ids) > 0 {
		if err := db.Raw("SELECT round_id FROM interview_panelists WHERE staff_id = ? AND round_id IN ?", actor.ID, ids).Scan(&panelOf).Error; err != nil {
			return nil, err
		}
	}
	manages := actor.ManagesPosition(k.Application.Position) && actor.Role.SeesCandidates()
	for _, r := range earlier {
		er := EarlierRound{Round: r}
		submittedOwn := false
		for _, c := range cards {
			if c.RoundID == r.ID {
				er.Scorecards = append(er.Scorecards, c)
				submittedOwn = submittedOwn || c.InterviewerID == actor.ID
			}
		}
		// A round the reader did not sit on opens with this one (SeesOthers);
		// one they sat on follows the rule for that round.
		if onPanel := slices.Contains(panelOf, r.ID); onPanel && !CanReadScorecards(actor, manages, onPanel, submittedOwn) {
			k.EarlierWaiting += len(er.Scorecards)
			continue
		}
		k.Earlier = append(k.Earlier, er)
	}
	return k, nil
}

// KitInput is the kit form: the round's focus areas and the suggested
// questions for each criterion ("questions_<criterion id>").
type KitInput struct {
	FocusAreas string
	Questions  map[int64]string
}

// KitQuestionsField is the form field of a criterion's suggested questions.
func KitQuestionsField(criterionID int64) string {
	return "questions_" + strconv.FormatInt(criterionID, 10)
}

// SaveInterviewKit sets a round's focus areas and suggested questions: for
// staff who manage the application (those who set the round up), for the
// position's live criteria.
func (s *Store) SaveInterviewKit(ctx context.Context, actor Actor, roundID int64, in KitInput) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var r InterviewRound
		if err := tx.First(&r, roundID).Error; err != nil {
			return notFound(err)
		}
		var pos Position
		if err := tx.Raw(`SELECT p.* FROM applications a JOIN positions p ON p.id = a.position_id WHERE a.id = ?`, r.ApplicationID).
			Scan(&pos).Error; err != nil {
			return err
		}
		if !actor.Role.SeesCandidates() || !actor.ManagesPosition(&pos) {
			return ErrNotFound
		}
		if err := loadCriteria(tx, &pos); err != nil {
			return err
		}
		var errs Problems
		focus := strings.TrimSpace(NormalizeNewlines(in.FocusAreas))
		errs.checkLength(focus, limits.RoundFocusAreas)
		questions := map[int64]string{}
		for _, c := range pos.Criteria {
			q := strings.TrimSpace(NormalizeNewlines(in.Questions[c.ID]))
			errs.checkLength(q, limits.KitQuestions.as(KitQuestionsField(c.ID), "The questions for "+c.Name+" are"))
			if q != "" {
				questions[c.ID] = q
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if err := tx.Exec("UPDATE interview_rounds SET focus_areas = ?, updated_at = ? WHERE id = ?", focus, s.Now(), r.ID).Error; err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM interview_round_questions WHERE round_id = ?", r.ID).Error; err != nil {
			return err
		}
		for _, c := range pos.Criteria {
			if q, ok := questions[c.ID]; ok {
				if err := tx.Exec("INSERT INTO interview_round_questions (round_id, criterion_id, questions) VALUES (?, ?, ?)", r.ID, c.ID, q).Error; err != nil {
					return err
				}
			}
		}
		return s.audit(tx, actor, "interview.kit_updated", "application", r.ApplicationID,
			map[string]any{"round": r.ID, "criteria_with_questions": len(questions)})
	})
}
