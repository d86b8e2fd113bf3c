package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Times in the person's own zone (issue 22). A candidate's pages and emails
// show times in their own IANA zone — detected in their browser once and
// kept on their account, changeable on the account page — and a staff
// member's pages show, and their forms take, times in theirs. Until someone
// has a zone, the portal's (NEXTSTEP_TIMEZONE) applies. ZoneFor is the one
// rule; CandidateZone and StaffZone apply it, for the pages (through the
// layout) and the emails (when a draft is built) alike. Calendar files stay
// in UTC (calendar.go): every calendar converts them itself.

// ZoneChoices are the zones the account pages and the day form offer, a
// curated list of IANA names; a zone not listed but valid (one detected in
// a browser) is offered too, first (see ZoneChoicesWith). Each call returns
// a fresh slice.
func ZoneChoices() []string {
	return []string{"UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
		"Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Brussels", "Europe/Zurich", "Europe/Vienna",
		"Europe/Warsaw", "Europe/Prague", "Europe/Stockholm", "Europe/Oslo", "Europe/Copenhagen", "Europe/Helsinki",
		"Europe/Athens", "Europe/Bucharest", "Europe/Istanbul", "Europe/Kyiv", "Africa/Lagos", "Africa/Nairobi",
		"Africa/Johannesburg", "Africa/Cairo", "America/St_Johns", "America/Halifax", "America/New_York", "America/Toronto",
		"America/Chicago", "America/Mexico_City", "America/Denver", "America/Phoenix", "America/Los_Angeles",
		"America/Vancouver", "America/Anchorage", "Pacific/Honolulu", "America/Bogota", "America/Lima", "America/Santiago",
		"America/Sao_Paulo", "America/Argentina/Buenos_Aires", "Asia/Jerusalem", "Asia/Riyadh", "Asia/Dubai",
		"Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore", "Asia/Manila",
		"Asia/Hong_Kong", "Asia/Shanghai", "Asia/Seoul", "Asia/Tokyo", "Australia/Perth", "Australia/Adelaide",
		"Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland"}
}

// ZoneChoicesWith is ZoneChoices with current first when it is not listed.
func ZoneChoicesWith(current string) []string {
	zones := ZoneChoices()
	if current == "" {
		return zones
	}
	for _, z := range zones {
		if z == current {
			return zones
		}
	}
	return append([]string{current}, zones...)
}

// ErrUnknownZone refuses a zone that is not an IANA name this server knows.
var ErrUnknownZone = Invalid("time_zone", "Choose a time zone from the list, for example Europe/London.")

// utcAliases are the names browsers and systems give UTC; they are kept as
// "UTC", the name the portal's zone has when it is UTC.
var utcAliases = map[string]bool{"Etc/UTC": true, "Etc/UCT": true, "Etc/Universal": true, "Etc/Zulu": true, "UCT": true,
	"Universal": true, "Zulu": true, "Etc/GMT+0": true, "Etc/GMT-0": true, "Etc/GMT0": true}

// CheckZone is name as stored (trimmed; UTC by any of its names as "UTC")
// when it is a zone this server knows by its IANA name; "Local" (the
// server's own zone, whatever it is) and the empty name are refused.
func CheckZone(name string) (string, error) {
	name = strings.TrimSpace(name)
	if utcAliases[name] {
		return "UTC", nil
	}
	if name == "" || name == "Local" || len(name) > limits.PersonTimeZone.Max {
		return "", ErrUnknownZone
	}
	if _, err := time.LoadLocation(name); err != nil {
		return "", ErrUnknownZone
	}
	return name, nil
}

// ZoneFor is the rule: a person's own zone when they have a valid one, else
// fallback (the portal's zone).
func ZoneFor(own string, fallback *time.Location) *time.Location {
	if own != "" && own != "Local" {
		if loc, err := time.LoadLocation(own); err == nil {
			return loc
		}
	}
	if fallback == nil {
		return time.UTC
	}
	return fallback
}

// CandidateZone is the zone for this candidate: every page and email of
// theirs shows times in it.
func (s *Store) CandidateZone(c *Candidate) *time.Location {
	if c == nil {
		return s.loc
	}
	return ZoneFor(c.TimeZone, s.loc)
}

// StaffZone is the zone a staff member's pages show, and their forms take,
// times in.
func (s *Store) StaffZone(u *StaffUser) *time.Location {
	if u == nil {
		return s.loc
	}
	return ZoneFor(u.TimeZone, s.loc)
}

// actorZone is the zone of the staff member acting (forms that take times
// read them in it), or the portal's for anyone else.
func (s *Store) actorZone(tx *gorm.DB, actor Actor) (*time.Location, error) {
	if !actor.IsStaff() || actor.ID == 0 {
		return s.loc, nil
	}
	var zone *string
	if err := tx.Raw("SELECT time_zone FROM staff_users WHERE id = ?", actor.ID).Scan(&zone).Error; err != nil {
		return nil, err
	}
	if zone == nil {
		return s.loc, nil
	}
	return ZoneFor(*zone, s.loc), nil
}

// SetCandidateZone keeps zone on the signed-in candidate's account and
// audits the change; it reports whether anything changed. A zone detected
// by the browser (detected true) is kept only while the account has none:
// detection never overrides a zone the candidate chose. A candidate always
// names a zone (going back to none would only start detection again).
func (s *Store) SetCandidateZone(ctx context.Context, actor Actor, zone string, detected bool) (changed bool, err error) {
	if actor.Kind != "candidate" || actor.ID == 0 {
		return false, ErrNotFound
	}
	return s.setZone(ctx, actor, "candidates", "candidate", zone, detected, false)
}

// SetStaffZone keeps zone on the signed-in staff member's account; "" goes
// back to the portal's zone.
func (s *Store) SetStaffZone(ctx context.Context, actor Actor, zone string) (changed bool, err error) {
	if !actor.IsStaff() || actor.ID == 0 {
		return false, ErrNotFound
	}
	return s.setZone(ctx, actor, "staff_users", "staff", zone, false, true)
}

// setZone is SetCandidateZone and SetStaffZone: table is "candidates" or
// "staff_users" (never user input). An empty zone clears it when mayClear.
func (s *Store) setZone(ctx context.Context, actor Actor, table, subject, zone string, detected, mayClear bool) (changed bool, err error) {
	var want *string
	if strings.TrimSpace(zone) != "" || !mayClear {
		z, err := CheckZone(zone)
		if err != nil {
			return false, err
		}
		want = &z
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var rows []struct{ TimeZone *string }
		if err := tx.Table(table).Select("time_zone").Where("id = ?", actor.ID).
			Clauses(clause.Locking{Strength: "UPDATE"}).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return ErrNotFound
		}
		was := rows[0].TimeZone
		if detected && was != nil {
			return nil
		}
		if changed = !sameZone(was, want); !changed {
			return nil
		}
		if err := tx.Exec("UPDATE "+table+" SET time_zone = ?, updated_at = ? WHERE id = ?", want, s.Now(), actor.ID).Error; err != nil {
			return err
		}
		via := "account page"
		if detected {
			via = "browser"
		}
		return s.audit(tx, actor, subject+".time_zone_changed", subject, actor.ID, map[string]any{
			"time_zone": zoneOrPortal(want), "was": zoneOrPortal(was), "via": via})
	})
	return changed, err
}

func sameZone(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func zoneOrPortal(z *string) string {
	if z == nil {
		return "portal"
	}
	return *z
}
