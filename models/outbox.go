package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// OutboxMessage is an outgoing message. It is written in the same
// transaction as its cause; a later sender delivers what is unsent.
type OutboxMessage struct {
	ID          int64
	ToEmail     string
	ToName      string
	Subject     string
	Body        string
	Kind        string
	CandidateID *int64
	StaffID     *int64
	CreatedAt   time.Time
	SentAt      *time.Time
}

// TableName binds the struct to its table.
func (OutboxMessage) TableName() string { return "outbox_messages" }

func enqueue(tx *gorm.DB, m OutboxMessage) error {
	return tx.Create(&m).Error
}

// OutboxPageSize is how many messages the Outbox page shows at once.
const OutboxPageSize = 30

// ListOutbox returns one page of messages, newest first, optionally only
// those to an address containing to.
func (s *Store) ListOutbox(ctx context.Context, to string, page int) ([]OutboxMessage, int64, error) {
	q := s.db.WithContext(ctx).Model(&OutboxMessage{})
	if to != "" {
		q = q.Where("to_email ILIKE ?", "%"+escapeLike(to)+"%")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []OutboxMessage
	err := q.Order("id DESC").Limit(OutboxPageSize).Offset((max(page, 1) - 1) * OutboxPageSize).Find(&rows).Error
	return rows, total, err
}

// MessagesForCandidate lists the messages sent to one candidate, newest first.
func (s *Store) MessagesForCandidate(ctx context.Context, candidateID int64) ([]OutboxMessage, error) {
	var rows []OutboxMessage
	err := s.db.WithContext(ctx).Where("candidate_id = ?", candidateID).Order("id DESC").Limit(100).Find(&rows).Error
	return rows, err
}
