package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/freeradius"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

const (
	apiToken = "e2e-api-token-0123456789"
	secret   = "e2e-secret-5z"
)

// buffer is a goroutine-safe output collector.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "[...]\n" + s[len(s)-n:]
}

// eachBackend runs fn on SQLite, and on PostgreSQL when
// GORADIUS_TEST_POSTGRES names a server.
func eachBackend(t *testing.T, fn func(t *testing.T, backend string)) {
	for _, b := range []string{dbtest.SQLite, dbtest.Postgres} {
		t.Run(b, func(t *testing.T) {
			dbtest.Require(t, b)
			fn(t, b)
		})
	}
}

// ---------------------------------------------------------------- goradius

// goradius is one goradius process.
type goradius struct {
	t     *testing.T
	db    string
	store store.Store
	addr  string
	args  []string
	cmd   *exec.Cmd
	done  chan struct{}
	log   *buffer
}

// startGoradius starts goradius on a free loopback port with a fresh
// database of backend.
func startGoradius(t *testing.T, backend string, args ...string) *goradius {
	t.Helper()
	s, db := dbtest.Open(t, backend)
	g := &goradius{t: t, db: db, store: s, addr: freeTCPAddr(t), args: args, log: &buffer{}}
	g.start()
	t.Cleanup(func() {
		g.stop()
		if t.Failed() {
			t.Logf("goradius log:\n%s", tail(g.log.String(), 20000))
		}
	})
	return g
}

func freeTCPAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func (g *goradius) URL() string { return "http://" + g.addr }

// start starts the process and waits until /healthz answers.
func (g *goradius) start() {
	g.t.Helper()
	args := append([]string{"serve", "--listen", g.addr, "--db", g.db, "--api-token", apiToken,
		"--password-iterations", "1000", "--log-level", "debug"}, g.args...)
	g.cmd = exec.Command(goradiusBin, args...)
	g.cmd.Stdout, g.cmd.Stderr = g.log, g.log
	if err := g.cmd.Start(); err != nil {
		g.t.Fatal(err)
	}
	g.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(g.cmd, g.done)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-g.done:
			g.t.Fatalf("goradius exited at start:\n%s", g.log.String())
		default:
		}
		if r, err := http.Get(g.URL() + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	g.t.Fatalf("goradius did not answer on %s:\n%s", g.addr, g.log.String())
}

// signal sends sig to the running process.
func (g *goradius) signal(sig syscall.Signal) {
	g.t.Helper()
	if g.cmd == nil || g.cmd.Process == nil {
		g.t.Fatal("goradius is not running")
	}
	if err := g.cmd.Process.Signal(sig); err != nil {
		g.t.Fatalf("signal %v: %v", sig, err)
	}
}

// stop ends the process (SIGTERM, then SIGKILL).
func (g *goradius) stop() {
	if g.cmd == nil || g.cmd.Process == nil {
		return
	}
	select {
	case <-g.done:
	default:
		_ = g.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-g.done:
		case <-time.After(10 * time.Second):
			_ = g.cmd.Process.Kill()
			<-g.done
		}
	}
	g.cmd = nil
}

// cli runs a goradius command on the same database.
func (g *goradius) cli(stdin string, args ...string) string {
	g.t.Helper()
	cmd := exec.Command(goradiusBin, args...)
	cmd.Env = append(os.Environ(), "GORADIUS_DB="+g.db, "GORADIUS_PASSWORD_ITERATIONS=1000")
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("goradius %q: %v\n%s", args, err, out)
	}
	return string(out)
}

// addUser creates a user with a password through the command line.
func (g *goradius) addUser(name, password string, flags ...string) {
	g.t.Helper()
	g.cli(password+"\n", append([]string{"user", "add", name, "--password-stdin"}, flags...)...)
}

// api calls goradius's HTTP API with the API token and decodes a JSON answer
// into out (when not nil).
func (g *goradius) api(method, path string, form url.Values, out any) int {
	g.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, g.URL()+path, body)
	if err != nil {
		g.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+apiToken)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			g.t.Fatalf("%s %s: %v\n%s", method, path, err, b)
		}
	}
	return resp.StatusCode
}

// sessions returns the accounting sessions of a username.
func (g *goradius) sessions(username string) []map[string]any {
	g.t.Helper()
	var rows []map[string]any
	if code := g.api("GET", "/api/v1/accounting/?page_size=100&username="+url.QueryEscape(username), nil, &rows); code != 200 {
		g.t.Fatalf("GET /api/v1/accounting/: %d", code)
	}
	return rows
}

