package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// TestUsageCommand: a user of the default group sees its daily limits.
func TestUsageCommand(t *testing.T) {
	db := sqliteURL(t)
	env := dbEnv(db)
	mustRun(t, env, "", "user", "add", "una", "--password", "pw")
	s := openTestStore(t, db)
	w := &store.AcctWrite{UniqueID: "u1"}
	w.Values[store.AcctUniqueID], w.Values[store.AcctSessionID], w.Values[store.AcctNASIPAddress] = "u1", "s", "10.0.0.1"
	w.Values[store.AcctUsername], w.Values[store.AcctStartTime] = "una", time.Now().Add(-time.Minute)
	w.Values[store.AcctSessionTime], w.Values[store.AcctInputOctets], w.Values[store.AcctOutputOctets] = int64(60), int64(1000), int64(2000)
	if _, err := s.WriteAccounting(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, env, "", "usage", "una")
	for _, want := range []string{"Max-Daily-Session ", "daily", "3h0m0s", "1m0s", "2h59m0s", "Max-Daily-Session-Traffic", "3.00 GB", "3.00 kB (3000)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("usage output lacks %q:\n%s", want, r)
		}
	}
	wantFail(t, env, "", 1, []string{`no user named "ghost"`}, "usage", "ghost")
	wantFail(t, env, "", 2, []string{"a username is needed"}, "usage")
}

// TestSessionsCleanup closes only sessions silent for longer than asked.
func TestSessionsCleanup(t *testing.T) {
	db := sqliteURL(t)
	env := dbEnv(db)
	mustRun(t, env, "", "migrate")
	s := openTestStore(t, db)
	now := time.Now()
	for uid, last := range map[string]time.Time{"old": now.Add(-48 * time.Hour), "fresh": now.Add(-time.Hour)} {
		w := &store.AcctWrite{UniqueID: uid}
		w.Values[store.AcctUniqueID], w.Values[store.AcctSessionID], w.Values[store.AcctNASIPAddress] = uid, "s", "10.0.0.1"
		w.Values[store.AcctUsername], w.Values[store.AcctStartTime] = "x", last
		if _, err := s.WriteAccounting(context.Background(), w); err != nil {
			t.Fatal(err)
		}
	}
	r := mustRun(t, env, "", "sessions", "cleanup", "--older-than", "24h")
	if !strings.Contains(r.stdout, "closed 1 session(s)") || !strings.Contains(r.stdout, "Lost-Service") {
		t.Fatalf("cleanup output:\n%s", r)
	}
	open := true
	rows, err := s.ListAccounting(context.Background(), store.AcctFilter{IsOpen: &open}, 0, 10)
	if err != nil || len(rows) != 1 || rows[0].UniqueID != "fresh" {
		t.Fatalf("open sessions after cleanup: %+v %v", rows, err)
	}
	// Without an age: django-freeradius's 15 days; "fresh" is younger.
	if r := mustRun(t, env, "", "sessions", "cleanup"); !strings.Contains(r.stdout, "closed 0 session(s) silent for more than 360h0m0s") {
		t.Errorf("cleanup with the default age:\n%s", r)
	}
	wantFail(t, env, "", 2, []string{"--older-than must be positive"}, "sessions", "cleanup", "--older-than", "-1h")
	wantFail(t, env, "", 2, []string{"unknown subcommand"}, "sessions", "purge")
}
