// Package mail sends goradius' outgoing e-mail: the credentials mails written
// when a CSV batch import generates a password for a user.
//
// Two Senders exist:
//
//   - SMTPSender (NewSMTP) delivers over SMTP to the server named by the
//     operator's --smtp URL (smtp:// with opportunistic or mandatory STARTTLS,
//     or smtps:// with implicit TLS).
//   - LogSender is the explicit fallback when no SMTP server is configured: it
//     writes every message, body included, to the log at WARN level, so that
//     nothing is ever silently dropped.
//
// NewSender picks one of the two from the --smtp value. Only the standard
// library is used.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is one plain-text e-mail.
type Message struct {
	// From is the sender, either a bare address ("noreply@example.org") or
	// one with a display name ("Radius <noreply@example.org>"). It is used
	// both for the From header and the SMTP envelope (MAIL FROM).
	From string
	// To holds the recipients, one address per element (same forms as From).
	To []string
	// Subject may contain any UTF-8 text; it is RFC 2047-encoded as needed.
	Subject string
	// Body is plain UTF-8 text. Line endings may be LF, CRLF or CR.
	Body string
}

// Sender delivers messages. Implementations are safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrHeaderInjection is returned (wrapped) when From, To or Subject contain a
// CR, LF or NUL byte, which could otherwise be used to smuggle extra header
// lines (Bcc: ...) into the message.
var ErrHeaderInjection = errors.New("mail: header injection attempt")

// Validate checks that m can be sent: From and every To must be single valid
// RFC 5322 addresses, at least one recipient is given, and no header field
// contains CR, LF or NUL.
func (m Message) Validate() error {
	_, _, err := m.parse()
	return err
}

func (m Message) parse() (from *mail.Address, to []*mail.Address, err error) {
	if err := checkHeaderValue("From", m.From); err != nil {
		return nil, nil, err
	}
	for _, t := range m.To {
		if err := checkHeaderValue("To", t); err != nil {
			return nil, nil, err
		}
	}
	if err := checkHeaderValue("Subject", m.Subject); err != nil {
		return nil, nil, err
	}
	if strings.TrimSpace(m.From) == "" {
		return nil, nil, errors.New("mail: message has no From address")
	}
	from, err = mail.ParseAddress(m.From)
	if err != nil {
		return nil, nil, fmt.Errorf("mail: invalid From address %q: %v", m.From, err)
	}
	if len(m.To) == 0 {
		return nil, nil, errors.New("mail: message has no recipient")
	}
	to = make([]*mail.Address, 0, len(m.To))
	for _, t := range m.To {
		a, err := mail.ParseAddress(t)
		if err != nil {
			return nil, nil, fmt.Errorf("mail: invalid To address %q: %v", t, err)
		}
		to = append(to, a)
	}
	return from, to, nil
}

func checkHeaderValue(field, v string) error {
	if i := strings.IndexAny(v, "\r\n\x00"); i >= 0 {
		return fmt.Errorf("%w: %s contains a %q byte", ErrHeaderInjection, field, v[i])
	}
	return nil
}

// maxLine is the line length headers are folded to where possible (RFC 5322
// section 2.1.1 "SHOULD be no more than 78 characters").
const maxLine = 78

// render builds the complete RFC 5322 message (headers, blank line, body)
// with CRLF line endings. Dot-stuffing is left to the SMTP DATA writer.
func render(from *mail.Address, to []*mail.Address, subject, body string, date time.Time) []byte {
	var b bytes.Buffer
	header := func(name, value string) {
		line := name + ":"
		if value != "" {
			line += " " + value
		}
		b.WriteString(fold(line, len(name)+1))
		b.WriteString("\r\n")
	}
	rcpts := make([]string, len(to))
	for i, a := range to {
		rcpts[i] = formatAddress(a)
	}
	cte, encoded := encodeBody(body)

	header("From", formatAddress(from))
	header("To", strings.Join(rcpts, ", "))
	if needsEncoding(subject) {
		subject = encodeWords(subject, false)
	}
	header("Subject", subject)
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", newMessageID(from.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", cte)
	// RFC 3834: machine-generated, so vacation responders should not reply.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	b.Write(encoded)
	return b.Bytes()
}

