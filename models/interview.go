package models

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Refusals of interview scheduling, in the words the candidate reads.
var (
	ErrSlotTaken      = refusal(CodeConflict, "Someone else has just taken that time. Please choose another one below, or ask for other times.")
	ErrSlotPast       = refusal(CodeConflict, "That time has already passed. Please choose another one below.")
	ErrRoundClosed    = refusal(CodeConflict, "A time is already booked for this interview. To change it, ask for another time below.")
	ErrRoundCancelled = refusal(CodeConflict, "This interview has been cancelled, so there is nothing to book.")
)

// InterviewKind is the kind of an interview round.
type InterviewKind string

// Interview kinds, in the order staff usually run them.
const (
	InterviewAdditional            InterviewKind = "additional"
	InterviewTechnical             InterviewKind = "technical"
	InterviewCommercialNegotiation InterviewKind = "commercial_negotiation"
	InterviewHRRound               InterviewKind = "hr_round"
	InterviewFinal                 InterviewKind = "final"
)

// InterviewKinds lists every kind in display order.
func InterviewKinds() []InterviewKind {
	return []InterviewKind{InterviewAdditional, InterviewTechnical, InterviewCommercialNegotiation, InterviewHRRound, InterviewFinal}
}

// Label is the kind in words.
func (k InterviewKind) Label() string {
	switch k {
	case InterviewAdditional:
		return "Additional interview"
	case InterviewTechnical:
		return "Technical interview"
	case InterviewCommercialNegotiation:
		return "Commercial negotiation interview"
	case InterviewHRRound:
		return "HR round"
	case InterviewFinal:
		return "Final interview"
	}
	return string(k)
}

// Stage is the pipeline stage an interview of this kind is held in: an
// additional or technical interview in the additional interview, the others
// in the stage of their name; a final interview belongs to no stage of its
// own. Scheduling one moves an application still before that stage on to it
// (CreateRound).
func (k InterviewKind) Stage() StageKey {
	switch k {
	case InterviewAdditional, InterviewTechnical:
		return StageAdditionalInterview
	case InterviewCommercialNegotiation:
		return StageCommercialNegotiation
	case InterviewHRRound:
		return StageHRRound
	}
	return ""
}

// RoundStatus is where an interview round stands.
type RoundStatus string

// Round statuses: times offered, one taken, or called off.
const (
	RoundProposed  RoundStatus = "proposed"
	RoundScheduled RoundStatus = "scheduled"
	RoundCancelled RoundStatus = "cancelled"
)

// Label is the status in words, for staff.
func (s RoundStatus) Label() string {
	switch s {
	case RoundProposed:
		return "Waiting for the candidate to pick a time"
	case RoundScheduled:
		return "Scheduled"
	case RoundCancelled:
		return "Cancelled"
	}
	return string(s)
}

// InterviewRound is one interview of one application.
type InterviewRound struct {
	ID                int64
	ApplicationID     int64
	Kind              InterviewKind
	Title             string
	DurationMinutes   int
	Location          string
	VideoURL          string `gorm:"column:video_url"`
	Instructions      string
	FocusAreas        string // what the panel should look at (the kit)
	Status            RoundStatus
	StartsAt          *time.Time
	EndsAt            *time.Time
	ICalUID           string `gorm:"column:ical_uid"`
	ICalSequence      int    `gorm:"column:ical_sequence"`
	ChangeRequest     string
	ChangeRequestedAt *time.Time
	CancelReason      string
	CreatedBy         *int64
	CreatedAt         time.Time
	UpdatedAt         time.Time

	Panel          []StaffUser     `gorm:"-"` // names, emails, titles
	Slots          []InterviewSlot `gorm:"-"` // offered times, earliest first
	ScorecardCount int             `gorm:"-"` // scorecards in (ApplicationRounds)
}

// TableName binds the struct to its table.
func (InterviewRound) TableName() string { return "interview_rounds" }

// HasPanelist reports whether staff member id sits on the panel.
func (r *InterviewRound) HasPanelist(id int64) bool {
	return slices.ContainsFunc(r.Panel, func(u StaffUser) bool { return u.ID == id })
}

// Upcoming reports whether the round is scheduled and has not ended at now.
func (r *InterviewRound) Upcoming(now time.Time) bool {
	return r.Status == RoundScheduled && r.EndsAt != nil && r.EndsAt.After(now)
}

// Held reports whether the round was scheduled and its time has passed.
func (r *InterviewRound) Held(now time.Time) bool {
	return r.Status == RoundScheduled && r.EndsAt != nil && !r.EndsAt.After(now)
}

// OpenSlots are the offered slots the candidate can still pick at now.
func (r *InterviewRound) OpenSlots(now time.Time) []InterviewSlot {
	var out []InterviewSlot
	for _, s := range r.Slots {
		if s.BookedRoundID == nil && s.StartsAt.After(now) {
			out = append(out, s)
		}
	}
	return out
}

