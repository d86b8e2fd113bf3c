package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Retention (issue 23): a candidate whose applications have all closed as
// rejected or withdrawn is anonymised (eraseCandidate, ErasureCauseRetention)
// once the retention period (NEXTSTEP_RETENTION, 12 months by default) has
// passed since their last activity — and never less than RetentionNoticePeriod
// after they were told so by email. Nothing happens to a candidate with an
// open or hired application, a rejection still held or put off, a legal hold,
// or an erasure request an admin has still to decide. "Keep my data" on the
// account page restarts the timer.
//
// Last activity is the latest of: their applications' last change (closing,
// the last stage move, a put-off rejection reaching them), their last
// sign-in, their last "Keep my data". A notice counts only while it is later
// than the last activity: whatever the candidate does after it makes it
// stale, so the next due date comes with a notice of its own.

// RetentionNoticePeriod is how long before anonymisation the candidate is
// told, and the least time between the notice and anonymisation.
const RetentionNoticePeriod = 30 * 24 * time.Hour

// MsgRetentionNotice tells a candidate when their data will be deleted and
// how to keep it.
const MsgRetentionNotice MessageKind = "retention_notice"

// retentionMessages joins messageCatalogue (registered in messages.go).
var retentionMessages = map[MessageKind]MessageTemplate{
	MsgRetentionNotice: {
		Label: "Notice before a closed candidate's data is deleted (30 days before)", Editable: true,
		Subject:      "Your data at {{company}} will be deleted on {{date}}",
		Body:         "Hello {{candidate_name}},\n\nYour applications with {{company}} have closed, and we keep a candidate's data for {{period}} after their last activity. We will delete your data (your details, documents and messages) on {{date}}.\n\nIf you would like us to keep it (for example to be considered again), sign in and press \"Keep my data\" on your account page before then:\n{{account_link}}\n\nIf you are happy for us to delete it, you need do nothing.",
		Placeholders: []string{"candidate_name", "company", "date", "period", "account_link"},
		Required:     []string{"date", "account_link"},
	},
}

// DefaultRetention is NEXTSTEP_RETENTION's default: twelve months.
var DefaultRetention = RetentionPeriod{Months: 12}

// RetentionPeriod is how long a closed candidate's data is kept after their
// last activity: calendar months and days, plus an exact duration.
type RetentionPeriod struct {
	Months, Days int
	Exact        time.Duration
}

// Limits of a retention period: at least the notice period (a shorter one
// would anonymise people as soon as they were told), at most ten years.
const (
	minRetention = RetentionNoticePeriod
	maxRetention = 3660 * 24 * time.Hour
)

// The refusals of a retention period (NEXTSTEP_RETENTION: cmd names the
// setting and the value).
var (
	errRetentionForm  = Invalid("retention", "Write the retention period as a whole number of months (12mo), days (365d) or a Go duration (8760h).")
	errRetentionRange = Invalid("retention", "The retention period must be at least 30 days (the notice goes 30 days before) and at most ten years.")
)

// ParseRetention reads a retention period: "12mo" (months), "365d" (days)
// or a Go duration ("8760h"). It refuses anything else, and periods under
// 30 days or over ten years, with the sentence a person reads at start.
func ParseRetention(s string) (RetentionPeriod, error) {
	s = strings.TrimSpace(s)
	var p RetentionPeriod
	switch {
	case strings.HasSuffix(s, "mo"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "mo"))
		if err != nil {
			return p, errRetentionForm
		}
		p.Months = n
	case strings.HasSuffix(s, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil {
			return p, errRetentionForm
		}
		p.Days = n
	default:
		d, err := time.ParseDuration(s)
		if err != nil {
			return p, errRetentionForm
		}
		p.Exact = d
	}
	if n := p.approx(); n < minRetention || n > maxRetention {
		return RetentionPeriod{}, errRetentionRange
	}
	return p, nil
}

// approx is the period's length with months of 30.44 days (for its limits).
func (p RetentionPeriod) approx() time.Duration {
	return time.Duration(float64(p.Months)*30.44*24*float64(time.Hour)) + time.Duration(p.Days)*24*time.Hour + p.Exact
}

// IsZero reports whether the period is unset.
func (p RetentionPeriod) IsZero() bool { return p == RetentionPeriod{} }

// interval is the period as a PostgreSQL interval.
func (p RetentionPeriod) interval() string {
	return fmt.Sprintf("%d months %d days %d microseconds", p.Months, p.Days, p.Exact.Microseconds())
}

