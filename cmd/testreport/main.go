// Command testreport reads `go test -json` on stdin and prints what a person
// wants from a test run: the output of every test that failed (as plain
// `go test` would print it, each test's lines together even when tests ran
// in parallel), one line per package, and at the end the slowest tests, so
// a slow test is seen the day it becomes slow. It exits 1 when a test, a
// package or a build failed, so `make test` fails too.
//
//	go test -json ./... | go run ./cmd/testreport [-slowest 10] [-json run.json]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action      string
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string
}

type key struct{ pkg, test string }

// line is one line of output of a test or one of its subtests.
type line struct {
	test, text string
}

type report struct {
	out      io.Writer
	tests    map[key][]line // output of running top-level tests, subtests' included
	packages map[string][]string
	failed   map[key]bool // subtests that failed, until their top-level test ends
	finished []result     // top-level tests, for the slowest list
	fails    []string     // what failed, for the summary
	bad      bool
}

type result struct {
	pkg, test string
	elapsed   time.Duration
}

func main() {
	slowest := flag.Int("slowest", 10, "how many of the slowest tests to list")
	jsonOut := flag.String("json", "", "also write the raw `go test -json` stream to this file")
	flag.Parse()

	in := io.Reader(os.Stdin)
	if *jsonOut != "" {
		f, err := os.Create(*jsonOut)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testreport:", err)
			os.Exit(2)
		}
		defer f.Close()
		in = io.TeeReader(os.Stdin, f)
	}
	r := &report{out: os.Stdout, tests: map[key][]line{}, packages: map[string][]string{}, failed: map[key]bool{}}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		r.event(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "testreport: reading the test output:", err)
		r.bad = true
	}
	r.summary(*slowest)
	if r.bad {
		os.Exit(1)
	}
}

// topLevel is the name of the top-level test of test (itself or a subtest's parent).
func topLevel(test string) string {
	top, _, _ := strings.Cut(test, "/")
	return top
}

func (r *report) event(b []byte) {
	var e event
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &e) != nil {
		// Not an event: go test's own complaints (a bad flag, say). Show them.
		fmt.Fprintln(r.out, string(b))
		return
	}
	if e.Test == "" {
		r.packageEvent(e)
		return
	}
	top := key{e.Package, topLevel(e.Test)}
	switch e.Action {
	case "output":
		// -json runs the tests verbosely; plain `go test` shows neither
		// these markers nor the output of tests that passed.
		for _, marker := range []string{"=== RUN", "=== PAUSE", "=== CONT", "=== NAME"} {
			if strings.HasPrefix(e.Output, marker) {
				return
			}
		}
		r.tests[top] = append(r.tests[top], line{e.Test, e.Output})
	case "fail":
		r.bad = true
		if e.Test != top.test {
			r.failed[key{e.Package, e.Test}] = true
			return
		}
		r.finish(e)
		r.print(top)
		r.fails = append(r.fails, e.Package+" "+e.Test)
	case "pass", "skip":
		if e.Test == top.test {
			r.finish(e)
			r.forget(top)
		}
	}
}

func (r *report) packageEvent(e event) {
	switch e.Action {
	case "output":
		r.packages[e.Package] = append(r.packages[e.Package], e.Output)
	case "build-output": // Go 1.24 and later; ImportPath, not Package, names it
		fmt.Fprint(r.out, e.Output)
	case "build-fail":
		r.bad = true
	case "pass", "skip":
		// What the test binary itself printed (in TestMain, such as where
		// the screenshots are) and go test's "ok" line.
		for _, l := range r.packages[e.Package] {
			if l != "PASS\n" {
				fmt.Fprint(r.out, l)
			}
		}
		delete(r.packages, e.Package)
		r.forgetPackage(e.Package)
	case "fail":
		r.bad = true
		// What the package's tests left unfinished (a panic, a timeout)
		// belongs to the failure, then the package's own lines.
		for k := range r.tests {
			if k.pkg == e.Package {
				r.print(k)
			}
		}
		sawFail := false
		for _, l := range r.packages[e.Package] {
			fmt.Fprint(r.out, l)
			sawFail = sawFail || strings.HasPrefix(l, "FAIL\t"+e.Package)
		}
		delete(r.packages, e.Package)
		if !sawFail {
			fmt.Fprintf(r.out, "FAIL\t%s\t%.3fs\n", e.Package, e.Elapsed)
		}
		switch {
		case e.FailedBuild != "":
			r.fails = append(r.fails, e.Package+" (does not build)")
		case !r.anyFailIn(e.Package):
			r.fails = append(r.fails, e.Package)
		}
	}
}

// print shows the output of a failed (or unfinished) top-level test: its
// own lines and those of its failed subtests, in the order they came.
func (r *report) print(top key) {
	for _, l := range r.tests[top] {
		if l.test == top.test || r.failed[key{top.pkg, l.test}] {
			fmt.Fprint(r.out, l.text)
		}
	}
	r.forget(top)
}

func (r *report) forget(top key) {
	for _, l := range r.tests[top] {
		delete(r.failed, key{top.pkg, l.test})
	}
	delete(r.tests, top)
}

func (r *report) forgetPackage(pkg string) {
	for k := range r.tests {
		if k.pkg == pkg {
			r.forget(k)
		}
	}
}

func (r *report) anyFailIn(pkg string) bool {
	for _, f := range r.fails {
		if strings.HasPrefix(f, pkg+" ") {
			return true
		}
	}
	return false
}

// finish records a finished top-level test for the slowest list.
func (r *report) finish(e event) {
	r.finished = append(r.finished, result{e.Package, e.Test, time.Duration(e.Elapsed * float64(time.Second))})
}

func (r *report) summary(n int) {
	sort.SliceStable(r.finished, func(i, j int) bool { return r.finished[i].elapsed > r.finished[j].elapsed })
	n = min(n, len(r.finished))
	if n > 0 {
		fmt.Fprintf(r.out, "\nThe %d slowest of %d tests:\n", n, len(r.finished))
		for _, s := range r.finished[:n] {
			fmt.Fprintf(r.out, "  %7.2fs  %s %s\n", s.elapsed.Seconds(), s.pkg, s.test)
		}
	}
	if len(r.fails) > 0 {
		fmt.Fprintf(r.out, "\nFAILED:\n")
		for _, f := range r.fails {
			fmt.Fprintln(r.out, "  "+f)
		}
	} else if r.bad {
		fmt.Fprintf(r.out, "\nFAILED\n")
	}
}
