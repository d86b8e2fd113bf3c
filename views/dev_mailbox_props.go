package views

import (
	"regexp"
	"time"
)

// DevMail is one email the development mailbox received, decoded.
type DevMail struct {
	ID         int // 1 for the first received
	From       string
	To         []string
	Subject    string
	Date       time.Time
	Text, HTML string
}

// DevMailboxProps is the development mailbox's list.
type DevMailboxProps struct {
	Layout
	Mail []DevMail // newest first
}

// DevMailProps is one email in the development mailbox.
type DevMailProps struct {
	Layout
	Mail DevMail
}

// DevMailPath is one email in the development mailbox.
func DevMailPath(id int) string { return "/dev/mailbox/" + itoa(int64(id)) }

// textRun is a piece of an email's text: plain, or a link to follow.
type textRun struct{ Text, Link string }

var linkInText = regexp.MustCompile(`https?://[^\s<>"']+`)

// textRuns splits text into plain runs and links, so the mailbox shows
// working links (the sign-in links above all).
func textRuns(text string) []textRun {
	var out []textRun
	last := 0
	for _, m := range linkInText.FindAllStringIndex(text, -1) {
		if m[0] > last {
			out = append(out, textRun{Text: text[last:m[0]]})
		}
		out = append(out, textRun{Text: text[m[0]:m[1]], Link: text[m[0]:m[1]]})
		last = m[1]
	}
	if last < len(text) {
		out = append(out, textRun{Text: text[last:]})
	}
	return out
}
