package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/goradius/goradius/internal/store"
)

const (
	nasColumns         = `id, nasname, shortname, type, ports, secret, server, community, description, created, modified`
	qListNAS           = `SELECT ` + nasColumns + ` FROM nas%s ORDER BY nasname, id` + pageClause
	qCountNAS          = `SELECT count(*) FROM nas%s`
	qNASByID           = `SELECT ` + nasColumns + ` FROM nas WHERE id = ?`
	qNASIDExists       = `SELECT 1 FROM nas WHERE id = ?`
	qNASNameTakenOther = `SELECT 1 FROM nas WHERE nasname = ? AND id <> ?`
	qInsertNAS         = `INSERT INTO nas (nasname, shortname, type, ports, secret, server, community, description, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qUpdateNAS = `UPDATE nas SET nasname = ?, shortname = ?, type = ?, ports = ?, secret = ?, server = ?,
	community = ?, description = ?, modified = ? WHERE id = ?`
	qDeleteNAS = `DELETE FROM nas WHERE id = ?`
)

func scanNAS(r rowScanner) (store.NASRecord, error) {
	var (
		n                              store.NASRecord
		short, server, community, desc sql.NullString
		ports                          sql.NullInt64
		created, modified              nullTime
	)
	err := r.Scan(&n.ID, &n.Name, &short, &n.Type, &ports, &n.Secret, &server, &community, &desc, &created, &modified)
	ptr := func(v sql.NullString) *string {
		if !v.Valid {
			return nil
		}
		s := v.String
		return &s
	}
	n.ShortName, n.Server, n.Community, n.Description = ptr(short), ptr(server), ptr(community), ptr(desc)
	if ports.Valid {
		p := ports.Int64
		n.Ports = &p
	}
	n.Created, n.Modified = created.Time, modified.Time
	return n, err
}

func (s *Store) nasConds(f store.NASFilter) *conds {
	c := &conds{s: s}
	c.contains(f.Search, "nasname", "COALESCE(shortname, '')", "COALESCE(description, '')")
	return c
}

// ListNAS returns the nas rows matching f ordered by name.
func (s *Store) ListNAS(ctx context.Context, f store.NASFilter, offset, limit int) ([]store.NASRecord, error) {
	c := s.nasConds(f)
	return queryList(ctx, s, "nas", fmt.Sprintf(qListNAS, c.where()), append(c.args, pageArgs(offset, limit)...), scanNAS)
}

// CountNAS counts the nas rows matching f.
func (s *Store) CountNAS(ctx context.Context, f store.NASFilter) (int, error) {
	c := s.nasConds(f)
	return s.count(ctx, "nas", fmt.Sprintf(qCountNAS, c.where()), c.args...)
}

// NASByID returns one nas row.
func (s *Store) NASByID(ctx context.Context, id int64) (store.NASRecord, error) {
	n, err := scanNAS(s.reader.QueryRowContext(ctx, s.q(qNASByID), id))
	if err != nil {
		return store.NASRecord{}, notFound(err, fmt.Sprintf("NAS %d", id))
	}
	return n, nil
}

func (s *Store) nasArgs(n *store.NASRecord) []any {
	var ports any
	if n.Ports != nil {
		ports = *n.Ports
	}
	return []any{n.Name, strPtrArg(n.ShortName), n.Type, ports, n.Secret, strPtrArg(n.Server),
		strPtrArg(n.Community), strPtrArg(n.Description)}
}

// CreateNAS inserts a nas row; a taken nasname is store.ErrAlreadyExists.
func (s *Store) CreateNAS(ctx context.Context, n *store.NASRecord) error {
	now := s.timestamp()
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		taken, err := s.exists(ctx, tx, qNASNameTakenOther, n.Name, 0)
		if err != nil {
			return err
		}
		if taken {
			return fmt.Errorf("NAS name %q: %w", n.Name, store.ErrAlreadyExists)
		}
		id, err = s.insertID(ctx, tx, qInsertNAS, "id", append(s.nasArgs(n), s.d.timeArg(now), s.d.timeArg(now))...)
		return err
	})
	if err != nil {
		return fmt.Errorf("create NAS %q: %w", n.Name, err)
	}
	n.ID, n.Created, n.Modified = id, now, now
	return nil
}

// UpdateNAS rewrites nas row n.ID.
func (s *Store) UpdateNAS(ctx context.Context, n *store.NASRecord) error {
	now := s.timestamp()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		found, err := s.exists(ctx, tx, qNASIDExists, n.ID)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("NAS %d: %w", n.ID, store.ErrNotFound)
		}
		taken, err := s.exists(ctx, tx, qNASNameTakenOther, n.Name, n.ID)
		if err != nil {
			return err
		}
		if taken {
			return fmt.Errorf("NAS name %q: %w", n.Name, store.ErrAlreadyExists)
		}
		_, err = tx.ExecContext(ctx, s.q(qUpdateNAS), append(s.nasArgs(n), s.d.timeArg(now), n.ID)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("update NAS %d: %w", n.ID, err)
	}
	n.Modified = now
	return nil
}

// DeleteNAS removes one nas row.
func (s *Store) DeleteNAS(ctx context.Context, id int64) error {
	n, err := affected(s.writer.ExecContext(ctx, s.q(qDeleteNAS), id))
	if err != nil {
		return fmt.Errorf("delete NAS %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("NAS %d: %w", id, store.ErrNotFound)
	}
	return nil
}
