package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// The candidate's side of checks: what they read and are asked
// (CandidateChecks), their consent with the details asked
// (GiveCheckConsent), and its withdrawal (WithdrawCheckConsent). Consent is
// evidence: each giving and withdrawal is a row of check_consents, with the
// consent text's version, the UTC time, IP address and browser, and the
// database refuses to change or delete one.

// CandidateCheck is one check as its candidate sees it: the status and what
// is asked, never the result document or the staff's finding (only what a
// pre-decision notice told them).
type CandidateCheck struct {
	ID            int64
	ApplicationID int64
	Kind          CheckKind
	Info          CheckInfo   // what it is, who, what data, how long, what is asked, the consent text
	Status        CheckStatus // shown as Status.CandidateLabel()
	Consented     bool        // their consent stands
	CanConsent    bool        // the check waits for their consent and details
	CanWithdraw   bool        // it can still be stopped
	Addresses     []CheckAddress
	Windows       []AppointmentWindow
	Notice        *CandidateNotice // the newest pre-decision notice that was not cancelled
}

// CandidateNotice is a pre-decision notice as the candidate reads it.
type CandidateNotice struct {
	Finding      string
	HowToDispute string
	SentAt       time.Time
	ReplyBy      time.Time
	Reply        string
	RepliedAt    *time.Time
	CanReply     bool // open and not answered yet
	Confirmed    bool // the rejection followed
}

// CandidateChecks lists the checks of one of the candidate's applications
// (anyone else's application: not found).
func (s *Store) CandidateChecks(ctx context.Context, actor Actor, appID int64) ([]CandidateCheck, error) {
	if actor.Kind != "candidate" || actor.ID == 0 {
		return nil, ErrNotFound
	}
	db := s.db.WithContext(ctx)
	var app Application
	if err := db.Where("id = ? AND candidate_id = ?", appID, actor.ID).First(&app).Error; err != nil {
		return nil, notFound(err)
	}
	var checks []Check
	if err := db.Where("application_id = ?", appID).Order("id").Find(&checks).Error; err != nil {
		return nil, err
	}
	parts, err := loadCheckParts(db, checks)
	if err != nil {
		return nil, err
	}
	out := make([]CandidateCheck, 0, len(checks))
	for _, c := range checks {
		p := parts[c.ID]
		cc := CandidateCheck{ID: c.ID, ApplicationID: c.ApplicationID, Kind: c.Kind, Info: CheckInfoFor(c.Kind), Status: c.Status,
			Consented: p.consent.stands(), CanConsent: c.Status == CheckWaitingForCandidate && !app.Status.Closed(),
			CanWithdraw: c.Status != CheckWithdrawn, Addresses: p.addresses, Windows: p.windows}
		for _, a := range p.notices { // newest first
			if a.Status == AdverseCancelled {
				continue
			}
			cc.Notice = &CandidateNotice{Finding: a.Finding, HowToDispute: a.HowToDispute, SentAt: a.SentAt, ReplyBy: a.WaitUntil,
				Reply: a.Reply, RepliedAt: a.RepliedAt, CanReply: a.Status == AdverseNoticeSent, Confirmed: a.Status == AdverseConfirmed}
			break
		}
		out = append(out, cc)
	}
	return out, nil
}

// consentRecord is a check's consent history in brief.
type consentRecord struct {
	GivenAt, WithdrawnAt *time.Time
	Version              string
	Last                 string // the newest action
}

func (c consentRecord) stands() bool { return c.Last == "given" }

// checkParts are the rows that hang off one check.
type checkParts struct {
	consent   consentRecord
	addresses []CheckAddress
	windows   []AppointmentWindow
	notices   []AdverseAction // newest first
}

// loadCheckParts reads the consents, supplied details and notices of checks.
func loadCheckParts(db *gorm.DB, checks []Check) (map[int64]*checkParts, error) {
	out := map[int64]*checkParts{}
	ids := make([]int64, 0, len(checks))
	for _, c := range checks {
		out[c.ID] = &checkParts{}
		ids = append(ids, c.ID)
	}
	if len(ids) == 0 {
		return out, nil
	}
	var consents []struct {
		CheckID     int64
		Action      string
		TextVersion string
		At          time.Time
	}
	if err := db.Raw("SELECT check_id, action, text_version, at FROM check_consents WHERE check_id IN ? ORDER BY id", ids).Scan(&consents).Error; err != nil {
		return nil, err
	}
	for _, c := range consents {
		r := &out[c.CheckID].consent
		at := c.At
		r.Last = c.Action
		if c.Action == "given" {
			r.GivenAt, r.Version = &at, c.TextVersion
		} else {
			r.WithdrawnAt = &at
		}
	}
	var addresses []CheckAddress
	if err := db.Where("check_id IN ?", ids).Order("from_month, id").Find(&addresses).Error; err != nil {
		return nil, err
	}
	for _, a := range addresses {
		out[a.CheckID].addresses = append(out[a.CheckID].addresses, a)
	}
	var windows []AppointmentWindow
	if err := db.Where("check_id IN ?", ids).Order("from_day, id").Find(&windows).Error; err != nil {
		return nil, err
	}
	for _, w := range windows {
		out[w.CheckID].windows = append(out[w.CheckID].windows, w)
	}
	var notices []AdverseAction
	if err := db.Where("check_id IN ?", ids).Order("id DESC").Find(&notices).Error; err != nil {
		return nil, err
	}
	for _, a := range notices {
		out[a.CheckID].notices = append(out[a.CheckID].notices, a)
	}
	return out, nil
}

