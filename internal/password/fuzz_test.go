package password

import (
	"strings"
	"testing"
)

// fuzzLimits keep every fuzzed hash cheap: seeds above them (the 260000
// iteration fixture hashes, Argon2 with 100 MiB, bcrypt cost 12) still go
// through all the parsing, and are then rejected.
var fuzzLimits = limits{
	pbkdf2Iterations: 20000,
	bcryptCost:       6,
	scryptMemory:     1 << 20,
	scryptRP:         8,
	scryptWork:       1 << 14,
	argon2Memory:     1024,
	argon2Time:       4,
	argon2Lanes:      8,
	argon2Work:       4096,
	shaCryptRounds:   5000,
}

// FuzzCheck feeds arbitrary passwords and encodings to the verifier (which
// must not panic: check, unlike Check, does not recover) and checks that
// MakePBKDF2SHA256 round-trips any password.
func FuzzCheck(f *testing.F) {
	for _, v := range vectors {
		f.Add(v.password, v.encoded)
	}
	for _, s := range []string{
		"", "!", "$", "$$$$$$", "md5$$", "sha1$$", "crypt$$ab", "bcrypt$$2b$04$",
		"argon2$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$AAAAAA",
		"scrypt$16$salt$1$1$" + strings.Repeat("A", 86) + "==",
		"pbkdf2_sha1$1$s$" + strings.Repeat("A", 27) + "=",
		"!3cwa5KSmpMMRcdSWzj11hv95uSwerXzF5mZdm6NE",
	} {
		f.Add("password", s)
	}
	f.Fuzz(func(t *testing.T, password, encoded string) {
		ok := check(password, encoded, &fuzzLimits)
		if ok && !IsUsable(encoded) {
			t.Fatalf("check(%q, %q) accepted an unusable value", password, encoded)
		}
		if ok && Algorithm(encoded) == "" {
			t.Fatalf("check(%q, %q) accepted an unidentified value", password, encoded)
		}
		Iterations(encoded)

		iter := 1 + len(password)%3
		enc := MakePBKDF2SHA256(password, iter)
		if !Check(password, enc) {
			t.Fatalf("Check(%q, %q) = false for a fresh hash", password, enc)
		}
		if Check(password+"x", enc) {
			t.Fatalf("Check(%q, %q) = true for a wrong password", password+"x", enc)
		}
		if n, ok := Iterations(enc); !ok || n != iter {
			t.Fatalf("Iterations(%q) = %d, %v", enc, n, ok)
		}
	})
}
