package admin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/goradius/goradius/internal/aaa"
)

// Defaults of django-freeradius's management commands.
const (
	// DefaultDeleteOldUsersMonths is delete_old_users' --older-than-months.
	DefaultDeleteOldUsersMonths = 18
	// DefaultStaleSessionDays is cleanup_stale_radacct's days.
	DefaultStaleSessionDays = 15
)

const day = 24 * time.Hour

// DeactivateExpiredUsers sets inactive every active user whose expiration
// has passed (batch users expire at the end of their batch's expiration
// date), as deactivate_expired_users does, and returns how many.
func (s *Service) DeactivateExpiredUsers(ctx context.Context) (int64, error) {
	n, err := s.Store.DeactivateExpiredUsers(ctx, s.now())
	if err != nil {
		return 0, fmt.Errorf("deactivating expired users: %w", err)
	}
	return n, nil
}

// DeleteOldUsers deletes the users whose expiration passed more than
// months × 30 days ago, and the batches whose expiration date did, with
// all their users (delete_old_users, 18 months by default). Their
// accounting history stays. It returns how many users and batches went.
func (s *Service) DeleteOldUsers(ctx context.Context, months int) (users, batches int64, err error) {
	if months < 1 {
		return 0, 0, inputErr("older_than_months", "must be at least 1, got %d", months)
	}
	cutoff := s.now().Add(-time.Duration(months) * 30 * day)
	users, batches, err = s.Store.DeleteExpiredUsers(ctx, cutoff)
	if err != nil {
		return 0, 0, fmt.Errorf("deleting users expired for %d months: %w", months, err)
	}
	return users, batches, nil
}

// DeleteOldSessions deletes the closed sessions that stopped more than
// days ago (delete_old_radacct); open sessions are never deleted.
func (s *Service) DeleteOldSessions(ctx context.Context, days int) (int64, error) {
	if days < 1 {
		return 0, inputErr("days", "must be at least 1, got %d", days)
	}
	n, err := s.Store.DeleteSessionsStoppedBefore(ctx, s.now().Add(-time.Duration(days)*day))
	if err != nil {
		return 0, fmt.Errorf("deleting sessions stopped %d days ago: %w", days, err)
	}
	return n, nil
}

// DeleteOldPostAuth deletes post-auth log rows older than days
// (delete_old_postauth).
func (s *Service) DeleteOldPostAuth(ctx context.Context, days int) (int64, error) {
	if days < 1 {
		return 0, inputErr("days", "must be at least 1, got %d", days)
	}
	n, err := s.Store.DeletePostAuthBefore(ctx, s.now().Add(-time.Duration(days)*day))
	if err != nil {
		return 0, fmt.Errorf("deleting post-auth rows of %d days ago: %w", days, err)
	}
	return n, nil
}

// CloseStaleSessions closes the open sessions the NAS has not reported on
// for days (cleanup_stale_radacct, 15 days by default): their stop time is
// their last sign of life, their terminate cause Lost-Service.
func (s *Service) CloseStaleSessions(ctx context.Context, days int) (int64, error) {
	if days < 1 {
		return 0, inputErr("days", "must be at least 1, got %d", days)
	}
	n, err := s.Store.CloseStaleSessions(ctx, s.now().Add(-time.Duration(days)*day), aaa.StaleCause)
	if err != nil {
		return 0, fmt.Errorf("closing sessions silent for %d days: %w", days, err)
	}
	return n, nil
}

// Schedule says which maintenance tasks the server runs by itself, and how
// often. The zero Schedule runs nothing.
type Schedule struct {
	// Every is the time between two rounds (the first runs at start).
	Every time.Duration
	// DeactivateExpiredUsers runs DeactivateExpiredUsers.
	DeactivateExpiredUsers bool
	// DeleteOldUsersMonths, DeleteOldSessionsDays and
	// DeleteOldPostAuthDays run the matching task with that age; 0: off.
	DeleteOldUsersMonths  int
	DeleteOldSessionsDays int
	DeleteOldPostAuthDays int
}

// Enabled reports whether any task is on.
func (sc Schedule) Enabled() bool {
	return sc.DeactivateExpiredUsers || sc.DeleteOldUsersMonths > 0 ||
		sc.DeleteOldSessionsDays > 0 || sc.DeleteOldPostAuthDays > 0
}

// RunMaintenance runs one round of the scheduled tasks, logging what each
// did; every task runs even when an earlier one failed.
func (s *Service) RunMaintenance(ctx context.Context, sc Schedule) error {
	var errs []error
	report := func(task string, err error, attrs ...any) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", task, err))
			if ctx.Err() == nil {
				s.log().Error("scheduled task failed", "task", task, "error", err)
			}
			return
		}
		s.log().Info("scheduled task done", append([]any{"task", task}, attrs...)...)
	}
	if sc.DeactivateExpiredUsers {
		n, err := s.DeactivateExpiredUsers(ctx)
		report("deactivate-expired-users", err, "users", n)
	}
	if sc.DeleteOldUsersMonths > 0 {
		u, b, err := s.DeleteOldUsers(ctx, sc.DeleteOldUsersMonths)
		report("delete-old-users", err, "users", u, "batches", b, "older_than_months", sc.DeleteOldUsersMonths)
	}
	if sc.DeleteOldSessionsDays > 0 {
		n, err := s.DeleteOldSessions(ctx, sc.DeleteOldSessionsDays)
		report("delete-old-sessions", err, "sessions", n, "older_than_days", sc.DeleteOldSessionsDays)
	}
	if sc.DeleteOldPostAuthDays > 0 {
		n, err := s.DeleteOldPostAuth(ctx, sc.DeleteOldPostAuthDays)
		report("delete-old-postauth", err, "rows", n, "older_than_days", sc.DeleteOldPostAuthDays)
	}
	return errors.Join(errs...)
}

// RunSchedule runs the scheduled tasks at once, then every sc.Every, until
// ctx ends. It returns at once when no task is on.
func (s *Service) RunSchedule(ctx context.Context, sc Schedule) {
	if !sc.Enabled() {
		return
	}
	every := sc.Every
	if every <= 0 {
		every = day
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_ = s.RunMaintenance(ctx, sc) // each failure is logged
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
