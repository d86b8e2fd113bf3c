package models

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestDueOnCountsWorkingDaysAsDates: weekends are skipped both ways, and a
// clock change between the start and the due day moves nothing (the due
// date is a date: Europe/London went to summer time on Sunday 29 March 2026).
func TestDueOnCountsWorkingDaysAsDates(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		start  time.Time
		offset int
		want   string
	}{
		{day("2026-04-02"), -5, "2026-03-26"},                           // Thu → Thu a week before, across the DST weekend
		{time.Date(2026, 4, 2, 0, 0, 0, 0, london), -5, "2026-03-26"},   // a start at local midnight (BST) is the same date
		{time.Date(2026, 4, 2, 23, 30, 0, 0, london), -5, "2026-03-26"}, // whatever its clock
		{time.Date(2026, 10, 26, 0, 0, 0, 0, london), -1, "2026-10-23"}, // Mon after the autumn change → Fri
		{day("2026-03-30"), -1, "2026-03-27"},                           // Mon → Fri
		{day("2026-03-27"), 1, "2026-03-30"},                            // Fri → Mon
		{day("2026-03-28"), 0, "2026-03-28"},                            // the start date itself, even a Saturday
		{day("2026-03-28"), -1, "2026-03-27"},                           // Sat → Fri
		{day("2026-03-29"), 1, "2026-03-30"},                            // Sun → Mon
		{day("2026-12-31"), -10, "2026-12-17"},                          // two weeks of working days
		{day("2027-01-04"), -2, "2026-12-31"},                           // across the new year
		{time.Date(2026, 3, 30, 0, 30, 0, 0, london), -1, "2026-03-27"}, // 29 Mar 23:30 UTC: still Monday's date
		{time.Date(2026, 3, 30, 0, 30, 0, 0, time.FixedZone("X", 3600)), 0, "2026-03-30"},
	} {
		if got := DueOn(tt.start, tt.offset).Format(time.DateOnly); got != tt.want {
			t.Errorf("DueOn(%s, %d) = %s, want %s", tt.start, tt.offset, got, tt.want)
		}
	}
}

// TestOverdueIsCountedInThePortalsTimeZone: a task is late once its due
// day has ended where the portal works, summer time included.
func TestOverdueIsCountedInThePortalsTimeZone(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	due := day("2026-03-31") // a Tuesday in summer time
	for _, tt := range []struct {
		now    time.Time
		loc    *time.Location
		status TaskStatus
		want   bool
	}{
		{time.Date(2026, 3, 31, 22, 59, 0, 0, time.UTC), london, TaskOpen, false}, // 23:59 BST on the due day
		{time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC), london, TaskOpen, true},  // 00:30 BST the day after
		{time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC), time.UTC, TaskOpen, false},
		{time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.UTC, TaskOpen, true},
		{time.Date(2026, 4, 9, 0, 0, 0, 0, time.UTC), london, TaskDone, false},
		{time.Date(2026, 4, 9, 0, 0, 0, 0, time.UTC), london, TaskSubmitted, true},
	} {
		if got := Overdue(due, tt.status, tt.now, tt.loc); got != tt.want {
			t.Errorf("Overdue(%s, %s, %s in %s) = %v, want %v", due.Format(time.DateOnly), tt.status, tt.now, tt.loc, got, tt.want)
		}
	}
}

