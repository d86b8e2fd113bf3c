package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Offer version statuses.
const (
	OfferDraft           = "draft"
	OfferPendingApproval = "pending_approval"
	OfferApproved        = "approved"
	OfferSent            = "sent"
	OfferSuperseded      = "superseded"
	OfferAccepted        = "accepted"
	OfferDeclined        = "declined"
)

// Errors of answering an offer.
var (
	ErrOfferNotCurrent = errors.New("this version of the offer has been replaced")
	ErrOfferLapsed     = errors.New("the offer has expired")
)

// Offer is a job offer for an application, with every version it went through.
type Offer struct {
	ID            int64
	ApplicationID int64
	Status        string // open, accepted, declined, withdrawn
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
	Status          string
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
		return ErrOfferLapsed
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
	v := &ValidationError{}
	t := strings.TrimSpace
	ov := OfferVersion{JobTitle: t(in.JobTitle), SalaryCurrency: strings.ToUpper(t(in.SalaryCurrency)), SalaryPeriod: t(in.SalaryPeriod),
		BonusEquity: t(in.BonusEquity), Benefits: t(in.Benefits), Location: t(in.Location), WorkingPattern: t(in.WorkingPattern),
		PersonalMessage: t(in.PersonalMessage)}
	if ov.JobTitle == "" || len([]rune(ov.JobTitle)) > 200 {
		v.Add("job_title", "Enter the job title (200 characters at most).")
	}
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
	for field, val := range map[string]string{"bonus_equity": ov.BonusEquity, "location": ov.Location, "working_pattern": ov.WorkingPattern} {
		limit := 200
		if field == "bonus_equity" {
			limit = 2000
		}
		if len([]rune(val)) > limit {
			v.Add(field, fmt.Sprintf("Keep this under %d characters.", limit))
		}
	}
	if len([]rune(ov.Benefits)) > 4000 || len([]rune(ov.PersonalMessage)) > 4000 {
		v.Add("benefits", "Benefits and the personal message can be 4000 characters each at most.")
	}
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

// SaveOfferDraft creates or edits the draft of an application's offer. Editing
// a version already sent creates a new version, which needs approval again.
func (s *Store) SaveOfferDraft(ctx context.Context, actor Actor, appID int64, in OfferInput) (*OfferVersion, error) {
	ov, err := in.parse(s.today(), s.loc)
	if err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockApplication(tx, actor, appID)
		if err != nil {
			return err
		}
		if app.Status.Closed() {
			return Invalid("", "This application is closed.")
		}
		var offer Offer
		err = tx.Where("application_id = ? AND status IN ('open', 'accepted')", app.ID).First(&offer).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			offer = Offer{ApplicationID: app.ID, Status: "open"}
			if err := tx.Omit("Versions", "Questions").Create(&offer).Error; err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if offer.Status == "accepted" {
			return Invalid("", "The candidate has accepted this offer; it can no longer change.")
		}
		var latest OfferVersion
		err = tx.Where("offer_id = ?", offer.ID).Order("version DESC").First(&latest).Error
		switch {
		case err == nil && (latest.Status == OfferDraft || latest.Status == OfferPendingApproval || latest.Status == OfferApproved):
			// Whoever edits the terms is their author: they may not approve them.
			ov.ID, ov.OfferID, ov.Version, ov.CreatedBy, ov.CreatedAt = latest.ID, offer.ID, latest.Version, staffID(actor), latest.CreatedAt
			ov.Status = OfferDraft // any edit needs approval again
			omit := append([]string{"id", "created_at"}, offerVersionAssociations...)
			if latest.Status == OfferDraft {
				// A draft sent back keeps the approver's comment while it is
				// changed; once submitted again, an edit starts a fresh draft.
				omit = append(omit, "sent_back_comment", "sent_back_by", "sent_back_at")
				ov.SentBackComment, ov.SentBackBy, ov.SentBackAt = latest.SentBackComment, latest.SentBackBy, latest.SentBackAt
			}
			if err := tx.Model(&OfferVersion{}).Where("id = ?", latest.ID).Select("*").Omit(omit...).Updates(&ov).Error; err != nil {
				return err
			}
		case err == nil || errors.Is(err, gorm.ErrRecordNotFound):
			ov.OfferID, ov.Version, ov.Status, ov.CreatedBy = offer.ID, latest.Version+1, OfferDraft, staffID(actor)
			if err := tx.Omit(offerVersionAssociations...).Create(&ov).Error; err != nil {
				return err
			}
		default:
			return err
		}
		return audit(tx, actor, "offer.draft_saved", "offer", offer.ID, map[string]any{"version": ov.Version})
	})
	if err != nil {
		return nil, err
	}
	return &ov, nil
}

