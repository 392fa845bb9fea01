package sqlstore

import (
	"context"
	"fmt"
)

const qSetting = `SELECT value FROM goradius_setting WHERE name = ?`

// Setting returns a named server setting (store.ErrNotFound if unset).
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	var v string
	if err := s.reader.QueryRowContext(ctx, s.q(qSetting), name).Scan(&v); err != nil {
		return "", notFound(err, fmt.Sprintf("setting %q", name))
	}
	return v, nil
}

// PutSetting stores a named server setting, replacing any previous value.
func (s *Store) PutSetting(ctx context.Context, name, value string) error {
	if _, err := s.writer.ExecContext(ctx, s.q(s.d.upsertSetting), name, value); err != nil {
		return fmt.Errorf("put setting %q: %w", name, err)
	}
	return nil
}