func TestBankAndNationalInsuranceValidation(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string // "" = refused
	}{
		{"GB29 NWBK 6016 1331 9268 19", "GB29 NWBK 6016 1331 9268 19"},
		{"gb29nwbk60161331926819", "GB29 NWBK 6016 1331 9268 19"},
		{"DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"},
		{"GB28 NWBK 6016 1331 9268 19", ""}, // a check digit wrong
		{"GB29 NWBK 6016 1331 9268 1", ""},  // one short for the UK
		{"DE89 3704 0044 0532 0130 0", ""},
		{"29GB NWBK 6016 1331 9268 19", ""},
		{"", ""},
	} {
		got, ok := NormaliseIBAN(tt.in)
		if (tt.want != "") != ok || got != tt.want {
			t.Errorf("NormaliseIBAN(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"AB123456C", "AB 12 34 56 C"}, {"jg 10 37 59 a", "JG 10 37 59 A"}, {"AB-12-34-56-D", "AB 12 34 56 D"},
		{"AB123456E", ""}, {"DA123456A", ""}, {"AO123456A", ""}, {"QQ123456C", ""}, {"GB123456A", ""}, {"NK123456A", ""},
		{"TN123456A", ""}, {"AB12345C", ""}, {"AB1234567C", ""}, {"", ""},
	} {
		got, ok := NormaliseNINumber(tt.in)
		if (tt.want != "") != ok || got != tt.want {
			t.Errorf("NormaliseNINumber(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	base := map[string]string{"home_address": "1 High St", "phone": "+44 20 7946 0000", "date_of_birth": "1990-01-02", "ni_number": "AB123456C",
		"emergency_contact_name": "Sam", "emergency_contact_relationship": "friend", "emergency_contact_phone": "020 7946 0001"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tt := range []struct {
		name    string
		in      map[string]string
		problem string // the field refused, "" when accepted
	}{
		{"an IBAN", with("iban", "GB29NWBK60161331926819"), ""},
		{"a sort code and account", with("sort_code", "12 34 56", "account_number", "12345678"), ""},
		{"no bank account", with(), "iban"},
		{"both", with("iban", "GB29NWBK60161331926819", "sort_code", "123456", "account_number", "12345678"), "iban"},
		{"a sort code alone", with("sort_code", "123456"), "account_number"},
		{"an account alone", with("account_number", "12345678"), "sort_code"},
		{"a five-digit sort code", with("sort_code", "12345", "account_number", "12345678"), "sort_code"},
		{"a seven-digit account", with("sort_code", "123456", "account_number", "1234567"), "account_number"},
		{"a bad IBAN", with("iban", "GB00NWBK60161331926819"), "iban"},
		{"a bad NI number", with("iban", "GB29NWBK60161331926819", "ni_number", "AB123456E"), "ni_number"},
		{"a bad date", with("iban", "GB29NWBK60161331926819", "date_of_birth", "2/1/1990"), "date_of_birth"},
		{"an unknown relationship", with("iban", "GB29NWBK60161331926819", "emergency_contact_relationship", "cousin"), "emergency_contact_relationship"},
		{"a phone of letters", with("iban", "GB29NWBK60161331926819", "phone", "call me"), "phone"},
		{"a missing emergency contact", with("iban", "GB29NWBK60161331926819", "emergency_contact_name", " "), "emergency_contact_name"},
		{"an answer too long", with("iban", "GB29NWBK60161331926819", "home_address", strings.Repeat("a", 501)), "home_address"},
	} {
		answers, err := ValidateForm(FormPersonalDetails, tt.in)
		fields := FieldErrors(err)
		switch {
		case tt.problem == "" && err != nil:
			t.Errorf("%s: refused: %v", tt.name, err)
		case tt.problem != "" && fields[tt.problem] == "":
			t.Errorf("%s: %v, want a problem at %s", tt.name, fields, tt.problem)
		case tt.problem == "" && len(answers) == 0:
			t.Errorf("%s: no answers", tt.name)
		}
	}
}

func TestHireBlockersNameWhatIsMissing(t *testing.T) {
	task := func(title string, kind TaskKind, status TaskStatus, required bool) OnboardingTask {
		return OnboardingTask{Title: title, Kind: kind, Status: status, Required: required}
	}
	for _, tt := range []struct {
		name  string
		tasks []OnboardingTask
		want  []string // sentences' parts; nil: no refusal
	}{
		{"no checklist", nil, nil},
		{"all done", []OnboardingTask{task("A", TaskConfirm, TaskDone, true), task("B", TaskUpload, TaskDone, true)}, nil},
		{"an optional task open", []OnboardingTask{task("A", TaskConfirm, TaskDone, true), task("B", TaskStaff, TaskOpen, false)}, nil},
		{"a required task open", []OnboardingTask{task("Laptop", TaskStaff, TaskOpen, true)}, []string{"still open: Laptop"}},
		{"a document unverified", []OnboardingTask{task("Passport", TaskUpload, TaskSubmitted, true)}, []string{"waiting for verification: Passport"}},
		{"a document returned", []OnboardingTask{task("Passport", TaskUpload, TaskReturned, true)}, []string{"still open: Passport"}},
		{"both", []OnboardingTask{task("Form", TaskForm, TaskOpen, true), task("Passport", TaskUpload, TaskSubmitted, true)},
			[]string{"still open: Form", "waiting for verification: Passport"}},
	} {
		err := HireBlockers(tt.tasks)
		if (err == nil) != (tt.want == nil) {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", tt.name, err, w)
			}
		}
	}
}

func TestRightToWorkFlags(t *testing.T) {
	start, due, today := day("2027-01-04"), day("2026-12-24"), day("2026-12-01")
	ptr := func(s string) *time.Time { d := day(s); return &d }
	for _, tt := range []struct {
		name     string
		recorded bool
		expires  *time.Time
		today    time.Time
		want     string // part of the flag; "" = none
	}{
		{"not recorded, not due", false, nil, today, ""},
		{"not recorded, overdue", false, nil, day("2026-12-25"), "Overdue"},
		{"no expiry", true, nil, day("2026-12-25"), ""},
		{"expired", true, ptr("2026-11-30"), today, "expired"},
		{"expires before the start", true, ptr("2027-01-03"), today, "before the start date"},
		{"expires within 30 days", true, ptr("2027-01-20"), day("2026-12-22"), "within 30 days"},
		{"expires on the 30th day", true, ptr("2027-01-21"), day("2026-12-22"), "within 30 days"},
		{"expires later", true, ptr("2027-01-22"), day("2026-12-22"), ""},
	} {
		got := RightToWorkFlag(tt.recorded, due, tt.expires, start, tt.today)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestMasking(t *testing.T) {
	iban := FormField{Type: FieldIBAN}
	for _, tt := range []struct {
		f        FormField
		in, want string
	}{
		{iban, "GB29 NWBK 6016 1331 9268 19", "GB•• •••• •••• •••• ••68 19"},
		{FormField{Type: FieldAccountNumber}, "12345678", "••••5678"},
		{FormField{Type: FieldSortCode}, "12-34-56", "••-••-••"},
		{FormField{Type: FieldNINumber}, "AB 12 34 56 C", "•• •• •4 56 C"},
		{FormField{Type: FieldText}, "Sam Demo", "•••"},
		{FormField{Type: FieldPhone}, "+44 20 7946 0001", "+•• •• •••• 0001"},
	} {
		if got := maskField(tt.f, tt.in); got != tt.want {
			t.Errorf("maskField(%s, %q) = %q, want %q", tt.f.Type, tt.in, got, tt.want)
		}
	}
}

// TestSealingFailsLoudlyWithTheWrongKey: a value opens with the key that
// sealed it, and with no other, even one sharing its id byte.
func TestSealingFailsLoudlyWithTheWrongKey(t *testing.T) {
	a, b := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	ringA, _ := newKeyRing([][]byte{a})
	ringB, _ := newKeyRing([][]byte{b})
	sealed, err := ringA.seal([]byte("GB29 NWBK 6016 1331 9268 19"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("NWBK")) || sealed[0] != sealVersion || sealed[1] != keyID(a) {
		t.Fatalf("sealed value %x", sealed)
	}
	if plain, err := ringA.open(sealed); err != nil || string(plain) != "GB29 NWBK 6016 1331 9268 19" {
		t.Errorf("open with the right key = %q, %v", plain, err)
	}
	if plain, err := ringB.open(sealed); err == nil {
		t.Errorf("the wrong key opened it: %q", plain)
	}
	forged := append([]byte(nil), sealed...)
	forged[1] = keyID(b)
	if _, err := ringB.open(forged); err == nil {
		t.Error("the wrong key opened a value relabelled with its id")
	}
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)-1] ^= 1
	if _, err := ringA.open(tampered); err == nil {
		t.Error("a tampered value opened")
	}
	again, _ := ringA.seal([]byte("GB29 NWBK 6016 1331 9268 19"))
	if bytes.Equal(again, sealed) {
		t.Error("two seals of one value are equal: the nonce repeats")
	}
}
