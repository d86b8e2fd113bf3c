package handlers

import (
	"errors"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"nextstep/models"
)

// action is one state change posted from a form.
type action struct {
	// do makes the change.
	do func() error
	// flash is what the person reads afterwards; asked after do, so it can
	// say what happened.
	flash func() string
	// next is where the browser goes after the change (POST-redirect-GET).
	next string
	// again shows the form once more, with the input kept and the refusal
	// at its field; nil sends every refusal to the error page.
	again func(status int, refusal *models.Error) error
}

// act runs a: a change that is done flashes and redirects; a refusal the
// form can show (bad input, a state that does not allow it now, a used-up
// link) shows the form again with its sentence; anything else (not found,
// not allowed, faults) goes to the error page.
func (h *Handler) act(c echo.Context, a action) error {
	err := a.do()
	if r := h.formRefusal(err); r != nil && a.again != nil {
		return a.again(statusOf(r.Code), r)
	}
	if err != nil {
		return err
	}
	if a.flash != nil {
		h.setFlash(c, a.flash())
	}
	return redirect(c, a.next)
}

// fixed is a flash that does not depend on what the action did.
func fixed(flash string) func() string { return func() string { return flash } }

// formRefusal is err's refusal when the form it came from can show it, nil
// otherwise. A refusal that came from the database (a CHECK or a trigger:
// a write that got past the app's own checks) is logged too.
func (h *Handler) formRefusal(err error) *models.Error {
	r := refusalOf(err, models.CodeInvalid, models.CodeConflict, models.CodeGone)
	if r != nil && errors.Unwrap(r) != nil {
		h.log.Warn("refused by the database", "err", err)
	}
	return r
}

// refusalOf is err's refusal when its code is one of codes, nil otherwise.
func refusalOf(err error, codes ...models.Code) *models.Error {
	r := models.ErrorOf(err)
	if r == nil || !slices.Contains(codes, r.Code) {
		return nil
	}
	return r
}

// formErrors is a refusal's messages by field for a form's error summary,
// with a whole-form message under "form".
func formErrors(r *models.Error) map[string]string {
	if r == nil {
		return nil
	}
	fields := r.Fields()
	if msg, ok := fields[""]; ok {
		delete(fields, "")
		fields["form"] = msg
	}
	return fields
}

// sentence is a refusal as one paragraph, for pages that show a single
// problem above the form.
func sentence(r *models.Error) string {
	if r == nil {
		return ""
	}
	return strings.Join(r.Messages(), " ")
}
