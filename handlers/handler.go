// Package handlers is Nextstep's HTTP layer: Echo routes, thin handlers that
// parse input, call one models.Store method and render a templ view.
package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/static"
	"nextstep/views"
)

// Config is what the HTTP layer needs to know about its deployment.
type Config struct {
	BaseURL         string
	SessionSecret   []byte
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	RequireTOTP     bool // every staff member must use a second factor
	Location        *time.Location
	TrustProxy      bool // take the client IP from X-Forwarded-For
	BodyLimit       string
	Version         string
	CompanyName     string // the employer named in contracts
	ContactEmail    string // shown to candidates for questions
	EmailEnabled    bool   // an SMTP server is configured: pages may promise email
	DevMailboxURL   string // development: the local mail catcher's newest message
	// DevMailbox, in development only, is the mail the in-process SMTP
	// receiver got: /dev/mailbox shows it. Nil: no such page (production).
	DevMailbox DevMailbox
	// ChecksWebhookSecret signs the check providers' events
	// (NEXTSTEP_CHECKS_WEBHOOK_SECRET); empty: the webhook answers 503.
	ChecksWebhookSecret []byte
	// SignInAnswerTime is the least time a sign-in link request takes to
	// answer, known address or not (default 300 ms).
	SignInAnswerTime time.Duration
	// BenchmarkFloor adds the benchmark's floor pages (/admin/_floor: the
	// signed-in session and the staff layout, nothing else; /admin/_floor-count:
	// the same with the navigation's Needs-you count). Only the scale
	// benchmark's server sets it; no setting of the product does.
	BenchmarkFloor bool
	// Scheduled is the server's scheduled work (cmd's scheduledWork): the
	// admins' Scheduled work page shows each task's period and lists those
	// not run yet. Only names, periods and purposes are read here.
	Scheduled []models.ScheduledTask
	// Metrics, when set, counts every request by route pattern and status
	// (metrics.go); cmd serves them on their own address, never here.
	Metrics *Metrics
}

// Handler holds every dependency of the handlers; there are no globals.
type Handler struct {
	assets   *static.Assets
	store    *models.Store
	sessions *SessionStore
	clock    models.Clock
	log      *slog.Logger
	cfg      Config
}

// New wires the Echo router with all middleware and routes.
func New(store *models.Store, clock models.Clock, log *slog.Logger, cfg Config) *echo.Echo {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 2 * time.Hour
	}
	if cfg.AbsoluteTimeout == 0 {
		cfg.AbsoluteTimeout = 12 * time.Hour
	}
	if cfg.CompanyName == "" {
		cfg.CompanyName = "Nextstep Demo Ltd"
	}
	if cfg.SignInAnswerTime == 0 {
		cfg.SignInAnswerTime = 300 * time.Millisecond
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "1M"
	}
	secure := strings.HasPrefix(cfg.BaseURL, "https://")
	assets, err := static.Load()
	if err != nil {
		panic("loading the embedded static files: " + err.Error()) // they are compiled in: only a build error gets here
	}
	h := &Handler{
		assets:   assets,
		store:    store,
		sessions: NewSessionStore(store, cfg.SessionSecret, secure, cfg.IdleTimeout, cfg.AbsoluteTimeout),
		clock:    clock,
		log:      log,
		cfg:      cfg,
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	if cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	e.HTTPErrorHandler = h.handleError
	h.sessions.clientIP = e.IPExtractor
	h.routes(e, secure)
	return e
}

// render writes a templ component with the given status.
func render(c echo.Context, status int, comp templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	return comp.Render(c.Request().Context(), c.Response())
}

// redirect answers a successful POST with 303 See Other (POST-redirect-GET).
func redirect(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}

// layout builds the props every page shares.
func (h *Handler) layout(c echo.Context, title string) views.Layout {
	l := h.layoutWithoutCount(c, title)
	if l.Staff != nil {
		// The count in the navigation is a help, not the page: a failure to
		// read it is logged and the page still shows.
		n, err := h.store.NeedsYouCount(c.Request().Context(), actor(c))
		if err != nil {
			slog.WarnContext(c.Request().Context(), "needs-you count", "err", err)
		}
		l.NeedsYou = n
	}
	return l
}

// layoutWithoutCount is the layout for a page that counts the queues itself.
func (h *Handler) layoutWithoutCount(c echo.Context, title string) views.Layout {
	l := views.Layout{
		Title:  title,
		CSRF:   csrfToken(c),
		Loc:    h.cfg.Location,
		Portal: h.cfg.Location,
		Now:    h.clock.Now(),
		Path:   c.Request().URL.Path,

		ContactEmail: h.cfg.ContactEmail,
		EmailEnabled: h.cfg.EmailEnabled,

		DevMailboxURL: h.cfg.DevMailboxURL,
		StaticPath:    h.assets.Path,
	}
	// Times show in the signed-in person's own zone (the portal's until they
	// have one): models.ZoneFor, the rule their emails follow too
	// (Store.CandidateZone, StaffZone; the portal's zone is the same setting).
	if u := currentStaff(c); u != nil {
		l.Staff, l.Loc = u, models.ZoneFor(u.TimeZone, h.cfg.Location)
	}
	if cand := currentCandidate(c); cand != nil {
		l.Candidate, l.Loc = cand, models.ZoneFor(cand.TimeZone, h.cfg.Location)
	}
	l.Flash = h.popFlash(c)
	return l
}

// sentNotice tells staff what happened to a message they caused, honestly:
// emailed when email is configured, otherwise waiting in the outbox.
func (h *Handler) sentNotice(what, message string) string {
	if h.cfg.EmailEnabled {
		return what + "; " + message + " is on its way by email."
	}
	return what + "; " + message + " is in the outbox (email delivery is not configured)."
}

// actor describes the signed-in user for the audit log.
func actor(c echo.Context) models.Actor {
	a := models.Actor{IP: c.RealIP(), UserAgent: c.Request().UserAgent()}
	if u := currentStaff(c); u != nil {
		a.Kind, a.ID, a.Email, a.Role = "staff", u.ID, u.Email, u.Role
	} else if cand := currentCandidate(c); cand != nil {
		a.Kind, a.ID, a.Email = "candidate", cand.ID, cand.Email
	} else {
		a.Kind = "system"
	}
	return a
}

func (h *Handler) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

func (h *Handler) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		h.log.Warn("readiness check failed", "err", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	// Messages and scheduled work need River's tables as well.
	if err := h.store.JobQueueReady(ctx); err != nil {
		h.log.Warn("readiness check failed: job queue", "err", err)
		return c.String(http.StatusServiceUnavailable, "job queue unavailable\n")
	}
	return c.String(http.StatusOK, "ready\n")
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return next
}

var errUnauthenticated = errors.New("sign-in required")
