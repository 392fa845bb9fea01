package rlmrest

import (
	"math"
	"net/http"

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
	status, e := parseStatusType(b.Get("status_type"))
	if e != nil {
		httpx.WriteFieldErrors(w, e)
		return
	}
	if status == aaa.StatusAccountingOn || status == aaa.StatusAccountingOff {
		httpx.Empty(w, http.StatusOK)
		return
	}
	req, e := h.parseAccounting(b)
	if e != nil {
		httpx.WriteFieldErrors(w, e)
		return
	}
	req.Status = status
	created, err := h.AAA.Accounting(r.Context(), req)
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
	if !e.Empty() {
		return nil, e
	}
	return req, nil
}
