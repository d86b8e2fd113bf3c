package handlers_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Pages are sent gzip-compressed to a browser that accepts it, and plain to
// one that does not, or when the page may echo the request's query; the
// benchmark's floor pages do not exist in the product.
func TestPagesAreCompressedForBrowsersThatAcceptIt(t *testing.T) {
	app := newTestApp(t)
	admin := app.newClient()
	admin.loginStaff(adminEmail)

	fetch := func(path, accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, app.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		// Setting Accept-Encoding by hand turns off the transport's own
		// decompression, so the test sees the bytes as sent.
		res, err := admin.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}

	plainRes, plain := fetch("/admin/reports", "identity")
	if plainRes.StatusCode != http.StatusOK || plainRes.Header.Get("Content-Encoding") != "" {
		t.Fatalf("reports without gzip: %d, Content-Encoding %q", plainRes.StatusCode, plainRes.Header.Get("Content-Encoding"))
	}
	res, packed := fetch("/admin/reports", "gzip, deflate, br")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("reports for a browser accepting gzip: %d, Content-Encoding %q, want gzip", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("a compressed page without Vary: Accept-Encoding (%q): a cache could give it to a browser that cannot read it", res.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(strings.NewReader(string(packed)))
	if err != nil {
		t.Fatal(err)
	}
	unpacked, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(unpacked), "</html>") || len(packed)*3 > len(unpacked) {
		t.Errorf("reports: %d bytes compressed to %d; want a whole page at least three times smaller", len(unpacked), len(packed))
	}
	if len(plain) < len(unpacked)/2 {
		t.Errorf("the plain page is %d bytes, the unpacked one %d: not the same page", len(plain), len(unpacked))
	}

	// A page that echoes the query next to the CSRF token is not compressed:
	// its compressed length would tell an eavesdropper about the token.
	if res, _ := fetch("/admin/candidates?q=okafor", "gzip"); res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" {
		t.Errorf("a search page for a browser accepting gzip: %d, Content-Encoding %q, want plain", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	if res, _ := fetch("/admin/_floor", "gzip"); res.StatusCode != http.StatusNotFound {
		t.Errorf("the benchmark's floor page answers %d in the product, want 404", res.StatusCode)
	}
}
