// Package admin is goradius's administration service: users, radius groups
// with their check and reply items, memberships, NAS entries, batches,
// radius tokens, accounting sessions and the post-auth log, plus the
// maintenance tasks of django-freeradius's management commands. It holds
// the business rules and the validation; the CLI and the admin REST API
// are thin layers over it.
//
// Errors: a caller's mistake is an *InputError (field -> messages, for a
// 400 or a CLI message), a missing thing wraps store.ErrNotFound (404),
// anything else is a server error. A taken name is an *InputError on the
// field that names it.
//
// Lists take a filter, an offset and a limit (no limit when limit <= 0)
// and return the page and the total count of matches.
//
// The values returned are the package's own view types, whose JSON form
// is what both `goradius ... --json` and the admin API print: no password
// hash, NT hash or other secret of a user ever appears in them.
package admin

import (
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/users"
)

// Service is the administration service.
type Service struct {
	Store store.Store
	// Users hashes passwords (and NT hashes) and creates batches.
	Users *users.Service
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TimeZone decides calendar days (batch expiration dates); nil is UTC.
	TimeZone *time.Location
	Log      *slog.Logger
}

// New returns a Service over st, using us for passwords and batches and
// its clock, time zone and logger.
func New(st store.Store, us *users.Service) *Service {
	return &Service{Store: st, Users: us, Now: us.Now, TimeZone: us.TimeZone, Log: us.Log}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) zone() *time.Location {
	if s.TimeZone != nil {
		return s.TimeZone
	}
	return time.UTC
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// InputError is a caller's mistake: messages per input field. The REST
// layer answers 400 with Fields as the body ({"field": ["message"]}).
type InputError struct {
	Fields map[string][]string
}

// Add appends a message to a field.
func (e *InputError) Add(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string][]string{}
	}
	e.Fields[field] = append(e.Fields[field], msg)
}

// Error lists the fields in name order: "field: message; field: message".
func (e *InputError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	var parts []string
	for _, f := range names {
		for _, m := range e.Fields[f] {
			parts = append(parts, f+": "+m)
		}
	}
	return strings.Join(parts, "; ")
}

// err returns e as an error when it holds a message, else nil.
func (e *InputError) err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// inputErr is an InputError of one message.
func inputErr(field, format string, a ...any) *InputError {
	e := &InputError{}
	e.Add(field, fmt.Sprintf(format, a...))
	return e
}

// IsInputError reports whether err is a caller's mistake and returns it.
func IsInputError(err error) (*InputError, bool) {
	var ie *InputError
	if errors.As(err, &ie) {
		return ie, true
	}
	return nil, false
}

// fromUsers turns the users service's input errors into InputErrors.
func fromUsers(err error) error {
	var ue *users.InputError
	if errors.As(err, &ue) {
		e := &InputError{}
		field := ue.Field
		if field == "" {
			field = "non_field_errors"
		}
		for _, m := range ue.Msgs {
			e.Add(field, m)
		}
		return e
	}
	return err
}

// notFound wraps store.ErrNotFound with a message naming what is missing.
func notFound(format string, a ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, a...), store.ErrNotFound)
}

// checkPage refuses a negative offset.
func checkPage(offset int) error {
	if offset < 0 {
		return inputErr("offset", "must be 0 or more, got %d", offset)
	}
	return nil
}

// text checks a free-text input: storable by every database, at most max
// characters. It adds its messages to e.
func text(e *InputError, field, v string, max int) {
	if !store.Storable(v) {
		e.Add(field, "must be valid UTF-8 text without NUL characters")
		return
	}
	if n := utf8.RuneCountInString(v); n > max {
		e.Add(field, fmt.Sprintf("is %d characters long; at most %d are allowed", n, max))
	}
}

// name checks a name that FreeRADIUS's tables key on (a groupname, a NAS
// name, an attribute): not empty, printable, without spaces at either end
// (MySQL would compare "a" and "a " as equal), at most max characters.
func name(e *InputError, field, v string, max int) {
	switch {
	case v == "":
		e.Add(field, "may not be empty")
	case !store.Storable(v):
		e.Add(field, "must be valid UTF-8 text without NUL characters")
	case strings.TrimSpace(v) != v:
		e.Add(field, fmt.Sprintf("%q has spaces at its start or end", v))
	case strings.IndexFunc(v, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		e.Add(field, fmt.Sprintf("%q has control characters", v))
	case utf8.RuneCountInString(v) > max:
		e.Add(field, fmt.Sprintf("is %d characters long; at most %d are allowed", utf8.RuneCountInString(v), max))
	}
}

// utc returns a copy of t in UTC, or nil.
func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
