package password

import (
	"crypto/des"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/crypto/md4"
)

// CheckFreeRADIUS reports whether password matches the "known good" value
// of a FreeRADIUS radcheck attribute, the way rlm_pap (FreeRADIUS 3.0/3.2)
// checks it. attribute is the attribute name, compared case-insensitively:
//
//	Cleartext-Password  the password itself
//	NT-Password         MD4 of the UTF-16LE password (see NTHash)
//	LM-Password         LAN Manager hash
//	MD5-Password        MD5
//	SMD5-Password       MD5(password + salt) + salt
//	SHA-Password        SHA-1
//	SSHA-Password       SHA-1(password + salt) + salt
//	SHA2-Password       SHA-224/256/384/512, chosen by the digest length
//	SSHA2-224-Password, SSHA2-256-Password, SSHA2-384-Password,
//	SSHA2-512-Password  SHA-2(password + salt) + salt
//	Crypt-Password      crypt(3): $6$ (SHA-512), $5$ (SHA-256), $1$ (MD5),
//	                    $2a$/$2b$/$2y$ (bcrypt) and traditional DES
//	PBKDF2-Password     {X-PBKDF2}HMACSHA1:<b64 BE iterations>:<b64 salt>:<b64 key>
//	                    (HMACSHA2+224/256/384/512, HMACSHA3+224/256/384/512 too;
//	                    the {X-PBKDF2} header is optional),
//	                    $PBKDF2$<digest>:<iterations>:<b64 salt>$<b64 key>,
//	                    $pbkdf2-sha1|sha256|sha512$<iterations>$<ab64 salt>$<ab64 key>
//	                    (passlib) and 389-ds' {PBKDF2-SHA256}<iterations>$<b64 salt>$<b64 key>
//	Password-With-Header  "{header}value", dispatched on the header as
//	                    rlm_pap does ({crypt}, {ssha}, {x-nthash}, ...); no or
//	                    an unknown header means a cleartext password
//
// Digest values (NT, LM, MD5, SMD5, SHA, SSHA, SHA2, SSHA2-*) may be hex,
// base64 or raw bytes, told apart like rlm_pap's "normalise" step. Like
// rlm_pap, an empty password never matches. Digests are compared in
// constant time; unknown attributes, malformed values and work factors
// beyond the package's limits give false. CheckFreeRADIUS never panics.
//
// Not supported: NS-MTA-MD5-Password, and crypt(3) schemes other than the
// ones above (yescrypt "$y$", BSDi "_..." DES).
func CheckFreeRADIUS(attribute, value, password string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	if password == "" { // rlm_pap: "Password must not be empty"
		return false
	}
	return checkRadius(strings.ToLower(attribute), value, password, true, &defaultLimits)
}

// NTHash returns the NT hash of password as 32 lowercase hex digits: MD4
// of the password in UTF-16 little-endian, the value of NT-Password.
// Characters outside the Basic Multilingual Plane become surrogate pairs,
// as in Windows; bytes that are not valid UTF-8 count as U+FFFD.
func NTHash(password string) string {
	return hex.EncodeToString(ntHash(password))
}

func ntHash(password string) []byte {
	u := utf16.Encode([]rune(password))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	h := md4.New()
	h.Write(b)
	return h.Sum(nil)
}

