package sqlstore_test

import (
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

// Sessions written by FreeRADIUS's own sql module have whole-second times
// (on SQLite, text without a fraction): the sums, bounds and closes treat
// them as the same instants as goradius's own.
func TestSessionsWithWholeSecondTimes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		r := rawOf(t, s)
		const insert = `INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress,
	acctstarttime, acctupdatetime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets)
VALUES ('s', ?, 'alice', ?, ?, ?, ?, ?, ?, ?)`
		r.exec(insert, "r1", "10.0.0.1", "2026-11-23 23:00:00", nil, "2026-11-24 01:00:00", 7200, 1, 1)
		r.exec(insert, "r2", "10.0.0.2", "2026-11-24 00:30:00", "2026-11-24 01:00:00", nil, 1800, nil, nil)
		r.exec(insert, "r3", "10.0.0.1", "2026-11-23 22:00:00", nil, "2026-11-24 00:00:00", 7200, 5, nil)
		r.exec(insert, "r4", "10.0.0.3", "2026-11-24 01:30:00", nil, nil, nil, nil, nil)

		since := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
		for _, tc := range []struct {
			since time.Time
			want  store.Usage
		}{
			{since, store.Usage{Seconds: 3600 + 1800, Octets: 2 + 5}},
			{since.Add(time.Microsecond), store.Usage{Seconds: 3600 + 1800, Octets: 2}}, // r3 ended before
			{time.Time{}, store.Usage{Seconds: 7200 + 1800 + 7200, Octets: 7}},
		} {
			got, err := s.UsageSince(ctx, "alice", tc.since)
			if err != nil || got != tc.want {
				t.Errorf("UsageSince(%v) = %+v, %v; want %+v", tc.since, got, err, tc.want)
			}
		}

		lastSign := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
		if n, err := s.CloseStaleSessions(ctx, lastSign, "Lost-Carrier"); err != nil || n != 0 {
			t.Errorf("CloseStaleSessions at r2's update time = %d, %v; want 0 (not before it)", n, err)
		}
		if n, err := s.CloseStaleSessions(ctx, lastSign.Add(time.Microsecond), "Lost-Carrier"); err != nil || n != 1 {
			t.Errorf("CloseStaleSessions a microsecond later = %d, %v; want 1", n, err)
		}
		at := time.Date(2026, 11, 24, 1, 40, 0, 500000000, time.UTC)
		if n, err := s.CloseNASSessions(ctx, "10.0.0.3", at, "NAS-Reboot"); err != nil || n != 1 {
			t.Errorf("CloseNASSessions = %d, %v; want 1", n, err)
		}
		rows, err := s.ListAccounting(ctx, store.AcctFilter{}, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range rows {
			var want struct {
				stop    time.Time
				seconds int64
			}
			switch a.UniqueID {
			case "r2":
				want.stop, want.seconds = lastSign, 1800
			case "r4":
				want.stop, want.seconds = at, 600
			default:
				continue
			}
			if a.StopTime == nil || !a.StopTime.Equal(want.stop) || a.SessionTime == nil || *a.SessionTime != want.seconds {
				t.Errorf("%s: stop %v, session time %v; want %v, %d", a.UniqueID, a.StopTime, deref(a.SessionTime), want.stop, want.seconds)
			}
		}
	})
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
