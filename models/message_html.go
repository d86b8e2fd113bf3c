package models

import (
	"html/template"
	"net/url"
	"regexp"
	"strings"
)

// A message is written as plain text. Pages and the email's HTML part read it
// through MessageParagraphs, so they say exactly what the text says:
// paragraphs stay paragraphs, lines stay lines, and web addresses become
// runs of their own that a reader may turn into links.

// MessageRun is a piece of one line of a message: words, or a web address.
type MessageRun struct {
	Text   string // as written; an address's text is the address
	URL    string // set when the run is an http(s) address
	Portal bool   // the address is one of the portal's own pages (under its base URL)
}

// MessageParagraph is one paragraph of a message: its lines, each a run list.
type MessageParagraph [][]MessageRun

// addressInText finds http(s) addresses in plain text. Quotes, angle brackets
// and backslashes end an address: none belongs in the links messages carry.
var addressInText = regexp.MustCompile(`https?://[^\s<>"'\\]+`)

// MessageParagraphs splits text into paragraphs (at blank lines), lines and
// runs. An address loses the punctuation that ends its sentence; it is a
// portal address when it lies under baseURL (IsPortalURL).
func MessageParagraphs(text, baseURL string) []MessageParagraph {
	base, _ := url.Parse(baseURL)
	var out []MessageParagraph
	for _, p := range strings.Split(strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n")), "\n\n") {
		if p = strings.Trim(p, "\n"); strings.TrimSpace(p) == "" {
			continue
		}
		var para MessageParagraph
		for _, line := range strings.Split(p, "\n") {
			para = append(para, lineRuns(line, base))
		}
		out = append(out, para)
	}
	return out
}

// lineRuns splits one line into words and addresses.
func lineRuns(line string, base *url.URL) []MessageRun {
	var runs []MessageRun
	last := 0
	for _, loc := range addressInText.FindAllStringIndex(line, -1) {
		if loc[0] < last {
			continue
		}
		addr := strings.TrimRight(line[loc[0]:loc[1]], ".,;:!?)")
		if len(addr) <= len("https://") {
			continue
		}
		if loc[0] > last {
			runs = append(runs, MessageRun{Text: line[last:loc[0]]})
		}
		runs = append(runs, MessageRun{Text: addr, URL: addr, Portal: portalURL(addr, base)})
		last = loc[0] + len(addr)
	}
	if last < len(line) {
		runs = append(runs, MessageRun{Text: line[last:]})
	}
	return runs
}

// IsPortalURL reports whether raw is an address of one of the portal's own
// pages: the scheme, host and port of baseURL, no user name, and a path
// within baseURL's path. Anything else (another site, a look-alike host such
// as localhost:8080.evil.example) is someone else's page.
func IsPortalURL(raw, baseURL string) bool {
	base, err := url.Parse(baseURL)
	return err == nil && portalURL(raw, base)
}

func portalURL(raw string, base *url.URL) bool {
	if base == nil || base.Host == "" || strings.ContainsAny(raw, "\\") {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Opaque != "" {
		return false
	}
	if !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) {
		return false
	}
	prefix := strings.TrimRight(base.Path, "/")
	return prefix == "" || u.Path == prefix || strings.HasPrefix(u.Path, prefix+"/")
}

