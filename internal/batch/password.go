package batch

import (
	"crypto/rand"
	"errors"
)

// passwordAlphabet is what Django's get_random_string draws from by default.
const passwordAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// GeneratePassword returns length characters drawn uniformly from
// [a-zA-Z0-9] with crypto/rand.
func GeneratePassword(length int) (string, error) {
	if length < 1 {
		return "", errors.New("password length must be at least 1")
	}
	// Bytes at or above the largest multiple of 62 that fits in a byte are
	// dropped, so every character is equally likely.
	const limit = 256 - 256%len(passwordAlphabet)
	out := make([]byte, 0, length)
	buf := make([]byte, length+length/4+8)
	for len(out) < length {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			out = append(out, passwordAlphabet[int(b)%len(passwordAlphabet)])
			if len(out) == length {
				break
			}
		}
	}
	return string(out), nil
}
