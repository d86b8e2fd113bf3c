package handlers_test

// Smaller defects (issue 16, point 8): each test here failed on the code
// before its fix.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestInterviewICSHasOrganizer: the calendar file the candidate downloads is
// a METHOD:REQUEST invitation, which RFC 5546 requires to name its ORGANIZER;
// it names the staff member who arranged the round, like the emailed copy.
func TestInterviewICSHasOrganizer(t *testing.T) {
	app := newTestApp(t)
	ameliaApp := app.applicationID(ixAmeliaEmail)
	r := app.ixRound(recruiterEmail, ameliaApp, "Meet the sales team", []int64{app.staffID(interviewerEmail)})
	app.ixBook(ixAmeliaEmail, ameliaApp, r.ID)

	amelia := app.newClient()
	amelia.loginCandidate(ixAmeliaEmail)
	ics := amelia.get(fmt.Sprintf("/me/applications/%d/interviews/%d/calendar.ics", ameliaApp, r.ID))
	if ics.Status != http.StatusOK {
		t.Fatalf("calendar: %d", ics.Status)
	}
	unfolded := strings.ReplaceAll(ics.Body, "\r\n ", "")
	var organizer string
	for _, line := range strings.Split(unfolded, "\r\n") {
		if strings.HasPrefix(line, "ORGANIZER") {
			organizer = line
		}
	}
	if !strings.HasSuffix(strings.ToLower(organizer), "mailto:"+recruiterEmail) {
		t.Errorf("ORGANIZER = %q, want the recruiter who arranged the round (%s):\n%s", organizer, recruiterEmail, ics.Body)
	}
	if strings.Contains(unfolded, interviewerEmail) {
		t.Errorf("the candidate's calendar names the panel's address:\n%s", ics.Body)
	}
}
