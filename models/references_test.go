package models_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"nextstep/models"
)

// refDemo is the demo with Liam O'Brien, at reference checks for the
// Warehouse Operations Lead (managed by the demo's hiring manager).
type refDemo struct {
	demo
	ctx  context.Context
	app  models.Application
	liam models.Actor
	hr   models.Actor
}

func newRefDemo(t *testing.T) refDemo {
	t.Helper()
	d := newDemo(t)
	app := d.application(t, "liam.obrien@example.com")
	if app.Stage != models.StageReferenceChecks {
		t.Fatalf("Liam is at %s, not at reference checks", app.Stage)
	}
	return refDemo{demo: d, ctx: context.Background(), app: app, liam: candidateActor(app), hr: staffActor(d.recruiter)}
}

func refInput(name, email string) models.RefereeInput {
	return models.RefereeInput{Name: name, Email: email, Company: "Northwind Logistics", Relationship: models.RelColleague,
		WorkedFrom: "2021-02", WorkedTo: "2024-06", MayContactNow: true, ConfirmedAgreed: true}
}

// addReferee adds a referee as Liam and returns its id.
func (d refDemo) addReferee(t *testing.T, in models.RefereeInput) int64 {
	t.Helper()
	id, err := d.store.AddReferee(d.ctx, d.liam, d.app.ID, in)
	must(t, err)
	return id
}

var refereeLinkPattern = regexp.MustCompile(`/references/([A-Za-z0-9_-]+)`)

// refereeToken is the token of the newest link emailed to a referee, read
// from the stored (unredacted) message as the referee's mailbox would.
func refereeToken(t *testing.T, s *models.Store, refereeID int64) string {
	t.Helper()
	var body string
	mustDB(t, s.DB().Raw("SELECT body FROM outbox_messages WHERE referee_id = ? ORDER BY id DESC LIMIT 1", refereeID).Scan(&body))
	m := refereeLinkPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no referee link in the message to referee %d: %q", refereeID, body)
	}
	return m[1]
}

// goodAnswers answer the default questionnaire.
func goodAnswers(quality, teamwork, again string) models.RefereeAnswers {
	return models.RefereeAnswers{ConfirmsRelationship: true, ConfirmsPeriod: true,
		Answers: []string{"Three years in the same warehouse team.", quality, teamwork, again, ""}}
}

