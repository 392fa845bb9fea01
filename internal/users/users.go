// Package users manages accounts: creating users with Django-compatible
// password hashes, batch imports and generation, and the per-user tokens.
// The HTTP API and the CLI both call it.
package users

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/batch"
	"github.com/goradius/goradius/internal/mail"
	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/store"
)

// Service holds what account management needs.
type Service struct {
	Store store.Store
	Now   func() time.Time
	Log   *slog.Logger
	// Iterations of PBKDF2-SHA256 for new passwords (Django 3.2: 260000).
	Iterations int
	// PasswordLength of generated passwords (django-freeradius: 8).
	PasswordLength int
	// TimeZone decides when an expiration date ends.
	TimeZone *time.Location
	// StoreNTHash keeps an NT hash beside each new password, for MS-CHAP.
	StoreNTHash bool
	// Mail delivers generated passwords of CSV imports.
	Mail        mail.Sender
	MailFrom    string
	MailSubject string
	MailMessage string
}

// InputError is a mistake of the caller, to be shown as a 4xx / a CLI
// message. Field names the input it is about.
type InputError struct {
	Field string
	Msgs  []string
}

func inputErr(field string, msgs ...string) *InputError { return &InputError{Field: field, Msgs: msgs} }

func (e *InputError) Error() string {
	msg := strings.Join(e.Msgs, "; ")
	if e.Field == "" {
		return msg
	}
	return e.Field + ": " + msg
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

func (s *Service) iterations() int {
	if s.Iterations > 0 {
		return s.Iterations
	}
	return 260000
}

// Hash makes a new Django-compatible password hash.
func (s *Service) Hash(pw string) string {
	return password.MakePBKDF2SHA256(pw, s.iterations())
}

// ntHash is the NT hash to keep with a new password, or "" when the
// operator did not opt in, neither server-wide nor for one of the groups
// the user is in (groups; nil means the user's groups in the database).
func (s *Service) ntHash(ctx context.Context, username string, groups []string, pw string) (string, error) {
	if pw == "" {
		return "", nil
	}
	want, err := s.wantNTHash(ctx, username, groups)
	if err != nil || !want {
		return "", err
	}
	return password.NTHash(pw), nil
}

func (s *Service) wantNTHash(ctx context.Context, username string, groups []string) (bool, error) {
	if s.StoreNTHash {
		return true, nil
	}
	if groups == nil {
		var err error
		if groups, err = s.Store.UserGroups(ctx, username); err != nil {
			return false, fmt.Errorf("reading the groups of %q: %w", username, err)
		}
	}
	return s.groupsWantNTHash(ctx, groups)
}

// groupsWantNTHash reports whether one of the named groups opted in.
func (s *Service) groupsWantNTHash(ctx context.Context, groups []string) (bool, error) {
	if len(groups) == 0 {
		return false, nil
	}
	all, err := s.Store.Groups(ctx)
	if err != nil {
		return false, fmt.Errorf("reading the radius groups: %w", err)
	}
	for _, g := range all {
		if g.StoreNTHash && slices.Contains(groups, g.Name) {
			return true, nil
		}
	}
	return false, nil
}

// GeneratePassword makes a random password of the configured length.
func (s *Service) GeneratePassword() (string, error) {
	n := s.PasswordLength
	if n <= 0 {
		n = 8
	}
	return batch.GeneratePassword(n)
}

// NewUser describes an account to create.
type NewUser struct {
	Username string
	Password string // cleartext; "" for no usable password
	Email    string
	Groups   []string // default group when empty
}

// Add creates a user with a hashed password.
func (s *Service) Add(ctx context.Context, nu NewUser) (store.User, error) {
	name, err := batch.CleanUsername(nu.Username)
	if err != nil {
		return store.User{}, inputErr("username", err.Error())
	}
	nu.Username = name
	if nu.Email != "" && !batch.ValidEmail(nu.Email) {
		return store.User{}, inputErr("email", fmt.Sprintf("%q is not a valid e-mail address", nu.Email))
	}
	u := store.User{
		Username: nu.Username, Email: nu.Email, IsActive: true, DateJoined: s.now(),
		Password: password.Unusable(),
	}
	if nu.Password != "" {
		groups := nu.Groups
		if len(groups) == 0 {
			if groups, err = s.defaultGroupNames(ctx); err != nil {
				return store.User{}, err
			}
		}
		if u.NTHash, err = s.ntHash(ctx, nu.Username, groups, nu.Password); err != nil {
			return store.User{}, err
		}
		u.Password = s.Hash(nu.Password)
	}
	err = s.Store.CreateUser(ctx, &u, nu.Groups...)
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		return store.User{}, inputErr("username", fmt.Sprintf("a user named %q already exists", nu.Username))
	case errors.Is(err, store.ErrNotFound):
		return store.User{}, inputErr("group", fmt.Sprintf("no such radius group (%v)", err))
	case err != nil:
		return store.User{}, err
	}
	return u, nil
}

