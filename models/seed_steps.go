package models

// The demo's steps, each one use case of the Store acted out by the demo
// staff or the candidate (see SeedDemo): adding, moving, interviews and
// scorecards, assessment days, decisions, offers, contracts.

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

const (
	london     = "1 Market Street, London EC2A 1AA"
	manchester = "Unit 4, Trafford Park, Manchester M17 1AB"
)

// assessmentDay has the recruiter create, createdAgo days ago, a day held
// inDays from now (negative: in the past) at 09:00 London time.
func (d *demoSeed) assessmentDay(createdAgo float64, key, title string, inDays, capacity int, pos **Position, address string) {
	d.dayOffsets[key] = inDays
	d.step(d.ago(createdAgo), "assessment day "+key, func() error {
		date := d.dayStart(key).Format("2006-01-02")
		day, err := d.s.CreateAssessmentDay(d.ctx, d.recruiter, AssessmentDayInput{Title: title, Date: date, StartTime: "09:00", EndTime: "16:00",
			TimeZone: "Europe/London", LocationAddress: address, Directions: "Ask for the Nextstep hiring team at reception.",
			Capacity: fmt.Sprint(capacity), CutoffHours: "24",
			Agenda:      "09:00 Welcome and coffee\n09:30 Group exercise\n12:00 Lunch with the team\n13:00 Role play\n15:30 Questions and close",
			WhatToBring: "Photo ID and a pen. Lunch is provided.", PositionIDs: []int64{(*pos).ID}})
		d.days[key] = day
		return err
	})
}

func (d *demoSeed) person(name, email string, pos **Position) *demoPerson {
	return &demoPerson{d: d, name: name, email: email, pos: pos}
}

// create has the recruiter add the candidate at the first stage.
func (p *demoPerson) create(ago float64) {
	d := p.d
	d.step(d.ago(ago), p.name+" added", func() error {
		c, err := d.s.CreateCandidate(d.ctx, d.recruiter, CandidateInput{Name: p.name, Email: p.email, PositionID: (*p.pos).ID})
		if err != nil {
			return err
		}
		p.candidate = Actor{Kind: "candidate", ID: c.ID, Email: c.Email, IP: "203.0.113.10", UserAgent: "Nextstep demo data"}
		return d.s.db.WithContext(d.ctx).Model(&Application{}).Where("candidate_id = ? AND position_id = ?", c.ID, (*p.pos).ID).
			Pluck("id", &p.appID).Error
	})
}

// move has the recruiter move the candidate on to the next stage.
func (p *demoPerson) move(ago float64, to StageKey) {
	d := p.d
	d.step(d.ago(ago), fmt.Sprintf("%s to %s", p.name, to), func() error {
		return d.s.MoveStage(d.ctx, d.recruiter, p.appID, MoveRequest{To: to})
	})
}

// skip moves the candidate further than the next stage, confirmed and explained.
func (p *demoPerson) skip(ago float64, to StageKey, why string) {
	d := p.d
	d.step(d.ago(ago), fmt.Sprintf("%s skips to %s", p.name, to), func() error {
		return d.s.MoveStage(d.ctx, d.recruiter, p.appID, MoveRequest{To: to, Note: why, ConfirmSkip: true})
	})
}

// status has the recruiter reject, withdraw or hold the application.
func (p *demoPerson) status(ago float64, to Status, reason string) {
	d := p.d
	d.step(d.ago(ago), fmt.Sprintf("%s %s", p.name, to), func() error {
		return d.s.ChangeStatus(d.ctx, d.recruiter, p.appID, to, reason)
	})
}

// slotString is t as the interview form sends it, in the portal's time zone.
func (d *demoSeed) slotString(t time.Time) string { return t.In(d.s.loc).Format("2006-01-02T15:04") }

func (d *demoSeed) roundInput(kind InterviewKind, panel []int64, slots ...time.Time) RoundInput {
	in := RoundInput{Kind: kind, Duration: "60", PanelIDs: panel, Location: "1 Market Street, London",
		VideoURL: "https://meet.example.com/nextstep-demo", Instructions: "Bring examples of your recent work."}
	for _, t := range slots {
		in.Slots = append(in.Slots, d.slotString(t))
	}
	return in
}

