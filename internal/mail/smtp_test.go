package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/mail/mailtest"
)

func testMessage() Message {
	return Message{
		From:    "webmaster@example.org",
		To:      []string{"alice@example.net"},
		Subject: "Credentials",
		Body:    "username: alice, password: s3cr=t\n",
	}
}

func newSender(t *testing.T, rawURL string, opts ...Option) *SMTPSender {
	t.Helper()
	s, err := NewSMTP(rawURL, opts...)
	if err != nil {
		t.Fatalf("NewSMTP(%q): %v", rawURL, err)
	}
	return s
}

// dialVia makes s connect to addr (a loopback test server) whatever host
// its URL names, so tests can use non-loopback host names without leaving
// 127.0.0.1.
func dialVia(s *SMTPSender, addr string) {
	s.dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
}

func clientTLS(pool *x509.CertPool) Option {
	return WithTLSConfig(&tls.Config{RootCAs: pool})
}

func sendOK(t *testing.T, s Sender, m Message) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Send(ctx, m); err != nil {
		t.Fatalf("Send: %v", err)
	}
}

func onlyMessage(t *testing.T, srv *mailtest.Server) mailtest.Message {
	t.Helper()
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

// decode checks that the server could parse what it received, with one of
// the transfer encodings the sender uses, and returns its header,
// decoded subject and body (line endings as LF).
func decode(t *testing.T, r mailtest.Message) (h mail.Header, subject, body string) {
	t.Helper()
	if r.ParseErr != nil {
		t.Fatalf("%v\n%s", r.ParseErr, r.Data)
	}
	switch cte := r.Header.Get("Content-Transfer-Encoding"); cte {
	case "quoted-printable", "7bit":
	default:
		t.Fatalf("unexpected Content-Transfer-Encoding %q", cte)
	}
	return r.Header, r.Subject, r.Body
}

func checkCRLF(t *testing.T, raw []byte) {
	t.Helper()
	s := string(raw)
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\n' && (i == 0 || s[i-1] != '\r'):
			t.Fatalf("bare LF at offset %d in %q", i, s)
		case s[i] == '\r' && (i+1 == len(s) || s[i+1] != '\n'):
			t.Fatalf("bare CR at offset %d in %q", i, s)
		}
	}
}

func TestSendPlain(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	s := newSender(t, "smtp://"+srv.Addr(), WithLocalName("client.test"))
	m := testMessage()
	m.Body = "username: alice, password: s3cr=t\n.\n.hidden line\nend"
	sendOK(t, s, m)

	r := onlyMessage(t, srv)
	if r.From != "webmaster@example.org" || len(r.To) != 1 || r.To[0] != "alice@example.net" {
		t.Errorf("envelope = %q -> %q", r.From, r.To)
	}
	if r.TLS || r.AuthUser != "" || r.Helo != "client.test" {
		t.Errorf("TLS=%v auth=%q helo=%q", r.TLS, r.AuthUser, r.Helo)
	}
	checkCRLF(t, r.Raw)
	if !strings.Contains(string(r.Raw), "\r\n..\r\n..hidden line\r\n") {
		t.Errorf("body not dot-stuffed on the wire:\n%q", r.Raw)
	}
	h, subject, body := decode(t, r)
	if subject != "Credentials" {
		t.Errorf("Subject = %q", subject)
	}
	if want := m.Body + "\n"; body != want {
		t.Errorf("body = %q, want %q", body, want)
	}
	for name, want := range map[string]string{
		"From":                      "<webmaster@example.org>",
		"To":                        "<alice@example.net>",
		"MIME-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "7bit",
		"Auto-Submitted":            "auto-generated",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if d, err := h.Date(); err != nil || time.Since(d).Abs() > time.Minute {
		t.Errorf("Date = %q (%v)", h.Get("Date"), err)
	}
	if id := h.Get("Message-ID"); !regexp.MustCompile(`^<[A-Z2-7]{26}@example\.org>$`).MatchString(id) {
		t.Errorf("Message-ID = %q", id)
	}
	if srv.SawCommand("STARTTLS") || srv.SawCommand("AUTH") {
		t.Error("client used STARTTLS or AUTH with a server offering neither")
	}
}

func TestSendSTARTTLS(t *testing.T) {
	serverTLS, pool := mailtest.TestCert(t, "127.0.0.1")
	srv := mailtest.Start(t, mailtest.Options{STARTTLS: serverTLS})
	for _, q := range []string{"", "?starttls=auto", "?starttls=required"} {
		sendOK(t, newSender(t, "smtp://"+srv.Addr()+q, clientTLS(pool)), testMessage())
	}
	msgs := srv.Messages()
	if len(msgs) != 3 {
		t.Fatalf("got %d messages", len(msgs))
	}
	for i, r := range msgs {
		if !r.TLS {
			t.Errorf("message %d was not sent over TLS", i)
		}
		if r.Helo == "" {
			t.Errorf("message %d: no EHLO after STARTTLS", i)
		}
	}
}

func TestSTARTTLSUntrustedCertificate(t *testing.T) {
	serverTLS, _ := mailtest.TestCert(t, "127.0.0.1")
	srv := mailtest.Start(t, mailtest.Options{STARTTLS: serverTLS})
	// System roots only: the self-signed certificate must be refused, and
	// the client must not fall back to clear text.
	err := newSender(t, "smtp://"+srv.Addr()).Send(context.Background(), testMessage())
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("err = %v, want a STARTTLS certificate error", err)
	}
	if srv.SawCommand("MAIL") || len(srv.Messages()) != 0 {
		t.Error("message sent despite failed STARTTLS")
	}
}

