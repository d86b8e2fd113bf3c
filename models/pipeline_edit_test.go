package models_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	m "nextstep/models"
)

func catalogueKeys() []m.StageKey {
	var out []m.StageKey
	for _, st := range m.Stages() {
		out = append(out, st.Key)
	}
	return out
}

func TestParseEditorOrderEmptyKeepsCatalogue(t *testing.T) {
	t.Parallel()
	for _, places := range []map[m.StageKey]string{nil, {}, {m.StageHRRound: " "}} {
		got, err := m.ParseEditorOrder(places)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, catalogueKeys()) {
			t.Errorf("places %v: order %v, want the catalogue", places, got)
		}
	}
}

func TestParseEditorOrderPlaces(t *testing.T) {
	t.Parallel()
	// HR round first; the rest without a place keep their catalogue order after it.
	got, err := m.ParseEditorOrder(map[m.StageKey]string{m.StageHRRound: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != m.StageHRRound || got[1] != m.StageInterviewCompleted {
		t.Errorf("order %v, want HR round then interview completed", got)
	}
	// Hired and the other closing stages end the list whatever their places say.
	got, err = m.ParseEditorOrder(map[m.StageKey]string{m.StageHired: "1", m.StageContract: "2", m.StageOffer: "3", m.StageMedical: "99"})
	if err != nil {
		t.Fatal(err)
	}
	tail := got[len(got)-4:]
	if !slices.Equal(tail, []m.StageKey{m.StageOffer, m.StageContract, m.StageOnboarding, m.StageHired}) {
		t.Errorf("tail %v, want offer, contract, onboarding, hired", tail)
	}
	// A stage with a place comes before those without one.
	if got[0] != m.StageMedical || got[1] != m.StageInterviewCompleted {
		t.Errorf("order %v: the medical (the only place given) should be first", got)
	}
	if len(got) != len(catalogueKeys()) {
		t.Errorf("%d stages on the list, want %d", len(got), len(catalogueKeys()))
	}
	for _, bad := range []string{"x", "0", "100", "-1", "1.5"} {
		_, err := m.ParseEditorOrder(map[m.StageKey]string{m.StageHRRound: bad})
		if msg := m.FieldErrors(err)["stages"]; !strings.Contains(msg, "The order of HR round must be a number from 1 to 99.") {
			t.Errorf("place %q: error %v", bad, err)
		}
	}
}

func TestEditorOrderForStoredPipeline(t *testing.T) {
	t.Parallel()
	p := m.Pipeline{m.StageInterviewCompleted, m.StageHRRound, m.StageAssessmentDay, m.StageFinalDecision, m.StageOffer, m.StageHired}
	got := m.EditorOrder(p)
	// Each unused stage follows its catalogue predecessor: additional interview
	// after interview completed, reference checks after HR round, and so on.
	want := []m.StageKey{m.StageInterviewCompleted, m.StageAdditionalInterview, m.StageHRRound, m.StageReferenceChecks,
		m.StageBackgroundCheck, m.StageMedical, m.StageAssessmentDay, m.StageCommercialNegotiation, m.StageFinalDecision,
		m.StageOffer, m.StageContract, m.StageOnboarding, m.StageHired}
	if !slices.Equal(got, want) {
		t.Errorf("editor order\n got %v\nwant %v", got, want)
	}
	// The pipeline read back from the list is the one stored.
	if back := m.PipelineFromEditor(got, func(k m.StageKey) bool { return slices.Contains(p, k) }); !slices.Equal(back, p) {
		t.Errorf("pipeline back %v, want %v", back, p)
	}
	// No pipeline: the catalogue.
	if got := m.EditorOrder(nil); !slices.Equal(got, catalogueKeys()) {
		t.Errorf("empty pipeline: %v", got)
	}
}

func TestMoveInEditor(t *testing.T) {
	t.Parallel()
	order := catalogueKeys()
	cases := []struct {
		name    string
		key     m.StageKey
		dir     string
		swapped m.StageKey // the neighbour it changes place with
		err     string
	}{
		{"up", m.StageHRRound, m.MoveUp, m.StageCommercialNegotiation, ""},
		{"down", m.StageHRRound, m.MoveDown, m.StageReferenceChecks, ""},
		{"first up", m.StageInterviewCompleted, m.MoveUp, "", "already first"},
		{"last movable down", m.StageFinalDecision, m.MoveDown, "", "last stage before the offer"},
		{"final decision up", m.StageFinalDecision, m.MoveUp, m.StageMedical, ""},
		{"hired up", m.StageHired, m.MoveUp, "", "Hired is always the last stage."},
		{"hired down", m.StageHired, m.MoveDown, "", "Hired is always the last stage."},
		{"offer up", m.StageOffer, m.MoveUp, "", "Offer keeps its place"},
		{"contract up", m.StageContract, m.MoveUp, "", "Contract keeps its place"},
		{"onboarding down", m.StageOnboarding, m.MoveDown, "", "Onboarding keeps its place"},
		{"unknown direction", m.StageHRRound, "sideways", "", "up or down"},
		{"not on the list", "made_up", m.MoveUp, "", "Choose a stage"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := m.MoveInEditor(order, tc.key, tc.dir)
			if tc.err != "" {
				if msg := m.FieldErrors(err)["stages"]; !strings.Contains(msg, tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				if m.CanMoveInEditor(order, tc.key, tc.dir) {
					t.Error("CanMoveInEditor says yes to a refused move")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			i, j := slices.Index(order, tc.key), slices.Index(order, tc.swapped)
			if got[j] != tc.key || got[i] != tc.swapped {
				t.Errorf("after the move %v", got)
			}
			if order[i] != tc.key {
				t.Error("the list passed in was changed")
			}
		})
	}
	// Up then down is where it started.
	up, _ := m.MoveInEditor(order, m.StageMedical, m.MoveUp)
	back, _ := m.MoveInEditor(up, m.StageMedical, m.MoveDown)
	if !slices.Equal(back, order) {
		t.Errorf("up then down: %v", back)
	}
	if n := m.EditorMoveNotice(up, m.StageMedical, m.MoveUp); n != "Pre-employment medical moved up, to place 7 of 13." {
		t.Errorf("notice %q", n)
	}
}

func TestParseEditorMove(t *testing.T) {
	t.Parallel()
	if dir, key, ok := m.ParseEditorMove("up:hr_round"); !ok || dir != m.MoveUp || key != m.StageHRRound {
		t.Errorf("up:hr_round → %q %q %v", dir, key, ok)
	}
	for _, bad := range []string{"", "up", "left:hr_round", "up:made_up", "hr_round:up"} {
		if _, _, ok := m.ParseEditorMove(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The closing stages end a pipeline, in their order: a position with
// another stage after the offer, or a contract before the offer, is refused.
func TestPositionPipelineClosingOrder(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		pipeline m.Pipeline
		err      string
	}{
		{"usual", m.Pipeline{m.StageInterviewCompleted, m.StageHRRound, m.StageOffer, m.StageContract, m.StageOnboarding, m.StageHired}, ""},
		{"no closing stage", m.Pipeline{m.StageInterviewCompleted, m.StageHRRound}, ""},
		{"hired only", m.Pipeline{m.StageInterviewCompleted, m.StageHired}, ""},
		{"offer without contract", m.Pipeline{m.StageInterviewCompleted, m.StageOffer, m.StageHired}, ""},
		{"reordered early stages", m.Pipeline{m.StageHRRound, m.StageInterviewCompleted, m.StageOffer}, ""},
		{"hired not last", m.Pipeline{m.StageInterviewCompleted, m.StageHired, m.StageHRRound}, "HR round cannot come after Hired"},
		{"stage after the offer", m.Pipeline{m.StageInterviewCompleted, m.StageOffer, m.StageMedical, m.StageContract}, "Pre-employment medical cannot come after Offer"},
		{"contract before the offer", m.Pipeline{m.StageInterviewCompleted, m.StageContract, m.StageOffer, m.StageHired}, "Offer must come before Contract"},
		{"hired before onboarding", m.Pipeline{m.StageOffer, m.StageHired, m.StageOnboarding}, "Onboarding must come before Hired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := m.PositionInput{Title: "Analyst", Headcount: 1, DecisionSLADays: 5, Pipeline: tc.pipeline}
			err := in.Validate()
			msg := m.FieldErrors(err)["stages"]
			if tc.err == "" && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if tc.err != "" && !strings.Contains(msg, tc.err) {
				t.Fatalf("error %q, want %q", msg, tc.err)
			}
		})
	}
}

// The store keeps the refusal: nothing is written for a pipeline out of order.
func TestCreatePositionRefusesStageAfterOffer(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx := context.Background()
	var before int64
	mustDB(t, d.store.DB().Raw("SELECT count(*) FROM positions").Scan(&before))
	_, err := d.store.CreatePosition(ctx, staffActor(d.recruiter), m.PositionInput{Title: "Analyst", Headcount: 1, DecisionSLADays: 5,
		Pipeline: m.Pipeline{m.StageInterviewCompleted, m.StageOffer, m.StageBackgroundCheck, m.StageHired}})
	if !strings.Contains(m.FieldErrors(err)["stages"], "cannot come after Offer") {
		t.Fatalf("err = %v", err)
	}
	var after int64
	mustDB(t, d.store.DB().Raw("SELECT count(*) FROM positions").Scan(&after))
	if after != before {
		t.Errorf("positions %d → %d", before, after)
	}
}
