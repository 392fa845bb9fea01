package sqlstore_test

import (
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

// planRows is how many rows the plan test puts into radacct, radcheck,
// radreply and radusergroup: enough for every planner to prefer an index
// to a scan when one fits. Under the race detector SQLite (C translated to
// Go, so instrumented too) runs about twenty times slower, and gets a
// tenth of them: its planner goes by the statistics of ANALYZE, and still
// chooses the same.
const planRows = 100_000

// numbers is a derived table n of 0 .. 99999, in SQL all three dialects
// share.
func numbers() string {
	digit := "(SELECT 0 AS x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4" +
		" UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)"
	return "(SELECT a.x + 10*b.x + 100*c.x + 1000*d.x + 10000*e.x AS n FROM " +
		digit + " a, " + digit + " b, " + digit + " c, " + digit + " d, " + digit + " e) nums"
}

// minutesAfter returns the dialect's expression for 2026-01-01 00:00 UTC
// plus expr minutes, in the form the dialect stores.
func minutesAfter(dialect, expr string) string {
	switch dialect {
	case "sqlite":
		return "(strftime('%Y-%m-%d %H:%M:%f', '2026-01-01', CONCAT('+', " + expr + ", ' minutes')) || '000')"
	case "postgres":
		return "(TIMESTAMPTZ '2026-01-01 00:00:00+00' + (" + expr + ") * INTERVAL '1 minute')"
	default:
		return "DATE_ADD('2026-01-01 00:00:00', INTERVAL (" + expr + ") MINUTE)"
	}
}

// planTables are the tables (and the aliases qPolicy gives them) that a
// plan must never read whole.
var planTables = regexp.MustCompile(`^(users|radacct|radcheck|radreply|radusergroup|radgroupcheck|radgroupreply|radiustoken|ug|gc|gr|t|u)$`)

// TestQueryPlans fills the tables with 100,000 rows each and checks that
// the hot queries (PolicyFor/Subject, UsageSince, OpenSessions) find them through
// indexes, never by reading a table whole. go test -v shows the plans.
func TestQueryPlans(t *testing.T) {
	if testing.Short() {
		t.Skip("fills tables with 100,000 rows")
	}
	dbtest.EachBackend(t, func(t *testing.T, backend string) {
		st, _ := dbtest.Open(t, backend)
		r := rawOf(t, st)
		d := r.s.Dialect()
		rows := planRows
		if d == "sqlite" && raceEnabled {
			rows = planRows / 10
		}
		// 100 sessions per username over 70 days (whatever rows is), one
		// in 50 open; two check and reply items per username, two groups
		// per username, ten items per group.
		users, spread := rows/100, planRows/rows
		r.exec(`CREATE TABLE plan_numbers (n INTEGER NOT NULL PRIMARY KEY)`)
		r.exec(`INSERT INTO plan_numbers (n) SELECT n FROM `+numbers()+` WHERE n < ?`, rows)
		for _, q := range []string{
			`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctstoptime,
	acctsessiontime, acctinputoctets, acctoutputoctets, callingstationid)
SELECT CONCAT('s', n), CONCAT('u', n), CONCAT('user', n % ` + itoa(int64(users)) + `), '10.0.0.1',
	` + minutesAfter(d, "n * "+itoa(int64(spread))) + `,
	CASE WHEN n % 50 = 0 THEN NULL ELSE ` + minutesAfter(d, "n * "+itoa(int64(spread))+" + 30") + ` END,
	1800, n, n, CONCAT('mac', n % 7)
FROM plan_numbers`,
			`INSERT INTO users (username, password) SELECT CONCAT('user', n), '!' FROM plan_numbers`,
			`INSERT INTO radiustoken ("key", user_id, created)
SELECT CONCAT('token', u.id), u.id, ` + minutesAfter(d, "0") + ` FROM users u`,
			`INSERT INTO radcheck (username, attribute, op, value)
SELECT CONCAT('user', n % ` + itoa(int64(rows/2)) + `), CONCAT('Attr-', n % 10), ':=', 'x' FROM plan_numbers`,
			`INSERT INTO radreply (username, attribute, op, value)
SELECT CONCAT('user', n % ` + itoa(int64(rows/2)) + `), CONCAT('Attr-', n % 10), '=', 'x' FROM plan_numbers`,
			`INSERT INTO radusergroup (username, groupname, priority)
SELECT CONCAT('user', n % ` + itoa(int64(rows/2)) + `), CONCAT('group', n % ` + itoa(int64(users)) + `), n % 3 FROM plan_numbers`,
			`INSERT INTO radgroupcheck (groupname, attribute, op, value)
SELECT CONCAT('group', n % ` + itoa(int64(users)) + `), 'A', ':=', 'x' FROM plan_numbers WHERE n < ` + itoa(int64(users*10)),
			`INSERT INTO radgroupreply (groupname, attribute, op, value)
SELECT CONCAT('group', n % ` + itoa(int64(users)) + `), 'A', '=', 'x' FROM plan_numbers WHERE n < ` + itoa(int64(users*10)),
			`DROP TABLE plan_numbers`,
		} {
			r.exec(q)
		}
		switch d {
		case "mysql":
			r.rows(`ANALYZE TABLE users, radacct, radcheck, radreply, radusergroup, radgroupcheck, radgroupreply`)
		default:
			r.exec(`ANALYZE`)
		}
		if n := r.count(`SELECT count(*) FROM radacct`); n != rows {
			t.Fatalf("radacct has %d rows, want %d", n, rows)
		}

		now := time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC)
		for _, c := range []struct {
			name      string
			wantIndex string
			query     func() (string, []any)
		}{
			{"PolicyFor", "", func() (string, []any) { return r.s.PolicyQueryForTest("user7", "", now) }},
			{"Subject with a token", "", func() (string, []any) {
				return r.s.PolicyQueryForTest("user7", "0123456789abcdefghij0123456789ABCDEFGHIJ", now)
			}},
			{"UsageSince", "radacct_username_acctstoptime", func() (string, []any) { return r.s.UsageQueryForTest("user7", now) }},
			{"UsageSince all time", "", func() (string, []any) { return r.s.UsageQueryForTest("user7", time.Time{}) }},
			{"OpenSessions", "radacct_username_acctstoptime", func() (string, []any) { return r.s.OpenSessionsQueryForTest("user7", "") }},
			{"OpenSessions elsewhere", "radacct_username_acctstoptime", func() (string, []any) { return r.s.OpenSessionsQueryForTest("user7", "mac1") }},
		} {
			query, args := c.query()
			plan, bad := explain(t, r, d, query, args)
			t.Logf("%s plan (%s, %d rows):\n%s", c.name, d, rows, strings.Join(plan, "\n"))
			for _, b := range bad {
				t.Errorf("%s: the plan reads a whole table: %s", c.name, b)
			}
			if c.wantIndex != "" && !strings.Contains(strings.Join(plan, "\n"), c.wantIndex) {
				t.Errorf("%s: the plan does not use %s", c.name, c.wantIndex)
			}
		}

		// Accounting lists read a filter's ids in list order from an index,
		// without sorting them, and a page of a filter too big to keep
		// reads its ids the same way (only the page's rows are sorted).
		// PostgreSQL may still sort the ids of a filter its statistics say
		// is small (here 2,000 open rows): at most maxListIDs ids, once a
		// second.
		open := true
		for _, f := range []struct {
			name string
			f    store.AcctFilter
		}{
			{"username", store.AcctFilter{Username: "user7"}},
			{"is_open", store.AcctFilter{IsOpen: &open}},
		} {
			ids, idsArgs, page, pageArgs := r.s.AcctListQueriesForTest(f.f)
			for _, q := range []struct {
				name    string
				query   string
				args    []any
				maySort bool // the page sorts its 10 rows
			}{
				{"ids", ids, idsArgs, false},
				{"page", page, pageArgs, true},
			} {
				plan, bad := explain(t, r, d, q.query, q.args)
				t.Logf("list %s %s plan (%s, %d rows):\n%s", f.name, q.name, d, rows, strings.Join(plan, "\n"))
				for _, b := range bad {
					t.Errorf("list %s %s: the plan reads a whole table: %s", f.name, q.name, b)
				}
				if sorted := sorts(d, plan); len(sorted) > 0 && !q.maySort && d != "postgres" {
					t.Errorf("list %s %s: the plan sorts: %s", f.name, q.name, sorted)
				}
			}
		}
	})
}

