package handlers

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"nextstep/models"
	"nextstep/views"
)

const (
	ctxSession   = "session"
	ctxStaff     = "staff"
	ctxCandidate = "candidate"
	ctxNonce     = "csp_nonce"
)

// securityHeaders sets the headers every response carries. Served under an
// https:// base URL (secure), browsers are also told to use HTTPS only for a
// year (HSTS; subdomains are the organisation's own business).
func securityHeaders(secure bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			nonceBytes := make([]byte, 16)
			_, _ = rand.Read(nonceBytes)
			nonce := base64.StdEncoding.EncodeToString(nonceBytes)
			c.Set(ctxNonce, nonce)
			hd := c.Response().Header()
			hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-"+nonce+"'; style-src 'self'; img-src 'self' data:; "+
				"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
			hd.Set("X-Content-Type-Options", "nosniff")
			hd.Set("Referrer-Policy", "same-origin")
			hd.Set("X-Frame-Options", "DENY")
			hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			if secure {
				hd.Set("Strict-Transport-Security", "max-age=31536000")
			}
			return next(c)
		}
	}
}

// headAsGet answers a HEAD request with the GET route of its path: the same
// status and headers, no body (RFC 9110). Link checkers and mail scanners
// probe links with HEAD; a 404 there reports a working page as broken. The
// request's context is marked models.Peek, so nothing the GET would record
// about being read is recorded.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodHead {
			return next(c)
		}
		// Echo routes with the request it was given, so its method changes in
		// place (as Echo's own method-override middleware does); it is HEAD
		// again before net/http writes the answer, so no body goes out.
		r.Method = http.MethodGet
		defer func() { r.Method = http.MethodHead }()
		c.SetRequest(r.WithContext(models.Peek(r.Context())))
		w := &headWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = w
		if err := next(c); err != nil {
			c.Error(err) // the error page, measured like any other body
		}
		w.finish()
		return nil
	}
}

// headWriter drops the body of a HEAD answer, holding the header back until
// the handler is done so that Content-Length can give the GET body's size.
type headWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (w *headWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *headWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.size += len(p)
	return len(p), nil
}

// Flush has nothing to send before the end.
func (w *headWriter) Flush() {}

func (w *headWriter) finish() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	h := w.ResponseWriter.Header()
	if h.Get("Content-Length") == "" && w.size > 0 {
		h.Set("Content-Length", strconv.Itoa(w.size))
	}
	w.ResponseWriter.WriteHeader(w.status)
}

func csrfMiddleware(secure bool) echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz"
		},
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		CookieName:     "nextstep_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   secure,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "This form has expired or did not come from Nextstep. Go back, reload the page and try again.")
		},
	})
}

func csrfToken(c echo.Context) string {
	if t, ok := c.Get(middleware.DefaultCSRFConfig.ContextKey).(string); ok {
		return t
	}
	return ""
}

// loadSession finds the signed-in person, ends sessions of deactivated staff,
// and keeps the session's last-seen time fresh for the idle timeout.
func (h *Handler) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		sess, err := h.sessions.Get(r, sessionName)
		if err != nil {
			return err
		}
		c.Set(ctxSession, sess)
		signedIn := false
		person := loadedPerson(sess)
		if id, ok := sess.Values[keyStaffID].(int64); ok {
			switch u := person.StaffOrNil(); {
			case u != nil && u.ID == id && u.Active:
				c.Set(ctxStaff, u)
				signedIn = true
			default:
				h.log.Info("ending session of inactive staff member", "staff_id", id)
				if err := h.endSession(c, sess); err != nil {
					return err
				}
			}
		} else if id, ok := sess.Values[keyCandidateID].(int64); ok {
			if cand := person.CandidateOrNil(); cand != nil && cand.ID == id {
				c.Set(ctxCandidate, cand)
				signedIn = true
			} else if err := h.endSession(c, sess); err != nil {
				return err
			}
		}
		if signedIn {
			c.Response().Header().Set("Cache-Control", "no-store")
			// Refresh last-seen at most once a minute: enough for a 2-hour idle timeout.
			now := h.clock.Now().Unix()
			if seen, _ := sess.Values[keySeen].(int64); now-seen >= 60 {
				sess.Values[keySeen] = now
				if err := sess.Save(r, c.Response()); err != nil {
					return err
				}
			}
		}
		return next(c)
	}
}

func (h *Handler) endSession(c echo.Context, sess *sessions.Session) error {
	sess.Options.MaxAge = -1
	err := sess.Save(c.Request(), c.Response())
	sess.Values = map[any]any{}
	sess.ID = ""
	sess.Options.MaxAge = 0
	return err
}

func session(c echo.Context) *sessions.Session {
	s, _ := c.Get(ctxSession).(*sessions.Session)
	return s
}

func currentStaff(c echo.Context) *models.StaffUser {
	u, _ := c.Get(ctxStaff).(*models.StaffUser)
	return u
}

func currentCandidate(c echo.Context) *models.Candidate {
	u, _ := c.Get(ctxCandidate).(*models.Candidate)
	return u
}

// requireStaff lets through signed-in staff. Staff who must set up a second
// factor first are sent to their account page.
func (h *Handler) requireStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := currentStaff(c)
		if u == nil {
			if c.Request().Method == http.MethodGet {
				return redirect(c, "/staff/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			return echo.NewHTTPError(http.StatusUnauthorized, "Please sign in again; your session has ended.")
		}
		if h.cfg.RequireTOTP && !u.TOTPEnabled && !strings.HasPrefix(c.Request().URL.Path, views.AccountPath) {
			h.setFlash(c, "Your organisation requires a second sign-in factor. Set up your authenticator app to continue.")
			return redirect(c, views.AccountPath)
		}
		return next(c)
	}
}

