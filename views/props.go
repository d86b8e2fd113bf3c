// Package views holds every page as a templ component. Each page takes one
// props struct; templates never reach the database or the session.
package views

import (
	"net/url"
	"strconv"
	"time"

	"nextstep/models"
)

// Layout is what every page shares.
type Layout struct {
	Title     string
	CSRF      string
	Flash     string
	Staff     *models.StaffUser
	Candidate *models.Candidate
	// Loc is the zone the page shows times in: the signed-in person's own
	// (models.Store.CandidateZone, StaffZone), else the portal's.
	Loc *time.Location
	// Portal is the portal's zone (NEXTSTEP_TIMEZONE), in which business
	// days are counted and which applies to anyone without a zone of their own.
	Portal *time.Location
	Now    time.Time
	Path   string
	// ContactEmail is where candidates write with questions; empty hides it.
	ContactEmail string
	// EmailEnabled says messages really leave by email; pages promise email only then.
	EmailEnabled bool
	// DevMailboxURL, in development only, is where the local mail catcher shows the newest email.
	DevMailboxURL string
	// StaticPath maps a static file's name to its content-hashed URL.
	StaticPath func(name string) string
	// NeedsYou counts what waits for the signed-in staff member (capped).
	NeedsYou int
}

// PublicDescription is the meta description of the pages for visitors who
// are not signed in (sign-in, a referee's form, an unsubscribe link, /verify):
// what a search result or a shared link says of the site.
const PublicDescription = "Nextstep, the candidate portal: after your interview, see where your application stands, what to do now and when you will hear from us."

// Asset is the URL of a static file, content-hashed when the table is known.
func (l Layout) Asset(name string) string {
	if l.StaticPath == nil {
		return "/static/" + name
	}
	return l.StaticPath(name)
}

// staffActor is the signed-in staff member as the models' rules take them
// (only for asking a rule, never for writing).
func (l Layout) staffActor() models.Actor {
	return models.Actor{Kind: "staff", ID: l.Staff.ID, Role: l.Staff.Role}
}

// ErrorProps is the error page.
type ErrorProps struct {
	Layout
	Status    int
	Heading   string
	Message   string
	RequestID string
}

// CandidateSignInProps is the candidate sign-in page.
type CandidateSignInProps struct {
	Layout
	Email  string
	Next   string // the candidate's page to return to after signing in (checked), or ""
	Errors map[string]string
}

// SignInContinueProps is the page a sign-in link opens.
type SignInContinueProps struct {
	Layout
	Token   string
	Invalid bool
}

// StaffLoginProps is the staff sign-in page.
type StaffLoginProps struct {
	Layout
	Email string
	Next  string
	Error string
}

// StaffTOTPProps is the second-factor page.
type StaffTOTPProps struct {
	Layout
	Error string
}

// CandidateHomeProps is the candidate's "where am I" page.
type CandidateHomeProps struct {
	Layout
	View *models.CandidateView
}

// CandidateApplicationProps is one application seen by its candidate.
type CandidateApplicationProps struct {
	Layout
	App models.CandidateApplication
}

// AdminCandidatesProps is the staff candidate list.
type AdminCandidatesProps struct {
	Layout
	Page      *models.CandidatePage
	Filter    models.CandidateFilter
	Positions []models.PositionChoice
	Query     url.Values
	Bulk      BulkForm // the bulk action form, as typed (see bulk_props.go)
}

// CandidateForm keeps the "new candidate" input as typed.
type CandidateForm struct {
	Name, Email, Phone, PositionID, Stage string
}

// AdminCandidateNewProps is the "new candidate" page. Existing, when the
// email typed belongs to a candidate already, offers to add an application
// for them instead (AddPositionID: the position chosen there).
type AdminCandidateNewProps struct {
	Layout
	Form          CandidateForm
	Errors        map[string]string
	Positions     []models.PositionSummary
	Existing      *models.ExistingCandidate
	AddPositionID string
}

// CandidateActionForm keeps the input of a failed action on the candidate page.
type CandidateActionForm struct {
	Action        string // move, status, expected, note
	ApplicationID int64
	ToStage       string
	Note          string
	Status        string
	Reason        string
	ExpectedDate  string
	ExpectedNote  string
	NoteBody      string
	Offer         models.OfferInput
	Consulted     []int64                // colleagues ticked in the decision form
	ConfirmSkip   bool                   // the move form's "skipped stages are not needed" box
	AddPositionID string                 // the "add an application" form's position
	Wording       models.MessageKind     // the status form's rejection wording
	Send          string                 // the status form's "Send the message" choice (now, later, held)
	SendInDays    string                 // the status form's days for a later send, as typed
	Preview       *models.MessagePreview // the rejection as the candidate will read it, when asked for
}

// AdminCandidateProps is the staff candidate page.
type AdminCandidateProps struct {
	Layout
	Detail     *models.CandidateDetail
	Errors     map[string]string
	Form       CandidateActionForm
	Rounds     map[int64][]models.InterviewRound  // by application id
	Decisions  map[int64][]models.DecisionRequest // by application id, newest first
	Colleagues []models.StaffUser                 // active staff, for consultation
	// Addable: open positions this person may add an application for them to.
	Addable []models.PositionChoice
}

