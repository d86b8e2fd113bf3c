package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nextstep/models"
)

// templateForm is the editor's form with tasks in its first rows.
func templateForm(tasks []models.TaskTemplate) url.Values {
	form := url.Values{}
	for i, t := range tasks {
		n := fmt.Sprint(i)
		form.Set("title_"+n, t.Title)
		form.Set("explanation_"+n, t.Explanation)
		form.Set("kind_"+n, string(t.Kind))
		form.Set("assignee_"+n, string(t.Assignee))
		if t.Required {
			form.Set("required_"+n, "1")
		}
		form.Set("due_offset_days_"+n, fmt.Sprint(t.DueOffsetDays))
		form.Set("form_"+n, t.Form)
		form.Set("document_"+n, string(t.Document))
		form.Set("confirm_version_"+n, t.ConfirmVersion)
	}
	return form
}

// TestOnboardingTemplateEditor: an admin changes a position's checklist
// template (a row changed, one dropped, one added), is refused a bad row at
// that row with the input kept, and goes back to the default; a recruiter
// may do neither.
func TestOnboardingTemplateEditor(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	pos := app.positionID(refOpsTitle)
	page := fmt.Sprintf("/admin/positions/%d/onboarding", pos)
	admin := app.newClient()
	admin.loginStaff(adminEmail)

	if href, _ := admin.get(fmt.Sprintf("/admin/positions/%d/edit", pos)).Doc(t).Find("[data-testid=position-onboarding-link]").Attr("href"); href != page {
		t.Errorf("the position's edit page links to %q, want %s", href, page)
	}
	defaults := models.DefaultOnboardingTemplate()
	doc := admin.get(page).Doc(t)
	if rows := doc.Find("[data-testid=template-row]").Length(); rows != len(defaults)+2 {
		t.Errorf("%d rows in the editor, want the %d default tasks and 2 blank", rows, len(defaults))
	}
	if v, _ := doc.Find("#task_1").Attr("value"); v != defaults[0].Title {
		t.Errorf("the first row's title is %q", v)
	}

	// Change the first row, drop the second (empty title), add one in a blank row.
	form := templateForm(defaults)
	form.Set("title_0", "Read and confirm the site safety rules")
	form.Set("confirm_version_0", "2026-2")
	form.Set("due_offset_days_0", "-3")
	form.Set("title_1", "")
	n := fmt.Sprint(len(defaults))
	form.Set("title_"+n, "Upload your forklift certificate")
	form.Set("explanation_"+n, "A scan of your current certificate.")
	form.Set("kind_"+n, "upload")
	form.Set("assignee_"+n, "starter")
	form.Set("due_offset_days_"+n, "0")
	form.Set("document_"+n, "certificate")
	res := admin.post(page, form)
	if res.Status != http.StatusSeeOther || res.Location != page {
		t.Fatalf("save: %d → %q %.300s", res.Status, res.Location, res.Body)
	}
	var stored []struct {
		Title, ConfirmVersion, Document string
		DueOffsetDays                   int
		Required                        bool
	}
	mustDB(t, app.Store.DB().Raw("SELECT title, confirm_version, document, due_offset_days, required FROM onboarding_template_tasks WHERE position_id = ? ORDER BY sort_order", pos).Scan(&stored))
	if len(stored) != len(defaults) || stored[0].Title != "Read and confirm the site safety rules" || stored[0].ConfirmVersion != "2026-2" ||
		stored[0].DueOffsetDays != -3 || stored[1].Title != defaults[2].Title || stored[len(stored)-1].Document != "certificate" || stored[len(stored)-1].Required {
		t.Errorf("stored template: %+v", stored)
	}
	res = admin.get(page)
	if !strings.Contains(res.Body, "Onboarding checklist saved.") {
		t.Errorf("no flash after the save")
	}
	doc = res.Doc(t)
	if v, _ := doc.Find("#task_1").Attr("value"); v != "Read and confirm the site safety rules" {
		t.Errorf("the page shows the first task as %q", v)
	}
	if v, _ := doc.Find("#task_" + n).Attr("value"); v != "Upload your forklift certificate" {
		t.Errorf("the page shows the added task as %q", v)
	}
	if doc.Find("[data-testid=template-row]").Length() != len(defaults)+2 {
		t.Errorf("%d rows after the save", doc.Find("[data-testid=template-row]").Length())
	}

	// Bad rows are refused at their row, the input kept, nothing saved.
	for _, bad := range []struct{ name, field, value, want string }{
		{"no kind", "kind_2", "", "Choose what the task asks for"},
		{"a form task without a form", "form_2", "", "Choose which form the starter fills in."},
	} {
		form := templateForm(defaults)
		form.Set("title_2", "Tell us about you")
		form.Set("kind_2", "form")
		form.Set("form_2", "personal_details")
		form.Set(bad.field, bad.value)
		res := admin.post(page, form)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: status %d", bad.name, res.Status)
		}
		doc := res.Doc(t)
		if msg := doc.Find("#task_3-error").Text(); !strings.Contains(msg, bad.want) {
			t.Errorf("%s: the row's error is %q", bad.name, msg)
		}
		if v, _ := doc.Find("#task_3").Attr("value"); v != "Tell us about you" {
			t.Errorf("%s: the refused row kept as %q", bad.name, v)
		}
		if v, _ := doc.Find("#task_3").Attr("aria-invalid"); v != "true" {
			t.Errorf("%s: the refused row is not marked invalid (%q)", bad.name, v)
		}
	}
	var titles []string
	mustDB(t, app.Store.DB().Raw("SELECT title FROM onboarding_template_tasks WHERE position_id = ? ORDER BY sort_order", pos).Scan(&titles))
	if len(titles) != len(defaults) || titles[0] != "Read and confirm the site safety rules" {
		t.Errorf("a refused save changed the template: %q", titles)
	}

	// A recruiter reaches neither the page nor the save.
	recruiter := app.newClient()
	recruiter.loginStaff(recruiterEmail)
	if res := recruiter.get(page); res.Status != http.StatusForbidden {
		t.Errorf("a recruiter opens the template: status %d", res.Status)
	}
	if res := recruiter.post(page, url.Values{"defaults": {"1"}}); res.Status != http.StatusForbidden {
		t.Errorf("a recruiter saves the template: status %d", res.Status)
	}

	// "Use the default checklist" saves no rows, whatever the rows say.
	if res := admin.post(page, url.Values{"defaults": {"1"}, "title_0": {"Ignored"}, "kind_0": {"staff"}, "assignee_0": {"staff"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("defaults: status %d", res.Status)
	}
	titles = nil
	mustDB(t, app.Store.DB().Raw("SELECT title FROM onboarding_template_tasks WHERE position_id = ?", pos).Scan(&titles))
	if len(titles) != 0 {
		t.Errorf("after 'use the default checklist': %q", titles)
	}
	if v, _ := admin.get(page).Doc(t).Find("#task_2").Attr("value"); v != defaults[1].Title {
		t.Errorf("back to the default, the second task is %q", v)
	}
}
