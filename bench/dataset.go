package main

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// benchPassword is the password of every regular user and of the token
// users of authorize-token. They all share one encoded hash (see
// dataset.hash): computing 10,000 PBKDF2 hashes of 260,000 iterations would
// take minutes, and the server's cost of checking a password does not
// depend on whose hash it is.
const benchPassword = "correct horse battery staple"

// dataSpec is the size of the data set.
type dataSpec struct {
	users  int // regular users, each with the pbkdf2 password
	tokens int // users with a radius token, for each token scenario
	rows   int // radacct rows
	days   int // radacct rows are spread over this many days up to now
}

// dataset is the generated data. Every value is a function of the row or
// user number, so every backend gets the same data and the scenarios know
// which sessions are open and which tokens exist without asking.
type dataset struct {
	spec dataSpec
	now  time.Time
	hash string // the pbkdf2_sha256 hash of benchPassword every user shares

	heavyUser string // the user with 1% of the radacct rows
	heavyRows int
	open      []int32 // radacct row numbers of the open sessions
}

// Row and user layout. User ids: regular users 1..users, then the token
// users of authorize-token (pbkdf2 password), then those of
// authorize-token-nopw (Django's unusable password).
const (
	heavyEvery = 100 // every 100th radacct row belongs to the heavy user
	openEvery  = 20  // every 20th radacct row is an open session (5%)
	openPhase  = 7
	nasCount   = 40
)

func newDataset(spec dataSpec, now time.Time, hash string) *dataset {
	d := &dataset{spec: spec, now: now.UTC().Truncate(time.Second), hash: hash, heavyUser: regularName(1)}
	for i := range spec.rows {
		if i%heavyEvery == 0 {
			d.heavyRows++
		}
		if i%openEvery == openPhase {
			d.open = append(d.open, int32(i))
		}
	}
	return d
}

func regularName(n int) string { return fmt.Sprintf("user%06d", n) }
func tokenName(n int) string   { return fmt.Sprintf("tok%06d", n) }
func ssoName(n int) string     { return fmt.Sprintf("sso%06d", n) }

// tokenKey is the radius token of token user n of a kind ("tok" or
// "sso"): 40 letters and digits, like the server's.
func tokenKey(kind string, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	sum := sha256.Sum256([]byte(kind + "/" + strconv.Itoa(n)))
	var b [40]byte
	for i := range b {
		b[i] = alphabet[int(sum[i%32]^byte(i*7))%len(alphabet)]
	}
	return string(b[:])
}

// mix is splitmix64: a well-spread hash of a row number.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// acctRow is one generated radacct row.
type acctRow struct {
	sessionID, uniqueID, username, groupname string
	nasIP, framedIP                          netip.Addr
	nasPortID, calledStation, callingStation string
	start, update                            time.Time
	stop                                     *time.Time
	sessionTime, input, output               int64
	terminateCause, serviceType              string
}

func userGroup(n int) string {
	if n%10 == 0 {
		return "power-users"
	}
	return "users"
}

func nasIP(nas int) netip.Addr { return netip.AddrFrom4([4]byte{10, 0, byte(nas), 1}) }

func calledStation(nas int) string { return fmt.Sprintf("AA-BB-CC-00-00-%02X:hotspot", nas) }

func callingStation(user int) string {
	return fmt.Sprintf("02:00:%02x:%02x:%02x:%02x", byte(user>>24), byte(user>>16), byte(user>>8), byte(user))
}

// acctUniqueID is a FreeRADIUS-style Acct-Unique-Session-Id: 32 hex
// digits (acct_unique makes an MD5).
func acctUniqueID(prefix string, n uint64) string {
	sum := md5.Sum([]byte(prefix + strconv.FormatUint(n, 10)))
	return hex.EncodeToString(sum[:])
}

