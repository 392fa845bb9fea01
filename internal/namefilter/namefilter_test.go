package namefilter

import (
	"strconv"
	"sync"
	"testing"
)

func TestAddedNamesArePresent(t *testing.T) {
	f := New(1000)
	for i := range 100_000 {
		f.Add("user" + strconv.Itoa(i))
	}
	for i := range 100_000 {
		if name := "user" + strconv.Itoa(i); !f.MayContain(name) {
			t.Fatalf("%s was added but is reported absent", name)
		}
	}
}

func TestFalsePositivesStayRare(t *testing.T) {
	const n = 200_000
	f := New(2 * n)
	for i := range n {
		f.Add("user" + strconv.Itoa(i))
	}
	if f.Full() {
		t.Fatalf("Full after %d of %d names", n, 2*n)
	}
	fp := 0
	const tries = 200_000
	for i := range tries {
		if f.MayContain("nobody" + strconv.Itoa(i)) {
			fp++
		}
	}
	// At half capacity the expected rate is about 0.1%; 1% would mean
	// the probes are not independent.
	if rate := float64(fp) / tries; rate > 0.01 {
		t.Errorf("%d of %d absent names reported present (%.3f%%), want well under 1%%", fp, tries, 100*rate)
	}
	if f.MayContain("user200000") && f.MayContain("user200001") && f.MayContain("user200002") {
		t.Error("names never added are reported present")
	}
}

func TestFull(t *testing.T) {
	f := New(0)
	if f.Bytes() != minCapacity*bitsPerName/8 {
		t.Errorf("Bytes = %d, want %d for the minimum capacity", f.Bytes(), minCapacity*bitsPerName/8)
	}
	for i := range minCapacity {
		f.Add(strconv.Itoa(i))
	}
	if f.Full() {
		t.Fatal("Full at capacity")
	}
	f.Add("one more")
	if !f.Full() || f.Len() != minCapacity+1 {
		t.Fatalf("Full %v, Len %d after %d names: want true, %d", f.Full(), f.Len(), minCapacity+1, minCapacity+1)
	}
	if (*Filter)(nil).Len() != 0 {
		t.Error("a nil filter has names")
	}
}

func TestConcurrentAdds(t *testing.T) {
	f := New(0)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 5000 {
				f.Add(strconv.Itoa(g) + "/" + strconv.Itoa(i))
			}
		})
	}
	wg.Wait()
	for g := range 8 {
		for i := range 5000 {
			if !f.MayContain(strconv.Itoa(g) + "/" + strconv.Itoa(i)) {
				t.Fatalf("a concurrent add was lost: %d/%d", g, i)
			}
		}
	}
}

func BenchmarkMayContain(b *testing.B) {
	f := New(400_000)
	for i := range 200_000 {
		f.Add("user" + strconv.Itoa(i))
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		f.MayContain("nobody" + strconv.Itoa(i&1023))
	}
}
