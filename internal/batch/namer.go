package batch

import "strconv"

// Namer hands out usernames that are not taken yet: neither in the database
// (the names it was given) nor by an earlier Take of the same batch.
// Names are compared exactly, as Django's username lookups are.
//
// A Namer is not safe for concurrent use.
type Namer struct {
	taken map[string]struct{}
	// next[base] is a suffix from which base+suffix may be free: every
	// base+k with 1 <= k < next[base] is known to be taken. Names are only
	// ever added, so this stays true and each base's numbers are scanned
	// once over the Namer's whole life.
	next map[string]int
}

// NewNamer returns a Namer that treats existing as taken. Callers load
// existing with a prefix query on the bases they will ask for.
func NewNamer(existing []string) *Namer {
	n := &Namer{
		taken: make(map[string]struct{}, len(existing)),
		next:  make(map[string]int),
	}
	n.Reserve(existing...)
	return n
}

// Reserve marks names as taken, for callers that load existing names as
// they go.
func (n *Namer) Reserve(names ...string) {
	for _, name := range names {
		n.taken[name] = struct{}{}
	}
}

// Taken reports whether name exists or was handed out.
func (n *Namer) Taken(name string) bool {
	_, ok := n.taken[name]
	return ok
}

// Take returns base if it is free, else the first free of base1, base2, ...
// (django-freeradius's find_available_username, without its dependence on
// row order), and records the result as taken.
//
// The result can be longer than base: a caller with a base near the length
// limit should check it with CleanUsername.
func (n *Namer) Take(base string) string {
	if !n.Taken(base) {
		n.taken[base] = struct{}{}
		return base
	}
	return n.TakePrefixed(base)
}

// TakePrefixed returns the first free of prefix1, prefix2, ... (the prefix
// strategy's names; numbering continues after the existing ones and fills
// gaps) and records it as taken.
func (n *Namer) TakePrefixed(prefix string) string {
	k := max(n.next[prefix], 1)
	for {
		name := prefix + strconv.Itoa(k)
		k++
		if !n.Taken(name) {
			n.taken[name] = struct{}{}
			n.next[prefix] = k
			return name
		}
	}
}
