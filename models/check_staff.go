package models

import (
	"context"
	"encoding/hex"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The staff's side of checks: what they see (StaffChecks) and what they
// record (RecordManualCheck, LinkCheckToProvider, AttachCheckResult).

// StaffCheck is one check as a staff member sees it. A hiring manager (on
// their positions) and an interviewer (on their panels' candidates) see the
// status, provider and consent only: SeesResults is false and the finding,
// result document, supplied details and notices are left empty.
type StaffCheck struct {
	Check
	ConsentGivenAt     *time.Time
	ConsentWithdrawnAt *time.Time // set: the candidate withdrew, and the check stopped
	ConsentVersion     string
	SeesResults        bool
	ResultFile         *StoredFile // without its bytes: CheckFile serves them
	Addresses          []CheckAddress
	Windows            []AppointmentWindow
	Notices            []AdverseAction // newest first
	CanSendNotice      bool            // an adverse result of a live application, with no notice open
	ConfirmableFrom    *time.Time      // the open notice's end of wait: the rejection may be confirmed from then
}

// StaffChecks lists an application's checks for actor (not found unless
// actor may read the application).
func (s *Store) StaffChecks(ctx context.Context, actor Actor, appID int64) ([]StaffCheck, error) {
	db := s.db.WithContext(ctx)
	if err := applicationVisible(db, actor, appID, scopeInterviews); err != nil {
		return nil, err
	}
	var app Application
	if err := db.First(&app, appID).Error; err != nil {
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
	sees := actor.Role.SeesAllCandidates()
	out := make([]StaffCheck, 0, len(checks))
	for _, c := range checks {
		p := parts[c.ID]
		sc := StaffCheck{Check: c, ConsentGivenAt: p.consent.GivenAt, ConsentWithdrawnAt: p.consent.WithdrawnAt,
			ConsentVersion: p.consent.Version, SeesResults: sees}
		if !sees {
			sc.ResultSummary, sc.ResultFileID = "", nil
			out = append(out, sc)
			continue
		}
		if sc.ResultFile, err = fileInfo(db, c.ResultFileID); err != nil {
			return nil, err
		}
		sc.Addresses, sc.Windows, sc.Notices = p.addresses, p.windows, p.notices
		open := false
		for _, a := range p.notices {
			if a.Status.Open() {
				open = true
				until := a.WaitUntil
				sc.ConfirmableFrom = &until
			}
		}
		sc.CanSendNotice = c.Status.Adverse() && !open && !app.Status.Closed()
		out = append(out, sc)
	}
	return out, nil
}

// ManualCheckInput is staff's record of a check a provider carries out
// outside Nextstep. Days are "YYYY-MM-DD" in the organisation's time zone;
// empty: today, when the status needs one.
type ManualCheckInput struct {
	ProviderName string
	Reference    string
	Status       CheckStatus
	StartedOn    string
	CompletedOn  string
}

// parseDay reads a day of the form "YYYY-MM-DD" as its start in loc; nil
// for "". field names the form field of the refusal.
func parseDay(v *Problems, field, value string, now time.Time, loc *time.Location) *time.Time {
	value = strings.TrimSpace(value)
	if value == "" {
		return nil
	}
	d, err := time.ParseInLocation("2006-01-02", value, loc)
	if err != nil {
		v.Add(field, "Enter the day as year, month and day.")
		return nil
	}
	if d.After(now) {
		v.Add(field, "The day cannot be in the future.")
		return nil
	}
	return &d
}

// RecordManualCheck records a manual provider's name, reference, status and
// dates (admins and recruiters). Keeping the status records only the rest.
func (s *Store) RecordManualCheck(ctx context.Context, actor Actor, checkID int64, in ManualCheckInput) error {
	v := &Problems{}
	in.ProviderName, in.Reference = strings.TrimSpace(in.ProviderName), strings.TrimSpace(in.Reference)
	if in.ProviderName == "" {
		v.Add("provider_name", "Enter who carries out the check.")
	}
	v.checkLength(in.ProviderName, limits.CheckProviderName)
	v.checkLength(in.Reference, limits.CheckProviderRef)
	started := parseDay(v, "started_on", in.StartedOn, s.Now(), s.loc)
	finished := parseDay(v, "completed_on", in.CompletedOn, s.Now(), s.loc)
	if started != nil && finished != nil && finished.Before(*started) {
		v.Add("completed_on", "The result cannot come before the check started.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		chk, err := staffCheck(tx, actor, checkID, true, true)
		if err != nil {
			return err
		}
		if err := tx.Model(&Check{}).Where("id = ?", chk.ID).Updates(map[string]any{"provider": ManualProvider,
			"provider_name": in.ProviderName, "provider_ref": in.Reference, "updated_at": s.Now()}).Error; err != nil {
			if isUniqueViolation(err, "checks_provider_ref") {
				return Invalid("reference", "Another check has this reference already.")
			}
			return err
		}
		return s.setCheckStatus(tx, actor, chk, checkChange{To: in.Status, Cause: "manual", Started: started, Finished: finished,
			sameStatus: true})
	})
}

// LinkCheckToProvider hands a check to a webhook provider: its events, sent
// with reference, then move the check (admins and recruiters).
func (s *Store) LinkCheckToProvider(ctx context.Context, actor Actor, checkID int64, provider, reference string) error {
	provider, reference = strings.TrimSpace(provider), strings.TrimSpace(reference)
	if !validProviderKey(provider) || provider == ManualProvider {
		return Invalid("provider", "Choose one of the configured check providers.")
	}
	if reference == "" {
		return Invalid("reference", "Enter the provider's reference for this check.")
	}
	if err := tooLong(reference, limits.CheckProviderRef); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		chk, err := staffCheck(tx, actor, checkID, true, true)
		if err != nil {
			return err
		}
		if chk.Status == CheckWithdrawn {
			return Invalid("provider", "This check was withdrawn and cannot change any more.")
		}
		if err := tx.Model(&Check{}).Where("id = ?", chk.ID).Updates(map[string]any{"provider": provider, "provider_ref": reference,
			"updated_at": s.Now()}).Error; err != nil {
			if isUniqueViolation(err, "checks_provider_ref") {
				return Invalid("reference", "Another check has this reference already.")
			}
			return err
		}
		return s.audit(tx, actor, "check.provider_linked", "check", chk.ID, map[string]any{"provider": provider, "reference": reference})
	})
}