// fold breaks a header line at spaces (never inside a word) so that lines
// stay within maxLine characters where the content allows it. Breaks are
// only made at a space that follows a non-blank character and precedes
// some non-blank text, so no folded line consists of whitespace only;
// unfolding (removing the CRLFs) restores the original line. The first
// noBreak bytes ("Name:") and the space after them are never split off.
func fold(s string, noBreak int) string {
	if len(s) <= maxLine {
		return s
	}
	var b strings.Builder
	lo := noBreak + 2
	for len(s) > maxLine {
		end := len(strings.TrimRight(s, " \t"))
		cut := -1
		for i := max(lo, 1); i < end; i++ {
			if s[i] != ' ' || s[i-1] == ' ' || s[i-1] == '\t' {
				continue
			}
			if i > maxLine && cut >= 0 {
				break
			}
			cut = i
			if i > maxLine {
				break
			}
		}
		if cut < 0 {
			break
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n")
		s = s[cut:]
		lo = 1
	}
	b.WriteString(s)
	return b.String()
}

// maxWord is the length limit of the RFC 2047 encoded-words we write. It is
// below RFC 2047's 75 so that "Subject: " plus one word fits in maxLine.
const maxWord = 66

const wordPrefix, wordSuffix = "=?utf-8?q?", "?="

// needsEncoding reports whether a header text must be RFC 2047-encoded:
// it has bytes other than printable ASCII, space and tab, or it contains
// "=?", which a decoder could mistake for the start of an encoded-word.
func needsEncoding(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\t' && (c < ' ' || c > '~') {
			return true
		}
	}
	return strings.Contains(s, "=?")
}

// encodeWords returns s as space-separated RFC 2047 "Q" encoded-words of at
// most maxWord characters, never splitting a UTF-8 sequence between words
// (whitespace between adjacent encoded-words is ignored when decoding).
// phrase selects the restricted character set of RFC 2047 section 5(3),
// required inside a display name; otherwise the looser set of section 5(1)
// for unstructured fields such as Subject is used.
func encodeWords(s string, phrase bool) string {
	budget := maxWord - len(wordPrefix) - len(wordSuffix)
	var words []string
	var cur, enc strings.Builder
	flush := func() {
		words = append(words, wordPrefix+cur.String()+wordSuffix)
		cur.Reset()
	}
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		enc.Reset()
		for _, c := range []byte(s[i : i+size]) {
			switch {
			case c == ' ':
				enc.WriteByte('_')
			case phrase && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!*+-/", c) >= 0):
				enc.WriteByte(c)
			case !phrase && c > ' ' && c <= '~' && c != '=' && c != '?' && c != '_':
				enc.WriteByte(c)
			default:
				fmt.Fprintf(&enc, "=%02X", c)
			}
		}
		if cur.Len() > 0 && cur.Len()+enc.Len() > budget {
			flush()
		}
		cur.WriteString(enc.String())
		i += size
	}
	if cur.Len() > 0 || len(words) == 0 {
		flush()
	}
	return strings.Join(words, " ")
}

// formatAddress renders an address for a header. Non-ASCII display names
// are encoded with encodeWords (net/mail would use 75-character words,
// which make the header line longer than maxLine).
func formatAddress(a *mail.Address) string {
	if a.Name == "" || !needsEncoding(a.Name) {
		return a.String()
	}
	return encodeWords(a.Name, true) + " " + (&mail.Address{Address: a.Address}).String()
}

// encodeBody picks the Content-Transfer-Encoding and returns the encoded body
// with CRLF line endings, ending in CRLF.
//
// A body that is printable US-ASCII with lines of at most 998 bytes (the
// common case: "username: alice, password: Xy7...") is sent as "7bit", i.e.
// unchanged, so it stays readable in raw form and a '=' in a generated
// password does not turn into "=3D". Anything else is sent as
// quoted-printable, which is 7-bit clean: "8bit" would require every relay on
// the path to support 8BITMIME (RFC 6152), which we cannot check beyond the
// first hop.
func encodeBody(body string) (cte string, encoded []byte) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	if is7bit(body) {
		out := strings.ReplaceAll(body, "\n", "\r\n")
		if !strings.HasSuffix(out, "\r\n") {
			out += "\r\n"
		}
		return "7bit", []byte(out)
	}
	var buf bytes.Buffer
	w := quotedprintable.NewWriter(&buf) // text mode: line breaks become CRLF
	w.Write([]byte(body))                // writes to a bytes.Buffer cannot fail
	w.Close()
	if !bytes.HasSuffix(buf.Bytes(), []byte("\r\n")) {
		buf.WriteString("\r\n")
	}
	return "quoted-printable", buf.Bytes()
}

func is7bit(s string) bool {
	lineLen := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n':
			lineLen = 0
			continue
		case c == '\t' || (c >= ' ' && c <= '~'):
		default:
			return false
		}
		lineLen++
		if lineLen > 998 {
			return false
		}
	}
	return true
}

// newMessageID returns "<random@domain>" with the domain taken from the
// sender address when it is a plain host name, else "localhost".
func newMessageID(fromAddr string) string {
	domain := "localhost"
	if at := strings.LastIndexByte(fromAddr, '@'); at >= 0 && isHostname(fromAddr[at+1:]) {
		domain = fromAddr[at+1:]
	}
	return "<" + rand.Text() + "@" + domain + ">"
}

func isHostname(s string) bool {
	if s == "" || len(s) > 253 || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
