package models

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// writeCriteria replaces a position's criteria by names, keeping the ids of
// names that stay (so ratings keep their criterion) and retiring the rest.
func writeCriteria(tx *gorm.DB, positionID int64, names []string) error {
	if len(names) == 0 {
		names = DefaultCriteria()
	}
	var existing []ScorecardCriterion
	if err := tx.Where("position_id = ?", positionID).Find(&existing).Error; err != nil {
		return err
	}
	for _, c := range existing {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, c.Name) }) && !c.Retired {
			if err := tx.Model(&ScorecardCriterion{}).Where("id = ?", c.ID).Update("retired", true).Error; err != nil {
				return err
			}
		}
	}
	for i, name := range names {
		idx := slices.IndexFunc(existing, func(c ScorecardCriterion) bool { return strings.EqualFold(c.Name, name) })
		if idx >= 0 {
			if err := tx.Model(&ScorecardCriterion{}).Where("id = ?", existing[idx].ID).
				Updates(map[string]any{"name": name, "sort_order": i, "retired": false}).Error; err != nil {
				return err
			}
			continue
		}
		if err := tx.Create(&ScorecardCriterion{PositionID: positionID, Name: name, SortOrder: i}).Error; err != nil {
			return err
		}
	}
	return nil
}

// loadCriteria fills the positions' live criteria, in order.
func loadCriteria(tx *gorm.DB, positions ...*Position) error {
	if len(positions) == 0 {
		return nil
	}
	ids := make([]int64, len(positions))
	byID := map[int64]*Position{}
	for i, p := range positions {
		ids[i], byID[p.ID] = p.ID, p
		p.Criteria = nil
	}
	var rows []ScorecardCriterion
	if err := tx.Where("position_id IN ? AND NOT retired", ids).Order("position_id, sort_order, id").Find(&rows).Error; err != nil {
		return err
	}
	for _, c := range rows {
		byID[c.PositionID].Criteria = append(byID[c.PositionID].Criteria, c)
	}
	return nil
}

// RoundPage is everything the staff page of one interview round shows.
type RoundPage struct {
	Round       InterviewRound
	Application Application // with Candidate and Position (criteria included)
	Mine        *ScorecardRecord
	CanEdit     bool // the reader sits on the panel and scorecards are still open
	CanManage   bool // the reader may reschedule or cancel
	SeesOthers  bool // the blind-feedback rule lets the reader see the others' scorecards
	Others      []ScorecardRecord
	Submitted   int // scorecards in, of len(Round.Panel)
	// ScorecardNotice says why a panelist cannot write their scorecard yet.
	ScorecardNotice string
	FreeSlots       []InterviewSlot
}

// GetRoundPage loads a round for a staff member who sits on its panel or may
// manage its application; anyone else gets ErrNotFound.
func (s *Store) GetRoundPage(ctx context.Context, actor Actor, roundID int64) (*RoundPage, error) {
	db := s.db.WithContext(ctx)
	var p RoundPage
	if err := db.First(&p.Round, roundID).Error; err != nil {
		return nil, notFound(err)
	}
	if err := loadRoundDetails(db, []*InterviewRound{&p.Round}); err != nil {
		return nil, err
	}
	if err := db.First(&p.Application, p.Round.ApplicationID).Error; err != nil {
		return nil, err
	}
	var pos Position
	var cand Candidate
	if err := db.First(&pos, p.Application.PositionID).Error; err != nil {
		return nil, err
	}
	if err := db.First(&cand, p.Application.CandidateID).Error; err != nil {
		return nil, err
	}
	if err := loadCriteria(db, &pos); err != nil {
		return nil, err
	}
	p.Application.Position, p.Application.Candidate = &pos, &cand
	onPanel := p.Round.HasPanelist(actor.ID)
	p.CanManage = actor.Role.SeesCandidates() && actor.ManagesPosition(&pos)
	if !onPanel && !p.CanManage {
		return nil, ErrNotFound
	}
	cards, err := roundScorecards(db, []int64{p.Round.ID})
	if err != nil {
		return nil, err
	}
	for i := range cards {
		if cards[i].InterviewerID == actor.ID {
			p.Mine = &cards[i]
		}
	}
	p.Submitted = len(cards)
	if onPanel {
		if err := CanWriteScorecard(&p.Round, &p.Application, s.Now(), s.loc); err == nil {
			p.CanEdit = true
		} else if p.Round.Status == RoundScheduled && ScorecardsOpen(&p.Application) {
			// Not yet: say when it opens, in the reader's own zone.
			loc, zerr := s.actorZone(db, actor)
			if zerr != nil {
				return nil, zerr
			}
			p.ScorecardNotice = CanWriteScorecard(&p.Round, &p.Application, s.Now(), loc).Error()
		}
	}
	p.SeesOthers = CanReadScorecards(actor, actor.ManagesPosition(&pos) && actor.Role.SeesCandidates(), onPanel, p.Mine != nil)
	if p.SeesOthers {
		for _, c := range cards {
			if c.InterviewerID != actor.ID {
				p.Others = append(p.Others, c)
			}
		}
	}
	if p.CanManage && p.Round.Status == RoundProposed {
		if err := db.Where("position_id = ? AND booked_round_id IS NULL AND starts_at > ? AND id NOT IN (SELECT slot_id FROM interview_round_slots WHERE round_id = ?)",
			pos.ID, s.Now(), p.Round.ID).Order("starts_at").Limit(20).Find(&p.FreeSlots).Error; err != nil {
			return nil, err
		}
	}
	return &p, nil
}

