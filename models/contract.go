package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// EsignDisclosureVersion names the electronic-records disclosure the
// candidate consents to; a new text gets a new version.
const EsignDisclosureVersion = "2026-12-01"

// ContractStatus is where a contract is in its life: waiting for the
// candidate's signature, then the employer's (or, for a contract to be
// signed on paper, accepted for the written form), completed; void when a
// newer contract replaces it.
type ContractStatus string

// Contract statuses.
const (
	ContractAwaitingCandidate ContractStatus = "awaiting_candidate"
	ContractAwaitingEmployer  ContractStatus = "awaiting_employer"
	ContractCompleted         ContractStatus = "completed"
	ContractWrittenForm       ContractStatus = "written_form"
	ContractVoid              ContractStatus = "void"
)

// Refusals of signing.
var (
	ErrConsentRequired = &Error{Code: CodeConflict, Field: "consent", Message: "Please agree to receive and sign documents electronically first."}
	ErrNotYourTurn     = refusal(CodeConflict, "This contract is not waiting for your signature.")
	ErrCandidateFirst  = refusal(CodeConflict, "The candidate has not signed yet: the employer signs second.")
	ErrSignedOnPaper   = refusal(CodeConflict, "This contract must be signed on paper; it cannot be countersigned here.")
)

// ContractTemplate is admin-editable contract text with {{placeholders}}.
type ContractTemplate struct {
	ID                  int64
	Name                string
	Body                string
	WrittenFormRequired bool
	Active              bool
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// TableName binds the struct to its table.
func (ContractTemplate) TableName() string { return "contract_templates" }

// Contract is a frozen contract text and its signatures.
type Contract struct {
	ID                  int64
	ApplicationID       int64
	OfferVersionID      int64
	TemplateID          int64
	Text                string
	TextSHA256          string `gorm:"column:text_sha256"`
	WrittenFormRequired bool
	Status              ContractStatus
	CandidateSignedName *string
	CandidateSignedAt   *time.Time
	CandidateIP         *string `gorm:"column:candidate_ip"`
	CandidateUserAgent  *string
	EmployerSignerID    *int64
	EmployerSignedName  *string
	EmployerSignedRole  *string // the signer's job title, else their role, as they signed
	EmployerSignedAt    *time.Time
	EmployerIP          *string `gorm:"column:employer_ip"`
	EmployerUserAgent   *string
	PDF                 []byte  `gorm:"column:pdf"`
	PDFSHA256           *string `gorm:"column:pdf_sha256"`
	CreatedAt           time.Time
}

// TableName binds the struct to its table.
func (Contract) TableName() string { return "contracts" }

// ContractPlaceholders are the fields a contract template may use.
func ContractPlaceholders() []string {
	return []string{"company", "candidate_name", "job_title", "department", "salary", "start_date", "benefits", "bonus_equity", "location", "working_pattern"}
}

var placeholderPattern = regexp.MustCompile(`\{\{\s*([a-z_]+)\s*\}\}`)

// FillTemplate replaces {{placeholders}} with values.
func FillTemplate(body string, values map[string]string) string {
	return placeholderPattern.ReplaceAllStringFunc(body, func(m string) string {
		key := placeholderPattern.FindStringSubmatch(m)[1]
		if v, ok := values[key]; ok {
			return v
		}
		return m
	})
}

// ValidateTemplate refuses empty text and unknown placeholders.
func ValidateTemplate(name, body string) error {
	v := &Problems{}
	if strings.TrimSpace(name) == "" {
		v.Add("name", "Give the template a name.")
	}
	v.checkLength(strings.TrimSpace(name), limits.TemplateName) // stored trimmed
	if strings.TrimSpace(body) == "" {
		v.Add("body", "The contract text cannot be empty.")
	}
	v.checkLength(body, limits.TemplateBody)
	var unknown []string
	for _, m := range placeholderPattern.FindAllStringSubmatch(body, -1) {
		if !contains(ContractPlaceholders(), m[1]) && !contains(unknown, m[1]) {
			unknown = append(unknown, m[1])
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		v.Add("body", unknownPlaceholders(unknown)+". Use only: "+strings.Join(ContractPlaceholders(), ", ")+".")
	}
	return v.Err()
}

// SampleValues fill a template preview.
func SampleValues(company string) map[string]string {
	return map[string]string{"company": company, "candidate_name": "Alex Example", "job_title": "Account Executive", "department": "Sales",
		"salary": "GBP 65,000 per year", "start_date": "1 February 2027", "benefits": "25 days' holiday, pension, private health cover",
		"bonus_equity": "Annual bonus of up to 10%.", "location": "London", "working_pattern": "Full time, hybrid"}
}

// ListTemplates returns the contract templates.
func (s *Store) ListTemplates(ctx context.Context) ([]ContractTemplate, error) {
	var out []ContractTemplate
	err := s.db.WithContext(ctx).Order("active DESC, lower(name)").Find(&out).Error
	return out, err
}

// GetTemplate loads one template.
func (s *Store) GetTemplate(ctx context.Context, id int64) (*ContractTemplate, error) {
	var t ContractTemplate
	if err := s.db.WithContext(ctx).First(&t, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &t, nil
}

// SaveTemplate creates (id 0) or edits a template. Contracts already made
// keep their frozen text.
func (s *Store) SaveTemplate(ctx context.Context, actor Actor, id int64, name, body string, writtenForm, active bool) (int64, error) {
	if actor.Role != RoleAdmin {
		return 0, ErrForbidden
	}
	if err := ValidateTemplate(name, body); err != nil {
		return 0, err
	}
	t := ContractTemplate{ID: id, Name: strings.TrimSpace(name), Body: body, WrittenFormRequired: writtenForm, Active: active, UpdatedAt: s.Now()}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if id == 0 {
			if err := tx.Create(&t).Error; err != nil {
				return err
			}
		} else {
			res := tx.Model(&ContractTemplate{}).Where("id = ?", id).Updates(map[string]any{"name": t.Name, "body": body,
				"written_form_required": writtenForm, "active": active, "updated_at": s.Now()})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return ErrNotFound
			}
		}
		return s.audit(tx, actor, "contract_template.saved", "contract_template", t.ID, map[string]any{"template": t.Name})
	})
	return t.ID, err
}