// SetPassword hashes and stores a new password.
func (s *Service) SetPassword(ctx context.Context, username, pw string) error {
	if pw == "" {
		return inputErr("password", "the password may not be empty")
	}
	nt, err := s.ntHash(ctx, username, nil, pw)
	if err != nil {
		return err
	}
	return s.Store.SetPassword(ctx, username, s.Hash(pw), nt)
}

// ErrBadCredentials is a failed login to the token endpoint.
var ErrBadCredentials = errors.New("unable to log in with provided credentials")

// Login checks a username and password for the token endpoint and returns
// the user's tokens, creating the missing ones. Inactive users are refused.
func (s *Service) Login(ctx context.Context, username, pw string) (store.Tokens, error) {
	u, err := s.Store.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return store.Tokens{}, ErrBadCredentials
	}
	if err != nil {
		return store.Tokens{}, err
	}
	if !u.IsActive || (u.ExpiresAt != nil && !s.now().Before(*u.ExpiresAt)) || !password.Check(pw, u.Password) {
		return store.Tokens{}, ErrBadCredentials
	}
	nt, err := s.ntHash(ctx, username, nil, pw)
	if err != nil {
		s.log().Warn("reading the NT-hash setting at login failed", "username", username, "error", err)
	}
	if nt != "" && u.NTHash != nt {
		// A login is the one moment the cleartext of an older account is
		// known: keep its NT hash now, so MS-CHAP works from then on.
		if err := s.Store.SetPassword(ctx, username, u.Password, nt); err != nil {
			s.log().Warn("storing the NT hash at login failed", "username", username, "error", err)
		}
	}
	return s.Store.EnsureTokens(ctx, u.ID, NewAuthKey, NewRadiusKey)
}

// ErrInvalidToken is an unknown or blank auth token.
var ErrInvalidToken = errors.New("blank or invalid token")

// ValidateToken returns the tokens of the owner of an auth token,
// re-creating a used radius token.
func (s *Service) ValidateToken(ctx context.Context, key string) (store.Tokens, error) {
	if key == "" {
		return store.Tokens{}, ErrInvalidToken
	}
	u, err := s.Store.UserByAuthToken(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return store.Tokens{}, ErrInvalidToken
	}
	if err != nil {
		return store.Tokens{}, err
	}
	if !u.IsActive {
		return store.Tokens{}, ErrInvalidToken
	}
	return s.Store.EnsureTokens(ctx, u.ID, NewAuthKey, NewRadiusKey)
}

// NewAuthKey makes a REST API token: 40 hex digits, as Django REST
// framework's.
func NewAuthKey() string {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// NewRadiusKey makes a radius user token: 40 alphanumeric characters.
func NewRadiusKey() string {
	k, err := batch.GeneratePassword(40)
	if err != nil {
		panic(err)
	}
	return k
}
