package sqlstore_test

import (
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// itemAttributes lists the attributes of items, in order.
func itemAttributes(items []store.Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Attribute)
	}
	return out
}

// Times below are written as text, the way FreeRADIUS and Django write
// them: every dialect parses it (PostgreSQL in the session's UTC), and
// SQLite keeps it as given, with or without a fraction.

// PolicyFor leaves out inactive radcheck rows and those whose valid_until
// is not after now, whichever way the time is spelled.
func TestPolicyForActiveAndValid(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		r := rawOf(t, s)
		now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
		for _, row := range []struct {
			attribute string
			active    bool
			until     any
		}{
			{"no-limit", true, nil},
			{"inactive", false, nil},
			{"expired", true, "2026-11-24 11:59:59"},
			{"until-now", true, "2026-11-24 12:00:00"},
			{"until-now-fraction", true, "2026-11-24 12:00:00.000000"},
			{"until-a-microsecond-later", true, "2026-11-24 12:00:00.000001"},
			{"until-later", true, "2026-11-24 13:00:00"},
			{"inactive-until-later", false, "2026-11-24 13:00:00"},
		} {
			r.exec(`INSERT INTO radcheck (username, attribute, op, value, is_active, valid_until) VALUES ('alice', ?, ':=', 'x', ?, ?)`,
				row.attribute, row.active, row.until)
		}
		for _, tc := range []struct {
			now  time.Time
			want []string
		}{
			{now, []string{"no-limit", "until-a-microsecond-later", "until-later"}},
			{now.Add(-time.Microsecond), []string{"no-limit", "until-now", "until-now-fraction", "until-a-microsecond-later", "until-later"}},
			{now.Add(-time.Hour), []string{"no-limit", "expired", "until-now", "until-now-fraction", "until-a-microsecond-later", "until-later"}},
			{now.Add(time.Hour), []string{"no-limit"}},
			{now.In(time.FixedZone("X", 3*3600)), []string{"no-limit", "until-a-microsecond-later", "until-later"}},
		} {
			p, err := s.PolicyFor(t.Context(), "alice", tc.now)
			if err != nil {
				t.Fatal(err)
			}
			if got := itemAttributes(p.Check); !slices.Equal(got, tc.want) {
				t.Errorf("PolicyFor at %v: check items %q, want %q", tc.now, got, tc.want)
			}
		}
	})
}

// Rows whose names differ only by trailing spaces are someone else's, also
// on MySQL, where PAD SPACE collations find them for the shorter name.
func TestPolicyForExactNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		r := rawOf(t, s)
		u := store.User{Username: "alice", Password: "!"}
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		r.exec(`INSERT INTO radcheck (username, attribute, value) VALUES ('alice ', 'Padded-Check', 'x')`)
		r.exec(`INSERT INTO radreply (username, attribute, value) VALUES ('alice ', 'Padded-Reply', 'x')`)
		r.exec(`INSERT INTO radusergroup (username, groupname, priority) VALUES ('alice ', 'power-users', 0)`)
		r.exec(`INSERT INTO radgroupcheck (groupname, attribute, value) VALUES ('users ', 'Padded-Group-Check', 'x')`)
		r.exec(`INSERT INTO radgroupreply (groupname, attribute, value) VALUES ('users ', 'Padded-Group-Reply', 'x')`)

		p, err := s.PolicyFor(ctx, "alice", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Check) != 0 || len(p.Reply) != 0 || len(p.Groups) != 1 || p.Groups[0].Name != "users" ||
			!slices.Equal(itemAttributes(p.Groups[0].Check), []string{"Max-Daily-Session", "Max-Daily-Session-Traffic"}) ||
			len(p.Groups[0].Reply) != 0 {
			t.Errorf("PolicyFor(alice) = %+v: want only the users group and its two checks", p)
		}
		p, err = s.PolicyFor(ctx, "alice ", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(itemAttributes(p.Check), []string{"Padded-Check"}) || !slices.Equal(itemAttributes(p.Reply), []string{"Padded-Reply"}) ||
			len(p.Groups) != 1 || p.Groups[0].Name != "power-users" || p.Groups[0].Priority != 0 {
			t.Errorf(`PolicyFor("alice ") = %+v: want the padded rows and power-users`, p)
		}
	})
}

// rawTime reads a time column scanned into any: time.Time from the
// servers, text from SQLite.
func rawTime(t *testing.T, v any) time.Time {
	t.Helper()
	switch v := v.(type) {
	case time.Time:
		return v.UTC()
	case string:
		tm, err := time.Parse("2006-01-02 15:04:05.999999999", v)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	case []byte:
		return rawTime(t, string(v))
	}
	t.Fatalf("unexpected time value %T %v", v, v)
	return time.Time{}
}

