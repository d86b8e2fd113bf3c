package handlers

import (
	"bytes"
	"encoding/gob"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"nextstep/models"
)

// Session value keys.
const (
	sessionName       = "nextstep_session"
	keyStaffID        = "staff_id"
	keyCandidateID    = "candidate_id"
	keyPendingStaffID = "pending_staff_id" // password checked, second factor still due
	keyPendingTOTP    = "pending_totp_secret"
	keyFlash          = "flash"
	keyResetLink      = "signed_in_by_link" // may set a new password once without the current one
	keyLoadedPerson   = "loaded_person"     // transient: the person loaded with the row
	keySeen           = "seen"              // when last-seen was last written (Unix seconds)
)

func init() {
	gob.Register(int64(0))
}

// SessionStore is a gorilla/sessions store that keeps sessions in PostgreSQL.
// The cookie carries only a signed random id; the row is looked up by the
// id's hash, so a leaked database does not yield usable cookies. Logging out
// deletes the row, and idle and absolute timeouts are checked on every load.
type SessionStore struct {
	store    *models.Store
	codec    securecookie.Codec
	options  sessions.Options
	idle     time.Duration
	absolute time.Duration
}

// NewSessionStore builds the store; secret signs the cookie.
func NewSessionStore(store *models.Store, secret []byte, secure bool, idle, absolute time.Duration) *SessionStore {
	codec := securecookie.New(secret, nil)
	codec.MaxAge(int(absolute.Seconds()))
	return &SessionStore{
		store: store,
		codec: codec,
		options: sessions.Options{
			Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
			MaxAge: 0, // a browser-session cookie; the server enforces the timeouts
		},
		idle:     idle,
		absolute: absolute,
	}
}

// Get returns the request's session, cached for the request.
func (s *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named by the cookie, or starts an empty one.
func (s *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	opts := s.options
	sess.Options = &opts
	sess.IsNew = true
	c, err := r.Cookie(name)
	if err != nil {
		return sess, nil
	}
	var id string
	if err := s.codec.Decode(name, c.Value, &id); err != nil {
		return sess, nil // forged, expired or from another secret: start afresh
	}
	loaded, err := s.store.LoadSessionPerson(r.Context(), models.HashSecret(id), s.idle, s.absolute)
	if errors.Is(err, models.ErrNotFound) {
		return sess, nil
	}
	if err != nil {
		return sess, err
	}
	if len(loaded.Row.Data) > 0 {
		if err := gob.NewDecoder(bytes.NewReader(loaded.Row.Data)).Decode(&sess.Values); err != nil {
			return sess, nil
		}
	}
	// The person came with the session row; it rides along for this request
	// only and is never saved.
	sess.Values[keyLoadedPerson] = loaded
	sess.ID = id
	sess.IsNew = false
	return sess, nil
}

// loadedPerson is the staff member or candidate loaded with the session.
func loadedPerson(sess *sessions.Session) *models.SessionPerson {
	p, _ := sess.Values[keyLoadedPerson].(*models.SessionPerson)
	return p
}

// Save writes the session row and the cookie, or deletes both when MaxAge < 0.
func (s *SessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.store.DeleteSession(r.Context(), models.HashSecret(sess.ID)); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	isNew := sess.ID == ""
	if isNew {
		sess.ID = models.NewSecret()
		sess.Values[keySeen] = s.store.Now().Unix() // just seen: no refresh write on the next request
	}
	saved := make(map[any]any, len(sess.Values))
	for k, v := range sess.Values {
		if k != keyLoadedPerson {
			saved[k] = v
		}
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(saved); err != nil {
		return err
	}
	row := &models.SessionRow{IDHash: models.HashSecret(sess.ID), Data: buf.Bytes(), IP: clientIP(r), UserAgent: r.UserAgent()}
	if id, ok := sess.Values[keyStaffID].(int64); ok {
		row.StaffID = &id
	}
	if id, ok := sess.Values[keyCandidateID].(int64); ok {
		row.CandidateID = &id
	}
	if isNew {
		if err := s.store.CreateSession(r.Context(), row); err != nil {
			return err
		}
	} else if err := s.store.UpdateSession(r.Context(), row); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			// Ended meanwhile (a logout while this request was in flight):
			// it stays ended, and this browser's cookie is cleared.
			sess.ID, sess.Values = "", map[any]any{}
			expired := *sess.Options
			expired.MaxAge = -1
			http.SetCookie(w, sessions.NewCookie(sess.Name(), "", &expired))
			return nil
		}
		return err
	}
	encoded, err := s.codec.Encode(sess.Name(), sess.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), encoded, sess.Options))
	return nil
}

// Rotate ends the old session row and gives the session a fresh id, keeping
// no values: called at every sign-in against session fixation.
func (s *SessionStore) Rotate(r *http.Request, sess *sessions.Session) error {
	if sess.ID != "" {
		if err := s.store.DeleteSession(r.Context(), models.HashSecret(sess.ID)); err != nil {
			return err
		}
	}
	sess.ID = ""
	sess.Values = map[any]any{}
	return nil
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
