package storetest

import (
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

func testAcctSessionAdmin(t *testing.T, s store.Store) {
	ctx := t.Context()
	start := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	open := minimalAcct("open1", "alice", &start)
	open.Values[store.AcctSessionTime] = int64(60)
	write(t, s, open, true)
	stopped := minimalAcct("stopped1", "alice", &start)
	stopped.Values[store.AcctStopTime] = start.Add(time.Minute)
	stopped.Values[store.AcctTerminateCause] = "User-Request"
	write(t, s, stopped, true)
	rows := acctByUID(t, s)

	a, err := s.AcctSessionByID(ctx, rows["open1"].ID)
	wantNoErr(t, "AcctSessionByID", err)
	if a.UniqueID != "open1" {
		t.Errorf("AcctSessionByID = %+v", a)
	}
	a, err = s.AcctSessionByUniqueID(ctx, "stopped1")
	wantNoErr(t, "AcctSessionByUniqueID", err)
	if a.ID != rows["stopped1"].ID {
		t.Errorf("AcctSessionByUniqueID = %+v", a)
	}
	_, err = s.AcctSessionByUniqueID(ctx, "stopped1 ")
	wantErr(t, "unique id with a space", err, store.ErrNotFound)
	_, err = s.AcctSessionByID(ctx, 999999)
	wantErr(t, "unknown id", err, store.ErrNotFound)

	if n, _ := s.CountAccounting(ctx, store.AcctFilter{IsOpen: ptr(true)}); n != 1 {
		t.Fatalf("%d open sessions before the close, want 1", n)
	}
	at := start.Add(90*time.Second + 500*time.Millisecond)
	closed, err := s.CloseAcctSession(ctx, rows["open1"].ID, at, "Admin-Reset")
	wantNoErr(t, "CloseAcctSession", err)
	if !closed {
		t.Fatal("CloseAcctSession of an open session: not closed")
	}
	a, _ = s.AcctSessionByID(ctx, rows["open1"].ID)
	wantSession(t, a, &at, &at, num(90), ptr("Admin-Reset"))
	if n, _ := s.CountAccounting(ctx, store.AcctFilter{IsOpen: ptr(true)}); n != 0 {
		t.Errorf("%d open sessions listed after the close, want 0", n)
	}
	// Closing again, or a closed session, does nothing.
	for _, uid := range []string{"open1", "stopped1"} {
		closed, err = s.CloseAcctSession(ctx, rows[uid].ID, at.Add(time.Hour), "Admin-Reset")
		wantNoErr(t, "CloseAcctSession", err)
		if closed {
			t.Errorf("CloseAcctSession of closed %s: closed again", uid)
		}
	}
	if b, _ := s.AcctSessionByID(ctx, rows["stopped1"].ID); deref(b.TerminateCause) != "User-Request" {
		t.Errorf("a closed session's cause became %v", deref(b.TerminateCause))
	}
	// The NAS's session time wins when it is longer than the wall clock.
	long := minimalAcct("long1", "bob", &start)
	long.Values[store.AcctSessionTime] = int64(7200)
	write(t, s, long, true)
	long1 := acctByUID(t, s)["long1"]
	if closed, err := s.CloseAcctSession(ctx, long1.ID, at, "Admin-Reset"); err != nil || !closed {
		t.Fatalf("CloseAcctSession long1 = %v, %v", closed, err)
	}
	a, _ = s.AcctSessionByID(ctx, long1.ID)
	wantSession(t, a, &at, &at, num(7200), ptr("Admin-Reset"))
	closed, err = s.CloseAcctSession(ctx, 999999, at, "Admin-Reset")
	wantNoErr(t, "CloseAcctSession of an unknown id", err)
	if closed {
		t.Error("an unknown session was closed")
	}
}

func testDeleteStoppedSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	base := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	for _, r := range []session{
		{uid: "old", user: "a", start: ptr(base.Add(-48 * time.Hour)), stop: ptr(base.Add(-47 * time.Hour))},
		{uid: "edge", user: "a", start: ptr(base.Add(-2 * time.Hour)), stop: ptr(base)},
		{uid: "new", user: "a", start: ptr(base.Add(-time.Hour)), stop: ptr(base.Add(time.Second))},
		{uid: "open-old", user: "a", start: ptr(base.Add(-72 * time.Hour))},
	} {
		r.write(t, s)
	}
	if n, _ := s.CountAccounting(ctx, store.AcctFilter{}); n != 4 {
		t.Fatalf("%d sessions before the delete, want 4", n)
	}
	n, err := s.DeleteSessionsStoppedBefore(ctx, base)
	wantNoErr(t, "DeleteSessionsStoppedBefore", err)
	if c, _ := s.CountAccounting(ctx, store.AcctFilter{}); c != 3 {
		t.Errorf("%d sessions listed after the delete, want 3", c)
	}
	if n != 1 {
		t.Errorf("deleted %d sessions, want 1", n)
	}
	left := acctByUID(t, s)
	for _, uid := range []string{"edge", "new", "open-old"} {
		if _, ok := left[uid]; !ok {
			t.Errorf("session %s was deleted", uid)
		}
	}
	if _, ok := left["old"]; ok {
		t.Error("session old is still there")
	}
}