// acct generates radacct row i: rows are in start-time order over
// spec.days, every heavyEvery-th one is the heavy user's, every
// openEvery-th one is still open.
func (d *dataset) acct(i int) acctRow {
	h := mix(uint64(i))
	// The heavy user (1) has every heavyEvery-th row and no other: the
	// others are spread over users 2 and up.
	user := 1
	if i%heavyEvery != 0 && d.spec.users > 1 {
		user = 2 + int(h%uint64(d.spec.users-1))
	}
	nas := int((h >> 20) % nasCount)
	span := time.Duration(d.spec.days) * 24 * time.Hour
	from := d.now.Add(-span)
	start := from.Add(time.Duration(float64(span) * float64(i) / float64(max(d.spec.rows, 1))))
	start = start.Add(-time.Duration((h>>8)%60) * time.Second).Truncate(time.Second)
	r := acctRow{
		sessionID:      fmt.Sprintf("%08X%08X", uint32(h>>32), uint32(i)),
		uniqueID:       acctUniqueID("row-", uint64(i)),
		username:       regularName(user),
		groupname:      userGroup(user),
		nasIP:          nasIP(nas),
		framedIP:       netip.AddrFrom4([4]byte{10, byte(100 + nas), byte(h >> 40), byte(1 + (h>>48)%250)}),
		nasPortID:      strconv.Itoa(1 + int((h>>12)%48)),
		calledStation:  calledStation(nas),
		callingStation: callingStation(user),
		start:          start,
		serviceType:    "Framed-User",
	}
	if i%openEvery == openPhase {
		// Still connected, or stale (its NAS never sent the Stop): the last
		// interim came some 5-minute intervals after the start.
		intervals := int64((h >> 28) % 96)
		r.sessionTime = intervals * 300
		r.update = start.Add(time.Duration(r.sessionTime) * time.Second)
		if r.update.After(d.now) {
			r.sessionTime = int64(d.now.Sub(start) / time.Second)
			r.update = d.now
		}
	} else {
		r.sessionTime = 60 + int64((h>>28)%14400)
		stop := start.Add(time.Duration(r.sessionTime) * time.Second)
		if stop.After(d.now) {
			stop = d.now
			r.sessionTime = int64(d.now.Sub(start) / time.Second)
		}
		r.stop = &stop
		r.update = stop
		r.terminateCause = [...]string{"User-Request", "Idle-Timeout", "Session-Timeout", "Lost-Carrier", "NAS-Reboot"}[(h>>36)%5]
	}
	r.input = int64((h >> 3) % 500_000_000)
	r.output = int64((h >> 5) % 2_000_000_000)
	if r.stop == nil || !r.stop.Before(d.today()) {
		// The sessions the daily counters add up (open ones, whenever they
		// started, and those that ended today) stay small enough that no
		// regular user reaches the daily limits of the default group
		// (Max-Daily-Session 10800, Max-Daily-Session-Traffic 3000000000):
		// authorize must accept them. Only the heavy user is over.
		cap := d.todayCap()
		r.sessionTime = min(r.sessionTime, cap.seconds)
		r.input = r.input % (cap.octets / 4)
		r.output = r.output % (cap.octets * 3 / 4)
		if r.stop != nil {
			stop := start.Add(time.Duration(r.sessionTime) * time.Second)
			r.stop, r.update = &stop, stop
		} else {
			r.update = start.Add(time.Duration(r.sessionTime) * time.Second)
		}
	}
	return r
}

// today is the start of the current day of the daily counters (UTC).
func (d *dataset) today() time.Time { return d.now.Truncate(24 * time.Hour) }

type sessionCap struct{ seconds, octets int64 }

// todayCap bounds the sessions the daily counters see: the busiest
// regular user (about six standard deviations above the mean number of
// today's and open sessions) stays at 90% of the daily limits.
func (d *dataset) todayCap() sessionCap {
	rows := float64(d.spec.rows) / float64(max(d.spec.users, 1))
	perUser := rows/float64(max(d.spec.days, 1)) + rows/openEvery
	busiest := perUser + 6*math.Sqrt(perUser) + 5
	return sessionCap{
		seconds: max(1, int64(0.9*10800/busiest)),
		octets:  max(4, int64(0.9*3_000_000_000/busiest)),
	}
}

