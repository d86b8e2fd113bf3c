package models

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// "Your first day" (issue 20): staff who manage an application give the
// new starter's first-day details (time, place, whom to ask for, what to
// bring, a short agenda); the starter reads them on their own page, with an
// .ics (calendar.go's rules), and gets a reminder a week and a day before.
// The date is the signed offer's start date (offerStartDate), so it is never
// kept twice. A starter sees the page once onboarding has begun (their
// checklist exists), and still after they are hired.

// FirstDay is an application's first-day details, as the pages show them.
type FirstDay struct {
	ApplicationID int64
	CandidateID   int64
	PositionTitle string
	StartDate     time.Time // the signed offer's start date
	Set           bool      // staff have given the details
	StartTime     string    // "09:00": local time of day in TimeZone
	TimeZone      string    // IANA name; the portal's zone until staff say otherwise
	Address       string
	AskFor        string
	WhatToBring   string
	Agenda        string
	Sequence      int // grows with every change, so a re-imported .ics updates the event
}

// StartsAt is the first day's start as an instant (its date and time of
// day read in its time zone); false when the details are not set.
func (f *FirstDay) StartsAt() (time.Time, bool) {
	if !f.Set {
		return time.Time{}, false
	}
	loc, err := time.LoadLocation(f.TimeZone)
	if err != nil {
		return time.Time{}, false
	}
	tod, err := time.Parse("15:04", f.StartTime)
	if err != nil {
		return time.Time{}, false
	}
	d := f.StartDate
	return time.Date(d.Year(), d.Month(), d.Day(), tod.Hour(), tod.Minute(), 0, 0, loc), true
}

// MapURL is a link to the address on OpenStreetMap.
func (f *FirstDay) MapURL() string {
	return "https://www.openstreetmap.org/search?query=" + url.QueryEscape(strings.Join(strings.Fields(f.Address), " "))
}

// FirstDayInput is what staff give on the form.
type FirstDayInput struct {
	StartTime, TimeZone, Address, AskFor, WhatToBring, Agenda string
}

// firstDayLength is how long the first day is in a calendar.
const firstDayLength = time.Hour

var startTimePattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Refusals of the first day.
var (
	errFirstDayNotYet  = refusal(CodeConflict, "The first day can be planned once onboarding has begun: when the contract is signed by both parties.")
	errFirstDayClosed  = refusal(CodeConflict, "This application has closed, so its first day can no longer change.")
	errFirstDayMissing = refusal(CodeNotFound, "The details of the first day are not ready yet.")
)

// Validate checks the input and fills in the default time zone (defZone);
// it returns the input as it is stored.
func (in FirstDayInput) Validate(defZone string) (FirstDayInput, error) {
	in.StartTime, in.TimeZone = strings.TrimSpace(in.StartTime), strings.TrimSpace(in.TimeZone)
	in.Address, in.AskFor = strings.TrimSpace(NormalizeNewlines(in.Address)), strings.TrimSpace(in.AskFor)
	in.WhatToBring, in.Agenda = strings.TrimSpace(NormalizeNewlines(in.WhatToBring)), strings.TrimSpace(NormalizeNewlines(in.Agenda))
	var p Problems
	if !startTimePattern.MatchString(in.StartTime) {
		p.Add("start_time", "Give the start time as HH:MM on the 24-hour clock, for example 09:00.")
	}
	if in.TimeZone == "" {
		in.TimeZone = defZone
	}
	if _, err := time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "Local" || in.TimeZone == "" {
		p.Add("time_zone", "Give the time zone by its IANA name, for example Europe/London.")
	} else {
		p.checkLength(in.TimeZone, limits.FirstDayTimeZone)
	}
	if in.Address == "" {
		p.Add("address", "Give the address where the starter goes on their first day.")
	}
	p.checkLength(in.Address, limits.FirstDayAddress)
	p.checkLength(in.AskFor, limits.FirstDayAskFor)
	p.checkLength(in.WhatToBring, limits.FirstDayWhatToBring)
	p.checkLength(in.Agenda, limits.FirstDayAgenda)
	return in, p.Err()
}

