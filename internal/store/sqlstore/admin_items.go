package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/goradius/goradius/internal/store"
)

// itemSQL holds the statements of one item table. radcheck has three more
// columns than the others (is_active, valid_until, notes); the others
// select constants in their place so every table scans alike.
type itemSQL struct {
	what    string
	group   bool   // owned by a radiusgroup, else by a user
	nameCol string // username or groupname
	list    string // %s: WHERE clause
	count   string // %s: WHERE clause
	byID    string
	exists  string
	insert  string
	update  string
	delete  string
}

// plainItemSQL builds the statements of an item table without radcheck's
// extra columns: radreply (owned by a user) or radgroupcheck and
// radgroupreply (owned by a group). insert is the one policy.go adds items
// with.
func plainItemSQL(what, table string, group bool, insert string) itemSQL {
	nameCol, ownerCol := "username", "user_id"
	if group {
		nameCol, ownerCol = "groupname", "group_id"
	}
	columns := "id, " + nameCol + ", attribute, op, value, TRUE, NULL, NULL, created, modified"
	return itemSQL{
		what: what, group: group, nameCol: nameCol,
		list:   "SELECT " + columns + "\nFROM " + table + "%s ORDER BY " + nameCol + ", id" + pageClause,
		count:  "SELECT count(*) FROM " + table + "%s",
		byID:   "SELECT " + columns + "\nFROM " + table + " WHERE id = ?",
		exists: "SELECT 1 FROM " + table + " WHERE id = ?",
		insert: insert,
		update: "UPDATE " + table + " SET " + nameCol + " = ?, attribute = ?, op = ?, value = ?, " + ownerCol +
			" = ?, modified = ? WHERE id = ?",
		delete: "DELETE FROM " + table + " WHERE id = ?",
	}
}

