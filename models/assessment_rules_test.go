package models

import (
	"errors"
	"testing"
	"time"
)

func TestAssessmentDayRules(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC)
	d := AssessmentDay{StartsAt: start, EndsAt: start.Add(6 * time.Hour), CutoffHours: 24, Capacity: 20, SeatsTaken: 5, Status: DayScheduled}
	cutoff := start.Add(-24 * time.Hour)
	tests := []struct {
		name       string
		day        AssessmentDay
		now        time.Time
		book, move error
	}{
		{"well before", d, cutoff.Add(-time.Hour), nil, nil},
		{"one second before cutoff", d, cutoff.Add(-time.Second), nil, nil},
		{"at cutoff", d, cutoff, ErrBookingClosed, ErrPastCutoff},
		{"after start", d, start.Add(time.Hour), ErrBookingClosed, ErrPastCutoff},
		{"cancelled day", func() AssessmentDay { c := d; c.Status = DayCancelled; return c }(), cutoff.Add(-time.Hour), ErrDayCancelled, nil},
		{"no cutoff", func() AssessmentDay { c := d; c.CutoffHours = 0; return c }(), start.Add(-time.Minute), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.day.CanBook(tt.now); !errors.Is(err, tt.book) {
				t.Errorf("CanBook = %v, want %v", err, tt.book)
			}
			if err := tt.day.CanChangeBooking(tt.now); !errors.Is(err, tt.move) {
				t.Errorf("CanChangeBooking = %v, want %v", err, tt.move)
			}
		})
	}
	if err := d.CanSetCapacity(4); FieldErrors(err)["capacity"] == "" {
		t.Errorf("capacity below seats taken accepted: %v", err)
	}
	if err := d.CanSetCapacity(5); err != nil {
		t.Errorf("capacity equal to seats taken refused: %v", err)
	}
	if got := d.SeatsLeft(); got != 15 {
		t.Errorf("SeatsLeft = %d", got)
	}
	// Offers last 24 h, but never past the cutoff.
	early := cutoff.Add(-48 * time.Hour)
	if got := d.offerExpiry(early); !got.Equal(early.Add(WaitlistOfferTTL)) {
		t.Errorf("offer expiry %v", got)
	}
	late := cutoff.Add(-2 * time.Hour)
	if got := d.offerExpiry(late); !got.Equal(cutoff) {
		t.Errorf("late offer expiry %v, want the cutoff %v", got, cutoff)
	}
}

func TestAssessmentDayInputParse(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	good := AssessmentDayInput{Title: "Sales day", Date: "2026-12-15", StartTime: "09:00", EndTime: "16:00", TimeZone: "Europe/Berlin",
		LocationAddress: "HQ", Capacity: "20", CutoffHours: "", PositionIDs: []int64{1}}
	p, err := good.parse(now, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 15, 8, 0, 0, 0, time.UTC); !p.start.Equal(want) || p.cutoff != 24 {
		t.Fatalf("start %v (want %v in UTC), cutoff %d", p.start.UTC(), want, p.cutoff)
	}
	bad := map[string]func(*AssessmentDayInput){
		"title":            func(in *AssessmentDayInput) { in.Title = " " },
		"date":             func(in *AssessmentDayInput) { in.Date = "15/12/2026" },
		"end_time":         func(in *AssessmentDayInput) { in.EndTime = "08:00" },
		"time_zone":        func(in *AssessmentDayInput) { in.TimeZone = "Mars/Olympus" },
		"capacity":         func(in *AssessmentDayInput) { in.Capacity = "0" },
		"cutoff_hours":     func(in *AssessmentDayInput) { in.CutoffHours = "-1" },
		"location_address": func(in *AssessmentDayInput) { in.LocationAddress = "" },
		"online_url":       func(in *AssessmentDayInput) { in.OnlineURL = "javascript:alert(1)" },
		"positions":        func(in *AssessmentDayInput) { in.PositionIDs = nil },
	}
	for field, mutate := range bad {
		in := good
		mutate(&in)
		if _, err := in.parse(now, true); FieldErrors(err)[field] == "" {
			t.Errorf("%s: err = %v, want a message for that field", field, err)
		}
	}
	past := good
	past.Date = "2026-11-30"
	if _, err := past.parse(now, true); FieldErrors(err)["date"] == "" {
		t.Error("a day in the past was accepted")
	}
}

func TestCSVSafe(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-2": "'-2", "@x": "'@x", "Ada": "Ada", "": ""} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
