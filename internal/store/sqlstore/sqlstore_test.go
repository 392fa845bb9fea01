package sqlstore_test

import (
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/store/sqlstore"
	"github.com/goradius/goradius/internal/store/storetest"
)

// TestConformance runs the shared store suite on every backend.
func TestConformance(t *testing.T) {
	dbtest.EachBackend(t, func(t *testing.T, backend string) {
		storetest.Run(t, func(t *testing.T) store.Store {
			s, _ := dbtest.Open(t, backend)
			return s
		})
	})
}

// TestConformanceWithPolicyCache runs the suite again with the policy
// cache on and a TTL longer than any test: every write the suite makes
// through the store must make the cached answers it changes stale.
func TestConformanceWithPolicyCache(t *testing.T) {
	dbtest.EachBackend(t, func(t *testing.T, backend string) {
		storetest.Run(t, func(t *testing.T) store.Store {
			s, _ := dbtest.Open(t, backend)
			s.(*sqlstore.Store).CachePolicy(time.Hour, 1000, nil)
			return s
		})
	})
}

// Migrating a new database, from several processes at once: the
// migrations run once in all.
func TestMigrateNewDatabase(t *testing.T) {
	dbtest.EachBackend(t, func(t *testing.T, backend string) {
		url := dbtest.NewDatabase(t, backend)
		const n = 3
		stores := make([]*sqlstore.Store, n)
		for i := range stores {
			s, err := sqlstore.Open(t.Context(), url, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			stores[i] = s
		}
		applied, latest, err := stores[0].SchemaVersion(t.Context())
		if err != nil || applied != 0 || latest < 1 {
			t.Fatalf("SchemaVersion of a new database = %d, %d, %v; want 0, >= 1", applied, latest, err)
		}

		ran := make([]int, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, s := range stores {
			wg.Go(func() { ran[i], errs[i] = s.Migrate(t.Context()) })
		}
		wg.Wait()
		total := 0
		for i := range n {
			if errs[i] != nil {
				t.Errorf("Migrate %d: %v", i, errs[i])
			}
			total += ran[i]
		}
		if total != latest {
			t.Errorf("concurrent Migrate calls ran %v migrations, want %d in all", ran, latest)
		}
		applied, _, err = stores[1].SchemaVersion(t.Context())
		if err != nil || applied != latest {
			t.Errorf("SchemaVersion after Migrate = %d, %v; want %d", applied, err, latest)
		}
	})
}

// The store dates what it creates with Options.Now, at microsecond
// precision, in UTC.
func TestClock(t *testing.T) {
	dbtest.EachBackend(t, func(t *testing.T, backend string) {
		ctx := t.Context()
		now := time.Date(2030, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", -5*3600))
		want := now.UTC().Truncate(time.Microsecond)
		s, err := sqlstore.Open(ctx, dbtest.NewDatabase(t, backend), sqlstore.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}

		u := store.User{Username: "alice", Password: "!"}
		p := store.PostAuth{Username: "alice", Reply: "Access-Accept"}
		nb := store.NewBatch{Batch: store.Batch{Name: "b", Strategy: "prefix"}, Users: []store.User{{Username: "guest1", Password: "!"}}}
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		if err := s.CreatePostAuth(ctx, &p); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateBatch(ctx, &nb); err != nil {
			t.Fatal(err)
		}
		got, err := s.UserByUsername(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		guest, err := s.UserByUsername(ctx, "guest1")
		if err != nil {
			t.Fatal(err)
		}
		log, err := s.PostAuthLog(ctx, 1)
		if err != nil || len(log) != 1 {
			t.Fatalf("PostAuthLog = %v, %v", log, err)
		}
		b, err := s.BatchByName(ctx, "b")
		if err != nil {
			t.Fatal(err)
		}
		for what, got := range map[string]time.Time{
			"set date_joined":    u.DateJoined,
			"stored date_joined": got.DateJoined,
			"batch user joined":  guest.DateJoined,
			"stored authdate":    log[0].AuthDate,
			"batch created":      b.Created,
			"batch modified":     b.Modified,
		} {
			if !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("%s = %v, want %v", what, got, want)
			}
		}
	})
}

// raw gives a test SQL access to the store's database.
type raw struct {
	t *testing.T
	s *sqlstore.Store
}

func rawOf(t *testing.T, s store.Store) raw {
	return raw{t, s.(*sqlstore.Store)}
}

func (r raw) exec(query string, args ...any) {
	r.t.Helper()
	if _, err := r.s.WriterForTest().ExecContext(r.t.Context(), r.s.RebindForTest(query), args...); err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	r.s.NoteWriteForTest()
}

func (r raw) strings(query string, args ...any) []string {
	r.t.Helper()
	rows, err := r.s.WriterForTest().QueryContext(r.t.Context(), r.s.RebindForTest(query), args...)
	if err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			r.t.Fatalf("%s: %v", query, err)
		}
		out = append(out, v.String)
	}
	if err := rows.Err(); err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	return out
}

func (r raw) count(query string, args ...any) int {
	r.t.Helper()
	var n int
	if err := r.s.WriterForTest().QueryRowContext(r.t.Context(), r.s.RebindForTest(query), args...).Scan(&n); err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestDefaultGroupChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		r := rawOf(t, s)
		// || is OR in MySQL: concatenate with CONCAT_WS there.
		line := "c.groupname || ' ' || c.attribute || ' ' || c.op || ' ' || c.value"
		if r.s.Dialect() == "mysql" {
			line = "CONCAT_WS(' ', c.groupname, c.attribute, c.op, c.value)"
		}
		got := r.strings(`SELECT ` + line + `
FROM radgroupcheck c JOIN radiusgroup g ON g.id = c.group_id ORDER BY c.id`)
		want := []string{"users Max-Daily-Session := 10800", "users Max-Daily-Session-Traffic := 3000000000"}
		if !slices.Equal(got, want) {
			t.Errorf("group checks = %q, want %q", got, want)
		}
		if n := r.count(`SELECT count(*) FROM radgroupreply`); n != 0 {
			t.Errorf("%d group replies, want none", n)
		}
	})
}

