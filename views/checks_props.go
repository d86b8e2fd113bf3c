package views

import (
	"strconv"
	"time"

	"nextstep/models"
)

// Background checks and medicals: the candidate's page (checks.templ) and
// the staff's page of an application's checks (admin_checks.templ).

// MyChecksPath is the candidate's page of an application's checks.
func MyChecksPath(appID int64) string { return MyApplicationPath(appID) + "/checks" }

// MyCheckPath is where the candidate acts on one check: MyCheckPath(a, c) + "/consent".
func MyCheckPath(appID, checkID int64) string { return MyChecksPath(appID) + "/" + itoa(checkID) }

// ApplicationChecksPath is the staff page of an application's checks.
func ApplicationChecksPath(appID int64) string { return ApplicationPath(appID) + "/checks" }

// ApplicationCheckPath is where staff act on one check: ApplicationCheckPath(a, c) + "/result".
func ApplicationCheckPath(appID, checkID int64) string {
	return ApplicationChecksPath(appID) + "/" + itoa(checkID)
}

// CheckFilePath is a check's result document, served as a download.
func CheckFilePath(fileID int64) string { return "/admin/check-files/" + itoa(fileID) }

// AddressRow is one row of the address history form, as typed.
type AddressRow struct {
	Line, City, Postcode, Country, FromMonth, ToMonth string
}

// Blank reports whether nothing was typed in the row.
func (r AddressRow) Blank() bool {
	return r.Line == "" && r.City == "" && r.Postcode == "" && r.Country == "" && r.FromMonth == "" && r.ToMonth == ""
}

// WindowRow is one row of a medical's appointment windows, as typed.
type WindowRow struct {
	FromDay, ToDay, PartOfDay string
}

// Blank reports whether nothing was typed in the row (the part of the day
// has a default).
func (r WindowRow) Blank() bool { return r.FromDay == "" && r.ToDay == "" }

// The rows a consent form shows: at least this many, and this many blank
// ones after what was typed.
const (
	addressRowsShown = 5
	windowRowsShown  = 3
	blankRowsAfter   = 2
	// MaxAddressRows and MaxWindowRows are the most rows a form posts.
	MaxAddressRows = 30
	MaxWindowRows  = 10
)

// ConsentForm is the candidate's consent form of one check, as typed: kept
// when it is refused.
type ConsentForm struct {
	CheckID   int64
	Agreed    bool
	Addresses []AddressRow // what was typed, blank rows left out
	Windows   []WindowRow
	Reply     string // the answer to a pre-decision notice
}

// CandidateChecksProps is the candidate's page of an application's checks.
type CandidateChecksProps struct {
	Layout
	App    models.CandidateApplication
	Checks []models.CandidateCheck
	Form   ConsentForm // the form that was refused, if any (Form.CheckID)
	Errors map[string]string
}

// formOf is the form shown for check id: as typed when it was refused.
func (p CandidateChecksProps) formOf(id int64) ConsentForm {
	if p.Form.CheckID == id {
		return p.Form
	}
	return ConsentForm{CheckID: id}
}

// errorsOf are the refusal's messages when they concern check id.
func (p CandidateChecksProps) errorsOf(id int64) map[string]string {
	if p.Form.CheckID == id {
		return p.Errors
	}
	return nil
}

// addressRows are the rows the address form shows: what was typed, then
// blank rows.
func addressRows(f ConsentForm) []AddressRow {
	rows := append([]AddressRow(nil), f.Addresses...)
	n := max(addressRowsShown, len(rows)+blankRowsAfter)
	for len(rows) < min(n, MaxAddressRows) {
		rows = append(rows, AddressRow{})
	}
	return rows
}

// windowRows are the rows the appointment form shows.
func windowRows(f ConsentForm) []WindowRow {
	rows := append([]WindowRow(nil), f.Windows...)
	n := max(windowRowsShown, len(rows)+blankRowsAfter)
	for len(rows) < min(n, MaxWindowRows) {
		rows = append(rows, WindowRow{PartOfDay: "any"})
	}
	return rows
}

// rowField is the form name of field in row i: "address_0_line".
func rowField(prefix string, i int, field string) string {
	return prefix + "_" + strconv.Itoa(i) + "_" + field
}

// fieldID is the id of a check's form control: unique on a page that shows
// two checks.
func fieldID(checkID int64, name string) string { return "c" + itoa(checkID) + "-" + name }

// partsOfDay are a medical's appointment choices.
var partsOfDay = []struct{ Value, Label string }{{"any", "Any time"}, {"morning", "Mornings"}, {"afternoon", "Afternoons"}}

// partOfDayLabel is a part of the day in words.
func partOfDayLabel(v string) string {
	for _, p := range partsOfDay {
		if p.Value == v {
			return p.Label
		}
	}
	return v
}

// AddressPeriod is when the candidate lived at an address: "May 2023 – now".
func AddressPeriod(a models.CheckAddress) string {
	if a.ToMonth == nil {
		return a.FromMonth.Format("Jan 2006") + " – now"
	}
	return a.FromMonth.Format("Jan 2006") + " – " + a.ToMonth.Format("Jan 2006")
}

// WindowPeriod is an appointment window in words: "3 Dec 2026 – 10 Dec 2026, mornings".
func WindowPeriod(w models.AppointmentWindow) string {
	return w.FromDay.Format("2 Jan 2006") + " – " + w.ToDay.Format("2 Jan 2006") + ", " + partOfDayLabel(w.PartOfDay)
}

