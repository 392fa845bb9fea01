package password

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"
)

// MakePBKDF2SHA256 hashes password the way Django 3.2's make_password does
// by default: "pbkdf2_sha256$<iterations>$<salt>$<key>", where salt is 22
// random characters from [a-zA-Z0-9] (crypto/rand) and key is the 32-byte
// PBKDF2-HMAC-SHA256 of the UTF-8 password in standard, padded base64.
//
// iterations below 1 mean DefaultIterations; counts above the limit Check
// accepts (5,000,000) are lowered to it, so that the result always verifies.
func MakePBKDF2SHA256(password string, iterations int) string {
	if iterations < 1 {
		iterations = DefaultIterations
	}
	if iterations > maxPBKDF2Iterations {
		iterations = maxPBKDF2Iterations
	}
	salt := randomString(saltLen)
	key, err := pbkdf2.Key(sha256.New, password, []byte(salt), iterations, sha256.Size)
	if err != nil {
		// Only possible in FIPS 140-only mode for a too short password
		// key; SHA-256 itself is approved. Nothing sensible to return.
		panic("password: pbkdf2: " + err.Error())
	}
	return algPBKDF2SHA256 + "$" + strconv.Itoa(iterations) + "$" + salt + "$" +
		base64.StdEncoding.EncodeToString(key)
}

// checkPBKDF2 verifies "<alg>$<iterations>$<salt>$<base64 key>". Like
// Django, it recomputes the encoding and compares it with the stored one,
// so the iteration count must be written canonically and the key must be
// the exact padded base64 of the derived key.
func checkPBKDF2(password, encoded, alg string, lim *limits) bool {
	rest := encoded[len(alg)+1:]
	iterStr, rest, ok := strings.Cut(rest, "$")
	if !ok {
		return false
	}
	salt, want, ok := strings.Cut(rest, "$")
	if !ok || salt == "" { // Django refuses to encode with an empty salt
		return false
	}
	iter, ok := parseDecimal(iterStr, lim.pbkdf2Iterations)
	if !ok {
		return false
	}
	var key []byte
	var err error
	if alg == algPBKDF2SHA256 {
		if len(want) != 44 {
			return false
		}
		key, err = pbkdf2.Key(sha256.New, password, []byte(salt), iter, sha256.Size)
	} else {
		if len(want) != 28 {
			return false
		}
		key, err = pbkdf2.Key(sha1.New, password, []byte(salt), iter, sha1.Size)
	}
	if err != nil {
		return false
	}
	var buf [44]byte
	got := buf[:base64.StdEncoding.EncodedLen(len(key))]
	base64.StdEncoding.Encode(got, key)
	return subtle.ConstantTimeCompare(got, []byte(want)) == 1
}
