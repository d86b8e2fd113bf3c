package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/handlers"
	"nextstep/models"
	"nextstep/views"
)

// benchApp serves the app in-process (no network) on a database with
// extra candidates, so the benchmark measures our code and PostgreSQL.
func benchApp(b *testing.B, extra int) (http.Handler, *models.Store) {
	b.Helper()
	ctx := context.Background()
	store, err := models.Open(ctx, devdb.TestDatabaseURL(b, migrator), models.Config{MaxConns: 8, BaseURL: "http://bench", Links: views.Paths{}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	if _, err := store.SeedDemo(ctx); err != nil {
		b.Fatal(err)
	}
	// Bulk-insert extra candidates in the sales pipeline's first stage.
	if extra > 0 {
		err := store.DB().Exec(`
			WITH pos AS (SELECT id FROM positions WHERE title = 'Account Executive'),
			c AS (INSERT INTO candidates (email, name) SELECT 'bench' || g || '@example.com', 'Bench Candidate ' || g FROM generate_series(1, ?) g RETURNING id)
			INSERT INTO applications (candidate_id, position_id, stage, status) SELECT c.id, pos.id, 'interview_completed', 'active' FROM c, pos`, extra).Error
		if err != nil {
			b.Fatal(err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := handlers.New(store, models.SystemClock{}, log, handlers.Config{BaseURL: "http://bench", SessionSecret: []byte(strings.Repeat("s", 32)), Location: time.UTC})
	return h, store
}

// benchSessionCookie signs in through the real form and returns the session cookie.
func benchSessionCookie(b *testing.B, h http.Handler, store *models.Store, email string) []*http.Cookie {
	b.Helper()
	link, err := store.IssueSignInLink(context.Background(), email)
	if err != nil {
		b.Fatal(err)
	}
	path := strings.TrimPrefix(link, "http://bench")
	req := httptest.NewRequest(http.MethodPost, path, nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin") // as a browser submitting our own form
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		b.Fatalf("sign-in: %d", rec.Code)
	}
	return rec.Result().Cookies()
}

func benchPage(b *testing.B, h http.Handler, cookies []*http.Cookie, path string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, rec.Code)
		}
	}
}

// BenchmarkCandidateList is the busiest staff page: a filtered, sorted page of
// 25 rows out of 5,000 applications.
func BenchmarkCandidateList(b *testing.B) {
	h, store := benchApp(b, 5000)
	cookies := benchSessionCookie(b, h, store, recruiterEmail)
	benchPage(b, h, cookies, "/admin/candidates?sort=name")
}

// BenchmarkCandidateHome is the page every candidate opens first.
func BenchmarkCandidateHome(b *testing.B) {
	h, store := benchApp(b, 0)
	cookies := benchSessionCookie(b, h, store, "ben.okafor@example.com")
	benchPage(b, h, cookies, "/me")
}

// BenchmarkCandidateDetail is the staff page for one candidate.
func BenchmarkCandidateDetail(b *testing.B) {
	h, store := benchApp(b, 0)
	cookies := benchSessionCookie(b, h, store, recruiterEmail)
	var id int64
	mustDB(b, store.DB().Raw("SELECT id FROM candidates WHERE email = 'ben.okafor@example.com'").Scan(&id))
	benchPage(b, h, cookies, fmt.Sprintf("/admin/candidates/%d", id))
}

// BenchmarkNeedsYou is the staff's first page: every queue of the role.
func BenchmarkNeedsYou(b *testing.B) {
	h, store := benchApp(b, 5000)
	cookies := benchSessionCookie(b, h, store, recruiterEmail)
	benchPage(b, h, cookies, "/admin")
}
