package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// qSubject reads everything Subject returns in one round trip: one UNION
// ALL branch per source, each found through an index (username on users,
// radcheck, radreply and radusergroup; groupname on radgroupcheck and
// radgroupreply). Its arguments are the username, the username, now, then
// the username three times.
//
// Columns: sect (-1 the account, 0 the user's own items, 1 a group's),
// kind (0 check, 1 reply; for the account, is_active), the membership's
// priority and id (0 for the user's own items), the username as stored,
// the membership's groupname, the item's groupname, then the item (for the
// account: id, password, nt_hash) and ts (the account's expires_at). The
// group check branch is a LEFT JOIN so that a group without items still
// gives one row (with a NULL item); the rows come grouped by membership, in
// priority then id order, checks before replies, items in id order.
const qSubjectBranches = `SELECT -1 AS sect, CASE WHEN is_active THEN 1 ELSE 0 END AS kind, 0 AS priority, 0 AS ugid,
	username AS name, '' AS groupname, '' AS itemgroup, id, password AS attribute, nt_hash AS op, '' AS value, expires_at AS ts
FROM users
WHERE username = ?
UNION ALL
SELECT 0, 0, 0, 0, username, '', '', id, attribute, op, value, NULL
FROM radcheck
WHERE username = ? AND is_active AND (valid_until IS NULL OR valid_until > ?)
UNION ALL
SELECT 0, 1, 0, 0, username, '', '', id, attribute, op, value, NULL
FROM radreply
WHERE username = ?
UNION ALL
SELECT 1, 0, ug.priority, ug.id, ug.username, ug.groupname, gc.groupname, gc.id, gc.attribute, gc.op, gc.value, NULL
FROM radusergroup ug LEFT JOIN radgroupcheck gc ON gc.groupname = ug.groupname
WHERE ug.username = ?
UNION ALL
SELECT 1, 1, ug.priority, ug.id, ug.username, ug.groupname, gr.groupname, gr.id, gr.attribute, gr.op, gr.value, NULL
FROM radusergroup ug JOIN radgroupreply gr ON gr.groupname = ug.groupname
WHERE ug.username = ?`

const (
	qSubjectOrder = `
ORDER BY sect, priority, ugid, kind, id`
	qSubject      = qSubjectBranches + qSubjectOrder
	qSubjectToken = qSubjectBranches + `
UNION ALL
SELECT 2, 0, 0, 0, u.username, '', '', t.user_id, NULL, NULL, '', NULL
FROM radiustoken t JOIN users u ON u.id = t.user_id
WHERE u.username = ? AND t."key" = ?` + qSubjectOrder
)

const (
	qInsertCheck = `INSERT INTO radcheck (username, attribute, op, value, user_id, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?)`
	qInsertReply = `INSERT INTO radreply (username, attribute, op, value, user_id, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?)`
	qInsertGroupCheck = `INSERT INTO radgroupcheck (groupname, attribute, op, value, group_id, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?)`
	qInsertGroupReply = `INSERT INTO radgroupreply (groupname, attribute, op, value, group_id, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?)`

	qGroupNameTaken   = `SELECT 1 FROM radiusgroup WHERE name = ?`
	qDefaultGroupName = `SELECT name FROM radiusgroup WHERE is_default ORDER BY id`
	qInsertGroup      = `INSERT INTO radiusgroup (name, description, is_default, created, modified, store_nt_hash)
VALUES (?, ?, ?, ?, ?, ?)`
)

// The default operators of FreeRADIUS's schemas.
const (
	defaultCheckOp = ":="
	defaultReplyOp = "="
)

// itemTable describes one of the four item tables.
type itemTable struct {
	what      string // for messages
	insert    string
	defaultOp string
	group     bool // owned by a radiusgroup (group_id), else by a user (user_id)
}

var (
	checkItems      = itemTable{"check item", qInsertCheck, defaultCheckOp, false}
	replyItems      = itemTable{"reply item", qInsertReply, defaultReplyOp, false}
	groupCheckItems = itemTable{"group check item", qInsertGroupCheck, defaultCheckOp, true}
	groupReplyItems = itemTable{"group reply item", qInsertGroupReply, defaultReplyOp, true}
)

// subjectQuery returns the statement Subject runs and its arguments.
func (s *Store) subjectQuery(username, token string, now time.Time) (string, []any) {
	// timeArg, not lowerBoundArg: on SQLite the full spelling of now is the
	// largest of its instant, so "valid_until > now" holds for no spelling
	// of the same instant.
	args := []any{username, username, s.d.timeArg(now), username, username, username}
	if !plausibleKey(token) {
		return s.q(qSubject), args
	}
	return s.q(qSubjectToken), append(args, username, token)
}

