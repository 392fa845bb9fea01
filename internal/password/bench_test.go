package password

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"testing"
)

// The hot path: authorize with a Django 3.2 default hash.
func BenchmarkCheckPBKDF2SHA256_260000(b *testing.B) {
	const enc = "pbkdf2_sha256$260000$BwhqxHdalANTNDPxAehdo8$E2XSrLqcl5nmHDZVae42bq2fReBy/4DrK0Ih48rKHC0="
	for b.Loop() {
		if !Check("alice-pass-1", enc) {
			b.Fatal("Check failed")
		}
	}
}

// The same key derivation through the standard library alone, the
// reference for the rate Check should reach.
func BenchmarkRawPBKDF2SHA256_260000(b *testing.B) {
	salt := []byte("BwhqxHdalANTNDPxAehdo8")
	for b.Loop() {
		if _, err := pbkdf2.Key(sha256.New, "alice-pass-1", salt, 260000, 32); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMakePBKDF2SHA256_260000(b *testing.B) {
	for b.Loop() {
		MakePBKDF2SHA256("alice-pass-1", DefaultIterations)
	}
}

func BenchmarkCheckMalformed(b *testing.B) {
	for b.Loop() {
		Check("alice-pass-1", "pbkdf2_sha256$2600000000$salt$hash")
	}
}
