package mail

import (
	"strings"
	"testing"
)

func TestNewSMTPURL(t *testing.T) {
	type want struct {
		addr, host, user, pass string
		implicitTLS, auth      bool
		starttls               starttlsMode
	}
	for _, tc := range []struct {
		url  string
		want want
	}{
		{"smtp://mail.example.org", want{addr: "mail.example.org:25", host: "mail.example.org"}},
		{"SMTP://mail.example.org/", want{addr: "mail.example.org:25", host: "mail.example.org"}},
		{"smtp://mail.example.org:587?starttls=required", want{addr: "mail.example.org:587", host: "mail.example.org", starttls: starttlsRequired}},
		{"smtp://mail.example.org?starttls=off", want{addr: "mail.example.org:25", host: "mail.example.org", starttls: starttlsOff}},
		{"smtp://mail.example.org?starttls=AUTO", want{addr: "mail.example.org:25", host: "mail.example.org"}},
		{"smtps://mail.example.org", want{addr: "mail.example.org:465", host: "mail.example.org", implicitTLS: true}},
		{"smtps://mail.example.org:2465", want{addr: "mail.example.org:2465", host: "mail.example.org", implicitTLS: true}},
		{"smtp://127.0.0.1:2525", want{addr: "127.0.0.1:2525", host: "127.0.0.1"}},
		{"smtp://[::1]:2525", want{addr: "[::1]:2525", host: "::1"}},
		{"smtp://[::1]", want{addr: "[::1]:25", host: "::1"}},
		{"smtp://radius:s3cret@mail.example.org:587", want{addr: "mail.example.org:587", host: "mail.example.org", user: "radius", pass: "s3cret", auth: true}},
		{"smtps://radius%40example.org:p%40ss%3Aw%2Frd@mail.example.org", want{addr: "mail.example.org:465", host: "mail.example.org", user: "radius@example.org", pass: "p@ss:w/rd", auth: true, implicitTLS: true}},
	} {
		s, err := NewSMTP(tc.url)
		if err != nil {
			t.Errorf("NewSMTP(%q): %v", tc.url, err)
			continue
		}
		got := want{s.addr, s.host, s.username, s.password, s.implicitTLS, s.auth, s.starttls}
		if got != tc.want {
			t.Errorf("NewSMTP(%q) = %+v, want %+v", tc.url, got, tc.want)
		}
		if s.timeout != DefaultTimeout || s.dialTimeout != DefaultDialTimeout || s.localName == "" {
			t.Errorf("NewSMTP(%q): defaults not set: %v %v %q", tc.url, s.timeout, s.dialTimeout, s.localName)
		}
		if tc.want.pass != "" && strings.Contains(s.String(), tc.want.pass) {
			t.Errorf("String() = %q reveals the password", s.String())
		}
	}
}

func TestNewSMTPURLErrors(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"", "empty"},
		{"   ", "empty"},
		{"mail.example.org", "missing scheme"},
		{"mail.example.org:25", `unknown scheme "mail.example.org"`},
		{"http://mail.example.org", `unknown scheme "http"`},
		{"smtp:mail.example.org", `missing "//"`},
		{"smtp://", "missing host"},
		{"smtp://:25", "missing host"},
		{"smtp://user:pw@", "missing host"},
		{"smtp://mail.example.org:", "empty port"},
		{"smtp://mail.example.org:0", `bad port "0"`},
		{"smtp://mail.example.org:65536", `bad port "65536"`},
		{"smtp://mail.example.org:smtp", "invalid port"},
		{"smtp://mail.example.org:-1", "invalid port"},
		{"smtp://mail.example.org/relay", `unexpected path "/relay"`},
		{"smtp://mail.example.org#x", "unexpected fragment"},
		{"smtp://mail.example.org?starttls=maybe", `starttls="maybe"`},
		{"smtp://mail.example.org?starttls=off&starttls=required", "starttls given 2 times"},
		{"smtp://mail.example.org?startls=required", `unknown parameter "startls"`},
		{"smtp://mail.example.org?insecure=1", `unknown parameter "insecure"`},
		{"smtps://mail.example.org?starttls=required", "cannot be used with smtps"},
		{"smtp://radius@mail.example.org", `user "radius" given without a password`},
		{"smtp://radius:@mail.example.org", "without a password"},
		{"smtp://:pw@mail.example.org", "empty user name"},
		{"smtp://radius:topsecret@mail.example.org:bad", "invalid port"},
		{"smtp://radius:topsecret@mail.example.org?x=1", "unknown parameter"},
		{"smtp://radius:topsecret@mail.example.org/p", "unexpected path"},
	} {
		_, err := NewSMTP(tc.url)
		if err == nil {
			t.Errorf("NewSMTP(%q) succeeded, want error containing %q", tc.url, tc.want)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "mail: invalid SMTP URL: ") || !strings.Contains(msg, tc.want) {
			t.Errorf("NewSMTP(%q) = %q, want error containing %q", tc.url, msg, tc.want)
		}
		if strings.Contains(msg, "topsecret") {
			t.Errorf("NewSMTP(%q) error reveals the password: %q", tc.url, msg)
		}
	}
}

func TestOptions(t *testing.T) {
	s, err := NewSMTP("smtp://mail.example.org", WithTimeout(0), WithDialTimeout(-1), WithLocalName(""), WithTLSConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s.timeout != DefaultTimeout || s.dialTimeout != DefaultDialTimeout || s.localName == "" || s.tlsConfig != nil {
		t.Errorf("zero options changed defaults: %+v", s)
	}
	cfg := s.tlsClientConfig()
	if cfg.ServerName != "mail.example.org" || cfg.MinVersion == 0 || cfg.InsecureSkipVerify {
		t.Errorf("tls config = %+v", cfg)
	}
}