// requireRole lets through staff holding one of roles; it runs after requireStaff.
func requireRole(roles ...models.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if u := currentStaff(c); u == nil || !slices.Contains(roles, u.Role) {
				return models.ErrForbidden
			}
			return next(c)
		}
	}
}

// requireCandidate lets through signed-in candidates only.
func (h *Handler) requireCandidate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentCandidate(c) == nil {
			if c.Request().Method == http.MethodGet {
				// Back to this page after signing in (an email's deep link), as staff return.
				if uri := c.Request().URL.RequestURI(); uri != "/me" && candidateNext(uri) != "" {
					return redirect(c, "/signin?next="+url.QueryEscape(uri))
				}
				return redirect(c, "/signin")
			}
			return echo.NewHTTPError(http.StatusUnauthorized, "Please sign in again; your session has ended.")
		}
		return next(c)
	}
}

func (h *Handler) setFlash(c echo.Context, msg string) {
	sess := session(c)
	if sess == nil {
		return
	}
	sess.Values[keyFlash] = msg
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		h.log.Error("saving flash", "err", err)
	}
}

func (h *Handler) popFlash(c echo.Context) string {
	sess := session(c)
	if sess == nil {
		return ""
	}
	msg, ok := sess.Values[keyFlash].(string)
	if !ok {
		return ""
	}
	delete(sess.Values, keyFlash)
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		h.log.Error("clearing flash", "err", err)
	}
	return msg
}

// multiLineFields are the form fields that are textareas: only they may hold
// line breaks. Every other field is one line, and a line break there can
// only come from a crafted request (it would end a header or an .ics line).
// TestMultiLineFieldsMatchTheTextareas keeps this list in step with views/.
var multiLineFields = map[string]bool{
	"agenda": true, "answer": true, "benefits": true, "body": true, "bonus_equity": true, "directions": true,
	"extra": true, "message": true, "note": true, "personal_message": true, "question": true, "questions": true,
	"reason": true, "what_to_bring": true, "instructions": true, "notes": true, "proposal": true, "rationale": true, "criteria": true, "comment": true, "response": true,
	"finding": true, "how_to_dispute": true, "reply": true, "home_address": true, "address": true,
	"description": true, "focus_areas": true,
}

// MultiLineField reports whether a form field may hold line breaks: the
// textareas above, a scorecard's per-criterion notes ("note_<id>") and a
// referee's answers ("answer_<n>"; the free-text questions are textareas)
// and a round's suggested questions per criterion ("questions_<id>").
func MultiLineField(name string) bool {
	for _, prefix := range []string{"note_", "answer_", "questions_"} {
		if id, ok := strings.CutPrefix(name, prefix); ok && id != "" && strings.Trim(id, "0123456789") == "" {
			return true
		}
	}
	return multiLineFields[name]
}

// cleanInput reads query strings and forms (url-encoded and multipart) once
// for every handler: line breaks become LF (browsers send CRLF), and invalid
// UTF-8, NUL and other control characters, or a line break in a one-line
// field, are refused with a clear 400 instead of reaching the database, an
// email header or a calendar file.
func cleanInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		q := r.URL.Query()
		if !cleanValues(q, false) {
			return echo.NewHTTPError(http.StatusBadRequest, "The address contains characters we cannot read. Please check it and try again.")
		}
		if r.Method != http.MethodPost {
			return next(c)
		}
		mediaType, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
		switch mediaType {
		case echo.MIMEApplicationForm:
			if err := r.ParseForm(); err != nil {
				return unreadableForm(err)
			}
		case echo.MIMEMultipartForm:
			if err := r.ParseMultipartForm(multipartMemory); err != nil {
				return unreadableForm(err)
			}
			if !cleanValues(r.MultipartForm.Value, true) {
				return errBadCharacters
			}
		default:
			return next(c)
		}
		if !cleanValues(r.PostForm, true) || !cleanValues(r.Form, true) {
			return errBadCharacters
		}
		return next(c)
	}
}

// unreadableForm keeps the body limit's 413, and makes anything else a 400.
func unreadableForm(err error) error {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he
	}
	return echo.NewHTTPError(http.StatusBadRequest, "We could not read the form. Please try again.")
}

// multipartMemory is how much of an upload is kept in memory; the rest goes
// to a temporary file. The body limit caps the total.
const multipartMemory = 10 << 20

var errBadCharacters = echo.NewHTTPError(http.StatusBadRequest,
	"The form contains characters we cannot store (such as control characters, or a line break in a one-line field). Please remove them and try again.")

// cleanValues normalises line breaks in place and reports whether every key
// and value is acceptable. form says the values come from a form, where
// textareas may hold line breaks.
func cleanValues(vals map[string][]string, form bool) bool {
	for k, vs := range vals {
		if !utf8.ValidString(k) || hasControl(k, false) {
			return false
		}
		for i, v := range vs {
			if !utf8.ValidString(v) {
				return false
			}
			v = models.NormalizeNewlines(v)
			vs[i] = v
			if hasControl(v, form && MultiLineField(k)) {
				return false
			}
		}
	}
	return true
}

// hasControl reports C0 control characters (but TAB, and LF where allowed) and DEL.
func hasControl(s string, newlineAllowed bool) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\t' && !(newlineAllowed && r == '\n')) || r == 0x7f {
			return true
		}
	}
	return false
}
