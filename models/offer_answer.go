package models

// The candidate's side of a job offer: accepting, declining, asking a
// question, and staff answering it.

import (
	"context"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

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
		if offer.Status != OfferStatusOpen || app.Status.Closed() {
			return ErrOfferNotCurrent
		}
		if err := v.CanAccept(s.Now(), s.loc); err != nil {
			return err
		}
		now := s.Now()
		if err := tx.Model(&OfferVersion{}).Where("id = ?", v.ID).Updates(map[string]any{"status": OfferAccepted, "responded_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Offer{}).Where("id = ?", offer.ID).Updates(map[string]any{"status": OfferStatusAccepted, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := s.notifyOfferAuthor(tx, v, app, MsgOfferAccepted, ""); err != nil {
			return err
		}
		if err := s.promiseAgain(tx, app.ID, now); err != nil {
			return err
		}
		return s.audit(tx, actor, "offer.accepted", "offer", offer.ID, map[string]any{"version": v.Version})
	})
}

// DeclineJobOffer declines the offer; the application closes as withdrawn.
func (s *Store) DeclineJobOffer(ctx context.Context, actor Actor, appID, versionID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := tooLong(reason, limits.DeclineReason); err != nil {
		return err
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
		if offer.Status != OfferStatusOpen || v.Status != OfferSent {
			return ErrOfferNotCurrent
		}
		now := s.Now()
		if err := tx.Model(&OfferVersion{}).Where("id = ?", v.ID).Updates(map[string]any{"status": OfferDeclined, "responded_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Offer{}).Where("id = ?", offer.ID).Updates(map[string]any{"status": OfferStatusDeclined, "decline_reason": reason, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := s.closeApplication(tx, actor, app, StatusChange{To: StatusWithdrawn, Cause: StatusByOfferDecline,
			Reason: nonEmpty(reason, "Declined the offer"), Note: "Offer declined: " + reason}); err != nil {
			return err
		}
		if err := s.notifyOfferAuthor(tx, v, app, MsgOfferDeclined, ""); err != nil {
			return err
		}
		return s.audit(tx, actor, "offer.declined", "offer", offer.ID, map[string]any{"version": v.Version})
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
	if err := tooLong(question, limits.OfferQuestion); err != nil {
		return err
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
		return s.audit(tx, actor, "offer.question_asked", "offer", offer.ID, nil)
	})
}

// AnswerOfferQuestion records staff's answer, shown on the candidate's page.
func (s *Store) AnswerOfferQuestion(ctx context.Context, actor Actor, questionID int64, answer string) error {
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return Invalid("answer", "Write the answer first.")
	}
	if err := tooLong(answer, limits.OfferAnswer); err != nil {
		return err
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
		return s.audit(tx, actor, "offer.question_answered", "offer", offer.ID, nil)
	})
}
