package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// session describes one radacct row for the session tests; nil pointers
// are NULL.
type session struct {
	uid, user, nas, station    string
	start, update, stop        *time.Time
	seconds, input, output     *int64
	cause                      string
	wantSeconds, wantOctets    int64 // what it adds to UsageSince(user, usageSince)
	wantAllSeconds, wantAllOct int64 // what it adds to UsageSince(user, zero)
}

func (r session) write(t *testing.T, s store.Store) {
	t.Helper()
	w := minimalAcct(r.uid, r.user, nil)
	if r.nas != "" {
		w.Values[store.AcctNASIPAddress] = r.nas
	}
	if r.station != "" {
		w.Values[store.AcctCallingStationID] = r.station
	}
	set := func(f store.AcctField, v any) { w.Values[f] = v }
	if r.start != nil {
		set(store.AcctStartTime, *r.start)
	}
	if r.update != nil {
		set(store.AcctUpdateTime, *r.update)
	}
	if r.stop != nil {
		set(store.AcctStopTime, *r.stop)
	}
	if r.seconds != nil {
		set(store.AcctSessionTime, *r.seconds)
	}
	if r.input != nil {
		set(store.AcctInputOctets, *r.input)
	}
	if r.output != nil {
		set(store.AcctOutputOctets, *r.output)
	}
	if r.cause != "" {
		set(store.AcctTerminateCause, r.cause)
	}
	write(t, s, w, true)
}

// acctByUID returns every stored row by unique id.
func acctByUID(t *testing.T, s store.Store) map[string]store.AcctSession {
	t.Helper()
	rows, err := s.ListAccounting(t.Context(), store.AcctFilter{}, 0, 1000)
	wantNoErr(t, "ListAccounting", err)
	m := map[string]store.AcctSession{}
	for _, r := range rows {
		m[r.UniqueID] = r
	}
	return m
}

func num(v int64) *int64 { return &v }

// usageSince is the day boundary of the usage tests.
var usageSince = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// since returns usageSince moved by d.
func since(d time.Duration) *time.Time { return ptr(usageSince.Add(d)) }

