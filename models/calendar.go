package models

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// BookingCalendar is the RFC 5545 calendar file (CRLF line endings) for a
// booked assessment day. Times are written in UTC, which every calendar
// converts to local time; the UID is stable per application and the sequence
// grows with each booking, so importing a rescheduled seat updates the entry
// instead of adding a second one.
// sequence counts the application's earlier bookings, so a rescheduled seat
// replaces the old event in the calendar; bookingLink is the absolute address
// of the candidate's booking page.
func BookingCalendar(d AssessmentDay, b AssessmentBooking, sequence int, positionTitle, bookingLink string, now time.Time) string {
	cal := ics.NewCalendarFor("Nextstep")
	cal.SetMethod(ics.MethodPublish)
	ev := cal.AddEvent(fmt.Sprintf("assessment-application-%d@nextstep", b.ApplicationID))
	ev.SetDtStampTime(now.UTC())
	ev.SetSequence(sequence)
	ev.SetStartAt(d.StartsAt.UTC())
	ev.SetEndAt(d.EndsAt.UTC())
	ev.SetSummary(oneLine(fmt.Sprintf("Assessment day: %s (%s)", d.Title, positionTitle)))
	loc := d.LocationAddress
	if loc == "" {
		loc = d.OnlineURL
	}
	ev.SetLocation(oneLine(loc))
	var desc []string
	if d.Agenda != "" {
		desc = append(desc, "Agenda:\n"+d.Agenda)
	}
	if d.WhatToBring != "" {
		desc = append(desc, "What to bring:\n"+d.WhatToBring)
	}
	if d.Directions != "" {
		desc = append(desc, "Directions:\n"+d.Directions)
	}
	if d.OnlineURL != "" {
		desc = append(desc, "Online: "+d.OnlineURL)
	}
	desc = append(desc, "Change or cancel your booking: "+bookingLink)
	ev.SetDescription(multiLine(strings.Join(desc, "\n\n")))
	if d.Status == DayCancelled || b.Status != BookingBooked {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	return cal.Serialize(ics.WithNewLineWindows)
}

// multiLine keeps line breaks as LF (the encoder escapes them as \n) and
// drops every other control character: a bare CR would end the content line
// early in some clients and let text pose as a property.
func multiLine(s string) string {
	s = NormalizeNewlines(s)
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// NormalizeNewlines makes CRLF and lone CR into LF: browsers send textarea
// line breaks as CRLF, and a lone CR would end a line in some readers.
func NormalizeNewlines(s string) string {
	if !strings.ContainsRune(s, '\r') {
		return s
	}
	return strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
}

// InterviewCalendar is the RFC 5545 invitation for an interview round, the
// same for the candidate and the panel: METHOD:REQUEST while it stands,
// METHOD:CANCEL once cancelled. The UID never changes and the round's
// sequence grows with every reschedule or cancellation, so each update
// replaces the event already in the attendees' calendars. The candidate's
// copy (forCandidate) names the panel in the description but leaves out
// the panel's addresses: candidates see names and titles only.
func InterviewCalendar(r *InterviewRound, candidate *Candidate, organizer *StaffUser, positionTitle string, forCandidate bool, now time.Time) string {
	cal := ics.NewCalendarFor("Nextstep")
	method := ics.MethodRequest
	if r.Status == RoundCancelled {
		method = ics.MethodCancel
	}
	cal.SetMethod(method)
	ev := cal.AddEvent(r.ICalUID)
	ev.SetDtStampTime(now.UTC())
	ev.SetSequence(r.ICalSequence)
	if r.StartsAt != nil && r.EndsAt != nil {
		ev.SetStartAt(r.StartsAt.UTC())
		ev.SetEndAt(r.EndsAt.UTC())
	}
	ev.SetSummary(oneLine(fmt.Sprintf("%s: %s (%s)", r.Title, candidate.Name, positionTitle)))
	if loc := r.Where(); loc != "" {
		ev.SetLocation(oneLine(loc))
	}
	var desc []string
	if r.Instructions != "" {
		desc = append(desc, "How to prepare:\n"+r.Instructions)
	}
	if r.VideoURL != "" {
		desc = append(desc, "Video link: "+r.VideoURL)
	}
	if names := r.PanelNames(); names != "" {
		desc = append(desc, "Panel: "+names)
	}
	if len(desc) > 0 {
		ev.SetDescription(multiLine(strings.Join(desc, "\n\n")))
	}
	if organizer != nil { // the recruiter who arranged it: the candidate's contact anyway
		ev.SetOrganizer(organizer.Email, ics.WithCN(calendarName(organizer.Name)))
	}
	ev.AddAttendee(candidate.Email, ics.WithCN(calendarName(candidate.Name)), ics.ParticipationRoleReqParticipant, ics.WithRSVP(true))
	for _, u := range r.Panel {
		if !forCandidate {
			ev.AddAttendee(u.Email, ics.WithCN(calendarName(u.Name)), ics.ParticipationRoleReqParticipant)
		}
	}
	if method == ics.MethodCancel {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	return cal.Serialize(ics.WithNewLineWindows)
}

// calendarName is a name fit for a CN parameter. The library writes it
// unquoted and escapes , ; : ' with backslashes, which RFC 5545 does not
// allow in parameters; so those characters become spaces (the apostrophe a
// typographic one), and double quotes and backslashes go.
func calendarName(name string) string {
	r := strings.NewReplacer(`"`, "", `\`, "", ",", " ", ";", " ", ":", " ", "'", "\u2019")
	return strings.Join(strings.Fields(r.Replace(oneLine(name))), " ")
}

// calendarMethod is the METHOD of a serialised calendar, for the MIME type.
func calendarMethod(cal string) string {
	for _, line := range strings.Split(cal, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "METHOD:"); ok {
			return v
		}
	}
	return "PUBLISH"
}

// FirstDayCalendar is the RFC 5545 calendar file of a new starter's first
// day, by the rules of the other calendars: times in UTC, a UID stable per
// application and a sequence that grows with every change, so importing it
// again updates the event. It lasts firstDayLength from the start time.
func FirstDayCalendar(f *FirstDay, company, pageLink string, now time.Time) string {
	start, _ := f.StartsAt()
	cal := ics.NewCalendarFor("Nextstep")
	cal.SetMethod(ics.MethodPublish)
	ev := cal.AddEvent(fmt.Sprintf("first-day-application-%d@nextstep", f.ApplicationID))
	ev.SetDtStampTime(now.UTC())
	ev.SetSequence(f.Sequence)
	ev.SetStartAt(start.UTC())
	ev.SetEndAt(start.Add(firstDayLength).UTC())
	ev.SetSummary(oneLine(fmt.Sprintf("First day at %s: %s", company, f.PositionTitle)))
	ev.SetLocation(oneLine(f.Address))
	var desc []string
	if f.AskFor != "" {
		desc = append(desc, "Ask for: "+oneLine(f.AskFor))
	}
	if f.Agenda != "" {
		desc = append(desc, "Agenda:\n"+f.Agenda)
	}
	if f.WhatToBring != "" {
		desc = append(desc, "What to bring:\n"+f.WhatToBring)
	}
	desc = append(desc, "Your first day: "+pageLink)
	ev.SetDescription(multiLine(strings.Join(desc, "\n\n")))
	ev.SetStatus(ics.ObjectStatusConfirmed)
	return cal.Serialize(ics.WithNewLineWindows)
}
