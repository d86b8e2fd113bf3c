package models

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// The pure rules of background checks and pre-employment medicals: which
// checks a position needs, the status machine, what the candidate supplies,
// and the waiting period of an adverse action. No database, time passed in.

// CheckKind is what a check examines.
type CheckKind string

// The kinds of check.
const (
	CheckBackground CheckKind = "background"
	CheckMedical    CheckKind = "medical"
)

// CheckKinds lists the kinds in the order the pages show them.
func CheckKinds() []CheckKind { return []CheckKind{CheckBackground, CheckMedical} }

// Stage is the stage of the pipeline at which a check of this kind is made.
func (k CheckKind) Stage() StageKey {
	if k == CheckMedical {
		return StageMedical
	}
	return StageBackgroundCheck
}

// Label is the kind in words: the name of its stage.
func (k CheckKind) Label() string { return StageName(k.Stage()) }

// RequiredChecks is which checks a position needs.
type RequiredChecks string

// What a position may need.
const (
	ChecksNone       RequiredChecks = "none"
	ChecksBackground RequiredChecks = "background"
	ChecksMedical    RequiredChecks = "medical"
	ChecksBoth       RequiredChecks = "both"
)

// Kinds are the checks r asks for.
func (r RequiredChecks) Kinds() []CheckKind {
	switch r {
	case ChecksBackground:
		return []CheckKind{CheckBackground}
	case ChecksMedical:
		return []CheckKind{CheckMedical}
	case ChecksBoth:
		return CheckKinds()
	}
	return nil
}

// Needs reports whether r asks for a check of kind k.
func (r RequiredChecks) Needs(k CheckKind) bool { return slices.Contains(r.Kinds(), k) }

// Valid reports whether r is one of the four choices.
func (r RequiredChecks) Valid() bool {
	return r == ChecksNone || r == ChecksBackground || r == ChecksMedical || r == ChecksBoth
}

// CheckStatus is where a check stands.
type CheckStatus string

// A check is made waiting for the candidate (consent and details); the
// candidate's consent makes it not started (ready for the provider), then it
// runs (in progress, perhaps back to the candidate for more), and ends with a
// result (clear, needs review, not clear) or withdrawn, which is final.
const (
	CheckNotStarted          CheckStatus = "not_started"
	CheckWaitingForCandidate CheckStatus = "waiting_for_candidate"
	CheckInProgress          CheckStatus = "in_progress"
	CheckClear               CheckStatus = "clear"
	CheckNeedsReview         CheckStatus = "needs_review"
	CheckNotClear            CheckStatus = "not_clear"
	CheckWithdrawn           CheckStatus = "withdrawn"
)

// CheckStatuses lists the statuses in the order of a check's life.
func CheckStatuses() []CheckStatus {
	return []CheckStatus{CheckWaitingForCandidate, CheckNotStarted, CheckInProgress, CheckClear, CheckNeedsReview, CheckNotClear, CheckWithdrawn}
}

// Label is the status in words, for staff.
func (s CheckStatus) Label() string {
	switch s {
	case CheckNotStarted:
		return "Not started"
	case CheckWaitingForCandidate:
		return "Waiting for the candidate"
	case CheckInProgress:
		return "In progress"
	case CheckClear:
		return "Clear"
	case CheckNeedsReview:
		return "Needs review"
	case CheckNotClear:
		return "Not clear"
	case CheckWithdrawn:
		return "Withdrawn"
	}
	return string(s)
}

// CandidateLabel is the status as the candidate reads it. A result that is
// not clear reads as being reviewed: before any decision is based on it the
// candidate sees the finding in a pre-decision notice and may answer.
func (s CheckStatus) CandidateLabel() string {
	switch s {
	case CheckWaitingForCandidate:
		return "Waiting for you: please give your consent and the details asked"
	case CheckNotStarted:
		return "Consent received: the check will start soon"
	case CheckInProgress:
		return "In progress"
	case CheckClear:
		return "Complete"
	case CheckNeedsReview, CheckNotClear:
		return "Result received and being reviewed"
	case CheckWithdrawn:
		return "Stopped"
	}
	return string(s)
}

