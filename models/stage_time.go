package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A stage's time (issue 21) is how many business days, counted in the
// portal's zone, a candidate at that stage of a position waits for news. A
// stage may have its own (position_stages.sla_days, set in the pipeline
// editor); a stage without one uses the position's decision time
// (positions.decision_sla_days). Every promised date is counted from it:
// Position.PromisedDate for a stage move or a new application (transition)
// and a reactivation (closeApplication), and stageTimeSQL, the same rule in
// SQL, for the promise keeper's new dates.

// The bounds of a stage's time and of a position's decision time, in
// business days: the CHECKs on position_stages.sla_days and
// positions.decision_sla_days.
const (
	minStageTime = 1
	maxStageTime = 60
)

// stageTimeSQL is StageTime in SQL, for a statement that joins the position
// as p and the application's stage of it (position_stages) as ps.
const stageTimeSQL = "coalesce(ps.sla_days, p.decision_sla_days)"

// StageTime is the business days within which a candidate at stage of p
// hears from us: the stage's own time, or else the position's decision
// time. The stage times ride with the pipeline (loadPipelines).
func (p *Position) StageTime(stage StageKey) int {
	if d, ok := p.OwnStageTime(stage); ok {
		return d
	}
	return p.DecisionSLADays
}

// OwnStageTime is the time set on stage of p itself; ok is false when the
// stage uses the position's decision time.
func (p *Position) OwnStageTime(stage StageKey) (days int, ok bool) {
	days, ok = p.stageTimes[stage]
	return days, ok
}

// PromisedDate is the date promised at t to a candidate who enters, or
// returns to, stage of p: the stage's time in business days later.
func (p *Position) PromisedDate(stage StageKey, t time.Time, loc *time.Location) time.Time {
	return AddBusinessDays(t, p.StageTime(stage), loc)
}

// HasStageTime reports whether a candidate at stage is promised a date, so
// whether the stage has a time to set: every stage but Hired.
func HasStageTime(stage StageKey) bool { return StatusAfterMove(stage) != StatusHired }

// StageTimeField is the pipeline editor's field for stage's time.
func StageTimeField(stage StageKey) string { return "sla_" + string(stage) }

// parseStageTimes reads the pipeline editor's times, as typed, for the
// stages of pipeline that have one: blank uses the position's decision
// time, anything else must be a whole number of business days within the
// bounds. Times typed for stages not in the pipeline are not kept.
func parseStageTimes(raw map[StageKey]string, pipeline Pipeline, v *Problems) map[StageKey]int {
	out := map[StageKey]int{}
	for _, k := range pipeline {
		s := strings.TrimSpace(raw[k])
		if s == "" || !HasStageTime(k) {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < minStageTime || n > maxStageTime {
			v.Add(StageTimeField(k), fmt.Sprintf("The time to update the candidate at %s must be a whole number of business days from %d to %d, or blank for the position's decision time.",
				StageName(k), minStageTime, maxStageTime))
			continue
		}
		out[k] = n
	}
	return out
}
