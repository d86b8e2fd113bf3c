package models

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
)

// csvSafe neutralises cells a spreadsheet would run as a formula
// (CSV injection): they get a leading apostrophe.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// RosterCSV is a day's roster and waitlist as a spreadsheet-safe CSV file.
func RosterCSV(r *Roster) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	loc := r.Day.Location()
	rows := [][]string{{"list", "place", "name", "email", "position", "status", "attendance", "result", "notes", "since"}}
	add := func(list string, entries []RosterEntry) {
		for i, e := range entries {
			row := []string{list, strconv.Itoa(i + 1), e.Name, e.Email, e.PositionTitle, e.Status(), string(e.Attendance), string(e.Result), e.ResultNotes,
				e.CreatedAt.In(loc).Format("2006-01-02 15:04")}
			for j := range row {
				row[j] = csvSafe(row[j])
			}
			rows = append(rows, row)
		}
	}
	add("booked", r.Booked)
	add("waitlist", r.Waitlist)
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