// lockOfferVersion loads a version with its offer and application, checking
// that actor may act on the application.
func lockOfferVersion(tx *gorm.DB, actor Actor, versionID int64) (*OfferVersion, *Application, error) {
	// The application is locked first, as every other use case does.
	var offerID int64
	if err := tx.Model(&OfferVersion{}).Where("id = ?", versionID).Pluck("offer_id", &offerID).Error; err != nil || offerID == 0 {
		return nil, nil, ErrNotFound
	}
	var offer Offer
	if err := tx.First(&offer, offerID).Error; err != nil {
		return nil, nil, err
	}
	app, err := lockApplication(tx, actor, offer.ApplicationID)
	if err != nil {
		return nil, nil, err
	}
	var v OfferVersion
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&v, versionID).Error; err != nil {
		return nil, nil, notFound(err)
	}
	return &v, app, nil
}

// CanApproveOffer is the approval rule: the position's hiring manager, or an
// admin when the position has none; never the person who drafted the version.
func CanApproveOffer(actor Actor, pos *Position, v *OfferVersion) error {
	if v.CreatedBy != nil && *v.CreatedBy == actor.ID {
		return Invalid("", "Someone other than the person who drafted the offer must approve it.")
	}
	if pos.HiringManagerID != nil {
		if actor.Role == RoleHiringManager && *pos.HiringManagerID == actor.ID {
			return nil
		}
		if actor.Role == RoleAdmin {
			return nil
		}
		return ErrForbidden
	}
	if actor.Role == RoleAdmin {
		return nil
	}
	return ErrForbidden
}

// SubmitOffer asks the approver to approve a draft.
func (s *Store) SubmitOffer(ctx context.Context, actor Actor, versionID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		v, app, err := lockOfferVersion(tx, actor, versionID)
		if err != nil {
			return err
		}
		if v.Status != OfferDraft {
			return Invalid("", "Only a draft can be sent for approval.")
		}
		if err := tx.Model(&OfferVersion{}).Where("id = ?", v.ID).Update("status", OfferPendingApproval).Error; err != nil {
			return err
		}
		if app.Position.HiringManagerID != nil {
			var hm StaffUser
			if err := tx.First(&hm, *app.Position.HiringManagerID).Error; err == nil {
				if err := s.send(tx, offerApprovalRequestedMail(s.urls(), &hm, app, v)); err != nil {
					return err
				}
			}
		}
		return audit(tx, actor, "offer.submitted", "offer", v.OfferID, map[string]any{"version": v.Version})
	})
}

// ApproveOffer approves a version waiting for approval.
func (s *Store) ApproveOffer(ctx context.Context, actor Actor, versionID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		v, app, err := lockOfferVersion(tx, actor, versionID)
		if err != nil {
			return err
		}
		if err := CanApproveOffer(actor, app.Position, v); err != nil {
			return err
		}
		if v.Status != OfferPendingApproval {
			return Invalid("", "This version is not waiting for approval.")
		}
		now := s.Now()
		if err := tx.Model(&OfferVersion{}).Where("id = ?", v.ID).Updates(map[string]any{"status": OfferApproved, "approved_by": actor.ID, "approved_at": now}).Error; err != nil {
			return err
		}
		return audit(tx, actor, "offer.approved", "offer", v.OfferID, map[string]any{"version": v.Version})
	})
}