// interview: the recruiter offers one time, heldAgo days ago at 14:30, on
// createdAgo days ago (at least a day earlier); the candidate picks it an
// hour later; each panelist writes a scorecard two hours after it started.
func (p *demoPerson) interview(createdAgo, heldAgo float64, kind InterviewKind, panel ...demoCard) {
	d := p.d
	start := d.localTime(d.ago(heldAgo), 14, 30)
	var round *InterviewRound
	d.step(d.ago(createdAgo), p.name+" interview offered", func() error {
		var ids []int64
		for _, c := range panel {
			ids = append(ids, c.who.ID)
		}
		var err error
		round, err = d.s.CreateRound(d.ctx, d.recruiter, p.appID, d.roundInput(kind, ids, start))
		return err
	})
	d.step(d.ago(createdAgo).Add(time.Hour), p.name+" picks the interview time", func() error {
		return d.s.PickSlot(d.ctx, p.candidate, p.appID, round.ID, round.Slots[0].ID)
	})
	for i, c := range panel {
		d.step(start.Add(2*time.Hour+time.Duration(i)*20*time.Minute), p.name+" scorecard", func() error {
			return d.s.SubmitScorecard(d.ctx, *c.who, round.ID, d.scorecard(*p.pos, c.rec))
		})
	}
}

// demoCard is a panelist and the recommendation they will give.
type demoCard struct {
	who *Actor
	rec Recommendation
}

// proposeTimes offers future times (days from now, hour, minute) the candidate has not picked yet.
func (p *demoPerson) proposeTimes(createdAgo float64, kind InterviewKind, panelist *Actor, times [][3]int) {
	d := p.d
	d.step(d.ago(createdAgo), p.name+" interview times offered", func() error {
		var slots []time.Time
		for _, t := range times {
			slots = append(slots, d.localTime(d.now.AddDate(0, 0, t[0]), t[1], t[2]))
		}
		_, err := d.s.CreateRound(d.ctx, d.recruiter, p.appID, d.roundInput(kind, []int64{panelist.ID}, slots...))
		return err
	})
}

// upcoming offers one time inDays from now, which the candidate picks pickedAgo days ago.
func (p *demoPerson) upcoming(createdAgo, pickedAgo float64, kind InterviewKind, panelist *Actor, inDays, hh, mm int) {
	d := p.d
	var round *InterviewRound
	d.step(d.ago(createdAgo), p.name+" interview offered", func() error {
		var err error
		round, err = d.s.CreateRound(d.ctx, d.recruiter, p.appID,
			d.roundInput(kind, []int64{panelist.ID}, d.localTime(d.now.AddDate(0, 0, inDays), hh, mm)))
		return err
	})
	d.step(d.ago(pickedAgo), p.name+" picks the interview time", func() error {
		return d.s.PickSlot(d.ctx, p.candidate, p.appID, round.ID, round.Slots[0].ID)
	})
}

// scorecard rates every criterion of pos in line with the recommendation.
func (d *demoSeed) scorecard(pos *Position, rec Recommendation) ScorecardInput {
	var criteria []ScorecardCriterion
	d.s.db.WithContext(d.ctx).Where("position_id = ? AND NOT retired", pos.ID).Order("sort_order, id").Find(&criteria)
	base := map[Recommendation]int{RecommendStrongNo: 1, RecommendNo: 2, RecommendYes: 3, RecommendStrongYes: 4}[rec]
	in := ScorecardInput{Recommendation: rec, Ratings: map[int64]string{}, RatingNotes: map[int64]string{},
		Notes: map[Recommendation]string{
			RecommendStrongYes: "Excellent throughout; I would hire.",
			RecommendYes:       "Solid answers and good examples.",
			RecommendNo:        "Struggled with the pricing scenario.",
			RecommendStrongNo:  "Not a fit for this role.",
		}[rec]}
	for i, c := range criteria {
		r := base
		if i == 1 && r > 1 { // not every criterion the same
			r--
		}
		in.Ratings[c.ID] = fmt.Sprint(r)
	}
	return in
}

// book: the candidate books a seat on the day; with a result, the recruiter
// records attendance and the result once the day is over.
func (p *demoPerson) book(ago float64, dayKey string, result AssessmentResult) {
	d := p.d
	d.step(d.ago(ago), p.name+" books "+dayKey, func() error {
		var err error
		p.booking, err = d.s.BookSeat(d.ctx, p.candidate, p.appID, d.days[dayKey].ID)
		return err
	})
	if result == "" {
		return
	}
	// Results are recorded seven hours after the day started.
	d.step(d.dayStart(dayKey).Add(7*time.Hour), p.name+" assessment result", func() error {
		return d.s.RecordAssessmentResult(d.ctx, d.recruiter, p.booking.ID, AttendanceAttended, result, "Clear communicator; led the group exercise well.")
	})
}

