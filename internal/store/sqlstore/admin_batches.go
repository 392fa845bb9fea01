package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/goradius/goradius/internal/store"
)

const (
	qListBatches = `SELECT ` + batchColumns + `,
	(SELECT count(*) FROM radbatch_users bu WHERE bu.batch_id = radbatch.id)
FROM radbatch%s ORDER BY created DESC, id DESC` + pageClause
	qCountBatches      = `SELECT count(*) FROM radbatch%s`
	qBatchExists       = `SELECT 1 FROM radbatch WHERE id = ?`
	qExpireBatch       = `UPDATE radbatch SET expiration_date = ?, modified = ? WHERE id = ?`
	qExpireBatchUsers  = `UPDATE users SET expires_at = ? WHERE id IN (SELECT user_id FROM radbatch_users WHERE batch_id = ?)`
	qBatchStrategyCond = `strategy = ?`
)

func scanBatchSummary(r rowScanner) (store.BatchSummary, error) {
	var (
		b                store.BatchSummary
		prefix, csv, pdf sql.NullString
		expires          nullTime
	)
	err := r.Scan(&b.ID, &b.Name, &b.Strategy, &prefix, &csv, &pdf, &expires,
		notNullTime{&b.Created}, notNullTime{&b.Modified}, &b.UserCount)
	b.Prefix, b.CSVFileName, b.PDFFileName = prefix.String, csv.String, pdf.String
	b.ExpirationDate = expires.ptr()
	return b, err
}

func (s *Store) batchConds(f store.BatchFilter) *conds {
	c := &conds{s: s}
	c.contains(f.Search, "name")
	if f.Strategy != "" {
		c.add(qBatchStrategyCond, f.Strategy)
	}
	return c
}

// ListBatches returns the batches matching f, newest first, with their
// user counts.
func (s *Store) ListBatches(ctx context.Context, f store.BatchFilter, offset, limit int) ([]store.BatchSummary, error) {
	c := s.batchConds(f)
	return queryList(ctx, s, "batches", fmt.Sprintf(qListBatches, c.where()),
		append(c.args, pageArgs(offset, limit)...), scanBatchSummary)
}

// CountBatches counts the batches matching f.
func (s *Store) CountBatches(ctx context.Context, f store.BatchFilter) (int, error) {
	c := s.batchConds(f)
	return s.count(ctx, "batches", fmt.Sprintf(qCountBatches, c.where()), c.args...)
}

// DeleteBatch removes a batch, its files and its users in one
// transaction, and returns how many users went.
func (s *Store) DeleteBatch(ctx context.Context, id string) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		found, err := s.exists(ctx, tx, qBatchExists, id)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("batch %q: %w", id, store.ErrNotFound)
		}
		refs, err := scanUserRefs(tx.QueryContext(ctx, s.q(qBatchUserRefs), id))
		if err != nil {
			return err
		}
		if n, err = s.deleteUsers(ctx, tx, refs); err != nil {
			return err
		}
		return s.deleteBatchRows(ctx, tx, id)
	})
	if err != nil {
		return 0, fmt.Errorf("delete batch: %w", err)
	}
	return n, nil
}

// ExpireBatch sets a batch's expiration date to day and its users'
// expiration to at.
func (s *Store) ExpireBatch(ctx context.Context, id string, day, at time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		found, err := s.exists(ctx, tx, qBatchExists, id)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("batch %q: %w", id, store.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, s.q(qExpireBatch), dateText(day), s.d.timeArg(s.timestamp()), id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(qExpireBatchUsers), s.d.timeArg(at), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("expire batch: %w", err)
	}
	return nil
}
