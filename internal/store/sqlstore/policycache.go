package sqlstore

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// policyCache remembers, for a short time, what authorize reads about a
// known user: its account and policy (Subject without a token) and its
// counter usage (UsageSince). Profiling repeated logins on SQLite showed
// these two queries taking over half of the server's CPU; FreeRADIUS asks
// again for every Access-Request of an EAP conversation (about ten for
// PEAP), and a NAS retransmits.
//
// An answer is used only while it is younger than ttl and:
//   - no write went through this Store since the read began (writer.execs
//     counts them: the admin API, token logins, session cleaning ...), an
//     accounting packet excepted;
//   - for usage, no accounting packet of the username was written since.
//
// A change made by another program (another goradius process, FreeRADIUS's
// sql module, daloRADIUS) is seen after at most ttl.
type policyCache struct {
	ttl     time.Duration
	max     int
	observe func(cache string, hit bool) // nil: not counted

	mu      sync.Mutex
	entries map[string]*policyEntry
	// forgets counts forget calls (added to with mu held): a usage read
	// during one is not kept, as it may have begun before the packet's row
	// was written.
	forgets atomic.Uint64
}

// policyEntry is what the cache holds of one username.
type policyEntry struct {
	sub      store.Subject
	hasSub   bool
	subRead  time.Time // when the read began
	subNow   time.Time // the now it was read for (radcheck's valid_until)
	subExecs int64

	usage []usageEntry
}

type usageEntry struct {
	since time.Time
	u     store.Usage
	read  time.Time
	execs int64
}

func newPolicyCache(ttl time.Duration, max int) *policyCache {
	return &policyCache{ttl: ttl, max: max, entries: map[string]*policyEntry{}}
}

// subject returns the cached Subject of username as of now, if any.
func (c *policyCache) subject(username string, now time.Time, execs int64) (sub store.Subject, hit bool) {
	defer func() { c.seen("policy", hit) }()
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[username]
	if e == nil || !e.hasSub || e.subExecs != execs || time.Since(e.subRead) >= c.ttl ||
		now.Before(e.subNow) || now.Sub(e.subNow) >= c.ttl {
		return store.Subject{}, false
	}
	return e.sub, true
}

// seen tells observe of a lookup, outside mu: the metrics take their own
// locks.
func (c *policyCache) seen(cache string, hit bool) {
	if c.observe != nil {
		c.observe(cache, hit)
	}
}

// putSubject keeps sub, read from began on for now, when no write went
// through the Store since (execs is writer.execs when the read began).
func (c *policyCache) putSubject(username string, sub store.Subject, began, now time.Time, execs int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(username, began)
	e.sub, e.hasSub, e.subRead, e.subNow, e.subExecs = sub, true, began, now, execs
}

// usage returns the cached usage of username since since, if any.
func (c *policyCache) usage(username string, since time.Time, execs int64) (u store.Usage, hit bool) {
	defer func() { c.seen("usage", hit) }()
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[username]; e != nil {
		for _, x := range e.usage {
			if x.since.Equal(since) && x.execs == execs && time.Since(x.read) < c.ttl {
				return x.u, true
			}
		}
	}
	return store.Usage{}, false
}

// putUsage keeps a usage read from began on, unless an accounting packet
// was written meanwhile (forgets is c.forgets from before the read).
func (c *policyCache) putUsage(username string, since time.Time, u store.Usage, began time.Time, execs int64, forgets uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.forgets.Load() != forgets {
		return
	}
	e := c.entry(username, began)
	// A few periods at most (day, month, all time): replace the stale.
	kept := e.usage[:0]
	for _, x := range e.usage {
		if !x.since.Equal(since) && time.Since(x.read) < c.ttl {
			kept = append(kept, x)
		}
	}
	e.usage = append(kept, usageEntry{since: since, u: u, read: began, execs: execs})
}

// forget drops username's usage: an accounting packet of it was written
// ("" when the packet had no username: every user's).
func (c *policyCache) forget(username string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgets.Add(1)
	if username == "" {
		for _, e := range c.entries {
			e.usage = nil
		}
		return
	}
	if e := c.entries[username]; e != nil {
		e.usage = nil
	}
}

// entry returns username's entry, making room for a new one. Called with
// mu held.
func (c *policyCache) entry(username string, now time.Time) *policyEntry {
	if e := c.entries[username]; e != nil {
		return e
	}
	if len(c.entries) >= c.max {
		c.evict(now)
	}
	e := &policyEntry{}
	c.entries[username] = e
	return e
}

// evict drops the expired entries and, if that frees less than a quarter
// of the room, arbitrary others (map order) until it does.
func (c *policyCache) evict(now time.Time) {
	for name, e := range c.entries {
		if now.Sub(e.subRead) >= c.ttl && !e.freshUsage(now, c.ttl) {
			delete(c.entries, name)
		}
	}
	for name := range c.entries {
		if len(c.entries) <= c.max-c.max/4-1 {
			break
		}
		delete(c.entries, name)
	}
}

func (e *policyEntry) freshUsage(now time.Time, ttl time.Duration) bool {
	for _, u := range e.usage {
		if now.Sub(u.read) < ttl {
			return true
		}
	}
	return false
}

// len returns how many usernames the cache holds.
func (c *policyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// CachePolicy turns the policy cache on: Subject (without a token) and
// UsageSince answers are used again for up to ttl, at most size usernames
// kept. See policyCache for what makes an answer stale before that.
// observe, when not nil, is told of each lookup: cache "policy" for
// Subject, "usage" for UsageSince.
func (s *Store) CachePolicy(ttl time.Duration, size int, observe func(cache string, hit bool)) {
	if ttl <= 0 || size <= 0 {
		s.policy.Store(nil)
		return
	}
	c := newPolicyCache(ttl, size)
	c.observe = observe
	s.policy.Store(c)
}
