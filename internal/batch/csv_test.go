package batch

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestParseCSV(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []Row
	}{
		{"one row", "kim,cleartext$pw,kim@example.com,Kim,Lee\n",
			[]Row{{1, "kim", "cleartext$pw", "kim@example.com", "Kim", "Lee"}}},
		{"no final newline", "kim,,kim@example.com,,",
			[]Row{{1, "kim", "", "kim@example.com", "", ""}}},
		{"crlf", "a,,a@example.com,,\r\nb,,b@example.com,,\r\n",
			[]Row{{1, "a", "", "a@example.com", "", ""}, {2, "b", "", "b@example.com", "", ""}}},
		{"empty and blank lines skipped, numbering kept", "\n\na,,a@example.com,,\n   \n\t\nb,,b@example.com,,\n\n",
			[]Row{{3, "a", "", "a@example.com", "", ""}, {6, "b", "", "b@example.com", "", ""}}},
		{"username from e-mail", ",,rohith@openwisp.com,,\n",
			[]Row{{1, "rohith", "", "rohith@openwisp.com", "", ""}}},
		{"username from e-mail keeps dots and plus", ",,first.last+tag@example.com,,\n",
			[]Row{{1, "first.last+tag", "", "first.last+tag@example.com", "", ""}}},
		{"quoted fields", `"kim","cleartext$a,b ""c""","kim@example.com","Lee, Kim","O'Neil"` + "\n",
			[]Row{{1, "kim", `cleartext$a,b "c"`, "kim@example.com", "Lee, Kim", "O'Neil"}}},
		{"quoted field across lines", "\"kim\",,kim@example.com,\"multi\nline\",x\nbo,,bo@example.com,,\n",
			[]Row{{1, "kim", "", "kim@example.com", "multi\nline", "x"}, {3, "bo", "", "bo@example.com", "", ""}}},
		{"spaces trimmed except in the password", " kim ,cleartext$ pw ,  kim@example.com , Kim , Lee \n",
			[]Row{{1, "kim", "cleartext$ pw ", "kim@example.com", "Kim", "Lee"}}},
		{"e-mail domain lower-cased, local part kept", "Kim,,Kim.Lee@Example.COM,,\n",
			[]Row{{1, "Kim", "", "Kim.Lee@example.com", "", ""}}},
		{"unicode username", "jürgen,,j@example.com,Jürgen,Müller\n",
			[]Row{{1, "jürgen", "", "j@example.com", "Jürgen", "Müller"}}},
		{"username NFKC-normalised like Django", "ｋｉｍ,,k@example.com,,\n",
			[]Row{{1, "kim", "", "k@example.com", "", ""}}},
		{"utf-8 bom", "\ufeffkim,,kim@example.com,,\n",
			[]Row{{1, "kim", "", "kim@example.com", "", ""}}},
		{"pre-hashed password", "kim,pbkdf2_sha256$100000$salt$hash=,kim@example.com,,\n",
			[]Row{{1, "kim", "pbkdf2_sha256$100000$salt$hash=", "kim@example.com", "", ""}}},
		{"unusable password marker", "kim,!abc,kim@example.com,,\n",
			[]Row{{1, "kim", "!abc", "kim@example.com", "", ""}}},
		{"unsalted md5", "kim,5f4dcc3b5aa765d61d8327deb882cf99,kim@example.com,,\n",
			[]Row{{1, "kim", "5f4dcc3b5aa765d61d8327deb882cf99", "kim@example.com", "", ""}}},
		{"duplicate usernames are the Namer's business", "kim,,a@example.com,,\nkim,,b@example.com,,\n",
			[]Row{{1, "kim", "", "a@example.com", "", ""}, {2, "kim", "", "b@example.com", "", ""}}},
		{"limits reached exactly", strings.Repeat("u", 150) + ",," + strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61) + "," + strings.Repeat("ä", 150) + "," + strings.Repeat("ö", 150) + "\n",
			[]Row{{1, strings.Repeat("u", 150), "", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61), strings.Repeat("ä", 150), strings.Repeat("ö", 150)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCSV([]byte(tc.in))
			if err != nil {
				t.Fatalf("ParseCSV: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func utf16Bytes(s string, bigEndian bool) []byte {
	units := utf16.Encode([]rune("\ufeff" + s))
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

func TestParseCSVUTF16(t *testing.T) {
	in := "jürgen,,j@example.com,,\n𝔘ser,,u@example.com,Łukasz,\n"
	want := []Row{{1, "jürgen", "", "j@example.com", "", ""}, {2, "User", "", "u@example.com", "Łukasz", ""}}
	for _, be := range []bool{false, true} {
		got, err := ParseCSV(utf16Bytes(in, be))
		if err != nil {
			t.Fatalf("bigEndian=%v: %v", be, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("bigEndian=%v: got %+v, want %+v", be, got, want)
		}
	}
}

// wantErr is one expected CSVError: its line, field, and a part of its text.
type wantErr struct {
	line  int
	field string
	text  string
}

func TestParseCSVErrors(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	good := "ok,,ok@example.com,,\n"
	for _, tc := range []struct {
		name string
		in   []byte
		want []wantErr
	}{
		{"empty file", nil, []wantErr{{0, "", "the file has no rows"}}},
		{"only blank lines", []byte("\n\n  \n"), []wantErr{{0, "", "no rows"}}},
		{"only a bom", []byte("\ufeff"), []wantErr{{0, "", "no rows"}}},
		{"four columns", []byte(good + good + "a,b,a@example.com,c\n"),
			[]wantErr{{3, "", "line 3: expected 5 columns (username,password,email,first_name,last_name), got 4"}}},
		{"six columns", []byte("a,,a@example.com,,,\n"), []wantErr{{1, "", "got 6"}}},
		{"one column", []byte("kim\n"), []wantErr{{1, "", "got 1"}}},
		{"semicolons", []byte("kim;;kim@example.com;;\n"), []wantErr{{1, "", "separated by semicolons"}}},
		{"tabs", []byte("kim\t\tkim@example.com\t\t\n"), []wantErr{{1, "", "separated by tabs"}}},
		{"header row", []byte("username,password,email,first_name,last_name\n" + good),
			[]wantErr{{1, "", "line 1: this looks like a header line"}}},
		{"bare quote", []byte(good + "ki\"m,,kim@example.com,,\n"), []wantErr{{2, "", `a " inside a field`}}},
		{"unclosed quote", []byte(good + good + "\"kim,,kim@example.com,,\n"), []wantErr{{3, "", "not closed"}}},
		{"text after closing quote", []byte("\"kim\"x,,kim@example.com,,\n"), []wantErr{{1, "", "not closed"}}},
		{"invalid utf-8", []byte(good + good + "j\xfcrgen,,j@example.com,,\n"), []wantErr{{3, "", "line 3: the file is not valid UTF-8"}}},
		{"latin-1 on line 1", []byte("kim,,kim@example.com,J\xf6rg,\n"), []wantErr{{1, "", "not valid UTF-8"}}},
		{"utf-16 odd length", append(utf16Bytes(good+good, false), 'x'), []wantErr{{3, "", "not valid UTF-16"}}},
		{"utf-16 lone surrogate", append(utf16Bytes(good, false), 0x00, 0xD8, 'a', 0), []wantErr{{2, "", "not valid UTF-16"}}},
		{"no e-mail", []byte(good + "kim,,,,\n"), []wantErr{{2, "email", "line 2: email is empty"}}},
		{"no e-mail nor username", []byte(",,,,\n"), []wantErr{{1, "email", "email is empty"}}},
		{"e-mail without @", []byte("kim,,kim.example.com,,\n"), []wantErr{{1, "email", `email "kim.example.com" is not a valid`}}},
		{"e-mail without dot in domain", []byte("kim,,kim@example,,\n"), []wantErr{{1, "email", "not a valid"}}},
		{"e-mail too long", []byte("kim,,kim@" + long(250) + ".com,,\n"), []wantErr{{1, "email", "email is 258 characters long; at most 254"}}},
		{"username too long", []byte(long(151) + ",,kim@example.com,,\n"), []wantErr{{1, "username", "username is 151 characters long; at most 150"}}},
		{"username with space", []byte("kim lee,,kim@example.com,,\n"), []wantErr{{1, "username", `username "kim lee" may contain only letters, digits and @ . + - _`}}},
		{"username from e-mail invalid", []byte(",,o'neil@example.com,,\n"),
			[]wantErr{{1, "username", `username "o'neil" may contain only letters, digits and @ . + - _ (it was taken from the e-mail`}}},
		{"username from e-mail too long", []byte(",," + long(64) + long(100) + "@example.com,,\n"),
			[]wantErr{{1, "username", "164 characters long; at most 150"}}},
		{"first name too long", []byte("kim,,kim@example.com," + long(151) + ",\n"), []wantErr{{1, "first_name", "first_name is 151 characters long; at most 150"}}},
		{"last name too long in characters", []byte("kim,,kim@example.com,," + strings.Repeat("é", 151) + "\n"), []wantErr{{1, "last_name", "last_name is 151 characters"}}},
		{"empty cleartext", []byte("kim,cleartext$,kim@example.com,,\n"), []wantErr{{1, "password", "sets an empty password"}}},
		{"hash too long", []byte("kim,md5$" + long(130) + ",kim@example.com,,\n"), []wantErr{{1, "password", "134 characters long; at most 128"}}},
		{"NUL in a field", []byte("kim,,kim@example.com,K\x00m,\n"), []wantErr{{1, "first_name", "NUL"}}},
		{"error in a multi-line field names its line", []byte("kim,,kim@example.com,\"a\nb\"," + long(151) + "\n"),
			[]wantErr{{2, "last_name", "line 2: last_name is 151"}}},
		{"all problems, in line order", []byte(good + "a,b,c\n" + good + "bad,,bad@,,\n" + "x y,,x@example.com," + long(151) + ",\n"),
			[]wantErr{{2, "", "got 3"}, {4, "email", "not a valid"}, {5, "username", "may contain only"}, {5, "first_name", "at most 150"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := ParseCSV(tc.in)
			if err == nil {
				t.Fatalf("no error; rows %+v", rows)
			}
			if rows != nil {
				t.Errorf("rows %+v returned with an error", rows)
			}
			var errs CSVErrors
			if !errors.As(err, &errs) {
				t.Fatalf("error %T %v is not CSVErrors", err, err)
			}
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors, want %d: %v", len(errs), len(tc.want), err)
			}
			for i, w := range tc.want {
				e := errs[i]
				if e.Line != w.line || e.Field != w.field || !strings.Contains(e.Error(), w.text) {
					t.Errorf("error %d = {Line:%d Field:%q} %q; want {Line:%d Field:%q} containing %q",
						i, e.Line, e.Field, e.Error(), w.line, w.field, w.text)
				}
			}
		})
	}
}

func TestParseCSVErrorsCapped(t *testing.T) {
	exactly := strings.Repeat("a;b;c\n", maxErrors)
	if _, err := ParseCSV([]byte(exactly)); len(err.(CSVErrors)) != maxErrors {
		t.Errorf("%d problems reported as %d: %v", maxErrors, len(err.(CSVErrors)), err)
	}

	in := strings.Repeat("a;b;c\n", 100)
	_, err := ParseCSV([]byte(in))
	var errs CSVErrors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v is not CSVErrors", err)
	}
	if len(errs) != maxErrors+1 {
		t.Fatalf("got %d errors, want %d", len(errs), maxErrors+1)
	}
	if last := errs[maxErrors]; last.Line != 0 || !strings.Contains(last.Msg, "too many problems") {
		t.Errorf("last error = %+v", last)
	}
	if errs[maxErrors-1].Line != maxErrors {
		t.Errorf("error %d is on line %d", maxErrors-1, errs[maxErrors-1].Line)
	}
}

func TestPasswordKind(t *testing.T) {
	for _, tc := range []struct {
		column    string
		kind      PasswordKind
		cleartext string
	}{
		{"", PasswordGenerated, ""},
		{"cleartext$s3cret", PasswordCleartext, "s3cret"},
		{"cleartext$a$b", PasswordCleartext, "a$b"},
		{"cleartext$ spaced ", PasswordCleartext, " spaced "},
		{"Cleartext$x", PasswordHashed, ""},
		{"pbkdf2_sha256$260000$salt$hash", PasswordHashed, ""},
	} {
		r := Row{Password: tc.column}
		if k := r.PasswordKind(); k != tc.kind {
			t.Errorf("%q: kind %v, want %v", tc.column, k, tc.kind)
		}
		if c := r.Cleartext(); c != tc.cleartext {
			t.Errorf("%q: cleartext %q, want %q", tc.column, c, tc.cleartext)
		}
	}
}

func TestParseCSVSampleFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample files: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := ParseCSV(data)
		if strings.HasPrefix(filepath.Base(f), "bad_") {
			if err == nil {
				t.Errorf("%s: accepted", f)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", f, err)
		} else if len(rows) == 0 {
			t.Errorf("%s: no rows", f)
		}
	}
}

// A password column that is neither empty nor cleartext$ is kept verbatim,
// even when it is no hash: django-freeradius stored it as a password nobody
// can use, and the contract keeps that.
func TestParseCSVKeepsAnyOtherPasswordVerbatim(t *testing.T) {
	rows, err := ParseCSV([]byte("kim,hunter2,kim@example.com,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].PasswordKind() != PasswordHashed || rows[0].Password != "hunter2" {
		t.Fatalf("row %+v", rows[0])
	}
}
