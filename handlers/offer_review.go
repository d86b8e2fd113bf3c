package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// ---- offer review: the offer as the candidate will see it ----

// renderOfferReview shows an offer version's review page. The store scopes
// it: a hiring manager sees only the offers of their own positions.
func (h *Handler) renderOfferReview(c echo.Context, id int64, status int, errs map[string]string, comment string) error {
	r, err := h.store.OfferReviewFor(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return render(c, status, views.AdminOfferReviewPage(views.OfferReviewProps{Layout: h.layout(c, "Offer review"), Review: r,
		Errors: errs, Comment: comment, Confirm: status == http.StatusOK && c.QueryParam("confirm") == "send"}))
}

func (h *Handler) adminOfferReview(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.renderOfferReview(c, id, http.StatusOK, nil, "")
}

// fromReview reports whether a version's form was posted from its review
// page, which the answer then returns to.
func fromReview(c echo.Context) bool { return c.FormValue("from") == "review" }

// reviewAction runs an action on an offer version posted from its review
// page: back to the page on success, the page again with the messages and
// the input kept on a refusal.
func (h *Handler) reviewAction(c echo.Context, do func(id int64) error, done, comment string) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.act(c, action{
		do:    func() error { return do(id) },
		flash: fixed(done),
		next:  views.OfferVersionPath(id),
		again: func(status int, r *models.Error) error {
			return h.renderOfferReview(c, id, status, formErrors(r), comment)
		},
	})
}

func (h *Handler) adminOfferSendBack(c echo.Context) error {
	comment := c.FormValue("comment")
	return h.reviewAction(c, func(id int64) error {
		return h.store.SendBackOffer(c.Request().Context(), actor(c), id, comment)
	}, "Offer sent back. It is a draft again, with your comment for the person who drafted it.", comment)
}
