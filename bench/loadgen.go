package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Latencies are kept in a log-linear histogram, HDR style: exact below 128
// nanoseconds, then 64 buckets per power of two, so that any recorded value
// is reported within 1/64 (1.6%) of itself. It covers every uint64 in a
// fixed array, and merging two histograms is adding arrays.
const (
	histSubBits    = 6
	histSubBuckets = 1 << histSubBits // 64
	histBuckets    = (64 - histSubBits) * histSubBuckets
)

// histogram counts durations in nanoseconds. The zero value is empty and
// ready; it is not safe for concurrent use (each worker has its own).
type histogram struct {
	counts   [histBuckets]uint64
	n        uint64
	sum      float64
	min, max uint64
}

func histIndex(v uint64) int {
	if v < 2*histSubBuckets {
		return int(v)
	}
	shift := bits.Len64(v) - (histSubBits + 1)
	return (shift+1)<<histSubBits + int(v>>uint(shift)) - histSubBuckets
}

// histBounds returns the smallest and largest value of bucket i.
func histBounds(i int) (lo, hi uint64) {
	if i < 2*histSubBuckets {
		return uint64(i), uint64(i)
	}
	shift := uint(i>>histSubBits - 1)
	mant := uint64(i&(histSubBuckets-1) + histSubBuckets)
	lo = mant << shift
	hi = lo + (uint64(1) << shift) - 1
	return lo, hi
}

func (h *histogram) record(d time.Duration) {
	v := uint64(max(d, 0))
	h.counts[histIndex(v)]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += float64(v)
}

func (h *histogram) merge(o *histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.n += o.n
	h.sum += o.sum
}

// quantile returns the value below or at which a fraction q of the
// recorded values lie (q in [0, 1]): the upper bound of the bucket holding
// the value of rank ceil(q*n), never above the largest value recorded.
// It is 0 for an empty histogram.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	if q <= 0 {
		return time.Duration(h.min)
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			_, hi := histBounds(i)
			return time.Duration(min(max(hi, h.min), h.max))
		}
	}
	return time.Duration(h.max)
}

func (h *histogram) mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.n))
}

// request is one HTTP request a worker sends. The worker owns body and may
// reuse it for the next request.
type request struct {
	method string
	path   string // with the query
	body   []byte
}

// workload makes the requests of one scenario and judges the answers.
type workload struct {
	// newWorker returns the request maker of worker i. next fills r and
	// reports false when the workload has nothing more to send (a pool of
	// single-use tokens ran out, for instance): that worker stops.
	newWorker func(i int) (next func(r *request) bool)
	// check says whether an answer is the expected one; anything else
	// counts as an error.
	check func(status int, body []byte) error
	// header is sent with every request.
	header http.Header
}

// loadResult is what a closed-loop run measured.
type loadResult struct {
	requests  uint64 // answered as expected
	errors    uint64
	elapsed   time.Duration
	hist      histogram // latency of every answered request, good or bad
	firstErr  string
	exhausted bool // a worker ran out of work before the end
}

// add accumulates another run of the same load into r.
func (r *loadResult) add(o *loadResult) {
	r.requests += o.requests
	r.errors += o.errors
	r.elapsed += o.elapsed
	r.hist.merge(&o.hist)
	if r.firstErr == "" {
		r.firstErr = o.firstErr
	}
	r.exhausted = r.exhausted || o.exhausted
}

