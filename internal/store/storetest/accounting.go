package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

var acctStart = time.Date(2026, 11, 24, 17, 56, 19, 333101000, time.UTC)

// fullAcct returns a write with every field set, as a Start would carry.
func fullAcct(uniqueID string) *store.AcctWrite {
	w := &store.AcctWrite{UniqueID: uniqueID}
	v := &w.Values
	v[store.AcctSessionID] = "5F000001"
	v[store.AcctUniqueID] = uniqueID
	v[store.AcctUsername] = "alice"
	v[store.AcctGroupname] = "sent-group"
	v[store.AcctRealm] = "example.org"
	v[store.AcctNASIPAddress] = "192.168.10.1"
	v[store.AcctNASPortID] = "1"
	v[store.AcctNASPortType] = "Wireless-802.11"
	v[store.AcctStartTime] = acctStart
	v[store.AcctUpdateTime] = acctStart.Add(time.Second)
	v[store.AcctStopTime] = nil
	v[store.AcctInterval] = int64(300)
	v[store.AcctSessionTime] = int64(0)
	v[store.AcctAuthentication] = "RADIUS"
	v[store.AcctConnectInfoStart] = "CONNECT 54Mbps 802.11g"
	v[store.AcctConnectInfoStop] = ""
	v[store.AcctInputOctets] = int64(0)
	v[store.AcctOutputOctets] = int64(0)
	v[store.AcctCalledStationID] = "AA-BB-CC-00-00-01:wifi"
	v[store.AcctCallingStationID] = "de:ad:be:ef:01:01"
	v[store.AcctTerminateCause] = ""
	v[store.AcctServiceType] = "Login-User"
	v[store.AcctFramedProtocol] = "PPP"
	v[store.AcctFramedIPAddress] = "10.8.1.1"
	v[store.AcctFramedIPv6Address] = "2001:db8::5"
	v[store.AcctFramedIPv6Prefix] = "2001:db8:0:5::/64"
	v[store.AcctFramedInterfaceID] = "0000:0000:0000:0005"
	v[store.AcctDelegatedIPv6Prefix] = "2001:db8:1:5::/64"
	for i := range w.Update {
		w.Update[i] = true
	}
	return w
}

// minimalAcct returns a write with only the required fields.
func minimalAcct(uniqueID, username string, start *time.Time) *store.AcctWrite {
	w := &store.AcctWrite{UniqueID: uniqueID}
	w.Values[store.AcctSessionID] = "S-" + uniqueID
	w.Values[store.AcctUniqueID] = uniqueID
	w.Values[store.AcctNASIPAddress] = "10.0.0.1"
	if username != "" {
		w.Values[store.AcctUsername] = username
	}
	if start != nil {
		w.Values[store.AcctStartTime] = *start
	}
	return w
}