// postAuth waits until radpostauth has a row of username with reply, and
// returns it.
func (g *goradius) postAuth(username, reply string) store.PostAuth {
	g.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		rows, err := g.store.PostAuthLog(context.Background(), 200)
		if err != nil {
			g.t.Fatal(err)
		}
		for _, r := range rows {
			if r.Username == username && r.Reply == reply {
				return r
			}
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("no radpostauth row for %q with %s; rows: %+v", username, reply, rows)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ---------------------------------------------------------------- FreeRADIUS

// radius is one FreeRADIUS process with its own configuration directory.
type radius struct {
	t                  *testing.T
	raddb              string
	authPort, acctPort int
	cmd                *exec.Cmd
	done               chan struct{}
	out                *buffer
}

type radiusOptions struct {
	style freeradius.Style
	// quiet runs without debug output (for the load figure).
	quiet bool
}

// startRadius configures and starts a FreeRADIUS talking to g.
func startRadius(t *testing.T, g *goradius, o radiusOptions) *radius {
	t.Helper()
	r := &radius{t: t, raddb: filepath.Join(t.TempDir(), "raddb"), out: &buffer{}}
	r.configure(g, o)
	r.startUntilCleanup(o, "freeradius")
	return r
}

// startUntilCleanup starts FreeRADIUS and stops it when the test ends,
// showing its output when the test failed; GORADIUS_E2E_LOG_DIR keeps
// every output (as <test>.<label>.log), for reading.
func (r *radius) startUntilCleanup(o radiusOptions, label string) {
	t := r.t
	r.start(o)
	t.Cleanup(func() {
		r.stop()
		if t.Failed() {
			t.Logf("FreeRADIUS %s output (freeradius -f -xx):\n%s", label, tail(r.out.String(), 60000))
		}
		if dir := os.Getenv("GORADIUS_E2E_LOG_DIR"); dir != "" {
			name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + "." + label + ".log"
			_ = os.WriteFile(filepath.Join(dir, name), []byte(r.out.String()), 0o644)
		}
	})
}

// configure copies the system's configuration, installs goradius's files
// by running the commands "goradius freeradius-config --out" prints, then
// makes the changes a test needs (ports, client secret, no privilege
// drop, directories, test certificates).
func (r *radius) configure(g *goradius, o radiusOptions) {
	t := r.t
	t.Helper()
	if out, err := exec.Command("cp", "-a", systemRaddb, r.raddb).CombinedOutput(); err != nil {
		t.Fatalf("copying %s: %v\n%s", systemRaddb, err, out)
	}
	gen := filepath.Join(filepath.Dir(r.raddb), "generated")
	cmd := exec.Command(goradiusBin, "freeradius-config", "--url", g.URL(), "--token", apiToken, "--style", string(o.style), "--out", gen)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("goradius freeradius-config: %v\n%s", err, out)
	}
	r.runInstallSteps(string(out))

	// The test's own changes.
	// Debian's inner-tunnel listens on 127.0.0.1:18120; tests run several
	// servers at once.
	mustRemove(t, filepath.Join(r.raddb, "sites-enabled", "inner-tunnel"))
	r.authPort, r.acctPort = freeUDPPorts(t)
	r.edit("sites-available/goradius", func(s string) string {
		s = strings.Replace(s, "ipaddr = *", "ipaddr = 127.0.0.1", 2)
		s = strings.Replace(s, "port = 0", "port = "+strconv.Itoa(r.authPort), 1)
		return strings.Replace(s, "port = 0", "port = "+strconv.Itoa(r.acctPort), 1)
	})
	r.localize()
	// Test certificates for EAP, always: Debian's eap module points at the
	// snakeoil certificate of ssl-cert, which may be missing, and FreeRADIUS
	// does not start without its eap module.
	{
		ca, cert, key := testCerts(t)
		r.edit("mods-available/eap", func(s string) string {
			s = regexp.MustCompile(`(?m)^(\s*)private_key_file = .*$`).ReplaceAllString(s, "${1}private_key_file = "+key)
			s = regexp.MustCompile(`(?m)^(\s*)certificate_file = .*$`).ReplaceAllString(s, "${1}certificate_file = "+cert)
			s = regexp.MustCompile(`(?m)^(\s*)ca_file = .*$`).ReplaceAllString(s, "${1}ca_file = "+ca)
			return s
		})
	}

	check := exec.Command(freeradiusBin, "-CX", "-d", r.raddb)
	if out, err := check.CombinedOutput(); err != nil || !strings.Contains(string(out), "Configuration appears to be OK") {
		t.Fatalf("freeradius -CX refuses the configuration: %v\n%s", err, tail(string(out), 20000))
	}
}

// runInstallSteps runs the shell commands printed by freeradius-config,
// in r.raddb instead of /etc/freeradius/3.0 (and without the freerad
// group when not root).
// localize makes the copied raddb run as a test: our client and secret,
// no privilege drop, logs and run files beside it, rejects answered at once.
func (r *radius) localize() {
	t := r.t
	writeFile(t, filepath.Join(r.raddb, "clients.conf"), fmt.Sprintf(
		"client e2e {\n\tipaddr = 127.0.0.1\n\tsecret = %s\n\tshortname = e2e\n}\n", secret))
	dir := filepath.Dir(r.raddb)
	r.edit("radiusd.conf", func(s string) string {
		s = regexp.MustCompile(`(?m)^(\s*)(user|group) = freerad$`).ReplaceAllString(s, "$1# $2 = freerad")
		s = regexp.MustCompile(`(?m)^logdir = .*$`).ReplaceAllString(s, "logdir = "+dir+"/log")
		s = regexp.MustCompile(`(?m)^run_dir = .*$`).ReplaceAllString(s, "run_dir = "+dir+"/run")
		// Rejects are answered at once: the tests send many.
		return regexp.MustCompile(`(?m)^(\s*)reject_delay = .*$`).ReplaceAllString(s, "${1}reject_delay = 0")
	})
	for _, d := range []string{"log", "log/radacct", "run"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func (r *radius) runInstallSteps(printed string) {
	t := r.t
	t.Helper()
	var script []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(printed))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "cd "+systemRaddb:
			in = true
			script = append(script, "cd '"+r.raddb+"'")
			continue
		case !in || line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "freeradius -CX"):
			in = false
			continue
		}
		if os.Geteuid() != 0 {
			line = strings.Replace(line, " -g freerad", "", 1)
		}
		script = append(script, line)
	}
	if len(script) < 5 {
		t.Fatalf("freeradius-config printed no install steps:\n%s", printed)
	}
	out, err := exec.Command("sh", "-ec", strings.Join(script, "\n")).CombinedOutput()
	if err != nil {
		t.Fatalf("install steps failed: %v\n%s\n%s", err, strings.Join(script, "\n"), out)
	}
}