// AttachCheckResult stores a check's result document and records its result
// (clear, needs review, not clear) and finding (admins and recruiters). The
// file's type is read from its bytes; a refused file, or a refused status,
// stores nothing. The same result again only replaces the document and
// finding.
func (s *Store) AttachCheckResult(ctx context.Context, actor Actor, checkID int64, fileName string, data []byte, status CheckStatus, finding string) error {
	finding = strings.TrimSpace(NormalizeNewlines(finding))
	v := &Problems{}
	if !status.HasResult() {
		v.Add("status", "Choose the result: clear, needs review or not clear.")
	}
	if status.Adverse() && finding == "" {
		v.Add("finding", "Say what the result found: the candidate reads it if you send a pre-decision notice.")
	}
	v.checkLength(finding, limits.CheckResultSummary)
	if _, err := SniffFile(fileName, data); err != nil {
		mergeFields(v, err)
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		chk, err := staffCheck(tx, actor, checkID, true, true)
		if err != nil {
			return err
		}
		consented, err := consentStands(tx, chk.ID)
		if err != nil {
			return err
		}
		if chk.Status != status {
			if err := CanMoveCheck(chk.Status, status, consented); err != nil {
				return err
			}
		}
		f, err := storeFile(tx, actor, fileName, data)
		if err != nil {
			return err
		}
		if err := s.auditPersonalOfApplication(tx, actor, chk.ApplicationID, "check.result_attached", "check", chk.ID,
			map[string]any{"file_id": f.ID, "sha256": hex.EncodeToString(f.SHA256), "size": f.SizeBytes}, map[string]any{"name": f.Name}); err != nil {
			return err
		}
		return s.setCheckStatus(tx, actor, chk, checkChange{To: status, Cause: "result", Summary: &finding, FileID: &f.ID, sameStatus: true})
	})
}