// The Add methods link rows to the user or group of that name, and date
// them with the store's clock.
func TestPolicyWritesLinks(t *testing.T) {
	dbtest.EachBackend(t, func(t *testing.T, backend string) {
		ctx := t.Context()
		now := time.Date(2030, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", -5*3600))
		want := now.UTC().Truncate(time.Microsecond)
		st, err := sqlstore.Open(ctx, dbtest.NewDatabase(t, backend), sqlstore.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var s store.Store = st
		r := rawOf(t, s)
		alice := store.User{Username: "alice", Password: "!"}
		if err := s.CreateUser(ctx, &alice); err != nil {
			t.Fatal(err)
		}
		staff := store.RadiusGroup{Name: "staff"}
		if err := s.CreateGroup(ctx, &staff); err != nil {
			t.Fatal(err)
		}
		if !staff.Created.Equal(want) || !staff.Modified.Equal(want) {
			t.Errorf("CreateGroup dates %v, %v; want %v", staff.Created, staff.Modified, want)
		}
		groups, err := s.Groups(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			if g.Name == "staff" && (!g.Created.Equal(want) || !g.Modified.Equal(want)) {
				t.Errorf("stored group dates %v, %v; want %v", g.Created, g.Modified, want)
			}
		}

		for _, add := range []struct {
			table, owner string
			fn           func(string, *store.Item) error
		}{
			{"radcheck", "alice", func(n string, it *store.Item) error { return s.AddCheck(ctx, n, it) }},
			{"radcheck", "stranger", func(n string, it *store.Item) error { return s.AddCheck(ctx, n, it) }},
			{"radreply", "alice", func(n string, it *store.Item) error { return s.AddReply(ctx, n, it) }},
			{"radreply", "Alice", func(n string, it *store.Item) error { return s.AddReply(ctx, n, it) }},
			{"radgroupcheck", "staff", func(n string, it *store.Item) error { return s.AddGroupCheck(ctx, n, it) }},
			{"radgroupcheck", "no-group", func(n string, it *store.Item) error { return s.AddGroupCheck(ctx, n, it) }},
			{"radgroupreply", "staff", func(n string, it *store.Item) error { return s.AddGroupReply(ctx, n, it) }},
			{"radgroupreply", "staff ", func(n string, it *store.Item) error { return s.AddGroupReply(ctx, n, it) }},
		} {
			it := store.Item{Attribute: "Attr-" + add.owner, Value: "v"}
			if err := add.fn(add.owner, &it); err != nil {
				t.Fatalf("add to %s of %q: %v", add.table, add.owner, err)
			}
		}
		if err := s.AddUserGroup(ctx, "alice", "staff", 3); err != nil {
			t.Fatal(err)
		}
		if err := s.AddUserGroup(ctx, "stranger", "staff", 4); err != nil {
			t.Fatal(err)
		}

		for _, q := range []struct {
			query string
			want  []string
		}{
			{`SELECT username, op, user_id FROM radcheck ORDER BY id`,
				[]string{"alice|:=|" + itoa(alice.ID), "stranger|:=|NULL"}},
			{`SELECT username, op, user_id FROM radreply ORDER BY id`,
				[]string{"alice|=|" + itoa(alice.ID), "Alice|=|NULL"}},
			{`SELECT groupname, op, group_id FROM radgroupcheck WHERE attribute LIKE 'Attr-%' ORDER BY id`,
				[]string{"staff|:=|" + itoa(staff.ID), "no-group|:=|NULL"}},
			{`SELECT groupname, op, group_id FROM radgroupreply ORDER BY id`,
				[]string{"staff|=|" + itoa(staff.ID), "staff |=|NULL"}},
			{`SELECT username, groupname, priority, user_id, group_id FROM radusergroup WHERE groupname = 'staff' ORDER BY id`,
				[]string{"alice|staff|3|" + itoa(alice.ID) + "|" + itoa(staff.ID), "stranger|staff|4|NULL|" + itoa(staff.ID)}},
		} {
			if got := r.rows(q.query); !slices.Equal(got, q.want) {
				t.Errorf("%s\n= %q, want %q", q.query, got, q.want)
			}
		}

		// Everything above was written with the clock (the migration's
		// group items have the database's default dates).
		for _, table := range []string{"radcheck", "radreply", "radgroupcheck", "radgroupreply", "radusergroup"} {
			query := `SELECT created, modified FROM ` + table
			if table == "radgroupcheck" || table == "radgroupreply" {
				query += ` WHERE attribute LIKE 'Attr-%'`
			}
			rows, err := r.s.WriterForTest().QueryContext(ctx, query)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var c, m any
				if err := rows.Scan(&c, &m); err != nil {
					t.Fatal(err)
				}
				if ct, mt := rawTime(t, c), rawTime(t, m); !ct.Equal(want) || !mt.Equal(want) {
					t.Errorf("%s created, modified = %v, %v; want %v", table, ct, mt, want)
				}
				n++
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			if n == 0 {
				t.Errorf("%s: no rows", table)
			}
		}
	})
}

// rows returns each row of query as its columns joined by "|", NULL as
// "NULL".
func (r raw) rows(query string, args ...any) []string {
	r.t.Helper()
	rows, err := r.s.WriterForTest().QueryContext(r.t.Context(), r.s.RebindForTest(query), args...)
	if err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		r.t.Fatal(err)
	}
	out := []string{}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			r.t.Fatalf("%s: %v", query, err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = "NULL"
			if v.Valid {
				parts[i] = v.String
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
