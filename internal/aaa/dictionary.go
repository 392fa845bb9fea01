package aaa

import "strings"

// valueType is how an attribute's values compare.
type valueType uint8

const (
	tString valueType = iota
	tInteger
	tIPAddr
	tDate
)

// attrDef is what goradius knows of an attribute.
type attrDef struct {
	Name string
	Type valueType
	// Enum maps named integer values to their numbers ("Login-User" -> 1),
	// so "Service-Type == Framed-User" compares as FreeRADIUS does.
	Enum map[string]int64
}

var serviceTypes = map[string]int64{
	"login-user": 1, "framed-user": 2, "callback-login-user": 3, "callback-framed-user": 4,
	"outbound-user": 5, "administrative-user": 6, "nas-prompt-user": 7, "authenticate-only": 8,
	"callback-nas-prompt": 9, "call-check": 10, "callback-administrative": 11, "authorize-only": 17,
}

var nasPortTypes = map[string]int64{
	"async": 0, "sync": 1, "isdn": 2, "isdn-v120": 3, "isdn-v110": 4, "virtual": 5, "piafs": 6,
	"hdlc-clear-channel": 7, "x.25": 8, "x.75": 9, "g.3-fax": 10, "sdsl": 11, "adsl-cap": 12,
	"adsl-dmt": 13, "idsl": 14, "ethernet": 15, "xdsl": 16, "cable": 17, "wireless-other": 18,
	"wireless-802.11": 19, "token-ring": 20, "fddi": 21, "wireless-cdma2000": 22, "wireless-umts": 23,
	"wireless-1x-ev": 24, "iapp": 25, "ftth": 26, "wireless-802.16": 27, "wireless-802.20": 28,
	"wireless-802.22": 29, "ppp": 30,
}

var framedProtocols = map[string]int64{"ppp": 1, "slip": 2, "arap": 3, "gandalf-slml": 4, "xylogics-ipx-slip": 5, "x.75-synchronous": 6, "gprs-pdp-context": 7}

// dictionary holds the request and check attributes policy can use. An
// attribute it does not know compares as text, or as numbers when both
// sides are numbers.
var dictionary = func() map[string]*attrDef {
	defs := []attrDef{
		{Name: "User-Name"}, {Name: "User-Password"}, {Name: "CHAP-Password"},
		{Name: "NAS-IP-Address", Type: tIPAddr}, {Name: "NAS-IPv6-Address", Type: tIPAddr},
		{Name: "NAS-Port", Type: tInteger}, {Name: "NAS-Port-Id"}, {Name: "NAS-Identifier"},
		{Name: "NAS-Port-Type", Type: tInteger, Enum: nasPortTypes},
		{Name: "Service-Type", Type: tInteger, Enum: serviceTypes},
		{Name: "Framed-Protocol", Type: tInteger, Enum: framedProtocols},
		{Name: "Framed-IP-Address", Type: tIPAddr}, {Name: "Framed-IP-Netmask", Type: tIPAddr},
		{Name: "Called-Station-Id"}, {Name: "Calling-Station-Id"}, {Name: "Connect-Info"},
		{Name: "Realm"}, {Name: "Stripped-User-Name"}, {Name: "Huntgroup-Name"},
		{Name: "Client-IP-Address", Type: tIPAddr}, {Name: "Packet-Src-IP-Address", Type: tIPAddr},
		{Name: "Event-Timestamp", Type: tDate}, {Name: "Acct-Session-Id"}, {Name: "Class"},
		{Name: "Session-Timeout", Type: tInteger}, {Name: "Idle-Timeout", Type: tInteger},
		{Name: "Acct-Interim-Interval", Type: tInteger}, {Name: "Reply-Message"}, {Name: "Filter-Id"},
		{Name: "Fall-Through", Type: tInteger, Enum: map[string]int64{"no": 0, "yes": 1}},
		// Server-side check items (the control list).
		{Name: "Auth-Type"}, {Name: "Simultaneous-Use", Type: tInteger}, {Name: "Expiration", Type: tDate},
		{Name: "Max-Daily-Session", Type: tInteger}, {Name: "Max-Weekly-Session", Type: tInteger},
		{Name: "Max-Monthly-Session", Type: tInteger}, {Name: "Max-All-Session", Type: tInteger},
		{Name: "Max-Daily-Session-Traffic", Type: tInteger}, {Name: "Max-Weekly-Session-Traffic", Type: tInteger},
		{Name: "Max-Monthly-Session-Traffic", Type: tInteger}, {Name: "Max-All-Session-Traffic", Type: tInteger},
		{Name: "Cleartext-Password"}, {Name: "NT-Password"}, {Name: "LM-Password"}, {Name: "MD5-Password"},
		{Name: "SMD5-Password"}, {Name: "SHA-Password"}, {Name: "SSHA-Password"}, {Name: "SHA1-Password"},
		{Name: "SSHA1-Password"}, {Name: "SHA2-Password"}, {Name: "SSHA2-224-Password"}, {Name: "SSHA2-256-Password"},
		{Name: "SSHA2-384-Password"}, {Name: "SSHA2-512-Password"}, {Name: "SHA2-224-Password"},
		{Name: "SHA2-256-Password"}, {Name: "SHA2-384-Password"}, {Name: "SHA2-512-Password"},
		{Name: "Crypt-Password"}, {Name: "PBKDF2-Password"}, {Name: "Password-With-Header"},
	}
	m := make(map[string]*attrDef, len(defs))
	for i := range defs {
		m[strings.ToLower(defs[i].Name)] = &defs[i]
	}
	return m
}()

// lookupAttr returns the attribute's definition; unknown names get a
// string definition carrying the name as written.
func lookupAttr(name string) *attrDef {
	if d, ok := dictionary[strings.ToLower(name)]; ok {
		return d
	}
	return &attrDef{Name: name}
}

// canonical returns the dictionary spelling of an attribute name.
func canonical(name string) string { return lookupAttr(name).Name }

// passwordAttributes are the radcheck items that hold a known-good password.
var passwordAttributes = map[string]bool{
	"cleartext-password": true, "nt-password": true, "lm-password": true, "md5-password": true,
	"smd5-password": true, "sha-password": true, "ssha-password": true, "sha1-password": true,
	"ssha1-password": true, "sha2-password": true, "ssha2-224-password": true, "ssha2-256-password": true,
	"ssha2-384-password": true, "ssha2-512-password": true, "sha2-224-password": true, "sha2-256-password": true,
	"sha2-384-password": true, "sha2-512-password": true, "crypt-password": true, "pbkdf2-password": true,
	"password-with-header": true,
}

// serverAttributes are check items FreeRADIUS never compares with the
// request: they configure the server.
var serverAttributes = map[string]bool{
	"auth-type": true, "autz-type": true, "acct-type": true, "session-type": true, "strip-user-name": true,
	"crypt-password": true, "fall-through": true, "simultaneous-use": true, "expiration": true,
	"max-daily-session": true, "max-weekly-session": true, "max-monthly-session": true, "max-all-session": true,
	"max-daily-session-traffic": true, "max-weekly-session-traffic": true, "max-monthly-session-traffic": true,
	"max-all-session-traffic": true,
}