// SendBackOffer returns a version waiting for approval to draft, with the
// approver's comment for the person who drafted it. Only someone who may
// approve the version may send it back, and the comment is required.
func (s *Store) SendBackOffer(ctx context.Context, actor Actor, versionID int64, comment string) error {
	comment = strings.TrimSpace(comment)
	return s.tx(ctx, func(tx *gorm.DB) error {
		v, app, err := lockOfferVersion(tx, actor, versionID)
		if err != nil {
			return err
		}
		if err := CanApproveOffer(actor, app.Position, v); err != nil {
			if errors.Is(err, ErrForbidden) {
				return err
			}
			return Invalid("", "You drafted this offer: someone else must review it.")
		}
		if v.Status != OfferPendingApproval {
			return Invalid("", "Only an offer waiting for approval can be sent back.")
		}
		if n := len([]rune(comment)); n < 3 || n > 2000 {
			return Invalid("comment", "Write what should change before the offer can be approved (3 to 2000 characters).")
		}
		now := s.Now()
		if err := tx.Model(&OfferVersion{}).Where("id = ?", v.ID).Updates(map[string]any{"status": OfferDraft,
			"sent_back_comment": comment, "sent_back_by": actor.ID, "sent_back_at": now}).Error; err != nil {
			return err
		}
		if v.CreatedBy != nil {
			var drafter, approver StaffUser
			if err := tx.Where("active").First(&drafter, *v.CreatedBy).Error; err == nil {
				if err := tx.First(&approver, actor.ID).Error; err != nil {
					return err
				}
				if err := s.send(tx, offerSentBackMail(s.urls(), &drafter, &approver, app, v, comment)); err != nil {
					return err
				}
			}
		}
		return audit(tx, actor, "offer.sent_back", "offer", v.OfferID, map[string]any{"version": v.Version, "comment": comment})
	})
}

// OfferReview is one offer version as its review page shows it.
type OfferReview struct {
	Version     OfferVersion // with Drafter, Approver and SentBacker
	Application Application  // with Candidate, and Position with its HiringManager
}

// OfferReviewFor loads a version for its review page, in the scope of the
// candidate page: a hiring manager sees only the offers of their positions.
func (s *Store) OfferReviewFor(ctx context.Context, actor Actor, versionID int64) (*OfferReview, error) {
	if !actor.Role.SeesCandidates() {
		return nil, ErrNotFound
	}
	db := s.db.WithContext(ctx)
	var r OfferReview
	if err := db.Preload("Drafter").Preload("Approver").Preload("SentBacker").First(&r.Version, versionID).Error; err != nil {
		return nil, notFound(err)
	}
	err := db.Preload("Candidate").Preload("Position.HiringManager").
		Where("id = (SELECT application_id FROM offers WHERE id = ?)", r.Version.OfferID).First(&r.Application).Error
	if err != nil {
		return nil, notFound(err)
	}
	if r.Application.Position == nil || !canManagePosition(actor, r.Application.Position) {
		return nil, ErrNotFound
	}
	return &r, nil
}

// SendOffer sends an approved version to the candidate; an earlier sent
// version is superseded and can no longer be accepted.
func (s *Store) SendOffer(ctx context.Context, actor Actor, versionID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		v, app, err := lockOfferVersion(tx, actor, versionID)
		if err != nil {
			return err
		}
		if v.Status != OfferApproved {
			return Invalid("", "The offer must be approved before it is sent.")
		}
		if v.ExpiresOn.Before(dateOnly(s.today())) {
			return Invalid("expires_on", "This version's expiry date has passed. Change the date (a new draft) and have it approved again.")
		}
		if app.Status.Closed() {
			return Invalid("", "This application is closed.")
		}
		if err := requireDecision(tx, app); err != nil {
			return err
		}
		now := s.Now()
		if err := tx.Model(&OfferVersion{}).Where("offer_id = ? AND status = ?", v.OfferID, OfferSent).Update("status", OfferSuperseded).Error; err != nil {
			return err
		}
		if err := tx.Model(&OfferVersion{}).Where("id = ?", v.ID).Updates(map[string]any{"status": OfferSent, "sent_at": now}).Error; err != nil {
			return err
		}
		mail := offerSentMail(s.urls(), app, v)
		if err := s.transition(tx, actor, app, transitionRequest{Cause: CauseOfferSent, Note: "Offer sent", Message: &mail}); err != nil {
			return err
		}
		return audit(tx, actor, "offer.sent", "offer", v.OfferID, map[string]any{"version": v.Version})
	})
}

