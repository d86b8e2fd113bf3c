package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// adminOutbox lists messages with their delivery state, every sign-in link
// hidden (admins included).
func (h *Handler) adminOutbox(c echo.Context) error {
	ctx := c.Request().Context()
	f := models.OutboxFilter{To: truncateInput(c.QueryParam("to"), 254), Page: pageParam(c)}
	for _, st := range models.MessageStatuses() {
		if c.QueryParam("status") == string(st) {
			f.Status = st
		}
	}
	msgs, total, err := h.store.ListOutbox(ctx, actor(c), f)
	if err != nil {
		return err
	}
	counts, err := h.store.OutboxCounts(ctx, actor(c))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminOutboxPage(views.AdminOutboxProps{
		Layout: h.layout(c, "Outbox"), Messages: msgs, Counts: counts, Total: total, To: f.To, Status: f.Status, Page: f.Page,
		PageSize: models.OutboxPageSize, Query: c.QueryParams(), CanRetry: true}))
}

// adminMessageRetry queues a failed message again.
func (h *Handler) adminMessageRetry(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.RetryMessage(c.Request().Context(), actor(c), id); err != nil {
		if r := h.formRefusal(err); r != nil {
			h.setFlash(c, sentence(r))
			return redirect(c, "/admin/outbox")
		}
		return err
	}
	h.setFlash(c, "The message is queued to be sent again.")
	return redirect(c, "/admin/outbox")
}

func (h *Handler) adminMessageTemplates(c echo.Context) error {
	list, err := h.store.MessageTemplates(c.Request().Context())
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminMessageTemplatesPage(views.AdminMessageTemplatesProps{
		Layout: h.layout(c, "Message wording"), Templates: list}))
}

func (h *Handler) adminMessageTemplate(c echo.Context) error {
	t, err := h.store.MessageTemplateFor(c.Request().Context(), models.MessageKind(c.Param("kind")))
	if err != nil {
		return err
	}
	subj, body := h.store.PreviewMessage(t.Kind, t.Subject, t.Body)
	return render(c, http.StatusOK, views.AdminMessageTemplatePage(views.AdminMessageTemplateProps{
		Layout: h.layout(c, t.Label), Template: t, Subject: t.Subject, Body: t.Body, PreviewSubject: subj, PreviewBody: body}))
}

// adminMessageTemplateSave saves the wording, or only previews it; refused
// wording comes back with the admin's text kept and each problem named.
func (h *Handler) adminMessageTemplateSave(c echo.Context) error {
	ctx := c.Request().Context()
	t, err := h.store.MessageTemplateFor(ctx, models.MessageKind(c.Param("kind")))
	if err != nil {
		return err
	}
	subject, body := strings.TrimSpace(c.FormValue("subject")), c.FormValue("body")
	props := views.AdminMessageTemplateProps{Layout: h.layout(c, t.Label), Template: t, Subject: subject, Body: body}
	if c.FormValue("do") == "preview" {
		if verr := models.ValidateMessageTemplate(t.Kind, subject, body); verr != nil {
			props.Errors = formErrors(models.ErrorOf(verr))
			return render(c, http.StatusUnprocessableEntity, views.AdminMessageTemplatePage(props))
		}
		props.PreviewSubject, props.PreviewBody = h.store.PreviewMessage(t.Kind, subject, body)
		return render(c, http.StatusOK, views.AdminMessageTemplatePage(props))
	}
	if err := h.store.SaveMessageTemplate(ctx, actor(c), t.Kind, subject, body); err != nil {
		if r := h.formRefusal(err); r != nil {
			props.Errors = formErrors(r)
			return render(c, statusOf(r.Code), views.AdminMessageTemplatePage(props))
		}
		return err
	}
	h.setFlash(c, "The new wording is saved and used for every message of this kind from now on.")
	return redirect(c, views.MessageTemplatePath(t.Kind))
}

func (h *Handler) adminMessageTemplateReset(c echo.Context) error {
	kind := models.MessageKind(c.Param("kind"))
	if err := h.store.ResetMessageTemplate(c.Request().Context(), actor(c), kind); err != nil {
		return err
	}
	h.setFlash(c, "The default wording is back in use.")
	return redirect(c, views.MessageTemplatePath(kind))
}

// candidateMessages is the candidate's inbox: what we sent them, newest first.
func (h *Handler) candidateMessages(c echo.Context) error {
	msgs, err := h.store.CandidateInbox(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.CandidateMessagesPage(views.CandidateMessagesProps{Layout: h.layout(c, "Messages"), Messages: msgs, BaseURL: h.cfg.BaseURL}))
}
