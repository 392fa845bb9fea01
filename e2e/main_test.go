// Package e2e runs goradius behind a real FreeRADIUS 3.x: radclient and
// eapol_test send RADIUS packets to a FreeRADIUS configured with the files
// of "goradius freeradius-config", installed as docs/freeradius.md tells
// an operator, and FreeRADIUS's rest module talks to a goradius process.
//
// The tests need freeradius (with its rest module), radclient and openssl
// (test certificates), and eapol_test for EAP. When they are missing they are installed
// with apt-get if the tests run as root, else the tests skip (fail with
// GORADIUS_TEST_REQUIRE_TOOLS=1).
package e2e

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// EnvRequireTools set to 1 turns a missing tool into a failure.
const EnvRequireTools = "GORADIUS_TEST_REQUIRE_TOOLS"

// The Debian packages that provide the tools.
var debianPackages = []string{"freeradius", "freeradius-rest", "freeradius-utils", "eapoltest", "openssl"}

// systemRaddb is the FreeRADIUS configuration the tests copy.
const systemRaddb = "/etc/freeradius/3.0"

var (
	// goradiusBin is the goradius binary built for the tests.
	goradiusBin string
	// freeradiusBin, radclientBin, eapolTestBin and opensslBin are the
	// tools' paths ("" when missing).
	freeradiusBin, radclientBin, eapolTestBin, opensslBin string
	// setupProblem says why the tests cannot run ("" when they can).
	setupProblem string
	// eapProblem says why the EAP tests cannot run.
	eapProblem string
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "goradius-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)

	findTools()
	if missing := missingTools(); len(missing) > 0 && os.Geteuid() == 0 && lookPath("apt-get") != "" && !testing.Short() {
		fmt.Fprintf(os.Stderr, "e2e: %s missing: installing %s with apt-get\n", strings.Join(missing, ", "), strings.Join(debianPackages, " "))
		if out, err := aptInstall(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: apt-get failed: %v\n%s\n", err, out)
		}
		findTools()
	}
	if missing := slices.DeleteFunc(missingTools(), func(s string) bool { return s == "eapol_test" }); len(missing) > 0 {
		setupProblem = fmt.Sprintf("%s not installed (Debian packages: %s; run as root to have the tests install them)",
			strings.Join(missing, ", "), strings.Join(debianPackages, " "))
	} else if _, err := os.Stat(filepath.Join(systemRaddb, "mods-available", "rest")); err != nil {
		setupProblem = fmt.Sprintf("FreeRADIUS's configuration %s (with mods-available/rest from freeradius-rest) is missing: %v", systemRaddb, err)
	}
	if eapolTestBin == "" {
		eapProblem = "eapol_test not installed (Debian package eapoltest)"
	}

	if setupProblem == "" {
		goradiusBin = filepath.Join(tmp, "goradius")
		cmd := exec.Command("go", "build", "-o", goradiusBin, "./cmd/goradius")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: building goradius: %v\n%s", err, out)
			return 1
		}
		certDir = filepath.Join(tmp, "certs")
	}
	return m.Run()
}

func lookPath(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	// freeradius is in /usr/sbin, often not in a user's PATH.
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

func findTools() {
	freeradiusBin = lookPath("freeradius")
	radclientBin = lookPath("radclient")
	eapolTestBin = lookPath("eapol_test")
	opensslBin = lookPath("openssl")
}

func missingTools() []string {
	var missing []string
	for _, t := range []struct{ name, path string }{
		{"freeradius", freeradiusBin}, {"radclient", radclientBin}, {"eapol_test", eapolTestBin}, {"openssl", opensslBin},
	} {
		if t.path == "" {
			missing = append(missing, t.name)
		}
	}
	if freeradiusBin != "" {
		if _, err := os.Stat(filepath.Join(systemRaddb, "mods-available", "rest")); err != nil {
			missing = append(missing, "freeradius-rest")
		}
	}
	return missing
}

func aptInstall() ([]byte, error) {
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	update := exec.Command("apt-get", "update", "-qq")
	update.Env = env
	if out, err := update.CombinedOutput(); err != nil {
		return out, err
	}
	install := exec.Command("apt-get", append([]string{"install", "-y", "-qq"}, debianPackages...)...)
	install.Env = env
	return install.CombinedOutput()
}

// requireTools skips t, or fails it with GORADIUS_TEST_REQUIRE_TOOLS=1,
// when FreeRADIUS or radclient are missing.
func requireTools(t *testing.T) {
	t.Helper()
	if setupProblem != "" {
		skipOrFail(t, setupProblem)
	}
}

// requireEAP is requireTools for the EAP tests.
func requireEAP(t *testing.T) {
	t.Helper()
	requireTools(t)
	if eapProblem != "" {
		skipOrFail(t, eapProblem)
	}
}

func skipOrFail(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv(EnvRequireTools) == "1" {
		t.Fatalf("%s=1 but %s", EnvRequireTools, msg)
	}
	t.Skipf("%s (%s=1 turns this skip into a failure)", msg, EnvRequireTools)
}
