// Package mailtest is for tests only: it provides a minimal SMTP server that
// listens on 127.0.0.1, records what it receives, and can be made to
// misbehave (stall, reject a recipient) or to require TLS and AUTH, plus
// TestCert to make the self-signed certificates it needs.
//
// It lets tests of package mail and of the packages that send mail through
// it check real SMTP traffic on loopback:
//
//	srv := mailtest.Start(t, mailtest.Options{})
//	sender, err := mail.NewSMTP(srv.URL())
//	...
//	msgs := srv.Messages() // msgs[0].Subject, msgs[0].Body: decoded text
//
// The server speaks EHLO/HELO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA,
// RSET, NOOP and QUIT. It uses only the standard library and does not import
// goradius' mail package, so that package's own internal tests can use it.
package mailtest

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Stall makes the server stop answering at some point of the SMTP dialogue.
// A stalled connection hangs until the server is closed (at the latest when
// the test ends) or after 30 seconds.
type Stall int

const (
	// NoStall (the zero value) answers everything.
	NoStall Stall = iota
	// StallGreeting never sends the 220 greeting (after the TLS handshake
	// when ImplicitTLS is set).
	StallGreeting
	// StallData reads the message after DATA but never answers its final
	// ".", so the message is not recorded.
	StallData
)

// Options configure a Server. The zero value is a plain server without TLS
// or AUTH that accepts every message.
type Options struct {
	// STARTTLS, when set, makes the server offer STARTTLS with this config
	// (see TestCert).
	STARTTLS *tls.Config
	// ImplicitTLS, when set, makes the server speak TLS from the first
	// byte (smtps://) with this config.
	ImplicitTLS *tls.Config
	// AuthUser and AuthPass, when AuthUser is set, make the server offer
	// AUTH PLAIN and require it before MAIL. Wrong credentials get a 535
	// reply.
	AuthUser, AuthPass string
	// RejectRcpt, when set, gets a 550 reply to RCPT TO with this
	// address (exact match).
	RejectRcpt string
	// Stall makes the server stop answering; see Stall.
	Stall Stall
}

// Message is one message accepted by the server (after the "." of DATA was
// answered with 250).
type Message struct {
	Helo     string   // argument of the last EHLO/HELO
	TLS      bool     // whether the connection was encrypted
	AuthUser string   // user of a successful AUTH, else ""
	From     string   // MAIL FROM address, without the angle brackets
	To       []string // accepted RCPT TO addresses, without angle brackets
	// Raw is the DATA as on the wire: CRLF line endings, dot-stuffed,
	// without the final ".\r\n".
	Raw []byte
	// Data is Raw with the dot-stuffing removed: the RFC 5322 message.
	Data []byte

	// Header, Subject and Body are parsed from Data when possible; a
	// failure is reported in ParseErr, and the fields parsed before it
	// are kept.
	Header mail.Header
	// Subject is the Subject header with RFC 2047 encoded-words decoded.
	Subject string
	// Body is the body decoded according to its Content-Transfer-Encoding
	// (7bit, 8bit, binary, quoted-printable or base64), with LF line
	// endings. It is not decoded further (no multipart, no charset
	// conversion).
	Body string
	// ParseErr is the error parsing Data into Header, Subject and Body,
	// or nil.
	ParseErr error
}

// Server is a running test SMTP server. Its methods are safe for concurrent
// use.
type Server struct {
	ln   net.Listener
	opts Options
	done chan struct{}
	wg   sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	conns    map[net.Conn]struct{}
	accepted int
	commands []string
	msgs     []Message
}

// Start starts a server on 127.0.0.1 with a random port. It is closed with
// t.Cleanup when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	s := &Server{ln: ln, opts: opts, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

