package models

import (
	"strings"
	"testing"
)

// Every declared token link is hidden wherever it appears in a message —
// subject, text, HTML — whatever the base URL, and the rest is kept.
func TestRedactedHidesEveryTokenLink(t *testing.T) {
	t.Parallel()
	for _, l := range tokenLinks() {
		for _, base := range []string{"http://localhost:8080", "https://jobs.example.com/portal", "http://x"} {
			token := NewSecret()
			link := SignInURL(base, token)
			if l.Path != "/signin/" {
				link = strings.TrimRight(base, "/") + l.Path + token
			}
			m := OutboxMessage{
				Subject:  "Your link " + link,
				Body:     "Hello,\n\n" + link + "\n\nor (" + link + "). See you at " + base + "/me/applications/1",
				BodyHTML: `<p><a href="` + link + `">` + link + `</a></p>`,
			}
			r := m.Redacted()
			for field, text := range map[string]string{"subject": r.Subject, "body": r.Body, "html": r.BodyHTML} {
				if strings.Contains(text, token) || strings.Contains(text, l.Path) {
					t.Errorf("%s (%s): the %s still holds the link: %q", l.Placeholder, base, field, text)
				}
				if !strings.Contains(text, l.Hidden) {
					t.Errorf("%s (%s): the %s does not say the link is hidden: %q", l.Placeholder, base, field, text)
				}
			}
			if !strings.Contains(r.Body, base+"/me/applications/1") || !strings.HasPrefix(r.Body, "Hello,\n\n") {
				t.Errorf("redaction took more than the link: %q", r.Body)
			}
			if m.Body == r.Body || !strings.Contains(m.Body, token) {
				t.Fatal("Redacted changed the message it was given")
			}
		}
	}
	if got := RedactTokenLinks("Next step: Assessment day\nhttp://x/me/applications/3"); got != "Next step: Assessment day\nhttp://x/me/applications/3" {
		t.Errorf("text without a token link changed: %q", got)
	}
}

// The editor refuses a token link placeholder anywhere but the body, for
// every editable kind, with a message on the subject field that names it;
// the same placeholder in the body is accepted where the kind has it.
func TestMessageEditorRefusesTokenLinksInTheSubject(t *testing.T) {
	t.Parallel()
	for _, kind := range EditableMessageKinds() {
		def := messageCatalogue[kind]
		for _, l := range tokenLinks() {
			err := ValidateMessageTemplate(kind, "Hello {{"+l.Placeholder+"}}", def.Body)
			fe := FieldErrors(err)
			if fe == nil || !strings.Contains(fe["subject"], "{{"+l.Placeholder+"}}") {
				t.Errorf("%s: {{%s}} in the subject: %v, want a subject message naming it", kind, l.Placeholder, err)
				continue
			}
			if contains(def.Placeholders, l.Placeholder) && !strings.Contains(fe["subject"], "never in the subject") {
				t.Errorf("%s: subject message = %q, want it to say the link goes only in the message", kind, fe["subject"])
			}
			if _, ok := fe["body"]; ok {
				t.Errorf("%s: the default body was refused too: %q", kind, fe["body"])
			}
		}
		if err := ValidateMessageTemplate(kind, def.Subject, def.Body); err != nil {
			t.Errorf("%s: the default wording is refused: %v", kind, err)
		}
	}
}

// No built-in wording, editable or not, puts a token link outside the body.
func TestDefaultWordingKeepsTokenLinksInTheBody(t *testing.T) {
	t.Parallel()
	for kind, def := range messageCatalogue {
		for _, m := range placeholderPattern.FindAllStringSubmatch(def.Subject, -1) {
			if tokenLinkPlaceholder(m[1]) {
				t.Errorf("%s: the default subject %q holds {{%s}}", kind, def.Subject, m[1])
			}
		}
	}
}
