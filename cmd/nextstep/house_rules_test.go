package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The house rules on size: a file or a function longer than this is split by
// feature (one report, one scene, one group of routes) before it grows more.
const (
	maxGoFileLines    = 550 // a non-test, non-generated Go file
	maxTemplFileLines = 300 // a .templ file
	maxFuncLines      = 120 // a function or method with a body, in such a Go file
)

// TestHouseRules fails on every Go file, templ file or function of the
// project that is longer than the house rules allow, naming it and its length.
// Tests and generated templ code (*_templ.go) are exempt.
func TestHouseRules(t *testing.T) {
	root := filepath.Join("..", "..")
	skipDirs := map[string]bool{".data": true, "bin": true, "node_modules": true, ".git": true}
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		name := d.Name()
		switch {
		case strings.HasSuffix(name, ".templ"):
			checked++
			if n := fileLines(t, path); n > maxTemplFileLines {
				t.Errorf("%s has %d lines; a templ file may have at most %d", rel, n, maxTemplFileLines)
			}
		case strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") && !strings.HasSuffix(name, "_templ.go"):
			checked++
			checkGoFile(t, path, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked only %d files: is the walk rooted at the repository?", checked)
	}
}

// checkGoFile applies the file and function limits to one Go file.
func checkGoFile(t *testing.T, path, rel string) {
	t.Helper()
	if n := fileLines(t, path); n > maxGoFileLines {
		t.Errorf("%s has %d lines; a Go file may have at most %d", rel, n, maxGoFileLines)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Errorf("%s: %v", rel, err)
		return
	}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		n := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
		if n > maxFuncLines {
			t.Errorf("%s: %s has %d lines; a function may have at most %d", rel, funcName(fn), n, maxFuncLines)
		}
	}
}

// funcName is a function's name, with its receiver's type for a method.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	typ := fn.Recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	switch x := typ.(type) {
	case *ast.Ident:
		return "(" + x.Name + ")." + fn.Name.Name
	case *ast.IndexExpr: // a generic receiver
		if id, ok := x.X.(*ast.Ident); ok {
			return "(" + id.Name + ")." + fn.Name.Name
		}
	}
	return fn.Name.Name
}

// fileLines counts a file's lines (a last line without a newline counts).
func fileLines(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := bytes.Count(b, []byte("\n"))
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}
