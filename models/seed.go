package models

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"gorm.io/gorm"
)

// DemoPassword is the password of every demo staff account. It exists only
// in demo data.
const DemoPassword = "nextstep-demo"

// DemoStaff are the demo staff accounts, one per role: admin, recruiter,
// hiring manager, interviewer. Each call returns a fresh slice.
func DemoStaff() []StaffInput {
	return []StaffInput{
		{Email: "admin@demo.nextstep.test", Name: "Ada Admin", Role: RoleAdmin},
		{Email: "recruiter@demo.nextstep.test", Name: "Rita Recruiter", Role: RoleRecruiter},
		{Email: "manager@demo.nextstep.test", Name: "Hugo Manager", Role: RoleHiringManager},
		{Email: "interviewer@demo.nextstep.test", Name: "Ines Interviewer", Role: RoleInterviewer},
	}
}

// demoJobTitles are what candidates read next to the demo staff's names.
var demoJobTitles = map[Role]string{RoleAdmin: "People Operations", RoleRecruiter: "Talent Partner",

	RoleHiringManager: "Head of Sales", RoleInterviewer: "Senior Account Executive"}

// demoSeedLock is the advisory lock key that keeps two seeds apart.
const demoSeedLock = 7_346_221_901

// SeedDemo fills an empty database with demo staff, positions, assessment
// days and candidates. It does nothing when the demo admin already exists,
// so it is safe to rerun.
//
// The demo is built only through the Store's use cases, acting as the demo
// staff or as the candidate, so it obeys every rule real use obeys: an
// application at the offer stage has a sent offer, one at the contract stage
// a contract, a hired one a contract signed by both parties, and so on.
//
// Time: the demo has a history (interviews held weeks ago, an assessment day
// last month), but the use cases check times against the store's clock (an
// interview time must be in the future when offered, results are recorded
// once a day has started, an offer cannot be sent after its expiry). So the
// seed runs on its own copy of the store whose clock it sets: each step of
// the script is stamped with a moment in the past, the steps of all
// candidates run in the order of those moments, and the clock shows each
// step's moment while it runs. Every row therefore carries the time it would
// have had, and every rule is checked at that time. The last steps happen
// just before the real now; future dates (upcoming interviews, assessment
// days) lie after it.
//
// All of it runs in one transaction (each use case's own transaction nests
// as a savepoint), so a failure leaves the database as it was and a rerun
// starts afresh. The messages the use cases write are queued like any
// others: under `make run` they arrive in the local mail catcher.
func (s *Store) SeedDemo(ctx context.Context) (bool, error) {
	added := false
	defer s.counts.changed()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", demoSeedLock).Error; err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&StaffUser{}).Where("lower(email) = ?", DemoStaff()[0].Email).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		clock := &seedClock{}
		seed := *s
		seed.clock = clock
		seed.db = tx.Session(&gorm.Session{NowFunc: func() time.Time { return clock.Now().UTC() }})
		d := &demoSeed{ctx: ctx, s: &seed, clock: clock, now: s.Now()}
		if err := d.run(); err != nil {
			return err
		}
		added = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("seeding demo data: %w", err)
	}
	return added, nil
}

// seedClock is the clock the seed sets to each step's moment.
type seedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *seedClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *seedClock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// demoStep is one use case of the demo script, at its moment.
type demoStep struct {
	at   time.Time
	what string
	do   func() error
}

// demoSeed is the script and what its steps have created so far.
type demoSeed struct {
	ctx   context.Context
	s     *Store
	clock *seedClock
	now   time.Time // the real now: the script ends just before it
	steps []demoStep

	admin, recruiter, manager, interviewer Actor
	sales, engineering, operations         *Position
	template                               int64
	days                                   map[string]*AssessmentDay
	dayOffsets                             map[string]int // days from now
}

// demoPerson is one demo candidate and what the script made for them.
type demoPerson struct {
	d           *demoSeed
	name, email string
	pos         **Position // filled when the positions exist
	candidate   Actor
	appID       int64
	booking     *AssessmentBooking
	version     *OfferVersion
	contractID  int64
}