// ExtendOffer moves the expiry date of the sent version.
func (s *Store) ExtendOffer(ctx context.Context, actor Actor, versionID int64, date string) error {
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(date), s.loc)
	if err != nil {
		return Invalid("expires_on", "Enter the new expiry date as YYYY-MM-DD.")
	}
	if d.Before(s.today()) {
		return Invalid("expires_on", "The new expiry date cannot be in the past.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		v, _, err := lockOfferVersion(tx, actor, versionID)
		if err != nil {
			return err
		}
		if v.Status != OfferSent {
			return Invalid("expires_on", "Only an offer waiting for the candidate's answer can be extended.")
		}
		if err := tx.Model(&OfferVersion{}).Where("id = ?", v.ID).Update("expires_on", dateOnly(d)).Error; err != nil {
			return err
		}
		return audit(tx, actor, "offer.extended", "offer", v.OfferID, map[string]any{"version": v.Version, "from": v.ExpiresOn.Format("2006-01-02"), "to": d.Format("2006-01-02")})
	})
}

// candidateOffer locks the candidate's own application and its open offer.
func candidateOffer(tx *gorm.DB, candidateID, appID int64) (*Application, *Offer, error) {
	var app Application
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Preload("Position").Preload("Candidate").
		Where("id = ? AND candidate_id = ?", appID, candidateID).First(&app).Error; err != nil {
		return nil, nil, notFound(err)
	}
	if err := loadPipelines(tx, []*Position{app.Position}); err != nil {
		return nil, nil, err
	}
	var offer Offer
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("application_id = ? AND status IN ('open', 'accepted', 'declined')", appID).
		Order("id DESC").First(&offer).Error; err != nil {
		return nil, nil, notFound(err)
	}
	return &app, &offer, nil
}

// AcceptJobOffer accepts the version the candidate was shown. It is refused
// for a superseded or expired version; accepting moves the application to
// the contract stage.
func (s *Store) AcceptJobOffer(ctx context.Context, actor Actor, appID, versionID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, offer, err := candidateOffer(tx, actor.ID, appID)
		if err != nil {
			return err
		}
		var v OfferVersion
		if err := tx.Where("id = ? AND offer_id = ?", versionID, offer.ID).First(&v).Error; err != nil {
			return notFound(err)
		}
		if v.Status == OfferAccepted {
			return nil // a repeated click
		}
		if offer.Status != "open" || app.Status.Closed() {
			return ErrOfferNotCurrent
		}
		if err := v.CanAccept(s.Now(), s.loc); err != nil {
			return err
		}
		now := s.Now()
		if err := tx.Model(&OfferVersion{}).Where("id = ?", v.ID).Updates(map[string]any{"status": OfferAccepted, "responded_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Offer{}).Where("id = ?", offer.ID).Updates(map[string]any{"status": "accepted", "updated_at": now}).Error; err != nil {
			return err
		}
		if err := s.notifyOfferAuthor(tx, v, app, MsgOfferAccepted, ""); err != nil {
			return err
		}
		return audit(tx, actor, "offer.accepted", "offer", offer.ID, map[string]any{"version": v.Version})
	})
}

