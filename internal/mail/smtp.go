package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Default timeouts of an SMTPSender; see WithDialTimeout and WithTimeout.
const (
	DefaultDialTimeout = 15 * time.Second
	DefaultTimeout     = 60 * time.Second
)

type starttlsMode int

const (
	starttlsAuto starttlsMode = iota
	starttlsRequired
	starttlsOff
)

func (m starttlsMode) String() string {
	switch m {
	case starttlsRequired:
		return "required"
	case starttlsOff:
		return "off"
	}
	return "auto"
}

// SMTPSender delivers messages to one SMTP server, opening a new connection
// for every Send. It is immutable after NewSMTP and safe for concurrent use.
type SMTPSender struct {
	redacted    string // URL with the password masked, for String and errors
	host        string // without port; TLS ServerName and net/smtp server name
	addr        string // host:port
	implicitTLS bool
	starttls    starttlsMode
	auth        bool
	username    string
	password    string

	tlsConfig   *tls.Config
	dialTimeout time.Duration
	timeout     time.Duration
	localName   string

	// dial replaces net.Dialer.DialContext in tests (unexported on purpose:
	// it lets a test reach a loopback server under another host name).
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Option configures an SMTPSender in NewSMTP.
type Option func(*SMTPSender)

// WithTLSConfig sets the TLS client configuration used for STARTTLS and
// smtps://. It exists for tests (a RootCAs pool holding a self-signed test
// certificate) and for embedding programs with special needs; it is not
// reachable from the --smtp URL, so an operator cannot switch off
// certificate verification by accident. ServerName defaults to the URL's
// host and MinVersion to TLS 1.2 when left zero. The config is cloned.
//
// Operators whose mail relay uses a private CA do not need this: Go's
// crypto/x509 reads additional roots from the SSL_CERT_FILE and SSL_CERT_DIR
// environment variables on Unix systems.
func WithTLSConfig(c *tls.Config) Option {
	return func(s *SMTPSender) {
		if c != nil {
			s.tlsConfig = c.Clone()
		}
	}
}

// WithDialTimeout bounds connecting, including the TLS handshake of
// smtps:// (default DefaultDialTimeout). Values <= 0 keep the default.
func WithDialTimeout(d time.Duration) Option {
	return func(s *SMTPSender) {
		if d > 0 {
			s.dialTimeout = d
		}
	}
}

// WithTimeout bounds the whole SMTP transaction of one Send after the
// connection is established, from greeting to QUIT (default DefaultTimeout).
// A ctx deadline that is earlier wins. Values <= 0 keep the default.
func WithTimeout(d time.Duration) Option {
	return func(s *SMTPSender) {
		if d > 0 {
			s.timeout = d
		}
	}
}

// WithLocalName sets the name sent in EHLO/HELO. The default is the
// machine's host name, or "localhost" when that is unavailable.
func WithLocalName(name string) Option {
	return func(s *SMTPSender) {
		if name != "" {
			s.localName = name
		}
	}
}

// NewSMTP validates rawURL and returns a sender for it. No connection is made.
//
// URL forms:
//
//	smtp://[user:password@]host[:port][?starttls=auto|required|off]
//	smtps://[user:password@]host[:port]
//
// smtp:// uses port 25 by default. starttls selects how STARTTLS is used:
//
//	auto      (default) upgrade with STARTTLS when the server offers it, else
//	          continue in clear text. Once offered, a failing upgrade
//	          (e.g. an untrusted certificate) is an error, never a silent
//	          fallback to clear text.
//	required  refuse to send unless the server offers STARTTLS and the
//	          upgrade succeeds. Use this for any server that is not on the
//	          same host or a trusted network.
//	off       never attempt STARTTLS (for local relays with broken TLS).
//
// smtps:// speaks TLS from the first byte (RFC 8314 "implicit TLS"); its
// default port is 465 and the starttls parameter is not accepted with it.
//
// user and password (percent-encoded where needed, e.g. "%40" for '@')
// enable AUTH PLAIN. As in net/smtp, credentials are only ever sent over TLS
// or to a loopback server ("localhost", "127.0.0.1", "::1"); otherwise Send
// fails before sending them. Giving a user without a password is an error.
//
// Certificates are always verified against the system roots; see
// WithTLSConfig. There is deliberately no URL parameter to skip verification.
//
// Error messages never contain the password.
func NewSMTP(rawURL string, opts ...Option) (*SMTPSender, error) {
	s, err := parseSMTPURL(rawURL)
	if err != nil {
		return nil, err
	}
	s.dialTimeout = DefaultDialTimeout
	s.timeout = DefaultTimeout
	s.localName = defaultLocalName()
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

func defaultLocalName() string {
	h, err := os.Hostname()
	if err != nil || h == "" || strings.ContainsAny(h, " \t\r\n") {
		return "localhost"
	}
	return h
}

func urlError(format string, args ...any) error {
	return fmt.Errorf("mail: invalid SMTP URL: "+format, args...)
}

func parseSMTPURL(rawURL string) (*SMTPSender, error) {
	if strings.TrimSpace(rawURL) == "" {
		return nil, urlError("empty")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error repeats the whole URL, password included: report only
		// the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, urlError("%v", err)
	}
	s := &SMTPSender{redacted: u.Redacted()}
	var defaultPort string
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		defaultPort = "25"
	case "smtps":
		defaultPort = "465"
		s.implicitTLS = true
	case "":
		return nil, urlError("missing scheme: want smtp://host[:port] or smtps://host[:port]")
	default:
		return nil, urlError("unknown scheme %q: want smtp or smtps", u.Scheme)
	}
	if u.Opaque != "" {
		return nil, urlError("want %s://host[:port] (missing \"//\")", u.Scheme)
	}
	if u.Path != "" && u.Path != "/" {
		return nil, urlError("unexpected path %q", u.Path)
	}
	if u.Fragment != "" {
		return nil, urlError("unexpected fragment")
	}
	s.host = u.Hostname()
	if s.host == "" {
		return nil, urlError("missing host")
	}
	port := u.Port()
	if port == "" {
		if strings.HasSuffix(u.Host, ":") {
			return nil, urlError("empty port")
		}
		port = defaultPort
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return nil, urlError("bad port %q: want a number from 1 to 65535", port)
	}
	s.addr = net.JoinHostPort(s.host, port)

	if u.User != nil {
		s.username = u.User.Username()
		s.password, _ = u.User.Password()
		if s.username == "" {
			return nil, urlError("empty user name")
		}
		if s.password == "" {
			return nil, urlError("user %q given without a password", s.username)
		}
		s.auth = true
	}

	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, urlError("bad query: %v", err)
	}
	for k, v := range q {
		switch k {
		case "starttls":
			if s.implicitTLS {
				return nil, urlError("starttls cannot be used with smtps:// (TLS is already implicit)")
			}
			if len(v) != 1 {
				return nil, urlError("starttls given %d times", len(v))
			}
			switch strings.ToLower(v[0]) {
			case "auto", "":
				s.starttls = starttlsAuto
			case "required":
				s.starttls = starttlsRequired
			case "off":
				s.starttls = starttlsOff
			default:
				return nil, urlError("starttls=%q: want auto, required or off", v[0])
			}
		default:
			// Refuse unknown parameters: a typo such as "startls=required"
			// must not silently downgrade security.
			return nil, urlError("unknown parameter %q (known: starttls)", k)
		}
	}
	return s, nil
}