// roundScorecards loads the scorecards of rounds with ratings and authors.
func roundScorecards(db *gorm.DB, roundIDs []int64) ([]ScorecardRecord, error) {
	if len(roundIDs) == 0 {
		return nil, nil
	}
	var cards []ScorecardRecord
	if err := db.Raw(`SELECT sc.*, u.name AS interviewer FROM scorecards sc JOIN staff_users u ON u.id = sc.interviewer_id
		WHERE sc.round_id IN ? ORDER BY sc.submitted_at, sc.id`, roundIDs).Scan(&cards).Error; err != nil {
		return nil, err
	}
	if len(cards) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(cards))
	for i := range cards {
		ids[i] = cards[i].ID
		cards[i].Ratings = map[int64]ScorecardRating{}
	}
	var ratings []ScorecardRating
	if err := db.Where("scorecard_id IN ?", ids).Find(&ratings).Error; err != nil {
		return nil, err
	}
	for _, r := range ratings {
		for i := range cards {
			if cards[i].ID == r.ScorecardID {
				cards[i].Ratings[r.CriterionID] = r
			}
		}
	}
	return cards, nil
}

// SubmitScorecard saves the panelist's scorecard for a round: the first
// time it is submitted, later it is updated, until the decision.
func (s *Store) SubmitScorecard(ctx context.Context, actor Actor, roundID int64, in ScorecardInput) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var r InterviewRound
		if err := tx.First(&r, roundID).Error; err != nil {
			return notFound(err)
		}
		var onPanel int64
		if err := tx.Table("interview_panelists").Where("round_id = ? AND staff_id = ?", r.ID, actor.ID).Count(&onPanel).Error; err != nil {
			return err
		}
		if onPanel == 0 {
			return ErrNotFound
		}
		var app Application
		if err := tx.First(&app, r.ApplicationID).Error; err != nil {
			return err
		}
		pos := Position{ID: app.PositionID}
		if err := loadCriteria(tx, &pos); err != nil {
			return err
		}
		loc, err := s.actorZone(tx, actor) // the refusal names the start in the writer's zone
		if err != nil {
			return err
		}
		if err := CanWriteScorecard(&r, &app, s.Now(), loc); err != nil {
			return err
		}
		ratings, err := in.parse(pos.Criteria)
		if err != nil {
			return err
		}
		now := s.Now()
		card := Scorecard{RoundID: r.ID, InterviewerID: actor.ID, Recommendation: in.Recommendation, Notes: strings.TrimSpace(in.Notes),
			SubmittedAt: now, UpdatedAt: now}
		var inserted bool
		// One statement decides "first submission or update", so two tabs
		// submitting at once leave one scorecard.
		if err := tx.Raw(`INSERT INTO scorecards (round_id, interviewer_id, recommendation, notes, submitted_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, interviewer_id)
			DO UPDATE SET recommendation = EXCLUDED.recommendation, notes = EXCLUDED.notes, updated_at = EXCLUDED.updated_at
			RETURNING id, xmax = 0`, card.RoundID, card.InterviewerID, card.Recommendation, card.Notes, now, now).
			Row().Scan(&card.ID, &inserted); err != nil {
			return err
		}
		if err := tx.Where("scorecard_id = ?", card.ID).Delete(&ScorecardRating{}).Error; err != nil {
			return err
		}
		for i := range ratings {
			ratings[i].ScorecardID = card.ID
		}
		if len(ratings) > 0 {
			if err := tx.Create(&ratings).Error; err != nil {
				return err
			}
		}
		action := "scorecard.updated"
		if inserted {
			action = "scorecard.submitted"
		}
		return s.audit(tx, actor, action, "application", app.ID, map[string]any{"round": r.ID, "recommendation": card.Recommendation})
	})
}

// MyInterview is a round on an interviewer's list.
type MyInterview struct {
	Round         InterviewRound
	CandidateName string
	PositionTitle string
	Submitted     bool
}

