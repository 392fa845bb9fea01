package admin

import (
	"context"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// PostAuth is one row of the post-auth log: a login attempt and its
// outcome. Password is kept for failed attempts only.
type PostAuth struct {
	ID               int64     `json:"id"`
	Username         string    `json:"username"`
	Password         string    `json:"password"`
	Reply            string    `json:"reply"`
	CalledStationID  *string   `json:"called_station_id"`
	CallingStationID *string   `json:"calling_station_id"`
	Date             time.Time `json:"date"`
}

// ListPostAuth returns a page of the post-auth log, newest first, and the
// number of matches.
func (s *Service) ListPostAuth(ctx context.Context, f store.PostAuthFilter, offset, limit int) ([]PostAuth, int, error) {
	if err := checkPage(offset); err != nil {
		return nil, 0, err
	}
	if f.From != nil && f.Until != nil && f.Until.Before(*f.From) {
		return nil, 0, inputErr("until", "is before from")
	}
	total, err := s.Store.CountPostAuth(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.Store.ListPostAuth(ctx, f, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]PostAuth, len(list))
	for i, p := range list {
		out[i] = PostAuth{ID: p.ID, Username: p.Username, Password: p.Password, Reply: p.Reply,
			CalledStationID: p.CalledStationID, CallingStationID: p.CallingStationID, Date: p.AuthDate.UTC()}
	}
	return out, total, nil
}
