package handlers

import (
	"encoding/json"

	"net/http"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

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
	keyNext           = "next"              // where to go after the second factor, or after a candidate's sign-in link
)

// sessionData is what a session row stores: a fixed set of typed values, as
// JSON (decoding gob cost a type compilation on every request).
type sessionData struct {
	StaffID        int64  `json:"staff_id,omitempty"`
	CandidateID    int64  `json:"candidate_id,omitempty"`
	PendingStaffID int64  `json:"pending_staff_id,omitempty"`
	PendingTOTP    string `json:"pending_totp_secret,omitempty"`
	Flash          string `json:"flash,omitempty"`
	Next           string `json:"next,omitempty"`
	ByLink         bool   `json:"signed_in_by_link,omitempty"`
	Seen           int64  `json:"seen,omitempty"`
}

func sessionDataOf(v map[any]any) sessionData {
	var d sessionData
	d.StaffID, _ = v[keyStaffID].(int64)
	d.CandidateID, _ = v[keyCandidateID].(int64)
	d.PendingStaffID, _ = v[keyPendingStaffID].(int64)
	d.PendingTOTP, _ = v[keyPendingTOTP].(string)
	d.Flash, _ = v[keyFlash].(string)
	d.Next, _ = v[keyNext].(string)
	d.ByLink, _ = v[keyResetLink].(bool)
	d.Seen, _ = v[keySeen].(int64)
	return d
}

func (d sessionData) into(v map[any]any) {
	set := func(key string, val any, present bool) {
		if present {
			v[key] = val
		}
	}
	set(keyStaffID, d.StaffID, d.StaffID != 0)
	set(keyCandidateID, d.CandidateID, d.CandidateID != 0)
	set(keyPendingStaffID, d.PendingStaffID, d.PendingStaffID != 0)
	set(keyPendingTOTP, d.PendingTOTP, d.PendingTOTP != "")
	set(keyFlash, d.Flash, d.Flash != "")
	set(keyNext, d.Next, d.Next != "")
	set(keyResetLink, d.ByLink, d.ByLink)
	set(keySeen, d.Seen, d.Seen != 0)
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
	// clientIP is the client's address as Echo reads it (behind a trusted
	// proxy, from X-Forwarded-For), so a session records the same address
	// as the audit log: referee checks compare them.
	clientIP func(*http.Request) string
}

// NewSessionStore builds the store; secret signs the cookie.
func NewSessionStore(store *models.Store, secret []byte, secure bool, idle, absolute time.Duration) *SessionStore {
	codec := securecookie.New(secret, nil)
	// The cookie holds only the session id: JSON is enough, and cheaper than gob.
	codec.SetSerializer(securecookie.JSONEncoder{})
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
		clientIP: echo.ExtractIPDirect(),
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
	if models.ErrorCode(err) == models.CodeNotFound {
		return sess, nil
	}
	if err != nil {
		return sess, err
	}
	if len(loaded.Row.Data) > 0 {
		var data sessionData
		if err := json.Unmarshal(loaded.Row.Data, &data); err != nil {
			return sess, nil // written by an older version: start afresh
		}
		data.into(sess.Values)
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
	if models.IsPeek(r.Context()) {
		return nil // a HEAD request changes no session (a waiting flash stays)
	}
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
	data, err := json.Marshal(sessionDataOf(sess.Values))
	if err != nil {
		return err
	}
	row := &models.SessionRow{IDHash: models.HashSecret(sess.ID), Data: data, IP: s.clientIP(r), UserAgent: r.UserAgent()}
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
		if models.ErrorCode(err) == models.CodeNotFound {
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