func testUsageSince(t *testing.T, s store.Store) {
	ctx := t.Context()
	const h, m = time.Hour, time.Minute
	rows := []session{
		{uid: "before-and-after", user: "alice", start: since(-h), stop: since(h), seconds: num(7200), input: num(100), output: num(200),
			wantSeconds: 3600, wantOctets: 300, wantAllSeconds: 7200, wantAllOct: 300},
		{uid: "after", user: "alice", start: since(2 * h), stop: since(3 * h), seconds: num(3600), input: num(1000), output: num(0),
			wantSeconds: 3600, wantOctets: 1000, wantAllSeconds: 3600, wantAllOct: 1000},
		{uid: "open", user: "alice", start: since(4 * h), seconds: num(600), input: num(5), output: num(5),
			wantSeconds: 600, wantOctets: 10, wantAllSeconds: 600, wantAllOct: 10},
		{uid: "open since before", user: "alice", start: since(-h), seconds: num(5400), input: num(1), output: num(2),
			wantSeconds: 1800, wantOctets: 3, wantAllSeconds: 5400, wantAllOct: 3},
		{uid: "ended before", user: "alice", start: since(-3 * h), stop: since(-2 * h), seconds: num(3600), input: num(1_000_000), output: num(1),
			wantAllSeconds: 3600, wantAllOct: 1_000_001},
		{uid: "ended a microsecond before", user: "alice", start: since(-h), stop: since(-time.Microsecond), seconds: num(3600), input: num(9),
			wantAllSeconds: 3600, wantAllOct: 9},
		{uid: "ended at since", user: "alice", start: since(-h), stop: since(0), seconds: num(3600), input: num(7), output: num(0),
			wantSeconds: 0, wantOctets: 7, wantAllSeconds: 3600, wantAllOct: 7},
		{uid: "nulls", user: "alice", start: since(5 * h), stop: since(6 * h)},
		{uid: "no start", user: "alice", stop: since(h), seconds: num(500), input: num(1),
			wantSeconds: 0, wantOctets: 1, wantAllSeconds: 500, wantAllOct: 1},
		{uid: "shorter than its start says", user: "alice", start: since(-2 * h), stop: since(m), seconds: num(60), output: num(4),
			wantSeconds: 0, wantOctets: 4, wantAllSeconds: 60, wantAllOct: 4},
		// Whole seconds: floor(since) - floor(start) = 600 is cut, not 599.
		{uid: "fraction", user: "alice", start: since(-10*m + 999999*time.Microsecond), stop: since(10 * m), seconds: num(1200),
			wantSeconds: 600, wantAllSeconds: 1200},
		{uid: "beyond 32 bits", user: "alice", start: since(6 * h), stop: since(7 * h), seconds: num(3600),
			input: num(5_000_000_000), output: num(4_000_000_000),
			wantSeconds: 3600, wantOctets: 9_000_000_000, wantAllSeconds: 3600, wantAllOct: 9_000_000_000},
		{uid: "bob", user: "bob", start: since(h), stop: since(2 * h), seconds: num(3600), input: num(10), output: num(20),
			wantSeconds: 3600, wantOctets: 30, wantAllSeconds: 3600, wantAllOct: 30},
		{uid: "Alice", user: "Alice", start: since(h), stop: since(2 * h), seconds: num(77), input: num(77),
			wantSeconds: 77, wantOctets: 77, wantAllSeconds: 77, wantAllOct: 77},
		{uid: "no user", start: since(h), seconds: num(88), input: num(88)},
	}
	sums := map[string][4]int64{}
	for _, r := range rows {
		r.write(t, s)
		v := sums[r.user]
		sums[r.user] = [4]int64{v[0] + r.wantSeconds, v[1] + r.wantOctets, v[2] + r.wantAllSeconds, v[3] + r.wantAllOct}
	}
	alice := sums["alice"]
	// Half a second later: the same whole second for the session parts, but
	// the session that ended at since is out.
	halfLater := usageSince.Add(500 * time.Millisecond)

	tests := []struct {
		name     string
		username string
		since    time.Time
		want     store.Usage
	}{
		{"since", "alice", usageSince, store.Usage{Seconds: alice[0], Octets: alice[1]}},
		{"since in another zone", "alice", usageSince.In(time.FixedZone("X", -7*3600)), store.Usage{Seconds: alice[0], Octets: alice[1]}},
		{"all time", "alice", time.Time{}, store.Usage{Seconds: alice[2], Octets: alice[3]}},
		{"half a second later", "alice", halfLater, store.Usage{Seconds: alice[0], Octets: alice[1] - 7}},
		{"other user", "bob", usageSince, store.Usage{Seconds: 3600, Octets: 30}},
		{"case-sensitive", "Alice", usageSince, store.Usage{Seconds: 77, Octets: 77}},
		{"unknown", "nobody", usageSince, store.Usage{}},
		{"unknown, all time", "nobody", time.Time{}, store.Usage{}},
		{"after everything", "alice", usageSince.Add(24 * time.Hour), store.Usage{Seconds: 0, Octets: 10 + 3}}, // the open ones
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.UsageSince(ctx, tc.username, tc.since)
			wantNoErr(t, "UsageSince", err)
			if got != tc.want {
				t.Errorf("UsageSince(%q, %v) = %+v, want %+v", tc.username, tc.since, got, tc.want)
			}
		})
	}
	// The sums above are what the table says, not a tautology.
	if alice != [4]int64{3600 + 3600 + 600 + 1800 + 600 + 3600, 300 + 1000 + 10 + 3 + 7 + 1 + 4 + 9_000_000_000,
		7200 + 3600 + 600 + 5400 + 3600 + 3600 + 3600 + 500 + 60 + 1200 + 3600,
		300 + 1000 + 10 + 3 + 1_000_001 + 9 + 7 + 1 + 4 + 9_000_000_000} {
		t.Errorf("test table sums %v changed: check the expectations", alice)
	}
}

func testOpenSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	start := usageSince
	rows := []session{
		{uid: "a-mac1", user: "alice", station: "mac1", start: &start},
		{uid: "a-mac2", user: "alice", station: "mac2", start: &start},
		{uid: "a-mac1-again", user: "alice", station: "mac1", start: &start},
		{uid: "a-none", user: "alice", start: &start},
		{uid: "a-closed", user: "alice", station: "mac3", start: &start, stop: since(time.Hour)},
		{uid: "b-mac1", user: "bob", station: "mac1", start: &start},
		{uid: "A-mac4", user: "Alice", station: "mac4", start: &start},
	}
	for _, r := range rows {
		r.write(t, s)
	}
	tests := []struct {
		username, station string
		want              int
	}{
		{"alice", "", 4},
		{"alice", "mac1", 2}, // mac2 and the one without a station
		{"alice", "mac2", 3},
		{"alice", "mac3", 4}, // the closed one was never counted
		{"alice", "MAC1", 4},
		{"bob", "", 1},
		{"bob", "mac1", 0},
		{"Alice", "", 1},
		{"nobody", "", 0},
		{"nobody", "mac1", 0},
	}
	for _, tc := range tests {
		t.Run(tc.username+"/"+tc.station, func(t *testing.T) {
			got, err := s.OpenSessions(ctx, tc.username, tc.station)
			wantNoErr(t, "OpenSessions", err)
			if got != tc.want {
				t.Errorf("OpenSessions(%q, %q) = %d, want %d", tc.username, tc.station, got, tc.want)
			}
		})
	}
}

