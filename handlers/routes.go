package handlers

import (
	"compress/gzip"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"nextstep/models"
	"nextstep/views"
)

// routes lists every route of the application: the middleware every request
// passes through, then each feature's routes.
func (h *Handler) routes(e *echo.Echo, secure bool) {
	e.Pre(headAsGet)
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	if h.cfg.Metrics != nil {
		e.Use(h.cfg.Metrics.middleware(e))
	}
	e.Use(middleware.RequestID())
	e.Use(h.requestLogger())
	e.Use(middleware.Recover())
	e.Use(securityHeaders(secure))
	// Pages are compressed for browsers that accept gzip (phones gain most):
	// the fastest level, since on a small server CPU is dearer than bytes.
	// Static files are compressed once at start (brotli or gzip) and PDFs are
	// compressed already. Not compressed: an answer to a request with a query
	// string or a form, which may echo what was sent next to the page's CSRF
	// token (a compressed length would then leak the token: BREACH).
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: gzip.BestSpeed, MinLength: 1024, Skipper: func(c echo.Context) bool {
		r := c.Request()
		return strings.HasPrefix(r.URL.Path, "/static/") || strings.HasSuffix(r.URL.Path, ".pdf") || r.URL.RawQuery != "" ||
			(r.Method != http.MethodGet && r.Method != http.MethodHead)
	}}))
	// Forms get the small limit; /verify takes a PDF. Both apply before any
	// middleware (CSRF among them) reads the body.
	// Uploads (a check's result, onboarding and candidate documents) have a
	// limit of their own (check_staff.go).
	isVerify := func(c echo.Context) bool { return c.Request().URL.Path == "/verify" }
	isCheckUpload := func(c echo.Context) bool {
		switch c.Path() {
		case checkResultRoute, onboardingUploadRoute, staffDocumentUploadRoute, candidateDocumentUploadRoute:
			return c.Request().Method == http.MethodPost
		}
		return false
	}
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: h.cfg.BodyLimit,
		Skipper: func(c echo.Context) bool { return isVerify(c) || isCheckUpload(c) }}))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "10M", Skipper: func(c echo.Context) bool { return !isVerify(c) }}))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: checkUploadLimit, Skipper: func(c echo.Context) bool { return !isCheckUpload(c) }}))

	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET("/static/*", echo.WrapHandler(h.assets))

	h.refereeRoutes(e)
	h.unsubscribeRoutes(e)
	h.devMailboxRoutes(e)
	h.checkWebhookRoutes(e)
	app := e.Group("", cleanInput, csrfMiddleware(secure), h.loadSession)
	app.GET("/", h.home)
	h.signInRoutes(app)
	// Anyone may check whether a PDF is a contract Nextstep signed.
	app.GET("/verify", h.verifyForm)
	app.POST("/verify", h.verifyUpload)
	h.candidateRoutes(app.Group("/me", h.requireCandidate))
	h.staffRoutes(app.Group("/admin", h.requireStaff))
}

// signInRoutes: sign-in for candidates (one-time links) and staff (password +
// optional TOTP), and signing out.
func (h *Handler) signInRoutes(app *echo.Group) {
	app.GET("/signin", h.candidateSignInForm)
	app.POST("/signin", h.candidateSignInRequest)
	app.GET("/signin/sent", h.candidateSignInSent)
	app.GET("/signin/:token", h.signInLinkForm)
	app.POST("/signin/:token", h.signInLinkConsume)
	app.GET("/staff/login", h.staffLoginForm)
	app.POST("/staff/login", h.staffLogin)
	app.GET("/staff/login/totp", h.staffTOTPForm)
	app.POST("/staff/login/totp", h.staffTOTP)
	app.POST("/logout", h.logout)
}