// HasResult reports whether s is a result: clear, needs review or not clear.
func (s CheckStatus) HasResult() bool {
	return s == CheckClear || s == CheckNeedsReview || s == CheckNotClear
}

// Adverse reports whether s is a result a rejection could be based on.
func (s CheckStatus) Adverse() bool { return s == CheckNeedsReview || s == CheckNotClear }

// needsConsent reports whether a check may be in status s only with the
// candidate's consent standing: from not started on, except withdrawn.
func (s CheckStatus) needsConsent() bool {
	return s == CheckNotStarted || s == CheckInProgress || s.HasResult()
}

// checkMoves lists the statuses each status may be followed by. Withdrawn is
// final; a clear result only stops (consent withdrawn).
var checkMoves = map[CheckStatus][]CheckStatus{
	CheckWaitingForCandidate: {CheckNotStarted, CheckInProgress, CheckClear, CheckNeedsReview, CheckNotClear, CheckWithdrawn},
	CheckNotStarted:          {CheckWaitingForCandidate, CheckInProgress, CheckClear, CheckNeedsReview, CheckNotClear, CheckWithdrawn},
	CheckInProgress:          {CheckWaitingForCandidate, CheckClear, CheckNeedsReview, CheckNotClear, CheckWithdrawn},
	CheckNeedsReview:         {CheckInProgress, CheckClear, CheckNotClear, CheckWithdrawn},
	CheckNotClear:            {CheckInProgress, CheckClear, CheckNeedsReview, CheckWithdrawn},
	CheckClear:               {CheckWithdrawn},
	CheckWithdrawn:           nil,
}

// CanMoveCheck is the status machine: whether a check at from may go to to,
// given whether the candidate's consent stands.
func CanMoveCheck(from, to CheckStatus, consented bool) error {
	if _, ok := checkMoves[to]; !ok {
		return Invalid("status", "Choose one of the check's statuses.")
	}
	switch {
	case from == to:
		return Invalid("status", "The check is "+strings.ToLower(to.Label())+" already.")
	case from == CheckWithdrawn:
		return Invalid("status", "This check was withdrawn and cannot change any more.")
	case !slices.Contains(checkMoves[from], to):
		return Invalid("status", fmt.Sprintf("A check that is %s cannot become %s.", strings.ToLower(from.Label()), strings.ToLower(to.Label())))
	case to.needsConsent() && !consented:
		return Invalid("status", "The candidate has not given their consent to this check, so it cannot go on.")
	}
	return nil
}

// CheckInfo is what the candidate reads before consenting: what the check is,
// who carries it out, what data it uses, how long it takes, what they are
// asked for, and the consent they give. ConsentVersion names the wording;
// changing ConsentText needs a new version.
type CheckInfo struct {
	Kind           CheckKind
	Title          string
	What           string
	Who            string
	Data           string
	HowLong        string
	Asks           string
	ConsentText    string
	ConsentVersion string
}

