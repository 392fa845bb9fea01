package cli

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestFreshConnsClosedOnShutdown: a connection that never sent a request
// (FreeRADIUS's pre-connected pool) is closed once shutdown starts; a
// connection that is serving is not.
func TestFreshConnsClosedOnShutdown(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.WriteHeader(http.StatusNoContent)
	}))
	fresh := trackFreshConns(srv.Config)
	srv.Start()
	defer srv.Close()

	idle, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	busy, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	if _, err := io.WriteString(busy, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}

	stop := fresh.closeWhileShuttingDown()
	defer stop()
	// The deadline only bounds a failing test; the closer acts after 1 s.
	idle.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := idle.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("fresh connection: read gave %v, want EOF (closed by the server)", err)
	}
	close(release)
	busy.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(busy).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 204") {
		t.Fatalf("the serving connection was cut: %q %v", line, err)
	}
}
