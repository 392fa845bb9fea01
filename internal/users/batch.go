package users

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/goradius/goradius/internal/batch"
	"github.com/goradius/goradius/internal/mail"
	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/store"
)

// Batch strategies.
const (
	StrategyCSV    = "csv"
	StrategyPrefix = "prefix"
)

// MaxPrefixUsers bounds one prefix batch: each user costs a password hash.
const MaxPrefixUsers = 10000

// BatchRequest asks for a batch of users, from a CSV file or generated with
// a prefix. Types are already checked by the caller.
type BatchRequest struct {
	Name     string
	Strategy string
	// CSVName and CSV are the uploaded file (csv strategy).
	CSVName string
	CSV     []byte
	// Prefix and NumberOfUsers drive the prefix strategy.
	Prefix        string
	NumberOfUsers int
	// ExpirationDate is the last day the users may log in (a date; only its
	// year, month and day count), or nil.
	ExpirationDate *time.Time
	// PDFTitle is the title of the credentials PDF ("" for the default).
	PDFTitle string
	// Progress, when set, is called as passwords are hashed (the slow
	// part): done of total users, from several goroutines, in order of
	// done. It is not called when no password needs hashing.
	Progress func(done, total int)
}

// BatchResult is a created batch with its users, in creation order.
type BatchResult struct {
	Batch store.Batch
	Users []store.User
	// Credentials are the generated passwords (prefix strategy), as in the PDF.
	Credentials []batch.Credential
}

// CreateBatch creates every user of a batch in one transaction, or none.
// Generated passwords of a CSV import are e-mailed after the commit.
func (s *Service) CreateBatch(ctx context.Context, req BatchRequest) (*BatchResult, error) {
	if _, err := s.Store.BatchByName(ctx, req.Name); err == nil {
		return nil, inputErr("name", "batch user creation with this name already exists.")
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	nb := &store.NewBatch{Batch: store.Batch{
		ID: newUUID(), Name: req.Name, Strategy: req.Strategy, Created: s.now(), Modified: s.now(),
	}}
	var expiresAt *time.Time
	if d := req.ExpirationDate; d != nil {
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		nb.Batch.ExpirationDate = &day
		loc := s.TimeZone
		if loc == nil {
			loc = time.UTC
		}
		// Valid through the whole expiration day, in the operator's zone.
		end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
		expiresAt = &end
	}

	var (
		res    = &BatchResult{}
		mails  []batch.Credential // generated passwords to e-mail (csv)
		emails []string
		err    error
	)
	switch req.Strategy {
	case StrategyCSV:
		nb.Users, mails, emails, err = s.csvUsers(ctx, req)
		nb.CSV = &store.BatchFile{Name: req.CSVName, ContentType: "text/csv", Content: req.CSV}
	case StrategyPrefix:
		nb.Batch.Prefix = req.Prefix
		nb.Users, res.Credentials, err = s.prefixUsers(ctx, req)
		if err == nil {
			var pdf []byte
			pdf, err = batch.CredentialsPDF(req.PDFTitle, res.Credentials)
			nb.PDF = &store.BatchFile{Name: req.Prefix + ".pdf", ContentType: "application/pdf", Content: pdf}
		}
	default:
		return nil, inputErr("strategy", fmt.Sprintf("%q is not a valid choice.", req.Strategy))
	}
	if err != nil {
		return nil, err
	}
	for i := range nb.Users {
		nb.Users[i].ExpiresAt = expiresAt
		nb.Users[i].IsActive = true
		nb.Users[i].DateJoined = s.now()
	}
	if err := s.Store.CreateBatch(ctx, nb); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			// Someone took a name between our checks and the insert.
			return nil, inputErr("name", "a batch or user name is already taken ("+err.Error()+"); nothing was saved, try again")
		}
		return nil, err
	}
	res.Batch, res.Users = nb.Batch, nb.Users
	s.mailPasswords(ctx, mails, emails)
	return res, nil
}

// csvUsers turns the rows of a CSV file into users; it returns the
// generated passwords and their e-mail addresses to send.
func (s *Service) csvUsers(ctx context.Context, req BatchRequest) ([]store.User, []batch.Credential, []string, error) {
	rows, err := batch.ParseCSV(req.CSV)
	if err != nil {
		var errs batch.CSVErrors
		if errors.As(err, &errs) {
			msgs := make([]string, len(errs))
			for i, e := range errs {
				msgs[i] = e.Error()
			}
			return nil, nil, nil, inputErr("csvfile", msgs...)
		}
		return nil, nil, nil, inputErr("csvfile", err.Error())
	}
	namer, err := s.namerFor(ctx, rowBases(rows))
	if err != nil {
		return nil, nil, nil, err
	}
	us := make([]store.User, len(rows))
	cleartext := make([]string, len(rows))
	var creds []batch.Credential
	var emails []string
	for i, r := range rows {
		us[i] = store.User{Username: namer.Take(r.Username), Email: r.Email, FirstName: r.FirstName, LastName: r.LastName}
		switch r.PasswordKind() {
		case batch.PasswordCleartext:
			cleartext[i] = r.Cleartext()
		case batch.PasswordHashed:
			us[i].Password = r.Password
		case batch.PasswordGenerated:
			pw, err := s.GeneratePassword()
			if err != nil {
				return nil, nil, nil, err
			}
			cleartext[i] = pw
			creds = append(creds, batch.Credential{Username: us[i].Username, Password: pw})
			emails = append(emails, r.Email)
		}
	}
	if err := s.hashAll(ctx, us, cleartext, req.Progress); err != nil {
		return nil, nil, nil, err
	}
	return us, creds, emails, nil
}