// String returns the URL with any password masked.
func (s *SMTPSender) String() string { return s.redacted }

func (s *SMTPSender) tlsClientConfig() *tls.Config {
	cfg := &tls.Config{}
	if s.tlsConfig != nil {
		cfg = s.tlsConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = s.host
	}
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	return cfg
}

// Send delivers m in one SMTP transaction on a new connection. It returns
// nil only once the server has accepted the message after DATA. Any
// rejected recipient aborts the whole message (nothing is sent to the
// others either); the error quotes the server's reply.
//
// ctx bounds the whole call: connecting is additionally limited by the dial
// timeout and the transaction by the transaction timeout. When ctx ends
// first, the returned error wraps ctx.Err().
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	from, to, err := m.parse()
	if err != nil {
		return err
	}
	data := render(from, to, m.Subject, m.Body, time.Now())

	conn, err := s.connect(ctx)
	if err != nil {
		return withCtx(ctx, fmt.Errorf("mail: connecting to SMTP server %s: %w", s.addr, err))
	}
	defer conn.Close()

	deadline := time.Now().Add(s.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := conn.SetDeadline(deadline); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	// Cancellation without a deadline: make pending I/O fail at once.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if err := s.transact(conn, from.Address, to, data); err != nil {
		return withCtx(ctx, err)
	}
	return nil
}

