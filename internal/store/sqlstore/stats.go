package sqlstore

import "database/sql"

// DBStats reports the connection pools for metrics: "writer" and "reader"
// on SQLite, whose writes go through one connection of their own; "main"
// on a database server, where both are one pool.
func (s *Store) DBStats() map[string]sql.DBStats {
	if s.writer == s.reader {
		return map[string]sql.DBStats{"main": s.writer.Stats()}
	}
	return map[string]sql.DBStats{"writer": s.writer.Stats(), "reader": s.reader.Stats()}
}
