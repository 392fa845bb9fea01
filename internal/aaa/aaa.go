// Package aaa makes goradius's authorize, post-auth and accounting
// decisions. It knows nothing of HTTP: adapters (the rlm_rest endpoints,
// later a RADIUS listener) turn requests into these types and back.
package aaa

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/store"
)

// writeTimeout bounds a database write that a client can no longer cancel.
const writeTimeout = 30 * time.Second

// Service holds what the decisions need. The zero value is not usable: set
// Store; Now and Log default to time.Now and slog.Default.
type Service struct {
	Store store.Store
	Now   func() time.Time
	Log   *slog.Logger
	// DisposableRadiusToken deletes a radius user token after one login.
	DisposableRadiusToken bool
	// AccountingAutoGroup fills groupname of new sessions from the user's
	// radius group of lowest priority.
	AccountingAutoGroup bool
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Reason says why authorize decided as it did.
type Reason string

// Authorize outcomes.
const (
	ReasonPassword      Reason = "password"
	ReasonRadiusToken   Reason = "radius-token"
	ReasonMissingFields Reason = "missing-fields"
	ReasonUnknownUser   Reason = "unknown-user"
	ReasonInactive      Reason = "inactive"
	ReasonExpired       Reason = "expired"
	ReasonBadPassword   Reason = "bad-password"
)

// AuthorizeRequest is what authorize gets from FreeRADIUS.
type AuthorizeRequest struct {
	Username string
	Password string
}

// Decision is the result of Authorize.
type Decision struct {
	Accept bool
	Reason Reason
}

// Authorize checks a username and password: the user must exist (exact
// name), be active and not expired, and the password must match the stored
// hash or be the user's radius user token. The password is tried first, so
// a login with the real password never consumes the token.
func (s *Service) Authorize(ctx context.Context, req AuthorizeRequest) (Decision, error) {
	if req.Username == "" || req.Password == "" {
		return Decision{Reason: ReasonMissingFields}, nil
	}
	u, err := s.Store.UserByUsername(ctx, req.Username)
	if errors.Is(err, store.ErrNotFound) {
		return Decision{Reason: ReasonUnknownUser}, nil
	}
	if err != nil {
		return Decision{}, fmt.Errorf("authorize %q: %w", req.Username, err)
	}
	if !u.IsActive {
		return Decision{Reason: ReasonInactive}, nil
	}
	if u.ExpiresAt != nil && !s.now().Before(*u.ExpiresAt) {
		return Decision{Reason: ReasonExpired}, nil
	}
	if password.Check(req.Password, u.Password) {
		return Decision{Accept: true, Reason: ReasonPassword}, nil
	}
	var ok bool
	if s.DisposableRadiusToken {
		ok, err = s.Store.ConsumeRadiusToken(detach(ctx), u.ID, req.Password)
	} else {
		ok, err = s.Store.CheckRadiusToken(ctx, u.ID, req.Password)
	}
	if err != nil {
		return Decision{}, fmt.Errorf("authorize %q: radius token: %w", req.Username, err)
	}
	if ok {
		return Decision{Accept: true, Reason: ReasonRadiusToken}, nil
	}
	return Decision{Reason: ReasonBadPassword}, nil
}

// PostAuthRequest is one post-auth log entry from FreeRADIUS.
type PostAuthRequest struct {
	Username         string
	Password         string
	Reply            string
	CalledStationID  *string
	CallingStationID *string
}

// Column sizes of radpostauth: longer values are truncated, never refused.
const (
	postAuthUsernameLen = 64
	postAuthPassLen     = 64
	postAuthReplyLen    = 32
	stationIDLen        = 50
)

// PostAuth logs an authentication result. The password is kept only for
// failed attempts.
func (s *Service) PostAuth(ctx context.Context, req PostAuthRequest) error {
	p := store.PostAuth{
		Username:         Truncate(req.Username, postAuthUsernameLen),
		Password:         Truncate(req.Password, postAuthPassLen),
		Reply:            Truncate(req.Reply, postAuthReplyLen),
		CalledStationID:  truncatePtr(req.CalledStationID, stationIDLen),
		CallingStationID: truncatePtr(req.CallingStationID, stationIDLen),
		AuthDate:         s.now(),
	}
	if req.Reply == "Access-Accept" {
		p.Password = ""
	}
	ctx, cancel := context.WithTimeout(detach(ctx), writeTimeout)
	defer cancel()
	if err := s.Store.CreatePostAuth(ctx, &p); err != nil {
		return fmt.Errorf("post-auth of %q: %w", p.Username, err)
	}
	return nil
}

// Truncate cuts s to at most n characters (not bytes), as database columns
// count them.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return s[:i]
}

func truncatePtr(s *string, n int) *string {
	if s == nil {
		return nil
	}
	t := Truncate(*s, n)
	return &t
}

// detach keeps a write going when the client disconnects: a half-done write
// is never better than a finished one, and the write itself is atomic.
func detach(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }
