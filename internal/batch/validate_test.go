package batch

import (
	"strings"
	"testing"
)

func TestValidEmail(t *testing.T) {
	a63, b64 := strings.Repeat("a", 63), strings.Repeat("b", 64)
	valid := []string{
		"email@here.com",
		"weirder-email@here.and.there.com",
		"Kim.Lee+tag@Example.COM",
		"!#$%&'*+/=?^_`{|}~-@example.com",
		"email@localhost",
		"email@[127.0.0.1]",
		"email@[2001:dead:beef::1]",
		"email@[::ffff:127.0.0.1]",
		"example@valid-----hyphens.com",
		"example@valid-with-hyphens.com",
		"example@atm." + a63,
		"example@" + a63 + ".atm",
		"a@b.c1",
		"a@1.com",
		`"test@test"@example.com`,
		`"john\ doe"@example.com`,
		"\"\\\011\"@here.com",
		"test@domain.with.idn.tld.उदाहरण.परीक्षा",
		"juergen@bücher.de",
		"kim@☃.net",
		"kim@" + strings.Repeat("ü", 57) + ".de", // xn-- and 59 characters: just fits
	}
	invalid := []string{
		"",
		"abc",
		"abc@",
		"@example.com",
		"abc@bar",
		"a @x.cz",
		"abc@.com",
		"something@@somewhere.com",
		"email@127.0.0.1",
		"email@[127.0.0.256]",
		"email@[2001:db8::12345]",
		"email@[2001:db8:0:0:0:0:1]",
		"email@[fe80::1%eth0]",
		"example@invalid-.com",
		"example@-invalid.com",
		"example@invalid.com-",
		"example@inv-.alid-.com",
		"example@inv-.-alid.com",
		"test@example.com\n\n<script src=\"x.js\">",
		"test@example.com\n",
		"\"\\\012\"@here.com",
		`"john doe"@example.com`,
		`"unterminated@example.com`,
		"trailingdot@shouldfail.com.",
		"example@atm." + strings.Repeat("a", 64),
		"example@" + b64 + ".atm." + a63,
		"a@b.c",
		"a..b@example.com",
		".a@example.com",
		"a.@example.com",
		"jürgen@example.com", // Django's local part is ASCII only
		"kim@exa mple.com",
		"kim@xn--bcher-kva.xn--",
		"kim@bü cher.de",
		"kim@\u0007.de",
		"kim@" + strings.Repeat("ü", 60) + ".de", // its xn-- form is longer than 63
		"kim@" + strings.Repeat("ü", 58) + ".de", // xn-- and 60 characters
		"a@" + strings.Repeat("b.", 160) + "cd",  // over 320 bytes
	}
	for _, s := range valid {
		if !ValidEmail(s) {
			t.Errorf("ValidEmail(%q) = false, want true", s)
		}
	}
	for _, s := range invalid {
		if ValidEmail(s) {
			t.Errorf("ValidEmail(%q) = true, want false", s)
		}
	}
}

func TestPunycode(t *testing.T) {
	for in, want := range map[string]string{
		"bücher":            "bcher-kva",
		"münchen":           "mnchen-3ya",
		"उदाहरण":            "p1b6ci4b4b3a",
		"परीक्षा":           "11b5bs3a9aj6g",
		"☃":                 "n3h",
		"ليهمابتكلموشعربي؟": "egbpdaj6bu4bxfgehfvwxn",
		"他们为什么不说中文":         "ihqwcrb4cv8a8dqg056pqjye",
		"3年B組金八先生":          "3B-ww4c5e180e575a65lsy2b",
		"почемужеонинеговорятпорусски": "b1abfaaepdrnnbgefbadotcwatmq2g4l",
	} {
		if got, ok := punycode(in); !ok || got != want {
			t.Errorf("punycode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestCleanUsername(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"joe", "joe"},
		{"René", "René"},
		{"Rene\u0301", "René"}, // composed by NFKC
		{"ᴮᴵᴳᴮᴵᴿᴰ", "BIGBIRD"},
		{"أحمد", "أحمد"},
		{"a.b@c+d-e_f", "a.b@c+d-e_f"},
		{"user٣", "user٣"},
		{strings.Repeat("x", 150), strings.Repeat("x", 150)},
	} {
		got, err := CleanUsername(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("CleanUsername(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{
		"", "o'connell", "عبد ال", "zerowidth\u200Bspace", "nonbreaking\u00A0space",
		"en\u2013dash", "trailingnewline\n", "semi;colon", "ex!", strings.Repeat("x", 151),
	} {
		if got, err := CleanUsername(in); err == nil {
			t.Errorf("CleanUsername(%q) = %q, nil; want an error", in, got)
		}
	}
}

func TestCleanPrefix(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"guest", "guest", true},
		{"wifi-2024_", "wifi-2024_", true},
		{"ｇｕｅｓｔ", "guest", true},
		{strings.Repeat("p", 20), strings.Repeat("p", 20), true},
		{strings.Repeat("p", 21), "", false},
		{"", "", false},
		{"a b", "", false},
		{"x/y", "", false},
	} {
		got, err := CleanPrefix(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("CleanPrefix(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
