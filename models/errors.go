package models

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Sentinel errors. handlers/errors.go maps them to HTTP answers.
var (
	ErrNotFound  = errors.New("not found")
	ErrForbidden = errors.New("forbidden")
	ErrConflict  = errors.New("conflict")
)

// ValidationError carries one message per form field, plus an optional
// message about the whole form under the key "".
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if k == "" {
			parts = append(parts, e.Fields[k])
		} else {
			parts = append(parts, k+": "+e.Fields[k])
		}
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Add records a message for field unless one is already there.
func (e *ValidationError) Add(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// Err returns the error when it holds any message, nil otherwise.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Invalid builds a one-field validation error.
func Invalid(field, msg string) error {
	return &ValidationError{Fields: map[string]string{field: msg}}
}

// FieldErrors extracts the field messages of err, or nil.
func FieldErrors(err error) map[string]string {
	var v *ValidationError
	if errors.As(err, &v) {
		return v.Fields
	}
	return nil
}

// Unavailable reports whether err means the database cannot be reached right
// now (refused or dropped connections, a server shutting down or starting):
// the request may succeed in a moment, so it is a 503, not a 500.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var connErr *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &connErr), errors.As(err, &netErr),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &pgErr):
		// Class 08: connection exceptions; 57P01–57P03: admin or crash shutdown, cannot connect now.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	return pgconn.SafeToRetry(err)
}

// RuleRefusalMessage is what a person reads when RefusedByRule.
const RuleRefusalMessage = "Nothing was saved: this change would alter something that is final, such as a signed contract or the audit trail, or skip a required step. Reload the page to see where things stand."

// RefusedByRule reports whether err is one of the database's own rules
// refusing a write (a trigger's RAISE EXCEPTION, SQLSTATE P0001): a signed
// contract is frozen, the audit log is append-only, a stage is written only
// through its one function. The app's own checks come first, so reaching one
// means the record changed under the request or a path forgot a rule: the
// person gets a conflict, never a 500.
func RefusedByRule(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "P0001"
}
