package adminapi

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiterDelays(t *testing.T) {
	l := newLimiter(5, 100)
	want := map[int]time.Duration{0: 0, 4: 0, 5: time.Second, 6: 2 * time.Second, 7: 4 * time.Second,
		14: 512 * time.Second, 15: DefaultMaxDelay, 1000: DefaultMaxDelay}
	for n, d := range want {
		if got := l.delay(n); got != d {
			t.Errorf("delay(%d) = %v, want %v", n, got, d)
		}
	}
}

func TestThrottleForgetsAfterAnIdleHour(t *testing.T) {
	th := NewThrottle()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 5 {
		if w := th.Begin("root", "192.0.2.1:1234", now); w != 0 {
			t.Fatalf("wait %v before 5 failures", w)
		}
	}
	if w := th.Begin("root", "192.0.2.9:1", now); w != time.Second {
		t.Fatalf("wait after 5 failures = %v, want 1s (from any address)", w)
	}
	now = now.Add(DefaultForgetAfter + time.Second)
	for i := range 5 {
		if w := th.Begin("root", "192.0.2.1:1234", now); w != 0 {
			t.Fatalf("attempt %d after an idle hour: wait %v", i+1, w)
		}
	}
}

func TestThrottleMemoryIsBounded(t *testing.T) {
	th := NewThrottle()
	th.users.maxKeys, th.ips.maxKeys = 50, 50
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 1000 {
		th.Begin(fmt.Sprintf("user%d", i), fmt.Sprintf("198.51.100.%d:1", i%250), now)
	}
	if len(th.users.keys) > 50 || th.users.order.Len() != len(th.users.keys) || len(th.ips.keys) > 50 {
		t.Fatalf("tables hold %d users, %d addresses; at most 50 each", len(th.users.keys), len(th.ips.keys))
	}
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1:443":                  "192.0.2.1",
		"[::ffff:192.0.2.1]:443":         "192.0.2.1",
		"[2001:db8:1:2:3:4:5:6]:1":       "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1%eth0]:80": "2001:db8:1:2::/64",
		"not-an-address":                 "not-an-address",
	} {
		if got := clientKey(in); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", in, got, want)
		}
	}
}