// candidateRoutes: the signed-in candidate's pages under /me.
func (h *Handler) candidateRoutes(me *echo.Group) {
	me.GET("", h.candidateHome)
	me.GET("/messages", h.candidateMessages)
	me.GET("/account", h.candidateAccount)
	me.POST("/account", h.candidateAccountSave)
	me.POST("/account/zone", h.candidateZoneSave)
	me.POST("/account/erasure", h.candidateErasureRequest)
	me.POST("/account/erasure/withdraw", h.candidateErasureWithdraw)
	me.POST("/account/zone/detect", h.candidateZoneDetect)
	me.POST("/account/keep-data", h.candidateKeepData)
	me.GET("/applications/:id", h.candidateApplication)
	me.GET("/applications/:id/assessment", h.candidateAssessment)
	me.GET("/applications/:id/assessment/confirmation", h.candidateBookingConfirmation)
	me.GET("/applications/:id/assessment/calendar.ics", h.candidateBookingCalendar)
	me.POST("/applications/:id/assessment/book", h.candidateBook)
	me.POST("/applications/:id/assessment/reschedule", h.candidateReschedule)
	me.POST("/applications/:id/assessment/cancel", h.candidateCancelSeat)
	me.POST("/applications/:id/assessment/waitlist", h.candidateJoinWaitlist)
	me.POST("/applications/:id/assessment/waitlist/:entry/accept", h.candidateAcceptSeatOffer)
	me.POST("/applications/:id/assessment/waitlist/:entry/leave", h.candidateLeaveWaitlist)
	me.GET("/applications/:id/interest", h.candidateInterest)
	me.POST("/applications/:id/interest/confirm", h.candidateInterestConfirm)
	me.POST("/applications/:id/interest/withdraw", h.candidateInterestWithdraw)
	me.GET("/applications/:id/offer", h.candidateOffer)
	me.POST("/applications/:id/offer/accept", h.candidateOfferAccept)
	me.POST("/applications/:id/offer/decline", h.candidateOfferDecline)
	me.POST("/applications/:id/offer/question", h.candidateOfferQuestion)
	me.GET("/applications/:id/interviews/:round", h.candidateInterview)
	me.POST("/applications/:id/interviews/:round/pick", h.candidateInterviewPick)
	me.POST("/applications/:id/interviews/:round/other-times", h.candidateInterviewOtherTimes)
	me.GET("/applications/:id/interviews/:round/calendar.ics", h.candidateInterviewCalendar)
	me.GET("/applications/:id/contract", h.candidateContract)
	me.POST("/applications/:id/contract/consent", h.candidateContractConsent)
	me.POST("/applications/:id/contract/sign", h.candidateContractSign)
	me.GET("/applications/:id/contract/signed.pdf", h.candidateContractPDF)
	me.POST("/applications/:id/contract/name-correction", h.candidateContractNameCorrection)
	me.GET("/applications/:id/references", h.candidateReferees)
	me.POST("/applications/:id/references", h.candidateRefereeAdd)
	me.GET("/applications/:id/references/:referee/edit", h.candidateRefereeEdit)
	me.POST("/applications/:id/references/:referee", h.candidateRefereeUpdate)
	me.POST("/applications/:id/references/:referee/remove", h.candidateRefereeRemove)
	h.starterOnboardingRoutes(me)
	h.candidateCheckRoutes(me)
	h.candidateDocumentRoutes(me)
	h.candidateExportRoutes(me)
}

// staffRoutes: the staff admin panel under /admin, for signed-in staff, then
// the roles each route allows: people (admins, recruiters and hiring
// managers), managers (admins and recruiters) or admins.
func (h *Handler) staffRoutes(staff *echo.Group) {
	people := requireRole(models.RoleAdmin, models.RoleRecruiter, models.RoleHiringManager)
	managers := requireRole(models.RoleAdmin, models.RoleRecruiter)
	admins := requireRole(models.RoleAdmin)

	staff.GET("", h.adminHome)
	h.accountRoutes(staff)
	h.interviewRoutes(staff, people, managers)
	h.interviewKitRoutes(staff, people)
	h.staffDocumentRoutes(staff, people)
	h.reportRoutes(staff, managers)
	h.staffCandidateRoutes(staff, people)
	h.staffExportRoutes(staff, managers)
	h.staffOnboardingRoutes(staff, people)
	h.positionRoutes(staff, people, managers)
	h.assessmentRoutes(staff, people, managers)
	h.offerRoutes(staff, people)
	h.referenceRoutes(staff, people, managers, admins)
	h.onboardingTemplateRoutes(staff, admins)
	h.contractRoutes(staff, people, admins)
	h.messageRoutes(staff, managers, admins)
	h.staffAdminRoutes(staff, admins)
	h.retentionRoutes(staff, managers)
	h.staffCheckRoutes(staff, people, managers)
	if h.cfg.BenchmarkFloor {
		staff.GET("/_floor", func(c echo.Context) error {
			return render(c, http.StatusOK, views.Page(h.layoutWithoutCount(c, "Floor")))
		})
		staff.GET("/_floor-count", func(c echo.Context) error {
			return render(c, http.StatusOK, views.Page(h.layout(c, "Floor")))
		})
	}
}

// accountRoutes: every staff member's own account.
func (h *Handler) accountRoutes(staff *echo.Group) {
	staff.GET("/account", h.accountPage)
	staff.POST("/account/password", h.accountPassword)
	staff.POST("/account/title", h.accountJobTitle)
	staff.POST("/account/digest", h.accountDigest)
	staff.POST("/account/zone", h.accountZone)
	staff.POST("/account/totp", h.accountTOTPEnable)
	staff.POST("/account/totp/disable", h.accountTOTPDisable)
}

