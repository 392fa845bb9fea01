package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/mail"
	"github.com/goradius/goradius/internal/server"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/users"
)

const testToken = "test-api-token-0123456789"

// clock is a settable clock for expiration tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t.IsZero() {
		return time.Now()
	}
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// sentMail records the messages the server hands to its mail sender.
type sentMail struct {
	mu   sync.Mutex
	msgs []mail.Message
}

func (m *sentMail) Send(_ context.Context, msg mail.Message) error {
	m.mu.Lock()
	m.msgs = append(m.msgs, msg)
	m.mu.Unlock()
	return nil
}

// env is a running goradius on one test database.
type env struct {
	t     *testing.T
	s     store.Store
	srv   *httptest.Server
	clock *clock
	users *users.Service
	cfg   *config.Config
}

func testConfig(t testing.TB) *config.Config {
	t.Helper()
	fs := newFlagSet()
	l := config.Register(fs, config.ServeOptions|config.DBOptions)
	c, err := l.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c.APIToken = testToken
	c.PasswordIterations = 1000 // keep tests fast; hashes stay Django-compatible
	return c
}

func newEnv(t *testing.T, s store.Store, mutate func(*config.Config), sender mail.Sender) *env {
	t.Helper()
	c := testConfig(t)
	if mutate != nil {
		mutate(c)
	}
	clk := &clock{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := server.Deps{Config: c, Store: s, Log: log, Now: clk.Now, Mail: sender}
	srv := httptest.NewServer(server.New(d, testToken))
	t.Cleanup(srv.Close)
	return &env{t: t, s: s, srv: srv, clock: clk, users: server.NewUsers(d), cfg: c}
}

// addUser creates an active user with a password.
func (e *env) addUser(name, pw string, groups ...string) store.User {
	e.t.Helper()
	u, err := e.users.Add(context.Background(), users.NewUser{Username: name, Password: pw, Email: name + "@example.com", Groups: groups})
	if err != nil {
		e.t.Fatalf("adding user %s: %v", name, err)
	}
	return u
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.body, err)
	}
	return v
}

// do sends a request; hdr are "Name: value" lines.
func (e *env) do(method, path, contentType string, body []byte, hdr ...string) response {
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

// postJSON posts a JSON body with the API token.
func (e *env) postJSON(path string, v any) response {
	e.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do("POST", path, "application/json", b, "Authorization: Bearer "+testToken)
}

func (e *env) get(path string) response {
	e.t.Helper()
	return e.do("GET", path, "", nil, "Authorization: Bearer "+testToken)
}

// multipartBody builds a multipart form with fields and one file.
func multipartBody(t *testing.T, fields map[string]string, fileField, fileName string, data []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if fileField != "" {
		fw, err := w.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

// wantEmpty asserts the rlm_rest "nothing to decode" answer.
func wantEmpty(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d (body %q)", r.status, status, r.body)
	}
	if len(r.body) != 0 {
		t.Fatalf("body = %q, want empty", r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "" {
		t.Fatalf("Content-Type = %q on an empty answer, want none", ct)
	}
}

// wantJSON asserts status, Content-Type and a body equal (as JSON) to want.
func wantJSON(t *testing.T, r response, status int, want string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d (body %q)", r.status, status, r.body)
	}
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

func newFlagSet() *flag.FlagSet { return flag.NewFlagSet("test", flag.ContinueOnError) }

// wantAccept asserts a 200 whose control:Auth-Type is Accept and returns
// the decoded body (reply attributes of the user's policy may follow).
func wantAccept(t *testing.T, r response) map[string]any {
	t.Helper()
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q (body %q), want a 200 JSON accept", r.status, r.header.Get("Content-Type"), r.body)
	}
	m, ok := r.json(t).(map[string]any)
	if !ok || m["control:Auth-Type"] != "Accept" {
		t.Fatalf("body %s, want control:Auth-Type Accept", r.body)
	}
	return m
}
