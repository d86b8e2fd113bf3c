package models

import (
	"context"

	"gorm.io/gorm"
)

// MessageTemplates lists the candidate-facing kinds with the wording in force.
func (s *Store) MessageTemplates(ctx context.Context) ([]MessageTemplate, error) {
	var out []MessageTemplate
	db := s.db.WithContext(ctx)
	var rows []struct {
		Kind          MessageKind
		Subject, Body string
	}
	if err := db.Raw("SELECT kind, subject, body FROM message_templates").Scan(&rows).Error; err != nil {
		return nil, err
	}
	custom := map[MessageKind]int{}
	for i, r := range rows {
		custom[r.Kind] = i
	}
	for _, k := range EditableMessageKinds() {
		t := messageCatalogue[k]
		if i, ok := custom[k]; ok {
			t.Subject, t.Body, t.Customised = rows[i].Subject, rows[i].Body, true
		}
		out = append(out, t)
	}
	return out, nil
}

// MessageTemplateFor is the wording in force for one editable kind.
func (s *Store) MessageTemplateFor(ctx context.Context, kind MessageKind) (MessageTemplate, error) {
	def, ok := messageCatalogue[kind]
	if !ok || !def.Editable {
		return MessageTemplate{}, ErrNotFound
	}
	return s.templateFor(s.db.WithContext(ctx), kind)
}

// PreviewMessage renders wording with sample values, as the candidate would
// read it: a kind the candidate may turn off ends with its unsubscribe
// footer, which send adds to every such message.
func (s *Store) PreviewMessage(kind MessageKind, subject, body string) (string, string) {
	u := s.urls()
	vals := sampleMessageValues(kind, s.company, u)
	text := FillTemplate(body, vals)
	if c := messageCatalogue[kind].Optional; c != "" {
		text += "\n" + unsubscribeFooter(u, c, u.abs(u.Unsubscribe("EXAMPLE-LINK")))
	}
	return oneLine(FillTemplate(subject, vals)), text
}

// SaveMessageTemplate stores an admin's wording for a candidate-facing kind.
func (s *Store) SaveMessageTemplate(ctx context.Context, actor Actor, kind MessageKind, subject, body string) error {
	if actor.Role != RoleAdmin {
		return ErrForbidden
	}
	body = NormalizeNewlines(body)
	if err := ValidateMessageTemplate(kind, subject, body); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO message_templates (kind, subject, body, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (kind) DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
			kind, subject, body, actor.ID, s.Now()).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "message_template.saved", "message_template", 0, map[string]any{"kind": kind})
	})
}

// ResetMessageTemplate goes back to the built-in wording.
func (s *Store) ResetMessageTemplate(ctx context.Context, actor Actor, kind MessageKind) error {
	if actor.Role != RoleAdmin {
		return ErrForbidden
	}
	if def, ok := messageCatalogue[kind]; !ok || !def.Editable {
		return ErrNotFound
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("DELETE FROM message_templates WHERE kind = ?", kind).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "message_template.reset", "message_template", 0, map[string]any{"kind": kind})
	})
}
