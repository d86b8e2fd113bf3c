package models_test

import (
	"testing"
	"time"

	"nextstep/models"
)

var refNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { t := refNow.Add(d); return &t }

func month(s string) *time.Time {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		panic(err)
	}
	return &t
}

// requested is a referee asked sent ago, links expiring RefereeLinkTTL later.
func requested(sent time.Duration) models.Referee {
	return models.Referee{Name: "Rita", Status: models.RefereeRequested, RequestedAt: at(-sent), TokenExpiresAt: at(-sent + models.RefereeLinkTTL),
		MayContactNow: true, CandidateConfirmedAgreed: true, Relationship: models.RelColleague, WorkedFrom: *month("2020-01")}
}

func TestCandidateMayEditReferees(t *testing.T) {
	t.Parallel()
	for _, st := range models.Stages() {
		for _, status := range models.Statuses() {
			app := &models.Application{Stage: st.Key, Status: status}
			want := st.Key == models.StageReferenceChecks && status == models.StatusActive
			if err := models.CandidateMayEditReferees(app); (err == nil) != want {
				t.Errorf("%s/%s: %v, want allowed=%v", st.Key, status, err, want)
			}
			if err := models.CandidateMayEditReferees(app); err != nil && models.ErrorCode(err) != models.CodeConflict {
				t.Errorf("%s/%s: refused with %v, want a conflict", st.Key, status, err)
			}
		}
	}
}

func TestRefereeStatesAllowChangesOnlyAsDraft(t *testing.T) {
	t.Parallel()
	for _, st := range []models.RefereeStatus{models.RefereeDraft, models.RefereeRequested, models.RefereeAnswered, models.RefereeDeclined} {
		r := models.Referee{Name: "Rita", Status: st}
		if err := r.CandidateMayChange(); (err == nil) != (st == models.RefereeDraft) {
			t.Errorf("%s: %v", st, err)
		}
	}
}