// Rows written by FreeRADIUS's sql module or a tool like daloRADIUS name
// only FreeRADIUS's columns; the defaults must fill in the rest, and
// goradius must read what they wrote.
func TestOtherToolsRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		r := rawOf(t, s)
		before := time.Now().Add(-time.Minute)

		r.exec(`INSERT INTO radcheck (username, attribute, value) VALUES ('fr', 'Cleartext-Password', 'pw')`)
		r.exec(`INSERT INTO radreply (username, attribute, value) VALUES ('fr', 'Session-Timeout', '3600')`)
		r.exec(`INSERT INTO radgroupreply (groupname, attribute, value) VALUES ('users', 'Idle-Timeout', '600')`)
		r.exec(`INSERT INTO radusergroup (username, groupname) VALUES ('fr', 'power-users')`)
		r.exec(`INSERT INTO nas (nasname, shortname) VALUES ('10.0.0.1', 'ap')`)
		ops := r.strings(`SELECT op FROM radcheck UNION ALL SELECT op FROM radreply UNION ALL SELECT op FROM radgroupreply UNION ALL SELECT type FROM nas UNION ALL SELECT secret FROM nas`)
		if want := []string{":=", "=", "=", "other", "secret"}; !slices.Equal(ops, want) {
			t.Errorf("defaults = %q, want %q", ops, want)
		}
		if n := r.count(`SELECT count(*) FROM radcheck WHERE is_active AND created IS NOT NULL AND modified IS NOT NULL`); n != 1 {
			t.Errorf("radcheck defaults: %d rows active with times, want 1", n)
		}
		groups, err := s.UserGroups(ctx, "fr")
		if err != nil || !slices.Equal(groups, []string{"power-users"}) {
			t.Errorf("UserGroups(fr) = %q, %v; want power-users (priority defaults to 1)", groups, err)
		}

		// FreeRADIUS's post-auth query names username, pass, reply and maybe
		// authdate; here the database default dates it.
		r.exec(`INSERT INTO radpostauth (username, pass, reply) VALUES ('fr', 'x', 'Access-Reject')`)
		log, err := s.PostAuthLog(ctx, 1)
		if err != nil || len(log) != 1 {
			t.Fatalf("PostAuthLog = %v, %v", log, err)
		}
		if d := log[0].AuthDate; d.Before(before) || d.After(time.Now().Add(time.Minute)) {
			t.Errorf("default authdate %v is not now (UTC)", d)
		}

		// FreeRADIUS writes whole-second times (SQLite: datetime(..., 'unixepoch')).
		start := time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC)
		startSQL := `'2023-11-14 22:13:20'`
		if r.s.Dialect() == "sqlite" {
			startSQL = `datetime(1700000000, 'unixepoch')`
		}
		r.exec(`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, class)
VALUES ('s1', 'fr-unique', 'fr', '10.0.0.1', ` + startSQL + `, '0x01')`)
		rows, err := s.ListAccounting(ctx, store.AcctFilter{StartFrom: &start}, 0, 10)
		if err != nil || len(rows) != 1 {
			t.Fatalf("ListAccounting from %v = %v, %v; want the FreeRADIUS row", start, rows, err)
		}
		if rows[0].StartTime == nil || !rows[0].StartTime.Equal(start) {
			t.Errorf("start time %v, want %v", rows[0].StartTime, start)
		}
		later := start.Add(time.Microsecond)
		if n, err := s.CountAccounting(ctx, store.AcctFilter{StartFrom: &later}); err != nil || n != 0 {
			t.Errorf("CountAccounting from a microsecond later = %d, %v; want 0", n, err)
		}
	})
}