// withCtx adds ctx's error to err when ctx has ended, so callers can test
// errors.Is(err, context.DeadlineExceeded) even though the failure surfaced
// as an I/O timeout.
func withCtx(ctx context.Context, err error) error {
	cerr := ctx.Err()
	if d, ok := ctx.Deadline(); cerr == nil && ok && !time.Now().Before(d) {
		// The connection deadline (set to ctx's deadline) can fire a hair
		// before ctx's own timer marks ctx as done.
		cerr = context.DeadlineExceeded
	}
	if cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w (%w)", err, cerr)
	}
	return err
}

func (s *SMTPSender) connect(ctx context.Context) (net.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, s.dialTimeout)
	defer cancel()
	dial := s.dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	conn, err := dial(dctx, "tcp", s.addr)
	if err != nil {
		return nil, err
	}
	if !s.implicitTLS {
		return conn, nil
	}
	tc := tls.Client(conn, s.tlsClientConfig())
	if err := tc.HandshakeContext(dctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("TLS handshake: %w", err)
	}
	return tc, nil
}

func isLoopbackName(host string) bool {
	// Exactly net/smtp's notion (see smtp.PlainAuth), so this pre-check is
	// never more permissive than the check net/smtp itself applies.
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

func (s *SMTPSender) transact(conn net.Conn, from string, to []*mail.Address, data []byte) error {
	c, err := smtp.NewClient(conn, s.host) // reads the 220 greeting
	if err != nil {
		return fmt.Errorf("mail: reading greeting of SMTP server %s: %w", s.addr, err)
	}
	defer c.Close()
	if err := c.Hello(s.localName); err != nil {
		return fmt.Errorf("mail: EHLO/HELO to %s: %w", s.addr, err)
	}

	if !s.implicitTLS && s.starttls != starttlsOff {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsClientConfig()); err != nil {
				return fmt.Errorf("mail: STARTTLS with %s: %w", s.addr, err)
			}
		} else if s.starttls == starttlsRequired {
			return fmt.Errorf("mail: SMTP server %s does not offer STARTTLS, and the URL says starttls=required; nothing was sent", s.addr)
		}
	}

	if s.auth {
		_, isTLS := c.TLSConnectionState()
		if !isTLS && !isLoopbackName(s.host) {
			return fmt.Errorf("mail: refusing to send the SMTP password to %s over an unencrypted connection: use smtps://, or a server that offers STARTTLS", s.addr)
		}
		ok, mechs := c.Extension("AUTH")
		if !ok {
			return fmt.Errorf("mail: SMTP server %s does not offer AUTH, but the URL has credentials", s.addr)
		}
		if !hasMechanism(mechs, "PLAIN") {
			return fmt.Errorf("mail: SMTP server %s does not offer AUTH PLAIN (it offers %q)", s.addr, mechs)
		}
		if err := c.Auth(smtp.PlainAuth("", s.username, s.password, s.host)); err != nil {
			return fmt.Errorf("mail: authentication as %q at %s failed: %w", s.username, s.addr, err)
		}
	}

	if err := c.Mail(from); err != nil {
		return fmt.Errorf("mail: SMTP server %s rejected sender <%s>: %w", s.addr, from, err)
	}
	for _, a := range to {
		if err := c.Rcpt(a.Address); err != nil {
			return fmt.Errorf("mail: SMTP server %s rejected recipient <%s>: %w", s.addr, a.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: SMTP server %s refused DATA: %w", s.addr, err)
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return fmt.Errorf("mail: sending message to %s: %w", s.addr, err)
	}
	if err := w.Close(); err != nil { // sends "." and reads the reply
		return fmt.Errorf("mail: SMTP server %s did not accept the message: %w", s.addr, err)
	}
	// The message is accepted; a failing QUIT does not change that.
	_ = c.Quit()
	return nil
}

func hasMechanism(list, mech string) bool {
	for _, m := range strings.Fields(list) {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}