func TestRefereeLinkUsableUntilReplyAndNeverAfterExpiry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		r    models.Referee
		want models.Code // "" usable
	}{
		{"just sent", requested(0), ""},
		{"a second before expiry", requested(models.RefereeLinkTTL - time.Second), ""},
		{"at expiry", requested(models.RefereeLinkTTL), models.CodeGone},
		{"after expiry", requested(models.RefereeLinkTTL + time.Hour), models.CodeGone},
		{"answered", func() models.Referee { r := requested(time.Hour); r.Status = models.RefereeAnswered; return r }(), models.CodeGone},
		{"declined", func() models.Referee { r := requested(time.Hour); r.Status = models.RefereeDeclined; return r }(), models.CodeGone},
		{"draft", models.Referee{Status: models.RefereeDraft}, models.CodeNotFound},
	} {
		if got := models.ErrorCode(tc.r.LinkUsable(refNow)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := requested(models.RefereeLinkTTL).State(refNow); got != models.RefereeExpired {
		t.Errorf("an expired request reads %s", got)
	}
}

func TestReminderDue(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	reminded := func(sent, last time.Duration, n int) models.Referee {
		r := requested(sent)
		r.LastRemindedAt, r.Reminders = at(-last), n
		return r
	}
	for _, tc := range []struct {
		name string
		r    models.Referee
		want bool
	}{
		{"4 days 23 hours after the request", requested(5*day - time.Hour), false},
		{"5 days after the request", requested(5 * day), true},
		{"6 days after the request", requested(6 * day), true},
		{"a day after the first reminder", reminded(6*day, day, 1), false},
		{"5 days after the first reminder", reminded(10*day, 5*day, 1), true},
		{"after the last reminder allowed", reminded(13*day, 5*day, models.RefereeMaxReminders), false},
		{"expired", requested(15 * day), false},
		{"answered", func() models.Referee { r := requested(6 * day); r.Status = models.RefereeAnswered; return r }(), false},
		{"declined", func() models.Referee { r := requested(6 * day); r.Status = models.RefereeDeclined; return r }(), false},
		{"draft", models.Referee{Status: models.RefereeDraft}, false},
	} {
		if got := tc.r.ReminderDue(refNow); got != tc.want {
			t.Errorf("%s: due=%v, want %v", tc.name, got, tc.want)
		}
	}
	if err := requested(time.Hour).MayRemindByHand(refNow); err == nil {
		t.Error("a reminder by hand an hour after the request was allowed")
	}
	if err := requested(25 * time.Hour).MayRemindByHand(refNow); err != nil {
		t.Errorf("a reminder by hand a day after the request: %v", err)
	}
	if err := requested(15 * day).MayRemindByHand(refNow); err == nil {
		t.Error("a reminder by hand of an expired request was allowed")
	}
}

func TestRefereeMayBeAsked(t *testing.T) {
	t.Parallel()
	draft := models.Referee{Name: "Rita", Status: models.RefereeDraft, MayContactNow: true, CandidateConfirmedAgreed: true}
	staffID := int64(3)
	for _, tc := range []struct {
		name      string
		r         func(r models.Referee) models.Referee
		offerMade bool
		ok        bool
	}{
		{"agreed draft", func(r models.Referee) models.Referee { return r }, false, true},
		{"not agreed", func(r models.Referee) models.Referee { r.CandidateConfirmedAgreed = false; return r }, false, false},
		{"added by staff", func(r models.Referee) models.Referee {
			r.CandidateConfirmedAgreed, r.AddedByStaffID = false, &staffID
			return r
		}, false, true},
		{"only after an offer, none yet", func(r models.Referee) models.Referee { r.MayContactNow = false; return r }, false, false},
		{"only after an offer, made", func(r models.Referee) models.Referee { r.MayContactNow = false; return r }, true, true},
		{"already asked", func(models.Referee) models.Referee { return requested(time.Hour) }, false, false},
		{"expired: ask afresh", func(models.Referee) models.Referee { return requested(15 * 24 * time.Hour) }, false, true},
		{"answered", func(r models.Referee) models.Referee { r.Status = models.RefereeAnswered; return r }, true, false},
	} {
		if err := tc.r(draft).MayBeAsked(refNow, tc.offerMade); (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestRefereeSetComplete(t *testing.T) {
	t.Parallel()
	ref := func(rel models.Relationship, to *time.Time, agreed bool, st models.RefereeStatus) models.Referee {
		return models.Referee{Relationship: rel, WorkedFrom: *month("2018-01"), WorkedTo: to, CandidateConfirmedAgreed: agreed, Status: st}
	}
	colleague := ref(models.RelColleague, nil, true, models.RefereeDraft)
	manager := ref(models.RelManager, month("2025-06"), true, models.RefereeDraft)
	oldManager := ref(models.RelManager, month("2019-06"), true, models.RefereeDraft)
	two := models.ReferenceSettings{Needed: 2}
	twoWithManager := models.ReferenceSettings{Needed: 2, ManagerRequired: true}
	for _, tc := range []struct {
		name string
		refs []models.Referee
		set  models.ReferenceSettings
		want bool
	}{
		{"none needed", nil, models.ReferenceSettings{}, true},
		{"one of two", []models.Referee{colleague}, two, false},
		{"two of two", []models.Referee{colleague, colleague}, two, true},
		{"a declined one does not count", []models.Referee{colleague, ref(models.RelColleague, nil, true, models.RefereeDeclined)}, two, false},
		{"one not agreed", []models.Referee{colleague, ref(models.RelClient, nil, false, models.RefereeDraft)}, two, false},
		{"manager needed, none", []models.Referee{colleague, colleague}, twoWithManager, false},
		{"manager needed, recent one", []models.Referee{colleague, manager}, twoWithManager, true},
		{"manager needed, only an old one", []models.Referee{colleague, oldManager}, twoWithManager, false},
		{"manager needed, current one", []models.Referee{colleague, ref(models.RelManager, nil, true, models.RefereeAnswered)}, twoWithManager, true},
	} {
		got := models.RefereeSetComplete(tc.refs, tc.set, refNow)
		if got.Complete != tc.want || got.Complete != (len(got.Missing) == 0) {
			t.Errorf("%s: %+v, want complete=%v", tc.name, got, tc.want)
		}
	}
}

func TestRefereeInputValidate(t *testing.T) {
	t.Parallel()
	good := models.RefereeInput{Name: "Rita Ref", Email: "Rita@Example.com", Phone: "+44 20 7946 0000", Company: "Acme",
		Relationship: models.RelManager, WorkedFrom: "2020-03", WorkedTo: "2024-11", MayContactNow: true, ConfirmedAgreed: true}
	if _, err := good.Validate(refNow); err != nil {
		t.Fatalf("a good referee: %v", err)
	}
	for _, tc := range []struct {
		field string
		edit  func(in *models.RefereeInput)
	}{
		{"name", func(in *models.RefereeInput) { in.Name = "  " }},
		{"email", func(in *models.RefereeInput) { in.Email = "rita" }},
		{"phone", func(in *models.RefereeInput) { in.Phone = "12" }},
		{"relationship", func(in *models.RefereeInput) { in.Relationship = "boss" }},
		{"worked_from", func(in *models.RefereeInput) { in.WorkedFrom = "March 2020" }},
		{"worked_from", func(in *models.RefereeInput) { in.WorkedFrom = "2027-01" }},
		{"worked_to", func(in *models.RefereeInput) { in.WorkedTo = "2019-01" }},
		{"worked_to", func(in *models.RefereeInput) { in.WorkedTo = "2027-01" }},
	} {
		in := good
		tc.edit(&in)
		_, err := in.Validate(refNow)
		if models.FieldErrors(err)[tc.field] == "" {
			t.Errorf("%+v: %v, want a message for %s", in, err, tc.field)
		}
	}
	in := good
	in.WorkedTo = ""
	if _, err := in.Validate(refNow); err != nil {
		t.Errorf("still working together: %v", err)
	}
}

// A referee who may be contacted only after an offer may be asked from the
// offer stage on.
func TestPipelineOfferMade(t *testing.T) {
	t.Parallel()
	p := models.DefaultPipeline()
	for i, k := range p {
		if got, want := p.OfferMade(k), i >= p.Index(models.StageOffer); got != want {
			t.Errorf("%s: offer made %v, want %v", k, got, want)
		}
	}
	if (models.Pipeline{models.StageInterviewCompleted, models.StageReferenceChecks}).OfferMade(models.StageReferenceChecks) {
		t.Error("a pipeline without an offer stage reports an offer made")
	}
}
