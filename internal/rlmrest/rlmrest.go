// Package rlmrest serves the endpoints FreeRADIUS's rest module calls
// (authorize, post-auth, accounting), in django-freeradius's wire format:
// status codes, empty bodies without Content-Type, and DRF-style errors.
package rlmrest

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

// maxBody bounds request bodies; rlm_rest never sends more than 8 KiB.
const maxBody = 1 << 20

// Handler serves the FreeRADIUS endpoints.
type Handler struct {
	AAA   *aaa.Service
	Store store.Store
	// AuthorizeReject answers failed authorizes 401 instead of 200 empty.
	AuthorizeReject bool
	// SendCredentials: "loopback-or-tls" (default), "always" or "never".
	SendCredentials string
	// TimeZone renders and reads times without an offset.
	TimeZone *time.Location
	Log      *slog.Logger
	// Observer, when set, is told every authorize decision and stored
	// accounting packet (the metrics).
	Observer Observer
}

// Observer is told the outcome of authorize and accounting requests.
type Observer interface {
	Authorized(d aaa.Decision, err error)
	Accounted(status aaa.StatusType, created bool, err error)
}

type noObserver struct{}

func (noObserver) Authorized(aaa.Decision, error)        {}
func (noObserver) Accounted(aaa.StatusType, bool, error) {}

func (h *Handler) observer() Observer {
	if h.Observer != nil {
		return h.Observer
	}
	return noObserver{}
}

// Register adds the endpoints to mux behind guard (the API token check),
// each with and without its trailing slash: FreeRADIUS does not follow
// redirects.
func (h *Handler) Register(mux httpx.Router, guard func(http.Handler) http.Handler) {
	Route(mux, "/api/v1/authorize", guard(Methods{http.MethodPost: h.authorize}))
	Route(mux, "/api/v1/postauth", guard(Methods{http.MethodPost: h.postAuth}))
	Route(mux, "/api/v1/accounting", guard(Methods{http.MethodGet: h.listAccounting, http.MethodPost: h.accounting}))
}

// Route registers path exactly, with and without a trailing slash.
func Route(mux httpx.Router, path string, h http.Handler) {
	mux.Handle(path, h)
	mux.Handle(path+"/{$}", h)
}

// Methods dispatches on the request method and answers others 405, after
// the token check as django-freeradius did.
type Methods map[string]http.HandlerFunc

func (m Methods) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h, ok := m[r.Method]; ok {
		h(w, r)
		return
	}
	if r.Method == http.MethodHead {
		if h, ok := m[http.MethodGet]; ok {
			h(w, r)
			return
		}
	}
	allow := ""
	for _, meth := range []string{http.MethodGet, http.MethodPost} {
		if _, ok := m[meth]; ok {
			allow += meth + ", "
		}
	}
	httpx.MethodNotAllowed(w, r, allow+"OPTIONS")
}

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

// decode reads the body or answers the decoding error; ok is false when an
// answer was written.
func decode(w http.ResponseWriter, r *http.Request) (*httpx.Body, bool) {
	b, derr := httpx.DecodeBody(w, r, maxBody, false)
	if derr != nil {
		derr.Write(w)
		return nil, false
	}
	if b.NotObject != "" {
		e := &httpx.FieldErrors{}
		e.Add("non_field_errors", "Invalid data. Expected a dictionary, but got "+b.NotObject+".")
		httpx.WriteFieldErrors(w, e)
		return nil, false
	}
	return b, true
}

// nativeKeys maps the attributes of rlm_rest's own JSON encoding (body =
// 'json' without a data template) to the keys of django-freeradius's
// templates, so both styles reach the same fields.
var nativeKeys = map[string]string{
	"User-Name": "username", "User-Password": "password",
	"Acct-Status-Type": "status_type", "Acct-Session-Id": "session_id", "Acct-Unique-Session-Id": "unique_id",
	"Realm": "realm", "NAS-IP-Address": "nas_ip_address", "NAS-Port": "nas_port_id",
	"NAS-Port-Type": "nas_port_type", "Acct-Session-Time": "session_time", "Acct-Authentic": "authentication",
	"Acct-Input-Octets": "input_octets", "Acct-Output-Octets": "output_octets",
	"Acct-Input-Gigawords": "input_gigawords", "Acct-Output-Gigawords": "output_gigawords",
	"Called-Station-Id": "called_station_id", "Calling-Station-Id": "calling_station_id",
	"Acct-Terminate-Cause": "terminate_cause", "Service-Type": "service_type", "Framed-Protocol": "framed_protocol",
	"Framed-IP-Address": "framed_ip_address", "Framed-IPv6-Address": "framed_ipv6_address",
	"Framed-IPv6-Prefix": "framed_ipv6_prefix", "Framed-Interface-Id": "framed_interface_id",
	"Delegated-IPv6-Prefix": "delegated_ipv6_prefix", "Event-Timestamp": "event_timestamp",
	"Acct-Delay-Time": "delay_time", "Acct-Interim-Interval": "interval", "Packet-Type": "reply",
}

// nativeFields copies the first value of each native attribute to its
// template key, unless the body already has that key; NAS-Port-Id, the
// port's name, wins over NAS-Port.
func nativeFields(b *httpx.Body) {
	for attr, key := range nativeKeys {
		if s, ok := nativeValue(b, attr); ok {
			if _, exists := b.Fields[key]; !exists {
				b.Fields[key] = httpx.Value{Kind: httpx.String, S: s}
			}
		}
	}
	if s, ok := nativeValue(b, "NAS-Port-Id"); ok {
		b.Fields["nas_port_id"] = httpx.Value{Kind: httpx.String, S: s}
	}
}

// nativeValue returns the first value of a native attribute object.
func nativeValue(b *httpx.Body, attr string) (string, bool) {
	v, ok := b.Fields[attr]
	if !ok || v.Kind != httpx.Other {
		return "", false
	}
	obj, ok := v.Any.(map[string]any)
	if !ok {
		return "", false
	}
	return firstScalar(obj["value"])
}

func firstScalar(v any) (string, bool) {
	if arr, ok := v.([]any); ok {
		if len(arr) == 0 {
			return "", false
		}
		v = arr[0]
	}
	return scalar(v)
}
