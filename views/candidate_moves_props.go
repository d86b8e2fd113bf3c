package views

import (
	"strconv"
	"strings"

	"nextstep/models"
)

// NextActions is what a candidate page leads with: everything open for the
// candidate in the order to do it (models' YourMoves), the first as a card
// with its button, the rest as a list.
type NextActions struct {
	Moves []models.CandidateMove
	// Positions names each move's position (application id → title) on a
	// page about several applications; nil on an application's own page.
	Positions map[int64]string
}

// HomeNextActions are the moves of every application of the candidate.
func HomeNextActions(v *models.CandidateView, l Layout) NextActions {
	n := NextActions{Moves: v.YourMoves(l.Now)}
	if len(v.Applications) > 1 {
		n.Positions = map[int64]string{}
		for _, a := range v.Applications {
			if a.Position != nil {
				n.Positions[a.ID] = a.Position.Title
			}
		}
	}
	return n
}

// ApplicationNextActions are the moves of one application.
func ApplicationNextActions(a models.CandidateApplication, l Layout) NextActions {
	return NextActions{Moves: a.YourMoves(l.Now)}
}

// MoveHref is the page a move is done on.
func MoveHref(m models.CandidateMove) string {
	switch m.Target {
	case models.TargetInterview:
		return MyInterviewPath(m.ApplicationID, m.RoundID)
	case models.TargetAssessment:
		return MyAssessmentPath(m.ApplicationID)
	case models.TargetOffer:
		return MyOfferPath(m.ApplicationID)
	case models.TargetInterest:
		return MyInterestPath(m.ApplicationID)
	case models.TargetContract:
		return MyContractPath(m.ApplicationID)
	case models.TargetChecks:
		return MyChecksPath(m.ApplicationID)
	case models.TargetReferences:
		return MyReferencesPath(m.ApplicationID)
	case models.TargetOnboarding:
		if m.TaskID != 0 {
			return MyOnboardingPath(m.ApplicationID) + "#task-" + itoa(m.TaskID)
		}
		return MyOnboardingPath(m.ApplicationID)
	}
	return MyApplicationPath(m.ApplicationID)
}

// MoveTitle is the move in a few words.
func MoveTitle(m models.CandidateMove) string {
	switch m.Kind {
	case models.MoveWaitlisted:
		if m.Place > 0 {
			return "You are number " + strconv.Itoa(m.Place) + " on the waitlist"
		}
	case models.MoveGiveConsent:
		return "Give your consent for the " + strings.ToLower(models.CheckInfoFor(m.Check).Title)
	case models.MoveOnboardingTask:
		if m.Subject != "" {
			return m.Subject
		}
	}
	return m.Kind.Label()
}

// MoveDetail says what the move is about, in a sentence.
func MoveDetail(m models.CandidateMove) string {
	switch m.Kind {
	case models.MovePickTime:
		return nonEmptyText(m.Subject, "Your interview") + ": pick one of the times we offer, or ask for others."
	case models.MoveBookSeat:
		return "Choose one of the assessment days that still has seats."
	case models.MoveAcceptSeat:
		return "A seat has opened up on " + nonEmptyText(m.Subject, "the assessment day") + " and we are holding it for you. Accept it before it passes to the next person."
	case models.MoveWaitlisted:
		return "For " + nonEmptyText(m.Subject, "a full assessment day") + ". If a seat frees up, we hold it for you for 24 hours and let you know. You can still book another day that has seats."
	case models.MoveAnswerOffer:
		return "Read your offer, then accept it, decline it or ask us a question."
	case models.MoveAnswerInterest:
		return "We have a question for you about this role."
	case models.MoveSignContract:
		return "Your contract is ready to read and sign."
	case models.MoveGiveConsent:
		return "Read what the check involves and give your consent, so that it can start."
	case models.MoveAddReferees:
		return m.Missing
	case models.MoveOnboardingTask:
		return "A task on your checklist before your first day."
	}
	return ""
}

// MoveButton is the words of the button that leads to the move.
func MoveButton(m models.CandidateMove) string {
	switch m.Kind {
	case models.MovePickTime:
		return "Choose a time"
	case models.MoveBookSeat:
		return "Choose your assessment day"
	case models.MoveAcceptSeat:
		return "Accept your seat"
	case models.MoveWaitlisted:
		return "See the waitlist and other days"
	case models.MoveAnswerOffer:
		return "Read and answer your offer"
	case models.MoveAnswerInterest:
		return "Answer our question"
	case models.MoveSignContract:
		return "Read and sign your contract"
	case models.MoveGiveConsent:
		return "Go to your checks"
	case models.MoveAddReferees:
		return "Add your referees"
	case models.MoveOnboardingTask:
		return "Open your checklist"
	}
	return "Open"
}

// MoveDue is when the move is due, in words ("" when it has no due date).
func MoveDue(m models.CandidateMove, l Layout) string {
	switch {
	case m.By == nil:
		return ""
	case m.Kind == models.MoveAcceptSeat:
		return "Held for you until " + DeadlineWhen(*m.By, l)
	case m.By.Before(l.Now):
		return "Was due by " + DeadlineWhen(*m.By, l)
	}
	return "Due by " + DeadlineWhen(*m.By, l)
}

// StepOf is where application a stands in its pipeline: the current step's
// number, the number of steps and the step's title (n is 0 when the stage
// is not in the pipeline).
func StepOf(a models.CandidateApplication) (n, total int, title string) {
	if a.Position == nil {
		return 0, 0, ""
	}
	return a.Position.Pipeline.Index(a.Stage) + 1, len(a.Position.Pipeline), CandidateStage(a.Stage).CandidateTitle
}

// moreThings is "1 more thing" or "n more things".
func moreThings(n int) string {
	if n == 1 {
		return "1 more thing"
	}
	return strconv.Itoa(n) + " more things"
}
