// Package batch holds the logic of batch user creation that needs neither a
// database nor HTTP: reading the uploaded CSV file, choosing free usernames,
// generating passwords and rendering the PDF of generated credentials.
//
// The behaviour follows django-freeradius's batch feature (see
// features.md 1.7-1.9), except that a file is accepted or refused as a whole:
// every problem is reported with its line, and nothing is half-imported.
package batch

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Field names used in CSVError.Field, in column order.
const (
	FieldUsername  = "username"
	FieldPassword  = "password"
	FieldEmail     = "email"
	FieldFirstName = "first_name"
	FieldLastName  = "last_name"
)

// Column limits of Django's auth_user, which goradius's users table keeps.
const (
	MaxUsernameLen = 150
	MaxEmailLen    = 254
	MaxNameLen     = 150
	MaxPasswordLen = 128 // the encoded hash column
)

// maxErrors bounds the problems reported for one file: a file that is wrong
// throughout (say, semicolon-separated) should not produce thousands of them.
const maxErrors = 20

const columnsHint = "username,password,email,first_name,last_name"

// Row is one user of a CSV file, after validation.
type Row struct {
	// Line is the 1-based line of the file where the row starts.
	Line int
	// Username is never empty: an empty column is replaced by the local part
	// of the e-mail. It is NFKC-normalised, as Django stores it, but not yet
	// de-duplicated (see Namer).
	Username string
	// Password is the column as written; see PasswordKind.
	Password string
	// Email has its domain lower-cased, as Django's normalize_email does.
	Email     string
	FirstName string
	LastName  string
}

// PasswordKind says what the password column of a row asks for.
type PasswordKind int

const (
	// PasswordGenerated: the column is empty; generate a random password
	// and send it to the user.
	PasswordGenerated PasswordKind = iota
	// PasswordCleartext: the column is "cleartext$<password>"; hash
	// <password> (see Row.Cleartext).
	PasswordCleartext
	// PasswordHashed: the column is an encoded Django password hash (or an
	// unusable "!..." marker), stored verbatim.
	PasswordHashed
)

func (k PasswordKind) String() string {
	switch k {
	case PasswordGenerated:
		return "generated"
	case PasswordCleartext:
		return "cleartext"
	case PasswordHashed:
		return "hashed"
	}
	return fmt.Sprintf("PasswordKind(%d)", int(k))
}

const cleartextPrefix = "cleartext$"

// PasswordKind classifies the row's password column.
func (r Row) PasswordKind() PasswordKind {
	switch {
	case r.Password == "":
		return PasswordGenerated
	case strings.HasPrefix(r.Password, cleartextPrefix):
		return PasswordCleartext
	}
	return PasswordHashed
}

// Cleartext returns the password to hash when PasswordKind is
// PasswordCleartext (everything after the first "cleartext$"), else "".
func (r Row) Cleartext() string {
	if r.PasswordKind() != PasswordCleartext {
		return ""
	}
	return r.Password[len(cleartextPrefix):]
}

// CSVError is one problem of a CSV file.
type CSVError struct {
	// Line is the 1-based line of the problem, or 0 when it concerns the
	// whole file (an empty file, say).
	Line int
	// Field is the column at fault (FieldUsername, ...), or "" when the
	// problem is the line or the file.
	Field string
	// Msg says what is wrong and, where it helps, how to fix it.
	Msg string
}

