package models

// Links are the site's paths that models write into messages and outbox
// rows: each returns a path ("/…", perhaps with a #fragment), never a whole
// address. The one implementation is views.Paths, whose methods are the
// builders the pages and redirects use, so a link in a message cannot drift
// from the route that serves it (handlers' TestBuiltPathsAreServed). Models
// cannot import views (views imports models), hence this interface, given
// to Open in Config.Links.
type Links interface {
	// A candidate's pages about one of their applications.
	MyApplication(appID int64) string
	MyInterest(appID int64) string
	MyOffer(appID int64) string
	MyContract(appID int64) string
	MySignedContract(appID int64) string
	MyAssessment(appID int64) string
	MyInterview(appID, roundID int64) string
	MyFirstDay(appID int64) string
	MyAccount() string       // the candidate's account: their email choices
	ErasureRequests() string // the admins' page of erasure requests

	// Staff pages.
	StaffHome() string
	NeedsYouQueue(queue string) string // a queue's section on the Needs you page (a QueueKind)
	Account() string
	CandidateOffer(candidateID, appID int64) string    // the application's offer section on the candidate page
	CandidateDecision(candidateID, appID int64) string // the application's decision section on the candidate page
	Contract(contractID int64) string
	ContractNameCorrection(contractID int64) string // the name-correction section of the contract page
	Interview(roundID int64) string

	// A referee's personal page (no sign-in): the token is its only key.
	RefereeForm(token string) string
	// An unsubscribe link's page (no sign-in): the token is its only key.
	Unsubscribe(token string) string
}

// siteURLs makes the absolute links messages carry: the public address
// followed by a path from Links.
type siteURLs struct {
	base string
	Links
}

// abs is the absolute address of a path.
func (u siteURLs) abs(path string) string { return u.base + path }