// GenerateContract freezes a contract from the accepted offer and a template.
func (s *Store) GenerateContract(ctx context.Context, actor Actor, appID, templateID int64) (*Contract, error) {
	var c *Contract
	err := s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockApplication(tx, actor, appID)
		if err != nil {
			return err
		}
		if app.Status.Closed() {
			return Invalid("template_id", "This application is closed.")
		}
		var t ContractTemplate
		if err := tx.First(&t, templateID).Error; err != nil || !t.Active {
			return Invalid("template_id", "Choose an active contract template.")
		}
		var v OfferVersion
		if err := tx.Joins("JOIN offers o ON o.id = offer_versions.offer_id").
			Where("o.application_id = ? AND o.status = 'accepted' AND offer_versions.status = ?", app.ID, OfferAccepted).First(&v).Error; err != nil {
			return Invalid("template_id", "The candidate has not accepted an offer yet.")
		}
		if c, err = s.createContract(tx, actor, app, &v, &t, nil); err != nil {
			if isUniqueViolation(err, "contracts_one_live") {
				return Invalid("template_id", "A contract already exists for this application.")
			}
			return err
		}
		mail := contractSentMail(s.urls(), app, v.JobTitle)
		if err := s.transition(tx, actor, app, transitionRequest{Cause: CauseContractSent, Note: "Contract sent", Message: &mail}); err != nil {
			return err
		}
		return s.auditPersonal(tx, actor, app.CandidateID, "contract.sent", "contract", c.ID, nil, map[string]any{"to": app.Candidate.Email})
	})
	return c, err
}

// createContract freezes a contract for app from offer version v and template
// t, made out to the candidate's name on record, and audits it (with extra
// details, if any). Sending it to the candidate is the caller's part.
func (s *Store) createContract(tx *gorm.DB, actor Actor, app *Application, v *OfferVersion, t *ContractTemplate, details map[string]any) (*Contract, error) {
	values := map[string]string{"company": s.company, "candidate_name": app.Candidate.Name, "job_title": v.JobTitle,
		"department": app.Position.Department, "salary": v.Salary(), "start_date": v.StartDate.Format("2 January 2006"),
		"benefits": nonEmpty(v.Benefits, "As set out in the Employer's policies."), "bonus_equity": nonEmpty(v.BonusEquity, "None."),
		"location": nonEmpty(v.Location, app.Position.Location), "working_pattern": nonEmpty(v.WorkingPattern, "Full time")}
	text := FillTemplate(t.Body, values)
	c := &Contract{ApplicationID: app.ID, OfferVersionID: v.ID, TemplateID: t.ID, Text: text, TextSHA256: TextHash(text),
		WrittenFormRequired: t.WrittenFormRequired, Status: ContractAwaitingCandidate}
	if err := tx.Create(c).Error; err != nil {
		return nil, err
	}
	d := map[string]any{"text_sha256": c.TextSHA256, "template": t.Name}
	for k, v := range details {
		d[k] = v
	}
	return c, s.audit(tx, actor, "contract.created", "contract", c.ID, d)
}

