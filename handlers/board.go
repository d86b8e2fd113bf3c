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
	return h.renderBoard(c, id, http.StatusOK, views.BoardMoveForm{}, nil)
}

func (h *Handler) renderBoard(c echo.Context, positionID int64, status int, form views.BoardMoveForm, errs map[string]string) error {
	board, err := h.store.PositionBoard(c.Request().Context(), actor(c), positionID)
	if err != nil {
		return err
	}
	return render(c, status, views.BoardPage(views.BoardProps{
		Layout: h.layout(c, "Board: "+board.Position.Title), Board: board, Form: form, Errors: errs,
	}))
}

// adminBoardMove moves one card, from its form or a drop. A refused move
// re-renders the board with the message on that card and its input kept.
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
		return h.renderBoard(c, positionID, statusOf(r.Code), form, formErrors(r))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, h.sentNotice(name+" moved to "+models.StageName(to), "the candidate's update"))
	return redirect(c, views.BoardCardPath(positionID, appID))
}
