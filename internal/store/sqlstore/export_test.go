package sqlstore

import (
	"database/sql"
	"time"
)

// Hooks for this package's external tests, which need raw SQL to check what
// the Store interface does not show.

// WriterForTest returns the pool that writes (the only pool on servers).
func (s *Store) WriterForTest() *sql.DB { return s.writer.DB }

// ReaderForTest returns the pool that reads.
func (s *Store) ReaderForTest() *sql.DB { return s.reader.DB }

// RebindForTest returns query with the dialect's bind variables.
func (s *Store) RebindForTest(query string) string { return s.q(query) }

// PolicyQueryForTest returns the statement PolicyFor and Subject run and
// its args.
func (s *Store) PolicyQueryForTest(username string, now time.Time) (string, []any) {
	return s.subjectQuery(username, now)
}

// UsageQueryForTest returns the statement UsageSince runs and its args.
func (s *Store) UsageQueryForTest(username string, since time.Time) (string, []any) {
	return s.usageQuery(username, since)
}

// OpenSessionsQueryForTest returns the statement OpenSessions runs and its
// args.
func (s *Store) OpenSessionsQueryForTest(username, callingStationID string) (string, []any) {
	return s.openSessionsQuery(username, callingStationID)
}
