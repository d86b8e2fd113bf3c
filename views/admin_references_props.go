package views

import (
	"strconv"
	"strings"
	"time"

	"nextstep/models"
)

// Staff's reference pages: an application's referees with their answers and
// signals (admin_references.templ), and a position's reference setup
// (admin_reference_setup.templ).

// AdminReferencesProps is the staff page of an application's references.
// Errors belong to the form Action names: "add", "send" or "remind".
type AdminReferencesProps struct {
	Layout
	Review *models.ReferenceReview
	Errors map[string]string
	Action string
	Form   RefereeForm
}

// ReferenceSettingsForm keeps the settings input as typed.
type ReferenceSettingsForm struct {
	Needed          string
	ManagerRequired bool
}

// ReferenceQuestionRow is one row of the questionnaire editor, as typed.
type ReferenceQuestionRow struct {
	Kind, Prompt string
}

// BlankQuestionRows is how many empty rows the questionnaire editor offers
// for new questions.
const BlankQuestionRows = 3

// AdminReferenceSetupProps is a position's reference setup page. Errors
// belong to the form Action names: "settings" or "questions".
type AdminReferenceSetupProps struct {
	Layout
	Setup     *models.PositionReferences
	Settings  ReferenceSettingsForm
	Questions []ReferenceQuestionRow // the questions kept, without the blank rows
	Errors    map[string]string
	Action    string
}

// ReferenceSetupForms fills the setup page's forms from what is stored.
func ReferenceSetupForms(s *models.PositionReferences) (ReferenceSettingsForm, []ReferenceQuestionRow) {
	rows := make([]ReferenceQuestionRow, len(s.Questions))
	for i, q := range s.Questions {
		rows[i] = ReferenceQuestionRow{Kind: string(q.Kind), Prompt: q.Prompt}
	}
	return ReferenceSettingsForm{Needed: strconv.Itoa(s.Settings.Needed), ManagerRequired: s.Settings.ManagerRequired}, rows
}

// questionRows is the editor's rows: the questions, then blank ones.
func questionRows(qs []ReferenceQuestionRow) []ReferenceQuestionRow {
	return append(append([]ReferenceQuestionRow{}, qs...), make([]ReferenceQuestionRow, BlankQuestionRows)...)
}

// questionKinds are the ways a question can be answered, as the editor offers them.
var questionKinds = []struct {
	Kind  models.QuestionKind
	Label string
}{
	{models.QuestionRating, "Rating 1–5"},
	{models.QuestionYesNoUnsure, "Yes / no / unsure"},
	{models.QuestionText, "Text"},
}

// questionKindLabel is a question kind in words.
func questionKindLabel(k models.QuestionKind) string {
	for _, q := range questionKinds {
		if q.Kind == k {
			return q.Label
		}
	}
	return string(k)
}

// refereeStateLabel is a referee's state in staff's words.
func refereeStateLabel(s models.RefereeStatus) string {
	switch s {
	case models.RefereeDraft:
		return "Draft (not asked yet)"
	case models.RefereeRequested:
		return "Asked"
	}
	return s.CandidateLabel()
}

// refereePeriod is the months a referee worked with the candidate.
func refereePeriod(r models.Referee) string { return RefereePeriod(r.WorkedFrom, r.WorkedTo) }

// optDateTime is a time or a dash.
func optDateTime(t *time.Time, l Layout) string {
	if t == nil {
		return "—"
	}
	return DateTime(*t, l)
}

// ratingText is an average rating out of 5, or a dash.
func ratingText(avg *float64) string {
	if avg == nil {
		return "—"
	}
	return strconv.FormatFloat(*avg, 'f', 1, 64) + " / 5"
}

// answerText is a referee's answer in words.
func answerText(a models.RefereeAnswer) string {
	switch a.Kind {
	case models.QuestionRating:
		if a.Rating != nil {
			return strconv.Itoa(*a.Rating) + " / 5"
		}
	case models.QuestionYesNoUnsure:
		return choiceLabel(a.Choice)
	case models.QuestionText:
		if strings.TrimSpace(a.Text) != "" {
			return a.Text
		}
	}
	return "(no answer)"
}

func choiceLabel(c string) string {
	switch c {
	case "yes":
		return "Yes"
	case "no":
		return "No"
	case "unsure":
		return "Unsure"
	}
	return c
}

// mayAskAgain: a draft or expired referee can be sent a request from the page.
func mayAskAgain(r models.ReviewedReferee) bool {
	return r.State == models.RefereeDraft || r.State == models.RefereeExpired
}

// rehireText is a review row's "would hire again" answers, or "".
func rehireText(s models.ReferenceSummary) string {
	if s.RehireYes+s.RehireNo+s.RehireUnsure == 0 {
		return ""
	}
	return "yes " + strconv.Itoa(s.RehireYes) + ", no " + strconv.Itoa(s.RehireNo) + ", unsure " + strconv.Itoa(s.RehireUnsure)
}

// hasAskable: some referee is a draft or expired, so "Send all requests" has
// someone to ask (the store decides who may be asked).
func hasAskable(rv *models.ReferenceReview) bool {
	for _, r := range rv.Referees {
		if mayAskAgain(r) {
			return true
		}
	}
	return false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// referencesAskedText is what a position asks of referees, in a sentence.
func referencesAskedText(set models.ReferenceSettings) string {
	s := strconv.Itoa(set.Needed) + " referee" + plural(set.Needed) + " needed"
	if set.ManagerRequired {
		s += ", one of them a manager the candidate worked with in the last " + strconv.Itoa(models.RecentManagerYears) + " years"
	}
	return s + "."
}

// referenceSumsText says where an application's references stand, in one
// line for the staff candidate page: "2 asked, 1 answered, 1 declined;
// average rating 4.5 / 5".
func referenceSumsText(s models.ReferenceSums) string {
	if s.Named == 0 {
		return "no referees named yet"
	}
	parts := []string{strconv.Itoa(s.Named) + " named"}
	for _, c := range []struct {
		n    int
		what string
	}{{s.Asked, "asked"}, {s.Answered, "answered"}, {s.Declined, "declined"}} {
		if c.n > 0 {
			parts = append(parts, strconv.Itoa(c.n)+" "+c.what)
		}
	}
	text := strings.Join(parts, ", ")
	if s.Average != nil {
		text += "; average rating " + ratingText(s.Average)
	}
	return text
}
