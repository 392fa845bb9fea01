package rlmrest

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

// acctItem is one session in the list, keys in django-freeradius's order.
type acctItem struct {
	ID                  int64   `json:"id"`
	SessionID           string  `json:"session_id"`
	UniqueID            string  `json:"unique_id"`
	Username            *string `json:"username"`
	Groupname           *string `json:"groupname"`
	Realm               *string `json:"realm"`
	NASIPAddress        string  `json:"nas_ip_address"`
	NASPortID           *string `json:"nas_port_id"`
	NASPortType         *string `json:"nas_port_type"`
	StartTime           *string `json:"start_time"`
	UpdateTime          *string `json:"update_time"`
	StopTime            *string `json:"stop_time"`
	Interval            *int64  `json:"interval"`
	SessionTime         *int64  `json:"session_time"`
	Authentication      *string `json:"authentication"`
	ConnectionInfoStart *string `json:"connection_info_start"`
	ConnectionInfoStop  *string `json:"connection_info_stop"`
	InputOctets         *int64  `json:"input_octets"`
	OutputOctets        *int64  `json:"output_octets"`
	CalledStationID     *string `json:"called_station_id"`
	CallingStationID    *string `json:"calling_station_id"`
	TerminateCause      *string `json:"terminate_cause"`
	ServiceType         *string `json:"service_type"`
	FramedProtocol      *string `json:"framed_protocol"`
	FramedIPAddress     *string `json:"framed_ip_address"`
	FramedIPv6Address   *string `json:"framed_ipv6_address"`
	FramedIPv6Prefix    *string `json:"framed_ipv6_prefix"`
	FramedInterfaceID   *string `json:"framed_interface_id"`
	DelegatedIPv6Prefix *string `json:"delegated_ipv6_prefix"`
}

func (h *Handler) item(s *store.AcctSession) acctItem {
	t := func(v *time.Time) *string {
		if v == nil {
			return nil
		}
		f := httpx.FormatTime(*v, h.TimeZone)
		return &f
	}
	return acctItem{
		ID: s.ID, SessionID: s.SessionID, UniqueID: s.UniqueID, Username: s.Username,
		Groupname: s.Groupname, Realm: s.Realm, NASIPAddress: s.NASIPAddress,
		NASPortID: s.NASPortID, NASPortType: s.NASPortType,
		StartTime: t(s.StartTime), UpdateTime: t(s.UpdateTime), StopTime: t(s.StopTime),
		Interval: s.Interval, SessionTime: s.SessionTime, Authentication: s.Authentication,
		ConnectionInfoStart: s.ConnectInfoStart, ConnectionInfoStop: s.ConnectInfoStop,
		InputOctets: s.InputOctets, OutputOctets: s.OutputOctets,
		CalledStationID: s.CalledStationID, CallingStationID: s.CallingStationID,
		TerminateCause: s.TerminateCause, ServiceType: s.ServiceType, FramedProtocol: s.FramedProtocol,
		FramedIPAddress: s.FramedIPAddress, FramedIPv6Address: s.FramedIPv6Address,
		FramedIPv6Prefix: s.FramedIPv6Prefix, FramedInterfaceID: s.FramedInterfaceID,
		DelegatedIPv6Prefix: s.DelegatedIPv6Prefix,
	}
}

// listAccounting answers a bare JSON array of sessions, newest first, with
// django-filter's filters and a Link header for pagination.
func (h *Handler) listAccounting(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, e := h.parseFilter(q)
	if e != nil {
		httpx.WriteFieldErrors(w, e)
		return
	}
	req, ok := httpx.ParsePage(q)
	if !ok {
		httpx.Detail(w, http.StatusNotFound, httpx.MsgInvalidPage)
		return
	}
	total, err := h.Store.CountAccounting(r.Context(), f)
	if err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	page, ok := req.Resolve(total)
	if !ok {
		httpx.Detail(w, http.StatusNotFound, httpx.MsgInvalidPage)
		return
	}
	rows, err := h.Store.ListAccounting(r.Context(), f, (page-1)*req.Size, req.Size)
	if err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	body := make([]byte, 0, 1+1100*len(rows))
	body = append(body, '[')
	for i := range rows {
		if i > 0 {
			body = append(body, ',')
		}
		item := h.item(&rows[i])
		body = item.appendJSON(body)
	}
	body = append(body, ']')
	httpx.SetLinkHeader(w, r, page, req.Pages(total))
	httpx.WriteJSON(w, http.StatusOK, body)
}

