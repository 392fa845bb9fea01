package password

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// The "$id$" crypt(3) schemes: MD5-crypt ($1$, Poul-Henning Kamp's
// algorithm), SHA-crypt ($5$ and $6$, Ulrich Drepper's specification) and
// bcrypt ($2a$, $2b$, $2y$). Written from the published descriptions.

// cryptModular computes crypt(password, setting) for a setting that starts
// with "$".
func cryptModular(password, setting string, lim *limits) (string, bool) {
	switch {
	case strings.HasPrefix(setting, "$1$"):
		return md5Crypt(password, setting)
	case strings.HasPrefix(setting, "$5$"):
		return shaCrypt(password, setting, "$5$", sha256.New, sha256CryptOrder[:], lim)
	case strings.HasPrefix(setting, "$6$"):
		return shaCrypt(password, setting, "$6$", sha512.New, sha512CryptOrder[:], lim)
	case strings.HasPrefix(setting, "$2"):
		if !validBcrypt(setting, lim) {
			return "", false
		}
		pw := []byte(password)
		if len(pw) > 72 {
			pw = pw[:72]
		}
		if bcrypt.CompareHashAndPassword([]byte(setting), pw) != nil {
			return "", false
		}
		return setting, true
	}
	return "", false
}

// cryptSalt returns the salt of a setting that follows prefix: up to the
// next "$", at most max characters.
func cryptSalt(rest string, max int) string {
	if i := strings.IndexByte(rest, '$'); i >= 0 {
		rest = rest[:i]
	}
	if len(rest) > max {
		rest = rest[:max]
	}
	return rest
}

// crypt64 appends the n low-order 6-bit groups of v, least significant
// first, in crypt's base-64 alphabet.
func crypt64(out []byte, v uint32, n int) []byte {
	for ; n > 0; n-- {
		out = append(out, cryptAlphabet[v&63])
		v >>= 6
	}
	return out
}

func md5Crypt(password, setting string) (string, bool) {
	const magic = "$1$"
	salt := cryptSalt(setting[len(magic):], 8)
	pw := []byte(password)

	alt := md5.New()
	alt.Write(pw)
	alt.Write([]byte(salt))
	alt.Write(pw)
	altSum := alt.Sum(nil)

	h := md5.New()
	h.Write(pw)
	h.Write([]byte(magic))
	h.Write([]byte(salt))
	for n := len(pw); n > 0; n -= 16 {
		h.Write(altSum[:min(n, 16)])
	}
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 == 1 {
			h.Write([]byte{0})
		} else {
			h.Write(pw[:1])
		}
	}
	final := h.Sum(nil)

	for i := 0; i < 1000; i++ {
		h.Reset()
		if i&1 == 1 {
			h.Write(pw)
		} else {
			h.Write(final)
		}
		if i%3 != 0 {
			h.Write([]byte(salt))
		}
		if i%7 != 0 {
			h.Write(pw)
		}
		if i&1 == 1 {
			h.Write(final)
		} else {
			h.Write(pw)
		}
		final = h.Sum(final[:0])
	}

	out := []byte(magic + salt + "$")
	for _, g := range [5][3]int{{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}} {
		out = crypt64(out, uint32(final[g[0]])<<16|uint32(final[g[1]])<<8|uint32(final[g[2]]), 4)
	}
	out = crypt64(out, uint32(final[11]), 2)
	return string(out), true
}

// Byte triples of the SHA-crypt output encoding, most significant first.
var (
	sha256CryptOrder = [...]int{
		0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14,
		15, 25, 5, 6, 16, 26, 27, 7, 17, 18, 28, 8, 9, 19, 29,
	}
	sha512CryptOrder = [...]int{
		0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4,
		47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51,
		31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35,
		15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60, 40, 61, 19,
		62, 20, 41,
	}
)

func shaCrypt(password, setting, magic string, newHash func() hash.Hash, order []int, lim *limits) (string, bool) {
	rest := setting[len(magic):]
	rounds, custom := 5000, false
	if r, ok := strings.CutPrefix(rest, "rounds="); ok {
		num, after, found := strings.Cut(r, "$")
		n, err := strconv.ParseUint(num, 10, 32)
		if found && err == nil {
			rounds, custom = int(min(max(n, 1000), 999_999_999)), true
			rest = after
		}
	}
	if rounds > lim.shaCryptRounds {
		return "", false
	}
	salt := []byte(cryptSalt(rest, 16))
	pw := []byte(password)

	h := newHash()
	size := h.Size()
	h.Write(pw)
	h.Write(salt)
	h.Write(pw)
	b := h.Sum(nil)

	h.Reset()
	h.Write(pw)
	h.Write(salt)
	for n := len(pw); n > 0; n -= size {
		h.Write(b[:min(n, size)])
	}
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 == 1 {
			h.Write(b)
		} else {
			h.Write(pw)
		}
	}
	a := h.Sum(nil)

	h.Reset()
	for range len(pw) {
		h.Write(pw)
	}
	dp := h.Sum(nil)
	p := make([]byte, 0, len(pw))
	for len(p) < len(pw) {
		p = append(p, dp[:min(size, len(pw)-len(p))]...)
	}

	h.Reset()
	for range 16 + int(a[0]) {
		h.Write(salt)
	}
	ds := h.Sum(nil)
	s := ds[:len(salt)] // the salt is at most 16 bytes, less than any digest

	c := a
	for i := 0; i < rounds; i++ {
		h.Reset()
		if i&1 == 1 {
			h.Write(p)
		} else {
			h.Write(c)
		}
		if i%3 != 0 {
			h.Write(s)
		}
		if i%7 != 0 {
			h.Write(p)
		}
		if i&1 == 1 {
			h.Write(c)
		} else {
			h.Write(p)
		}
		c = h.Sum(c[:0])
	}

	out := []byte(magic)
	if custom {
		out = append(out, "rounds="+strconv.Itoa(rounds)+"$"...)
	}
	out = append(out, salt...)
	out = append(out, '$')
	for i := 0; i+2 < len(order); i += 3 {
		out = crypt64(out, uint32(c[order[i]])<<16|uint32(c[order[i+1]])<<8|uint32(c[order[i+2]]), 4)
	}
	if size == 32 {
		out = crypt64(out, uint32(c[31])<<8|uint32(c[30]), 3)
	} else {
		out = crypt64(out, uint32(c[63]), 2)
	}
	return string(out), true
}
