package models_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/models"
	"nextstep/views"
)

// Email throughput through the whole queue: a sign-in link requested through
// the real use case (outbox row, login token, audit entry and River job in one
// transaction), fetched by River, sent over SMTP (one connection per message)
// to a loopback sink, and recorded as sent. Each benchmark run gets a fresh
// database, so b.N is also the size of the backlog. Goal: 200 mails/s or more.
//
//	go test -run '^$' -bench 'Mail|Deliver' -benchmem -count=1 ./models

// Production settings (cmd/nextstep): NEXTSTEP_MAIL_WORKERS=10, a 250 ms poll
// interval and NEXTSTEP_DB_MAX_CONNS=10.
const (
	benchMailWorkers = 10
	benchDBConns     = 10
	benchProdPoll    = 250 * time.Millisecond
	benchEnqueuers   = 4 // concurrent "web requests" asking for links
)

// BenchmarkMailDelivery times delivery alone: the backlog of b.N messages is
// written first with the timer stopped, then the workers start and the clock
// runs until the sink has every message.
func BenchmarkMailDelivery(b *testing.B) {
	for _, poll := range []time.Duration{benchProdPoll, 100 * time.Millisecond} {
		b.Run(fmt.Sprintf("workers=%d/poll=%s", benchMailWorkers, poll), func(b *testing.B) {
			b.StopTimer()
			store, dsn := benchStore(b)
			sink := benchSink(b)
			benchEnqueueSignInLinks(b, store, b.N)
			b.StartTimer()
			start := time.Now()
			d := benchStartDelivery(b, store, dsn, sink, benchMailWorkers, poll)
			benchWaitForMails(b, sink, b.N)
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "mails/s")
			benchStopDelivery(b, d)
			benchCheckAllSent(b, store, sink, b.N)
		})
	}
}

// BenchmarkMailEndToEnd times the path a burst of requests takes in
// production: the workers are already running (and idle) when b.N sign-in
// links are requested by a few concurrent callers, and the clock runs from the
// first request until the sink has the last message. enqueue-ms is how long
// the requests alone took.
func BenchmarkMailEndToEnd(b *testing.B) {
	for _, poll := range []time.Duration{benchProdPoll, 100 * time.Millisecond} {
		b.Run(fmt.Sprintf("workers=%d/poll=%s", benchMailWorkers, poll), func(b *testing.B) {
			b.StopTimer()
			store, dsn := benchStore(b)
			sink := benchSink(b)
			benchSeedCandidates(b, store, b.N)
			d := benchStartDelivery(b, store, dsn, sink, benchMailWorkers, poll)
			time.Sleep(poll + 50*time.Millisecond) // let the client finish starting up and go idle
			b.StartTimer()
			start := time.Now()
			benchRequestLinks(b, store, b.N)
			enqueued := time.Since(start)
			benchWaitForMails(b, sink, b.N)
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "mails/s")
			b.ReportMetric(float64(enqueued.Microseconds())/1000, "enqueue-ms")
			benchStopDelivery(b, d)
			benchCheckAllSent(b, store, sink, b.N)
		})
	}
}

// BenchmarkMailEnqueue is the write side alone: sign-in link requests per
// second, with no workers running, to tell which side limits the pipeline.
func BenchmarkMailEnqueue(b *testing.B) {
	b.StopTimer()
	store, _ := benchStore(b)
	benchSeedCandidates(b, store, b.N)
	b.StartTimer()
	start := time.Now()
	benchRequestLinks(b, store, b.N)
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "links/s")
	counts, err := store.OutboxCounts(context.Background(), models.Actor{Kind: "staff", Role: models.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	if counts[models.MessageQueued] != int64(b.N) {
		b.Fatalf("%d messages queued, want %d", counts[models.MessageQueued], b.N)
	}
}

// benchStore is newStore for benchmarks: a fresh migrated database, the real
// clock and the production pool size.
func benchStore(b *testing.B) (*models.Store, string) {
	b.Helper()
	dsn := devdb.TestDatabaseURL(b, migrator)
	store, err := models.Open(context.Background(), dsn, models.Config{Clock: models.SystemClock{}, MaxConns: benchDBConns,
		BaseURL: "http://x", MailMaxAttempts: 5, Links: views.Paths{}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	return store, dsn
}

func benchSink(b *testing.B) *devdb.SMTPSink {
	b.Helper()
	sink, err := devdb.StartSMTPSink("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	sink.DiscardBodies()
	b.Cleanup(func() { sink.Close() })
	return sink
}

// benchSeedCandidates adds n candidates, bench-1@example.test … bench-n@…, in one
// statement, so each can ask for one link without meeting the rate limit.
func benchSeedCandidates(b *testing.B, store *models.Store, n int) {
	b.Helper()
	err := store.DB().Exec(`INSERT INTO candidates (email, name)
		SELECT 'bench-' || g || '@example.test', 'Bench Candidate ' || g FROM generate_series(1, ?) g`, n).Error
	if err != nil {
		b.Fatal(err)
	}
}

// benchRequestLinks asks for one sign-in link per seeded candidate, from a few
// goroutines at once, as concurrent web requests would.
func benchRequestLinks(b *testing.B, store *models.Store, n int) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, benchEnqueuers)
	for range benchEnqueuers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				if err := store.RequestCandidateLink(context.Background(), fmt.Sprintf("bench-%d@example.test", i), "192.0.2.9"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

func benchEnqueueSignInLinks(b *testing.B, store *models.Store, n int) {
	b.Helper()
	benchSeedCandidates(b, store, n)
	benchRequestLinks(b, store, n)
}

func benchStartDelivery(b *testing.B, store *models.Store, dsn string, sink *devdb.SMTPSink, workers int, poll time.Duration) *models.Delivery {
	b.Helper()
	cfg, err := models.ParseSMTPURL(sink.URL())
	if err != nil {
		b.Fatal(err)
	}
	cfg.Timeout = 5 * time.Second
	d, err := store.StartDelivery(context.Background(), models.DeliveryConfig{DSN: dsn, Sender: models.NewSMTPSender(cfg),
		FromName: "Nextstep Demo Ltd", FromEmail: "jobs@nextstep.test", Workers: workers, RetryBase: time.Second, PollInterval: poll})
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func benchStopDelivery(b *testing.B, d *models.Delivery) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Stop(ctx); err != nil {
		b.Fatal(err)
	}
}

// benchWaitForMails waits for n messages, allowing far more time than even a slow
// machine needs (10 mails/s), so a stuck queue fails instead of hanging.
func benchWaitForMails(b *testing.B, sink *devdb.SMTPSink, n int) {
	b.Helper()
	if _, err := sink.WaitFor(n, 10*time.Second+time.Duration(n)*100*time.Millisecond); err != nil {
		b.Fatal(err)
	}
}

// benchCheckAllSent makes sure the run counted what it claims: every message
// recorded as sent, none sent twice.
func benchCheckAllSent(b *testing.B, store *models.Store, sink *devdb.SMTPSink, n int) {
	b.Helper()
	counts, err := store.OutboxCounts(context.Background(), models.Actor{Kind: "staff", Role: models.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	if counts[models.MessageSent] != int64(n) || sink.Count() != n {
		b.Fatalf("outbox %v, sink received %d, want %d sent once each", counts, sink.Count(), n)
	}
}
