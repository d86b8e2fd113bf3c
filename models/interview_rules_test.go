package models

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"
)

func amsterdam(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// validRound is a round form that parses; each case below breaks one thing.
func validRound() RoundInput {
	return RoundInput{Kind: InterviewTechnical, Duration: "45", Location: "HQ, room 4", PanelIDs: []int64{3},
		Slots: []string{"2027-03-29T10:00"}}
}

func TestRoundInputParseFieldErrors(t *testing.T) {
	t.Parallel()
	loc := amsterdam(t)
	now := time.Date(2027, 3, 20, 9, 0, 0, 0, time.UTC) // 10:00 in Amsterdam (CET)
	nineSlots := make([]string, 9)
	for i := range nineSlots {
		nineSlots[i] = fmt.Sprintf("2027-04-%02dT10:00", i+1)
	}
	tests := []struct {
		name  string
		edit  func(*RoundInput)
		field string
	}{
		{"missing kind", func(in *RoundInput) { in.Kind = "" }, "kind"},
		{"unknown kind", func(in *RoundInput) { in.Kind = "coffee_chat" }, "kind"},
		{"duration not a number", func(in *RoundInput) { in.Duration = "an hour" }, "duration"},
		{"duration empty", func(in *RoundInput) { in.Duration = "" }, "duration"},
		{"duration too short", func(in *RoundInput) { in.Duration = "14" }, "duration"},
		{"duration too long", func(in *RoundInput) { in.Duration = "481" }, "duration"},
		{"neither location nor video", func(in *RoundInput) { in.Location, in.VideoURL = "  ", "" }, "location"},
		{"video URL without scheme", func(in *RoundInput) { in.VideoURL = "meet.example.com/abc" }, "video_url"},
		{"video URL with other scheme", func(in *RoundInput) { in.VideoURL = "javascript:alert(1)" }, "video_url"},
		{"video URL without host", func(in *RoundInput) { in.VideoURL = "https://" }, "video_url"},
		{"title too long", func(in *RoundInput) { in.Title = strings.Repeat("t", 201) }, "title"},
		{"instructions too long", func(in *RoundInput) { in.Instructions = strings.Repeat("i", 4001) }, "instructions"},
		{"no panel", func(in *RoundInput) { in.PanelIDs = nil }, "panel"},
		{"panel of non-ids only", func(in *RoundInput) { in.PanelIDs = []int64{0, -2} }, "panel"},
		{"no slots", func(in *RoundInput) { in.Slots = nil }, "slots"},
		{"blank slots only", func(in *RoundInput) { in.Slots = []string{"", "  "} }, "slots"},
		{"too many slots", func(in *RoundInput) { in.Slots = nineSlots }, "slots"},
		{"too many with shared", func(in *RoundInput) { in.Slots, in.SharedSlots = nineSlots[:5], []int64{1, 2, 3, 4} }, "slots"},
		{"past slot", func(in *RoundInput) { in.Slots = []string{"2027-03-19T10:00"} }, "slots"},
		{"slot exactly now", func(in *RoundInput) { in.Slots = []string{"2027-03-20T10:00"} }, "slots"},
		// 09:30 in Amsterdam is 08:30 UTC: past, although it would be future read as UTC.
		{"past in the portal's zone", func(in *RoundInput) { in.Slots = []string{"2027-03-20T09:30"} }, "slots"},
		{"unparsable slot", func(in *RoundInput) { in.Slots = []string{"next Tuesday"} }, "slots"},
		{"slot with seconds", func(in *RoundInput) { in.Slots = []string{"2027-03-29T10:00:00"} }, "slots"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validRound()
			tt.edit(&in)
			_, err := in.parse(loc, now)
			fields := FieldErrors(err)
			if fields[tt.field] == "" {
				t.Fatalf("parse error = %v, want a message under %q", err, tt.field)
			}
			if len(fields) != 1 {
				t.Errorf("errors on other fields too: %v", fields)
			}
		})
	}
}

func TestRoundInputParseReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	in := RoundInput{Duration: "x", VideoURL: "ftp://files", Slots: []string{"nope"}}
	_, err := in.parse(time.UTC, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	fields := FieldErrors(err)
	for _, k := range []string{"kind", "duration", "video_url", "panel", "slots"} {
		if fields[k] == "" {
			t.Errorf("no error under %q: %v", k, fields)
		}
	}
	// A video link alone is a place to meet: no location error.
	if _, ok := fields["location"]; ok {
		t.Errorf("location error although a video link was given: %v", fields)
	}
}

func TestRoundInputParseValid(t *testing.T) {
	t.Parallel()
	loc := amsterdam(t)
	now := time.Date(2027, 3, 20, 9, 0, 0, 0, time.UTC)
	in := RoundInput{Kind: InterviewFinal, Duration: " 60 ", VideoURL: " https://meet.example.com/abc ", Instructions: "  Bring ID ",
		PanelIDs:    []int64{7, 3, 7, 0},
		Slots:       []string{"2027-03-29T10:00", "", "2027-03-26T10:00", "2027-03-29T10:00", " 2027-03-20T10:01 "},
		SharedSlots: []int64{9, 9, 0, 4}}
	p, err := in.parse(loc, now)
	if err != nil {
		t.Fatal(err)
	}
	if p.kind != InterviewFinal || p.title != "Final interview" || p.duration != time.Hour {
		t.Errorf("kind %q title %q duration %v", p.kind, p.title, p.duration)
	}
	if p.videoURL != "https://meet.example.com/abc" || p.location != "" || p.instr != "Bring ID" {
		t.Errorf("video %q location %q instructions %q", p.videoURL, p.location, p.instr)
	}
	if fmt.Sprint(p.panel) != "[7 3]" || fmt.Sprint(p.shared) != "[9 4]" {
		t.Errorf("panel %v shared %v (want duplicates and non-ids dropped, order kept)", p.panel, p.shared)
	}
	want := []time.Time{
		time.Date(2027, 3, 20, 10, 1, 0, 0, loc),
		time.Date(2027, 3, 26, 10, 0, 0, 0, loc), // CET: 09:00 UTC
		time.Date(2027, 3, 29, 10, 0, 0, 0, loc), // CEST: 08:00 UTC
	}
	if len(p.starts) != len(want) {
		t.Fatalf("starts %v, want %v", p.starts, want)
	}
	for i := range want {
		if !p.starts[i].Equal(want[i]) || p.starts[i].Location().String() != "Europe/Amsterdam" {
			t.Errorf("start %d = %v, want %v in Europe/Amsterdam", i, p.starts[i], want[i])
		}
	}
	if got := p.starts[2].UTC(); got != time.Date(2027, 3, 29, 8, 0, 0, 0, time.UTC) {
		t.Errorf("after the DST change 10:00 is %v UTC, want 08:00", got)
	}
	if got := p.starts[1].UTC(); got != time.Date(2027, 3, 26, 9, 0, 0, 0, time.UTC) {
		t.Errorf("before the DST change 10:00 is %v UTC, want 09:00", got)
	}
	// Exactly the maximum is fine, and a custom title is kept.
	in = validRound()
	in.Title = "  Pair programming  "
	in.Slots = []string{"2027-04-01T10:00", "2027-04-02T10:00", "2027-04-03T10:00", "2027-04-04T10:00", "2027-04-05T10:00"}
	in.SharedSlots = []int64{1, 2, 3}
	if p, err := in.parse(loc, now); err != nil || p.title != "Pair programming" {
		t.Errorf("8 times offered: %v, title %q", err, p.title)
	}
}

