package mailtest_test

import (
	"context"
	"crypto/tls"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/mail"
	"github.com/goradius/goradius/internal/mail/mailtest"
)

func send(t *testing.T, rawURL string, m mail.Message, opts ...mail.Option) error {
	t.Helper()
	s, err := mail.NewSMTP(rawURL, opts...)
	if err != nil {
		t.Fatalf("NewSMTP(%q): %v", rawURL, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.Send(ctx, m)
}

func TestURLWithMailPackage(t *testing.T) {
	serverTLS, pool := mailtest.TestCert(t)
	clientTLS := mail.WithTLSConfig(&tls.Config{RootCAs: pool})
	for _, tc := range []struct {
		name    string
		opts    mailtest.Options
		wantURL string // with PORT for the port
		wantTLS bool
	}{
		{"plain", mailtest.Options{}, "smtp://127.0.0.1:PORT?starttls=off", false},
		{"starttls", mailtest.Options{STARTTLS: serverTLS}, "smtp://127.0.0.1:PORT?starttls=required", true},
		{"implicit TLS", mailtest.Options{ImplicitTLS: serverTLS}, "smtps://127.0.0.1:PORT", true},
		{"auth", mailtest.Options{AuthUser: "radius", AuthPass: "p@ss:w/rd?"}, "smtp://radius:p%40ss%3Aw%2Frd%3F@127.0.0.1:PORT?starttls=off", false},
		{"starttls and auth", mailtest.Options{STARTTLS: serverTLS, AuthUser: "radius", AuthPass: "secret"}, "smtp://radius:secret@127.0.0.1:PORT?starttls=required", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailtest.Start(t, tc.opts)
			_, port, _ := strings.Cut(srv.Addr(), ":")
			if want := strings.Replace(tc.wantURL, "PORT", port, 1); srv.URL() != want {
				t.Errorf("URL = %q, want %q", srv.URL(), want)
			}
			m := mail.Message{
				From:    "Radius <noreply@example.org>",
				To:      []string{"Zoë <zoe@example.net>", "bob@example.net"},
				Subject: "Zugangsdaten für Zoë ✓",
				Body:    "username: zoë\npassword: a=b c\n",
			}
			if err := send(t, srv.URL(), m, clientTLS); err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
			r := msgs[0]
			if r.ParseErr != nil {
				t.Fatal(r.ParseErr)
			}
			if r.From != "noreply@example.org" || strings.Join(r.To, ",") != "zoe@example.net,bob@example.net" {
				t.Errorf("envelope %q -> %q", r.From, r.To)
			}
			if r.Subject != m.Subject || r.Body != m.Body {
				t.Errorf("Subject %q, Body %q", r.Subject, r.Body)
			}
			if r.TLS != tc.wantTLS || r.AuthUser != tc.opts.AuthUser {
				t.Errorf("TLS=%v AuthUser=%q", r.TLS, r.AuthUser)
			}
			if got := r.Header.Get("Auto-Submitted"); got != "auto-generated" {
				t.Errorf("Auto-Submitted %q", got)
			}
			if srv.Connections() != 1 || !srv.SawCommand("mail") || srv.SawCommand("MAI") {
				t.Errorf("connections %d, commands %q", srv.Connections(), srv.Commands())
			}
		})
	}
}

func TestRejectRcptAndStall(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{RejectRcpt: "nobody@example.net"})
	m := mail.Message{From: "a@example.org", To: []string{"nobody@example.net"}, Subject: "s", Body: "b"}
	if err := send(t, srv.URL(), m); err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("err = %v, want a 550", err)
	}
	if len(srv.Messages()) != 0 {
		t.Error("message recorded")
	}

	for _, stall := range []mailtest.Stall{mailtest.StallGreeting, mailtest.StallData} {
		srv := mailtest.Start(t, mailtest.Options{Stall: stall})
		s, err := mail.NewSMTP(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err = s.Send(ctx, mail.Message{From: "a@example.org", To: []string{"b@example.net"}, Body: "b"})
		cancel()
		if err == nil || len(srv.Messages()) != 0 {
			t.Errorf("stall %d: err = %v, %d messages", stall, err, len(srv.Messages()))
		}
		srv.Close() // returns although the connection is stalled
		srv.Close()
	}
}

func TestBodyEncodings(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	c, err := smtp.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, data := range []string{
		"Subject: =?iso-8859-1?q?Gr=FC=DFe?=\r\nContent-Transfer-Encoding: base64\r\n\r\nR3LDvMOfZQpsaW5lIDIK\r\n",
		"Subject: plain\r\nContent-Transfer-Encoding: Quoted-Printable\r\n\r\nGr=C3=BC=C3=9Fe=\r\n\r\nline 2\r\n",
		"Subject: plain\r\n\r\nGr\xc3\xbc\xc3\x9fe\r\nline 2\r\n",
	} {
		if err := c.Mail("a@example.org"); err != nil {
			t.Fatal(err)
		}
		if err := c.Rcpt("b@example.net"); err != nil {
			t.Fatal(err)
		}
		w, err := c.Data()
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(data))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	c.Quit()
	wantSubjects := []string{"Grüße", "plain", "plain"}
	msgs := srv.Messages()
	if len(msgs) != 3 {
		t.Fatalf("%d messages", len(msgs))
	}
	for i, r := range msgs {
		if r.ParseErr != nil || r.Subject != wantSubjects[i] || r.Body != "Grüße\nline 2\n" {
			t.Errorf("message %d: Subject %q, Body %q, ParseErr %v", i, r.Subject, r.Body, r.ParseErr)
		}
	}
}
