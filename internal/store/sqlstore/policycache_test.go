package sqlstore_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// A usage read that began before an accounting packet's commit must not be
// kept after it: after each packet is answered, the next read sees it,
// while other readers of the same user run all along.
func TestPolicyCacheUsageRace(t *testing.T) {
	dbtest.EachBackend(t, func(t *testing.T, backend string) {
		st, _ := dbtest.Open(t, backend)
		s := st.(*sqlstore.Store)
		s.CachePolicy(time.Hour, 100, nil)
		ctx := t.Context()
		start := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
		since := start.Add(-time.Hour)
		packet := func(seconds int64) *store.AcctWrite {
			w := &store.AcctWrite{UniqueID: "race-1"}
			for f, v := range map[store.AcctField]any{
				store.AcctSessionID: "S-1", store.AcctUniqueID: "race-1", store.AcctNASIPAddress: "10.0.0.1",
				store.AcctUsername: "dave", store.AcctStartTime: start, store.AcctSessionTime: seconds,
			} {
				w.Values[f], w.Update[f] = v, true
			}
			w.Update[store.AcctUniqueID] = false
			return w
		}

		var stop atomic.Bool
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for !stop.Load() {
					if _, err := s.UsageSince(ctx, "dave", since); err != nil {
						t.Errorf("UsageSince: %v", err)
						return
					}
				}
			})
		}
		defer func() { stop.Store(true); wg.Wait() }()
		rounds := int64(200)
		if backend == dbtest.SQLite && raceEnabled {
			rounds = 50
		}
		for k := int64(1); k <= rounds; k++ {
			if _, err := s.WriteAccounting(ctx, packet(k)); err != nil {
				t.Fatalf("WriteAccounting %d: %v", k, err)
			}
			u, err := s.UsageSince(ctx, "dave", since)
			if err != nil {
				t.Fatalf("UsageSince: %v", err)
			}
			if u.Seconds != k {
				t.Fatalf("after the packet with %d seconds, UsageSince = %d seconds", k, u.Seconds)
			}
		}
	})
}

// A change made by another program (here: SQL on the database, not
// through the Store) is seen once the TTL has passed, and a write through
// the Store is seen at once.
func TestPolicyCacheTTL(t *testing.T) {
	st, _ := dbtest.Open(t, dbtest.SQLite)
	s := st.(*sqlstore.Store)
	const ttl = 200 * time.Millisecond
	s.CachePolicy(ttl, 100, nil)
	ctx := t.Context()
	if err := s.CreateUser(ctx, &store.User{Username: "erin", Password: "!", IsActive: true}); err != nil {
		t.Fatal(err)
	}
	replies := func() int {
		t.Helper()
		sub, err := s.Subject(ctx, "erin", "", time.Now())
		if err != nil || !sub.HasUser {
			t.Fatalf("Subject(erin) = %+v, %v", sub, err)
		}
		return len(sub.Policy.Reply)
	}
	if n := replies(); n != 0 {
		t.Fatalf("erin has %d reply items, want 0", n)
	}
	began := time.Now()
	if _, err := s.WriterForTest().ExecContext(ctx,
		`INSERT INTO radreply (username, attribute, op, value) VALUES ('erin', 'Idle-Timeout', '=', '60')`); err != nil {
		t.Fatal(err)
	}
	if n := replies(); n != 0 && time.Since(began) < ttl {
		t.Fatalf("another program's change was seen at once: the cache is not used")
	}
	time.Sleep(ttl)
	if n := replies(); n != 1 {
		t.Fatalf("%v after another program's change, erin has %d reply items, want 1", ttl, n)
	}
	if err := s.AddReply(ctx, "erin", &store.Item{Attribute: "Session-Timeout", Value: "600"}); err != nil {
		t.Fatal(err)
	}
	if n := replies(); n != 2 {
		t.Fatalf("after AddReply, erin has %d reply items, want 2", n)
	}
}

// The cache keeps at most its size of usernames.
func TestPolicyCacheSize(t *testing.T) {
	st, _ := dbtest.Open(t, dbtest.SQLite)
	s := st.(*sqlstore.Store)
	const size = 40
	s.CachePolicy(time.Hour, size, nil)
	ctx := t.Context()
	for i := range 3 * size {
		name := "user" + itoa(int64(i))
		if err := s.CreateUser(ctx, &store.User{Username: name, Password: "!", IsActive: true}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 * size {
		name := "user" + itoa(int64(i))
		if sub, err := s.Subject(ctx, name, "", time.Now()); err != nil || !sub.HasUser {
			t.Fatalf("Subject(%s) = %+v, %v", name, sub, err)
		}
		if _, err := s.UsageSince(ctx, name, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if n := s.PolicyCacheLenForTest(); n > size {
			t.Fatalf("after %d users the cache holds %d, more than its size %d", i+1, n, size)
		}
	}
	if n := s.PolicyCacheLenForTest(); n < size/2 {
		t.Errorf("the cache holds %d users, want at least %d", n, size/2)
	}
}
