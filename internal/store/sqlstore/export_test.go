package sqlstore

import (
	"database/sql"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
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
// its args; Subject with a candidate radius token when token is not "".
func (s *Store) PolicyQueryForTest(username, token string, now time.Time) (string, []any) {
	return s.subjectQuery(username, token, now)
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

// AcctListQueriesForTest returns the statements ListAccounting runs for f,
// with their args: the ids of the first 1,000 rows in list order, and the
// page at offset 10 of 10 rows of a filter with too many rows to keep.
func (s *Store) AcctListQueriesForTest(f store.AcctFilter) (ids string, idsArgs []any, page string, pageArgs []any) {
	ids, idsArgs = s.acctIDsQuery(f, 1000)
	page, pageArgs = s.acctPageQuery(f, 10, 10)
	return ids, idsArgs, page, pageArgs
}

// SetMaxListIDsForTest makes ListAccounting keep the ids of filters of at
// most n rows, until the test ends.
func SetMaxListIDsForTest(t testing.TB, n int) {
	old := maxListIDs
	maxListIDs = n
	t.Cleanup(func() { maxListIDs = old })
}

// SetCheckpointForTest makes SQLite stores opened until the test ends
// checkpoint every interval and start the WAL over from frames frames.
func SetCheckpointForTest(t testing.TB, every time.Duration, frames int) {
	oldEvery, oldFrames := checkpointEvery, walRestartFrames
	checkpointEvery, walRestartFrames = every, frames
	t.Cleanup(func() { checkpointEvery, walRestartFrames = oldEvery, oldFrames })
}

// ForgetListsForTest drops the accounting lists the store remembers.
func (s *Store) ForgetListsForTest() { s.lists.changed() }

// NamesFreshness is how long a name committed by another program may be
// called unknown by the known-names filter.
const NamesFreshness = namesFreshness

// NoteWriteForTest counts a write made around the store (through
// WriterForTest) as the store's own, as its methods' writes are.
func (s *Store) NoteWriteForTest() { s.writer.execs.Add(1) }

// SQLitePageSlots reports the page slots' size and use (see sqlitemem.go).
func SQLitePageSlots() (slots int, current, highwater int64) {
	current, highwater = sqlitePageSlotsUsed()
	return sqliteSlots(), current, highwater
}

// PolicyCacheLenForTest returns how many usernames the policy cache holds.
func (s *Store) PolicyCacheLenForTest() int {
	if c := s.policy.Load(); c != nil {
		return c.len()
	}
	return 0
}
