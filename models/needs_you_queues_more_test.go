package models_test

import (
	"context"
	"testing"
	"time"

	"nextstep/models"
)

// The Needs-you queues of decisions, interviews, assessment days and
// promised updates, one test each, as in needs_you_queues_test.go (which
// has the helpers: watchQueue, moves, item). Items that fall due with time
// (a scorecard once the interview has ended, a result once the day has
// ended) are followed by reading the counts at that later time first, then
// making the change at the present time, then reading them at the later
// time again: only the change differs.

// A consultation is work for each colleague asked until they answer, or
// until it is decided (someone objected), withdrawn, or the application
// closes; the recruiter who asked and colleagues not asked never count it.
func TestNeedsYouCountDecisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name           string
		change         func(d demo, appID, requestID int64) error
		manager, admin moves
	}{
		{"the manager's verdict", func(d demo, _, id int64) error {
			return d.store.RespondDecision(ctx, staffActor(d.manager), id, models.VerdictApprove, "Strong negotiator.")
		}, moves{qDecide: -1}, nil},
		{"the admin's objection, which decides it", func(d demo, _, id int64) error {
			return d.store.RespondDecision(ctx, staffActor(d.admin), id, models.VerdictObject, "The budget is not signed off.")
		}, moves{qDecide: -1}, moves{qDecide: -1}},
		{"withdrawing it", func(d demo, _, id int64) error {
			return d.store.WithdrawDecision(ctx, staffActor(d.recruiter), id)
		}, moves{qDecide: -1}, moves{qDecide: -1}},
		{"rejecting the application", func(d demo, appID, _ int64) error {
			return d.store.ChangeStatus(ctx, staffActor(d.recruiter), appID, models.StatusRejected, "Not enough experience.")
		}, moves{qDecide: -1}, moves{qDecide: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t)
			interviewer, other := staffByEmail(t, d.store, "interviewer@demo.nextstep.test"), secondManager(t, d)
			app := d.application(t, "amelia.hart@example.com")
			w := watchQueue(t, d, qDecide, d.manager, d.admin, d.recruiter, interviewer, other)
			must(t, d.store.RequestDecision(ctx, staffActor(d.recruiter), app.ID, models.DecisionInput{Proposal: "Offer Amelia the role.",
				ConsultedIDs: []int64{d.manager.ID, d.admin.ID}}))
			var id int64
			mustDB(t, d.store.DB().Raw(`SELECT max(id) FROM decision_requests WHERE application_id = ?`, app.ID).Scan(&id))
			it := item{id, app.ID}
			w.after("asking the manager and the admin", it, moves{qDecide: 1}, moves{qDecide: 1}, nil, nil, nil)
			must(t, tc.change(d, app.ID, id))
			w.after(tc.name, it, tc.manager, tc.admin, nil, nil, nil)
		})
	}
}

// Once an interview has ended, each panelist who has not written their
// scorecard has one to write, and no one else; writing it takes it off
// their queue only.
func TestNeedsYouCountScorecards(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	ivan := d.newInterviewer(t, "Ivan Second") // not on the panel
	start, ended := d.clock.Now(), time.Date(2026, 12, 8, 11, 30, 0, 0, time.UTC)
	// Amelia's promise runs past the interview, so booking it (which sets a
	// new promise from its end) leaves the overdue queue as it was.
	amelia := d.application(t, "amelia.hart@example.com")
	must(t, d.store.OverrideExpectedDate(d.ctx, staffActor(d.recruiter), amelia.ID, start.AddDate(0, 0, 30), "Interviews first."))
	setClock(d.demo, ended)
	w := watchQueue(t, d.demo, qCards, d.interviewer, d.manager, d.recruiter, ivan)
	setClock(d.demo, start)
	r, app := d.bookedRound(t, "amelia.hart@example.com", "2026-12-08T10:00", d.interviewer.ID, d.manager.ID)
	setClock(d.demo, ended)
	it := item{r.ID, app.ID}
	w.after("the interview ending", it, moves{qCards: 1}, moves{qCards: 1}, nil, nil)
	cs := criteria(t, d, d.ae)
	d.submit(t, d.interviewer, r.ID, card(cs, models.RecommendYes, 3, 4, 2))
	w.after("the interviewer's scorecard", it, moves{qCards: -1}, nil, nil, nil)
	d.submit(t, d.manager, r.ID, card(cs, models.RecommendStrongYes, 4, 4, 3))
	w.after("the manager's scorecard", it, nil, moves{qCards: -1}, nil, nil)
}