func TestReferenceFlow(t *testing.T) {
	t.Parallel()
	d := newRefDemo(t)
	rita := d.addReferee(t, refInput("Rita Reyes", "rita@northwind.example"))
	sam := d.addReferee(t, refInput("Sam Stone", "sam@northwind.example"))

	view, err := d.store.Referees(d.ctx, d.liam, d.app.ID)
	must(t, err)
	if view.CanEdit != nil || len(view.Referees) != 2 || !view.Completeness.Complete || view.Referees[0].Status != models.RefereeDraft {
		t.Fatalf("Liam's referees before sending: %+v", view)
	}
	n, err := d.store.SendReferenceRequests(d.ctx, d.hr, d.app.ID, nil)
	if err != nil || n != 2 {
		t.Fatalf("sending: %d, %v", n, err)
	}
	var msgs []models.OutboxMessage
	mustDB(t, d.store.DB().Where("referee_id IN ?", []int64{rita, sam}).Order("id").Find(&msgs))
	if len(msgs) != 2 || msgs[0].Kind != models.MsgReferenceRequest || msgs[0].ToEmail != "rita@northwind.example" || msgs[0].CandidateID != nil || msgs[0].StaffID != nil {
		t.Fatalf("the requests in the outbox: %+v", msgs)
	}
	if !strings.Contains(msgs[0].Body, "Liam") || !strings.Contains(msgs[0].Body, "Warehouse Operations Lead") {
		t.Errorf("the request does not name the candidate and the role: %q", msgs[0].Body)
	}
	// Staff read the message with its link hidden, like a sign-in link.
	shown, err := d.store.GetMessage(d.ctx, staffActor(d.admin), msgs[0].ID)
	must(t, err)
	if strings.Contains(shown.Body, "/references/") || strings.Contains(shown.BodyHTML, "/references/") {
		t.Errorf("the Outbox shows a referee's link: %q", shown.Body)
	}
	// Sent: the candidate can no longer change them.
	if err := d.store.UpdateReferee(d.ctx, d.liam, rita, refInput("Rita R", "rita@northwind.example")); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("changing a referee already asked: %v, want a conflict", err)
	}

	form, err := d.store.RefereeForm(d.ctx, refereeToken(t, d.store, rita), "198.51.100.10", "Firefox")
	must(t, err)
	if form.RefereeName != "Rita Reyes" || form.CandidateName == "" || len(form.Questions) != len(models.DefaultReferenceQuestions()) {
		t.Fatalf("Rita's form: %+v", form)
	}
	d.clock.Advance(3 * time.Minute)
	must(t, d.store.AnswerReference(d.ctx, refereeToken(t, d.store, rita), goodAnswers("4", "5", "yes"), "198.51.100.10", "Firefox"))
	must(t, d.store.DeclineReference(d.ctx, refereeToken(t, d.store, sam), "I never worked with Liam directly.", "198.51.100.11", "Safari"))

	view, err = d.store.Referees(d.ctx, d.liam, d.app.ID)
	must(t, err)
	got := map[int64]models.RefereeStatus{}
	for _, r := range view.Referees {
		got[r.ID] = r.Status
	}
	if got[rita] != models.RefereeAnswered || got[sam] != models.RefereeDeclined {
		t.Errorf("Liam reads %v, want answered and declined", got)
	}

	// An admin edits the questionnaire afterwards: the answers keep the questions as asked.
	must(t, d.store.SetReferenceQuestions(d.ctx, staffActor(d.admin), d.app.PositionID,
		[]models.ReferenceQuestion{{Kind: models.QuestionRating, Prompt: "Rate their reliability"}}))
	review, err := d.store.ReferenceReview(d.ctx, d.hr, d.app.ID)
	must(t, err)
	if review.AverageRating == nil || *review.AverageRating != 4.5 || review.Ratings != 2 {
		t.Errorf("average rating %v over %d, want 4.5 over 2", review.AverageRating, review.Ratings)
	}
	var again *models.QuestionSummary
	for i, q := range review.Summaries {
		if q.Prompt == "Would you hire or work with them again?" {
			again = &review.Summaries[i]
		}
	}
	if again == nil || again.Yes != 1 || again.No != 0 || again.Unsure != 0 {
		t.Errorf("would hire again: %+v", again)
	}
	if len(review.Referees) != 2 || len(review.Referees[0].Answers) != 5 || review.Referees[0].Answers[1].Prompt != "Rate their quality of work" {
		t.Errorf("Rita's answers in the review: %+v", review.Referees)
	}
	if review.Referees[1].DeclineReason == "" || review.Referees[1].State != models.RefereeDeclined {
		t.Errorf("Sam's decline in the review: %+v", review.Referees[1])
	}
	if review.Signals != 0 {
		t.Errorf("unrelated referees raised signals: %+v", review.Referees)
	}
	var audited int64
	mustDB(t, d.store.DB().Raw("SELECT count(*) FROM audit_log WHERE action IN ('referee.answered', 'referee.declined') AND actor_kind = 'referee'").Scan(&audited))
	if audited != 2 {
		t.Errorf("%d replies audited, want 2", audited)
	}
}

