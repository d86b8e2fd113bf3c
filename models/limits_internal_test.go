package models

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// otherLengthRules are the CHECKs that mention a length without being a
// column's maximum, each with where the app keeps the rule.
var otherLengthRules = map[string]string{
	"decision_responses_check1":                 "a verdict needs a rationale of 3 characters or more: RespondDecision asks for reasons",
	"stored_files_size_is_data":                 "a file's size is its bytes' length: storeFile computes it",
	"check_webhook_events_payload_sha256_check": "a SHA-256 digest is 32 bytes: ApplyCheckEvent computes it",
	"erasure_requests_declined_has_reason":      "a declined erasure request says why: DeclineErasure asks for the reason",
}

var (
	maxPattern   = regexp.MustCompile(`\b(?:char_)?length\((\w+)\) <= (\d+)`)
	minPattern   = regexp.MustCompile(`\b(?:char_)?length\((\w+)\) >= (\d+)`)
	emptyPattern = regexp.MustCompile(`\((\w+) <> ''::text\)`)
)

// dbLength is one column's length rule as the database holds it.
type dbLength struct {
	constraint string
	max, min   int
}

// TestLimitsMatchTheDatabase reads every CHECK (length(column) <= N) of the
// migrated schema and compares it with the limits table: the same maximum
// (and minimum) for each table.column, a Go limit for every such CHECK and a
// CHECK for every Go limit not marked GoOnly, and a constraint name that
// ErrorOf turns into the field's refusal.
func TestLimitsMatchTheDatabase(t *testing.T) {
	s, _ := newTestStore(t)
	var rows []struct{ Tbl, Name, Def string }
	if err := s.db.Raw(`SELECT c.conrelid::regclass::text AS tbl, c.conname AS name, pg_get_constraintdef(c.oid) AS def
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE c.contype = 'c' AND n.nspname = current_schema()
		AND c.conrelid::regclass::text NOT LIKE 'river\_%'`).Scan(&rows).Error; err != nil { // River's tables are River's
		t.Fatal(err)
	}
	db := map[string]dbLength{}
	for _, r := range rows {
		if !strings.Contains(r.Def, "length(") {
			continue
		}
		maxes := maxPattern.FindAllStringSubmatch(r.Def, -1)
		if len(maxes) == 0 {
			if otherLengthRules[r.Name] == "" {
				t.Errorf("%s: %s is a length rule of a form this test does not read; add it to the limits table or to otherLengthRules", r.Name, r.Def)
			}
			continue
		}
		for _, m := range maxes {
			l := dbLength{constraint: r.Name}
			l.max, _ = strconv.Atoi(m[2])
			for _, mm := range minPattern.FindAllStringSubmatch(r.Def, -1) {
				if mm[1] == m[1] {
					l.min, _ = strconv.Atoi(mm[2])
				}
			}
			for _, e := range emptyPattern.FindAllStringSubmatch(r.Def, -1) {
				if e[1] == m[1] && l.min == 0 {
					l.min = 1
				}
			}
			db[r.Tbl+"."+m[1]] = l
		}
	}
	if len(db) < 50 {
		t.Fatalf("found only %d length CHECKs; the query is not reading the schema", len(db))
	}

	goCols := map[string]string{} // table.column → the limit's name
	eachLimit(func(name string, l limit) {
		for _, c := range l.Columns {
			goCols[c] = name
			d, ok := db[c]
			switch {
			case !ok:
				t.Errorf("limits.%s names %s, which has no CHECK (length(...) <= N)", name, c)
			case d.max != l.Max:
				t.Errorf("limits.%s allows %d characters, the CHECK %s on %s allows %d", name, l.Max, d.constraint, c, d.max)
			case d.min != l.Min:
				t.Errorf("limits.%s asks for %d characters at least, the CHECK %s on %s for %d", name, l.Min, d.constraint, c, d.min)
			}
		}
	})
	for col, d := range db {
		name, ok := goCols[col]
		if !ok {
			t.Errorf("%s has the CHECK %s (at most %d characters) but no entry in the limits table", col, d.constraint, d.max)
			continue
		}
		// The CHECK's name is the one lengthViolation looks up.
		e := ErrorOf(&pgconn.PgError{Code: "23514", ConstraintName: d.constraint})
		if e == nil || e.Code != CodeInvalid || e.Field != limitNamed(name).Field || e.Message == "" {
			t.Errorf("violating %s (limits.%s) = %+v, want an invalid input of %q", d.constraint, name, e, limitNamed(name).Field)
		}
	}
}