// acctValues reads an AcctSession back into the vocabulary of AcctWrite.
func acctValues(a store.AcctSession) [store.NumAcctFields]any {
	var v [store.NumAcctFields]any
	str := func(p *string) any {
		if p == nil {
			return nil
		}
		return *p
	}
	num := func(p *int64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	tm := func(p *time.Time) any {
		if p == nil {
			return nil
		}
		return *p
	}
	v[store.AcctSessionID] = a.SessionID
	v[store.AcctUniqueID] = a.UniqueID
	v[store.AcctUsername] = str(a.Username)
	v[store.AcctGroupname] = str(a.Groupname)
	v[store.AcctRealm] = str(a.Realm)
	v[store.AcctNASIPAddress] = a.NASIPAddress
	v[store.AcctNASPortID] = str(a.NASPortID)
	v[store.AcctNASPortType] = str(a.NASPortType)
	v[store.AcctStartTime] = tm(a.StartTime)
	v[store.AcctUpdateTime] = tm(a.UpdateTime)
	v[store.AcctStopTime] = tm(a.StopTime)
	v[store.AcctInterval] = num(a.Interval)
	v[store.AcctSessionTime] = num(a.SessionTime)
	v[store.AcctAuthentication] = str(a.Authentication)
	v[store.AcctConnectInfoStart] = str(a.ConnectInfoStart)
	v[store.AcctConnectInfoStop] = str(a.ConnectInfoStop)
	v[store.AcctInputOctets] = num(a.InputOctets)
	v[store.AcctOutputOctets] = num(a.OutputOctets)
	v[store.AcctCalledStationID] = str(a.CalledStationID)
	v[store.AcctCallingStationID] = str(a.CallingStationID)
	v[store.AcctTerminateCause] = str(a.TerminateCause)
	v[store.AcctServiceType] = str(a.ServiceType)
	v[store.AcctFramedProtocol] = str(a.FramedProtocol)
	v[store.AcctFramedIPAddress] = str(a.FramedIPAddress)
	v[store.AcctFramedIPv6Address] = str(a.FramedIPv6Address)
	v[store.AcctFramedIPv6Prefix] = str(a.FramedIPv6Prefix)
	v[store.AcctFramedInterfaceID] = str(a.FramedInterfaceID)
	v[store.AcctDelegatedIPv6Prefix] = str(a.DelegatedIPv6Prefix)
	return v
}

// wantAcct compares a stored row with the values expected in it.
func wantAcct(t *testing.T, got store.AcctSession, want [store.NumAcctFields]any) {
	t.Helper()
	gv := acctValues(got)
	for i := range store.NumAcctFields {
		g, w := gv[i], want[i]
		if gt, ok := g.(time.Time); ok {
			if wt, ok := w.(time.Time); ok {
				wantTime(t, store.AcctFieldColumns[i], gt, wt)
				continue
			}
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s = %#v, want %#v", store.AcctFieldColumns[i], g, w)
		}
	}
}

// onlyAcct returns the one stored row of a fresh store.
func onlyAcct(t *testing.T, s store.Store) store.AcctSession {
	t.Helper()
	rows, err := s.ListAccounting(t.Context(), store.AcctFilter{}, 0, 100)
	wantNoErr(t, "ListAccounting", err)
	if len(rows) != 1 {
		t.Fatalf("ListAccounting: %d rows, want 1", len(rows))
	}
	return rows[0]
}

func write(t *testing.T, s store.Store, w *store.AcctWrite, wantCreated bool) {
	t.Helper()
	created, err := s.WriteAccounting(t.Context(), w)
	wantNoErr(t, "WriteAccounting "+w.UniqueID, err)
	if created != wantCreated {
		t.Errorf("WriteAccounting %s: created = %v, want %v", w.UniqueID, created, wantCreated)
	}
}

func testWriteAccounting(t *testing.T, s store.Store) {
	ctx := t.Context()
	const uid = "0123456789abcdef0123456789abcdef"

	// Insert: every value stored as given.
	start := fullAcct(uid)
	write(t, s, start, true)
	row := onlyAcct(t, s)
	if row.ID == 0 {
		t.Error("radacctid not set")
	}
	wantAcct(t, row, start.Values)

	// Update: only the fields in the mask change.
	stop := fullAcct(uid)
	stop.Update = [store.NumAcctFields]bool{}
	stopTime := acctStart.Add(time.Hour + 7*time.Microsecond)
	changes := map[store.AcctField]any{
		store.AcctUpdateTime:       stopTime,
		store.AcctStopTime:         stopTime,
		store.AcctSessionTime:      int64(3600),
		store.AcctInputOctets:      int64(5_000_000_123), // beyond 32 bits
		store.AcctOutputOctets:     int64(9_000_000_456),
		store.AcctTerminateCause:   "User-Request",
		store.AcctConnectInfoStop:  "CONNECT 54Mbps",
		store.AcctFramedIPAddress:  nil, // to NULL
		store.AcctNASIPAddress:     "2001:db8::1",
		store.AcctCallingStationID: "",
	}
	want := start.Values
	for f, v := range changes {
		stop.Values[f] = v
		stop.Update[f] = true
		want[f] = v
	}
	// Values outside the mask must be ignored.
	stop.Values[store.AcctUsername] = "mallory"
	stop.Values[store.AcctStartTime] = acctStart.Add(-time.Hour)
	stop.Values[store.AcctRealm] = nil
	write(t, s, stop, false)
	wantAcct(t, onlyAcct(t, s), want)

	// An empty mask leaves the row alone.
	noop := fullAcct(uid)
	noop.Update = [store.NumAcctFields]bool{}
	noop.Values[store.AcctUsername] = "mallory"
	write(t, s, noop, false)
	wantAcct(t, onlyAcct(t, s), want)

	// The same values again (MySQL reports 0 changed rows): still an update.
	write(t, s, stop, false)
	wantAcct(t, onlyAcct(t, s), want)

	// A Start marked likely new whose row exists is an update like any
	// other packet: only the fields in the mask change.
	again := fullAcct(uid)
	again.LikelyNew = true
	again.Update = [store.NumAcctFields]bool{}
	again.Values[store.AcctUsername] = "mallory"
	again.Values[store.AcctSessionTime] = int64(3700)
	again.Update[store.AcctSessionTime] = true
	want[store.AcctSessionTime] = int64(3700)
	write(t, s, again, false)
	wantAcct(t, onlyAcct(t, s), want)

	// The unique id in Values cannot move the row.
	moved := fullAcct(uid)
	moved.Values[store.AcctUniqueID] = "another"
	write(t, s, moved, false)
	if got := onlyAcct(t, s).UniqueID; got != uid {
		t.Errorf("unique id changed to %q", got)
	}

	// A second session: only the required fields, the rest NULL.
	minimal := minimalAcct("minimal", "", nil)
	write(t, s, minimal, true)
	rows, err := s.ListAccounting(ctx, store.AcctFilter{Username: ""}, 0, 10)
	wantNoErr(t, "ListAccounting", err)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	// NULL start time sorts last.
	if rows[1].UniqueID != "minimal" {
		t.Fatalf("row order %q, %q: want the row without start time last", rows[0].UniqueID, rows[1].UniqueID)
	}
	wantAcct(t, rows[1], minimal.Values)

	// A new row marked likely new is inserted as given.
	fresh := fullAcct("fresh")
	fresh.LikelyNew = true
	fresh.Values[store.AcctStartTime] = acctStart.Add(-time.Minute)
	write(t, s, fresh, true)
	rows, err = s.ListAccounting(ctx, store.AcctFilter{Username: ""}, 0, 10)
	wantNoErr(t, "ListAccounting", err)
	if len(rows) != 3 || rows[1].UniqueID != "fresh" {
		t.Fatalf("%d rows, want 3 with \"fresh\" second", len(rows))
	}
	wantAcct(t, rows[1], fresh.Values)

	_, err = s.WriteAccounting(ctx, &store.AcctWrite{})
	if err == nil {
		t.Error("WriteAccounting without unique id: no error")
	}
	for _, likelyNew := range []bool{false, true} {
		bad := minimalAcct("bad-type", "", nil)
		bad.LikelyNew = likelyNew
		bad.Values[store.AcctInputOctets] = 3.5
		if _, err := s.WriteAccounting(ctx, bad); err == nil || !strings.Contains(err.Error(), "acctinputoctets") {
			t.Errorf("WriteAccounting with a float (likely new %v): error %v, want one naming acctinputoctets", likelyNew, err)
		}
		negative := minimalAcct("negative", "", nil)
		negative.LikelyNew = likelyNew
		negative.Values[store.AcctSessionTime] = int64(-1)
		if _, err := s.WriteAccounting(ctx, negative); err == nil {
			t.Errorf("WriteAccounting with a negative session time (likely new %v): no error", likelyNew)
		}
	}
	if n := len(mustList(t, s)); n != 3 {
		t.Errorf("%d rows after the refused writes, want 3", n)
	}
}

func mustList(t *testing.T, s store.Store) []store.AcctSession {
	t.Helper()
	rows, err := s.ListAccounting(t.Context(), store.AcctFilter{}, 0, 100)
	wantNoErr(t, "ListAccounting", err)
	return rows
}

func testAccountingAutoGroup(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreateUser(t, s, "power", "power-users", "users")
	mustCreateUser(t, s, "plain")
	mustCreateUser(t, s, "nogroup", "power-users")
	tests := []struct {
		name      string
		username  any
		sent      any
		autoGroup bool
		want      any
	}{
		{"lowest priority group", "power", "sent", true, "power-users"},
		{"default group", "plain", nil, true, "users"},
		{"no user: value sent", "stranger", "sent", true, "sent"},
		{"no user, nothing sent", "stranger", nil, true, nil},
		{"no username", nil, "sent", true, "sent"},
		{"case-sensitive user", "POWER", "sent", true, "sent"},
		{"off", "power", "sent", false, "sent"},
		{"off, nothing sent", "power", nil, false, nil},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			uid := fmt.Sprintf("auto-%d", i)
			w := minimalAcct(uid, "", nil)
			w.Values[store.AcctUsername] = tc.username
			w.Values[store.AcctGroupname] = tc.sent
			w.AutoGroup = tc.autoGroup
			w.LikelyNew = i%2 == 0 // both ways of inserting
			w.Update[store.AcctGroupname] = true
			write(t, s, w, true)
			rows, err := s.ListAccounting(ctx, store.AcctFilter{}, 0, 100)
			wantNoErr(t, "ListAccounting", err)
			i := slices.IndexFunc(rows, func(a store.AcctSession) bool { return a.UniqueID == uid })
			if i < 0 {
				t.Fatalf("row %s not found", uid)
			}
			if got := acctValues(rows[i])[store.AcctGroupname]; got != tc.want {
				t.Errorf("groupname = %#v, want %#v", got, tc.want)
			}

			// On update the groupname sent is stored (when in the mask).
			w.Values[store.AcctGroupname] = "updated"
			write(t, s, w, false)
			rows, err = s.ListAccounting(ctx, store.AcctFilter{}, 0, 100)
			wantNoErr(t, "ListAccounting", err)
			i = slices.IndexFunc(rows, func(a store.AcctSession) bool { return a.UniqueID == uid })
			if got := acctValues(rows[i])[store.AcctGroupname]; got != "updated" {
				t.Errorf("groupname after update = %#v, want \"updated\"", got)
			}
		})
	}
}