// StaffCheckForm is one of the staff's forms on a check, as typed: kept
// when it is refused. Action names the form: manual, result, notice.
type StaffCheckForm struct {
	CheckID      int64
	Action       string
	ProviderName string
	Reference    string
	Status       string
	StartedOn    string
	CompletedOn  string
	Finding      string
	HowToDispute string
}

// AdminChecksProps is the staff page of an application's checks.
type AdminChecksProps struct {
	Layout
	App    *models.Application // with its candidate and position
	Checks []models.StaffCheck
	Form   StaffCheckForm
	Errors map[string]string
}

// formOf is the form action of check id, as typed when it was refused.
func (p AdminChecksProps) formOf(id int64, action string) StaffCheckForm {
	if p.Form.CheckID == id && p.Form.Action == action {
		return p.Form
	}
	return StaffCheckForm{CheckID: id, Action: action}
}

// errorsOf are the refusal's messages when they concern check id's form action.
func (p AdminChecksProps) errorsOf(id int64, action string) map[string]string {
	if p.Form.CheckID == id && p.Form.Action == action {
		return p.Errors
	}
	return nil
}

// manualStatuses are the statuses staff may record by hand.
func manualStatuses() []models.CheckStatus {
	return []models.CheckStatus{models.CheckWaitingForCandidate, models.CheckNotStarted, models.CheckInProgress,
		models.CheckClear, models.CheckNeedsReview, models.CheckNotClear}
}

// resultStatuses are the results a document may come with.
func resultStatuses() []models.CheckStatus {
	return []models.CheckStatus{models.CheckClear, models.CheckNeedsReview, models.CheckNotClear}
}

// manualForm fills the manual provider form from the check as stored.
func manualForm(p AdminChecksProps, c models.StaffCheck) StaffCheckForm {
	f := p.formOf(c.ID, "manual")
	if p.Form.CheckID == c.ID && p.Form.Action == "manual" {
		return f
	}
	f.ProviderName, f.Reference, f.Status = c.ProviderName, c.ProviderRef, string(c.Status)
	if c.StartedAt != nil {
		f.StartedOn = c.StartedAt.Format("2006-01-02")
	}
	if c.CompletedAt != nil {
		f.CompletedOn = c.CompletedAt.Format("2006-01-02")
	}
	return f
}

// openNotice is the check's open pre-decision notice, or nil.
func openNotice(c models.StaffCheck) *models.AdverseAction {
	for i := range c.Notices {
		if c.Notices[i].Status.Open() {
			return &c.Notices[i]
		}
	}
	return nil
}

// confirmable reports whether the rejection may be confirmed now (the
// button is shown disabled before; the store decides either way).
func confirmable(c models.StaffCheck, now time.Time) bool {
	return c.ConfirmableFrom != nil && !now.Before(*c.ConfirmableFrom)
}

// PositionChecksForm is a position's "which checks" form on the positions
// page, as chosen: kept with its refusal.
type PositionChecksForm struct {
	PositionID int64
	Value      string
	Error      string
}

// requiredChecksChoices are a position's choices of checks.
var requiredChecksChoices = []struct {
	Value models.RequiredChecks
	Label string
}{{models.ChecksNone, "None"}, {models.ChecksBackground, "Background check"}, {models.ChecksMedical, "Pre-employment medical"},
	{models.ChecksBoth, "Both"}}

// positionChecksValue is the choice shown for a position: as chosen when refused.
func positionChecksValue(f PositionChecksForm, pos models.Position) string {
	if f.PositionID == pos.ID {
		return f.Value
	}
	return string(pos.RequiredChecks)
}

// ChecksLinkShown says whether an application's page leads to its checks:
// its position needs a check and the application has reached that stage.
func ChecksLinkShown(a models.Application) bool {
	if a.Position == nil {
		return false
	}
	for _, k := range a.Position.RequiredChecks.Kinds() {
		if i := a.Position.Pipeline.Index(k.Stage()); i >= 0 && a.Position.Pipeline.Index(a.Stage) >= i {
			return true
		}
	}
	return false
}

// optionalDate is a day, or a dash when there is none.
func optionalDate(t *time.Time, l Layout) string {
	if t == nil {
		return "—"
	}
	return ShortDate(*t, l)
}

// nonEmptyText is s, or or when s is empty.
func nonEmptyText(s, or string) string {
	if s != "" {
		return s
	}
	return or
}

// errorsOf is the refusal of position id's form, by field.
func (f PositionChecksForm) errorsOf(id int64) map[string]string {
	if f.PositionID != id || f.Error == "" {
		return nil
	}
	return map[string]string{"required_checks": f.Error}
}

// providerKey is the check's webhook provider, or "" for a manual one.
func providerKey(c models.StaffCheck) string {
	if c.Provider == models.ManualProvider {
		return ""
	}
	return c.Provider
}

// AddressText is an address on one line, with its period:
// "12 Rue de la Paix, Paris 75002, France (Sep 2019 – Apr 2023)".
func AddressText(a models.CheckAddress) string {
	city := a.City
	if a.Postcode != "" {
		city += " " + a.Postcode
	}
	return a.Line + ", " + city + ", " + a.Country + " (" + AddressPeriod(a) + ")"
}