func (r *radius) edit(rel string, fn func(string) string) {
	r.t.Helper()
	p := filepath.Join(r.raddb, rel)
	if target, err := filepath.EvalSymlinks(p); err == nil {
		p = target
	}
	b, err := os.ReadFile(p)
	if err != nil {
		r.t.Fatal(err)
	}
	s := fn(string(b))
	if s == string(b) {
		r.t.Fatalf("editing %s changed nothing", rel)
	}
	writeFile(r.t, p, s)
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o640); err != nil {
		t.Fatal(err)
	}
}

func mustRemove(t *testing.T, p string) {
	t.Helper()
	if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}

var portMu sync.Mutex
var nextPort = 18120 + os.Getpid()%2000*2

// freeUDPPorts returns two consecutive free loopback UDP ports.
func freeUDPPorts(t *testing.T) (int, int) {
	t.Helper()
	portMu.Lock()
	defer portMu.Unlock()
	for range 200 {
		p := nextPort
		nextPort += 2
		if nextPort > 30000 {
			nextPort = 18122
		}
		a, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		b, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", p+1))
		a.Close()
		if err != nil {
			continue
		}
		b.Close()
		return p, p + 1
	}
	t.Fatal("no free UDP ports")
	return 0, 0
}

func (r *radius) start(o radiusOptions) {
	t := r.t
	t.Helper()
	args := []string{"-f", "-l", "stdout", "-d", r.raddb}
	if !o.quiet {
		// -X without its single thread.
		args = append(args, "-xx")
	}
	r.cmd = exec.Command(freeradiusBin, args...)
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(r.cmd, r.done)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(r.out.String(), "Ready to process requests") {
		select {
		case <-r.done:
			t.Fatalf("FreeRADIUS exited at start:\n%s", tail(r.out.String(), 20000))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("FreeRADIUS is not ready after 30 s:\n%s", tail(r.out.String(), 20000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (r *radius) stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	select {
	case <-r.done:
	default:
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			_ = r.cmd.Process.Kill()
			<-r.done
		}
	}
}

// ---------------------------------------------------------------- radclient

// answer is what radclient received.
type answer struct {
	Code  string              // "Access-Accept", ..., "" for no answer
	Attrs map[string][]string // reply attributes, values unquoted
	Out   string              // radclient's output
}

func (a answer) get(name string) string {
	if v := a.Attrs[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

var receivedRE = regexp.MustCompile(`(?m)^Received (\S+) Id`)

// send sends one packet ("auth" or "acct") with radclient and returns the
// answer. attrs are "Name = value" lines; values are quoted for radclient.
func (r *radius) send(kind string, attrs [][2]string, radclientArgs ...string) answer {
	r.t.Helper()
	port := r.authPort
	if kind == "acct" {
		port = r.acctPort
	}
	args := append([]string{"-x", "-r", "1", "-t", "3"}, radclientArgs...)
	args = append(args, fmt.Sprintf("127.0.0.1:%d", port), kind, secret)
	cmd := exec.Command(radclientBin, args...)
	cmd.Stdin = strings.NewReader(attrLines(attrs))
	outb, _ := cmd.CombinedOutput() // radclient exits 1 on a reject or no answer
	out := string(outb)
	a := answer{Attrs: map[string][]string{}, Out: out}
	m := receivedRE.FindStringSubmatchIndex(out)
	if m == nil {
		return a
	}
	a.Code = out[m[2]:m[3]]
	for _, line := range strings.Split(out[m[1]:], "\n")[1:] {
		if !strings.HasPrefix(line, "\t") {
			break
		}
		name, value, ok := strings.Cut(strings.TrimSpace(line), " = ")
		if !ok {
			continue
		}
		if uq, err := strconv.Unquote(value); err == nil {
			value = uq
		}
		a.Attrs[name] = append(a.Attrs[name], value)
	}
	return a
}

// attrLines renders attributes for radclient's standard input.
func attrLines(attrs [][2]string) string {
	var b strings.Builder
	for _, a := range attrs {
		fmt.Fprintf(&b, "%s = %s\n", a[0], radQuote(a[1]))
	}
	return b.String()
}

// radQuote quotes a value for radclient: a double-quoted string with " and
// \ escaped.
func radQuote(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

// pap sends an Access-Request with User-Name and User-Password.
func (r *radius) pap(user, password string, extra ...[2]string) answer {
	r.t.Helper()
	return r.send("auth", append([][2]string{{"User-Name", user}, {"User-Password", password}}, extra...))
}

// expect checks the answer's code.
func expect(t *testing.T, what string, a answer, code string) {
	t.Helper()
	if a.Code != code {
		if code == "" {
			code = "no answer"
		}
		got := a.Code
		if got == "" {
			got = "no answer"
		}
		t.Errorf("%s: got %s, want %s\nradclient:\n%s", what, got, code, a.Out)
	}
}

// ---------------------------------------------------------------- EAP

var (
	certDir  string
	certOnce sync.Once
	certErr  error
)

// testCerts makes (once) a CA and a server certificate signed by it.
func testCerts(t *testing.T) (ca, cert, key string) {
	t.Helper()
	ca, cert, key = filepath.Join(certDir, "ca.pem"), filepath.Join(certDir, "server.pem"), filepath.Join(certDir, "server.key")
	certOnce.Do(func() {
		if err := os.MkdirAll(certDir, 0o755); err != nil {
			certErr = err
			return
		}
		ext := filepath.Join(certDir, "ext.cnf")
		if err := os.WriteFile(ext, []byte("extendedKeyUsage = serverAuth\nsubjectAltName = DNS:radius.e2e.test\n"), 0o644); err != nil {
			certErr = err
			return
		}
		for _, args := range [][]string{
			{"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", filepath.Join(certDir, "ca.key"), "-out", ca,
				"-days", "2", "-subj", "/CN=goradius e2e CA"},
			{"req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", filepath.Join(certDir, "server.csr"),
				"-subj", "/CN=radius.e2e.test"},
			{"x509", "-req", "-in", filepath.Join(certDir, "server.csr"), "-CA", ca, "-CAkey", filepath.Join(certDir, "ca.key"),
				"-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext},
		} {
			if out, err := exec.Command(opensslBin, args...).CombinedOutput(); err != nil {
				certErr = fmt.Errorf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
				return
			}
		}
	})
	if certErr != nil {
		t.Fatal(certErr)
	}
	return ca, cert, key
}

// eapol runs eapol_test with a network block and reports whether it
// authenticated, with its output.
func (r *radius) eapol(network string) (bool, string) {
	r.t.Helper()
	conf := filepath.Join(r.t.TempDir(), "eapol.conf")
	writeFile(r.t, conf, "network={\n"+network+"}\n")
	cmd := exec.Command(eapolTestBin, "-c", conf, "-a", "127.0.0.1", "-p", strconv.Itoa(r.authPort), "-s", secret, "-t", "10")
	out, err := cmd.CombinedOutput()
	return err == nil && bytes.Contains(out, []byte("SUCCESS")), string(out)
}
