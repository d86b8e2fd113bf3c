package views

import (
	"time"

	"nextstep/models"
)

// RefereeForm is a referee form as typed (the candidate's, or staff's "add
// a referee"), kept when it is refused.
type RefereeForm struct {
	Name, Email, Phone, Company, Relationship string
	WorkedFrom, WorkedTo                      string // "2021-03"
	MayContact                                string // "now" or "after_offer"
	ConfirmedAgreed                           bool   // the candidate's tick; a referee staff add counts as agreed
}

// Input is the form as the store takes it.
func (f RefereeForm) Input() models.RefereeInput {
	return models.RefereeInput{Name: f.Name, Email: f.Email, Phone: f.Phone, Company: f.Company,
		Relationship: models.Relationship(f.Relationship), WorkedFrom: f.WorkedFrom, WorkedTo: f.WorkedTo,
		MayContactNow: f.MayContact != "after_offer", ConfirmedAgreed: f.ConfirmedAgreed}
}

// RefereeFormOf fills the form with a referee as stored, to change them.
func RefereeFormOf(r models.CandidateReferee) RefereeForm {
	f := RefereeForm{Name: r.Name, Email: r.Email, Phone: r.Phone, Company: r.Company, Relationship: string(r.Relationship),
		WorkedFrom: models.MonthText(&r.WorkedFrom), WorkedTo: models.MonthText(r.WorkedTo), MayContact: "now",
		ConfirmedAgreed: r.ConfirmedAgreed}
	if !r.MayContactNow {
		f.MayContact = "after_offer"
	}
	return f
}

// CandidateRefereesProps is the candidate's referee page of an application.
type CandidateRefereesProps struct {
	Layout
	App      models.CandidateApplication
	Referees *models.CandidateReferees
	Editing  int64 // the referee being changed; 0: the form adds one
	Form     RefereeForm
	Errors   map[string]string
}

// RefereeFormProps is the referee's own page, reached by their link.
type RefereeFormProps struct {
	Layout
	Token   string
	View    *models.RefereeFormView
	Answers []string // as chosen, kept when the reply is refused
	Confirm struct{ Relationship, Period bool }
	Reason  string
	Errors  map[string]string
}

// Answer is the answer given to question i, kept on a refusal.
func (p RefereeFormProps) Answer(i int) string {
	if i < len(p.Answers) {
		return p.Answers[i]
	}
	return ""
}

// RefereeThanksProps is the page a referee sees after replying.
type RefereeThanksProps struct {
	Layout
}

// RefereePeriod is the time a referee and the candidate worked together:
// "Mar 2021 – Nov 2023", or "since Mar 2021" while they still do.
func RefereePeriod(from time.Time, to *time.Time) string {
	if to == nil {
		return "since " + from.Format("Jan 2006")
	}
	return from.Format("Jan 2006") + " – " + to.Format("Jan 2006")
}

// ratingChoices are the answers of a rating question, lowest first.
var ratingChoices = []string{"1", "2", "3", "4", "5"}

// yesNoUnsure are the answers of a yes/no/unsure question.
var yesNoUnsure = []struct{ Value, Label string }{{"yes", "Yes"}, {"no", "No"}, {"unsure", "Not sure"}}

// refereeFormAction is where the referee form posts: a new referee, or the
// one being changed.
func refereeFormAction(p CandidateRefereesProps) string {
	if p.Editing != 0 {
		return MyRefereePath(p.App.ID, p.Editing)
	}
	return MyReferencesPath(p.App.ID)
}
