package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// fixedKey is a key generator that always returns key.
func fixedKey(key string) func() string { return func() string { return key } }

// countingKeys returns numbered keys with prefix and counts the calls.
func countingKeys(prefix string) (func() string, *atomic.Int64) {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("%s%d", prefix, n.Add(1)) }, &n
}

func testTokens(t *testing.T, s store.Store) {
	ctx := t.Context()
	alice := mustCreateUser(t, s, "alice")
	bob := mustCreateUser(t, s, "bob")

	authGen, authCalls := countingKeys("auth-")
	radiusGen, radiusCalls := countingKeys("radius-")
	tokens, err := s.EnsureTokens(ctx, alice.ID, authGen, radiusGen)
	wantNoErr(t, "EnsureTokens", err)
	if tokens != (store.Tokens{AuthKey: "auth-1", RadiusKey: "radius-1"}) {
		t.Fatalf("EnsureTokens = %+v, want the generated keys", tokens)
	}
	again, err := s.EnsureTokens(ctx, alice.ID, authGen, radiusGen)
	wantNoErr(t, "EnsureTokens again", err)
	if again != tokens || authCalls.Load() != 1 || radiusCalls.Load() != 1 {
		t.Errorf("EnsureTokens again = %+v after %d/%d generator calls; want the same keys, no new ones",
			again, authCalls.Load(), radiusCalls.Load())
	}

	u, err := s.UserByAuthToken(ctx, "auth-1")
	wantNoErr(t, "UserByAuthToken", err)
	wantUser(t, u, alice)
	for _, key := range []string{"", "auth-2", "AUTH-1", "auth-1 ", "radius-1"} {
		_, err := s.UserByAuthToken(ctx, key)
		wantErr(t, fmt.Sprintf("UserByAuthToken(%q)", key), err, store.ErrNotFound)
	}

	checks := []struct {
		user int64
		key  string
		want bool
	}{
		{alice.ID, "radius-1", true},
		{alice.ID, "radius-2", false},
		{alice.ID, "RADIUS-1", false},
		{alice.ID, "radius-1 ", false},
		{alice.ID, "", false},
		{alice.ID, "auth-1", false},
		{bob.ID, "radius-1", false},
	}
	names := map[int64]string{alice.ID: "alice", bob.ID: "bob"}
	for _, c := range checks {
		ok, err := s.CheckRadiusToken(ctx, c.user, c.key)
		wantNoErr(t, "CheckRadiusToken", err)
		if ok != c.want {
			t.Errorf("CheckRadiusToken(%d, %q) = %v, want %v", c.user, c.key, ok, c.want)
		}
		// Subject compares the same candidates in its round trip, and
		// the comparison changes nothing else it reads.
		sub, err := s.Subject(ctx, names[c.user], c.key, time.Now())
		wantNoErr(t, "Subject", err)
		if sub.RadiusToken != c.want || !sub.HasUser || sub.User.ID != c.user {
			t.Errorf("Subject(%q, %q) = token %v, user %v/%d; want token %v, user %d",
				names[c.user], c.key, sub.RadiusToken, sub.HasUser, sub.User.ID, c.want, c.user)
		}
	}
	// A token is not found under another username, nor for a name
	// without an account.
	for _, name := range []string{"bob", "nobody", "alice "} {
		sub, err := s.Subject(ctx, name, "radius-1", time.Now())
		wantNoErr(t, "Subject", err)
		if sub.RadiusToken {
			t.Errorf("Subject(%q, alice's token) reports the token as %q's", name, name)
		}
	}
	// Wrong keys and users consume nothing.
	for _, c := range checks[1:] {
		ok, err := s.ConsumeRadiusToken(ctx, c.user, c.key)
		wantNoErr(t, "ConsumeRadiusToken", err)
		if ok {
			t.Errorf("ConsumeRadiusToken(%d, %q) = true", c.user, c.key)
		}
	}
	for i, want := range []bool{true, false} {
		ok, err := s.ConsumeRadiusToken(ctx, alice.ID, "radius-1")
		wantNoErr(t, "ConsumeRadiusToken", err)
		if ok != want {
			t.Errorf("ConsumeRadiusToken call %d = %v, want %v", i+1, ok, want)
		}
	}
	ok, err := s.CheckRadiusToken(ctx, alice.ID, "radius-1")
	wantNoErr(t, "CheckRadiusToken", err)
	if ok {
		t.Error("a consumed radius token still checks")
	}

	// A used radius token is replaced; the auth token stays.
	renewed, err := s.EnsureTokens(ctx, alice.ID, authGen, radiusGen)
	wantNoErr(t, "EnsureTokens after consume", err)
	if renewed != (store.Tokens{AuthKey: "auth-1", RadiusKey: "radius-2"}) {
		t.Errorf("EnsureTokens after consume = %+v, want auth-1 and a new radius-2", renewed)
	}

	_, err = s.EnsureTokens(ctx, bob.ID+1000, authGen, radiusGen)
	wantErr(t, "EnsureTokens of an unknown user", err, store.ErrNotFound)
}

func testConsumeConcurrently(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := mustCreateUser(t, s, "alice")
	for round := range 3 {
		key := fmt.Sprintf("token-%d", round)
		_, err := s.EnsureTokens(ctx, u.ID, fixedKey("auth"), fixedKey(key))
		wantNoErr(t, "EnsureTokens", err)

		const n = 20
		var (
			wg   sync.WaitGroup
			wins atomic.Int64
			errs = make(chan error, n)
		)
		start := make(chan struct{})
		for range n {
			wg.Go(func() {
				<-start
				ok, err := s.ConsumeRadiusToken(ctx, u.ID, key)
				if err != nil {
					errs <- err
				}
				if ok {
					wins.Add(1)
				}
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("ConsumeRadiusToken: %v", err)
		}
		if wins.Load() != 1 {
			t.Fatalf("round %d: %d of %d concurrent ConsumeRadiusToken calls won, want exactly 1", round, wins.Load(), n)
		}
	}
}

func testEnsureTokensConcurrently(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := mustCreateUser(t, s, "alice")
	const n = 10
	results := make([]store.Tokens, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			results[i], errs[i] = s.EnsureTokens(ctx, u.ID,
				fixedKey(fmt.Sprintf("auth-%d", i)), fixedKey(fmt.Sprintf("radius-%d", i)))
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("EnsureTokens %d: %v", i, errs[i])
		}
		if results[i] != results[0] {
			t.Errorf("EnsureTokens %d = %+v, call 0 got %+v; racing callers must get the same tokens", i, results[i], results[0])
		}
	}
	final, err := s.EnsureTokens(ctx, u.ID, fixedKey("late-auth"), fixedKey("late-radius"))
	wantNoErr(t, "EnsureTokens", err)
	if final != results[0] {
		t.Errorf("stored tokens = %+v, racing callers got %+v", final, results[0])
	}
}
