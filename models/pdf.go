package models

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// The PDF embeds DejaVu (a free Unicode font, licence in fonts/LICENSE):
// the core PDF fonts know only cp1252, and lost the letters of names such
// as "Łukasz Dvořák-Şahin Ελένη".
//
//go:embed fonts/*.ttf
var pdfFonts embed.FS

const (
	pdfSans = "DejaVuSans"
	pdfMono = "DejaVuSansMono"
)

// newPDF starts an A4 document with the Unicode fonts registered.
func newPDF() (*fpdf.Fpdf, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	for _, f := range []struct{ family, style, file string }{
		{pdfSans, "", "DejaVuSans.ttf"}, {pdfSans, "B", "DejaVuSans-Bold.ttf"},
		{pdfSans, "I", "DejaVuSans-Oblique.ttf"}, {pdfMono, "", "DejaVuSansMono.ttf"},
	} {
		b, err := pdfFonts.ReadFile("fonts/" + f.file)
		if err != nil {
			return nil, err
		}
		pdf.AddUTF8FontFromBytes(f.family, f.style, b)
	}
	return pdf, pdf.Error()
}

// ContractDocument is what the final contract PDF shows.
type ContractDocument struct {
	Contract       Contract
	CandidateName  string
	CandidateEmail string
	EmployerEmail  string
	PositionTitle  string
	Company        string
	Trail          []AuditEntry
	VerifyURL      string
}

// ContractPDF renders the signed contract: its frozen text, both signature
// blocks, and a signature certificate listing the audit trail and the
// SHA-256 of the text.
func ContractPDF(doc ContractDocument) ([]byte, error) {
	c := doc.Contract
	if c.CandidateSignedAt == nil || c.EmployerSignedAt == nil {
		return nil, fault("contract %d is not signed by both parties", c.ID)
	}
	pdf, err := newPDF()
	if err != nil {
		return nil, err
	}
	pdf.SetCreationDate(c.EmployerSignedAt.UTC())
	pdf.SetModificationDate(c.EmployerSignedAt.UTC())
	pdf.SetTitle(fmt.Sprintf("Employment contract: %s", doc.CandidateName), true)
	pdf.SetAuthor(doc.Company, true)
	pdf.SetCreator("Nextstep", true)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	utc := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont(pdfSans, "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 5, fmt.Sprintf("Contract %d · text SHA-256 %s · page %d", c.ID, c.TextSHA256[:16]+"…", pdf.PageNo()), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})

	pdf.AddPage()
	pdf.SetFont(pdfSans, "B", 16)
	pdf.MultiCell(0, 8, fmt.Sprintf("Employment contract: %s", doc.PositionTitle), "", "L", false)
	pdf.SetFont(pdfSans, "", 10)
	pdf.MultiCell(0, 6, fmt.Sprintf("%s and %s", doc.Company, doc.CandidateName), "", "L", false)
	pdf.Ln(4)
	pdf.SetFont(pdfSans, "", 11)
	pdf.MultiCell(0, 5.5, c.Text, "", "L", false)

	pdf.Ln(8)
	pdf.SetFont(pdfSans, "B", 12)
	pdf.MultiCell(0, 7, "Signatures", "", "L", false)
	block := func(role, name, email string, at time.Time, ip string) {
		pdf.SetFont(pdfSans, "B", 10)
		pdf.MultiCell(0, 5.5, role, "", "L", false)
		pdf.SetFont(pdfSans, "I", 14)
		pdf.MultiCell(0, 8, name, "B", "L", false)
		pdf.SetFont(pdfSans, "", 9)
		pdf.MultiCell(0, 5, fmt.Sprintf("Signed electronically by %s (%s) on %s from IP %s", name, email, utc(at), ip), "", "L", false)
		pdf.Ln(4)
	}
	block("Employee", deref(c.CandidateSignedName), doc.CandidateEmail, *c.CandidateSignedAt, deref(c.CandidateIP))
	block("For the Employer: "+doc.Company, deref(c.EmployerSignedName), doc.EmployerEmail, *c.EmployerSignedAt, deref(c.EmployerIP))
	// True only now: the contract text itself never claims it (it is shown
	// for signing before anyone has signed).
	pdf.SetFont(pdfSans, "B", 10)
	pdf.MultiCell(0, 5.5, "Signed electronically by both parties.", "", "L", false)

	pdf.AddPage()
	pdf.SetFont(pdfSans, "B", 16)
	pdf.MultiCell(0, 8, "Signature certificate", "", "L", false)
	pdf.SetFont(pdfSans, "", 10)
	pdf.MultiCell(0, 5.5, fmt.Sprintf("Contract %d between %s and %s for the position %s.", c.ID, doc.Company, doc.CandidateName, doc.PositionTitle), "", "L", false)
	pdf.Ln(2)
	pdf.SetFont(pdfSans, "B", 10)
	pdf.MultiCell(0, 5.5, "SHA-256 of the contract text:", "", "L", false)
	pdf.SetFont(pdfMono, "", 9)
	pdf.MultiCell(0, 5, c.TextSHA256, "", "L", false)
	pdf.Ln(3)
	pdf.SetFont(pdfSans, "B", 10)
	pdf.MultiCell(0, 5.5, "Audit trail (all times UTC)", "", "L", false)
	for _, e := range doc.Trail {
		pdf.SetFont(pdfSans, "B", 9)
		pdf.MultiCell(0, 5, fmt.Sprintf("%s  %s", utc(e.CreatedAt), eventName(e.Action)), "", "L", false)
		pdf.SetFont(pdfSans, "", 8.5)
		pdf.MultiCell(0, 4.5, fmt.Sprintf("By %s (%s) · IP %s · %s", e.ActorEmail, e.ActorKind, nonEmpty(e.IP, "n/a"), nonEmpty(e.UserAgent, "no user agent")), "", "L", false)
		pdf.Ln(1.5)
	}
	pdf.Ln(3)
	pdf.SetFont(pdfSans, "", 9)
	pdf.MultiCell(0, 5, fmt.Sprintf("Both parties signed with a simple electronic signature: each typed their full name and confirmed their intent to sign after the candidate consented to electronic records (disclosure version %s). To check that a copy of this document is exactly the one Nextstep produced, upload it at %s", EsignDisclosureVersion, doc.VerifyURL), "", "L", false)

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func eventName(action string) string {
	switch action {
	case "contract.created":
		return "Contract created"
	case "contract.sent":
		return "Sent to the candidate"
	case "contract.viewed":
		return "Viewed by the candidate"
	case "contract.consent_given":
		return "Consent to electronic records given"
	case "contract.signed_candidate":
		return "Signed by the candidate"
	case "contract.countersigned":
		return "Countersigned by the employer"
	case "contract.completed":
		return "Completed"
	}
	return action
}

// TextHash is the hex SHA-256 of a contract text.
func TextHash(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:])
}

// NamesMatch compares a typed name with the name on record, ignoring case and spacing.
func NamesMatch(typed, onRecord string) bool {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return norm(typed) != "" && norm(typed) == norm(onRecord)
}
