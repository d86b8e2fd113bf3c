package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"
)

// gormStatements are the GORM methods that run a statement and leave its
// error in the result's Error field.
var gormStatements = map[string]bool{"Exec": true, "Scan": true, "First": true, "Find": true, "Updates": true,
	"Update": true, "UpdateColumn": true, "Create": true, "Delete": true, "Save": true, "Count": true, "Pluck": true, "Take": true}

// onDatabase reports whether a call chain starts from a database handle: a
// name like db or tx, or a chain through DB(), Raw, Table, Where or Model.
func onDatabase(e ast.Expr) bool {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name == "db" || x.Name == "tx" || x.Name == "gdb"
		case *ast.SelectorExpr:
			if x.Sel.Name == "db" || x.Sel.Name == "DB" {
				return true
			}
			e = x.X
		case *ast.CallExpr:
			if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
				switch sel.Sel.Name {
				case "DB", "Raw", "Exec", "Table", "Where", "Model", "Unscoped", "Session", "WithContext":
					return true
				}
			}
			e = x.Fun
		default:
			return false
		}
	}
}

// TestTestsCheckDatabaseErrors fails when a test runs a database statement
// and drops its error (a bare db.Raw(…).Scan(&x) or db.Exec(…) statement, or
// `_ = …`): a failed setup statement would let the test go on with empty
// data and pass for the wrong reason. Tests wrap such statements in
// mustDB(t, …).
func TestTestsCheckDatabaseErrors(t *testing.T) {
	root := filepath.Join("..", "..")
	var files []string
	for _, dir := range []string{"models", "handlers", "cmd/nextstep", "views", "devdb"} {
		m, err := filepath.Glob(filepath.Join(root, dir, "*_test.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 20 {
		t.Fatalf("found only %d test files; the walk is not reading the project", len(files))
	}
	runsStatement := func(e ast.Expr) bool {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		return ok && gormStatements[sel.Sel.Name] && onDatabase(sel.X)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch s := n.(type) {
			case *ast.ExprStmt:
				if runsStatement(s.X) {
					t.Errorf("%s: a database statement whose error is dropped; wrap it in mustDB(t, …)", fset.Position(s.Pos()))
				}
			case *ast.AssignStmt:
				if len(s.Lhs) == 1 && len(s.Rhs) == 1 && runsStatement(s.Rhs[0]) {
					if id, ok := s.Lhs[0].(*ast.Ident); ok && id.Name == "_" {
						t.Errorf("%s: a database statement assigned to _; wrap it in mustDB(t, …)", fset.Position(s.Pos()))
					}
				}
			}
			return true
		})
	}
}
