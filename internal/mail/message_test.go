package mail

import (
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestEncodeBody(t *testing.T) {
	for _, tc := range []struct {
		body, cte, want string
	}{
		{"", "7bit", "\r\n"},
		{"username: a, password: x=y", "7bit", "username: a, password: x=y\r\n"},
		{"a\nb\r\nc\rd\n", "7bit", "a\r\nb\r\nc\r\nd\r\n"},
		{"tab\there", "7bit", "tab\there\r\n"},
		{"grüße", "quoted-printable", "gr=C3=BC=C3=9Fe\r\n"},
		{"bell\a", "quoted-printable", "bell=07\r\n"},
		{strings.Repeat("x", 999), "quoted-printable", ""},
	} {
		cte, got := encodeBody(tc.body)
		if cte != tc.cte || (tc.want != "" && string(got) != tc.want) {
			t.Errorf("encodeBody(%q) = %s %q, want %s %q", tc.body, cte, got, tc.cte, tc.want)
		}
	}
}

func TestFold(t *testing.T) {
	for _, s := range []string{
		"Subject: short",
		"Subject: " + strings.Repeat("word ", 40),
		"Subject: " + strings.Repeat("x", 100) + " tail " + strings.Repeat("y", 90),
		"Subject: a" + strings.Repeat(" ", 100) + "b" + strings.Repeat(" ", 100),
		"Subject:  " + strings.Repeat("z", 100),
	} {
		f := fold(s, len("Subject:"))
		if unfolded := strings.ReplaceAll(f, "\r\n", ""); unfolded != s {
			t.Errorf("fold(%q) does not unfold to the input: %q", s, f)
		}
		lines := strings.Split(f, "\r\n")
		if !strings.HasPrefix(lines[0], "Subject: ") {
			t.Errorf("fold(%q): first line %q lost its value", s, lines[0])
		}
		for _, l := range lines[1:] {
			if strings.TrimSpace(l) == "" {
				t.Errorf("fold(%q): whitespace-only line", s)
			}
			if l[0] != ' ' {
				t.Errorf("fold(%q): continuation %q does not start with a space", s, l)
			}
		}
		for i, l := range lines {
			lo := 1
			if i == 0 {
				lo = len("Subject: ") + 1
			}
			if len(l) > maxLine && canBreak(l, lo) {
				t.Errorf("fold(%q): line %q is long but could have been split", s, l)
			}
		}
	}
}

func TestRenderHeaders(t *testing.T) {
	from, _ := mail.ParseAddress("webmaster@localhost")
	to, _ := mail.ParseAddress(`"Doe, Jane" <jane@example.net>`)
	date := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	out := string(render(from, []*mail.Address{to}, "", "x", date))
	head, body, ok := strings.Cut(out, "\r\n\r\n")
	if !ok || body != "x\r\n" {
		t.Fatalf("render = %q", out)
	}
	for _, want := range []string{
		"From: <webmaster@localhost>",
		`To: "Doe, Jane" <jane@example.net>`,
		"Subject:",
		"Date: Fri, 01 Mar 2024 12:00:00 +0000",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: 7bit",
	} {
		if !strings.Contains("\r\n"+head+"\r\n", "\r\n"+want+"\r\n") {
			t.Errorf("header line %q missing in\n%s", want, head)
		}
	}
	if !strings.Contains(head, "@localhost>\r\n") {
		t.Errorf("Message-ID domain: %s", head)
	}
}

func TestMessageIDDomain(t *testing.T) {
	for addr, want := range map[string]string{
		"a@example.org":    "@example.org>",
		"a@[192.0.2.1]":    "@localhost>",
		"a@bücher.example": "@localhost>",
		"a@":               "@localhost>",
	} {
		if id := newMessageID(addr); !strings.HasSuffix(id, want) || !strings.HasPrefix(id, "<") {
			t.Errorf("newMessageID(%q) = %q, want suffix %q", addr, id, want)
		}
	}
	if newMessageID("a@example.org") == newMessageID("a@example.org") {
		t.Error("Message-IDs repeat")
	}
}

// canBreak reports whether l has a space at index >= lo that follows a
// non-blank byte and precedes non-blank text.
func canBreak(l string, lo int) bool {
	end := len(strings.TrimRight(l, " \t"))
	for i := lo; i < end; i++ {
		if l[i] == ' ' && l[i-1] != ' ' && l[i-1] != '\t' {
			return true
		}
	}
	return false
}

func TestEncodeWords(t *testing.T) {
	for _, tc := range []struct {
		in     string
		phrase bool
		want   string
	}{
		{"für", false, "=?utf-8?q?f=C3=BCr?="},
		{"a b_c=d?e(f)", false, "=?utf-8?q?a_b=5Fc=3Dd=3Fe(f)?="},
		{"a b_c=d?e(f)", true, "=?utf-8?q?a_b=5Fc=3Dd=3Fe=28f=29?="},
		{"", false, "=?utf-8?q??="},
		{"\xff", false, "=?utf-8?q?=FF?="},
	} {
		if got := encodeWords(tc.in, tc.phrase); got != tc.want {
			t.Errorf("encodeWords(%q, %v) = %q, want %q", tc.in, tc.phrase, got, tc.want)
		}
	}
	s := strings.Repeat("密", 40)
	enc := encodeWords(s, false)
	for _, w := range strings.Fields(enc) {
		if len(w) > maxWord || !strings.HasPrefix(w, wordPrefix) || !strings.HasSuffix(w, wordSuffix) {
			t.Errorf("bad word %q", w)
		}
		// Each word holds whole characters: 3 bytes = 9 encoded chars.
		if n := len(w) - len(wordPrefix) - len(wordSuffix); n%9 != 0 {
			t.Errorf("word %q splits a character", w)
		}
	}
	if dec, err := new(mime.WordDecoder).DecodeHeader(enc); err != nil || dec != s {
		t.Errorf("round trip = %q, %v", dec, err)
	}
}