// Addr returns the server's "127.0.0.1:port" address.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL returns a URL for the server usable with goradius' mail.NewSMTP:
//
//   - "smtp://127.0.0.1:PORT?starttls=off" for a plain server;
//   - "smtp://127.0.0.1:PORT?starttls=required" when Options.STARTTLS is
//     set, and "smtps://127.0.0.1:PORT" when Options.ImplicitTLS is set
//     (the client then needs a TLS config trusting the certificate, e.g.
//     mail.WithTLSConfig(&tls.Config{RootCAs: pool}) with the pool from
//     TestCert);
//   - with "AuthUser:AuthPass@" (percent-encoded) before the host when
//     Options.AuthUser is set.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.Addr()}
	switch {
	case s.opts.ImplicitTLS != nil:
		u.Scheme = "smtps"
	case s.opts.STARTTLS != nil:
		u.RawQuery = "starttls=required"
	default:
		u.RawQuery = "starttls=off"
	}
	if s.opts.AuthUser != "" {
		u.User = url.UserPassword(s.opts.AuthUser, s.opts.AuthPass)
	}
	return u.String()
}

// Close stops the server and closes all connections, stalled ones
// included, and waits for its goroutines. It is called automatically when
// the test ends; calling it more than once is harmless.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.ln.Close()
	close(s.done)
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Connections returns the number of connections accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// Commands returns every command line received so far (without CRLF, but
// including AUTH lines with their credentials), in order of arrival.
// Message contents after DATA are not included.
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.commands...)
}

// SawCommand reports whether any received command line has verb
// (case-insensitive, e.g. "STARTTLS", "AUTH", "MAIL") as its command word.
func (s *Server) SawCommand(verb string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.commands {
		if v, _, _ := strings.Cut(c, " "); strings.EqualFold(v, verb) {
			return true
		}
	}
	return false
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.accepted++
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				c.Close()
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
			}()
			s.handle(c)
		}()
	}
}

func (s *Server) handle(raw net.Conn) {
	raw.SetDeadline(time.Now().Add(30 * time.Second)) // never hang a test run
	var conn net.Conn = raw
	isTLS := false
	if s.opts.ImplicitTLS != nil {
		tc := tls.Server(raw, s.opts.ImplicitTLS)
		if err := tc.Handshake(); err != nil {
			return
		}
		conn, isTLS = tc, true
	}
	if s.opts.Stall == StallGreeting {
		<-s.done
		return
	}
	r := bufio.NewReader(conn)
	w := bufio.NewWriter(conn)
	reply := func(lines ...string) bool {
		for _, l := range lines {
			w.WriteString(l + "\r\n")
		}
		return w.Flush() == nil
	}
	if !reply("220 test.invalid ESMTP goradius-test") {
		return
	}
	var cur Message
	helo, authed, authUser := "", false, ""
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		s.mu.Lock()
		s.commands = append(s.commands, line)
		s.mu.Unlock()
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			helo = arg
			ext := []string{"test.invalid greets " + arg, "8BITMIME", "SIZE 10240000"}
			if s.opts.STARTTLS != nil && !isTLS {
				ext = append(ext, "STARTTLS")
			}
			if s.opts.AuthUser != "" {
				ext = append(ext, "AUTH PLAIN")
			}
			lines := make([]string, len(ext))
			for i, e := range ext {
				sep := "-"
				if i == len(ext)-1 {
					sep = " "
				}
				lines[i] = "250" + sep + e
			}
			reply(lines...)
		case "HELO":
			helo = arg
			reply("250 test.invalid")
		case "STARTTLS":
			if s.opts.STARTTLS == nil || isTLS {
				reply("502 5.5.1 STARTTLS not available")
				continue
			}
			reply("220 2.0.0 ready to start TLS")
			tc := tls.Server(conn, s.opts.STARTTLS)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, isTLS = tc, true
			r, w = bufio.NewReader(conn), bufio.NewWriter(conn)
			helo, authed, authUser, cur = "", false, "", Message{}
		case "AUTH":
			f := strings.Fields(arg)
			if s.opts.AuthUser == "" || len(f) != 2 || !strings.EqualFold(f[0], "PLAIN") {
				reply("504 5.5.4 mechanism not supported")
				continue
			}
			dec, err := base64.StdEncoding.DecodeString(f[1])
			parts := strings.Split(string(dec), "\x00")
			if err != nil || len(parts) != 3 || parts[1] != s.opts.AuthUser || parts[2] != s.opts.AuthPass {
				reply("535 5.7.8 authentication credentials invalid")
				continue
			}
			authed, authUser = true, parts[1]
			reply("235 2.7.0 authentication successful")
		case "MAIL":
			if helo == "" {
				reply("503 5.5.1 EHLO first")
				continue
			}
			if s.opts.AuthUser != "" && !authed {
				reply("530 5.7.0 authentication required")
				continue
			}
			cur = Message{Helo: helo, TLS: isTLS, AuthUser: authUser, From: angle(arg)}
			reply("250 2.1.0 ok")
		case "RCPT":
			addr := angle(arg)
			if s.opts.RejectRcpt != "" && addr == s.opts.RejectRcpt {
				reply("550 5.1.1 <" + addr + ">: Recipient address rejected: User unknown")
				continue
			}
			cur.To = append(cur.To, addr)
			reply("250 2.1.5 ok")
		case "DATA":
			if cur.From == "" || len(cur.To) == 0 {
				reply("503 5.5.1 bad sequence of commands")
				continue
			}
			reply("354 end data with <CR><LF>.<CR><LF>")
			var rawData, data bytes.Buffer
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				rawData.WriteString(l)
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			if s.opts.Stall == StallData {
				<-s.done
				return
			}
			cur.Raw, cur.Data = rawData.Bytes(), data.Bytes()
			cur.parse()
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.mu.Unlock()
			cur = Message{}
			reply("250 2.0.0 queued")
		case "RSET":
			cur = Message{}
			reply("250 2.0.0 ok")
		case "NOOP":
			reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("500 5.5.2 command not recognized")
		}
	}
}

