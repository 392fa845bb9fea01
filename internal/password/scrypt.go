package password

import (
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"golang.org/x/crypto/scrypt"
)

// checkScrypt verifies Django 4.0+'s scrypt hasher:
//
//	scrypt$<N>$<salt>$<r>$<p>$<base64 of the 64-byte key>
//
// Django re-encodes and compares whole strings, so the numbers must be
// canonical decimals and the key exactly its padded base64.
func checkScrypt(password, encoded string, lim *limits) bool {
	f := strings.Split(encoded, "$")
	if len(f) != 6 || f[2] == "" || len(f[5]) != 88 {
		return false
	}
	n, ok1 := parseDecimal(f[1], lim.scryptWork)
	r, ok2 := parseDecimal(f[3], lim.scryptRP)
	p, ok3 := parseDecimal(f[4], lim.scryptRP)
	if !ok1 || !ok2 || !ok3 || n < 2 || n&(n-1) != 0 ||
		r*p > lim.scryptRP || 128*n*r > lim.scryptMemory || n*r*p > lim.scryptWork {
		return false
	}
	key, err := scrypt.Key([]byte(password), []byte(f[2]), n, r, p, 64)
	if err != nil {
		return false
	}
	var buf [88]byte
	base64.StdEncoding.Encode(buf[:], key)
	return subtle.ConstantTimeCompare(buf[:], []byte(f[5])) == 1
}