var checkInfos = map[CheckKind]CheckInfo{
	CheckBackground: {
		Title:          "Background check",
		What:           "A check of your identity, right to work, and the addresses and history you give us, as this role requires.",
		Who:            "An accredited screening provider, on our behalf. Our recruiting team sees the outcome; nobody else in the company does.",
		Data:           "Your name, date of birth, contact details and the addresses where you lived in the last five years.",
		HowLong:        "Usually 3 to 10 working days after you give your consent.",
		Asks:           "Every address where you lived in the last five years, from the month you moved in to the month you left.",
		ConsentText:    "I agree that the screening provider may carry out a background check using the details I give here, and that the outcome is shared with the recruiting team for this application. I can withdraw this consent at any time on this page; the check then stops.",
		ConsentVersion: "background-2026-12-01",
	},
	CheckMedical: {
		Title:          "Pre-employment medical",
		What:           "A short assessment of whether you are fit for the duties of this role, with any adjustments you may need.",
		Who:            "An independent occupational health service. Your medical details stay with them; we only learn whether you are fit for the role and any adjustments.",
		Data:           "Your name, contact details, the role's duties and the times you can attend an appointment.",
		HowLong:        "An appointment of about 30 minutes; we usually hear within 5 working days.",
		Asks:           "When you could attend an appointment, as one or more date ranges.",
		ConsentText:    "I agree that the occupational health service may assess my fitness for this role and tell the recruiting team whether I am fit for it, with any adjustments. I can withdraw this consent at any time on this page; the assessment then stops.",
		ConsentVersion: "medical-2026-12-01",
	},
}

// CheckInfoFor is what the candidate reads about a kind of check.
func CheckInfoFor(k CheckKind) CheckInfo {
	i := checkInfos[k]
	i.Kind = k
	return i
}

// monthOf is the month t falls in, in loc, as its first day in UTC.
func monthOf(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// monthsBetween counts the months from a to b (b later: positive).
func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// AddressHistoryYears is how far back a background check's addresses go.
const AddressHistoryYears = 5

// maxAddresses and maxWindows bound what one form may send.
const (
	maxAddresses = 30
	maxWindows   = 10
)

// CheckAddressInput is one row of the address history form. Months are
// "YYYY-MM"; an empty ToMonth means the candidate still lives there.
type CheckAddressInput struct {
	Line, City, Postcode, Country string
	FromMonth, ToMonth            string
}

// CheckAddress is one address the candidate lived at.
type CheckAddress struct {
	ID        int64 `json:"id"`
	CheckID   int64 `json:"-"`
	Line      string
	City      string
	Postcode  string
	Country   string
	FromMonth time.Time  // the first day of the month, UTC
	ToMonth   *time.Time // nil: still lives there
}

// TableName binds the struct to its table.
func (CheckAddress) TableName() string { return "check_addresses" }

// ValidateAddressHistory is the rule of what a background check needs: the
// addresses of the last five years (counted from now's month in loc), each
// with its months in order and none in the future, one of them current,
// and no gap of more than one month between them. It returns the rows as
// stored, oldest first.
func ValidateAddressHistory(rows []CheckAddressInput, now time.Time, loc *time.Location) ([]CheckAddress, error) {
	v := &Problems{}
	if len(rows) == 0 {
		v.Add("addresses", fmt.Sprintf("Add the addresses where you lived in the last %d years, starting with where you live now.", AddressHistoryYears))
		return nil, v.Err()
	}
	if len(rows) > maxAddresses {
		v.Add("addresses", fmt.Sprintf("Give at most %d addresses.", maxAddresses))
		return nil, v.Err()
	}
	this := monthOf(now, loc)
	out := make([]CheckAddress, 0, len(rows))
	for i, r := range rows {
		field := func(name string) string { return fmt.Sprintf("address_%d_%s", i, name) }
		a := CheckAddress{Line: strings.TrimSpace(r.Line), City: strings.TrimSpace(r.City), Postcode: strings.TrimSpace(r.Postcode), Country: strings.TrimSpace(r.Country)}
		if a.Line == "" {
			v.Add(field("line"), "Enter the street address.")
		}
		if a.City == "" {
			v.Add(field("city"), "Enter the town or city.")
		}
		if a.Country == "" {
			v.Add(field("country"), "Enter the country.")
		}
		v.checkLength(a.Line, limits.AddressLine.as(field("line"), limits.AddressLine.Subject))
		v.checkLength(a.City, limits.AddressCity.as(field("city"), limits.AddressCity.Subject))
		v.checkLength(a.Postcode, limits.AddressPostcode.as(field("postcode"), limits.AddressPostcode.Subject))
		v.checkLength(a.Country, limits.AddressCountry.as(field("country"), limits.AddressCountry.Subject))
		from, ok := parseMonth(r.FromMonth)
		switch {
		case !ok:
			v.Add(field("from_month"), "Enter the month you moved in, as year and month.")
		case from.After(this):
			v.Add(field("from_month"), "The month you moved in cannot be in the future.")
		}
		a.FromMonth = from
		if strings.TrimSpace(r.ToMonth) != "" {
			to, ok := parseMonth(r.ToMonth)
			switch {
			case !ok:
				v.Add(field("to_month"), "Enter the month you moved out, as year and month, or leave it empty if you still live there.")
			case to.After(this):
				v.Add(field("to_month"), "The month you moved out cannot be in the future; leave it empty if you still live there.")
			case to.Before(from):
				v.Add(field("to_month"), "The month you moved out comes before the month you moved in.")
			}
			a.ToMonth = &to
		}
		out = append(out, a)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := addressesCover(out, this); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].FromMonth.Before(out[j].FromMonth) })
	return out, nil
}