// A candidate asking for other interview times is work for the staff who
// see the application (for Engineering, which has no hiring manager: the
// recruiter and the admin, not the demo manager nor the interviewer on the
// panel) until times are offered, the candidate picks one, the round is
// moved or called off, or the application closes.
func TestNeedsYouCountInterviewTimes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, email string // Farid's round waits for his choice; Grace's is booked for tomorrow
		change      func(t *testing.T, d ivDemo, app models.Application, roundID int64) error
	}{
		{"offering more times", "farid.haddad@example.com", func(_ *testing.T, d ivDemo, _ models.Application, id int64) error {
			return d.store.OfferMoreTimes(d.ctx, staffActor(d.recruiter), id, []string{"2026-12-04T10:00"})
		}},
		{"the candidate picking a time", "farid.haddad@example.com", func(t *testing.T, d ivDemo, app models.Application, id int64) error {
			return d.store.PickSlot(d.ctx, candidateActor(app), app.ID, id, roundSlots(t, d.store, id)[0].ID)
		}},
		{"calling the round off", "farid.haddad@example.com", func(_ *testing.T, d ivDemo, _ models.Application, id int64) error {
			return d.store.CancelRound(d.ctx, staffActor(d.recruiter), id, "We will be in touch.")
		}},
		{"rejecting the application", "farid.haddad@example.com", func(_ *testing.T, d ivDemo, app models.Application, _ int64) error {
			return d.store.ChangeStatus(d.ctx, staffActor(d.recruiter), app.ID, models.StatusRejected, "The role is filled.")
		}},
		{"moving the booked round", "grace.liu@example.com", func(_ *testing.T, d ivDemo, _ models.Application, id int64) error {
			return d.store.RescheduleRound(d.ctx, staffActor(d.recruiter), id, "2026-12-03T10:00")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newIVDemo(t)
			app := d.application(t, tc.email)
			var roundID int64
			mustDB(t, d.store.DB().Raw(`SELECT max(id) FROM interview_rounds WHERE application_id = ? AND status <> 'cancelled'`, app.ID).Scan(&roundID))
			w := watchQueue(t, d.demo, qTimes, d.recruiter, d.admin, d.manager, d.interviewer)
			must(t, d.store.RequestOtherTimes(d.ctx, candidateActor(app), app.ID, roundID, "Could we meet on Friday morning instead?"))
			it := item{roundID, app.ID}
			w.after("the candidate asking for other times", it, moves{qTimes: 1}, moves{qTimes: 1}, nil, nil)
			must(t, tc.change(t, d, app, roundID))
			w.after(tc.name, it, moves{qTimes: -1}, moves{qTimes: -1}, nil, nil)
		})
	}
}

