package httpx

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

// TestFlatJSON checks which bodies the flat decoder takes, and that each
// one it takes decodes exactly as encoding/json decodes it.
func TestFlatJSON(t *testing.T) {
	for _, c := range []struct {
		body string
		flat bool
	}{
		{`{"status_type": "Start", "session_id": "5a4f", "session_time": 261, "x": null, "y": true, "z": false}`, true},
		{" \r\n\t{ \"a\" :\"b\" , \"c\":-0.5e+3 } \n", true},
		{`{}`, true},
		{` { } `, true},
		{`{"a": "1", "a": "2"}`, true},
		{`{"": ""}`, true},
		{`{"a": 0}`, true},
		{`{"a": 1.25E-2}`, true},
		{`{"a": "\u00e9"}`, false},
		{`{"a": "x\"y"}`, false},
		{`{"a": {"value": ["b"]}}`, false},
		{`{"a": [1]}`, false},
		{`{"a": 01}`, false},
		{`{"a": -}`, false},
		{`{"a": 1.}`, false},
		{`{"a": 1e}`, false},
		{`{"a": .5}`, false},
		{`{"a": nul}`, false},
		{`{"a": tru}`, false},
		{`{"a": "b",}`, false},
		{`{"a" "b"}`, false},
		{`{"a": "b"`, false},
		{`{"a": "b"} x`, false},
		{`{"a": "b"}{}`, false},
		{`{a: "b"}`, false},
		{"{\"a\": \"b\x01\"}", false},
		{`[1, 2]`, false},
		{`"a"`, false},
		{``, false},
	} {
		got, ok := decodeFlatJSON([]byte(c.body))
		if ok != c.flat {
			t.Errorf("%q: flat %v, want %v", c.body, ok, c.flat)
			continue
		}
		if ok {
			want, derr := decodeAnyJSON([]byte(c.body))
			if derr != nil {
				t.Errorf("%q: flat decoder took what encoding/json refuses: %v", c.body, derr)
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%q: flat %#v, encoding/json %#v", c.body, got.Fields, want.Fields)
			}
		}
	}
}

// FuzzFlatJSON checks that whatever the flat decoder takes, encoding/json
// takes too and decodes the same.
func FuzzFlatJSON(f *testing.F) {
	for _, s := range []string{
		`{"username": "alice", "password": "pw", "session_time": 261, "x": null, "y": true}`,
		`{"a": -1.5e10}`, `{}`, `{"a": {"b": 1}}`, `{"a": "b",}`, `{"a": 1}x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !utf8.Valid(body) {
			return // decodeJSON refuses it before either decoder
		}
		got, ok := decodeFlatJSON(body)
		if !ok {
			return
		}
		want, derr := decodeAnyJSON(body)
		if derr != nil {
			t.Fatalf("%q: flat decoder took what encoding/json refuses: %v", body, derr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: flat %#v, encoding/json %#v", body, got.Fields, want.Fields)
		}
	})
}
