package views

import (
	"net/url"

	"nextstep/models"
)

// The site's paths, in one place. Every page, redirect and message that
// links to a page with an id builds the path here; handlers/routes.go holds
// the patterns that serve them, and handlers' TestBuiltPathsAreServed checks
// the two agree. An action on a page is the page's path and its verb:
// AssessmentDayPath(id) + "/cancel".

// Staff pages without an id that other code links to.
const (
	StaffHomePath = "/admin"                      // "Needs you"
	AccountPath   = "/admin/account"              // the signed-in staff member's account
	DecisionsPath = "/admin/interviews#decisions" // decisions colleagues wait for
	// ScheduledWorkPath is the admins' page of scheduled work: each task's last run and failure.
	ScheduledWorkPath = "/admin/scheduled"
)

// NeedsYouQueueID is the id of a queue's section on the Needs you page.
func NeedsYouQueueID(kind models.QueueKind) string { return "q-" + string(kind) }

// NeedsYouQueuePath is a queue's section on the Needs you page.
func NeedsYouQueuePath(kind models.QueueKind) string {
	return StaffHomePath + "#" + NeedsYouQueueID(kind)
}

// A candidate's pages about one of their applications.

// MyApplicationPath is the candidate's page of an application.
func MyApplicationPath(appID int64) string { return "/me/applications/" + itoa(appID) }

// MyInterestPath is where the candidate answers an interest check.
func MyInterestPath(appID int64) string { return MyApplicationPath(appID) + "/interest" }

// MyOfferPath is the candidate's offer page.
func MyOfferPath(appID int64) string { return MyApplicationPath(appID) + "/offer" }

// MyContractPath is the candidate's contract page.
func MyContractPath(appID int64) string { return MyApplicationPath(appID) + "/contract" }

// MySignedContractPath is the signed contract's PDF, for the candidate.
func MySignedContractPath(appID int64) string { return MyContractPath(appID) + "/signed.pdf" }

// MyAssessmentPath is where the candidate books an assessment day.
func MyAssessmentPath(appID int64) string { return MyApplicationPath(appID) + "/assessment" }

// MyInterviewPath is the candidate's page of an interview round.
func MyInterviewPath(appID, roundID int64) string {
	return MyApplicationPath(appID) + "/interviews/" + itoa(roundID)
}

// RefereePath is a referee's personal page: the reference form, reached
// without signing in, by the token in their email. models/redact.go hides
// links under this path wherever messages are shown.
func RefereePath(token string) string { return "/references/" + url.PathEscape(token) }

// MyAccountPath is the candidate's account page: their email choices and time zone.
const MyAccountPath = "/me/account"

// UnsubscribePath is an unsubscribe link's page, reached without signing in
// by the token in an optional email (models/unsubscribe.go).
// models/redact.go hides links under this path wherever messages are shown.
func UnsubscribePath(token string) string { return "/unsubscribe/" + url.PathEscape(token) }

// Staff pages, one per kind of record.

// CandidatePath is the staff page of a candidate.
func CandidatePath(candidateID int64) string { return "/admin/candidates/" + itoa(candidateID) }

// CandidateOfferPath is an application's offer section on its candidate's page.
func CandidateOfferPath(candidateID, appID int64) string {
	return CandidatePath(candidateID) + "#offer-" + itoa(appID)
}

// CandidateDecisionPath is an application's decision section on its candidate's page.
func CandidateDecisionPath(candidateID, appID int64) string {
	return CandidatePath(candidateID) + "#decision-" + itoa(appID)
}

// ApplicationPath is where staff act on an application (move, offer, contract…).
func ApplicationPath(appID int64) string { return "/admin/applications/" + itoa(appID) }

// PositionPath is where staff act on a position (edit, status, board…).
func PositionPath(positionID int64) string { return "/admin/positions/" + itoa(positionID) }

