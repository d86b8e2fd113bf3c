package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// access says who may use a route at all. A route added to routes.go without
// an entry here fails TestEveryRouteIsAuthorised, so nobody forgets to decide.
type access int

const (
	public    access = iota // anyone
	candidate               // a signed-in candidate, own records only
	anyStaff                // any signed-in staff member
	people                  // admin, recruiter, hiring manager (own positions only)
	managers                // admin, recruiter
	admins                  // admin
)

var routeAccess = map[string]access{
	"GET /":                                                        public,
	"GET /healthz":                                                 public,
	"GET /readyz":                                                  public,
	"GET /static/*":                                                public,
	"GET /signin":                                                  public,
	"POST /signin":                                                 public,
	"GET /signin/sent":                                             public,
	"GET /signin/:token":                                           public,
	"POST /signin/:token":                                          public,
	"GET /staff/login":                                             public,
	"POST /staff/login":                                            public,
	"GET /staff/login/totp":                                        public,
	"POST /staff/login/totp":                                       public,
	"POST /logout":                                                 public,
	"GET /me":                                                      candidate,
	"GET /me/applications/:id":                                     candidate,
	"GET /admin":                                                   anyStaff,
	"GET /admin/account":                                           anyStaff,
	"POST /admin/account/password":                                 anyStaff,
	"POST /admin/account/title":                                    anyStaff,
	"POST /admin/account/digest":                                   anyStaff,
	"POST /admin/account/zone":                                     anyStaff,
	"POST /admin/account/totp":                                     anyStaff,
	"POST /admin/account/totp/disable":                             anyStaff,
	"GET /admin/candidates":                                        people,
	"GET /admin/candidates/new":                                    people,
	"POST /admin/candidates":                                       people,
	"GET /admin/candidates/:id":                                    people,
	"POST /admin/candidates/:id/notes":                             people,
	"POST /admin/candidates/:id/export":                            managers,
	"POST /admin/applications/:id/move":                            people,
	"POST /admin/applications/:id/undo":                            people,
	"POST /admin/applications/:id/status":                          people,
	"POST /admin/applications/:id/expected":                        people,
	"GET /admin/positions":                                         people,
	"POST /admin/applications/:id/interest":                        people,
	"POST /admin/applications/:id/offer":                           people,
	"POST /admin/offer-versions/:id/submit":                        people,
	"POST /admin/offer-versions/:id/approve":                       people,
	"POST /admin/offer-versions/:id/send":                          people,
	"POST /admin/offer-versions/:id/extend":                        people,
	"POST /admin/offer-questions/:id/answer":                       people,
	"POST /admin/applications/:id/contract":                        people,
	"GET /admin/contracts/:id":                                     people,
	"POST /admin/contracts/:id/countersign":                        people,
	"GET /admin/contracts/:id/signed.pdf":                          people,
	"GET /admin/contract-templates":                                admins,
	"GET /admin/contract-templates/new":                            admins,
	"POST /admin/contract-templates":                               admins,
	"GET /admin/contract-templates/:id/edit":                       admins,
	"POST /admin/contract-templates/:id":                           admins,
	"GET /verify":                                                  public,
	"POST /verify":                                                 public,
	"GET /me/applications/:id/interest":                            candidate,
	"GET /me/applications/:id/references":                          candidate,
	"GET /me/applications/:id/onboarding":                          candidate,
	"POST /me/applications/:id/onboarding/:task/confirm":           candidate,
	"POST /me/applications/:id/onboarding/:task/form":              candidate,
	"POST /me/applications/:id/onboarding/:task/upload":            candidate,
	"GET /me/applications/:id/onboarding/:task/document":           candidate,
	"GET /admin/applications/:id/onboarding/:task/document":        people,
	"GET /admin/onboarding":                                        people,
	"GET /admin/applications/:id/onboarding":                       people,
	"POST /admin/applications/:id/onboarding/:task/verify":         people,
	"POST /admin/applications/:id/onboarding/:task/return":         people,
	"POST /admin/applications/:id/onboarding/:task/complete":       people,
	"POST /admin/applications/:id/onboarding/:task/right-to-work":  people,
	"POST /admin/applications/:id/onboarding/fields/:field/reveal": people,
	"GET /me/applications/:id/first-day":                           candidate,
	"GET /me/applications/:id/first-day.ics":                       candidate,
	"POST /admin/applications/:id/onboarding/first-day":            people,
	"POST /me/applications/:id/references":                         candidate,
	"GET /me/applications/:id/references/:referee/edit":            candidate,
	"POST /me/applications/:id/references/:referee":                candidate,
	"POST /me/applications/:id/references/:referee/remove":         candidate,
	"GET /references/thanks":                                       public,
	"GET /references/:token":                                       public,
	"POST /references/:token":                                      public,
	"POST /references/:token/decline":                              public,
	"POST /me/applications/:id/interest/confirm":                   candidate,
	"POST /me/applications/:id/interest/withdraw":                  candidate,
	"GET /me/applications/:id/offer":                               candidate,
	"POST /me/applications/:id/offer/accept":                       candidate,
	"POST /me/applications/:id/offer/decline":                      candidate,
	"POST /me/applications/:id/offer/question":                     candidate,
	"GET /me/applications/:id/contract":                            candidate,
	"POST /me/applications/:id/contract/consent":                   candidate,
	"POST /me/applications/:id/contract/sign":                      candidate,
	"GET /me/applications/:id/contract/signed.pdf":                 candidate,
	"GET /admin/assessment-days":                                   people,
	"GET /admin/assessment-days/:id":                               people,
	"GET /admin/assessment-days/:id/roster.csv":                    people,
	"POST /admin/assessment-bookings/:id/result":                   people,
	"GET /admin/assessment-days/new":                               managers,
	"POST /admin/assessment-days":                                  managers,
	"GET /admin/assessment-days/:id/edit":                          managers,
	"POST /admin/assessment-days/:id":                              managers,
	"POST /admin/assessment-days/:id/cancel":                       managers,
	"GET /me/applications/:id/assessment":                          candidate,
	"GET /me/applications/:id/assessment/confirmation":             candidate,
	"GET /me/applications/:id/assessment/calendar.ics":             candidate,
	"POST /me/applications/:id/assessment/book":                    candidate,
	"POST /me/applications/:id/assessment/reschedule":              candidate,
	"POST /me/applications/:id/assessment/cancel":                  candidate,
	"POST /me/applications/:id/assessment/waitlist":                candidate,
	"POST /me/applications/:id/assessment/waitlist/:entry/accept":  candidate,
	"POST /me/applications/:id/assessment/waitlist/:entry/leave":   candidate,
	"GET /admin/positions/new":                                     managers,
	"POST /admin/positions":                                        managers,
	"GET /admin/positions/:id/edit":                                managers,
	"POST /admin/positions/:id":                                    managers,
	"POST /admin/positions/:id/status":                             managers,
	"GET /admin/positions/:id/board":                               people,
	"GET /admin/positions/:id/board/move":                          people,
	"POST /admin/positions/:id/board/move":                         people,
	"POST /admin/candidates/bulk":                                  people,
	"POST /admin/candidates/:id/applications":                      people,
	"POST /admin/name-corrections/:id/apply":                       people,
	"POST /admin/name-corrections/:id/decline":                     people,
	"POST /me/applications/:id/contract/name-correction":           candidate,
	"GET /admin/positions/:id/close":                               managers,
	"POST /admin/positions/:id/close":                              managers,
	"GET /admin/outbox":                                            managers,
	"POST /admin/messages/:id/retry":                               managers,
	"GET /admin/message-templates":                                 admins,
	"GET /admin/message-templates/:kind":                           admins,
	"POST /admin/message-templates/:kind":                          admins,
	"POST /admin/message-templates/:kind/reset":                    admins,
	"GET /me/messages":                                             candidate,
	"GET /me/account":                                              candidate,
	"POST /me/account":                                             candidate,
	"POST /me/account/zone":                                        candidate,
	"POST /me/account/keep-data":                                   candidate,
	"POST /me/account/zone/detect":                                 candidate,
	"POST /me/account/export":                                      candidate,
	"GET /unsubscribe/:token":                                      public, // the link's token is its only key
	"POST /unsubscribe/:token":                                     public,
	"GET /admin/staff":                                             admins,
	"POST /admin/staff":                                            admins,
	"POST /admin/staff/:id/link":                                   admins,
	"POST /admin/staff/:id":                                        admins,
	"GET /admin/audit":                                             admins,
	"GET /admin/scheduled":                                         admins,
	"GET /admin/retention":                                         managers,
	"GET /admin/erasure":                                           admins,
	"POST /admin/erasure/:id/confirm":                              admins,
	"POST /admin/erasure/:id/decline":                              admins,
	"POST /me/account/erasure":                                     candidate,
	"POST /me/account/erasure/withdraw":                            candidate,
	"GET /me/applications/:id/interviews/:round":                   candidate,
	"POST /me/applications/:id/interviews/:round/pick":             candidate,
	"POST /me/applications/:id/interviews/:round/other-times":      candidate,
	"GET /me/applications/:id/interviews/:round/calendar.ics":      candidate,
	// Rounds and consultations are scoped by the store: panelists and the
	// staff who manage the application (see interviews_test.go).
	"GET /admin/interviews":                      anyStaff,
	"GET /admin/interviews/:id":                  anyStaff,
	"POST /admin/interviews/:id/scorecard":       anyStaff,
	"POST /admin/decisions/:id/respond":          anyStaff,
	"GET /admin/applications/:id/interviews/new": people,
	"POST /admin/applications/:id/interviews":    people,
	"POST /admin/interviews/:id/times":           people,
	"POST /admin/interviews/:id/reschedule":      people,
	"POST /admin/interviews/:id/cancel":          people,
	"GET /admin/interviews/:id/kit":              anyStaff,
	"GET /admin/interviews/:id/kit/edit":         people,
	"POST /admin/interviews/:id/kit":             people,
	"GET /admin/candidates/:id/documents":        people,
	"POST /admin/candidates/:id/documents":       people,
	"POST /admin/documents/:id/delete":           people,
	"GET /admin/documents/:id":                   anyStaff,
	"GET /me/documents":                          candidate,
	"POST /me/documents":                         candidate,
	"POST /me/documents/:id/delete":              candidate,
	"GET /me/documents/:id":                      candidate,
	"GET /admin/positions/:id/review":            people,
	"POST /admin/applications/:id/decision":      managers,
	"POST /admin/decisions/:id/withdraw":         managers,
	"GET /admin/reports":                         managers,
	"GET /admin/reports/:report/csv":             managers,
	"GET /admin/candidates/export.csv":           managers,
	"GET /admin/offer-versions/:id":              people,
	"POST /admin/offer-versions/:id/send-back":   people,
	// References: the store scopes each application, referee and position.
	"GET /admin/applications/:id/references":         people,
	"POST /admin/applications/:id/references":        people,
	"POST /admin/applications/:id/references/send":   people,
	"POST /admin/referees/:id/remind":                people,
	"GET /admin/positions/:id/references":            people,
	"POST /admin/positions/:id/references/settings":  managers,
	"POST /admin/positions/:id/references/questions": admins,
	"GET /admin/positions/:id/onboarding":            admins,
	"POST /admin/positions/:id/onboarding":           admins,
}

