package admin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/goradius/goradius/internal/batch"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/users"
)

// maxBatchName is the width of radbatch.name.
const maxBatchName = 128

// Batch is a batch user creation.
type Batch struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Strategy string `json:"strategy"` // "csv" or "prefix"
	Prefix   string `json:"prefix"`
	// CSVFile and PDFFile name the kept files ("" when there is none).
	CSVFile string `json:"csvfile"`
	PDFFile string `json:"pdf"`
	// ExpirationDate is the last day its users may log in, YYYY-MM-DD.
	ExpirationDate *string   `json:"expiration_date"`
	Created        time.Time `json:"created"`
	Modified       time.Time `json:"modified"`
	UserCount      int       `json:"user_count"`
	// Users are the usernames, by id (in Batch and CreateBatch only).
	Users []string `json:"users,omitempty"`
}

func batchView(b store.Batch, count int) Batch {
	v := Batch{ID: b.ID, Name: b.Name, Strategy: b.Strategy, Prefix: b.Prefix, CSVFile: b.CSVFileName,
		PDFFile: b.PDFFileName, Created: b.Created.UTC(), Modified: b.Modified.UTC(), UserCount: count}
	if b.ExpirationDate != nil {
		d := b.ExpirationDate.UTC().Format(time.DateOnly)
		v.ExpirationDate = &d
	}
	return v
}

// BatchInput asks for a batch of users. The defaults are
// django-freeradius's batch_add_users and prefix_add_users ones.
type BatchInput struct {
	Name string
	// Strategy is "csv" (CSVName and CSV: the uploaded file) or "prefix"
	// (Prefix and Count: users <prefix>1 ... <prefix>N with generated
	// passwords, and a PDF of them).
	Strategy string
	CSVName  string
	CSV      []byte
	Prefix   string
	Count    int
	// ExpirationDate is the last day the users may log in (its calendar
	// date counts), or nil.
	ExpirationDate *time.Time
	// PasswordLength of generated passwords; 0 is the configured one (8).
	PasswordLength int
	// PDFTitle titles the credentials PDF ("" for the default).
	PDFTitle string
	// Progress, when set, hears of each hashed password (done of total).
	Progress func(done, total int)
}

func (in *BatchInput) validate() *InputError {
	e := &InputError{}
	name(e, "name", in.Name, maxBatchName)
	switch in.Strategy {
	case users.StrategyCSV:
		if in.CSV == nil {
			e.Add("csvfile", "a CSV file is needed for the csv strategy")
		}
		text(e, "csvfile", in.CSVName, 255)
	case users.StrategyPrefix:
		if p, err := batch.CleanPrefix(in.Prefix); err != nil {
			e.Add("prefix", err.Error())
		} else {
			in.Prefix = p
		}
		if in.Count < 1 {
			e.Add("number_of_users", "must be at least 1")
		}
	default:
		e.Add("strategy", fmt.Sprintf("%q is not one of csv, prefix", in.Strategy))
	}
	if in.PasswordLength != 0 && (in.PasswordLength < 4 || in.PasswordLength > 128) {
		e.Add("password_length", fmt.Sprintf("must be between 4 and 128, got %d", in.PasswordLength))
	}
	return e
}

// CreateBatch creates every user of a batch in one transaction, or none.
// It returns the batch with its usernames, and the generated passwords of
// a prefix batch (as in its PDF; they are kept nowhere else). Generated
// passwords of a CSV import are e-mailed to their users.
func (s *Service) CreateBatch(ctx context.Context, in BatchInput) (Batch, []batch.Credential, error) {
	if err := in.validate().err(); err != nil {
		return Batch{}, nil, err
	}
	us := s.Users
	if in.PasswordLength != 0 {
		c := *s.Users
		c.PasswordLength = in.PasswordLength
		us = &c
	}
	res, err := us.CreateBatch(ctx, users.BatchRequest{
		Name: in.Name, Strategy: in.Strategy, CSVName: in.CSVName, CSV: in.CSV,
		Prefix: in.Prefix, NumberOfUsers: in.Count, ExpirationDate: in.ExpirationDate,
		PDFTitle: in.PDFTitle, Progress: in.Progress,
	})
	if err != nil {
		return Batch{}, nil, fromUsers(err)
	}
	v := batchView(res.Batch, len(res.Users))
	v.Users = make([]string, len(res.Users))
	for i, u := range res.Users {
		v.Users[i] = u.Username
	}
	return v, res.Credentials, nil
}

// ListBatches returns a page of batches, newest first, and the number of
// matches.
func (s *Service) ListBatches(ctx context.Context, f store.BatchFilter, offset, limit int) ([]Batch, int, error) {
	if err := checkPage(offset); err != nil {
		return nil, 0, err
	}
	total, err := s.Store.CountBatches(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.Store.ListBatches(ctx, f, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Batch, len(list))
	for i, b := range list {
		out[i] = batchView(b.Batch, b.UserCount)
	}
	return out, total, nil
}

// Batch returns a batch, found by id or else by name, with its usernames.
func (s *Service) Batch(ctx context.Context, idOrName string) (Batch, error) {
	b, err := s.batch(ctx, idOrName)
	if err != nil {
		return Batch{}, err
	}
	us, err := s.Store.UsersByIDs(ctx, b.UserIDs)
	if err != nil {
		return Batch{}, err
	}
	v := batchView(b, len(b.UserIDs))
	v.Users = make([]string, len(us))
	for i, u := range us {
		v.Users[i] = u.Username
	}
	return v, nil
}

func (s *Service) batch(ctx context.Context, idOrName string) (store.Batch, error) {
	b, err := s.Store.BatchByID(ctx, idOrName)
	if errors.Is(err, store.ErrNotFound) {
		b, err = s.Store.BatchByName(ctx, idOrName)
	}
	if errors.Is(err, store.ErrNotFound) {
		return store.Batch{}, notFound("batch %q (neither an id nor a name)", idOrName)
	}
	return b, err
}

// DeleteBatch removes a batch with its files and its users (their
// accounting history stays), and returns how many users went.
func (s *Service) DeleteBatch(ctx context.Context, idOrName string) (int64, error) {
	b, err := s.batch(ctx, idOrName)
	if err != nil {
		return 0, err
	}
	return s.Store.DeleteBatch(ctx, b.ID)
}

// BatchFile returns a batch's file: kind "pdf" is the credentials PDF of a
// prefix batch, "csv" the uploaded file of a CSV batch.
func (s *Service) BatchFile(ctx context.Context, idOrName, kind string) (store.BatchFile, error) {
	if kind != "pdf" && kind != "csv" {
		return store.BatchFile{}, inputErr("kind", "%q is not one of pdf, csv", kind)
	}
	b, err := s.batch(ctx, idOrName)
	if err != nil {
		return store.BatchFile{}, err
	}
	f, err := s.Store.BatchFile(ctx, b.ID, kind)
	if errors.Is(err, store.ErrNotFound) {
		what := "a CSV file: it was generated with a prefix (its credentials are in the PDF)"
		if kind == "pdf" {
			what = "a PDF: it was imported from a CSV file (generated passwords were e-mailed)"
		}
		return store.BatchFile{}, notFound("batch %q has no %s", b.Name, what)
	}
	return f, err
}

// ExpireBatch makes a batch's users unable to log in from now on: their
// expiration is now, the batch's expiration date today (in the configured
// time zone). They stay active until deactivate-expired runs.
func (s *Service) ExpireBatch(ctx context.Context, idOrName string) (Batch, error) {
	b, err := s.batch(ctx, idOrName)
	if err != nil {
		return Batch{}, err
	}
	now := s.now()
	local := now.In(s.zone())
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	if err := s.Store.ExpireBatch(ctx, b.ID, day, now.UTC()); err != nil {
		return Batch{}, err
	}
	return s.Batch(ctx, b.ID)
}
