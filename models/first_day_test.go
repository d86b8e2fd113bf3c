package models_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"nextstep/models"
)

var jonasFirstDay = models.FirstDayInput{StartTime: "09:30", TimeZone: "Europe/London", Address: "Unit 4, Leeds Dock\nLeeds LS10 1PZ",
	AskFor: "Priya at reception", WhatToBring: "Your passport\nYour bank card", Agenda: "09:30 Welcome\n11:00 Laptop set-up"}

func TestFirstDayValidationNamesEachField(t *testing.T) {
	f := newOnboarding(t)
	err := f.store.SetFirstDay(obCtx, f.recruiter, f.appID, models.FirstDayInput{StartTime: "9am", TimeZone: "Mars/Olympus",
		Address: "  ", AskFor: strings.Repeat("x", 201)})
	wantCode(t, err, models.CodeInvalid, "a bad first day")
	fields := models.ErrorOf(err).Fields()
	for _, k := range []string{"start_time", "time_zone", "address", "ask_for"} {
		if fields[k] == "" {
			t.Errorf("no refusal at %s: %v", k, fields)
		}
	}
	if n := f.count(t, "SELECT count(*) FROM first_days"); n != 0 {
		t.Errorf("%d rows after a refusal", n)
	}
	for _, bad := range []string{"24:00", "09:5", "0930", "09:30:00"} {
		in := jonasFirstDay
		in.StartTime = bad
		if models.ErrorOf(f.store.SetFirstDay(obCtx, f.recruiter, f.appID, in)).Fields()["start_time"] == "" {
			t.Errorf("start time %q accepted", bad)
		}
	}
	// Only staff who manage the application: the engineering starter is not the sales manager's; an interviewer's not at all.
	wantCode(t, f.store.SetFirstDay(obCtx, f.manager, f.appID, jonasFirstDay), models.CodeNotFound, "the hiring manager of another position")
	wantCode(t, f.store.SetFirstDay(obCtx, f.ivy, f.appID, jonasFirstDay), models.CodeNotFound, "an interviewer")
	wantCode(t, f.store.SetFirstDay(obCtx, f.jonas, f.appID, jonasFirstDay), models.CodeNotFound, "the starter")
}

func TestFirstDayIsTheStartersOwnAndItsCalendarParses(t *testing.T) {
	f := newOnboarding(t)
	d, err := f.store.FirstDay(obCtx, f.jonas, f.appID)
	if err != nil || d.Set || !d.StartDate.Equal(f.start) {
		t.Fatalf("before staff set it: %+v, %v", d, err)
	}
	_, err = f.store.FirstDayICS(obCtx, f.jonas, f.appID)
	wantCode(t, err, models.CodeNotFound, "the .ics before the details")
	if err := f.store.SetFirstDay(obCtx, f.recruiter, f.appID, jonasFirstDay); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetFirstDay(obCtx, f.recruiter, f.appID, jonasFirstDay); err != nil { // saved twice: the sequence grows
		t.Fatal(err)
	}
	d, err = f.store.FirstDay(obCtx, f.jonas, f.appID)
	if err != nil || !d.Set || d.StartTime != "09:30" || d.Address != jonasFirstDay.Address || d.Sequence != 1 {
		t.Fatalf("the starter's first day: %+v, %v", d, err)
	}
	if !strings.Contains(d.MapURL(), "query=Unit+4%2C+Leeds+Dock+Leeds+LS10+1PZ") {
		t.Errorf("map link %q", d.MapURL())
	}
	_, err = f.store.FirstDay(obCtx, f.noah, f.appID)
	wantCode(t, err, models.CodeNotFound, "another candidate")
	_, err = f.store.FirstDayICS(obCtx, f.noah, f.appID)
	wantCode(t, err, models.CodeNotFound, "another candidate's .ics")
	_, err = f.store.FirstDay(obCtx, f.manager, f.appID)
	wantCode(t, err, models.CodeNotFound, "a hiring manager out of scope")

	out, err := f.store.FirstDayICS(obCtx, f.jonas, f.appID)
	if err != nil {
		t.Fatal(err)
	}
	cal := strictICS(t, out)
	ev := cal.Events()[0]
	london, _ := time.LoadLocation("Europe/London")
	want := time.Date(f.start.Year(), f.start.Month(), f.start.Day(), 9, 30, 0, 0, london).UTC()
	if got := ev.Props.Get("DTSTART").Value; got != want.Format("20060102T150405Z") {
		t.Errorf("DTSTART %s, want %s (09:30 in London, in UTC)", got, want.Format("20060102T150405Z"))
	}
	if got := ev.Props.Get("DTEND").Value; got != want.Add(time.Hour).Format("20060102T150405Z") {
		t.Errorf("DTEND %s", got)
	}
	if uid := ev.Props.Get("UID").Value; uid != "first-day-application-"+strconv.FormatInt(f.appID, 10)+"@nextstep" {
		t.Errorf("UID %q", uid)
	}
	if seq := ev.Props.Get("SEQUENCE").Value; seq != "1" {
		t.Errorf("SEQUENCE %q", seq)
	}
}

