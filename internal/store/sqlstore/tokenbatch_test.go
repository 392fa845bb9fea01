package sqlstore_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

// TestConsumeRadiusTokensTogether: concurrent logins with their own
// tokens, each sent twice at once, share commits; every token is used
// exactly once, and nothing is left behind.
func TestConsumeRadiusTokensTogether(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		const n = 60
		ids := make([]int64, n)
		keys := make([]string, n)
		for i := range n {
			u := store.User{Username: fmt.Sprintf("tok%02d", i), Password: "!", IsActive: true}
			if err := s.CreateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			key := fmt.Sprintf("Token%02dabcdefghijklmnopqrstuvwxyz0123456", i)[:40]
			tok, err := s.EnsureTokens(ctx, u.ID, func() string { return fmt.Sprintf("%040d", i) }, func() string { return key })
			if err != nil {
				t.Fatal(err)
			}
			ids[i], keys[i] = u.ID, tok.RadiusKey
		}
		var used atomic.Int32
		var wg sync.WaitGroup
		for i := range n {
			for range 2 {
				wg.Go(func() {
					ok, err := s.ConsumeRadiusToken(ctx, ids[i], keys[i])
					if err != nil {
						t.Errorf("consume %d: %v", i, err)
					}
					if ok {
						used.Add(1)
					}
				})
			}
		}
		// A wrong key among them changes nothing.
		wg.Go(func() {
			if ok, err := s.ConsumeRadiusToken(ctx, ids[0], "WrongKey0123456789abcdefghijklmnopqrstuv"); ok || err != nil {
				t.Errorf("a wrong key: %v %v", ok, err)
			}
		})
		wg.Wait()
		if used.Load() != n {
			t.Fatalf("%d tokens used, want each of the %d exactly once", used.Load(), n)
		}
		for i := range n {
			if ok, err := s.CheckRadiusToken(ctx, ids[i], keys[i]); ok || err != nil {
				t.Fatalf("token %d still there after its login (%v)", i, err)
			}
		}
	})
}
