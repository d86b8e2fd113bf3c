package handlers

// Metrics for the operator (issue 23), in Prometheus's format, on a registry
// of their own that cmd builds and serves on a separate listen address
// (NEXTSTEP_METRICS_ADDR): the public app has no /metrics route.
//
// Counted as it happens: requests by route pattern and status with their
// latency (this file's middleware), messages sent and failed, failed staff
// sign-ins and failed jobs (told by the store through models.Observer).
// Read when scraped: the database pool's statistics, the job queue's depth
// and each scheduled task's last success (one cheap query each).

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"nextstep/models"
)

// unmatchedRoute labels every request that matched no route, so that
// scanners probing made-up paths cannot create series.
const unmatchedRoute = "unmatched"

// Metrics holds the collectors. It is a models.Observer: cmd passes it as
// the store's Config.Observer.
type Metrics struct {
	reg            *prometheus.Registry
	log            *slog.Logger
	requests       *prometheus.CounterVec
	latency        *prometheus.HistogramVec
	messagesSent   *prometheus.CounterVec
	messagesFailed *prometheus.CounterVec
	signInFailures *prometheus.CounterVec
	jobFailures    *prometheus.CounterVec
}

// NewMetrics registers the counters on reg (a registry of the caller's,
// never Prometheus's global one), with the Go runtime's and the process's
// own collectors.
func NewMetrics(reg *prometheus.Registry, log *slog.Logger) *Metrics {
	m := &Metrics{reg: reg, log: log,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nextstep_http_requests_total",
			Help: "HTTP requests answered, by method, route pattern (unmatched: no route) and status."}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "nextstep_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method and route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"method", "route"}),
		messagesSent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nextstep_messages_sent_total",
			Help: "Outbox messages accepted by the SMTP server, by kind."}, []string{"kind"}),
		messagesFailed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nextstep_messages_failed_total",
			Help: "Outbox messages marked failed for good, by kind."}, []string{"kind"}),
		signInFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nextstep_sign_in_failures_total",
			Help: "Failed staff sign-ins, by reason (password, second_factor, throttled)."}, []string{"reason"}),
		jobFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nextstep_job_failures_total",
			Help: "Job attempts that failed or were cancelled by their worker, by job kind."}, []string{"kind"}),
	}
	reg.MustRegister(m.requests, m.latency, m.messagesSent, m.messagesFailed, m.signInFailures, m.jobFailures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WatchStore adds the readings taken at scrape time: the database pool's
// statistics, the job queue's depth and the last success of each of tasks.
func (m *Metrics) WatchStore(store *models.Store, tasks []string) error {
	sqlDB, err := store.DB().DB()
	if err != nil {
		return err
	}
	return errors.Join(m.reg.Register(collectors.NewDBStatsCollector(sqlDB, "nextstep")),
		m.reg.Register(newStoreCollector(store, tasks, m.log)))
}

// Handler serves the registry's metrics (for the metrics listener only).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, ErrorHandling: promhttp.ContinueOnError})
}

// MessageSent counts a message sent (models.Observer).
func (m *Metrics) MessageSent(kind string) { m.messagesSent.WithLabelValues(kind).Inc() }

// MessageFailed counts a message failed for good (models.Observer).
func (m *Metrics) MessageFailed(kind string) { m.messagesFailed.WithLabelValues(kind).Inc() }

// SignInFailed counts a failed staff sign-in (models.Observer).
func (m *Metrics) SignInFailed(reason string) { m.signInFailures.WithLabelValues(reason).Inc() }

// JobFailed counts a failed job attempt (models.Observer).
func (m *Metrics) JobFailed(kind string) { m.jobFailures.WithLabelValues(kind).Inc() }

// middleware counts every request under its route's pattern (c.Path(): ids
// never make series) and the status it was answered with. It runs outside
// the request logger, which has had the error handler write the answer.
func (m *Metrics) middleware(e *echo.Echo) echo.MiddlewareFunc {
	// The routes are registered after the middleware: read them once, at
	// the first request.
	routes := sync.OnceValue(func() map[string]bool {
		known := map[string]bool{}
		for _, r := range e.Routes() {
			known[r.Method+" "+r.Path] = true
		}
		return known
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil && !c.Response().Committed {
				c.Error(err)
				err = nil
			}
			method := c.Request().Method
			route := c.Path()
			if !routes()[method+" "+route] {
				route = unmatchedRoute
			}
			m.requests.WithLabelValues(method, route, strconv.Itoa(c.Response().Status)).Inc()
			m.latency.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
			return err
		}
	}
}

// storeCollector reads the job queue's depth and the scheduled tasks' last
// successes from the database at each scrape.
type storeCollector struct {
	store *models.Store
	tasks []string
	log   *slog.Logger

	depth, lastSuccess *prometheus.Desc
}

func newStoreCollector(store *models.Store, tasks []string, log *slog.Logger) *storeCollector {
	return &storeCollector{store: store, tasks: tasks, log: log,
		depth: prometheus.NewDesc("nextstep_job_queue_jobs",
			"Jobs waiting in the job queue, by queue and state (available, scheduled, retryable).", []string{"queue", "state"}, nil),
		lastSuccess: prometheus.NewDesc("nextstep_scheduled_task_last_success_timestamp_seconds",
			"When each scheduled task last finished without an error (Unix time; absent: no success in the last 30 days).", []string{"task"}, nil)}
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.lastSuccess
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	depth, err := c.store.JobQueueDepth(ctx)
	if err != nil {
		c.log.Warn("metrics: reading the job queue's depth", "err", err)
		ch <- prometheus.NewInvalidMetric(c.depth, err)
	}
	seen := map[[2]string]bool{}
	for _, d := range depth {
		seen[[2]string{d.Queue, d.State}] = true
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(d.Jobs), d.Queue, d.State)
	}
	if err == nil { // the known queues' empty states read 0, not absent
		for _, q := range []string{models.MailQueue, models.ScheduledQueue} {
			for _, st := range []string{"available", "scheduled", "retryable"} {
				if !seen[[2]string{q, st}] {
					ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, 0, q, st)
				}
			}
		}
	}
	last, err := c.store.ScheduledLastSuccess(ctx, c.tasks)
	if err != nil {
		c.log.Warn("metrics: reading the scheduled tasks' last successes", "err", err)
		ch <- prometheus.NewInvalidMetric(c.lastSuccess, err)
		return
	}
	for task, at := range last {
		ch <- prometheus.MustNewConstMetric(c.lastSuccess, prometheus.GaugeValue, float64(at.UnixNano())/1e9, task)
	}
}
