package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/goradius/goradius/internal/store"
)

var _ store.Importer = (*Store)(nil)

// Statements of the importer. Rows of tables with a unique natural key are
// written with INSERT ... + keepExisting (one statement, no race); the
// others are looked up first, inside the batch's transaction.
const (
	qImportGroup = `INSERT INTO radiusgroup (name, description, is_default, created, modified)
VALUES (?, ?, FALSE, ?, ?)`
	qImportDefaultGroups = `SELECT id, name FROM radiusgroup WHERE is_default`
	qImportClearDefault  = `UPDATE radiusgroup SET is_default = FALSE WHERE id = ?`
	qImportSetDefault    = `UPDATE radiusgroup SET is_default = TRUE WHERE id = ?`

	qImportUser = `INSERT INTO users (username, password, email, first_name, last_name,
	is_active, is_staff, is_superuser, last_login, date_joined, expires_at, nt_hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

	qImportCheck = `INSERT INTO radcheck (username, attribute, op, value, user_id, is_active, valid_until, notes, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qImportReply = `INSERT INTO radreply (username, attribute, op, value, user_id, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?)`
	qImportGroupCheck = `INSERT INTO radgroupcheck (groupname, attribute, op, value, group_id, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?)`
	qImportGroupReply = `INSERT INTO radgroupreply (groupname, attribute, op, value, group_id, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?)`
	// %s is the name column, username or groupname.
	qImportFindItem = `SELECT %[2]s, attribute, op, value FROM %[1]s
WHERE %[2]s = ? AND attribute = ? AND op = ? AND value = ?`

	qImportFindMembership = `SELECT username, groupname FROM radusergroup WHERE username = ? AND groupname = ?`

	qImportFindNAS = `SELECT nasname FROM nas WHERE nasname = ?`
	qImportNAS     = `INSERT INTO nas (nasname, shortname, type, ports, secret, server, community, description, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

	qImportBatchID = `SELECT id, name FROM radbatch WHERE name = ?`

	qImportFindPostAuth = `SELECT username, reply, pass FROM radpostauth
WHERE username = ? AND authdate = ? AND reply = ? AND pass = ?`
)

// importItemTables maps an item table to its INSERT and whether it belongs
// to groups.
var importItemTables = map[store.ItemTable]struct {
	insert string
	group  bool
}{
	store.RadCheck:      {qImportCheck, false},
	store.RadReply:      {qImportReply, false},
	store.RadGroupCheck: {qImportGroupCheck, true},
	store.RadGroupReply: {qImportGroupReply, true},
}

// importTx runs fn in one write transaction with a fresh result slice of n
// entries (fn may run again after a deadlock, so it only sets entries).
func (s *Store) importTx(ctx context.Context, what string, n int, fn func(tx *sql.Tx, inserted []bool) error) ([]bool, error) {
	var out []bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		out = make([]bool, n)
		return fn(tx, out)
	})
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", what, err)
	}
	return out, nil
}

// insertKeep runs an INSERT ending in keepExisting and reports whether it
// inserted the row.
func (s *Store) insertKeep(ctx context.Context, tx *sql.Tx, query, col string, args ...any) (bool, error) {
	res, err := tx.ExecContext(ctx, s.q(query+s.d.keepExisting(col)), args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// existsExactly reports whether query finds a row whose string columns equal
// want exactly: the comparison is repeated in Go because MySQL's PAD SPACE
// collation makes 'a' = 'a '.
func existsExactly(ctx context.Context, tx *sql.Tx, query string, args []any, want ...string) (bool, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	got := make([]string, len(want))
	dest := make([]any, len(want))
	for i := range got {
		dest[i] = &got[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return false, err
		}
		same := true
		for i := range want {
			if got[i] != want[i] {
				same = false
				break
			}
		}
		if same {
			return true, rows.Close()
		}
	}
	return false, rows.Err()
}

// linkCache resolves names to ids once per transaction; a missing name is
// cached as nil (no link).
type linkCache map[string]any

func (c linkCache) get(name string, lookup func(string) (int64, error)) (any, error) {
	if v, ok := c[name]; ok {
		return v, nil
	}
	id, err := lookup(name)
	switch {
	case err == nil:
		c[name] = id
	case errors.Is(err, store.ErrNotFound):
		c[name] = nil
	default:
		return nil, err
	}
	return c[name], nil
}

// importTime is a NOT NULL timestamp of an imported row: as given, at the
// precision every dialect keeps, or now when the source had none.
func (s *Store) importTime(t time.Time) any {
	if t.IsZero() {
		return s.d.timeArg(s.timestamp())
	}
	return s.d.timeArg(t.Truncate(time.Microsecond))
}

// importTimePtr is a nullable timestamp.
func (s *Store) importTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return s.d.timeArg(t.Truncate(time.Microsecond))
}

func strPtrArg(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func int64PtrArg(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// ImportGroups upserts radius groups by name and makes the default one of
// groups, if any, the only default group.
func (s *Store) ImportGroups(ctx context.Context, groups []store.RadiusGroup) ([]bool, error) {
	def := ""
	for _, g := range groups {
		if g.IsDefault {
			if def != "" {
				return nil, fmt.Errorf("import radius groups: %q and %q are both marked default, there must be one", def, g.Name)
			}
			def = g.Name
		}
	}
	return s.importTx(ctx, "radius groups", len(groups), func(tx *sql.Tx, inserted []bool) error {
		for i, g := range groups {
			if _, err := s.groupByName(ctx, tx, g.Name); err == nil {
				continue
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			ok, err := s.insertKeep(ctx, tx, qImportGroup, "name",
				g.Name, nullIfEmpty(g.Description), s.importTime(g.Created), s.importTime(g.Modified))
			if err != nil {
				return fmt.Errorf("radius group %q: %w", g.Name, err)
			}
			inserted[i] = ok
		}
		if def == "" {
			return nil
		}
		return s.makeDefaultGroup(ctx, tx, def)
	})
}

// makeDefaultGroup makes name the only default group, touching nothing
// when it already is. The current defaults are locked first (MySQL has no
// partial unique index to keep out a second default, see CreateGroup), and
// cleared before the new one is set (the others have that index).
func (s *Store) makeDefaultGroup(ctx context.Context, tx *sql.Tx, name string) error {
	g, err := s.groupByName(ctx, tx, name)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, qImportDefaultGroups+s.d.forUpdate)
	if err != nil {
		return err
	}
	var others []int64
	already := false
	for rows.Next() {
		var (
			id int64
			n  string
		)
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return err
		}
		if id == g.ID {
			already = true
		} else {
			others = append(others, id)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range others {
		if _, err := tx.ExecContext(ctx, s.q(qImportClearDefault), id); err != nil {
			return fmt.Errorf("clear default group: %w", err)
		}
	}
	if !already {
		if _, err := tx.ExecContext(ctx, s.q(qImportSetDefault), g.ID); err != nil {
			return fmt.Errorf("make %q the default group: %w", name, err)
		}
	}
	return nil
}

// ImportUsers upserts users by username with every field as given.
func (s *Store) ImportUsers(ctx context.Context, users []store.User) ([]bool, error) {
	return s.importTx(ctx, "users", len(users), func(tx *sql.Tx, inserted []bool) error {
		for i, u := range users {
			if _, err := s.userID(ctx, tx, u.Username); err == nil {
				continue // exactly this name (not a MySQL PAD SPACE twin) exists
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			ok, err := s.insertKeep(ctx, tx, qImportUser, "username",
				u.Username, u.Password, u.Email, u.FirstName, u.LastName,
				u.IsActive, u.IsStaff, u.IsSuperuser, s.importTimePtr(u.LastLogin), s.importTime(u.DateJoined),
				s.importTimePtr(u.ExpiresAt), nullString(u.NTHash))
			if err != nil {
				return fmt.Errorf("user %q: %w", u.Username, err)
			}
			inserted[i] = ok
		}
		return nil
	})
}

// ImportItems upserts rows of an item table by (name, attribute, op, value).
func (s *Store) ImportItems(ctx context.Context, table store.ItemTable, items []store.ImportItem) ([]bool, error) {
	t, ok := importItemTables[table]
	if !ok {
		return nil, fmt.Errorf("import items: unknown table %q", table)
	}
	nameCol := "username"
	if t.group {
		nameCol = "groupname"
	}
	find := s.q(fmt.Sprintf(qImportFindItem, table, nameCol))
	return s.importTx(ctx, string(table), len(items), func(tx *sql.Tx, inserted []bool) error {
		links := linkCache{}
		lookup := func(name string) (int64, error) {
			if t.group {
				return s.groupID(ctx, tx, name)
			}
			return s.userID(ctx, tx, name)
		}
		for i, it := range items {
			found, err := existsExactly(ctx, tx, find, []any{it.Name, it.Attribute, it.Op, it.Value},
				it.Name, it.Attribute, it.Op, it.Value)
			if err != nil {
				return fmt.Errorf("%s %s of %q: %w", table, it.Attribute, it.Name, err)
			}
			if found {
				continue
			}
			link, err := links.get(it.Name, lookup)
			if err != nil {
				return err
			}
			args := []any{it.Name, it.Attribute, it.Op, it.Value, link}
			if table == store.RadCheck {
				args = append(args, it.IsActive, s.importTimePtr(it.ValidUntil), strPtrArg(it.Notes))
			}
			args = append(args, s.importTime(it.Created), s.importTime(it.Modified))
			if _, err := tx.ExecContext(ctx, s.q(t.insert), args...); err != nil {
				return fmt.Errorf("%s %s of %q: %w", table, it.Attribute, it.Name, err)
			}
			inserted[i] = true
		}
		return nil
	})
}

// ImportMemberships upserts radusergroup rows by (username, groupname).
func (s *Store) ImportMemberships(ctx context.Context, ms []store.ImportMembership) ([]bool, error) {
	find := s.q(qImportFindMembership)
	return s.importTx(ctx, "radusergroup", len(ms), func(tx *sql.Tx, inserted []bool) error {
		users, groups := linkCache{}, linkCache{}
		for i, m := range ms {
			found, err := existsExactly(ctx, tx, find, []any{m.Username, m.Groupname}, m.Username, m.Groupname)
			if err != nil {
				return fmt.Errorf("membership of %q in %q: %w", m.Username, m.Groupname, err)
			}
			if found {
				continue
			}
			uid, err := users.get(m.Username, func(n string) (int64, error) { return s.userID(ctx, tx, n) })
			if err != nil {
				return err
			}
			gid, err := groups.get(m.Groupname, func(n string) (int64, error) { return s.groupID(ctx, tx, n) })
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q(qInsertUserGroup), m.Username, m.Groupname, m.Priority, uid, gid,
				s.importTime(m.Created), s.importTime(m.Modified)); err != nil {
				return fmt.Errorf("membership of %q in %q: %w", m.Username, m.Groupname, err)
			}
			inserted[i] = true
		}
		return nil
	})
}

// ImportNAS upserts nas rows by nasname.
func (s *Store) ImportNAS(ctx context.Context, nas []store.NAS) ([]bool, error) {
	find := s.q(qImportFindNAS)
	return s.importTx(ctx, "nas", len(nas), func(tx *sql.Tx, inserted []bool) error {
		for i, n := range nas {
			found, err := existsExactly(ctx, tx, find, []any{n.Name}, n.Name)
			if err != nil {
				return fmt.Errorf("nas %q: %w", n.Name, err)
			}
			if found {
				continue
			}
			if _, err := tx.ExecContext(ctx, s.q(qImportNAS), n.Name, strPtrArg(n.ShortName), n.Type,
				int64PtrArg(n.Ports), n.Secret, strPtrArg(n.Server), strPtrArg(n.Community), strPtrArg(n.Description),
				s.importTime(n.Created), s.importTime(n.Modified)); err != nil {
				return fmt.Errorf("nas %q: %w", n.Name, err)
			}
			inserted[i] = true
		}
		return nil
	})
}

// ImportTokens upserts a token table's rows by user.
func (s *Store) ImportTokens(ctx context.Context, kind store.TokenKind, tokens []store.ImportToken) ([]bool, error) {
	var t tokenTable
	switch kind {
	case store.AuthTokenKind:
		t = authTokens
	case store.RadiusTokenKind:
		t = radiusTokens
	default:
		return nil, fmt.Errorf("import tokens: unknown kind %q", kind)
	}
	return s.importTx(ctx, string(kind), len(tokens), func(tx *sql.Tx, inserted []bool) error {
		for i, tok := range tokens {
			uid, err := s.userID(ctx, tx, tok.Username)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			// The user's existing token, or another user's token with the
			// same key, keeps the row out.
			ok, err := s.insertKeep(ctx, tx, t.insert, "user_id", tok.Key, uid, s.importTime(tok.Created))
			if err != nil {
				return fmt.Errorf("%s of %q: %w", t.name, tok.Username, err)
			}
			inserted[i] = ok
		}
		return nil
	})
}

// ImportBatches upserts radbatch rows by name.
func (s *Store) ImportBatches(ctx context.Context, batches []store.Batch) ([]bool, error) {
	return s.importTx(ctx, "radbatch", len(batches), func(tx *sql.Tx, inserted []bool) error {
		for i, b := range batches {
			if _, err := s.batchID(ctx, tx, b.Name); err == nil {
				continue
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			var expires any
			if b.ExpirationDate != nil {
				expires = dateText(*b.ExpirationDate)
			}
			ok, err := s.insertKeep(ctx, tx, qInsertBatch, "name", b.ID, b.Name, b.Strategy,
				nullIfEmpty(b.Prefix), nullIfEmpty(b.CSVFileName), nullIfEmpty(b.PDFFileName), expires,
				s.importTime(b.Created), s.importTime(b.Modified))
			if err != nil {
				return fmt.Errorf("batch %q: %w", b.Name, err)
			}
			if !ok {
				// Not the name (looked up above): the id is another batch's.
				return fmt.Errorf("batch %q: its id %s belongs to another batch: %w", b.Name, b.ID, store.ErrAlreadyExists)
			}
			inserted[i] = true
		}
		return nil
	})
}

// batchID returns the id of the batch with exactly this name.
func (s *Store) batchID(ctx context.Context, q querier, name string) (string, error) {
	var id, got string
	err := q.QueryRowContext(ctx, s.q(qImportBatchID), name).Scan(&id, &got)
	if err == nil && got != name {
		err = sql.ErrNoRows // MySQL PAD SPACE, as in UserByUsername
	}
	if err != nil {
		return "", notFound(err, fmt.Sprintf("batch %q", name))
	}
	return id, nil
}

// ImportBatchUsers upserts batch links by (batch name, username).
func (s *Store) ImportBatchUsers(ctx context.Context, links []store.ImportBatchUser) ([]bool, error) {
	return s.importTx(ctx, "radbatch_users", len(links), func(tx *sql.Tx, inserted []bool) error {
		batches := map[string]string{}
		for i, l := range links {
			bid, ok := batches[l.BatchName]
			if !ok {
				var err error
				if bid, err = s.batchID(ctx, tx, l.BatchName); err != nil {
					return err
				}
				batches[l.BatchName] = bid
			}
			uid, err := s.userID(ctx, tx, l.Username)
			if err != nil {
				return fmt.Errorf("batch %q: %w", l.BatchName, err)
			}
			ok, err = s.insertKeep(ctx, tx, qInsertBatchUser, "user_id", bid, uid)
			if err != nil {
				return fmt.Errorf("link %q to batch %q: %w", l.Username, l.BatchName, err)
			}
			inserted[i] = ok
		}
		return nil
	})
}

// ImportAccounting upserts radacct rows by unique id, every column as given.
func (s *Store) ImportAccounting(ctx context.Context, sessions []store.AcctSession) ([]bool, error) {
	query := "INSERT INTO radacct (" + strings.Join(store.AcctFieldColumns[:], ", ") + ") VALUES (" +
		placeholders(int(store.NumAcctFields)) + ")"
	return s.importTx(ctx, "radacct", len(sessions), func(tx *sql.Tx, inserted []bool) error {
		for i := range sessions {
			a := &sessions[i]
			if a.UniqueID == "" {
				return fmt.Errorf("session %q has no unique id", a.SessionID)
			}
			ok, err := s.insertKeep(ctx, tx, query, "acctuniqueid", s.acctImportArgs(a)...)
			if err != nil {
				return fmt.Errorf("session %q: %w", a.UniqueID, err)
			}
			inserted[i] = ok
		}
		return nil
	})
}

// acctImportArgs returns a's columns in store.AcctField order.
func (s *Store) acctImportArgs(a *store.AcctSession) []any {
	ip := func(p *string) any {
		if p != nil && *p == "" && s.d.inetIPs {
			return nil // inet cannot hold ''; NULL says the same
		}
		return strPtrArg(p)
	}
	var v [store.NumAcctFields]any
	v[store.AcctSessionID] = a.SessionID
	v[store.AcctUniqueID] = a.UniqueID
	v[store.AcctUsername] = strPtrArg(a.Username)
	v[store.AcctGroupname] = strPtrArg(a.Groupname)
	v[store.AcctRealm] = strPtrArg(a.Realm)
	v[store.AcctNASIPAddress] = a.NASIPAddress
	v[store.AcctNASPortID] = strPtrArg(a.NASPortID)
	v[store.AcctNASPortType] = strPtrArg(a.NASPortType)
	v[store.AcctStartTime] = s.importTimePtr(a.StartTime)
	v[store.AcctUpdateTime] = s.importTimePtr(a.UpdateTime)
	v[store.AcctStopTime] = s.importTimePtr(a.StopTime)
	v[store.AcctInterval] = int64PtrArg(a.Interval)
	v[store.AcctSessionTime] = int64PtrArg(a.SessionTime)
	v[store.AcctAuthentication] = strPtrArg(a.Authentication)
	v[store.AcctConnectInfoStart] = strPtrArg(a.ConnectInfoStart)
	v[store.AcctConnectInfoStop] = strPtrArg(a.ConnectInfoStop)
	v[store.AcctInputOctets] = int64PtrArg(a.InputOctets)
	v[store.AcctOutputOctets] = int64PtrArg(a.OutputOctets)
	v[store.AcctCalledStationID] = strPtrArg(a.CalledStationID)
	v[store.AcctCallingStationID] = strPtrArg(a.CallingStationID)
	v[store.AcctTerminateCause] = strPtrArg(a.TerminateCause)
	v[store.AcctServiceType] = strPtrArg(a.ServiceType)
	v[store.AcctFramedProtocol] = strPtrArg(a.FramedProtocol)
	v[store.AcctFramedIPAddress] = ip(a.FramedIPAddress)
	v[store.AcctFramedIPv6Address] = ip(a.FramedIPv6Address)
	v[store.AcctFramedIPv6Prefix] = strPtrArg(a.FramedIPv6Prefix)
	v[store.AcctFramedInterfaceID] = strPtrArg(a.FramedInterfaceID)
	v[store.AcctDelegatedIPv6Prefix] = strPtrArg(a.DelegatedIPv6Prefix)
	return v[:]
}

// ImportPostAuth upserts radpostauth rows by (username, authdate, reply,
// password).
func (s *Store) ImportPostAuth(ctx context.Context, rows []store.PostAuth) ([]bool, error) {
	find := s.q(qImportFindPostAuth)
	return s.importTx(ctx, "radpostauth", len(rows), func(tx *sql.Tx, inserted []bool) error {
		for i, p := range rows {
			at := s.importTime(p.AuthDate)
			found, err := existsExactly(ctx, tx, find, []any{p.Username, at, p.Reply, p.Password},
				p.Username, p.Reply, p.Password)
			if err != nil {
				return fmt.Errorf("post-auth of %q: %w", p.Username, err)
			}
			if found {
				continue
			}
			if _, err := tx.ExecContext(ctx, s.q(qInsertPostAuth), p.Username, p.Password, p.Reply,
				strPtrArg(p.CalledStationID), strPtrArg(p.CallingStationID), at); err != nil {
				return fmt.Errorf("post-auth of %q: %w", p.Username, err)
			}
			inserted[i] = true
		}
		return nil
	})
}

// OpenSource opens the database of rawURL (the forms Open accepts) to read
// another application's tables from it, and returns it with its dialect
// name ("sqlite", "postgres" or "mysql"). Nothing is created or migrated:
// an SQLite file is opened read-only and must exist; PostgreSQL sessions
// are read-only. Times come back in UTC.
func OpenSource(ctx context.Context, rawURL string) (*sql.DB, string, error) {
	t, err := parseURL(rawURL)
	if err != nil {
		return nil, "", err
	}
	var db *sql.DB
	switch t.d {
	case sqliteDialect:
		if _, err := os.Stat(t.sqlitePath); err != nil {
			return nil, "", fmt.Errorf("sqlite file %s: %w", t.sqlitePath, err)
		}
		// mode=ro: the file is never written (nor created).
		db, err = sql.Open("sqlite", "file:"+t.sqlitePath+"?mode=ro&_pragma=busy_timeout("+sqliteBusyTimeout+")&_pragma=query_only(1)")
		if err != nil {
			return nil, "", fmt.Errorf("open sqlite %s: %w", t.sqlitePath, err)
		}
	case postgresDialect:
		t.pg.RuntimeParams["default_transaction_read_only"] = "on"
		db = stdlib.OpenDB(*t.pg)
	case mysqlDialect:
		c, err := mysql.NewConnector(t.my)
		if err != nil {
			return nil, "", fmt.Errorf("mysql: %w", err)
		}
		db = sql.OpenDB(c)
	}
	db.SetMaxOpenConns(2)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, "", fmt.Errorf("connect to %s: %w", redact(rawURL), err)
	}
	if t.d == sqliteDialect {
		// The driver opens lazily: read something to find a missing file
		// or one that is not a database.
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
			_ = db.Close()
			return nil, "", fmt.Errorf("open sqlite %s: %w", t.sqlitePath, err)
		}
	}
	return db, t.d.name, nil
}
