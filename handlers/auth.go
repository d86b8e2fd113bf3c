package handlers

import (
	"net/http"
	"net/url"
	pathpkg "path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

func (h *Handler) home(c echo.Context) error {
	switch {
	case currentStaff(c) != nil:
		return redirect(c, "/admin")
	case currentCandidate(c) != nil:
		return redirect(c, "/me")
	}
	return redirect(c, "/signin")
}

func (h *Handler) candidateSignInForm(c echo.Context) error {
	return render(c, http.StatusOK, views.CandidateSignInPage(views.CandidateSignInProps{
		Layout: h.layout(c, "Sign in"), Next: candidateNext(c.QueryParam("next"))}))
}

func (h *Handler) candidateSignInRequest(c echo.Context) error {
	start := time.Now()
	email := strings.TrimSpace(c.FormValue("email"))
	next := candidateNext(c.FormValue("next"))
	// The page the candidate was sent here from waits in this browser's
	// session, saved before the link is even written: the email's round trip
	// carries only the token, and following it here brings them back there.
	if err := h.rememberSignInNext(c, next); err != nil {
		return err
	}
	err := h.store.RequestCandidateLink(c.Request().Context(), email, c.RealIP())
	if r := h.formRefusal(err); r != nil {
		return render(c, statusOf(r.Code), views.CandidateSignInPage(views.CandidateSignInProps{
			Layout: h.layout(c, "Sign in"), Email: email, Next: next, Errors: formErrors(r)}))
	}
	if err != nil {
		return err
	}
	// A known address does more work (a token, a message) than an unknown
	// one; answering no sooner than a fixed time keeps timing from telling
	// who is a candidate here.
	select {
	case <-time.After(time.Until(start.Add(h.cfg.SignInAnswerTime))):
	case <-c.Request().Context().Done():
	}
	return redirect(c, "/signin/sent")
}

func (h *Handler) candidateSignInSent(c echo.Context) error {
	title := "Your link has been prepared"
	if h.cfg.EmailEnabled {
		title = "Check your email"
	}
	return render(c, http.StatusOK, views.SignInSentPage(h.layout(c, title)))
}

// signInLinkForm only shows a button: mail scanners follow GET links, so
// opening the link must not spend it.
func (h *Handler) signInLinkForm(c echo.Context) error {
	return render(c, http.StatusOK, views.SignInContinuePage(views.SignInContinueProps{
		Layout: h.layout(c, "Continue to Nextstep"), Token: c.Param("token")}))
}

func (h *Handler) signInLinkConsume(c echo.Context) error {
	token := c.Param("token")
	// Read before the session is rotated (which keeps no values).
	next, _ := session(c).Values[keyNext].(string)
	who, err := h.store.ConsumeSignInToken(c.Request().Context(), token, actor(c))
	if refusalOf(err, models.CodeGone) != nil {
		return render(c, http.StatusGone, views.SignInContinuePage(views.SignInContinueProps{
			Layout: h.layout(c, "Link no longer valid"), Invalid: true}))
	}
	if err != nil {
		return err
	}
	sess := session(c)
	if err := h.sessions.Rotate(c.Request(), sess); err != nil {
		return err
	}
	if who.StaffID != 0 {
		u, err := h.store.GetStaff(c.Request().Context(), who.StaffID)
		if err != nil {
			return err
		}
		if u.TOTPEnabled {
			// A link replaces the password, never the second factor.
			sess.Values[keyPendingStaffID] = u.ID
			sess.Values[keyNext] = views.AccountPath
			sess.Values[keyResetLink] = true
			if err := sess.Save(c.Request(), c.Response()); err != nil {
				return err
			}
			return redirect(c, "/staff/login/totp")
		}
		sess.Values[keyStaffID] = who.StaffID
		sess.Values[keyResetLink] = true
	} else {
		sess.Values[keyCandidateID] = who.CandidateID
	}
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	if who.StaffID != 0 {
		u, err := h.store.GetStaff(c.Request().Context(), who.StaffID)
		if err != nil {
			return err
		}
		if u.PasswordHash == "" {
			h.setFlash(c, "Welcome to Nextstep. Choose a password so you can sign in next time.")
			return redirect(c, views.AccountPath)
		}
		return redirect(c, "/admin")
	}
	if next = candidateNext(next); next != "" {
		return redirect(c, next)
	}
	return redirect(c, "/me")
}

// rememberSignInNext keeps next (a candidate page, already checked) in the
// session until a sign-in link is used in this browser; an empty next
// forgets an earlier one, so an old request does not decide where a later
// sign-in lands.
func (h *Handler) rememberSignInNext(c echo.Context, next string) error {
	sess := session(c)
	if sess == nil {
		return nil
	}
	if old, _ := sess.Values[keyNext].(string); old == next {
		return nil
	}
	if next == "" {
		delete(sess.Values, keyNext)
	} else {
		sess.Values[keyNext] = next
	}
	return sess.Save(c.Request(), c.Response())
}

// candidateNext is where a candidate may be sent after signing in: a page of
// their own (/me, or a path under /me/) on this site, or "" for anything
// else. It refuses other sites in every spelling browsers accept (//host,
// /\host, https://host), staff pages, and paths that leave /me once a
// browser resolves them (/me/../admin, with dots or slashes percent-encoded).
func candidateNext(next string) string {
	if len(next) > 500 || safeNext(next, "") == "" || strings.ContainsAny(next, "\\") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Path != pathpkg.Clean(u.Path) {
		return ""
	}
	if u.Path != "/me" && !strings.HasPrefix(u.Path, "/me/") {
		return ""
	}
	return next
}

func (h *Handler) staffLoginForm(c echo.Context) error {
	if currentStaff(c) != nil {
		return redirect(c, "/admin")
	}
	return render(c, http.StatusOK, views.StaffLoginPage(views.StaffLoginProps{
		Layout: h.layout(c, "Staff sign-in"), Next: safeNext(c.QueryParam("next"), "")}))
}

func (h *Handler) staffLogin(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	password := c.FormValue("password")
	next := safeNext(c.FormValue("next"), "/admin")
	fail := func(status int, msg string) error {
		return render(c, status, views.StaffLoginPage(views.StaffLoginProps{
			Layout: h.layout(c, "Staff sign-in"), Email: email, Next: c.FormValue("next"), Error: msg}))
	}
	if email == "" || password == "" {
		return fail(http.StatusUnprocessableEntity, "Enter your email address and your password.")
	}
	if len(password) > 1024 || len(email) > 254 {
		return fail(http.StatusUnprocessableEntity, "The email or password is not correct.")
	}
	u, err := h.store.Authenticate(c.Request().Context(), email, password, c.RealIP())
	if r := refusalOf(err, models.CodeBusy, models.CodeRateLimited, models.CodeUnauthorized); r != nil {
		if r.Code == models.CodeBusy {
			c.Response().Header().Set("Retry-After", "5")
		}
		return fail(statusOf(r.Code), r.Message)
	}
	if err != nil {
		return err
	}
	sess := session(c)
	if err := h.sessions.Rotate(c.Request(), sess); err != nil {
		return err
	}
	if u.TOTPEnabled {
		sess.Values[keyPendingStaffID] = u.ID
		sess.Values[keyNext] = next
		if err := sess.Save(c.Request(), c.Response()); err != nil {
			return err
		}
		return redirect(c, "/staff/login/totp")
	}
	return h.completeStaffLogin(c, u, next, false)
}

// completeStaffLogin starts the staff session. byLink marks a session opened
// by a one-time link: it may set a new password once without the old one.
func (h *Handler) completeStaffLogin(c echo.Context, u *models.StaffUser, next string, byLink bool) error {
	sess := session(c)
	if err := h.sessions.Rotate(c.Request(), sess); err != nil {
		return err
	}
	sess.Values[keyStaffID] = u.ID
	if byLink {
		sess.Values[keyResetLink] = true
	}
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	a := models.Actor{Kind: "staff", ID: u.ID, Email: u.Email, IP: c.RealIP(), UserAgent: c.Request().UserAgent()}
	if err := h.store.Audit(c.Request().Context(), a, "staff.signed_in", "staff", u.ID, nil); err != nil {
		return err
	}
	return redirect(c, next)
}

func (h *Handler) staffTOTPForm(c echo.Context) error {
	if _, ok := session(c).Values[keyPendingStaffID].(int64); !ok {
		return redirect(c, "/staff/login")
	}
	return render(c, http.StatusOK, views.StaffTOTPPage(views.StaffTOTPProps{Layout: h.layout(c, "Enter your code")}))
}

func (h *Handler) staffTOTP(c echo.Context) error {
	sess := session(c)
	id, ok := sess.Values[keyPendingStaffID].(int64)
	if !ok {
		return redirect(c, "/staff/login")
	}
	u, err := h.store.GetStaff(c.Request().Context(), id)
	if err != nil || !u.Active {
		return redirect(c, "/staff/login")
	}
	// Wrong codes count as failed sign-ins, so guessing is rate-limited too.
	ctx := c.Request().Context()
	attempt, err := h.store.BeginLoginAttempt(ctx, u.Email, c.RealIP())
	if err == nil {
		err = h.store.AcceptTOTP(ctx, u, c.FormValue("code"))
	}
	if r := refusalOf(err, models.CodeRateLimited, models.CodeUnauthorized); r != nil {
		if r.Code == models.CodeUnauthorized && h.cfg.Metrics != nil {
			h.cfg.Metrics.SignInFailed("second_factor") // a throttled attempt was counted by the store
		}
		return render(c, statusOf(r.Code), views.StaffTOTPPage(views.StaffTOTPProps{Layout: h.layout(c, "Enter your code"), Error: r.Message}))
	}
	if err != nil {
		return err
	}
	if err := h.store.FinishLoginAttempt(ctx, attempt); err != nil {
		return err
	}
	next, _ := sess.Values[keyNext].(string)
	byLink, _ := sess.Values[keyResetLink].(bool)
	return h.completeStaffLogin(c, u, safeNext(next, "/admin"), byLink)
}

func (h *Handler) logout(c echo.Context) error {
	wasStaff := currentStaff(c) != nil
	if sess := session(c); sess != nil {
		if err := h.endSession(c, sess); err != nil {
			return err
		}
	}
	if wasStaff {
		return redirect(c, "/staff/login")
	}
	return redirect(c, "/signin")
}
