package batch

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxPrefixLen is the longest prefix of the prefix strategy (radbatch.prefix).
const MaxPrefixLen = 20

// CleanUsername returns s as Django stores a username (NFKC-normalised) and
// checks it against Django's rules: 1 to 150 characters, each a letter, a
// digit or one of @ . + - _ (letters and digits of any script).
func CleanUsername(s string) (string, error) {
	u := norm.NFKC.String(s)
	if u == "" {
		return "", errors.New("username is empty")
	}
	if n := utf8.RuneCountInString(u); n > MaxUsernameLen {
		return u, fmt.Errorf("username is %d characters long; at most %d are allowed", n, MaxUsernameLen)
	}
	if !usernameChars(u) {
		return u, fmt.Errorf("username %q may contain only letters, digits and @ . + - _", u)
	}
	return u, nil
}

// CleanPrefix is CleanUsername for the prefix of the prefix strategy, which
// is at most 20 characters long.
func CleanPrefix(s string) (string, error) {
	p := norm.NFKC.String(s)
	if p == "" {
		return "", errors.New("prefix is empty")
	}
	if n := utf8.RuneCountInString(p); n > MaxPrefixLen {
		return p, fmt.Errorf("prefix is %d characters long; at most %d are allowed", n, MaxPrefixLen)
	}
	if !usernameChars(p) {
		return p, fmt.Errorf("prefix %q may contain only letters, digits and @ . + - _", p)
	}
	return p, nil
}

// usernameChars mirrors Django's UnicodeUsernameValidator, ^[\w.@+-]+\Z,
// where Python's \w is a letter, a number or the underscore.
func usernameChars(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsNumber(r):
		case r == '_', r == '.', r == '@', r == '+', r == '-':
		default:
			return false
		}
	}
	return true
}

// ValidEmail reports whether s passes Django's EmailValidator (in its
// django-freeradius-era form): an ASCII dot-atom or quoted local part, "@",
// and either "localhost", a domain of at least two dot-separated labels
// (letters, digits and inner hyphens, at most 63 characters each; an
// internationalised domain is checked in its xn-- form), or an IP address
// literal in brackets. Like newer Django it refuses anything over 320
// bytes; the 254-character limit of the column is the caller's to check.
func ValidEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at < 0 || len(s) > 320 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if !validDotAtom(local) && !validQuotedLocal(local) {
		return false
	}
	if domain == "localhost" || validASCIIDomain(domain) || validIPLiteral(domain) {
		return true
	}
	if ace, ok := toASCIIDomain(domain); ok {
		return validASCIIDomain(ace)
	}
	return false
}

// normalizeEmail lower-cases the domain, as Django's normalize_email does.
func normalizeEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	return s[:at+1] + strings.ToLower(s[at+1:])
}

func isAtext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+/=?^_`{|}~-", c) >= 0
}

func validDotAtom(s string) bool {
	if s == "" {
		return false
	}
	for atom := range strings.SplitSeq(s, ".") {
		if atom == "" {
			return false
		}
		for i := 0; i < len(atom); i++ {
			if !isAtext(atom[i]) {
				return false
			}
		}
	}
	return true
}

// validQuotedLocal is the quoted-string form: "..." holding ASCII other
// than NUL, tab, CR, LF, space, " and \; a backslash escapes any ASCII but
// NUL, CR and LF (so a space must be written "\ ", as in Django).
func validQuotedLocal(s string) bool {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return false
	}
	in := s[1 : len(s)-1]
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c == '\\' {
			i++
			if i == len(in) {
				return false
			}
			if e := in[i]; e == 0 || e == '\n' || e == '\r' || e > 0x7F {
				return false
			}
			continue
		}
		if c == 0 || c == '\t' || c == '\n' || c == '\r' || c == ' ' || c == '"' || c > 0x7F {
			return false
		}
	}
	return true
}

func isLetDig(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// validASCIIDomain is Django's domain_regex:
// ((?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+)(?:[A-Z0-9-]{2,63}(?<!-))\Z
func validASCIIDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || len(tld) > 63 || tld[len(tld)-1] == '-' {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if !isLetDig(tld[i]) && tld[i] != '-' {
			return false
		}
	}
	for _, l := range labels[:len(labels)-1] {
		if l == "" || len(l) > 63 || !isLetDig(l[0]) || !isLetDig(l[len(l)-1]) {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isLetDig(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	return true
}

// validIPLiteral is "[" IPv4-or-IPv6 "]".
func validIPLiteral(d string) bool {
	if len(d) < 3 || d[0] != '[' || d[len(d)-1] != ']' {
		return false
	}
	ip := d[1 : len(d)-1]
	for i := 0; i < len(ip); i++ {
		c := ip[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.') {
			return false
		}
	}
	_, err := netip.ParseAddr(ip)
	return err == nil
}

// toASCIIDomain approximates Python's IDNA 2003 encoding, which Django
// applies before retrying the domain check: NFKC and lower case, then every
// label with non-ASCII characters becomes "xn--" + punycode and must fit in
// 63 characters. Spaces, control and private-use characters are refused.
func toASCIIDomain(d string) (string, bool) {
	d = strings.ToLower(norm.NFKC.String(d))
	d = strings.NewReplacer("\u3002", ".", "\uff61", ".").Replace(d)
	labels := strings.Split(d, ".")
	for i, l := range labels {
		ascii := true
		for _, r := range l {
			if r >= utf8.RuneSelf {
				ascii = false
				if !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S) {
					return "", false
				}
			}
		}
		if ascii {
			continue
		}
		// Punycode writes at least one character per rune: a longer
		// label cannot fit, and is not worth encoding.
		if strings.HasPrefix(l, "xn--") || utf8.RuneCountInString(l) > 63-len("xn--") {
			return "", false
		}
		p, ok := punycode(l)
		if !ok || len("xn--")+len(p) > 63 {
			return "", false
		}
		labels[i] = "xn--" + p
	}
	return strings.Join(labels, "."), true
}

// punycode encodes s as RFC 3492 describes.
func punycode(s string) (string, bool) {
	const (
		base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
		initialBias, initialN        = 72, 128
		maxDelta                     = 1 << 30 // far beyond any 63-character label
	)
	adapt := func(delta, numPoints int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / numPoints
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	digit := func(d int) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}

	runes := []rune(s)
	var out []byte
	for _, r := range runes {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	h := b
	if b > 0 {
		out = append(out, '-')
	}
	n, delta, bias := initialN, 0, initialBias
	for h < len(runes) {
		m := int(unicode.MaxRune) + 1
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		delta += (m - n) * (h + 1)
		if delta > maxDelta {
			return "", false
		}
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := base; ; k += base {
				t := min(max(k-bias, tmin), tmax)
				if q < t {
					break
				}
				out = append(out, digit(t+(q-t)%(base-t)))
				q = (q - t) / (base - t)
			}
			out = append(out, digit(q))
			bias = adapt(delta, h+1, h == b)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return string(out), true
}