func TestScorecardInputParse(t *testing.T) {
	t.Parallel()
	criteria := []ScorecardCriterion{{ID: 11, Name: "Negotiation"}, {ID: 12, Name: "Customer empathy"}}
	valid := func() ScorecardInput {
		return ScorecardInput{Recommendation: RecommendYes, Ratings: map[int64]string{11: "3", 12: " 4 "},
			RatingNotes: map[int64]string{11: "  Held firm on price  "}}
	}
	ratings, err := valid().parse(criteria)
	if err != nil {
		t.Fatal(err)
	}
	if len(ratings) != 2 || ratings[0] != (ScorecardRating{CriterionID: 11, Rating: 3, Notes: "Held firm on price"}) ||
		ratings[1] != (ScorecardRating{CriterionID: 12, Rating: 4}) {
		t.Errorf("ratings %+v", ratings)
	}
	tests := []struct {
		name, field, mentions string
		edit                  func(*ScorecardInput)
	}{
		{"missing rating", "rating_12", "Customer empathy", func(in *ScorecardInput) { delete(in.Ratings, 12) }},
		{"rating zero", "rating_11", "Negotiation", func(in *ScorecardInput) { in.Ratings[11] = "0" }},
		{"rating five", "rating_11", "Negotiation", func(in *ScorecardInput) { in.Ratings[11] = "5" }},
		{"rating not a number", "rating_12", "Customer empathy", func(in *ScorecardInput) { in.Ratings[12] = "good" }},
		{"rating note too long", "rating_11", "Negotiation", func(in *ScorecardInput) { in.RatingNotes[11] = strings.Repeat("n", 2001) }},
		{"no recommendation", "recommendation", "", func(in *ScorecardInput) { in.Recommendation = "" }},
		{"unknown recommendation", "recommendation", "", func(in *ScorecardInput) { in.Recommendation = "maybe" }},
		{"notes too long", "notes", "", func(in *ScorecardInput) { in.Notes = strings.Repeat("x", 8001) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid()
			tt.edit(&in)
			_, err := in.parse(criteria)
			fields := FieldErrors(err)
			if fields[tt.field] == "" || !strings.Contains(fields[tt.field], tt.mentions) {
				t.Fatalf("error %v, want one under %q naming %q", err, tt.field, tt.mentions)
			}
			if len(fields) != 1 {
				t.Errorf("errors on other fields too: %v", fields)
			}
		})
	}
}

func TestCanPickRule(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	booked := int64(5)
	future := InterviewSlot{StartsAt: now.Add(time.Hour), EndsAt: now.Add(2 * time.Hour)}
	tests := []struct {
		name    string
		status  RoundStatus
		slot    InterviewSlot
		offered bool
		want    error
	}{
		{"free offered future slot", RoundProposed, future, true, nil},
		{"cancelled round", RoundCancelled, future, true, ErrRoundCancelled},
		{"already scheduled", RoundScheduled, future, true, ErrRoundClosed},
		{"not offered", RoundProposed, future, false, ErrNotFound},
		{"starts now", RoundProposed, InterviewSlot{StartsAt: now, EndsAt: now.Add(time.Hour)}, true, ErrSlotPast},
		{"taken", RoundProposed, InterviewSlot{StartsAt: future.StartsAt, EndsAt: future.EndsAt, BookedRoundID: &booked}, true, ErrSlotTaken},
	}
	for _, tt := range tests {
		r := InterviewRound{Status: tt.status}
		if err := r.CanPick(&tt.slot, tt.offered, now); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Errorf("%s: CanPick = %v, want %v", tt.name, err, tt.want)
		}
	}
	r := InterviewRound{Slots: []InterviewSlot{{ID: 1, StartsAt: now.Add(-time.Hour)}, {ID: 2, StartsAt: now.Add(time.Hour), BookedRoundID: &booked},
		{ID: 3, StartsAt: now.Add(time.Hour)}}}
	if open := r.OpenSlots(now); len(open) != 1 || open[0].ID != 3 {
		t.Errorf("OpenSlots = %+v, want only slot 3", open)
	}
	end := now.Add(time.Hour)
	s := InterviewRound{Status: RoundScheduled, StartsAt: &now, EndsAt: &end}
	if !s.Upcoming(now) || s.Held(now) || s.Upcoming(end) || !s.Held(end) {
		t.Error("Upcoming/Held disagree at the end of the round")
	}
}

