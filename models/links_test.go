package models_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestModelsHoldNoPaths keeps the site's paths in views (views.Paths, given
// to the store as models.Links): no models source names a staff or
// candidate page itself, so a link in a message cannot drift from the route.
func TestModelsHoldNoPaths(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if strings.Contains(line, `"/admin`) || strings.Contains(line, `"/me`) {
				t.Errorf("%s:%d names a page's path; build it with models.Links (views/urls.go): %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
	if len(files) < 40 {
		t.Fatalf("found only %d files: is the test running in models/?", len(files))
	}
}
