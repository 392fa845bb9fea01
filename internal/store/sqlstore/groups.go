package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/goradius/goradius/internal/store"
)

const groupColumns = `id, name, description, is_default, created, modified, store_nt_hash`

const (
	qGroups       = `SELECT ` + groupColumns + ` FROM radiusgroup ORDER BY name`
	qGroupByName  = `SELECT ` + groupColumns + ` FROM radiusgroup WHERE name = ?`
	qDefaultGroup = `SELECT ` + groupColumns + ` FROM radiusgroup WHERE is_default ORDER BY id`
	// The id breaks ties between equal priorities so the order is stable.
	qUserGroups = `SELECT username, groupname FROM radusergroup WHERE username = ? ORDER BY priority, id`
)

func scanGroup(r rowScanner) (store.RadiusGroup, error) {
	var (
		g    store.RadiusGroup
		desc sql.NullString
	)
	err := r.Scan(&g.ID, &g.Name, &desc, &g.IsDefault, notNullTime{&g.Created}, notNullTime{&g.Modified}, &g.StoreNTHash)
	g.Description = desc.String
	return g, err
}

// Groups returns the radius groups ordered by name.
func (s *Store) Groups(ctx context.Context) ([]store.RadiusGroup, error) {
	rows, err := s.reader.QueryContext(ctx, qGroups)
	if err != nil {
		return nil, fmt.Errorf("list radius groups: %w", err)
	}
	defer rows.Close()
	groups := []store.RadiusGroup{}
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, fmt.Errorf("list radius groups: %w", err)
		}
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list radius groups: %w", err)
	}
	return groups, nil
}

// DefaultGroup returns the group new users join.
func (s *Store) DefaultGroup(ctx context.Context) (store.RadiusGroup, error) {
	return s.defaultGroup(ctx, s.reader)
}

// defaultGroup reads the default group through q. MySQL has no partial
// unique index to keep a second default group out, so this refuses to
// choose between two.
func (s *Store) defaultGroup(ctx context.Context, q querier) (store.RadiusGroup, error) {
	rows, err := q.QueryContext(ctx, qDefaultGroup)
	if err != nil {
		return store.RadiusGroup{}, fmt.Errorf("default radius group: %w", err)
	}
	defer rows.Close()
	var found []store.RadiusGroup
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return store.RadiusGroup{}, fmt.Errorf("default radius group: %w", err)
		}
		found = append(found, g)
	}
	if err := rows.Err(); err != nil {
		return store.RadiusGroup{}, fmt.Errorf("default radius group: %w", err)
	}
	switch len(found) {
	case 0:
		return store.RadiusGroup{}, fmt.Errorf("default radius group: %w", store.ErrNotFound)
	case 1:
		return found[0], nil
	default:
		return store.RadiusGroup{}, fmt.Errorf("default radius group: %d groups are marked default (%q, %q, ...), there must be exactly one",
			len(found), found[0].Name, found[1].Name)
	}
}

// UserGroups returns the groupnames of a username, lowest priority first
// (an empty list for a username in no group).
func (s *Store) UserGroups(ctx context.Context, username string) ([]string, error) {
	rows, err := s.reader.QueryContext(ctx, s.q(qUserGroups), username)
	if err != nil {
		return nil, fmt.Errorf("groups of %q: %w", username, err)
	}
	defer rows.Close()
	names := []string{}
	for rows.Next() {
		var user, group string
		if err := rows.Scan(&user, &group); err != nil {
			return nil, fmt.Errorf("groups of %q: %w", username, err)
		}
		if user == username { // not "alice " for "alice" (MySQL PAD SPACE)
			names = append(names, group)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("groups of %q: %w", username, err)
	}
	return names, nil
}

const (
	qGroupIDName    = `SELECT id, name FROM radiusgroup WHERE name = ?`
	qSetGroupNTHash = `UPDATE radiusgroup SET store_nt_hash = ?, modified = ? WHERE id = ?`
)

// SetGroupStoreNTHash turns a group's NT-hash opt-in on or off.
func (s *Store) SetGroupStoreNTHash(ctx context.Context, groupname string, on bool) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := s.groupID(ctx, tx, groupname)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(qSetGroupNTHash), on, s.d.timeArg(s.timestamp()), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("set the NT-hash flag: %w", err)
	}
	return nil
}