// ago is the moment days before the real now.
func (d *demoSeed) ago(days float64) time.Time {
	return d.now.Add(-time.Duration(days * float64(24*time.Hour)))
}

// localTime is hh:mm on the day of t, in the portal's time zone.
func (d *demoSeed) localTime(t time.Time, hh, mm int) time.Time {
	l := t.In(d.s.loc)
	return time.Date(l.Year(), l.Month(), l.Day(), hh, mm, 0, 0, d.s.loc)
}

func (d *demoSeed) step(at time.Time, what string, do func() error) {
	d.steps = append(d.steps, demoStep{at: at, what: what, do: do})
}

// run builds the script, then plays it in time order.
func (d *demoSeed) run() error {
	d.days, d.dayOffsets = map[string]*AssessmentDay{}, map[string]int{}
	d.script()
	sort.SliceStable(d.steps, func(i, j int) bool { return d.steps[i].at.Before(d.steps[j].at) })
	for _, st := range d.steps {
		if !st.at.Before(d.now) {
			return fault("demo step %q is not in the past", st.what)
		}
		d.clock.set(st.at)
		if err := st.do(); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	d.clock.set(d.now)
	return d.s.Audit(d.ctx, SystemActor("seed"), "demo.seeded", "", 0, map[string]any{"steps": len(d.steps)})
}

// script lays out the demo: staff, positions, assessment days, then each
// candidate's way to where the demo shows them, position by position. Times
// are in days before now. The steps are played in time order, those at the
// same moment in the order the script lays them out.
func (d *demoSeed) script() {
	d.staffScene()
	d.positionsScene()
	d.assessmentDaysScene()
	d.salesScene()
	d.engineeringScene()
	d.operationsScene()
}

// staffScene creates the demo staff, one per role, with their job titles;
// the admin and the head of sales may sign contracts.
func (d *demoSeed) staffScene() {
	ctx, s := d.ctx, d.s
	d.step(d.ago(46), "demo staff", func() error {
		seedActor := SystemActor("seed")
		staff := DemoStaff()
		actors := make([]Actor, len(staff))
		for i, in := range staff {
			in.Password = DemoPassword
			u, err := s.CreateStaff(ctx, seedActor, in)
			if err != nil {
				return err
			}
			actors[i] = Actor{Kind: "staff", ID: u.ID, Email: u.Email, Role: u.Role}
			if err := s.SetJobTitle(ctx, actors[i], demoJobTitles[u.Role]); err != nil {
				return err
			}
		}
		d.admin, d.recruiter, d.manager, d.interviewer = actors[0], actors[1], actors[2], actors[3]
		// The admin and the head of sales may sign contracts for the employer.
		for _, a := range []Actor{d.admin, d.manager} {
			if err := s.UpdateStaff(ctx, d.admin, a.ID, a.Role, true, true); err != nil {
				return err
			}
		}
		return nil
	})
}

// positionsScene opens the three positions and finds the electronic
// contract template their contracts use.
func (d *demoSeed) positionsScene() {
	ctx, s := d.ctx, d.s
	d.step(d.ago(45), "demo positions", func() error {
		var err error
		// Sales offers need an approved decision (the head of sales decides).
		if d.sales, err = s.CreatePosition(ctx, d.recruiter, PositionInput{Title: "Account Executive", Department: "Sales",
			Location: "London", Headcount: 2, DecisionSLADays: 3, RequiresDecisionApproval: true, HiringManagerID: d.manager.ID,
			Pipeline: Pipeline{StageInterviewCompleted, StageAdditionalInterview, StageAssessmentDay, StageCommercialNegotiation,
				StageHRRound, StageReferenceChecks, StageFinalDecision, StageOffer, StageContract, StageOnboarding, StageHired},
			Criteria: "Negotiation\nCustomer empathy\nValues and teamwork"}); err != nil {
			return err
		}
		// Engineering has no hiring manager yet: the demo manager must not see it.
		if d.engineering, err = s.CreatePosition(ctx, d.recruiter, PositionInput{Title: "Backend Engineer (Go)", Department: "Engineering",
			Location: "Remote (EU)", Headcount: 1, DecisionSLADays: 5,
			Pipeline: Pipeline{StageInterviewCompleted, StageAdditionalInterview, StageHRRound, StageReferenceChecks,
				StageBackgroundCheck, StageFinalDecision, StageOffer, StageContract, StageOnboarding, StageHired},
			Criteria: "Go and system design\nProblem solving\nCommunication"}); err != nil {
			return err
		}
		// Engineering hires after a background check (Henrik reaches it).
		if err := s.SetPositionChecks(ctx, d.recruiter, d.engineering.ID, ChecksBackground); err != nil {
			return err
		}
		if d.operations, err = s.CreatePosition(ctx, d.recruiter, PositionInput{Title: "Warehouse Operations Lead", Department: "Operations",
			Location: "Manchester", Headcount: 1, DecisionSLADays: 4, HiringManagerID: d.manager.ID,
			Pipeline: Pipeline{StageInterviewCompleted, StageAssessmentDay, StageHRRound, StageReferenceChecks, StageMedical,
				StageFinalDecision, StageOffer, StageContract, StageOnboarding, StageHired}}); err != nil {
			return err
		}
		templates, err := s.ListTemplates(ctx)
		if err != nil {
			return err
		}
		for _, t := range templates {
			if t.Active && !t.WrittenFormRequired {
				d.template = t.ID
				break
			}
		}
		if d.template == 0 {
			return fault("no active electronic contract template")
		}
		return nil
	})
}

// assessmentDaysScene plans the assessment days: three to come, planned
// well ahead and still free to book (created first, so they keep the first
// ids); one held last month (operations) and one ten days ago (sales), whose
// candidates have results.
func (d *demoSeed) assessmentDaysScene() {
	d.assessmentDay(44.2, "sales-1", "Sales assessment day (London)", 10, 12, &d.sales, london)
	d.assessmentDay(44.1, "sales-2", "Sales assessment day (London, second date)", 17, 12, &d.sales, london)
	d.assessmentDay(44, "ops-1", "Operations assessment day (Manchester)", 12, 8, &d.operations, manchester)
	d.assessmentDay(42, "ops-past", "Operations assessment day (Manchester, last month)", -30, 8, &d.operations, manchester)
	d.assessmentDay(20, "sales-past", "Sales assessment day (London, earlier date)", -10, 12, &d.sales, london)
}

// demoEntered is when the i-th demo candidate entered the stage the demo
// shows them in, in days before now: the moment the earlier demo data had
// them enter it, (i+1)×26 hours ago.
func demoEntered(i int) float64 { return float64(i+1) * 26 / 24 }

// salesScene: the Account Executive candidates.
func (d *demoSeed) salesScene() {
	amelia := d.person("Amelia Hart", "amelia.hart@example.com", &d.sales)
	amelia.create(demoEntered(0))

	ben := d.person("Ben Okafor", "ben.okafor@example.com", &d.sales)
	ben.create(9)
	ben.skip(demoEntered(1), StageAssessmentDay, "Strong first interview; the hiring manager waived the additional interview.")

	chloe := d.person("Chloe Dubois", "chloe.dubois@example.com", &d.sales)
	chloe.create(20)
	chloe.move(18, StageAdditionalInterview)
	chloe.move(13, StageAssessmentDay)
	chloe.book(12, "sales-past", "pass")
	chloe.move(demoEntered(2), StageCommercialNegotiation)

	daniel := d.person("Daniel Kim", "daniel.kim@example.com", &d.sales)
	daniel.create(24)
	daniel.move(23, StageAdditionalInterview)
	daniel.interview(22, 21, InterviewAdditional, demoCard{&d.manager, RecommendStrongYes}, demoCard{&d.interviewer, RecommendYes})
	daniel.move(15, StageAssessmentDay)
	daniel.book(14, "sales-past", "pass")
	daniel.move(9, StageCommercialNegotiation)
	daniel.interview(8.5, 7.5, InterviewCommercialNegotiation, demoCard{&d.manager, RecommendStrongYes})
	daniel.move(6.5, StageHRRound)
	daniel.move(5.5, StageReferenceChecks)
	daniel.move(demoEntered(3), StageFinalDecision)
	daniel.decision(4.2, 4.0, "Offer Daniel the Account Executive role.") // ready for his offer, not drafted yet

	sofia := d.person("Sofia Costa", "sofia.costa@example.com", &d.sales)
	sofia.create(26)
	sofia.move(25, StageAdditionalInterview)
	sofia.interview(24.5, 23.5, InterviewAdditional, demoCard{&d.manager, RecommendYes}, demoCard{&d.interviewer, RecommendYes})
	sofia.move(16, StageAssessmentDay)
	sofia.book(15, "sales-past", "pass")
	sofia.move(8.8, StageCommercialNegotiation)
	sofia.move(8, StageHRRound)
	sofia.move(7, StageReferenceChecks)
	sofia.move(6, StageFinalDecision)
	sofia.decision(5.8, 5.4, "Offer Sofia the Account Executive role.")
	sofia.offer(3.5, 3.0, 2.0, &d.manager, "62000", "GBP", 7, 45)
	sofia.ask(1.0, "Is the bonus paid quarterly or once a year?")

	elena := d.person("Elena Rossi", "elena.rossi@example.com", &d.sales)
	elena.create(14)
	elena.move(demoEntered(4), StageAdditionalInterview)
	elena.interview(5.3, 4.2, InterviewAdditional, demoCard{&d.manager, RecommendNo}, demoCard{&d.interviewer, RecommendNo})
	elena.status(3.0, StatusRejected, "Stronger candidates on negotiation skills.")
}

// engineeringScene: the Backend Engineer candidates. The position has no
// hiring manager, so the admin approves offers.
func (d *demoSeed) engineeringScene() {
	farid := d.person("Farid Haddad", "farid.haddad@example.com", &d.engineering)
	farid.create(10)
	farid.move(demoEntered(5), StageAdditionalInterview)
	farid.proposeTimes(1.0, InterviewTechnical, &d.interviewer, [][3]int{{2, 14, 30}, {2, 16, 0}, {3, 10, 30}}) // his to pick

	grace := d.person("Grace Liu", "grace.liu@example.com", &d.engineering)
	grace.create(16)
	grace.cv(15.5, "Backend engineer, 6 years of Go and PostgreSQL.",
		"2021–now: Senior engineer, Lumen Payments (Berlin). Led the move of the ledger to event sourcing.",
		"2018–2021: Engineer, Fieldwork Labs (Manchester). Built the scheduling service.",
		"Education: MSc Computer Science, University of Edinburgh.")
	grace.move(14, StageAdditionalInterview)
	grace.interview(13.5, 12.5, InterviewTechnical, demoCard{&d.interviewer, RecommendYes})
	grace.move(demoEntered(6), StageHRRound)
	grace.upcoming(2.0, 1.5, InterviewHRRound, &d.recruiter, 1, 15, 30) // tomorrow

	henrik := d.person("Henrik Larsen", "henrik.larsen@example.com", &d.engineering)
	henrik.create(22)
	henrik.move(21, StageAdditionalInterview)
	henrik.interview(20.5, 19.5, InterviewTechnical, demoCard{&d.interviewer, RecommendStrongYes})
	henrik.move(17, StageHRRound)
	henrik.move(12, StageReferenceChecks)
	henrik.move(demoEntered(7), StageBackgroundCheck)

	isabel := d.person("Isabel Moreno", "isabel.moreno@example.com", &d.engineering)
	isabel.create(25)
	isabel.move(24, StageAdditionalInterview)
	isabel.interview(23.5, 22.5, InterviewTechnical, demoCard{&d.interviewer, RecommendYes})
	isabel.move(20, StageHRRound)
	isabel.move(17, StageReferenceChecks)
	isabel.move(14, StageBackgroundCheck)
	isabel.move(demoEntered(8), StageFinalDecision)
	isabel.status(9.5, StatusOnHold, "The one opening went to another candidate; kept as a strong fallback.")
	isabel.interestCheck(2.0) // waiting for her answer

	jonas := d.person("Jonas Weber", "jonas.weber@example.com", &d.engineering)
	jonas.create(30)
	jonas.move(29, StageAdditionalInterview)
	jonas.interview(28.5, 27.5, InterviewTechnical, demoCard{&d.interviewer, RecommendStrongYes})
	jonas.move(26, StageHRRound)
	jonas.move(24, StageReferenceChecks)
	jonas.move(21, StageBackgroundCheck)
	jonas.move(17, StageFinalDecision)
	jonas.offer(15, 14.5, 14, &d.admin, "85000", "EUR", 12, 30)
	jonas.accept(demoEntered(9))
	jonas.contract(10.5, 10.0, nil, 0) // signed by Jonas; the employer's countersignature is still to come
}

// operationsScene: the Warehouse Operations Lead candidates.
func (d *demoSeed) operationsScene() {
	kemi := d.person("Kemi Adeyemi", "kemi.adeyemi@example.com", &d.operations)
	kemi.create(16)
	kemi.move(demoEntered(10), StageAssessmentDay) // her seat still to book

	liam := d.person("Liam O'Brien", "liam.obrien@example.com", &d.operations)
	liam.create(38)
	liam.move(36, StageAssessmentDay)
	liam.book(35, "ops-past", "pass")
	liam.move(25, StageHRRound)
	liam.move(demoEntered(11), StageReferenceChecks)

	maya := d.person("Maya Patel", "maya.patel@example.com", &d.operations)
	maya.create(38)
	maya.move(36, StageAssessmentDay)
	maya.book(35, "ops-past", "pass")
	maya.move(27, StageHRRound)
	maya.move(22, StageReferenceChecks)
	maya.move(demoEntered(12), StageMedical)

	noah := d.person("Noah Schmidt", "noah.schmidt@example.com", &d.operations)
	noah.create(38)
	noah.move(36, StageAssessmentDay)
	noah.book(35, "ops-past", "pass")
	noah.move(28, StageHRRound)
	noah.move(26, StageReferenceChecks)
	noah.move(24, StageMedical)
	noah.move(22, StageFinalDecision)
	noah.offer(21, 20.5, 20, &d.manager, "42000", "GBP", 10, 25)
	noah.accept(18)
	noah.contract(17.5, 16.5, &d.manager, demoEntered(13)) // countersigned: onboarding

	olivia := d.person("Olivia Brown", "olivia.brown@example.com", &d.operations)
	olivia.create(35) // hired 18.75 days after she was added
	olivia.move(34.5, StageAssessmentDay)
	olivia.book(34, "ops-past", "pass")
	olivia.move(29, StageHRRound)
	olivia.move(28, StageReferenceChecks)
	olivia.move(27, StageMedical)
	olivia.move(26, StageFinalDecision)
	olivia.offer(25.5, 25, 24.5, &d.manager, "45000", "GBP", 10, 9)
	olivia.accept(23.5)
	olivia.contract(23, 22.5, &d.manager, 21)
	olivia.onboard(18, &d.manager) // her checklist done, so the hire is allowed
	olivia.move(demoEntered(14), StageHired)

	pavel := d.person("Pavel Novak", "pavel.novak@example.com", &d.operations)
	pavel.create(20)
	pavel.status(demoEntered(15)-2.0/24, StatusWithdrawn, "Accepted another offer.")
	pavel.askErasure(1.5)
}
