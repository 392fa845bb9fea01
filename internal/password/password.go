// Package password verifies and creates password hashes in the formats that
// Django writes to auth_user.password, so that users migrated from
// django-freeradius keep their passwords.
//
// Check verifies every encoding Django's built-in hashers produce:
//
//	pbkdf2_sha256$<iterations>$<salt>$<base64 sha256 key>
//	pbkdf2_sha1$<iterations>$<salt>$<base64 sha1 key>
//	argon2$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt b64>$<hash b64>
//	argon2$argon2i$v=19$m=...,t=...,p=...$<salt b64>$<hash b64>
//	argon2$argon2i$m=...,t=...,p=...$<salt b64>$<hash b64>    (Argon2 1.0, no v=)
//	                                            (argon2d is accepted too)
//	bcrypt_sha256$$2b$<cost>$<22 salt chars><31 hash chars>
//	bcrypt$$2b$<cost>$<22 salt chars><31 hash chars>
//	scrypt$<N>$<salt>$<r>$<p>$<base64 64-byte key>
//	sha1$<salt>$<hex sha1(salt+password)>
//	md5$<salt>$<hex md5(salt+password)>
//	sha1$$<hex sha1(password)>                  (unsalted_sha1)
//	<hex md5(password)>  and  md5$$<hex md5>    (unsalted_md5)
//	crypt$<ignored>$<crypt(3) string>           (traditional DES crypt, and
//	                                             $1$, $5$, $6$, $2b$ strings)
//
// Passwords are the UTF-8 (or raw) bytes of the Go string, as Django hashes
// force_bytes(password). A stored value starting with "!" is Django's
// "unusable password" and never matches.
//
// To keep a crafted or corrupted hash from tying up the server, Check rejects
// (returns false for) parameters beyond these limits, all far above what
// Django has ever written by default: PBKDF2 at most 5,000,000 iterations;
// bcrypt cost at most 16; scrypt N*r*128 bytes at most 64 MiB, r*p at most
// 64 and N*r*p at most 2^22; Argon2 at most 256 MiB of memory, 16 passes,
// 64 lanes, 2^21 KiB*passes in total, salts and hashes of at most 1 KiB;
// SHA-crypt at most 1,000,000 rounds.
//
// New hashes are always pbkdf2_sha256, built like Django 3.2's
// make_password: see MakePBKDF2SHA256.
//
// CheckFreeRADIUS verifies the password attributes of FreeRADIUS's radcheck
// table (Cleartext-Password, NT-Password, Crypt-Password, ...) as rlm_pap
// does, and NTHash computes NT-Password values.
package password

import (
	"crypto/rand"
	"strings"
)

// DefaultIterations is the PBKDF2-SHA256 iteration count of Django 3.2,
// the version django-freeradius runs on.
const DefaultIterations = 260000

// limits bounds the work a stored hash may ask for; see the package
// comment. Check uses defaultLimits; the fuzz test uses lower ones.
type limits struct {
	pbkdf2Iterations int
	bcryptCost       int
	scryptMemory     int // bytes: 128*N*r
	scryptRP         int // r*p
	scryptWork       int // N*r*p
	argon2Memory     int // KiB
	argon2Time       int
	argon2Lanes      int
	argon2Work       int // memory (KiB) * time
	shaCryptRounds   int // SHA-crypt ($5$, $6$) "rounds="
}

const maxPBKDF2Iterations = 5_000_000

var defaultLimits = limits{
	pbkdf2Iterations: maxPBKDF2Iterations,
	bcryptCost:       16,
	scryptMemory:     64 << 20,
	scryptRP:         64,
	scryptWork:       1 << 22,
	argon2Memory:     256 << 10,
	argon2Time:       16,
	argon2Lanes:      64,
	argon2Work:       1 << 21,
	shaCryptRounds:   1_000_000, // default 5000; passlib writes 535000/656000
}

const maxArgon2Len = 1024 // bytes of an Argon2 salt or hash

const (
	unusablePrefix    = "!"
	unusableSuffixLen = 40 // Django's UNUSABLE_PASSWORD_SUFFIX_LENGTH
	saltLen           = 22 // Django 3.2: ceil(128 bits / log2(62))
)

// Algorithm names, as Django's hashers call themselves.
const (
	algPBKDF2SHA256 = "pbkdf2_sha256"
	algPBKDF2SHA1   = "pbkdf2_sha1"
	algArgon2       = "argon2"
	algBcryptSHA256 = "bcrypt_sha256"
	algBcrypt       = "bcrypt"
	algScrypt       = "scrypt"
	algSHA1         = "sha1"
	algMD5          = "md5"
	algUnsaltedSHA1 = "unsalted_sha1"
	algUnsaltedMD5  = "unsalted_md5"
	algCrypt        = "crypt"
)

