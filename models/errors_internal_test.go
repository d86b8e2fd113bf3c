package models

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// programmerErrors are the files allowed to build plain errors: errors.go
// (fault) and the messages to the operator about the mail configuration and
// the data key (a wrong key stops the server at start). Elsewhere a mistake
// in the program is a fault(...), a refusal an *Error.
var programmerErrors = map[string]bool{"errors.go": true, "mailer.go": true, "sensitive.go": true}

// TestEveryRefusalHasACodeAndASentence walks the source of the models
// package and checks each place that builds a refusal: refusal(code, msg)
// names one of the codes, Invalid(field, msg) and Problems.Add(field, msg)
// carry a sentence, an Error literal sets both Code and Message, and no
// refusal is built with errors.New or fmt.Errorf outside the files that
// report programmer errors.
func TestEveryRefusalHasACodeAndASentence(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	consts := map[string]string{} // string constants of the package, for sentences held in one
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[n.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
	}
	codes := map[string]bool{}
	for _, c := range []Code{CodeNotFound, CodeForbidden, CodeConflict, CodeInvalid, CodeGone, CodeBusy, CodeUnavailable, CodeUnauthorized, CodeRateLimited} {
		codes[string(c)] = true
	}
	// hasSentence reports whether expr holds words a person reads: a
	// non-empty string literal or constant somewhere in it.
	hasSentence := func(expr ast.Expr) bool {
		found := false
		ast.Inspect(expr, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, err := strconv.Unquote(n.Value); err == nil && n.Kind == token.STRING && strings.TrimSpace(s) != "" {
					found = true
				}
			case *ast.Ident:
				if strings.TrimSpace(consts[n.Name]) != "" {
					found = true
				}
			}
			return !found
		})
		return found
	}
	// passedOn is a sentence made elsewhere: a variable holding one (the
	// stage table's hint) or a message builder's result.
	passedOn := func(expr ast.Expr) bool {
		switch e := expr.(type) {
		case *ast.Ident:
			return true
		case *ast.CallExpr:
			_, ok := e.Fun.(*ast.Ident)
			return ok
		}
		return false
	}
	isCode := func(expr ast.Expr) bool {
		id, ok := expr.(*ast.Ident)
		if !ok {
			return false
		}
		v, ok := map[string]Code{
			"CodeNotFound": CodeNotFound, "CodeForbidden": CodeForbidden, "CodeConflict": CodeConflict,
			"CodeInvalid": CodeInvalid, "CodeGone": CodeGone, "CodeBusy": CodeBusy, "CodeUnavailable": CodeUnavailable,
			"CodeUnauthorized": CodeUnauthorized, "CodeRateLimited": CodeRateLimited,
		}[id.Name]
		return ok && codes[string(v)]
	}

	counted := 0
	for _, f := range parsed {
		file := filepath.Base(fset.Position(f.Pos()).Filename)
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				where := fset.Position(n.Pos()).String()
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					switch fn.Name {
					case "refusal":
						counted++
						if len(n.Args) != 2 || !isCode(n.Args[0]) {
							t.Errorf("%s: refusal without one of the codes", where)
						} else if !hasSentence(n.Args[1]) {
							t.Errorf("%s: refusal without a sentence", where)
						}
					case "Invalid":
						counted++
						if len(n.Args) != 2 || !hasSentence(n.Args[1]) && !passedOn(n.Args[1]) {
							t.Errorf("%s: Invalid without a sentence", where)
						}
					case "tooLong":
						// A length limit's refusal: TestLimitsTableIsWellFormed
						// checks that every limit has a field and a sentence.
						counted++
					}
				case *ast.SelectorExpr:
					pkg, _ := fn.X.(*ast.Ident)
					switch {
					case fn.Sel.Name == "checkLength": // Problems.checkLength, as tooLong above
						counted++
					case fn.Sel.Name == "Add" && len(n.Args) == 2 && isStringish(n.Args[0]):
						// Problems.Add(field, message)
						counted++
						if !hasSentence(n.Args[1]) && !passedOn(n.Args[1]) {
							t.Errorf("%s: a field problem without a sentence", where)
						}
					case pkg != nil && (pkg.Name == "errors" && fn.Sel.Name == "New" || pkg.Name == "fmt" && fn.Sel.Name == "Errorf"):
						if !programmerErrors[file] && !wrapsAnError(n) {
							t.Errorf("%s: an error built with %s.%s; a refusal is a *models.Error with a code and a sentence, a fault wraps its cause with %%w", where, pkg.Name, fn.Sel.Name)
						}
					}
				}
			case *ast.CompositeLit:
				// errors.go defines the constructors, which fill the fields from their parameters.
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "Error" && file != "errors.go" {
					counted++
					var hasCode, hasMessage bool
					for _, el := range n.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if !ok {
							continue
						}
						switch kv.Key.(*ast.Ident).Name {
						case "Code":
							hasCode = isCode(kv.Value) || isSelectorOfCode(kv.Value)
						case "Message":
							hasMessage = hasSentence(kv.Value) || isSelectorOfMessage(kv.Value)
						}
					}
					if !hasCode || !hasMessage {
						t.Errorf("%s: an Error literal needs a Code and a Message", fset.Position(n.Pos()))
					}
				}
			}
			return true
		})
	}
	// The walk must have found the refusals; a broken walk passes nothing.
	if counted < 100 {
		t.Fatalf("the walk found only %d places that build refusals; it is not reading the package", counted)
	}
}