// Once an assessment day has ended, each booked seat without a result is
// work for the staff who see the application, until a result is recorded
// (attendance alone does not do) or the application closes.
func TestNeedsYouCountAssessmentResults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		change func(d demo, appID, bookingID int64) error
		staff  moves // for the recruiter and the manager alike
	}{
		{"recording a pass", func(d demo, _, id int64) error {
			return d.store.RecordAssessmentResult(ctx, staffActor(d.recruiter), id, models.AttendanceAttended, models.AssessmentPass, "")
		}, moves{qResults: -1}},
		{"recording a fail", func(d demo, _, id int64) error {
			return d.store.RecordAssessmentResult(ctx, staffActor(d.manager), id, models.AttendanceAttended, models.AssessmentFail, "Weak role play.")
		}, moves{qResults: -1}},
		{"rejecting the application", func(d demo, appID, _ int64) error {
			return d.store.ChangeStatus(ctx, staffActor(d.recruiter), appID, models.StatusRejected, "Withdrew from the process.")
		}, moves{qResults: -1, qOverdue: -1}}, // Kemi's promised update is overdue as well
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t)
			interviewer := staffByEmail(t, d.store, "interviewer@demo.nextstep.test")
			app := d.application(t, "kemi.adeyemi@example.com") // Warehouse Operations Lead, her seat still to book
			var day models.AssessmentDay
			mustDB(t, d.store.DB().Where("title = ?", "Operations assessment day (Manchester)").First(&day))
			start := d.clock.Now()
			setClock(d, day.EndsAt.Add(time.Hour))
			w := watchQueue(t, d, qResults, d.recruiter, d.manager, interviewer)
			setClock(d, start)
			b, err := d.store.BookSeat(ctx, models.Actor{Kind: "candidate", ID: app.CandidateID}, app.ID, day.ID)
			must(t, err)
			setClock(d, day.EndsAt.Add(time.Hour))
			it := item{day.ID, app.ID}
			w.after("the day she booked ending", it, moves{qResults: 1}, moves{qResults: 1}, nil)
			must(t, d.store.RecordAssessmentResult(ctx, staffActor(d.recruiter), b.ID, models.AttendanceAttended, models.AssessmentNoResult, ""))
			w.after("recording her attendance only", it, nil, nil, nil)
			must(t, tc.change(d, app.ID, b.ID))
			w.after(tc.name, it, tc.staff, tc.staff, nil)
		})
	}
}

// A promised update falls overdue with time (Farid's, in Engineering, at
// 17:00 on the demo's first day): work for the recruiter and the admin, not
// for the demo manager (not his position) nor the interviewer. It leaves
// the queue when the application moves on (from its page or on the board),
// a new date is promised, or it is put on hold, withdrawn or rejected.
func TestNeedsYouCountOverdue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		change func(d demo, app models.Application) error
	}{
		{"moving it on", func(d demo, app models.Application) error {
			return d.store.MoveStage(ctx, staffActor(d.recruiter), app.ID, models.MoveRequest{To: models.StageHRRound})
		}},
		{"moving it on the board", func(d demo, app models.Application) error {
			_, err := d.store.BoardMove(ctx, staffActor(d.recruiter), app.PositionID, app.ID, models.MoveRequest{To: models.StageHRRound})
			return err
		}},
		{"a new promised date", func(d demo, app models.Application) error {
			return d.store.OverrideExpectedDate(ctx, staffActor(d.recruiter), app.ID, d.clock.Now().AddDate(0, 0, 7), "Waiting for the panel.")
		}},
		{"putting it on hold", func(d demo, app models.Application) error {
			return d.store.ChangeStatus(ctx, staffActor(d.recruiter), app.ID, models.StatusOnHold, "")
		}},
		{"withdrawing it", func(d demo, app models.Application) error {
			return d.store.ChangeStatus(ctx, staffActor(d.recruiter), app.ID, models.StatusWithdrawn, "Took another job.")
		}},
		{"rejecting it", func(d demo, app models.Application) error {
			return d.store.ChangeStatus(ctx, staffActor(d.recruiter), app.ID, models.StatusRejected, "Not enough Go.")
		}},
		{"rejecting it, the message held", func(d demo, app models.Application) error {
			return d.store.RejectHeldUntilFilled(ctx, staffActor(d.recruiter), app.ID, "A fallback if the role stays open.")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t)
			interviewer := staffByEmail(t, d.store, "interviewer@demo.nextstep.test")
			app := d.application(t, "farid.haddad@example.com")
			if app.ExpectedUpdateAt == nil || !app.ExpectedUpdateAt.After(d.clock.Now()) {
				t.Fatalf("fixture: Farid's promised update %v is not after now (%v)", app.ExpectedUpdateAt, d.clock.Now())
			}
			w := watchQueue(t, d, qOverdue, d.recruiter, d.admin, d.manager, interviewer)
			setClock(d, app.ExpectedUpdateAt.Add(time.Minute))
			it := item{app.ID, app.ID}
			w.after("the promised date passing", it, moves{qOverdue: 1}, moves{qOverdue: 1}, nil, nil)
			must(t, tc.change(d, app))
			w.after(tc.name, it, moves{qOverdue: -1}, moves{qOverdue: -1}, nil, nil)
		})
	}
}