// dayStart is when the assessment day key starts: 09:00 London time, as
// many days from now as the script lays it out (negative: in the past).
func (d *demoSeed) dayStart(key string) time.Time {
	tz, err := time.LoadLocation("Europe/London")
	if err != nil {
		tz = time.UTC
	}
	l := d.now.AddDate(0, 0, d.dayOffsets[key]).In(tz)
	return time.Date(l.Year(), l.Month(), l.Day(), 9, 0, 0, 0, tz)
}

// decision: the recruiter asks the head of sales and the admin, who both approve.
func (p *demoPerson) decision(askedAgo, answeredAgo float64, proposal string) {
	d := p.d
	var id int64
	d.step(d.ago(askedAgo), p.name+" decision asked", func() error {
		if err := d.s.RequestDecision(d.ctx, d.recruiter, p.appID, DecisionInput{Proposal: proposal,
			ConsultedIDs: []int64{d.manager.ID, d.admin.ID}}); err != nil {
			return err
		}
		return d.s.db.WithContext(d.ctx).Model(&DecisionRequest{}).Where("application_id = ?", p.appID).Order("id DESC").Limit(1).Pluck("id", &id).Error
	})
	d.step(d.ago(answeredAgo), p.name+" decision approved", func() error {
		if err := d.s.RespondDecision(d.ctx, d.manager, id, VerdictApprove, "Best commercial instincts we have seen this round."); err != nil {
			return err
		}
		return d.s.RespondDecision(d.ctx, d.admin, id, VerdictApprove, "Agreed; the budget is there.")
	})
}

// offer: the recruiter drafts and submits the offer, the approver approves
// it, the recruiter sends it. It expires expiresIn days after it is
// drafted; the job starts startIn days from now.
func (p *demoPerson) offer(draftedAgo, approvedAgo, sentAgo float64, approver *Actor, salary, currency string, expiresIn, startIn int) {
	d := p.d
	d.step(d.ago(draftedAgo), p.name+" offer drafted", func() error {
		in := OfferInput{JobTitle: (*p.pos).Title, SalaryAmount: salary, SalaryCurrency: currency, SalaryPeriod: "year",
			Benefits: "25 days holiday, pension and private health cover.", BonusEquity: "Annual bonus of up to 10%.",
			StartDate: d.now.AddDate(0, 0, startIn).In(d.s.loc).Format("2006-01-02"), Location: (*p.pos).Location,
			WorkingPattern: "Full time", PersonalMessage: "We all enjoyed meeting you and hope you will join us.",
			ExpiresOn: d.ago(draftedAgo).AddDate(0, 0, expiresIn).In(d.s.loc).Format("2006-01-02")}
		var err error
		if p.version, err = d.s.SaveOfferDraft(d.ctx, d.recruiter, p.appID, in); err != nil {
			return err
		}
		return d.s.SubmitOffer(d.ctx, d.recruiter, p.version.ID)
	})
	d.step(d.ago(approvedAgo), p.name+" offer approved", func() error {
		return d.s.ApproveOffer(d.ctx, *approver, p.version.ID)
	})
	d.step(d.ago(sentAgo), p.name+" offer sent", func() error {
		return d.s.SendOffer(d.ctx, d.recruiter, p.version.ID)
	})
}

// accept: the candidate accepts the offer sent to them.
func (p *demoPerson) accept(ago float64) {
	d := p.d
	d.step(d.ago(ago), p.name+" accepts the offer", func() error {
		return d.s.AcceptJobOffer(d.ctx, p.candidate, p.appID, p.version.ID)
	})
}

// ask: the candidate asks a question about the offer.
func (p *demoPerson) ask(ago float64, question string) {
	d := p.d
	d.step(d.ago(ago), p.name+" asks about the offer", func() error {
		return d.s.AskOfferQuestion(d.ctx, p.candidate, p.appID, question)
	})
}

// contract: the recruiter sends the contract; the candidate consents and
// signs; with a countersigner, they countersign countersignedAgo days ago.
func (p *demoPerson) contract(sentAgo, signedAgo float64, countersigner *Actor, countersignedAgo float64) {
	d := p.d
	d.step(d.ago(sentAgo), p.name+" contract sent", func() error {
		c, err := d.s.GenerateContract(d.ctx, d.recruiter, p.appID, d.template)
		if err != nil {
			return err
		}
		p.contractID = c.ID
		return nil
	})
	d.step(d.ago(signedAgo), p.name+" signs the contract", func() error {
		if err := d.s.GiveEsignConsent(d.ctx, p.candidate, p.appID, true); err != nil {
			return err
		}
		return d.s.SignAsCandidate(d.ctx, p.candidate, p.appID, p.name, true)
	})
	if countersigner == nil {
		return
	}
	d.step(d.ago(countersignedAgo), p.name+" contract countersigned", func() error {
		var u StaffUser
		if err := d.s.db.WithContext(d.ctx).First(&u, countersigner.ID).Error; err != nil {
			return err
		}
		return d.s.Countersign(d.ctx, *countersigner, p.contractID, u.Name, true)
	})
}