// Check reports whether encoded is a usable hash of password. It returns
// false for unusable ("!"-prefixed) and empty values, for unknown or
// malformed encodings and for hashes whose parameters exceed the package's
// limits. It never panics, and compares digests in constant time.
func Check(password, encoded string) (ok bool) {
	defer func() {
		// Belt and braces: no input may crash an authentication request.
		// (The fuzz test calls check directly, so it still sees panics.)
		if recover() != nil {
			ok = false
		}
	}()
	return check(password, encoded, &defaultLimits)
}

func check(password, encoded string, lim *limits) bool {
	if !IsUsable(encoded) {
		return false
	}
	switch Algorithm(encoded) {
	case algPBKDF2SHA256:
		return checkPBKDF2(password, encoded, algPBKDF2SHA256, lim)
	case algPBKDF2SHA1:
		return checkPBKDF2(password, encoded, algPBKDF2SHA1, lim)
	case algArgon2:
		return checkArgon2(password, encoded[len(algArgon2):], lim)
	case algBcryptSHA256:
		return checkBcrypt(password, encoded[len(algBcryptSHA256)+1:], true, lim)
	case algBcrypt:
		return checkBcrypt(password, encoded[len(algBcrypt)+1:], false, lim)
	case algScrypt:
		return checkScrypt(password, encoded, lim)
	case algSHA1:
		return checkSaltedDigest(password, encoded, algSHA1)
	case algMD5:
		return checkSaltedDigest(password, encoded, algMD5)
	case algUnsaltedSHA1:
		return checkUnsaltedSHA1(password, encoded)
	case algUnsaltedMD5:
		return checkUnsaltedMD5(password, encoded)
	case algCrypt:
		return checkDjangoCrypt(password, encoded, lim)
	}
	return false
}

// Algorithm names the Django hasher that encoded belongs to, identified the
// way Django's identify_hasher does: "pbkdf2_sha256", "pbkdf2_sha1",
// "argon2", "bcrypt_sha256", "bcrypt", "scrypt", "sha1", "md5",
// "unsalted_sha1", "unsalted_md5" or "crypt". It returns "" for unusable,
// empty and unrecognised values. A non-empty result says nothing about
// whether the rest of the value is well-formed.
func Algorithm(encoded string) string {
	if !IsUsable(encoded) {
		return ""
	}
	switch {
	case len(encoded) == 32 && !strings.Contains(encoded, "$"),
		len(encoded) == 37 && strings.HasPrefix(encoded, "md5$$"):
		return algUnsaltedMD5
	case len(encoded) == 46 && strings.HasPrefix(encoded, "sha1$$"):
		return algUnsaltedSHA1
	}
	name, _, found := strings.Cut(encoded, "$")
	if !found {
		return ""
	}
	switch name {
	case algPBKDF2SHA256, algPBKDF2SHA1, algArgon2, algBcryptSHA256, algBcrypt,
		algScrypt, algSHA1, algMD5, algCrypt:
		return name
	}
	return ""
}

// IsUsable reports whether encoded can match some password: it is false for
// Django's unusable passwords (a "!" prefix, as written by
// make_password(None) and by Unusable) and for the empty string. Django's
// own is_password_usable returns true for "", but its check_password never
// accepts "" either.
func IsUsable(encoded string) bool {
	return encoded != "" && !strings.HasPrefix(encoded, unusablePrefix)
}

// Unusable returns a new unusable password, "!" followed by 40 random
// characters from [a-zA-Z0-9], as Django's make_password(None) does. Check
// never accepts it.
func Unusable() string {
	return unusablePrefix + randomString(unusableSuffixLen)
}

// Iterations returns the iteration count of a pbkdf2_sha256 or pbkdf2_sha1
// hash, for instance to decide whether it should be rehashed with more. ok
// is false for other algorithms and for malformed counts.
func Iterations(encoded string) (n int, ok bool) {
	alg := Algorithm(encoded)
	if alg != algPBKDF2SHA256 && alg != algPBKDF2SHA1 {
		return 0, false
	}
	f := strings.SplitN(encoded, "$", 4)
	if len(f) != 4 {
		return 0, false
	}
	return parseDecimal(f[1], maxPBKDF2Iterations)
}

const randomAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randomString returns n characters drawn uniformly from randomAlphabet with
// crypto/rand, like Django's get_random_string.
func randomString(n int) string {
	const limit = 256 - 256%len(randomAlphabet) // 248: reject to stay uniform
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		rand.Read(buf[:]) // never returns an error since Go 1.24
		for _, b := range buf {
			if int(b) < limit {
				out = append(out, randomAlphabet[int(b)%len(randomAlphabet)])
				if len(out) == n {
					break
				}
			}
		}
	}
	return string(out)
}

// parseDecimal parses a canonical positive decimal number (digits only, no
// sign, no leading zero) not greater than max. Django re-encodes numeric
// fields with %d and compares whole strings, so any other spelling of a
// number could never verify there either.
func parseDecimal(s string, max int) (int, bool) {
	if s == "" || len(s) > 10 || s[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if n > max {
		return 0, false
	}
	return n, true
}