// BoardCardPath is an application's card on its position's board.
func BoardCardPath(positionID, appID int64) string {
	return PositionPath(positionID) + "/board#card-" + itoa(appID)
}

// ApplicationReferencesPath is the staff page of an application's references.
func ApplicationReferencesPath(appID int64) string { return ApplicationPath(appID) + "/references" }

// StaffRefereePath is where staff act on one referee (remind).
func StaffRefereePath(refereeID int64) string { return "/admin/referees/" + itoa(refereeID) }

// PositionReferencesPath is a position's reference setup: how many
// referees, a recent manager, the questionnaire.
func PositionReferencesPath(positionID int64) string { return PositionPath(positionID) + "/references" }

// PositionOnboardingPath is a position's onboarding checklist template (admins).
func PositionOnboardingPath(positionID int64) string { return PositionPath(positionID) + "/onboarding" }

// InterviewPath is the staff page of an interview round.
func InterviewPath(roundID int64) string { return "/admin/interviews/" + itoa(roundID) }

// DecisionPath is where staff answer or withdraw a decision request.
func DecisionPath(decisionID int64) string { return "/admin/decisions/" + itoa(decisionID) }

// OfferVersionPath is the review page of an offer version.
func OfferVersionPath(versionID int64) string { return "/admin/offer-versions/" + itoa(versionID) }

// OfferQuestionPath is where staff answer a candidate's question about an offer.
func OfferQuestionPath(questionID int64) string { return "/admin/offer-questions/" + itoa(questionID) }

// ContractPath is the staff page of a contract.
func ContractPath(contractID int64) string { return "/admin/contracts/" + itoa(contractID) }

// ContractNameCorrectionPath is the name-correction section of a contract's page.
func ContractNameCorrectionPath(contractID int64) string {
	return ContractPath(contractID) + "#name-correction"
}

// NameCorrectionPath is where staff apply or decline a name correction.
func NameCorrectionPath(correctionID int64) string {
	return "/admin/name-corrections/" + itoa(correctionID)
}

// ContractTemplatePath is where an admin edits a contract template.
func ContractTemplatePath(templateID int64) string {
	return "/admin/contract-templates/" + itoa(templateID)
}

// AssessmentDayPath is the staff page of an assessment day.
func AssessmentDayPath(dayID int64) string { return "/admin/assessment-days/" + itoa(dayID) }

// AssessmentDayBookingPath is a booking's row on its day's page.
func AssessmentDayBookingPath(dayID, bookingID int64) string {
	return AssessmentDayPath(dayID) + "#booking-" + itoa(bookingID)
}

// AssessmentBookingPath is where staff record a booking's result.
func AssessmentBookingPath(bookingID int64) string {
	return "/admin/assessment-bookings/" + itoa(bookingID)
}

// MessagePath is where staff act on a message in the outbox.
func MessagePath(messageID int64) string { return "/admin/messages/" + itoa(messageID) }

// MessageTemplatePath is where an admin edits a kind of message's wording.
func MessageTemplatePath(kind models.MessageKind) string {
	return "/admin/message-templates/" + string(kind)
}

// StaffMemberPath is where an admin edits a staff member.
func StaffMemberPath(staffID int64) string { return "/admin/staff/" + itoa(staffID) }

// QueueItemPath is where an item of a "needs you" queue is acted on.
func QueueItemPath(kind models.QueueKind, it models.QueueItem) string {
	switch kind {
	case models.QueueOffersToApprove, models.QueueAwaitingApproval, models.QueueOffersToSend:
		return OfferVersionPath(it.ID)
	case models.QueueContractsToSend, models.QueueOffersSentBack, models.QueueOfferQuestions:
		return CandidateOfferPath(it.CandidateID, it.ApplicationID) // the application's offer section
	case models.QueueCountersign, models.QueueNameCorrections:
		return ContractPath(it.ID)
	case models.QueueDecisions:
		return DecisionsPath
	case models.QueueScorecards, models.QueueInterviewTimes:
		return InterviewPath(it.ID)
	case models.QueueAssessmentResults:
		return AssessmentDayPath(it.ID)
	case models.QueueReferencesIn:
		return ApplicationReferencesPath(it.ApplicationID)
	case models.QueueCheckResults:
		return ApplicationChecksPath(it.ApplicationID)
	case models.QueueOnboarding:
		return ApplicationOnboardingPath(it.ApplicationID)
	}
	return CandidatePath(it.CandidateID)
}

