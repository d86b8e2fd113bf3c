package handlers

import (
	"github.com/labstack/echo/v4"

	"nextstep/models"
)

// Placeholders until the offer review lands.

func (h *Handler) adminOfferReview(c echo.Context) error   { return models.ErrNotFound }
func (h *Handler) adminOfferSendBack(c echo.Context) error { return models.ErrNotFound }
