package models

import (
	"regexp"
	"strings"
)

// A token link is a link that carries a secret: whoever opens it acts as the
// person it was sent to. Such a link may travel only in the body of the email
// to that person. Nextstep never shows one on a page — not to recruiters, not
// to admins, not to the addressee afterwards — and its placeholder is refused
// anywhere but a message body. (The operator's way to give someone a link by
// hand is the `login-link` command, which leaves an audit event.)
type tokenLink struct {
	Placeholder string // its name in message wording: {{sign_in_link}}
	Path        string // where its URLs point, after the base URL: /signin/<token>
	Hidden      string // what readers see in its place
	Button      string // the label of the email's button when it is the primary link; empty: never the button
}

// tokenLinks is the one declared list of token links. A new kind of token
// link (a password reset, say) is added here and is then at once refused
// outside a body by ValidateMessageTemplate and hidden by Redacted.
func tokenLinks() []tokenLink {
	return []tokenLink{
		{Placeholder: "sign_in_link", Path: "/signin/", Hidden: "[sign-in link hidden]", Button: "Sign in"},
		{Placeholder: "reference_link", Path: "/references/", Hidden: "[referee's link hidden]", Button: "Open the reference form"},
		// Not a placeholder admins may place: send appends it to the
		// messages a candidate may turn off (message_choices.go).
		// Never the email's button (no Button): the message's own link is.
		{Placeholder: "unsubscribe_link", Path: "/unsubscribe/", Hidden: "[unsubscribe link hidden]"},
	}
}

// tokenLinkRedactor finds the URLs of one kind of token link in text, plain
// or HTML: the whole run of URL characters around its path, so neither the
// token nor any part of the URL is left behind.
type tokenLinkRedactor struct {
	path    string // the link's path: text without it has nothing to hide
	pattern *regexp.Regexp
	hidden  string
}

// tokenLinkRedactors are compiled once from tokenLinks; they are never changed.
var tokenLinkRedactors = func() []tokenLinkRedactor {
	var out []tokenLinkRedactor
	for _, l := range tokenLinks() {
		out = append(out, tokenLinkRedactor{
			path:    l.Path,
			pattern: regexp.MustCompile(`[^\s"'<>]*` + regexp.QuoteMeta(l.Path) + `[^\s"'<>]+`),
			hidden:  l.Hidden,
		})
	}
	return out
}()

// RedactTokenLinks replaces every token link in text by a note saying it was
// hidden.
func RedactTokenLinks(text string) string {
	for _, r := range tokenLinkRedactors {
		// The pattern starts with a run of URL characters, which the regexp
		// engine retries at every position: a quarter of the staff
		// candidate page's server time went here, for messages that hold no
		// such link.
		if strings.Contains(text, r.path) {
			text = r.pattern.ReplaceAllString(text, r.hidden)
		}
	}
	return text
}

// Redacted is the message as Nextstep shows it to anyone, staff or the
// candidate: its subject, text and HTML with every token link hidden. Every
// read of messages for a page (ListOutbox, GetMessage, GetCandidateDetail,
// CandidateInbox) returns messages through it; only delivery reads the
// stored text.
func (m OutboxMessage) Redacted() OutboxMessage {
	m.Subject = RedactTokenLinks(m.Subject)
	m.Body = RedactTokenLinks(m.Body)
	m.BodyHTML = RedactTokenLinks(m.BodyHTML)
	m.ListUnsubscribe = RedactTokenLinks(m.ListUnsubscribe)
	return m
}

// redactAll applies Redacted to each message in place.
func redactAll(msgs []OutboxMessage) {
	for i := range msgs {
		msgs[i] = msgs[i].Redacted()
	}
}

// tokenLinkPlaceholder reports whether name is the placeholder of a token link.
func tokenLinkPlaceholder(name string) bool {
	for _, l := range tokenLinks() {
		if l.Placeholder == name {
			return true
		}
	}
	return false
}

// msgTokenLinkOutsideBody is the editor's refusal of a token link in a subject.
func msgTokenLinkOutsideBody(names []string) string {
	return "{{" + strings.Join(names, "}}, {{") + "}} can only go in the message itself, never in the subject: " +
		"a subject is shown in inboxes, lists and notifications, where a working sign-in link must never appear."
}