// CheckConsentInput is the candidate's consent form: the version of the
// consent text they read (CheckInfo.ConsentVersion), the tick, and what the
// check asks for: addresses for a background check, appointment windows
// for a medical.
type CheckConsentInput struct {
	TextVersion string
	Agreed      bool
	Addresses   []CheckAddressInput
	Windows     []AppointmentWindowInput
}

// errCheckWithdrawn: a withdrawn check does not start again.
var errCheckWithdrawn = refusal(CodeConflict, "This check was stopped when consent was withdrawn, and cannot start again here. Write to us if you want it to go ahead.")

// GiveCheckConsent records the candidate's consent to one of their checks,
// with the details it asks for (which replace any given before), and makes
// the check ready to start. The request's IP address and browser come from
// actor, as every audit entry's do.
func (s *Store) GiveCheckConsent(ctx context.Context, actor Actor, checkID int64, in CheckConsentInput) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		chk, app, err := candidateCheck(tx, actor, checkID)
		if err != nil {
			return err
		}
		info := CheckInfoFor(chk.Kind)
		switch {
		case app.Status.Closed():
			return refusal(CodeConflict, "This application has closed, so nothing more is needed for this check.")
		case chk.Status == CheckWithdrawn:
			return errCheckWithdrawn
		case chk.Status != CheckWaitingForCandidate:
			return refusal(CodeConflict, "Your consent and details for this check are recorded already.")
		case in.TextVersion != info.ConsentVersion:
			return refusal(CodeConflict, "The consent text has changed since you opened the page. Please read it again before you agree.")
		}
		v := &Problems{}
		if !in.Agreed {
			v.Add("consent", "Tick the box to give your consent, or withdraw from the check if you do not agree.")
		}
		var addresses []CheckAddress
		var windows []AppointmentWindow
		if chk.Kind == CheckBackground {
			addresses, err = ValidateAddressHistory(in.Addresses, s.Now(), s.loc)
		} else {
			windows, err = ValidateAppointmentWindows(in.Windows, s.Now(), s.loc)
		}
		mergeFields(v, err)
		if err := v.Err(); err != nil {
			return err
		}
		if err := replaceSuppliedDetails(tx, chk.ID, addresses, windows); err != nil {
			return err
		}
		if err := s.writeConsent(tx, actor, chk.ID, "given", info.ConsentVersion, s.Now()); err != nil {
			return err
		}
		if err := s.audit(tx, actor, "check.consent_given", "check", chk.ID, map[string]any{"text_version": info.ConsentVersion,
			"addresses": len(addresses), "windows": len(windows)}); err != nil {
			return err
		}
		return s.setCheckStatus(tx, actor, chk, checkChange{To: CheckNotStarted, Cause: "consent", quiet: true})
	})
}

// replaceSuppliedDetails writes what the candidate gave for check id.
func replaceSuppliedDetails(tx *gorm.DB, id int64, addresses []CheckAddress, windows []AppointmentWindow) error {
	if err := tx.Where("check_id = ?", id).Delete(&CheckAddress{}).Error; err != nil {
		return err
	}
	if err := tx.Where("check_id = ?", id).Delete(&AppointmentWindow{}).Error; err != nil {
		return err
	}
	// Days go as text: a date is a date in every session time zone.
	const day = "2006-01-02"
	for _, a := range addresses {
		var to any
		if a.ToMonth != nil {
			to = a.ToMonth.Format(day)
		}
		if err := tx.Exec(`INSERT INTO check_addresses (check_id, line, city, postcode, country, from_month, to_month)
			VALUES (?, ?, ?, ?, ?, ?::date, ?::date)`, id, a.Line, a.City, a.Postcode, a.Country, a.FromMonth.Format(day), to).Error; err != nil {
			return err
		}
	}
	for _, w := range windows {
		if err := tx.Exec(`INSERT INTO check_appointment_windows (check_id, from_day, to_day, part_of_day) VALUES (?, ?::date, ?::date, ?)`,
			id, w.FromDay.Format(day), w.ToDay.Format(day), w.PartOfDay).Error; err != nil {
			return err
		}
	}
	return nil
}

// writeConsent appends one consent row for the candidate actor. The
// request's address and browser are sealed with the candidate's key
// (person_keys): the row outlives their erasure, what identifies them does
// not. ip and user_agent stay NULL and empty.
func (s *Store) writeConsent(tx *gorm.DB, actor Actor, checkID int64, action, version string, at time.Time) error {
	personal, err := s.sealConsent(tx, actor, limits.ConsentUserAgent.Max)
	if err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO check_consents (check_id, candidate_id, action, text_version, at, personal) VALUES (?, ?, ?, ?, ?, ?)`,
		checkID, actor.ID, action, version, at.UTC(), personal).Error
}

// WithdrawCheckConsent withdraws the candidate's consent to one of their
// checks (or declines it before giving it): the check stops for good, its
// status is withdrawn for staff to see, and a pre-decision notice about it
// is cancelled. Withdrawing again changes nothing.
func (s *Store) WithdrawCheckConsent(ctx context.Context, actor Actor, checkID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		chk, _, err := candidateCheck(tx, actor, checkID)
		if err != nil {
			return err
		}
		if chk.Status == CheckWithdrawn {
			return nil
		}
		version := CheckInfoFor(chk.Kind).ConsentVersion
		if err := s.writeConsent(tx, actor, chk.ID, "withdrawn", version, s.Now()); err != nil {
			return err
		}
		if err := s.audit(tx, actor, "check.consent_withdrawn", "check", chk.ID, map[string]any{"from": chk.Status}); err != nil {
			return err
		}
		return s.setCheckStatus(tx, actor, chk, checkChange{To: CheckWithdrawn, Cause: "consent_withdrawn", quiet: true})
	})
}