func TestRefereeLinkWorksUntilReplyAndNeverAfterExpiry(t *testing.T) {
	t.Parallel()
	d := newRefDemo(t)
	rita := d.addReferee(t, refInput("Rita Reyes", "rita@northwind.example"))
	sam := d.addReferee(t, refInput("Sam Stone", "sam@northwind.example"))
	_, err := d.store.SendReferenceRequests(d.ctx, d.hr, d.app.ID, nil)
	must(t, err)
	token := refereeToken(t, d.store, rita)

	// An altered or made-up token finds nothing, and says nothing more.
	altered := token[:len(token)-1] + map[bool]string{true: "A", false: "B"}[token[len(token)-1] != 'A']
	for _, bad := range []string{altered, models.NewSecret(), ""} {
		if _, err := d.store.RefereeForm(d.ctx, bad, "", ""); models.ErrorCode(err) != models.CodeNotFound {
			t.Errorf("token %q: %v, want not found", bad, err)
		}
		if err := d.store.AnswerReference(d.ctx, bad, goodAnswers("3", "3", "unsure"), "", ""); models.ErrorCode(err) != models.CodeNotFound {
			t.Errorf("answering with token %q: %v, want not found", bad, err)
		}
	}
	// Opened twice: the first opening is kept.
	for range 2 {
		_, err := d.store.RefereeForm(d.ctx, token, "198.51.100.10", "Firefox")
		must(t, err)
		d.clock.Advance(time.Minute)
	}
	var opened time.Time
	mustDB(t, d.store.DB().Raw("SELECT opened_at FROM referees WHERE id = ?", rita).Scan(&opened))
	if !opened.Equal(testNow) {
		t.Errorf("opened_at %v, want the first opening %v", opened, testNow)
	}
	must(t, d.store.AnswerReference(d.ctx, token, goodAnswers("4", "4", "yes"), "198.51.100.10", "Firefox"))
	if _, err := d.store.RefereeForm(d.ctx, token, "", ""); models.ErrorCode(err) != models.CodeGone {
		t.Errorf("the form after the answer: %v, want gone", err)
	}
	if err := d.store.DeclineReference(d.ctx, token, "", "", ""); models.ErrorCode(err) != models.CodeGone {
		t.Errorf("declining after answering: %v, want gone", err)
	}

	// Sam's link works until its 14 days are over, and never after.
	samToken := refereeToken(t, d.store, sam)
	d.clock.Advance(models.RefereeLinkTTL - 2*time.Minute - time.Second) // the request went at testNow; two openings took 2 minutes
	_, err = d.store.RefereeForm(d.ctx, samToken, "", "")
	must(t, err)
	d.clock.Advance(time.Second)
	if _, err := d.store.RefereeForm(d.ctx, samToken, "", ""); models.ErrorCode(err) != models.CodeGone {
		t.Errorf("the form at expiry: %v, want gone", err)
	}
	if err := d.store.AnswerReference(d.ctx, samToken, goodAnswers("5", "5", "yes"), "", ""); models.ErrorCode(err) != models.CodeGone {
		t.Errorf("answering at expiry: %v, want gone", err)
	}
	view, err := d.store.Referees(d.ctx, d.liam, d.app.ID)
	must(t, err)
	if view.Referees[1].Status != models.RefereeExpired {
		t.Errorf("Liam reads Sam as %s, want expired", view.Referees[1].Status)
	}
	// Asked afresh, Sam gets a new link; the old one stays dead.
	_, err = d.store.SendReferenceRequests(d.ctx, d.hr, d.app.ID, []int64{sam})
	must(t, err)
	if _, err := d.store.RefereeForm(d.ctx, samToken, "", ""); models.ErrorCode(err) != models.CodeNotFound {
		t.Errorf("the expired request's link after asking afresh: %v, want not found", err)
	}
	must(t, d.store.AnswerReference(d.ctx, refereeToken(t, d.store, sam), goodAnswers("5", "5", "yes"), "", ""))
}

func TestDoubleSubmitStoresOneAnswer(t *testing.T) {
	t.Parallel()
	d := newRefDemo(t)
	rita := d.addReferee(t, refInput("Rita Reyes", "rita@northwind.example"))
	_, err := d.store.SendReferenceRequests(d.ctx, d.hr, d.app.ID, nil)
	must(t, err)
	token := refereeToken(t, d.store, rita)
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = d.store.AnswerReference(d.ctx, token, goodAnswers("4", "4", "yes"), "198.51.100.10", "Firefox")
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case models.ErrorCode(err) != models.CodeGone:
			t.Errorf("a second submit: %v, want gone", err)
		}
	}
	var answers int64
	mustDB(t, d.store.DB().Raw("SELECT count(*) FROM reference_answers WHERE referee_id = ?", rita).Scan(&answers))
	if ok != 1 || answers != int64(len(models.DefaultReferenceQuestions())) {
		t.Fatalf("%d submits succeeded and %d answers were stored; want 1 and one set", ok, answers)
	}
}

