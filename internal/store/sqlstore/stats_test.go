package sqlstore_test

import (
	"testing"

	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

func TestDBStats(t *testing.T) {
	dbtest.EachBackend(t, func(t *testing.T, backend string) {
		st, _ := dbtest.Open(t, backend)
		s := st.(*sqlstore.Store)
		if err := s.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
		stats := s.DBStats()
		want := []string{"main"}
		if backend == "sqlite" {
			want = []string{"writer", "reader"}
		}
		if len(stats) != len(want) {
			t.Fatalf("pools %v, want %v", stats, want)
		}
		for _, name := range want {
			st, ok := stats[name]
			if !ok || st.MaxOpenConnections < 1 || st.OpenConnections < 1 {
				t.Errorf("pool %q: %+v (present %v), want open connections under a limit", name, st, ok)
			}
		}
		if backend == "sqlite" && stats["writer"].MaxOpenConnections != 1 {
			t.Errorf("SQLite writer allows %d connections, want 1", stats["writer"].MaxOpenConnections)
		}
	})
}
