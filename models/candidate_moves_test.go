package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// movesNow is the fixed moment of the pure YourMoves tests: Monday
// 7 December 2026, 09:00 UTC.
var movesNow = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

// movesAt is movesNow moved by d.
func movesAt(d time.Duration) *time.Time {
	t := movesNow.Add(d)
	return &t
}

// movesApp is an active application at stage with nothing open.
func movesApp(stage models.StageKey) models.CandidateApplication {
	a := models.CandidateApplication{Application: models.Application{ID: 4, Stage: stage, Status: models.StatusActive}}
	a.RefereeSettings = models.ReferenceSettings{Needed: 2}
	return a
}

// with returns a after change.
func with(a models.CandidateApplication, change func(*models.CandidateApplication)) models.CandidateApplication {
	change(&a)
	return a
}

func kinds(moves []models.CandidateMove) []models.MoveKind {
	out := make([]models.MoveKind, len(moves))
	for i, m := range moves {
		out[i] = m.Kind
	}
	return out
}

// Each move is there exactly when its condition holds, and nothing is open
// on a closed application.
func TestYourMovesPresence(t *testing.T) {
	t.Parallel()
	future := models.InterviewSlot{ID: 1, StartsAt: movesNow.Add(48 * time.Hour), EndsAt: movesNow.Add(49 * time.Hour)}
	past := models.InterviewSlot{ID: 2, StartsAt: movesNow.Add(-time.Hour), EndsAt: movesNow}
	day := &models.AssessmentDay{ID: 3, Title: "Sales day"}
	waiting := func(place int) models.WaitlistPlace {
		return models.WaitlistPlace{WaitlistEntry: models.WaitlistEntry{ID: 9, DayID: 3, Status: models.WaitWaiting, Day: day}, Place: place}
	}
	offered := func(until *time.Time) models.WaitlistPlace {
		return models.WaitlistPlace{WaitlistEntry: models.WaitlistEntry{ID: 9, DayID: 3, Status: models.WaitOffered, OfferExpiresAt: until, Day: day}}
	}
	referee := func(status models.RefereeStatus) models.Referee {
		return models.Referee{Status: status, Relationship: models.RelColleague, CandidateConfirmedAgreed: true}
	}
	task := func(status models.TaskStatus) models.StarterTask {
		return models.StarterTask{ID: 5, Title: "Your personal details", Status: status, DueBy: *movesAt(72 * time.Hour)}
	}
	booked := &models.AssessmentBooking{ID: 1, Status: models.BookingBooked}
	var (
		none                  []models.MoveKind
		pick, book, accept    = []models.MoveKind{models.MovePickTime}, []models.MoveKind{models.MoveBookSeat}, []models.MoveKind{models.MoveAcceptSeat}
		wait, offer, interest = []models.MoveKind{models.MoveWaitlisted}, []models.MoveKind{models.MoveAnswerOffer}, []models.MoveKind{models.MoveAnswerInterest}
		sign, consent, refs   = []models.MoveKind{models.MoveSignContract}, []models.MoveKind{models.MoveGiveConsent}, []models.MoveKind{models.MoveAddReferees}
		onboard               = []models.MoveKind{models.MoveOnboardingTask}
	)
	tests := []struct {
		name string
		a    models.CandidateApplication
		want []models.MoveKind
	}{
		{"nothing open", movesApp(models.StageHRRound), none},
		{"times to pick", with(movesApp(models.StageAdditionalInterview), func(a *models.CandidateApplication) {
			a.Rounds = []models.InterviewRound{{ID: 7, Title: "Technical interview", Status: models.RoundProposed, Slots: []models.InterviewSlot{future}}}
		}), pick},
		{"only past times left", with(movesApp(models.StageAdditionalInterview), func(a *models.CandidateApplication) {
			a.Rounds = []models.InterviewRound{{ID: 7, Status: models.RoundProposed, Slots: []models.InterviewSlot{past}}}
		}), none},
		{"interview booked", with(movesApp(models.StageAdditionalInterview), func(a *models.CandidateApplication) {
			a.Rounds = []models.InterviewRound{{ID: 7, Status: models.RoundScheduled, Slots: []models.InterviewSlot{future}}}
		}), none},
		{"assessment day, no seat", movesApp(models.StageAssessmentDay), book},
		{"assessment day, on hold", with(movesApp(models.StageAssessmentDay), func(a *models.CandidateApplication) { a.Status = models.StatusOnHold }), none},
		{"assessment day, booked", with(movesApp(models.StageAssessmentDay), func(a *models.CandidateApplication) { a.Booking = booked }), none},
		{"a seat held for them", with(movesApp(models.StageAssessmentDay), func(a *models.CandidateApplication) {
			a.Waitlist = []models.WaitlistPlace{offered(movesAt(20 * time.Hour))}
		}), accept},
		{"the held seat has lapsed", with(movesApp(models.StageAssessmentDay), func(a *models.CandidateApplication) {
			a.Waitlist = []models.WaitlistPlace{offered(movesAt(-time.Minute))}
		}), book},
		{"waitlisted", with(movesApp(models.StageAssessmentDay), func(a *models.CandidateApplication) {
			a.Waitlist = []models.WaitlistPlace{waiting(2)}
		}), wait},
		{"booked, and waiting for another day", with(movesApp(models.StageAssessmentDay), func(a *models.CandidateApplication) {
			a.Booking, a.Waitlist = booked, []models.WaitlistPlace{waiting(1)}
		}), wait},
		{"offer sent", with(movesApp(models.StageOffer), func(a *models.CandidateApplication) {
			a.JobOffer, a.OfferAnswerBy = models.OfferSent, movesAt(9*24*time.Hour)
		}), offer},
		{"offer accepted", with(movesApp(models.StageOffer), func(a *models.CandidateApplication) { a.JobOffer = models.OfferAccepted }), none},
		{"interest check", with(movesApp(models.StageFinalDecision), func(a *models.CandidateApplication) { a.InterestOpen = true }), interest},
		{"contract to sign", with(movesApp(models.StageContract), func(a *models.CandidateApplication) { a.ContractStatus = models.ContractAwaitingCandidate }), sign},
		{"contract signed by them", with(movesApp(models.StageContract), func(a *models.CandidateApplication) { a.ContractStatus = models.ContractAwaitingEmployer }), none},
		{"check awaits consent", with(movesApp(models.StageBackgroundCheck), func(a *models.CandidateApplication) {
			a.Checks = []models.Check{{ID: 1, Kind: models.CheckBackground, Status: models.CheckWaitingForCandidate}}
		}), consent},
		{"check under way", with(movesApp(models.StageBackgroundCheck), func(a *models.CandidateApplication) {
			a.Checks = []models.Check{{ID: 1, Kind: models.CheckBackground, Status: models.CheckInProgress}}
		}), none},
		{"check awaits consent, the application moved past it", with(movesApp(models.StageFinalDecision), func(a *models.CandidateApplication) {
			a.Checks = []models.Check{{ID: 1, Kind: models.CheckBackground, Status: models.CheckWaitingForCandidate}}
		}), none},
		{"check awaits consent, on hold", with(movesApp(models.StageBackgroundCheck), func(a *models.CandidateApplication) {
			a.Status = models.StatusOnHold
			a.Checks = []models.Check{{ID: 1, Kind: models.CheckBackground, Status: models.CheckWaitingForCandidate}}
		}), consent},
		{"references, none named", movesApp(models.StageReferenceChecks), refs},
		{"references, one short", with(movesApp(models.StageReferenceChecks), func(a *models.CandidateApplication) {
			a.Referees = []models.Referee{referee(models.RefereeDraft)}
		}), refs},
		{"references, one declined", with(movesApp(models.StageReferenceChecks), func(a *models.CandidateApplication) {
			a.Referees = []models.Referee{referee(models.RefereeRequested), referee(models.RefereeDeclined)}
		}), refs},
		{"references, enough", with(movesApp(models.StageReferenceChecks), func(a *models.CandidateApplication) {
			a.Referees = []models.Referee{referee(models.RefereeDraft), referee(models.RefereeAnswered)}
		}), none},
		{"references, none needed", with(movesApp(models.StageReferenceChecks), func(a *models.CandidateApplication) { a.RefereeSettings.Needed = 0 }), none},
		{"references, on hold", with(movesApp(models.StageReferenceChecks), func(a *models.CandidateApplication) { a.Status = models.StatusOnHold }), none},
		{"referees, past that stage", movesApp(models.StageFinalDecision), none},
		{"onboarding task open", with(movesApp(models.StageOnboarding), func(a *models.CandidateApplication) { a.StarterTasks = []models.StarterTask{task(models.TaskOpen)} }), onboard},
		{"onboarding task returned", with(movesApp(models.StageOnboarding), func(a *models.CandidateApplication) { a.StarterTasks = []models.StarterTask{task(models.TaskReturned)} }), onboard},
		{"onboarding task waiting for verification", with(movesApp(models.StageOnboarding), func(a *models.CandidateApplication) {
			a.StarterTasks = []models.StarterTask{task(models.TaskSubmitted)}
		}), none},
		{"onboarding task done", with(movesApp(models.StageOnboarding), func(a *models.CandidateApplication) { a.StarterTasks = []models.StarterTask{task(models.TaskDone)} }), none},
	}
	for _, tt := range tests {
		if got := kinds(tt.a.YourMoves(movesNow)); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: moves %v, want %v", tt.name, got, tt.want)
		}
	}
	// Each move says where it is done and what about.
	for _, tt := range tests {
		for _, m := range tt.a.YourMoves(movesNow) {
			if m.ApplicationID != 4 || m.Target != m.Kind.Target() {
				t.Errorf("%s: %+v leads to application %d, page %q", tt.name, m, m.ApplicationID, m.Target)
			}
			switch {
			case m.Kind == models.MovePickTime && (m.RoundID != 7 || m.Subject != "Technical interview"):
				t.Errorf("%s: the time to pick is %+v, want round 7", tt.name, m)
			case m.Kind == models.MoveWaitlisted && (m.Place != 2 && m.Place != 1 || m.Subject != "Sales day"):
				t.Errorf("%s: the waitlist place is %+v", tt.name, m)
			case m.Kind == models.MoveAcceptSeat && (m.By == nil || !m.By.Equal(*movesAt(20 * time.Hour)) || m.Subject != "Sales day"):
				t.Errorf("%s: the held seat is %+v, want it due when the hold ends", tt.name, m)
			case m.Kind == models.MoveAddReferees && !strings.HasPrefix(m.Missing, "Add "):
				t.Errorf("%s: missing %q, want how many referees to add", tt.name, m.Missing)
			case m.Kind == models.MoveOnboardingTask && (m.TaskID != 5 || m.By == nil || !m.By.Equal(*movesAt(72 * time.Hour))):
				t.Errorf("%s: the task is %+v, want task 5 due on its due day", tt.name, m)
			case m.Kind == models.MoveGiveConsent && m.Check != models.CheckBackground:
				t.Errorf("%s: consent for %q, want the background check", tt.name, m.Check)
			}
		}
	}
	// A closed application has nothing open, whatever it holds.
	everything := func(st models.Status) models.CandidateApplication {
		a := with(movesApp(models.StageReferenceChecks), func(a *models.CandidateApplication) {
			a.Rounds = []models.InterviewRound{{ID: 7, Status: models.RoundProposed, Slots: []models.InterviewSlot{future}}}
			a.Waitlist = []models.WaitlistPlace{offered(movesAt(20 * time.Hour))}
			a.JobOffer, a.InterestOpen, a.ContractStatus = models.OfferSent, true, models.ContractAwaitingCandidate
			a.Checks = []models.Check{{ID: 1, Kind: models.CheckMedical, Status: models.CheckWaitingForCandidate}} // not its stage
			a.StarterTasks = []models.StarterTask{task(models.TaskOpen)}
		})
		a.Status = st
		return a
	}
	for _, st := range []models.Status{models.StatusRejected, models.StatusWithdrawn, models.StatusHired} {
		if m := everything(st).YourMoves(movesNow); len(m) != 0 {
			t.Errorf("%s: moves %v, want none", st, kinds(m))
		}
	}
	if n := len(everything(models.StatusActive).YourMoves(movesNow)); n != 7 {
		t.Errorf("the open application has %d moves, want 7", n)
	}
}

