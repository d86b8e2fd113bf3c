package models

import (
	"context"
	"strings"
	"testing"
)

// The navigation counts each queue with a leaner statement than the page
// lists it with (no names, the position only when the scope reads it). For
// every staff member of the demo and every queue of their role, the two
// must find the same rows, and the navigation's total must be what the
// Needs-you page shows.
func TestNeedsYouCountAgreesWithTheQueues(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestStore(t)
	var staff []StaffUser
	mustDB(t, s.db.Where("active").Order("id").Find(&staff))
	if len(staff) < 4 {
		t.Fatalf("the demo has %d active staff", len(staff))
	}
	nonEmpty := 0
	for _, u := range staff {
		actor := Actor{Kind: "staff", ID: u.ID, Role: u.Role}
		for _, q := range queueSQL {
			if !q.who(u.Role) {
				continue
			}
			count := func(query string) int64 {
				var args []any
				if strings.Contains(query, "@") {
					args = append(args, s.queueArgs(actor))
				}
				var n int64
				mustDB(t, s.db.Raw("SELECT count(*) FROM ("+query+") n", args...).Scan(&n))
				return n
			}
			listed, counted := count(queueQuery(q.query, u.Role)), count(queueCountQuery(q.query, u.Role))
			if listed != counted {
				t.Errorf("%s (%s), queue %s: the page lists %d rows, the count finds %d", u.Email, u.Role, q.kind, listed, counted)
			}
			if listed > 0 {
				nonEmpty++
			}
		}
		queues, err := s.NeedsYou(ctx, actor)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, q := range queues {
			if q.Action() {
				want += q.Count
			}
		}
		got, err := s.NeedsYouCount(ctx, actor)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s (%s): the navigation counts %d, the Needs-you page %d", u.Email, u.Role, got, want)
		}
	}
	if nonEmpty < 5 {
		t.Fatalf("only %d non-empty queues in the demo: the comparison proves little", nonEmpty)
	}
}
