package models

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// OutgoingMail is one message as the mail server receives it.
type OutgoingMail struct {
	FromName, FromEmail string
	ToName, ToEmail     string
	Subject             string
	Text, HTML          string
	MessageID           string // stable per message, so a receiver can spot a duplicate
	Date                time.Time
	Calendar            string // an iCalendar invitation to attach, if any
	ReplyTo             string // where replies go, if anywhere (From is a no-reply address)
	// ListUnsubscribe is the one-click unsubscribe link of a message the
	// candidate may turn off (message_choices.go), if any.
	ListUnsubscribe string
}

// MailReceipt is what the server answered when it accepted a message.
type MailReceipt struct {
	Reply string
}

// MailSender delivers one message. A *PermanentMailError means trying again
// cannot help (the server refused the message or the address).
type MailSender interface {
	Send(ctx context.Context, m OutgoingMail) (MailReceipt, error)
}

// PermanentMailError is a refusal that no retry will change.
type PermanentMailError struct{ Err error }

func (e *PermanentMailError) Error() string { return e.Err.Error() }
func (e *PermanentMailError) Unwrap() error { return e.Err }

// SMTPConfig is parsed from NEXTSTEP_SMTP_URL.
type SMTPConfig struct {
	Host        string
	Port        int
	Username    string
	Password    string
	ImplicitTLS bool // smtps://
	TLS         gomail.TLSPolicy
	Timeout     time.Duration
}

// ParseSMTPURL reads smtp://user:pass@host:port (STARTTLS when the server
// offers it; add ?starttls=required to insist, ?starttls=none to never) or
// smtps://user:pass@host:port (TLS from the first byte).
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPConfig{}, errors.New("NEXTSTEP_SMTP_URL is not a URL")
	}
	cfg := SMTPConfig{Host: u.Hostname(), Timeout: 30 * time.Second, TLS: gomail.TLSOpportunistic}
	switch u.Scheme {
	case "smtp":
		cfg.Port = 587
	case "smtps":
		cfg.Port, cfg.ImplicitTLS, cfg.TLS = 465, true, gomail.TLSMandatory
	default:
		return SMTPConfig{}, errors.New("NEXTSTEP_SMTP_URL must start with smtp:// or smtps://")
	}
	if cfg.Host == "" {
		return SMTPConfig{}, errors.New("NEXTSTEP_SMTP_URL has no host")
	}
	if p := u.Port(); p != "" {
		if cfg.Port, err = strconv.Atoi(p); err != nil || cfg.Port < 1 || cfg.Port > 65535 {
			return SMTPConfig{}, errors.New("NEXTSTEP_SMTP_URL has an invalid port")
		}
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	switch strings.ToLower(u.Query().Get("starttls")) {
	case "":
	case "required":
		cfg.TLS = gomail.TLSMandatory
	case "none":
		if cfg.ImplicitTLS {
			return SMTPConfig{}, errors.New("NEXTSTEP_SMTP_URL: smtps:// always uses TLS")
		}
		cfg.TLS = gomail.NoTLS
	case "opportunistic":
		cfg.TLS = gomail.TLSOpportunistic
	default:
		return SMTPConfig{}, errors.New("NEXTSTEP_SMTP_URL: starttls must be required, opportunistic or none")
	}
	return cfg, nil
}

// SMTPSender sends through one SMTP server, one connection per message.
type SMTPSender struct{ cfg SMTPConfig }

// NewSMTPSender builds a sender for cfg.
func NewSMTPSender(cfg SMTPConfig) *SMTPSender { return &SMTPSender{cfg: cfg} }

// Send delivers m. Header values are reduced to one line first, so a name
// or subject with CR/LF cannot add headers.
func (s *SMTPSender) Send(ctx context.Context, m OutgoingMail) (MailReceipt, error) {
	msg := gomail.NewMsg()
	if err := msg.FromFormat(oneLine(m.FromName), m.FromEmail); err != nil {
		return MailReceipt{}, &PermanentMailError{fmt.Errorf("sender address %q: %w", m.FromEmail, err)}
	}
	if _, err := mail.ParseAddress(m.ToEmail); err != nil || strings.ContainsAny(m.ToEmail, "\r\n") {
		return MailReceipt{}, &PermanentMailError{fmt.Errorf("recipient address %q is not valid", m.ToEmail)}
	}
	if err := msg.AddToFormat(oneLine(m.ToName), m.ToEmail); err != nil {
		return MailReceipt{}, &PermanentMailError{fmt.Errorf("recipient address %q: %w", m.ToEmail, err)}
	}
	if m.ReplyTo != "" {
		// A bad address (a typo in the configuration) costs the header, not the message.
		if _, err := mail.ParseAddress(m.ReplyTo); err == nil && !strings.ContainsAny(m.ReplyTo, "\r\n") {
			if err := msg.ReplyTo(m.ReplyTo); err != nil {
				return MailReceipt{}, &PermanentMailError{fmt.Errorf("reply-to address %q: %w", m.ReplyTo, err)}
			}
		}
	}
	setListUnsubscribe(msg, m.ListUnsubscribe)
	msg.Subject(oneLine(m.Subject))
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(m.Date)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if m.Calendar != "" {
		// The METHOD parameter lets mail clients offer Accept/Decline (RFC 6047).
		if err := msg.AttachReader("invite.ics", strings.NewReader(m.Calendar),
			gomail.WithFileContentType(gomail.ContentType("text/calendar; charset=utf-8; method="+calendarMethod(m.Calendar)))); err != nil {
			return MailReceipt{}, &PermanentMailError{err}
		}
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout), gomail.WithTLSPolicy(s.cfg.TLS)}
	if s.cfg.ImplicitTLS {
		opts = append(opts, gomail.WithSSL())
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	client, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return MailReceipt{}, &PermanentMailError{err}
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		var sendErr *gomail.SendError
		if errors.As(err, &sendErr) && sendErr.ErrorCode() >= 500 && sendErr.ErrorCode() < 600 {
			return MailReceipt{}, &PermanentMailError{err}
		}
		return MailReceipt{}, err
	}
	return MailReceipt{Reply: strings.TrimSpace(msg.ServerResponse())}, nil
}

// setListUnsubscribe adds the unsubscribe headers for link, if any:
// List-Unsubscribe (RFC 2369) and, when the link is HTTPS,
// List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058, which allows
// one-click only over HTTPS). Mail clients show their own "Unsubscribe"
// button for them, and POST to the link without any cookie; many honour
// them only on mail signed with DKIM covering both headers, which is the
// sending server's business. A link that is not an absolute http(s) URL (it
// never should be) costs the headers, not the message.
func setListUnsubscribe(msg *gomail.Msg, link string) {
	if link == "" {
		return
	}
	u, err := url.Parse(link)
	if err != nil || u.Host == "" || strings.ContainsAny(link, "\r\n<> ") {
		return
	}
	switch u.Scheme {
	case "https":
		if err := msg.SetListUnsubscribeOneClick(link); err == nil {
			return
		}
	case "http":
		msg.SetListUnsubscribe(link) // development: no one-click without HTTPS
	}
}

// newMessageID makes the Message-ID header of a message when it is written,
// so every attempt, from any instance, carries the same one.
func newMessageID(baseURL string) string {
	host := "nextstep.invalid"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
		if ip := net.ParseIP(host); ip != nil || !strings.Contains(host, ".") {
			host += ".nextstep.invalid"
		}
	}
	return "nextstep." + NewSecret()[:22] + "@" + host
}
