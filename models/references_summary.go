package models

import (
	"context"
	"slices"
	"strings"
)

// The references of a position's candidates in sums, for the side-by-side
// review: each application's average rating and its referees' "would hire
// again" answers. The answers themselves are read per application through
// ReferenceReview.

// ReferenceSummary sums the answered references of one application.
type ReferenceSummary struct {
	ApplicationID int64
	Answered      int      // referees who answered
	Ratings       int      // rating answers over all of them and all questions
	AverageRating *float64 // their average, 1 to 5; nil without any
	// RehireYes, RehireNo, RehireUnsure count each answered referee's answer
	// to the first yes/no/unsure question they were asked: "Would you hire or
	// work with them again?" in the default questionnaire.
	RehireYes, RehireNo, RehireUnsure int
}

// AsksReferences reports whether a pipeline has the reference checks stage,
// where candidates name their referees.
func (p Pipeline) AsksReferences() bool { return slices.Contains(p, StageReferenceChecks) }

// referenceSummariesSQL sums the answered referees of the applications of
// one position that the actor may read (the scope condition is spliced in
// for the alias a of applications and p of positions).
const referenceSummariesSQL = `
WITH refs AS (
	SELECT r.id, r.application_id FROM referees r
		JOIN applications a ON a.id = r.application_id JOIN positions p ON p.id = a.position_id
	WHERE a.position_id = ? AND r.status = 'answered' AND ({scope})),
ratings AS (
	SELECT refs.application_id, count(*) AS ratings, avg(x.rating)::float8 AS average_rating
	FROM refs JOIN reference_answers x ON x.referee_id = refs.id WHERE x.kind = 'rating' GROUP BY 1),
rehire AS (
	SELECT application_id, count(*) FILTER (WHERE choice = 'yes') AS rehire_yes, count(*) FILTER (WHERE choice = 'no') AS rehire_no,
		count(*) FILTER (WHERE choice = 'unsure') AS rehire_unsure
	FROM (SELECT DISTINCT ON (x.referee_id) refs.application_id, x.choice
		FROM refs JOIN reference_answers x ON x.referee_id = refs.id WHERE x.kind = 'yes_no_unsure'
		ORDER BY x.referee_id, x.sort_order) first_choice
	GROUP BY 1)
SELECT n.application_id, n.answered, coalesce(ratings.ratings, 0) AS ratings, ratings.average_rating,
	coalesce(rehire.rehire_yes, 0) AS rehire_yes, coalesce(rehire.rehire_no, 0) AS rehire_no, coalesce(rehire.rehire_unsure, 0) AS rehire_unsure
FROM (SELECT application_id, count(*) AS answered FROM refs GROUP BY 1) n
	LEFT JOIN ratings USING (application_id) LEFT JOIN rehire USING (application_id)
ORDER BY n.application_id`

// ReviewReferenceSummaries sums the answered references of every
// application of a position, by application id, in one statement. It keeps
// to the scope of the review page and of ReferenceReview: admins and
// recruiters read every application, a hiring manager those of their own
// positions, anyone else nothing (an empty map). Applications without an
// answered referee are absent.
func (s *Store) ReviewReferenceSummaries(ctx context.Context, actor Actor, positionID int64) (map[int64]ReferenceSummary, error) {
	out := map[int64]ReferenceSummary{}
	cond, args := appScopeSQL(actor, scopeStaffOnly)
	if cond == "FALSE" {
		return out, nil
	}
	var rows []ReferenceSummary
	if err := s.db.WithContext(ctx).Raw(strings.Replace(referenceSummariesSQL, "{scope}", cond, 1), append([]any{positionID}, args...)...).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ApplicationID] = r
	}
	return out, nil
}

// ReferenceSums is where an application's references stand, for the staff
// candidate page: how many referees were named, asked, answered and
// declined, and the average of every rating answer.
type ReferenceSums struct {
	ApplicationID                    int64
	Named, Asked, Answered, Declined int
	Average                          *float64
}

// referenceSumsJSON is the sums of the applications apps selects, as a JSON
// array, for a page's one statement.
func referenceSumsJSON(apps string) string {
	return `coalesce((SELECT jsonb_agg(x) FROM (SELECT r.application_id, count(*) AS named,
		count(*) FILTER (WHERE r.status <> 'draft') AS asked, count(*) FILTER (WHERE r.status = 'answered') AS answered,
		count(*) FILTER (WHERE r.status = 'declined') AS declined,
		(SELECT avg(ra.rating)::float8 FROM reference_answers ra JOIN referees r2 ON r2.id = ra.referee_id
			WHERE r2.application_id = r.application_id AND ra.rating IS NOT NULL) AS average
		FROM referees r WHERE r.application_id IN (` + apps + `) GROUP BY r.application_id) x), '[]')`
}

// ReferenceSumsOf is the sums of one application; zero when it has no referees.
func (d *CandidateDetail) ReferenceSumsOf(appID int64) ReferenceSums {
	for _, s := range d.References {
		if s.ApplicationID == appID {
			return s
		}
	}
	return ReferenceSums{ApplicationID: appID}
}
