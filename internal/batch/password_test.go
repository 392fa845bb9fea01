package batch

import (
	"strings"
	"testing"
)

func TestGeneratePassword(t *testing.T) {
	for _, n := range []int{1, 8, 100, 1000} {
		p, err := GeneratePassword(n)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != n {
			t.Errorf("length %d: got %d characters", n, len(p))
		}
		if i := strings.IndexFunc(p, func(r rune) bool { return !strings.ContainsRune(passwordAlphabet, r) }); i >= 0 {
			t.Errorf("length %d: %q has %q outside [a-zA-Z0-9]", n, p, p[i])
		}
	}
	for _, n := range []int{0, -1} {
		if p, err := GeneratePassword(n); err == nil {
			t.Errorf("GeneratePassword(%d) = %q, nil; want an error", n, p)
		}
	}
	a, _ := GeneratePassword(16)
	b, _ := GeneratePassword(16)
	if a == b {
		t.Errorf("two passwords are equal: %q", a)
	}
}

// TestGeneratePasswordSpread is a loose check that every character is
// used about equally often (bounds about ten standard deviations wide).
func TestGeneratePasswordSpread(t *testing.T) {
	const per = 1000
	p, err := GeneratePassword(per * len(passwordAlphabet))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[rune]int{}
	for _, r := range p {
		counts[r]++
	}
	if len(counts) != len(passwordAlphabet) {
		t.Errorf("%d distinct characters, want %d", len(counts), len(passwordAlphabet))
	}
	for r, c := range counts {
		if c < per*7/10 || c > per*13/10 {
			t.Errorf("%q drawn %d times, want about %d", r, c, per)
		}
	}
}
