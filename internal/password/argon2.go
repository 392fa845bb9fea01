package password

import (
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2 types as numbered by the Argon2 specification (RFC 9106).
const (
	argon2d  = 0
	argon2i  = 1
	argon2id = 2
)

// Argon2 versions: 1.0 (0x10), written without a "v=" field by old
// argon2-cffi releases, and 1.3 (0x13 = 19).
const (
	argon2V10 = 0x10
	argon2V13 = 0x13
)

type argon2Params struct {
	typ, version int
	memory, time uint32 // KiB, passes
	lanes        uint32
	salt, hash   []byte
}

// checkArgon2 verifies Django's argon2 hasher, whose value is "argon2"
// followed by argon2-cffi's PHC string:
//
//	$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>
//
// salt and hash are unpadded standard base64; the output length is that
// of the decoded hash. As in the reference implementation, "v=" may be
// absent (meaning version 1.0), and argon2d, argon2i and argon2id are all
// accepted.
func checkArgon2(password, phc string, lim *limits) bool {
	p, ok := parseArgon2(phc, lim)
	if !ok {
		return false
	}
	var got []byte
	switch {
	case p.version == argon2V13 && p.typ == argon2id:
		got = argon2.IDKey([]byte(password), p.salt, p.time, p.memory, uint8(p.lanes), uint32(len(p.hash)))
	case p.version == argon2V13 && p.typ == argon2i:
		got = argon2.Key([]byte(password), p.salt, p.time, p.memory, uint8(p.lanes), uint32(len(p.hash)))
	default:
		// Version 1.0 and argon2d, which x/crypto lacks.
		got = argon2Generic(p.typ, p.version, []byte(password), p.salt, nil, nil,
			p.time, p.memory, p.lanes, uint32(len(p.hash)))
	}
	return subtle.ConstantTimeCompare(got, p.hash) == 1
}

// parseArgon2 parses and bounds-checks a PHC argon2 string.
func parseArgon2(s string, lim *limits) (p argon2Params, ok bool) {
	f := strings.Split(s, "$")
	// "", type, [v=..], m=..,t=..,p=.., salt, hash
	if len(f) != 5 && len(f) != 6 || f[0] != "" {
		return p, false
	}
	switch f[1] {
	case "argon2d":
		p.typ = argon2d
	case "argon2i":
		p.typ = argon2i
	case "argon2id":
		p.typ = argon2id
	default:
		return p, false
	}
	f = f[2:]
	p.version = argon2V10
	if len(f) == 4 {
		v, ok := strings.CutPrefix(f[0], "v=")
		if !ok {
			return p, false
		}
		switch n, _ := parseArgon2Decimal(v); n {
		case argon2V10, argon2V13:
			p.version = int(n)
		default:
			return p, false
		}
		f = f[1:]
	}
	// The reference decoder wants exactly "m=<d>,t=<d>,p=<d>".
	ms, rest, ok1 := strings.Cut(f[0], ",")
	ts, ps, ok2 := strings.Cut(rest, ",")
	if !ok1 || !ok2 {
		return p, false
	}
	var okM, okT, okP bool
	ms, okM = strings.CutPrefix(ms, "m=")
	ts, okT = strings.CutPrefix(ts, "t=")
	ps, okP = strings.CutPrefix(ps, "p=")
	if !okM || !okT || !okP {
		return p, false
	}
	m, okM := parseArgon2Decimal(ms)
	t, okT := parseArgon2Decimal(ts)
	l, okP := parseArgon2Decimal(ps)
	if !okM || !okT || !okP {
		return p, false
	}
	// The reference implementation's minima, and this package's maxima.
	if t < 1 || t > uint64(lim.argon2Time) || l < 1 || l > uint64(lim.argon2Lanes) ||
		m < 8*l || m > uint64(lim.argon2Memory) || m*t > uint64(lim.argon2Work) {
		return p, false
	}
	p.memory, p.time, p.lanes = uint32(m), uint32(t), uint32(l)
	var err error
	if len(f[1]) > maxArgon2Len*4/3+1 || len(f[2]) > maxArgon2Len*4/3+1 {
		return p, false
	}
	if p.salt, err = base64.RawStdEncoding.Strict().DecodeString(f[1]); err != nil || len(p.salt) < 8 {
		return p, false
	}
	if p.hash, err = base64.RawStdEncoding.Strict().DecodeString(f[2]); err != nil || len(p.hash) < 4 {
		return p, false
	}
	return p, true
}

// parseArgon2Decimal parses a decimal number of at most 9 digits; the
// reference decoder allows leading zeros.
func parseArgon2Decimal(s string) (uint64, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + uint64(s[i]-'0')
	}
	return n, true
}
