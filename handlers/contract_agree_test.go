package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// TestContractFormsKeepTheAgreeTick: a signature refused for its name comes
// back with "I agree" still ticked, for the candidate and for the employer,
// and unticked when it was not ticked.
func TestContractFormsKeepTheAgreeTick(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.acceptedContract()
	f.openContract()
	f.consent()
	ticked := func(res response, box string) bool {
		t.Helper()
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("a wrong name: status %d, want 422; page: %s", res.Status, offerProblemText(res))
		}
		_, on := res.Doc(t).Find(box).Attr("checked")
		return on
	}
	if !ticked(f.cand.post(f.contractPath("/sign"), url.Values{"signed_name": {"Somebody Else"}, "agree": {"yes"}}), "[data-testid=agree-box]") {
		t.Errorf("the candidate's form lost the \"I agree\" tick after a name error")
	}
	if ticked(f.cand.post(f.contractPath("/sign"), url.Values{"signed_name": {"Somebody Else"}}), "[data-testid=agree-box]") {
		t.Errorf("the candidate's form ticks \"I agree\" when it was not ticked")
	}
	f.sign()
	countersign := fmt.Sprintf("/admin/contracts/%d/countersign", id)
	if !ticked(f.manager.post(countersign, url.Values{"signed_name": {"Somebody Else"}, "agree": {"yes"}}), "[data-testid=countersign-agree]") {
		t.Errorf("the countersign form lost the \"I agree\" tick after a name error")
	}
}