// checkRadius verifies one attribute (lower-case name). withHeader allows
// one level of Password-With-Header.
func checkRadius(attr, value, password string, withHeader bool, lim *limits) bool {
	switch attr {
	case "cleartext-password":
		return subtle.ConstantTimeCompare([]byte(value), []byte(password)) == 1
	case "nt-password":
		if !utf8.ValidString(password) { // rlm_pap: not convertible to UCS-2
			return false
		}
		return digestEq(ntHash(password), normify(value, 16), 16)
	case "lm-password":
		return digestEq(lmHash(password), normify(value, 16), 16)
	case "md5-password":
		return digestEq(sum(md5.New(), password, nil), normify(value, 16), 16)
	case "sha-password":
		return digestEq(sum(sha1.New(), password, nil), normify(value, 20), 20)
	case "smd5-password":
		return saltedEq(md5.New(), password, normify(value, 16))
	case "ssha-password":
		return saltedEq(sha1.New(), password, normify(value, 20))
	case "sha2-password":
		v := normify(value, 28)
		var h hash.Hash
		switch len(v) {
		case 28:
			h = sha256.New224()
		case 32:
			h = sha256.New()
		case 48:
			h = sha512.New384()
		case 64:
			h = sha512.New()
		default:
			return false
		}
		return digestEq(sum(h, password, nil), v, len(v))
	case "ssha2-224-password":
		return saltedEq(sha256.New224(), password, normify(value, 28+1))
	case "ssha2-256-password":
		return saltedEq(sha256.New(), password, normify(value, 32+1))
	case "ssha2-384-password":
		return saltedEq(sha512.New384(), password, normify(value, 48+1))
	case "ssha2-512-password":
		return saltedEq(sha512.New(), password, normify(value, 64+1))
	case "crypt-password":
		return cryptCheck(password, value, lim)
	case "pbkdf2-password":
		return checkRadiusPBKDF2(value, password, lim)
	case "password-with-header":
		if withHeader {
			return checkWithHeader(value, password, lim)
		}
	}
	return false
}

// sum returns h(a + b).
func sum(h hash.Hash, a string, b []byte) []byte {
	h.Write([]byte(a))
	h.Write(b)
	return h.Sum(nil)
}

func digestEq(got, want []byte, size int) bool {
	return len(want) == size && subtle.ConstantTimeCompare(got, want) == 1
}

// saltedEq checks want = h(password + salt) + salt, with a non-empty salt.
func saltedEq(h hash.Hash, password string, want []byte) bool {
	n := h.Size()
	if len(want) <= n {
		return false
	}
	return subtle.ConstantTimeCompare(sum(h, password, want[n:]), want[:n]) == 1
}

// normify decodes a digest value the way rlm_pap guesses its encoding:
// hex if it has an even length of at least 2*minLen and is all hex digits;
// otherwise base64 if that is long enough and decodes to at least minLen
// bytes; otherwise the raw bytes. Like rlm_pap, it only decodes values of
// up to 256 bytes.
func normify(value string, minLen int) []byte {
	const maxDecoded = 256
	if len(value)%2 == 0 && len(value) >= 2*minLen && len(value) <= 2*maxDecoded {
		if b, err := hex.DecodeString(value); err == nil {
			return b
		}
	}
	if len(value)*3 >= minLen*4 {
		if b, ok := decodeBase64(value); ok && len(b) >= minLen && len(b) <= maxDecoded {
			return b
		}
	}
	return []byte(value)
}

// decodeBase64 decodes standard base64, padded or not (FreeRADIUS's own
// tests write iteration counts as "AAAD6A"). Unlike Go's decoder, it does
// not skip line breaks.
func decodeBase64(s string) ([]byte, bool) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, false
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	return nil, false
}

