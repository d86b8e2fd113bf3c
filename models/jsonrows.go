package models

import (
	"bytes"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// A page that shows many small collections (a candidate's notes, events,
// bookings, offers…) loads them in one statement, each as a JSON array built
// by PostgreSQL (jsonb_agg of to_jsonb rows), instead of one query each.
// decodeRows fills Go structs from such arrays in one pass. It uses the
// JSON v2 decoder (go-json-experiment/json, the implementation behind Go's
// encoding/json/v2), whose case-insensitive matching ignores underscores,
// so the column "created_at" fills the field CreatedAt without tags.
var rowDecoding = json.JoinOptions(
	json.MatchCaseInsensitiveNames(true),
	// The queries emit amounts as text and dates as timestamps, so only jsonb
	// columns kept as raw bytes need help.
	json.WithUnmarshalers(json.UnmarshalFromFunc(func(dec *jsontext.Decoder, b *[]byte) error {
		if dec.PeekKind() == '"' {
			return json.SkipFunc
		}
		v, err := dec.ReadValue()
		*b = bytes.Clone(v)
		return err
	})),
)

// decodeRows fills dst (a pointer to a slice of structs) from a JSON array.
func decodeRows(raw []byte, dst any) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, dst, rowDecoding)
}
