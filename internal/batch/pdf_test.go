package batch

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// requireTool returns the path of an external program, or skips the test
// when it is missing (fails instead with GORADIUS_TEST_REQUIRE_TOOLS=1).
func requireTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := fmt.Sprintf("%s not found (Debian package %s: apt-get install -y %s)", name, pkg, pkg)
	if os.Getenv("GORADIUS_TEST_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg + "; set GORADIUS_TEST_REQUIRE_TOOLS=1 to fail instead")
	return ""
}

func manyCreds(n int) []Credential {
	creds := make([]Credential, n)
	for i := range creds {
		// Fixed, look-alike passwords: what the monospace font is for.
		creds[i] = Credential{
			Username: fmt.Sprintf("guest%d", i+1),
			Password: fmt.Sprintf("O0l1I%03d", i+1),
		}
	}
	return creds
}

var pdfCases = []struct {
	name  string
	title string
	creds []Credential
}{
	{"few", "", []Credential{
		{"guest1", "aB3dE5gH"},
		{"jürgen.müller", "Zz9Yy8Xx"},                       // cp1252: printed as is
		{"Ελένη", "O0Il1oQ"},                                // not in cp1252: ????? on the page
		{"kim@example.com", "secret42"},                     // e-mail as username
		{strings.Repeat("verylongname", 12) + "_end", "pw"}, // wraps in its cell
	}},
	{"many", "Conference Wi-Fi", manyCreds(75)},
}

func TestCredentialsPDF(t *testing.T) {
	pdftotext := requireTool(t, "pdftotext", "poppler-utils")
	for _, tc := range pdfCases {
		t.Run(tc.name, func(t *testing.T) {
			pdf, err := CredentialsPDF(tc.title, tc.creds)
			if err != nil {
				t.Fatal(err)
			}
			again, err := CredentialsPDF(tc.title, tc.creds)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pdf, again) {
				t.Error("two renderings of the same input differ")
			}

			dir := t.TempDir()
			in := filepath.Join(dir, "out.pdf")
			if err := os.WriteFile(in, pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(pdftotext, "-layout", in, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}

			golden := filepath.Join("testdata", "pdf_"+tc.name+".txt")
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestCredentialsPDF -update to create it)", err)
			}
			// Spacing of -layout output varies between poppler versions;
			// the words and their order are what matter.
			if got, want := squash(string(out)), squash(string(want)); got != want {
				t.Errorf("text of the PDF differs from %s (-update to accept)\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

var spaces = regexp.MustCompile(`[ \t]+`)

func squash(s string) string {
	var lines []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(spaces.ReplaceAllString(l, " ")); l != "" && l != "\f" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

func TestCredentialsPDFPages(t *testing.T) {
	pdfinfo := requireTool(t, "pdfinfo", "poppler-utils")
	for _, tc := range []struct {
		n, pages int
	}{{0, 1}, {1, 1}, {75, 2}, {200, 5}} {
		pdf, err := CredentialsPDF("", manyCreds(tc.n))
		if err != nil {
			t.Fatal(err)
		}
		in := filepath.Join(t.TempDir(), "out.pdf")
		if err := os.WriteFile(in, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(pdfinfo, in).Output()
		if err != nil {
			t.Fatalf("pdfinfo: %v", err)
		}
		m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindSubmatch(out)
		if m == nil || string(m[1]) != fmt.Sprint(tc.pages) {
			t.Errorf("%d rows: pdfinfo says %q, want Pages: %d", tc.n, m, tc.pages)
		}
		if !regexp.MustCompile(`(?m)^Page size:.*\(A4\)$`).Match(out) {
			t.Errorf("%d rows: not A4:\n%s", tc.n, out)
		}
	}
}

func TestCP1252(t *testing.T) {
	cp := cp1252(newTestPDF())
	for in, want := range map[string]string{
		"guest1":   "guest1",
		"jürgen":   "j\xfcrgen",
		"€uro":     "\x80uro",
		"Ελένη":    "?????",
		"a.b":      "a.b",
		"tab\tx":   "tab?x",
		"bad\xffx": "bad?x",
	} {
		if got := cp(in); got != want {
			t.Errorf("cp1252(%q) = %q, want %q", in, got, want)
		}
	}
}

func newTestPDF() *fpdf.Fpdf { return fpdf.New("P", "mm", "A4", "") }
