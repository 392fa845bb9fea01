package adminapi

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/netip"
	"sync"
	"time"
)

// Login throttling defaults (see docs/admin-api.md).
const (
	// DefaultUserFreeFailures and DefaultIPFreeFailures are the failed
	// logins allowed without delay, per username and per client address.
	DefaultUserFreeFailures = 5
	DefaultIPFreeFailures   = 20
	// DefaultBaseDelay is the wait after the first failure past the free
	// ones; each further failure doubles it, up to DefaultMaxDelay.
	DefaultBaseDelay = time.Second
	DefaultMaxDelay  = 10 * time.Minute
	// DefaultForgetAfter: a key without any attempt for this long starts
	// again from zero failures.
	DefaultForgetAfter = time.Hour
	// DefaultMaxKeys bounds each table; the least recently seen key goes
	// first when it is full.
	DefaultMaxKeys = 10000
)

// limiter counts failed attempts per key in memory, with bounded memory;
// Throttle's lock guards it.
// Every attempt counts as a failure from the moment it starts (so parallel
// guesses cannot all slip in before the first one fails); a success takes
// it back.
type limiter struct {
	free        int
	base, max   time.Duration
	forgetAfter time.Duration
	maxKeys     int

	keys  map[string]*list.Element
	order *list.List // of *attempts, least recently seen at the front
}

type attempts struct {
	key          string
	failures     int
	last         time.Time
	blockedUntil time.Time
}

func newLimiter(free, maxKeys int) *limiter {
	return &limiter{
		free: free, base: DefaultBaseDelay, max: DefaultMaxDelay, forgetAfter: DefaultForgetAfter,
		maxKeys: maxKeys, keys: map[string]*list.Element{}, order: list.New(),
	}
}

// delay is the wait after n failures.
func (l *limiter) delay(n int) time.Duration {
	if n < l.free {
		return 0
	}
	d := l.base
	for i := l.free; i < n && d < l.max; i++ {
		d *= 2
	}
	return min(d, l.max)
}

// get returns the key's entry, creating it (and evicting the least
// recently seen one when the table is full); stale entries start afresh.
func (l *limiter) get(key string, now time.Time) *attempts {
	if e, ok := l.keys[key]; ok {
		a := e.Value.(*attempts)
		if now.Sub(a.last) > l.forgetAfter && !now.Before(a.blockedUntil) {
			a.failures, a.blockedUntil = 0, time.Time{}
		}
		l.order.MoveToBack(e)
		return a
	}
	for len(l.keys) >= l.maxKeys {
		oldest := l.order.Front()
		l.order.Remove(oldest)
		delete(l.keys, oldest.Value.(*attempts).key)
	}
	a := &attempts{key: key}
	l.keys[key] = l.order.PushBack(a)
	return a
}

// wait returns how long key must still wait, 0 when it may try now.
func (l *limiter) wait(key string, now time.Time) time.Duration {
	e, ok := l.keys[key]
	if !ok {
		return 0
	}
	a := e.Value.(*attempts)
	if now.Before(a.blockedUntil) {
		return a.blockedUntil.Sub(now)
	}
	return 0
}

// fail counts one failure.
func (l *limiter) fail(key string, now time.Time) {
	a := l.get(key, now)
	a.failures++
	a.last = now
	if d := l.delay(a.failures); d > 0 {
		a.blockedUntil = now.Add(d)
	}
}

// forgive takes back one failure counted by fail; reset forgets them all.
func (l *limiter) forgive(key string, reset bool) {
	e, ok := l.keys[key]
	if !ok {
		return
	}
	a := e.Value.(*attempts)
	if reset || a.failures <= 1 {
		l.order.Remove(e)
		delete(l.keys, key)
		return
	}
	a.failures--
	if a.failures < l.free {
		a.blockedUntil = time.Time{}
	}
}

// Throttle limits failed admin logins per username and per client
// address. The zero value is not usable; see NewThrottle.
type Throttle struct {
	users, ips *limiter
	mu         sync.Mutex
}

// NewThrottle returns a throttle with the default limits.
func NewThrottle() *Throttle {
	return &Throttle{
		users: newLimiter(DefaultUserFreeFailures, DefaultMaxKeys),
		ips:   newLimiter(DefaultIPFreeFailures, DefaultMaxKeys),
	}
}

// Begin starts a login attempt of username from the client address addr
// (an http.Request's RemoteAddr). It returns how long the client must wait
// (> 0: refuse the attempt), or counts the attempt as a failure until
// Succeeded takes it back.
func (t *Throttle) Begin(username, addr string, now time.Time) time.Duration {
	uk, ik := userKey(username), clientKey(addr)
	t.mu.Lock()
	defer t.mu.Unlock()
	if w := max(t.users.wait(uk, now), t.ips.wait(ik, now)); w > 0 {
		return w
	}
	t.users.fail(uk, now)
	t.ips.fail(ik, now)
	return 0
}

// Succeeded takes back the attempt Begin counted: the username's failures
// are forgotten, the address loses one.
func (t *Throttle) Succeeded(username, addr string) {
	uk, ik := userKey(username), clientKey(addr)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.users.forgive(uk, true)
	t.ips.forgive(ik, false)
}

// userKey bounds the memory a long username takes.
func userKey(username string) string {
	if len(username) <= 64 {
		return username
	}
	s := sha256.Sum256([]byte(username))
	return "sha256:" + hex.EncodeToString(s[:])
}

// clientKey is the client's IP address; an IPv6 client is counted by its
// /64, which one host usually has to itself.
func clientKey(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return userKey(host)
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
