package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PositionStatus is whether a position still hires.
type PositionStatus string

// Position statuses.
const (
	PositionOpen   PositionStatus = "open"
	PositionFilled PositionStatus = "filled"
	PositionClosed PositionStatus = "closed"
)

// Position is a job being hired for.
type Position struct {
	ID              int64
	Title           string
	Department      string
	Location        string
	Headcount       int
	Status          PositionStatus
	DecisionSLADays int `gorm:"column:decision_sla_days"`
	HiringManagerID *int64
	// RequiresDecisionApproval gates the offer stage behind an approved consultation.
	RequiresDecisionApproval bool
	// RequiredChecks is which checks (background, medical) the position
	// needs: see SetPositionChecks and checks.go.
	RequiredChecks RequiredChecks `gorm:"default:none"`
	// Description is what the job is, for the interview panels' kits.
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time

	Pipeline      Pipeline             `gorm:"-"`
	stageTimes    map[StageKey]int     // the stages' own times (StageTime), loaded with the pipeline
	Criteria      []ScorecardCriterion `gorm:"-"` // what interviewers rate, in order
	HiringManager *StaffUser           `gorm:"foreignKey:HiringManagerID"`
}

// TableName binds the struct to its table.
func (Position) TableName() string { return "positions" }

type positionStage struct {
	PositionID int64
	Stage      StageKey
	SortOrder  int
	SLADays    *int `gorm:"column:sla_days"` // the stage's own time; nil: the position's (StageTime)
}

func (positionStage) TableName() string { return "position_stages" }

// PositionInput is the position form.
type PositionInput struct {
	Title           string
	Department      string
	Location        string
	Headcount       int
	DecisionSLADays int
	HiringManagerID int64
	Pipeline        Pipeline
	Criteria        string // scorecard criteria, one per line; empty for the defaults
	Description     string // the job, for the interview kit
	// StageTimes is the pipeline editor's time of each stage, as typed:
	// business days, blank for the position's decision time (StageTime).
	StageTimes map[StageKey]string
	// RequiresDecisionApproval: the offer stage waits for an approved consultation.
	RequiresDecisionApproval bool

	criteria   []string         // Criteria parsed by Validate
	stageTimes map[StageKey]int // StageTimes parsed by Validate, for the pipeline's stages
}

// Validate checks the form and trims its text.
func (in *PositionInput) Validate() error {
	v := &Problems{}
	in.Title = strings.TrimSpace(in.Title)
	in.Department = strings.TrimSpace(in.Department)
	in.Location = strings.TrimSpace(in.Location)
	in.Description = strings.TrimSpace(in.Description)
	if in.Title == "" {
		v.Add("title", "Enter the job title.")
	}
	v.checkLength(in.Title, limits.PositionTitle)
	v.checkLength(in.Department, limits.PositionDepartment)
	v.checkLength(in.Location, limits.PositionLocation)
	v.checkLength(in.Description, limits.PositionDescription)
	if in.Headcount < 1 || in.Headcount > 1000 {
		v.Add("headcount", "Headcount must be a whole number from 1 to 1000.")
	}
	if in.DecisionSLADays < minStageTime || in.DecisionSLADays > maxStageTime {
		v.Add("decision_sla_days", fmt.Sprintf("The decision time must be from %d to %d business days.", minStageTime, maxStageTime))
	}
	if err := in.Pipeline.Validate(); err != nil {
		v.Add("stages", FieldErrors(err)["stages"])
	} else if err := in.Pipeline.checkClosingOrder(); err != nil {
		v.Add("stages", FieldErrors(err)["stages"])
	}
	criteria, err := ParseCriteria(in.Criteria)
	if err != nil {
		v.Add("criteria", FieldErrors(err)["criteria"])
	}
	in.criteria = criteria
	in.stageTimes = parseStageTimes(in.StageTimes, in.Pipeline, v)
	return v.Err()
}