// The order to do things in: the soonest due first (an overdue task before
// all), then the moves without a due date by kind, the waitlist last. The
// promise waits only for the moves that hold the application up.
func TestYourMovesOrder(t *testing.T) {
	t.Parallel()
	slot := models.InterviewSlot{ID: 1, StartsAt: movesNow.Add(48 * time.Hour), EndsAt: movesNow.Add(49 * time.Hour)}
	day := &models.AssessmentDay{ID: 3, Title: "Sales day"}
	a := with(movesApp(models.StageBackgroundCheck), func(a *models.CandidateApplication) {
		a.Rounds = []models.InterviewRound{{ID: 7, Status: models.RoundProposed, Slots: []models.InterviewSlot{slot}},
			{ID: 8, Status: models.RoundProposed, Slots: []models.InterviewSlot{slot}}}
		a.Waitlist = []models.WaitlistPlace{
			{WaitlistEntry: models.WaitlistEntry{ID: 1, Status: models.WaitWaiting, Day: day}, Place: 3},
			{WaitlistEntry: models.WaitlistEntry{ID: 2, Status: models.WaitOffered, OfferExpiresAt: movesAt(20 * time.Hour), Day: day}}}
		a.JobOffer, a.OfferAnswerBy = models.OfferSent, movesAt(9*24*time.Hour)
		a.InterestOpen, a.ContractStatus = true, models.ContractAwaitingCandidate
		a.Checks = []models.Check{{ID: 1, Kind: models.CheckBackground, Status: models.CheckWaitingForCandidate}}
		a.StarterTasks = []models.StarterTask{{ID: 10, Status: models.TaskOpen, DueBy: *movesAt(5 * 24 * time.Hour)},
			{ID: 11, Status: models.TaskReturned, DueBy: *movesAt(-24 * time.Hour)}}
	})
	got := a.YourMoves(movesNow)
	want := []models.MoveKind{models.MoveOnboardingTask, models.MoveAcceptSeat, models.MoveOnboardingTask, models.MoveAnswerOffer,
		models.MovePickTime, models.MovePickTime, models.MoveAnswerInterest, models.MoveSignContract, models.MoveGiveConsent,
		models.MoveWaitlisted}
	if fmt.Sprint(kinds(got)) != fmt.Sprint(want) {
		t.Fatalf("moves in the order %v, want %v", kinds(got), want)
	}
	if got[0].TaskID != 11 || got[2].TaskID != 10 || got[4].RoundID != 7 || got[5].RoundID != 8 {
		t.Errorf("tasks %d, %d and rounds %d, %d: want the overdue task 11 first, then 10; rounds 7 then 8",
			got[0].TaskID, got[2].TaskID, got[4].RoundID, got[5].RoundID)
	}
	// The promise waits for the held seat (the soonest move that holds the
	// application up), not for the overdue task.
	if m, ok := a.YourTurn(movesNow); !ok || m.Kind != models.MoveAcceptSeat {
		t.Errorf("your turn: %+v %v, want the held seat", m, ok)
	}
	for _, k := range []models.MoveKind{models.MovePickTime, models.MoveAcceptSeat, models.MoveAnswerOffer, models.MoveAnswerInterest, models.MoveSignContract} {
		if !k.HoldsPromise() {
			t.Errorf("%s does not hold the promise", k)
		}
	}
	onlyTasks := with(movesApp(models.StageOnboarding), func(a *models.CandidateApplication) {
		a.StarterTasks = []models.StarterTask{{ID: 10, Status: models.TaskOpen, DueBy: *movesAt(24 * time.Hour)}}
	})
	if m, ok := onlyTasks.YourTurn(movesNow); ok {
		t.Errorf("an onboarding task holds the promise: %+v", m)
	}
	if _, ok := (models.CandidateApplication{}).YourTurn(movesNow); ok {
		t.Error("an application with nothing open is the candidate's turn")
	}
	if m, ok := with(movesApp(models.StageFinalDecision), func(a *models.CandidateApplication) { a.InterestOpen = true }).YourTurn(movesNow); !ok || m.By != nil {
		t.Errorf("your turn on an interest check: %+v %v, want it without a due date", m, ok)
	}

	// The home page merges the applications' moves in the same order.
	second := with(movesApp(models.StageOffer), func(a *models.CandidateApplication) {
		a.ID, a.JobOffer, a.OfferAnswerBy = 6, models.OfferSent, movesAt(2*24*time.Hour)
	})
	third := with(movesApp(models.StageReferenceChecks), func(a *models.CandidateApplication) { a.ID = 2 })
	fourth := with(movesApp(models.StageAssessmentDay), func(a *models.CandidateApplication) { a.ID = 3 })
	v := models.CandidateView{Applications: []models.CandidateApplication{third, onlyTasks, fourth, second}}
	merged := v.YourMoves(movesNow)
	if fmt.Sprint(kinds(merged)) != fmt.Sprint([]models.MoveKind{models.MoveOnboardingTask, models.MoveAnswerOffer, models.MoveBookSeat, models.MoveAddReferees}) ||
		merged[1].ApplicationID != 6 || merged[2].ApplicationID != 3 || merged[3].ApplicationID != 2 {
		t.Errorf("merged moves %+v, want the task (tomorrow), the offer (in two days), the seat to book, then the referees", merged)
	}
}