// InterviewSlot is a time the panel can meet, offered to one or more rounds.
type InterviewSlot struct {
	ID            int64
	PositionID    int64
	StartsAt      time.Time
	EndsAt        time.Time
	BookedRoundID *int64
	CreatedAt     time.Time
}

// TableName binds the struct to its table.
func (InterviewSlot) TableName() string { return "interview_slots" }

// MaxSlotsPerRound bounds the times offered at once: enough choice, a short list on a phone.
const MaxSlotsPerRound = 8

// RoundInput is the staff form that creates an interview round.
type RoundInput struct {
	Kind         InterviewKind
	Title        string
	Duration     string // minutes, as typed
	Location     string
	VideoURL     string
	Instructions string
	PanelIDs     []int64
	Slots        []string // "2027-03-28T10:00" (datetime-local), in the acting staff member's own zone (actorZone)
	SharedSlots  []int64  // free slots of the same position to offer as well
	// ConfirmSkip confirms the stages passed over when the round's stage is
	// not the next one (see CreateRound).
	ConfirmSkip bool
}

// parsedRound is RoundInput checked and converted.
type parsedRound struct {
	kind     InterviewKind
	title    string
	duration time.Duration
	location string
	videoURL string
	instr    string
	panel    []int64
	starts   []time.Time
	shared   []int64
}

// parse validates the form: every problem at once, each under its field.
func (in RoundInput) parse(loc *time.Location, now time.Time) (parsedRound, error) {
	var errs Problems
	p := parsedRound{kind: in.Kind, title: strings.TrimSpace(in.Title), location: strings.TrimSpace(in.Location),
		videoURL: strings.TrimSpace(in.VideoURL), instr: strings.TrimSpace(in.Instructions)}
	if !slices.Contains(InterviewKinds(), in.Kind) {
		errs.Add("kind", "Choose the kind of interview.")
	}
	if p.title == "" {
		p.title = in.Kind.Label()
	}
	errs.checkLength(p.title, limits.RoundTitle)
	minutes, err := strconv.Atoi(strings.TrimSpace(in.Duration))
	if err != nil || minutes < 15 || minutes > 480 {
		errs.Add("duration", "Enter the length in minutes, between 15 and 480.")
	}
	p.duration = time.Duration(minutes) * time.Minute
	if p.location == "" && p.videoURL == "" {
		errs.Add("location", "Give a place to meet or a video link.")
	}
	errs.checkLength(p.location, limits.RoundLocation)
	if p.videoURL != "" {
		if u, err := url.Parse(p.videoURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs.Add("video_url", "Enter the video link as a full web address starting with https://.")
		}
	}
	errs.checkLength(p.videoURL, limits.RoundVideoURL)
	errs.checkLength(p.instr, limits.RoundInstructions)
	for _, id := range in.PanelIDs {
		if id > 0 && !slices.Contains(p.panel, id) {
			p.panel = append(p.panel, id)
		}
	}
	if len(p.panel) == 0 {
		errs.Add("panel", "Choose at least one interviewer for the panel.")
	}
	for _, raw := range in.Slots {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", raw, loc)
		if err != nil {
			errs.Add("slots", fmt.Sprintf("%q is not a date and time (use the pickers, or type 2027-03-28T10:00).", raw))
			continue
		}
		if !t.After(now) {
			errs.Add("slots", "Every time offered must be in the future.")
			continue
		}
		if slices.ContainsFunc(p.starts, t.Equal) {
			continue
		}
		p.starts = append(p.starts, t)
	}
	for _, id := range in.SharedSlots {
		if id > 0 && !slices.Contains(p.shared, id) {
			p.shared = append(p.shared, id)
		}
	}
	switch n := len(p.starts) + len(p.shared); {
	case n == 0:
		errs.Add("slots", "Offer at least one time for the candidate to choose from.")
	case n > MaxSlotsPerRound:
		errs.Add("slots", fmt.Sprintf("Offer at most %d times at once.", MaxSlotsPerRound))
	}
	slices.SortFunc(p.starts, func(a, b time.Time) int { return a.Compare(b) })
	return p, errs.Err()
}

// CanPick is the slot rule for a candidate: the round must still wait for a
// choice, the slot must be offered to it, free, and in the future.
func (r *InterviewRound) CanPick(slot *InterviewSlot, offered bool, now time.Time) error {
	switch r.Status {
	case RoundCancelled:
		return ErrRoundCancelled
	case RoundScheduled:
		return ErrRoundClosed
	}
	if !offered {
		return ErrNotFound
	}
	if !slot.StartsAt.After(now) {
		return ErrSlotPast
	}
	if slot.BookedRoundID != nil {
		return ErrSlotTaken
	}
	return nil
}

// ZoneLabel names the portal's time zone for people reading a time: the
// abbreviation in force at t and the zone's name ("CET, Europe/Amsterdam").
func ZoneLabel(t time.Time, loc *time.Location) string {
	abbr, _ := t.In(loc).Zone()
	if loc.String() == "UTC" || loc.String() == "" {
		return "UTC"
	}
	return abbr + ", " + loc.String()
}