var itemSQLs = map[store.ItemTable]itemSQL{
	store.RadCheck: {
		what: "check item", nameCol: "username",
		list: `SELECT id, username, attribute, op, value, is_active, valid_until, notes, created, modified
FROM radcheck%s ORDER BY username, id` + pageClause,
		count: `SELECT count(*) FROM radcheck%s`,
		byID: `SELECT id, username, attribute, op, value, is_active, valid_until, notes, created, modified
FROM radcheck WHERE id = ?`,
		exists: `SELECT 1 FROM radcheck WHERE id = ?`,
		insert: `INSERT INTO radcheck (username, attribute, op, value, user_id, is_active, valid_until, notes, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		update: `UPDATE radcheck SET username = ?, attribute = ?, op = ?, value = ?, user_id = ?,
	is_active = ?, valid_until = ?, notes = ?, modified = ? WHERE id = ?`,
		delete: `DELETE FROM radcheck WHERE id = ?`,
	},
	store.RadReply:      plainItemSQL("reply item", "radreply", false, qInsertReply),
	store.RadGroupCheck: plainItemSQL("group check item", "radgroupcheck", true, qInsertGroupCheck),
	store.RadGroupReply: plainItemSQL("group reply item", "radgroupreply", true, qInsertGroupReply),
}

func itemStatements(t store.ItemTable) (itemSQL, error) {
	q, ok := itemSQLs[t]
	if !ok {
		return itemSQL{}, fmt.Errorf("unknown item table %q", string(t))
	}
	return q, nil
}

func scanItemRecord(r rowScanner) (store.ItemRecord, error) {
	var (
		it    store.ItemRecord
		until nullTime
		notes sql.NullString
	)
	err := r.Scan(&it.ID, &it.Name, &it.Attribute, &it.Op, &it.Value, &it.IsActive, &until, &notes,
		notNullTime{&it.Created}, notNullTime{&it.Modified})
	it.ValidUntil, it.Notes = until.ptr(), notes.String
	return it, err
}

func (s *Store) itemConds(q itemSQL, f store.ItemFilter) *conds {
	c := &conds{s: s}
	if f.Name != "" {
		c.add(q.nameCol+" = ?", f.Name)
	}
	if f.Attribute != "" {
		c.add("attribute = ?", f.Attribute)
	}
	return c
}

// ListItems returns the rows of an item table matching f, by name then id.
func (s *Store) ListItems(ctx context.Context, t store.ItemTable, f store.ItemFilter, offset, limit int) ([]store.ItemRecord, error) {
	q, err := itemStatements(t)
	if err != nil {
		return nil, err
	}
	c := s.itemConds(q, f)
	return queryList(ctx, s, string(t), fmt.Sprintf(q.list, c.where()), append(c.args, pageArgs(offset, limit)...), scanItemRecord)
}

// CountItems counts the rows of an item table matching f.
func (s *Store) CountItems(ctx context.Context, t store.ItemTable, f store.ItemFilter) (int, error) {
	q, err := itemStatements(t)
	if err != nil {
		return 0, err
	}
	c := s.itemConds(q, f)
	return s.count(ctx, string(t), fmt.Sprintf(q.count, c.where()), c.args...)
}

// ItemByID returns one row of an item table.
func (s *Store) ItemByID(ctx context.Context, t store.ItemTable, id int64) (store.ItemRecord, error) {
	q, err := itemStatements(t)
	if err != nil {
		return store.ItemRecord{}, err
	}
	it, err := scanItemRecord(s.reader.QueryRowContext(ctx, s.q(q.byID), id))
	if err != nil {
		return store.ItemRecord{}, notFound(err, fmt.Sprintf("%s %d", q.what, id))
	}
	return it, nil
}

// itemLink returns the owner id an item of that name links to: the group
// (which must exist) or the user (nil when there is no such account).
func (s *Store) itemLink(ctx context.Context, tx *sql.Tx, q itemSQL, name string) (any, error) {
	if q.group {
		id, err := s.groupID(ctx, tx, name)
		if err != nil {
			return nil, err
		}
		return id, nil
	}
	id, err := s.userID(ctx, tx, name)
	switch {
	case err == nil:
		return id, nil
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	}
	return nil, err
}

// itemArgs are the bind arguments of an insert or update after the link,
// up to and without modified/id: radcheck's extras.
func (s *Store) itemExtras(t store.ItemTable, it *store.ItemRecord) []any {
	if t != store.RadCheck {
		return nil
	}
	var until any
	if it.ValidUntil != nil {
		until = s.d.timeArg(*it.ValidUntil)
	}
	return []any{it.IsActive, until, nullIfEmpty(it.Notes)}
}

// CreateItem inserts an item, linked to its user or group.
func (s *Store) CreateItem(ctx context.Context, t store.ItemTable, it *store.ItemRecord) error {
	q, err := itemStatements(t)
	if err != nil {
		return err
	}
	now := s.timestamp()
	var id int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		link, err := s.itemLink(ctx, tx, q, it.Name)
		if err != nil {
			return err
		}
		args := append([]any{it.Name, it.Attribute, it.Op, it.Value, link}, s.itemExtras(t, it)...)
		args = append(args, s.d.timeArg(now), s.d.timeArg(now))
		id, err = s.insertID(ctx, tx, q.insert, "id", args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("add %s %s of %q: %w", q.what, it.Attribute, it.Name, err)
	}
	it.ID, it.Created, it.Modified = id, now, now
	if t != store.RadCheck {
		it.IsActive, it.ValidUntil, it.Notes = true, nil, ""
	}
	return nil
}

// UpdateItem rewrites item it.ID, relinking it to the owner of its name.
func (s *Store) UpdateItem(ctx context.Context, t store.ItemTable, it *store.ItemRecord) error {
	q, err := itemStatements(t)
	if err != nil {
		return err
	}
	now := s.timestamp()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		found, err := s.exists(ctx, tx, q.exists, it.ID)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("%s %d: %w", q.what, it.ID, store.ErrNotFound)
		}
		link, err := s.itemLink(ctx, tx, q, it.Name)
		if err != nil {
			return err
		}
		args := append([]any{it.Name, it.Attribute, it.Op, it.Value, link}, s.itemExtras(t, it)...)
		args = append(args, s.d.timeArg(now), it.ID)
		_, err = tx.ExecContext(ctx, s.q(q.update), args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("update %s %d: %w", q.what, it.ID, err)
	}
	it.Modified = now
	return nil
}

// DeleteItem removes one row of an item table.
func (s *Store) DeleteItem(ctx context.Context, t store.ItemTable, id int64) error {
	q, err := itemStatements(t)
	if err != nil {
		return err
	}
	n, err := affected(s.writer.ExecContext(ctx, s.q(q.delete), id))
	if err != nil {
		return fmt.Errorf("delete %s %d: %w", q.what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("%s %d: %w", q.what, id, store.ErrNotFound)
	}
	return nil
}
