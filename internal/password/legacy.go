package password

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"hash"
	"strings"
)

// Django's legacy hashers: salted and unsalted hex MD5 and SHA-1, and
// crypt(3). Django only ever wrote them when told to, but imported
// databases and CSV files may still carry them.

// hexDigest returns the lowercase hex digest of h over the concatenation
// of parts.
func hexDigest(h hash.Hash, parts ...string) []byte {
	for _, p := range parts {
		h.Write([]byte(p))
	}
	var sum [64]byte
	d := h.Sum(sum[:0])
	out := make([]byte, hex.EncodedLen(len(d)))
	hex.Encode(out, d)
	return out
}

// checkSaltedDigest verifies "sha1$<salt>$<hex sha1(salt+password)>" and
// "md5$<salt>$<hex md5(salt+password)>". The hex must be lowercase, as
// Django compares the whole re-encoded string.
func checkSaltedDigest(password, encoded, alg string) bool {
	salt, want, ok := strings.Cut(encoded[len(alg)+1:], "$")
	if !ok || salt == "" { // Django refuses to encode with an empty salt
		return false
	}
	var h hash.Hash
	if alg == algSHA1 {
		h = sha1.New()
	} else {
		h = md5.New()
	}
	return subtle.ConstantTimeCompare(hexDigest(h, salt, password), []byte(want)) == 1
}

// checkUnsaltedSHA1 verifies "sha1$$<hex sha1(password)>".
func checkUnsaltedSHA1(password, encoded string) bool {
	want := encoded[len("sha1$$"):]
	return subtle.ConstantTimeCompare(hexDigest(sha1.New(), password), []byte(want)) == 1
}

// checkUnsaltedMD5 verifies a bare lowercase hex MD5 or "md5$$<hex md5>".
func checkUnsaltedMD5(password, encoded string) bool {
	want := strings.TrimPrefix(encoded, "md5$$")
	return subtle.ConstantTimeCompare(hexDigest(md5.New(), password), []byte(want)) == 1
}

// checkDjangoCrypt verifies "crypt$<salt>$<crypt(3) output>". Django
// ignores the salt field (it has been empty since Django 1.4) and calls
// crypt(password, data) with the stored string as the setting.
func checkDjangoCrypt(password, encoded string, lim *limits) bool {
	f := strings.SplitN(encoded, "$", 3)
	if len(f) != 3 {
		return false
	}
	return cryptCheck(password, f[2], lim)
}
