package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/freeradius"
)

// TestLoadPAP measures Access-Requests per second from radclient through
// FreeRADIUS (no debug output) to goradius on SQLite. It logs the figure
// and asserts nothing about it. Not parallel: it runs alone.
func TestLoadPAP(t *testing.T) {
	requireTools(t)
	if testing.Short() {
		t.Skip("-short")
	}
	const parallel, perPacket = 32, 63 // 2016 requests
	g := startGoradius(t, "sqlite", "--log-level", "info")
	g.addUser("load-user", "load-pass-1")
	r := startRadius(t, g, radiusOptions{style: freeradius.Native, quiet: true})

	var file strings.Builder
	for i := range parallel {
		fmt.Fprintf(&file, "User-Name = \"load-user\"\nUser-Password = \"load-pass-1\"\nCalling-Station-Id = \"02-00-00-00-00-%02X\"\n\n", i)
	}
	path := filepath.Join(t.TempDir(), "packets")
	writeFile(t, path, file.String())
	args := []string{"-q", "-s", "-c", strconv.Itoa(perPacket), "-p", strconv.Itoa(parallel), "-f", path,
		fmt.Sprintf("127.0.0.1:%d", r.authPort), "auth", secret}
	begin := time.Now()
	out, _ := exec.Command(radclientBin, args...).CombinedOutput()
	elapsed := time.Since(begin)

	accepted, rejected, lost := summary(string(out), "Accepted"), summary(string(out), "Rejected"), summary(string(out), "Lost")
	total := parallel * perPacket
	// Lost requests are a matter of timing on a busy machine, not an error.
	if rejected != 0 || accepted < 0 || accepted+lost != total {
		t.Errorf("%d of %d requests accepted, %d rejected, %d lost\nradclient:\n%s", accepted, total, rejected, lost, out)
	}
	t.Logf("radclient %s: %d Access-Requests (PAP, SQLite) in %v: %.0f per second (%d accepted, %d rejected, %d lost)",
		strings.Join(args[:6], " "), total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(),
		accepted, rejected, lost)
}

// summary reads a count of radclient -s's packet summary.
func summary(out, name string) int {
	m := regexp.MustCompile(`(?m)^\s*` + name + `\s*:\s*(\d+)`).FindStringSubmatch(out)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
