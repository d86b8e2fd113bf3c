package handlers

import (
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"nextstep/views"
)

// A candidate's data export (models/data_export.go): the candidate's own
// download from their account page, and the one admins and recruiters
// produce from the staff candidate page for a candidate who asks by email.
// Both are a POST (each export is audited, so no link a crawler or a
// prefetch could follow) answered with the zip as an attachment.

// candidateExportRoutes: the candidate's and the staff's export. The candidate's URL
// has no id: it is always the signed-in candidate's own data.
func (h *Handler) candidateExportRoutes(me *echo.Group) {
	me.POST(views.MyDataExportPath[len("/me"):], h.candidateDataExport)
}

// staffExportRoutes: the staff's export, for admins and recruiters (the
// model refuses anyone else too).
func (h *Handler) staffExportRoutes(staff *echo.Group, managers echo.MiddlewareFunc) {
	staff.POST("/candidates/:id/export", h.staffDataExport, managers)
}

func (h *Handler) candidateDataExport(c echo.Context) error {
	return h.sendDataExport(c, actor(c).ID)
}

func (h *Handler) staffDataExport(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.sendDataExport(c, id)
}

// sendDataExport prepares candidateID's export (a refusal or a database
// error here still gets the usual error page) and then streams the zip.
func (h *Handler) sendDataExport(c echo.Context, candidateID int64) error {
	ctx := c.Request().Context()
	x, err := h.store.PrepareCandidateExport(ctx, actor(c), candidateID)
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, "application/zip")
	hd.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": x.FileName}))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	// The server's write timeout suits pages; an export of many documents
	// over a slow line may take longer.
	if err := http.NewResponseController(c.Response().Writer).SetWriteDeadline(time.Now().Add(exportWriteTime)); err != nil {
		slog.DebugContext(ctx, "data export: no longer write deadline", "err", err)
	}
	w := &firstByte{Response: c.Response()}
	if err := x.WriteZip(ctx, w); err != nil {
		if !w.wrote {
			hd.Del(echo.HeaderContentDisposition)
			hd.Del(echo.HeaderContentType)
			return err
		}
		// The status line and part of the zip have left: an error page can no
		// longer be sent. The browser sees a broken download; the log says why.
		slog.ErrorContext(ctx, "data export broken off", "candidate_id", candidateID, "err", err)
		return nil
	}
	return nil
}

// exportWriteTime is how long an export's download may take.
const exportWriteTime = 15 * time.Minute

// firstByte records whether anything was written to the response.
type firstByte struct {
	*echo.Response
	wrote bool
}

func (w *firstByte) Write(b []byte) (int, error) {
	w.wrote = w.wrote || len(b) > 0
	return w.Response.Write(b)
}