// TestLimitsTableIsWellFormed checks each limit without a database: a
// maximum, the sentence's subject, a field unless no form writes it, and
// either the columns whose CHECK holds it or why none does, each column in
// one limit only.
func TestLimitsTableIsWellFormed(t *testing.T) {
	cols := map[string]string{}
	n := 0
	eachLimit(func(name string, l limit) {
		n++
		if l.Max <= 0 || l.Min < 0 || l.Min > l.Max || strings.TrimSpace(l.Subject) == "" {
			t.Errorf("limits.%s needs a Max, a Min between 0 and Max, and a Subject", name)
		}
		if (len(l.Columns) == 0) == (l.GoOnly == "") {
			t.Errorf("limits.%s needs either the columns whose CHECK holds it or, in GoOnly, why none does", name)
		}
		if l.Field == "" && len(l.Columns) == 0 {
			t.Errorf("limits.%s has neither a form field nor a column", name)
		}
		for _, c := range l.Columns {
			if other, ok := cols[c]; ok {
				t.Errorf("%s is in limits.%s and limits.%s", c, other, name)
			}
			cols[c] = name
		}
	})
	if n < 50 {
		t.Errorf("eachLimit walked %d limits; it is not reading the table", n)
	}
}

// limitNamed is the limit of that name in the table.
func limitNamed(name string) (out limit) {
	eachLimit(func(n string, l limit) {
		if n == name {
			out = l
		}
	})
	return out
}

// TestLengthViolationIsTheFieldsRefusal writes past a CHECK directly, as a
// path that forgot the form's check would, and gets the field's refusal
// rather than an internal error; another CHECK stays an internal error.
func TestLengthViolationIsTheFieldsRefusal(t *testing.T) {
	s, _ := newTestStore(t)
	err := s.db.Exec("UPDATE candidates SET phone = repeat('9', 41) WHERE id = (SELECT min(id) FROM candidates)").Error
	e := ErrorOf(err)
	if e == nil || e.Code != CodeInvalid || e.Field != "phone" || e.Message != "The phone number is too long (40 characters at most)." {
		t.Fatalf("a 41-character phone number written directly: ErrorOf = %+v (from %v), want the phone field's refusal", e, err)
	}
	err = s.db.Exec("UPDATE positions SET title = '' WHERE id = (SELECT min(id) FROM positions)").Error
	if e := ErrorOf(err); e == nil || e.Code != CodeInvalid || e.Field != "title" || e.Message != "The title is empty or too long (200 characters at most)." {
		t.Errorf("an empty position title written directly: ErrorOf = %+v (from %v), want the title field's refusal", e, err)
	}
	err = s.db.Exec("UPDATE assessment_days SET location_address = '', online_url = ''").Error
	if err == nil {
		t.Fatal("a day with neither address nor link was accepted")
	}
	if e := ErrorOf(err); e != nil {
		t.Errorf("a CHECK that is not a length = %+v, want an internal error", e)
	}
}

// TestCheckLengthCountsCharacters counts as PostgreSQL's length does (runes,
// not bytes) and writes the one sentence, with thousands grouped from 10,000.
func TestCheckLengthCountsCharacters(t *testing.T) {
	if err := tooLong(strings.Repeat("é", 40), limits.Phone); err != nil {
		t.Errorf("40 two-byte characters in a 40-character field: %v", err)
	}
	e := ErrorOf(tooLong(strings.Repeat("é", 41), limits.Phone))
	if e == nil || e.Field != "phone" || e.Message != "The phone number is too long (40 characters at most)." {
		t.Errorf("41 characters = %+v", e)
	}
	var p Problems
	p.checkLength(strings.Repeat("x", 20001), limits.MessageBody)
	p.checkLength("short", limits.MessageSubject)
	p.checkLength(strings.Repeat("x", 2001), limits.ExtraAnswer.as("extra_3", "The answer is"))
	if f := FieldErrors(p.Err()); len(f) != 2 || f["body"] != "The message is too long (20,000 characters at most)." ||
		f["extra_3"] != "The answer is too long (2000 characters at most)." {
		t.Errorf("problems = %v", f)
	}
	for n, want := range map[int]string{40: "40 characters", 4000: "4000 characters", 20000: "20,000 characters", 100000: "100,000 characters", 1234567: "1,234,567 characters"} {
		if got := characters(n); got != want {
			t.Errorf("characters(%d) = %q, want %q", n, got, want)
		}
	}
}