// sorts returns the lines of a plan that sort rows.
func sorts(dialect string, plan []string) []string {
	var out []string
	for _, line := range plan {
		switch {
		case dialect == "sqlite" && strings.Contains(line, "USE TEMP B-TREE"),
			dialect == "postgres" && strings.Contains(strings.TrimLeft(line, " ->"), "Sort"),
			dialect == "mysql" && strings.Contains(line, "Using filesort"):
			out = append(out, line)
		}
	}
	return out
}

// explain returns the plan of query as text lines, and the lines that show
// a whole table read.
func explain(t *testing.T, r raw, dialect, query string, args []any) (plan, bad []string) {
	t.Helper()
	prefix := "EXPLAIN "
	if dialect == "sqlite" {
		prefix = "EXPLAIN QUERY PLAN "
	}
	rows, err := r.s.ReaderForTest().QueryContext(t.Context(), prefix+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	if dialect == "mysql" {
		plan = append(plan, strings.Join(cols, " | "))
	}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		col := func(name string) string {
			for i, c := range cols {
				if strings.EqualFold(c, name) {
					return vals[i].String
				}
			}
			return ""
		}
		switch dialect {
		case "sqlite":
			line := col("detail")
			plan = append(plan, fmt.Sprintf("%s %s %s", col("id"), col("parent"), line))
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "SCAN" && planTables.MatchString(f[1]) {
				bad = append(bad, line)
			}
		case "postgres":
			line := vals[0].String
			plan = append(plan, line)
			if strings.Contains(line, "Seq Scan") {
				bad = append(bad, line)
			}
		default:
			parts := make([]string, len(vals))
			for i, v := range vals {
				parts[i] = "NULL"
				if v.Valid {
					parts[i] = v.String
				}
			}
			line := strings.Join(parts, " | ")
			plan = append(plan, line)
			if typ := col("type"); planTables.MatchString(col("table")) && (typ == "ALL" || typ == "index") {
				bad = append(bad, line)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan, bad
}

// TestUsagePlanWithoutStatistics: SQLite databases rarely see ANALYZE
// (goradius does not run it), and without statistics "username = ? AND
// (acctstoptime >= ? OR acctstoptime IS NULL)" searched the index by
// username alone, reading every session the user ever had from the table.
// Each part of the usage query must search both columns.
func TestUsagePlanWithoutStatistics(t *testing.T) {
	st, _ := dbtest.Open(t, dbtest.SQLite)
	r := rawOf(t, st)
	query, args := r.s.UsageQueryForTest("user7", time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC))
	plan, _ := explain(t, r, "sqlite", query, args)
	t.Logf("UsageSince plan:\n%s", strings.Join(plan, "\n"))
	searches := 0
	for _, line := range plan {
		if !strings.Contains(line, "SEARCH radacct") {
			continue
		}
		searches++
		if !strings.Contains(line, "(username=? AND acctstoptime") {
			t.Errorf("a part of the usage query searches radacct by username alone: %s", line)
		}
	}
	if searches != 2 {
		t.Errorf("the usage query searches radacct %d times, want 2 (open sessions, sessions stopped since)", searches)
	}
}
