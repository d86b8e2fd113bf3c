package models

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// sourceFiles reads the project's non-test Go and templ sources (generated
// templ code included), by their path from the repository's root:
// "models/scope.go", "views/board.templ".
func sourceFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, dir := range []string{"models", "views", "handlers", "cmd/nextstep", "devdb"} {
		for _, pattern := range []string{"*.go", "*.templ"} {
			m, err := filepath.Glob(filepath.Join("..", dir, pattern))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range m {
				if strings.HasSuffix(f, "_test.go") {
					continue
				}
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				out[dir+"/"+filepath.Base(f)] = string(b)
			}
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d source files found", len(out))
	}
	return out
}

// sortedNames is the files' names in order, for stable messages.
func sortedNames(files map[string]string) []string {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// handWrittenScope are the ways a hiring manager's scope has been written by
// hand: the position's hiring manager compared with a parameter in SQL or,
// dereferenced, with an id in Go, and the role compared in SQL. (A nil
// check, a JSON key or a form field is not scope.)
var handWrittenScope = []*regexp.Regexp{
	regexp.MustCompile(`hiring_manager_id\s*(=|<>|!=|IN)\s*(\?|@|\$|\()`),
	regexp.MustCompile(`(\?|@\w+|\$\d+)\s*(=|<>|!=)\s*(\w+\.)?hiring_manager_id`),
	regexp.MustCompile(`(=|<>|!=|IN)\s*\(?\s*'hiring_manager'|'hiring_manager'\s*(=|<>|!=)`),
	regexp.MustCompile(`\*[\w.]*HiringManagerID\s*(==|!=)|(==|!=)\s*\*[\w.]*HiringManagerID\b`),
}

// hiringManagerNamed are the files other than scope.go that may name the
// hiring manager, by the column or role's text ("hiring_manager") or by the
// Go constant (RoleHiringManager), and why: none of them decides who sees
// what.
var hiringManagerNamed = map[string]map[string]string{
	"hiring_manager": {
		"models/staff.go":                "the role itself",
		"models/position.go":             "writes the position's hiring manager; the form field of its refusal",
		"models/board.go":                "reads the position's hiring manager with the board",
		"models/candidate_pages.go":      "reads the hiring manager's name for the candidate page",
		"handlers/admin_positions.go":    "the position form's field",
		"views/admin_positions.templ":    "the position form's field",
		"views/admin_positions_templ.go": "generated from admin_positions.templ",
		"cmd/nextstep/main.go":           "the role's name in a flag's help",
	},
	"RoleHiringManager": {
		"models/staff.go":             "the role itself",
		"models/position.go":          "who may be a position's hiring manager (checkHiringManager)",
		"models/offer_approval.go":    "who approves offers: a hiring manager through ManagesPosition and positionScopeSQL",
		"models/seed.go":              "the demo's hiring manager",
		"handlers/admin_positions.go": "the position form's list of hiring managers",
		"handlers/routes.go":          "the roles let into the staff pages",
	},
}

// TestScopeIsWrittenOnce: the hiring manager's scope is written only in
// scope.go (positionScope, positionScopeSQL, ManagesPosition). No other
// file compares a position's hiring manager with an id or the role in SQL,
// and only the files above (each for a reason that is not scope) name the
// column or the role at all. The migrations are not scanned: they are SQL
// files, and define the column.
func TestScopeIsWrittenOnce(t *testing.T) {
	files := sourceFiles(t)
	for _, name := range sortedNames(files) {
		if name == "models/scope.go" {
			continue
		}
		src := files[name]
		for _, re := range handWrittenScope {
			if loc := re.FindStringIndex(src); loc != nil {
				t.Errorf("%s writes a hiring manager's scope by hand (%q): use positionScope or Actor.ManagesPosition", name, src[loc[0]:loc[1]])
			}
		}
		for term, allowed := range hiringManagerNamed {
			if _, ok := allowed[name]; !ok && strings.Contains(src, term) {
				t.Errorf("%s names %s: scope goes through scope.go; any other reason belongs in hiringManagerNamed", name, term)
			}
		}
	}
	for term, allowed := range hiringManagerNamed {
		for name := range allowed {
			if !strings.Contains(files[name], term) {
				t.Errorf("hiringManagerNamed lets %s name %s, which it does not (any more)", name, term)
			}
		}
	}
}