// interviewRoutes: interview rounds, scorecards, comparing candidates and
// decisions. The store scopes each round to its panel and to the staff who
// manage the application, so every role reaches the first routes.
func (h *Handler) interviewRoutes(staff *echo.Group, people, managers echo.MiddlewareFunc) {
	staff.GET("/interviews", h.adminMyInterviews)
	staff.GET("/interviews/:id", h.adminRound)
	staff.POST("/interviews/:id/scorecard", h.adminScorecard)
	staff.POST("/decisions/:id/respond", h.adminDecisionRespond)
	staff.GET("/applications/:id/interviews/new", h.adminRoundNew, people)
	staff.POST("/applications/:id/interviews", h.adminRoundCreate, people)
	staff.POST("/interviews/:id/times", h.adminRoundTimes, people)
	staff.POST("/interviews/:id/reschedule", h.adminRoundReschedule, people)
	staff.POST("/interviews/:id/cancel", h.adminRoundCancel, people)
	staff.GET("/positions/:id/review", h.adminReview, people)
	staff.POST("/applications/:id/decision", h.adminDecisionRequest, managers)
	staff.POST("/decisions/:id/withdraw", h.adminDecisionWithdraw, managers)
}

// reportRoutes: the reports and the candidate list's CSV export.
func (h *Handler) reportRoutes(staff *echo.Group, managers echo.MiddlewareFunc) {
	staff.GET("/reports", h.adminReports, managers)
	staff.GET("/reports/:report/csv", h.adminReportCSV, managers)
	staff.GET("/candidates/export.csv", h.adminCandidatesCSV, managers)
}

// staffCandidateRoutes: the candidate list, adding candidates and
// applications, bulk actions, notes, stage moves and promised dates.
func (h *Handler) staffCandidateRoutes(staff *echo.Group, people echo.MiddlewareFunc) {
	staff.GET("/candidates", h.adminCandidates, people)
	staff.GET("/candidates/new", h.adminCandidateNew, people)
	staff.POST("/candidates", h.adminCandidateCreate, people)
	staff.GET("/candidates/:id", h.adminCandidate, people)
	staff.POST("/candidates/:id/notes", h.adminCandidateNote, people)
	staff.POST("/candidates/:id/applications", h.adminCandidateAddApplication, people)
	staff.POST("/candidates/bulk", h.adminCandidatesBulk, people)
	staff.POST("/applications/:id/move", h.adminApplicationMove, people)
	staff.POST("/applications/:id/undo", h.adminApplicationUndo, people)
	staff.POST("/applications/:id/status", h.adminApplicationStatus, people)
	staff.POST("/applications/:id/expected", h.adminApplicationExpected, people)
}

// positionRoutes: positions, their boards, editing and closing them.
func (h *Handler) positionRoutes(staff *echo.Group, people, managers echo.MiddlewareFunc) {
	staff.GET("/positions", h.adminPositions, people)
	staff.GET("/positions/:id/board", h.adminPositionBoard, people)
	staff.GET("/positions/:id/board/move", h.adminBoardMovePage, people)
	staff.POST("/positions/:id/board/move", h.adminBoardMove, people)
	staff.GET("/positions/new", h.adminPositionNew, managers)
	staff.POST("/positions", h.adminPositionCreate, managers)
	staff.GET("/positions/:id/edit", h.adminPositionEdit, managers)
	staff.POST("/positions/:id", h.adminPositionUpdate, managers)
	staff.POST("/positions/:id/status", h.adminPositionStatus, managers)
	staff.GET("/positions/:id/close", h.adminPositionClose, managers)
	staff.POST("/positions/:id/close", h.adminPositionCloseSubmit, managers)
}

// assessmentRoutes: assessment days, their rosters and results.
func (h *Handler) assessmentRoutes(staff *echo.Group, people, managers echo.MiddlewareFunc) {
	staff.GET("/assessment-days", h.adminAssessmentDays, people)
	staff.GET("/assessment-days/:id", h.adminAssessmentDay, people)
	staff.GET("/assessment-days/:id/roster.csv", h.adminRosterCSV, people)
	staff.POST("/assessment-bookings/:id/result", h.adminBookingResult, people)
	staff.GET("/assessment-days/new", h.adminAssessmentDayNew, managers)
	staff.POST("/assessment-days", h.adminAssessmentDayCreate, managers)
	staff.GET("/assessment-days/:id/edit", h.adminAssessmentDayEdit, managers)
	staff.POST("/assessment-days/:id", h.adminAssessmentDayUpdate, managers)
	staff.POST("/assessment-days/:id/cancel", h.adminAssessmentDayCancel, managers)
}

