package views

import (
	"time"

	"nextstep/models"
)

// ContractProps is the staff contract page.
type ContractProps struct {
	Layout
	Contract    *models.Contract
	Application *models.Application
	Trail       []models.AuditEntry
	Errors      map[string]string
	TypedName   string
	Agreed      bool // "I agree" as ticked when the form comes back
	// Correction is the candidate's open request to correct their name, or nil.
	Correction *models.NameCorrection
	Response   string // the decline response as typed
}

// AdminTemplatesProps lists contract templates.
type AdminTemplatesProps struct {
	Layout
	Templates []models.ContractTemplate
}

// TemplateForm keeps the template form as typed.
type TemplateForm struct {
	Name, Body          string
	WrittenForm, Active bool
}

// AdminTemplateFormProps is the template editor with its preview.
type AdminTemplateFormProps struct {
	Layout
	ID           int64
	Form         TemplateForm
	Errors       map[string]string
	Preview      string
	Placeholders []string
}

// VerifyProps is the PDF verification page.
type VerifyProps struct {
	Layout
	Error    string
	Checked  bool
	FileName string
	Document *models.VerifiedDocument
}

// InterestForm keeps the candidate's answers as typed.
type InterestForm struct {
	EarliestStart, NoticePeriod, SalaryExpectation, Reason string
	Extra                                                  []string
}

// ExtraAnswer is the typed answer to free question i.
func (f InterestForm) ExtraAnswer(i int) string {
	if i < len(f.Extra) {
		return f.Extra[i]
	}
	return ""
}

// CandidateInterestProps is the candidate's interest-check page.
type CandidateInterestProps struct {
	Layout
	App    models.CandidateApplication
	Checks []models.InterestCheck
	Errors map[string]string
	Form   InterestForm
}

// CandidateOfferProps is the candidate's offer page.
type CandidateOfferProps struct {
	Layout
	App      models.CandidateApplication
	Offer    *models.Offer
	Problem  string
	Errors   map[string]string
	Question string
}

// CandidateContractProps is the candidate's contract page.
type CandidateContractProps struct {
	Layout
	View              *models.CandidateContractView
	Errors            map[string]string
	TypedName         string
	Agreed            bool // "I agree" as ticked when the form comes back
	DisclosureVersion string
	Correction        NameCorrectionForm
}

// NameCorrectionForm keeps the candidate's name correction request as typed.
type NameCorrectionForm struct {
	RequestedName, Note string
}

// openCorrection is the candidate's open name correction request, or nil.
func (p CandidateContractProps) openCorrection() *models.NameCorrection {
	if nc := p.View.Correction; nc != nil && nc.Status == models.NameCorrectionOpen {
		return nc
	}
	return nil
}

// declinedCorrection is the candidate's last request when it was declined, or nil.
func (p CandidateContractProps) declinedCorrection() *models.NameCorrection {
	if nc := p.View.Correction; nc != nil && nc.Status == models.NameCorrectionDeclined {
		return nc
	}
	return nil
}

// OfferReviewProps is the staff page where an offer version is read as the
// candidate will see it, then approved, sent back or sent.
type OfferReviewProps struct {
	Layout
	Review  *models.OfferReview
	Errors  map[string]string
	Comment string // the send-back comment as typed
	Confirm bool   // the confirmation step before sending to the candidate
}

// CanApprove reports whether the signed-in person may approve (or send back)
// the version now.
func (p OfferReviewProps) CanApprove() bool {
	v := &p.Review.Version
	return p.Staff != nil && v.Status == models.OfferPendingApproval &&
		models.CanApproveOffer(p.staffActor(), p.Review.Application.Position, v) == nil
}

// offerReviewPath is the review page of an offer version.
func offerReviewPath(id int64) string { return OfferVersionPath(id) }

// sentBackByName names who sent a version back. The review page loads the
// person; the candidate page knows the viewer and the hiring manager, who
// sends back unless an admin did.
func sentBackByName(v models.OfferVersion, l Layout, pos *models.Position) string {
	switch {
	case v.SentBacker != nil:
		return v.SentBacker.Name
	case v.SentBackBy == nil:
		return "the approver"
	case l.Staff != nil && *v.SentBackBy == l.Staff.ID:
		return l.Staff.Name
	case pos != nil && pos.HiringManager != nil && *v.SentBackBy == pos.HiringManager.ID:
		return pos.HiringManager.Name
	}
	return "an approver"
}

// staffNameOr is a staff member's name, or fallback when unknown.
func staffNameOr(u *models.StaffUser, fallback string) string {
	if u == nil {
		return fallback
	}
	return u.Name
}

// OfferExpiry is the last moment to accept, in the organisation's zone.
func OfferExpiry(v *models.OfferVersion, l Layout) string {
	return v.ExpiresAt(l.loc()).Format("Monday 2 January 2006")
}

