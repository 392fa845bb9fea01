package sqlstore_test

import (
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// TestSQLitePageSlots: SQLite's page caches live in the slots that Open
// configures, so a slot fits a cached page with its headers (were it too
// small, SQLite would quietly use its general allocator for every page).
func TestSQLitePageSlots(t *testing.T) {
	s, _ := dbtest.Open(t, dbtest.SQLite)
	// About 1 MB of rows: 250 pages or more, which stay in the writer's
	// cache (6 MB).
	r := rawOf(t, s)
	r.exec(`INSERT INTO radcheck (username, attribute, op, value)
SELECT CONCAT('slot', n), 'Attr', ':=', printf('%.500c', 'x') FROM ` + numbers() + ` WHERE n < 2000`)
	if _, err := s.PolicyFor(t.Context(), "slot7", time.Now()); err != nil {
		t.Fatal(err)
	}
	slots, current, highwater := sqlstore.SQLitePageSlots()
	if current < 250 {
		t.Fatalf("page slots in use: %d now, %d at most, of %d: the caches do not keep their pages there", current, highwater, slots)
	}
	if highwater > int64(slots) {
		t.Errorf("%d slots used, more than the %d configured", highwater, slots)
	}
}