// wantSession checks the session fields the close methods set.
func wantSession(t *testing.T, got store.AcctSession, stop, update *time.Time, seconds *int64, cause *string) {
	t.Helper()
	wantTimePtr(t, got.UniqueID+" stop", got.StopTime, stop)
	wantTimePtr(t, got.UniqueID+" update", got.UpdateTime, update)
	if fmt.Sprint(deref(got.SessionTime)) != fmt.Sprint(deref(seconds)) {
		t.Errorf("%s session time = %v, want %v", got.UniqueID, deref(got.SessionTime), deref(seconds))
	}
	if fmt.Sprint(deref(got.TerminateCause)) != fmt.Sprint(deref(cause)) {
		t.Errorf("%s terminate cause = %v, want %v", got.UniqueID, deref(got.TerminateCause), deref(cause))
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func testCloseNASSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	// A fraction: whole seconds are floor(at) - floor(start).
	at := time.Date(2026, 11, 24, 12, 0, 0, 250000000, time.UTC)
	before := func(d time.Duration) *time.Time { return ptr(at.Add(-d)) }
	earlier := before(2 * time.Hour)
	rows := []session{
		{uid: "n1", nas: "10.0.0.1", start: before(time.Hour), update: before(50 * time.Minute), seconds: num(600)},
		{uid: "n2-longer", nas: "10.0.0.1", start: before(10 * time.Minute), seconds: num(900)},
		{uid: "n3-closed", nas: "10.0.0.1", start: before(3 * time.Hour), stop: earlier, update: earlier, seconds: num(100), cause: "User-Request"},
		{uid: "n4-other", nas: "10.0.0.10", start: before(time.Hour), seconds: num(5)},
		{uid: "n5-nulls", nas: "10.0.0.1"},
		{uid: "n6-other", nas: "192.168.0.1", start: before(time.Hour)},
		{uid: "n7-fraction", nas: "10.0.0.1", start: ptr(at.Add(-time.Hour + 700*time.Millisecond))},
		{uid: "n8-future", nas: "10.0.0.1", start: ptr(at.Add(time.Minute)), seconds: num(0)},
	}
	for _, r := range rows {
		r.write(t, s)
	}
	n, err := s.CloseNASSessions(ctx, "10.0.0.1", at, "NAS-Reboot")
	wantNoErr(t, "CloseNASSessions", err)
	if n != 5 {
		t.Errorf("CloseNASSessions closed %d sessions, want 5", n)
	}
	got := acctByUID(t, s)
	cause := ptr("NAS-Reboot")
	wantSession(t, got["n1"], &at, &at, num(3600), cause)
	wantSession(t, got["n2-longer"], &at, &at, num(900), cause)
	wantSession(t, got["n3-closed"], earlier, earlier, num(100), ptr("User-Request"))
	wantSession(t, got["n4-other"], nil, nil, num(5), nil)
	wantSession(t, got["n5-nulls"], &at, &at, num(0), cause)
	wantSession(t, got["n6-other"], nil, nil, nil, nil)
	wantSession(t, got["n7-fraction"], &at, &at, num(3600), cause)
	wantSession(t, got["n8-future"], &at, &at, num(0), cause)

	n, err = s.CloseNASSessions(ctx, "10.0.0.1", at.Add(time.Hour), "NAS-Reboot")
	wantNoErr(t, "CloseNASSessions again", err)
	if n != 0 {
		t.Errorf("CloseNASSessions again closed %d sessions, want 0", n)
	}
	n, err = s.CloseNASSessions(ctx, "10.0.0.10", at, "Admin-Reset")
	wantNoErr(t, "CloseNASSessions 10.0.0.10", err)
	if n != 1 {
		t.Errorf("CloseNASSessions(10.0.0.10) closed %d sessions, want 1", n)
	}
	wantSession(t, acctByUID(t, s)["n4-other"], &at, &at, num(3600), ptr("Admin-Reset"))
	n, err = s.CloseNASSessions(ctx, "10.9.9.9", at, "NAS-Reboot")
	if err != nil || n != 0 {
		t.Errorf("CloseNASSessions of a NAS without sessions = %d, %v; want 0, nil", n, err)
	}
}

func testCloseStaleSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	cutoff := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { return ptr(cutoff.Add(d)) }
	const h = time.Hour
	rows := []session{
		{uid: "by-update", start: at(-3 * h), update: at(-h), seconds: num(3000)},
		{uid: "by-start", start: at(-2 * h), seconds: num(50)},
		{uid: "by-start-null-time", start: at(-2 * h)},
		{uid: "recent-update", start: at(-5 * h), update: at(time.Minute), seconds: num(1)},
		{uid: "recent-start", start: at(time.Minute)},
		{uid: "no-times"},
		{uid: "closed", start: at(-10 * h), update: at(-9 * h), stop: at(-9 * h), seconds: num(3600), cause: "User-Request"},
		{uid: "update-at-cutoff", start: at(-h), update: at(0), seconds: num(3600)},
		{uid: "update-just-before", start: at(-h), update: at(-time.Microsecond), seconds: num(3599)},
		{uid: "fractions", start: at(-2*h + 700*time.Millisecond), update: at(-h + 200*time.Millisecond)},
		{uid: "longer-than-times", start: at(-2 * h), update: at(-h), seconds: num(9000)},
	}
	for _, r := range rows {
		r.write(t, s)
	}
	n, err := s.CloseStaleSessions(ctx, cutoff, "Lost-Carrier")
	wantNoErr(t, "CloseStaleSessions", err)
	if n != 6 {
		t.Errorf("CloseStaleSessions closed %d sessions, want 6", n)
	}
	got := acctByUID(t, s)
	cause := ptr("Lost-Carrier")
	wantSession(t, got["by-update"], at(-h), at(-h), num(7200), cause)
	wantSession(t, got["by-start"], at(-2*h), at(-2*h), num(50), cause)
	wantSession(t, got["by-start-null-time"], at(-2*h), at(-2*h), num(0), cause)
	wantSession(t, got["recent-update"], nil, at(time.Minute), num(1), nil)
	wantSession(t, got["recent-start"], nil, nil, nil, nil)
	wantSession(t, got["no-times"], nil, nil, nil, nil)
	wantSession(t, got["closed"], at(-9*h), at(-9*h), num(3600), ptr("User-Request"))
	wantSession(t, got["update-at-cutoff"], nil, at(0), num(3600), nil)
	wantSession(t, got["update-just-before"], at(-time.Microsecond), at(-time.Microsecond), num(3599), cause)
	// floor(update) - floor(start) = 3600 (not the exact 3599.5).
	wantSession(t, got["fractions"], at(-h+200*time.Millisecond), at(-h+200*time.Millisecond), num(3600), cause)
	wantSession(t, got["longer-than-times"], at(-h), at(-h), num(9000), cause)

	n, err = s.CloseStaleSessions(ctx, cutoff, "Lost-Carrier")
	wantNoErr(t, "CloseStaleSessions again", err)
	if n != 0 {
		t.Errorf("CloseStaleSessions again closed %d sessions, want 0", n)
	}
	// The rest go with a later cutoff; the one without times never does.
	n, err = s.CloseStaleSessions(ctx, cutoff.Add(24*h), "Lost-Carrier")
	wantNoErr(t, "CloseStaleSessions later", err)
	if n != 3 {
		t.Errorf("CloseStaleSessions a day later closed %d sessions, want 3", n)
	}
	open, err := s.ListAccounting(ctx, store.AcctFilter{IsOpen: ptr(true)}, 0, 100)
	wantNoErr(t, "ListAccounting", err)
	if len(open) != 1 || open[0].UniqueID != "no-times" {
		t.Errorf("open sessions left: %d, want only no-times", len(open))
	}
}