// CreatePosition adds a position with its pipeline.
func (s *Store) CreatePosition(ctx context.Context, actor Actor, in PositionInput) (*Position, error) {
	if !actor.Role.ManagesPositions() {
		return nil, ErrForbidden
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := &Position{Title: in.Title, Department: in.Department, Location: in.Location, Headcount: in.Headcount,
		Status: PositionOpen, DecisionSLADays: in.DecisionSLADays, RequiresDecisionApproval: in.RequiresDecisionApproval, Description: in.Description}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := checkHiringManager(tx, in.HiringManagerID); err != nil {
			return err
		}
		if in.HiringManagerID != 0 {
			p.HiringManagerID = &in.HiringManagerID
		}
		if err := tx.Omit("HiringManager").Create(p).Error; err != nil {
			return err
		}
		if err := writePipeline(tx, p.ID, in.Pipeline, in.stageTimes); err != nil {
			return err
		}
		if err := writeCriteria(tx, p.ID, in.criteria); err != nil {
			return err
		}
		return s.audit(tx, actor, "position.created", "position", p.ID, map[string]any{"title": p.Title, "pipeline": in.Pipeline,
			"stage_times": in.stageTimes})
	})
	if err != nil {
		return nil, err
	}
	p.Pipeline, p.stageTimes = in.Pipeline, in.stageTimes
	return p, nil
}

// UpdatePosition changes a position and rewrites its pipeline. A stage that
// applications are in cannot be removed.
func (s *Store) UpdatePosition(ctx context.Context, actor Actor, id int64, in PositionInput) error {
	if !actor.Role.ManagesPositions() {
		return ErrForbidden
	}
	if err := in.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var p Position
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&p, id).Error; err != nil {
			return notFound(err)
		}
		if err := checkHiringManager(tx, in.HiringManagerID); err != nil {
			return err
		}
		var inUse []struct {
			Stage StageKey
			N     int
		}
		if err := tx.Raw(`SELECT stage, count(*) AS n FROM applications WHERE position_id = ? GROUP BY stage`, id).Scan(&inUse).Error; err != nil {
			return err
		}
		for _, u := range inUse {
			if in.Pipeline.Index(u.Stage) < 0 {
				verb := " are"
				if u.N == 1 {
					verb = " is"
				}
				return Invalid("stages", fmt.Sprintf("%s cannot be removed: %s%s in it. Move them first.", StageName(u.Stage), countOf(u.N, "application", "applications"), verb))
			}
		}
		var hm *int64
		if in.HiringManagerID != 0 {
			hm = &in.HiringManagerID
		}
		if err := tx.Model(&Position{}).Where("id = ?", id).Updates(map[string]any{
			"title": in.Title, "department": in.Department, "location": in.Location, "headcount": in.Headcount,
			"decision_sla_days": in.DecisionSLADays, "hiring_manager_id": hm, "updated_at": s.Now(),
			"requires_decision_approval": in.RequiresDecisionApproval, "description": in.Description,
		}).Error; err != nil {
			return err
		}
		if err := tx.Where("position_id = ?", id).Delete(&positionStage{}).Error; err != nil {
			return err
		}
		if err := writePipeline(tx, id, in.Pipeline, in.stageTimes); err != nil {
			return err
		}
		if err := writeCriteria(tx, id, in.criteria); err != nil {
			return err
		}
		return s.audit(tx, actor, "position.updated", "position", id, map[string]any{"title": in.Title, "pipeline": in.Pipeline,
			"stage_times": in.stageTimes})
	})
}

// ReopenPosition opens a filled or closed position again. Filling and
// closing have one way: ClosePosition (a choice per application, refused
// over an undecided offer, the fallbacks held while a hire is in progress).
// The rejections still held for the position stay held: reopening one of
// those applications withdraws its rejection; closing the position again
// releases the others.
func (s *Store) ReopenPosition(ctx context.Context, actor Actor, id int64) error {
	if !actor.Role.ManagesPositions() {
		return ErrForbidden
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var p Position
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&p, id).Error; err != nil {
			return notFound(err)
		}
		if p.Status == PositionOpen {
			return nil
		}
		if err := tx.Model(&Position{}).Where("id = ?", id).Updates(map[string]any{"status": PositionOpen, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "position.status_changed", "position", id, map[string]any{"from": p.Status, "to": PositionOpen, "applications_closed": 0})
	})
}

func checkHiringManager(tx *gorm.DB, id int64) error {
	if id == 0 {
		return nil
	}
	var u StaffUser
	if err := tx.First(&u, id).Error; err != nil || !u.Active || (u.Role != RoleHiringManager && u.Role != RoleAdmin) {
		return Invalid("hiring_manager_id", "Choose an active hiring manager.")
	}
	return nil
}

// writePipeline saves pipeline p of a position, with the stages' own times.
func writePipeline(tx *gorm.DB, positionID int64, p Pipeline, times map[StageKey]int) error {
	rows := make([]positionStage, len(p))
	for i, k := range p {
		rows[i] = positionStage{PositionID: positionID, Stage: k, SortOrder: i}
		if d, ok := times[k]; ok {
			rows[i].SLADays = &d
		}
	}
	return tx.Create(&rows).Error
}