func TestSTARTTLSRequiredButNotOffered(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	err := newSender(t, "smtp://"+srv.Addr()+"?starttls=required").Send(context.Background(), testMessage())
	if err == nil || !strings.Contains(err.Error(), "does not offer STARTTLS") {
		t.Fatalf("err = %v", err)
	}
	if srv.SawCommand("MAIL") {
		t.Error("MAIL FROM sent without the required STARTTLS")
	}
}

func TestSTARTTLSOff(t *testing.T) {
	serverTLS, pool := mailtest.TestCert(t, "127.0.0.1")
	srv := mailtest.Start(t, mailtest.Options{STARTTLS: serverTLS})
	sendOK(t, newSender(t, "smtp://"+srv.Addr()+"?starttls=off", clientTLS(pool)), testMessage())
	if r := onlyMessage(t, srv); r.TLS {
		t.Error("starttls=off used TLS")
	}
	if srv.SawCommand("STARTTLS") {
		t.Error("starttls=off sent STARTTLS")
	}
}

func TestSendImplicitTLS(t *testing.T) {
	serverTLS, pool := mailtest.TestCert(t, "127.0.0.1")
	srv := mailtest.Start(t, mailtest.Options{ImplicitTLS: serverTLS, AuthUser: "radius", AuthPass: "p@ss:w/rd"})
	sendOK(t, newSender(t, "smtps://radius:p%40ss%3Aw%2Frd@"+srv.Addr(), clientTLS(pool)), testMessage())
	r := onlyMessage(t, srv)
	if !r.TLS || r.AuthUser != "radius" {
		t.Errorf("TLS=%v auth=%q", r.TLS, r.AuthUser)
	}

	// Without the test CA the handshake fails.
	err := newSender(t, "smtps://"+srv.Addr()).Send(context.Background(), testMessage())
	if err == nil || !strings.Contains(err.Error(), "TLS handshake") {
		t.Errorf("untrusted smtps: err = %v", err)
	}
}

