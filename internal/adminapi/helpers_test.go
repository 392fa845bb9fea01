package adminapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/server"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

const apiToken = "test-api-token-0123456789"

// iterations of the test users' hashes: fast, still Django's format.
const iterations = 1000

// clock is a settable clock, starting at a fixed instant.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a running goradius on one test database.
type env struct {
	t     testing.TB
	s     store.Store
	srv   *httptest.Server
	clock *clock
	cfg   *config.Config
}

func newEnv(t testing.TB, s store.Store) *env {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	l := config.Register(fs, config.ServeOptions|config.DBOptions)
	c, err := l.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c.APIToken = apiToken
	c.PasswordIterations = iterations
	clk := &clock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(server.New(server.Deps{Config: c, Store: s, Log: log, Now: clk.Now}, apiToken))
	t.Cleanup(srv.Close)
	return &env{t: t, s: s, srv: srv, clock: clk, cfg: c}
}

// sqliteEnv is an env on a fresh SQLite database.
func sqliteEnv(t testing.TB) *env {
	s, _ := dbtest.Open(t, dbtest.SQLite)
	return newEnv(t, s)
}

// addUser creates an active user with a password; staff and superuser as
// asked.
func (e *env) addUser(name, pw string, staff, superuser bool) store.User {
	e.t.Helper()
	u := store.User{
		Username: name, Password: password.MakePBKDF2SHA256(pw, iterations), Email: name + "@example.com",
		IsActive: true, IsStaff: staff, IsSuperuser: superuser, DateJoined: e.clock.Now(),
	}
	if err := e.s.CreateUser(e.t.Context(), &u); err != nil {
		e.t.Fatalf("adding user %s: %v", name, err)
	}
	return u
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// object decodes a JSON object body.
func (r response) object(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

// list decodes a JSON array body of objects.
func (r response) list(t *testing.T) []map[string]any {
	t.Helper()
	var l []map[string]any
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatalf("body %q is not a JSON array of objects: %v", r.body, err)
	}
	return l
}

// raw sends a request with a raw body; hdr are "Name: value" lines.
func (e *env) raw(method, path, contentType string, body []byte, hdr ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, h := range hdr {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Add(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, b}
}

// call sends body (nil: none; a string: as is; else marshalled) as JSON
// with an admin token ("" for none).
func (e *env) call(method, path, token string, body any) response {
	e.t.Helper()
	var b []byte
	switch v := body.(type) {
	case nil:
	case string:
		b = []byte(v)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			e.t.Fatal(err)
		}
	}
	var hdr []string
	if token != "" {
		hdr = append(hdr, "Authorization: Bearer "+token)
	}
	ct := ""
	if b != nil {
		ct = "application/json"
	}
	return e.raw(method, path, ct, b, hdr...)
}

// login logs a user in and returns the token.
func (e *env) login(name, pw string) string {
	e.t.Helper()
	r := e.call("POST", "/api/v1/admin/login/", "", map[string]string{"username": name, "password": pw})
	wantStatus(e.t, r, 200)
	tok, _ := r.object(e.t)["token"].(string)
	if tok == "" {
		e.t.Fatalf("login answer %s has no token", r.body)
	}
	return tok
}

func wantStatus(t testing.TB, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
}

// wantJSON asserts status, Content-Type and a body equal (as JSON) to want.
func wantJSON(t *testing.T, r response, status int, want string) {
	t.Helper()
	wantStatus(t, r, status)
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	var got, exp any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("bad expectation %q: %v", want, err)
	}
	gb, _ := json.Marshal(got)
	eb, _ := json.Marshal(exp)
	if !bytes.Equal(gb, eb) {
		t.Fatalf("body = %s, want %s", r.body, want)
	}
}

// wantFields asserts a 400 whose field errors name exactly fields.
func wantFields(t *testing.T, r response, fields ...string) map[string]any {
	t.Helper()
	wantStatus(t, r, 400)
	m := r.object(t)
	for _, f := range fields {
		msgs, ok := m[f].([]any)
		if !ok || len(msgs) == 0 {
			t.Fatalf("body %s: no messages for %q", r.body, f)
		}
	}
	if len(m) != len(fields) {
		t.Fatalf("body %s: want errors for exactly %v", r.body, fields)
	}
	return m
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