// MyInterviews lists the rounds actor sits on: upcoming (and still being
// scheduled) first, then held ones waiting for actor's scorecard, then the
// rest of the past. Nothing of other panels.
func (s *Store) MyInterviews(ctx context.Context, actor Actor) (upcoming, needFeedback, done []MyInterview, err error) {
	db := s.db.WithContext(ctx)
	var rows []struct {
		InterviewRound
		CandidateName string
		PositionTitle string
		Submitted     bool
	}
	if err := db.Raw(`SELECT r.*, c.name AS candidate_name, p.title AS position_title,
			EXISTS (SELECT 1 FROM scorecards sc WHERE sc.round_id = r.id AND sc.interviewer_id = ?) AS submitted
		FROM interview_panelists ip JOIN interview_rounds r ON r.id = ip.round_id
		JOIN applications a ON a.id = r.application_id JOIN candidates c ON c.id = a.candidate_id JOIN positions p ON p.id = a.position_id
		WHERE ip.staff_id = ? AND r.status <> 'cancelled'
		ORDER BY r.starts_at NULLS FIRST, r.id LIMIT 500`, actor.ID, actor.ID).Scan(&rows).Error; err != nil {
		return nil, nil, nil, err
	}
	now := s.Now()
	for _, r := range rows {
		m := MyInterview{Round: r.InterviewRound, CandidateName: r.CandidateName, PositionTitle: r.PositionTitle, Submitted: r.Submitted}
		switch {
		case m.Round.Held(now) && !m.Submitted:
			needFeedback = append(needFeedback, m)
		case m.Round.Held(now):
			done = append(done, m)
		default:
			upcoming = append(upcoming, m)
		}
	}
	slices.Reverse(done) // the most recent first
	return upcoming, needFeedback, done, nil
}

// ApplicationRounds loads the rounds of those applications actor may read
// (an interviewer: the applications whose interviews they sit on), oldest
// first, with panel, offered slots and the number of scorecards in.
func (s *Store) ApplicationRounds(ctx context.Context, actor Actor, appIDs []int64) ([]InterviewRound, error) {
	appIDs, err := visibleApplications(s.db.WithContext(ctx), actor, appIDs, scopeInterviews)
	if err != nil {
		return nil, err
	}
	return s.applicationRounds(ctx, appIDs)
}

// applicationRounds is ApplicationRounds for applications already in scope:
// one statement.
func (s *Store) applicationRounds(ctx context.Context, appIDs []int64) ([]InterviewRound, error) {
	if len(appIDs) == 0 {
		return nil, nil
	}
	var raw []byte
	if err := s.db.WithContext(ctx).Raw("SELECT "+roundsJSON("?"), appIDs).Row().Scan(&raw); err != nil {
		return nil, err
	}
	var rounds []InterviewRound
	return rounds, decodeRows(raw, &rounds)
}

// roundsJSON is the interview rounds of the applications whose ids the SQL
// apps gives (a list parameter or a subquery), as a JSON array in id order:
// each round with its panel, its offered times and how many scorecards are
// in. The candidate's pages read it in their one statement; staff pages
// through applicationRounds.
func roundsJSON(apps string) string {
	return `coalesce((SELECT jsonb_agg(to_jsonb(r) || jsonb_build_object(
			'panel', coalesce((SELECT jsonb_agg(jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email, 'job_title', u.job_title, 'role', u.role)
				ORDER BY u.name, u.id) FROM interview_panelists ip JOIN staff_users u ON u.id = ip.staff_id WHERE ip.round_id = r.id), '[]'),
			'slots', coalesce((SELECT jsonb_agg(jsonb_build_object('id', sl.id, 'position_id', sl.position_id, 'starts_at', sl.starts_at, 'ends_at', sl.ends_at,
				'booked_round_id', sl.booked_round_id) ORDER BY sl.starts_at, sl.id)
				FROM interview_round_slots rs JOIN interview_slots sl ON sl.id = rs.slot_id WHERE rs.round_id = r.id), '[]'),
			'scorecard_count', (SELECT count(*) FROM scorecards sc WHERE sc.round_id = r.id)) ORDER BY r.id)
		FROM interview_rounds r WHERE r.application_id IN (` + apps + `)), '[]')`
}

// ReviewRow is one candidate in the side-by-side review of a position.
type ReviewRow struct {
	ApplicationID   int64
	CandidateID     int64
	CandidateName   string
	Stage           StageKey
	Status          Status
	Averages        map[int64]float64 // criterion id → mean rating, for criteria rated at least once
	Recommendations map[Recommendation]int
	Scorecards      int
	Assessment      string // the assessment-day result: pass, fail, no show, or ""
}

// Review is the side-by-side table of a position.
type Review struct {
	Position Position // with Criteria and Pipeline
	From     StageKey
	Rows     []ReviewRow
}

