package sqlstore

import "database/sql"

// Hooks for this package's external tests, which need raw SQL to check what
// the Store interface does not show.

// WriterForTest returns the pool that writes (the only pool on servers).
func (s *Store) WriterForTest() *sql.DB { return s.writer.DB }

// ReaderForTest returns the pool that reads.
func (s *Store) ReaderForTest() *sql.DB { return s.reader.DB }

// RebindForTest returns query with the dialect's bind variables.
func (s *Store) RebindForTest(query string) string { return s.q(query) }
