package models

import (
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// A message is written once, by send, as queued or held; after that its
// state changes only through moveMessages, which allows each state to be
// entered only from the states listed here. A message that has been sent
// never changes again.
var messageMoves = map[MessageStatus][]MessageStatus{
	MessageQueued:    {MessageHeld, MessageQueued, MessageFailed}, // released or due, an attempt started or failed, sent again
	MessageSent:      {MessageQueued},
	MessageFailed:    {MessageQueued},
	MessageCancelled: {MessageHeld}, // withdrawn before it left
}

// CanMoveMessage reports whether a message may go from one state to another.
func CanMoveMessage(from, to MessageStatus) bool {
	return slices.Contains(messageMoves[to], from)
}

// sqlExpr is a column value written as SQL (e.g. "attempts + 1").
type sqlExpr string

// moveMessages moves the messages matching where (with args) to state to,
// only from the states allowed, also setting the columns in set, and returns
// the rows as they are after the move.
func moveMessages(tx *gorm.DB, to MessageStatus, set map[string]any, where string, args ...any) ([]OutboxMessage, error) {
	from, ok := messageMoves[to]
	if !ok {
		return nil, fault("no message enters state %q", to)
	}
	cols := make([]string, 0, len(set))
	for k := range set {
		cols = append(cols, k)
	}
	slices.Sort(cols)
	var sql strings.Builder
	vals := []any{to}
	sql.WriteString("UPDATE outbox_messages SET status = ?")
	for _, k := range cols {
		if e, ok := set[k].(sqlExpr); ok {
			fmt.Fprintf(&sql, ", %s = %s", k, e)
			continue
		}
		fmt.Fprintf(&sql, ", %s = ?", k)
		vals = append(vals, set[k])
	}
	sql.WriteString(" WHERE status IN ? AND (" + where + ") RETURNING *")
	vals = append(append(vals, from), args...)
	var out []OutboxMessage
	err := tx.Raw(sql.String(), vals...).Scan(&out).Error
	return out, err
}

// cancelMessages withdraws held messages matching where before they leave,
// and says how many it withdrew.
func cancelMessages(tx *gorm.DB, where string, args ...any) (int, error) {
	rows, err := moveMessages(tx, MessageCancelled, nil, where, args...)
	return len(rows), err
}

// releaseHeldMessages queues the held messages matching where for delivery now.
func (s *Store) releaseHeldMessages(tx *gorm.DB, where string, args ...any) error {
	rows, err := moveMessages(tx, MessageQueued, map[string]any{"send_after": nil}, "status = 'held' AND ("+where+")", args...)
	if err != nil {
		return err
	}
	for _, m := range rows {
		if err := s.insertDeliveryJob(tx, m.ID, nil); err != nil && err != errDeliveryJobExists {
			return err
		}
	}
	return nil
}