// lmHash is the LAN Manager hash: the first 14 bytes of the password, in
// ASCII upper case and zero-padded, as two DES keys encrypting "KGS!@#$%".
func lmHash(password string) []byte {
	var p [14]byte
	for i := 0; i < len(p) && i < len(password) && password[i] != 0; i++ {
		c := password[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		p[i] = c
	}
	out := make([]byte, 16)
	for half := 0; half < 2; half++ {
		k := p[7*half : 7*half+7]
		key := []byte{
			k[0] >> 1,
			k[0]<<6 | k[1]>>2,
			k[1]<<5 | k[2]>>3,
			k[2]<<4 | k[3]>>4,
			k[3]<<3 | k[4]>>5,
			k[4]<<2 | k[5]>>6,
			k[5]<<1 | k[6]>>7,
			k[6],
		}
		for i := range key {
			key[i] = (key[i] & 0x7f) << 1 // parity bits are ignored by DES
		}
		c, err := des.NewCipher(key)
		if err != nil {
			return nil
		}
		c.Encrypt(out[8*half:], []byte("KGS!@#$%"))
	}
	return out
}

// Password-With-Header headers, lower case, and the attribute each stands
// for (rlm_pap's header_names).
var radiusHeaders = map[string]string{
	"{clear}":         "cleartext-password",
	"{cleartext}":     "cleartext-password",
	"{md5}":           "md5-password",
	"{base64_md5}":    "md5-password",
	"{smd5}":          "smd5-password",
	"{crypt}":         "crypt-password",
	"{sha2}":          "sha2-password",
	"{sha224}":        "sha2-password",
	"{sha256}":        "sha2-password",
	"{sha384}":        "sha2-password",
	"{sha512}":        "sha2-password",
	"{ssha224}":       "ssha2-224-password",
	"{ssha256}":       "ssha2-256-password",
	"{ssha384}":       "ssha2-384-password",
	"{ssha512}":       "ssha2-512-password",
	"{x-pbkdf2}":      "pbkdf2-password",
	"{pbkdf2-sha1}":   "pbkdf2-sha1",
	"{pbkdf2-sha256}": "pbkdf2-sha256",
	"{pbkdf2-sha512}": "pbkdf2-sha512",
	"{pbkdf2_sha256}": "pbkdf2-sha256-legacy",
	"{sha}":           "sha-password",
	"{ssha}":          "ssha-password",
	"{md4}":           "nt-password",
	"{nt}":            "nt-password",
	"{nthash}":        "nt-password",
	"{x-nthash}":      "nt-password",
	"{x- orcllmv}":    "lm-password",
	"{x- orclntv}":    "nt-password",
	"{ns-mta-md5}":    "", // not supported
}

// checkWithHeader handles Password-With-Header. As in rlm_pap, the header
// runs to the first "}"; a value without one may be base64 of a value
// with one; a missing or unknown header means a cleartext password.
func checkWithHeader(value, password string, lim *limits) bool {
	i := strings.IndexByte(value, '}')
	if i < 0 {
		if b, ok := decodeBase64(value); ok && len(b) > 0 && b[0] == '{' && strings.IndexByte(string(b), '}') >= 0 {
			value = string(b)
			i = strings.IndexByte(value, '}')
		}
	}
	if i < 0 {
		return checkRadius("cleartext-password", value, password, false, lim)
	}
	attr, known := radiusHeaders[strings.ToLower(value[:i+1])]
	if !known {
		return checkRadius("cleartext-password", value, password, false, lim)
	}
	rest := value[i+1:]
	switch attr {
	case "":
		return false
	case "pbkdf2-sha1":
		return radiusPBKDF2Digest(password, rest, "sha1", '$', '$', false, false, lim)
	case "pbkdf2-sha256":
		return radiusPBKDF2Digest(password, rest, "sha256", '$', '$', false, false, lim)
	case "pbkdf2-sha512":
		return radiusPBKDF2Digest(password, rest, "sha512", '$', '$', false, false, lim)
	case "pbkdf2-sha256-legacy":
		return check389dsLegacy(password, rest)
	}
	return checkRadius(attr, rest, password, false, lim)
}

// PBKDF2 digest names: rlm_pap's pbkdf2_crypt_names and
// pbkdf2_passlib_names (compared case-insensitively), mapped to hashes.
var radiusPBKDF2Hashes = map[string]func() hash.Hash{
	"hmacsha1":     sha1.New,
	"hmacsha2+224": sha256.New224,
	"hmacsha2+256": sha256.New,
	"hmacsha2+384": sha512.New384,
	"hmacsha2+512": sha512.New,
	"hmacsha3+224": func() hash.Hash { return sha3.New224() },
	"hmacsha3+256": func() hash.Hash { return sha3.New256() },
	"hmacsha3+384": func() hash.Hash { return sha3.New384() },
	"hmacsha3+512": func() hash.Hash { return sha3.New512() },
	"sha1":         sha1.New,
	"sha256":       sha256.New,
	"sha512":       sha512.New,
}

var passlibNames = map[string]bool{"sha1": true, "sha256": true, "sha512": true}

// checkRadiusPBKDF2 dispatches the PBKDF2-Password formats as rlm_pap's
// pap_auth_pbkdf2 does.
func checkRadiusPBKDF2(value, password string, lim *limits) bool {
	if len(value) < 2 {
		return false
	}
	if value[0] != '$' {
		if len(value) > len("{PBKDF2-") && strings.EqualFold(value[:len("{PBKDF2-")], "{PBKDF2-") {
			// 389-ds: {PBKDF2-SHA256}<iterations>$<b64 salt>$<b64 key>
			name, rest, ok := strings.Cut(value[len("{PBKDF2-"):], "}")
			if !ok || !passlibNames[strings.ToLower(name)] {
				return false
			}
			return radiusPBKDF2Digest(password, rest, name, '$', '$', false, false, lim)
		}
		// Crypt::PBKDF2 LDAP: [{X-PBKDF2}]<digest>:<b64 iterations>:<b64 salt>:<b64 key>
		if value[0] == '{' {
			i := strings.IndexByte(value, '}')
			if i < 0 {
				return false
			}
			value = value[i+1:]
		}
		name, rest, ok := strings.Cut(value, ":")
		if !ok || passlibNames[strings.ToLower(name)] {
			return false
		}
		return radiusPBKDF2Digest(password, rest, name, ':', ':', true, false, lim)
	}
	if rest, ok := strings.CutPrefix(value, "$PBKDF2$"); ok {
		// Crypt::PBKDF2 crypt: $PBKDF2$<digest>:<iterations>:<b64 salt>$<b64 key>
		name, rest, ok := strings.Cut(rest, ":")
		if !ok || passlibNames[strings.ToLower(name)] {
			return false
		}
		return radiusPBKDF2Digest(password, rest, name, ':', '$', false, false, lim)
	}
	if rest, ok := strings.CutPrefix(value, "$pbkdf2-"); ok {
		// passlib: $pbkdf2-<digest>$<iterations>$<ab64 salt>$<ab64 key>
		name, rest, ok := strings.Cut(rest, "$")
		if !ok || !passlibNames[strings.ToLower(name)] {
			return false
		}
		return radiusPBKDF2Digest(password, rest, name, '$', '$', false, true, lim)
	}
	return false
}

// radiusPBKDF2Digest verifies "<iterations><iterSep><salt><saltSep><key>".
// Iterations are decimal, or base64 of a 32-bit big-endian number; salt
// and key are base64 (passlib's variant, with "." for "+" and no padding,
// if ab64); 0 iterations count as 1, as in rlm_pap.
func radiusPBKDF2Digest(password, s, name string, iterSep, saltSep byte, iterB64, ab64 bool, lim *limits) bool {
	newHash := radiusPBKDF2Hashes[strings.ToLower(name)]
	if newHash == nil {
		return false
	}
	i := strings.IndexByte(s, iterSep)
	if i <= 0 {
		return false
	}
	var iter uint64
	if iterB64 {
		b, ok := decodeBase64(s[:i])
		if !ok || len(b) != 4 {
			return false
		}
		iter = uint64(binary.BigEndian.Uint32(b))
	} else {
		var err error
		if iter, err = strconv.ParseUint(s[:i], 10, 32); err != nil {
			return false
		}
	}
	if iter == 0 {
		iter = 1
	}
	if iter > uint64(lim.pbkdf2Iterations) {
		return false
	}
	s = s[i+1:]
	j := strings.IndexByte(s, saltSep)
	if j <= 0 {
		return false
	}
	decode := decodeBase64
	if ab64 {
		decode = func(v string) ([]byte, bool) {
			if strings.ContainsAny(v, "+=") {
				return nil, false
			}
			b, err := base64.RawStdEncoding.DecodeString(strings.ReplaceAll(v, ".", "+"))
			return b, err == nil
		}
	}
	salt, ok := decode(s[:j])
	if !ok {
		return false
	}
	want, ok := decode(s[j+1:])
	size := newHash().Size()
	if !ok || len(want) != size {
		return false
	}
	got, err := pbkdf2.Key(newHash, password, salt, int(iter), size)
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

// check389dsLegacy verifies 389-ds' original {PBKDF2_SHA256} scheme: base64
// of a 4-byte big-endian iteration count (always 8192), a 64-byte salt and
// a 256-byte field whose first 32 bytes are the PBKDF2-HMAC-SHA256 key.
func check389dsLegacy(password, value string) bool {
	const iterLen, saltLen, hashLen, iterations = 4, 64, 256, 8192
	if len(value) != (iterLen+saltLen+hashLen)*4/3 {
		return false
	}
	b, ok := decodeBase64(value)
	if !ok || len(b) != iterLen+saltLen+hashLen ||
		binary.BigEndian.Uint32(b) != iterations {
		return false
	}
	salt := b[iterLen : iterLen+saltLen]
	want := b[iterLen+saltLen : iterLen+saltLen+sha256.Size]
	got, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}
