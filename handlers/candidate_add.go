package handlers

import "github.com/labstack/echo/v4"

func (h *Handler) adminCandidateAddApplication(c echo.Context) error { return echo.ErrNotImplemented }
