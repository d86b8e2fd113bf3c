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
// replaces the old event in the calendar.
func BookingCalendar(d AssessmentDay, b AssessmentBooking, sequence int, positionTitle, baseURL string, now time.Time) string {
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
	desc = append(desc, "Change or cancel your booking: "+strings.TrimRight(baseURL, "/")+fmt.Sprintf("/me/applications/%d/assessment", b.ApplicationID))
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
