package httpx

import "bytes"

// decodeFlatJSON decodes the body FreeRADIUS's rest module sends with
// django-freeradius's templates: one object whose values are strings
// without escapes, numbers, booleans or null. It returns false for
// anything else (nested values, escapes, any syntax error), which the
// general decoder then reads and, if need be, reports; what it accepts,
// it decodes exactly as that decoder would. Keys and values are parts of
// one copy of the body: the general decoder's map of interfaces and its
// strings were a sixth of the server's CPU under accounting load.
func decodeFlatJSON(data []byte) (*Body, bool) {
	s := string(data)
	i := skipSpace(s, 0)
	if i == len(s) || s[i] != '{' {
		return nil, false
	}
	b := &Body{Fields: make(map[string]Value, bytes.Count(data, []byte{':'}))}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return b, skipSpace(s, i+1) == len(s)
	}
	for {
		key, next, ok := plainString(s, i)
		if !ok {
			return nil, false
		}
		i = skipSpace(s, next)
		if i == len(s) || s[i] != ':' {
			return nil, false
		}
		i = skipSpace(s, i+1)
		var v Value
		if v, i, ok = flatValue(s, i); !ok {
			return nil, false
		}
		b.Fields[key] = v
		i = skipSpace(s, i)
		if i == len(s) {
			return nil, false
		}
		switch s[i] {
		case ',':
			i = skipSpace(s, i+1)
		case '}':
			return b, skipSpace(s, i+1) == len(s)
		default:
			return nil, false
		}
	}
}

// flatValue reads a string without escapes, a number, a boolean or null
// at s[i:] and returns the index after it.
func flatValue(s string, i int) (Value, int, bool) {
	if i == len(s) {
		return Value{}, i, false
	}
	switch c := s[i]; {
	case c == '"':
		v, next, ok := plainString(s, i)
		return Value{Kind: String, S: v}, next, ok
	case c == '-' || ('0' <= c && c <= '9'):
		next, ok := number(s, i)
		return Value{Kind: String, S: s[i:next]}, next, ok
	case hasWord(s, i, "null"):
		return Value{Kind: Null}, i + 4, true
	case hasWord(s, i, "true"):
		return Value{Other, "true", true}, i + 4, true
	case hasWord(s, i, "false"):
		return Value{Other, "false", false}, i + 5, true
	}
	return Value{}, i, false
}

func hasWord(s string, i int, w string) bool {
	return len(s)-i >= len(w) && s[i:i+len(w)] == w
}

// plainString reads a JSON string at s[i:] that holds no escape and no
// control character, and returns its contents and the index after it.
func plainString(s string, i int) (string, int, bool) {
	if i == len(s) || s[i] != '"' {
		return "", i, false
	}
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			return s[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20:
			return "", j, false
		}
	}
	return "", len(s), false
}

// number reads a JSON number at s[i:]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func number(s string, i int) (int, bool) {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i)
	default:
		return i, false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}