// addressesCover refuses a history that leaves more than one month
// uncovered anywhere between five years ago and this month.
func addressesCover(rows []CheckAddress, this time.Time) error {
	sorted := slices.Clone(rows)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].FromMonth.Before(sorted[j].FromMonth) })
	start := this.AddDate(-AddressHistoryYears, 0, 0)
	if monthsBetween(sorted[0].FromMonth, start) < -1 {
		return Invalid("addresses", fmt.Sprintf("Your addresses must go back %d years, to %s: add where you lived before %s.",
			AddressHistoryYears, start.Format("January 2006"), sorted[0].FromMonth.Format("January 2006")))
	}
	covered := sorted[0].FromMonth.AddDate(0, -1, 0) // the last month covered so far
	current := false
	for _, a := range sorted {
		if gap := monthsBetween(covered, a.FromMonth) - 1; gap > 1 {
			return Invalid("addresses", fmt.Sprintf("There is a gap of %d months between %s and %s. Add where you lived then (a gap of one month is fine).",
				gap, covered.Format("January 2006"), a.FromMonth.Format("January 2006")))
		}
		end := this
		if a.ToMonth != nil {
			end = *a.ToMonth
		} else {
			current = true
		}
		if end.After(covered) {
			covered = end
		}
	}
	if !current && monthsBetween(covered, this) > 1 {
		return Invalid("addresses", "Add the address where you live now, with no month moved out.")
	}
	return nil
}

// AppointmentWindowInput is one row of the medical's availability form:
// days as "YYYY-MM-DD", and the part of the day (any, morning, afternoon).
type AppointmentWindowInput struct {
	FromDay, ToDay, PartOfDay string
}

// AppointmentWindow is a range of days the candidate could attend.
type AppointmentWindow struct {
	ID        int64 `json:"id"`
	CheckID   int64 `json:"-"`
	FromDay   time.Time
	ToDay     time.Time
	PartOfDay string
}

// TableName binds the struct to its table.
func (AppointmentWindow) TableName() string { return "check_appointment_windows" }

// AppointmentWindowDays is how far ahead a medical's windows may reach.
const AppointmentWindowDays = 90