// TestEveryRouteIsAuthorised tries every route with an id as each persona
// that must not reach it — anonymous, another candidate, and every staff
// role out of scope — and expects a refusal that leaks no data.
func TestEveryRouteIsAuthorised(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	e := app.Server.Config.Handler.(*echo.Echo)

	// Objects that belong to someone else: Farid (engineering; the demo
	// manager does not manage it) and Ben (another candidate's application).
	farid := app.candidateID("farid.haddad@example.com")
	faridApp := app.applicationID("farid.haddad@example.com")
	benApp := app.applicationID("ben.okafor@example.com")
	var engPos, adminID int64
	mustDB(t, app.Store.DB().Raw("SELECT id FROM positions WHERE title LIKE 'Backend%'").Scan(&engPos))
	mustDB(t, app.Store.DB().Raw("SELECT id FROM staff_users WHERE email = ?", adminEmail).Scan(&adminID))
	// An engineering-only assessment day with a booking of Farid's, out of the demo manager's scope.
	var engDay, faridBooking int64
	mustDB(t, app.Store.DB().Raw(`INSERT INTO assessment_days (title, starts_at, ends_at, time_zone, location_address, capacity, seats_taken)
		VALUES ('Engineering day', now() + interval '10 days', now() + interval '10 days 6 hours', 'UTC', 'HQ', 10, 1) RETURNING id`).Scan(&engDay))
	mustDB(t, app.Store.DB().Exec("INSERT INTO assessment_day_positions (day_id, position_id) VALUES (?, ?)", engDay, engPos))
	mustDB(t, app.Store.DB().Raw("INSERT INTO assessment_bookings (day_id, application_id) VALUES (?, ?) RETURNING id", engDay, faridApp).Scan(&faridBooking))
	if engDay == 0 || faridBooking == 0 {
		t.Fatal("could not create the engineering day")
	}
	// Farid's offer, question and contract, equally out of scope.
	var faridOffer, faridVersion, faridQuestion, faridContract int64
	mustDB(t, app.Store.DB().Raw("INSERT INTO offers (application_id) VALUES (?) RETURNING id", faridApp).Scan(&faridOffer))
	mustDB(t, app.Store.DB().Raw(`INSERT INTO offer_versions (offer_id, version, status, job_title, salary_amount, salary_currency, salary_period, start_date, expires_on)
		VALUES (?, 1, 'pending_approval', 'Backend Engineer', 70000, 'EUR', 'year', '2027-03-01', '2026-12-20') RETURNING id`, faridOffer).Scan(&faridVersion))
	mustDB(t, app.Store.DB().Raw("INSERT INTO offer_questions (offer_id, question) VALUES (?, 'Remote?') RETURNING id", faridOffer).Scan(&faridQuestion))
	mustDB(t, app.Store.DB().Raw(`INSERT INTO contracts (application_id, offer_version_id, template_id, text, text_sha256)
		VALUES (?, ?, 1, 'Farid Haddad contract', repeat('a', 64)) RETURNING id`, faridApp, faridVersion).Scan(&faridContract))
	if faridContract == 0 || faridQuestion == 0 {
		t.Fatal("could not create Farid's offer and contract")
	}
	var faridCorrection int64
	mustDB(t, app.Store.DB().Raw(`INSERT INTO contract_name_corrections (contract_id, candidate_id, current_name, requested_name)
		VALUES (?, ?, 'Farid Haddad', 'Farid A. Haddad') RETURNING id`, faridContract, farid).Scan(&faridCorrection))
	if faridCorrection == 0 {
		t.Fatal("could not create Farid's name correction")
	}
	// A referee Ben named, whom no one else may see or change.
	var benReferee int64
	mustDB(t, app.Store.DB().Raw(`INSERT INTO referees (application_id, name, email, relationship, worked_from, may_contact_now)
		VALUES (?, 'Rita Referee', 'rita.referee@example.com', 'manager', '2020-01-01', true) RETURNING id`, benApp).Scan(&benReferee))
	// A referee of Farid's, asked already, out of the demo manager's scope.
	var faridReferee int64
	mustDB(t, app.Store.DB().Raw(`INSERT INTO referees (application_id, name, email, company, relationship, worked_from, may_contact_now,
		candidate_confirmed_agreed, status, requested_at, token_expires_at)
		VALUES (?, 'Rafaela Referee', 'rafaela@referee.example', 'Acme', 'manager', '2020-01-01', true, true, 'requested',
		now() - interval '3 days', now() + interval '11 days') RETURNING id`, faridApp).Scan(&faridReferee))
	if faridReferee == 0 {
		t.Fatal("could not create Farid's referee")
	}
	secrets := []string{"Rita Referee", "Farid Haddad", "farid.haddad@example.com", "Ben Okafor", "ben.okafor@example.com", "Rafaela Referee", "rafaela@referee.example"}
	checks := seedCheckProbes(t, app, faridApp, benApp)
	secrets = append(secrets, checks.secrets...)

	// Farid's onboarding tasks (a staff task and a submitted document) and a
	// sealed answer, out of the demo manager's scope and other candidates'.
	var faridTask, faridDoc, faridField int64
	mustDB(t, app.Store.DB().Raw(`INSERT INTO onboarding_tasks (application_id, sort_order, title, kind, assignee, required, due_on, created_at, updated_at)
		VALUES (?, 90, 'Order a laptop', 'staff', 'staff', true, now()::date, now(), now()) RETURNING id`, faridApp).Scan(&faridTask))
	mustDB(t, app.Store.DB().Raw(`INSERT INTO onboarding_tasks (application_id, sort_order, title, kind, assignee, required, form, due_on, created_at, updated_at)
		VALUES (?, 91, 'Personal details', 'form', 'starter', true, 'personal_details', now()::date, now(), now()) RETURNING id`, faridApp).Scan(&faridDoc))
	mustDB(t, app.Store.DB().Raw(`INSERT INTO onboarding_fields (task_id, field, sealed, masked, updated_at)
		VALUES (?, 'iban', '\x00', '••••9999', now()) RETURNING id`, faridDoc).Scan(&faridField))
	if faridTask == 0 || faridField == 0 {
		t.Fatal("could not create Farid's onboarding tasks")
	}
	// A CV of Farid's and his interview round: out of the demo manager's
	// scope, and another candidate's.
	var faridFile, faridDocument, faridRound int64
	mustDB(t, app.Store.DB().Raw(`INSERT INTO stored_files (name, content_type, size_bytes, sha256, data)
		VALUES ('Farid Haddad CV.pdf', 'application/pdf', 9, sha256('%PDF-1.4 '::bytea), '%PDF-1.4 '::bytea) RETURNING id`).Scan(&faridFile))
	mustDB(t, app.Store.DB().Raw(`INSERT INTO candidate_documents (candidate_id, kind, file_id, uploaded_by_candidate)
		VALUES (?, 'cv', ?, ?) RETURNING id`, farid, faridFile, farid).Scan(&faridDocument))
	mustDB(t, app.Store.DB().Raw("SELECT id FROM interview_rounds WHERE application_id = ? ORDER BY id LIMIT 1", faridApp).Scan(&faridRound))
	if faridDocument == 0 || faridRound == 0 {
		t.Fatal("could not create Farid's document or find his interview")
	}
	secrets = append(secrets, "%PDF-1.4")
	concrete := func(path string) string {
		switch {
		case strings.HasPrefix(path, "/admin/documents/:id"), strings.HasPrefix(path, "/me/documents/:id"):
			return strings.Replace(path, ":id", fmt.Sprint(faridDocument), 1)
		case strings.HasPrefix(path, "/admin/interviews/:id/kit"):
			return strings.Replace(path, ":id", fmt.Sprint(faridRound), 1)
		}
		if strings.Contains(path, "/onboarding/") {
			path = strings.NewReplacer(":task", fmt.Sprint(faridTask), ":field", fmt.Sprint(faridField)).Replace(path)
		}
		if p := checks.concrete(path, faridApp, benApp); p != "" {
			return p
		}
		switch {
		case strings.HasPrefix(path, "/admin/candidates/:id"):
			return strings.Replace(path, ":id", fmt.Sprint(farid), 1)
		case strings.HasPrefix(path, "/admin/applications/:id"):
			return strings.Replace(path, ":id", fmt.Sprint(faridApp), 1)
		case strings.HasPrefix(path, "/me/applications/:id"):
			return strings.NewReplacer(":id", fmt.Sprint(benApp), ":entry", "1", ":referee", fmt.Sprint(benReferee)).Replace(path)
		case strings.HasPrefix(path, "/admin/positions/:id"):
			return strings.Replace(path, ":id", fmt.Sprint(engPos), 1)
		case strings.HasPrefix(path, "/admin/assessment-days/:id"):
			return strings.Replace(path, ":id", fmt.Sprint(engDay), 1)
		case strings.HasPrefix(path, "/admin/assessment-bookings/:id"):
			return strings.Replace(path, ":id", fmt.Sprint(faridBooking), 1)
		case strings.HasPrefix(path, "/admin/reports/:report"):
			return strings.Replace(path, ":report", "funnel", 1)
		case strings.HasPrefix(path, "/admin/offer-versions/:id"):
			return strings.Replace(path, ":id", fmt.Sprint(faridVersion), 1)
		case strings.HasPrefix(path, "/admin/offer-questions/:id"):
			return strings.Replace(path, ":id", fmt.Sprint(faridQuestion), 1)
		case strings.HasPrefix(path, "/admin/contracts/:id"):
			return strings.Replace(path, ":id", fmt.Sprint(faridContract), 1)
		case strings.HasPrefix(path, "/admin/contract-templates/:id"):
			return strings.Replace(path, ":id", "1", 1)
		case strings.HasPrefix(path, "/admin/name-corrections/:id"):
			return strings.Replace(path, ":id", fmt.Sprint(faridCorrection), 1)
		case strings.HasPrefix(path, "/admin/referees/:id"):
			return strings.Replace(path, ":id", fmt.Sprint(faridReferee), 1)
		case strings.HasPrefix(path, "/admin/staff/:id"):
			return strings.Replace(path, ":id", fmt.Sprint(adminID), 1)
		}
		return strings.NewReplacer(":token", "not-a-token", "*", "app.css").Replace(path)
	}

	type persona struct {
		name  string
		login func(*client)
		// allowed reports whether the persona may use routes of this access level at all.
		allowed func(access) bool
	}
	personas := []persona{
		{"anonymous", func(*client) {}, func(a access) bool { return a == public }},
		{"other candidate", func(c *client) { c.loginCandidate("amelia.hart@example.com") },
			func(a access) bool { return a == public || a == candidate }},
		{"interviewer", func(c *client) { c.loginStaff(interviewerEmail) },
			func(a access) bool { return a == public || a == anyStaff }},
		{"hiring manager of other positions", func(c *client) { c.loginStaff(managerEmail) },
			func(a access) bool { return a == public || a == anyStaff || a == people }},
	}

	// Each persona signs in once; every probe starts from a copy of its
	// cookies (a fresh cookie jar, so one probe's cookies never reach
	// another). The end checks that they are all still signed in.
	base, _ := url.Parse(app.URL)
	signedIn := map[string][]*http.Cookie{}
	for _, p := range personas {
		c := app.newClient()
		p.login(c)
		signedIn[p.name] = c.jar.Cookies(base)
	}
	as := func(p persona) *client {
		c := app.newClient()
		c.jar.SetCookies(base, signedIn[p.name])
		return c
	}

	seen := map[string]bool{}
	for _, r := range e.Routes() {
		key := r.Method + " " + r.Path
		if r.Method == echo.RouteNotFound || seen[key] {
			continue
		}
		seen[key] = true
		level, ok := routeAccess[key]
		if !ok {
			t.Errorf("route %s has no entry in routeAccess: decide who may use it", key)
			continue
		}
		if level == public {
			continue
		}
		for _, p := range personas {
			scoped := p.allowed(level) // allowed by role, but the object is someone else's
			if scoped && !strings.Contains(r.Path, ":id") {
				continue
			}
			if scoped && level == anyStaff {
				continue
			}
			t.Run(p.name+" "+key, func(t *testing.T) {
				c := as(p)
				path := concrete(r.Path)
				var res response
				if r.Method == http.MethodGet {
					res = c.get(path)
				} else {
					res = c.post(path, url.Values{
						"to_stage": {"hr_round"}, "status": {"on_hold"}, "body": {"probe"}, "reason": {"probe reason"},
						"expected_date": {"2027-01-05"}, "expected_note": {"probe"}, "role": {"admin"}, "active": {"true"},
						"title": {"probe"}, "headcount": {"1"}, "decision_sla_days": {"5"}, "stage_offer": {"1"},
						"day_id": {fmt.Sprint(engDay)}, "attendance": {"attended"}, "result": {"pass"}, "capacity": {"1"},
						"message": {"probe"}, "job_title": {"probe"}, "salary_amount": {"1"}, "salary_currency": {"EUR"}, "salary_period": {"year"},
						"start_date": {"2027-01-01"}, "expires_on": {"2027-01-01"}, "answer": {"probe"}, "template_id": {"1"},
						"signed_name": {"Hugo Manager"}, "agree": {"yes"}, "name": {"probe"},
					})
				}
				switch {
				case scoped && res.Status != http.StatusNotFound:
					t.Errorf("status %d, want 404 for another person's record", res.Status)
				case res.Status == http.StatusSeeOther || res.Status == http.StatusFound:
					if !strings.Contains(res.Location, "login") && res.Location != "/signin" && !strings.HasPrefix(res.Location, "/signin?next=") {
						t.Errorf("redirected to %q, want a sign-in page", res.Location)
					}
				case res.Status != http.StatusUnauthorized && res.Status != http.StatusForbidden && res.Status != http.StatusNotFound:
					t.Errorf("status %d, want a refusal", res.Status)
				}
				for _, s := range secrets {
					if strings.Contains(res.Body, s) {
						t.Errorf("response leaks %q", s)
					}
				}
			})
		}
	}
	// No probe signed a persona out: that would have hidden the probes
	// after it behind the sign-in page, which counts as a refusal.
	for _, p := range personas {
		var home string
		switch {
		case p.allowed(anyStaff):
			home = "/admin"
		case p.allowed(candidate):
			home = "/me"
		default:
			continue // anonymous
		}
		if res := as(p).get(home); res.Status != http.StatusOK {
			t.Errorf("%s is no longer signed in after the probes: %s answers %d", p.name, home, res.Status)
		}
	}
	// Nothing the probes sent may have changed Farid's application or the staff list.
	var stage, status string
	if err := app.Store.DB().Raw("SELECT stage, status FROM applications WHERE id = ?", faridApp).Row().Scan(&stage, &status); err != nil {
		t.Fatal(err)
	}
	if stage != "additional_interview" || status != "active" {
		t.Errorf("Farid's application changed to %s/%s", stage, status)
	}
	var dayStatus, result string
	mustDB(t, app.Store.DB().Raw("SELECT status FROM assessment_days WHERE id = ?", engDay).Scan(&dayStatus))
	mustDB(t, app.Store.DB().Raw("SELECT result FROM assessment_bookings WHERE id = ?", faridBooking).Scan(&result))
	if dayStatus != "scheduled" || result != "none" {
		t.Errorf("refused requests changed the engineering day (%s) or its booking (%s)", dayStatus, result)
	}
	var versionStatus, contractStatus, answer, templateName string
	mustDB(t, app.Store.DB().Raw("SELECT status FROM offer_versions WHERE id = ?", faridVersion).Scan(&versionStatus))
	mustDB(t, app.Store.DB().Raw("SELECT status FROM contracts WHERE id = ?", faridContract).Scan(&contractStatus))
	mustDB(t, app.Store.DB().Raw("SELECT answer FROM offer_questions WHERE id = ?", faridQuestion).Scan(&answer))
	mustDB(t, app.Store.DB().Raw("SELECT name FROM contract_templates WHERE id = 1").Scan(&templateName))
	if versionStatus != "pending_approval" || contractStatus != "awaiting_candidate" || answer != "" || templateName == "probe" {
		t.Errorf("refused requests changed offers or contracts: %s %s %q %q", versionStatus, contractStatus, answer, templateName)
	}
	checks.unchanged(t, app)
	var notes int64
	mustDB(t, app.Store.DB().Table("candidate_notes").Count(&notes))
	if notes != 0 {
		t.Errorf("%d notes written by refused requests", notes)
	}
	var referees, refereeMessages, refQuestions int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM referees WHERE application_id = ?", faridApp).Scan(&referees))
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM outbox_messages WHERE referee_id = ?", faridReferee).Scan(&refereeMessages))
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM reference_questions WHERE position_id = ?", engPos).Scan(&refQuestions))
	if referees != 1 || refereeMessages != 0 || refQuestions != 0 {
		t.Errorf("refused requests changed Farid's references: %d referees, %d messages to his referee, %d questions", referees, refereeMessages, refQuestions)
	}
}