// PolicyFor reads the username's check and reply items and its groups'
// in one query. An unknown username has an empty Policy.
func (s *Store) PolicyFor(ctx context.Context, username string, now time.Time) (store.Policy, error) {
	sub, err := s.Subject(ctx, username, "", now)
	return sub.Policy, err
}

// Subject reads a username's account and policy in one query, and
// compares token with the user's radius token when it is not "". With the
// policy cache on, a recent answer without a token may be used again: its
// slices are shared, and must not be changed.
func (s *Store) Subject(ctx context.Context, username, token string, now time.Time) (store.Subject, error) {
	c := s.policy.Load()
	if c == nil || token != "" {
		return s.readSubject(ctx, username, token, now)
	}
	execs := s.writer.execs.Load()
	if sub, ok := c.subject(username, now, execs); ok {
		return sub, nil
	}
	began := time.Now()
	sub, err := s.readSubject(ctx, username, "", now)
	if err == nil && (sub.HasUser || sub.Policy.Found()) {
		c.putSubject(username, sub, began, now, execs)
	}
	return sub, err
}

// readSubject is Subject without the cache.
func (s *Store) readSubject(ctx context.Context, username, token string, now time.Time) (store.Subject, error) {
	if k := s.names.Load(); k != nil && !k.mayExist(ctx, username) {
		return store.Subject{}, nil
	}
	query, args := s.subjectQuery(username, token, now)
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return store.Subject{}, fmt.Errorf("policy of %q: %w", username, err)
	}
	defer rows.Close()
	var (
		sub     store.Subject
		p       = &sub.Policy
		group   *store.GroupPolicy
		groupID int64
	)
	for rows.Next() {
		var (
			sect, kind, priority int
			ugid                 int64
			name, groupname      string
			itemGroup            sql.NullString
			id                   sql.NullInt64
			attribute, op, value sql.NullString
			ts                   nullTime
		)
		if err := rows.Scan(&sect, &kind, &priority, &ugid, &name, &groupname, &itemGroup,
			&id, &attribute, &op, &value, &ts); err != nil {
			return store.Subject{}, fmt.Errorf("policy of %q: %w", username, err)
		}
		if name != username {
			continue // MySQL PAD SPACE: "alice " for "alice"
		}
		if sect == 2 {
			sub.RadiusToken = true
			continue
		}
		if sect < 0 {
			sub.HasUser = true
			sub.User = store.User{ID: id.Int64, Username: name, Password: attribute.String,
				IsActive: kind == 1, ExpiresAt: ts.ptr(), NTHash: op.String}
			continue
		}
		item := store.Item{ID: id.Int64, Attribute: attribute.String, Op: op.String, Value: value.String}
		if sect == 0 {
			if kind == 0 {
				p.Check = append(p.Check, item)
			} else {
				p.Reply = append(p.Reply, item)
			}
			continue
		}
		if group == nil || ugid != groupID {
			p.Groups = append(p.Groups, store.GroupPolicy{Name: groupname, Priority: priority})
			group, groupID = &p.Groups[len(p.Groups)-1], ugid
		}
		if !id.Valid || itemGroup.String != groupname {
			continue // a group without check items, or PAD SPACE again
		}
		if kind == 0 {
			group.Check = append(group.Check, item)
		} else {
			group.Reply = append(group.Reply, item)
		}
	}
	if err := rows.Err(); err != nil {
		return store.Subject{}, fmt.Errorf("policy of %q: %w", username, err)
	}
	return sub, nil
}

// AddCheck inserts a radcheck item of username (op ":=" when empty).
func (s *Store) AddCheck(ctx context.Context, username string, it *store.Item) error {
	return s.addItem(ctx, checkItems, username, it)
}

// AddReply inserts a radreply item of username (op "=" when empty).
func (s *Store) AddReply(ctx context.Context, username string, it *store.Item) error {
	return s.addItem(ctx, replyItems, username, it)
}

// AddGroupCheck inserts a radgroupcheck item of groupname (op ":=" when
// empty).
func (s *Store) AddGroupCheck(ctx context.Context, groupname string, it *store.Item) error {
	return s.addItem(ctx, groupCheckItems, groupname, it)
}

