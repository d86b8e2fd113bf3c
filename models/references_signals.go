package models

import (
	"context"
	"encoding/base64"
	"errors"
	"sort"
	"strconv"

	"gorm.io/gorm"
)

// Staff's review of an application's references: the answers, their sums,
// and the signals that something may be wrong. A signal is never a
// decision: it shows its evidence, and people judge.

// SignalKind names one kind of fraud signal.
type SignalKind string

// Fraud signals, each computed in SQL at read time (referenceSignalsSQL).
const (
	SignalCandidateIP         SignalKind = "candidate_ip"          // answered from an address the candidate used
	SignalCandidateContact    SignalKind = "candidate_contact"     // the referee's email or phone is the candidate's own
	SignalSharedIP            SignalKind = "shared_ip"             // two referees answered from one address
	SignalSharedEmail         SignalKind = "shared_email"          // two referees share an email address
	SignalSharedPhone         SignalKind = "shared_phone"          // two referees share a phone number
	SignalOtherCandidateEmail SignalKind = "other_candidate_email" // also a referee (by email) of another candidate
	SignalOtherCandidatePhone SignalKind = "other_candidate_phone" // also a referee (by phone) of another candidate
	SignalFreeMailManager     SignalKind = "free_mail_manager"     // a manager at a company writing from free mail
	SignalQuickAnswer         SignalKind = "quick_answer"          // answered within QuickAnswer of opening the form
)

// FreeMailDomains are the personal email services a manager speaking for a
// company would rarely use for work.
var FreeMailDomains = []string{
	"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "msn.com",
	"yahoo.com", "yahoo.co.uk", "ymail.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me",
	"gmx.com", "gmx.de", "gmx.net", "aol.com", "mail.com", "yandex.com", "yandex.ru", "web.de", "zoho.com", "tutanota.com",
}

// FraudSignal is one signal about one referee, with its evidence in words.
type FraudSignal struct {
	RefereeID int64
	Kind      SignalKind
	Evidence  string
}

// signalFacts is what the signals' statement finds; signalEvidence words it.
type signalFacts struct {
	RefereeID int64
	Kind      SignalKind
	Value     string // the address, email, phone or domain in question
	Other     string // the other referee's name, or the company
	N         int64  // other candidates, or seconds
}

// signalEvidence is the one place a signal's evidence is written.
func signalEvidence(f signalFacts) string {
	switch f.Kind {
	case SignalCandidateIP:
		return "Answered from " + f.Value + ", an address the candidate used to sign in or act in the portal."
	case SignalCandidateContact:
		return "Gives the candidate's own email address or phone number (" + f.Value + ")."
	case SignalSharedIP:
		return "Answered from the same address (" + f.Value + ") as " + f.Other + "."
	case SignalSharedEmail:
		return "Has the same email address (" + f.Value + ") as " + f.Other + "."
	case SignalSharedPhone:
		return "Has the same phone number (" + f.Value + ") as " + f.Other + "."
	case SignalOtherCandidateEmail, SignalOtherCandidatePhone:
		return f.Value + " is also given as a referee by " + strconv.FormatInt(f.N, 10) + " other candidate" + plural(int(f.N)) + "."
	case SignalFreeMailManager:
		return "Named as a manager at " + f.Other + ", but gives a personal email address (" + f.Value + ")."
	case SignalQuickAnswer:
		return "Answered " + strconv.FormatInt(f.N, 10) + " second" + plural(int(f.N)) + " after first opening the form."
	}
	return string(f.Kind)
}