func (e *CSVError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// CSVErrors is the error ParseCSV returns when it refuses a file: every
// problem found, in line order (at most 20, then a last entry saying the
// list was cut). Handlers can show one message per element.
type CSVErrors []*CSVError

func (es CSVErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// ParseCSV reads a batch CSV file: no header, one user per line with the
// five columns username,password,email,first_name,last_name, standard CSV
// quoting, empty (or blank) lines skipped. The file must be UTF-8, with or
// without a byte-order mark; UTF-16 with a byte-order mark is converted.
//
// It is all or nothing: either every row is valid and all are returned, or
// the error is a CSVErrors naming each problem and its line.
func ParseCSV(data []byte) ([]Row, error) {
	text, derr := decodeText(data)
	if derr != nil {
		return nil, CSVErrors{derr}
	}

	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1 // counted here, to say which line and how many

	var rows []Row
	var errs CSVErrors
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("read csv: %w", err)
			}
			// After a quoting error the reader's idea of where fields
			// start is unreliable, so stop here.
			errs = append(errs, &CSVError{Line: pe.Line, Msg: quoteProblem(pe.Err)})
			break
		}
		line, _ := cr.FieldPos(0)
		if blankRecord(rec) {
			continue
		}
		if len(rec) != 5 {
			errs = append(errs, &CSVError{Line: line, Msg: columnProblem(rec)})
		} else {
			row, rowErrs := parseRecord(rec, func(col int) int {
				l, _ := cr.FieldPos(col)
				return l
			})
			row.Line = line
			if len(rowErrs) == 0 {
				rows = append(rows, row)
			}
			errs = append(errs, rowErrs...)
		}
		if len(errs) > maxErrors {
			errs = append(errs[:maxErrors], &CSVError{
				Msg: fmt.Sprintf("too many problems: stopped after the first %d", maxErrors),
			})
			break
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(rows) == 0 {
		return nil, CSVErrors{{Msg: "the file has no rows (expected lines of " + columnsHint + ")"}}
	}
	return rows, nil
}

// parseRecord validates one 5-column record. fieldLine gives the line
// where a column starts (it differs from the row's for multi-line quoted
// fields).
func parseRecord(rec []string, fieldLine func(col int) int) (Row, CSVErrors) {
	// Problems are collected per column so they are reported in column
	// order, although the e-mail must be checked before the username.
	var byCol [5]CSVErrors
	bad := func(col int, format string, args ...any) {
		byCol[col] = append(byCol[col], &CSVError{Line: fieldLine(col), Field: columns[col], Msg: fmt.Sprintf(format, args...)})
	}
	flat := func() CSVErrors {
		var errs CSVErrors
		for _, e := range byCol {
			errs = append(errs, e...)
		}
		return errs
	}

	if looksLikeHeader(rec) {
		return Row{}, CSVErrors{{Line: fieldLine(0), Msg: "this looks like a header line; the file must have none, only users"}}
	}
	for col, name := range columns {
		// PostgreSQL cannot store NUL in text columns.
		if strings.IndexByte(rec[col], 0) >= 0 {
			bad(col, "%s contains a NUL character", name)
		}
	}
	if errs := flat(); len(errs) > 0 {
		return Row{}, errs
	}

	// Surrounding spaces are never meant (Django's forms strip them too);
	// the password is the exception, it is taken as written.
	r := Row{
		Username:  strings.TrimSpace(rec[0]),
		Password:  rec[1],
		Email:     strings.TrimSpace(rec[2]),
		FirstName: strings.TrimSpace(rec[3]),
		LastName:  strings.TrimSpace(rec[4]),
	}

	emailOK := false
	switch n := utf8.RuneCountInString(r.Email); {
	case n == 0:
		bad(2, "email is empty; every row needs an e-mail address")
	case n > MaxEmailLen:
		bad(2, "email is %d characters long; at most %d are allowed", n, MaxEmailLen)
	case !ValidEmail(r.Email):
		bad(2, "email %q is not a valid e-mail address", r.Email)
	default:
		emailOK = true
		r.Email = normalizeEmail(r.Email)
	}

	if r.Username != "" {
		u, err := CleanUsername(r.Username)
		if err != nil {
			bad(0, "%v", err)
		}
		r.Username = u
	} else if emailOK {
		local := r.Email[:strings.LastIndexByte(r.Email, '@')]
		u, err := CleanUsername(local)
		if err != nil {
			bad(0, "%v (it was taken from the e-mail because the username column is empty; write a username there)", err)
		}
		r.Username = u
	}

	switch r.PasswordKind() {
	case PasswordCleartext:
		if r.Cleartext() == "" {
			bad(1, "password %q sets an empty password; write one after the $, or leave the column empty to have one generated", cleartextPrefix)
		}
	case PasswordHashed:
		if n := utf8.RuneCountInString(r.Password); n > MaxPasswordLen {
			bad(1, "password hash is %d characters long; at most %d are allowed", n, MaxPasswordLen)
		}
		// Anything else is stored verbatim as a Django hash, as the contract
		// says; a value that is no hash is a password nobody can use.
	}

	for _, name := range []struct {
		col  int
		text string
	}{{3, r.FirstName}, {4, r.LastName}} {
		if n := utf8.RuneCountInString(name.text); n > MaxNameLen {
			bad(name.col, "%s is %d characters long; at most %d are allowed", columns[name.col], n, MaxNameLen)
		}
	}
	return r, flat()
}

var columns = [5]string{FieldUsername, FieldPassword, FieldEmail, FieldFirstName, FieldLastName}

// looksLikeHeader spots a header line such as
// "username,password,email,first_name,last_name".
func looksLikeHeader(rec []string) bool {
	norm := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	u, e := norm(rec[0]), norm(rec[2])
	return (u == "username" || u == "user") && (e == "email" || e == "e-mail" || e == "mail")
}

func blankRecord(rec []string) bool {
	return len(rec) == 1 && strings.TrimSpace(rec[0]) == ""
}

func columnProblem(rec []string) string {
	msg := fmt.Sprintf("expected 5 columns (%s), got %d", columnsHint, len(rec))
	if len(rec) == 1 {
		for _, sep := range []string{";", "\t"} {
			if strings.Count(rec[0], sep) == 4 {
				name := map[string]string{";": "semicolons", "\t": "tabs"}[sep]
				msg += fmt.Sprintf(" (the columns seem to be separated by %s; separate them with commas)", name)
				break
			}
		}
	}
	return msg
}

func quoteProblem(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return `a " inside a field that does not start with one; put the whole field in double quotes and double the " inside it`
	case errors.Is(err, csv.ErrQuote):
		return `a quoted field is not closed, or has text after its closing "`
	}
	return "malformed CSV: " + err.Error()
}