// The HTML part is derived from the plain text (which is sent unchanged as
// the text part), laid out for mail clients rather than browsers: tables
// for structure (Outlook on Windows lays out with Word, which ignores
// max-width and most CSS on divs), every style inline on the element it
// styles (several webmail clients drop <head> styles and never apply <body>
// styles), at most 600 px wide, a hidden preheader that inbox lists show
// beside the subject, and a "bulletproof" button for the message's primary
// link: a table cell with a background colour (drawn by every client) around
// a padded link, Outlook's padding given by mso-padding-alt.
var messageHTMLTemplate = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:0;word-spacing:normal;background-color:#f4f5f7">
<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;color:#f4f5f7">{{.Preheader}}{{.PreheaderPad}}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f4f5f7" style="width:100%;border-collapse:collapse;background-color:#f4f5f7">
<tr>
<td align="center" style="padding:24px 12px">
{{.MSOOpen}}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="width:100%;max-width:600px;border-collapse:separate;background-color:#ffffff;border-radius:8px">
<tr>
<td align="left" style="padding:24px;font-family:{{.Font}};font-size:16px;line-height:24px;color:#1d2230;text-align:left">
<p style="margin:0 0 16px;font-family:{{.Font}};font-size:16px;line-height:24px;font-weight:bold;color:#3b4252">{{.Company}}</p>
{{range .Blocks}}{{if .Lines}}<p style="margin:0 0 16px;font-family:{{$.Font}};font-size:16px;line-height:24px;color:#1d2230">{{range $i, $line := .Lines}}{{if $i}}<br>
{{end}}{{range $line}}{{if .URL}}<a href="{{.URL}}" style="color:#1a56c4;text-decoration:underline;word-break:break-all">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{end}}{{end}}</p>
{{end}}{{with .Button}}<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 16px;border-collapse:separate">
<tr>
<td align="center" bgcolor="#1a56c4" style="border-radius:6px;background-color:#1a56c4;mso-padding-alt:12px 24px">
<a href="{{.URL}}" target="_blank" style="display:inline-block;padding:12px 24px;font-family:{{$.Font}};font-size:16px;line-height:20px;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:6px;mso-padding-alt:0">{{.Label}}</a>
</td>
</tr>
</table>
{{if .ShowURL}}<p style="margin:0 0 16px;font-family:{{$.Font}};font-size:14px;line-height:20px;color:#4a5263">Or open this address: <a href="{{.URL}}" style="color:#1a56c4;text-decoration:underline;word-break:break-all">{{.URL}}</a></p>
{{end}}{{end}}{{end}}</td>
</tr>
</table>
{{.MSOClose}}
</td>
</tr>
</table>
</body>
</html>
`))

// Outlook on Windows ignores max-width: a fixed 600 px table only it sees
// (a conditional comment, which html/template would strip from the template
// itself) holds the layout to 600 px there.
const (
	mailMSOOpen  = template.HTML(`<!--[if mso]><table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->`)
	mailMSOClose = template.HTML(`<!--[if mso]></td></tr></table><![endif]-->`)
	// After the preheader: invisible characters, so a client that shows
	// more of the preview does not pull in the body's first words.
	mailPreheaderPad = template.HTML(`&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;`)
	mailFont         = `-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif` // no quotes: none to escape in a style attribute
	// preheaderMax is roughly what inbox lists show of it.
	preheaderMax = 120
)

// mailBlock is one paragraph of the HTML part, perhaps followed by the button.
type mailBlock struct {
	Lines  [][]MessageRun
	Button *mailButton
}

// mailButton is the message's primary link as a button.
type mailButton struct {
	URL, Label string
	ShowURL    bool // the address was taken off its line: shown again under the button
}

// messageHTML is the HTML part of a message with this subject and text;
// label names the button (buttonLabel).
//
// The primary link is the text's first address under baseURL (the portal's
// own pages: the sign-in link, the candidate's page, the staff page the
// alert is about); an address of another site (a video call) is never the
// button. The button follows the paragraph holding it. When the address
// stands alone on its line ("…on your page:\n<address>"), the button takes
// its place and the address is shown under it as words to copy, for clients
// that block buttons; written inside a sentence, it stays there.
func messageHTML(company, subject, text, baseURL, label string) string {
	paras := MessageParagraphs(text, baseURL)
	var blocks []mailBlock
	haveButton := false
	for _, para := range paras {
		b := mailBlock{}
		for _, line := range para {
			if !haveButton {
				if i := firstPortalRun(line, baseURL); i >= 0 {
					haveButton = true
					alone := len(strings.TrimSpace(plainText(line[:i])+plainText(line[i+1:]))) == 0
					b.Button = &mailButton{URL: line[i].URL, Label: buttonLabel(line[i].URL, baseURL, label), ShowURL: alone}
					if alone {
						continue
					}
				}
			}
			b.Lines = append(b.Lines, line)
		}
		blocks = append(blocks, b)
	}
	var out strings.Builder
	err := messageHTMLTemplate.Execute(&out, map[string]any{
		"Company": company, "Subject": subject, "Blocks": blocks, "Font": template.CSS(mailFont),
		"Preheader": preheader(paras), "PreheaderPad": mailPreheaderPad,
		"MSOOpen": mailMSOOpen, "MSOClose": mailMSOClose,
	})
	if err != nil {
		return ""
	}
	return out.String()
}

func firstPortalRun(line []MessageRun, baseURL string) int {
	for i, r := range line {
		if r.Portal && buttonLabel(r.URL, baseURL, "button") != "" {
			return i
		}
	}
	return -1
}

// plainText is the words of runs, addresses left out.
func plainText(runs []MessageRun) string {
	var b strings.Builder
	for _, r := range runs {
		if r.URL == "" {
			b.WriteString(r.Text)
		}
	}
	return b.String()
}

// buttonLabel names where the primary link leads: a token link by its own
// label (Sign in), any other page of the portal by who reads the message
// (label: "Open your page" for a candidate, "Open in Nextstep" for staff).
// It is empty for a link that is never the button (unsubscribe).
func buttonLabel(link, baseURL, label string) string {
	if u, err := url.Parse(link); err == nil {
		if b, err := url.Parse(baseURL); err == nil {
			path := strings.TrimPrefix(u.Path, strings.TrimRight(b.Path, "/"))
			for _, l := range tokenLinks() {
				if strings.HasPrefix(path, l.Path) {
					return l.Button
				}
			}
		}
	}
	return label
}

// preheader is the text inbox lists show beside the subject: the first
// paragraph after the greeting ("Hello Ben,"), without its addresses (a
// token link must never reach a preview), cut at a word near preheaderMax.
func preheader(paras []MessageParagraph) string {
	for i, p := range paras {
		var lines []string
		for _, line := range p {
			lines = append(lines, plainText(line))
		}
		s := strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
		s = strings.TrimRight(s, ": ")
		if s == "" || (i == 0 && len(p) == 1 && strings.HasSuffix(s, ",")) {
			continue
		}
		if r := []rune(s); len(r) > preheaderMax {
			cut := string(r[:preheaderMax])
			if sp := strings.LastIndex(cut, " "); sp > preheaderMax/2 {
				cut = cut[:sp]
			}
			s = strings.TrimRight(cut, " ,;:") + "…"
		}
		return s
	}
	return ""
}
