package models

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"
)

// The pure rules of onboarding: the kinds of task, the default checklist,
// the forms and their validation, due dates in working days, the hired gate
// and the right-to-work flags. No database, time passed in.

// TaskKind is what a checklist task asks for.
type TaskKind string

// The kinds of task.
const (
	TaskConfirm TaskKind = "confirm" // read something (the handbook) and confirm it; the version is kept
	TaskForm    TaskKind = "form"    // fill in a form with defined fields
	TaskUpload  TaskKind = "upload"  // upload a document that staff verify or return
	TaskStaff   TaskKind = "staff"   // staff prepare something (a laptop, accounts)
)

// TaskAssignee is who completes a task.
type TaskAssignee string

// Who completes a task.
const (
	ByStarter TaskAssignee = "starter"
	ByStaff   TaskAssignee = "staff"
)

// TaskStatus is where a task stands.
type TaskStatus string

// A task's states (see migration 00016 for the moves).
const (
	TaskOpen      TaskStatus = "open"
	TaskSubmitted TaskStatus = "submitted" // a document waiting for verification
	TaskReturned  TaskStatus = "returned"  // a document sent back with a reason
	TaskDone      TaskStatus = "done"
)

// DocumentKind is what an upload task asks for.
type DocumentKind string

// The documents a starter uploads.
const (
	DocRightToWork DocumentKind = "right_to_work"
	DocCertificate DocumentKind = "certificate"
)

// The forms a form task may use.
const FormPersonalDetails = "personal_details"

// TaskTemplate is one task of a position's checklist template.
type TaskTemplate struct {
	Title, Explanation string
	Kind               TaskKind
	Assignee           TaskAssignee
	Required           bool
	// DueOffsetDays is in working days relative to the start date: -5 is
	// five working days before it, 0 the start date itself.
	DueOffsetDays  int
	Form           string       // TaskForm: which form
	Document       DocumentKind // TaskUpload: which document
	ConfirmVersion string       // TaskConfirm: the version of what is confirmed (the handbook's)
}

// DefaultOnboardingTemplate is the checklist of a position whose admins
// have not written their own.
func DefaultOnboardingTemplate() []TaskTemplate {
	return []TaskTemplate{
		{Title: "Read and confirm the employee handbook", Kind: TaskConfirm, Assignee: ByStarter, Required: true, DueOffsetDays: -5, ConfirmVersion: "2026-1",
			Explanation: "The handbook explains how we work: hours, holidays, expenses, conduct and who to ask. Read it, then confirm that you have."},
		{Title: "Your personal details", Kind: TaskForm, Assignee: ByStarter, Required: true, DueOffsetDays: -10, Form: FormPersonalDetails,
			Explanation: "Your address, bank account for your salary, national insurance number and an emergency contact. Bank details, national insurance number and emergency contact are kept encrypted and shown only to the people who run payroll."},
		{Title: "Right-to-work document", Kind: TaskUpload, Assignee: ByStarter, Required: true, DueOffsetDays: -5, Document: DocRightToWork,
			Explanation: "Upload a copy of your passport, biometric residence permit or share code confirmation (PDF, JPEG or PNG, up to 10 MB). Bring the original on your first day, or we will arrange to see it before."},
		{Title: "Order a laptop", Kind: TaskStaff, Assignee: ByStaff, Required: true, DueOffsetDays: -5,
			Explanation: "Your laptop, set up and ready on your first day."},
		{Title: "Create accounts", Kind: TaskStaff, Assignee: ByStaff, Required: true, DueOffsetDays: -2,
			Explanation: "Your email and the accounts you need for your work."},
	}
}

// Validate checks a template task's shape (as the database's CHECKs do).
func (t TaskTemplate) Validate() error {
	var p Problems
	switch {
	case strings.TrimSpace(t.Title) == "":
		p.Add("title", "Give the task a title.")
	case t.Kind != TaskConfirm && t.Kind != TaskForm && t.Kind != TaskUpload && t.Kind != TaskStaff:
		p.Add("kind", "Choose what the task asks for: read and confirm, a form, a document upload or a staff task.")
	case (t.Kind == TaskStaff) != (t.Assignee == ByStaff):
		p.Add("assignee", "A staff task is done by staff; every other task by the new starter.")
	case t.Kind == TaskForm && forms[t.Form] == nil:
		p.Add("form", "Choose which form the starter fills in.")
	case t.Kind == TaskUpload && t.Document != DocRightToWork && t.Document != DocCertificate:
		p.Add("document", "Choose which document the starter uploads.")
	case t.Kind == TaskConfirm && strings.TrimSpace(t.ConfirmVersion) == "":
		p.Add("confirm_version", "Give the version of what the starter confirms (for example the handbook's edition).")
	case t.DueOffsetDays < -60 || t.DueOffsetDays > 60:
		p.Add("due_offset_days", "The due date must be within 60 working days of the start date.")
	}
	return p.Err()
}

