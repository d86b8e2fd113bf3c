package models_test

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// unsubscribeToken is the token of a stored message's unsubscribe link
// (the List-Unsubscribe column), failing the test when there is none.
func unsubscribeToken(t *testing.T, link string) string {
	t.Helper()
	_, token, ok := strings.Cut(link, "/unsubscribe/")
	if !ok || token == "" {
		t.Fatalf("no unsubscribe link in %q", link)
	}
	return token
}

// candidateRow is the candidate's row as JSON, without the columns a
// choice may change: what an unsubscribe link must leave alone.
func candidateRow(t *testing.T, s *models.Store, id int64) string {
	t.Helper()
	var row string
	mustDB(t, s.DB().Raw("SELECT (to_jsonb(c) - 'email_updates' - 'updated_at')::text FROM candidates c WHERE id = ?", id).Scan(&row))
	return row
}

// Acceptance 4, the store's part: a candidate who turned "still deciding"
// updates and reminders off gets no update from the promise keeper — the
// promised date on their page still moves, and the withholding is audited —
// while a candidate who did not gets theirs with its unsubscribe link; an
// offer, which is essential, is queued for delivery as always, and the
// reminder of its expiry is not written.
func TestOptingOutStopsUpdatesButNotAnOffer(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	dan := d.application(t, "daniel.kim@example.com")
	liam := d.application(t, "liam.obrien@example.com")
	daniel := models.Actor{Kind: "candidate", ID: dan.CandidateID, Email: "daniel.kim@example.com", IP: "198.51.100.20"}

	changed, err := d.store.SaveEmailChoices(ctx, daniel, models.EmailChoices{})
	if err != nil || !changed {
		t.Fatalf("turning both off: changed %v, %v", changed, err)
	}
	if changed, err := d.store.SaveEmailChoices(ctx, daniel, models.EmailChoices{}); err != nil || changed {
		t.Fatalf("saving the same choices again: changed %v, %v", changed, err)
	}
	if got, err := d.store.CandidateEmailChoices(ctx, daniel); err != nil || got != (models.EmailChoices{}) {
		t.Fatalf("Daniel's choices: %+v, %v; want both off", got, err)
	}
	var audits int64
	mustDB(t, d.store.DB().Raw("SELECT count(*) FROM audit_log WHERE action = 'candidate.email_choices_changed' AND subject_id = ? AND actor_kind = 'candidate'",
		dan.CandidateID).Scan(&audits))
	if audits != 1 {
		t.Errorf("%d audit entries for the change, want 1 (saving the same again changes nothing)", audits)
	}
	if _, err := d.store.CandidateEmailChoices(ctx, staffActor(d.recruiter)); models.ErrorCode(err) != models.CodeNotFound {
		t.Errorf("a staff member's email choices: %v, want not found", err)
	}

	// Both promises pass; the keeper runs once.
	for _, a := range []models.Application{dan, liam} {
		must(t, d.store.OverrideExpectedDate(ctx, staffActor(d.recruiter), a.ID, d.clock.Now().AddDate(0, 0, 1), "Waiting for the panel."))
	}
	promised := d.application(t, "daniel.kim@example.com").ExpectedUpdateAt
	setClock(d, promised.Add(time.Minute))
	if _, err := d.store.KeepPromises(ctx); err != nil {
		t.Fatal(err)
	}
	after := d.application(t, "daniel.kim@example.com")
	if after.PromiseExtensions != 1 || after.ExpectedUpdateAt == nil || !after.ExpectedUpdateAt.After(d.clock.Now()) {
		t.Fatalf("Daniel's promise after the keeper: %d extensions, date %v; want it moved on though no email goes", after.PromiseExtensions, after.ExpectedUpdateAt)
	}
	var cand models.Candidate
	mustDB(t, d.store.DB().First(&cand, dan.CandidateID))
	view, err := d.store.GetCandidateView(ctx, &cand)
	must(t, err)
	for _, a := range view.Applications {
		if a.ID == dan.ID && (a.ExpectedUpdateAt == nil || !a.ExpectedUpdateAt.Equal(*after.ExpectedUpdateAt)) {
			t.Errorf("Daniel's page promises %v, want the new date %v", a.ExpectedUpdateAt, after.ExpectedUpdateAt)
		}
	}
	count := func(sql string, args ...any) int64 {
		t.Helper()
		var n int64
		mustDB(t, d.store.DB().Raw(sql, args...).Scan(&n))
		return n
	}
	if n := count("SELECT count(*) FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgPromiseUpdate, dan.CandidateID); n != 0 {
		t.Errorf("%d updates written for Daniel, who turned them off; want none", n)
	}
	if n := count("SELECT count(*) FROM promise_updates WHERE application_id = ?", dan.ID); n != 1 {
		t.Errorf("%d updates on Daniel's timeline, want 1: the update happened, only its email was withheld", n)
	}
	if n := count("SELECT count(*) FROM unsubscribe_tokens WHERE candidate_id = ?", dan.CandidateID); n != 0 {
		t.Errorf("%d unsubscribe links made for Daniel's withheld update, want none", n)
	}
	if n := count("SELECT count(*) FROM audit_log WHERE action = 'message.withheld_by_choice' AND subject_id = ? AND details->>'kind' = ?",
		dan.CandidateID, models.MsgPromiseUpdate); n != 1 {
		t.Errorf("%d audit entries for the withheld update, want 1", n)
	}

	// Liam did not opt out: his update carries its link, in the body and for the header.
	var update models.OutboxMessage
	mustDB(t, d.store.DB().Where("kind = ? AND candidate_id = ?", models.MsgPromiseUpdate, liam.CandidateID).First(&update))
	token := unsubscribeToken(t, update.ListUnsubscribe)
	if !strings.Contains(update.Body, "Stop these emails (“still deciding” updates): "+update.ListUnsubscribe) ||
		!strings.Contains(update.Body, "Messages about decisions, offers and contracts always come.") {
		t.Errorf("Liam's update lacks its unsubscribe footer:\n%s", update.Body)
	}
	if !strings.Contains(update.BodyHTML, `href="`+update.ListUnsubscribe+`"`) {
		t.Errorf("the HTML part does not link the unsubscribe link:\n%s", update.BodyHTML)
	}
	hash := sha256.Sum256([]byte(token))
	if n := count("SELECT count(*) FROM unsubscribe_tokens WHERE candidate_id = ? AND category = 'updates' AND token_hash = ? AND used_at IS NULL",
		liam.CandidateID, hash[:]); n != 1 {
		t.Errorf("Liam's link is stored %d times as its hash, want once", n)
	}
	if n := count("SELECT count(*) FROM unsubscribe_tokens t WHERE position(? in encode(t.token_hash, 'escape')) > 0", token); n != 0 {
		t.Error("the unsubscribe table holds the token itself")
	}

	// The offer is essential: queued with its delivery job, and no link to stop it.
	_, version, _ := sentOffer(t, d)
	var offer models.OutboxMessage
	mustDB(t, d.store.DB().Where("kind = ? AND candidate_id = ?", models.MsgOfferSent, dan.CandidateID).First(&offer))
	if offer.Status != models.MessageQueued || offer.ListUnsubscribe != "" || strings.Contains(offer.Body, "/unsubscribe/") {
		t.Errorf("Daniel's offer: status %s, unsubscribe %q; want queued, with no unsubscribe link:\n%s", offer.Status, offer.ListUnsubscribe, offer.Body)
	}
	if n := count("SELECT count(*) FROM river_job WHERE kind = 'deliver_message' AND (args->>'message_id')::bigint = ?", offer.ID); n != 1 {
		t.Errorf("Daniel's offer has %d delivery jobs, want 1", n)
	}

	// Its expiry comes within 48 hours: the reminder is due and claimed, but
	// Daniel turned reminders off, so none is written.
	setClock(d, time.Date(version.ExpiresOn.Year(), version.ExpiresOn.Month(), version.ExpiresOn.Day(), 1, 0, 0, 0, time.UTC))
	if _, err := d.store.SendDueReminders(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count("SELECT count(*) FROM reminders WHERE offer_version_id = ?", version.ID); n != 1 {
		t.Fatalf("the offer's expiry reminder was claimed %d times, want once: the test would prove nothing", n)
	}
	if n := count("SELECT count(*) FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgOfferExpiryReminder, dan.CandidateID); n != 0 {
		t.Errorf("%d expiry reminders written for Daniel, who turned reminders off; want none", n)
	}
	if n := count("SELECT count(*) FROM audit_log WHERE action = 'message.withheld_by_choice' AND subject_id = ? AND details->>'kind' = ?",
		dan.CandidateID, models.MsgOfferExpiryReminder); n != 1 {
		t.Errorf("%d audit entries for the withheld reminder, want 1", n)
	}
}

// An unsubscribe link works once, only for its candidate and its category:
// opening it changes nothing, using it turns that category off (audited),
// a second use is gone and changes nothing, and a forged or altered token
// is not found.
func TestUnsubscribeLinkWorksOnceAndOnlyForItsCategory(t *testing.T) {
	t.Parallel()
	c := newPromiseCase(t)
	d, ctx := c.d, c.ctx
	c.pastPromise(t)
	var link string
	mustDB(t, d.store.DB().Raw("SELECT list_unsubscribe FROM outbox_messages WHERE kind = ? AND candidate_id = ?",
		models.MsgPromiseUpdate, c.app.CandidateID).Scan(&link))
	token := unsubscribeToken(t, link)
	liam := models.Actor{Kind: "candidate", ID: c.app.CandidateID}
	choices := func() models.EmailChoices {
		t.Helper()
		got, err := d.store.CandidateEmailChoices(ctx, liam)
		must(t, err)
		return got
	}
	before := candidateRow(t, d.store, c.app.CandidateID)

	if v, err := d.store.UnsubscribeLink(ctx, token); err != nil || v.Choice != models.ChoiceUpdates {
		t.Fatalf("opening the link: %+v, %v", v, err)
	}
	if got := choices(); got != (models.EmailChoices{Reminders: true, Updates: true}) {
		t.Fatalf("opening the link changed the choices: %+v", got)
	}
	choice, err := d.store.Unsubscribe(ctx, token, models.UnsubscribeRequest{IP: "203.0.113.9", UserAgent: "MailClient/1.0", OneClick: true})
	if err != nil || choice != models.ChoiceUpdates {
		t.Fatalf("using the link: %q, %v", choice, err)
	}
	if got := choices(); got != (models.EmailChoices{Reminders: true, Updates: false}) {
		t.Errorf("after the link: %+v, want updates off and reminders untouched", got)
	}
	if after := candidateRow(t, d.store, c.app.CandidateID); after != before {
		t.Errorf("the link changed more than its category:\nbefore %s\nafter  %s", before, after)
	}
	// The request's address is the candidate's (or whoever holds their
	// email): sealed with their key, the clear column empty.
	var audits []int64
	mustDB(t, d.store.DB().Raw(`SELECT id FROM audit_log WHERE action = 'candidate.email_choices_changed' AND subject_id = ?
		AND actor_email = 'unsubscribe link' AND ip = '' AND person_id = subject_id AND details->>'category' = 'updates'
		AND details->>'via' LIKE 'one-click%'`, c.app.CandidateID).Scan(&audits))
	if len(audits) != 1 {
		t.Fatalf("%d audit entries for the unsubscribe, want 1", len(audits))
	}
	if p, err := d.store.SealedPersonal(ctx, "audit_log", audits[0]); err != nil || p["ip"] != "203.0.113.9" {
		t.Errorf("the unsubscribe's sealed part: %v, %v; want its address", p, err)
	}

	// Liam turns updates back on; the used link cannot turn them off again.
	if changed, err := d.store.SaveEmailChoices(ctx, liam, models.EmailChoices{Reminders: true, Updates: true}); err != nil || !changed {
		t.Fatalf("turning updates back on: %v, %v", changed, err)
	}
	if _, err := d.store.Unsubscribe(ctx, token, models.UnsubscribeRequest{}); models.ErrorCode(err) != models.CodeGone {
		t.Errorf("a second use: %v, want gone", err)
	}
	if _, err := d.store.UnsubscribeLink(ctx, token); models.ErrorCode(err) != models.CodeGone {
		t.Errorf("opening a used link: %v, want gone", err)
	}
	if got := choices(); !got.Updates {
		t.Error("a second use of the link turned updates off again")
	}

	altered := token[:len(token)-1] + "A"
	if token[len(token)-1] == 'A' {
		altered = token[:len(token)-1] + "B"
	}
	for _, bad := range []string{altered, token[:len(token)-1], token + "x", "", models.NewSecret(), strings.Repeat("a", 200)} {
		if _, err := d.store.UnsubscribeLink(ctx, bad); models.ErrorCode(err) != models.CodeNotFound {
			t.Errorf("opening %q: %v, want not found", bad, err)
		}
		if _, err := d.store.Unsubscribe(ctx, bad, models.UnsubscribeRequest{}); models.ErrorCode(err) != models.CodeNotFound {
			t.Errorf("using %q: %v, want not found", bad, err)
		}
	}
	if got := choices(); got != (models.EmailChoices{Reminders: true, Updates: true}) {
		t.Errorf("forged links changed the choices: %+v", got)
	}
}

// The catalogue's categories: the promise keeper's update and the
// candidates' reminders may be turned off; decisions, offers, contracts and
// sign-in links may not.
func TestOptionalKindsAndEssentialOnes(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	for kind, want := range map[models.MessageKind]models.MessageChoice{
		models.MsgPromiseUpdate: models.ChoiceUpdates, models.MsgFirstDayReminder: models.ChoiceReminders,
		models.MsgInterviewReminder: models.ChoiceReminders, models.MsgAssessmentDayReminder: models.ChoiceReminders,
		models.MsgOfferExpiryReminder: models.ChoiceReminders, models.MsgOnboardingTaskReminder: models.ChoiceReminders,
		models.MsgOfferSent: "", models.MsgContractSent: "", models.MsgApplicationRejected: "", models.MsgCandidateSignIn: "",
		models.MsgStageChanged: "", models.MsgCandidateInvitation: "",
	} {
		tmpl, err := s.MessageTemplateFor(ctx, kind)
		must(t, err)
		if tmpl.Optional != want {
			t.Errorf("%s is in category %q, want %q", kind, tmpl.Optional, want)
		}
	}
	_, body := s.PreviewMessage(models.MsgPromiseUpdate, "Subject", "Hello")
	if !strings.Contains(body, "Stop these emails (“still deciding” updates): http://x/unsubscribe/EXAMPLE-LINK") {
		t.Errorf("the wording editor's preview lacks the unsubscribe footer:\n%s", body)
	}
}
