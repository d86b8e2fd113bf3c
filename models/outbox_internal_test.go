package models

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"nextstep/devdb"
)

// A message can be held until a given time: it is visible as held, nothing
// is sent before then, and it is sent once when the time comes.
func TestHeldMessageIsSentWhenItsTimeComes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, tdb := newTestStore(t)
	var c Candidate
	if err := s.db.Where("email = ?", "ben.okafor@example.com").First(&c).Error; err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(1500 * time.Millisecond)
	d := candidateSignInMail(&c, "http://x/signin/held")
	d.sendAfter = &at
	if err := s.tx(ctx, func(tx *gorm.DB) error { return s.send(tx, d) }); err != nil {
		t.Fatal(err)
	}
	var m OutboxMessage
	mustDB(t, s.db.Where("to_email = ?", c.Email).Order("id DESC").First(&m))
	if m.Status != MessageHeld || m.SendAfter == nil {
		t.Fatalf("status %s, send after %v; want held", m.Status, m.SendAfter)
	}

	sink, err := devdb.StartSMTPSink("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	smtp, _ := ParseSMTPURL(sink.URL())
	del, err := s.StartDelivery(ctx, DeliveryConfig{DSN: tdb.URL, Sender: NewSMTPSender(smtp), FromEmail: "jobs@x.test",
		Workers: 2, RetryBase: 20 * time.Millisecond, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer del.Stop(ctx)
	time.Sleep(500 * time.Millisecond)
	if n := sink.Count(); n != 0 {
		t.Fatalf("%d emails sent before the held time", n)
	}
	if _, err := sink.WaitFor(1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if time.Now().Before(at) {
		t.Fatal("the held message was sent early")
	}
	// The email arrives before the worker records it sent.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mustDB(t, s.db.First(&m, m.ID))
		if m.Status == MessageSent || time.Now().After(deadline) {
			break
		}
	}
	if m.Status != MessageSent || sink.Count() != 1 {
		t.Fatalf("after its time: status %s, %d emails", m.Status, sink.Count())
	}
}
