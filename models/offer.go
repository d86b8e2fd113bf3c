package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
)

// OfferVersionStatus is where one version of a job offer is in its life.
type OfferVersionStatus string

// Offer version statuses.
const (
	OfferDraft           OfferVersionStatus = "draft"
	OfferPendingApproval OfferVersionStatus = "pending_approval"
	OfferApproved        OfferVersionStatus = "approved"
	OfferSent            OfferVersionStatus = "sent"
	OfferSuperseded      OfferVersionStatus = "superseded"
	OfferAccepted        OfferVersionStatus = "accepted"
	OfferDeclined        OfferVersionStatus = "declined"
)

// OfferStatus is where a job offer as a whole is: open while its versions
// are drafted, approved and sent, then accepted or declined by the
// candidate, or withdrawn when the application closes first.
type OfferStatus string

// Job offer statuses.
const (
	OfferStatusOpen      OfferStatus = "open"
	OfferStatusAccepted  OfferStatus = "accepted"
	OfferStatusDeclined  OfferStatus = "declined"
	OfferStatusWithdrawn OfferStatus = "withdrawn"
)

// Refusals of answering an offer, in the words the candidate reads.
var (
	ErrOfferNotCurrent = refusal(CodeConflict, "This version of the offer has been replaced or closed. Please read the current offer below.")
	ErrJobOfferExpired = refusal(CodeConflict, "This offer has expired, so it can no longer be accepted online. Please contact your recruiter: they can extend it.")
	// ErrOfferClosed is the staff's refusal to act on an offer the candidate
	// has answered or that was withdrawn when the application closed.
	ErrOfferClosed = refusal(CodeConflict, "This offer is closed (answered by the candidate, or withdrawn when the application closed), so it can no longer be approved, sent or changed.")
)

// Offer is a job offer for an application, with every version it went through.
type Offer struct {
	ID            int64
	ApplicationID int64
	Status        OfferStatus
	DeclineReason string
	CreatedAt     time.Time
	UpdatedAt     time.Time

	Versions  []OfferVersion  `gorm:"foreignKey:OfferID"`
	Questions []OfferQuestion `gorm:"foreignKey:OfferID"`
}

// TableName binds the struct to its table.
func (Offer) TableName() string { return "offers" }

// Latest is the newest version (versions are loaded newest first).
func (o *Offer) Latest() *OfferVersion {
	if o == nil || len(o.Versions) == 0 {
		return nil
	}
	return &o.Versions[0]
}

// Current is the version the candidate sees: the newest one sent to them.
func (o *Offer) Current() *OfferVersion {
	if o == nil {
		return nil
	}
	for i := range o.Versions {
		switch o.Versions[i].Status {
		case OfferSent, OfferAccepted, OfferDeclined:
			return &o.Versions[i]
		}
	}
	return nil
}

// OfferVersion is one set of terms.
type OfferVersion struct {
	ID              int64
	OfferID         int64
	Version         int
	Status          OfferVersionStatus
	JobTitle        string
	SalaryAmount    string
	SalaryCurrency  string
	SalaryPeriod    string
	BonusEquity     string
	Benefits        string
	StartDate       time.Time `gorm:"type:date"`
	Location        string
	WorkingPattern  string
	ExpiresOn       time.Time `gorm:"type:date"`
	PersonalMessage string
	CreatedBy       *int64
	ApprovedBy      *int64
	ApprovedAt      *time.Time
	SentAt          *time.Time
	RespondedAt     *time.Time
	// SentBackComment is the approver's reason for returning the version to
	// draft; it stays with the draft while it is changed, and is cleared when
	// a version that was submitted again is edited back into a draft.
	SentBackComment string
	SentBackBy      *int64
	SentBackAt      *time.Time
	CreatedAt       time.Time

	Approver   *StaffUser `gorm:"foreignKey:ApprovedBy"`
	Drafter    *StaffUser `gorm:"foreignKey:CreatedBy"`  // loaded for the review page only
	SentBacker *StaffUser `gorm:"foreignKey:SentBackBy"` // loaded for the review page only
}

// offerVersionAssociations are the loaded people, never written with a version.
var offerVersionAssociations = []string{"Approver", "Drafter", "SentBacker"}

// SentBack reports whether the version is a draft returned by its approver
// with a comment still to be addressed.
func (v OfferVersion) SentBack() bool {
	return v.Status == OfferDraft && v.SentBackComment != ""
}

// TableName binds the struct to its table.
func (OfferVersion) TableName() string { return "offer_versions" }

// Salary is the amount as people write it: "GBP 65,000.00 per year".
func (v OfferVersion) Salary() string {
	whole, frac, _ := strings.Cut(v.SalaryAmount, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" && strings.Trim(frac, "0") != "" {
		b.WriteString("." + (frac + "00")[:2])
	}
	return fmt.Sprintf("%s %s per %s", v.SalaryCurrency, b.String(), v.SalaryPeriod)
}

