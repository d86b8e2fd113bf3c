package models

import (
	"testing"

	"gorm.io/gorm"
)

// Every kind of message the code writes is one the database accepts, and
// nothing else is: a new kind needs its migration.
func TestDatabaseKnowsEveryMessageKind(t *testing.T) {
	t.Parallel()
	s, _ := newTestStore(t)
	insert := func(kind MessageKind) error {
		return s.db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec(`INSERT INTO outbox_messages (to_email, to_name, subject, body, kind, status)
				VALUES ('a@example.com', 'A', 'S', 'B', ?, 'queued')`, kind).Error; err != nil {
				return err
			}
			return gorm.ErrInvalidTransaction // roll back
		})
	}
	for kind := range messageCatalogue {
		if err := insert(kind); err != gorm.ErrInvalidTransaction {
			t.Errorf("kind %q refused: %v", kind, err)
		}
	}
	if err := insert("made_up_kind"); !isCheckViolation(err, "outbox_messages_kind_check") {
		t.Fatalf("an unknown kind: %v, want the kind check to refuse it", err)
	}
}

// A message moves only along its life: sent is final, only a held message
// can be withdrawn, only a failed one retried.
func TestMessageMovesFollowItsLife(t *testing.T) {
	t.Parallel()
	all := MessageStatuses()
	allowed := map[[2]MessageStatus]bool{
		{MessageHeld, MessageQueued}: true, {MessageQueued, MessageQueued}: true, {MessageFailed, MessageQueued}: true,
		{MessageQueued, MessageSent}: true, {MessageQueued, MessageFailed}: true, {MessageHeld, MessageCancelled}: true,
	}
	for _, from := range all {
		for _, to := range all {
			if got := CanMoveMessage(from, to); got != allowed[[2]MessageStatus{from, to}] {
				t.Errorf("%s → %s: allowed %v", from, to, got)
			}
		}
	}
	s, _ := newTestStore(t)
	var id int64
	mustDB(t, s.db.Raw(`INSERT INTO outbox_messages (to_email, to_name, subject, body, kind, status, sent_at)
		VALUES ('a@example.com', 'A', 'S', 'B', 'staff_message', 'sent', now()) RETURNING id`).Scan(&id))
	for _, to := range []MessageStatus{MessageQueued, MessageFailed, MessageCancelled} {
		rows, err := moveMessages(s.db, to, nil, "id = ?", id)
		if err != nil || len(rows) != 0 {
			t.Fatalf("a sent message moved to %s: %d rows, %v", to, len(rows), err)
		}
	}
	if err := s.recordSent(t.Context(), &OutboxMessage{ID: id, MessageID: "<x@y>", Kind: "staff_message"}, MailReceipt{Reply: "250 again"}); err != nil {
		t.Fatal(err)
	}
	var reply string
	mustDB(t, s.db.Raw("SELECT smtp_reply FROM outbox_messages WHERE id = ?", id).Scan(&reply))
	if reply == "250 again" {
		t.Fatal("recording a second delivery rewrote a sent message")
	}
}

// A message kind defined by two features is refused when the catalogue is
// built, instead of one silently replacing the other.
func TestMessageCatalogueRefusesADuplicateKind(t *testing.T) {
	t.Parallel()
	a := map[MessageKind]MessageTemplate{"x": {Subject: "A"}}
	b := map[MessageKind]MessageTemplate{"x": {Subject: "B"}}
	if _, err := buildMessageCatalogue(a, b); err == nil {
		t.Fatal("a kind defined twice was accepted")
	}
	c, err := buildMessageCatalogue(coreMessages, interviewMessages, bulkMessages, nameCorrectionMessages, referenceMessages)
	if err != nil || len(c) != len(coreMessages)+len(interviewMessages)+len(bulkMessages)+len(nameCorrectionMessages)+len(referenceMessages) {
		t.Fatalf("the real catalogue: %d kinds, %v", len(c), err)
	}
	for k, tmpl := range c {
		if tmpl.Kind != k {
			t.Errorf("%s registered as %s", k, tmpl.Kind)
		}
	}
}
