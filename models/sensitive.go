package models

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Sensitive fields (bank details, national insurance number, emergency
// contact) are sealed at rest with AES-256-GCM under the data key
// (NEXTSTEP_DATA_KEY, read by cmd and passed in Config.DataKeys). A sealed
// value is
//
//	version (1 byte, sealVersion) || key id (1 byte) || nonce (12 bytes) || ciphertext and tag
//
// The key id is the first byte of the key's SHA-256, so a value names the
// key that sealed it without the configuration numbering keys: to rotate,
// configure the new key first and the old one after it; old values still
// open, new ones are sealed with the new key. The id of the field's table
// and column and the row's id are not bound as additional data: a value
// copied to another row is still only readable through the checks of the
// row it is in.
//
// A wrong key must never show garbage: GCM's tag makes opening with the
// wrong key fail, and CheckDataKey (run at every start) opens a canary row
// sealed on first start, so a server given the wrong key refuses to start.

const sealVersion byte = 1

// DataKeySize is the length of a data key: AES-256.
const DataKeySize = 32

// DevDataKey is the fixed key of development and tests (base64 of 32
// bytes). It protects nothing: cmd refuses it, and refuses to start without
// a key of its own, in production.
const DevDataKey = "bmV4dHN0ZXAtZGV2LWtleS1uZXZlci1zZWNyZXQtMzI="

// ParseDataKey reads a key written in base64 (standard or URL alphabet):
// exactly 32 bytes.
func ParseDataKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != DataKeySize {
				return nil, fmt.Errorf("the data key must be %d bytes (base64 of 32 random bytes, e.g. `openssl rand -base64 32`), not %d", DataKeySize, len(k))
			}
			return k, nil
		}
	}
	return nil, errors.New("the data key must be base64 (e.g. `openssl rand -base64 32`)")
}

// keyRing seals with its first key and opens with whichever key a value names.
type keyRing struct {
	keys []sealKey
}

type sealKey struct {
	id   byte
	aead cipher.AEAD
}

// newKeyRing builds the ring from keys, the current one first.
func newKeyRing(keys [][]byte) (*keyRing, error) {
	if len(keys) == 0 {
		return nil, fault("no data key")
	}
	r := &keyRing{}
	for i, k := range keys {
		if len(k) != DataKeySize {
			return nil, fmt.Errorf("data key %d is %d bytes; it must be %d", i+1, len(k), DataKeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		r.keys = append(r.keys, sealKey{id: keyID(k), aead: aead})
	}
	return r, nil
}

// keyID names a key in a sealed value: the first byte of its SHA-256.
func keyID(k []byte) byte {
	sum := sha256.Sum256(k)
	return sum[0]
}

// seal encrypts plain with the current key.
func (r *keyRing) seal(plain []byte) ([]byte, error) {
	k := r.keys[0]
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := append([]byte{sealVersion, k.id}, nonce...)
	return k.aead.Seal(out, nonce, plain, nil), nil
}

// errWrongDataKey is opening a value with keys that did not seal it: the
// configuration is wrong, never a reason to show anything.
var errWrongDataKey = errors.New("sealed value: no configured data key opens it (NEXTSTEP_DATA_KEY is not the key the data was sealed with)")

// errPersonKeyGone is opening a value sealed with a person's key
// (person_keys.go) after erasure destroyed the key: readers show Erased.
var errPersonKeyGone = errors.New("sealed value: the person's key was destroyed")

// open decrypts a sealed value, failing loudly when no key opens it.
func (r *keyRing) open(sealed []byte) ([]byte, error) {
	if len(sealed) < 2 || sealed[0] != sealVersion {
		return nil, fault("sealed value: unknown format")
	}
	id := sealed[1]
	for _, k := range r.keys {
		ns := k.aead.NonceSize()
		if k.id != id || len(sealed) < 2+ns+k.aead.Overhead() {
			continue
		}
		if plain, err := k.aead.Open(nil, sealed[2:2+ns], sealed[2+ns:], nil); err == nil {
			return plain, nil
		}
	}
	return nil, errWrongDataKey
}

// sealedByOldKey reports whether a value was sealed by a key other than the
// current one (to be sealed again).
func (r *keyRing) sealedByOldKey(sealed []byte) bool {
	return len(sealed) >= 2 && sealed[1] != r.keys[0].id
}

// canaryText is what the canary row holds once opened.
const canaryText = "nextstep data key check"

// CheckDataKey opens the canary sealed on first start (sealing it now when
// there is none): an error means the configured data key is not the one the
// data was sealed with, and the server must not start. A canary sealed by an
// older key of the ring is sealed again with the current one. Run after the
// migrations (cmd) and at Open when the table exists.
func (s *Store) CheckDataKey(ctx context.Context) error {
	return s.txOutsideQueues(ctx, func(tx *gorm.DB) error {
		fresh, err := s.keys.seal([]byte(canaryText))
		if err != nil {
			return err
		}
		if err := tx.Exec(`INSERT INTO data_key_check (id, sealed) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`, fresh).Error; err != nil {
			return err
		}
		var row struct{ Sealed []byte }
		if err := tx.Raw(`SELECT sealed FROM data_key_check WHERE id = 1 FOR UPDATE`).Scan(&row).Error; err != nil {
			return err
		}
		sealed := row.Sealed
		plain, err := s.keys.open(sealed)
		if err != nil {
			return fmt.Errorf("refusing to start: %w", err)
		}
		if !bytes.Equal(plain, []byte(canaryText)) {
			return errors.New("refusing to start: the data key check row holds something else")
		}
		if s.keys.sealedByOldKey(sealed) {
			return tx.Exec(`UPDATE data_key_check SET sealed = ?, sealed_at = now() WHERE id = 1`, fresh).Error
		}
		return nil
	})
}

// dataKeyCheckExists reports whether the migrations have made the canary's table.
func dataKeyCheckExists(ctx context.Context, db *gorm.DB) (bool, error) {
	var ok bool
	err := db.WithContext(ctx).Raw(`SELECT to_regclass('data_key_check') IS NOT NULL`).Scan(&ok).Error
	return ok, err
}

// Mask shows the end of a sensitive value and hides the rest, keeping its
// shape: "GB29 NWBK 6016 1331 9268 19" → "GB•• •••• •••• •••• •••• 19"…
// at most the last four letters or digits stay, and only when the value has
// at least eight (a shorter value is hidden whole). Letters and digits
// become •; spaces and punctuation stay.
func Mask(value string, keep int) string {
	runes := []rune(value)
	alnum := 0
	for _, r := range runes {
		if isAlnum(r) {
			alnum++
		}
	}
	if alnum < 8 {
		keep = 0
	}
	keep = min(keep, 4)
	out := make([]rune, len(runes))
	seen := 0
	for i, r := range runes {
		if !isAlnum(r) {
			out[i] = r
			continue
		}
		seen++
		if seen > alnum-keep {
			out[i] = r
		} else {
			out[i] = '•'
		}
	}
	return string(out)
}

func isAlnum(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z')
}
