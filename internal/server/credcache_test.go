package server_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

// cacheLookups reads goradius_cache_lookups_total{cache="credentials"} from
// /metrics.
func (e *env) cacheLookups(result string) int {
	e.t.Helper()
	return e.lookups("credentials", result)
}

// lookups reads goradius_cache_lookups_total of a cache from /metrics.
func (e *env) lookups(cache, result string) int {
	e.t.Helper()
	r, err := http.Get(e.srv.URL + "/metrics")
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	m := regexp.MustCompile(`goradius_cache_lookups_total\{cache="` + cache + `",result="` + result + `"\} (\d+)`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// TestCredentialCache: with --credential-cache-ttl a repeated login is
// answered from the cache, and nothing about the account is cached but
// the verification: a new password, deactivation or expiry apply at once,
// a wrong password is never cached, and entries expire.
func TestCredentialCache(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, func(c *config.Config) { c.CredentialCacheTTL = time.Minute; c.CredentialCacheSize = 100 }, nil)
		ctx := context.Background()
		e.addUser("cc", "cc-pw")
		wantAccept(t, e.authorize("cc", "cc-pw"))
		wantAccept(t, e.authorize("cc", "cc-pw"))
		if hits, misses := e.cacheLookups("hit"), e.cacheLookups("miss"); hits != 1 || misses != 1 {
			t.Fatalf("after two logins: %d hits, %d misses; want 1 and 1", hits, misses)
		}
		for i := 0; i < 2; i++ {
			wantEmpty(t, e.authorize("cc", "wrong"), 200)
		}
		if hits := e.cacheLookups("hit"); hits != 1 {
			t.Fatalf("a wrong password hit the cache: %d hits", hits)
		}

		if err := e.users.SetPassword(ctx, "cc", "cc-pw-2"); err != nil {
			t.Fatal(err)
		}
		wantEmpty(t, e.authorize("cc", "cc-pw"), 200) // the old password, cached, no longer works
		wantAccept(t, e.authorize("cc", "cc-pw-2"))
		wantAccept(t, e.authorize("cc", "cc-pw-2"))

		if err := s.SetActive(ctx, "cc", false); err != nil {
			t.Fatal(err)
		}
		wantEmpty(t, e.authorize("cc", "cc-pw-2"), 200)
		if err := s.SetActive(ctx, "cc", true); err != nil {
			t.Fatal(err)
		}
		wantAccept(t, e.authorize("cc", "cc-pw-2"))

		before := e.cacheLookups("hit")
		e.clock.Set(time.Now().Add(2 * time.Minute)) // past the TTL
		wantAccept(t, e.authorize("cc", "cc-pw-2"))
		if hits := e.cacheLookups("hit"); hits != before {
			t.Fatalf("an entry older than its TTL was used: %d hits, %d before", hits, before)
		}
	})
}

// TestCredentialCacheOff: the default keeps no cache at all.
func TestCredentialCacheOff(t *testing.T) {
	s, _ := dbtest.Open(t, "sqlite")
	e := newEnv(t, s, nil, nil)
	e.addUser("cc", "cc-pw")
	wantAccept(t, e.authorize("cc", "cc-pw"))
	wantAccept(t, e.authorize("cc", "cc-pw"))
	if n := e.cacheLookups("hit") + e.cacheLookups("miss"); n != 0 {
		t.Fatalf("%d cache lookups with the cache off", n)
	}
}
