package models

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
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

type setClock struct{ t time.Time }

func (c *setClock) Now() time.Time { return c.t }

// The navigation's count is kept a few seconds per staff member: a change
// made through the Store shows at once; one the Store did not make (another
// server instance, here a direct write) shows once the count is older than
// needsYouCountTTL.
func TestNeedsYouCountIsFreshAfterAChange(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestStore(t)
	clock := &setClock{t: time.Now().UTC()}
	s.clock = clock
	var admin StaffUser
	mustDB(t, s.db.Where("role = ?", RoleAdmin).Order("id").First(&admin))
	actor := Actor{Kind: "staff", ID: admin.ID, Role: admin.Role}
	count := func() int {
		t.Helper()
		n, err := s.NeedsYouCount(ctx, actor)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()

	// A promise falls overdue without the Store knowing (as if written by
	// another instance): the kept count stands until it is too old.
	var appID int64
	mustDB(t, s.db.Raw(`SELECT id FROM applications WHERE status = 'active' AND (expected_update_at IS NULL OR expected_update_at > ?) ORDER BY id LIMIT 1`, clock.t).Scan(&appID))
	if appID == 0 {
		t.Fatal("no active application with a promise in the future")
	}
	mustDB(t, s.db.Exec(`UPDATE applications SET expected_update_at = ? WHERE id = ?`, clock.t.Add(-time.Hour), appID))
	// Nor does a change that no queue reads, such as an anonymous request
	// for a sign-in link, forget the kept count.
	if err := s.RequestCandidateLink(ctx, "ben.okafor@example.com", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != before {
		t.Fatalf("within %v of counting, the count changed from %d to %d without a change through the Store", needsYouCountTTL, before, got)
	}
	clock.t = clock.t.Add(needsYouCountTTL)
	if got := count(); got != before+1 {
		t.Fatalf("after %v the count is %d, want %d (one more overdue promise)", needsYouCountTTL, got, before+1)
	}

	// A change through the Store shows at the next page, whatever its age.
	if err := s.tx(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`UPDATE applications SET expected_update_at = ? WHERE id = ?`, clock.t.Add(time.Hour), appID).Error
	}); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != before {
		t.Fatalf("right after a change through the Store the count is %d, want %d", got, before)
	}
}
