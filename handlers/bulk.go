package handlers

import "github.com/labstack/echo/v4"

func (h *Handler) adminCandidatesBulk(c echo.Context) error { return echo.ErrNotImplemented }