// appendJSON appends the item as encoding/json writes it (see
// TestAcctItemJSON): encoding a page of ten with reflection was a sixth of
// the server's CPU under the harness's PostgreSQL lists.
func (it *acctItem) appendJSON(b []byte) []byte {
	str := func(key, v string) {
		b = append(b, key...)
		b = httpx.AppendJSONString(b, v)
	}
	optStr := func(key string, v *string) {
		if v == nil {
			b = append(b, key...)
			b = append(b, "null"...)
			return
		}
		str(key, *v)
	}
	optInt := func(key string, v *int64) {
		b = append(b, key...)
		if v == nil {
			b = append(b, "null"...)
			return
		}
		b = strconv.AppendInt(b, *v, 10)
	}
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, it.ID, 10)
	str(`,"session_id":`, it.SessionID)
	str(`,"unique_id":`, it.UniqueID)
	optStr(`,"username":`, it.Username)
	optStr(`,"groupname":`, it.Groupname)
	optStr(`,"realm":`, it.Realm)
	str(`,"nas_ip_address":`, it.NASIPAddress)
	optStr(`,"nas_port_id":`, it.NASPortID)
	optStr(`,"nas_port_type":`, it.NASPortType)
	optStr(`,"start_time":`, it.StartTime)
	optStr(`,"update_time":`, it.UpdateTime)
	optStr(`,"stop_time":`, it.StopTime)
	optInt(`,"interval":`, it.Interval)
	optInt(`,"session_time":`, it.SessionTime)
	optStr(`,"authentication":`, it.Authentication)
	optStr(`,"connection_info_start":`, it.ConnectionInfoStart)
	optStr(`,"connection_info_stop":`, it.ConnectionInfoStop)
	optInt(`,"input_octets":`, it.InputOctets)
	optInt(`,"output_octets":`, it.OutputOctets)
	optStr(`,"called_station_id":`, it.CalledStationID)
	optStr(`,"calling_station_id":`, it.CallingStationID)
	optStr(`,"terminate_cause":`, it.TerminateCause)
	optStr(`,"service_type":`, it.ServiceType)
	optStr(`,"framed_protocol":`, it.FramedProtocol)
	optStr(`,"framed_ip_address":`, it.FramedIPAddress)
	optStr(`,"framed_ipv6_address":`, it.FramedIPv6Address)
	optStr(`,"framed_ipv6_prefix":`, it.FramedIPv6Prefix)
	optStr(`,"framed_interface_id":`, it.FramedInterfaceID)
	optStr(`,"delegated_ipv6_prefix":`, it.DelegatedIPv6Prefix)
	return append(b, '}')
}

func lastValue(q url.Values, key string) string {
	vs := q[key]
	if len(vs) == 0 {
		return ""
	}
	return vs[len(vs)-1]
}

func (h *Handler) parseFilter(q url.Values) (store.AcctFilter, *httpx.FieldErrors) {
	e := &httpx.FieldErrors{}
	text := func(name string) string {
		v := lastValue(q, name)
		if !store.Storable(v) {
			e.Add(name, httpx.MsgNotUTF8+" "+httpx.MsgNullCharacters)
			return ""
		}
		return v
	}
	f := store.AcctFilter{
		Username:         text("username"),
		CalledStationID:  text("called_station_id"),
		CallingStationID: text("calling_station_id"),
	}
	parseTime := func(name string) *time.Time {
		s := strings.TrimSpace(lastValue(q, name))
		if s == "" {
			return nil
		}
		t, ok := httpx.ParseDateTime(s, h.TimeZone, true)
		if !ok {
			e.Add(name, "Enter a valid date/time.")
			return nil
		}
		return &t
	}
	f.StartFrom = parseTime("start_time")
	f.StopUntil = parseTime("stop_time")
	switch strings.ToLower(lastValue(q, "is_open")) {
	case "true", "1":
		t := true
		f.IsOpen = &t
	case "false", "0":
		v := false
		f.IsOpen = &v
	}
	if !e.Empty() {
		return f, e
	}
	return f, nil
}