// GetReview builds the side-by-side table of the position's live and hired
// candidates at or past stage from (the first stage when empty), for
// recruiters, admins and the position's hiring manager.
func (s *Store) GetReview(ctx context.Context, actor Actor, positionID int64, from StageKey) (*Review, error) {
	db := s.db.WithContext(ctx)
	var pos Position
	if err := db.First(&pos, positionID).Error; err != nil {
		return nil, notFound(err)
	}
	if !actor.Role.SeesCandidates() || !actor.ManagesPosition(&pos) {
		return nil, ErrNotFound
	}
	if err := loadPipelines(db, []*Position{&pos}); err != nil {
		return nil, err
	}
	if err := loadCriteria(db, &pos); err != nil {
		return nil, err
	}
	if pos.Pipeline.Index(from) < 0 && len(pos.Pipeline) > 0 {
		from = pos.Pipeline[0]
	}
	var stages []StageKey
	if i := pos.Pipeline.Index(from); i >= 0 {
		stages = pos.Pipeline[i:]
	}
	var apps []struct {
		ID, CandidateID int64
		Name            string
		Stage           StageKey
		Status          Status
	}
	if err := db.Raw(`SELECT a.id, a.candidate_id, c.name, a.stage, a.status FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE a.position_id = ? AND a.stage IN ? AND a.status IN ('active', 'on_hold', 'hired') ORDER BY c.name, a.id LIMIT 200`,
		pos.ID, stages).Scan(&apps).Error; err != nil {
		return nil, err
	}
	rv := &Review{Position: pos, From: from}
	if len(apps) == 0 {
		return rv, nil
	}
	ids := make([]int64, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	var avgs []struct {
		ApplicationID, CriterionID int64
		Mean                       float64
	}
	if err := db.Raw(`SELECT r.application_id, sr.criterion_id, avg(sr.rating)::float8 AS mean
		FROM scorecard_ratings sr JOIN scorecards sc ON sc.id = sr.scorecard_id JOIN interview_rounds r ON r.id = sc.round_id
		WHERE r.application_id IN ? AND r.status <> 'cancelled' GROUP BY 1, 2`, ids).Scan(&avgs).Error; err != nil {
		return nil, err
	}
	var recs []struct {
		ApplicationID  int64
		Recommendation Recommendation
		N              int
	}
	if err := db.Raw(`SELECT r.application_id, sc.recommendation, count(*) AS n FROM scorecards sc JOIN interview_rounds r ON r.id = sc.round_id
		WHERE r.application_id IN ? AND r.status <> 'cancelled' GROUP BY 1, 2`, ids).Scan(&recs).Error; err != nil {
		return nil, err
	}
	var results []struct {
		ApplicationID int64
		Attendance    Attendance
		Result        AssessmentResult
	}
	if err := db.Raw(`SELECT DISTINCT ON (application_id) application_id, attendance, result FROM assessment_bookings
		WHERE application_id IN ? AND (attendance <> 'unknown' OR result <> 'none') ORDER BY application_id, id DESC`, ids).Scan(&results).Error; err != nil {
		return nil, err
	}
	for _, a := range apps {
		row := ReviewRow{ApplicationID: a.ID, CandidateID: a.CandidateID, CandidateName: a.Name, Stage: a.Stage, Status: a.Status,
			Averages: map[int64]float64{}, Recommendations: map[Recommendation]int{}}
		for _, v := range avgs {
			if v.ApplicationID == a.ID {
				row.Averages[v.CriterionID] = v.Mean
			}
		}
		for _, r := range recs {
			if r.ApplicationID == a.ID {
				row.Recommendations[r.Recommendation] += r.N
				row.Scorecards += r.N
			}
		}
		for _, r := range results {
			if r.ApplicationID == a.ID {
				row.Assessment = AssessmentOutcome(r.Attendance, r.Result)
			}
		}
		rv.Rows = append(rv.Rows, row)
	}
	return rv, nil
}

// AssessmentOutcome is an assessment-day result in a word.
func AssessmentOutcome(attendance Attendance, result AssessmentResult) string {
	switch {
	case attendance == AttendanceNoShow:
		return "No show"
	case result == AssessmentPass:
		return "Passed"
	case result == AssessmentFail:
		return "Did not pass"
	case attendance == AttendanceAttended:
		return "Attended"
	}
	return ""
}

// When is the round's time for people, in loc with the zone named.
func (r *InterviewRound) When(loc *time.Location) string {
	if r.StartsAt == nil || r.EndsAt == nil {
		return ""
	}
	st := r.StartsAt.In(loc)
	return st.Format("Monday 2 January 2006, 15:04") + "–" + r.EndsAt.In(loc).Format("15:04") + " (" + ZoneLabel(st, loc) + ")"
}