// interestCheck: the recruiter asks whether the candidate is still interested.
func (p *demoPerson) interestCheck(ago float64) {
	d := p.d
	d.step(d.ago(ago), p.name+" interest check", func() error {
		_, err := d.s.SendInterestCheck(d.ctx, d.recruiter, p.appID,
			"A similar opening may come up soon. Are you still interested in joining us?",
			[]string{"Would a start in the spring suit you?"})
		return err
	})
}

// demoDocument is the demo's right-to-work upload: a tiny PDF.
var demoDocument = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// onboard: the starter does every task of their checklist, and staff
// verify the document (after recording the original seen) and do theirs.
func (p *demoPerson) onboard(ago float64, staff *Actor) {
	d := p.d
	d.step(d.ago(ago), p.name+" completes onboarding", func() error {
		var tasks []OnboardingTask
		if err := d.s.db.WithContext(d.ctx).Where("application_id = ?", p.appID).Order("sort_order").Find(&tasks).Error; err != nil {
			return err
		}
		for _, t := range tasks {
			if err := p.doTask(t, staff); err != nil {
				return fmt.Errorf("%s: %w", t.Title, err)
			}
		}
		return nil
	})
}

func (p *demoPerson) doTask(t OnboardingTask, staff *Actor) error {
	d := p.d
	switch t.Kind {
	case TaskConfirm:
		return d.s.ConfirmTask(d.ctx, p.candidate, t.ID, t.ConfirmVersion)
	case TaskForm:
		return d.s.SubmitTaskForm(d.ctx, p.candidate, t.ID, map[string]string{"home_address": "1 Demo Street, London", "phone": "+44 20 7946 0000",
			"date_of_birth": "1990-05-17", "iban": "GB29 NWBK 6016 1331 9268 19", "ni_number": "AB 12 34 56 C",
			"emergency_contact_name": "Sam Demo", "emergency_contact_relationship": "Sibling", "emergency_contact_phone": "+44 20 7946 0001"})
	case TaskUpload:
		if _, err := d.s.UploadTaskDocument(d.ctx, p.candidate, t.ID, "passport.pdf", demoDocument); err != nil {
			return err
		}
		if t.Document == DocRightToWork {
			exp := d.now.AddDate(5, 0, 0)
			if err := d.s.RecordRightToWork(d.ctx, *staff, t.ID, RTWUKPassport, d.s.Now(), &exp); err != nil {
				return err
			}
		}
		return d.s.VerifyDocument(d.ctx, *staff, t.ID)
	case TaskStaff:
		return d.s.CompleteStaffTask(d.ctx, *staff, t.ID)
	}
	return nil
}

// cv has the recruiter attach a one-page CV, so the interview kit shows a
// document in the demo.
func (p *demoPerson) cv(ago float64, lines ...string) {
	d := p.d
	d.step(d.ago(ago), p.name+"'s CV attached", func() error {
		pdf, err := newPDF()
		if err != nil {
			return err
		}
		pdf.SetCreationDate(d.ago(ago))
		pdf.AddPage()
		pdf.SetFont(pdfSans, "B", 18)
		pdf.Cell(0, 12, p.name)
		pdf.Ln(16)
		pdf.SetFont(pdfSans, "", 11)
		for _, l := range lines {
			pdf.MultiCell(0, 6, l, "", "L", false)
			pdf.Ln(2)
		}
		var buf bytes.Buffer
		if err := pdf.Output(&buf); err != nil {
			return err
		}
		_, err = d.s.UploadCandidateDocument(d.ctx, d.recruiter, p.candidate.ID, DocumentCV,
			strings.ReplaceAll(p.name, " ", "-")+"-CV.pdf", buf.Bytes())
		return err
	})
}

// askErasure: the candidate asks for their data to be erased, for an admin
// to confirm on the erasure requests page.
func (p *demoPerson) askErasure(ago float64) {
	d := p.d
	d.step(d.ago(ago), p.name+" asks for erasure", func() error {
		_, err := d.s.RequestErasure(d.ctx, p.candidate)
		return err
	})
}
