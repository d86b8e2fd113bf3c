package main

// Issue 23, operations: the metrics on their own address (acceptance 4), and
// a statically linked binary that starts from an empty directory.

import (
	"bytes"
	"crypto/rand"
	"debug/buildinfo"
	"debug/elf"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"nextstep/devdb"
	"nextstep/models"
)

// scrape reads the metrics at url into their families, by name.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parsing %s: %v", url, err)
	}
	return families
}

// sample finds the series of family name with exactly labels (name=value
// pairs); nil when there is none.
func sample(families map[string]*dto.MetricFamily, name string, labels ...string) *dto.Metric {
	f := families[name]
	if f == nil {
		return nil
	}
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		match := len(have) == len(labels)/2
		for i := 0; match && i+1 < len(labels); i += 2 {
			match = have[labels[i]] == labels[i+1]
		}
		if match {
			return m
		}
	}
	return nil
}

func get(t *testing.T, client *http.Client, url string) int {
	t.Helper()
	res, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func TestMetricsOnTheirOwnAddress(t *testing.T) {
	e, dbURL := newMailEnv(t)
	sink := startSink(t, "127.0.0.1:0")
	metricsURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", freePort(t))
	env := append(mailServerEnv(sink.URL()), "NEXTSTEP_METRICS_ADDR="+strings.TrimSuffix(strings.TrimPrefix(metricsURL, "http://"), "/metrics"),
		"NEXTSTEP_SCHEDULE_EVERY=1s") // so the scheduled tasks have run by the time we look
	srv := startServers(t, 1, dbURL, env...)[0]
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	for range 3 {
		if s := get(t, client, srv.base+"/staff/login"); s != http.StatusOK {
			t.Fatalf("/staff/login: %d", s)
		}
	}
	get(t, client, srv.base+"/signin/not-a-real-token-12345") // a route with a parameter
	if s := get(t, client, srv.base+"/no/such/page/12345"); s != http.StatusNotFound {
		t.Fatalf("an unknown path: %d, want 404", s)
	}
	if s := get(t, client, srv.base+"/metrics"); s != http.StatusNotFound {
		t.Fatalf("/metrics on the portal's address: %d, want 404 (metrics are served on NEXTSTEP_METRICS_ADDR only)", s)
	}
	login := newLoginClient(t, srv.base) // a fourth GET of /staff/login
	res, err := login.http.PostForm(srv.base+"/staff/login", url.Values{"_csrf": {login.token},
		"email": {models.DemoStaff()[0].Email}, "password": {"not-the-password"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	candidate := e.addCandidates("metrics-", 1)[0]
	e.requestLinks([]string{candidate.email})
	e.waitAllSent(1, 30*time.Second, srv)

	// The counter is raised just after the row is marked sent: allow a moment.
	var families map[string]*dto.MetricFamily
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		families = scrape(t, metricsURL)
		sent := sample(families, "nextstep_messages_sent_total", "kind", string(models.MsgCandidateSignIn))
		ran := sample(families, "nextstep_scheduled_task_last_success_timestamp_seconds", "task", "purge_sessions")
		if sent != nil && ran != nil || time.Now().After(deadline) {
			break
		}
	}
	checks := []struct {
		what   string
		name   string
		labels []string
		want   float64
	}{
		{"the route's counter", "nextstep_http_requests_total", []string{"method", "GET", "route", "/staff/login", "status", "200"}, 4},
		{"unknown paths under one label", "nextstep_http_requests_total", []string{"method", "GET", "route", "unmatched", "status", "404"}, 2},
		{"the sent message", "nextstep_messages_sent_total", []string{"kind", string(models.MsgCandidateSignIn)}, 1},
		{"the wrong password", "nextstep_sign_in_failures_total", []string{"reason", "password"}, 1},
		{"the pool's size", "go_sql_max_open_connections", []string{"db_name", "nextstep"}, 20},
	}
	for _, c := range checks {
		m := sample(families, c.name, c.labels...)
		var got float64
		switch {
		case m == nil:
			t.Errorf("%s: no series %s%v", c.what, c.name, c.labels)
			continue
		case m.Counter != nil:
			got = m.GetCounter().GetValue()
		case m.Gauge != nil:
			got = m.GetGauge().GetValue()
		}
		if got != c.want {
			t.Errorf("%s: %s%v = %v, want %v", c.what, c.name, c.labels, got, c.want)
		}
	}
	if h := sample(families, "nextstep_http_request_duration_seconds", "method", "GET", "route", "/staff/login"); h == nil || h.GetHistogram().GetSampleCount() != 4 {
		t.Errorf("the route's latency histogram: %v, want 4 observations", h)
	}
	if sample(families, "nextstep_http_requests_total", "method", "GET", "route", "/signin/:token", "status", "200") == nil &&
		sample(families, "nextstep_http_requests_total", "method", "GET", "route", "/signin/:token", "status", "410") == nil {
		t.Errorf("no series for the route pattern /signin/:token: %v", families["nextstep_http_requests_total"])
	}
	for _, g := range []string{"go_sql_open_connections", "go_sql_in_use_connections", "go_sql_idle_connections", "go_sql_wait_count_total", "go_sql_wait_duration_seconds_total"} {
		if sample(families, g, "db_name", "nextstep") == nil {
			t.Errorf("no pool statistic %s", g)
		}
	}
	if sample(families, "nextstep_job_queue_jobs", "queue", models.MailQueue, "state", "available") == nil {
		t.Errorf("no job queue depth for the mail queue: %v", families["nextstep_job_queue_jobs"])
	}
	if ran := sample(families, "nextstep_scheduled_task_last_success_timestamp_seconds", "task", "purge_sessions"); ran == nil ||
		time.Since(time.Unix(int64(ran.GetGauge().GetValue()), 0)) > time.Minute {
		t.Errorf("purge_sessions' last success: %v, want a time in the last minute", ran)
	}
	if out := srv.output.String(); strings.Contains(out, "metrics:") {
		t.Errorf("reading the metrics failed; the server's output:\n%s", out)
	}
	var text bytes.Buffer
	for _, f := range families {
		fmt.Fprintln(&text, f.String())
	}
	for _, leak := range []string{"12345", "not-a-real-token"} {
		if strings.Contains(text.String(), leak) {
			t.Errorf("a path's own text %q made a series: ids and tokens must not", leak)
		}
	}
}

// TestStaticBinaryStartsFromAnEmptyDirectory builds the binary as the
// Dockerfile does and runs it where nothing else is: no templates, static
// files or source tree, as in the distroless image.
func TestStaticBinaryStartsFromAnEmptyDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	build := t.TempDir()
	bin := filepath.Join(build, "nextstep")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=static-test", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range info.Settings {
		if s.Key == "CGO_ENABLED" && s.Value != "0" {
			t.Errorf("built with CGO_ENABLED=%s", s.Value)
		}
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary asks for a dynamic loader (PT_INTERP): not statically linked")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries: %v", libs)
	}
	f.Close()

	empty := t.TempDir()
	run := filepath.Join(empty, "nextstep")
	raw, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(run, raw, 0o755); err != nil {
		t.Fatal(err)
	}
	dbURL := devdb.TestDatabaseURL(t, migrator)
	port := freePort(t)
	key := make([]byte, 32)
	rand.Read(key)
	env := append(childEnviron(), "DATABASE_URL="+dbURL, fmt.Sprintf("NEXTSTEP_ADDR=127.0.0.1:%d", port),
		fmt.Sprintf("NEXTSTEP_BASE_URL=http://127.0.0.1:%d", port), "NEXTSTEP_ENV=production", "NEXTSTEP_SESSION_SECRET="+sessionSecret,
		"NEXTSTEP_SMTP_URL=smtp://127.0.0.1:1?starttls=none", "NEXTSTEP_MAIL_FROM="+mailFrom,
		"NEXTSTEP_DATA_KEY="+base64.StdEncoding.EncodeToString(key), "NEXTSTEP_LOG_LEVEL=warn")
	s := &serverProc{name: "static binary", base: fmt.Sprintf("http://127.0.0.1:%d", port), output: &lockedBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(run, "serve")
	s.cmd.Dir, s.cmd.Env, s.cmd.Stdout, s.cmd.Stderr = empty, env, s.output, s.output
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.waitErr = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.stop(t) })
	if ready, exited := s.waitReady(20 * time.Second); !ready {
		t.Fatalf("not ready within 20 s (exited: %v, %v); its output:\n%s", exited, s.waitErr, s.output.String())
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, p := range []string{"/healthz", "/readyz", "/staff/login", "/static/app.js"} {
		if st := get(t, client, s.base+p); st != http.StatusOK {
			t.Errorf("%s: %d, want 200 (everything is embedded in the binary)", p, st)
		}
	}
	// The image's HEALTHCHECK: the binary asks itself, with no shell or curl.
	hc := exec.Command(run, "healthcheck")
	hc.Dir, hc.Env = empty, env
	if out, err := hc.CombinedOutput(); err != nil {
		t.Errorf("nextstep healthcheck: %v\n%s", err, out)
	}
	entries, err := os.ReadDir(empty)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the server wrote into its working directory: %v (a read-only container has nowhere to)", names)
	}
}
