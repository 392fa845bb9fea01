package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// found reports whether Subject finds anything of name on s.
func found(t *testing.T, s store.Store, name string) bool {
	t.Helper()
	sub, err := s.Subject(t.Context(), name, "", time.Now())
	if err != nil {
		t.Fatalf("Subject(%q): %v", name, err)
	}
	return sub.HasUser || sub.Policy.Found()
}

// serverAndOther opens a server's store (dbtest.Open starts its filter)
// and a second store on the same database, as goradius's command line or
// another program would have; both close when t ends.
func serverAndOther(t *testing.T, backend string) (server, other *sqlstore.Store) {
	t.Helper()
	srv, u := dbtest.Open(t, backend)
	other, err := sqlstore.Open(t.Context(), u, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return srv.(*sqlstore.Store), other
}

// TestNameFilter runs a server's store (dbtest.Open starts its filter) and,
// beside it, a second store on the same database, as goradius's command
// line or another tool would be: every name the other one commits is found
// (after NamesFreshness at most), every name the server's store commits at
// once, and an unknown name costs no query.
func TestNameFilter(t *testing.T) {
	dbtest.EachBackend(t, func(t *testing.T, backend string) {
		server, other := serverAndOther(t, backend)
		if backend == dbtest.MySQL {
			// No filter: every name is looked up, and found or not.
			rawOf(t, other).exec(`INSERT INTO radcheck (username, attribute, op, value) VALUES ('dave', 'A', ':=', 'x')`)
			if server.NameFilterStats().Ready || !found(t, server, "dave") || found(t, server, "nobody") {
				t.Errorf("MySQL: filter stats %+v, want none and plain lookups", server.NameFilterStats())
			}
			return
		}
		ctx := t.Context()

		before := server.NameFilterStats()
		if !before.Ready {
			t.Fatal("the filter is not ready after StartNameFilter")
		}
		if found(t, server, "nobody") {
			t.Fatal("an unknown name is found")
		}
		if st := server.NameFilterStats(); st.Unknown != before.Unknown+1 {
			t.Errorf("unknown answers went from %d to %d, want one more", before.Unknown, st.Unknown)
		}

		// Each kind of row, written by the other program, is seen by the
		// very next Subject.
		if err := other.CreateUser(ctx, &store.User{Username: "carol", Password: "!", IsActive: true}); err != nil {
			t.Fatal(err)
		}
		if err := other.AddCheck(ctx, "checkonly", &store.Item{Attribute: "Cleartext-Password", Value: "x"}); err != nil {
			t.Fatal(err)
		}
		if err := other.AddReply(ctx, "replyonly", &store.Item{Attribute: "Reply-Message", Value: "hi"}); err != nil {
			t.Fatal(err)
		}
		r := rawOf(t, other)
		r.exec(`INSERT INTO radusergroup (username, groupname, priority) VALUES ('grouponly', 'users', 1)`)
		time.Sleep(sqlstore.NamesFreshness)
		for _, name := range []string{"carol", "checkonly", "replyonly", "grouponly"} {
			if !found(t, server, name) {
				t.Errorf("%s, committed by another program, is not found", name)
			}
		}
		// A rename: the new name is known at once.
		r.exec(`UPDATE radcheck SET username = 'renamed' WHERE username = 'checkonly'`)
		time.Sleep(sqlstore.NamesFreshness)
		if !found(t, server, "renamed") {
			t.Error("a renamed radcheck row is not found under its new name")
		}

		// A statement of more than 1,000 rows (PostgreSQL then asks for a
		// complete read; SQLite logs each).
		rebuilds := server.NameFilterStats().Rebuilds
		r.exec(`INSERT INTO radreply (username, attribute, op, value)
SELECT CONCAT('bulk', n), 'Reply-Message', '=', 'x' FROM ` + numbers() + ` WHERE n < 1500`)
		time.Sleep(sqlstore.NamesFreshness)
		for _, name := range []string{"bulk0", "bulk777", "bulk1499"} {
			if !found(t, server, name) {
				t.Errorf("%s of a bulk insert is not found", name)
			}
		}
		if found(t, server, "bulk1500") {
			t.Error("bulk1500 was never inserted but is found")
		}
		if backend == dbtest.Postgres {
			if got := server.NameFilterStats().Rebuilds; got <= rebuilds {
				t.Errorf("rebuilds %d after a bulk insert, want more than %d", got, rebuilds)
			}
		}

		// Concurrent logins of unknown names while users are added: a
		// user created through this store is found as soon as CreateUser
		// returned, one created by another program once NamesFreshness
		// has passed.
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for g := range 4 {
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					if found(t, server, fmt.Sprintf("stranger-%d-%d", g, i)) {
						t.Errorf("stranger-%d-%d is found", g, i)
						return
					}
				}
			})
		}
		for i := range 30 {
			name := fmt.Sprintf("own%d", i)
			if err := server.CreateUser(ctx, &store.User{Username: name, Password: "!", IsActive: true}); err != nil {
				t.Fatal(err)
			}
			if !found(t, server, name) {
				t.Errorf("%s is not found right after this store created it", name)
			}
			if err := server.AddCheck(ctx, name+"-check", &store.Item{Attribute: "A", Value: "x"}); err != nil {
				t.Fatal(err)
			}
			if !found(t, server, name+"-check") {
				t.Errorf("%s-check is not found right after this store added it", name)
			}
			name = fmt.Sprintf("late%d", i)
			if err := other.CreateUser(ctx, &store.User{Username: name, Password: "!", IsActive: true}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(sqlstore.NamesFreshness + time.Millisecond)
			if !found(t, server, name) {
				t.Errorf("%s is not found %v after another program created it", name, sqlstore.NamesFreshness+time.Millisecond)
			}
		}
		close(stop)
		wg.Wait()
		if st := server.NameFilterStats(); st.Rounds == 0 || st.Unknown < 2 {
			t.Errorf("stats %+v: want rounds and unknown answers", st)
		}
	})
}

