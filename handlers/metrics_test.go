package handlers_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/prometheus/client_golang/prometheus"

	"nextstep/handlers"
	"nextstep/models"
)

// counterValue is the value of the series of name with the given label value, 0 when absent.
func counterValue(t *testing.T, reg *prometheus.Registry, name, label, value string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// Failed staff sign-ins are counted by reason: a wrong password (told by the
// store) and a wrong second-factor code (counted by the handler, since the
// store's code check also serves turning TOTP off).
func TestMetricsCountFailedSignIns(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m := handlers.NewMetrics(reg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	app := newTestAppWithStore(t, func(c *handlers.Config) { c.Metrics = m }, func(c *models.Config) { c.Observer = m })
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	secret := strings.TrimSpace(c.get("/admin/account").Doc(t).Find("[data-testid=totp-secret]").Text())
	code, _ := totp.GenerateCode(secret, app.Clock.Now())
	if res := c.post("/admin/account/totp", url.Values{"code": {code}}); res.Status != http.StatusSeeOther {
		t.Fatalf("enabling TOTP: %d", res.Status)
	}
	app.Clock.Advance(30 * time.Second)

	other := app.newClient()
	other.post("/staff/login", url.Values{"email": {recruiterEmail}, "password": {"not-the-password"}})
	other.post("/staff/login", url.Values{"email": {recruiterEmail}, "password": {models.DemoPassword}})
	if res := other.post("/staff/login/totp", url.Values{"code": {"000000"}}); res.Status != http.StatusUnauthorized {
		t.Fatalf("a wrong code: %d, want 401", res.Status)
	}
	if n := counterValue(t, reg, "nextstep_sign_in_failures_total", "reason", "password"); n != 1 {
		t.Errorf("failed sign-ins by password: %v, want 1", n)
	}
	if n := counterValue(t, reg, "nextstep_sign_in_failures_total", "reason", "second_factor"); n != 1 {
		t.Errorf("failed sign-ins by second factor: %v, want 1", n)
	}
	if n := counterValue(t, reg, "nextstep_http_requests_total", "route", "/staff/login/totp"); n != 1 {
		t.Errorf("requests to /staff/login/totp: %v, want 1", n)
	}
}