// DueOn is the date a task is due: offset working days (Monday to Friday)
// from start, before it when negative. Dates, not durations: the answer is
// a calendar day whatever a clock change between them does. start is a
// date (its clock and zone are ignored); the result is midnight UTC of the
// due day, as dates are kept.
func DueOn(start time.Time, offset int) time.Time {
	d := dateOnly(start)
	step := 1
	if offset < 0 {
		step, offset = -1, -offset
	}
	for n := 0; n < offset; {
		d = d.AddDate(0, 0, step)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return d
}

// dayIn is the calendar day of instant t in loc, as dates are kept.
func dayIn(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// Overdue reports whether a task due on due (a date) and not done is late
// at now: the due day has ended in loc, the portal's time zone.
func Overdue(due time.Time, status TaskStatus, now time.Time, loc *time.Location) bool {
	return status != TaskDone && dayIn(now, loc).After(dateOnly(due))
}

// HireBlockers is the hired gate: nil when every required task is done
// (a document verified), otherwise a refusal naming what is missing.
func HireBlockers(tasks []OnboardingTask) error {
	var open, unverified []string
	for _, t := range tasks {
		if !t.Required || t.Status == TaskDone {
			continue
		}
		if t.Kind == TaskUpload && t.Status == TaskSubmitted {
			unverified = append(unverified, t.Title)
		} else {
			open = append(open, t.Title)
		}
	}
	if len(open) == 0 && len(unverified) == 0 {
		return nil
	}
	var parts []string
	if len(open) > 0 {
		parts = append(parts, "still open: "+strings.Join(open, ", "))
	}
	if len(unverified) > 0 {
		parts = append(parts, "waiting for verification: "+strings.Join(unverified, ", "))
	}
	return Invalid("to_stage", "Not ready to mark as hired: every required onboarding task must be done first ("+strings.Join(parts, "; ")+").")
}

// FieldType is how a form field is entered and checked.
type FieldType string

// The types of form field.
const (
	FieldText          FieldType = "text"
	FieldDate          FieldType = "date"
	FieldChoice        FieldType = "choice"
	FieldAddress       FieldType = "address"
	FieldPhone         FieldType = "phone"
	FieldIBAN          FieldType = "iban"
	FieldSortCode      FieldType = "sort_code"
	FieldAccountNumber FieldType = "account_number"
	FieldNINumber      FieldType = "ni_number"
)

// FormField is one field of a form.
type FormField struct {
	Key, Label, Hint string
	Type             FieldType
	Required         bool
	Sensitive        bool     // sealed at rest, masked for staff other than admins
	Choices          []string // FieldChoice
}

// forms are the forms a task may use, each a list of fields.
var forms = map[string][]FormField{
	FormPersonalDetails: {
		{Key: "home_address", Label: "Home address", Type: FieldAddress, Required: true},
		{Key: "phone", Label: "Phone number", Type: FieldPhone, Required: true},
		{Key: "date_of_birth", Label: "Date of birth", Type: FieldDate, Required: true, Hint: "YYYY-MM-DD"},
		{Key: "iban", Label: "IBAN", Type: FieldIBAN, Sensitive: true, Hint: "Either your IBAN, or a UK sort code and account number."},
		{Key: "sort_code", Label: "Sort code", Type: FieldSortCode, Sensitive: true, Hint: "Six digits, e.g. 12-34-56."},
		{Key: "account_number", Label: "Account number", Type: FieldAccountNumber, Sensitive: true, Hint: "Eight digits."},
		{Key: "ni_number", Label: "National insurance number", Type: FieldNINumber, Required: true, Sensitive: true, Hint: "e.g. AB 12 34 56 C"},
		{Key: "emergency_contact_name", Label: "Emergency contact: name", Type: FieldText, Required: true, Sensitive: true},
		{Key: "emergency_contact_relationship", Label: "Emergency contact: relationship", Type: FieldChoice, Required: true, Sensitive: true,
			Choices: []string{"Partner", "Parent", "Child", "Sibling", "Friend", "Other"}},
		{Key: "emergency_contact_phone", Label: "Emergency contact: phone", Type: FieldPhone, Required: true, Sensitive: true},
	},
}

// FormFields is the fields of form name (nil for an unknown form), for the views.
func FormFields(name string) []FormField { return forms[name] }

// FieldAnswer is one validated answer, normalised.
type FieldAnswer struct {
	Field FormField
	Value string
}

// ValidateForm checks the answers to form name and returns them normalised
// (IBAN in groups of four, sort code as 12-34-56, NI number in upper case),
// or every problem at its field. Bank details are an IBAN, or a sort code
// with an account number.
func ValidateForm(name string, in map[string]string) ([]FieldAnswer, error) {
	fields := forms[name]
	if fields == nil {
		return nil, fault("unknown form %q", name)
	}
	var p Problems
	var out []FieldAnswer
	for _, f := range fields {
		v := strings.TrimSpace(in[f.Key])
		if v == "" {
			if f.Required {
				p.Add(f.Key, fmt.Sprintf("Enter your %s.", strings.ToLower(f.Label)))
			}
			continue
		}
		if len([]rune(v)) > limits.OnboardingFieldValue.Max {
			p.Add(f.Key, fmt.Sprintf("%s is too long (%d characters at most).", f.Label, limits.OnboardingFieldValue.Max))
			continue
		}
		norm, msg := normaliseField(f, v)
		if msg != "" {
			p.Add(f.Key, msg)
			continue
		}
		out = append(out, FieldAnswer{Field: f, Value: norm})
	}
	if name == FormPersonalDetails {
		iban, sort, acct := strings.TrimSpace(in["iban"]), strings.TrimSpace(in["sort_code"]), strings.TrimSpace(in["account_number"])
		switch {
		case iban == "" && sort == "" && acct == "":
			p.Add("iban", "Enter your bank account: an IBAN, or a UK sort code and account number.")
		case iban != "" && (sort != "" || acct != ""):
			p.Add("iban", "Enter either an IBAN or a sort code and account number, not both.")
		case iban == "" && sort == "":
			p.Add("sort_code", "Enter the sort code that goes with the account number.")
		case iban == "" && acct == "":
			p.Add("account_number", "Enter the account number that goes with the sort code.")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

var (
	phoneRE   = regexp.MustCompile(`^\+?[0-9 ()\-]{7,25}$`)
	nonDigits = regexp.MustCompile(`[^0-9]`)
	spacesRE  = regexp.MustCompile(`[\s\-]`)
	// National insurance number (HMRC): two prefix letters (not D, F, I, Q,
	// U or V; the second not O either), six digits, a suffix A to D.
	niRE          = regexp.MustCompile(`^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$`)
	niNotPrefixes = []string{"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
	ibanShapeRE   = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$`)
)

// normaliseField checks one answer and writes it the one way it is kept;
// the message says what is wrong ("" when nothing is).
func normaliseField(f FormField, v string) (string, string) {
	switch f.Type {
	case FieldDate:
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			return "", fmt.Sprintf("Enter the %s as YYYY-MM-DD.", strings.ToLower(f.Label))
		}
		return d.Format("2006-01-02"), ""
	case FieldChoice:
		for _, c := range f.Choices {
			if strings.EqualFold(c, v) {
				return c, ""
			}
		}
		return "", fmt.Sprintf("Choose one of: %s.", strings.Join(f.Choices, ", "))
	case FieldPhone:
		if !phoneRE.MatchString(v) || len(nonDigits.ReplaceAllString(v, "")) < 7 {
			return "", "Enter a phone number of digits, with the country code if it is not a UK number (e.g. +44 20 7946 0000)."
		}
		return v, ""
	case FieldIBAN:
		iban, ok := NormaliseIBAN(v)
		if !ok {
			return "", "This is not a valid IBAN: check the letters and digits (e.g. GB29 NWBK 6016 1331 9268 19)."
		}
		return iban, ""
	case FieldSortCode:
		d := spacesRE.ReplaceAllString(v, "")
		if len(d) != 6 || nonDigits.MatchString(d) {
			return "", "A sort code is six digits, e.g. 12-34-56."
		}
		return d[0:2] + "-" + d[2:4] + "-" + d[4:6], ""
	case FieldAccountNumber:
		d := spacesRE.ReplaceAllString(v, "")
		if len(d) != 8 || nonDigits.MatchString(d) {
			return "", "A UK account number is eight digits."
		}
		return d, ""
	case FieldNINumber:
		n, ok := NormaliseNINumber(v)
		if !ok {
			return "", "This is not a national insurance number: two letters, six digits and a letter from A to D, e.g. AB 12 34 56 C."
		}
		return n, ""
	}
	return v, ""
}

// NormaliseIBAN checks an IBAN (shape and the ISO 13616 mod-97 check
// digits) and writes it in groups of four.
func NormaliseIBAN(v string) (string, bool) {
	s := strings.ToUpper(spacesRE.ReplaceAllString(v, ""))
	if !ibanShapeRE.MatchString(s) {
		return "", false
	}
	if want, known := ibanLengths[s[:2]]; known && len(s) != want {
		return "", false
	}
	var digits strings.Builder
	for _, r := range s[4:] + s[:4] {
		if r >= 'A' && r <= 'Z' {
			fmt.Fprintf(&digits, "%d", r-'A'+10)
		} else {
			digits.WriteRune(r)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	if !ok || new(big.Int).Mod(n, big.NewInt(97)).Int64() != 1 {
		return "", false
	}
	var groups []string
	for i := 0; i < len(s); i += 4 {
		groups = append(groups, s[i:min(i+4, len(s))])
	}
	return strings.Join(groups, " "), true
}

// ibanLengths are the lengths of the IBANs of the countries we see most;
// another country's IBAN is checked by its shape and check digits only.
var ibanLengths = map[string]int{"GB": 22, "IE": 22, "DE": 22, "FR": 27, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "PT": 25,
	"PL": 28, "SE": 24, "DK": 18, "NO": 15, "FI": 18, "AT": 20, "CH": 21, "LU": 20}

// NormaliseNINumber checks a UK national insurance number and writes it
// as "AB 12 34 56 C".
func NormaliseNINumber(v string) (string, bool) {
	s := strings.ToUpper(spacesRE.ReplaceAllString(v, ""))
	if !niRE.MatchString(s) {
		return "", false
	}
	for _, bad := range niNotPrefixes {
		if s[:2] == bad {
			return "", false
		}
	}
	return s[0:2] + " " + s[2:4] + " " + s[4:6] + " " + s[6:8] + " " + s[8:], true
}

// maskField is a sensitive answer as staff other than admins see it.
func maskField(f FormField, v string) string {
	switch f.Type {
	case FieldIBAN: // the country stays: "GB•• •••• •••• •••• ••92 68"
		if len(v) > 2 {
			return v[:2] + Mask(v[2:], 4)
		}
	case FieldText, FieldChoice, FieldAddress:
		return "•••" // a name or relationship shows nothing
	}
	return Mask(v, 4)
}

// RightToWorkDocument is the kind of original a staff member saw.
type RightToWorkDocument string

// The documents that show a right to work (UK Home Office lists, simplified).
const (
	RTWUKPassport     RightToWorkDocument = "uk_passport"
	RTWPassportVisa   RightToWorkDocument = "passport_with_visa"
	RTWBRP            RightToWorkDocument = "biometric_residence_permit"
	RTWShareCode      RightToWorkDocument = "share_code"
	RTWBirthCertAndNI RightToWorkDocument = "birth_certificate_and_ni"
	RTWOther          RightToWorkDocument = "other"
)

// RightToWorkDocuments are the choices, in the order a form lists them.
var RightToWorkDocuments = []RightToWorkDocument{RTWUKPassport, RTWPassportVisa, RTWBRP, RTWShareCode, RTWBirthCertAndNI, RTWOther}

// Label is the document in words.
func (d RightToWorkDocument) Label() string {
	return map[RightToWorkDocument]string{RTWUKPassport: "UK or Irish passport", RTWPassportVisa: "Passport with a visa",
		RTWBRP: "Biometric residence permit", RTWShareCode: "Online check with a share code",
		RTWBirthCertAndNI: "Birth certificate with national insurance number", RTWOther: "Other document"}[d]
}

// RightToWorkExpiryWarning is how far ahead an expiring document is flagged.
const RightToWorkExpiryWarning = 30 // days

// RightToWorkFlag says what is wrong with a right-to-work check, "" when
// nothing is: not recorded while the task is due (overdue), or a document
// that has expired, expires before the start date, or within 30 days.
// today and start are dates; expires nil means no expiry.
func RightToWorkFlag(recorded bool, due time.Time, expires *time.Time, start, today time.Time) string {
	today, start = dateOnly(today), dateOnly(start)
	switch {
	case !recorded && today.After(dateOnly(due)):
		return fmt.Sprintf("Overdue: nobody has recorded seeing the original document (due %s).", due.Format("2 January 2006"))
	case !recorded || expires == nil:
		return ""
	case dateOnly(*expires).Before(today):
		return fmt.Sprintf("The document expired on %s.", expires.Format("2 January 2006"))
	case dateOnly(*expires).Before(start):
		return fmt.Sprintf("The document expires on %s, before the start date.", expires.Format("2 January 2006"))
	case !dateOnly(*expires).After(today.AddDate(0, 0, RightToWorkExpiryWarning)):
		return fmt.Sprintf("The document expires within %d days, on %s.", RightToWorkExpiryWarning, expires.Format("2 January 2006"))
	}
	return ""
}
