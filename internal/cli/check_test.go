package cli

import (
	"strings"
	"testing"
)

func TestParseItem(t *testing.T) {
	for _, c := range []struct {
		spec, attr, op, value string
		bad                   bool
	}{
		{spec: "Max-Daily-Session:=3600", attr: "Max-Daily-Session", op: ":=", value: "3600"},
		{spec: "Reply-Message = Hello, world", attr: "Reply-Message", op: "=", value: "Hello, world"},
		{spec: "Simultaneous-Use == 1", attr: "Simultaneous-Use", op: "==", value: "1"},
		{spec: "Calling-Station-Id =~ ^aa:", attr: "Calling-Station-Id", op: "=~", value: "^aa:"},
		{spec: "Framed-IP-Address+=10.0.0.1", attr: "Framed-IP-Address", op: "+=", value: "10.0.0.1"},
		{spec: "Session-Timeout 60", attr: "Session-Timeout", value: "60"}, // the table's default operator
		{spec: "Expiration:=", attr: "Expiration", op: ":=", value: ""},
		{spec: "=1", bad: true},
		{spec: "", bad: true},
		{spec: "Session-Timeout", bad: true},
		{spec: "Session-Timeout?1", bad: true},
	} {
		in, err := parseItem(c.spec, true)
		if c.bad {
			if err == nil || !strings.Contains(err.Error(), "not an item") {
				t.Errorf("parseItem(%q) = %+v, %v; want a usage error", c.spec, in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseItem(%q): %v", c.spec, err)
			continue
		}
		op := ""
		if in.Op != nil {
			op = *in.Op
		}
		if *in.Attribute != c.attr || op != c.op || *in.Value != c.value {
			t.Errorf("parseItem(%q) = %q %q %q, want %q %q %q", c.spec, *in.Attribute, op, *in.Value, c.attr, c.op, c.value)
		}
	}
}

func FuzzParseItem(f *testing.F) {
	for _, s := range []string{"Max-Daily-Session:=3600", "A = b", "A b", "=1", "A!*", " A  :=  x "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		in, err := parseItem(spec, true)
		if err != nil {
			return
		}
		if in.Attribute == nil || *in.Attribute == "" || in.Value == nil {
			t.Fatalf("parseItem(%q) accepted %+v", spec, in)
		}
		if !strings.Contains(spec, *in.Attribute) || !strings.HasSuffix(strings.TrimSpace(spec), strings.TrimSpace(*in.Value)) {
			t.Fatalf("parseItem(%q) = %q %q: not parts of the spec", spec, *in.Attribute, *in.Value)
		}
	})
}