// isStringish is a field name argument: a string literal, a constant or a
// call that builds one.
func isStringish(expr ast.Expr) bool {
	switch e := expr.(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING
	case *ast.Ident, *ast.CallExpr, *ast.BinaryExpr:
		return true
	}
	return false
}

// wrapsAnError is fmt.Errorf with %w: a fault that keeps its cause, which
// the error page reports as an internal error.
func wrapsAnError(call *ast.CallExpr) bool {
	if len(call.Args) == 0 {
		return false
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	return ok && strings.Contains(lit.Value, "%w")
}

// isSelectorOfCode and isSelectorOfMessage accept copying one refusal's
// code or message into another (o.Code, e.Message).
func isSelectorOfCode(expr ast.Expr) bool {
	sel, ok := expr.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Code"
}

func isSelectorOfMessage(expr ast.Expr) bool {
	sel, ok := expr.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Message"
}

// TestErrorOfMapsDatabaseRulesAndOutages checks the two refusals the
// database produces: a trigger's refusal is a conflict with its sentence,
// and an unreachable server is unavailable; anything else is internal.
func TestErrorOfMapsDatabaseRulesAndOutages(t *testing.T) {
	t.Parallel()
	rule := ErrorOf(&pgconn.PgError{Code: "P0001", Message: "contracts are frozen once signed"})
	if rule == nil || rule.Code != CodeConflict || rule.Message != RuleRefusalMessage {
		t.Errorf("a trigger's refusal = %+v, want a conflict with the rule sentence", rule)
	}
	down := ErrorOf(&pgconn.PgError{Code: "57P01"})
	if down == nil || down.Code != CodeUnavailable || down.Message == "" {
		t.Errorf("a server shutting down = %+v, want unavailable with a sentence", down)
	}
	if got := ErrorOf(errors.New("boom")); got != nil {
		t.Errorf("an internal failure = %+v, want nil", got)
	}
	var p Problems
	p.Add("name", "Write your name.")
	p.Add("", "Nothing was saved.")
	p.Add("name", "A second message for the same field is dropped.")
	r := ErrorOf(p.Err())
	if r == nil || r.Code != CodeInvalid || r.Message != "Nothing was saved." {
		t.Fatalf("problems = %+v, want invalid led by the whole-form message", r)
	}
	if f := r.Fields(); len(f) != 2 || f["name"] != "Write your name." {
		t.Errorf("problems' fields = %v", f)
	}
}

// TestNoEnvironmentReadInModels keeps configuration in cmd: a model reads
// what it is given.
func TestNoEnvironmentReadInModels(t *testing.T) {
	for name, src := range sourceFiles(t) {
		if strings.HasPrefix(name, "models/") && (strings.Contains(src, "os.Getenv") || strings.Contains(src, "os.LookupEnv")) {
			t.Errorf("%s reads the environment; configuration is read in cmd and passed in", name)
		}
	}
}
