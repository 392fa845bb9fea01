package sqlstore_test

import (
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// benchUsers and benchSessions shape the data of the read benchmarks: each
// user has benchSessions sessions over January 2026 (one in twenty open),
// two reply items, and the default group with its checks.
const (
	benchUsers    = 1000
	benchSessions = 100
	// benchHot is how many users the loops read, again and again, as the
	// harness's authorize-cached does: the pages they need stay cached.
	benchHot = 8
)

// benchNow is late on the last day of the sessions: a day's counter sees
// about three of a user's hundred sessions.
var benchNow = time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC)

// BenchmarkReads measures the queries of every authorize of a known user:
// Subject (account and policy) and UsageSince (the day's counters), and
// a page of a user's sessions (GET /api/v1/accounting/?username=).
//
//	go test -run '^$' -bench Reads ./internal/store/sqlstore/
func BenchmarkReads(b *testing.B) {
	for _, backend := range dbtest.Backends() {
		b.Run(backend, func(b *testing.B) {
			dbtest.Require(b, backend)
			st, _ := dbtest.Open(b, backend)
			s := st.(*sqlstore.Store)
			fillReads(b, s)
			ctx := b.Context()
			since := benchNow.Truncate(24 * time.Hour)
			b.Run("Subject", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					name := "user" + itoa(int64(i%benchHot))
					sub, err := s.Subject(ctx, name, "", benchNow)
					if err != nil || !sub.HasUser || len(sub.Policy.Reply) != 2 || len(sub.Policy.Groups) != 1 {
						b.Fatalf("Subject(%s) = %+v, %v", name, sub, err)
					}
				}
			})
			b.Run("UsageSince", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					name := "user" + itoa(int64(i%benchHot))
					u, err := s.UsageSince(ctx, name, since)
					if err != nil || u.Seconds == 0 {
						b.Fatalf("UsageSince(%s) = %+v, %v", name, u, err)
					}
				}
			})
			b.Run("ListAccounting", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					f := store.AcctFilter{Username: "user" + itoa(int64(i%benchHot))}
					rows, err := s.ListAccounting(ctx, f, 10*(i%3), 10)
					if err != nil || len(rows) != 10 {
						b.Fatalf("ListAccounting(%+v) = %d rows, %v", f, len(rows), err)
					}
				}
			})
		})
	}
}

// fillReads loads the data BenchmarkReads reads.
func fillReads(b *testing.B, s *sqlstore.Store) {
	b.Helper()
	d := s.Dialect()
	rows := benchUsers * benchSessions
	// 44,640 minutes in January: sessions start every spread minutes.
	spread := itoa(int64(44_640 / benchSessions))
	users := itoa(benchUsers)
	for _, q := range []string{
		`CREATE TABLE bench_numbers (n INTEGER NOT NULL PRIMARY KEY)`,
		`INSERT INTO bench_numbers (n) SELECT n FROM ` + numbers() + ` WHERE n < ` + itoa(int64(rows)),
		`INSERT INTO users (username, password, is_active) SELECT CONCAT('user', n), '!', TRUE FROM bench_numbers WHERE n < ` + users,
		`INSERT INTO radusergroup (username, groupname, priority, user_id)
SELECT username, 'users', 1, id FROM users`,
		`INSERT INTO radreply (username, attribute, op, value, user_id)
SELECT username, 'Idle-Timeout', '=', '600', id FROM users UNION ALL
SELECT username, 'Reply-Message', '=', 'hello', id FROM users`,
		`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctstoptime,
	acctsessiontime, acctinputoctets, acctoutputoctets, callingstationid)
SELECT CONCAT('s', n), CONCAT('u', n), CONCAT('user', n % ` + users + `), '10.0.0.1',
	` + minutesAfter(d, "(n / "+users+") * "+spread) + `,
	CASE WHEN n % 20 = 0 THEN NULL ELSE ` + minutesAfter(d, "(n / "+users+") * "+spread+" + 300") + ` END,
	1800, n, n, CONCAT('mac', n % 7)
FROM bench_numbers`,
		`DROP TABLE bench_numbers`,
	} {
		if _, err := s.WriterForTest().ExecContext(b.Context(), s.RebindForTest(q)); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		s.NoteWriteForTest()
	}
}
