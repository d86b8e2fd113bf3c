package views

import (
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"nextstep/models"
)

// BoardProps is a position's board: a column per stage, a card per
// application in progress, each card with its own move form.
type BoardProps struct {
	Layout
	Board  *models.Board
	Form   BoardMoveForm     // the refused move, kept as typed
	Errors map[string]string // its messages, by field (to_stage, note, confirm_skip)
}

// BoardMoveProps is the small page that moves one card without JavaScript
// (with it, the same form opens in a dialog on the board). Its form posts to
// the board's move, like the dialog's.
type BoardMoveProps struct {
	Layout
	Board  *models.Board
	Card   models.BoardCard
	Form   BoardMoveForm
	Errors map[string]string
}

// board is the page's form state as the board's, so both render one form.
func (p BoardMoveProps) board() BoardProps {
	return BoardProps{Layout: p.Layout, Board: p.Board, Form: p.Form, Errors: p.Errors}
}

// BoardMoveForm is a card's move form as submitted.
type BoardMoveForm struct {
	ApplicationID int64
	To            string
	Note          string
	ConfirmSkip   bool
}

// failed reports whether the refused move was this card's.
func (p BoardProps) failed(card models.BoardCard) bool {
	return len(p.Errors) > 0 && p.Form.ApplicationID == card.ApplicationID
}

// cardError is a field's message for this card, or "".
func (p BoardProps) cardError(card models.BoardCard, field string) string {
	if !p.failed(card) {
		return ""
	}
	return p.Errors[field]
}

// keptNote is the reason typed for this card's refused move.
func (p BoardProps) keptNote(card models.BoardCard) string {
	if !p.failed(card) {
		return ""
	}
	return p.Form.Note
}

// moveSelected reports whether a move choice is preselected: the one the
// person chose when their move was refused, otherwise the next stage.
func (p BoardProps) moveSelected(card models.BoardCard, i int) bool {
	if p.failed(card) {
		return p.Form.To == string(card.Moves[i].To)
	}
	return i == 0
}

// skipOpen reports whether the card's skip fields start unfolded: when a
// refused move was a skip or failed on its reason or confirmation.
func (p BoardProps) skipOpen(card models.BoardCard) bool {
	if !p.failed(card) {
		return false
	}
	if p.Errors["note"] != "" || p.Errors["confirm_skip"] != "" {
		return true
	}
	for _, m := range card.Moves {
		if string(m.To) == p.Form.To {
			return len(m.Skipped) > 0
		}
	}
	return false
}

// boardHasSkips reports whether any of the card's moves skips stages.
func boardHasSkips(card models.BoardCard) bool {
	for _, m := range card.Moves {
		if len(m.Skipped) > 0 {
			return true
		}
	}
	return false
}

// boardFieldID is the id of a card's form control, unique on the page.
func boardFieldID(field string, card models.BoardCard) string {
	return "move-" + field + "-" + strconv.FormatInt(card.ApplicationID, 10)
}

// boardErrorRef links a card's field to its error message when there is one
// (an empty aria-describedby is invalid HTML).
func boardErrorRef(msg, id string) templ.Attributes {
	if msg == "" {
		return nil
	}
	return templ.Attributes{"aria-describedby": id + "-error"}
}

func boardInvalid(msg string) string {
	if msg == "" {
		return "false"
	}
	return "true"
}

// boardDroppable tells board.js and the page whether a column takes drops:
// the stages no move on the board enters never do.
func boardDroppable(col models.BoardColumn) string {
	if col.Flow {
		return "false"
	}
	return "true"
}

// boardMovePageURL is a card's move page: where its Move button goes
// without JavaScript.
func boardMovePageURL(positionID, appID int64) string {
	return PositionPath(positionID) + "/board/move?" + url.Values{"application_id": {itoa(appID)}}.Encode()
}

// boardDaysShort is a card's time in its stage, compactly.
func boardDaysShort(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

// boardListURL is the candidate list filtered to one column, where the
// cards beyond the board's cap are (filter names as in candidateFilter).
func boardListURL(positionID int64, stage models.StageKey) string {
	return "/admin/candidates?" + url.Values{"position": {itoa(positionID)}, "stage": {string(stage)}}.Encode()
}

// boardHiredURL lists the position's hired candidates, who leave the board.
func boardHiredURL(positionID int64) string {
	return "/admin/candidates?" + url.Values{"position": {itoa(positionID)}, "status": {string(models.StatusHired)}}.Encode()
}

// boardNoMove says why a card has no move form and where to go instead.
func boardNoMove(card models.BoardCard) string {
	if card.Status == models.StatusOnHold {
		return "On hold: reactivate it on the candidate's page to move it on."
	}
	if hint := models.BoardCardHint(card.Stage); hint != "" {
		return hint
	}
	return "No move from here: open the candidate's page."
}

// boardDays is how long a card has waited in its stage.
func boardDays(n int) string {
	switch n {
	case 0:
		return "In this stage since today"
	case 1:
		return "1 day in this stage"
	}
	return strconv.Itoa(n) + " days in this stage"
}
