package models

import (
	"errors"
	"sort"
	"strings"
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