// decodeText turns the upload into a Go string: a UTF-8 byte-order mark is
// dropped, UTF-16 with a byte-order mark (what some spreadsheet programs
// write as "Unicode") is converted, anything else must be valid UTF-8.
func decodeText(data []byte) (string, *CSVError) {
	switch {
	case len(data) >= 2 && data[0] == 0xFF && data[1] == 0xFE:
		return decodeUTF16(data[2:], false)
	case len(data) >= 2 && data[0] == 0xFE && data[1] == 0xFF:
		return decodeUTF16(data[2:], true)
	}
	s := strings.TrimPrefix(string(data), "\uFEFF")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return "", &CSVError{
				Line: 1 + strings.Count(s[:i], "\n"),
				Msg:  "the file is not valid UTF-8; save it as CSV UTF-8",
			}
		}
		i += size
	}
	return s, nil
}

func decodeUTF16(b []byte, bigEndian bool) (string, *CSVError) {
	var sb strings.Builder
	sb.Grow(len(b))
	line := 1
	bad := func() (string, *CSVError) {
		return "", &CSVError{Line: line, Msg: "the file is not valid UTF-16; save it as CSV UTF-8"}
	}
	if len(b)%2 != 0 {
		// Report the odd byte at the line it ends.
		for i := 0; i+1 < len(b); i += 2 {
			if unit(b, i, bigEndian) == '\n' {
				line++
			}
		}
		return bad()
	}
	for i := 0; i < len(b); i += 2 {
		u := unit(b, i, bigEndian)
		r := rune(u)
		if utf16.IsSurrogate(r) {
			if u >= 0xDC00 || i+3 >= len(b) {
				return bad()
			}
			r = utf16.DecodeRune(r, rune(unit(b, i+2, bigEndian)))
			if r == unicode.ReplacementChar {
				return bad()
			}
			i += 2
		}
		if r == '\n' {
			line++
		}
		sb.WriteRune(r)
	}
	return sb.String(), nil
}

func unit(b []byte, i int, bigEndian bool) uint16 {
	if bigEndian {
		return uint16(b[i])<<8 | uint16(b[i+1])
	}
	return uint16(b[i+1])<<8 | uint16(b[i])
}
