package handlers

import "github.com/labstack/echo/v4"

func (h *Handler) candidateContractNameCorrection(c echo.Context) error {
	return echo.ErrNotImplemented
}

func (h *Handler) adminNameCorrectionApply(c echo.Context) error { return echo.ErrNotImplemented }

func (h *Handler) adminNameCorrectionDecline(c echo.Context) error { return echo.ErrNotImplemented }
