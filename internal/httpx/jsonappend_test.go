package httpx

import (
	"bytes"
	"encoding/json"
	"testing"
)

// encodingJSON is what JSON writes for s.
func encodingJSON(t testing.TB, s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{
		"", "alice", `a"b\c`, "<&>", "tab\there\nnew\rret\bback\fform",
		"\x00\x01\x1f\x7f", "é ü 漢字 😀", "\u2028\u2029", "bad \xff\xfe utf8 \xc3",
		"10.0.0.1", "2026-11-25T03:00:00+01:00", "\xed\xa0\x80",
	} {
		got := string(AppendJSONString([]byte("x"), s))
		if want := "x" + encodingJSON(t, s); got != want {
			t.Errorf("%q: %s, encoding/json %s", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "alice", `"\`, "\x00\n\u2028", "\xff", "😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendJSONString(nil, s)), encodingJSON(t, s); got != want {
			t.Fatalf("%q: %s, encoding/json %s", s, got, want)
		}
	})
}
