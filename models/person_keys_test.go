package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"nextstep/models"
)

// clearTraces lists, for every candidate, the audit entries and consents
// that hold their name, email or one of extra (addresses, browsers) in clear.
func clearTraces(t *testing.T, s *models.Store, extra ...string) []string {
	t.Helper()
	var hits []string
	mustDB(t, s.DB().Raw(`WITH needles AS (SELECT lower(email) AS v FROM candidates UNION SELECT lower(name) FROM candidates
			UNION SELECT lower(x) FROM unnest(?::text[]) x),
		texts AS (SELECT 'audit_log ' || id AS row, lower(actor_email || ' ' || ip || ' ' || user_agent || ' ' || details::text
				|| ' ' || coalesce(encode(personal, 'escape'), '')) AS t FROM audit_log
			UNION ALL SELECT 'check_consents ' || id, lower(coalesce(host(ip), '') || ' ' || user_agent) FROM check_consents
			UNION ALL SELECT 'esign_consents ' || id, lower(ip || ' ' || user_agent) FROM esign_consents)
		SELECT texts.row || ': ' || needles.v FROM texts JOIN needles ON position(needles.v IN texts.t) > 0`, pqArray(extra)).Scan(&hits))
	return hits
}

// pqArray writes strings as a PostgreSQL text array literal.
func pqArray(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = `"` + strings.ReplaceAll(strings.ReplaceAll(x, `\`, `\\`), `"`, `\"`) + `"`
	}
	return "{" + strings.Join(q, ",") + "}"
}

// The append-only tables hold no candidate's name, email, address or
// browser in clear, yet the audit page and the candidate page show them;
// once the candidate's key is destroyed they read "(erased)" and nothing
// opens any more.
func TestAuditKeepsPersonalDataSealedAndErasable(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	if hits := clearTraces(t, d.store); len(hits) > 0 {
		t.Errorf("the demo's append-only rows hold personal data in clear:\n%s", strings.Join(hits, "\n"))
	}
	app := d.application(t, "ben.okafor@example.com")
	var ben models.Candidate
	mustDB(t, d.store.DB().First(&ben, app.CandidateID))
	const ip, ua = "198.51.100.23", "ShredTest/1.0"
	note := "Call " + ben.Name + " on Friday"
	me := models.Actor{Kind: "candidate", ID: ben.ID, Email: ben.Email, IP: ip, UserAgent: ua}
	if err := d.store.Audit(ctx, me, "candidate.shred_test", "candidate", ben.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := d.store.OverrideExpectedDate(ctx, staffActor(d.recruiter), app.ID, testNow.AddDate(0, 0, 7), note); err != nil {
		t.Fatal(err)
	}
	if hits := clearTraces(t, d.store, ip, ua); len(hits) > 0 {
		t.Errorf("personal data in clear after a candidate's action and a staff note naming them:\n%s", strings.Join(hits, "\n"))
	}

	admin := staffActor(d.admin)
	entry := func(action string) models.AuditEntry {
		t.Helper()
		rows, _, err := d.store.ListAudit(ctx, admin, models.AuditFilter{Action: action, Page: 1})
		if err != nil || len(rows) == 0 {
			t.Fatalf("audit page, %s: %d rows, %v", action, len(rows), err)
		}
		return rows[0]
	}
	if e := entry("candidate.shred_test"); e.ActorEmail != ben.Email || e.IP != ip || e.UserAgent != ua {
		t.Errorf("the audit page shows the candidate's entry as %q, %q, %q; want their email, address and browser", e.ActorEmail, e.IP, e.UserAgent)
	}
	if e := entry("application.expected_date_changed"); !strings.Contains(e.DetailsText(), note) || e.ActorEmail != d.recruiter.Email {
		t.Errorf("the audit page shows the note's entry as %s by %s", e.DetailsText(), e.ActorEmail)
	}
	if rows, _, err := d.store.ListAudit(ctx, admin, models.AuditFilter{ActorEmail: d.recruiter.Email, Page: 1}); err != nil || len(rows) == 0 {
		t.Errorf("filtering by a staff member's email: %d rows, %v", len(rows), err)
	}
	dateNote := func() string {
		t.Helper()
		detail, err := d.store.GetCandidateDetail(ctx, staffActor(d.recruiter), ben.ID)
		if err != nil || len(detail.DateChanges) == 0 {
			t.Fatalf("candidate page: %v", err)
		}
		return detail.DateChanges[0].Note
	}
	if got := dateNote(); got != note {
		t.Errorf("the candidate page shows the promised date's note as %q, want %q", got, note)
	}

	if err := d.store.DestroyPersonKey(ctx, ben.ID); err != nil {
		t.Fatal(err)
	}
	if e := entry("candidate.shred_test"); e.ActorEmail != models.Erased || e.IP != models.Erased || e.UserAgent != models.Erased {
		t.Errorf("after erasure the audit page shows %q, %q, %q; want %q", e.ActorEmail, e.IP, e.UserAgent, models.Erased)
	}
	if e := entry("application.expected_date_changed"); strings.Contains(e.DetailsText(), ben.Name) || !strings.Contains(e.DetailsText(), models.Erased) {
		t.Errorf("after erasure the note's entry shows %s", e.DetailsText())
	}
	if got := dateNote(); got != models.Erased {
		t.Errorf("after erasure the candidate page shows the note as %q", got)
	}
	var ids []int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM audit_log WHERE person_id = ? AND personal IS NOT NULL", ben.ID).Scan(&ids))
	if len(ids) < 2 {
		t.Fatalf("%d sealed entries about the candidate, want at least 2", len(ids))
	}
	for _, id := range ids {
		if p, err := d.store.SealedPersonal(ctx, "audit_log", id); !errors.Is(err, models.ErrPersonKeyGone) {
			t.Errorf("entry %d still opens after erasure: %v, %v", id, p, err)
		}
	}
}

// auditText is every audit entry of action as the database holds it in
// clear (its details and columns, not its sealed part).
func auditText(t *testing.T, s *models.Store, action string) string {
	t.Helper()
	var out string
	mustDB(t, s.DB().Raw(`SELECT coalesce(string_agg(actor_email || ' ' || ip || ' ' || user_agent || ' ' || details::text, ' | '), '')
		FROM audit_log WHERE action = ?`, action).Scan(&out))
	return out
}

// Erasure destroys the person's key: what the audit log sealed about them
// (their own actions' email and address included) no longer opens, and the
// audit page reads "(erased)".
func TestErasureShredsTheSealedAuditEntries(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	app := d.application(t, "elena.rossi@example.com") // rejected: nothing in progress
	var elena models.Candidate
	mustDB(t, d.store.DB().First(&elena, app.CandidateID))
	me := models.Actor{Kind: "candidate", ID: elena.ID, Email: elena.Email, IP: "198.51.100.88", UserAgent: "ShredTest/2.0"}
	req, err := d.store.RequestErasure(ctx, me)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	mustDB(t, d.store.DB().Raw("SELECT id FROM audit_log WHERE person_id = ? AND personal IS NOT NULL", elena.ID).Scan(&ids))
	if len(ids) == 0 {
		t.Fatal("no sealed entry about the candidate before erasure")
	}
	if p, err := d.store.SealedPersonal(ctx, "audit_log", ids[len(ids)-1]); err != nil || p["ip"] != me.IP {
		t.Fatalf("the request's entry before erasure: %v, %v", p, err)
	}
	if err := d.store.ConfirmErasure(ctx, staffActor(d.admin), req.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if p, err := d.store.SealedPersonal(ctx, "audit_log", id); !errors.Is(err, models.ErrPersonKeyGone) {
			t.Errorf("entry %d still opens after erasure: %v, %v", id, p, err)
		}
	}
	rows, _, err := d.store.ListAudit(ctx, staffActor(d.admin), models.AuditFilter{Action: "erasure.requested", Page: 1})
	if err != nil || len(rows) == 0 || rows[0].ActorEmail != models.Erased || rows[0].IP != models.Erased {
		t.Errorf("the audit page after erasure: %d rows, %v", len(rows), err)
	}
	if hits := clearTraces(t, d.store, me.IP, me.UserAgent); len(hits) > 0 {
		t.Errorf("after erasure, in clear:\n%s", strings.Join(hits, "\n"))
	}
}
