package models_test

import (
	"testing"

	"nextstep/models"
)

// TestReviewReferenceSummaries: the review's sums of a position's answered
// references, in one statement, within the review page's scope.
func TestReviewReferenceSummaries(t *testing.T) {
	t.Parallel()
	d := newRefDemo(t)
	rita := d.addReferee(t, refInput("Rita Reyes", "rita@northwind.example"))
	sam := d.addReferee(t, refInput("Sam Stone", "sam@northwind.example"))
	tom := d.addReferee(t, refInput("Tom Tran", "tom@northwind.example"))
	if _, err := d.store.SendReferenceRequests(d.ctx, d.hr, d.app.ID, nil); err != nil {
		t.Fatal(err)
	}
	must(t, d.store.AnswerReference(d.ctx, refereeToken(t, d.store, rita), goodAnswers("4", "5", "yes"), "198.51.100.10", "Firefox"))
	must(t, d.store.AnswerReference(d.ctx, refereeToken(t, d.store, sam), goodAnswers("3", "3", "no"), "198.51.100.11", "Firefox"))
	must(t, d.store.DeclineReference(d.ctx, refereeToken(t, d.store, tom), "", "198.51.100.12", "Safari"))

	// Another position's application (engineering: the demo manager's scope does not reach it), answered too.
	henrik := d.application(t, "henrik.larsen@example.com")
	admin := staffActor(d.admin)
	in := refInput("Hana Ho", "hana@example.org")
	hana, err := d.store.StaffAddReferee(d.ctx, admin, henrik.ID, in)
	must(t, err)
	if _, err := d.store.SendReferenceRequests(d.ctx, admin, henrik.ID, []int64{hana}); err != nil {
		t.Fatal(err)
	}
	must(t, d.store.AnswerReference(d.ctx, refereeToken(t, d.store, hana), goodAnswers("2", "2", "unsure"), "198.51.100.20", "Firefox"))

	before := d.store.Statements()
	got, err := d.store.ReviewReferenceSummaries(d.ctx, staffActor(d.manager), d.app.PositionID)
	must(t, err)
	if n := d.store.Statements() - before; n != 1 {
		t.Errorf("%d statements, want 1", n)
	}
	s, ok := got[d.app.ID]
	if !ok || len(got) != 1 {
		t.Fatalf("the manager's summaries of Liam's position: %+v", got)
	}
	if s.Answered != 2 || s.Ratings != 4 || s.AverageRating == nil || *s.AverageRating != 3.75 ||
		s.RehireYes != 1 || s.RehireNo != 1 || s.RehireUnsure != 0 {
		t.Errorf("Liam's summary: %+v (average %v), want 2 answered, 4 ratings averaging 3.75, 1 yes and 1 no", s, s.AverageRating)
	}
	// The same sums as the application's own review.
	rv, err := d.store.ReferenceReview(d.ctx, staffActor(d.manager), d.app.ID)
	must(t, err)
	if rv.AverageRating == nil || *rv.AverageRating != *s.AverageRating || rv.Ratings != s.Ratings {
		t.Errorf("the review says %v over %d ratings, the summary %v over %d", rv.AverageRating, rv.Ratings, *s.AverageRating, s.Ratings)
	}

	// Scope: the manager reads nothing of engineering; the admin does; an interviewer and a candidate read nothing.
	eng, err := d.store.ReviewReferenceSummaries(d.ctx, staffActor(d.manager), henrik.PositionID)
	must(t, err)
	if len(eng) != 0 {
		t.Errorf("the manager reads engineering's references: %+v", eng)
	}
	eng, err = d.store.ReviewReferenceSummaries(d.ctx, admin, henrik.PositionID)
	must(t, err)
	if h := eng[henrik.ID]; h.Answered != 1 || h.RehireUnsure != 1 || h.AverageRating == nil || *h.AverageRating != 2 {
		t.Errorf("the admin's summary of Henrik: %+v", eng)
	}
	interviewer := models.Actor{Kind: "staff", ID: d.admin.ID, Role: models.RoleInterviewer}
	for _, who := range []models.Actor{interviewer, d.liam} {
		if got, err := d.store.ReviewReferenceSummaries(d.ctx, who, d.app.PositionID); err != nil || len(got) != 0 {
			t.Errorf("%s %s reads %+v (%v), want nothing", who.Kind, who.Role, got, err)
		}
	}
}
