package models

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// Crypto-shredding. The append-only tables (audit_log, check_consents,
// esign_consents) cannot be rewritten when a candidate is erased, so a
// candidate's personal data goes into them only sealed with a key of that
// person's own: a random 32-byte key per candidate (person_keys), made on
// first need and stored sealed with the data key ring. A row's sealed part
// has the format of sensitive.go (version || key id || nonce || AES-256-GCM
// ciphertext), here of a JSON object. Erasure calls destroyPersonKey: the key
// row goes, and everything sealed with it can no longer be opened; readers
// show Erased instead.

// Erased is what a reader shows for a personal value whose key is gone.
const Erased = "(erased)"

// personKeySQL returns the key of the candidate that %s selects (as
// candidate_id), inserting @fresh (a new key, sealed) when they have none: one
// statement, so a first audit costs no extra round trip.
const personKeySQL = `WITH p AS (%s),
	ins AS (INSERT INTO person_keys (candidate_id, sealed_key) SELECT candidate_id, @fresh FROM p
		ON CONFLICT (candidate_id) DO NOTHING RETURNING candidate_id, sealed_key)
SELECT candidate_id, sealed_key FROM ins
UNION ALL SELECT k.candidate_id, k.sealed_key FROM person_keys k JOIN p USING (candidate_id)
LIMIT 1`

const (
	personOfCandidate   = `SELECT CAST(@id AS bigint) AS candidate_id`
	personOfApplication = `SELECT candidate_id FROM applications WHERE id = @id`
)

// personKey returns the ring that seals the personal data of the candidate
// whom of selects (personOfCandidate or personOfApplication, given id), and
// that candidate's id.
func (s *Store) personKey(tx *gorm.DB, of string, id int64) (int64, *keyRing, error) {
	plain := make([]byte, DataKeySize)
	if _, err := rand.Read(plain); err != nil {
		return 0, nil, err
	}
	fresh, err := s.keys.seal(plain)
	if err != nil {
		return 0, nil, err
	}
	var row struct {
		CandidateID int64
		SealedKey   []byte
	}
	q := fmt.Sprintf(personKeySQL, of)
	for attempt := 0; attempt < 2 && row.SealedKey == nil; attempt++ {
		// A second try sees a key another transaction made between this
		// statement's snapshot and its insert.
		if err := tx.Raw(q, map[string]any{"id": id, "fresh": fresh}).Scan(&row).Error; err != nil {
			return 0, nil, err
		}
	}
	if row.SealedKey == nil {
		return 0, nil, fault("no candidate for person key (%d)", id)
	}
	ring, err := s.openPersonKey(row.SealedKey)
	if err != nil || !s.keys.sealedByOldKey(row.SealedKey) {
		return row.CandidateID, ring, err
	}
	// Sealed by the previous data key (a rotation): sealed again with the
	// current one at the next write about the person.
	plain, err = s.keys.open(row.SealedKey)
	if err != nil {
		return 0, nil, err
	}
	if fresh, err = s.keys.seal(plain); err != nil {
		return 0, nil, err
	}
	return row.CandidateID, ring, tx.Exec("UPDATE person_keys SET sealed_key = ? WHERE candidate_id = ?", fresh, row.CandidateID).Error
}

// openPersonKey opens a sealed person key (nil: destroyed) into a ring.
func (s *Store) openPersonKey(sealedKey []byte) (*keyRing, error) {
	if len(sealedKey) == 0 {
		return nil, errPersonKeyGone
	}
	plain, err := s.keys.open(sealedKey)
	if err != nil {
		return nil, err
	}
	return newKeyRing([][]byte{plain})
}

// sealPersonal seals v (marshalled to JSON) with a person's ring.
func sealPersonal(ring *keyRing, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return ring.seal(b)
}

// openPersonal opens a sealed personal part into v with the person's sealed
// key as read beside it; errPersonKeyGone when the key was destroyed.
func (s *Store) openPersonal(sealedKey, sealed []byte, v any) error {
	ring, err := s.openPersonKey(sealedKey)
	if err != nil {
		return err
	}
	plain, err := ring.open(sealed)
	if err != nil {
		return err
	}
	return json.Unmarshal(plain, v)
}

// destroyPersonKey deletes the candidate's key: everything sealed with it in
// the append-only tables becomes unreadable (erasure calls it, in its
// transaction). A later write about the candidate makes a new key.
func (s *Store) destroyPersonKey(tx *gorm.DB, candidateID int64) error {
	return tx.Exec("DELETE FROM person_keys WHERE candidate_id = ?", candidateID).Error
}

// consentPersonal is what a consent row (check_consents, esign_consents)
// keeps sealed: the request's address and browser.
type consentPersonal struct {
	IP        string `json:"ip,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
}

// sealConsent seals the candidate actor's address and browser for a consent row.
func (s *Store) sealConsent(tx *gorm.DB, actor Actor, uaMax int) ([]byte, error) {
	_, ring, err := s.personKey(tx, personOfCandidate, actor.ID)
	if err != nil {
		return nil, err
	}
	return sealPersonal(ring, consentPersonal{IP: actor.IP, UserAgent: truncate(actor.UserAgent, uaMax)})
}

// openDateChangeNotes opens the sealed notes of promised-date changes
// (a change written before migration 00034 has its note in details).
func (s *Store) openDateChangeNotes(changes []PromisedDateChange) error {
	for i := range changes {
		c := &changes[i]
		if len(c.Sealed) == 0 {
			continue
		}
		var part auditPart
		switch err := s.openPersonal(c.SealedKey, c.Sealed, &part); {
		case errors.Is(err, errPersonKeyGone):
			c.Note = Erased
		case err != nil:
			return err
		default:
			c.Note, _ = part.Details["note"].(string)
		}
		c.Sealed, c.SealedKey = nil, nil
	}
	return nil
}

// openConsent opens a consent row's sealed address and browser (read with
// the candidate's sealed key beside it, as auditWithKeys does): Erased once
// the key is gone, empty for a row that sealed nothing. For readers of
// check_consents and esign_consents (the candidate's export).
func (s *Store) openConsent(sealedKey, personal []byte) (consentPersonal, error) {
	var p consentPersonal
	if len(personal) == 0 {
		return p, nil
	}
	err := s.openPersonal(sealedKey, personal, &p)
	if errors.Is(err, errPersonKeyGone) {
		return consentPersonal{IP: Erased, UserAgent: Erased}, nil
	}
	return p, err
}
