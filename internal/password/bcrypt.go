package password

import (
	"crypto/sha256"
	"encoding/hex"

	"golang.org/x/crypto/bcrypt"
)

// checkBcrypt verifies the part after "bcrypt_sha256$" or "bcrypt$": a
// 60-character modular crypt string "$2b$<cost>$<22 salt><31 hash>"
// ($2a$ and $2y$ are accepted too).
//
// For bcrypt_sha256, Django first replaces the password by the lowercase
// hex of its SHA-256 digest (64 ASCII bytes), so that long passwords are
// not truncated. Plain bcrypt uses the password bytes themselves, of which
// bcrypt only ever looked at the first 72: longer passwords are cut there,
// as the bcrypt library Django used (before its 5.0) did.
func checkBcrypt(password, data string, preHash bool, lim *limits) bool {
	if !validBcrypt(data, lim) {
		return false
	}
	var pw []byte
	if preHash {
		sum := sha256.Sum256([]byte(password))
		pw = make([]byte, hex.EncodedLen(len(sum)))
		hex.Encode(pw, sum[:])
	} else {
		pw = []byte(password)
		if len(pw) > 72 {
			pw = pw[:72]
		}
	}
	return bcrypt.CompareHashAndPassword([]byte(data), pw) == nil
}

// validBcrypt checks the shape of a bcrypt string and bounds its cost. The
// salt's last character must carry no stray low bits: bcrypt libraries
// re-encode the 16 salt bytes, so a value with such bits could never have
// verified in Django.
func validBcrypt(s string, lim *limits) bool {
	if len(s) != 60 || s[0] != '$' || s[1] != '2' || s[3] != '$' || s[6] != '$' {
		return false
	}
	switch s[2] {
	case 'a', 'b', 'y':
	default:
		return false
	}
	if s[4] < '0' || s[4] > '9' || s[5] < '0' || s[5] > '9' {
		return false
	}
	cost := int(s[4]-'0')*10 + int(s[5]-'0')
	if cost < bcrypt.MinCost || cost > lim.bcryptCost {
		return false
	}
	for i := 7; i < 60; i++ {
		if cryptIndex(s[i]) < 0 {
			return false
		}
	}
	// bcrypt's base-64 puts "./" first, like crypt's alphabet, but then
	// "A-Za-z0-9"; only the value of the last salt character matters here.
	return bcryptIndex(s[28])&15 == 0
}

// bcryptIndex returns the value of a character of bcrypt's base-64
// alphabet "./A-Za-z0-9".
func bcryptIndex(c byte) int {
	switch {
	case c == '.' || c == '/':
		return int(c - '.')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 2
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 28
	case c >= '0' && c <= '9':
		return int(c-'0') + 54
	}
	return -1
}