// DeclineJobOffer declines the offer; the application closes as withdrawn.
func (s *Store) DeclineJobOffer(ctx context.Context, actor Actor, appID, versionID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > 2000 {
		return Invalid("reason", "Keep the reason under 2000 characters.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, offer, err := candidateOffer(tx, actor.ID, appID)
		if err != nil {
			return err
		}
		var v OfferVersion
		if err := tx.Where("id = ? AND offer_id = ?", versionID, offer.ID).First(&v).Error; err != nil {
			return notFound(err)
		}
		if v.Status == OfferDeclined {
			return nil
		}
		if offer.Status != "open" || v.Status != OfferSent {
			return ErrOfferNotCurrent
		}
		now := s.Now()
		if err := tx.Model(&OfferVersion{}).Where("id = ?", v.ID).Updates(map[string]any{"status": OfferDeclined, "responded_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Offer{}).Where("id = ?", offer.ID).Updates(map[string]any{"status": "declined", "decline_reason": reason, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := s.closeApplication(tx, actor, app, StatusChange{To: StatusWithdrawn, Cause: StatusByOfferDecline,
			Reason: nonEmpty(reason, "Declined the offer"), Note: "Offer declined: " + reason}); err != nil {
			return err
		}
		if err := s.notifyOfferAuthor(tx, v, app, MsgOfferDeclined, ""); err != nil {
			return err
		}
		return audit(tx, actor, "offer.declined", "offer", offer.ID, map[string]any{"version": v.Version})
	})
}

// notifyOfferAuthor tells the staff member who drafted the offer what the
// candidate did with it.
func (s *Store) notifyOfferAuthor(tx *gorm.DB, v OfferVersion, app *Application, kind MessageKind, question string) error {
	if v.CreatedBy == nil {
		return nil
	}
	var u StaffUser
	if err := tx.Where("active").First(&u, *v.CreatedBy).Error; err != nil {
		return nil
	}
	return s.send(tx, offerAnsweredMail(s.urls(), &u, kind, app, &v, question))
}

// AskOfferQuestion sends the candidate's question to the recruiter.
func (s *Store) AskOfferQuestion(ctx context.Context, actor Actor, appID int64, question string) error {
	question = strings.TrimSpace(question)
	if question == "" {
		return Invalid("question", "Write your question first.")
	}
	if len([]rune(question)) > 2000 {
		return Invalid("question", "Keep your question under 2000 characters.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, offer, err := candidateOffer(tx, actor.ID, appID)
		if err != nil {
			return err
		}
		q := OfferQuestion{OfferID: offer.ID, Question: question, AskedAt: s.Now()}
		if err := tx.Create(&q).Error; err != nil {
			return err
		}
		var v OfferVersion
		if err := tx.Where("offer_id = ?", offer.ID).Order("version DESC").First(&v).Error; err == nil {
			if err := s.notifyOfferAuthor(tx, v, app, MsgOfferQuestionAsked, question); err != nil {
				return err
			}
		}
		return audit(tx, actor, "offer.question_asked", "offer", offer.ID, nil)
	})
}

// AnswerOfferQuestion records staff's answer, shown on the candidate's page.
func (s *Store) AnswerOfferQuestion(ctx context.Context, actor Actor, questionID int64, answer string) error {
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return Invalid("answer", "Write the answer first.")
	}
	if len([]rune(answer)) > 4000 {
		return Invalid("answer", "Keep the answer under 4000 characters.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var q OfferQuestion
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&q, questionID).Error; err != nil {
			return notFound(err)
		}
		var offer Offer
		if err := tx.First(&offer, q.OfferID).Error; err != nil {
			return err
		}
		app, err := lockApplication(tx, actor, offer.ApplicationID)
		if err != nil {
			return err
		}
		now := s.Now()
		if err := tx.Model(&OfferQuestion{}).Where("id = ?", q.ID).Updates(map[string]any{"answer": answer, "answered_by": actor.ID, "answered_at": now}).Error; err != nil {
			return err
		}
		if err := s.send(tx, offerQuestionAnsweredMail(s.urls(), app, q.Question, answer)); err != nil {
			return err
		}
		return audit(tx, actor, "offer.question_answered", "offer", offer.ID, nil)
	})
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