func TestScorecardVisibilityRules(t *testing.T) {
	t.Parallel()
	app := Application{Stage: StageFinalDecision, Status: StatusActive}
	if !ScorecardsOpen(&app) {
		t.Error("scorecards closed before the offer")
	}
	for _, st := range []StageKey{StageOffer, StageContract, StageOnboarding, StageHired} {
		if ScorecardsOpen(&Application{Stage: st, Status: StatusActive}) {
			t.Errorf("scorecards open at %s", st)
		}
	}
	for _, st := range []Status{StatusRejected, StatusWithdrawn, StatusHired} {
		if ScorecardsOpen(&Application{Stage: StageHRRound, Status: st}) {
			t.Errorf("scorecards open for a %s application", st)
		}
	}
	if !ScorecardsOpen(&Application{Stage: StageHRRound, Status: StatusOnHold}) {
		t.Error("scorecards closed for an application on hold")
	}
	staff := func(r Role) Actor { return Actor{Kind: "staff", ID: 1, Role: r} }
	tests := []struct {
		actor                       Actor
		manages, onPanel, submitted bool
		want                        bool
	}{
		{staff(RoleRecruiter), false, false, false, true},
		{staff(RoleAdmin), false, true, false, true},
		{staff(RoleHiringManager), true, true, false, true},
		{staff(RoleHiringManager), false, true, false, false},
		{staff(RoleHiringManager), false, false, false, false},
		{staff(RoleInterviewer), false, true, false, false},
		{staff(RoleInterviewer), false, true, true, true},
		{staff(RoleInterviewer), false, false, false, false},
	}
	for _, tt := range tests {
		if got := CanReadScorecards(tt.actor, tt.manages, tt.onPanel, tt.submitted); got != tt.want {
			t.Errorf("CanReadScorecards(%s, manages=%v, panel=%v, own=%v) = %v", tt.actor.Role, tt.manages, tt.onPanel, tt.submitted, got)
		}
	}
}