func TestDeleteUserRowsWithoutUserID(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		r := rawOf(t, s)
		for _, name := range []string{"alice", "bob"} {
			u := store.User{Username: name, Password: "!"}
			if err := s.CreateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			r.exec(`INSERT INTO radcheck (username, attribute, value, user_id) VALUES (?, 'Cleartext-Password', 'x', ?)`, name, u.ID)
			r.exec(`INSERT INTO radcheck (username, attribute, value) VALUES (?, 'Max-Daily-Session', '1')`, name)
			r.exec(`INSERT INTO radreply (username, attribute, value) VALUES (?, 'Session-Timeout', '1')`, name)
			r.exec(`INSERT INTO radusergroup (username, groupname) VALUES (?, 'power-users')`, name)
		}
		if err := s.DeleteUser(ctx, "alice"); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"radcheck", "radreply", "radusergroup"} {
			got := r.strings(`SELECT DISTINCT username FROM ` + table)
			if !slices.Equal(got, []string{"bob"}) {
				t.Errorf("%s usernames after deleting alice = %q, want bob only", table, got)
			}
		}
	})
}

func TestOneDefaultGroup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		r := rawOf(t, s)
		_, err := r.s.WriterForTest().ExecContext(t.Context(),
			`INSERT INTO radiusgroup (name, is_default) VALUES ('second', TRUE)`)
		if r.s.Dialect() != "mysql" {
			if err == nil {
				t.Fatal("a second default group was accepted")
			}
			return
		}
		// MySQL has no partial index: the store refuses to choose.
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.DefaultGroup(t.Context())
		if err == nil || errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "exactly one") {
			t.Errorf("DefaultGroup with two defaults: %v", err)
		}
		u := store.User{Username: "x", Password: "!"}
		if err := s.CreateUser(t.Context(), &u); err == nil {
			t.Error("CreateUser joined one of two default groups")
		}
	})
}

// The same tables and columns, in the same order, on every backend.
func TestSameColumns(t *testing.T) {
	tables := []string{"users", "radiusgroup", "radcheck", "radreply", "radgroupcheck", "radgroupreply",
		"radusergroup", "radacct", "radpostauth", "nas", "radbatch", "radbatch_users", "radbatch_file",
		"radiustoken", "authtoken", "goradius_setting", "goradius_schema_migrations"}
	var want map[string][]string
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		r := rawOf(t, s)
		got := map[string][]string{}
		for _, table := range tables {
			switch r.s.Dialect() {
			case "sqlite":
				got[table] = r.strings(`SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
			case "postgres":
				got[table] = r.strings(`SELECT column_name FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`, table)
			default:
				got[table] = r.strings(`SELECT column_name FROM information_schema.columns
WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position`, table)
			}
			if len(got[table]) == 0 {
				t.Errorf("table %s missing", table)
			}
		}
		if want == nil {
			want = got
			return
		}
		for _, table := range tables {
			if !slices.Equal(got[table], want[table]) {
				t.Errorf("%s columns %q, sqlite has %q", table, got[table], want[table])
			}
		}
	})
}

func TestSQLiteStorage(t *testing.T) {
	s, _ := dbtest.Open(t, dbtest.SQLite)
	r := rawOf(t, s)
	ctx := t.Context()

	// Times are UTC text with six fraction digits.
	joined := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	u := store.User{Username: "alice", Password: "!", DateJoined: joined}
	if err := s.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	var text string
	if err := r.s.WriterForTest().QueryRowContext(ctx, `SELECT date_joined FROM users`).Scan(&text); err != nil {
		t.Fatal(err)
	}
	if text != "2026-01-02 02:04:05.000000" {
		t.Errorf("stored date_joined %q, want 2026-01-02 02:04:05.000000", text)
	}
	created := r.strings(`SELECT created FROM radgroupcheck`)
	for _, c := range created {
		if len(c) != len("2006-01-02 15:04:05.000000") {
			t.Errorf("default created %q is not in the stored time form", c)
		}
	}

	pragmas := []struct {
		db           *sql.DB
		pragma, want string
	}{
		{r.s.WriterForTest(), "journal_mode", "wal"},
		{r.s.WriterForTest(), "synchronous", "2"},
		{r.s.WriterForTest(), "foreign_keys", "1"},
		{r.s.WriterForTest(), "busy_timeout", "10000"},
		{r.s.ReaderForTest(), "journal_mode", "wal"},
		{r.s.ReaderForTest(), "foreign_keys", "1"},
		{r.s.ReaderForTest(), "query_only", "1"},
		{r.s.ReaderForTest(), "busy_timeout", "10000"},
	}
	for _, p := range pragmas {
		var got string
		if err := p.db.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != p.want {
			t.Errorf("PRAGMA %s = %q, want %q", p.pragma, got, p.want)
		}
	}
	if stats := r.s.WriterForTest().Stats(); stats.MaxOpenConnections != 1 {
		t.Errorf("writer pool allows %d connections, want 1", stats.MaxOpenConnections)
	}
}

func TestMySQLSession(t *testing.T) {
	s, _ := dbtest.Open(t, dbtest.MySQL)
	r := rawOf(t, s)
	got := r.strings(`SELECT @@session.time_zone UNION ALL SELECT @@session.sql_mode`)
	if len(got) != 2 || got[0] != "+00:00" || !strings.Contains(got[1], "ANSI_QUOTES") || !strings.Contains(got[1], "STRICT_ALL_TABLES") {
		t.Errorf("session time_zone, sql_mode = %q", got)
	}
}
