package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// storedStageTimes is each stage's own time as the database holds it, "-"
// for none, in the pipeline's order.
func (a *testApp) storedStageTimes(positionID int64) string {
	a.t.Helper()
	var s string
	if err := a.Store.DB().Raw(`SELECT string_agg(stage || '=' || coalesce(sla_days::text, '-'), ',' ORDER BY sort_order)
		FROM position_stages WHERE position_id = ?`, positionID).Scan(&s).Error; err != nil {
		a.t.Fatal(err)
	}
	return s
}

// The pipeline editor sets a stage's time: a bad one is refused at its
// field with the input kept and nothing saved, a move of a stage keeps what
// was typed, a good one is saved and audited, and the positions page shows it.
func TestPipelineEditorStageTime(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := app.newClient()
	r.loginStaff(recruiterEmail)
	pos := app.positionID("Warehouse Operations Lead")
	editURL, saveURL := fmt.Sprintf("/admin/positions/%d/edit", pos), fmt.Sprintf("/admin/positions/%d", pos)
	page := r.get(editURL)
	doc := page.Doc(t)
	if label := strings.Join(strings.Fields(doc.Find(`label[for=sla_pre_employment_medical]`).Text()), " "); label != "Time to update the candidate at Pre-employment medical:" {
		t.Errorf("the medical's time is labelled %q", label)
	}
	if v, ok := doc.Find("#sla_pre_employment_medical").Attr("value"); !ok || v != "" {
		t.Errorf("a stage without its own time shows %q", v)
	}
	if n := doc.Find("#sla_hired").Length(); n != 0 {
		t.Error("Hired, which promises no date, has a time field")
	}
	if hint := doc.Find("#pipeline-time-hint").Text(); !strings.Contains(hint, "decision time (4 business days)") {
		t.Errorf("hint %q does not name the decision time", hint)
	}
	stored := app.storedStageTimes(pos)
	counts := app.rowCounts("audit_log")

	for _, bad := range []string{"0", "61", "abc"} {
		form := formOf(t, page, "main form")
		form.Set("title", "Warehouse Lead (renamed)")
		form.Set("sla_pre_employment_medical", bad)
		res := r.post(saveURL, form)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%q: status %d", bad, res.Status)
		}
		doc := res.Doc(t)
		want := "The time to update the candidate at Pre-employment medical must be a whole number of business days from 1 to 60, or blank for the position's decision time."
		if got := strings.TrimSpace(doc.Find("#sla_pre_employment_medical-error").Text()); got != want {
			t.Errorf("%q: field error %q, want %q", bad, got, want)
		}
		field := doc.Find("#sla_pre_employment_medical")
		if v, _ := field.Attr("value"); v != bad {
			t.Errorf("%q: the field came back as %q", bad, v)
		}
		if v, _ := field.Attr("aria-invalid"); v != "true" {
			t.Errorf("%q: aria-invalid %q", bad, v)
		}
		if v, _ := field.Attr("aria-describedby"); !strings.Contains(v, "sla_pre_employment_medical-error") {
			t.Errorf("%q: aria-describedby %q", bad, v)
		}
		if v, _ := doc.Find("input[name=title]").Attr("value"); v != "Warehouse Lead (renamed)" {
			t.Errorf("%q: title came back as %q", bad, v)
		}
		if got := app.storedStageTimes(pos); got != stored {
			t.Errorf("%q: stage times saved: %s", bad, got)
		}
		if n := app.countRows("positions", "title = 'Warehouse Lead (renamed)'"); n != 0 {
			t.Errorf("%q: the position was saved", bad)
		}
		if n := app.rowCounts("audit_log")["audit_log"]; n != counts["audit_log"] {
			t.Errorf("%q: audit log %d → %d", bad, counts["audit_log"], n)
		}
	}

	// A stage moved without JavaScript comes back with the times as typed.
	form := formOf(t, page, "main form")
	form.Set("sla_pre_employment_medical", "9")
	form.Set("sla_hr_round", "2")
	form.Set("pipeline_move", "up:hr_round")
	moved := r.post(saveURL, form)
	if moved.Status != http.StatusOK {
		t.Fatalf("move: %d", moved.Status)
	}
	if v, _ := moved.Doc(t).Find("#sla_pre_employment_medical").Attr("value"); v != "9" {
		t.Errorf("after a move the medical's time is %q", v)
	}
	form = formOf(t, moved, "main form")
	form.Set("sla_hr_round", "")
	if res := r.post(saveURL, form); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.Status, res.text(t))
	}
	if got := app.storedStageTimes(pos); !strings.Contains(got, "pre_employment_medical=9") || !strings.Contains(got, "hr_round=-") {
		t.Errorf("stored stage times %s", got)
	}
	if n := app.countRows("audit_log", "action = 'position.updated' AND subject_id = ? AND details->'stage_times'->>'pre_employment_medical' = '9'", pos); n != 1 {
		t.Errorf("%d position.updated audit entries with the time", n)
	}
	if v, _ := r.get(editURL).Doc(t).Find("#sla_pre_employment_medical").Attr("value"); v != "9" {
		t.Errorf("the edit page shows the saved time as %q", v)
	}
	var chips []string
	r.get("/admin/positions").Doc(t).Find("[data-testid=position] .pipeline-chips li").Each(func(_ int, s *goquery.Selection) {
		chips = append(chips, strings.Join(strings.Fields(s.Text()), " "))
	})
	if !strings.Contains(strings.Join(chips, "|"), "Pre-employment medical: 9 business days|") {
		t.Errorf("the positions page does not show the stage's time: %v", chips)
	}
}
