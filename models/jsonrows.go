package models

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm/schema"
)

// A page that shows many small collections (a candidate's notes, events,
// bookings, offers…) loads them in one statement, each as a JSON array built
// by PostgreSQL (jsonb_agg of to_jsonb rows), instead of one query each.
// decodeRows fills Go structs from such arrays: object keys are the column
// names GORM would use for the fields (snake_case, or the gorm column tag),
// and nested objects or arrays fill struct, pointer and slice fields.

var jsonNamer = schema.NamingStrategy{}

type jsonField struct {
	index []int
	name  string
}

var jsonFieldCache sync.Map // reflect.Type → []jsonField

func jsonFields(t reflect.Type) []jsonField {
	if f, ok := jsonFieldCache.Load(t); ok {
		return f.([]jsonField)
	}
	var out []jsonField
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			for _, inner := range jsonFields(sf.Type) {
				out = append(out, jsonField{index: append([]int{i}, inner.index...), name: inner.name})
			}
			continue
		}
		name := jsonNamer.ColumnName("", sf.Name)
		for _, part := range strings.Split(sf.Tag.Get("gorm"), ";") {
			if col, ok := strings.CutPrefix(part, "column:"); ok {
				name = col
			}
		}
		out = append(out, jsonField{index: []int{i}, name: name})
	}
	jsonFieldCache.Store(t, out)
	return out
}

// decodeRows fills dst (a pointer to a slice of structs) from a JSON array.
func decodeRows(raw []byte, dst any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("decodeRows: want a pointer to a slice, got %T", dst)
	}
	return decodeValue(raw, v.Elem())
}

func decodeValue(raw json.RawMessage, v reflect.Value) error {
	trimmed := strings.TrimSpace(string(raw))
	if trimmed == "null" || trimmed == "" {
		v.SetZero()
		return nil
	}
	switch {
	case v.Type() == reflect.TypeFor[time.Time]() && len(trimmed) == len(`"2006-01-02"`):
		// A date column.
		d, err := time.Parse(`"2006-01-02"`, trimmed)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(d))
		return nil
	case v.Kind() == reflect.String && trimmed[0] != '"':
		// A numeric column kept as text, e.g. an amount.
		v.SetString(trimmed)
		return nil
	case v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Struct && trimmed[0] == '{':
		p := reflect.New(v.Type().Elem())
		if err := decodeValue(raw, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case v.Kind() == reflect.Struct && trimmed[0] == '{' && v.Type().PkgPath() == reflect.TypeFor[Candidate]().PkgPath():
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return err
		}
		for _, f := range jsonFields(v.Type()) {
			if val, ok := obj[f.name]; ok {
				if err := decodeValue(val, v.FieldByIndex(f.index)); err != nil {
					return fmt.Errorf("%s: %w", f.name, err)
				}
			}
		}
		return nil
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 && trimmed[0] != '"':
		// A jsonb column kept as raw bytes.
		v.SetBytes(append([]byte(nil), raw...))
		return nil
	case v.Kind() == reflect.Slice && trimmed[0] == '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return err
		}
		s := reflect.MakeSlice(v.Type(), len(items), len(items))
		for i, item := range items {
			if err := decodeValue(item, s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	}
	return json.Unmarshal(raw, v.Addr().Interface())
}
