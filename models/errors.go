package models

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Code says what kind of refusal an Error is. handlers/errors.go turns each
// code into one HTTP status; nothing else maps errors to statuses.
type Code string

const (
	CodeNotFound     Code = "not_found"    // no such record, or not one the actor may see
	CodeForbidden    Code = "forbidden"    // the actor's role may not do this
	CodeConflict     Code = "conflict"     // the record's state does not allow it now
	CodeInvalid      Code = "invalid"      // the input is wrong; Field says which
	CodeGone         Code = "gone"         // a link or token that is used up or expired
	CodeBusy         Code = "busy"         // too much at once: try again in seconds
	CodeUnavailable  Code = "unavailable"  // the database cannot be reached just now
	CodeUnauthorized Code = "unauthorized" // wrong password or one-time code
	CodeRateLimited  Code = "rate_limited" // too many attempts: wait, then try again
)

// Error is the one refusal type of the domain, in the spirit of
// benbjohnson/wtf: a code for the handlers, the sentence a person reads, and
// the form field it is about ("" when it is about the whole request). The
// sentence is written where the refusal happens.
type Error struct {
	Code    Code
	Field   string
	Message string
	// others are the further field errors of the same form (see Problems).
	others []*Error
	// cause is what lies underneath (a database rule's own words), for the log.
	cause error
}

func (e *Error) Error() string {
	if e.cause != nil {
		return e.Message + " (" + e.cause.Error() + ")"
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.cause }

// Fields is every message of the refusal keyed by its field, "" for the
// whole request.
func (e *Error) Fields() map[string]string {
	out := map[string]string{e.Field: e.Message}
	for _, o := range e.others {
		if _, ok := out[o.Field]; !ok {
			out[o.Field] = o.Message
		}
	}
	return out
}

// Messages is every sentence of the refusal, the whole-request one first.
func (e *Error) Messages() []string {
	out := []string{e.Message}
	for _, o := range e.others {
		out = append(out, o.Message)
	}
	return out
}

// refusal builds a refusal about the whole request.
func refusal(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// Invalid builds a refusal of one input field.
func Invalid(field, message string) error {
	return &Error{Code: CodeInvalid, Field: field, Message: message}
}

// fault is a mistake in the program or its data (an unknown enum value, a
// broken invariant), not a refusal: the person sees the internal-error page
// and the log has the details.
func fault(format string, args ...any) error { return fmt.Errorf("fault: "+format, args...) }

// Refusals every feature can meet.
var (
	ErrNotFound  = refusal(CodeNotFound, "This page does not exist, or you do not have access to it.")
	ErrForbidden = refusal(CodeForbidden, "Your role does not allow this. Ask an admin if you think you need access.")
	ErrConflict  = refusal(CodeConflict, "Someone else changed this at the same time. Reload the page and try again.")
	ErrBusy      = refusal(CodeBusy, "Too many requests are being handled at once. Wait a few seconds and try again.")
)

// RuleRefusalMessage is what a person reads when a database rule refuses a
// write (see RefusedByRule).
const RuleRefusalMessage = "Nothing was saved: this change would alter something that is final, such as a signed contract or the audit trail, or skip a required step. Reload the page to see where things stand."

const unavailableMessage = "We cannot reach our database just now. Nothing you sent was half-saved. Please try again in a minute."

// ErrorOf returns the refusal err carries, nil when err is an internal
// failure. A database rule's refusal is a conflict, a text column's CHECK
// on its length (models/limits.go) is the field's invalid input, and an
// unreachable database is unavailable, each with its sentence.
func ErrorOf(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if l, ok := lengthViolation(err); ok {
		return &Error{Code: CodeInvalid, Field: l.Field, Message: l.violation(), cause: err}
	}
	if RefusedByRule(err) {
		return &Error{Code: CodeConflict, Message: RuleRefusalMessage, cause: err}
	}
	if Unavailable(err) {
		return &Error{Code: CodeUnavailable, Message: unavailableMessage, cause: err}
	}
	return nil
}

// ErrorCode is the code of err's refusal, "" for an internal failure.
func ErrorCode(err error) Code {
	if e := ErrorOf(err); e != nil {
		return e.Code
	}
	return ""
}

// FieldErrors is the messages of an invalid input by field, nil for any
// other error.
func FieldErrors(err error) map[string]string {
	if e := ErrorOf(err); e != nil && e.Code == CodeInvalid {
		return e.Fields()
	}
	return nil
}

// Problems collects the field errors of one form, so a person sees every
// mistake at once.
type Problems struct {
	list []*Error
}

// Add records a message for field unless one is already there.
func (p *Problems) Add(field, message string) {
	for _, e := range p.list {
		if e.Field == field {
			return
		}
	}
	p.list = append(p.list, &Error{Code: CodeInvalid, Field: field, Message: message})
}

// Has reports whether field has a message.
func (p *Problems) Has(field string) bool {
	for _, e := range p.list {
		if e.Field == field {
			return true
		}
	}
	return false
}

// Err returns the problems as one invalid-input refusal, nil when there are none.
func (p *Problems) Err() error {
	if p == nil || len(p.list) == 0 {
		return nil
	}
	// The whole-form message, if any, leads; then the fields in a stable order.
	list := append([]*Error(nil), p.list...)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Field == "" && list[j].Field != "" })
	first := *list[0]
	first.others = list[1:]
	return &first
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