// offerRoutes: interest checks, offers, their versions, review and approval,
// and the candidates' questions about them.
func (h *Handler) offerRoutes(staff *echo.Group, people echo.MiddlewareFunc) {
	staff.POST("/applications/:id/interest", h.adminInterestCheck, people)
	staff.POST("/applications/:id/offer", h.adminOfferSave, people)
	staff.GET("/offer-versions/:id", h.adminOfferReview, people)
	staff.POST("/offer-versions/:id/send-back", h.adminOfferSendBack, people)
	staff.POST("/offer-versions/:id/submit", h.adminOfferSubmit, people)
	staff.POST("/offer-versions/:id/approve", h.adminOfferApprove, people)
	staff.POST("/offer-versions/:id/send", h.adminOfferSend, people)
	staff.POST("/offer-versions/:id/extend", h.adminOfferExtend, people)
	staff.POST("/offer-questions/:id/answer", h.adminOfferAnswer, people)
}

// contractRoutes: contracts, countersigning, legal-name corrections and the
// contract templates.
func (h *Handler) contractRoutes(staff *echo.Group, people, admins echo.MiddlewareFunc) {
	staff.POST("/applications/:id/contract", h.adminContractGenerate, people)
	staff.GET("/contracts/:id", h.adminContract, people)
	staff.POST("/contracts/:id/countersign", h.adminCountersign, people)
	staff.GET("/contracts/:id/signed.pdf", h.adminContractPDF, people)
	staff.POST("/name-corrections/:id/apply", h.adminNameCorrectionApply, people)
	staff.POST("/name-corrections/:id/decline", h.adminNameCorrectionDecline, people)
	staff.GET("/contract-templates", h.adminTemplates, admins)
	staff.GET("/contract-templates/new", h.adminTemplateNew, admins)
	staff.POST("/contract-templates", h.adminTemplateSave, admins)
	staff.GET("/contract-templates/:id/edit", h.adminTemplateEdit, admins)
	staff.POST("/contract-templates/:id", h.adminTemplateSave, admins)
}

// messageRoutes: the outbox and the wording of messages.
func (h *Handler) messageRoutes(staff *echo.Group, managers, admins echo.MiddlewareFunc) {
	staff.GET("/outbox", h.adminOutbox, managers) // every sign-in link hidden, admins included
	staff.POST("/messages/:id/retry", h.adminMessageRetry, managers)
	staff.GET("/message-templates", h.adminMessageTemplates, admins)
	staff.GET("/message-templates/:kind", h.adminMessageTemplate, admins)
	staff.POST("/message-templates/:kind", h.adminMessageTemplateSave, admins)
	staff.POST("/message-templates/:kind/reset", h.adminMessageTemplateReset, admins)
}

// staffAdminRoutes: staff accounts, the audit log and the scheduled work, for admins.
func (h *Handler) staffAdminRoutes(staff *echo.Group, admins echo.MiddlewareFunc) {
	staff.GET("/staff", h.adminStaff, admins)
	staff.POST("/staff", h.adminStaffInvite, admins)
	staff.POST("/staff/:id", h.adminStaffUpdate, admins)
	staff.POST("/staff/:id/link", h.adminStaffLink, admins)
	staff.GET("/audit", h.adminAudit, admins)
	staff.GET("/scheduled", h.adminScheduled, admins)
	staff.GET("/erasure", h.adminErasure, admins)
	staff.POST("/erasure/:id/confirm", h.adminErasureConfirm, admins)
	staff.POST("/erasure/:id/decline", h.adminErasureDecline, admins)
}

// requestLogger writes one structured line per request. It logs the path
// without the query string, and never bodies, cookies or tokens.
func (h *Handler) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogMethod: true, LogURIPath: true, LogLatency: true, LogRequestID: true, LogRemoteIP: true, LogError: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			path := v.URIPath
			if len(path) > 8 && path[:8] == "/signin/" && path != "/signin/sent" {
				path = "/signin/[token]"
			} else if strings.HasPrefix(path, "/unsubscribe/") {
				path = "/unsubscribe/[token]"
			}
			method := v.Method
			if models.IsPeek(c.Request().Context()) {
				method = http.MethodHead // answered by the GET route
			}
			level := slog.LevelInfo
			switch {
			case v.Status == http.StatusServiceUnavailable:
				level = slog.LevelWarn // shedding load or waiting for the database: expected, not a bug
			case v.Status >= 500:
				level = slog.LevelError
			}
			h.log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", method), slog.String("path", path), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency.Round(time.Microsecond)), slog.String("request_id", v.RequestID),
				slog.String("ip", v.RemoteIP))
			return nil
		},
	})
}
