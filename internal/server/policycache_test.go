package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

// TestPolicyCache: with --policy-cache-ttl a repeated authorize reads
// nothing from the database, and every change made through the server
// applies to the next one: accounting to the counters, deactivation, new
// reply items, group changes.
func TestPolicyCache(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, func(c *config.Config) { c.PolicyCacheTTL = time.Minute; c.PolicyCacheSize = 100 }, nil)
		ctx := context.Background()
		e.addUser("pat", "pat-pw") // in users: Max-Daily-Session 10800
		day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
		e.clock.Set(day.Add(9 * time.Hour))
		timeout := func() int64 {
			t.Helper()
			return number(t, wantAccept(t, e.authorize("pat", "pat-pw")), "reply:Session-Timeout")
		}
		if got := timeout(); got != 10800 {
			t.Fatalf("Session-Timeout = %d, want 10800", got)
		}
		policyHits, usageHits := e.lookups("policy", "hit"), e.lookups("usage", "hit")
		if got := timeout(); got != 10800 {
			t.Fatalf("again: Session-Timeout = %d, want 10800", got)
		}
		if e.lookups("policy", "hit") != policyHits+1 || e.lookups("usage", "hit") != usageHits+1 {
			t.Fatalf("a repeated authorize missed the cache: policy hits %d -> %d, usage hits %d -> %d",
				policyHits, e.lookups("policy", "hit"), usageHits, e.lookups("usage", "hit"))
		}

		// Accounting through the server counts at once.
		e.session("p1", "pat", day.Add(9*time.Hour), 600, 1000)
		if got := timeout(); got != 10800-600 {
			t.Fatalf("after a 600 s session Session-Timeout = %d, want %d", got, 10800-600)
		}
		e.acct("Start", "p2", "pat", nil)
		e.clock.Set(day.Add(9*time.Hour + 20*time.Minute))
		e.acct("Interim-Update", "p2", "pat", map[string]string{"session_time": "1200"})
		if got := timeout(); got != 10800-600-1200 {
			t.Fatalf("after an Interim-Update of 1200 s Session-Timeout = %d, want %d", got, 10800-600-1200)
		}

		// Changes to the account and the policy apply at once.
		if err := s.SetActive(ctx, "pat", false); err != nil {
			t.Fatal(err)
		}
		wantEmpty(t, e.authorize("pat", "pat-pw"), 200)
		if err := s.SetActive(ctx, "pat", true); err != nil {
			t.Fatal(err)
		}
		timeout()
		if err := s.AddReply(ctx, "pat", &store.Item{Attribute: "Session-Timeout", Op: ":=", Value: "60"}); err != nil {
			t.Fatal(err)
		}
		if got := timeout(); got != 60 {
			t.Fatalf("after a Session-Timeout reply item of 60, Session-Timeout = %d", got)
		}
		if err := s.AddGroupCheck(ctx, "users", &store.Item{Attribute: "Auth-Type", Op: ":=", Value: "Reject"}); err != nil {
			t.Fatal(err)
		}
		wantJSON(t, e.authorize("pat", "pat-pw"), 200, `{"control:Auth-Type": "Reject"}`)
	})
}
