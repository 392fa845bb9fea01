package aaa

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/goradius/goradius/internal/store"
)

// Attributes are a request's attributes: dictionary name -> values.
type Attributes map[string][]string

// Add appends a value; "" is FreeRADIUS's "attribute absent" and is dropped.
func (a Attributes) Add(name, value string) {
	if value == "" {
		return
	}
	n := canonical(name)
	a[n] = append(a[n], value)
}

// First returns the first value of an attribute, or "".
func (a Attributes) First(name string) string {
	if vs := a[canonical(name)]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// matchChecks is FreeRADIUS's paircompare: every comparison item must hold
// against the request. Assignments (:=, +=) and server items are not
// compared; "=" on a request attribute compares like "==", as FreeRADIUS
// does after warning about it. Of several request values of an attribute,
// one that satisfies the item is enough.
func matchChecks(items []store.Item, req Attributes) bool {
	for _, it := range items {
		op := strings.TrimSpace(it.Op)
		if op == ":=" || op == "+=" || op == "-=" {
			continue
		}
		def := lookupAttr(it.Attribute)
		lower := strings.ToLower(def.Name)
		if serverAttributes[lower] {
			continue
		}
		values := req[def.Name]
		if lower == "user-password" && len(values) == 0 {
			continue // CHAP and EAP requests carry no User-Password
		}
		switch op {
		case "=*":
			if len(values) == 0 {
				return false
			}
			continue
		case "!*":
			if len(values) > 0 {
				return false
			}
			continue
		}
		if len(values) == 0 {
			return false
		}
		matched := false
		for _, v := range values {
			if compareOp(def, op, v, it.Value) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	return true
}

// compareOp applies a comparison operator to a request value and an item
// value (request OP item).
func compareOp(def *attrDef, op, reqValue, itemValue string) bool {
	switch op {
	case "=~", "!~":
		re := cachedRegexp(itemValue)
		if re == nil {
			return false // an invalid expression never matches
		}
		return re.MatchString(reqValue) == (op == "=~")
	}
	c := compareValues(def, reqValue, itemValue)
	switch op {
	case "==", "=":
		return c == 0
	case "!=":
		return c != 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	}
	return false // an unknown operator never matches
}

// compareValues orders two values by the attribute's type: numbers
// numerically (named values of enumerated attributes included), addresses
// as addresses, the rest as bytes.
func compareValues(def *attrDef, a, b string) int {
	switch def.Type {
	case tInteger:
		x, okx := intValue(def, a)
		y, oky := intValue(def, b)
		if okx && oky {
			return cmpInt(x, y)
		}
	case tIPAddr:
		x, errx := netip.ParseAddr(strings.TrimSpace(a))
		y, erry := netip.ParseAddr(strings.TrimSpace(b))
		if errx == nil && erry == nil {
			return x.Unmap().Compare(y.Unmap())
		}
	default:
		if def.Type == tString && lookupKnown(def) {
			break
		}
		// Unknown attributes: numbers when both sides are numbers.
		x, errx := strconv.ParseInt(a, 10, 64)
		y, erry := strconv.ParseInt(b, 10, 64)
		if errx == nil && erry == nil {
			return cmpInt(x, y)
		}
	}
	return strings.Compare(a, b)
}

func lookupKnown(def *attrDef) bool { _, ok := dictionary[strings.ToLower(def.Name)]; return ok }

func intValue(def *attrDef, s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if def.Enum != nil {
		if n, ok := def.Enum[strings.ToLower(s)]; ok {
			return n, true
		}
	}
	return 0, false
}

func cmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

var regexps sync.Map // pattern -> *regexp.Regexp (nil for invalid)

func cachedRegexp(pattern string) *regexp.Regexp {
	if v, ok := regexps.Load(pattern); ok {
		re, _ := v.(*regexp.Regexp)
		return re
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		regexps.Store(pattern, (*regexp.Regexp)(nil))
		return nil
	}
	regexps.Store(pattern, re)
	return re
}

// pair is one attribute value of the control or reply list.
type pair struct {
	Name  string
	Op    string
	Value string
}

// moveItems merges items into a list the way FreeRADIUS's pairmove does:
// ":=" replaces every value of the attribute, "=" adds only when the
// attribute is absent, "+=" appends, "-=" removes that value. Comparison
// operators are not assignments and move nothing.
func moveItems(list []pair, items []store.Item) []pair {
	for _, it := range items {
		name := canonical(it.Attribute)
		op := strings.TrimSpace(it.Op)
		switch op {
		case ":=":
			list = removeAttr(list, name, nil)
			list = append(list, pair{name, op, it.Value})
		case "=":
			if !hasAttr(list, name) {
				list = append(list, pair{name, op, it.Value})
			}
		case "+=":
			list = append(list, pair{name, op, it.Value})
		case "-=":
			v := it.Value
			list = removeAttr(list, name, &v)
		}
	}
	return list
}

func hasAttr(list []pair, name string) bool {
	for _, p := range list {
		if strings.EqualFold(p.Name, name) {
			return true
		}
	}
	return false
}

// removeAttr drops the attribute's values (only the given one when value is
// not nil).
func removeAttr(list []pair, name string, value *string) []pair {
	out := list[:0]
	for _, p := range list {
		if strings.EqualFold(p.Name, name) && (value == nil || p.Value == *value) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// lastValue returns the attribute's last value in the list.
func lastValue(list []pair, name string) (string, bool) {
	for i := len(list) - 1; i >= 0; i-- {
		if strings.EqualFold(list[i].Name, name) {
			return list[i].Value, true
		}
	}
	return "", false
}
