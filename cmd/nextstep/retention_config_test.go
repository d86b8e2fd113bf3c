package main

import (
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// TestConfigRetention: NEXTSTEP_RETENTION defaults to twelve months, takes
// months, days or a Go duration, and refuses anything else at start, naming
// the setting.
func TestConfigRetention(t *testing.T) {
	for in, want := range map[string]models.RetentionPeriod{
		"": {Months: 12}, "18mo": {Months: 18}, "365d": {Days: 365}, "2160h": {Exact: 2160 * time.Hour},
	} {
		cfg, err := loadConfig(func(k string) string { return map[string]string{"NEXTSTEP_RETENTION": in}[k] })
		if err != nil || cfg.Retention != want {
			t.Errorf("NEXTSTEP_RETENTION=%q: %+v, %v; want %+v", in, cfg.Retention, err, want)
		}
	}
	for _, bad := range []string{"a year", "12", "-1mo", "7d", "500mo"} {
		_, err := loadConfig(func(k string) string { return map[string]string{"NEXTSTEP_RETENTION": bad}[k] })
		if err == nil || !strings.Contains(err.Error(), "NEXTSTEP_RETENTION") {
			t.Errorf("NEXTSTEP_RETENTION=%q: %v, want a start-up error naming it", bad, err)
		}
	}
}
