package models

import (
	"context"
	"gorm.io/gorm"
)

// SealedPersonal opens, for a test, the personal part of row id of table
// (audit_log, check_consents or esign_consents) with its person's key: the
// sealed JSON object as a map. An erased person's part gives ErrPersonKeyGone.
func (s *Store) SealedPersonal(ctx context.Context, table string, id int64) (map[string]any, error) {
	person := map[string]string{"audit_log": "person_id", "check_consents": "candidate_id", "esign_consents": "candidate_id"}[table]
	var row struct{ Personal, SealedKey []byte }
	if err := s.db.WithContext(ctx).Raw(`SELECT t.personal, k.sealed_key FROM `+table+` t
		LEFT JOIN person_keys k ON k.candidate_id = t.`+person+` WHERE t.id = ?`, id).Scan(&row).Error; err != nil {
		return nil, err
	}
	if row.Personal == nil {
		return nil, nil
	}
	var out map[string]any
	if err := s.openPersonal(row.SealedKey, row.Personal, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ErrPersonKeyGone is errPersonKeyGone, for tests.
var ErrPersonKeyGone = errPersonKeyGone

// DestroyPersonKey is destroyPersonKey in a transaction of its own, for tests.
func (s *Store) DestroyPersonKey(ctx context.Context, candidateID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return s.destroyPersonKey(tx, candidateID) })
}

// RevealedAudit reads audit entries matching where (columns named
// audit_log.…) in order, their sealed parts opened as the audit page does.
func (s *Store) RevealedAudit(ctx context.Context, where string, args ...any) ([]AuditEntry, error) {
	var rows []AuditEntry
	if err := auditWithKeys(s.db.WithContext(ctx)).Where(where, args...).Order("audit_log.id").Find(&rows).Error; err != nil {
		return nil, err
	}
	return rows, s.revealAudit(rows)
}
