package models

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
)

// Uploaded files live in PostgreSQL, in stored_files (one table for every
// feature: check results now, onboarding documents and data exports later),
// so one backup holds everything and erasure can reach every copy. The type
// is read from the bytes, never from the name; an owner row references the
// file, and a file is served only through its owner's authorisation (for a
// check's result: CheckFile), as an attachment with nosniff.

// MaxFileBytes is the largest file Nextstep keeps (10 MB). Handlers should
// stop reading a request body a little past it (http.MaxBytesReader), so an
// oversized upload is refused without holding it all.
const MaxFileBytes = 10 << 20

// The types a file may have.
const (
	FilePDF  = "application/pdf"
	FileJPEG = "image/jpeg"
	FilePNG  = "image/png"
	// FileDOCX is a Word document: accepted only among a candidate's
	// documents (SniffDocument), never as a check's result.
	FileDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// fileMagic is how each accepted type begins.
var fileMagic = map[string][]byte{
	FilePDF:  []byte("%PDF-"),
	FileJPEG: {0xFF, 0xD8, 0xFF},
	FilePNG:  {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
}

// fileExtensions are the names' endings that go with each type.
var fileExtensions = map[string][]string{FilePDF: {".pdf"}, FileJPEG: {".jpg", ".jpeg"}, FilePNG: {".png"}, FileDOCX: {".docx"}}

// SniffFile says what type a file is from its bytes: a PDF, a JPEG or a PNG,
// both by net/http's sniffing and by the type's own opening bytes. Anything
// else (an HTML page renamed .pdf), an empty file or one over 10 MB is
// refused with a sentence for the person who chose it. name is only for
// the sentences.
func SniffFile(name string, data []byte) (contentType string, err error) {
	return sniffFile(name, data, false)
}

// SniffDocument is SniffFile for a candidate's documents, which may also be
// Word documents (DOCX): a zip archive holding word/document.xml, read with
// archive/zip from the bytes (net/http's sniffing calls any zip a zip).
func SniffDocument(name string, data []byte) (contentType string, err error) {
	return sniffFile(name, data, true)
}

// zipMagic is how a zip archive (and so a DOCX) begins.
var zipMagic = []byte("PK\x03\x04")

// isDOCX reports whether data is a zip archive with a Word document's main
// part in it.
func isDOCX(data []byte) bool {
	if !bytes.HasPrefix(data, zipMagic) {
		return false
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			return true
		}
	}
	return false
}

func sniffFile(name string, data []byte, docx bool) (contentType string, err error) {
	shown := cleanFileName(name)
	switch {
	case len(data) == 0:
		return "", Invalid("file", fmt.Sprintf("%s is empty. Choose the document itself.", shown))
	case len(data) > MaxFileBytes:
		return "", Invalid("file", fmt.Sprintf("%s is too large (%s); a file can be 10 MB at most.", shown, fileSize(int64(len(data)))))
	}
	if docx && isDOCX(data) {
		return FileDOCX, nil
	}
	sniffed := http.DetectContentType(data)
	if i := strings.IndexByte(sniffed, ';'); i >= 0 {
		sniffed = sniffed[:i]
	}
	magic, known := fileMagic[sniffed]
	if !known || !bytes.HasPrefix(data, magic) {
		if docx {
			return "", Invalid("file", fmt.Sprintf("%s is not a PDF, Word (DOCX), JPEG or PNG file (its content looks like %s, whatever its name says). Save it as one of those and upload it again.",
				shown, describeType(sniffed)))
		}
		return "", Invalid("file", fmt.Sprintf("%s is not a PDF, JPEG or PNG file (its content looks like %s, whatever its name says). Upload the document as a PDF, JPEG or PNG.",
			shown, describeType(sniffed)))
	}
	return sniffed, nil
}

// describeType names a sniffed type in words.
func describeType(ct string) string {
	switch {
	case ct == "text/html":
		return "a web page (HTML)"
	case strings.HasPrefix(ct, "text/"):
		return "text"
	case ct == "application/zip":
		return "a zip archive"
	case ct == "application/octet-stream":
		return "data of an unknown kind"
	}
	return ct
}

// fileSize writes a size the way the sentences do: "10.5 MB", "820 kB".
func fileSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d kB", (n+1023)/1024)
}

