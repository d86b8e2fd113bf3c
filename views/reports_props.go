package views

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"nextstep/models"
)

// ReportsProps is the reports page.
type ReportsProps struct {
	Layout
	Reports *models.Reports
}

// ReportCSVURL is where a report's CSV is downloaded, for the position shown.
func ReportCSVURL(kind models.ReportKind, positionID int64) string {
	u := "/admin/reports/" + string(kind) + "/csv"
	if positionID != 0 {
		u += "?position=" + strconv.FormatInt(positionID, 10)
	}
	return u
}

// filteredPositionID is the position the page shows, 0 for all.
func (p ReportsProps) filteredPositionID() int64 {
	if p.Reports.Position == nil {
		return 0
	}
	return p.Reports.Position.ID
}

// stageTimesScope names the applications the stage times cover.
func stageTimesScope(r *models.Reports) string {
	if r.Position != nil {
		return "of " + r.Position.Title
	}
	return "across all positions"
}

// Days is a duration in days as people say it: "3 days", "2.5 days",
// "18 hours", "under an hour"; "—" for none.
func Days(d *float64) string {
	if d == nil {
		return "—"
	}
	v := *d
	switch {
	case v < 1.0/24:
		return "under an hour"
	case v < 1:
		h := int(math.Round(v * 24))
		if h == 1 {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", h)
	}
	v = math.Round(v*10) / 10
	if v == 1 {
		return "1 day"
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f days", v)
	}
	return fmt.Sprintf("%.1f days", v)
}

// Percent is a rate as a whole percentage, "—" when there is none.
func Percent(o models.OfferAcceptance) string {
	r, ok := o.Rate()
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", math.Round(r*100))
}

// DaysOverdue says how late a promise is.
func DaysOverdue(n int64) string {
	switch n {
	case 0:
		return "since earlier today"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// Chart is a horizontal bar chart, drawn as inline SVG that scales with its
// box (viewBox, width 100%): each row has its label on a line of its own
// above its bars, so labels never squeeze the bars on a narrow screen.
type Chart struct {
	ID     string // unique on the page; the title and description ids derive from it
	Title  string
	Desc   string // what the chart shows, read by screen readers
	Series []ChartSeries
	Rows   []ChartRow
}

// ChartSeries is one kind of bar, shown in the legend when there are several.
type ChartSeries struct {
	Label  string
	Colour string
}

// ChartRow is one labelled group of bars, one bar per series.
type ChartRow struct {
	Label string
	Bars  []ChartBar
}

// ChartBar is one bar: its value and the text written after it.
type ChartBar struct {
	Value float64
	Text  string
}

// Chart geometry, in viewBox units (about pixels on a phone). The SVG's
// height attribute is its natural height, so on a wide screen it is drawn at
// its natural size and on a narrow one it shrinks to the width.
const (
	chartWidth    = 300 // a 360px phone gives the chart about 294px: text stays at its size
	chartBarArea  = 200 // the longest bar; the rest holds the value text
	chartFontSize = 13
	chartBarH     = 14
	chartBarGap   = 4
	chartLabelH   = 20
	chartRowGap   = 8
	chartLegendH  = 26
	chartMaxLabel = 38 // runes; the full label is in the table
)

// Colours of the series: the brand blue and the accent green, both at least
// 3:1 against white; the value text says which is which, not the colour alone.
const (
	colourBlue  = "#1f4e79"
	colourGreen = "#0b6e4f"
	colourInk   = "#1b2430"
)

func (c Chart) legendHeight() int {
	if len(c.Series) > 1 {
		return chartLegendH
	}
	return 0
}

func (c Chart) rowHeight() int {
	return chartLabelH + max(len(c.Series), 1)*(chartBarH+chartBarGap) + chartRowGap
}

// Height is the chart's height in viewBox units.
func (c Chart) Height() int { return c.legendHeight() + len(c.Rows)*c.rowHeight() }

// ViewBox is the SVG viewBox attribute.
func (c Chart) ViewBox() string { return fmt.Sprintf("0 0 %d %d", chartWidth, c.Height()) }

// HasBars reports whether any bar has a length: a chart of zeros says nothing
// its table does not.
func (c Chart) HasBars() bool { return c.max() > 0 }

func (c Chart) max() float64 {
	m := 0.0
	for _, r := range c.Rows {
		for _, b := range r.Bars {
			m = math.Max(m, b.Value)
		}
	}
	return m
}

// chartRect is a bar or a legend key.
type chartRect struct {
	X, Y, W, H string
	Fill       string
}

// chartText is a label, a value or a legend entry.
type chartText struct {
	X, Y   string
	Text   string
	Weight string
}

func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func truncateLabel(s string) string { return truncate(s, chartMaxLabel) }

// shapes lays the chart out.
func (c Chart) shapes() ([]chartRect, []chartText) {
	var rects []chartRect
	var texts []chartText
	if len(c.Series) > 1 {
		x := 0.0
		for _, s := range c.Series {
			rects = append(rects, chartRect{X: num(x), Y: "4", W: "12", H: "12", Fill: s.Colour})
			texts = append(texts, chartText{X: num(x + 17), Y: "15", Text: s.Label})
			x += 17 + float64(len([]rune(s.Label)))*7.5 + 18
		}
	}
	m := c.max()
	for i, r := range c.Rows {
		y := float64(c.legendHeight() + i*c.rowHeight())
		texts = append(texts, chartText{X: "0", Y: num(y + 14), Text: truncateLabel(r.Label), Weight: "600"})
		for j, b := range r.Bars {
			fill := colourBlue
			if j < len(c.Series) && c.Series[j].Colour != "" {
				fill = c.Series[j].Colour
			}
			by := y + chartLabelH + float64(j*(chartBarH+chartBarGap))
			w := 0.0
			if m > 0 && b.Value > 0 {
				w = math.Max(b.Value/m*chartBarArea, 2) // a value above zero stays visible
			}
			if w > 0 {
				rects = append(rects, chartRect{X: "0", Y: num(by), W: num(w), H: strconv.Itoa(chartBarH), Fill: fill})
			}
			texts = append(texts, chartText{X: num(w + 6), Y: num(by + chartBarH - 3), Text: b.Text})
		}
	}
	return rects, texts
}

// describe writes a chart's description from its rows.
func describe(intro string, rows []ChartRow) string {
	const most = 30
	parts := make([]string, 0, min(len(rows), most))
	for i, r := range rows {
		if i == most {
			break
		}
		texts := make([]string, len(r.Bars))
		for j, b := range r.Bars {
			texts[j] = b.Text
		}
		parts = append(parts, r.Label+": "+strings.Join(texts, ", "))
	}
	d := intro + " " + strings.Join(parts, "; ") + "."
	if len(rows) > most {
		d += fmt.Sprintf(" And %d more, listed in the table.", len(rows)-most)
	}
	return d
}

// FunnelChart is one position's funnel: reached and in the stage now.
func FunnelChart(f models.PositionFunnel) Chart {
	c := Chart{ID: "chart-funnel-" + itoa(f.PositionID), Title: "Funnel: " + f.Title,
		Series: []ChartSeries{{"Reached", colourBlue}, {"In the stage now", colourGreen}}}
	for _, st := range f.Stages {
		c.Rows = append(c.Rows, ChartRow{Label: models.StageName(st.Stage), Bars: []ChartBar{
			{float64(st.Reached), itoa(st.Reached) + " reached"}, {float64(st.InStage), itoa(st.InStage) + " now"}}})
	}
	c.Desc = describe("Applications that reached each stage and that are in it now.", c.Rows)
	return c
}

// StageTimesChart is the median stay in each stage.
func StageTimesChart(r *models.Reports) Chart {
	c := Chart{ID: "chart-stage-times", Title: "Median time in each stage", Series: []ChartSeries{{"Median time", colourBlue}}}
	if r.Position != nil {
		c.Title += ": " + r.Position.Title
	}
	for _, st := range r.StageTimes {
		v, text := 0.0, "no completed stays"
		if st.MedianDays != nil {
			v, text = *st.MedianDays, Days(st.MedianDays)
		}
		c.Rows = append(c.Rows, ChartRow{Label: models.StageName(st.Stage), Bars: []ChartBar{{v, text}}})
	}
	c.Desc = describe("Median time applications spent in each stage.", c.Rows)
	return c
}

// TimeToHireChart is the median time to hire per position.
func TimeToHireChart(r *models.Reports) Chart {
	c := Chart{ID: "chart-time-to-hire", Title: "Median time to hire per position", Series: []ChartSeries{{"Median days to hire", colourBlue}}}
	for _, h := range r.TimeToHire {
		v, text := 0.0, "no hires yet"
		if h.MedianDays != nil {
			v, text = *h.MedianDays, Days(h.MedianDays)
		}
		c.Rows = append(c.Rows, ChartRow{Label: h.Title, Bars: []ChartBar{{v, text}}})
	}
	c.Desc = describe("Median time from application to hire, per position.", c.Rows)
	return c
}

// OffersChart is the offer acceptance rate per position.
func OffersChart(r *models.Reports) Chart {
	c := Chart{ID: "chart-offers", Title: "Offer acceptance rate per position", Series: []ChartSeries{{"Acceptance rate", colourBlue}}}
	for _, o := range r.Offers {
		v, text := 0.0, "no answers yet"
		if rate, ok := o.Rate(); ok {
			v, text = rate*100, fmt.Sprintf("%s (%d of %d)", Percent(o), o.Accepted, o.Accepted+o.Declined)
		}
		c.Rows = append(c.Rows, ChartRow{Label: o.Title, Bars: []ChartBar{{v, text}}})
	}
	c.Desc = describe("Share of answered offers that were accepted, per position.", c.Rows)
	return c
}

// OverdueChart is the number of overdue promises per position.
func OverdueChart(r *models.Reports) Chart {
	c := Chart{ID: "chart-overdue", Title: "Overdue promises per position", Series: []ChartSeries{{"Overdue promises", colourBlue}}}
	for _, t := range r.OverdueByPosition {
		c.Rows = append(c.Rows, ChartRow{Label: t.Title, Bars: []ChartBar{{float64(t.Count), itoa(t.Count) + " overdue"}}})
	}
	c.Desc = describe("Active applications whose promised update is late, per position.", c.Rows)
	return c
}
