package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goradius/goradius/internal/freeradius"
)

func TestFreeradiusConfigStdout(t *testing.T) {
	r := mustRun(t, nil, "", "freeradius-config", "--url", "http://127.0.0.1:8000", "--token", "abcdefghijklmnop0123")
	for _, w := range []string{
		"######## mods-available/rest ########",
		"######## sites-available/goradius ########",
		"######## sites-available/goradius-inner-tunnel ########",
		`api_token_header = "Authorization: Bearer abcdefghijklmnop0123"`,
		"/api/v1/postauth/?reply=%{reply:Packet-Type}",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, r)
		}
	}
	if strings.Contains(r.stdout, "data = '") || strings.Contains(r.output(), "NOTE") {
		t.Errorf("native style with a token: data template or placeholder note:\n%s", r)
	}

	r = mustRun(t, nil, "", "freeradius-config", "--style", "django", "--url", "http://127.0.0.1:8000")
	if !strings.Contains(r.stdout, `data = '{"username": "%{User-Name}", "password": "%{User-Password}"}'`) {
		t.Errorf("django style lacks the authorize data template:\n%s", r)
	}
	if !strings.Contains(r.stderr, "no --token given") || !strings.Contains(r.stderr, freeradius.TokenPlaceholder) {
		t.Errorf("no placeholder note on stderr:\n%s", r)
	}
}

func TestFreeradiusConfigOut(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fr")
	r := mustRun(t, nil, "", "freeradius-config", "--url", "http://127.0.0.1:8000", "--out", dir)
	for _, p := range []string{freeradius.RestModule, freeradius.Site, freeradius.InnerTunnel} {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			t.Fatalf("%s not written: %v\n%s", p, err, r)
		}
		if p == freeradius.RestModule && !strings.Contains(string(b), freeradius.TokenPlaceholder) {
			t.Errorf("%s lacks the placeholder:\n%s", p, b)
		}
		if !strings.Contains(r.stdout, filepath.Join(dir, p)) {
			t.Errorf("output does not list %s:\n%s", p, r)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, freeradius.RestModule)); err == nil && st.Mode().Perm()&0o004 != 0 {
		t.Errorf("%s is world-readable (%v): it holds the token", freeradius.RestModule, st.Mode())
	}
	for _, w := range []string{
		"NOTE: no --token given",
		"ln -sf ../mods-available/rest mods-enabled/rest",
		"ln -sf ../sites-available/goradius sites-enabled/goradius",
		"ln -sf ../sites-available/goradius-inner-tunnel sites-enabled/goradius-inner-tunnel",
		"rm -f sites-enabled/default",
		`virtual_server = "goradius-inner-tunnel"`,
		"default_eap_type",
		"freeradius -CX",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("output lacks %q:\n%s", w, r)
		}
	}
}

func TestFreeradiusConfigUsage(t *testing.T) {
	wantFail(t, nil, "", 2, []string{"--url is needed"}, "freeradius-config")
	wantFail(t, nil, "", 2, []string{"--style", "xml"}, "freeradius-config", "--url", "http://h", "--style", "xml")
	wantFail(t, nil, "", 2, []string{"--url", "scheme"}, "freeradius-config", "--url", "h:8000")
	wantFail(t, nil, "", 2, []string{"--token", "15"}, "freeradius-config", "--url", "http://h", "--token", "short")
	wantFail(t, nil, "", 2, []string{"unexpected argument"}, "freeradius-config", "--url", "http://h", "extra")
	r := mustRun(t, nil, "", "freeradius-config", "--help")
	for _, f := range []string{"url", "token", "out", "style"} {
		if !flagListed(r.stdout, f) {
			t.Errorf("help does not list -%s:\n%s", f, r.stdout)
		}
	}
}