// An overdue promise of a position the demo manager manages counts for
// him, and leaves his count (and the recruiter's) when he moves the
// application on the board; a manager of no position never counts it.
func TestNeedsYouCountOverdueOfTheManagersPosition(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDemo(t)
	other := secondManager(t, d)
	app := d.application(t, "liam.obrien@example.com") // Warehouse Operations Lead, at reference checks, overdue
	w := watchQueue(t, d, qOverdue, d.manager, d.recruiter, other)
	w.listed = []bool{true, true, false}
	w.after("nothing (the demo's own overdue promise)", item{app.ID, app.ID}, nil, nil, nil)
	_, err := d.store.BoardMove(ctx, staffActor(d.manager), app.PositionID, app.ID, models.MoveRequest{To: models.StageMedical})
	must(t, err)
	w.after("the manager moving it on the board", item{app.ID, app.ID}, moves{qOverdue: -1}, moves{qOverdue: -1}, nil)
}

// References are in when every referee asked has replied and at least one
// answered (Liam, Warehouse Operations Lead, managed by the demo manager):
// work for the recruiter, the manager and the admin, not for a manager of
// other positions nor the interviewer. They leave when the application
// moves on or closes, or when another referee is asked.
func TestNeedsYouCountReferencesIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		change func(d demo, app models.Application) error
		out    moves // for the recruiter, the manager and the admin alike
	}{
		// Liam's promised update is overdue as well: acting on it ends that too.
		{"moving it on", func(d demo, app models.Application) error {
			return d.store.MoveStage(ctx, staffActor(d.recruiter), app.ID, models.MoveRequest{To: models.StageMedical})
		}, moves{qRefs: -1, qOverdue: -1}},
		{"rejecting the application", func(d demo, app models.Application) error {
			return d.store.ChangeStatus(ctx, staffActor(d.recruiter), app.ID, models.StatusRejected, "The role went to another candidate.")
		}, moves{qRefs: -1, qOverdue: -1}},
		{"asking another referee", func(d demo, app models.Application) error {
			in := models.RefereeInput{Name: "Tom Third", Email: "tom@northwind.example", Company: "Northwind Logistics",
				Relationship: models.RelClient, WorkedFrom: "2022-01", MayContactNow: true}
			if _, err := d.store.StaffAddReferee(ctx, staffActor(d.recruiter), app.ID, in); err != nil {
				return err
			}
			_, err := d.store.SendReferenceRequests(ctx, staffActor(d.recruiter), app.ID, nil)
			return err
		}, moves{qRefs: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t)
			app := d.application(t, "liam.obrien@example.com")
			liam := models.Actor{Kind: "candidate", ID: app.CandidateID}
			var ids []int64
			for _, email := range []string{"rita@northwind.example", "sam@northwind.example"} {
				id, err := d.store.AddReferee(ctx, liam, app.ID, models.RefereeInput{Name: "Referee " + email, Email: email,
					Company: "Northwind Logistics", Relationship: models.RelColleague, WorkedFrom: "2021-02", MayContactNow: true, ConfirmedAgreed: true})
				must(t, err)
				ids = append(ids, id)
			}
			_, err := d.store.SendReferenceRequests(ctx, staffActor(d.recruiter), app.ID, nil)
			must(t, err)
			w := watchQueue(t, d, qRefs, d.recruiter, d.manager, d.admin, secondManager(t, d), staffByEmail(t, d.store, "interviewer@demo.nextstep.test"))
			must(t, d.store.AnswerReference(ctx, refereeToken(t, d.store, ids[0]), models.RefereeAnswers{ConfirmsRelationship: true, ConfirmsPeriod: true,
				Answers: []string{"Two years.", "4", "5", "yes", ""}}, "198.51.100.1", "Firefox"))
			it := item{app.ID, app.ID}
			w.after("one referee answering, one still asked", it, nil, nil, nil, nil, nil)
			must(t, d.store.DeclineReference(ctx, refereeToken(t, d.store, ids[1]), "", "198.51.100.2", "Safari"))
			in := moves{qRefs: 1}
			w.after("the other declining", it, in, in, in, nil, nil)
			must(t, tc.change(d, app))
			w.after(tc.name, it, tc.out, tc.out, tc.out, nil, nil)
		})
	}
}

