package models

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"
)

// A delivery job may run for a message that is no longer waiting to be
// sent: a job left over from before a hold, a second job after a crash, a
// "Send again" click racing the first attempt. Starting an attempt must then
// do nothing: a message held for its position, held until a later time,
// failed, withdrawn or sent stays as it is and nothing is counted.
func TestDeliveryStartsOnlyAMessageWaitingToBeSent(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestStore(t)
	var c Candidate
	if err := s.db.Where("email = ?", "ben.okafor@example.com").First(&c).Error; err != nil {
		t.Fatal(err)
	}
	var positionID int64
	if err := s.db.Raw("SELECT position_id FROM applications WHERE candidate_id = ? LIMIT 1", c.ID).Scan(&positionID).Error; err != nil || positionID == 0 {
		t.Fatalf("Ben's position: %d, %v", positionID, err)
	}
	later := s.Now().Add(48 * time.Hour)
	write := func(name string, d draft) int64 {
		t.Helper()
		if err := s.tx(ctx, func(tx *gorm.DB) error { return s.send(tx, d) }); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var id int64
		if err := s.db.Raw("SELECT max(id) FROM outbox_messages").Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		return id
	}
	heldForPosition := candidateSignInMail(&c, "http://x/signin/a")
	heldForPosition.heldForPosition = &positionID
	heldUntilLater := candidateSignInMail(&c, "http://x/signin/b")
	heldUntilLater.sendAfter = &later

	cases := map[string]int64{
		"held for its position": write("held for its position", heldForPosition),
		"held until later":      write("held until later", heldUntilLater),
	}
	for _, st := range []MessageStatus{MessageFailed, MessageCancelled, MessageSent} {
		id := write(string(st), candidateSignInMail(&c, "http://x/signin/"+string(st)))
		set := map[string]any{"status": st}
		if st == MessageSent {
			set["sent_at"] = s.Now()
		}
		if err := s.db.Table("outbox_messages").Where("id = ?", id).Updates(set).Error; err != nil {
			t.Fatal(err)
		}
		cases[string(st)] = id
	}

	for name, id := range cases {
		var before OutboxMessage
		if err := s.db.First(&before, id).Error; err != nil {
			t.Fatal(err)
		}
		m, err := s.startAttempt(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m != nil {
			t.Errorf("%s: a delivery job started an attempt (status now %s); it must leave the message alone", name, m.Status)
		}
		var after OutboxMessage
		if err := s.db.First(&after, id).Error; err != nil {
			t.Fatal(err)
		}
		if after.Status != before.Status || after.Attempts != before.Attempts {
			t.Errorf("%s: %s with %d attempts became %s with %d", name, before.Status, before.Attempts, after.Status, after.Attempts)
		}
	}

	// The guard is not a wall: a queued message starts once.
	queued := write("queued", candidateSignInMail(&c, "http://x/signin/q"))
	if m, err := s.startAttempt(ctx, queued); err != nil || m == nil || m.Attempts != 1 {
		t.Fatalf("a queued message: %+v, %v; want an attempt started", m, err)
	}
}
