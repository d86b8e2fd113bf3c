package handlers_test

// Browser acceptance test of candidate documents and the interview kit
// (issue 22): the recruiter uploads Amelia's CV, schedules a round with Ines
// on the panel and writes its focus areas; Ines opens the kit from My
// interviews, sees the CV (a PDF shown in the page) and the focus areas,
// cannot submit a scorecard before the interview starts, and submits one
// once the (injected) clock reaches the start.

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nextstep/models"
)

func TestBrowserInterviewKitJourney(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	candID, appID := app.candidateID(ivAmeliaEmail), app.applicationID(ivAmeliaEmail)
	const (
		focus  = "Pricing under pressure; how she handles a procurement team."
		opens  = "The scorecard opens when the interview starts, on Tuesday 8 December at 10:00 (UTC)."
		cvName = "Amelia Hart CV.pdf"
	)

	// 1. The recruiter uploads Amelia's CV from her candidate page.
	rec := newBrowser(t)
	browserLoginStaff(t, rec, app, recruiterEmail, "/admin")
	open(t, rec, app.URL+fmt.Sprintf("/admin/candidates/%d", candID), "[data-testid=documents-link]")
	docsPath := fmt.Sprintf("/admin/candidates/%d/documents", candID)
	dir := t.TempDir()
	fake := filepath.Join(dir, "cv.pdf")
	cv := filepath.Join(dir, cvName)
	if err := os.WriteFile(fake, []byte("<html><body>not a PDF</body></html>"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cv, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// First a web page named .pdf: refused at the field on the documents
	// page, with the kind chosen kept.
	selectOption(t, rec, "#doc-kind", "Portfolio")
	do(t, rec, "choose a web page named .pdf", chromedp.SetUploadFiles(chromedp.ID("doc-file"), []string{fake}))
	if status := submit(t, rec, "[data-testid=document-upload] button[type=submit]"); status != http.StatusUnprocessableEntity || path(t, rec) != docsPath {
		t.Fatalf("a web page as a CV: status %d on %s, want 422 on the documents page", status, path(t, rec))
	}
	if got := text(t, rec, "#file-error"); !strings.Contains(got, "cv.pdf is not a PDF, Word (DOCX), JPEG or PNG file") {
		t.Errorf("file error = %q", got)
	}
	if got := fieldValue(t, rec, "#kind"); got != "portfolio" {
		t.Errorf("the kind after the refusal = %q, want the chosen portfolio", got)
	}
	selectOption(t, rec, "#kind", "CV")
	do(t, rec, "choose the CV", chromedp.SetUploadFiles(chromedp.ID("file"), []string{cv}))
	if status := submit(t, rec, "[data-testid=upload-document]"); status != http.StatusOK || path(t, rec) != docsPath {
		t.Fatalf("upload the CV: status %d on %s", status, path(t, rec))
	}
	ivCheckFlash(t, rec, "The document is uploaded.")
	if got := text(t, rec, "[data-testid=document]"); !strings.Contains(got, "CV: "+cvName) || !strings.Contains(got, "opens in the browser") {
		t.Errorf("the documents list = %q", got)
	}

	// 2. The recruiter schedules a round with Ines (Amelia picks its one time)
	// and prepares the panel in its kit.
	open(t, rec, app.URL+fmt.Sprintf("/admin/applications/%d/interviews/new", appID), "#kind")
	selectOption(t, rec, "#kind", "Commercial negotiation interview")
	fill(t, rec, "duration", "60")
	fill(t, rec, "location", "London office, 5th floor")
	setDate(t, rec, "slot-0", "2026-12-08T10:00")
	tick(t, rec, fmt.Sprintf(`[data-testid=panel-choices] input[name=panel][value="%s"]`,
		ivChoiceValue(t, rec, "[data-testid=panel-choices]", "panel", "Ines Interviewer")))
	// A commercial negotiation interview moves Amelia on past two stages,
	// which the form asks to confirm first.
	createBtn := fmt.Sprintf(`form[action="/admin/applications/%d/interviews"] button[type=submit]`, appID)
	if status := submit(t, rec, createBtn); status != http.StatusUnprocessableEntity {
		t.Fatalf("create the interview without confirming the stages passed over: status %d, want 422", status)
	}
	waitVisible(t, rec, "[data-testid=round-confirm-skip]")
	tick(t, rec, "[data-testid=round-confirm-skip]")
	if status := submit(t, rec, createBtn); status != http.StatusOK {
		t.Fatalf("create the interview: status %d", status)
	}
	m := regexp.MustCompile(`^/admin/interviews/(\d+)$`).FindStringSubmatch(path(t, rec))
	if m == nil {
		t.Fatalf("after creating, the recruiter is on %s", path(t, rec))
	}
	roundPath, kitPath := m[0], m[0]+"/kit"
	var roundID, slotID int64
	fmt.Sscan(m[1], &roundID)
	mustDB(t, app.Store.DB().Raw("SELECT slot_id FROM interview_round_slots WHERE round_id = ?", roundID).Scan(&slotID))
	if err := app.Store.PickSlot(context.Background(), models.Actor{Kind: "candidate", ID: candID}, appID, roundID, slotID); err != nil {
		t.Fatalf("Amelia picks the time: %v", err)
	}
	if status := submit(t, rec, "[data-testid=kit-link]"); status != http.StatusOK || path(t, rec) != kitPath {
		t.Fatalf("the kit link: status %d on %s", status, path(t, rec))
	}
	if status := submit(t, rec, "[data-testid=kit-edit-link]"); status != http.StatusOK || path(t, rec) != kitPath+"/edit" {
		t.Fatalf("the kit's form: status %d on %s", status, path(t, rec))
	}
	fill(t, rec, "focus_areas", focus)
	var firstCriterion int64
	mustDB(t, app.Store.DB().Raw(`SELECT c.id FROM scorecard_criteria c JOIN applications a ON a.position_id = c.position_id
		WHERE a.id = ? AND NOT c.retired ORDER BY c.sort_order LIMIT 1`, appID).Scan(&firstCriterion))
	fill(t, rec, models.KitQuestionsField(firstCriterion), "Tell us about a deal you walked away from.")
	if status := submit(t, rec, "[data-testid=kit-save]"); status != http.StatusOK || path(t, rec) != kitPath {
		t.Fatalf("save the kit: status %d on %s", status, path(t, rec))
	}
	ivCheckFlash(t, rec, "The kit is saved")

	// 3. Ines opens the kit from My interviews: the CV in the page, the focus
	// areas, and the scorecard not open before the interview.
	ines := newBrowser(t)
	browserLoginStaff(t, ines, app, interviewerEmail, "/admin")
	open(t, ines, app.URL+"/admin/interviews", fmt.Sprintf(`[data-testid=kit-link][href="%s"]`, kitPath))
	if status := submit(t, ines, fmt.Sprintf(`[data-testid=kit-link][href="%s"]`, kitPath)); status != http.StatusOK || path(t, ines) != kitPath {
		t.Fatalf("Ines opens the kit: status %d on %s", status, path(t, ines))
	}
	if got := text(t, ines, "[data-testid=kit-focus]"); got != focus {
		t.Errorf("focus areas = %q, want %q", got, focus)
	}
	if got := text(t, ines, "[data-testid=kit-questions]"); !strings.Contains(got, "Tell us about a deal you walked away from.") {
		t.Errorf("questions = %q", got)
	}
	if got := text(t, ines, "[data-testid=document-link]"); got != cvName {
		t.Errorf("the CV's link = %q", got)
	}
	frame := run(t, ines, "the CV's frame", chromedp.Evaluate[map[string]string](`(function () {
		var f = document.querySelector("[data-testid=document-frame]");
		return f ? {src: f.getAttribute("src"), title: f.title} : {};
	})()`))
	if !strings.HasPrefix(frame["src"], "/admin/documents/") || frame["title"] != "CV: "+cvName {
		t.Fatalf("the CV is not shown in the page: %v", frame)
	}
	served := run(t, ines, "fetch the CV", chromedp.Evaluate[map[string]string](fmt.Sprintf(`fetch(%q).then(function (r) {
		return r.text().then(function (b) { return {status: String(r.status), type: r.headers.get("content-type"),
			disposition: r.headers.get("content-disposition"), start: b.slice(0, 8)}; });
	})`, frame["src"]), chromedp.EvalAwaitPromise))
	if served["status"] != "200" || served["type"] != models.FilePDF || !strings.HasPrefix(served["disposition"], "inline") || served["start"] != "%PDF-1.4" {
		t.Errorf("the CV as Ines's browser gets it: %v", served)
	}
	if got := text(t, ines, "[data-testid=scorecard-not-yet]"); got != opens {
		t.Errorf("scorecard notice = %q, want %q", got, opens)
	}
	if n := elementCount(t, ines, "[data-testid=kit-edit-link]"); n != 0 {
		t.Error("the interviewer is offered the kit's form")
	}
	inesHTTP := app.newClient()
	inesHTTP.loginStaff(interviewerEmail)
	if got := inesHTTP.get(kitPath + "/edit"); got.Status != http.StatusForbidden {
		t.Errorf("the interviewer opens the kit's form: %d, want 403", got.Status)
	}
	screenshot(t, ines, "kit-interviewer-before.png")
	// A scorecard posted anyway (as an old tab would) is refused with the time.
	refused := run(t, ines, "post a scorecard before the start", chromedp.Evaluate[map[string]string](fmt.Sprintf(`(function () {
		var body = new URLSearchParams();
		body.set("_csrf", document.querySelector("input[name=_csrf]").value);
		body.set("recommendation", "yes");
		return fetch(%q, {method: "POST", body: body}).then(function (r) {
			return r.text().then(function (b) { return {status: String(r.status), body: b}; });
		});
	})()`, roundPath+"/scorecard"), chromedp.EvalAwaitPromise))
	if refused["status"] != "422" || !strings.Contains(refused["body"], opens) {
		t.Errorf("a scorecard before the start: %s, %.300s", refused["status"], refused["body"])
	}
	if n := app.sqlCount("SELECT count(*) FROM scorecards WHERE round_id = ?", roundID); n != 0 {
		t.Fatalf("%d scorecards stored before the interview", n)
	}

	// 4. The interview starts: Ines writes her scorecard from the kit.
	app.Clock.Advance(time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC).Sub(app.Clock.Now()))
	browserLoginStaff(t, ines, app, interviewerEmail, "/admin")
	open(t, ines, app.URL+kitPath, "[data-testid=kit-write-scorecard]")
	if status := submit(t, ines, "[data-testid=kit-write-scorecard]"); status != http.StatusOK || path(t, ines) != roundPath {
		t.Fatalf("write the scorecard from the kit: status %d on %s", status, path(t, ines))
	}
	waitVisible(t, ines, "[data-testid=scorecard-form]")
	names := run(t, ines, "rating names", chromedp.Evaluate[[]string](`Array.from(new Set(Array.prototype.map.call(
		document.querySelectorAll("[data-testid=scorecard-form] input[type=radio][name^=rating_]"), function (i) { return i.name; })))`))
	for _, n := range names {
		tick(t, ines, fmt.Sprintf(`input[type=radio][name=%s][value="3"]`, n))
	}
	tick(t, ines, `[data-testid=scorecard-form] input[name=recommendation][value="yes"]`)
	if status := submit(t, ines, "[data-testid=scorecard-form] button[type=submit]"); status != http.StatusOK || path(t, ines) != roundPath {
		t.Fatalf("submit the scorecard: status %d on %s", status, path(t, ines))
	}
	ivCheckFlash(t, ines, "Scorecard saved")
	if n := app.sqlCount("SELECT count(*) FROM scorecards WHERE round_id = ?", roundID); n != 1 {
		t.Fatalf("%d scorecards stored after the start, want 1", n)
	}
	open(t, ines, app.URL+kitPath, "[data-testid=kit-earlier]")
	if n := elementCount(t, ines, "[data-testid=kit-earlier-hidden]"); n != 0 {
		t.Error("the kit still hides earlier rounds after Ines's scorecard is in")
	}
	screenshot(t, ines, "kit-interviewer-after.png")
}
