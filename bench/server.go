package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// apiToken is the API token the harness starts goradius with.
const apiToken = "goradius-bench-api-token-0123456789"

// serverBinary is the name the harness gives goradius's binary: without
// "goradius" in it, so that someone's "pkill goradius" or "killall
// goradius" on a shared machine does not stop the server mid-run.
const serverBinary = "radbench-server"

// buildServer compiles ./cmd/goradius of the module at root into dir.
func buildServer(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, serverBinary)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/goradius")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/goradius: %w\n%s", err, out)
	}
	return bin, nil
}

// moduleRoot finds the directory of goradius's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run the harness inside the goradius module (go run ./bench)")
	}
	return filepath.Dir(mod), nil
}

// migrate runs 'goradius migrate' on a database.
func migrate(ctx context.Context, bin, dbURL string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "migrate", "--db", dbURL)
	cmd.SysProcAttr = childAttrs()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("goradius migrate: %w\n%s", err, out)
	}
	return nil
}

// childAttrs keeps goradius out of the terminal's process group (the
// harness stops it itself on Ctrl-C) and kills it if the harness dies.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// server is a running goradius.
type server struct {
	cmd       *exec.Cmd
	baseURL   string
	pprofURL  string
	logPath   string
	ready     time.Duration // from exec to the first 200 of /healthz
	waitErr   chan error
	stopOnce  sync.Once
	stopError error
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startServer starts 'goradius serve' on free loopback ports, logging to
// logPath, and waits until /healthz answers 200.
func startServer(ctx context.Context, bin, dbURL, logPath string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	pport, err := freePort()
	if err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own descriptor
	listen := "127.0.0.1:" + strconv.Itoa(port)
	// The credential and policy caches are on for authorize-cached;
	// authorize-pbkdf2 never asks for a user twice, so it still pays a
	// hash per request, and the token scenarios' reads with a token are
	// never cached.
	cmd := exec.Command(bin, "serve", "--listen", listen, "--db", dbURL,
		"--api-token", apiToken, "--pprof-listen", "127.0.0.1:"+strconv.Itoa(pport),
		"--credential-cache-ttl", "10m", "--policy-cache-ttl", "1s")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childAttrs()
	// Keep the server's environment from changing its settings.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GORADIUS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	s := &server{cmd: cmd, baseURL: "http://" + listen, pprofURL: "http://127.0.0.1:" + strconv.Itoa(pport),
		logPath: logPath, waitErr: make(chan error, 1)}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting goradius: %w", err)
	}
	go func() { s.waitErr <- cmd.Wait() }()

	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-s.waitErr:
			s.waitErr <- err
			return nil, fmt.Errorf("goradius exited before it was ready (%v); its log:\n%s", err, tail(logPath, 20))
		default:
		}
		resp, err := client.Get(s.baseURL + "/healthz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.ready = time.Since(began)
				return s, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			_ = s.stop()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("goradius not ready after 60s; its log:\n%s", tail(logPath, 20))
		}
		time.Sleep(time.Millisecond)
	}
}

// pid is the server's process id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// stop sends SIGTERM, waits up to 35 s (the server's grace is 30 s), then
// kills it.
func (s *server) stop() error {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.waitErr:
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				s.stopError = err
			} else if err != nil {
				s.stopError = fmt.Errorf("goradius exited with %v; its log:\n%s", err, tail(s.logPath, 10))
			}
		case <-time.After(35 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.waitErr
			s.stopError = errors.New("goradius did not stop within 35s of SIGTERM: killed")
		}
	})
	return s.stopError
}

// alive reports whether the server process is still running.
func (s *server) alive() bool {
	select {
	case err := <-s.waitErr:
		s.waitErr <- err
		return false
	default:
		return true
	}
}

// rssKB reads VmRSS of a process, in KiB.
func rssKB(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) >= 1 {
				return strconv.ParseInt(f[0], 10, 64)
			}
		}
	}
	return 0, errors.New("no VmRSS in /proc/PID/status")
}

// rssSampler records the peak RSS of a process, sampled every 200 ms.
type rssSampler struct {
	stopc chan struct{}
	done  chan struct{}
	peak  int64 // KiB
}

func sampleRSS(pid int) *rssSampler {
	r := &rssSampler{stopc: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			if kb, err := rssKB(pid); err == nil && kb > r.peak {
				r.peak = kb
			}
			select {
			case <-r.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return r
}

// stop ends sampling (with one last sample) and returns the peak in MiB.
func (r *rssSampler) stop() float64 {
	close(r.stopc)
	<-r.done
	return float64(r.peak) / 1024
}

// captureProfile fetches a CPU profile of seconds from the server's pprof
// listener into path. It runs beside the load.
func captureProfile(ctx context.Context, pprofURL string, seconds int, path string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(seconds+30)*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		pprofURL+"/debug/pprof/profile?seconds="+strconv.Itoa(seconds), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof: %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	return os.WriteFile(path, body, 0o644)
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
