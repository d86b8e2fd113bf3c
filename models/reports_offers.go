package models

import (
	"fmt"
	"strconv"
)

// OfferAcceptance counts offers by the answer to their newest version.
type OfferAcceptance struct {
	PositionID int64 // 0: overall
	Title      string
	Status     PositionStatus
	Accepted   int64
	Declined   int64
	Awaiting   int64 // newest version sent, not answered yet
}

// Rate is accepted / (accepted + declined); ok is false when no offer was answered.
func (o OfferAcceptance) Rate() (rate float64, ok bool) {
	n := o.Accepted + o.Declined
	if n == 0 {
		return 0, false
	}
	return float64(o.Accepted) / float64(n), true
}

// offerAcceptancePart is the offer acceptance rate, per position and overall.
func offerAcceptancePart(q *reportSQL, f ReportFilter) reportPart {
	cond, args := positionCond(f, "a.position_id")
	q.cte("outcomes", `SELECT a.position_id, v.status
			FROM offers o
			JOIN applications a ON a.id = o.application_id
			JOIN LATERAL (SELECT ov.status FROM offer_versions ov WHERE ov.offer_id = o.id ORDER BY ov.version DESC LIMIT 1) v ON true
			WHERE `+cond, args...)
	condP, argsP := positionCond(f, "p.id")
	const counts = `'accepted', count(*) FILTER (WHERE status = 'accepted'), 'declined', count(*) FILTER (WHERE status = 'declined'),
			'awaiting', count(*) FILTER (WHERE status = 'sent')`
	var offers []byte
	q.col(`(SELECT jsonb_build_object(
			'overall', (SELECT jsonb_build_object(`+counts+`) FROM outcomes),
			'positions', (SELECT coalesce(jsonb_agg(jsonb_build_object('position_id', p.id, 'title', p.title, 'status', p.status,
					'accepted', coalesce(oc.accepted, 0), 'declined', coalesce(oc.declined, 0), 'awaiting', coalesce(oc.awaiting, 0))
				ORDER BY p.status = 'open' DESC, lower(p.title), p.id), '[]')
				FROM positions p
				LEFT JOIN (SELECT position_id, count(*) FILTER (WHERE status = 'accepted') AS accepted,
				                  count(*) FILTER (WHERE status = 'declined') AS declined, count(*) FILTER (WHERE status = 'sent') AS awaiting
				           FROM outcomes GROUP BY position_id) oc ON oc.position_id = p.id
				WHERE `+condP+`)))`, &offers, argsP...)
	return func(r *Reports) error {
		if len(offers) == 0 {
			return nil
		}
		var o struct {
			Overall   OfferAcceptance
			Positions []OfferAcceptance
		}
		if err := decodeRows(offers, &o); err != nil {
			return fmt.Errorf("offer acceptance: %w", err)
		}
		r.OffersOverall, r.Offers = o.Overall, o.Positions
		return nil
	}
}

// offerAcceptanceCSV is offer acceptance as CSV records, header first, not
// yet made formula-safe.
func (r *Reports) offerAcceptanceCSV() [][]string {
	n := strconv.FormatInt
	rows := [][]string{{"position", "accepted", "declined", "awaiting_answer", "acceptance_rate_percent"}}
	line := func(title string, o OfferAcceptance) []string {
		rate := ""
		if v, ok := o.Rate(); ok {
			rate = strconv.FormatFloat(v*100, 'f', 1, 64)
		}
		return []string{title, n(o.Accepted, 10), n(o.Declined, 10), n(o.Awaiting, 10), rate}
	}
	for _, o := range r.Offers {
		rows = append(rows, line(o.Title, o))
	}
	if r.Position == nil {
		rows = append(rows, line("All positions", r.OffersOverall))
	}
	return rows
}