// referenceSignalsSQL finds every signal about the referees of @app.
const referenceSignalsSQL = `
WITH r AS (SELECT id, name, email, phone, phone_digits, company, relationship, answer_ip, opened_at, answered_at
		FROM referees WHERE application_id = @app),
	cand AS (SELECT c.id, lower(c.email) AS email, regexp_replace(c.phone, '[^0-9]', '', 'g') AS phone_digits
		FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = @app),
	cand_ips AS (SELECT s.ip FROM sessions s, cand WHERE s.candidate_id = cand.id AND s.ip <> '')
SELECT r.id AS referee_id, 'candidate_ip' AS kind, host(r.answer_ip) AS value, '' AS other, 0::bigint AS n
	FROM r WHERE host(r.answer_ip) IN (SELECT ip FROM cand_ips)
UNION ALL SELECT 0, '` + string(sealedActs) + `', translate(encode(l.personal, 'base64'), E'\n', ''), translate(encode(k.sealed_key, 'base64'), E'\n', ''), 0
	FROM cand JOIN audit_log l ON l.person_id = cand.id AND l.actor_kind = 'candidate' AND l.actor_id = cand.id
	JOIN person_keys k ON k.candidate_id = cand.id
	WHERE l.personal IS NOT NULL AND EXISTS (SELECT 1 FROM r WHERE r.answer_ip IS NOT NULL)
UNION ALL SELECT r.id, '` + string(answerIP) + `', host(r.answer_ip), '', 0 FROM r WHERE r.answer_ip IS NOT NULL
UNION ALL SELECT r.id, 'candidate_contact', CASE WHEN lower(r.email) = cand.email THEN r.email ELSE r.phone END, '', 0
	FROM r, cand WHERE lower(r.email) = cand.email OR (length(r.phone_digits) >= 6 AND r.phone_digits = cand.phone_digits)
UNION ALL SELECT r.id, 'shared_ip', host(r.answer_ip), o.name, 0 FROM r JOIN r o ON o.id <> r.id AND o.answer_ip = r.answer_ip
UNION ALL SELECT r.id, 'shared_email', r.email, o.name, 0 FROM r JOIN r o ON o.id <> r.id AND lower(o.email) = lower(r.email)
UNION ALL SELECT r.id, 'shared_phone', r.phone, o.name, 0 FROM r JOIN r o ON o.id <> r.id AND o.phone_digits = r.phone_digits
	WHERE length(r.phone_digits) >= 6
UNION ALL SELECT r.id, 'other_candidate_email', r.email, '', count(DISTINCT a.candidate_id)
	FROM r JOIN referees x ON lower(x.email) = lower(r.email) JOIN applications a ON a.id = x.application_id
	WHERE a.candidate_id <> (SELECT id FROM cand) GROUP BY r.id, r.email
UNION ALL SELECT r.id, 'other_candidate_phone', r.phone, '', count(DISTINCT a.candidate_id)
	FROM r JOIN referees x ON x.phone_digits = r.phone_digits JOIN applications a ON a.id = x.application_id
	WHERE length(r.phone_digits) >= 6 AND a.candidate_id <> (SELECT id FROM cand) GROUP BY r.id, r.phone
UNION ALL SELECT r.id, 'free_mail_manager', split_part(lower(r.email), '@', 2), r.company, 0
	FROM r WHERE r.relationship = 'manager' AND r.company <> '' AND split_part(lower(r.email), '@', 2) IN @domains
UNION ALL SELECT r.id, 'quick_answer', '', '', floor(extract(epoch FROM r.answered_at - r.opened_at))::bigint
	FROM r WHERE r.answered_at - r.opened_at < make_interval(secs => @quick)
ORDER BY 1, 2, 3, 4`

// RefereeAnswer is one answer as staff read it, with the question as asked.
type RefereeAnswer struct {
	Kind   QuestionKind
	Prompt string
	Rating *int   // a rating question's 1 to 5
	Choice string // a yes/no/unsure question's "yes", "no" or "unsure"
	Text   string // a text question's answer
}

// ReviewedReferee is a referee with their reply and the signals about them.
type ReviewedReferee struct {
	Referee
	State   RefereeStatus // with expired derived
	Answers []RefereeAnswer
	Signals []FraudSignal
}

// QuestionSummary sums the answers to one question (by its prompt as asked):
// the average of a rating, the counts of a yes/no/unsure question such as
// "Would you hire or work with them again?".
type QuestionSummary struct {
	Prompt          string
	Kind            QuestionKind
	Ratings         int
	Average         *float64
	Yes, No, Unsure int
}

