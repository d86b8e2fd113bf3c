// Package static holds the stylesheet, scripts and images, embedded in the binary.
package static

import (
	"embed"
	"net/http"
)

//go:embed *.css *.js *.svg
var files embed.FS

// Handler serves the embedded files with a long cache lifetime.
func Handler() http.Handler {
	fs := http.FileServer(http.FS(files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fs.ServeHTTP(w, r)
	})
}
