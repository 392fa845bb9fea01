package rlmrest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"

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
		return t, true
	case json.Number:
		return t.String(), true
	case bool:
		return strconv.FormatBool(t), true
	}
	return "", false
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
	}
	d, err := h.AAA.Authorize(r.Context(), req)
	if err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	switch {
	case d.Accept:
		writeRaw(w, http.StatusOK, acceptBody(d.Reply))
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

// acceptBody renders the reply in rlm_rest's JSON: one key per attribute
// in first-seen order, a plain string for a single ":=" value, else an
// object with the operator and the value (an array for several values).
// Expansion is off for values with "%", which the database holds as text.
func acceptBody(reply []aaa.ReplyItem) []byte {
	var b bytes.Buffer
	b.WriteString(`{"control:Auth-Type":"Accept"`)
	seen := map[string]bool{}
	for i, it := range reply {
		key := strings.ToLower(it.Name)
		if seen[key] {
			continue
		}
		seen[key] = true
		var values []string
		op := it.Op
		for _, o := range reply[i:] {
			if strings.EqualFold(o.Name, it.Name) {
				values = append(values, o.Value)
			}
		}
		b.WriteString(`,"reply:`)
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
		fmt.Fprintf(&b, `{"op":%s,"value":`, quote(op))
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
	b.WriteByte('}')
	return b.Bytes()
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
