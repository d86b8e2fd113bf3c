package handlers_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// Static files: content-hashed URLs cached for a year, ETag revalidation,
// and brotli or gzip bodies compressed once at start.
func TestStaticFilesAreCachedAndCompressed(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	page := app.newClient().get("/signin")
	css := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(page.Body)
	if css == nil {
		t.Fatalf("the page does not link a content-hashed stylesheet:\n%.600s", page.Body)
	}
	fetch := func(path string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, app.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		// The default transport would add and undo gzip itself; ask for it explicitly instead.
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	res, plain := fetch(css[1])
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || !bytes.Contains(plain, []byte("{")) {
		t.Fatalf("hashed stylesheet: %d, Cache-Control %q, Content-Type %q", res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"))
	}
	res, body := fetch(css[1], "Accept-Encoding", "gzip, deflate, br")
	if res.Header.Get("Content-Encoding") != "br" || res.Header.Get("Vary") != "Accept-Encoding" || len(body) >= len(plain) {
		t.Fatalf("brotli: Content-Encoding %q, Vary %q, %d of %d bytes", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"), len(body), len(plain))
	}
	if unbr, err := io.ReadAll(brotli.NewReader(bytes.NewReader(body))); err != nil || !bytes.Equal(unbr, plain) {
		t.Fatalf("the brotli body does not decode to the stylesheet (%v)", err)
	}
	res, body = fetch(css[1], "Accept-Encoding", "gzip")
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if res.Header.Get("Content-Encoding") != "gzip" || err != nil {
		t.Fatalf("gzip: Content-Encoding %q (%v)", res.Header.Get("Content-Encoding"), err)
	}
	if ungz, _ := io.ReadAll(zr); !bytes.Equal(ungz, plain) {
		t.Fatal("the gzip body does not decode to the stylesheet")
	}
	if res, _ := fetch(css[1], "Accept-Encoding", "br;q=0, gzip;q=0"); res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("an encoding refused with q=0 was used: %q", res.Header.Get("Content-Encoding"))
	}
	// The plain name is revalidated, and an unchanged file is a 304.
	res, _ = fetch("/static/app.css")
	etag := res.Header.Get("ETag")
	if res.StatusCode != http.StatusOK || etag == "" || !strings.Contains(res.Header.Get("Cache-Control"), "no-cache") {
		t.Fatalf("plain name: %d, ETag %q, Cache-Control %q", res.StatusCode, etag, res.Header.Get("Cache-Control"))
	}
	if res, body := fetch("/static/app.css", "If-None-Match", etag); res.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("revalidation: %d with %d bytes, want 304 and no body", res.StatusCode, len(body))
	}
	if res, _ := fetch("/static/nope.css"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown file: %d", res.StatusCode)
	}
}