// table is one table to fill: n rows made by row(i, out).
type table struct {
	name string
	cols []string
	n    int
	row  func(i int, out []any)
}

func (d *dataset) tables(groupIDs map[string]int64) []table {
	s := d.spec
	nUsers := s.users + 2*s.tokens
	userName := func(id int) string {
		switch {
		case id <= s.users:
			return regularName(id)
		case id <= s.users+s.tokens:
			return tokenName(id - s.users)
		default:
			return ssoName(id - s.users - s.tokens)
		}
	}
	unusable := "!" + tokenKey("unusable", 0)
	users := table{
		name: "users",
		cols: []string{"id", "username", "password", "email", "first_name", "last_name",
			"is_active", "is_staff", "is_superuser", "date_joined"},
		n: nUsers,
		row: func(i int, out []any) {
			id := i + 1
			name := userName(id)
			pw := d.hash
			if id > s.users+s.tokens {
				pw = unusable
			}
			joined := d.now.Add(-time.Duration(mix(uint64(id))%(400*24*3600)) * time.Second)
			out[0], out[1], out[2], out[3], out[4], out[5] = int64(id), name, pw, name+"@example.com", "Bench", "User"
			out[6], out[7], out[8], out[9] = true, false, false, joined
		},
	}
	// Every user is in "users"; every tenth regular user is also in
	// "power-users", with a lower priority number (it comes first).
	type membership struct {
		id       int
		group    string
		priority int64
	}
	var members []membership
	for id := 1; id <= nUsers; id++ {
		members = append(members, membership{id, "users", 1})
		if id <= s.users && id%10 == 0 {
			members = append(members, membership{id, "power-users", 0})
		}
	}
	groups := table{
		name: "radusergroup",
		cols: []string{"username", "groupname", "priority", "user_id", "group_id"},
		n:    len(members),
		row: func(i int, out []any) {
			m := members[i]
			out[0], out[1], out[2], out[3], out[4] = userName(m.id), m.group, m.priority, int64(m.id), groupIDs[m.group]
		},
	}
	tokens := table{
		name: "radiustoken",
		cols: []string{"key", "user_id", "created"},
		n:    2 * s.tokens,
		row: func(i int, out []any) {
			id := s.users + 1 + i
			var key string
			if i < s.tokens {
				key = tokenKey("tok", i+1)
			} else {
				key = tokenKey("sso", i-s.tokens+1)
			}
			out[0], out[1], out[2] = key, int64(id), d.now.Add(-time.Hour)
		},
	}
	acct := table{
		name: "radacct",
		cols: []string{"acctsessionid", "acctuniqueid", "username", "groupname", "realm", "nasipaddress",
			"nasportid", "nasporttype", "acctstarttime", "acctupdatetime", "acctstoptime", "acctinterval",
			"acctsessiontime", "acctauthentic", "connectinfo_start", "connectinfo_stop", "acctinputoctets",
			"acctoutputoctets", "calledstationid", "callingstationid", "acctterminatecause", "servicetype",
			"framedprotocol", "framedipaddress"},
		n: s.rows,
		row: func(i int, out []any) {
			r := d.acct(i)
			var stop any
			if r.stop != nil {
				stop = *r.stop
			}
			out[0], out[1], out[2], out[3], out[4], out[5] = r.sessionID, r.uniqueID, r.username, r.groupname, "", r.nasIP
			out[6], out[7], out[8], out[9], out[10], out[11] = r.nasPortID, "Wireless-802.11", r.start, r.update, stop, int64(300)
			out[12], out[13], out[14], out[15], out[16] = r.sessionTime, "RADIUS", "CONNECT 54Mbps 802.11g", "", r.input
			out[17], out[18], out[19], out[20], out[21] = r.output, r.calledStation, r.callingStation, r.terminateCause, r.serviceType
			out[22], out[23] = "", r.framedIP
		},
	}
	return []table{users, groups, tokens, acct}
}