func testWriteAccountingOnlyIfOpen(t *testing.T, s store.Store) {
	ctx := t.Context()
	stopTime := acctStart.Add(time.Hour)

	// interim returns an Interim-Update of uid under OnlyIfOpen, with the
	// fields given in its mask.
	interim := func(uid string, fields map[store.AcctField]any) *store.AcctWrite {
		w := fullAcct(uid)
		w.Update = [store.NumAcctFields]bool{}
		w.OnlyIfOpen = true
		for f, v := range fields {
			w.Values[f] = v
			w.Update[f] = true
		}
		return w
	}
	later := map[store.AcctField]any{
		store.AcctUpdateTime:      stopTime.Add(time.Minute),
		store.AcctSessionTime:     int64(3700),
		store.AcctInputOctets:     int64(999),
		store.AcctOutputOctets:    int64(888),
		store.AcctFramedIPAddress: "10.9.9.9",
	}
	stopped := func(t *testing.T, uid string) [store.NumAcctFields]any {
		t.Helper()
		write(t, s, fullAcct(uid), true)
		stop := interim(uid, map[store.AcctField]any{
			store.AcctUpdateTime:     stopTime,
			store.AcctStopTime:       stopTime,
			store.AcctSessionTime:    int64(3600),
			store.AcctInputOctets:    int64(100),
			store.AcctOutputOctets:   int64(200),
			store.AcctTerminateCause: "User-Request",
		})
		stop.OnlyIfOpen = false
		write(t, s, stop, false)
		return acctValues(acctByUID(t, s)[uid])
	}

	t.Run("interim after stop", func(t *testing.T) {
		want := stopped(t, "after-stop")
		write(t, s, interim("after-stop", later), false)
		wantAcct(t, acctByUID(t, s)["after-stop"], want)
	})
	t.Run("interim after stop, stop time in the mask", func(t *testing.T) {
		// Every field, acctstoptime back to NULL among them: still nothing.
		want := stopped(t, "all-fields")
		all := map[store.AcctField]any{}
		for f := range store.NumAcctFields {
			all[f] = fullAcct("all-fields").Values[f]
		}
		for f, v := range later {
			all[f] = v
		}
		all[store.AcctStopTime] = nil
		all[store.AcctUsername] = "mallory"
		write(t, s, interim("all-fields", all), false)
		wantAcct(t, acctByUID(t, s)["all-fields"], want)
	})
	t.Run("empty mask after stop", func(t *testing.T) {
		want := stopped(t, "empty-mask")
		write(t, s, interim("empty-mask", nil), false)
		wantAcct(t, acctByUID(t, s)["empty-mask"], want)
	})
	t.Run("interim of an open session", func(t *testing.T) {
		start := fullAcct("open")
		write(t, s, start, true)
		write(t, s, interim("open", later), false)
		want := start.Values
		for f, v := range later {
			want[f] = v
		}
		wantAcct(t, acctByUID(t, s)["open"], want)
	})
	t.Run("stop of an open session under OnlyIfOpen", func(t *testing.T) {
		// acctstoptime is assigned with the rest, not before it.
		start := fullAcct("stop-open")
		write(t, s, start, true)
		fields := map[store.AcctField]any{
			store.AcctStopTime:       stopTime,
			store.AcctSessionTime:    int64(3600),
			store.AcctInputOctets:    int64(1),
			store.AcctOutputOctets:   int64(2),
			store.AcctTerminateCause: "Idle-Timeout",
			store.AcctUpdateTime:     stopTime,
		}
		write(t, s, interim("stop-open", fields), false)
		want := start.Values
		for f, v := range fields {
			want[f] = v
		}
		wantAcct(t, acctByUID(t, s)["stop-open"], want)
		// And now it is stopped for good.
		write(t, s, interim("stop-open", later), false)
		wantAcct(t, acctByUID(t, s)["stop-open"], want)
	})
	t.Run("interim of an unknown session", func(t *testing.T) {
		w := interim("unknown", later)
		write(t, s, w, true)
		wantAcct(t, acctByUID(t, s)["unknown"], w.Values)
	})
	t.Run("no duplicate rows", func(t *testing.T) {
		got := acctByUID(t, s)
		n, err := s.CountAccounting(ctx, store.AcctFilter{})
		wantNoErr(t, "CountAccounting", err)
		ids := []string{}
		for id := range got {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if n != len(got) || len(got) != 6 {
			t.Errorf("%d rows (%q), want 6 distinct", n, ids)
		}
	})
}

// testUsageAfterEachWrite reads a user's usage after every kind of write
// that changes it: each read must see the write before it (with a policy
// cache, each write must make the remembered usage stale).
func testUsageAfterEachWrite(t *testing.T, s store.Store) {
	ctx := t.Context()
	since := acctStart.Add(-time.Hour)
	check := func(step string, want store.Usage) {
		t.Helper()
		for range 2 { // the second read may come from a cache
			got, err := s.UsageSince(ctx, "carol", since)
			wantNoErr(t, "UsageSince after "+step, err)
			if got != want {
				t.Fatalf("UsageSince after %s = %+v, want %+v", step, got, want)
			}
		}
	}
	check("nothing", store.Usage{})

	start := minimalAcct("carol-1", "carol", &acctStart)
	start.Values[store.AcctSessionTime] = int64(0)
	for i := range start.Update {
		start.Update[i] = true
	}
	write(t, s, start, true)
	check("a Start", store.Usage{})

	interim := func(uid string, withName bool, seconds, octets int64) *store.AcctWrite {
		w := minimalAcct(uid, "", &acctStart)
		if withName {
			w.Values[store.AcctUsername] = "carol"
			w.Update[store.AcctUsername] = true
		}
		w.Values[store.AcctSessionTime], w.Update[store.AcctSessionTime] = seconds, true
		w.Values[store.AcctInputOctets], w.Update[store.AcctInputOctets] = octets, true
		return w
	}
	write(t, s, interim("carol-1", true, 100, 1000), false)
	check("an Interim-Update", store.Usage{Seconds: 100, Octets: 1000})

	// FreeRADIUS may leave User-Name out of a later packet of a session.
	write(t, s, interim("carol-1", false, 200, 3000), false)
	check("an Interim-Update without User-Name", store.Usage{Seconds: 200, Octets: 3000})

	second := minimalAcct("carol-2", "carol", &acctStart)
	second.Values[store.AcctSessionTime] = int64(50)
	for i := range second.Update {
		second.Update[i] = true
	}
	write(t, s, second, true)
	check("a second Start", store.Usage{Seconds: 250, Octets: 3000})

	// Writes that are not accounting packets: closing a session, then
	// deleting the stopped ones.
	sess, err := s.AcctSessionByUniqueID(ctx, "carol-2")
	wantNoErr(t, "AcctSessionByUniqueID", err)
	closed, err := s.CloseAcctSession(ctx, sess.ID, acctStart.Add(time.Minute), "Admin-Reset")
	wantNoErr(t, "CloseAcctSession", err)
	if !closed {
		t.Fatal("CloseAcctSession closed nothing")
	}
	if _, err := s.DeleteSessionsStoppedBefore(ctx, acctStart.Add(time.Hour)); err != nil {
		t.Fatalf("DeleteSessionsStoppedBefore: %v", err)
	}
	check("deleting the stopped session", store.Usage{Seconds: 200, Octets: 3000})
}
