package models

import (
	"html/template"
	"regexp"
	"strings"
)

// The HTML part is derived from the plain text, so the two always say the
// same thing: paragraphs stay paragraphs and links become links.
var messageHTMLTemplate = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:24px 12px;background:#f4f5f7;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2230;line-height:1.5;font-size:16px">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
<p style="margin:0 0 16px;font-weight:600;color:#3b4252">{{.Company}}</p>
{{range .Paragraphs}}<p style="margin:0 0 16px">{{.}}</p>
{{end}}</div>
</body></html>
`))

var linkInText = regexp.MustCompile(`https?://[^\s<>"]+`)

func messageHTML(company, subject, text string) string {
	var paras []template.HTML
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, paragraphHTML(p))
		}
	}
	var b strings.Builder
	if err := messageHTMLTemplate.Execute(&b, map[string]any{"Company": company, "Subject": subject, "Paragraphs": paras}); err != nil {
		return ""
	}
	return b.String()
}

// paragraphHTML escapes a paragraph, turns its links into anchors and its
// line breaks into <br>.
func paragraphHTML(p string) template.HTML {
	var b strings.Builder
	last := 0
	for _, loc := range linkInText.FindAllStringIndex(p, -1) {
		b.WriteString(template.HTMLEscapeString(p[last:loc[0]]))
		u := strings.TrimRight(p[loc[0]:loc[1]], ".,;:)")
		esc := template.HTMLEscapeString(u)
		b.WriteString(`<a href="` + esc + `" style="color:#1a56c4;word-break:break-all">` + esc + `</a>`)
		last = loc[0] + len(u)
	}
	b.WriteString(template.HTMLEscapeString(p[last:]))
	return template.HTML(strings.ReplaceAll(b.String(), "\n", "<br>\n")) // #nosec: every piece above is escaped
}