// AdminPositionsProps is the positions list.
type AdminPositionsProps struct {
	Layout
	Positions []models.PositionSummary
	Checks    PositionChecksForm // a refused choice of checks, kept (checks_props.go)
}

// PositionForm keeps the position form as typed. Order is the pipeline
// editor's list (every catalogue stage, in the order shown); Selected the
// ticked stages; StageTimes each stage's time as typed (blank: the
// decision time). After a "Move up"/"Move down" round trip, Moved and MoveDir
// name the button pressed (it takes the focus back) and Notice says where
// the stage went.
type PositionForm struct {
	Title, Department, Location, Headcount, DecisionSLADays, HiringManagerID string
	Selected                                                                 []models.StageKey
	Order                                                                    []models.StageKey
	Criteria                                                                 string // one per line
	Description                                                              string // the job, for the interview kit
	StageTimes                                                               map[models.StageKey]string
	RequiresDecisionApproval                                                 bool
	Moved                                                                    models.StageKey
	MoveDir                                                                  string
	Notice                                                                   string
}

// PositionFormFrom fills the form from a stored position.
func PositionFormFrom(p *models.Position) PositionForm {
	f := PositionForm{Title: p.Title, Department: p.Department, Location: p.Location,
		Headcount: strconv.Itoa(p.Headcount), DecisionSLADays: strconv.Itoa(p.DecisionSLADays),
		Selected: p.Pipeline, Order: models.EditorOrder(p.Pipeline), RequiresDecisionApproval: p.RequiresDecisionApproval,
		Description: p.Description}
	for _, c := range p.Criteria {
		f.Criteria += c.Name + "\n"
	}
	f.StageTimes = map[models.StageKey]string{}
	for _, k := range p.Pipeline {
		if d, ok := p.OwnStageTime(k); ok {
			f.StageTimes[k] = strconv.Itoa(d)
		}
	}
	if p.HiringManagerID != nil {
		f.HiringManagerID = strconv.FormatInt(*p.HiringManagerID, 10)
	}
	return f
}

// StageTimeHint explains the pipeline editor's stage times, naming the
// decision time a blank one uses when it is typed as a number.
func (f PositionForm) StageTimeHint() string {
	hint := "Time to update the candidate: the business days within which a candidate who reaches the stage hears from us, the date their page promises. Leave it blank for the position's decision time"
	if n, err := strconv.Atoi(f.DecisionSLADays); err == nil {
		hint += " (" + strconv.Itoa(n) + " business days)"
	}
	return hint + "."
}

// IsSelected reports whether stage k is ticked.
func (f PositionForm) IsSelected(k models.StageKey) bool {
	for _, s := range f.Selected {
		if s == k {
			return true
		}
	}
	return false
}

// MoveDisabled is aria-disabled for a "Move" button: "true" when the stage
// cannot move that way (the button stays focusable and says why when pressed).
func (f PositionForm) MoveDisabled(k models.StageKey, dir string) string {
	return strconv.FormatBool(!models.CanMoveInEditor(f.Order, k, dir))
}

// Pipeline is the pipeline the editor describes: the ticked stages in the
// list's order.
func (f PositionForm) Pipeline() models.Pipeline {
	return models.PipelineFromEditor(f.Order, f.IsSelected)
}

// AdminPositionFormProps is the create/edit position page.
type AdminPositionFormProps struct {
	Layout
	ID       int64
	Form     PositionForm
	Errors   map[string]string
	Managers []models.StaffUser
}

// StaffForm keeps the invite form as typed.
type StaffForm struct {
	Name, Email, Role string
}

// AdminStaffProps is the staff users page.
type AdminStaffProps struct {
	Layout
	Staff  []models.StaffUser
	Form   StaffForm
	Errors map[string]string
}

// AdminAuditProps is the audit log page.
type AdminAuditProps struct {
	Layout
	Entries  []models.AuditEntry
	Total    int64
	Actions  []string
	Query    url.Values
	Page     int
	PageSize int
}

// AccountProps is the staff account page.
type AccountProps struct {
	Layout
	User         *models.StaffUser
	Errors       map[string]string
	TOTPSecret   string
	TOTPURL      string
	TOTPQR       string // PNG data URL of the QR code
	TOTPRequired bool
	// SignedInByLink: this session came from a one-time link, so the current
	// password is not asked (the way back after a forgotten password).
	SignedInByLink bool
}

// PositionCloseProps confirms marking a position filled or closed.
type PositionCloseProps struct {
	Layout
	Position     *models.Position
	Status       models.PositionStatus
	Applications []models.OpenApplication
	Closing      int                     // how many close with the position
	Targets      []models.PositionChoice // open positions an application may move to
	Choices      map[int64]string        // each application's choice as posted (see CloseChoiceValue)
	Errors       map[string]string
}
