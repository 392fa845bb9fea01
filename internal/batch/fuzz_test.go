package batch

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

func FuzzParseCSV(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"",
		"\n\n",
		",,kim@example.com,,\n",
		"a,,a@example.com,,\na,,a@example.com,,\n",
		"\"a\nb\",,x@example.com,,\n",
		"a,\"b\"\"c\",x@[::1],,\r\n",
		"a;b;c@d.ef;;\n",
		"\ufeffjürgen,cleartext$x,j@bücher.de,,\n",
		"kim,,kim@example.com,\x00,\n",
		"ki\"m,,k@example.com,,\n",
		"\"kim,,k@example.com,,\n",
		"\xff\xfek\x00,\x00,\x00k\x00@\x00e\x00.\x00d\x00e\x00,\x00,\x00\n\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseCSV(data)
		lines := bytes.Count(data, []byte("\n")) + 1
		if err != nil {
			if rows != nil {
				t.Fatalf("rows and error: %v", err)
			}
			var errs CSVErrors
			if !errors.As(err, &errs) {
				t.Fatalf("error %T is not CSVErrors: %v", err, err)
			}
			if len(errs) == 0 || len(errs) > maxErrors+1 {
				t.Fatalf("%d errors", len(errs))
			}
			for _, e := range errs {
				if e.Line < 0 || e.Line > lines || e.Msg == "" {
					t.Fatalf("error %+v outside the input's %d lines", e, lines)
				}
			}
			return
		}
		if len(rows) == 0 {
			t.Fatal("no rows and no error")
		}
		prev := 0
		for _, r := range rows {
			if r.Line <= prev || r.Line > lines {
				t.Fatalf("row line %d after %d, input has %d lines", r.Line, prev, lines)
			}
			prev = r.Line
			if u, err := CleanUsername(r.Username); err != nil || u != r.Username {
				t.Fatalf("username %q: %q, %v", r.Username, u, err)
			}
			if !ValidEmail(r.Email) || utf8.RuneCountInString(r.Email) > MaxEmailLen || normalizeEmail(r.Email) != r.Email {
				t.Fatalf("email %q", r.Email)
			}
			for _, s := range []string{r.Username, r.Password, r.Email, r.FirstName, r.LastName} {
				if !utf8.ValidString(s) || bytes.IndexByte([]byte(s), 0) >= 0 {
					t.Fatalf("field %q", s)
				}
			}
			if utf8.RuneCountInString(r.FirstName) > MaxNameLen || utf8.RuneCountInString(r.LastName) > MaxNameLen {
				t.Fatalf("names %q %q", r.FirstName, r.LastName)
			}
			switch r.PasswordKind() {
			case PasswordCleartext:
				if r.Cleartext() == "" {
					t.Fatal("empty cleartext")
				}
			case PasswordHashed:
				if r.Password == "" || utf8.RuneCountInString(r.Password) > MaxPasswordLen {
					t.Fatalf("hash %q", r.Password)
				}
			}
		}
	})
}