func TestAuth(t *testing.T) {
	t.Run("loopback without TLS", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{AuthUser: "radius", AuthPass: "secret"})
		sendOK(t, newSender(t, "smtp://radius:secret@"+srv.Addr()), testMessage())
		if r := onlyMessage(t, srv); r.AuthUser != "radius" || r.TLS {
			t.Errorf("auth=%q TLS=%v", r.AuthUser, r.TLS)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{AuthUser: "radius", AuthPass: "secret"})
		err := newSender(t, "smtp://radius:wrong@"+srv.Addr()).Send(context.Background(), testMessage())
		if err == nil || !strings.Contains(err.Error(), "535") || !strings.Contains(err.Error(), "authentication") {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Errorf("error reveals the password: %v", err)
		}
		if len(srv.Messages()) != 0 {
			t.Error("message delivered")
		}
	})
	t.Run("remote host over STARTTLS", func(t *testing.T) {
		serverTLS, pool := mailtest.TestCert(t, "mail.example.test")
		srv := mailtest.Start(t, mailtest.Options{STARTTLS: serverTLS, AuthUser: "radius", AuthPass: "secret"})
		s := newSender(t, "smtp://radius:secret@mail.example.test:587?starttls=required", clientTLS(pool))
		dialVia(s, srv.Addr())
		sendOK(t, s, testMessage())
		if r := onlyMessage(t, srv); r.AuthUser != "radius" || !r.TLS {
			t.Errorf("auth=%q TLS=%v", r.AuthUser, r.TLS)
		}
	})
	t.Run("remote host in clear text is refused", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{AuthUser: "radius", AuthPass: "secret"})
		s := newSender(t, "smtp://radius:secret@mail.example.test:587")
		dialVia(s, srv.Addr())
		err := s.Send(context.Background(), testMessage())
		if err == nil || !strings.Contains(err.Error(), "unencrypted") {
			t.Fatalf("err = %v", err)
		}
		if srv.SawCommand("AUTH") {
			t.Error("credentials were sent in clear text")
		}
	})
	t.Run("server without AUTH", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		err := newSender(t, "smtp://radius:secret@"+srv.Addr()).Send(context.Background(), testMessage())
		if err == nil || !strings.Contains(err.Error(), "does not offer AUTH") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestNonASCIIRoundTrip(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	s := newSender(t, "smtp://"+srv.Addr())
	m := Message{
		From:    "Jürgen Müller <noreply@example.org>",
		To:      []string{"Zoë <zoe@example.net>"},
		Subject: "Zugangsdaten für Ihr WLAN – 密码 ✓",
		Body:    "Grüße!\r\nusername: zoë, password: ÄÖÜ=ß \nline ending in a space \n" + strings.Repeat("é", 100),
	}
	sendOK(t, s, m)
	r := onlyMessage(t, srv)
	checkCRLF(t, r.Raw)
	for i, b := range r.Raw {
		if b >= 0x80 {
			t.Fatalf("8-bit byte on the wire at %d: %q", i, r.Raw)
		}
	}
	for _, l := range strings.Split(string(r.Raw), "\r\n") {
		if len(l) > 78 {
			t.Errorf("line longer than 78: %q", l)
		}
	}
	h, subject, body := decode(t, r)
	if subject != m.Subject {
		t.Errorf("Subject = %q, want %q", subject, m.Subject)
	}
	want := strings.ReplaceAll(m.Body, "\r\n", "\n") + "\n"
	if body != want {
		t.Errorf("body = %q, want %q", body, want)
	}
	if cte := h.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Errorf("Content-Transfer-Encoding = %q", cte)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Jürgen Müller" || from[0].Address != "noreply@example.org" {
		t.Errorf("From = %v (%v)", from, err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Zoë" {
		t.Errorf("To = %v (%v)", to, err)
	}
}

func TestLongHeadersFolded(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	s := newSender(t, "smtp://"+srv.Addr())
	long := Message{
		From:    strings.Repeat("Ünïcödé Absender ", 6) + "<noreply@example.org>",
		To:      []string{"Zoë <zoe@example.net>", `"Ärger, Ältere" <a@example.net>`, `"Doe, Jane" <jane@example.net>`, "b@example.net"},
		Subject: strings.Repeat("Ihre neuen Zugangsdaten für das Netz ", 8) + strings.Repeat("ü", 60) + " 密码",
		Body:    "x",
	}
	ascii := Message{
		From:    "webmaster@localhost",
		To:      []string{"a@example.net"},
		Subject: "literal =?utf-8?q?not_encoded?= text, " + strings.Repeat("plain words ", 12),
		Body:    "x",
	}
	for _, m := range []Message{long, ascii} {
		sendOK(t, s, m)
	}
	for i, r := range srv.Messages() {
		m := []Message{long, ascii}[i]
		checkCRLF(t, r.Raw)
		for _, l := range strings.Split(string(r.Raw), "\r\n") {
			if len(l) > 78 {
				t.Errorf("line longer than 78: %q", l)
			}
		}
		h, subject, _ := decode(t, r)
		if subject != m.Subject {
			t.Errorf("Subject = %q, want %q", subject, m.Subject)
		}
		from, err := h.AddressList("From")
		want, _ := mail.ParseAddress(m.From)
		if err != nil || len(from) != 1 || *from[0] != *want {
			t.Errorf("From = %v (%v), want %v", from, err, want)
		}
		to, err := h.AddressList("To")
		if err != nil || len(to) != len(m.To) {
			t.Fatalf("To = %v (%v)", to, err)
		}
		for j, a := range m.To {
			if want, _ := mail.ParseAddress(a); *to[j] != *want {
				t.Errorf("To[%d] = %v, want %v", j, to[j], want)
			}
		}
	}
}

func TestMultipleRecipients(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	m := testMessage()
	m.To = []string{"alice@example.net", "Bob <bob@example.net>", "carol@example.com"}
	sendOK(t, newSender(t, "smtp://"+srv.Addr()), m)
	r := onlyMessage(t, srv)
	want := []string{"alice@example.net", "bob@example.net", "carol@example.com"}
	if strings.Join(r.To, ",") != strings.Join(want, ",") {
		t.Errorf("RCPT TO = %q, want %q", r.To, want)
	}
	h, _, _ := decode(t, r)
	to, err := h.AddressList("To")
	if err != nil || len(to) != 3 || to[1].Name != "Bob" || to[2].Address != "carol@example.com" {
		t.Errorf("To header = %v (%v)", to, err)
	}
}

func TestRecipientRejected(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{RejectRcpt: "nobody@example.net"})
	m := testMessage()
	m.To = []string{"alice@example.net", "nobody@example.net"}
	err := newSender(t, "smtp://"+srv.Addr()).Send(context.Background(), m)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"nobody@example.net", "550", "User unknown"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if len(srv.Messages()) != 0 {
		t.Error("message delivered despite rejected recipient")
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	err = newSender(t, "smtp://"+addr).Send(context.Background(), testMessage())
	if err == nil || !strings.Contains(err.Error(), "connecting to SMTP server "+addr) || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("err = %v", err)
	}
}

