package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeMapIsTrue keeps the README's "Where things are" map true: every
// file it names exists, and every model, handler and view file is named.
func TestReadmeMapIsTrue(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "### Where things are")
	if start < 0 {
		t.Fatal(`README has no "### Where things are" section`)
	}
	section := text[start:]
	if end := strings.Index(section[4:], "\n#"); end >= 0 {
		section = section[:end+4]
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("`((?:models|handlers|views)/[a-z_]+\\.(?:go|templ))`").FindAllStringSubmatch(section, -1) {
		listed[m[1]] = true
		if _, err := os.Stat(filepath.Join(root, m[1])); err != nil {
			t.Errorf("the README's map names %s, which does not exist", m[1])
		}
	}
	for _, pattern := range []string{"models/*.go", "handlers/*.go", "views/*.templ"} {
		files, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			rel, _ := filepath.Rel(root, f)
			if strings.HasSuffix(rel, "_test.go") || strings.HasSuffix(rel, "_templ.go") {
				continue
			}
			if !listed[filepath.ToSlash(rel)] {
				t.Errorf("%s is not in the README's map (\"Where things are\")", rel)
			}
		}
	}
	if len(listed) < 40 {
		t.Fatalf("the map names only %d files", len(listed))
	}
}
