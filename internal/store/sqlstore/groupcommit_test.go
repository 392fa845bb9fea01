package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// TestAccountingWritesCommitIndependently sends valid and invalid packets
// at once: on SQLite and PostgreSQL they share commits (group commit), yet
// every valid packet is stored and reported created, and every invalid one
// fails alone. The same must hold on MySQL, which writes one statement per
// packet.
func TestAccountingWritesCommitIndependently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		const n = 120
		errs := make([]error, n)
		created := make([]bool, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := &store.AcctWrite{UniqueID: fmt.Sprintf("group-%03d", i)}
				w.Values[store.AcctUniqueID] = w.UniqueID
				w.Values[store.AcctSessionID] = "s"
				w.Values[store.AcctNASIPAddress] = "10.0.0.1"
				w.Values[store.AcctStartTime] = time.Now()
				w.Values[store.AcctSessionTime] = int64(i)
				if i%10 == 0 {
					// Violates radacct's CHECK (acctsessiontime >= 0).
					w.Values[store.AcctSessionTime] = int64(-1)
				}
				created[i], errs[i] = s.WriteAccounting(ctx, w)
			}()
		}
		wg.Wait()
		for i := range n {
			if i%10 == 0 {
				if errs[i] == nil {
					t.Errorf("packet %d with a negative session time was stored", i)
				}
				continue
			}
			if errs[i] != nil || !created[i] {
				t.Errorf("packet %d: created=%v err=%v", i, created[i], errs[i])
			}
		}
		if got, _ := s.CountAccounting(ctx, store.AcctFilter{}); got != n-n/10 {
			t.Fatalf("%d rows, want %d", got, n-n/10)
		}
	})
}

// acctPacket is a packet of the group test: a Start (every field written
// on insert and on update) or an Interim-Update.
func acctPacket(uid, user string, interim bool, sessionTime int64) *store.AcctWrite {
	w := &store.AcctWrite{UniqueID: uid, AutoGroup: !interim}
	v := &w.Values
	v[store.AcctUniqueID] = uid
	v[store.AcctSessionID] = "S-" + uid
	v[store.AcctUsername] = user
	v[store.AcctNASIPAddress] = "10.0.0.7"
	v[store.AcctCallingStationID] = "de:ad:be:ef:00:07"
	v[store.AcctSessionTime] = sessionTime
	v[store.AcctInputOctets] = int64(0)
	v[store.AcctOutputOctets] = int64(0)
	if !interim {
		v[store.AcctGroupname] = "" // sent empty: filled on insert
		v[store.AcctStartTime] = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	} else {
		w.OnlyIfOpen = true
		v[store.AcctUpdateTime] = time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)
	}
	for i, val := range v {
		w.Update[i] = val != nil && i != int(store.AcctUniqueID) && i != int(store.AcctStartTime)
	}
	w.Update[store.AcctGroupname] = !interim
	return w
}

// TestAccountingGroupResults sends packets of every kind at once, so that
// they share groups, and checks each packet's own result and row: new
// sessions created (with the user's group filled in), repeated Starts
// updating (the group as sent), Interim-Updates of stopped sessions
// leaving them as CloseNASSessions did, two packets of one new session
// both applied, and a failing packet failing alone.
func TestAccountingGroupResults(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := rawOf(t, s)
		r.exec(`INSERT INTO radusergroup (username, groupname, priority) VALUES ('alice', 'gold', 1), ('alice', 'silver', 2)`)
		const n = 20
		for i := range n {
			for _, uid := range []string{fmt.Sprintf("open-%02d", i), fmt.Sprintf("stopped-%02d", i)} {
				if _, err := s.WriteAccounting(ctx, acctPacket(uid, "alice", false, 1)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := s.CloseNASSessions(ctx, "10.0.0.7", time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC), "NAS-Reboot"); err != nil {
			t.Fatal(err)
		}
		// Reopen the open-* sessions, which CloseNASSessions stopped too.
		r.exec(`UPDATE radacct SET acctstoptime = NULL WHERE acctuniqueid LIKE 'open-%'`)

		type result struct {
			created bool
			err     error
		}
		var packets []*store.AcctWrite
		for i := range n {
			packets = append(packets,
				acctPacket(fmt.Sprintf("new-%02d", i), "alice", false, 0),
				acctPacket(fmt.Sprintf("nobody-%02d", i), "nobody", false, 0),
				acctPacket(fmt.Sprintf("open-%02d", i), "alice", false, 7),
				acctPacket(fmt.Sprintf("stopped-%02d", i), "alice", true, 99),
				acctPacket("twice", "alice", true, int64(100+i)),
			)
		}
		bad := acctPacket("bad", "alice", false, -1)
		packets = append(packets, bad)
		results := make([]result, len(packets))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, w := range packets {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				created, err := s.WriteAccounting(ctx, w)
				results[i] = result{created, err}
			}()
		}
		close(start)
		wg.Wait()

		for i, w := range packets {
			res := results[i]
			wantCreated := w.UniqueID[:3] == "new" || w.UniqueID[:3] == "nob"
			switch {
			case w.UniqueID == "twice":
				if res.err != nil {
					t.Errorf("%s: %v", w.UniqueID, res.err)
				}
			case w == bad:
				if res.err == nil {
					t.Errorf("%s: stored", w.UniqueID)
				}
			case res.err != nil || res.created != wantCreated:
				t.Errorf("%s: created=%v err=%v, want created=%v", w.UniqueID, res.created, res.err, wantCreated)
			}
		}
		for _, c := range []struct {
			query string
			want  []string
		}{
			{`SELECT DISTINCT groupname FROM radacct WHERE acctuniqueid LIKE 'new-%'`, []string{"gold"}},
			{`SELECT DISTINCT groupname FROM radacct WHERE acctuniqueid LIKE 'nobody-%'`, []string{""}},
			// A repeated Start stores the group as sent, as a lone upsert.
			{`SELECT DISTINCT groupname FROM radacct WHERE acctuniqueid LIKE 'open-%'`, []string{""}},
			{`SELECT count(*) FROM radacct WHERE acctuniqueid LIKE 'open-%' AND acctsessiontime = 7 AND acctstoptime IS NULL`, []string{"20"}},
			{`SELECT count(*) FROM radacct WHERE acctuniqueid LIKE 'stopped-%' AND acctsessiontime = 1800 AND acctstoptime IS NOT NULL`, []string{"20"}},
			{`SELECT count(*) FROM radacct WHERE acctuniqueid = 'bad'`, []string{"0"}},
		} {
			if got := r.strings(c.query); !slices.Equal(got, c.want) {
				t.Errorf("%s = %q, want %q", c.query, got, c.want)
			}
		}
		// "twice" had no row: its first packet inserted nothing (an
		// Interim-Update is an upsert too: it creates the row), so exactly
		// one of them reports created.
		var twiceCreated int
		for i, w := range packets {
			if w.UniqueID == "twice" && results[i].created {
				twiceCreated++
			}
		}
		if twiceCreated != 1 {
			t.Errorf("%d packets of one new session report created, want 1", twiceCreated)
		}
	})
}