func testPostAuthAdmin(t *testing.T, s store.Store) {
	ctx := t.Context()
	base := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	for _, p := range []store.PostAuth{
		{Username: "alice", Reply: "Access-Accept", AuthDate: base.Add(-72 * time.Hour), CalledStationID: ptr("ap1")},
		{Username: "alice", Reply: "Access-Reject", Password: "wrong", AuthDate: base.Add(-time.Hour)},
		{Username: "bob", Reply: "Access-Accept", AuthDate: base, CallingStationID: ptr("aa:bb")},
		{Username: "alice", Reply: "Access-Accept", AuthDate: base.Add(time.Hour)},
	} {
		wantNoErr(t, "CreatePostAuth", s.CreatePostAuth(ctx, &p))
	}
	list := func(f store.PostAuthFilter, offset, limit int, wantTotal int) []string {
		t.Helper()
		rows, err := s.ListPostAuth(ctx, f, offset, limit)
		wantNoErr(t, "ListPostAuth", err)
		n, err := s.CountPostAuth(ctx, f)
		wantNoErr(t, "CountPostAuth", err)
		if n != wantTotal {
			t.Errorf("CountPostAuth(%+v) = %d, want %d", f, n, wantTotal)
		}
		out := []string{}
		for _, r := range rows {
			out = append(out, r.Username+" "+r.Reply+" "+r.AuthDate.Sub(base).String())
		}
		return out
	}
	wantStrings(t, "all, newest first", list(store.PostAuthFilter{}, 0, 0, 4),
		[]string{"alice Access-Accept 1h0m0s", "bob Access-Accept 0s", "alice Access-Reject -1h0m0s", "alice Access-Accept -72h0m0s"})
	wantStrings(t, "page", list(store.PostAuthFilter{}, 1, 2, 4), []string{"bob Access-Accept 0s", "alice Access-Reject -1h0m0s"})
	wantStrings(t, "alice rejects", list(store.PostAuthFilter{Username: "alice", Reply: "Access-Reject"}, 0, 0, 1),
		[]string{"alice Access-Reject -1h0m0s"})
	wantStrings(t, "stations", list(store.PostAuthFilter{CalledStationID: "ap1"}, 0, 0, 1), []string{"alice Access-Accept -72h0m0s"})
	wantStrings(t, "calling", list(store.PostAuthFilter{CallingStationID: "aa:bb"}, 0, 0, 1), []string{"bob Access-Accept 0s"})
	wantStrings(t, "from base until +1h", list(store.PostAuthFilter{From: &base, Until: ptr(base.Add(time.Hour))}, 0, 0, 1),
		[]string{"bob Access-Accept 0s"})

	n, err := s.DeletePostAuthBefore(ctx, base)
	wantNoErr(t, "DeletePostAuthBefore", err)
	if n != 2 {
		t.Errorf("deleted %d rows, want 2", n)
	}
	wantStrings(t, "left", list(store.PostAuthFilter{}, 0, 0, 2), []string{"alice Access-Accept 1h0m0s", "bob Access-Accept 0s"})
}
