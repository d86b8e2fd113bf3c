package main

import (
	"strings"
	"testing"

	"nextstep/models"
)

// TestConfigDataKey: production refuses to start without its own data key
// (none, the public development key, or one of the wrong length); a good
// key and the previous one during a rotation are passed on, current first.
func TestConfigDataKey(t *testing.T) {
	good, previous := "q1MX0cGVJfXGm0mzZ1hKZp7wQk8J5m9pC4t2V3y8xLs=", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	for _, tt := range []struct {
		name string
		env  map[string]string
		want string // part of the error about the key; "" = no such error
		keys int
	}{
		{"production without a key", map[string]string{"NEXTSTEP_ENV": "production"}, "NEXTSTEP_DATA_KEY is required in production", 0},
		{"production with the development key", map[string]string{"NEXTSTEP_ENV": "production", "NEXTSTEP_DATA_KEY": models.DevDataKey}, "public development key", 1},
		{"a short key", map[string]string{"NEXTSTEP_DATA_KEY": "c2hvcnQ="}, "NEXTSTEP_DATA_KEY: the data key must be 32 bytes", 0},
		{"not base64", map[string]string{"NEXTSTEP_DATA_KEY": "not base64!"}, "must be base64", 0},
		{"production with a key", map[string]string{"NEXTSTEP_ENV": "production", "NEXTSTEP_DATA_KEY": good}, "", 1},
		{"a rotation", map[string]string{"NEXTSTEP_DATA_KEY": good, "NEXTSTEP_DATA_KEY_PREVIOUS": previous}, "", 2},
		{"a previous key alone", map[string]string{"NEXTSTEP_DATA_KEY_PREVIOUS": previous}, "needs NEXTSTEP_DATA_KEY", 1},
		{"development without a key", map[string]string{}, "", 0},
	} {
		cfg, err := loadConfig(func(k string) string { return tt.env[k] })
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		keyErr := strings.Contains(msg, "DATA_KEY") || strings.Contains(msg, "data key")
		switch {
		case tt.want == "" && keyErr:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && !strings.Contains(msg, tt.want):
			t.Errorf("%s: %v, want an error saying %q", tt.name, err, tt.want)
		case len(cfg.DataKeys) != tt.keys:
			t.Errorf("%s: %d keys, want %d", tt.name, len(cfg.DataKeys), tt.keys)
		}
	}
}
