// Package namefilter is a Bloom filter of names: it answers "certainly
// absent" or "maybe present" in a few hash probes, from about ten bits per
// name, and is safe for concurrent use without locks.
package namefilter

import (
	"hash/maphash"
	"sync/atomic"
)

const (
	// bitsPerName and probes give about 1% false positives at capacity,
	// and about 0.1% at half of it.
	bitsPerName = 10
	probes      = 7
	// minCapacity keeps a filter of a small database from filling at once.
	minCapacity = 1 << 16
)

// Filter holds a set of names. Names are only ever added; a name that was
// never added is reported absent with high probability, an added one is
// always reported present.
type Filter struct {
	words    []atomic.Uint64
	nbits    uint64
	seed     maphash.Seed
	capacity int
	added    atomic.Int64
}

// New returns an empty filter sized for capacity names (at least 65,536).
func New(capacity int) *Filter {
	capacity = max(capacity, minCapacity)
	words := (capacity*bitsPerName + 63) / 64
	return &Filter{
		words:    make([]atomic.Uint64, words),
		nbits:    uint64(words) * 64,
		seed:     maphash.MakeSeed(),
		capacity: capacity,
	}
}

// positions derives the probe sequence of name from one 64-bit hash
// (double hashing: h1 + i*h2).
func (f *Filter) positions(name string) (h1, h2 uint64) {
	h := maphash.String(f.seed, name)
	return h & 0xffffffff, h>>32 | 1
}

// Add puts name in the filter.
func (f *Filter) Add(name string) {
	h1, h2 := f.positions(name)
	for i := range uint64(probes) {
		b := (h1 + i*h2) % f.nbits
		w := &f.words[b/64]
		if mask := uint64(1) << (b % 64); w.Load()&mask == 0 {
			w.Or(mask)
		}
	}
	f.added.Add(1)
}

// MayContain reports false when name was certainly never added.
func (f *Filter) MayContain(name string) bool {
	h1, h2 := f.positions(name)
	for i := range uint64(probes) {
		b := (h1 + i*h2) % f.nbits
		if f.words[b/64].Load()&(uint64(1)<<(b%64)) == 0 {
			return false
		}
	}
	return true
}

// Full reports whether more names were added than the filter was sized
// for: its false positives then grow, and a bigger one should replace it.
func (f *Filter) Full() bool { return f.added.Load() > int64(f.capacity) }

// Len is how many names were added (a name added twice counts twice).
func (f *Filter) Len() int64 {
	if f == nil {
		return 0
	}
	return f.added.Load()
}

// Bytes is the memory the filter's bits take.
func (f *Filter) Bytes() int { return len(f.words) * 8 }