// remindersAtOnce runs SendFirstDayReminders from two goroutines at once
// and returns how many they sent together.
func remindersAtOnce(t *testing.T, s *models.Store) int {
	t.Helper()
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := s.SendFirstDayReminders(obCtx)
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		}()
	}
	wg.Wait()
	return counts[0] + counts[1]
}

func TestFirstDayRemindersGoOnceAWeekAndADayBefore(t *testing.T) {
	f := newOnboarding(t)
	if err := f.store.SetFirstDay(obCtx, f.recruiter, f.appID, jonasFirstDay); err != nil {
		t.Fatal(err)
	}
	d, _ := f.store.FirstDay(obCtx, f.jonas, f.appID)
	start, _ := d.StartsAt()
	if !f.store.Now().Before(start.Add(-8 * 24 * time.Hour)) {
		t.Fatalf("the fixture's start %s is too close to now %s", start, f.store.Now())
	}
	sent := func() int64 {
		return f.count(t, "SELECT count(*) FROM outbox_messages WHERE kind = ? AND candidate_id = ?", models.MsgFirstDayReminder, f.jonas.ID)
	}
	if n := remindersAtOnce(t, f.store); n != 0 || sent() != 0 {
		t.Fatalf("more than a week before: %d sent", n)
	}
	f.clock.Advance(start.Add(-7*24*time.Hour + time.Minute).Sub(f.store.Now()))
	if n := remindersAtOnce(t, f.store); n != 1 || sent() != 1 {
		t.Fatalf("a week before, two runs at once: %d sent, %d messages; want 1", n, sent())
	}
	if n := remindersAtOnce(t, f.store); n != 0 || sent() != 1 {
		t.Fatalf("the week's reminder again: %d", n)
	}
	f.clock.Advance(start.Add(-23 * time.Hour).Sub(f.store.Now()))
	if n := remindersAtOnce(t, f.store); n != 1 || sent() != 2 {
		t.Fatalf("a day before, two runs at once: %d sent, %d messages; want 1 more", n, sent())
	}
	f.clock.Advance(time.Hour)
	if n := remindersAtOnce(t, f.store); n != 0 || sent() != 2 {
		t.Fatalf("after both: %d more", n)
	}
	var bodies []string
	mustDB(t, f.store.DB().Raw("SELECT subject FROM outbox_messages WHERE kind = ? ORDER BY id", models.MsgFirstDayReminder).Scan(&bodies))
	if len(bodies) != 2 || !strings.Contains(bodies[0], "in a week") || !strings.Contains(bodies[1], "tomorrow") {
		t.Errorf("subjects %q", bodies)
	}
}

func TestNoFirstDayReminderAfterAWithdrawal(t *testing.T) {
	f := newOnboarding(t)
	if err := f.store.SetFirstDay(obCtx, f.recruiter, f.appID, jonasFirstDay); err != nil {
		t.Fatal(err)
	}
	d, _ := f.store.FirstDay(obCtx, f.jonas, f.appID)
	start, _ := d.StartsAt()
	if err := f.store.ChangeStatus(obCtx, f.recruiter, f.appID, models.StatusWithdrawn, "Took another job."); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(start.Add(-7*24*time.Hour + time.Minute).Sub(f.store.Now()))
	if n := remindersAtOnce(t, f.store); n != 0 {
		t.Fatalf("a week before, withdrawn: %d sent", n)
	}
	f.clock.Advance(6 * 24 * time.Hour)
	if n := remindersAtOnce(t, f.store); n != 0 {
		t.Fatalf("a day before, withdrawn: %d sent", n)
	}
	wantCode(t, f.store.SetFirstDay(obCtx, f.recruiter, f.appID, jonasFirstDay), models.CodeConflict, "saving after the withdrawal")
}