// candidateContract loads the candidate's own live contract of an application.
func candidateContract(tx *gorm.DB, candidateID, appID int64, lock bool) (*Contract, *Application, error) {
	var app Application
	if err := tx.Preload("Candidate").Preload("Position").Where("id = ? AND candidate_id = ?", appID, candidateID).First(&app).Error; err != nil {
		return nil, nil, notFound(err)
	}
	q := tx
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var c Contract
	if err := q.Where("application_id = ? AND status <> ?", appID, ContractVoid).First(&c).Error; err != nil {
		return nil, nil, notFound(err)
	}
	return &c, &app, nil
}

// CandidateContractView is the candidate's contract page.
type CandidateContractView struct {
	Contract    Contract
	Application Application
	Consented   bool
	// Correction is the newest request to correct the name on this contract
	// (open, applied or declined), or nil.
	Correction *NameCorrection
}

// GetCandidateContract loads the candidate's contract and records the first view.
func (s *Store) GetCandidateContract(ctx context.Context, actor Actor, appID int64) (*CandidateContractView, error) {
	var out *CandidateContractView
	err := s.txOutsideQueues(ctx, func(tx *gorm.DB) error {
		c, app, err := candidateContract(tx, actor.ID, appID, false)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Table("esign_consents").Where("contract_id = ? AND candidate_id = ? AND disclosure_version = ?", c.ID, actor.ID, EsignDisclosureVersion).Count(&n).Error; err != nil {
			return err
		}
		out = &CandidateContractView{Contract: *c, Application: *app, Consented: n > 0}
		if out.Correction, err = latestCorrection(tx, c.ID); err != nil {
			return err
		}
		// The first opening is part of the signature trail; later ones add nothing.
		var viewed int64
		if err := tx.Table("audit_log").Where("subject_type = 'contract' AND subject_id = ? AND action = 'contract.viewed'", c.ID).Count(&viewed).Error; err != nil {
			return err
		}
		if viewed == 0 && !IsPeek(ctx) { // a HEAD request is not a viewing
			return s.audit(tx, actor, "contract.viewed", "contract", c.ID, nil)
		}
		return nil
	})
	return out, err
}

