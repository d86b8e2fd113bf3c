package models

import (
	"context"
	"fmt"
	"time"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"
)

// DemoPassword is the password of every demo staff account. It exists only
// in demo data.
const DemoPassword = "nextstep-demo"

// Demo staff accounts, one per role.
var DemoStaff = []StaffInput{
	{Email: "admin@demo.nextstep.test", Name: "Ada Admin", Role: RoleAdmin},
	{Email: "recruiter@demo.nextstep.test", Name: "Rita Recruiter", Role: RoleRecruiter},
	{Email: "manager@demo.nextstep.test", Name: "Hugo Manager", Role: RoleHiringManager},
	{Email: "interviewer@demo.nextstep.test", Name: "Ines Interviewer", Role: RoleInterviewer},
}

// demoJobTitles are what candidates read next to the demo staff's names.
var demoJobTitles = map[Role]string{RoleAdmin: "People Operations", RoleRecruiter: "Talent Partner",
	RoleHiringManager: "Head of Sales", RoleInterviewer: "Senior Account Executive"}

type demoCandidate struct {
	name, email string
	position    int
	stage       StageKey
	status      Status
	reason      string
}

// SeedDemo fills an empty database with demo positions, candidates and staff.
// It does nothing when the demo admin already exists, so it is safe to rerun.
func (s *Store) SeedDemo(ctx context.Context) (bool, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&StaffUser{}).Where("lower(email) = ?", DemoStaff[0].Email).Count(&n).Error; err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	hash, err := argon2id.CreateHash(DemoPassword, argon2id.DefaultParams)
	if err != nil {
		return false, err
	}
	actor := SystemActor("seed")
	err = s.tx(ctx, func(tx *gorm.DB) error {
		staff := make([]StaffUser, len(DemoStaff))
		for i, in := range DemoStaff {
			staff[i] = StaffUser{Email: in.Email, Name: in.Name, JobTitle: demoJobTitles[in.Role], Role: in.Role, PasswordHash: hash, Active: true,
				CanSignContracts: in.Role == RoleAdmin || in.Role == RoleHiringManager}
			if err := tx.Create(&staff[i]).Error; err != nil {
				return err
			}
		}
		manager := staff[2].ID
		positions := []struct {
			p        Position
			pipeline Pipeline
			criteria []string
		}{
			// Sales offers need the head of sales' approval.
			{Position{Title: "Account Executive", Department: "Sales", Location: "London", Headcount: 2, DecisionSLADays: 3, RequiresDecisionApproval: true},
				Pipeline{StageInterviewCompleted, StageAdditionalInterview, StageAssessmentDay, StageCommercialNegotiation, StageHRRound, StageReferenceChecks, StageFinalDecision, StageOffer, StageContract, StageOnboarding, StageHired},
				[]string{"Negotiation", "Customer empathy", "Values and teamwork"}},
			{Position{Title: "Backend Engineer (Go)", Department: "Engineering", Location: "Remote (EU)", Headcount: 1, DecisionSLADays: 5},
				Pipeline{StageInterviewCompleted, StageAdditionalInterview, StageHRRound, StageReferenceChecks, StageBackgroundCheck, StageFinalDecision, StageOffer, StageContract, StageOnboarding, StageHired},
				[]string{"Go and system design", "Problem solving", "Communication"}},
			{Position{Title: "Warehouse Operations Lead", Department: "Operations", Location: "Manchester", Headcount: 1, DecisionSLADays: 4},
				Pipeline{StageInterviewCompleted, StageAssessmentDay, StageHRRound, StageReferenceChecks, StageMedical, StageFinalDecision, StageOffer, StageContract, StageOnboarding, StageHired},
				nil},
		}
		posIDs := make([]int64, len(positions))
		for i := range positions {
			p := positions[i].p
			p.Status = PositionOpen
			p.HiringManagerID = &manager
			if i == 1 {
				p.HiringManagerID = nil // engineering has no manager assigned yet: the demo manager must not see it
			}
			if err := tx.Omit("HiringManager").Create(&p).Error; err != nil {
				return err
			}
			if err := writePipeline(tx, p.ID, positions[i].pipeline); err != nil {
				return err
			}
			if err := writeCriteria(tx, p.ID, positions[i].criteria); err != nil {
				return err
			}
			posIDs[i] = p.ID
		}
		people := []demoCandidate{
			{"Amelia Hart", "amelia.hart@example.com", 0, StageInterviewCompleted, StatusActive, ""},
			{"Ben Okafor", "ben.okafor@example.com", 0, StageAssessmentDay, StatusActive, ""},
			{"Chloe Dubois", "chloe.dubois@example.com", 0, StageCommercialNegotiation, StatusActive, ""},
			{"Daniel Kim", "daniel.kim@example.com", 0, StageOffer, StatusActive, ""},
			{"Elena Rossi", "elena.rossi@example.com", 0, StageAdditionalInterview, StatusRejected, "Stronger candidates on negotiation skills."},
			{"Farid Haddad", "farid.haddad@example.com", 1, StageAdditionalInterview, StatusActive, ""},
			{"Grace Liu", "grace.liu@example.com", 1, StageHRRound, StatusActive, ""},
			{"Henrik Larsen", "henrik.larsen@example.com", 1, StageBackgroundCheck, StatusActive, ""},
			{"Isabel Moreno", "isabel.moreno@example.com", 1, StageFinalDecision, StatusOnHold, ""},
			{"Jonas Weber", "jonas.weber@example.com", 1, StageContract, StatusActive, ""},
			{"Kemi Adeyemi", "kemi.adeyemi@example.com", 2, StageAssessmentDay, StatusActive, ""},
			{"Liam O'Brien", "liam.obrien@example.com", 2, StageReferenceChecks, StatusActive, ""},
			{"Maya Patel", "maya.patel@example.com", 2, StageMedical, StatusActive, ""},
			{"Noah Schmidt", "noah.schmidt@example.com", 2, StageOnboarding, StatusActive, ""},
			{"Olivia Brown", "olivia.brown@example.com", 2, StageHired, StatusHired, ""},
			{"Pavel Novak", "pavel.novak@example.com", 2, StageInterviewCompleted, StatusWithdrawn, "Accepted another offer."},
		}
		now := s.Now()
		for i, d := range people {
			c := Candidate{Name: d.name, Email: d.email}
			if err := tx.Create(&c).Error; err != nil {
				return err
			}
			pipeline := positions[d.position].pipeline
			entered := now.Add(-time.Duration(i+1) * 26 * time.Hour)
			app := Application{CandidateID: c.ID, PositionID: posIDs[d.position], Stage: d.stage, Status: d.status,
				StageEnteredAt: entered, OutcomeReason: d.reason}
			if !d.status.Closed() {
				exp := AddBusinessDays(entered, positions[d.position].p.DecisionSLADays, s.loc)
				app.ExpectedUpdateAt = &exp
			}
			if err := tx.Omit("Candidate", "Position").Create(&app).Error; err != nil {
				return err
			}
			// History: every stage up to the current one, a day or two apart.
			upto := pipeline.Index(d.stage)
			for j := 0; j <= upto; j++ {
				at := entered.Add(-time.Duration(upto-j) * 50 * time.Hour)
				ev := StageEvent{ApplicationID: app.ID, ToStage: pipeline[j], ToStatus: StatusActive, CreatedAt: at}
				if j > 0 {
					prev := pipeline[j-1]
					ev.FromStage, ev.FromStatus = &prev, StatusActive
				}
				if j == upto && d.status == StatusHired {
					ev.ToStatus = StatusHired
				}
				if err := tx.Omit("Actor").Create(&ev).Error; err != nil {
					return err
				}
			}
			if d.status == StatusRejected || d.status == StatusWithdrawn || d.status == StatusOnHold {
				st := d.stage
				if err := tx.Omit("Actor").Create(&StageEvent{ApplicationID: app.ID, FromStage: &st, ToStage: st, FromStatus: StatusActive,
					ToStatus: d.status, Note: d.reason, Kind: EventStatus, CreatedAt: entered.Add(2 * time.Hour)}).Error; err != nil {
					return err
				}
			}
		}
		// Assessment days for the two roles that hold one.
		day := func(title string, inDays, capacity int, posIdx int, address string) error {
			start := time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, time.UTC).AddDate(0, 0, inDays)
			d := AssessmentDay{Title: title, StartsAt: start, EndsAt: start.Add(7 * time.Hour), TimeZone: "Europe/London",
				LocationAddress: address, Directions: "Ask for the Nextstep hiring team at reception.", Capacity: capacity, CutoffHours: 24,
				Agenda:      "09:00 Welcome and coffee\n09:30 Group exercise\n12:00 Lunch with the team\n13:00 Role play\n15:30 Questions and close",
				WhatToBring: "Photo ID and a pen. Lunch is provided.", Status: DayScheduled}
			if err := tx.Create(&d).Error; err != nil {
				return err
			}
			return writeDayPositions(tx, d.ID, []int64{posIDs[posIdx]})
		}
		if err := day("Sales assessment day (London)", 10, 12, 0, "1 Market Street, London EC2A 1AA"); err != nil {
			return err
		}
		if err := day("Sales assessment day (London, second date)", 17, 12, 0, "1 Market Street, London EC2A 1AA"); err != nil {
			return err
		}
		if err := day("Operations assessment day (Manchester)", 12, 8, 2, "Unit 4, Trafford Park, Manchester M17 1AB"); err != nil {
			return err
		}
		return audit(tx, actor, "demo.seeded", "", 0, map[string]any{"candidates": len(people), "positions": len(positions)})
	})
	if err != nil {
		return false, fmt.Errorf("seeding demo data: %w", err)
	}
	return true, nil
}
