package rlmrest

import "testing"

func TestUndoByteEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"\u00C3\u00BCn-\u00F0\u009F\u0094\u0091": "ün-🔑", // FreeRADIUS's per-byte escapes of UTF-8
		"j\u00C3\u00BCrgen":                      "jürgen",
		"plain":                                  "plain",
		"ü":                                      "ü", // a real U+00FC: its byte alone is no UTF-8
		"ünïcode ok 🔑":                           "ünïcode ok 🔑",
		"\u00C3(":                                "\u00C3(", // invalid as bytes: kept
	} {
		if got := undoByteEscapes(in); got != want {
			t.Errorf("undoByteEscapes(%q) = %q, want %q", in, got, want)
		}
	}
}
