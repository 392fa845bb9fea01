package storetest

import (
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

func testPostAuth(t *testing.T, s store.Store) {
	ctx := t.Context()
	log, err := s.PostAuthLog(ctx, 10)
	wantNoErr(t, "PostAuthLog", err)
	if log == nil || len(log) != 0 {
		t.Fatalf("PostAuthLog of a fresh store = %v, want an empty list", log)
	}

	when := time.Date(2026, 11, 24, 18, 20, 17, 290170000, time.FixedZone("CET", 3600))
	entries := []store.PostAuth{
		{Username: "alice", Password: "", Reply: "Access-Accept",
			CalledStationID: ptr("AA-BB-CC-00-00-02:wifi"), CallingStationID: ptr("de:ad:be:ef:01:01"), AuthDate: when},
		{Username: "carol", Password: "wrong-carol-3", Reply: "Access-Reject", AuthDate: when.Add(time.Microsecond)},
		{Username: "grace", Password: "", Reply: "Access-Accept",
			CalledStationID: ptr(""), CallingStationID: ptr(""), AuthDate: when.Add(time.Second)},
		{Username: "ünïcode", Password: "pässwörd", Reply: "Access-Reject", AuthDate: when.Add(-time.Hour)},
	}
	var lastID int64
	for i := range entries {
		p := &entries[i]
		wantNoErr(t, "CreatePostAuth", s.CreatePostAuth(ctx, p))
		if p.ID <= lastID {
			t.Errorf("post-auth id %d after %d", p.ID, lastID)
		}
		lastID = p.ID
	}
	noDate := store.PostAuth{Username: "dave", Reply: "Access-Accept"}
	wantNoErr(t, "CreatePostAuth without date", s.CreatePostAuth(ctx, &noDate))
	if noDate.AuthDate.IsZero() {
		t.Error("CreatePostAuth left AuthDate zero; want the store's clock")
	}

	// Newest first: the clock-dated one is "now", after the fixed dates.
	want := []store.PostAuth{noDate, entries[2], entries[1], entries[0], entries[3]}
	log, err = s.PostAuthLog(ctx, 10)
	wantNoErr(t, "PostAuthLog", err)
	if len(log) != len(want) {
		t.Fatalf("PostAuthLog: %d rows, want %d", len(log), len(want))
	}
	for i, got := range log {
		w := want[i]
		if got.ID != w.ID || got.Username != w.Username || got.Password != w.Password || got.Reply != w.Reply ||
			!equalPtr(got.CalledStationID, w.CalledStationID) || !equalPtr(got.CallingStationID, w.CallingStationID) {
			t.Errorf("PostAuthLog[%d] = %+v, want %+v", i, got, w)
		}
		wantTime(t, "authdate", got.AuthDate, w.AuthDate)
	}

	log, err = s.PostAuthLog(ctx, 2)
	wantNoErr(t, "PostAuthLog(2)", err)
	if len(log) != 2 || log[0].ID != noDate.ID || log[1].ID != entries[2].ID {
		t.Errorf("PostAuthLog(2) = %+v, want the two newest", log)
	}
	log, err = s.PostAuthLog(ctx, 0)
	wantNoErr(t, "PostAuthLog(0)", err)
	if len(log) != 0 {
		t.Errorf("PostAuthLog(0) = %d rows", len(log))
	}
}

func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func testTimesRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	zones := []*time.Location{time.UTC, time.FixedZone("UTC-9:30", -(9*3600 + 1800)), time.FixedZone("UTC+14", 14*3600)}
	instants := []time.Time{
		time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(2038, 1, 19, 3, 14, 8, 1000, time.UTC), // past 32-bit Unix time
		time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC),
	}
	i := 0
	for _, zone := range zones {
		for _, instant := range instants {
			i++
			local := instant.In(zone)
			u := newUser("time" + string(rune('a'+i)))
			u.DateJoined = local
			u.LastLogin = &local
			u.ExpiresAt = &local
			wantNoErr(t, "CreateUser", s.CreateUser(ctx, &u))
			got, err := s.UserByUsername(ctx, u.Username)
			wantNoErr(t, "UserByUsername", err)
			wantTime(t, "date_joined", got.DateJoined, instant)
			wantTimePtr(t, "last_login", got.LastLogin, &instant)
			wantTimePtr(t, "expires_at", got.ExpiresAt, &instant)

			w := minimalAcct("time-"+u.Username, "", &local)
			w.Values[store.AcctStopTime] = local
			write(t, s, w, true)
			rows, err := s.ListAccounting(ctx, store.AcctFilter{StartFrom: &local, StopUntil: &local}, 0, 100)
			wantNoErr(t, "ListAccounting", err)
			found := false
			for _, a := range rows {
				if a.UniqueID == w.UniqueID {
					found = true
					wantTimePtr(t, "acctstarttime", a.StartTime, &instant)
					wantTimePtr(t, "acctstoptime", a.StopTime, &instant)
				}
			}
			if !found {
				t.Errorf("session starting and stopping at %v not found by a filter on that instant", local)
			}
		}
	}
}
