package freeradius

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

const testToken = "tok-0123456789abcdef"

func render(t *testing.T, o Options) map[string]string {
	t.Helper()
	files, err := Render(o)
	if err != nil {
		t.Fatalf("Render(%+v): %v", o, err)
	}
	m := map[string]string{}
	for _, f := range files {
		m[f.Path] = string(f.Content)
	}
	for _, p := range []string{RestModule, Site, InnerTunnel} {
		if m[p] == "" {
			t.Fatalf("Render(%+v) wrote no %s", o, p)
		}
	}
	if len(m) != 3 {
		t.Fatalf("Render wrote %d files, want 3", len(m))
	}
	return m
}

func contains(t *testing.T, name, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", name, w, text)
		}
	}
}

func lacks(t *testing.T, name, text string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(text, b) {
			t.Errorf("%s contains %q:\n%s", name, b, text)
		}
	}
}

// balanced checks that braces of a rendered file pair up (outside quotes).
func balanced(t *testing.T, name, text string) {
	t.Helper()
	depth := 0
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			continue
		}
		var quote rune
		for _, c := range line {
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '{':
				depth++
			case c == '}':
				depth--
			}
		}
		if depth < 0 {
			t.Fatalf("%s: unbalanced } on line %d", name, i+1)
		}
	}
	if depth != 0 {
		t.Errorf("%s: %d unclosed {", name, depth)
	}
}

func TestRenderNative(t *testing.T) {
	m := render(t, Options{URL: "http://127.0.0.1:8000/", Token: testToken})
	rest := m[RestModule]
	contains(t, RestModule, rest,
		`connect_uri = "http://127.0.0.1:8000"`,
		`api_token_header = "Authorization: Bearer `+testToken+`"`,
		`uri = "${..connect_uri}/api/v1/authorize/"`,
		`uri = "${..connect_uri}/api/v1/postauth/?reply=%{reply:Packet-Type}"`,
		`uri = "${..connect_uri}/api/v1/accounting/"`,
		"body = 'json'",
		"method = 'post'",
		"pool {",
		`--style native`,
	)
	lacks(t, RestModule, rest, "data =", "%{User-Password}")
	if n := len(regexp.MustCompile(`(?m)^\s*body = 'json'$`).FindAllString(rest, -1)); n != 3 {
		t.Errorf("%d body = 'json' lines, want 3", n)
	}
	for p, text := range m {
		balanced(t, p, text)
		if p != RestModule && strings.Contains(text, testToken) {
			t.Errorf("the token is written in %s too: it belongs in %s only", p, RestModule)
		}
	}
}

func TestRenderSites(t *testing.T) {
	for _, style := range []Style{Native, Django} {
		m := render(t, Options{URL: "http://127.0.0.1:8000", Token: testToken, Style: style})
		site, inner := m[Site], m[InnerTunnel]
		header := `&REST-HTTP-Header += "${modules.rest.api_token_header}"`
		contains(t, Site, site, "server goradius {", "filter_username", "preprocess", "acct_unique",
			"Auth-Type PAP {", "Auth-Type CHAP {", "Auth-Type MS-CHAP {", "Post-Auth-Type REJECT {",
			"eap {\n\t\t\tok = return\n\t\t}", "type = auth", "type = acct")
		// authorize, accounting, post-auth, Post-Auth-Type REJECT: the header
		// before each rest call, because rlm_rest removes it once sent.
		if n, r := strings.Count(site, header), regexp.MustCompile(`(?m)^\s*rest$`).FindAllString(site, -1); n != 4 || len(r) != 4 {
			t.Errorf("%s: %d header updates and %d rest calls, want 4 of each:\n%s", Site, n, len(r), site)
		}
		// The order of authorize matters: rest first, then the modules
		// that use the known-good password it answers.
		authz := site[strings.Index(site, "authorize {"):strings.Index(site, "authenticate {")]
		order := []string{"filter_username", "preprocess", header, "rest", "chap", "mschap", "eap {", "pap"}
		last := -1
		for _, w := range order {
			i := strings.Index(authz, w)
			if i <= last {
				t.Errorf("authorize: %q out of order:\n%s", w, authz)
			}
			last = i
		}
		contains(t, InnerTunnel, inner, "server goradius-inner-tunnel {", header, "rest", "mschap", "eap {", "pap", "Auth-Type MS-CHAP {")
		lacks(t, InnerTunnel, inner, "listen {")
	}
}

// TestRenderDjango checks that the django style writes exactly the data
// templates the README documents.
func TestRenderDjango(t *testing.T) {
	m := render(t, Options{URL: "http://10.0.0.5:8000", Token: testToken, Style: Django})
	rest := m[RestModule]
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	dataLines := regexp.MustCompile(`(?m)^\s*(data = '.*')$`).FindAllStringSubmatch(string(readme), -1)
	if len(dataLines) != 3 {
		t.Fatalf("README.md has %d data = lines, want 3", len(dataLines))
	}
	for _, d := range dataLines {
		contains(t, RestModule, rest, d[1])
	}
	contains(t, RestModule, rest, `connect_uri = "http://10.0.0.5:8000"`,
		`uri = "${..connect_uri}/api/v1/postauth/"`, `--style django`)
	lacks(t, RestModule, rest, "?reply=")
	balanced(t, RestModule, rest)
}

func TestRenderPlaceholder(t *testing.T) {
	m := render(t, Options{URL: "https://radius-api.example.com/goradius"})
	contains(t, RestModule, m[RestModule],
		`api_token_header = "Authorization: Bearer `+TokenPlaceholder+`"`,
		`connect_uri = "https://radius-api.example.com/goradius"`)
}

func TestRenderRefuses(t *testing.T) {
	tests := []struct {
		o    Options
		want string
	}{
		{Options{URL: ""}, "URL"},
		{Options{URL: "127.0.0.1:8000"}, "scheme"},
		{Options{URL: "ftp://127.0.0.1"}, "scheme"},
		{Options{URL: "http://"}, "host"},
		{Options{URL: `http://h/"x`}, "character"},
		{Options{URL: "http://h/%{User-Name}"}, "character"},
		{Options{URL: "http://h/${x}"}, "character"},
		{Options{URL: "http://h/?token=x"}, "query"},
		{Options{URL: "http://u:p@h/"}, "user"},
		{Options{URL: "http://h", Token: "short"}, "15"},
		{Options{URL: "http://h", Token: `0123456789abcdef"`}, "contains"},
		{Options{URL: "http://h", Token: "0123456789abcdef%{x}"}, "contains"},
		{Options{URL: "http://h", Token: "0123456789 abcdef"}, "contains"},
		{Options{URL: "http://h", Token: "0123456789,abcdef"}, "contains"},
		{Options{URL: "http://h", Style: "xml"}, "style"},
	}
	for _, tc := range tests {
		_, err := Render(tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Render(%+v) = %v, want an error with %q", tc.o, err, tc.want)
		}
	}
}
