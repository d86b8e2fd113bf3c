package main

import (
	"mime"
	"net/mail"
	"slices"

	"nextstep/devdb"
	"nextstep/handlers"
)

// devMailbox shows the development SMTP receiver's mail at /dev/mailbox.
type devMailbox struct{ sink *devdb.SMTPSink }

// Mail is every message received, newest first, decoded for reading.
func (m devMailbox) Mail() []handlers.DevMail {
	received := m.sink.Messages()
	out := make([]handlers.DevMail, 0, len(received))
	var dec mime.WordDecoder
	for i, r := range received {
		subject, err := dec.DecodeHeader(r.Header.Get("Subject"))
		if err != nil {
			subject = r.Header.Get("Subject")
		}
		date, _ := mail.ParseDate(r.Header.Get("Date"))
		text, _ := r.Text()
		html, _ := r.HTML()
		out = append(out, handlers.DevMail{ID: i + 1, From: r.Header.Get("From"), To: r.Recipients, Subject: subject, Date: date, Text: text, HTML: html})
	}
	slices.Reverse(out)
	return out
}
