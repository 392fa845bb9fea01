package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/goradius/goradius/internal/store"
)

const (
	membershipColumns   = `id, username, groupname, priority, created, modified`
	qListMemberships    = `SELECT ` + membershipColumns + ` FROM radusergroup%s ORDER BY username, priority, id` + pageClause
	qCountMemberships   = `SELECT count(*) FROM radusergroup%s`
	qMembershipByID     = `SELECT ` + membershipColumns + ` FROM radusergroup WHERE id = ?`
	qMembershipExists   = `SELECT 1 FROM radusergroup WHERE username = ? AND groupname = ? AND id <> ?`
	qUpdateMembership   = `UPDATE radusergroup SET groupname = ?, group_id = ?, priority = ?, modified = ? WHERE id = ?`
	qDeleteMembership   = `DELETE FROM radusergroup WHERE id = ?`
	qMembershipIDExists = `SELECT 1 FROM radusergroup WHERE id = ?`
)

func scanMembership(r rowScanner) (store.Membership, error) {
	var m store.Membership
	err := r.Scan(&m.ID, &m.Username, &m.Groupname, &m.Priority, notNullTime{&m.Created}, notNullTime{&m.Modified})
	return m, err
}

func (s *Store) membershipConds(f store.MembershipFilter) *conds {
	c := &conds{s: s}
	if f.Username != "" {
		c.add("username = ?", f.Username)
	}
	if f.Groupname != "" {
		c.add("groupname = ?", f.Groupname)
	}
	return c
}

// ListMemberships returns the radusergroup rows matching f.
func (s *Store) ListMemberships(ctx context.Context, f store.MembershipFilter, offset, limit int) ([]store.Membership, error) {
	c := s.membershipConds(f)
	return queryList(ctx, s, "memberships", fmt.Sprintf(qListMemberships, c.where()),
		append(c.args, pageArgs(offset, limit)...), scanMembership)
}

// CountMemberships counts the radusergroup rows matching f.
func (s *Store) CountMemberships(ctx context.Context, f store.MembershipFilter) (int, error) {
	c := s.membershipConds(f)
	return s.count(ctx, "memberships", fmt.Sprintf(qCountMemberships, c.where()), c.args...)
}

// MembershipByID returns one radusergroup row.
func (s *Store) MembershipByID(ctx context.Context, id int64) (store.Membership, error) {
	m, err := scanMembership(s.reader.QueryRowContext(ctx, s.q(qMembershipByID), id))
	if err != nil {
		return store.Membership{}, notFound(err, fmt.Sprintf("membership %d", id))
	}
	return m, nil
}

// CreateMembership puts m.Username in m.Groupname, linked to both.
func (s *Store) CreateMembership(ctx context.Context, m *store.Membership) error {
	now := s.timestamp()
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		g, err := s.groupByName(ctx, tx, m.Groupname)
		if err != nil {
			return err
		}
		dup, err := s.exists(ctx, tx, qMembershipExists, m.Username, g.Name, 0)
		if err != nil {
			return err
		}
		if dup {
			return fmt.Errorf("%q in %q: %w", m.Username, g.Name, store.ErrAlreadyExists)
		}
		var link any
		uid, err := s.userID(ctx, tx, m.Username)
		switch {
		case err == nil:
			link = uid
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		id, err = s.insertID(ctx, tx, qInsertUserGroup, "id", m.Username, g.Name, m.Priority, link, g.ID,
			s.d.timeArg(now), s.d.timeArg(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("create membership: %w", err)
	}
	m.ID, m.Created, m.Modified = id, now, now
	return nil
}

// UpdateMembership changes the group and priority of membership m.ID.
func (s *Store) UpdateMembership(ctx context.Context, m *store.Membership) error {
	now := s.timestamp()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		found, err := s.exists(ctx, tx, qMembershipIDExists, m.ID)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("membership %d: %w", m.ID, store.ErrNotFound)
		}
		g, err := s.groupByName(ctx, tx, m.Groupname)
		if err != nil {
			return err
		}
		dup, err := s.exists(ctx, tx, qMembershipExists, m.Username, g.Name, m.ID)
		if err != nil {
			return err
		}
		if dup {
			return fmt.Errorf("%q in %q: %w", m.Username, g.Name, store.ErrAlreadyExists)
		}
		_, err = tx.ExecContext(ctx, s.q(qUpdateMembership), g.Name, g.ID, m.Priority, s.d.timeArg(now), m.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("update membership %d: %w", m.ID, err)
	}
	m.Modified = now
	return nil
}

// DeleteMembership removes one radusergroup row.
func (s *Store) DeleteMembership(ctx context.Context, id int64) error {
	n, err := affected(s.writer.ExecContext(ctx, s.q(qDeleteMembership), id))
	if err != nil {
		return fmt.Errorf("delete membership %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("membership %d: %w", id, store.ErrNotFound)
	}
	return nil
}
