package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store/dbtest"
)

// hangLimit only turns a hung server into a readable failure; nothing is
// expected to come near it.
const hangLimit = 3 * time.Minute

// syncBuffer is an io.Writer the server writes to while the test reads.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed (and replaced) at every write
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{changed: make(chan struct{})} }

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	close(b.changed)
	b.changed = make(chan struct{})
	return n, err
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor returns the content once cond holds for it. It fails the test if
// done is closed first (the command ended) or on a hang.
func (b *syncBuffer) waitFor(t *testing.T, what string, done <-chan struct{}, cond func(string) bool) string {
	t.Helper()
	limit := time.NewTimer(hangLimit)
	defer limit.Stop()
	for {
		b.mu.Lock()
		s, changed := b.buf.String(), b.changed
		b.mu.Unlock()
		if cond(s) {
			return s
		}
		select {
		case <-changed:
		case <-done:
			if s := b.String(); cond(s) {
				return s
			}
			t.Fatalf("the command ended before %s:\n%s", what, s)
		case <-limit.C:
			t.Fatalf("no %s after %v:\n%s", what, hangLimit, b.String())
		}
	}
}

// runningServer is a "goradius serve" running in a goroutine.
type runningServer struct {
	addr           string
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	done           chan struct{}
	code           int           // once done is closed
	startup        time.Duration // from Run to the listening line
}

var listeningRE = regexp.MustCompile(`goradius listening on http://(\S+) `)

// startServe runs "goradius serve args" and returns once it listens.
func startServe(t *testing.T, env map[string]string, args ...string) *runningServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &runningServer{stdout: newSyncBuffer(), stderr: newSyncBuffer(), cancel: cancel, done: make(chan struct{})}
	start := time.Now()
	go func() {
		defer close(s.done)
		s.code = Run(&Env{
			Stdin: strings.NewReader(""), Stdout: s.stdout, Stderr: s.stderr,
			Getenv: func(k string) string { return env[k] }, Ctx: ctx,
		}, append([]string{"serve"}, args...))
	}()
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	out := s.stdout.waitFor(t, "listening line", s.done, listeningRE.MatchString)
	s.startup = time.Since(start)
	s.addr = listeningRE.FindStringSubmatch(out)[1]
	if host, _, err := net.SplitHostPort(s.addr); err != nil || !net.ParseIP(host).IsLoopback() {
		t.Fatalf("listening on %q, want a loopback address", s.addr)
	}
	return s
}

// wait returns the exit code once the command has ended.
func (s *runningServer) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-s.done:
		return s.code
	case <-time.After(hangLimit):
		t.Fatalf("serve did not stop after %v\nstdout:\n%s\nstderr:\n%s", hangLimit, s.stdout, s.stderr)
		return -1
	}
}

// stop cancels the context, as SIGTERM does, and checks a clean exit.
func (s *runningServer) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	if code := s.wait(t); code != 0 {
		t.Errorf("serve exited %d after a cancel, want 0\nstderr:\n%s", code, s.stderr)
	}
	if !strings.Contains(s.stderr.String(), "msg=stopped") && !strings.Contains(s.stderr.String(), `"msg":"stopped"`) {
		t.Errorf("serve did not log its stop:\n%s", s.stderr)
	}
}

func (s *runningServer) url(path string) string { return "http://" + s.addr + path }

// client never uses a proxy: the tests talk to loopback only.
var client = &http.Client{Transport: &http.Transport{Proxy: nil}}

// do sends a request and returns the status and body.
func do(t *testing.T, method, u, token string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, u, err)
	}
	return resp.StatusCode, string(b)
}

func wantStatus(t *testing.T, what string, status int, body string, wantStatus int, wantBody string) {
	t.Helper()
	if status != wantStatus || body != wantBody {
		t.Errorf("%s: %d %q, want %d %q", what, status, body, wantStatus, wantBody)
	}
}

// wantAccept checks an authorize answer of 200 {"control:Auth-Type":
// "Accept", ...} (the reply attributes of the user's groups may follow).
func wantAccept(t *testing.T, what string, status int, body string) {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(body), &v); status != 200 || err != nil || v["control:Auth-Type"] != "Accept" {
		t.Errorf("%s: %d %q, want 200 with control:Auth-Type Accept", what, status, body)
	}
}

