package credcache

import (
	"sync"
	"testing"
	"time"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestVerifiedOnlyWhatWasRemembered(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := New(time.Minute, 100, clk.now)
	if c.Verified("ann", "hash-1", "pw") {
		t.Fatal("an empty cache verified a password")
	}
	c.Remember("ann", "hash-1", "pw")
	cases := []struct {
		user, hash, pw string
		want           bool
	}{
		{"ann", "hash-1", "pw", true},
		{"ann", "hash-1", "pw2", false},    // another password
		{"ann", "hash-2", "pw", false},     // the stored hash changed
		{"bob", "hash-1", "pw", false},     // another user with the same hash
		{"ann", "hash-1pw", "", false},     // the parts are not just joined
		{"annhash-1", "", "pw", false},     //
		{"ann", "hash-1", "PW", false},     // case matters
		{"ann", "hash-1", "pw ", false},    // so do spaces
		{"", "", "", false},                //
		{"ann", "hash-1", "pw\x00", false}, //
	}
	for _, tc := range cases {
		if got := c.Verified(tc.user, tc.hash, tc.pw); got != tc.want {
			t.Errorf("Verified(%q, %q, %q) = %v, want %v", tc.user, tc.hash, tc.pw, got, tc.want)
		}
	}
	if c.Hits() != 1 || c.Misses() != uint64(len(cases)) {
		t.Errorf("hits %d, misses %d; want 1 and %d", c.Hits(), c.Misses(), len(cases))
	}
}

func TestEntriesExpire(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := New(time.Minute, 100, clk.now)
	c.Remember("ann", "h", "pw")
	clk.add(59 * time.Second)
	if !c.Verified("ann", "h", "pw") {
		t.Fatal("forgotten before its TTL")
	}
	// A hit does not extend the entry.
	clk.add(time.Second)
	if c.Verified("ann", "h", "pw") {
		t.Fatal("still verified at its TTL")
	}
	if c.Len() != 0 {
		t.Fatalf("an expired entry stayed after it was met: %d entries", c.Len())
	}
}

func TestBounded(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := New(time.Hour, 50, clk.now)
	for i := 0; i < 1000; i++ {
		c.Remember("user", "h", string(rune('a'+i%26))+time.Duration(i).String())
		if c.Len() > 50 {
			t.Fatalf("%d entries after %d inserts, bound 50", c.Len(), i+1)
		}
	}
	if c.Len() != 50 {
		t.Fatalf("%d entries, want the bound 50", c.Len())
	}
	// The newest one is always there.
	c.Remember("last", "h", "pw")
	if !c.Verified("last", "h", "pw") {
		t.Fatal("the entry just remembered was evicted")
	}
}

func TestExpiredEntriesMakeRoomFirst(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := New(time.Minute, 2, clk.now)
	c.Remember("old", "h", "pw")
	clk.add(2 * time.Minute)
	c.Remember("live", "h", "pw")
	c.Remember("new", "h", "pw") // full: the expired "old" goes
	if !c.Verified("live", "h", "pw") || !c.Verified("new", "h", "pw") {
		t.Fatal("a live entry was evicted while an expired one was there")
	}
}

func TestNilCache(t *testing.T) {
	var c *Cache
	c.Remember("ann", "h", "pw")
	if c.Verified("ann", "h", "pw") || c.Len() != 0 || c.Hits() != 0 || c.Misses() != 0 {
		t.Fatal("a nil cache remembered something")
	}
}

func TestKeysDifferAcrossCaches(t *testing.T) {
	a, b := New(time.Minute, 10, nil), New(time.Minute, 10, nil)
	if a.key("u", "h", "p") == b.key("u", "h", "p") {
		t.Fatal("two caches share their HMAC key")
	}
}

func TestConcurrentUse(t *testing.T) {
	c := New(time.Minute, 64, nil)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for i := 0; i < 500; i++ {
				pw := string(rune('a' + (g+i)%26))
				c.Remember("u", "h", pw)
				c.Verified("u", "h", pw)
			}
		})
	}
	wg.Wait()
	if c.Len() > 64 {
		t.Fatalf("%d entries, bound 64", c.Len())
	}
}