// loadPipelines loads the pipelines of positions, each stage with its own
// time (StageTime), in one statement.
func loadPipelines(tx *gorm.DB, positions []*Position) error {
	if len(positions) == 0 {
		return nil
	}
	ids := make([]int64, len(positions))
	byID := map[int64]*Position{}
	for i, p := range positions {
		ids[i] = p.ID
		byID[p.ID] = p
		p.Pipeline, p.stageTimes = nil, nil
	}
	var rows []positionStage
	if err := tx.Where("position_id IN ?", ids).Order("position_id, sort_order").Find(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		p := byID[r.PositionID]
		p.Pipeline = append(p.Pipeline, r.Stage)
		if r.SLADays != nil {
			if p.stageTimes == nil {
				p.stageTimes = map[StageKey]int{}
			}
			p.stageTimes[r.Stage] = *r.SLADays
		}
	}
	return nil
}

// TakesApplications reports whether new applications may be added to the
// position: only while it is open.
func (p *Position) TakesApplications() bool { return p.Status == PositionOpen }

// TakingApplications keeps the positions of ps that take new applications,
// in their order: those a new candidate may be added to.
func TakingApplications(ps []PositionSummary) []PositionSummary {
	out := ps[:0:0]
	for _, p := range ps {
		if p.TakesApplications() {
			out = append(out, p)
		}
	}
	return out
}

// PositionChoice is a position as a filter offers it.
type PositionChoice struct {
	ID     int64
	Title  string
	Status PositionStatus
}

// PositionSummary is a position with counts for the list page.
type PositionSummary struct {
	Position
	ActiveCount int64
	TotalCount  int64
	// FallbacksKept: applications whose rejection is held for the position
	// (kept as fallbacks); HiresInProgress: offers accepted, contracts not
	// yet signed by both. A filled position with fallbacks kept and no hire
	// in progress had its hire fall through: staff reopen it and a fallback.
	FallbacksKept   int64
	HiresInProgress int64
}

// ListPositions returns the positions visible to actor with their counts.
func (s *Store) ListPositions(ctx context.Context, actor Actor) ([]PositionSummary, error) {
	var ps []Position
	q := s.db.WithContext(ctx).Preload("HiringManager").Order("status = 'open' DESC, lower(title)")
	cond, args := positionScope(actor, "")
	if cond == "FALSE" {
		return nil, nil
	}
	q = q.Where(cond, args...)
	if err := q.Find(&ps).Error; err != nil {
		return nil, err
	}
	ptrs := make([]*Position, len(ps))
	for i := range ps {
		ptrs[i] = &ps[i]
	}
	if err := loadPipelines(s.db.WithContext(ctx), ptrs); err != nil {
		return nil, err
	}
	var counts []struct {
		PositionID                          int64
		Active, Total, Held, HireInProgress int64
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT a.position_id, count(*) FILTER (WHERE a.status IN ('active','on_hold')) AS active, count(*) AS total,
		count(*) FILTER (WHERE a.rejection_held) AS held, count(*) FILTER (WHERE ` + hireInProgressSQL + `) AS hire_in_progress
		FROM applications a GROUP BY a.position_id`).Scan(&counts).Error; err != nil {
		return nil, err
	}
	cm := map[int64][4]int64{}
	for _, c := range counts {
		cm[c.PositionID] = [4]int64{c.Active, c.Total, c.Held, c.HireInProgress}
	}
	out := make([]PositionSummary, len(ps))
	for i, p := range ps {
		c := cm[p.ID]
		out[i] = PositionSummary{Position: p, ActiveCount: c[0], TotalCount: c[1], FallbacksKept: c[2], HiresInProgress: c[3]}
	}
	return out, nil
}

// GetPosition loads one position with its pipeline, if actor may see it.
func (s *Store) GetPosition(ctx context.Context, actor Actor, id int64) (*Position, error) {
	var p Position
	if err := s.db.WithContext(ctx).Preload("HiringManager").First(&p, id).Error; err != nil {
		return nil, notFound(err)
	}
	if !actor.ManagesPosition(&p) {
		return nil, ErrNotFound
	}
	if err := loadPipelines(s.db.WithContext(ctx), []*Position{&p}); err != nil {
		return nil, err
	}
	if err := loadCriteria(s.db.WithContext(ctx), &p); err != nil {
		return nil, err
	}
	return &p, nil
}
