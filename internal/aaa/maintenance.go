package aaa

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// StaleCause is the terminate cause of sessions closed for silence: the
// NAS stopped reporting them, so the service was lost somewhere.
const StaleCause = "Lost-Service"

// ErrUnknownUser is a username with neither an account nor FreeRADIUS rows.
var ErrUnknownUser = errors.New("unknown user")

// Usage evaluates a user's counters as authorize would for a request with
// only its User-Name: each limit, what is used and what remains.
func (s *Service) Usage(ctx context.Context, username string) ([]Limit, error) {
	if !store.Storable(username) {
		return nil, ErrUnknownUser
	}
	now := s.now()
	pol, err := s.Store.PolicyFor(ctx, username, now)
	if err != nil {
		return nil, err
	}
	if !pol.Found() {
		if _, err := s.Store.UserByUsername(ctx, username); errors.Is(err, store.ErrNotFound) {
			return nil, ErrUnknownUser
		} else if err != nil {
			return nil, err
		}
	}
	attrs := Attributes{}
	attrs.Add("User-Name", username)
	ev := evaluate(&pol, attrs)
	return s.limits(ctx, username, ev.control, now)
}

// CloseStale closes the open sessions not heard of for olderThan (no
// Interim-Update, or no Start if there was none): their stop time is the
// last time the NAS spoke of them.
func (s *Service) CloseStale(ctx context.Context, olderThan time.Duration) (int64, error) {
	if olderThan <= 0 {
		return 0, fmt.Errorf("the age of stale sessions must be positive, got %v", olderThan)
	}
	n, err := s.Store.CloseStaleSessions(ctx, s.now().Add(-olderThan), StaleCause)
	if err != nil {
		return 0, fmt.Errorf("closing sessions silent for %v: %w", olderThan, err)
	}
	return n, nil
}

// CloseStalePeriodically runs CloseStale every olderThan/10 (at least every
// minute, at most hourly) until ctx ends.
func (s *Service) CloseStalePeriodically(ctx context.Context, olderThan time.Duration) {
	every := min(max(olderThan/10, time.Minute), time.Hour)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.CloseStale(ctx, olderThan)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log().Error("closing stale sessions failed", "error", err)
		case n > 0:
			s.log().Info("closed stale sessions", "sessions", n, "silent_for", olderThan.String(), "terminate_cause", StaleCause)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