// ValidateAppointmentWindows is the rule of what a medical needs: one to ten
// ranges of days, from today (in loc) to 90 days ahead, each in order.
func ValidateAppointmentWindows(rows []AppointmentWindowInput, now time.Time, loc *time.Location) ([]AppointmentWindow, error) {
	v := &Problems{}
	if len(rows) == 0 || len(rows) > maxWindows {
		v.Add("windows", fmt.Sprintf("Give from 1 to %d ranges of days when you could attend an appointment.", maxWindows))
		return nil, v.Err()
	}
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	last := today.AddDate(0, 0, AppointmentWindowDays)
	out := make([]AppointmentWindow, 0, len(rows))
	for i, r := range rows {
		field := func(name string) string { return fmt.Sprintf("window_%d_%s", i, name) }
		w := AppointmentWindow{PartOfDay: nonEmpty(strings.TrimSpace(r.PartOfDay), "any")}
		from, errFrom := time.Parse("2006-01-02", strings.TrimSpace(r.FromDay))
		to, errTo := time.Parse("2006-01-02", strings.TrimSpace(r.ToDay))
		switch {
		case errFrom != nil:
			v.Add(field("from_day"), "Enter the first day you could attend.")
		case from.Before(today):
			v.Add(field("from_day"), "The first day cannot be in the past.")
		}
		switch {
		case errTo != nil:
			v.Add(field("to_day"), "Enter the last day you could attend.")
		case errFrom == nil && to.Before(from):
			v.Add(field("to_day"), "The last day comes before the first day.")
		case to.After(last):
			v.Add(field("to_day"), fmt.Sprintf("Give days within the next %d days.", AppointmentWindowDays))
		}
		if w.PartOfDay != "any" && w.PartOfDay != "morning" && w.PartOfDay != "afternoon" {
			v.Add(field("part_of_day"), "Choose any time, mornings or afternoons.")
		}
		w.FromDay, w.ToDay = from, to
		out = append(out, w)
	}
	return out, v.Err()
}

// AdverseStatus is where an adverse action stands.
type AdverseStatus string

// The steps of an adverse action.
const (
	AdverseNoticeSent AdverseStatus = "notice_sent" // waiting for the candidate's answer and the end of the wait
	AdverseReplied    AdverseStatus = "replied"     // the candidate answered; the wait still runs
	AdverseConfirmed  AdverseStatus = "confirmed"   // rejection confirmed, final notice sent
	AdverseCancelled  AdverseStatus = "cancelled"   // staff decided otherwise, or the result no longer stands
)

// Label is the step in words, for staff.
func (s AdverseStatus) Label() string {
	switch s {
	case AdverseNoticeSent:
		return "Pre-decision notice sent"
	case AdverseReplied:
		return "The candidate answered"
	case AdverseConfirmed:
		return "Rejection confirmed"
	case AdverseCancelled:
		return "Cancelled"
	}
	return string(s)
}

// Open reports whether the notice still waits for a decision.
func (s AdverseStatus) Open() bool { return s == AdverseNoticeSent || s == AdverseReplied }

// DefaultAdverseWaitDays is how many business days a candidate has to answer
// a pre-decision notice unless the Store is configured otherwise.
const DefaultAdverseWaitDays = 5

// PreDecisionWaitUntil is when the waiting period of a pre-decision notice
// sent at sentAt ends: the end of the working day, days business days later
// in loc (weekends skipped; see AddBusinessDays).
func PreDecisionWaitUntil(sentAt time.Time, days int, loc *time.Location) time.Time {
	return AddBusinessDays(sentAt, days, loc)
}

// CanConfirmAdverseRejection is the rule of the final step: a rejection based
// on a check is confirmed only on an open pre-decision notice, and only once
// its waiting period has ended.
func CanConfirmAdverseRejection(status AdverseStatus, waitUntil, now time.Time, loc *time.Location) error {
	switch {
	case status == AdverseConfirmed:
		return refusal(CodeConflict, "This rejection has been confirmed already.")
	case status != AdverseNoticeSent && status != AdverseReplied:
		return refusal(CodeConflict, "Send the candidate a pre-decision notice first: a rejection based on a check waits for their answer.")
	case now.Before(waitUntil):
		return refusal(CodeConflict, fmt.Sprintf("The candidate may answer the pre-decision notice until %s. The rejection can be confirmed after that.",
			waitUntil.In(loc).Format("Monday 2 January 2006, 15:04 MST")))
	}
	return nil
}
