package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/goradius/goradius/internal/store"
)

const (
	qListGroupsPage = `SELECT ` + groupColumns + ` FROM radiusgroup%s ORDER BY name` + pageClause
	qCountGroups    = `SELECT count(*) FROM radiusgroup%s`
	qGroupByID      = `SELECT ` + groupColumns + ` FROM radiusgroup WHERE id = ?`

	qGroupNameTakenByOther = `SELECT 1 FROM radiusgroup WHERE name = ? AND id <> ?`
	qRenameGroup           = `UPDATE radiusgroup SET name = ? WHERE id = ?`
	// Rows of the old name without group_id (written by other tools)
	// follow too. radacct.groupname is history and keeps the old name.
	qRenameGroupCheck       = `UPDATE radgroupcheck SET groupname = ? WHERE group_id = ? OR groupname = ?`
	qRenameGroupReply       = `UPDATE radgroupreply SET groupname = ? WHERE group_id = ? OR groupname = ?`
	qRenameGroupMemberships = `UPDATE radusergroup SET groupname = ? WHERE group_id = ? OR groupname = ?`
	qClearDefaultGroup      = `UPDATE radiusgroup SET is_default = ? WHERE is_default`
	qSetDefaultGroup        = `UPDATE radiusgroup SET is_default = ? WHERE id = ?`
	qDefaultGroupIDs        = `SELECT id FROM radiusgroup WHERE is_default`
	qDeleteGroupCheck       = `DELETE FROM radgroupcheck WHERE group_id = ? OR groupname = ?`
	qDeleteGroupReply       = `DELETE FROM radgroupreply WHERE group_id = ? OR groupname = ?`
	qDeleteGroupMemberships = `DELETE FROM radusergroup WHERE group_id = ? OR groupname = ?`
	qDeleteGroup            = `DELETE FROM radiusgroup WHERE id = ?`
)

func (s *Store) groupConds(f store.GroupFilter) *conds {
	c := &conds{s: s}
	c.contains(f.Search, "name", "COALESCE(description, '')")
	return c
}

// GroupByName returns the radius group of exactly that name.
func (s *Store) GroupByName(ctx context.Context, name string) (store.RadiusGroup, error) {
	return s.groupByName(ctx, s.reader, name)
}

// ListGroupsPage returns the groups matching f ordered by name.
func (s *Store) ListGroupsPage(ctx context.Context, f store.GroupFilter, offset, limit int) ([]store.RadiusGroup, error) {
	c := s.groupConds(f)
	return queryList(ctx, s, "radius groups", fmt.Sprintf(qListGroupsPage, c.where()),
		append(c.args, pageArgs(offset, limit)...), scanGroup)
}

// CountGroups counts the groups matching f.
func (s *Store) CountGroups(ctx context.Context, f store.GroupFilter) (int, error) {
	c := s.groupConds(f)
	return s.count(ctx, "radius groups", fmt.Sprintf(qCountGroups, c.where()), c.args...)
}

// UpdateGroup changes a group in one transaction: a rename carries its
// check, reply and membership rows along; IsDefault moves the flag.
func (s *Store) UpdateGroup(ctx context.Context, name string, u store.GroupUpdate) (store.RadiusGroup, error) {
	var out store.RadiusGroup
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if u.IsDefault != nil && *u.IsDefault {
			// Lock the current default first (MySQL has no partial unique
			// index): two groups made default at once queue here.
			if _, err := s.stringColumn(ctx, tx, qDefaultGroupIDs+s.d.forUpdate); err != nil {
				return err
			}
		}
		g, err := s.groupByName(ctx, tx, name)
		if err != nil {
			return err
		}
		if u.IsDefault != nil && !*u.IsDefault && g.IsDefault {
			return fmt.Errorf("radius group %q: %w", name, store.ErrDefaultGroup)
		}
		if u.Name != nil && *u.Name != g.Name {
			if err := s.renameGroup(ctx, tx, g.ID, g.Name, *u.Name); err != nil {
				return err
			}
		}
		var cols []string
		var args []any
		if u.Description != nil {
			cols, args = append(cols, "description = ?"), append(args, nullIfEmpty(*u.Description))
		}
		if u.StoreNTHash != nil {
			cols, args = append(cols, "store_nt_hash = ?"), append(args, *u.StoreNTHash)
		}
		cols, args = append(cols, "modified = ?"), append(args, s.d.timeArg(s.timestamp()))
		q := "UPDATE radiusgroup SET " + strings.Join(cols, ", ") + " WHERE id = ?"
		if _, err := tx.ExecContext(ctx, s.q(q), append(args, g.ID)...); err != nil {
			return err
		}
		if u.IsDefault != nil && *u.IsDefault && !g.IsDefault {
			// Cleared first: SQLite's and PostgreSQL's partial unique index
			// allow one default row at any moment.
			if _, err := tx.ExecContext(ctx, s.q(qClearDefaultGroup), false); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q(qSetDefaultGroup), true, g.ID); err != nil {
				return err
			}
		}
		out, err = scanGroup(tx.QueryRowContext(ctx, s.q(qGroupByID), g.ID))
		return err
	})
	if err != nil {
		return store.RadiusGroup{}, fmt.Errorf("update radius group %q: %w", name, err)
	}
	return out, nil
}

func (s *Store) renameGroup(ctx context.Context, tx *sql.Tx, id int64, from, to string) error {
	taken, err := s.exists(ctx, tx, qGroupNameTakenByOther, to, id)
	if err != nil {
		return err
	}
	if taken {
		return fmt.Errorf("radius group name %q: %w", to, store.ErrAlreadyExists)
	}
	if _, err := tx.ExecContext(ctx, s.q(qRenameGroup), to, id); err != nil {
		if s.d.isUniqueViolation(err) {
			return fmt.Errorf("radius group name %q: %w", to, store.ErrAlreadyExists)
		}
		return err
	}
	for _, q := range []string{qRenameGroupCheck, qRenameGroupReply, qRenameGroupMemberships} {
		if _, err := tx.ExecContext(ctx, s.q(q), to, id, from); err != nil {
			return fmt.Errorf("rename radius group %q to %q: %w", from, to, err)
		}
	}
	return nil
}

// DeleteGroup removes a group with its items and memberships; the default
// group returns store.ErrDefaultGroup.
func (s *Store) DeleteGroup(ctx context.Context, name string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		g, err := s.groupByName(ctx, tx, name)
		if err != nil {
			return err
		}
		if g.IsDefault {
			return fmt.Errorf("radius group %q: %w", name, store.ErrDefaultGroup)
		}
		for _, q := range []string{qDeleteGroupCheck, qDeleteGroupReply, qDeleteGroupMemberships} {
			if _, err := tx.ExecContext(ctx, s.q(q), g.ID, g.Name); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, s.q(qDeleteGroup), g.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete radius group %q: %w", name, err)
	}
	return nil
}