func TestReferencesAuthorisation(t *testing.T) {
	t.Parallel()
	d := newRefDemo(t)
	rita := d.addReferee(t, refInput("Rita Reyes", "rita@northwind.example"))
	ben := candidateActor(d.application(t, "ben.okafor@example.com"))
	interviewer := staffActor(staffByEmail(t, d.store, "interviewer@demo.nextstep.test"))
	otherManager, err := d.store.CreateStaff(d.ctx, staffActor(d.admin), models.StaffInput{Email: "olga.other@demo.nextstep.test", Name: "Olga Other", Role: models.RoleHiringManager})
	must(t, err)
	outsiders := []models.Actor{ben, interviewer, staffActor(otherManager), models.SystemActor("test")}

	for _, a := range outsiders {
		if _, err := d.store.Referees(d.ctx, a, d.app.ID); !isNotFound(err) {
			t.Errorf("%s reads Liam's referees: %v", who(a), err)
		}
		if _, err := d.store.AddReferee(d.ctx, a, d.app.ID, refInput("Eve", "eve@example.com")); !isNotFound(err) {
			t.Errorf("%s adds a referee to Liam's application: %v", who(a), err)
		}
		if err := d.store.UpdateReferee(d.ctx, a, rita, refInput("Eve", "eve@example.com")); !isNotFound(err) {
			t.Errorf("%s changes Liam's referee: %v", who(a), err)
		}
		if err := d.store.RemoveReferee(d.ctx, a, rita); !isNotFound(err) {
			t.Errorf("%s removes Liam's referee: %v", who(a), err)
		}
		if _, err := d.store.ReferenceReview(d.ctx, a, d.app.ID); !isNotFound(err) {
			t.Errorf("%s reads Liam's references: %v", who(a), err)
		}
		if _, err := d.store.SendReferenceRequests(d.ctx, a, d.app.ID, nil); !isNotFound(err) {
			t.Errorf("%s sends Liam's requests: %v", who(a), err)
		}
		if _, err := d.store.StaffAddReferee(d.ctx, a, d.app.ID, refInput("Eve", "eve@example.com")); !isNotFound(err) {
			t.Errorf("%s adds a referee as staff: %v", who(a), err)
		}
	}
	// The candidate does not read the staff review, nor add referees at another stage.
	if _, err := d.store.ReferenceReview(d.ctx, d.liam, d.app.ID); !isNotFound(err) {
		t.Errorf("Liam reads the staff review: %v", err)
	}
	if _, err := d.store.AddReferee(d.ctx, ben, d.application(t, "ben.okafor@example.com").ID, refInput("Eve", "eve@example.com")); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("Ben adds a referee at the assessment day: %v, want a conflict", err)
	}
	// The position's hiring manager reads and acts.
	if _, err := d.store.ReferenceReview(d.ctx, staffActor(d.manager), d.app.ID); err != nil {
		t.Errorf("the position's manager: %v", err)
	}
	if _, err := d.store.SendReferenceRequests(d.ctx, staffActor(d.manager), d.app.ID, nil); err != nil {
		t.Errorf("the position's manager sends: %v", err)
	}
	// A referee of another application is not found through this one.
	benApp := d.application(t, "ben.okafor@example.com")
	other, err := d.store.StaffAddReferee(d.ctx, d.hr, benApp.ID, refInput("Olly", "olly@example.com"))
	must(t, err)
	if _, err := d.store.SendReferenceRequests(d.ctx, d.hr, d.app.ID, []int64{other}); !isNotFound(err) {
		t.Errorf("sending another application's referee through Liam's: %v", err)
	}
}

func TestAutomaticReminderGoesOnceAfterFiveDays(t *testing.T) {
	t.Parallel()
	d := newRefDemo(t)
	rita := d.addReferee(t, refInput("Rita Reyes", "rita@northwind.example"))
	sam := d.addReferee(t, refInput("Sam Stone", "sam@northwind.example"))
	for i := range models.MaxReferees - 2 { // more rows, so that runs at once overlap
		d.addReferee(t, refInput("Referee "+string(rune('A'+i)), string(rune('a'+i))+"@northwind.example"))
	}
	_, err := d.store.SendReferenceRequests(d.ctx, d.hr, d.app.ID, nil)
	must(t, err)
	firstLink := refereeToken(t, d.store, rita)
	must(t, d.store.AnswerReference(d.ctx, refereeToken(t, d.store, sam), goodAnswers("4", "4", "yes"), "", ""))

	d.clock.Advance(models.RefereeReminderAfter - time.Minute)
	if n, err := d.store.SendDueReferenceReminders(d.ctx); err != nil || n != 0 {
		t.Fatalf("before 5 days: %d reminders, %v", n, err)
	}
	if err := d.store.RemindReferee(d.ctx, d.hr, sam); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("reminding a referee who answered: %v, want a conflict", err)
	}
	d.clock.Advance(time.Minute)
	counts := make([]int, 4)
	var wg sync.WaitGroup
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := d.store.SendDueReferenceReminders(d.ctx)
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		}()
	}
	wg.Wait()
	var reminders int64
	mustDB(t, d.store.DB().Raw("SELECT count(*) FROM outbox_messages WHERE kind = ?", models.MsgReferenceReminder).Scan(&reminders))
	const due = models.MaxReferees - 1 // all but Sam, who answered
	if counts[0]+counts[1]+counts[2]+counts[3] != due || reminders != due {
		t.Fatalf("four runs at once sent %v reminders, %d in the outbox; want one to each of the %d waiting referees", counts, reminders, due)
	}
	if n, err := d.store.SendDueReferenceReminders(d.ctx); err != nil || n != 0 {
		t.Errorf("run again: %d reminders, %v", n, err)
	}
	// By hand, not within a day of the last email; then it goes.
	if err := d.store.RemindReferee(d.ctx, d.hr, rita); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("a reminder by hand right after the automatic one: %v, want a conflict", err)
	}
	d.clock.Advance(25 * time.Hour)
	must(t, d.store.RemindReferee(d.ctx, d.hr, rita))
	// Every link Rita received opens her form.
	for _, tok := range []string{firstLink, refereeToken(t, d.store, rita)} {
		if _, err := d.store.RefereeForm(d.ctx, tok, "", ""); err != nil {
			t.Errorf("a link Rita received: %v", err)
		}
	}
}