// ExpiresAt is the end of the expiry day in loc: the last moment to accept.
func (v OfferVersion) ExpiresAt(loc *time.Location) time.Time {
	d := v.ExpiresOn
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, loc)
}

// CanAccept is the acceptance rule: only the version sent to the candidate,
// and only until the end of its expiry day.
func (v OfferVersion) CanAccept(now time.Time, loc *time.Location) error {
	switch v.Status {
	case OfferSent:
	case OfferSuperseded:
		return ErrOfferNotCurrent
	case OfferAccepted:
		return nil
	default:
		return ErrOfferNotCurrent
	}
	if now.After(v.ExpiresAt(loc)) {
		return ErrJobOfferExpired
	}
	return nil
}

// OfferQuestion is a candidate's question about an offer and the answer.
type OfferQuestion struct {
	ID         int64
	OfferID    int64
	Question   string
	Answer     string
	AnsweredBy *int64
	AskedAt    time.Time
	AnsweredAt *time.Time
}

// TableName binds the struct to its table.
func (OfferQuestion) TableName() string { return "offer_questions" }

// OfferInput is the offer form.
type OfferInput struct {
	JobTitle, SalaryAmount, SalaryCurrency, SalaryPeriod, BonusEquity, Benefits string
	StartDate, Location, WorkingPattern, ExpiresOn, PersonalMessage             string
}

var amountPattern = regexp.MustCompile(`^[0-9]{1,10}(\.[0-9]{1,2})?$`)

func (in OfferInput) parse(today time.Time, loc *time.Location) (OfferVersion, error) {
	v := &Problems{}
	t := strings.TrimSpace
	ov := OfferVersion{JobTitle: t(in.JobTitle), SalaryCurrency: strings.ToUpper(t(in.SalaryCurrency)), SalaryPeriod: t(in.SalaryPeriod),
		BonusEquity: t(in.BonusEquity), Benefits: t(in.Benefits), Location: t(in.Location), WorkingPattern: t(in.WorkingPattern),
		PersonalMessage: t(in.PersonalMessage)}
	if ov.JobTitle == "" {
		v.Add("job_title", "Enter the job title.")
	}
	v.checkLength(ov.JobTitle, limits.OfferJobTitle)
	amount := strings.ReplaceAll(strings.ReplaceAll(t(in.SalaryAmount), ",", ""), " ", "")
	if !amountPattern.MatchString(amount) || strings.Trim(amount, "0.") == "" {
		v.Add("salary_amount", "Enter the salary as a number, e.g. 65000 or 65000.00.")
	}
	ov.SalaryAmount = amount
	if !regexp.MustCompile(`^[A-Z]{3}$`).MatchString(ov.SalaryCurrency) {
		v.Add("salary_currency", "Enter a three-letter currency code, e.g. GBP, EUR or USD.")
	}
	if ov.SalaryPeriod != "year" && ov.SalaryPeriod != "month" && ov.SalaryPeriod != "hour" {
		v.Add("salary_period", "Choose per year, per month or per hour.")
	}
	v.checkLength(ov.BonusEquity, limits.OfferBonusEquity)
	v.checkLength(ov.Benefits, limits.OfferBenefits)
	v.checkLength(ov.Location, limits.OfferLocation)
	v.checkLength(ov.WorkingPattern, limits.OfferWorkingPattern)
	v.checkLength(ov.PersonalMessage, limits.OfferPersonalMessage)
	start, err := time.ParseInLocation("2006-01-02", t(in.StartDate), loc)
	if err != nil {
		v.Add("start_date", "Enter the start date as YYYY-MM-DD.")
	}
	exp, err2 := time.ParseInLocation("2006-01-02", t(in.ExpiresOn), loc)
	if err2 != nil {
		v.Add("expires_on", "Enter the expiry date as YYYY-MM-DD.")
	} else if exp.Before(today) {
		v.Add("expires_on", "The offer cannot expire in the past.")
	}
	ov.StartDate, ov.ExpiresOn = dateOnly(start), dateOnly(exp)
	return ov, v.Err()
}

func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (s *Store) today() time.Time {
	n := s.Now().In(s.loc)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, s.loc)
}

// OfferFor loads the newest offer of an application with versions (newest
// first) and questions, or nil when there is none; ErrNotFound when actor
// may not read the application (its candidate, or staff in scope).
func (s *Store) OfferFor(ctx context.Context, actor Actor, appID int64) (*Offer, error) {
	if err := applicationVisible(s.db.WithContext(ctx), actor, appID, scopeCandidateFacing); err != nil {
		return nil, err
	}
	var o Offer
	err := s.db.WithContext(ctx).Preload("Versions", func(db *gorm.DB) *gorm.DB { return db.Order("version DESC") }).
		Preload("Versions.Approver").Preload("Questions", func(db *gorm.DB) *gorm.DB { return db.Order("asked_at") }).
		Where("application_id = ?", appID).Order("id DESC").First(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &o, err
}
