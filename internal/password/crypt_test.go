package password

import (
	"strings"
	"testing"
)

// crypt(3) vectors. Sources: "openssl" is OpenSSL 3's `openssl passwd
// -1/-5/-6 -salt ...`; "python" is Python 3.11's crypt.crypt (libxcrypt);
// "drepper" is the SHA-crypt specification (akkadia.org/drepper/SHA-crypt.txt,
// also quoted in public test suites); "fixture" is radcheck row 8 of
// shared/fixtures/README.md.
var cryptVectors = []struct{ password, hash, source string }{
	{"Crypt-Test-1", "$1$saltsalt$vN9q/1svKntLuO5dr9FCh/", "openssl"},
	{"Crypt-Test-1", "$5$saltsalt$DpA6.dTw3izot9dJIAlBr2HEPk.npxeSPs68qp9nbX2", "openssl"},
	{"Crypt-Test-1", "$6$saltsalt$SBtpj5dYtWTtDKcSzWEW5vU4fKRU2oAUhWc.72lbvTRCKScN5ATAFwyptcNZeS0FG2P6AwvvGBj0x.CLjMVfv0", "openssl"},
	{"a much longer password that goes on past sixty four bytes, yes indeed it does", "$1$x$lAIMMRdnibWpvqEmSt7DZ0", "openssl"},
	{"lètmein", "$5$abcdefghijklmnop$MCCaxCzhB/0jDjwDFv3rO8L29b8mBmnSWCWadWruJg3", "openssl (salt cut to 16)"},
	{"Crypt-Heidi-8", "$6$rounds=656000$tRn2n7lzRbRLsYA.$BuP9Y7b7Sj0n5Kn1mJtvNCAKMHHhHSxXHuvRKYfX3/ouRmI6cWUrsHRkt1.l06c.Zj5xWyZggDKq4eNoYr./2.", "fixture"},
	{"hello", "$5$rounds=1000$abc$cgI5s7fZSIaoutobncDPATR4H0bgXl2peqJBPNJsvD.", "python"},
	{"pw", "$6$rounds=10000$0123456789abcdef$OMYdyq4KFmF.84kYNyuKZMIv5BLuwfflNDgAolPL2J61jjM7X3QbvoV9FoucovdTUt2MjFXVhcNko5I1K7IT..", "python"},
	{strings.Repeat("x", 100), "$5$s$wvIAFYrCEWcMJ3TKRrpRr8LQbDaUe2PUJirkwbdF3kC", "python"},
	{"", "$1$$qRPK7m23GJusamGpoGLby/", "python"},
	{"tést", "ZZcL5OOg2SH1o", "python"},
	{"12345678", "./qw5JW./79Vg", "python"},
	{"", "zz6dpSdr.LHZw", "python"},
	{"Hello world!", "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5", "drepper"},
	{"Hello world!", "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA", "drepper"},
	{"Hello world!", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1", "drepper"},
	{"Hello world!", "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.", "drepper"},
	{"abcdefghijklmnopqrstuvwxyz", "$2a$10$fVH8e28OQRj9tqiDXs1e1uxpsjN0c7II7YPKXua2NAKYvM6iQk7dq", "passlib django_bcrypt"},
}

func TestCryptVectors(t *testing.T) {
	for _, v := range cryptVectors {
		if !cryptCheck(v.password, v.hash, &defaultLimits) {
			got, _ := cryptHash(v.password, v.hash, &defaultLimits)
			t.Errorf("%s: crypt(%q, %q) = %q", v.source, v.password, v.hash, got)
		}
		if cryptCheck("!"+v.password, v.hash, &defaultLimits) {
			t.Errorf("%s: crypt accepted a wrong password for %q", v.source, v.hash)
		}
		// Django's crypt hasher takes any crypt(3) string too.
		if !Check(v.password, "crypt$$"+v.hash) {
			t.Errorf("Check(%q, crypt$$%s) = false", v.password, v.hash)
		}
	}
}

func TestCryptMalformed(t *testing.T) {
	for _, h := range []string{
		"", "$", "$1$", "$5$", "$6$", "$7$abc$def", "$y$j9T$salt$hash",
		"$5$rounds=999$abc$cgI5s7fZSIaoutobncDPATR4H0bgXl2peqJBPNJsvD.", // libxcrypt says *0
		"$6$rounds=1000001$salt$x",                                      // over the limit
		"$6$rounds=4294967296$salt$x",
		"$1$saltsalt$vN9q/1svKntLuO5dr9FCh",   // truncated
		"$1$saltsalt$vN9q/1svKntLuO5dr9FCh/x", // extended
		"$2b$31$" + strings.Repeat("a", 53),
		"*0", "*1", "!", "ab", "a", "ab1Hv2Lg7ltQ", "ab1Hv2Lg7ltQoX",
	} {
		if cryptCheck("Crypt-Test-1", h, &defaultLimits) || cryptCheck("", h, &defaultLimits) || cryptCheck("hello", h, &defaultLimits) {
			t.Errorf("cryptCheck accepted %q", h)
		}
	}
}