// An application the promise keeper has written about stays in the Overdue
// queue although its new date is ahead (Farid's, in Engineering, with his
// interview called off: the
// recruiter's and the admin's), until a person acts on it: moving it on,
// setting a date themselves, or putting it on hold.
func TestNeedsYouCountOverdueKeptAfterAutomaticUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		change func(d demo, app models.Application) error
	}{
		{"moving it on", func(d demo, app models.Application) error {
			return d.store.MoveStage(ctx, staffActor(d.recruiter), app.ID, models.MoveRequest{To: models.StageHRRound})
		}},
		{"a new promised date", func(d demo, app models.Application) error {
			return d.store.OverrideExpectedDate(ctx, staffActor(d.recruiter), app.ID, d.clock.Now().AddDate(0, 0, 7), "Waiting for the panel.")
		}},
		{"putting it on hold", func(d demo, app models.Application) error {
			return d.store.ChangeStatus(ctx, staffActor(d.recruiter), app.ID, models.StatusOnHold, "")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t)
			interviewer := staffByEmail(t, d.store, "interviewer@demo.nextstep.test")
			app := d.application(t, "farid.haddad@example.com")
			// His round's times are his to pick, and the keeper leaves a
			// candidate's move alone: the round is called off first.
			var round int64
			mustDB(t, d.store.DB().Raw("SELECT id FROM interview_rounds WHERE application_id = ? AND status = 'proposed'", app.ID).Scan(&round))
			must(t, d.store.CancelRound(ctx, staffActor(d.recruiter), round, "We will be in touch."))
			w := watchQueue(t, d, qOverdue, d.recruiter, d.admin, d.manager, interviewer)
			setClock(d, app.ExpectedUpdateAt.Add(time.Minute))
			it := item{app.ID, app.ID}
			w.after("the promised date passing", it, moves{qOverdue: 1}, moves{qOverdue: 1}, nil, nil)
			if _, err := d.store.KeepPromises(ctx); err != nil {
				t.Fatal(err)
			}
			if got := d.application(t, "farid.haddad@example.com"); got.PromiseExtensions != 1 || !got.ExpectedUpdateAt.After(d.clock.Now()) {
				t.Fatalf("the keeper did not extend Farid's promise: %d extensions, date %v", got.PromiseExtensions, got.ExpectedUpdateAt)
			}
			w.after("the promise keeper's update (a new date ahead)", it, nil, nil, nil, nil)
			must(t, tc.change(d, app))
			w.after(tc.name, it, moves{qOverdue: -1}, moves{qOverdue: -1}, nil, nil)
			if got := d.application(t, "farid.haddad@example.com"); got.PromiseExtensions != 0 || got.PromiseExtendedAutomatically {
				t.Errorf("after %s the keeper's state stays: %d extensions, extended automatically %v", tc.name, got.PromiseExtensions, got.PromiseExtendedAutomatically)
			}
		})
	}
}
