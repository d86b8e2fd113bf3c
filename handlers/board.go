package handlers

import "github.com/labstack/echo/v4"

func (h *Handler) adminPositionBoard(c echo.Context) error { return echo.ErrNotImplemented }

func (h *Handler) adminBoardMove(c echo.Context) error { return echo.ErrNotImplemented }