func testWriteAccountingConcurrently(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreateUser(t, s, "alice")
	const n = 20
	for round := range 3 {
		uid := fmt.Sprintf("race-%d", round)
		var (
			wg      sync.WaitGroup
			created atomic.Int64
			errs    = make(chan error, n)
		)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				w := fullAcct(uid)
				w.AutoGroup = true
				w.Values[store.AcctSessionTime] = int64(i)
				// Half are Starts (full mask), half Interim-Updates.
				if i%2 == 1 {
					w.Update = [store.NumAcctFields]bool{}
					w.Update[store.AcctSessionTime] = true
					w.Update[store.AcctUpdateTime] = true
				}
				c, err := s.WriteAccounting(ctx, w)
				if err != nil {
					errs <- err
				}
				if c {
					created.Add(1)
				}
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("WriteAccounting: %v", err)
		}
		if created.Load() != 1 {
			t.Errorf("round %d: %d writes report an insert, want exactly 1", round, created.Load())
		}
	}
	count, err := s.CountAccounting(ctx, store.AcctFilter{})
	wantNoErr(t, "CountAccounting", err)
	if count != 3 {
		t.Errorf("CountAccounting = %d after 3 raced sessions, want 3", count)
	}
}

func testListAccounting(t *testing.T, s store.Store) {
	ctx := t.Context()
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	at := func(hours int, micros int) *time.Time {
		v := base.Add(time.Duration(hours)*time.Hour + time.Duration(micros)*time.Microsecond)
		return &v
	}
	type row struct {
		uid, user, called, calling string
		start, stop                *time.Time
	}
	rows := []row{
		{"r1", "alice", "AP1", "mac1", at(0, 0), at(1, 0)},
		{"r2", "bob", "AP2", "mac2", at(1, 0), nil},
		{"r3", "alice", "AP1", "mac3", at(2, 500), at(3, 0)},
		{"r4", "alice", "AP2", "mac1", at(2, 500), nil}, // same start as r3: higher id first
		{"r5", "carol", "AP1", "mac2", nil, nil},        // no start: last
		{"r6", "Alice", "AP1", "mac1", at(3, 0), at(4, 1)},
		{"r7", "bob", "AP2", "mac2", at(-24, 0), at(-23, 0)},
		{"r8", "alice", "ap1", "MAC1", at(4, 999999), nil},
	}
	for _, r := range rows {
		w := minimalAcct(r.uid, r.user, r.start)
		w.Values[store.AcctCalledStationID] = r.called
		w.Values[store.AcctCallingStationID] = r.calling
		if r.stop != nil {
			w.Values[store.AcctStopTime] = *r.stop
		}
		write(t, s, w, true)
	}

	tests := []struct {
		name string
		f    store.AcctFilter
		want []string
	}{
		{"all, newest first", store.AcctFilter{}, []string{"r8", "r6", "r4", "r3", "r2", "r1", "r7", "r5"}},
		{"username exact", store.AcctFilter{Username: "alice"}, []string{"r8", "r4", "r3", "r1"}},
		{"username case", store.AcctFilter{Username: "Alice"}, []string{"r6"}},
		{"username unknown", store.AcctFilter{Username: "nobody"}, []string{}},
		{"called station", store.AcctFilter{CalledStationID: "AP1"}, []string{"r6", "r3", "r1", "r5"}},
		{"calling station", store.AcctFilter{CallingStationID: "mac2"}, []string{"r2", "r7", "r5"}},
		{"start from, inclusive", store.AcctFilter{StartFrom: at(2, 500)}, []string{"r8", "r6", "r4", "r3"}},
		{"start from, a microsecond later", store.AcctFilter{StartFrom: at(2, 501)}, []string{"r8", "r6"}},
		{"start from a whole second", store.AcctFilter{StartFrom: at(3, 0)}, []string{"r8", "r6"}},
		{"stop until, inclusive", store.AcctFilter{StopUntil: at(3, 0)}, []string{"r3", "r1", "r7"}},
		{"stop until, a microsecond earlier", store.AcctFilter{StopUntil: at(4, 0)}, []string{"r3", "r1", "r7"}},
		{"stop until with micros", store.AcctFilter{StopUntil: at(4, 1)}, []string{"r6", "r3", "r1", "r7"}},
		{"open", store.AcctFilter{IsOpen: ptr(true)}, []string{"r8", "r4", "r2", "r5"}},
		{"closed", store.AcctFilter{IsOpen: ptr(false)}, []string{"r6", "r3", "r1", "r7"}},
		{"combined", store.AcctFilter{Username: "alice", CalledStationID: "AP1", IsOpen: ptr(false)}, []string{"r3", "r1"}},
		{"range", store.AcctFilter{StartFrom: at(0, 0), StopUntil: at(3, 0)}, []string{"r3", "r1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListAccounting(ctx, tc.f, 0, 100)
			wantNoErr(t, "ListAccounting", err)
			ids := []string{}
			for _, a := range got {
				ids = append(ids, a.UniqueID)
			}
			wantStrings(t, "ListAccounting", ids, tc.want)
			n, err := s.CountAccounting(ctx, tc.f)
			wantNoErr(t, "CountAccounting", err)
			if n != len(tc.want) {
				t.Errorf("CountAccounting = %d, want %d", n, len(tc.want))
			}
		})
	}

	t.Run("pages", func(t *testing.T) {
		all := []string{"r8", "r6", "r4", "r3", "r2", "r1", "r7", "r5"}
		for _, size := range []int{1, 3, 5, 8, 20} {
			var got []string
			for offset := 0; offset < len(all)+size; offset += size {
				page, err := s.ListAccounting(ctx, store.AcctFilter{}, offset, size)
				wantNoErr(t, "ListAccounting", err)
				if len(page) > size {
					t.Fatalf("page of size %d has %d rows", size, len(page))
				}
				for _, a := range page {
					got = append(got, a.UniqueID)
				}
			}
			wantStrings(t, fmt.Sprintf("pages of %d", size), got, all)
		}
		for _, tc := range []struct{ offset, limit, want int }{{0, 0, 0}, {100, 10, 0}, {7, 10, 1}, {-1, 2, 2}} {
			page, err := s.ListAccounting(ctx, store.AcctFilter{}, tc.offset, tc.limit)
			wantNoErr(t, "ListAccounting", err)
			if page == nil || len(page) != tc.want {
				t.Errorf("ListAccounting(offset %d, limit %d) = %d rows (nil: %v), want %d",
					tc.offset, tc.limit, len(page), page == nil, tc.want)
			}
		}
	})
}
