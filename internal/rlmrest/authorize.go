package rlmrest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/httpx"
)

// dfKeys maps the keys of django-freeradius-style templates to attributes.
var dfKeys = map[string]string{
	"username": "User-Name", "password": "User-Password",
	"called_station_id": "Called-Station-Id", "calling_station_id": "Calling-Station-Id",
	"nas_ip_address": "NAS-IP-Address", "nas_identifier": "NAS-Identifier", "nas_port": "NAS-Port",
	"nas_port_id": "NAS-Port-Id", "nas_port_type": "NAS-Port-Type", "service_type": "Service-Type",
	"framed_protocol": "Framed-Protocol", "framed_ip_address": "Framed-IP-Address", "realm": "Realm",
	"connect_info": "Connect-Info",
}

// requestAttributes reads a request's attributes from either body style:
// django-freeradius's templates ({"username": "bob", "called_station_id":
// ...}, plus any key spelled like an attribute, "Service-Type") and
// rlm_rest's own encoding ({"User-Name": {"type": "string", "value":
// ["bob"]}}). Values sent as "" are FreeRADIUS's "absent" and dropped.
func requestAttributes(b *httpx.Body) aaa.Attributes {
	attrs := aaa.Attributes{}
	for k, v := range b.Fields {
		name, ok := dfKeys[k]
		if !ok {
			if !looksLikeAttribute(k) {
				continue // an unknown django-freeradius-style key
			}
			name = k
		}
		switch v.Kind {
		case httpx.String:
			attrs.Add(name, v.S)
		case httpx.Other:
			obj, ok := v.Any.(map[string]any)
			if !ok {
				continue
			}
			switch vals := obj["value"].(type) {
			case []any:
				for _, x := range vals {
					if s, ok := scalar(x); ok {
						attrs.Add(name, s)
					}
				}
			default:
				if s, ok := scalar(vals); ok {
					attrs.Add(name, s)
				}
			}
		}
	}
	return attrs
}

func scalar(x any) (string, bool) {
	switch t := x.(type) {
	case string:
		return undoByteEscapes(t), true
	case json.Number:
		return t.String(), true
	case bool:
		return strconv.FormatBool(t), true
	}
	return "", false
}

// undoByteEscapes repairs FreeRADIUS 3.2's JSON encoding of strings, which
// escapes every byte above 0x7f on its own: "ü" (C3 BC) arrives as
// "\u00C3\u00BC", decoded as "Ã¼". When every character is at most U+00FF
// and taking them as bytes gives valid UTF-8, those bytes are what the NAS
// sent; otherwise the string is kept as it is.
func undoByteEscapes(s string) string {
	b := make([]byte, 0, len(s))
	high := false
	for _, r := range s {
		if r > 0xff {
			return s
		}
		high = high || r >= 0x80
		b = append(b, byte(r))
	}
	if !high || !utf8.Valid(b) {
		return s
	}
	return string(b)
}

// looksLikeAttribute: RADIUS attribute names start with a capital letter
// (User-Name, Service-Type, Cisco-AVPair), unlike the template keys.
func looksLikeAttribute(k string) bool {
	if k == "" {
		return false
	}
	return unicode.IsUpper(rune(k[0]))
}

// authorize answers 200 {"control:Auth-Type": "Accept", "reply:...": ...}
// for a good login; a refusal by policy (quota, Simultaneous-Use, ...) is
// {"control:Auth-Type": "Reject", "reply:Reply-Message": ...}, 401 for
// Simultaneous-Use and with AuthorizeReject, else 200 so that a NAS that
// treats a 4xx as bad credentials still shows the message. Any other
// failure is 200 with an empty body ("no opinion": FreeRADIUS rejects unless
// another module accepts) or, with AuthorizeReject, 401 Reject.
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request) {
	b, ok := decode(w, r)
	if !ok {
		return
	}
	attrs := requestAttributes(b)
	req := aaa.AuthorizeRequest{
		Username: attrs.First("User-Name"), Password: attrs.First("User-Password"), Attributes: attrs,
		MaySendCredentials: h.maySendCredentials(r),
	}
	d, err := h.AAA.Authorize(r.Context(), req)
	h.observer().Authorized(d, err)
	if err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	switch {
	case d.Accept:
		writeRaw(w, http.StatusOK, answerBody(acceptControl, d.Reply))
	case len(d.Control) > 0:
		// A known-good password, and no Auth-Type: FreeRADIUS's chap,
		// mschap or eap module decides. Always a 2xx, even in reject mode.
		writeRaw(w, http.StatusOK, answerBody(d.Control, d.Reply))
	case d.Reject:
		status := http.StatusOK
		if h.AuthorizeReject || d.Reason == aaa.ReasonSimultaneousUse {
			status = http.StatusUnauthorized
		}
		writeRaw(w, status, rejectBody(d.Message))
	case h.AuthorizeReject:
		writeRaw(w, http.StatusUnauthorized, rejectBody(""))
	default:
		httpx.Empty(w, http.StatusOK)
	}
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

var acceptControl = []aaa.ReplyItem{{Name: "Auth-Type", Op: ":=", Value: "Accept"}}

// maySendCredentials: a known-good password only goes to FreeRADIUS over a
// connection nobody else can read, loopback or HTTPS, unless the operator
// says otherwise.
func (h *Handler) maySendCredentials(r *http.Request) bool {
	switch h.SendCredentials {
	case "always":
		return true
	case "never":
		return false
	}
	if r.TLS != nil {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// answerBody renders control and reply items in rlm_rest's JSON: one key
// per attribute in first-seen order ("control:..." then "reply:..."), a
// plain string for a single ":=" value, else an object with the operator
// and the value (an array for several values). Expansion is off for values
// with "%", which the database holds as text.
func answerBody(control, reply []aaa.ReplyItem) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	writeItems(&b, "control:", control)
	writeItems(&b, "reply:", reply)
	b.WriteByte('}')
	return b.Bytes()
}

func writeItems(b *bytes.Buffer, list string, items []aaa.ReplyItem) {
	seen := map[string]bool{}
	for i, it := range items {
		key := strings.ToLower(it.Name)
		if seen[key] {
			continue
		}
		seen[key] = true
		var values []string
		op := it.Op
		for _, o := range items[i:] {
			if strings.EqualFold(o.Name, it.Name) {
				values = append(values, o.Value)
			}
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + list)
		b.WriteString(jsonEscape(it.Name))
		b.WriteString(`":`)
		noXlat := false
		for _, v := range values {
			noXlat = noXlat || strings.Contains(v, "%")
		}
		if len(values) == 1 && op == ":=" && !noXlat {
			b.WriteString(quote(values[0]))
			continue
		}
		fmt.Fprintf(b, `{"op":%s,"value":`, quote(op))
		if len(values) == 1 {
			b.WriteString(quote(values[0]))
		} else {
			b.WriteByte('[')
			for j, v := range values {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(quote(v))
			}
			b.WriteByte(']')
		}
		if noXlat {
			b.WriteString(`,"do_xlat":false`)
		}
		b.WriteByte('}')
	}
}

// rejectBody is {"control:Auth-Type": "Reject"} with the Reply-Message, never
// expanded by FreeRADIUS.
func rejectBody(msg string) []byte {
	if msg == "" {
		return []byte(`{"control:Auth-Type":"Reject"}`)
	}
	return []byte(`{"control:Auth-Type":"Reject","reply:Reply-Message":{"value":` + quote(msg) + `,"do_xlat":false}}`)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func jsonEscape(s string) string {
	q := quote(s)
	return q[1 : len(q)-1]
}
