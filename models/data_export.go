package models

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"gorm.io/gorm"
)

// A candidate's data export (GDPR articles 15 and 20): everything Nextstep
// holds about one candidate, as a zip with data.json, the files it names and
// a README.txt saying what is in it, what is not and why. The candidate
// downloads it from their account page; admins and recruiters produce the
// same for a candidate who asks by email. Both are audited.
//
// It comes in two steps so that a refusal or a database error still gets
// the usual error page: PrepareCandidateExport authorises, audits and reads
// everything but the files' bytes (the text of a person's data is small);
// DataExport.WriteZip then streams the zip to the response, reading the
// files one row at a time, so memory follows the largest file, never their
// sum. Every statement names the candidate's id: no other person's data can
// come in.

// DataExport is one candidate's export, ready to be written.
type DataExport struct {
	CandidateID int64
	FileName    string // nextstep-data-<id>-<date>.zip
	data        exportData
	files       []exportFile // in data.json's order; their bytes are read by WriteZip
	db          *gorm.DB
}

// exportFile is a file of the export: where it goes in the zip and where its
// bytes are (a stored file, or a contract's signed PDF).
type exportFile struct {
	Path       string `json:"file"`
	storedID   int64
	contractID int64
}

// exportFor says who produced an export, which decides one thing: sealed
// onboarding answers (bank details, national insurance number, emergency
// contact) are opened for the candidate, who entered them and may have a copy,
// but stay masked in an export staff produce, which goes out by email and
// through a person who may not read them (only an admin reveals one, audited).
type exportFor string

const (
	exportForCandidate exportFor = "you, from your account page"
	exportForStaff     exportFor = "our staff, at your request"
)

// PrepareCandidateExport is candidate candidateID's export for actor: the
// candidate themselves, or an admin or recruiter (who see every candidate;
// a hiring manager sees only some applications, so their export would be
// incomplete). Anyone else, or an unknown candidate, is not found. The
// export is audited (candidate.data_exported, naming who produced it and no
// personal data) in its own transaction before anything is written: a
// download that breaks off has still been recorded.
func (s *Store) PrepareCandidateExport(ctx context.Context, actor Actor, candidateID int64) (*DataExport, error) {
	by := exportForStaff
	switch {
	case actor.Kind == "candidate" && actor.ID != 0 && actor.ID == candidateID:
		by = exportForCandidate
	case actor.IsStaff() && actor.Role.SeesAllCandidates():
	default:
		return nil, ErrNotFound
	}
	db := s.db.WithContext(ctx)
	var row struct {
		Candidate
		EmailReminders, EmailUpdates bool
	}
	res := db.Raw("SELECT * FROM candidates WHERE id = ?", candidateID).Scan(&row)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, ErrNotFound
	}
	cand := row.Candidate
	who := "candidate"
	if actor.IsStaff() {
		who = string(actor.Role)
	}
	if err := s.tx(ctx, func(tx *gorm.DB) error {
		return s.audit(tx, actor, "candidate.data_exported", "candidate", candidateID, map[string]any{"by": who})
	}); err != nil {
		return nil, err
	}
	now := s.Now()
	x := &DataExport{CandidateID: candidateID, db: db,
		FileName: fmt.Sprintf("nextstep-data-%d-%s.zip", candidateID, now.In(s.loc).Format("2006-01-02"))}
	zone := s.CandidateZone(&cand)
	x.data = exportData{ExportedAt: now.UTC(), ProducedBy: string(by), TimeZoneOfLocalTimes: zone.String(),
		Profile: exportProfile{ID: cand.ID, Name: cand.Name, Email: cand.Email, Phone: cand.Phone, TimeZone: cand.TimeZone,
			EmailReminders: row.EmailReminders, EmailUpdates: row.EmailUpdates, CreatedAt: cand.CreatedAt.UTC()}}
	if err := s.collectExport(ctx, x, &cand, zone, by == exportForCandidate); err != nil {
		return nil, err
	}
	return x, nil
}

// WriteZip writes the export to w as a zip: README.txt, data.json (written
// by a json.Encoder into its entry) and the files, each read in its own row
// and copied into its entry before the next is read. The zip writer writes
// straight to w: once anything is written, an error can only be returned
// to the caller, who can no longer send an error page.
func (x *DataExport) WriteZip(ctx context.Context, w io.Writer) error {
	zw := zip.NewWriter(w)
	modified := x.data.ExportedAt
	entry := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
	}
	readme, err := entry("README.txt")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(readme, exportReadme(x.data.ProducedBy)); err != nil {
		return err
	}
	data, err := entry("data.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(data)
	enc.SetIndent("", "  ")
	if err := enc.Encode(x.data); err != nil {
		return err
	}
	if err := x.writeFiles(ctx, zw, modified); err != nil {
		return err
	}
	return zw.Close()
}