// TestAccountingListsSeeWrites lists, writes, and lists again at once: the
// remembered ids of a filter never hide a write made through the store.
// Pages read through the index (filters too big to keep) match the
// remembered ones.
func TestAccountingListsSeeWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		start := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		write := func(uid, user string, minute int) {
			t.Helper()
			w := acctPacket(uid, user, false, 0)
			w.Values[store.AcctStartTime] = start.Add(time.Duration(minute) * time.Minute)
			if _, err := s.WriteAccounting(ctx, w); err != nil {
				t.Fatal(err)
			}
		}
		ids := func(f store.AcctFilter, offset, limit int) []string {
			t.Helper()
			rows, err := s.ListAccounting(ctx, f, offset, limit)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, a := range rows {
				out = append(out, a.UniqueID)
			}
			return out
		}
		count := func(f store.AcctFilter) int {
			t.Helper()
			n, err := s.CountAccounting(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i := range 12 {
			write(fmt.Sprintf("a%02d", i), "alice", i)
		}
		write("b00", "bob", 30)
		alice := store.AcctFilter{Username: "alice"}
		open := true
		isOpen := store.AcctFilter{IsOpen: &open}
		if got := ids(alice, 0, 3); !slices.Equal(got, []string{"a11", "a10", "a09"}) || count(alice) != 12 {
			t.Fatalf("first page %v, count %d", got, count(alice))
		}

		write("a99", "alice", 60)
		if got := ids(alice, 0, 2); !slices.Equal(got, []string{"a99", "a11"}) || count(alice) != 13 {
			t.Errorf("after a write: first page %v, count %d", got, count(alice))
		}
		if n := count(isOpen); n != 14 {
			t.Errorf("%d open sessions, want 14", n)
		}
		if _, err := s.CloseNASSessions(ctx, "10.0.0.7", start.Add(2*time.Hour), "NAS-Reboot"); err != nil {
			t.Fatal(err)
		}
		if n, got := count(isOpen), ids(isOpen, 0, 10); n != 0 || len(got) != 0 {
			t.Errorf("after closing the NAS: %d open sessions %v, want none", n, got)
		}

		kept := [][]string{ids(alice, 0, 5), ids(alice, 5, 5), ids(alice, 10, 5), ids(alice, 13, 5), ids(store.AcctFilter{}, 2, 100)}
		sqlstore.SetMaxListIDsForTest(t, 5)
		s.(*sqlstore.Store).ForgetListsForTest()
		read := [][]string{ids(alice, 0, 5), ids(alice, 5, 5), ids(alice, 10, 5), ids(alice, 13, 5), ids(store.AcctFilter{}, 2, 100)}
		for i := range kept {
			if !slices.Equal(kept[i], read[i]) {
				t.Errorf("page %d: %v through the index, %v from the kept ids", i, read[i], kept[i])
			}
		}
		if len(read[3]) != 0 || len(read[4]) != 12 || count(alice) != 13 || count(store.AcctFilter{}) != 14 {
			t.Errorf("past the end %v, %d rows from offset 2, counts %d and %d", read[3], len(read[4]), count(alice), count(store.AcctFilter{}))
		}
	})
}

// TestSQLiteWriterStaysFull checks that the writer connection is back to
// synchronous=FULL after accounting groups, which commit with NORMAL and
// an fsync of their own: every other write still syncs its commit.
func TestSQLiteWriterStaysFull(t *testing.T) {
	s, _ := dbtest.Open(t, dbtest.SQLite)
	ctx := context.Background()
	for i := range 3 {
		if _, err := s.WriteAccounting(ctx, acctPacket(fmt.Sprintf("u%d", i), "alice", false, 0)); err != nil {
			t.Fatal(err)
		}
	}
	var level int
	if err := s.(*sqlstore.Store).WriterForTest().QueryRowContext(ctx, "PRAGMA synchronous").Scan(&level); err != nil {
		t.Fatal(err)
	}
	if level != 2 {
		t.Errorf("writer synchronous = %d, want 2 (FULL)", level)
	}
}