// ReferenceReview is staff's view of an application's references.
type ReferenceReview struct {
	ApplicationID int64
	// Whose references they are, for the page's heading and links.
	CandidateID                  int64
	CandidateName, PositionTitle string
	PositionID                   int64
	Status                       Status // the application's: a closed one's referees can no longer be contacted
	Settings                     ReferenceSettings
	Completeness                 ReferenceCompleteness
	Referees                     []ReviewedReferee
	Ratings                      int      // rating answers over all referees and questions
	AverageRating                *float64 // their average; nil without any
	Summaries                    []QuestionSummary
	Signals                      int // how many signals in all
}

// ReferenceReview is the references of an application with their answers,
// sums and signals, for staff who may read the candidate's staff-only
// records (admins, recruiters, the position's manager). Anyone else,
// interviewers and candidates included, gets ErrNotFound.
func (s *Store) ReferenceReview(ctx context.Context, actor Actor, appID int64) (*ReferenceReview, error) {
	db := s.db.WithContext(ctx)
	if err := applicationVisible(db, actor, appID, scopeStaffOnly); err != nil {
		return nil, err
	}
	var head struct {
		CandidateID, PositionID      int64
		CandidateName, PositionTitle string
		Status                       Status
	}
	if err := db.Raw(`SELECT a.candidate_id, a.position_id, c.name AS candidate_name, p.title AS position_title, a.status
		FROM applications a JOIN candidates c ON c.id = a.candidate_id JOIN positions p ON p.id = a.position_id WHERE a.id = ?`, appID).
		Scan(&head).Error; err != nil {
		return nil, err
	}
	set, err := positionReferenceSettings(db, head.PositionID)
	if err != nil {
		return nil, err
	}
	refs, err := applicationReferees(db, appID, false)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := &ReferenceReview{ApplicationID: appID, CandidateID: head.CandidateID, CandidateName: head.CandidateName,
		PositionID: head.PositionID, PositionTitle: head.PositionTitle, Status: head.Status,
		Settings: set, Completeness: RefereeSetComplete(refs, set, now)}
	if len(refs) == 0 {
		return out, nil
	}
	byID := map[int64]*ReviewedReferee{}
	out.Referees = make([]ReviewedReferee, len(refs))
	for i, r := range refs {
		out.Referees[i] = ReviewedReferee{Referee: r, State: r.State(now)}
		byID[r.ID] = &out.Referees[i]
	}
	if err := s.addAnswers(db, appID, byID, out); err != nil {
		return nil, err
	}
	signals, err := s.referenceSignals(db, appID)
	if err != nil {
		return nil, err
	}
	for _, sg := range signals {
		if rr := byID[sg.RefereeID]; rr != nil {
			rr.Signals = append(rr.Signals, sg)
		}
	}
	out.Signals = len(signals)
	return out, nil
}

// addAnswers reads the answers of an application's referees into byID and
// sums them per question and over all ratings.
func (s *Store) addAnswers(db *gorm.DB, appID int64, byID map[int64]*ReviewedReferee, out *ReferenceReview) error {
	var rows []referenceAnswer
	if err := db.Raw(`SELECT x.* FROM reference_answers x JOIN referees r ON r.id = x.referee_id
		WHERE r.application_id = ? ORDER BY x.referee_id, x.sort_order`, appID).Scan(&rows).Error; err != nil {
		return err
	}
	sums := map[string]*QuestionSummary{}
	var order []string
	var total int
	for _, a := range rows {
		ra := RefereeAnswer{Kind: a.Kind, Prompt: a.Prompt, Rating: a.Rating, Text: a.TextAnswer}
		if a.Choice != nil {
			ra.Choice = *a.Choice
		}
		if rr := byID[a.RefereeID]; rr != nil {
			rr.Answers = append(rr.Answers, ra)
		}
		if a.Kind == QuestionText {
			continue
		}
		key := string(a.Kind) + "\x00" + a.Prompt
		q := sums[key]
		if q == nil {
			q = &QuestionSummary{Prompt: a.Prompt, Kind: a.Kind}
			sums[key] = q
			order = append(order, key)
		}
		switch {
		case a.Rating != nil:
			q.Ratings++
			avg := (derefOr(q.Average, 0)*float64(q.Ratings-1) + float64(*a.Rating)) / float64(q.Ratings)
			q.Average = &avg
			total += *a.Rating
			out.Ratings++
		case ra.Choice == "yes":
			q.Yes++
		case ra.Choice == "no":
			q.No++
		case ra.Choice == "unsure":
			q.Unsure++
		}
	}
	for _, k := range order {
		out.Summaries = append(out.Summaries, *sums[k])
	}
	if out.Ratings > 0 {
		avg := float64(total) / float64(out.Ratings)
		out.AverageRating = &avg
	}
	return nil
}