// GiveEsignConsent stores the candidate's consent to electronic records.
func (s *Store) GiveEsignConsent(ctx context.Context, actor Actor, appID int64, agreed bool) error {
	if !agreed {
		return Invalid("consent", "Tick the box to agree to receive and sign documents electronically, or ask us for paper copies.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		c, _, err := candidateContract(tx, actor.ID, appID, true)
		if err != nil {
			return err
		}
		personal, err := s.sealConsent(tx, actor, 500) // the address and browser, sealed with the candidate's key
		if err != nil {
			return err
		}
		res := tx.Exec(`INSERT INTO esign_consents (contract_id, candidate_id, disclosure_version, consented_at, personal)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, c.ID, actor.ID, EsignDisclosureVersion, s.Now(), personal)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return s.audit(tx, actor, "contract.consent_given", "contract", c.ID, map[string]any{"disclosure_version": EsignDisclosureVersion})
	})
}

// SignAsCandidate is the candidate's explicit signature. It needs consent,
// the typed legal name and the agreement tick; a repeated request for an
// already signed contract changes nothing.
func (s *Store) SignAsCandidate(ctx context.Context, actor Actor, appID int64, typedName string, agreed bool) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		c, app, err := candidateContract(tx, actor.ID, appID, true)
		if err != nil {
			return err
		}
		if c.CandidateSignedAt != nil {
			return nil
		}
		if c.Status != ContractAwaitingCandidate || app.Status.Closed() {
			return ErrNotYourTurn
		}
		var n int64
		if err := tx.Table("esign_consents").Where("contract_id = ? AND candidate_id = ? AND disclosure_version = ?", c.ID, actor.ID, EsignDisclosureVersion).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrConsentRequired
		}
		// While a name correction is open the contract is about to be replaced.
		open, err := openCorrection(tx, c.ID)
		if err != nil {
			return err
		}
		if open != nil {
			return ErrNotYourTurn
		}
		v := &Problems{}
		if !NamesMatch(typedName, app.Candidate.Name) {
			v.Add("signed_name", fmt.Sprintf("Type your full legal name exactly as the contract is made out to: %s.", app.Candidate.Name))
		}
		if !agreed {
			v.Add("agree", "Tick \"I agree to sign this contract electronically\" to sign.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := s.Now()
		name := strings.Join(strings.Fields(typedName), " ")
		ip, ua := actor.IP, truncate(actor.UserAgent, 500)
		status := ContractAwaitingEmployer
		action := "contract.signed_candidate"
		if c.WrittenFormRequired {
			status, action = ContractWrittenForm, "contract.accepted_for_written_form"
		}
		if err := tx.Model(&Contract{}).Where("id = ?", c.ID).Updates(map[string]any{"candidate_signed_name": name, "candidate_signed_at": now,
			"candidate_ip": ip, "candidate_user_agent": ua, "status": status}).Error; err != nil {
			return err
		}
		if err := s.auditPersonal(tx, actor, actor.ID, action, "contract", c.ID, map[string]any{"text_sha256": c.TextSHA256},
			map[string]any{"typed_name": name}); err != nil {
			return err
		}
		if err := s.promiseAgain(tx, app.ID, now); err != nil {
			return err
		}
		if status == ContractWrittenForm { // agreed in writing: the hire is confirmed
			if err := s.hireConfirmed(tx, app); err != nil {
				return err
			}
		}
		var signers []StaffUser
		if err := tx.Where("can_sign_contracts AND active").Find(&signers).Error; err != nil {
			return err
		}
		for _, u := range signers {
			if err := s.send(tx, contractReadyToCountersignMail(s.urls(), &u, app, c.ID)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Countersign is the employer's signature, after the candidate's. It writes
// the final PDF with its signature certificate in the same transaction.
func (s *Store) Countersign(ctx context.Context, actor Actor, contractID int64, typedName string, agreed bool) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var c Contract
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&c, contractID).Error; err != nil {
			return notFound(err)
		}
		app, err := lockApplication(tx, actor, c.ApplicationID)
		if err != nil {
			return err
		}
		var signer StaffUser
		if err := tx.First(&signer, actor.ID).Error; err != nil {
			return err
		}
		if !signer.CanSignContracts {
			return ErrForbidden
		}
		if c.EmployerSignedAt != nil {
			return nil
		}
		if c.Status == ContractWrittenForm {
			return ErrSignedOnPaper
		}
		if c.Status != ContractAwaitingEmployer || app.Status.Closed() {
			return ErrCandidateFirst
		}
		v := &Problems{}
		if !NamesMatch(typedName, signer.Name) {
			v.Add("signed_name", fmt.Sprintf("Type your full name exactly as on your account: %s.", signer.Name))
		}
		if !agreed {
			v.Add("agree", "Tick \"I agree to sign this contract electronically\" to sign.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := s.Now()
		name := strings.Join(strings.Fields(typedName), " ")
		role := signer.SigningRole()
		c.EmployerSignerID, c.EmployerSignedName, c.EmployerSignedRole, c.EmployerSignedAt = &signer.ID, &name, &role, &now
		ip, ua := actor.IP, truncate(actor.UserAgent, 500)
		c.EmployerIP, c.EmployerUserAgent = &ip, &ua
		// The signer's typed name is sealed with the candidate's key as well: the row is
		// about their contract, and the contract keeps the signature.
		if err := s.auditPersonal(tx, actor, app.CandidateID, "contract.countersigned", "contract", c.ID,
			map[string]any{"text_sha256": c.TextSHA256}, map[string]any{"typed_name": name}); err != nil {
			return err
		}
		trail, err := s.contractTrail(tx, c.ID)
		if err != nil {
			return err
		}
		var ov OfferVersion
		if err := tx.First(&ov, c.OfferVersionID).Error; err != nil {
			return err
		}
		pdf, err := ContractPDF(ContractDocument{Contract: c, CandidateName: app.Candidate.Name, CandidateEmail: app.Candidate.Email,
			EmployerEmail: signer.Email, PositionTitle: ov.JobTitle, Company: s.company, Trail: trail, VerifyURL: s.baseURL + "/verify"})
		if err != nil {
			return err
		}
		sum := sha256.Sum256(pdf)
		pdfHash := hex.EncodeToString(sum[:])
		if err := tx.Model(&Contract{}).Where("id = ?", c.ID).Updates(map[string]any{
			"employer_signer_id": signer.ID, "employer_signed_name": name, "employer_signed_role": role, "employer_signed_at": now, "employer_ip": ip,
			"employer_user_agent": ua, "pdf": pdf, "pdf_sha256": pdfHash, "status": ContractCompleted}).Error; err != nil {
			return err
		}
		if err := s.audit(tx, actor, "contract.completed", "contract", c.ID, map[string]any{"pdf_sha256": pdfHash}); err != nil {
			return err
		}
		if err := s.hireConfirmed(tx, app); err != nil { // the fallbacks held for the position may go
			return err
		}
		mail := contractCompletedMail(s.urls(), app)
		return s.transition(tx, actor, app, transitionRequest{Cause: CauseContractSigned, Note: "Contract signed by both parties", Message: &mail})
	})
}

// StaffContract loads a contract for staff, within their scope.
func (s *Store) StaffContract(ctx context.Context, actor Actor, contractID int64) (*Contract, *Application, error) {
	var c Contract
	if err := s.db.WithContext(ctx).First(&c, contractID).Error; err != nil {
		return nil, nil, notFound(err)
	}
	var app Application
	if err := s.db.WithContext(ctx).Preload("Candidate").Preload("Position").First(&app, c.ApplicationID).Error; err != nil {
		return nil, nil, err
	}
	if !actor.Role.SeesCandidates() || !actor.ManagesPosition(app.Position) {
		return nil, nil, ErrNotFound
	}
	return &c, &app, nil
}

// CandidateSignedPDF returns the final PDF of the candidate actor's own
// contract; ErrNotFound for anyone else's, or for staff.
func (s *Store) CandidateSignedPDF(ctx context.Context, actor Actor, appID int64) (*Contract, error) {
	if actor.Kind != "candidate" || actor.ID == 0 {
		return nil, ErrNotFound
	}
	c, _, err := candidateContract(s.db.WithContext(ctx), actor.ID, appID, false)
	if err != nil {
		return nil, err
	}
	if c.PDF == nil {
		return nil, ErrNotFound
	}
	return c, nil
}

// VerifiedDocument describes a PDF that Nextstep signed.
type VerifiedDocument struct {
	ContractID    int64
	CandidateName string // as the candidate typed it when signing
	EmployerName  string // as the countersigner typed it
	EmployerRole  string // the countersigner's job title, else their role, as they signed
	PositionTitle string
	SignedAt      time.Time
	PDFSHA256     string
}

// VerifyPDF answers whether pdf is byte for byte a document Nextstep signed.
func (s *Store) VerifyPDF(ctx context.Context, pdf []byte) (*VerifiedDocument, error) {
	sum := sha256.Sum256(pdf)
	hash := hex.EncodeToString(sum[:])
	var c Contract
	// Everything reported comes from the frozen contract row (and its frozen
	// offer version), never from live records that can be edited later.
	if err := s.db.WithContext(ctx).Select("id, offer_version_id, candidate_signed_name, employer_signed_name, employer_signed_role, employer_signed_at, pdf_sha256").
		Where("pdf_sha256 = ?", hash).First(&c).Error; err != nil {
		return nil, notFound(err)
	}
	var jobTitle string
	if err := s.db.WithContext(ctx).Raw(`SELECT job_title FROM offer_versions WHERE id = ?`, c.OfferVersionID).Scan(&jobTitle).Error; err != nil {
		return nil, err
	}
	doc := &VerifiedDocument{ContractID: c.ID, PositionTitle: jobTitle, SignedAt: *c.EmployerSignedAt, PDFSHA256: hash}
	if c.CandidateSignedName != nil {
		doc.CandidateName = *c.CandidateSignedName
	}
	if c.EmployerSignedName != nil {
		doc.EmployerName = *c.EmployerSignedName
	}
	if c.EmployerSignedRole != nil {
		doc.EmployerRole = *c.EmployerSignedRole
	}
	return doc, nil
}