// TestNameFilterSQLiteLogGap: rows of the log removed before this server
// read them (another server pruned them) make it read every name again,
// and it still finds the names they held.
func TestNameFilterSQLiteLogGap(t *testing.T) {
	server, other := serverAndOther(t, dbtest.SQLite)
	r := rawOf(t, other)
	r.exec(`INSERT INTO radcheck (username, attribute, op, value) VALUES ('gap1', 'A', ':=', 'x'), ('gap2', 'A', ':=', 'x'), ('gap3', 'A', ':=', 'x')`)
	r.exec(`DELETE FROM goradius_names_log WHERE seq < (SELECT MAX(seq) FROM goradius_names_log)`)
	time.Sleep(sqlstore.NamesFreshness)
	rebuilds := server.NameFilterStats().Rebuilds
	for _, name := range []string{"gap1", "gap2", "gap3"} {
		if !found(t, server, name) {
			t.Errorf("%s is not found after its log row was removed unread", name)
		}
	}
	if got := server.NameFilterStats().Rebuilds; got != rebuilds+1 {
		t.Errorf("rebuilds %d, want %d: the gap must cause exactly one", got, rebuilds+1)
	}
	if found(t, server, "gap4") {
		t.Error("gap4 is found")
	}
}

// TestNameFilterStoppedListener: with PostgreSQL's listening connection
// gone, the store looks names up again instead of trusting a filter that
// misses notifications, and comes back by itself.
func TestNameFilterStoppedListener(t *testing.T) {
	server, other := serverAndOther(t, dbtest.Postgres)
	r := rawOf(t, other)
	r.exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'`)
	// Names written while nobody listens are still found: either the
	// filter is down (every name is looked up) or it was rebuilt after.
	r.exec(`INSERT INTO radcheck (username, attribute, op, value) VALUES ('while-down', 'A', ':=', 'x')`)
	time.Sleep(sqlstore.NamesFreshness)
	if !found(t, server, "while-down") {
		t.Error("a name written while the listener was down is not found")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	for !server.NameFilterStats().Ready {
		select {
		case <-ctx.Done():
			t.Fatal("the filter did not come back after its connection was terminated")
		case <-time.After(50 * time.Millisecond):
		}
	}
	if !found(t, server, "while-down") || found(t, server, "never-written") {
		t.Error("after the listener came back the filter answers wrongly")
	}
}

// TestNameFilterNeedsItsTriggers: without every trigger the filter does not
// start, and every name is looked up.
func TestNameFilterNeedsItsTriggers(t *testing.T) {
	for _, backend := range []string{dbtest.SQLite, dbtest.Postgres} {
		t.Run(backend, func(t *testing.T) {
			dbtest.Require(t, backend)
			u := dbtest.NewDatabase(t, backend)
			s, err := sqlstore.Open(t.Context(), u, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			drop := `DROP TRIGGER goradius_names_radreply_insert`
			if backend == dbtest.Postgres {
				drop += ` ON radreply`
			}
			rawOf(t, s).exec(drop)
			err = s.StartNameFilter(t.Context())
			if err == nil || !strings.Contains(err.Error(), "7 of the 8") {
				t.Fatalf("StartNameFilter without a trigger: %v, want an error naming the missing trigger", err)
			}
			rawOf(t, s).exec(`INSERT INTO radreply (username, attribute, op, value) VALUES ('untracked', 'A', '=', 'x')`)
			if s.NameFilterStats().Ready || !found(t, s, "untracked") {
				t.Errorf("without its triggers the filter answers (%+v)", s.NameFilterStats())
			}
		})
	}
}