// Paths gives models the builders above (models.Links), for the links
// messages carry: models cannot import views.
type Paths struct{}

var _ models.Links = Paths{}

func (Paths) MyApplication(appID int64) string        { return MyApplicationPath(appID) }
func (Paths) MyInterest(appID int64) string           { return MyInterestPath(appID) }
func (Paths) MyOffer(appID int64) string              { return MyOfferPath(appID) }
func (Paths) MyContract(appID int64) string           { return MyContractPath(appID) }
func (Paths) MySignedContract(appID int64) string     { return MySignedContractPath(appID) }
func (Paths) MyAssessment(appID int64) string         { return MyAssessmentPath(appID) }
func (Paths) MyInterview(appID, roundID int64) string { return MyInterviewPath(appID, roundID) }
func (Paths) MyFirstDay(appID int64) string           { return MyFirstDayPath(appID) }
func (Paths) StaffHome() string                       { return StaffHomePath }
func (Paths) NeedsYouQueue(queue string) string       { return NeedsYouQueuePath(models.QueueKind(queue)) }
func (Paths) Account() string                         { return AccountPath }
func (Paths) Contract(contractID int64) string        { return ContractPath(contractID) }
func (Paths) Interview(roundID int64) string          { return InterviewPath(roundID) }
func (Paths) RefereeForm(token string) string         { return RefereePath(token) }
func (Paths) Unsubscribe(token string) string         { return UnsubscribePath(token) }
func (Paths) MyAccount() string                       { return MyAccountPath }
func (Paths) ErasureRequests() string                 { return ErasurePath }
func (Paths) CandidateOffer(candidateID, appID int64) string {
	return CandidateOfferPath(candidateID, appID)
}
func (Paths) CandidateDecision(candidateID, appID int64) string {
	return CandidateDecisionPath(candidateID, appID)
}
func (Paths) ContractNameCorrection(contractID int64) string {
	return ContractNameCorrectionPath(contractID)
}

// MyReferencesPath is where the candidate lists their referees.
func MyReferencesPath(appID int64) string { return MyApplicationPath(appID) + "/references" }

// MyRefereePath is one of the candidate's referees, to change or remove.
func MyRefereePath(appID, refereeID int64) string {
	return MyReferencesPath(appID) + "/" + itoa(refereeID)
}

// RefereeThanksPath is where a referee lands after replying.
const RefereeThanksPath = "/references/thanks"

// MyDataExportPath is where the candidate downloads their data (a POST).
const MyDataExportPath = MyAccountPath + "/export"

// CandidateDataExportPath is where staff produce a candidate's data export (a POST).
func CandidateDataExportPath(candidateID int64) string { return CandidatePath(candidateID) + "/export" }

// CandidateDocumentsPath is the staff's page of a candidate's documents.
func CandidateDocumentsPath(candidateID int64) string {
	return CandidatePath(candidateID) + "/documents"
}

// MyDocumentsPath is the candidate's page of their documents.
const MyDocumentsPath = "/me/documents"

// DocumentPath is a candidate's document, for staff (staff) or the candidate.
func DocumentPath(docID int64, staff bool) string {
	if staff {
		return "/admin/documents/" + itoa(docID)
	}
	return MyDocumentsPath + "/" + itoa(docID)
}

// InterviewKitPath is an interview round's kit, for its panel.
func InterviewKitPath(roundID int64) string { return InterviewPath(roundID) + "/kit" }