// referenceSignals runs the signals' statement for an application and
// words each signal.
func (s *Store) referenceSignals(db *gorm.DB, appID int64) ([]FraudSignal, error) {
	var rows []signalFacts
	if err := db.Raw(referenceSignalsSQL, map[string]any{"app": appID, "domains": FreeMailDomains,
		"quick": QuickAnswer.Seconds()}).Scan(&rows).Error; err != nil {
		return nil, err
	}
	facts, err := s.sealedCandidateIPs(rows)
	if err != nil {
		return nil, err
	}
	out := make([]FraudSignal, 0, len(facts))
	for _, f := range facts {
		out = append(out, FraudSignal{RefereeID: f.RefereeID, Kind: f.Kind, Evidence: signalEvidence(f)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].RefereeID < out[j].RefereeID })
	return out, nil
}

func derefOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// The signals' statement also returns, for the candidate-IP signal, the
// sealed parts of the candidate's own audit entries (with their key) and the
// referees' answer addresses: the candidate's addresses in the audit log are
// sealed with their key (person_keys), so they are compared here, in Go.
const (
	sealedActs SignalKind = "~sealed"    // Value: a sealed auditPart, Other: the candidate's sealed key (base64)
	answerIP   SignalKind = "~answer_ip" // Value: a referee's answer address
)

// sealedCandidateIPs turns the statement's rows into facts: the addresses
// the candidate's sealed entries hold are opened and matched with the
// referees' answer addresses (an erased candidate's match nothing).
func (s *Store) sealedCandidateIPs(rows []signalFacts) ([]signalFacts, error) {
	ips := map[string]bool{}
	var answers, facts []signalFacts
	seen := map[int64]bool{} // referees with a candidate_ip fact already (from sessions)
	for _, f := range rows {
		switch f.Kind {
		case sealedActs:
			sealed, err1 := base64.StdEncoding.DecodeString(f.Value)
			key, err2 := base64.StdEncoding.DecodeString(f.Other)
			if err := errors.Join(err1, err2); err != nil {
				return nil, err
			}
			var part auditPart
			if err := s.openPersonal(key, sealed, &part); err != nil {
				return nil, err
			}
			if ip, ok := normalIP(part.IP).(string); ok {
				ips[ip] = true
			}
		case answerIP:
			answers = append(answers, f)
		default:
			if f.Kind == SignalCandidateIP {
				seen[f.RefereeID] = true
			}
			facts = append(facts, f)
		}
	}
	for _, a := range answers {
		if ip, ok := normalIP(a.Value).(string); ok && ips[ip] && !seen[a.RefereeID] {
			facts = append(facts, signalFacts{RefereeID: a.RefereeID, Kind: SignalCandidateIP, Value: a.Value})
		}
	}
	sort.SliceStable(facts, func(i, j int) bool {
		a, b := facts[i], facts[j]
		if a.RefereeID != b.RefereeID {
			return a.RefereeID < b.RefereeID
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Value != b.Value {
			return a.Value < b.Value
		}
		return a.Other < b.Other
	})
	return facts, nil
}
