package models

import "context"

// CheckApplicationScope returns ErrNotFound unless actor may manage the
// application (staff who see candidates, a hiring manager only on their own
// positions). Handlers call it before looking at the form, so an input error
// (422) never confirms that an application out of scope exists.
func (s *Store) CheckApplicationScope(ctx context.Context, actor Actor, appID int64) error {
	if !actor.Role.SeesCandidates() {
		return ErrNotFound
	}
	var pos []Position
	if err := s.db.WithContext(ctx).Raw(`SELECT p.* FROM applications a JOIN positions p ON p.id = a.position_id WHERE a.id = ?`, appID).
		Scan(&pos).Error; err != nil {
		return err
	}
	if len(pos) == 0 || !canManagePosition(actor, &pos[0]) {
		return ErrNotFound
	}
	return nil
}
