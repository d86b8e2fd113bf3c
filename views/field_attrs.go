package views

import (
	"strconv"

	"github.com/a-h/templ"
)

// The attributes that tie a form field to its hint and its error message.

// invalid is the aria-invalid value of a field.
func invalid(errs map[string]string, field string) string {
	if _, ok := errs[field]; ok {
		return "true"
	}
	return "false"
}

// describedBy links an input to its error message when there is one, for an
// aria-describedby that names a hint as well.
func describedBy(errs map[string]string, field string) string {
	if _, ok := errs[field]; ok {
		return field + "-error"
	}
	return ""
}

// errorRef is the aria-describedby that links an input to its error message,
// and nothing when there is none: an empty aria-describedby is invalid HTML.
func errorRef(errs map[string]string, field string) templ.Attributes {
	if _, ok := errs[field]; ok {
		return templ.Attributes{"aria-describedby": field + "-error"}
	}
	return nil
}

// lengthAttrs is an input's maxlength, for the types that take one: a date,
// a month, a time or a number has no length in HTML.
func lengthAttrs(typ string, maxlen int) templ.Attributes {
	switch typ {
	case "", "text", "search", "url", "tel", "email", "password":
		return templ.Attributes{"maxlength": strconv.Itoa(maxlen)}
	}
	return nil
}

// describedWith is an aria-describedby naming a hint that is always there,
// and the field's error message when there is one.
func describedWith(hintID string, errs map[string]string, field string) string {
	if ref := describedBy(errs, field); ref != "" {
		return hintID + " " + ref
	}
	return hintID
}