// firstDaySQL reads one application's first day, with what decides who
// may see it: begun (its checklist exists), its stage and status.
const firstDaySQL = `SELECT a.id AS application_id, a.candidate_id, a.stage, a.status, p.title AS position_title,
		(SELECT v.start_date FROM contracts k JOIN offer_versions v ON v.id = k.offer_version_id
			WHERE k.application_id = a.id AND k.status = ? ORDER BY k.id DESC LIMIT 1) AS offer_start,
		EXISTS (SELECT 1 FROM onboarding_tasks t WHERE t.application_id = a.id) AS begun,
		f.application_id IS NOT NULL AS set, COALESCE(to_char(f.start_time, 'HH24:MI'), '') AS start_time,
		COALESCE(f.time_zone, '') AS time_zone, COALESCE(f.address, '') AS address, COALESCE(f.ask_for, '') AS ask_for,
		COALESCE(f.what_to_bring, '') AS what_to_bring, COALESCE(f.agenda, '') AS agenda, COALESCE(f.ical_sequence, 0) AS sequence
	FROM applications a JOIN positions p ON p.id = a.position_id LEFT JOIN first_days f ON f.application_id = a.id
	WHERE a.id = ? AND (`

type firstDayRow struct {
	FirstDay
	Stage      StageKey
	Status     Status
	OfferStart *time.Time
	Begun      bool
}

// loadFirstDay is the first day of appID if actor may read it (rs), in one
// statement; not found otherwise, and before onboarding has begun.
func (s *Store) loadFirstDay(db *gorm.DB, actor Actor, appID int64, rs readScope, lock bool) (*firstDayRow, error) {
	cond, args := appScopeSQL(actor, rs)
	q := firstDaySQL + cond + ")"
	if lock {
		q += " FOR UPDATE OF a"
	}
	var row firstDayRow
	res := db.Raw(q, append([]any{ContractCompleted, appID}, args...)...).Scan(&row)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, ErrNotFound
	}
	if row.OfferStart != nil {
		row.StartDate = dateOnly(*row.OfferStart)
	}
	if !row.Set {
		row.TimeZone = s.loc.String()
	}
	return &row, nil
}

// FirstDay is the first day of application appID: for the candidate whose
// application it is, once onboarding has begun, and for staff who manage
// it. Anyone else: not found.
func (s *Store) FirstDay(ctx context.Context, actor Actor, appID int64) (*FirstDay, error) {
	rs := scopeStaffOnly
	switch {
	case actor.Kind == "candidate":
		rs = scopeCandidateFacing
	case !actor.IsStaff():
		return nil, ErrNotFound
	}
	row, err := s.loadFirstDay(s.db.WithContext(ctx), actor, appID, rs, false)
	if err != nil {
		return nil, err
	}
	if !row.Begun || row.OfferStart == nil {
		if actor.IsStaff() {
			return nil, errFirstDayNotYet
		}
		return nil, ErrNotFound
	}
	return &row.FirstDay, nil
}

// SetFirstDay saves the first day of application appID, for staff who
// manage it, while the starter is onboarding (or hired); the calendar
// sequence grows so a re-imported .ics replaces the old event.
func (s *Store) SetFirstDay(ctx context.Context, actor Actor, appID int64, input FirstDayInput) error {
	if !actor.IsStaff() {
		return ErrNotFound
	}
	in, err := input.Validate(s.loc.String())
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		row, err := s.loadFirstDay(tx, actor, appID, scopeStaffOnly, true)
		if err != nil {
			return err
		}
		app := Application{ID: appID, Stage: row.Stage, Status: row.Status}
		switch {
		case !row.Begun || row.OfferStart == nil:
			return errFirstDayNotYet
		case !app.Onboarding() && app.Status != StatusHired:
			return errFirstDayClosed
		}
		now := s.Now()
		if err := tx.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "application_id"}},
			DoUpdates: clause.Assignments(map[string]any{"start_time": in.StartTime, "time_zone": in.TimeZone, "address": in.Address,
				"ask_for": in.AskFor, "what_to_bring": in.WhatToBring, "agenda": in.Agenda, "updated_by": actor.ID, "updated_at": now,
				"ical_sequence": gorm.Expr("first_days.ical_sequence + 1")}),
		}).Table("first_days").Create(map[string]any{"application_id": appID, "start_time": in.StartTime, "time_zone": in.TimeZone,
			"address": in.Address, "ask_for": in.AskFor, "what_to_bring": in.WhatToBring, "agenda": in.Agenda, "updated_by": actor.ID,
			"created_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "onboarding.first_day_saved", "application", appID,
			map[string]any{"start_time": in.StartTime, "time_zone": in.TimeZone})
	})
}

// FirstDayICS is the .ics of the first day for whoever may read it
// (FirstDay); not found while the details are not set.
func (s *Store) FirstDayICS(ctx context.Context, actor Actor, appID int64) (string, error) {
	f, err := s.FirstDay(ctx, actor, appID)
	if err != nil {
		return "", err
	}
	if _, ok := f.StartsAt(); !ok {
		return "", errFirstDayMissing
	}
	u := s.urls()
	return FirstDayCalendar(f, s.company, u.abs(u.MyFirstDay(appID)), s.Now()), nil
}