// TestServe starts the server on every backend: it migrates a fresh
// database, generates and keeps an API token that 'goradius api-token'
// prints, answers /healthz and guards the API with the token.
func TestServe(t *testing.T) {
	dbtest.EachBackend(t, func(t *testing.T, backend string) {
		db := dbtest.NewDatabase(t, backend)
		env := dbEnv(db)
		mustRun(t, env, "", "user", "add", "alice", "--password", "good-password-1")

		srv := startServe(t, env, "--listen", "127.0.0.1:0")
		if !strings.Contains(srv.stderr.String(), "generated one and stored it") {
			t.Errorf("no warning about the generated token:\n%s", srv.stderr)
		}
		if !strings.Contains(srv.stdout.String(), "goradius api-token --db "+redactURL(db)) {
			t.Errorf("the start message does not say how to print the token of this database:\n%s", srv.stdout)
		}
		token := strings.TrimSpace(mustRun(t, env, "", "api-token").stdout)
		if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(token) {
			t.Fatalf("api-token printed %q, want 40 hex digits", token)
		}

		status, body := do(t, "GET", srv.url("/healthz"), "", nil)
		wantStatus(t, "healthz", status, body, 200, `{"status":"ok"}`)

		login := url.Values{"username": {"alice"}, "password": {"good-password-1"}}
		status, body = do(t, "POST", srv.url("/api/v1/authorize/"), token, login)
		wantAccept(t, "authorize with the token", status, body)
		status, body = do(t, "POST", srv.url("/api/v1/authorize/"), "", login)
		wantStatus(t, "authorize without a token", status, body, 403, `{"detail":"Token authentication failed"}`)
		status, _ = do(t, "POST", srv.url("/api/v1/authorize/"), token[:39]+"x", login)
		if status != 403 {
			t.Errorf("authorize with a wrong token: %d, want 403", status)
		}
		status, body = do(t, "POST", srv.url("/api/v1/authorize/"), token,
			url.Values{"username": {"alice"}, "password": {"wrong"}})
		wantStatus(t, "authorize with a wrong password", status, body, 200, "")
		srv.stop(t)

		// The token is kept: a restart uses it without generating another.
		srv = startServe(t, env, "--listen", "127.0.0.1:0")
		if strings.Contains(srv.stderr.String(), "generated") {
			t.Errorf("a second token was generated:\n%s", srv.stderr)
		}
		status, body = do(t, "POST", srv.url("/api/v1/authorize/"), token, login)
		wantAccept(t, "authorize after a restart", status, body)
		srv.stop(t)
		if again := strings.TrimSpace(mustRun(t, env, "", "api-token").stdout); again != token {
			t.Errorf("api-token printed %q after a restart, want %q", again, token)
		}

		// A configured token replaces the stored one.
		const configured = "configured-token-0123456789"
		env["GORADIUS_API_TOKEN"] = configured
		srv = startServe(t, env, "--listen", "127.0.0.1:0")
		status, _ = do(t, "POST", srv.url("/api/v1/authorize/"), token, login)
		if status != 403 {
			t.Errorf("the stored token still works when another is configured: %d", status)
		}
		status, body = do(t, "POST", srv.url("/api/v1/authorize/"), configured, login)
		wantAccept(t, "authorize with the configured token", status, body)
		srv.stop(t)
	})
}