func TestDecisionOutcome(t *testing.T) {
	t.Parallel()
	approve, object := VerdictApprove, VerdictObject
	tests := []struct {
		name string
		in   []DecisionResponse
		want DecisionStatus
	}{
		{"nobody asked", nil, DecisionOpen},
		{"nobody answered", []DecisionResponse{{}, {}}, DecisionOpen},
		{"one of two approved", []DecisionResponse{{Verdict: &approve}, {}}, DecisionOpen},
		{"all approved", []DecisionResponse{{Verdict: &approve}, {Verdict: &approve}}, DecisionApproved},
		{"one objection decides at once", []DecisionResponse{{}, {Verdict: &object}}, DecisionObjected},
		{"objection beats approvals", []DecisionResponse{{Verdict: &approve}, {Verdict: &object}}, DecisionObjected},
	}
	for _, tt := range tests {
		if got := Outcome(tt.in); got != tt.want {
			t.Errorf("%s: Outcome = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestZoneLabelFollowsDST(t *testing.T) {
	t.Parallel()
	loc := amsterdam(t)
	if got := ZoneLabel(time.Date(2027, 3, 26, 9, 0, 0, 0, time.UTC), loc); got != "CET, Europe/Amsterdam" {
		t.Errorf("winter: %q", got)
	}
	if got := ZoneLabel(time.Date(2027, 3, 29, 8, 0, 0, 0, time.UTC), loc); got != "CEST, Europe/Amsterdam" {
		t.Errorf("summer: %q", got)
	}
	if got := ZoneLabel(time.Now(), time.UTC); got != "UTC" {
		t.Errorf("UTC: %q", got)
	}
}

// parseICS checks RFC 5545's line rules (CRLF, at most 75 octets, no split
// UTF-8, no control characters) and parses the calendar.
func parseICS(t *testing.T, cal string) *ical.Calendar {
	t.Helper()
	if !strings.HasSuffix(cal, "\r\n") {
		t.Fatal("the calendar does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(cal, "\r\n"), "\r\n") {
		if len(line) > 75 || !utf8.ValidString(line) || strings.ContainsFunc(line, func(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7f }) {
			t.Errorf("line %d breaks the line rules: %q", i+1, line)
		}
	}
	parsed, err := ical.NewDecoder(strings.NewReader(cal)).Decode()
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, cal)
	}
	return parsed
}

// calendarFor is the panel's copy of a booked round's calendar.
func calendarFor(title, location, instructions string, candidate Candidate, panel ...StaffUser) string {
	start := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	r := &InterviewRound{Title: title, Location: location, Instructions: instructions, ICalUID: "interview-abc@nextstep", ICalSequence: 3,
		Status: RoundScheduled, StartsAt: &start, EndsAt: &end, Panel: panel}
	return InterviewCalendar(r, &candidate, &StaffUser{Name: "Rita Recruiter", Email: "rita@x.test"}, "Account Executive", false, start.Add(-time.Hour))
}

// The candidate's copy names the panel but carries none of its addresses.
func TestCandidateCalendarLeavesOutPanelAddresses(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	r := &InterviewRound{Title: "Final interview", Location: "HQ", ICalUID: "interview-abc@nextstep", Status: RoundScheduled, StartsAt: &start, EndsAt: &end,
		Panel: []StaffUser{{Name: "Ines Interviewer", Email: "ines@x.test", JobTitle: "Senior Account Executive"}}}
	cand := &Candidate{Name: "Amelia Hart", Email: "amelia@x.test"}
	org := &StaffUser{Name: "Rita Recruiter", Email: "rita@x.test"}
	mine := InterviewCalendar(r, cand, org, "Account Executive", true, start)
	if strings.Contains(mine, "ines@x.test") || !strings.Contains(mine, "Ines Interviewer (Senior Account Executive)") {
		t.Errorf("candidate's calendar:\n%s", mine)
	}
	ev := parseICS(t, mine).Events()[0]
	if att := ev.Props.Values("ATTENDEE"); len(att) != 1 || att[0].Value != "mailto:amelia@x.test" {
		t.Errorf("candidate's attendees: %+v", att)
	}
	panel := parseICS(t, InterviewCalendar(r, cand, org, "Account Executive", false, start)).Events()[0]
	if att := panel.Props.Values("ATTENDEE"); len(att) != 2 || att[1].Value != "mailto:ines@x.test" {
		t.Errorf("panel's attendees: %+v", att)
	}
}

// Long summaries with non-ASCII names fold on character boundaries, and
// newlines typed into any field never start a property of their own.
func TestInterviewCalendarSurvivesLongAndHostileText(t *testing.T) {
	t.Parallel()
	out := calendarFor("Final interview with the whole commercial leadership team\rX-INJECTED:1", "Room 4\r\nX-INJECTED:2",
		"Bring ID\r\nX-INJECTED:3\rand a pen", Candidate{Name: "Zoë Ångström-Øresund Łukasiewicz\nX-INJECTED:4", Email: "zoe@x.test"},
		StaffUser{Name: "Ines Interviewer", Email: "ines@x.test", JobTitle: "Senior Account Executive"})
	cal := parseICS(t, out)
	ev := cal.Events()[0]
	for name := range ev.Props {
		if strings.HasPrefix(name, "X-INJECTED") {
			t.Errorf("injected property %s", name)
		}
	}
	if strings.Contains(out, "\nX-INJECTED") {
		t.Errorf("a line starts with injected text:\n%s", out)
	}
	if s, _ := ev.Props.Text("SUMMARY"); !strings.Contains(s, "Zoë Ångström-Øresund Łukasiewicz") {
		t.Errorf("summary %q lost the name", s)
	}
	if uid, seq := ev.Props.Get("UID"), ev.Props.Get("SEQUENCE"); uid.Value != "interview-abc@nextstep" || seq.Value != "3" {
		t.Errorf("UID %q SEQUENCE %q", uid.Value, seq.Value)
	}
}

// A name is a parameter value (CN=...): commas, colons, semicolons and
// apostrophes must neither corrupt the address nor show up backslashed.
func TestInterviewCalendarNamesWithPunctuation(t *testing.T) {
	t.Parallel()
	out := calendarFor("Final interview", "HQ", "", Candidate{Name: "Liam O'Brien", Email: "liam@x.test"},
		StaffUser{Name: "Smith, Jane: Sales; Lead", Email: "jane@x.test"})
	ev := parseICS(t, out).Events()[0]
	want := map[string]string{"mailto:liam@x.test": "Brien", "mailto:jane@x.test": "Jane"}
	for _, a := range ev.Props.Values("ATTENDEE") {
		cn := a.Params.Get("CN")
		part, ok := want[a.Value]
		if !ok || !strings.Contains(cn, part) || strings.Contains(cn, "\\") {
			t.Errorf("ATTENDEE %q with CN %q", a.Value, cn)
		}
		delete(want, a.Value)
	}
	if len(want) != 0 {
		t.Errorf("attendees missing: %v\n%s", want, out)
	}
}
