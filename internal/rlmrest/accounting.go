package rlmrest

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

type acctKind uint8

const (
	kText acctKind = iota
	kInt32
	kInt64
	kIP
	kIPv6
	kIPv6Prefix
	kTime
)

// acctSpec describes one wire field of the accounting API.
type acctSpec struct {
	name     string
	field    store.AcctField
	kind     acctKind
	max      int // characters, for text
	required bool
}

// acctSpecs are the accounting fields in django-freeradius's order, with the
// sizes of its columns.
var acctSpecs = []acctSpec{
	{"session_id", store.AcctSessionID, kText, 64, true},
	{"unique_id", store.AcctUniqueID, kText, 32, true},
	{"username", store.AcctUsername, kText, 64, false},
	{"groupname", store.AcctGroupname, kText, 64, false},
	{"realm", store.AcctRealm, kText, 64, false},
	{"nas_ip_address", store.AcctNASIPAddress, kIP, 0, true},
	{"nas_port_id", store.AcctNASPortID, kText, 15, false},
	{"nas_port_type", store.AcctNASPortType, kText, 32, false},
	{"start_time", store.AcctStartTime, kTime, 0, false},
	{"update_time", store.AcctUpdateTime, kTime, 0, false},
	{"stop_time", store.AcctStopTime, kTime, 0, false},
	{"interval", store.AcctInterval, kInt32, 0, false},
	{"session_time", store.AcctSessionTime, kInt32, 0, false},
	{"authentication", store.AcctAuthentication, kText, 32, false},
	{"connection_info_start", store.AcctConnectInfoStart, kText, 50, false},
	{"connection_info_stop", store.AcctConnectInfoStop, kText, 50, false},
	{"input_octets", store.AcctInputOctets, kInt64, 0, false},
	{"output_octets", store.AcctOutputOctets, kInt64, 0, false},
	{"called_station_id", store.AcctCalledStationID, kText, 50, false},
	{"calling_station_id", store.AcctCallingStationID, kText, 50, false},
	{"terminate_cause", store.AcctTerminateCause, kText, 32, false},
	{"service_type", store.AcctServiceType, kText, 32, false},
	{"framed_protocol", store.AcctFramedProtocol, kText, 32, false},
	{"framed_ip_address", store.AcctFramedIPAddress, kIP, 0, false},
	{"framed_ipv6_address", store.AcctFramedIPv6Address, kIPv6, 0, false},
	{"framed_ipv6_prefix", store.AcctFramedIPv6Prefix, kIPv6Prefix, 44, false},
	{"framed_interface_id", store.AcctFramedInterfaceID, kText, 19, false},
	{"delegated_ipv6_prefix", store.AcctDelegatedIPv6Prefix, kIPv6Prefix, 44, false},
}

// accounting stores Start, Interim-Update and Stop packets: 201 when the
// session is new, 200 when it was updated, both with an empty body.
// Accounting-On/Off answer 200 and store nothing.
func (h *Handler) accounting(w http.ResponseWriter, r *http.Request) {
	b, ok := decode(w, r)
	if !ok {
		return
	}
	nativeFields(b)
	status, e := parseStatusType(b.Get("status_type"))
	if e != nil {
		httpx.WriteFieldErrors(w, e)
		return
	}
	var req *aaa.AcctRequest
	if status == aaa.StatusAccountingOn || status == aaa.StatusAccountingOff {
		// Only the NAS and the time matter; FreeRADIUS sends "" for the rest.
		req = h.parseNASEvent(b)
	} else {
		var e *httpx.FieldErrors
		if req, e = h.parseAccounting(b); e != nil {
			httpx.WriteFieldErrors(w, e)
			return
		}
	}
	req.Status = status
	created, err := h.AAA.Accounting(r.Context(), req)
	h.observer().Accounted(status, created, err)
	if err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	if created {
		httpx.Empty(w, http.StatusCreated)
		return
	}
	httpx.Empty(w, http.StatusOK)
}

func parseStatusType(v httpx.Value) (aaa.StatusType, *httpx.FieldErrors) {
	e := &httpx.FieldErrors{}
	switch v.Kind {
	case httpx.Absent:
		e.Add("status_type", httpx.MsgRequired)
		return "", e
	case httpx.Null:
		e.Add("status_type", httpx.MsgNotNull)
		return "", e
	}
	for _, s := range aaa.StatusTypes {
		if v.S == string(s) && v.Kind == httpx.String {
			return s, nil
		}
	}
	e.Add("status_type", httpx.MsgChoice(v.S))
	return "", e
}