// OfferExpired reports whether the version can no longer be accepted by date.
func OfferExpired(v *models.OfferVersion, l Layout) bool {
	return l.Now.After(v.ExpiresAt(l.loc()))
}

func fmtDate(t time.Time) string { return t.Format("2 January 2006") }

func offerStatusLabel(s models.OfferVersionStatus) string {
	switch s {
	case models.OfferDraft:
		return "Draft"
	case models.OfferPendingApproval:
		return "Waiting for approval"
	case models.OfferApproved:
		return "Approved, not sent"
	case models.OfferSent:
		return "Sent to the candidate"
	case models.OfferSuperseded:
		return "Replaced by a newer version"
	case models.OfferAccepted:
		return "Accepted"
	case models.OfferDeclined:
		return "Declined"
	}
	return string(s)
}

func contractStatusLabel(s models.ContractStatus) string {
	switch s {
	case models.ContractAwaitingCandidate:
		return "Waiting for the candidate's signature"
	case models.ContractAwaitingEmployer:
		return "Signed by the candidate, waiting for the employer"
	case models.ContractCompleted:
		return "Signed by both parties"
	case models.ContractWrittenForm:
		return "Accepted; to be signed on paper"
	case models.ContractVoid:
		return "Void: replaced by a newer contract"
	}
	return string(s)
}

// candidateContractStatus says the contract's state to the candidate, in the second person.
func candidateContractStatus(s models.ContractStatus) string {
	switch s {
	case models.ContractAwaitingCandidate:
		return "Waiting for your signature"
	case models.ContractAwaitingEmployer:
		return "You have signed; waiting for our countersignature"
	case models.ContractCompleted:
		return "Signed by you and by us"
	case models.ContractWrittenForm:
		return "Accepted; to be signed on paper"
	}
	return string(s)
}

func derefStr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// offerFormValues is what the offer form shows: the typed input after a
// refusal, else the latest version, else the position's defaults.
func offerFormValues(p AdminCandidateProps, a models.Application, o *models.Offer) models.OfferInput {
	if p.Form.Action == "offer" && p.Form.ApplicationID == a.ID {
		return p.Form.Offer
	}
	if v := o.Latest(); v != nil {
		return models.OfferInput{JobTitle: v.JobTitle, SalaryAmount: v.SalaryAmount, SalaryCurrency: v.SalaryCurrency,
			SalaryPeriod: v.SalaryPeriod, BonusEquity: v.BonusEquity, Benefits: v.Benefits, StartDate: v.StartDate.Format("2006-01-02"),
			Location: v.Location, WorkingPattern: v.WorkingPattern, ExpiresOn: v.ExpiresOn.Format("2006-01-02"), PersonalMessage: v.PersonalMessage}
	}
	in := models.OfferInput{SalaryCurrency: "GBP", SalaryPeriod: "year", WorkingPattern: "Full time",
		ExpiresOn: p.Now.In(p.loc()).AddDate(0, 0, 7).Format("2006-01-02"), StartDate: p.Now.In(p.loc()).AddDate(0, 1, 0).Format("2006-01-02")}
	if a.Position != nil {
		in.JobTitle, in.Location = a.Position.Title, a.Position.Location
	}
	return in
}

func interestFor(d *models.CandidateDetail, appID int64) []models.InterestCheck {
	var out []models.InterestCheck
	for _, ic := range d.Interest {
		if ic.ApplicationID == appID {
			out = append(out, ic)
		}
	}
	return out
}

func interestOpen(d *models.CandidateDetail, appID int64) bool {
	for _, ic := range d.Interest {
		if ic.ApplicationID == appID && ic.Status == models.InterestSent {
			return true
		}
	}
	return false
}

func contractFor(d *models.CandidateDetail, appID int64) *models.Contract {
	for i := range d.Contracts {
		if d.Contracts[i].ApplicationID == appID && d.Contracts[i].Status != models.ContractVoid {
			return &d.Contracts[i]
		}
	}
	return nil
}

// offerStage reports whether the offer tools belong on this application: it
// is live and has reached the stage its offer is prepared from.
func offerStage(a models.Application) bool {
	if a.Position == nil || a.Status.Closed() && a.Status != models.StatusHired {
		return false
	}
	return a.Position.Pipeline.OfferPrepared(a.Stage)
}

func templateAction(id int64) string {
	if id == 0 {
		return "/admin/contract-templates"
	}
	return ContractTemplatePath(id)
}

func placeholderText(name string) string { return "{{" + name + "}}" }

// noteOrNone is an optional note, or "None" when it was left empty.
func noteOrNone(note string) string {
	if note == "" {
		return "None"
	}
	return note
}

// signerRole is ", Head of Sales" after the employer's signer's name on
// /verify: the capacity they signed in (empty when not recorded).
func signerRole(role string) string {
	if role == "" {
		return ""
	}
	return ", " + role
}
