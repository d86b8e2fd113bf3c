package models

import (
	"strings"
	"testing"
)

// evalScope evaluates a scope condition from positionScopeSQL (with me as
// the actor's id) for a position whose hiring manager is hm.
func evalScope(t *testing.T, cond, me string, actorID int64, hm *int64) bool {
	t.Helper()
	switch cond {
	case "TRUE":
		return true
	case "FALSE":
		return false
	case "p.hiring_manager_id = " + me:
		return hm != nil && *hm == actorID
	}
	t.Fatalf("unexpected scope condition %q", cond)
	return false
}

// The SQL scope and the Go rule agree for every role, on a position the
// actor is the hiring manager of, someone else's, and one with none; the
// offer approvers' SQL agrees with approvesOffers the same way.
func TestScopeSQLMatchesTheGoRules(t *testing.T) {
	const me, other = int64(7), int64(8)
	actors := []Actor{{Kind: "candidate", ID: me}}
	for _, r := range Roles() {
		actors = append(actors, Actor{Kind: "staff", ID: me, Role: r})
	}
	for _, a := range actors {
		for _, hm := range []*int64{new(me), new(other), nil} {
			pos := &Position{HiringManagerID: hm}
			cond, args := positionScope(a, "p")
			if got, want := evalScope(t, strings.Replace(cond, "?", "@me", 1), "@me", me, hm), a.ManagesPosition(pos); got != want {
				t.Errorf("%s %s, hiring manager %v: positionScope %q says %v, ManagesPosition %v", a.Kind, a.Role, hm, cond, got, want)
			}
			if strings.Contains(cond, "?") != (len(args) == 1) {
				t.Errorf("positionScope %q has arguments %v", cond, args)
			}
			if !a.IsStaff() {
				continue
			}
			if got, want := evalScope(t, offerApproverSQL(a.Role, "p"), "@me", me, hm), approvesOffers(a, pos); got != want {
				t.Errorf("%s, hiring manager %v: offerApproverSQL says %v, approvesOffers %v", a.Role, hm, got, want)
			}
		}
	}
}

// Every "needs you" statement is complete for every role: no placeholder is
// left, and only @me and @now are named.
func TestNeedsYouQueriesAreFilledForEveryRole(t *testing.T) {
	for _, r := range Roles() {
		for _, q := range queueSQL {
			sql := queueQuery(q.query, r)
			if strings.ContainsAny(sql, "{}") {
				t.Errorf("%s, %s: placeholder left in %s", r, q.kind, sql)
			}
			for _, word := range strings.FieldsFunc(sql, func(c rune) bool { return c != '@' && c != '_' && !('a' <= c && c <= 'z') }) {
				if strings.HasPrefix(word, "@") && word != "@me" && word != "@now" {
					t.Errorf("%s, %s: unknown named argument %s", r, q.kind, word)
				}
			}
		}
	}
}
