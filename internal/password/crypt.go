package password

import (
	"crypto/subtle"
	"strings"
)

// crypt(3): the traditional DES-based scheme, written from FIPS 46-3 and
// the classic Unix description (25 encryptions of a zero block, the key
// being the low 7 bits of the first 8 password bytes, and a 12-bit salt
// that swaps bits of the E expansion).

// cryptAlphabet is crypt(3)'s base-64 alphabet.
const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// cryptIndex returns the value of crypt base-64 character c, or -1.
func cryptIndex(c byte) int {
	switch {
	case c == '.' || c == '/':
		return int(c - '.')
	case c >= '0' && c <= '9':
		return int(c-'0') + 2
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 12
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 38
	}
	return -1
}

// cryptCheck reports whether crypt(password, setting) == setting, for the
// schemes this package implements. A password containing a NUL byte never
// matches: C's crypt would silently cut it there (and Python refuses it).
func cryptCheck(password, setting string, lim *limits) bool {
	if strings.IndexByte(password, 0) >= 0 {
		return false
	}
	got, ok := cryptHash(password, setting, lim)
	if !ok {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(setting)) == 1
}

// cryptHash computes crypt(password, setting) for the supported schemes.
func cryptHash(password, setting string, lim *limits) (string, bool) {
	switch {
	case strings.HasPrefix(setting, "$"):
		return cryptModular(password, setting, lim)
	default:
		return desCrypt(password, setting)
	}
}

// desCrypt computes traditional DES crypt: 2 salt characters and 11
// characters of hash. Only the first 2 characters of setting are used.
func desCrypt(password, setting string) (string, bool) {
	if len(setting) < 2 {
		return "", false
	}
	s0, s1 := cryptIndex(setting[0]), cryptIndex(setting[1])
	if s0 < 0 || s1 < 0 {
		return "", false
	}
	var key uint64
	for i := 0; i < 8; i++ {
		var b byte
		if i < len(password) {
			b = password[i] << 1
		}
		key = key<<8 | uint64(b)
	}
	salt := uint32(s0) | uint32(s1)<<6
	var sub [16]uint64
	desKeySchedule(key, &sub)
	var block uint64
	for i := 0; i < 25; i++ {
		block = desEncrypt(block, &sub, salt)
	}
	out := make([]byte, 0, 13)
	out = append(out, setting[0], setting[1])
	for i := 0; i < 10; i++ {
		out = append(out, cryptAlphabet[(block>>(58-6*i))&63])
	}
	out = append(out, cryptAlphabet[(block<<2)&63])
	return string(out), true
}

// FIPS 46-3 tables, bit positions counted from 1 at the most significant
// bit.
var (
	desIP = [64]byte{
		58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
		62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
		57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
		61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
	}
	desFP = [64]byte{
		40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31,
		38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
		36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
		34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
	}
	desE = [48]byte{
		32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9,
		8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
		16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25,
		24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
	}
	desP = [32]byte{
		16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
		2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
	}
	desPC1 = [56]byte{
		57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18,
		10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
		63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22,
		14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
	}
	desPC2 = [48]byte{
		14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10,
		23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
		41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48,
		44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
	}
	desShifts = [16]byte{1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1}
	desS      = [8][64]byte{
		{14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
			0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
			4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
			15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13},
		{15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
			3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
			0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
			13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9},
		{10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
			13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
			13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
			1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12},
		{7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
			13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
			10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
			3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14},
		{2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
			14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
			4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
			11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3},
		{12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
			10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
			9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
			4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13},
		{4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
			13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
			1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
			6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12},
		{13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
			1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
			7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
			2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11},
	}
)

// permute returns the bits of in (inBits wide) picked by table, the first
// entry becoming the most significant bit of the result.
func permute(in uint64, inBits int, table []byte) uint64 {
	var out uint64
	for _, p := range table {
		out = out<<1 | (in>>(inBits-int(p)))&1
	}
	return out
}

func desKeySchedule(key uint64, sub *[16]uint64) {
	cd := permute(key, 64, desPC1[:])
	c, d := uint32(cd>>28), uint32(cd&0xfffffff)
	for i, s := range desShifts {
		c = (c<<s | c>>(28-s)) & 0xfffffff
		d = (d<<s | d>>(28-s)) & 0xfffffff
		sub[i] = permute(uint64(c)<<28|uint64(d), 56, desPC2[:])
	}
}

// desEncrypt encrypts one block; every set bit i of the 12-bit salt swaps
// bits i and i+24 (from the most significant end) of each E expansion.
func desEncrypt(block uint64, sub *[16]uint64, salt uint32) uint64 {
	var saltMask uint64 // bits of the upper 24-bit half to swap
	for i := 0; i < 12; i++ {
		if salt>>i&1 == 1 {
			saltMask |= 1 << (47 - i)
		}
	}
	b := permute(block, 64, desIP[:])
	l, r := uint32(b>>32), uint32(b)
	for i := 0; i < 16; i++ {
		e := permute(uint64(r), 32, desE[:])
		swap := (e ^ e<<24) & saltMask // bits that differ between halves
		e ^= swap | swap>>24
		e ^= sub[i]
		var f uint64
		for s := 0; s < 8; s++ {
			six := byte(e>>(42-6*s)) & 63
			row := six>>4&2 | six&1
			col := six >> 1 & 15
			f = f<<4 | uint64(desS[s][row*16+col])
		}
		l, r = r, l^uint32(permute(f, 32, desP[:]))
	}
	return permute(uint64(r)<<32|uint64(l), 64, desFP[:])
}