// load fills a migrated, empty bench database.
func (d *dataset) load(ctx context.Context, b *backend, logf func(string, ...any)) error {
	db, err := b.open()
	if err != nil {
		return err
	}
	defer db.Close()
	groupIDs := map[string]int64{}
	for _, g := range []string{"users", "power-users"} {
		var id int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM radiusgroup WHERE name = "+placeholder(b.name, 1), g).Scan(&id); err != nil {
			return fmt.Errorf("%s: group %s (was the database migrated?): %w", b.name, g, err)
		}
		groupIDs[g] = id
	}
	// Replies of the default group, as a real installation has (its checks,
	// the daily limits, come with the schema).
	for _, q := range []string{
		"INSERT INTO radgroupreply (groupname, attribute, op, value, group_id) VALUES ('users', 'Session-Timeout', '=', '10800', %d)",
		"INSERT INTO radgroupreply (groupname, attribute, op, value, group_id) VALUES ('users', 'Idle-Timeout', '=', '600', %d)",
	} {
		if _, err := db.ExecContext(ctx, fmt.Sprintf(q, groupIDs["users"])); err != nil {
			return fmt.Errorf("%s: group policies: %w", b.name, err)
		}
	}
	for _, t := range d.tables(groupIDs) {
		start := time.Now()
		// radacct's secondary indexes are dropped during the load and
		// made again after it, as the migrations wrote them: sorting once
		// is much faster than keeping ten indexes up to date row by row.
		var idx []indexDef
		if t.name == "radacct" && t.n > 0 {
			var err error
			if idx, err = secondaryIndexes(ctx, db, b.name, t.name); err != nil {
				return fmt.Errorf("%s: indexes of %s: %w", b.name, t.name, err)
			}
			for _, ix := range idx {
				if _, err := db.ExecContext(ctx, ix.drop); err != nil {
					return fmt.Errorf("%s: %s: %w", b.name, ix.drop, err)
				}
			}
		}
		var err error
		if b.name == "postgres" {
			err = copyTable(ctx, db, t)
		} else {
			err = insertTable(ctx, db, b.name, t)
		}
		if err != nil {
			return fmt.Errorf("%s: loading %s: %w", b.name, t.name, err)
		}
		loaded := time.Now()
		for _, ix := range idx {
			if _, err := db.ExecContext(ctx, ix.create); err != nil {
				return fmt.Errorf("%s: %s: %w", b.name, ix.create, err)
			}
		}
		if len(idx) > 0 {
			logf("%s: %s: %d rows in %s, then %d indexes in %s", b.name, t.name, t.n, loaded.Sub(start).Round(time.Millisecond),
				len(idx), time.Since(loaded).Round(time.Millisecond))
		} else {
			logf("%s: %s: %d rows in %s", b.name, t.name, t.n, time.Since(start).Round(time.Millisecond))
		}
	}
	start := time.Now()
	switch b.name {
	case "postgres":
		// users.id values were given explicitly: move the sequence past them.
		if _, err := db.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))"); err != nil {
			return err
		}
		// What autovacuum does soon after a bulk load: statistics for the
		// planner and the visibility map for index-only scans.
		if _, err := db.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			return err
		}
		logf("%s: VACUUM ANALYZE in %s", b.name, time.Since(start).Round(time.Millisecond))
	case "mysql":
		if _, err := db.ExecContext(ctx, "ANALYZE TABLE users, radusergroup, radiustoken, radacct"); err != nil {
			return err
		}
		logf("%s: ANALYZE TABLE in %s", b.name, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// indexDef is a secondary index: how to drop it and make it again.
type indexDef struct {
	name, drop, create string
}

// secondaryIndexes lists a table's indexes other than its primary key, as
// the database describes them.
func secondaryIndexes(ctx context.Context, db *sql.DB, dialect, table string) ([]indexDef, error) {
	var out []indexDef
	switch dialect {
	case "sqlite":
		rows, err := db.QueryContext(ctx, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", table)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var ix indexDef
			if err := rows.Scan(&ix.name, &ix.create); err != nil {
				return nil, err
			}
			ix.drop = `DROP INDEX "` + ix.name + `"`
			out = append(out, ix)
		}
		return out, rows.Err()
	case "postgres":
		rows, err := db.QueryContext(ctx, `SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = current_schema() AND i.tablename = $1
AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`, table)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var ix indexDef
			if err := rows.Scan(&ix.name, &ix.create); err != nil {
				return nil, err
			}
			ix.drop = `DROP INDEX "` + ix.name + `"`
			out = append(out, ix)
		}
		return out, rows.Err()
	case "mysql":
		rows, err := db.QueryContext(ctx, `SELECT index_name, non_unique, column_name, COALESCE(sub_part, 0)
FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY'
ORDER BY index_name, seq_in_index`, table)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		cols := map[string][]string{}
		unique := map[string]bool{}
		var names []string
		for rows.Next() {
			var name, col string
			var nonUnique, sub int
			if err := rows.Scan(&name, &nonUnique, &col, &sub); err != nil {
				return nil, err
			}
			if _, ok := cols[name]; !ok {
				names = append(names, name)
			}
			c := "`" + col + "`"
			if sub > 0 {
				c += "(" + strconv.Itoa(sub) + ")"
			}
			cols[name] = append(cols[name], c)
			unique[name] = nonUnique == 0
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, n := range names {
			kind := "INDEX"
			if unique[n] {
				kind = "UNIQUE INDEX"
			}
			out = append(out, indexDef{name: n, drop: "DROP INDEX `" + n + "` ON " + table,
				create: "CREATE " + kind + " `" + n + "` ON " + table + " (" + strings.Join(cols[n], ", ") + ")"})
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown dialect %s", dialect)
}

func placeholder(dialect string, n int) string {
	if dialect == "postgres" {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

func quoteIdent(dialect, name string) string {
	if dialect == "mysql" {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}

// insertTable fills t with multi-row INSERTs, in one transaction per
// 50,000 rows (SQLite and MySQL).
func insertTable(ctx context.Context, db *sql.DB, dialect string, t table) error {
	const txRows = 50_000
	batch := max(1, min(500, 30000/len(t.cols))) // under SQLite's 32,766 parameters
	cols := make([]string, len(t.cols))
	for i, c := range t.cols {
		cols[i] = quoteIdent(dialect, c)
	}
	head := "INSERT INTO " + t.name + " (" + strings.Join(cols, ", ") + ") VALUES "
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ") + ")"
	stmts := map[int]string{}
	stmt := func(n int) string {
		if s, ok := stmts[n]; ok {
			return s
		}
		s := head + strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
		stmts[n] = s
		return s
	}
	row := make([]any, len(t.cols))
	args := make([]any, 0, batch*len(t.cols))
	for from := 0; from < t.n; from += txRows {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		to := min(from+txRows, t.n)
		for i := from; i < to; i += batch {
			n := min(batch, to-i)
			args = args[:0]
			for j := range n {
				t.row(i+j, row)
				for _, v := range row {
					args = append(args, sqlValue(dialect, v))
				}
			}
			if _, err := tx.ExecContext(ctx, stmt(n), args...); err != nil {
				_ = tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// sqlValue converts a generated value for SQLite or MySQL.
func sqlValue(dialect string, v any) any {
	switch v := v.(type) {
	case time.Time:
		if dialect == "sqlite" {
			return v.UTC().Format("2006-01-02 15:04:05.000000")
		}
		return v.UTC()
	case netip.Addr:
		return v.String()
	case bool:
		if v {
			return int64(1)
		}
		return int64(0)
	}
	return v
}

// copyTable fills t with PostgreSQL's COPY.
func copyTable(ctx context.Context, db *sql.DB, t table) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		i := 0
		row := make([]any, len(t.cols))
		_, err := pc.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromFunc(func() ([]any, error) {
			if i >= t.n {
				return nil, nil
			}
			t.row(i, row)
			i++
			return row, nil
		}))
		return err
	})
}

// logTo prints progress lines to stderr.
func logTo(quiet bool) func(string, ...any) {
	return func(format string, a ...any) {
		if !quiet {
			fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...)
		}
	}
}
