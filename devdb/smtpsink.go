package devdb

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// SMTPSink is a real SMTP server on loopback that keeps what it receives, for
// tests and benchmarks of email delivery. It can be told to fail: the next n
// messages with a temporary error, or every message with a permanent one.
type SMTPSink struct {
	server *smtp.Server
	ln     net.Listener
	Addr   string // host:port

	mu        sync.Mutex
	messages  []ReceivedMail
	failNext  int
	refuseAll bool
	received  chan struct{}
	keepBody  bool
}

// ReceivedMail is one message as the sink received it.
type ReceivedMail struct {
	From       string
	Recipients []string
	Raw        []byte
	Header     mail.Header
	Body       string // the undecoded body after the headers
}

// StartSMTPSink listens on addr ("127.0.0.1:0" for any free port).
func StartSMTPSink(addr string) (*SMTPSink, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &SMTPSink{ln: ln, Addr: ln.Addr().String(), received: make(chan struct{}, 1), keepBody: true}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }))
	srv.Domain = "sink.test"
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 50
	s.server = srv
	go srv.Serve(ln)
	return s, nil
}

// Close stops the server; what it received stays readable. The listener is
// closed here too: go-smtp only learns of it once Serve has started.
func (s *SMTPSink) Close() error {
	err := s.server.Close()
	s.ln.Close()
	return err
}

// Host and Port split Addr.
func (s *SMTPSink) Host() string { h, _, _ := net.SplitHostPort(s.Addr); return h }

// URL is the NEXTSTEP_SMTP_URL of the sink (it offers no TLS).
func (s *SMTPSink) URL() string { return "smtp://" + s.Addr + "?starttls=none" }

// FailNext makes the next n messages fail with a temporary 451.
func (s *SMTPSink) FailNext(n int) { s.mu.Lock(); s.failNext = n; s.mu.Unlock() }

// RefuseAll makes every message fail with a permanent 550 until turned off.
func (s *SMTPSink) RefuseAll(on bool) { s.mu.Lock(); s.refuseAll = on; s.mu.Unlock() }

// DiscardBodies keeps only the count of messages (for benchmarks).
func (s *SMTPSink) DiscardBodies() { s.mu.Lock(); s.keepBody = false; s.mu.Unlock() }

// Messages returns a copy of everything received so far.
func (s *SMTPSink) Messages() []ReceivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ReceivedMail(nil), s.messages...)
}

// Count is how many messages were accepted.
func (s *SMTPSink) Count() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.messages) }

// WaitFor waits until at least n messages arrived, or the timeout passed.
func (s *SMTPSink) WaitFor(n int, timeout time.Duration) ([]ReceivedMail, error) {
	deadline := time.After(timeout)
	for {
		if msgs := s.Messages(); len(msgs) >= n {
			return msgs, nil
		}
		select {
		case <-s.received:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			msgs := s.Messages()
			return msgs, fmt.Errorf("waited %s for %d messages, received %d", timeout, n, len(msgs))
		}
	}
}

// To returns the messages addressed to rcpt.
func (s *SMTPSink) To(rcpt string) []ReceivedMail {
	var out []ReceivedMail
	for _, m := range s.Messages() {
		for _, r := range m.Recipients {
			if strings.EqualFold(r, rcpt) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

type sinkSession struct {
	sink *SMTPSink
	from string
	rcpt []string
}

func (ss *sinkSession) Reset()        { ss.from, ss.rcpt = "", nil }
func (ss *sinkSession) Logout() error { return nil }

func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.rcpt = append(ss.rcpt, to)
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := ss.sink
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuseAll {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Delivery refused by policy"}
	}
	if s.failNext > 0 {
		s.failNext--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	m := ReceivedMail{From: ss.from, Recipients: append([]string(nil), ss.rcpt...)}
	if s.keepBody {
		m.Raw = raw
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Malformed message: " + err.Error()}
		}
		body, _ := io.ReadAll(msg.Body)
		m.Header, m.Body = msg.Header, string(body)
	}
	s.messages = append(s.messages, m)
	select {
	case s.received <- struct{}{}:
	default:
	}
	return nil
}

// Text is the decoded text/plain part of the message.
func (m ReceivedMail) Text() (string, error) { return m.part("text/plain") }

// HTML is the decoded text/html part of the message.
func (m ReceivedMail) HTML() (string, error) { return m.part("text/html") }

func (m ReceivedMail) part(want string) (string, error) {
	if m.Header == nil {
		return "", errors.New("the sink discarded this message's body")
	}
	mediaType, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		if mediaType != want {
			return "", fmt.Errorf("message is %s, not %s", mediaType, want)
		}
		return decodePart(m.Header.Get("Content-Transfer-Encoding"), strings.NewReader(m.Body))
	}
	mr := multipart.NewReader(strings.NewReader(m.Body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return "", fmt.Errorf("no %s part", want)
		}
		if err != nil {
			return "", err
		}
		if mt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); mt == want {
			// multipart.Part decodes quoted-printable itself and drops the header.
			return decodePart(p.Header.Get("Content-Transfer-Encoding"), p)
		}
	}
}

func decodePart(encoding string, r io.Reader) (string, error) {
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	}
	b, err := io.ReadAll(r)
	return string(b), err
}
