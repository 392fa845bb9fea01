package e2e

import (
	"bytes"
	"crypto/des"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"testing"

	"golang.org/x/crypto/md4"

	"github.com/goradius/goradius/internal/password"
)

// radclient has no MS-CHAPv2 of its own (its MS-CHAP-Password makes a v1
// response), so the tests compute the attributes a NAS would send, after
// RFC 2759 section 8, and check FreeRADIUS's MS-CHAP2-Success the same way.

// msCHAPv2 is one MS-CHAPv2 exchange: what the NAS sends and the
// authenticator response a real server must answer.
type msCHAPv2 struct {
	Challenge [16]byte // MS-CHAP-Challenge
	Response  [50]byte // MS-CHAP2-Response
	Success   string   // "S=" and 40 hex digits, expected in MS-CHAP2-Success
}

func newMSCHAPv2(t *testing.T, user, pw string) msCHAPv2 {
	t.Helper()
	var m msCHAPv2
	var peer [16]byte
	if _, err := rand.Read(m.Challenge[:]); err != nil {
		t.Fatal(err)
	}
	if _, err := rand.Read(peer[:]); err != nil {
		t.Fatal(err)
	}
	ntHash, err := hex.DecodeString(password.NTHash(pw))
	if err != nil {
		t.Fatal(err)
	}
	challengeHash := sha1Sum(peer[:], m.Challenge[:], []byte(user))[:8]
	ntResponse := challengeResponse(t, challengeHash, ntHash)

	m.Response[0] = 1 // ident
	copy(m.Response[2:18], peer[:])
	copy(m.Response[26:50], ntResponse)

	h := md4.New()
	h.Write(ntHash)
	const (
		magic1 = "Magic server to client signing constant"
		magic2 = "Pad to make it do more than one iteration"
	)
	digest := sha1Sum(h.Sum(nil), ntResponse, []byte(magic1))
	digest = sha1Sum(digest, challengeHash, []byte(magic2))
	m.Success = "S=" + strings.ToUpper(hex.EncodeToString(digest))
	return m
}

// attrs are the request's attributes in radclient's input format.
func (m msCHAPv2) attrs(user string) [][2]string {
	return [][2]string{
		{"User-Name", user},
		{"MS-CHAP-Challenge", "0x" + hex.EncodeToString(m.Challenge[:])},
		{"MS-CHAP2-Response", "0x" + hex.EncodeToString(m.Response[:])},
	}
}

// successOK reports whether an MS-CHAP2-Success value (radclient prints
// octets as 0x...) carries the expected authenticator response.
func (m msCHAPv2) successOK(v string) bool {
	b, err := hex.DecodeString(strings.TrimPrefix(v, "0x"))
	return err == nil && len(b) == 43 && b[0] == m.Response[0] && string(b[1:]) == m.Success
}

func sha1Sum(parts ...[]byte) []byte {
	h := sha1.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// challengeResponse encrypts the 8-byte challenge with three DES keys cut
// from the zero-padded 16-byte hash.
func challengeResponse(t *testing.T, challenge, hash []byte) []byte {
	t.Helper()
	z := append(bytes.Clone(hash), make([]byte, 5)...)
	out := make([]byte, 0, 24)
	for i := 0; i < 3; i++ {
		c, err := des.NewCipher(desKey(z[7*i : 7*i+7]))
		if err != nil {
			t.Fatal(err)
		}
		block := make([]byte, 8)
		c.Encrypt(block, challenge)
		out = append(out, block...)
	}
	return out
}

// desKey spreads 56 key bits over 8 bytes; DES ignores the parity bits.
func desKey(k []byte) []byte {
	return []byte{
		k[0],
		k[0]<<7 | k[1]>>1,
		k[1]<<6 | k[2]>>2,
		k[2]<<5 | k[3]>>3,
		k[3]<<4 | k[4]>>4,
		k[4]<<3 | k[5]>>5,
		k[5]<<2 | k[6]>>6,
		k[6] << 1,
	}
}

// testMSCHAPv2 logs in with the right password (accepted, with the right
// authenticator response) and a wrong one (rejected).
func testMSCHAPv2(t *testing.T, r *radius, user, pw string) {
	t.Helper()
	m := newMSCHAPv2(t, user, pw)
	a := r.send("auth", m.attrs(user))
	expect(t, "MS-CHAPv2, right password", a, "Access-Accept")
	if a.Code == "Access-Accept" && !m.successOK(a.get("MS-CHAP2-Success")) {
		t.Errorf("MS-CHAP2-Success = %q, want ident 1 and %s:\n%s", a.get("MS-CHAP2-Success"), m.Success, a.Out)
	}
	bad := newMSCHAPv2(t, user, pw+"x")
	expect(t, "MS-CHAPv2, wrong password", r.send("auth", bad.attrs(user)), "Access-Reject")
}