func rowBases(rows []batch.Row) []string {
	bases := make([]string, len(rows))
	for i, r := range rows {
		bases[i] = r.Username
	}
	return bases
}

// namerFor loads the existing usernames that could collide with bases.
func (s *Service) namerFor(ctx context.Context, bases []string) (*batch.Namer, error) {
	seen := map[string]bool{}
	var existing []string
	for _, b := range bases {
		if seen[b] {
			continue
		}
		seen[b] = true
		names, err := s.Store.UsernamesWithPrefix(ctx, b)
		if err != nil {
			return nil, err
		}
		existing = append(existing, names...)
	}
	return batch.NewNamer(existing), nil
}

func (s *Service) prefixUsers(ctx context.Context, req BatchRequest) ([]store.User, []batch.Credential, error) {
	if req.NumberOfUsers > MaxPrefixUsers {
		return nil, nil, inputErr("number_of_users", fmt.Sprintf("Ensure this value is less than or equal to %d.", MaxPrefixUsers))
	}
	namer, err := s.namerFor(ctx, []string{req.Prefix})
	if err != nil {
		return nil, nil, err
	}
	us := make([]store.User, req.NumberOfUsers)
	cleartext := make([]string, req.NumberOfUsers)
	creds := make([]batch.Credential, req.NumberOfUsers)
	for i := range us {
		pw, err := s.GeneratePassword()
		if err != nil {
			return nil, nil, err
		}
		us[i] = store.User{Username: namer.TakePrefixed(req.Prefix)}
		cleartext[i] = pw
		creds[i] = batch.Credential{Username: us[i].Username, Password: pw}
	}
	if err := s.hashAll(ctx, us, cleartext, req.Progress); err != nil {
		return nil, nil, err
	}
	return us, creds, nil
}

// hashAll hashes the cleartext passwords on every core: PBKDF2 with 260000
// iterations costs tens of milliseconds per user. Batch users join the
// default group, so its NT-hash opt-in applies to them. progress, when not
// nil, hears of each hashed password.
func (s *Service) hashAll(ctx context.Context, us []store.User, cleartext []string, progress func(done, total int)) error {
	groups, err := s.defaultGroupNames(ctx)
	if err != nil {
		return err
	}
	want, err := s.wantNTHash(ctx, "", groups)
	if err != nil {
		return err
	}
	total := 0
	for i := range us {
		if cleartext[i] != "" {
			total++
		}
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done int
	)
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				us[i].Password = s.Hash(cleartext[i])
				if want {
					us[i].NTHash = password.NTHash(cleartext[i])
				}
				if progress != nil {
					mu.Lock()
					done++
					progress(done, total)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range us {
		if cleartext[i] != "" {
			next <- i
		} else if us[i].Password == "" {
			us[i].Password = password.Unusable()
		}
	}
	close(next)
	wg.Wait()
	return nil
}

// mailPasswords sends each generated password to its user. Failures are
// logged with the username, never the password: the users exist already.
func (s *Service) mailPasswords(ctx context.Context, creds []batch.Credential, emails []string) {
	for i, c := range creds {
		msg := mail.Message{
			From: s.MailFrom, To: []string{emails[i]}, Subject: s.MailSubject,
			Body: mail.FormatCredentials(s.MailMessage, c.Username, c.Password),
		}
		sender := s.Mail
		if sender == nil {
			sender = mail.LogSender{Logger: s.log()}
		}
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		if err := sender.Send(mctx, msg); err != nil {
			s.log().Error("sending a generated password failed; set a new password for this user",
				"username", c.Username, "to", emails[i], "error", err)
		}
		cancel()
	}
}

// newUUID makes a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := fmt.Sprintf("%x", b[:])
	return strings.Join([]string{h[0:8], h[8:12], h[12:16], h[16:20], h[20:32]}, "-")
}

// defaultGroupNames names the default group, or nothing when there is none.
func (s *Service) defaultGroupNames(ctx context.Context) ([]string, error) {
	def, err := s.Store.DefaultGroup(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return []string{}, nil
	case err != nil:
		return nil, err
	}
	return []string{def.Name}, nil
}
