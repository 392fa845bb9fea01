package main

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

func TestHistBuckets(t *testing.T) {
	// Every value falls in the bucket histIndex names, buckets are in
	// order and contiguous, and no bucket is wider than 1/64 of its values.
	prevHi := uint64(0)
	for i := 0; i < histBuckets; i++ {
		lo, hi := histBounds(i)
		if i > 0 && lo != prevHi+1 {
			t.Fatalf("bucket %d starts at %d, the previous one ends at %d", i, lo, prevHi)
		}
		if hi < lo {
			t.Fatalf("bucket %d: [%d, %d]", i, lo, hi)
		}
		if lo >= 128 && float64(hi-lo+1)/float64(lo) > 1.0/64 {
			t.Fatalf("bucket %d [%d, %d] is wider than 1/64", i, lo, hi)
		}
		if histIndex(lo) != i || histIndex(hi) != i {
			t.Fatalf("bucket %d [%d, %d]: histIndex gives %d and %d", i, lo, hi, histIndex(lo), histIndex(hi))
		}
		prevHi = hi
		if hi == ^uint64(0) {
			if i != histBuckets-1 {
				t.Fatalf("the largest value is in bucket %d of %d", i, histBuckets)
			}
			break
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		v := rng.Uint64() >> rng.IntN(64)
		lo, hi := histBounds(histIndex(v))
		if v < lo || v > hi {
			t.Fatalf("%d is not in its bucket [%d, %d]", v, lo, hi)
		}
	}
}

func TestQuantileUniform(t *testing.T) {
	var h histogram
	for i := 1; i <= 100000; i++ {
		h.record(time.Duration(i) * time.Microsecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{
		{0.5, 50 * time.Millisecond},
		{0.99, 99 * time.Millisecond},
		{0.999, 99900 * time.Microsecond},
		{1, 100 * time.Millisecond},
	} {
		got := h.quantile(tc.q)
		if got < tc.want || float64(got) > float64(tc.want)*(1+1.0/64) {
			t.Errorf("quantile(%v) = %v, want %v to 1/64 above", tc.q, got, tc.want)
		}
	}
	if got := h.quantile(0); got != time.Microsecond {
		t.Errorf("quantile(0) = %v, want the minimum 1µs", got)
	}
	if m := h.mean(); m < 50*time.Millisecond || m > 50001*time.Microsecond {
		t.Errorf("mean = %v, want 50.0005ms", m)
	}
}

func TestQuantileAgainstSort(t *testing.T) {
	// A skewed distribution (log-normal-ish latencies) against the exact
	// order statistics of the same sample.
	rng := rand.New(rand.NewPCG(3, 4))
	var h histogram
	var all []time.Duration
	for range 50000 {
		d := time.Duration(float64(time.Millisecond) * rng.ExpFloat64() * rng.ExpFloat64() * 3)
		all = append(all, d)
		h.record(d)
	}
	slices.Sort(all)
	for _, q := range []float64{0.5, 0.9, 0.99} {
		exact := all[int(q*float64(len(all)))-1]
		got := h.quantile(q)
		if got < exact || float64(got) > float64(exact)*(1+1.0/64)+1 {
			t.Errorf("quantile(%v) = %v, exact %v", q, got, exact)
		}
	}
}

func TestQuantileEdges(t *testing.T) {
	var h histogram
	if h.quantile(0.5) != 0 || h.mean() != 0 {
		t.Fatal("an empty histogram must report 0")
	}
	h.record(1234567 * time.Nanosecond)
	for _, q := range []float64{0, 0.5, 0.99, 1} {
		if got := h.quantile(q); got != 1234567*time.Nanosecond {
			t.Errorf("one value: quantile(%v) = %v, want the value itself", q, got)
		}
	}
	h.record(-time.Second) // a clock step: counted as 0
	if h.quantile(0) != 0 || h.n != 2 {
		t.Errorf("negative duration: min %v, n %d", h.quantile(0), h.n)
	}
}

func TestHistogramMerge(t *testing.T) {
	var a, b, all histogram
	for i := 1; i <= 1000; i++ {
		d := time.Duration(i*i) * time.Microsecond
		all.record(d)
		if i%3 == 0 {
			a.record(d)
		} else {
			b.record(d)
		}
	}
	var empty histogram
	a.merge(&empty)
	a.merge(&b)
	if a.n != all.n || a.min != all.min || a.max != all.max || a.counts != all.counts {
		t.Fatalf("merged histogram differs: n %d/%d, min %d/%d, max %d/%d", a.n, all.n, a.min, all.min, a.max, all.max)
	}
	for _, q := range []float64{0.5, 0.99} {
		if a.quantile(q) != all.quantile(q) {
			t.Errorf("quantile(%v): merged %v, whole %v", q, a.quantile(q), all.quantile(q))
		}
	}
}

func TestClosedLoop(t *testing.T) {
	var calls atomic.Int64
	res, err := closedLoop(context.Background(), loopOptions{concurrency: 4, warmup: 20 * time.Millisecond, duration: 200 * time.Millisecond},
		func(i int) func(context.Context) error {
			return func(context.Context) error {
				time.Sleep(time.Millisecond)
				if calls.Add(1)%10 == 0 {
					return errors.New("every tenth fails")
				}
				return nil
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	total := res.requests + res.errors
	if total < 50 || total > 1000 {
		t.Fatalf("%d operations in 200ms on 4 workers of 1ms", total)
	}
	if res.errors == 0 || res.firstErr != "every tenth fails" {
		t.Fatalf("errors %d, first %q", res.errors, res.firstErr)
	}
	if res.elapsed != 200*time.Millisecond || res.exhausted {
		t.Fatalf("elapsed %v, exhausted %v", res.elapsed, res.exhausted)
	}
	if res.hist.n != total || res.hist.quantile(0.5) < time.Millisecond {
		t.Fatalf("histogram: n %d (want %d), p50 %v", res.hist.n, total, res.hist.quantile(0.5))
	}
}

func TestClosedLoopExhausted(t *testing.T) {
	var left atomic.Int64
	left.Store(50)
	res, err := closedLoop(context.Background(), loopOptions{concurrency: 2, duration: 5 * time.Second},
		func(int) func(context.Context) error {
			return func(context.Context) error {
				if left.Add(-1) < 0 {
					return errDone
				}
				time.Sleep(time.Millisecond)
				return nil
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	if res.requests != 50 || !res.exhausted || res.elapsed <= 0 || res.elapsed > 2*time.Second {
		t.Fatalf("requests %d, exhausted %v, elapsed %v", res.requests, res.exhausted, res.elapsed)
	}
}

func TestClosedLoopCancelled(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := closedLoop(ctx, loopOptions{concurrency: 2, duration: time.Minute},
		func(int) func(context.Context) error {
			return func(ctx context.Context) error {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(time.Millisecond):
					return nil
				}
			}
		})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

func TestRunHTTP(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+apiToken || r.Method != http.MethodPost {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		if n.Add(1)%5 == 0 {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		bareHandler(w, r)
	}))
	defer srv.Close()
	e := &scenarioEnv{d: newDataset(dataSpec{users: 10, tokens: 1, rows: 100, days: 1}, time.Now(), "x")}
	res, err := runHTTP(context.Background(), httpOptions{
		loopOptions: loopOptions{concurrency: 3, duration: 200 * time.Millisecond}, baseURL: srv.URL}, authorizeUnknown(e))
	if err != nil {
		t.Fatal(err)
	}
	if res.requests == 0 || res.errors == 0 {
		t.Fatalf("requests %d, errors %d: want both (every fifth answer is a 418)", res.requests, res.errors)
	}
	ratio := float64(res.errors) / float64(res.requests+res.errors)
	if ratio < 0.1 || ratio > 0.3 {
		t.Fatalf("error ratio %.2f, want about 0.2", ratio)
	}
}

func TestBodyChecks(t *testing.T) {
	if acceptObject([]byte(`{"control:Auth-Type": "Accept"}`)) != nil ||
		acceptObject([]byte(`{"control:Auth-Type":"Accept","reply:Session-Timeout":"10"}`)) != nil {
		t.Error("accept bodies refused")
	}
	for _, b := range []string{"", `{"control:Auth-Type": "Reject"}`, "null", "[]"} {
		if acceptObject([]byte(b)) == nil {
			t.Errorf("%q taken for an accept", b)
		}
	}
	if emptyBody(nil) != nil || emptyBody([]byte("null")) == nil {
		t.Error("emptyBody")
	}
	if nonEmptyList([]byte(`[{"id": 1}]`)) != nil || nonEmptyList([]byte(`[]`)) == nil {
		t.Error("nonEmptyList")
	}
	check := expectStatus(201, emptyBody)
	if check(201, nil) != nil || check(200, nil) == nil || check(201, []byte("x")) == nil {
		t.Error("expectStatus")
	}
}