// parse fills Header, Subject, Body and ParseErr from Data.
func (m *Message) parse() {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		m.ParseErr = fmt.Errorf("mailtest: parsing message: %w", err)
		return
	}
	m.Header = msg.Header
	m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		m.Subject = msg.Header.Get("Subject")
		m.ParseErr = fmt.Errorf("mailtest: decoding Subject: %w", err)
		return
	}
	var br io.Reader = msg.Body
	switch cte := strings.ToLower(strings.TrimSpace(msg.Header.Get("Content-Transfer-Encoding"))); cte {
	case "", "7bit", "8bit", "binary":
	case "quoted-printable":
		br = quotedprintable.NewReader(br)
	case "base64":
		br = base64.NewDecoder(base64.StdEncoding, &crlfStripper{r: br})
	default:
		m.ParseErr = fmt.Errorf("mailtest: unknown Content-Transfer-Encoding %q", cte)
		return
	}
	b, err := io.ReadAll(br)
	m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	if err != nil {
		m.ParseErr = fmt.Errorf("mailtest: decoding body: %w", err)
	}
}

// crlfStripper drops CR and LF bytes, for the base64 decoder.
type crlfStripper struct{ r io.Reader }

func (c *crlfStripper) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		j := 0
		for _, b := range p[:n] {
			if b != '\r' && b != '\n' {
				p[j] = b
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// angle returns the address between '<' and '>' in "FROM:<a@b> BODY=8BITMIME".
func angle(s string) string {
	i, j := strings.IndexByte(s, '<'), strings.IndexByte(s, '>')
	if i < 0 || j < i {
		return ""
	}
	return s[i+1 : j]
}

// TestCert makes a self-signed certificate, valid for an hour, for hosts (IP
// addresses or DNS names; "127.0.0.1" when none are given). It returns a
// server config using it, for Options.STARTTLS or Options.ImplicitTLS, and a
// pool trusting it, for the client's tls.Config.RootCAs.
func TestCert(t testing.TB, hosts ...string) (*tls.Config, *x509.CertPool) {
	t.Helper()
	if len(hosts) == 0 {
		hosts = []string{"127.0.0.1"}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "goradius test SMTP server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   tls.VersionTLS12,
	}, pool
}
