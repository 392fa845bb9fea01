package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"

	"github.com/goradius/goradius/internal/store"
)

const (
	qBatchNameTaken = `SELECT 1 FROM radbatch WHERE name = ?`
	qInsertBatch    = `INSERT INTO radbatch (id, name, strategy, prefix, csvfile, pdf, expiration_date, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qInsertBatchUser = `INSERT INTO radbatch_users (batch_id, user_id) VALUES (?, ?)`
	qInsertBatchFile = `INSERT INTO radbatch_file (batch_id, kind, name, content_type, content) VALUES (?, ?, ?, ?, ?)`
	batchColumns     = `id, name, strategy, prefix, csvfile, pdf, expiration_date, created, modified`
	qBatchByID       = `SELECT ` + batchColumns + ` FROM radbatch WHERE id = ?`
	qBatchByName     = `SELECT ` + batchColumns + ` FROM radbatch WHERE name = ?`
	qBatchUserIDs    = `SELECT user_id FROM radbatch_users WHERE batch_id = ? ORDER BY user_id`
	qBatchFile       = `SELECT name, content_type, content FROM radbatch_file WHERE batch_id = ? AND kind = ?`
)

// CreateBatch writes a batch, its users (each in the default group with
// priority 1), their batch links and its files in one transaction. It sets
// the batch's ID (a new UUID when empty), Created/Modified when zero,
// UserIDs, and each user's ID.
func (s *Store) CreateBatch(ctx context.Context, nb *store.NewBatch) error {
	b := &nb.Batch
	if b.ID == "" {
		b.ID = newUUID()
	}
	if b.Created.IsZero() {
		b.Created = s.timestamp()
	}
	if b.Modified.IsZero() {
		b.Modified = b.Created
	}
	if nb.CSV != nil && b.CSVFileName == "" {
		b.CSVFileName = nb.CSV.Name
	}
	if nb.PDF != nil && b.PDFFileName == "" {
		b.PDFFileName = nb.PDF.Name
	}
	ids := make([]int64, len(nb.Users))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.insertBatch(ctx, tx, b); err != nil {
			return err
		}
		dg, err := s.defaultGroup(ctx, tx)
		if err != nil {
			return err
		}
		for i := range nb.Users {
			u := &nb.Users[i]
			if u.DateJoined.IsZero() {
				u.DateJoined = b.Created
			}
			id, err := s.insertUser(ctx, tx, u)
			if err != nil {
				return err
			}
			if err := s.addUserToGroups(ctx, tx, id, u.Username, []store.RadiusGroup{dg}); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q(qInsertBatchUser), b.ID, id); err != nil {
				return fmt.Errorf("link user %q: %w", u.Username, err)
			}
			ids[i] = id
		}
		for _, f := range []struct {
			kind string
			file *store.BatchFile
		}{{"csv", nb.CSV}, {"pdf", nb.PDF}} {
			if f.file == nil {
				continue
			}
			content := f.file.Content
			if content == nil {
				content = []byte{} // NOT NULL: an empty file is still a file
			}
			if _, err := tx.ExecContext(ctx, s.q(qInsertBatchFile),
				b.ID, f.kind, f.file.Name, f.file.ContentType, content); err != nil {
				return fmt.Errorf("store %s file: %w", f.kind, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create batch %q: %w", b.Name, err)
	}
	for i, id := range ids {
		nb.Users[i].ID = id
	}
	b.UserIDs = ids
	return nil
}

func (s *Store) insertBatch(ctx context.Context, tx *sql.Tx, b *store.Batch) error {
	// Checked first so the error names the name: after a unique violation
	// PostgreSQL accepts no further query in the transaction.
	taken, err := s.exists(ctx, tx, qBatchNameTaken, b.Name)
	if err != nil {
		return err
	}
	if taken {
		return fmt.Errorf("batch name %q: %w", b.Name, store.ErrAlreadyExists)
	}
	var expires any
	if b.ExpirationDate != nil {
		expires = dateText(*b.ExpirationDate)
	}
	_, err = tx.ExecContext(ctx, s.q(qInsertBatch), b.ID, b.Name, b.Strategy,
		nullIfEmpty(b.Prefix), nullIfEmpty(b.CSVFileName), nullIfEmpty(b.PDFFileName), expires,
		s.d.timeArg(b.Created), s.d.timeArg(b.Modified))
	if err != nil {
		if s.d.isUniqueViolation(err) {
			// A concurrent batch took the name, or the id is reused.
			return fmt.Errorf("batch name %q or id %q: %w", b.Name, b.ID, store.ErrAlreadyExists)
		}
		return fmt.Errorf("insert batch: %w", err)
	}
	return nil
}

// BatchByID returns a batch with its user ids in ascending order.
func (s *Store) BatchByID(ctx context.Context, id string) (store.Batch, error) {
	return s.batch(ctx, qBatchByID, id)
}

// BatchByName returns the batch of that (unique) name with its user ids.
func (s *Store) BatchByName(ctx context.Context, name string) (store.Batch, error) {
	return s.batch(ctx, qBatchByName, name)
}

// batch reads the batch that query finds by key, then its user ids.
func (s *Store) batch(ctx context.Context, query, key string) (store.Batch, error) {
	var (
		b                store.Batch
		prefix, csv, pdf sql.NullString
		expires          nullTime
	)
	err := s.reader.QueryRowContext(ctx, s.q(query), key).Scan(&b.ID, &b.Name, &b.Strategy,
		&prefix, &csv, &pdf, &expires, notNullTime{&b.Created}, notNullTime{&b.Modified})
	if err != nil {
		return store.Batch{}, notFound(err, fmt.Sprintf("batch %q", key))
	}
	id := b.ID
	b.Prefix, b.CSVFileName, b.PDFFileName = prefix.String, csv.String, pdf.String
	b.ExpirationDate = expires.ptr()

	rows, err := s.reader.QueryContext(ctx, s.q(qBatchUserIDs), id)
	if err != nil {
		return store.Batch{}, fmt.Errorf("users of batch %q: %w", id, err)
	}
	defer rows.Close()
	b.UserIDs = []int64{}
	for rows.Next() {
		var uid int64
		if err := rows.Scan(&uid); err != nil {
			return store.Batch{}, fmt.Errorf("users of batch %q: %w", id, err)
		}
		b.UserIDs = append(b.UserIDs, uid)
	}
	if err := rows.Err(); err != nil {
		return store.Batch{}, fmt.Errorf("users of batch %q: %w", id, err)
	}
	return b, nil
}

// BatchFile returns a batch's file by kind ("csv" or "pdf").
func (s *Store) BatchFile(ctx context.Context, batchID, kind string) (store.BatchFile, error) {
	var f store.BatchFile
	err := s.reader.QueryRowContext(ctx, s.q(qBatchFile), batchID, kind).Scan(&f.Name, &f.ContentType, &f.Content)
	if err != nil {
		return store.BatchFile{}, notFound(err, fmt.Sprintf("%s file of batch %q", kind, batchID))
	}
	return f, nil
}

func nullIfEmpty(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// newUUID returns a random (version 4) UUID, lowercase with dashes.
func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
