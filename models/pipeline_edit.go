package models

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The pipeline editor lists every catalogue stage once, in the order the
// position will use them; a ticked stage is in the pipeline. Staff reorder
// the list with "Move up" and "Move down". The closing stages (those no
// move enters, see stageRules) never move: their flows (an offer sent, a
// contract sent, a contract signed by both parties) carry the application
// along them by themselves, and Hired follows only onboarding or a signed
// contract (canHire), so a stage placed among or after them would be
// silently passed over or would block the way to Hired.

// checkClosingOrder refuses a pipeline where another stage follows a closing
// stage, or where the closing stages are out of their order.
func (p Pipeline) checkClosingOrder() error {
	last := -1 // index in closingStages of the last closing stage seen
	for i, k := range p {
		ci := slices.Index(closingStages, k)
		switch {
		case ci < 0 && last >= 0:
			return Invalid("stages", fmt.Sprintf("%s cannot come after %s. %s", StageName(k), StageName(p[i-1]), closingRule))
		case ci >= 0 && ci < last:
			return Invalid("stages", fmt.Sprintf("%s must come before %s. %s", StageName(k), StageName(closingStages[last]), closingRule))
		case ci >= 0:
			last = ci
		}
	}
	return nil
}

// EditorOrder is the editor's list for a stored pipeline: its stages in
// their order, each unused stage right after its nearest catalogue
// predecessor on the list, and the closing stages last.
func EditorOrder(p Pipeline) []StageKey {
	var order []StageKey
	for _, k := range p {
		if _, ok := LookupStage(k); ok && !IsClosingStage(k) && !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	var previous StageKey // the catalogue stage before the one being placed
	for _, st := range catalogue {
		if IsClosingStage(st.Key) {
			continue
		}
		if !slices.Contains(order, st.Key) {
			at := 0
			if previous != "" {
				at = slices.Index(order, previous) + 1
			}
			order = slices.Insert(order, at, st.Key)
		}
		previous = st.Key
	}
	return append(order, closingStages...)
}

// ParseEditorOrder reads the place of each stage on the editor's list, as
// posted ("1" is the top). A stage without a place keeps its catalogue
// order after those with one; with no places at all the list is the
// catalogue. The closing stages always end the list, in their order.
func ParseEditorOrder(places map[StageKey]string) ([]StageKey, error) {
	type item struct {
		key   StageKey
		place int
	}
	var items []item
	var err error
	for i, st := range catalogue {
		place := 1000 + i
		if raw := strings.TrimSpace(places[st.Key]); raw != "" {
			n, perr := strconv.Atoi(raw)
			if perr != nil || n < 1 || n > 99 {
				if err == nil {
					err = Invalid("stages", fmt.Sprintf("The order of %s must be a number from 1 to 99.", st.Name))
				}
			} else {
				place = n
			}
		}
		items = append(items, item{st.Key, place})
	}
	// Stable: equal places keep the catalogue's order.
	slices.SortStableFunc(items, func(a, b item) int { return a.place - b.place })
	order := make([]StageKey, 0, len(items))
	for _, it := range items {
		if !IsClosingStage(it.key) {
			order = append(order, it.key)
		}
	}
	return append(order, closingStages...), err
}

// Editor moves.
const (
	MoveUp   = "up"
	MoveDown = "down"
)

// CanMoveInEditor reports whether key can move one place in direction dir
// on the editor's list.
func CanMoveInEditor(order []StageKey, key StageKey, dir string) bool {
	_, err := MoveInEditor(order, key, dir)
	return err == nil
}

// MoveInEditor moves key one place up or down the editor's list and returns
// the new list; order is left unchanged. The closing stages keep their
// places, and no other stage moves among them.
func MoveInEditor(order []StageKey, key StageKey, dir string) ([]StageKey, error) {
	i := slices.Index(order, key)
	if i < 0 {
		return nil, Invalid("stages", "Choose a stage of the list to move.")
	}
	if key == closingStages[len(closingStages)-1] {
		return nil, Invalid("stages", StageName(key)+" is always the last stage.")
	}
	if IsClosingStage(key) {
		return nil, Invalid("stages", fmt.Sprintf("%s keeps its place. %s", StageName(key), closingRule))
	}
	j := i - 1
	switch dir {
	case MoveUp:
		if j < 0 {
			return nil, Invalid("stages", fmt.Sprintf("%s is already first.", StageName(key)))
		}
	case MoveDown:
		j = i + 1
		if j >= len(order) || IsClosingStage(order[j]) {
			return nil, Invalid("stages", fmt.Sprintf("%s is already the last stage before the offer. %s", StageName(key), closingRule))
		}
	default:
		return nil, Invalid("stages", "Choose to move the stage up or down.")
	}
	out := slices.Clone(order)
	out[i], out[j] = out[j], out[i]
	return out, nil
}

// ParseEditorMove reads a "Move up"/"Move down" button's value, "up:hr_round".
func ParseEditorMove(value string) (dir string, key StageKey, ok bool) {
	d, k, found := strings.Cut(value, ":")
	if !found || (d != MoveUp && d != MoveDown) {
		return "", "", false
	}
	if _, known := LookupStage(StageKey(k)); !known {
		return "", "", false
	}
	return d, StageKey(k), true
}

// PipelineFromEditor is the pipeline the editor describes: the used stages
// in the list's order.
func PipelineFromEditor(order []StageKey, used func(StageKey) bool) Pipeline {
	p := Pipeline{}
	for _, k := range order {
		if used(k) {
			p = append(p, k)
		}
	}
	return p
}

// EditorMoveNotice tells, after a move, where the stage now is.
func EditorMoveNotice(order []StageKey, key StageKey, dir string) string {
	return fmt.Sprintf("%s moved %s, to place %d of %d.", StageName(key), dir, slices.Index(order, key)+1, len(order))
}