// TestServeGracefulShutdown cancels the server's context while a batch
// request is being handled: the request must finish normally and its users
// must be stored before Run returns 0.
//
// The request sends "Expect: 100-continue", so the client knows when the
// handler starts reading the body; the body is held back until the server
// has closed its listener, so the work happens during the shutdown.
func TestServeGracefulShutdown(t *testing.T) {
	db := sqliteURL(t)
	const token = "graceful-shutdown-token-0123"
	const users = 40
	// Enough iterations that hashing 40 passwords takes a while.
	env := map[string]string{"GORADIUS_DB": db, "GORADIUS_PASSWORD_ITERATIONS": "20000"}
	srv := startServe(t, env, "--listen", "127.0.0.1:0", "--api-token", token)

	form := url.Values{
		"name": {"shutdown-batch"}, "strategy": {"prefix"}, "prefix": {"shut"},
		"number_of_users": {"40"},
	}.Encode()
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.CloseWithError(io.ErrUnexpectedEOF) })
	req, err := http.NewRequest("POST", srv.url("/api/v1/batch/"), pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Expect", "100-continue")
	reading := make(chan struct{})
	req = req.WithContext(httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		Got100Continue: func() { close(reading) },
	}))
	c := &http.Client{Transport: &http.Transport{Proxy: nil, ExpectContinueTimeout: hangLimit}}

	type answer struct {
		status int
		body   []byte
		err    error
	}
	answers := make(chan answer, 1)
	start := time.Now()
	go func() {
		resp, err := c.Do(req)
		if err != nil {
			answers <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answers <- answer{resp.StatusCode, b, err}
	}()

	select {
	case <-reading:
	case a := <-answers:
		t.Fatalf("the request ended before its body was sent: %d %s %v", a.status, a.body, a.err)
	case <-time.After(hangLimit):
		t.Fatal("the handler never asked for the body")
	}

	// SIGTERM.
	srv.cancel()
	srv.stderr.waitFor(t, "shutdown log line", srv.done, func(s string) bool { return strings.Contains(s, "shutting down") })
	waitListenerClosed(t, srv.addr)
	select {
	case <-srv.done:
		t.Fatalf("serve returned (exit %d) with a request in flight:\n%s", srv.code, srv.stderr)
	default:
	}

	go func() {
		if _, err := pw.Write([]byte(form)); err == nil {
			pw.Close()
		}
	}()
	var a answer
	select {
	case a = <-answers:
	case <-time.After(hangLimit):
		t.Fatal("no answer to the in-flight request")
	}
	t.Logf("in-flight batch of %d users answered in %v", users, time.Since(start).Round(time.Millisecond))
	if a.err != nil {
		t.Fatalf("the in-flight request failed: %v\nstderr:\n%s", a.err, srv.stderr)
	}
	if a.status != http.StatusCreated {
		t.Fatalf("the in-flight request: %d %s, want 201", a.status, a.body)
	}
	var got struct {
		Users []struct{ Username string } `json:"users"`
	}
	if err := json.Unmarshal(a.body, &got); err != nil || len(got.Users) != users {
		t.Errorf("batch answer: %d users (%v), want %d: %s", len(got.Users), err, users, a.body)
	}

	if code := srv.wait(t); code != 0 {
		t.Errorf("serve exited %d, want 0\nstderr:\n%s", code, srv.stderr)
	}
	if !strings.Contains(srv.stderr.String(), "msg=stopped") {
		t.Errorf("no stop logged:\n%s", srv.stderr)
	}

	s := openTestStore(t, db)
	names, err := s.UsernamesWithPrefix(context.Background(), "shut")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != users {
		t.Errorf("%d users stored after the shutdown, want %d: %q", len(names), users, names)
	}
	if _, err := s.BatchByName(context.Background(), "shutdown-batch"); err != nil {
		t.Errorf("the batch was not stored: %v", err)
	}
}

// waitListenerClosed returns once addr refuses connections.
func waitListenerClosed(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(hangLimit)
	for {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatalf("%s still accepts connections after the shutdown began", addr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestServeShortToken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "goradius.db")
	r := wantFail(t, dbEnv("sqlite:"+path), "", 2, []string{"--api-token", "5 characters", "at least 15"},
		"serve", "--listen", "127.0.0.1:0", "--api-token", "short")
	if strings.Contains(r.stdout, "listening") {
		t.Errorf("serve listened with a short token:\n%s", r)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the database was created before the settings were checked (stat: %v)", err)
	}
	env := dbEnv("sqlite:" + path)
	env["GORADIUS_API_TOKEN"] = "short-token"
	wantFail(t, env, "", 2, []string{"GORADIUS_API_TOKEN", "11 characters", "at least 15"}, "serve", "--listen", "127.0.0.1:0")
}

func TestServeAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	r := wantFail(t, dbEnv(sqliteURL(t)), "", 1, []string{"cannot listen on " + addr, "--listen"}, "serve", "--listen", addr)
	if strings.Contains(r.stdout, "listening") {
		t.Errorf("serve claims to listen:\n%s", r)
	}
}

func TestServeBadSMTP(t *testing.T) {
	for _, u := range []string{"ftp://mailer:smtpsecret@mail.example", "smtp://mailer:smtpsecret@mail.example:notaport"} {
		r := wantFail(t, dbEnv(sqliteURL(t)), "", 2, []string{"--smtp"}, "serve", "--listen", "127.0.0.1:0", "--smtp", u)
		if strings.Contains(r.output(), "smtpsecret") {
			t.Errorf("--smtp %s: the SMTP password was printed:\n%s", u, r)
		}
	}
}

