package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// accountPage shows password change and second-factor setup. A fresh TOTP
// secret is kept in the session until the person proves it with a code.
func (h *Handler) accountPage(c echo.Context) error {
	return h.renderAccount(c, http.StatusOK, nil)
}

func (h *Handler) renderAccount(c echo.Context, status int, errs map[string]string) error {
	u := currentStaff(c)
	byLink, _ := session(c).Values[keyResetLink].(bool)
	props := views.AccountProps{Layout: h.layout(c, "Your account"), User: u, Errors: errs, TOTPRequired: h.cfg.RequireTOTP,
		SignedInByLink: byLink && u.PasswordHash != ""}
	if !u.TOTPEnabled {
		sess := session(c)
		secret, _ := sess.Values[keyPendingTOTP].(string)
		if secret == "" {
			s, _, err := models.NewTOTPKey(u.Email)
			if err != nil {
				return err
			}
			secret = s
			sess.Values[keyPendingTOTP] = secret
			if err := sess.Save(c.Request(), c.Response()); err != nil {
				return err
			}
		}
		props.TOTPSecret = secret
		props.TOTPURL = models.TOTPURL(u.Email, secret)
		if qr, err := models.TOTPQRCode(props.TOTPURL); err == nil {
			props.TOTPQR = qr
		}
	}
	return render(c, status, views.AccountPage(props))
}

func (h *Handler) accountPassword(c echo.Context) error {
	u := currentStaff(c)
	next := c.FormValue("new_password")
	if next != c.FormValue("confirm_password") {
		return h.renderAccount(c, http.StatusUnprocessableEntity, map[string]string{"confirm_password": "The two new passwords do not match."})
	}
	sess := session(c)
	byLink, _ := sess.Values[keyResetLink].(bool)
	err := h.store.ChangePassword(c.Request().Context(), actor(c), u.ID, models.PasswordChange{
		Current: c.FormValue("current_password"), New: next, ByResetLink: byLink, KeepSession: models.HashSecret(sess.ID)})
	if r := h.formRefusal(err); r != nil {
		return h.renderAccount(c, statusOf(r.Code), formErrors(r))
	}
	if err != nil {
		return err
	}
	delete(sess.Values, keyResetLink) // once
	h.setFlash(c, "Your password has been changed. You have been signed out everywhere else.")
	return redirect(c, views.AccountPath)
}

func (h *Handler) accountTOTPEnable(c echo.Context) error {
	u := currentStaff(c)
	sess := session(c)
	secret, _ := sess.Values[keyPendingTOTP].(string)
	if secret == "" {
		return redirect(c, views.AccountPath)
	}
	err := h.store.EnableTOTP(c.Request().Context(), actor(c), u.ID, secret, c.FormValue("code"))
	if r := h.formRefusal(err); r != nil {
		return h.renderAccount(c, statusOf(r.Code), formErrors(r))
	}
	if err != nil {
		return err
	}
	delete(sess.Values, keyPendingTOTP)
	h.setFlash(c, "Two-step sign-in is on. You will be asked for a code from your app at each sign-in.")
	return redirect(c, views.AccountPath)
}

func (h *Handler) accountTOTPDisable(c echo.Context) error {
	if h.cfg.RequireTOTP {
		return h.renderAccount(c, http.StatusUnprocessableEntity, map[string]string{"totp": "Your organisation requires two-step sign-in; it cannot be turned off."})
	}
	err := h.store.DisableTOTP(c.Request().Context(), actor(c), currentStaff(c).ID, c.FormValue("proof"))
	if r := h.formRefusal(err); r != nil {
		return h.renderAccount(c, statusOf(r.Code), formErrors(r))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "Two-step sign-in is off.")
	return redirect(c, views.AccountPath)
}

func (h *Handler) accountJobTitle(c echo.Context) error {
	title := c.FormValue("job_title")
	if err := h.store.SetJobTitle(c.Request().Context(), actor(c), title); err != nil {
		if r := h.formRefusal(err); r != nil {
			currentStaff(c).JobTitle = title // this request's copy: the page shows what was typed
			return h.renderAccount(c, statusOf(r.Code), formErrors(r))
		}
		return err
	}
	h.setFlash(c, "Your job title has been saved. Candidates see it next to your name.")
	return redirect(c, views.AccountPath)
}

// accountZone keeps the staff member's own time zone ("" for the portal's).
func (h *Handler) accountZone(c echo.Context) error {
	zone := c.FormValue("time_zone")
	changed, err := h.store.SetStaffZone(c.Request().Context(), actor(c), zone)
	if r := h.formRefusal(err); r != nil {
		return h.renderAccount(c, statusOf(r.Code), formErrors(r))
	}
	if err != nil {
		return err
	}
	switch {
	case !changed:
		h.setFlash(c, "Nothing to save: your time zone is as it was.")
	case zone == "":
		h.setFlash(c, "Your pages show times in the portal's time zone again.")
	default:
		h.setFlash(c, "Your time zone is saved: your pages show times in it, and the times you enter are read in it.")
	}
	return redirect(c, views.AccountPath)
}

// accountDigest turns the daily Needs-you email on (the box ticked) or off.
func (h *Handler) accountDigest(c echo.Context) error {
	on := c.FormValue("digest") != ""
	if err := h.store.SetStaffDigest(c.Request().Context(), actor(c), on); err != nil {
		return err
	}
	if on {
		h.setFlash(c, "You will get an email each morning when something waits for you.")
	} else {
		h.setFlash(c, "The daily email is off.")
	}
	return redirect(c, views.AccountPath)
}