// writeFiles copies the stored files, then the signed contracts' PDFs, into
// the zip, one row in memory at a time.
func (x *DataExport) writeFiles(ctx context.Context, zw *zip.Writer, modified time.Time) error {
	byStored, byContract := map[int64]string{}, map[int64]string{}
	var stored, contracts []int64
	for _, f := range x.files {
		if f.storedID != 0 {
			byStored[f.storedID], stored = f.Path, append(stored, f.storedID)
		} else {
			byContract[f.contractID], contracts = f.Path, append(contracts, f.contractID)
		}
	}
	copyRows := func(query string, ids []int64, paths map[int64]string) error {
		if len(ids) == 0 {
			return nil
		}
		rows, err := x.db.WithContext(ctx).Raw(query, map[string]any{"ids": ids, "candidate": x.CandidateID}).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var data []byte
			if err := rows.Scan(&id, &data); err != nil {
				return err
			}
			// Stored already compressed (PDF, JPEG, PNG, DOCX): kept as they are.
			f, err := zw.CreateHeader(&zip.FileHeader{Name: paths[id], Method: zip.Store, Modified: modified})
			if err != nil {
				return err
			}
			if _, err := f.Write(data); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	// The candidate's id again in each statement: a file reaches the zip only
	// through a row of theirs.
	if err := copyRows(`SELECT f.id, f.data FROM stored_files f WHERE f.id IN @ids AND (
			f.id IN (SELECT file_id FROM candidate_documents WHERE candidate_id = @candidate)
			OR f.id IN (SELECT t.file_id FROM onboarding_tasks t JOIN applications a ON a.id = t.application_id WHERE a.candidate_id = @candidate))
		ORDER BY f.id`, stored, byStored); err != nil {
		return err
	}
	return copyRows(`SELECT ct.id, ct.pdf FROM contracts ct JOIN applications a ON a.id = ct.application_id
		WHERE ct.id IN @ids AND a.candidate_id = @candidate AND ct.pdf IS NOT NULL ORDER BY ct.id`, contracts, byContract)
}

// exportFileName is a plain name for a file in the zip: letters, digits,
// dots, dashes and underscores only, ending as its type does, behind a
// number that keeps two files of one name apart.
func exportFileName(dir string, n int64, name, contentType string) string {
	name = downloadName(cleanFileName(name), contentType)
	name = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, name)
	name = strings.TrimLeft(name, ".")
	if name == "" {
		name = "file"
	}
	return path.Join("files", dir, fmt.Sprintf("%d-%s", n, name))
}

// exportReadme is README.txt: what the export holds, what it leaves out and
// why, and how to ask for erasure.
func exportReadme(producedBy string) string {
	return `Your data from Nextstep
=======================

This archive holds what we keep about you in our candidate portal. It was produced by ` + producedBy + `.

What is included
- data.json: your profile (name, email address, phone, time zone, email choices); each application with
  the position, its stage and status as your pages showed them, and its history; the interviews you were
  invited to (the times offered and the one booked, in UTC and in your time zone); your assessment-day
  bookings; every message we sent you (sign-in links left out, and links that worked as a key blanked);
  your answers to interest checks, the questions you asked about an offer, the offers we sent you; your
  contracts with their signature records and your consents to electronic signature; your consents to
  background checks and medicals, with the addresses or appointment times you gave and any pre-decision
  notice we sent you with your reply; the referees you named (their names and contact details); your
  onboarding tasks with what you entered; your first-day details; and the list of your documents.
- files/: your documents (uploaded by you or by our staff), your onboarding uploads, and the signed PDF
  of each contract. data.json names each file.
- Times are in UTC ("...Z") unless a field says local; time_zone_of_local_times names your zone.

Sensitive onboarding answers (bank details, national insurance number, emergency contact) are stored
encrypted. In an export you download yourself they are shown in full, because they are your own data and
only you can download it. In an export our staff produce for you (which is sent by email) they are masked,
showing only their last characters; download the export from your account page to see them in full.

What is NOT included, and why
- Our staff's internal notes about you, interview scorecards and ratings, assessment-day results and the
  discussions of a hiring decision: these are our staff's opinions and working notes, which we keep
  confidential to protect the people who wrote them and the hiring process.
- What your referees wrote about you, or their reasons for declining: that is the referees' personal data,
  given to us in confidence. You can see whether each referee answered.
- The reports of background check and medical providers and our internal notes on their results: these
  belong to the provider or the occupational health service, who can give you your report. Any finding we
  acted on was sent to you in a pre-decision notice, which is included.
- A decision on an application that has not yet been sent to you: it is included once we have told you.
- Our audit log and technical records (sign-in records, delivery attempts): records of what was done in
  the portal and when, kept for security. Ask us if you want to know what they say about you.

To ask us to erase your data, press "Ask us to erase my data" on your account page in the portal, or
write to us. An administrator confirms it within a month; if we cannot erase something yet (an
application still in progress) or must keep it by law (a signed contract of employment), we tell you why.
`
}
