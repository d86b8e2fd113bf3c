package models

// An offer from its draft to the candidate: drafting versions, submitting
// them for approval, approving or sending back, the review page, sending
// and extending.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

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
		err = tx.Where("application_id = ? AND status IN ?", app.ID, []OfferStatus{OfferStatusOpen, OfferStatusAccepted}).First(&offer).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			offer = Offer{ApplicationID: app.ID, Status: OfferStatusOpen}
			if err := tx.Omit("Versions", "Questions").Create(&offer).Error; err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if offer.Status == OfferStatusAccepted {
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
		return s.audit(tx, actor, "offer.draft_saved", "offer", offer.ID, map[string]any{"version": ov.Version})
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
	// Read again under the application's lock: closing the application
	// withdraws the offer, and nothing may approve, send or change it after.
	var status OfferStatus
	if err := tx.Raw("SELECT status FROM offers WHERE id = ?", offerID).Scan(&status).Error; err != nil {
		return nil, nil, err
	}
	if status != OfferStatusOpen {
		return nil, nil, ErrOfferClosed
	}
	return &v, app, nil
}

// CanApproveOffer is the approval rule: the position's hiring manager, or an
// admin; never the person who drafted the version.
func CanApproveOffer(actor Actor, pos *Position, v *OfferVersion) error {
	if v.CreatedBy != nil && *v.CreatedBy == actor.ID {
		return Invalid("", "Someone other than the person who drafted the offer must approve it.")
	}
	if !approvesOffers(actor, pos) {
		return ErrForbidden
	}
	return nil
}

// approvesOffers reports whether actor approves the offers of pos: an admin
// any, a hiring manager those of the positions they manage.
func approvesOffers(actor Actor, pos *Position) bool {
	return actor.IsStaff() && actor.Role == RoleAdmin || actor.Role == RoleHiringManager && actor.ManagesPosition(pos)
}

// offerApproverSQL is approvesOffers in SQL for an actor of role on the
// positions table known as alias, with the actor's id as the named argument
// @me (see positionScopeSQL).
func offerApproverSQL(role Role, alias string) string {
	switch role {
	case RoleAdmin:
		return "TRUE"
	case RoleHiringManager:
		return positionScopeSQL(Actor{Kind: "staff", Role: role}, alias, "@me")
	}
	return "FALSE"
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
		return s.audit(tx, actor, "offer.submitted", "offer", v.OfferID, map[string]any{"version": v.Version})
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
		return s.audit(tx, actor, "offer.approved", "offer", v.OfferID, map[string]any{"version": v.Version})
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
		if len([]rune(comment)) < 3 {
			return Invalid("comment", fmt.Sprintf("Write what should change before the offer can be approved (3 to %d characters).", limits.SentBackComment.Max))
		}
		if err := tooLong(comment, limits.SentBackComment); err != nil {
			return err
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
		return s.auditPersonal(tx, actor, app.CandidateID, "offer.sent_back", "offer", v.OfferID, map[string]any{"version": v.Version},
			map[string]any{"comment": comment})
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
	if r.Application.Position == nil || !actor.ManagesPosition(r.Application.Position) {
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
		return s.audit(tx, actor, "offer.sent", "offer", v.OfferID, map[string]any{"version": v.Version})
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
		return s.audit(tx, actor, "offer.extended", "offer", v.OfferID, map[string]any{"version": v.Version, "from": v.ExpiresOn.Format("2006-01-02"), "to": d.Format("2006-01-02")})
	})
}
