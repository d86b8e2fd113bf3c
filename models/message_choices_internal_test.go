package models

import "testing"

// Marking a kind optional is one entry in optionalKinds; an entry naming a
// kind the catalogue lacks, a kind in two categories or a category with no
// column stops the program at start instead of silently sending it anyway.
func TestMarkOptionalRefusesWhatItCannotHonour(t *testing.T) {
	base := func() map[MessageKind]MessageTemplate {
		return map[MessageKind]MessageTemplate{MsgPromiseUpdate: {Kind: MsgPromiseUpdate}, MsgFirstDayReminder: {Kind: MsgFirstDayReminder}}
	}
	for name, optional := range map[string]map[MessageChoice][]MessageKind{
		"unknown kind":     {ChoiceReminders: {"interview_reminder_typo"}},
		"two categories":   {ChoiceReminders: {MsgPromiseUpdate}, ChoiceUpdates: {MsgPromiseUpdate}},
		"unknown category": {"newsletter": {MsgPromiseUpdate}},
	} {
		if err := markOptional(base(), optional); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The catalogue in force is the declared list applied to the features' kinds.
	c := map[MessageKind]MessageTemplate{}
	for k, tmpl := range messageCatalogue {
		tmpl.Optional = ""
		c[k] = tmpl
	}
	if err := markOptional(c, optionalKinds()); err != nil {
		t.Fatal(err)
	}
	for k, tmpl := range c {
		if tmpl.Optional != messageCatalogue[k].Optional {
			t.Errorf("%s: %q marked, %q in force", k, tmpl.Optional, messageCatalogue[k].Optional)
		}
	}
	for _, choice := range MessageChoices() {
		if choice.column() == "" || choice.Label() == string(choice) || choice.Explanation() == "" || choice.inSentence() == string(choice) && choice != ChoiceReminders {
			t.Errorf("category %q lacks its column or its words", choice)
		}
	}
}