func TestFraudSignals(t *testing.T) {
	t.Parallel()
	d := newRefDemo(t)
	// Liam signs in through the real path, from 203.0.113.9.
	link, err := d.store.IssueSignInLink(d.ctx, "liam.obrien@example.com")
	must(t, err)
	_, err = d.store.ConsumeSignInToken(d.ctx, link[strings.LastIndex(link, "/")+1:], models.Actor{IP: "203.0.113.9", UserAgent: "Firefox"})
	must(t, err)

	with := func(name, email, phone string, rel models.Relationship, company string) models.RefereeInput {
		in := refInput(name, email)
		in.Phone, in.Relationship, in.Company = phone, rel, company
		return in
	}
	fromHome := d.addReferee(t, with("Ann Home", "ann@northwind.example", "", models.RelColleague, "Northwind"))
	bob := d.addReferee(t, with("Bob Twin", "bob@northwind.example", "+44 20 7946 0001", models.RelColleague, "Northwind"))
	cat := d.addReferee(t, with("Cat Twin", "cat@northwind.example", "+44 (20) 7946-0001", models.RelClient, "Contoso"))
	shared := d.addReferee(t, with("Gus Shared", "gus@contoso.example", "", models.RelOther, ""))
	freeMail := d.addReferee(t, with("Hal Boss", "hal.boss@gmail.com", "", models.RelManager, "Acme Ltd"))
	plain := d.addReferee(t, with("Una Related", "una@fabrikam.example", "+1 415 555 0100", models.RelManager, "Fabrikam"))
	// Gus is also Ben's referee.
	_, err = d.store.StaffAddReferee(d.ctx, d.hr, d.application(t, "ben.okafor@example.com").ID, with("G. Shared", "GUS@contoso.example", "", models.RelColleague, ""))
	must(t, err)
	_, err = d.store.SendReferenceRequests(d.ctx, d.hr, d.app.ID, nil)
	must(t, err)

	answer := func(id int64, ip string, took time.Duration) {
		t.Helper()
		tok := refereeToken(t, d.store, id)
		_, err := d.store.RefereeForm(d.ctx, tok, ip, "Firefox")
		must(t, err)
		d.clock.Advance(took)
		must(t, d.store.AnswerReference(d.ctx, tok, goodAnswers("5", "5", "yes"), ip, "Firefox"))
	}
	answer(fromHome, "203.0.113.9", 10*time.Second) // the candidate's address, and quick
	answer(bob, "198.51.100.7", 5*time.Minute)
	answer(cat, "198.51.100.7", 5*time.Minute) // the same address as Bob
	answer(plain, "198.51.100.50", 6*time.Minute)

	review, err := d.store.ReferenceReview(d.ctx, d.hr, d.app.ID)
	must(t, err)
	got := map[int64]map[models.SignalKind]string{}
	for _, r := range review.Referees {
		got[r.ID] = map[models.SignalKind]string{}
		for _, s := range r.Signals {
			if s.RefereeID != r.ID || s.Evidence == "" {
				t.Errorf("a signal about %s: %+v", r.Name, s)
			}
			got[r.ID][s.Kind] = s.Evidence
		}
	}
	for _, want := range []struct {
		referee  int64
		kind     models.SignalKind
		evidence string
	}{
		{fromHome, models.SignalCandidateIP, "203.0.113.9"},
		{fromHome, models.SignalQuickAnswer, "10 seconds"},
		{bob, models.SignalSharedPhone, "Cat Twin"},
		{cat, models.SignalSharedPhone, "Bob Twin"},
		{bob, models.SignalSharedIP, "198.51.100.7"},
		{cat, models.SignalSharedIP, "Bob Twin"},
		{shared, models.SignalOtherCandidateEmail, "1 other candidate"},
		{freeMail, models.SignalFreeMailManager, "gmail.com"},
	} {
		if ev, ok := got[want.referee][want.kind]; !ok || !strings.Contains(ev, want.evidence) {
			t.Errorf("referee %d: %s signal %q, want one naming %q (all: %v)", want.referee, want.kind, ev, want.evidence, got[want.referee])
		}
	}
	if len(got[plain]) != 0 {
		t.Errorf("an unrelated referee raised signals: %v", got[plain])
	}
	if n := len(got[fromHome]) + len(got[bob]) + len(got[cat]) + len(got[shared]) + len(got[freeMail]); n != review.Signals || n != 8 {
		t.Errorf("%d signals on the referees, %d counted, want exactly the 8 expected: %v", n, review.Signals, got)
	}

	// Sessions are purged in time; the address stays in the candidate's own
	// audit entries, sealed with their key, and still counts; once erasure
	// destroyed the key it no longer does.
	fromCandidate := func() bool {
		t.Helper()
		review, err := d.store.ReferenceReview(d.ctx, d.hr, d.app.ID)
		must(t, err)
		for _, r := range review.Referees {
			for _, s := range r.Signals {
				if r.ID == fromHome && s.Kind == models.SignalCandidateIP && strings.Contains(s.Evidence, "203.0.113.9") {
					return true
				}
			}
		}
		return false
	}
	mustDB(t, d.store.DB().Exec("DELETE FROM sessions WHERE candidate_id = ?", d.app.CandidateID))
	if !fromCandidate() {
		t.Error("without the session, the candidate's address in their sealed audit entries was not found")
	}
	must(t, d.store.DestroyPersonKey(d.ctx, d.app.CandidateID))
	if fromCandidate() {
		t.Error("after the candidate's key was destroyed, their address still matched")
	}
}

