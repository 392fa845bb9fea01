// Package credcache remembers passwords recently verified against a stored
// hash, so that a repeated login can skip the hash's deliberate cost
// (PBKDF2 with 260,000 iterations takes tens of milliseconds).
//
// An entry is keyed by an HMAC-SHA256, under a random key that exists only
// in this process's memory, of the username, the stored encoded hash and
// the password. Nothing in the cache can be compared with a password
// without that key, a changed password or hash can never hit an old entry,
// and an entry lives for a fixed time from its verification, never longer.
// Only successful verifications are remembered: a wrong password always
// costs the full hash.
package credcache

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"
)

type key [sha256.Size]byte

// Cache is a bounded set of recently verified credentials. The zero value
// is not usable; see New. A nil *Cache remembers nothing.
type Cache struct {
	ttl time.Duration
	max int
	now func() time.Time

	secret [32]byte

	mu      sync.Mutex
	entries map[key]time.Time // expiry

	hits, misses atomic.Uint64

	// Observe, when set before the cache is used, is told the answer of
	// every Verified (for metrics).
	Observe func(hit bool)
}

// New returns a cache keeping each verification for ttl, with at most
// maxEntries entries (when full, an expired entry or else an arbitrary one
// makes room). now is the clock; nil means time.Now.
func New(ttl time.Duration, maxEntries int, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	if maxEntries < 1 {
		maxEntries = 1
	}
	c := &Cache{ttl: ttl, max: maxEntries, now: now, entries: make(map[key]time.Time)}
	if _, err := rand.Read(c.secret[:]); err != nil {
		panic("credcache: no randomness: " + err.Error()) // crypto/rand does not fail on Linux
	}
	return c
}

func (c *Cache) key(username, encoded, password string) key {
	m := hmac.New(sha256.New, c.secret[:])
	// Each part is prefixed by its length, so no two triples share an
	// input.
	for _, s := range [...]string{username, encoded, password} {
		n := len(s)
		m.Write([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
		m.Write([]byte(s))
	}
	var k key
	m.Sum(k[:0])
	return k
}

// Verified reports whether this password was verified against this
// encoded hash for this user less than the TTL ago.
func (c *Cache) Verified(username, encoded, password string) bool {
	if c == nil {
		return false
	}
	k := c.key(username, encoded, password)
	now := c.now()
	c.mu.Lock()
	exp, ok := c.entries[k]
	if ok && !now.Before(exp) {
		delete(c.entries, k)
		ok = false
	}
	c.mu.Unlock()
	if ok {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	if c.Observe != nil {
		c.Observe(ok)
	}
	return ok
}

// Remember records a successful verification.
func (c *Cache) Remember(username, encoded, password string) {
	if c == nil {
		return
	}
	k := c.key(username, encoded, password)
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok && len(c.entries) >= c.max {
		c.makeRoom(now)
	}
	c.entries[k] = now.Add(c.ttl)
}

// makeRoom drops the expired entries among the first few it meets, or else
// one arbitrary entry (map order is random, so no entry is favoured).
func (c *Cache) makeRoom(now time.Time) {
	const look = 8
	var victim key
	seen, dropped := 0, false
	for k, exp := range c.entries {
		if !now.Before(exp) {
			delete(c.entries, k)
			dropped = true
		} else if seen == 0 {
			victim = k
		}
		seen++
		if seen >= look {
			break
		}
	}
	if !dropped {
		delete(c.entries, victim)
	}
}

// Len is the number of entries, expired ones included until they are met.
func (c *Cache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Hits and Misses count the answers of Verified.
func (c *Cache) Hits() uint64 {
	if c == nil {
		return 0
	}
	return c.hits.Load()
}

// Misses counts the answers of Verified that were false.
func (c *Cache) Misses() uint64 {
	if c == nil {
		return 0
	}
	return c.misses.Load()
}
