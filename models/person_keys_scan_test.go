package models

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// auditDetailsArg is, for each function that writes audit entries, the
// index of its details argument (kept readable: nothing personal) and of its
// action.
var auditDetailsArg = map[string]struct{ details, action int }{
	"audit":                      {5, 2},
	"Audit":                      {5, 2},
	"newAuditEntry":              {4, 1},
	"auditPersonal":              {6, 3},
	"auditPersonalOfApplication": {6, 3},
}

// notPersonal are the details ("action key") that a personal key's name
// names but that hold no one candidate's data, and why.
var notPersonal = map[string]string{
	"assessment_day.cancelled reason":        "the day's reason, told to everyone booked on it: no one candidate's",
	"candidate.retention_notice_sent reason": "which activity was the last (a RetentionReason), not words of anyone's",
	"contract.voided reason":                 "a fixed sentence of the code (\"name corrected\")",
	"message.retried to":                     "a message to staff: their own address (a candidate's or referee's is sealed, above it)",
}

// TestAuditDetailsHoldNothingPersonal reads every call that writes an audit
// entry and fails when its details (a map literal, or a variable built from
// one in the same function) use a key of personalDetailKeys, or one of
// actionPersonalKeys for the call's action: the append-only log keeps a
// candidate's data only sealed with their key (auditPersonal's personal).
func TestAuditDetailsHoldNothingPersonal(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	calls := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				arg, ok := auditDetailsArg[calleeName(call.Fun)]
				if !ok || len(call.Args) <= arg.details {
					return true
				}
				calls++
				action := ""
				if lit, ok := call.Args[arg.action].(*ast.BasicLit); ok {
					action, _ = strconv.Unquote(lit.Value)
				}
				forbidden := slices.Concat(personalDetailKeys, actionPersonalKeys[action])
				for _, k := range detailKeys(fn.Body, call.Args[arg.details]) {
					if slices.Contains(forbidden, k) && notPersonal[action+" "+k] == "" {
						t.Errorf("%s: %s(…) puts %q in an audit entry's readable details: personal data goes in auditPersonal's personal map",
							fset.Position(call.Pos()), calleeName(call.Fun), k)
					}
				}
				return true
			})
		}
	}
	if calls < 100 {
		t.Fatalf("only %d audit calls found: the scan no longer sees them", calls)
	}
}

// calleeName is the called function's name: audit for s.audit, newAuditEntry.
func calleeName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// detailKeys are the string keys of a details argument: a map literal's, or
// for a variable, those of the literal assigned to it and of every
// details["key"] = … in body.
func detailKeys(body *ast.BlockStmt, arg ast.Expr) []string {
	var keys []string
	literal := func(e ast.Expr) {
		lit, ok := e.(*ast.CompositeLit)
		if !ok {
			return
		}
		for _, el := range lit.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.BasicLit); ok && k.Kind == token.STRING {
					s, _ := strconv.Unquote(k.Value)
					keys = append(keys, s)
				}
			}
		}
	}
	id, ok := arg.(*ast.Ident)
	if !ok {
		literal(arg)
		return keys
	}
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, lhs := range as.Lhs {
			switch l := lhs.(type) {
			case *ast.Ident:
				if l.Name == id.Name && i < len(as.Rhs) {
					literal(as.Rhs[i])
				}
			case *ast.IndexExpr:
				x, ok1 := l.X.(*ast.Ident)
				k, ok2 := l.Index.(*ast.BasicLit)
				if ok1 && ok2 && x.Name == id.Name && k.Kind == token.STRING {
					s, _ := strconv.Unquote(k.Value)
					keys = append(keys, s)
				}
			}
		}
		return true
	})
	return keys
}
