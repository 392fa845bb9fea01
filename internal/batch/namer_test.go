package batch

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

// firstFree is find_available_username written the slow, obvious way.
func firstFree(taken map[string]bool, base string, prefixed bool) string {
	if !prefixed && !taken[base] {
		return base
	}
	for k := 1; ; k++ {
		if name := base + strconv.Itoa(k); !taken[name] {
			return name
		}
	}
}

func TestNamerTake(t *testing.T) {
	for _, tc := range []struct {
		name     string
		existing []string
		bases    []string
		want     []string
	}{
		{"free", nil, []string{"kim"}, []string{"kim"}},
		{"taken in the database", []string{"user", "user1"}, []string{"user"}, []string{"user2"}},
		{"taken earlier in the file", nil, []string{"kim", "kim", "kim"}, []string{"kim", "kim1", "kim2"}},
		// django-freeradius's iterator bug gave user1 twice here.
		{"descending order", nil, []string{"user1", "user", "user"}, []string{"user1", "user", "user2"}},
		{"gap filled first", []string{"user", "user2"}, []string{"user", "user"}, []string{"user1", "user3"}},
		{"base ending in a digit", []string{"user1"}, []string{"user1", "user"}, []string{"user11", "user"}},
		{"exact comparison", []string{"Kim"}, []string{"kim", "Kim"}, []string{"kim", "Kim1"}},
		{"later row named like an earlier rename", nil, []string{"a", "a", "a1", "a"}, []string{"a", "a1", "a11", "a2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := NewNamer(tc.existing)
			for i, base := range tc.bases {
				if got := n.Take(base); got != tc.want[i] {
					t.Errorf("Take(%q) #%d = %q, want %q", base, i, got, tc.want[i])
				}
			}
		})
	}
}

// TestNamerAnyOrder checks, for random row orders of names that collide in
// every way, that each result is the first free candidate and that no name
// is handed out twice.
func TestNamerAnyOrder(t *testing.T) {
	pool := []string{"user", "user", "user", "user1", "user1", "user2", "user11", "user12", "use", "use1", "kim", "kim", "kim2"}
	existing := []string{"user", "user3", "kim1"}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 500 {
		bases := append([]string(nil), pool...)
		rng.Shuffle(len(bases), func(i, j int) { bases[i], bases[j] = bases[j], bases[i] })
		prefixed := make([]bool, len(bases))
		for i := range prefixed {
			prefixed[i] = rng.IntN(4) == 0
		}

		n := NewNamer(existing)
		ref := map[string]bool{}
		for _, e := range existing {
			ref[e] = true
		}
		for i, base := range bases {
			var got string
			if prefixed[i] {
				got = n.TakePrefixed(base)
			} else {
				got = n.Take(base)
			}
			want := firstFree(ref, base, prefixed[i])
			if got != want {
				t.Fatalf("round %d: bases %q prefixed %v: call %d (%q) = %q, want %q", round, bases, prefixed, i, base, got, want)
			}
			ref[got] = true
		}
	}
}

func TestNamerTakePrefixed(t *testing.T) {
	for _, tc := range []struct {
		name     string
		existing []string
		n        int
		want     []string
	}{
		{"fresh", nil, 3, []string{"guest1", "guest2", "guest3"}},
		{"continues after existing", []string{"guest1", "guest2", "guest3"}, 2, []string{"guest4", "guest5"}},
		{"fills gaps first", []string{"guest1", "guest3"}, 3, []string{"guest2", "guest4", "guest5"}},
		{"bare prefix is not a candidate", []string{"guest"}, 1, []string{"guest1"}},
		{"other names ignored", []string{"guest10", "guestbook", "guest01"}, 2, []string{"guest1", "guest2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := NewNamer(tc.existing)
			for i := range tc.n {
				if got := n.TakePrefixed("guest"); got != tc.want[i] {
					t.Errorf("TakePrefixed #%d = %q, want %q", i, got, tc.want[i])
				}
			}
		})
	}
}

func TestNamerReserveLater(t *testing.T) {
	n := NewNamer(nil)
	if got := n.TakePrefixed("g"); got != "g1" {
		t.Fatalf("got %q", got)
	}
	n.Reserve("g2", "g3")
	if !n.Taken("g3") || n.Taken("g4") {
		t.Fatal("Taken disagrees with Reserve")
	}
	if got := n.TakePrefixed("g"); got != "g4" {
		t.Errorf("after Reserve: got %q, want g4", got)
	}
}

func TestNamerManyRows(t *testing.T) {
	const rows = 10_000
	n := NewNamer([]string{"user", "user5000"})
	seen := make(map[string]bool, rows)
	for i := range rows {
		got := n.Take("user")
		k := i + 1
		if k >= 5000 {
			k++
		}
		if want := "user" + strconv.Itoa(k); got != want {
			t.Fatalf("row %d: %q, want %q", i, got, want)
		}
		if seen[got] {
			t.Fatalf("%q handed out twice", got)
		}
		seen[got] = true
	}
}

func BenchmarkNamerTake(b *testing.B) {
	for b.Loop() {
		n := NewNamer([]string{"user"})
		for i := range 10_000 {
			n.Take("user")
			n.Take(fmt.Sprint("kim", i%100))
		}
	}
}