func (r *loadResult) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// newClient makes the keep-alive client of a run: at most n connections,
// all kept idle between requests, as rlm_rest's connection pool does.
func newClient(n int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        n,
		MaxIdleConnsPerHost: n,
		MaxConnsPerHost:     n,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

// errDone is returned by an operation that has no more work (a pool of
// single-use tokens ran out): its worker stops.
var errDone = errors.New("no more work")

// loopOptions are the shape of a closed-loop run.
type loopOptions struct {
	concurrency int
	warmup      time.Duration // run but not measured
	duration    time.Duration // measured
	grace       time.Duration // how long an operation may run past the end
}

// closedLoop runs opts.concurrency workers, each starting its next
// operation as soon as the previous one returns, for warmup plus duration.
// newWorker(i) returns the operation of worker i. An operation counts when
// it returns inside the measured window, wherever it started, so the
// operations cut by either edge balance out. It returns early, with what it
// measured, when ctx is cancelled.
func closedLoop(ctx context.Context, opts loopOptions, newWorker func(i int) func(ctx context.Context) error) (*loadResult, error) {
	if opts.concurrency < 1 {
		return nil, errors.New("concurrency must be at least 1")
	}
	if opts.grace <= 0 {
		opts.grace = 30 * time.Second
	}
	start := time.Now()
	measureFrom := start.Add(opts.warmup)
	end := measureFrom.Add(opts.duration)
	runCtx, cancel := context.WithDeadline(ctx, end.Add(opts.grace))
	defer cancel()

	type workerResult struct {
		hist      histogram
		ok, bad   uint64
		firstErr  string
		exhausted bool
		stopped   time.Time
	}
	results := make([]workerResult, opts.concurrency)
	var wg sync.WaitGroup
	var errSeen atomic.Bool
	for i := range opts.concurrency {
		op := newWorker(i)
		wg.Add(1)
		go func(res *workerResult) {
			defer wg.Done()
			for {
				now := time.Now()
				if !now.Before(end) || runCtx.Err() != nil {
					res.stopped = end
					return
				}
				err := op(runCtx)
				t := time.Now()
				if errors.Is(err, errDone) {
					res.exhausted = true
					res.stopped = now
					return
				}
				if err != nil && runCtx.Err() != nil {
					// Cancelled by the caller or past the grace time:
					// not a failure of what is measured.
					res.stopped = t
					return
				}
				if t.Before(measureFrom) || t.After(end) {
					continue
				}
				res.hist.record(t.Sub(now))
				if err != nil {
					res.bad++
					if res.firstErr == "" && errSeen.CompareAndSwap(false, true) {
						res.firstErr = err.Error()
					}
					continue
				}
				res.ok++
			}
		}(&results[i])
	}
	wg.Wait()

	out := &loadResult{}
	last := measureFrom
	allExhausted := true
	for i := range results {
		r := &results[i]
		out.hist.merge(&r.hist)
		out.requests += r.ok
		out.errors += r.bad
		if r.firstErr != "" {
			out.firstErr = r.firstErr
		}
		out.exhausted = out.exhausted || r.exhausted
		allExhausted = allExhausted && r.exhausted
		if r.stopped.After(last) {
			last = r.stopped
		}
	}
	if !allExhausted {
		last = end
	}
	if now := time.Now(); ctx.Err() != nil && now.Before(last) {
		last = now
	}
	out.elapsed = max(last.Sub(measureFrom), 0)
	return out, ctx.Err()
}

// httpOptions are the shape of an HTTP run.
type httpOptions struct {
	loopOptions
	baseURL string // http://127.0.0.1:PORT
}

// runHTTP runs workload w against opts.baseURL in a closed loop, each
// worker with its own request and its own keep-alive connection.
func runHTTP(ctx context.Context, opts httpOptions, w workload) (*loadResult, error) {
	timeout := opts.grace
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	client := newClient(opts.concurrency, timeout)
	defer client.CloseIdleConnections()
	return closedLoop(ctx, opts.loopOptions, func(i int) func(context.Context) error {
		next := w.newWorker(i)
		var req request
		var buf bytes.Buffer
		return func(ctx context.Context) error {
			req.body = req.body[:0]
			if !next(&req) {
				return errDone
			}
			status, err := doRequest(ctx, client, opts.baseURL, &req, w.header, &buf)
			if err == nil {
				err = w.check(status, buf.Bytes())
			}
			if err != nil {
				return fmt.Errorf("%s %s: %w", req.method, req.path, err)
			}
			return nil
		}
	})
}

// doRequest sends one request and reads the whole answer into buf.
func doRequest(ctx context.Context, c *http.Client, base string, r *request, h http.Header, buf *bytes.Buffer) (int, error) {
	var body io.Reader
	if r.method != http.MethodGet {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, base+r.path, body)
	if err != nil {
		return 0, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return resp.StatusCode, err
	}
	return resp.StatusCode, nil
}

// expectStatus accepts one status with any body accepted by body (nil:
// any body).
func expectStatus(want int, body func([]byte) error) func(int, []byte) error {
	return func(status int, b []byte) error {
		if status != want {
			return fmt.Errorf("status %d, want %d; body %.200q", status, want, b)
		}
		if body != nil {
			return body(b)
		}
		return nil
	}
}

func emptyBody(b []byte) error {
	if len(b) != 0 {
		return fmt.Errorf("body %.200q, want empty", b)
	}
	return nil
}

// acceptObject accepts a JSON object whose "control:Auth-Type" is
// "Accept", whatever else it holds (reply attributes of the user's
// policy).
func acceptObject(b []byte) error {
	var v struct {
		AuthType string `json:"control:Auth-Type"`
	}
	if err := json.Unmarshal(b, &v); err != nil || v.AuthType != "Accept" {
		return fmt.Errorf("body %.200q, want a JSON object with \"control:Auth-Type\": \"Accept\"", b)
	}
	return nil
}

// nonEmptyList accepts a JSON array with at least one element.
func nonEmptyList(b []byte) error {
	if !bytes.HasPrefix(b, []byte("[{")) {
		return fmt.Errorf("body %.200q, want a non-empty JSON array", b)
	}
	return nil
}
