package httpx

import (
	"encoding/json"
	"testing"
)

// Field names from outside (unknown JSON keys) may hold any character: the
// answer must stay valid JSON.
func TestFieldErrorsAnyName(t *testing.T) {
	for _, name := range []string{"plain", "ctl\x01\x1f", "quote\"back\\slash", "nl\nx", "é日本", "<tag>&amp;", "\u2028"} {
		var e FieldErrors
		e.Add(name, "bad")
		b, err := e.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var m map[string][]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%q: invalid JSON %s: %v", name, b, err)
		}
		if len(m[name]) != 1 || m[name][0] != "bad" {
			t.Fatalf("%q: decoded %v", name, m)
		}
	}
}
