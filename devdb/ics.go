package devdb

import (
	"fmt"
	"strings"

	"github.com/emersion/go-ical"
)

// StrictICS checks, for tests, the line rules of RFC 5545 that calendar
// clients rely on: every line ends in CRLF, no bare CR or LF, no control
// characters but HTAB, lines of at most 75 octets; then it parses the
// calendar with a real iCalendar decoder.
func StrictICS(cal string) (*ical.Calendar, error) {
	if !strings.HasSuffix(cal, "\r\n") {
		return nil, fmt.Errorf("the calendar does not end with CRLF")
	}
	var problems []string
	for i, line := range strings.Split(strings.TrimSuffix(cal, "\r\n"), "\r\n") {
		if len(line) > 75 {
			problems = append(problems, fmt.Sprintf("line %d is %d octets long (at most 75): %q", i+1, len(line), line))
		}
		for _, r := range line {
			if (r < 0x20 && r != '\t') || r == 0x7f {
				return nil, fmt.Errorf("line %d carries control character %U: %q", i+1, r, line)
			}
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	parsed, err := ical.NewDecoder(strings.NewReader(cal)).Decode()
	if err != nil {
		return nil, fmt.Errorf("strict parse: %w\n%s", err, cal)
	}
	return parsed, nil
}