// AddGroupReply inserts a radgroupreply item of groupname (op "=" when
// empty).
func (s *Store) AddGroupReply(ctx context.Context, groupname string, it *store.Item) error {
	return s.addItem(ctx, groupReplyItems, groupname, it)
}

// addItem inserts it for owner, linked to the user or group of that exact
// name when there is one, dated by the store's clock. It sets it.ID, and
// it.Op when it was empty.
func (s *Store) addItem(ctx context.Context, t itemTable, owner string, it *store.Item) error {
	op := it.Op
	if op == "" {
		op = t.defaultOp
	}
	now := s.d.timeArg(s.timestamp())
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var (
			ownerID int64
			err     error
		)
		if t.group {
			ownerID, err = s.groupID(ctx, tx, owner)
		} else {
			ownerID, err = s.userID(ctx, tx, owner)
		}
		var link any
		switch {
		case err == nil:
			link = ownerID
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		id, err = s.insertID(ctx, tx, t.insert, "id", owner, it.Attribute, op, it.Value, link, now, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("add %s %s of %q: %w", t.what, it.Attribute, owner, err)
	}
	it.ID, it.Op = id, op
	return nil
}

// groupByName reads the radius group with exactly this name.
func (s *Store) groupByName(ctx context.Context, q querier, name string) (store.RadiusGroup, error) {
	g, err := scanGroup(q.QueryRowContext(ctx, s.q(qGroupByName), name))
	if err == nil && g.Name != name {
		err = sql.ErrNoRows // MySQL PAD SPACE, as in UserByUsername
	}
	if err != nil {
		return store.RadiusGroup{}, notFound(err, fmt.Sprintf("radius group %q", name))
	}
	return g, nil
}

// groupID returns the id of the radius group with exactly this name.
func (s *Store) groupID(ctx context.Context, q querier, name string) (int64, error) {
	g, err := s.groupByName(ctx, q, name)
	return g.ID, err
}

// CreateGroup inserts a radius group, setting g.ID (and Created/Modified
// when zero). A taken name returns store.ErrAlreadyExists; so does a
// default group when there is one already (there is exactly one).
func (s *Store) CreateGroup(ctx context.Context, g *store.RadiusGroup) error {
	// At the precision every dialect keeps, so what is set reads back.
	created := g.Created.UTC().Truncate(time.Microsecond)
	if g.Created.IsZero() {
		created = s.timestamp()
	}
	modified := g.Modified.UTC().Truncate(time.Microsecond)
	if g.Modified.IsZero() {
		modified = created
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Checked first so the error says which rule: after a unique
		// violation PostgreSQL accepts no further query in the transaction.
		taken, err := s.exists(ctx, tx, qGroupNameTaken, g.Name)
		if err != nil {
			return err
		}
		if taken {
			return fmt.Errorf("radius group name %q: %w", g.Name, store.ErrAlreadyExists)
		}
		if g.IsDefault {
			// Locked until commit: MySQL has no partial unique index to
			// stop two default groups created at once (the second waits or
			// deadlocks, and its retry sees the first).
			var def string
			err := tx.QueryRowContext(ctx, qDefaultGroupName+s.d.forUpdate).Scan(&def)
			switch {
			case err == nil:
				return fmt.Errorf("default radius group: %q is already the default: %w", def, store.ErrAlreadyExists)
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		id, err = s.insertID(ctx, tx, qInsertGroup, "id", g.Name, nullIfEmpty(g.Description), g.IsDefault,
			s.d.timeArg(created), s.d.timeArg(modified), g.StoreNTHash)
		if err != nil && s.d.isUniqueViolation(err) {
			// A concurrent CreateGroup took the name or the default.
			return fmt.Errorf("radius group name %q or default: %w", g.Name, store.ErrAlreadyExists)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create radius group %q: %w", g.Name, err)
	}
	g.ID, g.Created, g.Modified = id, created, modified
	return nil
}

// AddUserGroup adds a radusergroup row putting username in groupname with
// priority, linked to the user when one has that name. An unknown group
// returns store.ErrNotFound.
func (s *Store) AddUserGroup(ctx context.Context, username, groupname string, priority int) error {
	now := s.d.timeArg(s.timestamp())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		g, err := s.groupByName(ctx, tx, groupname)
		if err != nil {
			return err
		}
		var link any
		uid, err := s.userID(ctx, tx, username)
		switch {
		case err == nil:
			link = uid
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(qInsertUserGroup), username, g.Name, priority, link, g.ID, now, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("add %q to radius group %q: %w", username, groupname, err)
	}
	return nil
}