// TestServeStartup logs how long serve takes to listen on an existing
// database, and checks the log settings and the pprof listener, which must
// stop with the server.
func TestServeStartup(t *testing.T) {
	db := sqliteURL(t)
	env := dbEnv(db)
	mustRun(t, env, "", "migrate")
	mustRun(t, env, "", "user", "add", "alice", "--password", "x")

	srv := startServe(t, env, "--listen", "127.0.0.1:0", "--api-token", "startup-token-0123456789",
		"--log-format", "json", "--log-level", "debug", "--pprof-listen", "127.0.0.1:0")
	t.Logf("start-up on an existing SQLite database: %v from Run to the listening line", srv.startup.Round(time.Millisecond))

	logs := srv.stderr.waitFor(t, "pprof log line", srv.done, func(s string) bool { return strings.Contains(s, "pprof listening") })
	m := regexp.MustCompile(`"url":"(http://[^"]+/debug/pprof/)"`).FindStringSubmatch(logs)
	if m == nil {
		t.Fatalf("no pprof URL in the log:\n%s", logs)
	}
	pprofURL := m[1]
	if status, _ := do(t, "GET", pprofURL, "", nil); status != 200 {
		t.Errorf("pprof index: %d", status)
	}
	if status, _ := do(t, "GET", srv.url("/debug/pprof/"), "", nil); status != 404 {
		t.Errorf("pprof on the API listener: %d, want 404", status)
	}

	status, _ := do(t, "GET", srv.url("/healthz"), "", nil)
	if status != 200 {
		t.Errorf("healthz: %d", status)
	}
	logs = srv.stderr.waitFor(t, "debug request log line", srv.done, func(s string) bool { return strings.Contains(s, `"path":"/healthz"`) })
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Errorf("--log-format json wrote a line that is not JSON: %q", line)
		}
	}
	srv.cancel()
	if code := srv.wait(t); code != 0 {
		t.Errorf("exit %d\n%s", code, srv.stderr)
	}
	if !strings.Contains(srv.stderr.String(), `"msg":"stopped"`) {
		t.Errorf("no stop logged:\n%s", srv.stderr)
	}
	pu, err := url.Parse(pprofURL)
	if err != nil {
		t.Fatal(err)
	}
	if conn, err := net.Dial("tcp", pu.Host); err == nil {
		conn.Close()
		t.Errorf("pprof still listens on %s after serve returned", pu.Host)
	}
}

// TestServeServerErrorsInItsLog checks that a request that fails on the
// database is logged by serve's logger: in its format, on its stream.
func TestServeServerErrorsInItsLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "goradius.db")
	env := dbEnv("sqlite:" + path)
	const token = "server-error-token-0123456789"
	srv := startServe(t, env, "--listen", "127.0.0.1:0", "--api-token", token, "--log-format", "json")

	postAuth := url.Values{"username": {"alice"}, "password": {"pw"}, "reply": {"Access-Accept"}}
	status, _ := do(t, "POST", srv.url("/api/v1/postauth/"), token, postAuth)
	if status != http.StatusCreated {
		t.Fatalf("postauth: %d, want 201", status)
	}

	// Pull the table from under the server, so the next insert fails.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("DROP TABLE radpostauth"); err != nil {
		t.Fatal(err)
	}
	status, body := do(t, "POST", srv.url("/api/v1/postauth/"), token, postAuth)
	wantStatus(t, "postauth without its table", status, body, 500, `{"detail":"A server error occurred."}`)

	// The handler logs before it answers.
	logs := srv.stderr.String()
	if !strings.Contains(logs, `"msg":"request failed"`) {
		t.Errorf("the failure is not in serve's log:\n%s", logs)
	}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Errorf("--log-format json wrote a line that is not JSON: %q", line)
		} else if v["msg"] == "request failed" && (v["level"] != "ERROR" || v["path"] != "/api/v1/postauth/") {
			t.Errorf("failure logged as %v", v)
		}
	}
	srv.cancel()
	if code := srv.wait(t); code != 0 {
		t.Errorf("exit %d\n%s", code, srv.stderr)
	}
}
