package models

import (
	"strings"
	"testing"
)

// TestIsPortalURL: only the portal's own pages count, never a look-alike.
func TestIsPortalURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw, base string
		want      bool
	}{
		{"http://localhost:8080/me/applications/3", "http://localhost:8080", true},
		{"http://LOCALHOST:8080/me", "http://localhost:8080/", true},
		{"https://jobs.example.com/signin/abc", "https://jobs.example.com", true},
		{"https://jobs.example.com", "https://jobs.example.com", true},
		{"https://jobs.example.com/portal/me", "https://jobs.example.com/portal", true},
		{"https://jobs.example.com/portal", "https://jobs.example.com/portal/", true},
		{"https://jobs.example.com/portalx/me", "https://jobs.example.com/portal", false},
		{"https://jobs.example.com/other", "https://jobs.example.com/portal", false},
		{"http://jobs.example.com/me", "https://jobs.example.com", false},
		{"https://jobs.example.com:8443/me", "https://jobs.example.com", false},
		{"http://localhost:8080.evil.example/me", "http://localhost:8080", false},
		{"http://localhost:8080@evil.example/me", "http://localhost:8080", false},
		{"http://user@localhost:8080/me", "http://localhost:8080", false},
		{"http://localhost:8080\\@evil.example/me", "http://localhost:8080", false},
		{"https://evil.example/http://localhost:8080/me", "http://localhost:8080", false},
		{"http://localhost:8080/me", "", false},
	}
	for _, c := range cases {
		if got := IsPortalURL(c.raw, c.base); got != c.want {
			t.Errorf("IsPortalURL(%q, %q) = %v, want %v", c.raw, c.base, got, c.want)
		}
	}
}

// TestMessageParagraphs: paragraphs at blank lines, lines kept, an address
// without the punctuation that ends its sentence.
func TestMessageParagraphs(t *testing.T) {
	t.Parallel()
	got := MessageParagraphs("Hello Ben,\n\n\n\nSee http://p.test/me/1. Or https://x.test/a?b=1&c=2),\nthanks\n\n", "http://p.test")
	if len(got) != 2 || len(got[0]) != 1 || len(got[1]) != 2 {
		t.Fatalf("paragraphs/lines = %+v", got)
	}
	want := []MessageRun{{Text: "See "}, {Text: "http://p.test/me/1", URL: "http://p.test/me/1", Portal: true}, {Text: ". Or "},
		{Text: "https://x.test/a?b=1&c=2", URL: "https://x.test/a?b=1&c=2"}, {Text: "),"}}
	if len(got[1][0]) != len(want) {
		t.Fatalf("runs = %+v, want %+v", got[1][0], want)
	}
	for i, r := range got[1][0] {
		if r != want[i] {
			t.Errorf("run %d = %+v, want %+v", i, r, want[i])
		}
	}
}

// TestMessageHTMLButtonAndSafety: the first portal address is the button
// (an address alone on its line moves under it, one in a sentence stays),
// another site's address never is, and the text's markup is escaped.
func TestMessageHTMLButtonAndSafety(t *testing.T) {
	t.Parallel()
	const base = "https://jobs.example.com"
	html := messageHTML("Acme <Ltd>", "Hi", "Hello Ben,\n\nCall https://meet.example/x first. <script>alert(1)</script>\n\nYour offer: "+base+"/me/applications/3/offer\n\nAlso "+base+"/me/messages", base, "Open your page")
	if strings.Count(html, `bgcolor="#1a56c4"`) != 1 || !strings.Contains(html, `<a href="`+base+`/me/applications/3/offer" target="_blank"`) {
		t.Errorf("the button is not the first portal address:\n%s", html)
	}
	if !strings.Contains(html, `Your offer: <a href="`+base+`/me/applications/3/offer"`) || strings.Contains(html, "Or open this address") {
		t.Errorf("an address inside a sentence must stay in it (and not be repeated):\n%s", html)
	}
	if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") || !strings.Contains(html, "Acme &lt;Ltd&gt;") {
		t.Errorf("the text's markup is not escaped:\n%s", html)
	}

	signIn := messageHTML("Acme", "Your link", "Hello Ben,\n\nHere is your sign-in link:\n\n"+base+"/signin/tok3n\n\nIgnore it otherwise.", base, "Open your page")
	if !strings.Contains(signIn, `target="_blank" style="display:inline-block;padding:12px 24px;`) || !strings.Contains(signIn, ">Sign in</a>") {
		t.Errorf("the sign-in link is not a Sign in button:\n%s", signIn)
	}
	if !strings.Contains(signIn, `Or open this address: <a href="`+base+`/signin/tok3n"`) {
		t.Errorf("the address alone on its line is not shown under the button:\n%s", signIn)
	}
	if pre := signIn[strings.Index(signIn, `mso-hide:all`):strings.Index(signIn, "</div>")]; !strings.Contains(pre, "Here is your sign-in link") || strings.Contains(pre, "tok3n") {
		t.Errorf("preheader %q: want the first paragraph after the greeting, no link", pre)
	}
	if red := RedactTokenLinks(signIn); strings.Contains(red, "tok3n") {
		t.Errorf("redaction leaves the token in the HTML part:\n%s", red)
	}

	// The unsubscribe link a reminder ends with is never its button.
	optional := messageHTML("Acme", "Reminder", "Hello Ben,\n\nStop these emails: "+base+"/unsubscribe/t0k\n\nYour page:\n"+base+"/me/applications/3", base, "Open your page")
	if !strings.Contains(optional, `<a href="`+base+`/me/applications/3" target="_blank" style="display:inline-block`) ||
		strings.Contains(optional, `<a href="`+base+`/unsubscribe/t0k" target="_blank" style="display:inline-block`) {
		t.Errorf("the button is not the page's link, or is the unsubscribe link:\n%s", optional)
	}
	if onlyStop := messageHTML("Acme", "Reminder", "Hello,\n\nStop these emails: "+base+"/unsubscribe/t0k", base, "Open your page"); strings.Contains(onlyStop, `bgcolor="#1a56c4"`) {
		t.Errorf("an unsubscribe link became the button:\n%s", onlyStop)
	}

	foreign := messageHTML("Acme", "Hi", "Hello,\n\nJoin at https://meet.example/x", base, "Open your page")
	if strings.Contains(foreign, `bgcolor="#1a56c4"`) || !strings.Contains(foreign, `<a href="https://meet.example/x"`) {
		t.Errorf("another site's address became the button, or lost its link:\n%s", foreign)
	}
}
