package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// A candidate whose legal name on record is wrong asks for a correction
// instead of being refused at signing. Staff apply it (the name on record
// changes, the unsigned contract is void and a new one is made out to the
// corrected name) or decline it with a response the candidate reads.

// NameCorrectionStatus is where a request to correct a name is: open until
// staff apply or decline it.
type NameCorrectionStatus string

// Name correction statuses.
const (
	NameCorrectionOpen     NameCorrectionStatus = "open"
	NameCorrectionApplied  NameCorrectionStatus = "applied"
	NameCorrectionDeclined NameCorrectionStatus = "declined"
)

// NameCorrection is a candidate's request to correct the legal name a
// contract is made out to.
type NameCorrection struct {
	ID            int64
	ContractID    int64
	CandidateID   int64
	CurrentName   string
	RequestedName string
	Note          string
	Status        NameCorrectionStatus
	Response      string // the staff's reason when declined, shown to the candidate
	ResolvedBy    *int64
	ResolvedAt    *time.Time
	CreatedAt     time.Time
}

// TableName binds the struct to its table.
func (NameCorrection) TableName() string { return "contract_name_corrections" }

// Message kinds about name corrections.
const (
	MsgNameCorrectionRequested MessageKind = "name_correction_requested"
	MsgContractNameCorrected   MessageKind = "contract_name_corrected"
	MsgNameCorrectionDeclined  MessageKind = "name_correction_declined"
)

// nameCorrectionMessages joins messageCatalogue (registered in messages.go).
var nameCorrectionMessages = map[MessageKind]MessageTemplate{
	MsgContractNameCorrected: {
		Label: "Contract corrected to the candidate's legal name", Editable: true,
		Subject:      "Your corrected contract is ready to sign",
		Body:         "Hello {{candidate_name}},\n\nWe have corrected your name to {{corrected_name}}, as you asked, and prepared a new contract for {{job_title}} made out to that name. The earlier contract is no longer valid.\n\nRead and sign the corrected contract on your page:\n{{contract_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "corrected_name", "contract_link"}, Required: []string{"contract_link"},
	},
	MsgNameCorrectionDeclined: {
		Label: "Name correction not made", Editable: true,
		Subject:      "About the name on your contract",
		Body:         "Hello {{candidate_name}},\n\nYou asked us to make out your contract for {{job_title}} to {{requested_name}}. We have not changed it, and this is why:\n\n{{response}}\n\nYour contract, and a way to ask again, are on your page:\n{{contract_link}}",
		Placeholders: []string{"candidate_name", "company", "job_title", "requested_name", "response", "contract_link"}, Required: []string{"response", "contract_link"},
	},
	MsgNameCorrectionRequested: {
		Label:        "Candidate asked to correct the name on their contract",
		Subject:      "{{candidate_name}} asked to correct the name on their contract",
		Body:         "Hello {{name}},\n\n{{candidate_name}} says the contract for {{job_title}} is not made out to their legal name.\n\nName on the contract: {{candidate_name}}\nName asked for: {{requested_name}}\nNote: {{note}}\n\nApply or decline the correction here:\n{{link}}",
		Placeholders: []string{"name", "company", "candidate_name", "job_title", "requested_name", "note", "link"},
	},
}

func nameCorrectionRequestedMail(su siteURLs, to *StaffUser, app *Application, jobTitle string, nc *NameCorrection) draft {
	path := su.ContractNameCorrection(nc.ContractID)
	return toStaff(to, MsgNameCorrectionRequested, path, map[string]string{"candidate_name": oneLine(nc.CurrentName),
		"job_title": jobTitle, "requested_name": oneLine(nc.RequestedName), "note": orDash(nc.Note), "link": su.abs(path)})
}

func contractNameCorrectedMail(u siteURLs, app *Application, jobTitle string) draft {
	return toCandidate(app.Candidate, MsgContractNameCorrected, map[string]string{"job_title": jobTitle,
		"corrected_name": oneLine(app.Candidate.Name), "contract_link": u.abs(u.MyContract(app.ID))})
}

func nameCorrectionDeclinedMail(u siteURLs, app *Application, jobTitle string, nc *NameCorrection) draft {
	return toCandidate(app.Candidate, MsgNameCorrectionDeclined, map[string]string{"job_title": jobTitle,
		"requested_name": oneLine(nc.RequestedName), "response": nc.Response, "contract_link": u.abs(u.MyContract(app.ID))})
}