// Promises follow the flow: Sofia has an offer to answer. However late the
// promise on her application, the keeper leaves it alone and her page shows
// her own deadline (the end of the offer's expiry day); when she accepts, the
// application is back with staff with a new promise from the stage time,
// counted afresh.
func TestPromisesFollowTheFlow(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	app := d.application(t, "sofia.costa@example.com")
	var cand models.Candidate
	mustDB(t, d.store.DB().First(&cand, app.CandidateID))
	must(t, d.store.OverrideExpectedDate(ctx, staffActor(d.recruiter), app.ID, d.clock.Now().AddDate(0, 0, 1), "Waiting for her answer."))
	setClock(d, d.clock.Now().AddDate(0, 0, 2))
	if _, err := d.store.KeepPromises(ctx); err != nil {
		t.Fatal(err)
	}
	var updates int64
	mustDB(t, d.store.DB().Raw("SELECT count(*) FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgPromiseUpdate, cand.ID).Scan(&updates))
	if got := d.application(t, "sofia.costa@example.com"); updates != 0 || got.PromiseExtensions != 0 {
		t.Fatalf("the keeper acted while the move is Sofia's: %d updates, %d extensions", updates, got.PromiseExtensions)
	}
	var v struct {
		ID        int64
		ExpiresOn time.Time
	}
	mustDB(t, d.store.DB().Raw(`SELECT v.id, v.expires_on FROM offer_versions v JOIN offers o ON o.id = v.offer_id
		WHERE o.application_id = ? AND v.status = 'sent'`, app.ID).Scan(&v))
	mine := func() models.CandidateApplication {
		view, err := d.store.GetCandidateView(ctx, &cand)
		must(t, err)
		for _, a := range view.Applications {
			if a.ID == app.ID {
				return a
			}
		}
		t.Fatal("Sofia's application is not on her page")
		return models.CandidateApplication{}
	}
	m, ok := mine().YourTurn(d.clock.Now())
	wantBy := time.Date(v.ExpiresOn.Year(), v.ExpiresOn.Month(), v.ExpiresOn.Day(), 23, 59, 59, 0, time.UTC)
	if !ok || m.Kind != models.MoveAnswerOffer || !m.By.Equal(wantBy) {
		t.Fatalf("Sofia's deadline is %+v (%v), want to answer her offer by %v", m, ok, wantBy)
	}
	must(t, d.store.AcceptJobOffer(ctx, candidateActor(app), app.ID, v.ID))
	got := d.application(t, "sofia.costa@example.com")
	var sla int
	mustDB(t, d.store.DB().Raw("SELECT decision_sla_days FROM positions WHERE id = ?", app.PositionID).Scan(&sla))
	if want := models.AddBusinessDays(d.clock.Now(), sla, time.UTC); got.ExpectedUpdateAt == nil || !got.ExpectedUpdateAt.Equal(want) {
		t.Errorf("after accepting, the promise is %v, want %v (the stage time from now)", got.ExpectedUpdateAt, want)
	}
	if moves := mine().YourMoves(d.clock.Now()); len(moves) != 0 {
		t.Errorf("after accepting Sofia still has moves: %+v", moves)
	}
}

// movesOf is everything open for the candidate with this id, as their home
// page reads it.
func movesOf(t *testing.T, s *models.Store, candidateID int64, now time.Time) []models.CandidateMove {
	t.Helper()
	var cand models.Candidate
	mustDB(t, s.DB().First(&cand, candidateID))
	view, err := s.GetCandidateView(context.Background(), &cand)
	must(t, err)
	return view.YourMoves(now)
}

// Each demo candidate's first move, as their page loads it in its one
// statement: Sofia answers her offer by the end of its expiry day, Farid
// picks a time, Ben and Kemi book a seat, Liam adds referees, Henrik
// consents to his background check, Isabel answers the interest check, Noah
// does his soonest onboarding task; the others have nothing to do.
func TestDemoCandidatesFirstMoves(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	now := d.clock.Now()
	first := func(email string) (models.CandidateMove, int) {
		t.Helper()
		moves := movesOf(t, d.store, d.application(t, email).CandidateID, now)
		if len(moves) == 0 {
			return models.CandidateMove{}, 0
		}
		return moves[0], len(moves)
	}
	for _, c := range []struct {
		email string
		want  models.MoveKind
	}{
		{"sofia.costa@example.com", models.MoveAnswerOffer},
		{"farid.haddad@example.com", models.MovePickTime},
		{"ben.okafor@example.com", models.MoveBookSeat},
		{"kemi.adeyemi@example.com", models.MoveBookSeat},
		{"liam.obrien@example.com", models.MoveAddReferees},
		{"henrik.larsen@example.com", models.MoveGiveConsent},
		{"isabel.moreno@example.com", models.MoveAnswerInterest},
		{"noah.schmidt@example.com", models.MoveOnboardingTask},
		{"amelia.hart@example.com", ""}, {"chloe.dubois@example.com", ""}, {"daniel.kim@example.com", ""},
		{"grace.liu@example.com", ""}, {"jonas.weber@example.com", ""}, {"maya.patel@example.com", ""},
		{"elena.rossi@example.com", ""}, {"olivia.brown@example.com", ""}, {"pavel.novak@example.com", ""},
	} {
		m, n := first(c.email)
		if m.Kind != c.want {
			t.Errorf("%s: first move %q (of %d), want %q", c.email, m.Kind, n, c.want)
			continue
		}
		app := d.application(t, c.email)
		if m.Kind != "" && m.ApplicationID != app.ID {
			t.Errorf("%s: the move is on application %d, want %d", c.email, m.ApplicationID, app.ID)
		}
		switch m.Kind {
		case models.MoveAnswerOffer:
			var expires time.Time
			mustDB(t, d.store.DB().Raw(`SELECT v.expires_on FROM offer_versions v JOIN offers o ON o.id = v.offer_id
				WHERE o.application_id = ? AND v.status = 'sent'`, app.ID).Scan(&expires))
			if want := time.Date(expires.Year(), expires.Month(), expires.Day(), 23, 59, 59, 0, time.UTC); m.By == nil || !m.By.Equal(want) {
				t.Errorf("%s: the offer is due by %v, want %v", c.email, m.By, want)
			}
		case models.MovePickTime:
			var round struct {
				ID    int64
				Title string
			}
			mustDB(t, d.store.DB().Raw("SELECT id, title FROM interview_rounds WHERE application_id = ? AND status = 'proposed'", app.ID).Scan(&round))
			if m.RoundID != round.ID || m.Subject != round.Title || m.By != nil {
				t.Errorf("%s: the time to pick is %+v, want round %d (%s) without a due date", c.email, m, round.ID, round.Title)
			}
		case models.MoveAddReferees:
			if m.Missing != "Add 2 more referees (2 needed)." {
				t.Errorf("%s: missing %q", c.email, m.Missing)
			}
		case models.MoveGiveConsent:
			if m.Check != models.CheckBackground {
				t.Errorf("%s: consent for %q, want the background check", c.email, m.Check)
			}
		case models.MoveOnboardingTask:
			var task struct {
				ID    int64
				DueOn time.Time
				N     int
			}
			mustDB(t, d.store.DB().Raw(`SELECT id, due_on, count(*) OVER () AS n FROM onboarding_tasks WHERE application_id = ?
				AND assignee = 'starter' AND status IN ('open', 'returned') ORDER BY due_on, sort_order, id LIMIT 1`, app.ID).Scan(&task))
			want := time.Date(task.DueOn.Year(), task.DueOn.Month(), task.DueOn.Day(), 23, 59, 59, 0, time.UTC)
			if m.TaskID != task.ID || m.By == nil || !m.By.Equal(want) || n != task.N {
				t.Errorf("%s: first task %+v of %d, want task %d due %v of %d", c.email, m, n, task.ID, want, task.N)
			}
		}
	}
}

// A waitlist as the candidates' pages read it: each waiting candidate sees
// their place; when a seat frees, the first sees it held for them until the
// hold ends and the next moves up; a candidate who gave up their seat is
// asked to book again.
func TestWaitlistMovesOnCandidatePages(t *testing.T) {
	t.Parallel()
	f := newAssessmentFixture(t, 3, 1)
	ctx := context.Background()
	holder, second, third := 0, 1, 2
	if _, err := f.store.BookSeat(ctx, f.candidates[holder], f.apps[holder], f.dayID); err != nil {
		t.Fatal(err)
	}
	must(t, f.store.JoinWaitlist(ctx, f.candidates[second], f.apps[second], f.dayID))
	f.clock.Advance(time.Second)
	must(t, f.store.JoinWaitlist(ctx, f.candidates[third], f.apps[third], f.dayID))
	only := func(who int) models.CandidateMove {
		t.Helper()
		moves := movesOf(t, f.store, f.candidates[who].ID, f.clock.Now())
		if len(moves) != 1 {
			t.Fatalf("racer %d has moves %v, want one", who, kinds(moves))
		}
		return moves[0]
	}
	if moves := movesOf(t, f.store, f.candidates[holder].ID, f.clock.Now()); len(moves) != 0 {
		t.Fatalf("the seat holder has moves %v, want none", kinds(moves))
	}
	if m := only(second); m.Kind != models.MoveWaitlisted || m.Place != 1 || m.Subject != "Race day" {
		t.Errorf("second in line: %+v, want number 1 on the Race day's waitlist", m)
	}
	if m := only(third); m.Kind != models.MoveWaitlisted || m.Place != 2 {
		t.Errorf("third in line: %+v, want number 2", m)
	}
	must(t, f.store.CancelSeat(ctx, f.candidates[holder], f.apps[holder]))
	var expires time.Time
	mustDB(t, f.store.DB().Raw("SELECT offer_expires_at FROM assessment_waitlist WHERE application_id = ? AND status = 'offered'", f.apps[second]).Scan(&expires))
	if m := only(second); m.Kind != models.MoveAcceptSeat || m.By == nil || !m.By.Equal(expires) || m.Subject != "Race day" {
		t.Errorf("after the seat freed, the first in line has %+v, want the seat held until %v", m, expires)
	}
	if m := only(third); m.Kind != models.MoveWaitlisted || m.Place != 1 {
		t.Errorf("after the seat freed, the next in line has %+v, want number 1", m)
	}
	if m := only(holder); m.Kind != models.MoveBookSeat {
		t.Errorf("the candidate who cancelled has %+v, want a seat to book", m)
	}
}