func TestDeadlines(t *testing.T) {
	const limit = 300 * time.Millisecond
	check := func(t *testing.T, err error, start time.Time, target error) {
		t.Helper()
		if err == nil {
			t.Fatal("no error")
		}
		if target != nil && !errors.Is(err, target) {
			t.Errorf("err = %v, want errors.Is %v", err, target)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Send returned after %v, deadline was %v", d, limit)
		}
	}
	for name, stall := range map[string]mailtest.Stall{"greeting": mailtest.StallGreeting, "data": mailtest.StallData} {
		t.Run("ctx deadline, stall at "+name, func(t *testing.T) {
			srv := mailtest.Start(t, mailtest.Options{Stall: stall})
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			start := time.Now()
			err := newSender(t, "smtp://"+srv.Addr()).Send(ctx, testMessage())
			check(t, err, start, context.DeadlineExceeded)
		})
	}
	t.Run("ctx canceled", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{Stall: mailtest.StallData})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(limit, cancel)
		start := time.Now()
		err := newSender(t, "smtp://"+srv.Addr()).Send(ctx, testMessage())
		check(t, err, start, context.Canceled)
	})
	t.Run("transaction timeout", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{Stall: mailtest.StallGreeting})
		start := time.Now()
		err := newSender(t, "smtp://"+srv.Addr(), WithTimeout(limit)).Send(context.Background(), testMessage())
		check(t, err, start, nil)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("err = %v, want a timeout", err)
		}
	})
	t.Run("smtps handshake bounded by dial timeout", func(t *testing.T) {
		// A plain server never answers the TLS ClientHello the way TLS
		// expects; stall so it does not answer at all.
		srv := mailtest.Start(t, mailtest.Options{Stall: mailtest.StallGreeting})
		start := time.Now()
		err := newSender(t, "smtps://"+srv.Addr(), WithDialTimeout(limit)).Send(context.Background(), testMessage())
		check(t, err, start, nil)
	})
}

func TestHeaderInjectionRejected(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	s := newSender(t, "smtp://"+srv.Addr())
	for name, mod := range map[string]func(*Message){
		"subject CRLF": func(m *Message) { m.Subject = "hi\r\nBcc: victim@example.com" },
		"subject LF":   func(m *Message) { m.Subject = "hi\nBcc: victim@example.com" },
		"subject CR":   func(m *Message) { m.Subject = "hi\rBcc: victim@example.com" },
		"from":         func(m *Message) { m.From = "a@example.org\r\nBcc: victim@example.com" },
		"to":           func(m *Message) { m.To = []string{"alice@example.net\nBcc: victim@example.com"} },
		"to NUL":       func(m *Message) { m.To = []string{"alice@example.net\x00"} },
	} {
		m := testMessage()
		mod(&m)
		err := s.Send(context.Background(), m)
		if !errors.Is(err, ErrHeaderInjection) {
			t.Errorf("%s: err = %v, want ErrHeaderInjection", name, err)
		}
		if err := m.Validate(); !errors.Is(err, ErrHeaderInjection) {
			t.Errorf("%s: Validate = %v", name, err)
		}
	}
	if n := srv.Connections(); n != 0 {
		t.Errorf("server saw %d connections; invalid messages must fail before connecting", n)
	}
}

func TestInvalidAddresses(t *testing.T) {
	for name, m := range map[string]Message{
		"no from":      {To: []string{"a@example.net"}},
		"bad from":     {From: "not an address", To: []string{"a@example.net"}},
		"no to":        {From: "a@example.org"},
		"bad to":       {From: "a@example.org", To: []string{"a@example.net, b@example.net"}},
		"empty to elt": {From: "a@example.org", To: []string{""}},
	} {
		if err := m.Validate(); err == nil {
			t.Errorf("%s: Validate accepted %+v", name, m)
		}
	}
}

func TestConcurrentSends(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	s := newSender(t, "smtp://"+srv.Addr())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := s.Send(context.Background(), testMessage()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(srv.Messages()); n != 8 {
		t.Errorf("server received %d messages, want 8", n)
	}
}