// When the application closes, the referees' links close with it: the
// referee reads that the reference is no longer needed (not why), and no
// reply is stored.
func TestRefereeLinksCloseWithTheApplication(t *testing.T) {
	t.Parallel()
	d := newRefDemo(t)
	rita := d.addReferee(t, refInput("Rita Reyes", "rita@northwind.example"))
	_, err := d.store.SendReferenceRequests(d.ctx, d.hr, d.app.ID, nil)
	must(t, err)
	token := refereeToken(t, d.store, rita)
	_, err = d.store.RefereeForm(d.ctx, token, "", "")
	must(t, err)
	must(t, d.store.ChangeStatus(d.ctx, d.hr, d.app.ID, models.StatusRejected, "The role went to another candidate."))
	_, err = d.store.RefereeForm(d.ctx, token, "", "")
	if models.ErrorCode(err) != models.CodeGone || !strings.Contains(err.Error(), "no longer needed") || strings.Contains(err.Error(), "reject") {
		t.Errorf("the form after the application closed: %v, want gone, saying no more than that it is no longer needed", err)
	}
	if err := d.store.AnswerReference(d.ctx, token, goodAnswers("4", "4", "yes"), "", ""); models.ErrorCode(err) != models.CodeGone {
		t.Errorf("answering after the application closed: %v, want gone", err)
	}
	if err := d.store.DeclineReference(d.ctx, token, "", "", ""); models.ErrorCode(err) != models.CodeGone {
		t.Errorf("declining after the application closed: %v, want gone", err)
	}
	var status string
	mustDB(t, d.store.DB().Raw("SELECT status FROM referees WHERE id = ?", rita).Scan(&status))
	if status != string(models.RefereeRequested) {
		t.Errorf("the referee is %s after the refused replies, want still requested", status)
	}
}
