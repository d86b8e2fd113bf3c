// Package static holds the stylesheet, scripts and images, embedded in the
// binary. Each file is served under a name carrying a hash of its content
// (app.3f2a9c1b7e.css), cached by browsers for a year; the plain name still
// works, revalidated by ETag. Text files are compressed once, at start, with
// brotli and gzip, and served compressed to browsers that accept it.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/andybalholm/brotli"
)

//go:embed *.css *.js *.svg
var files embed.FS

type asset struct {
	name, hashedName string
	contentType      string
	etag             string
	plain, gz, br    []byte
}

// Assets is the table of embedded files, built once.
type Assets struct {
	byName map[string]*asset // by plain and by hashed name
}

// Load reads and compresses every embedded file.
func Load() (*Assets, error) {
	a := &Assets{byName: map[string]*asset{}}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:5])
		ext := path.Ext(name)
		as := &asset{name: name, hashedName: strings.TrimSuffix(name, ext) + "." + hash + ext,
			contentType: mime.TypeByExtension(ext), etag: `"` + hash + `"`, plain: body}
		if as.contentType == "" {
			as.contentType = "application/octet-stream"
		}
		if compressible(as.contentType) {
			if as.gz, err = gzipped(body); err != nil {
				return err
			}
			if as.br, err = brotlied(body); err != nil {
				return err
			}
		}
		a.byName[as.name] = as
		a.byName[as.hashedName] = as
		return nil
	})
	return a, err
}

func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || strings.Contains(contentType, "javascript") || strings.Contains(contentType, "svg")
}

func gzipped(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	err := w.Close()
	return buf.Bytes(), err
}

func brotlied(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	// Level 5: within a few per cent of the best on these small files; levels
	// 9-11 allocate 30+ MB of hash tables, doubling the server's memory at start.
	w := brotli.NewWriterLevel(&buf, 5)
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	err := w.Close()
	return buf.Bytes(), err
}

// Path is the URL of a file by its plain name, with its content hash:
// "app.css" → "/static/app.3f2a9c1b7e.css".
func (a *Assets) Path(name string) string {
	if as, ok := a.byName[name]; ok {
		return "/static/" + as.hashedName
	}
	return "/static/" + name
}

// ServeHTTP serves a file by its hashed name (cached for a year) or plain
// name (revalidated by ETag), compressed when the browser accepts it.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	as, ok := a.byName[name]
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", as.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	if name == as.hashedName {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, no-cache")
	}
	body, encoding := as.plain, ""
	if as.gz != nil {
		h.Set("Vary", "Accept-Encoding")
		switch accepts := r.Header.Get("Accept-Encoding"); {
		case acceptsEncoding(accepts, "br"):
			body, encoding = as.br, "br"
		case acceptsEncoding(accepts, "gzip"):
			body, encoding = as.gz, "gzip"
		}
	}
	etag := as.etag
	if encoding != "" {
		h.Set("Content-Encoding", encoding)
		etag = strings.TrimSuffix(as.etag, `"`) + "-" + encoding + `"`
	}
	h.Set("ETag", etag)
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Write(body)
}

// acceptsEncoding reads an Accept-Encoding header: the coding is listed and
// not refused with q=0.
func acceptsEncoding(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

func etagMatches(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		c := strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if c == etag || c == "*" {
			return true
		}
	}
	return false
}
