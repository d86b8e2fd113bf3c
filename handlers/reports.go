package handlers

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// reportOverdueRows is how many overdue promises the reports page lists; the
// count above the list and the CSV cover them all.
const reportOverdueRows = 100

// adminReports is the reports page: every report, for one position or all,
// computed in one statement.
func (h *Handler) adminReports(c echo.Context) error {
	r, err := h.store.Reports(c.Request().Context(), actor(c),
		models.ReportFilter{PositionID: formInt(c.QueryParam("position")), OverdueLimit: reportOverdueRows})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminReportsPage(views.ReportsProps{Layout: h.layout(c, "Reports"), Reports: r}))
}

// adminReportCSV downloads one report as a spreadsheet-safe CSV file.
func (h *Handler) adminReportCSV(c echo.Context) error {
	kind, err := models.ParseReportKind(c.Param("report"))
	if err != nil {
		return err
	}
	f := models.ReportFilter{PositionID: formInt(c.QueryParam("position")), Kinds: []models.ReportKind{kind}}
	r, err := h.store.Reports(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	records, err := r.CSVRecords(kind, h.reportLocation())
	if err != nil {
		return err
	}
	name := fmt.Sprintf("nextstep-%s-%s", kind, r.Now.In(h.reportLocation()).Format("2006-01-02"))
	if r.Position != nil {
		name += fmt.Sprintf("-position-%d", r.Position.ID)
	}
	reportAttachment(c, name+".csv")
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	return w.WriteAll(records) // WriteAll flushes
}

// adminCandidatesCSV downloads the staff candidate list, with the filters
// and sort of the list page, streamed batch by batch.
func (h *Handler) adminCandidatesCSV(c echo.Context) error {
	f := candidateFilter(c)
	loc := h.reportLocation()
	var w *csv.Writer
	return h.store.ExportCandidates(c.Request().Context(), actor(c), f, func(rows []models.CandidateRow) error {
		if w == nil {
			// The first batch was read: from here on the answer is the file.
			reportAttachment(c, "nextstep-candidates-"+h.clock.Now().In(loc).Format("2006-01-02")+".csv")
			c.Response().WriteHeader(http.StatusOK)
			w = csv.NewWriter(c.Response())
			if err := w.Write(models.CandidateCSVHeader()); err != nil {
				return err
			}
		}
		for _, r := range rows {
			if err := w.Write(models.CandidateCSVRecord(r, loc)); err != nil {
				return err
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		// Send the batch on; a writer that cannot flush sends it later.
		_ = http.NewResponseController(c.Response().Writer).Flush()
		return nil
	})
}

// reportAttachment makes the answer a CSV file to save under name.
func reportAttachment(c echo.Context, name string) {
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	hd.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
}

// reportLocation is the time zone dates are shown in.
func (h *Handler) reportLocation() *time.Location {
	if h.cfg.Location == nil {
		return time.UTC
	}
	return h.cfg.Location
}