// After is t plus the period, as PostgreSQL adds the interval (months, then
// days, then the exact part; in UTC).
func (p RetentionPeriod) After(t time.Time) time.Time {
	t = t.UTC()
	if p.Months != 0 {
		y, m, d := t.Date()
		first := time.Date(y, m+time.Month(p.Months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
		last := first.AddDate(0, 1, -1).Day() // PostgreSQL keeps the day, or the month's last
		t = first.AddDate(0, 0, min(d, last)-1)
	}
	return t.AddDate(0, 0, p.Days).Add(p.Exact)
}

// String says the period in words: "12 months", "365 days", "8760h0m0s".
func (p RetentionPeriod) String() string {
	var parts []string
	if p.Months != 0 {
		parts = append(parts, countOf(p.Months, "month", "months"))
	}
	if p.Days != 0 {
		parts = append(parts, countOf(p.Days, "day", "days"))
	}
	if p.Exact != 0 || len(parts) == 0 {
		parts = append(parts, p.Exact.String())
	}
	return strings.Join(parts, " ")
}

// RetentionReason names the activity a candidate's timer runs from.
type RetentionReason string

// What the last activity was.
const (
	LastActivityApplication RetentionReason = "application" // an application closed or moved
	LastActivitySignIn      RetentionReason = "sign_in"
	LastActivityKept        RetentionReason = "kept" // they pressed "Keep my data"
)

// RetentionCandidate is one candidate the retention rule applies to, with
// why and when.
type RetentionCandidate struct {
	ID                  int64
	Name, Email         string
	Rejected, Withdrawn int        // their applications, all closed
	LastChange          time.Time  // their applications' last change
	LastSignedInAt      *time.Time // their last sign-in
	KeptAt              *time.Time // their last "Keep my data"
	LastActivity        time.Time  // the latest of the three
	NoticeAt            *time.Time // the notice, when one was sent since the last activity
	DueAt               time.Time  // when they are anonymised (without a notice yet: if it went now)
}

// Reason is the activity the timer runs from.
func (r *RetentionCandidate) Reason() RetentionReason {
	switch {
	case r.KeptAt != nil && r.KeptAt.Equal(r.LastActivity):
		return LastActivityKept
	case r.LastSignedInAt != nil && r.LastSignedInAt.Equal(r.LastActivity):
		return LastActivitySignIn
	}
	return LastActivityApplication
}

// Why says in one sentence why the candidate qualifies.
func (r *RetentionCandidate) Why(p RetentionPeriod, loc *time.Location) string {
	var closed []string
	if r.Rejected > 0 {
		closed = append(closed, countOf(r.Rejected, "application rejected", "applications rejected"))
	}
	if r.Withdrawn > 0 {
		closed = append(closed, countOf(r.Withdrawn, "application withdrawn", "applications withdrawn"))
	}
	what := map[RetentionReason]string{LastActivityApplication: "an application's last change",
		LastActivitySignIn: "a sign-in", LastActivityKept: "asked to keep their data"}[r.Reason()]
	return fmt.Sprintf("Nothing open (%s); last activity %s (%s); kept %s after it.", strings.Join(closed, ", "),
		r.LastActivity.In(loc).Format(promiseDateLayout), what, p)
}

// retentionSQL is the rule, as one statement: the candidates not erased
// whose applications have all closed as rejected or withdrawn, none with a
// rejection still held (until the position is filled) or put off, without
// an open erasure request, whose last activity plus the retention period
// comes by @horizon (a notice is sent only then, so this holds for everyone
// told too, at a later horizon); with their due date (the
// later of the last activity plus the period and the notice plus 30 days;
// without a notice, as if it went at @now), in (due date, id) order after
// the keyset (@after_due, @after_id), at most @limit. filter narrows it
// further (one candidate for the job's re-check and the account page).
// The legal hold is asked of legalHoldReason by the job before it acts (a guard:
// the one hold there is, a hire's signed contract, never meets the rule).
//
// It reads a range of candidates_retention_idx (the candidates not erased
// whose applications all closed, by last activity: closed_activity_at is
// kept by a trigger, migration 00036) and checks each one's applications
// through their (candidate_id, position_id) key.
func retentionSQL(filter string) string {
	return `SELECT r.*, greatest(r.last_activity + CAST(@retention AS interval),
			coalesce(r.notice_at, CAST(@now AS timestamptz)) + CAST(@notice AS interval)) AS due_at
	FROM (SELECT c.id, c.name, c.email, x.rejected, x.withdrawn, x.last_change, c.last_signed_in_at, c.retention_kept_at AS kept_at,
			greatest(x.last_change, c.last_signed_in_at, c.retention_kept_at) AS last_activity,
			CASE WHEN c.retention_notice_at > greatest(x.last_change, c.last_signed_in_at, c.retention_kept_at)
				THEN c.retention_notice_at END AS notice_at
		FROM candidates c
		CROSS JOIN LATERAL (SELECT count(*) AS applications,
				count(*) FILTER (WHERE a.status = 'rejected' AND NOT a.rejection_held
					AND (a.rejection_told_at IS NULL OR a.rejection_told_at <= @now)) AS rejected,
				count(*) FILTER (WHERE a.status = 'withdrawn') AS withdrawn,
				max(greatest(a.updated_at, a.stage_entered_at, a.rejection_told_at)) AS last_change
			FROM applications a WHERE a.candidate_id = c.id) x
		WHERE c.erased_at IS NULL AND ` + filter + ` AND c.closed_activity_at IS NOT NULL
			AND greatest(c.closed_activity_at, c.last_signed_in_at, c.retention_kept_at) <= CAST(@horizon AS timestamptz) - CAST(@retention AS interval)
			AND x.applications > 0 AND x.rejected + x.withdrawn = x.applications
			AND NOT EXISTS (SELECT 1 FROM erasure_requests e WHERE e.candidate_id = c.id AND e.status = 'requested')) r
	WHERE (greatest(r.last_activity + CAST(@retention AS interval), coalesce(r.notice_at, CAST(@now AS timestamptz)) + CAST(@notice AS interval)), r.id)
			> (CAST(@after_due AS timestamptz), CAST(@after_id AS bigint))
	ORDER BY due_at, r.id
	LIMIT @limit`
}

// retentionArgs are retentionSQL's arguments at now, looking to horizon.
func (s *Store) retentionArgs(now, horizon time.Time, after RetentionCursor, limit int) map[string]any {
	if after.Due.IsZero() {
		after.Due = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return map[string]any{"now": now, "horizon": horizon, "retention": s.retention.interval(),
		"notice":    fmt.Sprintf("%d seconds", int64(RetentionNoticePeriod/time.Second)),
		"after_due": after.Due, "after_id": after.ID, "limit": limit}
}

// RetentionCursor is a place in the (due date, id) order.
type RetentionCursor struct {
	Due time.Time
	ID  int64
}

// Retention is the store's retention period.
func (s *Store) Retention() RetentionPeriod { return s.retention }