// tidyName is a typed name with its spacing tidied, as it would be stored.
func tidyName(s string) string { return strings.Join(strings.Fields(s), " ") }

// RequestNameCorrection records the candidate's request to make out their
// contract to another legal name, and alerts the staff who manage the
// application. One request may be open per contract, only while the
// contract waits for the candidate's signature.
func (s *Store) RequestNameCorrection(ctx context.Context, actor Actor, appID int64, requestedName, note string) (*NameCorrection, error) {
	if actor.Kind != "candidate" {
		return nil, ErrForbidden
	}
	requestedName, note = tidyName(requestedName), strings.TrimSpace(note)
	v := &Problems{}
	if requestedName == "" {
		v.Add("requested_name", "Type your full legal name as it should appear on the contract.")
	}
	v.checkLength(requestedName, limits.RequestedName)
	v.checkLength(note, limits.CorrectionNote)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var nc *NameCorrection
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, app, err := candidateContract(tx, actor.ID, appID, true)
		if err != nil {
			return err
		}
		if c.Status != ContractAwaitingCandidate || app.Status.Closed() {
			return Invalid("requested_name", "Your contract is no longer waiting for your signature, so the name on it cannot be changed here. Please write to your recruiter.")
		}
		if requestedName == tidyName(app.Candidate.Name) {
			return Invalid("requested_name", "This is the name the contract is already made out to. Type your name as it should read.")
		}
		open, err := openCorrection(tx, c.ID)
		if err != nil {
			return err
		}
		if open != nil {
			return Invalid("requested_name", "You have already asked for a correction. We will send you the corrected contract, or tell you why not.")
		}
		nc = &NameCorrection{ContractID: c.ID, CandidateID: app.CandidateID, CurrentName: app.Candidate.Name, RequestedName: requestedName,
			Note: note, Status: NameCorrectionOpen, CreatedAt: s.Now()}
		if err := tx.Omit("ResolvedBy", "ResolvedAt").Create(nc).Error; err != nil {
			if isUniqueViolation(err, "contract_name_corrections_one_open") {
				return Invalid("requested_name", "You have already asked for a correction. We will send you the corrected contract, or tell you why not.")
			}
			return err
		}
		if err := s.auditPersonal(tx, actor, app.CandidateID, "contract.name_correction_requested", "contract", c.ID,
			map[string]any{"correction_id": nc.ID}, map[string]any{"current_name": nc.CurrentName, "requested_name": nc.RequestedName}); err != nil {
			return err
		}
		var ov OfferVersion
		if err := tx.Select("id, job_title, created_by").First(&ov, c.OfferVersionID).Error; err != nil {
			return err
		}
		staff, err := applicationManagers(tx, app, ov.CreatedBy)
		if err != nil {
			return err
		}
		for i := range staff {
			if err := s.send(tx, nameCorrectionRequestedMail(s.urls(), &staff[i], app, ov.JobTitle, nc)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nc, nil
}

// applicationManagers are the active staff who look after an application's
// contract: the drafter of its offer (usually the recruiter) and the
// position's hiring manager; the active recruiters when neither is there.
func applicationManagers(tx *gorm.DB, app *Application, offerDrafter *int64) ([]StaffUser, error) {
	var ids []int64
	if offerDrafter != nil {
		ids = append(ids, *offerDrafter)
	}
	if app.Position != nil && app.Position.HiringManagerID != nil {
		ids = append(ids, *app.Position.HiringManagerID)
	}
	var out []StaffUser
	if len(ids) > 0 {
		if err := tx.Where("id IN ? AND active", ids).Order("id").Find(&out).Error; err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		if err := tx.Where("role = ? AND active", RoleRecruiter).Order("id").Find(&out).Error; err != nil {
			return nil, err
		}
	}
	return out, nil
}

// openCorrection is the open request on a contract, or nil.
func openCorrection(tx *gorm.DB, contractID int64) (*NameCorrection, error) {
	var nc NameCorrection
	err := tx.Where("contract_id = ? AND status = ?", contractID, NameCorrectionOpen).First(&nc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &nc, nil
}

// latestCorrection is the newest request on a contract, whatever its
// status, or nil.
func latestCorrection(tx *gorm.DB, contractID int64) (*NameCorrection, error) {
	var nc NameCorrection
	err := tx.Where("contract_id = ?", contractID).Order("id DESC").First(&nc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &nc, nil
}

// lockCorrection loads a request FOR UPDATE with its contract and
// application, and checks that the staff actor may act on it.
func lockCorrection(tx *gorm.DB, actor Actor, id int64) (*NameCorrection, *Contract, *Application, error) {
	var nc NameCorrection
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&nc, id).Error; err != nil {
		return nil, nil, nil, notFound(err)
	}
	var c Contract
	if err := tx.Omit("pdf").Clauses(clause.Locking{Strength: "UPDATE"}).First(&c, nc.ContractID).Error; err != nil {
		return nil, nil, nil, err
	}
	app, err := lockApplication(tx, actor, c.ApplicationID)
	if err != nil {
		return nil, nil, nil, err
	}
	return &nc, &c, app, nil
}

// ApplyNameCorrection makes the correction: the candidate's legal name on
// record becomes the requested one, the unsigned contract is void, and a new
// contract from the same offer version and template is made out to the
// corrected name and sent to the candidate. It returns the new contract; a
// repeated request returns the contract that replaced the old one.
func (s *Store) ApplyNameCorrection(ctx context.Context, actor Actor, correctionID int64) (*Contract, error) {
	var out *Contract
	err := s.tx(ctx, func(tx *gorm.DB) error {
		nc, old, app, err := lockCorrection(tx, actor, correctionID)
		if err != nil {
			return err
		}
		switch nc.Status {
		case NameCorrectionApplied:
			live, err := liveContract(tx, app.ID)
			out = live
			return err
		case NameCorrectionDeclined:
			return Invalid("", "This correction has already been declined.")
		}
		if old.Status != ContractAwaitingCandidate || app.Status.Closed() {
			return Invalid("", "The contract is no longer waiting for the candidate's signature, so it cannot be corrected here.")
		}
		var t ContractTemplate
		if err := tx.First(&t, old.TemplateID).Error; err != nil {
			return err
		}
		var v OfferVersion
		if err := tx.First(&v, old.OfferVersionID).Error; err != nil {
			return err
		}
		now := s.Now()
		from := app.Candidate.Name
		if err := tx.Model(&Candidate{}).Where("id = ?", app.CandidateID).Updates(map[string]any{"name": nc.RequestedName, "updated_at": now}).Error; err != nil {
			return err
		}
		app.Candidate.Name = nc.RequestedName
		if err := s.auditPersonal(tx, actor, app.CandidateID, "candidate.name_corrected", "candidate", app.CandidateID,
			map[string]any{"correction_id": nc.ID}, map[string]any{"from": from, "to": nc.RequestedName}); err != nil {
			return err
		}
		// The old contract leaves the "one live contract" index before the new one enters it.
		if err := tx.Model(&Contract{}).Where("id = ?", old.ID).Update("status", ContractVoid).Error; err != nil {
			return err
		}
		if out, err = s.createContract(tx, actor, app, &v, &t, map[string]any{"replaces_contract_id": old.ID}); err != nil {
			return err
		}
		if err := s.audit(tx, actor, "contract.voided", "contract", old.ID, map[string]any{"reason": "name corrected",
			"replaced_by_contract_id": out.ID}); err != nil {
			return err
		}
		if err := tx.Model(&NameCorrection{}).Where("id = ?", nc.ID).Updates(map[string]any{"status": NameCorrectionApplied,
			"resolved_by": actor.ID, "resolved_at": now}).Error; err != nil {
			return err
		}
		if err := s.auditPersonal(tx, actor, app.CandidateID, "contract.name_correction_applied", "contract", old.ID,
			map[string]any{"correction_id": nc.ID, "new_contract_id": out.ID}, map[string]any{"from": from, "to": nc.RequestedName}); err != nil {
			return err
		}
		if err := s.send(tx, contractNameCorrectedMail(s.urls(), app, v.JobTitle)); err != nil {
			return err
		}
		return s.auditPersonal(tx, actor, app.CandidateID, "contract.sent", "contract", out.ID, nil, map[string]any{"to": app.Candidate.Email})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// liveContract is the application's contract that is not void.
func liveContract(tx *gorm.DB, appID int64) (*Contract, error) {
	var c Contract
	if err := tx.Omit("pdf").Where("application_id = ? AND status <> ?", appID, ContractVoid).First(&c).Error; err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// DeclineNameCorrection refuses the correction with a response the
// candidate reads; the contract stays as it is.
func (s *Store) DeclineNameCorrection(ctx context.Context, actor Actor, correctionID int64, response string) error {
	response = strings.TrimSpace(response)
	if response == "" {
		return Invalid("response", "Write a response: the candidate reads it with the reason the name stays as it is.")
	}
	if err := tooLong(response, limits.CorrectionResponse); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		nc, c, app, err := lockCorrection(tx, actor, correctionID)
		if err != nil {
			return err
		}
		switch nc.Status {
		case NameCorrectionDeclined:
			return nil // a repeated click
		case NameCorrectionApplied:
			return Invalid("", "This correction has already been applied.")
		}
		nc.Status, nc.Response = NameCorrectionDeclined, response
		if err := tx.Model(&NameCorrection{}).Where("id = ?", nc.ID).Updates(map[string]any{"status": NameCorrectionDeclined,
			"response": response, "resolved_by": actor.ID, "resolved_at": s.Now()}).Error; err != nil {
			return err
		}
		if err := s.auditPersonal(tx, actor, app.CandidateID, "contract.name_correction_declined", "contract", c.ID,
			map[string]any{"correction_id": nc.ID}, map[string]any{"requested_name": nc.RequestedName, "response": response}); err != nil {
			return err
		}
		var jobTitle string
		if err := tx.Raw("SELECT job_title FROM offer_versions WHERE id = ?", c.OfferVersionID).Scan(&jobTitle).Error; err != nil {
			return err
		}
		return s.send(tx, nameCorrectionDeclinedMail(s.urls(), app, jobTitle, nc))
	})
}

// OpenNameCorrection is the open request on a contract, or nil, for whoever
// may read the contract; ErrNotFound for anyone else.
func (s *Store) OpenNameCorrection(ctx context.Context, actor Actor, contractID int64) (*NameCorrection, error) {
	db := s.db.WithContext(ctx)
	if err := contractVisible(db, actor, contractID); err != nil {
		return nil, err
	}
	return openCorrection(db, contractID)
}

// StaffNameCorrection loads one request within the staff actor's scope.
func (s *Store) StaffNameCorrection(ctx context.Context, actor Actor, id int64) (*NameCorrection, error) {
	var nc NameCorrection
	if err := s.db.WithContext(ctx).First(&nc, id).Error; err != nil {
		return nil, notFound(err)
	}
	if _, _, err := s.StaffContract(ctx, actor, nc.ContractID); err != nil {
		return nil, err
	}
	return &nc, nil
}

// NameCorrectionItem is one open request in a staff queue.
type NameCorrectionItem struct {
	ID            int64
	ContractID    int64
	CandidateName string
	RequestedName string
	CreatedAt     time.Time
}

// OpenNameCorrections lists the open requests the actor may act on, oldest
// first: all of them for admins and recruiters, those of their own
// positions for a hiring manager, none for interviewers.
func (s *Store) OpenNameCorrections(ctx context.Context, actor Actor, limit int) ([]NameCorrectionItem, error) {
	if !actor.Role.SeesCandidates() {
		return nil, nil
	}
	q := s.db.WithContext(ctx).Table("contract_name_corrections nc").
		Select("nc.id, nc.contract_id, cand.name AS candidate_name, nc.requested_name, nc.created_at").
		Joins("JOIN contracts c ON c.id = nc.contract_id").
		Joins("JOIN applications a ON a.id = c.application_id").
		Joins("JOIN candidates cand ON cand.id = nc.candidate_id").
		Where("nc.status = ?", NameCorrectionOpen)
	if cond, args := positionScope(actor, "p"); cond != "TRUE" {
		q = q.Joins("JOIN positions p ON p.id = a.position_id").Where(cond, args...)
	}
	var out []NameCorrectionItem
	err := q.Order("nc.created_at, nc.id").Limit(limit).Scan(&out).Error
	return out, err
}