// cleanFileName keeps the last element of a name, without control
// characters, quotes or path separators, within the limit; "document" when
// nothing is left.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' || r == '\\' {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" || name == "." {
		name = "document"
	}
	return truncate(name, limits.FileName.Max)
}

// downloadName is name with the ending of its sniffed type added when the
// name says otherwise, so the file opens with the right program.
func downloadName(name, contentType string) string {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range fileExtensions[contentType] {
		if ext == e {
			return name
		}
	}
	if exts := fileExtensions[contentType]; len(exts) > 0 {
		return truncate(name, limits.FileName.Max-len(exts[0])) + exts[0]
	}
	return name
}

// StoredFile is one uploaded file. Data is loaded only to serve it.
type StoredFile struct {
	ID                  int64
	Name                string // as uploaded, cleaned; DownloadName for serving
	ContentType         string // sniffed from the bytes
	SizeBytes           int64
	SHA256              []byte `gorm:"column:sha256"`
	Data                []byte `json:"-"`
	UploadedByStaff     *int64
	UploadedByCandidate *int64
	CreatedAt           time.Time
}

// TableName binds the struct to its table.
func (StoredFile) TableName() string { return "stored_files" }

// DownloadName is the name to serve the file under (Content-Disposition:
// attachment), ending as its type does.
func (f StoredFile) DownloadName() string { return downloadName(f.Name, f.ContentType) }

// Size is the file's size in words ("1.2 MB").
func (f StoredFile) Size() string { return fileSize(f.SizeBytes) }

// storeFile sniffs and writes a file in tx for actor (staff or candidate;
// anyone else: no uploader recorded) and returns it without its bytes. A
// refused file writes nothing.
func storeFile(tx *gorm.DB, actor Actor, name string, data []byte) (*StoredFile, error) {
	ct, err := SniffFile(name, data)
	if err != nil {
		return nil, err
	}
	return storeSniffed(tx, actor, name, data, ct)
}

// storeSniffed is storeFile for bytes already sniffed as ct.
func storeSniffed(tx *gorm.DB, actor Actor, name string, data []byte, ct string) (*StoredFile, error) {
	sum := sha256.Sum256(data)
	f := &StoredFile{Name: cleanFileName(name), ContentType: ct, SizeBytes: int64(len(data)), SHA256: sum[:], Data: data}
	switch actor.Kind {
	case "staff":
		f.UploadedByStaff = staffID(actor)
	case "candidate":
		id := actor.ID
		f.UploadedByCandidate = &id
	}
	if err := tx.Create(f).Error; err != nil {
		return nil, err
	}
	f.Data = nil
	return f, nil
}

// fileInfo is a file's row without its bytes, nil when id is nil.
func fileInfo(tx *gorm.DB, id *int64) (*StoredFile, error) {
	if id == nil {
		return nil, nil
	}
	var f StoredFile
	if err := tx.Select("id, name, content_type, size_bytes, sha256, uploaded_by_staff, uploaded_by_candidate, created_at").
		First(&f, *id).Error; err != nil {
		return nil, err
	}
	return &f, nil
}

// CheckFile is a check's result document, with its bytes, for download:
// only for admins and recruiters (who see check results), and only a file
// that is a check's result. Anything else is not found.
func (s *Store) CheckFile(ctx context.Context, actor Actor, fileID int64) (*StoredFile, error) {
	if !actor.IsStaff() || !actor.Role.SeesAllCandidates() {
		return nil, ErrNotFound
	}
	var row struct {
		StoredFile
		CheckApplicationID int64
	}
	db := s.db.WithContext(ctx)
	res := db.Raw(`SELECT f.*, c.application_id AS check_application_id FROM stored_files f
		JOIN LATERAL (SELECT application_id FROM checks WHERE result_file_id = f.id LIMIT 1) c ON TRUE WHERE f.id = ?`, fileID).Scan(&row)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, ErrNotFound
	}
	f := row.StoredFile // the file's name may name the candidate: sealed with their key
	return &f, s.auditPersonalOfApplication(db, actor, row.CheckApplicationID, "check.result_downloaded", "stored_file", f.ID, nil,
		map[string]any{"name": f.Name})
}
