package metrics_test

import (
	"context"
	"database/sql"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	_ "modernc.org/sqlite" // the "sqlite" driver, for a real pool

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/metrics"
	"github.com/goradius/goradius/internal/server"
	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/users"
)

const token = "metrics-test-token-0123456789"

type env struct {
	t   *testing.T
	srv *httptest.Server
}

// newEnv runs the real handler on a fresh SQLite database with a user
// alice (password "a-good-password").
func newEnv(t *testing.T, m *metrics.Metrics, mutate func(*config.Config)) *env {
	t.Helper()
	l := config.Register(flag.NewFlagSet("test", flag.ContinueOnError), config.ServeOptions|config.DBOptions)
	c, err := l.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c.APIToken, c.PasswordIterations = token, 1000
	if mutate != nil {
		mutate(c)
	}
	s, _ := dbtest.Open(t, dbtest.SQLite)
	d := server.Deps{Config: c, Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: m}
	if _, err := server.NewUsers(d).Add(context.Background(), users.NewUser{Username: "alice", Password: "a-good-password"}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(d, token))
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv}
}

func (e *env) do(method, path, body string, hdr ...string) int {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range hdr {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func (e *env) post(path, body string, want int) {
	e.t.Helper()
	if got := e.do("POST", path, body, "Authorization: Bearer "+token); got != want {
		e.t.Fatalf("POST %s %s: status %d, want %d", path, body, got, want)
	}
}

// scrape reads /metrics through the handler and parses it.
func (e *env) scrape(hdr ...string) map[string]*dto.MetricFamily {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+"/metrics", nil)
	for _, h := range hdr {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		e.t.Fatalf("GET /metrics: status %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		e.t.Fatalf("GET /metrics: Content-Type %q, want Prometheus text", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		e.t.Fatalf("parsing /metrics: %v", err)
	}
	return fams
}

// value returns the sample of family name whose labels include want; for
// a histogram, its count. ok is false when there is none.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (v float64, ok bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		got := map[string]string{}
		for _, lp := range m.Label {
			got[lp.GetName()] = lp.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func want(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string, exp float64) {
	t.Helper()
	got, ok := value(fams, name, labels)
	if !ok {
		t.Errorf("%s%v: no such series", name, labels)
		return
	}
	if got != exp {
		t.Errorf("%s%v = %v, want %v", name, labels, got, exp)
	}
}

func TestCountersMoveUnderRequests(t *testing.T) {
	e := newEnv(t, nil, nil)
	before := e.scrape()
	// Series the operator alerts on exist at 0 before the first packet.
	want(t, before, "goradius_accounting_packets_total", map[string]string{"status_type": "Stop", "result": "created"}, 0)
	if _, ok := value(before, "goradius_http_requests_total", map[string]string{"route": "/api/v1/authorize/"}); ok {
		t.Fatal("authorize requests counted before any was sent")
	}

	e.post("/api/v1/authorize/", `{"username": "alice", "password": "a-good-password"}`, 200)
	e.post("/api/v1/authorize", `{"username": "alice", "password": "wrong"}`, 200) // no slash: same route
	e.post("/api/v1/authorize/", `{"username": "nobody", "password": "x"}`, 200)
	e.post("/api/v1/authorize/", `{"username": "alice", "password": "a-good-password"}`, 200)
	e.post("/api/v1/authorize/", `{not json`, 400)
	acct := `{"status_type": "%s", "session_id": "s1", "unique_id": "u1", "username": "alice", "nas_ip_address": "10.0.0.1"}`
	e.post("/api/v1/accounting/", strings.Replace(acct, "%s", "Start", 1), 201)
	e.post("/api/v1/accounting/", strings.Replace(acct, "%s", "Interim-Update", 1), 200)
	e.post("/api/v1/accounting/", strings.Replace(acct, "%s", "Stop", 1), 200)
	e.post("/api/v1/accounting/", `{"status_type": "Accounting-On", "nas_ip_address": "10.0.0.1"}`, 200)
	e.post("/api/v1/accounting/", `{"status_type": "Bogus"}`, 400)
	if got := e.do("GET", "/no/such/path/"+strings.Repeat("x", 40), ""); got != 404 {
		t.Fatalf("unknown path: status %d", got)
	}
	if got := e.do("BREW", "/api/v1/authorize/", "", "Authorization: Bearer "+token); got != 405 {
		t.Fatalf("BREW: status %d", got)
	}
	if got := e.do("POST", "/healthz", ""); got != 404 { // the catch-all takes other methods
		t.Fatalf("POST /healthz: status %d", got)
	}
	if got := e.do("GET", "/healthz", ""); got != 200 {
		t.Fatalf("GET /healthz: status %d", got)
	}

	f := e.scrape()
	req := "goradius_http_requests_total"
	want(t, f, req, map[string]string{"route": "/api/v1/authorize/", "method": "POST", "code": "200"}, 4)
	want(t, f, req, map[string]string{"route": "/api/v1/authorize/", "method": "POST", "code": "400"}, 1)
	want(t, f, req, map[string]string{"route": "/api/v1/authorize/", "method": "other", "code": "405"}, 1)
	want(t, f, req, map[string]string{"route": "/api/v1/accounting/", "method": "POST", "code": "201"}, 1)
	want(t, f, req, map[string]string{"route": "/api/v1/accounting/", "method": "POST", "code": "200"}, 3)
	want(t, f, req, map[string]string{"route": "/api/v1/accounting/", "method": "POST", "code": "400"}, 1)
	want(t, f, req, map[string]string{"route": "/healthz", "method": "GET", "code": "200"}, 1)
	// An unknown path makes no series of its own.
	want(t, f, req, map[string]string{"route": "unmatched", "method": "GET", "code": "404"}, 1)
	want(t, f, req, map[string]string{"route": "unmatched", "method": "POST", "code": "404"}, 1)
	want(t, f, req, map[string]string{"route": "/metrics", "method": "GET", "code": "200"}, 1) // the first scrape
	for _, m := range f[req].Metric {
		for _, lp := range m.Label {
			if lp.GetName() == "route" && strings.Contains(lp.GetValue(), "no/such") {
				t.Errorf("a raw path became a route label: %q", lp.GetValue())
			}
		}
	}
	want(t, f, "goradius_http_request_duration_seconds", map[string]string{"route": "/api/v1/authorize/", "method": "POST"}, 5)
	want(t, f, "goradius_http_requests_in_flight", nil, 1) // this scrape

	auth := "goradius_authorize_total"
	want(t, f, auth, map[string]string{"outcome": "accept", "reason": "password"}, 2)
	want(t, f, auth, map[string]string{"outcome": "reject", "reason": "bad-password"}, 1)
	want(t, f, auth, map[string]string{"outcome": "reject", "reason": "unknown-user"}, 1)

	acc := "goradius_accounting_packets_total"
	want(t, f, acc, map[string]string{"status_type": "Start", "result": "created"}, 1)
	want(t, f, acc, map[string]string{"status_type": "Interim-Update", "result": "updated"}, 1)
	want(t, f, acc, map[string]string{"status_type": "Stop", "result": "updated"}, 1)
	want(t, f, acc, map[string]string{"status_type": "Accounting-On", "result": "updated"}, 1)
	want(t, f, acc, map[string]string{"status_type": "Stop", "result": "created"}, 0)

	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "go_build_info"} {
		if f[name] == nil {
			t.Errorf("%s missing: the runtime and process collectors are not registered", name)
		}
	}
}

func TestMetricsAccess(t *testing.T) {
	t.Run("token", func(t *testing.T) {
		e := newEnv(t, nil, func(c *config.Config) { c.Metrics = "token" })
		if got := e.do("GET", "/metrics", ""); got != 403 {
			t.Fatalf("/metrics without the token: status %d, want 403", got)
		}
		f := e.scrape("Authorization: Bearer " + token)
		want(t, f, "goradius_http_requests_total", map[string]string{"route": "/metrics", "method": "GET", "code": "403"}, 1)
	})
	t.Run("off", func(t *testing.T) {
		e := newEnv(t, nil, func(c *config.Config) { c.Metrics = "off" })
		e.post("/api/v1/authorize/", `{"username": "alice", "password": "a-good-password"}`, 200)
		if got := e.do("GET", "/metrics", "", "Authorization: Bearer "+token); got != 404 {
			t.Fatalf("/metrics when off: status %d, want 404", got)
		}
	})
}

func TestCacheResult(t *testing.T) {
	m := metrics.New(prometheus.NewRegistry())
	e := newEnv(t, m, nil)
	if _, ok := value(e.scrape(), "goradius_cache_lookups_total", nil); ok {
		t.Fatal("cache lookups shown before any cache exists")
	}
	m.CacheResult("credentials", true)
	m.CacheResult("credentials", true)
	m.CacheResult("credentials", false)
	f := e.scrape()
	want(t, f, "goradius_cache_lookups_total", map[string]string{"cache": "credentials", "result": "hit"}, 2)
	want(t, f, "goradius_cache_lookups_total", map[string]string{"cache": "credentials", "result": "miss"}, 1)
}

// pools reports real database/sql pools as a store would.
type pools map[string]*sql.DB

func (p pools) DBStats() map[string]sql.DBStats {
	out := map[string]sql.DBStats{}
	for name, db := range p {
		out[name] = db.Stats()
	}
	return out
}

func TestDBPools(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "pool.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(3)
	conn, err := db.Conn(context.Background()) // held: one connection in use
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	if err := m.WatchDB(pools{"reader": db}); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	f := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		f[mf.GetName()] = mf
	}
	reader := map[string]string{"pool": "reader"}
	want(t, f, "goradius_db_max_open_connections", reader, 3)
	want(t, f, "goradius_db_open_connections", reader, 1)
	want(t, f, "goradius_db_in_use_connections", reader, 1)
	want(t, f, "goradius_db_idle_connections", reader, 0)
	want(t, f, "goradius_db_wait_count_total", reader, 0)
}

func TestNameFilter(t *testing.T) {
	e := newEnv(t, nil, nil) // dbtest's store runs the filter, as serve's does
	e.post("/api/v1/authorize/", `{"username": "nobody", "password": "x"}`, 200)
	e.post("/api/v1/authorize/", `{"username": "nobody-else", "password": "x"}`, 200)
	e.post("/api/v1/authorize/", `{"username": "alice", "password": "a-good-password"}`, 200)
	f := e.scrape()
	want(t, f, "goradius_name_filter_ready", nil, 1)
	want(t, f, "goradius_name_filter_answers_total", map[string]string{"result": "unknown"}, 2)
	want(t, f, "goradius_name_filter_answers_total", map[string]string{"result": "looked_up"}, 1)
	if v, ok := value(f, "goradius_name_filter_names", nil); !ok || v < 1 {
		t.Errorf("goradius_name_filter_names = %v (present %v), want alice's rows at least", v, ok)
	}
}
