package admin

import (
	"context"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/users"
)

// RadiusToken is a user's radius token: usable once as a password (or
// every time, with --disposable-radius-token=false).
type RadiusToken struct {
	Key      string    `json:"key"`
	Username string    `json:"username"`
	Created  time.Time `json:"created"`
}

func tokenView(t store.RadiusToken) RadiusToken {
	return RadiusToken{Key: t.Key, Username: t.Username, Created: t.Created.UTC()}
}

// ListTokens returns a page of radius tokens ordered by username and the
// number of matches.
func (s *Service) ListTokens(ctx context.Context, f store.TokenFilter, offset, limit int) ([]RadiusToken, int, error) {
	if err := checkPage(offset); err != nil {
		return nil, 0, err
	}
	total, err := s.Store.CountRadiusTokens(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.Store.ListRadiusTokens(ctx, f, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]RadiusToken, len(list))
	for i, t := range list {
		out[i] = tokenView(t)
	}
	return out, total, nil
}

// Token returns a user's radius token.
func (s *Service) Token(ctx context.Context, username string) (RadiusToken, error) {
	t, err := s.Store.RadiusTokenOf(ctx, username)
	if err != nil {
		return RadiusToken{}, err
	}
	return tokenView(t), nil
}

// CreateToken gives a user a new radius token, replacing the one it had.
func (s *Service) CreateToken(ctx context.Context, username string) (RadiusToken, error) {
	t, err := s.Store.PutRadiusToken(ctx, username, users.NewRadiusKey())
	if err != nil {
		return RadiusToken{}, err
	}
	return tokenView(t), nil
}

// DeleteToken removes a user's radius token.
func (s *Service) DeleteToken(ctx context.Context, username string) error {
	return s.Store.DeleteRadiusToken(ctx, username)
}
