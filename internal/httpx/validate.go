package httpx

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// Messages of Django REST framework's validators, which API clients and
// FreeRADIUS logs already know.
const (
	MsgRequired  = "This field is required."
	MsgNotNull   = "This field may not be null."
	MsgNotBlank  = "This field may not be blank."
	MsgNotString = "Not a valid string."
	MsgInteger   = "A valid integer is required."
	MsgIP        = "Enter a valid IPv4 or IPv6 address."
	MsgDateTime  = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
	MsgDate      = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
	// MsgNullCharacters is DRF's; MsgNotUTF8 is ours: no database stores
	// either.
	MsgNullCharacters = "Null characters are not allowed."
	MsgNotUTF8        = "Enter text in UTF-8."
)

// CleanText makes s storable: invalid UTF-8 becomes U+FFFD and NUL bytes
// are dropped. For values that must be kept whatever they hold (post-auth).
func CleanText(s string) string {
	if store.Storable(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// MsgMaxLength is DRF's message for a string over max characters.
func MsgMaxLength(max int) string {
	return fmt.Sprintf("Ensure this field has no more than %d characters.", max)
}

// MsgMin and MsgMax are DRF's messages for numbers out of range.
func MsgMin(n int64) string {
	return fmt.Sprintf("Ensure this value is greater than or equal to %d.", n)
}
func MsgMax(n int64) string { return fmt.Sprintf("Ensure this value is less than or equal to %d.", n) }

// MsgChoice is DRF's message for a value outside a choice list.
func MsgChoice(v string) string { return fmt.Sprintf("%q is not a valid choice.", v) }

// State says what a validated field turned out to be.
type State uint8

// Field states.
const (
	Missing State = iota // not sent
	Blank                // sent as "" (or only spaces)
	Nil                  // sent as JSON null
	Set                  // sent with a valid value
	Invalid              // sent with an invalid value; a message was recorded
)

// Text validates a string field as DRF's CharField: surrounding white space
// trimmed (unless keepSpace), at most max characters (0: no limit). Blank and
// null values are returned as such; the caller decides whether they are
// allowed (see Require).
func Text(e *FieldErrors, name string, v Value, max int, keepSpace bool) (string, State) {
	switch v.Kind {
	case Absent:
		return "", Missing
	case Null:
		return "", Nil
	case Other:
		e.Add(name, MsgNotString)
		return "", Invalid
	}
	s := v.S
	if !store.Storable(s) {
		if strings.ContainsRune(s, 0) {
			e.Add(name, MsgNullCharacters)
		} else {
			e.Add(name, MsgNotUTF8)
		}
		return "", Invalid
	}
	if !keepSpace {
		s = strings.TrimSpace(s)
	}
	if s == "" {
		return "", Blank
	}
	if max > 0 && runeCount(s) > max {
		e.Add(name, MsgMaxLength(max))
		return "", Invalid
	}
	return s, Set
}

// Require records DRF's message when a required field is missing, null or
// blank (blank allowed when allowBlank). It reports whether the field is usable.
func Require(e *FieldErrors, name string, st State, allowBlank bool) bool {
	switch st {
	case Missing:
		e.Add(name, MsgRequired)
	case Nil:
		e.Add(name, MsgNotNull)
	case Blank:
		if allowBlank {
			return true
		}
		e.Add(name, MsgNotBlank)
	case Set:
		return true
	}
	return false
}

// Int validates an integer field within [min, max]. Like Python's int(),
// surrounding spaces are allowed; a "" value is Blank.
func Int(e *FieldErrors, name string, v Value, min, max int64) (int64, State) {
	switch v.Kind {
	case Absent:
		return 0, Missing
	case Null:
		return 0, Nil
	case Other:
		e.Add(name, MsgInteger)
		return 0, Invalid
	}
	s := strings.TrimSpace(v.S)
	if s == "" {
		return 0, Blank
	}
	// DRF accepts "12.0" as 12; it drops a ".0…" fraction of zeros.
	if i := strings.IndexByte(s, '.'); i > 0 && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && isDigits(strings.TrimLeft(s, "+-")) {
			if strings.HasPrefix(s, "-") {
				e.Add(name, MsgMin(min))
			} else {
				e.Add(name, MsgMax(max))
			}
			return 0, Invalid
		}
		e.Add(name, MsgInteger)
		return 0, Invalid
	}
	if n < min {
		e.Add(name, MsgMin(min))
		return 0, Invalid
	}
	if n > max {
		e.Add(name, MsgMax(max))
		return 0, Invalid
	}
	return n, Set
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// IP validates an IP address field; only6 requires IPv6. The canonical form
// is returned.
func IP(e *FieldErrors, name string, v Value, only6 bool) (string, State) {
	s, st := Text(e, name, v, 0, false)
	if st != Set {
		return "", st
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" || (only6 && !a.Is6()) {
		if only6 {
			e.Add(name, "Enter a valid IPv6 address.")
		} else {
			e.Add(name, MsgIP)
		}
		return "", Invalid
	}
	return a.Unmap().String(), Set
}

// IPv6Prefix validates an IPv6 network such as 2001:db8::/64.
func IPv6Prefix(e *FieldErrors, name string, v Value, max int) (string, State) {
	s, st := Text(e, name, v, max, false)
	if st != Set {
		return "", st
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is6() {
		e.Add(name, "Enter a valid IPv6 network, such as 2001:db8::/64.")
		return "", Invalid
	}
	return p.String(), Set
}

// DateTime validates an ISO 8601 date-time; a value without an offset is
// in loc.
func DateTime(e *FieldErrors, name string, v Value, loc *time.Location) (time.Time, State) {
	s, st := Text(e, name, v, 0, false)
	if st != Set {
		return time.Time{}, st
	}
	t, ok := ParseDateTime(s, loc, false)
	if !ok {
		e.Add(name, MsgDateTime)
		return time.Time{}, Invalid
	}
	return t, Set
}

var dateTimeLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
}

// ParseDateTime parses an ISO 8601 date-time ("T" or a space between date
// and time, optional seconds, fraction and offset, "Z" for UTC); allowDate
// also accepts a bare date (midnight). Values without an offset are in loc.
func ParseDateTime(s string, loc *time.Location, allowDate bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	for _, layout := range dateTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	if allowDate {
		if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func runeCount(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}

// FormatTime renders a time as Django REST framework does: ISO 8601 in loc,
// microseconds only when not zero, "Z" for UTC.
func FormatTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	layout := "2006-01-02T15:04:05"
	if t.Nanosecond()/1000 != 0 {
		layout += ".000000"
	}
	s := t.Format(layout)
	_, off := t.Zone()
	if off == 0 { // DRF writes a +00:00 offset as Z
		return s + "Z"
	}
	return s + t.Format("-07:00")
}
