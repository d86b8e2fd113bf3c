package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// adminPositionBoard shows a position's board: a column per stage, a card
// per application in progress.
func (h *Handler) adminPositionBoard(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	board, err := h.store.PositionBoard(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.BoardPage(views.BoardProps{Layout: h.layout(c, "Board: "+board.Position.Title), Board: board}))
}

// adminBoardMovePage is one card's move form on a page of its own: where
// the card's Move button leads without JavaScript.
func (h *Handler) adminBoardMovePage(c echo.Context) error {
	positionID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	appID := formInt(c.QueryParam("application_id"))
	return h.renderBoardMove(c, positionID, http.StatusOK, views.BoardMoveForm{ApplicationID: appID}, nil)
}

// renderBoardMove shows a card's move page, from the board's own reading;
// a card not on the board is not found.
func (h *Handler) renderBoardMove(c echo.Context, positionID int64, status int, form views.BoardMoveForm, errs map[string]string) error {
	board, err := h.store.PositionBoard(c.Request().Context(), actor(c), positionID)
	if err != nil {
		return err
	}
	card := board.Card(form.ApplicationID)
	if card == nil {
		return models.ErrNotFound
	}
	return render(c, status, views.BoardMovePage(views.BoardMoveProps{
		Layout: h.layout(c, "Move "+card.Name), Board: board, Card: *card, Form: form, Errors: errs,
	}))
}

// adminBoardMove moves one card, from its dialog, its move page or a drop.
// A refused move shows the card's move page with the message and the input
// kept.
func (h *Handler) adminBoardMove(c echo.Context) error {
	positionID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	appID := formInt(c.FormValue("application_id"))
	if appID == 0 {
		return models.ErrNotFound
	}
	form := views.BoardMoveForm{ApplicationID: appID, To: c.FormValue("to"), Note: c.FormValue("note"), ConfirmSkip: c.FormValue("confirm_skip") != ""}
	to := models.StageKey(form.To)
	name, err := h.store.BoardMove(c.Request().Context(), actor(c), positionID, appID,
		models.MoveRequest{To: to, Note: form.Note, ConfirmSkip: form.ConfirmSkip})
	if r := h.formRefusal(err); r != nil {
		return h.renderBoardMove(c, positionID, statusOf(r.Code), form, formErrors(r))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, h.sentNotice(name+" moved to "+models.StageName(to), "the candidate's update"))
	return redirect(c, views.BoardCardPath(positionID, appID))
}
