package rlmrest

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestAcctItemJSON checks appendJSON against encoding/json on items whose
// every field is, at random, null, empty, plain or full of characters
// JSON escapes.
func TestAcctItemJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	texts := []string{"", "alice", `a"b\c`, "tab\tnew\n", "\x01\u2028é", "bad \xff", "<&>"}
	ints := []int64{0, -1, 42, 1 << 40, -1 << 63}
	for range 500 {
		var it acctItem
		v := reflect.ValueOf(&it).Elem()
		for i := range v.NumField() {
			f := v.Field(i)
			switch f.Kind() {
			case reflect.String:
				f.SetString(texts[rng.IntN(len(texts))])
			case reflect.Int64:
				f.SetInt(ints[rng.IntN(len(ints))])
			case reflect.Pointer:
				if rng.IntN(3) == 0 {
					continue // null
				}
				p := reflect.New(f.Type().Elem())
				if p.Elem().Kind() == reflect.String {
					p.Elem().SetString(texts[rng.IntN(len(texts))])
				} else {
					p.Elem().SetInt(ints[rng.IntN(len(ints))])
				}
				f.Set(p)
			default:
				t.Fatalf("acctItem field %s of kind %s: teach this test (and appendJSON) about it", v.Type().Field(i).Name, f.Kind())
			}
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(&it); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if got := it.appendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("appendJSON:\n%s\nencoding/json:\n%s", got, want)
		}
	}
}