// parseAccounting validates every field and reports all errors together.
func (h *Handler) parseAccounting(b *httpx.Body) (*aaa.AcctRequest, *httpx.FieldErrors) {
	e := &httpx.FieldErrors{}
	req := &aaa.AcctRequest{}
	set := func(f store.AcctField, v any) { req.Values[f], req.Sent[f] = v, true }
	for _, sp := range acctSpecs {
		v := b.Get(sp.name)
		switch sp.kind {
		case kText:
			s, st := httpx.Text(e, sp.name, v, sp.max, false)
			if sp.required {
				if httpx.Require(e, sp.name, st, false) {
					set(sp.field, s)
				}
				continue
			}
			switch st {
			case httpx.Set, httpx.Blank:
				set(sp.field, s)
			case httpx.Nil:
				set(sp.field, nil)
			}
		case kInt32, kInt64:
			max := int64(math.MaxInt32)
			if sp.kind == kInt64 {
				max = math.MaxInt64
			}
			n, st := httpx.Int(e, sp.name, v, 0, max)
			switch {
			case st == httpx.Set:
				set(sp.field, n)
			case st == httpx.Nil && sp.field == store.AcctInterval:
				set(sp.field, nil)
			}
			// Blank and null counters mean "not sent": stored values stay.
		case kIP, kIPv6:
			s, st := httpx.IP(e, sp.name, v, sp.kind == kIPv6)
			if sp.required {
				if httpx.Require(e, sp.name, st, false) {
					set(sp.field, s)
				}
				continue
			}
			switch st {
			case httpx.Set:
				set(sp.field, s)
			case httpx.Blank, httpx.Nil:
				set(sp.field, nil)
			}
		case kIPv6Prefix:
			s, st := httpx.IPv6Prefix(e, sp.name, v, sp.max)
			switch st {
			case httpx.Set:
				set(sp.field, s)
			case httpx.Blank, httpx.Nil:
				set(sp.field, nil)
			}
		case kTime:
			t, st := httpx.DateTime(e, sp.name, v, h.TimeZone)
			if st == httpx.Set {
				set(sp.field, t.UTC())
			}
		}
	}
	h.parseExtras(e, b, req)
	if !e.Empty() {
		return nil, e
	}
	return req, nil
}

// parseExtras reads what django-freeradius's template never sent but a
// template may: the gigawords of the octet counters, Event-Timestamp and
// Acct-Delay-Time.
func (h *Handler) parseExtras(e *httpx.FieldErrors, b *httpx.Body, req *aaa.AcctRequest) {
	if n, st := httpx.Int(e, "input_gigawords", b.Get("input_gigawords"), 0, math.MaxInt32); st == httpx.Set {
		req.InputGigawords = n
	}
	if n, st := httpx.Int(e, "output_gigawords", b.Get("output_gigawords"), 0, math.MaxInt32); st == httpx.Set {
		req.OutputGigawords = n
	}
	if n, st := httpx.Int(e, "delay_time", b.Get("delay_time"), 0, 86400*7); st == httpx.Set {
		req.Delay = time.Duration(n) * time.Second
	}
	if v := b.Get("event_timestamp"); v.Kind == httpx.String && strings.TrimSpace(v.S) != "" {
		t, ok := parseEventTimestamp(v.S, h.TimeZone)
		if !ok {
			e.Add("event_timestamp", "Enter a Unix time or a date-time such as \"Nov 24 2026 18:20:16 UTC\" or 2026-11-24T18:20:16Z.")
		} else {
			req.EventTime = t
		}
	}
}

// parseNASEvent reads an Accounting-On/Off leniently: a NAS restarting must
// always get its Accounting-Response, so what cannot be read is ignored.
func (h *Handler) parseNASEvent(b *httpx.Body) *aaa.AcctRequest {
	req := &aaa.AcctRequest{}
	e := &httpx.FieldErrors{}
	if ip, st := httpx.IP(e, "nas_ip_address", b.Get("nas_ip_address"), false); st == httpx.Set {
		req.Values[store.AcctNASIPAddress] = ip
	}
	h.parseExtras(e, b, req)
	return req
}

// eventLayouts are the forms FreeRADIUS prints Event-Timestamp in
// ("%{Event-Timestamp}"), and ISO 8601.
var eventLayouts = []string{"Jan _2 2006 15:04:05 MST", "Jan _2 2006 15:04:05", time.RFC3339Nano, "2006-01-02 15:04:05"}

func parseEventTimestamp(s string, loc *time.Location) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0).UTC(), true
	}
	for _, l := range eventLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
