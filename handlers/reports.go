package handlers

import (
	"github.com/labstack/echo/v4"

	"nextstep/models"
)

// Placeholders until the reports land.

func (h *Handler) adminReports(c echo.Context) error       { return models.ErrNotFound }
func (h *Handler) adminReportCSV(c echo.Context) error     { return models.ErrNotFound }
func (h *Handler) adminCandidatesCSV(c echo.Context) error { return models.ErrNotFound }
