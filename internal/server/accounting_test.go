package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

// freeradiusAcct is the body django-freeradius's documented template makes
// FreeRADIUS send: every value a string, absent attributes "".
func freeradiusAcct(status, uid string, over map[string]string) map[string]string {
	m := map[string]string{
		"status_type": status, "session_id": "35000006", "unique_id": uid, "username": "alice",
		"realm": "", "nas_ip_address": "172.16.64.91", "nas_port_id": "1", "nas_port_type": "Async",
		"session_time": "", "authentication": "RADIUS", "input_octets": "", "output_octets": "",
		"called_station_id": "00-27-22-F3-FA-F1:hostname", "calling_station_id": "5c:7d:c1:72:a7:3b",
		"terminate_cause": "", "service_type": "Login-User", "framed_protocol": "", "framed_ip_address": "",
	}
	for k, v := range over {
		if v == "<absent>" {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

func session(t *testing.T, s store.Store, uid string) store.AcctSession {
	t.Helper()
	rows, err := s.ListAccounting(context.Background(), store.AcctFilter{}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var found []store.AcctSession
	for _, r := range rows {
		if r.UniqueID == uid {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d rows with unique_id %s, want 1", len(found), uid)
	}
	return found[0]
}

func i64(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func str(p *string) string {
	if p == nil {
		return "nil"
	}
	return *p
}

// TestAccountingPost covers contract section 4.
func TestAccountingPost(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		e.addUser("alice", "pw", "power-users", "users")
		start := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		e.clock.Set(start)

		t.Run("status_type", func(t *testing.T) {
			wantJSON(t, e.postJSON("/api/v1/accounting/", freeradiusAcct("", "u0", map[string]string{"status_type": "<absent>"})),
				400, `{"status_type": ["This field is required."]}`)
			wantJSON(t, e.postJSON("/api/v1/accounting/", freeradiusAcct("Alive", "u0", nil)),
				400, `{"status_type": ["\"Alive\" is not a valid choice."]}`)
			for _, st := range []string{"Accounting-On", "Accounting-Off"} {
				wantEmpty(t, e.postJSON("/api/v1/accounting/", freeradiusAcct(st, "", map[string]string{"username": ""})), 200)
			}
			if n, _ := s.CountAccounting(context.Background(), store.AcctFilter{}); n != 0 {
				t.Fatalf("Accounting-On/Off stored %d rows", n)
			}
		})

		t.Run("start, interim, stop", func(t *testing.T) {
			wantEmpty(t, e.postJSON("/api/v1/accounting/", freeradiusAcct("Start", "u1", nil)), 201)
			r := session(t, s, "u1")
			if i64(r.SessionTime) != "0" || i64(r.InputOctets) != "0" || i64(r.OutputOctets) != "0" {
				t.Fatalf(`"" counters of a Start: %s %s %s, want 0`, i64(r.SessionTime), i64(r.InputOctets), i64(r.OutputOctets))
			}
			if r.FramedIPAddress != nil || str(r.TerminateCause) != "" || str(r.Realm) != "" {
				t.Fatalf(`"" IP must be null and "" text kept: %v %q %q`, r.FramedIPAddress, str(r.TerminateCause), str(r.Realm))
			}
			if r.StartTime == nil || !r.StartTime.Equal(start) || r.UpdateTime != nil || r.StopTime != nil {
				t.Fatalf("times of a Start: %v %v %v", r.StartTime, r.UpdateTime, r.StopTime)
			}
			if r.FramedIPv6Address != nil || r.Interval != nil {
				t.Fatalf("absent fields must stay null: %v %v", r.FramedIPv6Address, r.Interval)
			}
			if str(r.Groupname) != "power-users" {
				t.Fatalf("auto group = %s, want power-users (lowest priority)", str(r.Groupname))
			}

			e.clock.Set(start.Add(5 * time.Minute))
			wantEmpty(t, e.postJSON("/api/v1/accounting/", freeradiusAcct("Interim-Update", "u1",
				map[string]string{"session_time": "300", "input_octets": "1000", "output_octets": "2000", "framed_ip_address": "10.8.0.2"})), 200)
			r = session(t, s, "u1")
			if i64(r.SessionTime) != "300" || i64(r.InputOctets) != "1000" || r.UpdateTime == nil ||
				!r.UpdateTime.Equal(start.Add(5*time.Minute)) || str(r.FramedIPAddress) != "10.8.0.2" {
				t.Fatalf("after interim: %+v", r)
			}

			// "" counters on an update keep what is stored.
			e.clock.Set(start.Add(6 * time.Minute))
			wantEmpty(t, e.postJSON("/api/v1/accounting/", freeradiusAcct("Interim-Update", "u1", map[string]string{"framed_ip_address": "10.8.0.2"})), 200)
			r = session(t, s, "u1")
			if i64(r.SessionTime) != "300" || i64(r.InputOctets) != "1000" || i64(r.OutputOctets) != "2000" {
				t.Fatalf(`"" counters reset stored values: %+v`, r)
			}
			// A repeated Start with "" counters is accepted and keeps them too.
			wantEmpty(t, e.postJSON("/api/v1/accounting/", freeradiusAcct("Start", "u1", map[string]string{"framed_ip_address": "10.8.0.2"})), 200)
			if r = session(t, s, "u1"); i64(r.SessionTime) != "300" {
				t.Fatalf("repeated Start reset session_time to %s", i64(r.SessionTime))
			}

			stop := start.Add(10 * time.Minute)
			e.clock.Set(stop)
			wantEmpty(t, e.postJSON("/api/v1/accounting/", freeradiusAcct("Stop", "u1",
				map[string]string{"session_time": "600", "input_octets": "5000", "output_octets": "9000", "terminate_cause": "User-Request",
					"stop_time": "2001-01-01T00:00:00Z"})), 200)
			r = session(t, s, "u1")
			if r.StopTime == nil || !r.StopTime.Equal(stop) || !r.UpdateTime.Equal(stop) || i64(r.SessionTime) != "600" || str(r.TerminateCause) != "User-Request" {
				t.Fatalf("after stop (server clock decides stop_time): %+v", r)
			}
			if n, _ := s.CountAccounting(context.Background(), store.AcctFilter{}); n != 1 {
				t.Fatalf("%d rows, want 1", n)
			}
		})

		t.Run("interim and stop for unknown sessions create them", func(t *testing.T) {
			e.clock.Set(start)
			wantEmpty(t, e.postJSON("/api/v1/accounting/", freeradiusAcct("Interim-Update", "u2", map[string]string{"session_time": "60"})), 201)
			wantEmpty(t, e.postJSON("/api/v1/accounting/", freeradiusAcct("Stop", "u3", nil)), 201)
			r := session(t, s, "u3")
			if r.StopTime == nil || !r.StartTime.Equal(start) || i64(r.SessionTime) != "0" {
				t.Fatalf("stop-created session: %+v", r)
			}
		})

		t.Run("start without counter keys stores 0", func(t *testing.T) {
			body := freeradiusAcct("Start", "u4", map[string]string{"session_time": "<absent>", "input_octets": "<absent>", "output_octets": "<absent>"})
			wantEmpty(t, e.postJSON("/api/v1/accounting/", body), 201)
			if r := session(t, s, "u4"); i64(r.SessionTime) != "0" || i64(r.OutputOctets) != "0" {
				t.Fatalf("%+v", r)
			}
		})

		t.Run("client times, groupname and IPv6 fields are stored", func(t *testing.T) {
			body := freeradiusAcct("Start", "u5", map[string]string{"start_time": "2026-11-20T08:00:00.250000+01:00",
				"groupname": "custom", "interval": "300", "framed_ipv6_address": "2001:db8::5", "framed_ipv6_prefix": "2001:db8:0:5::/64",
				"framed_interface_id": "0000:0000:0000:0005", "delegated_ipv6_prefix": "2001:db8:1:5::/64"})
			wantEmpty(t, e.postJSON("/api/v1/accounting/", body), 201)
			r := session(t, s, "u5")
			want := time.Date(2026, 11, 20, 7, 0, 0, 250000000, time.UTC)
			if !r.StartTime.Equal(want) || str(r.Groupname) != "custom" || i64(r.Interval) != "300" ||
				str(r.FramedIPv6Address) != "2001:db8::5" || str(r.FramedIPv6Prefix) != "2001:db8:0:5::/64" ||
				str(r.DelegatedIPv6Prefix) != "2001:db8:1:5::/64" || str(r.FramedInterfaceID) != "0000:0000:0000:0005" {
				t.Fatalf("%+v (start %v)", r, r.StartTime)
			}
		})

		t.Run("invalid values are all reported", func(t *testing.T) {
			body := freeradiusAcct("Start", "u6", map[string]string{"nas_ip_address": "999.1.1.1", "input_octets": "lots",
				"session_time": "-5", "framed_ip_address": "nope", "nas_port_id": strings.Repeat("9", 16)})
			wantJSON(t, e.postJSON("/api/v1/accounting/", body), 400, `{
				"nas_ip_address": ["Enter a valid IPv4 or IPv6 address."],
				"nas_port_id": ["Ensure this field has no more than 15 characters."],
				"session_time": ["Ensure this value is greater than or equal to 0."],
				"input_octets": ["A valid integer is required."],
				"framed_ip_address": ["Enter a valid IPv4 or IPv6 address."]}`)
			if n, _ := s.CountAccounting(context.Background(), store.AcctFilter{Username: "alice", CalledStationID: "never"}); n != 0 {
				t.Fatal("an invalid request stored a row")
			}
		})

		t.Run("unique_id problems are 400, never a loop or a 500", func(t *testing.T) {
			for _, c := range []struct{ uid, want string }{
				{"<absent>", `{"unique_id": ["This field is required."]}`},
				{"", `{"unique_id": ["This field may not be blank."]}`},
				{strings.Repeat("a", 33), `{"unique_id": ["Ensure this field has no more than 32 characters."]}`},
			} {
				for _, st := range []string{"Start", "Interim-Update", "Stop"} {
					body := freeradiusAcct(st, c.uid, nil)
					if c.uid == "<absent>" {
						delete(body, "unique_id")
					}
					wantJSON(t, e.postJSON("/api/v1/accounting/", body), 400, c.want)
				}
			}
		})

		t.Run("required session_id and nas_ip_address", func(t *testing.T) {
			body := freeradiusAcct("Start", "u7", map[string]string{"session_id": "<absent>", "nas_ip_address": ""})
			wantJSON(t, e.postJSON("/api/v1/accounting/", body), 400,
				`{"session_id": ["This field is required."], "nas_ip_address": ["This field may not be blank."]}`)
		})

		t.Run("form encoded", func(t *testing.T) {
			form := url.Values{}
			for k, v := range freeradiusAcct("Start", "u8", map[string]string{"session_time": "12"}) {
				form.Set(k, v)
			}
			r := e.do("POST", "/api/v1/accounting/", "application/x-www-form-urlencoded", []byte(form.Encode()), "Authorization: Bearer "+testToken)
			wantEmpty(t, r, 201)
			if got := session(t, s, "u8"); i64(got.SessionTime) != "12" {
				t.Fatalf("%+v", got)
			}
		})
	})
}

// TestAccountingList covers contract section 5.
func TestAccountingList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
		for i := 1; i <= 23; i++ {
			e.clock.Set(base.Add(time.Duration(i) * time.Hour))
			user := "alice"
			if i%2 == 0 {
				user = "bob"
			}
			body := freeradiusAcct("Start", fmt.Sprintf("sess%02d", i), map[string]string{"username": user,
				"calling_station_id": fmt.Sprintf("de:ad:be:ef:00:%02x", i)})
			if i == 3 {
				body["start_time"] = "2026-11-01T12:00:00.333101Z"
			}
			wantEmpty(t, e.postJSON("/api/v1/accounting/", body), 201)
			if i%3 == 0 {
				wantEmpty(t, e.postJSON("/api/v1/accounting/", freeradiusAcct("Stop", fmt.Sprintf("sess%02d", i), map[string]string{"username": user})), 200)
			}
		}

		t.Run("item keys and formats", func(t *testing.T) {
			r := e.get("/api/v1/accounting/?username=alice&page_size=100")
			if r.status != 200 || r.header.Get("Content-Type") != "application/json" || r.header.Get("Link") != "" {
				t.Fatalf("%d %v", r.status, r.header)
			}
			var items []map[string]json.RawMessage
			if err := json.Unmarshal(r.body, &items); err != nil {
				t.Fatal(err)
			}
			if len(items) != 12 {
				t.Fatalf("%d alice sessions, want 12", len(items))
			}
			keys := "id session_id unique_id username groupname realm nas_ip_address nas_port_id nas_port_type start_time update_time stop_time interval session_time authentication connection_info_start connection_info_stop input_octets output_octets called_station_id calling_station_id terminate_cause service_type framed_protocol framed_ip_address framed_ipv6_address framed_ipv6_prefix framed_interface_id delegated_ipv6_prefix"
			var order []string
			dec := json.NewDecoder(strings.NewReader(string(r.body)))
			dec.Token()
			dec.Token()
			for dec.More() {
				k, _ := dec.Token()
				order = append(order, k.(string))
				var skip json.RawMessage
				dec.Decode(&skip)
			}
			if strings.Join(order, " ") != keys {
				t.Fatalf("keys:\n%s\nwant\n%s", strings.Join(order, " "), keys)
			}
			first := items[0]
			if string(first["unique_id"]) != `"sess23"` || string(first["start_time"]) != `"2026-11-01T08:00:00Z"` && string(first["start_time"]) != `"2026-11-02T08:00:00Z"` {
				t.Logf("first item %s %s", first["unique_id"], first["start_time"])
			}
			if string(first["session_time"]) != "0" || string(first["stop_time"]) != "null" || string(first["framed_ip_address"]) != "null" {
				t.Fatalf("numbers must be numbers and absent values null: %s %s %s", first["session_time"], first["stop_time"], first["framed_ip_address"])
			}
			var micro bool
			for _, it := range items {
				if string(it["unique_id"]) == `"sess03"` {
					micro = string(it["start_time"]) == `"2026-11-01T12:00:00.333101Z"`
				}
			}
			if !micro {
				t.Fatal("sess03 start_time not rendered with microseconds and Z")
			}
		})

		t.Run("newest first", func(t *testing.T) {
			var items []struct {
				UniqueID string `json:"unique_id"`
			}
			json.Unmarshal(e.get("/api/v1/accounting/?page_size=3").body, &items)
			if len(items) != 3 || items[0].UniqueID != "sess23" || items[1].UniqueID != "sess22" || items[2].UniqueID != "sess21" {
				t.Fatalf("%+v", items)
			}
		})

		count := func(t *testing.T, query string) int {
			t.Helper()
			r := e.get("/api/v1/accounting/?page_size=100&" + query)
			if r.status != 200 {
				t.Fatalf("%s: %d %s", query, r.status, r.body)
			}
			var items []any
			json.Unmarshal(r.body, &items)
			return len(items)
		}
		t.Run("filters", func(t *testing.T) {
			for q, want := range map[string]int{
				"username=bob": 11, "username=nobody": 0, "calling_station_id=de:ad:be:ef:00:05": 1,
				"called_station_id=00-27-22-F3-FA-F1:hostname": 23, "is_open=true": 16, "is_open=TRUE": 16, "is_open=1": 16,
				"is_open=false": 7, "is_open=0": 7, "is_open=maybe": 23, "unknown=1": 23,
				"start_time=2026-11-01T20:00:00": 13, "start_time=2026-11-02": 9, "stop_time=2026-11-01T15:00:00Z": 2,
				"username=alice&is_open=false": 4,
			} {
				if got := count(t, q); got != want {
					t.Errorf("%s: %d rows, want %d", q, got, want)
				}
			}
			wantJSON(t, e.get("/api/v1/accounting/?start_time=yesterday"), 400, `{"start_time": ["Enter a valid date/time."]}`)
			wantJSON(t, e.get("/api/v1/accounting/?stop_time=2026-13-01"), 400, `{"stop_time": ["Enter a valid date/time."]}`)
		})

		t.Run("pagination and Link header", func(t *testing.T) {
			host := strings.TrimPrefix(e.srv.URL, "http://")
			r := e.get("/api/v1/accounting/?token=" + testToken + "&calling_station_id=&page=2&page_size=5")
			want := fmt.Sprintf(`<http://%[1]s/api/v1/accounting/?calling_station_id=&page_size=5&token=%[2]s>; rel="first", `+
				`<http://%[1]s/api/v1/accounting/?calling_station_id=&page_size=5&token=%[2]s>; rel="prev", `+
				`<http://%[1]s/api/v1/accounting/?calling_station_id=&page=3&page_size=5&token=%[2]s>; rel="next", `+
				`<http://%[1]s/api/v1/accounting/?calling_station_id=&page=5&page_size=5&token=%[2]s>; rel="last"`, host, testToken)
			if got := r.header.Get("Link"); got != want {
				t.Fatalf("Link:\n%s\nwant\n%s", got, want)
			}
			r = e.get("/api/v1/accounting/?page=last&page_size=5&start_time=2026-11-01+10:00")
			var items []any
			json.Unmarshal(r.body, &items)
			want = fmt.Sprintf(`<http://%[1]s/api/v1/accounting/?page_size=5&start_time=2026-11-01+10%%3A00>; rel="first", `+
				`<http://%[1]s/api/v1/accounting/?page=4&page_size=5&start_time=2026-11-01+10%%3A00>; rel="prev"`, host)
			if got := r.header.Get("Link"); got != want || len(items) != 3 {
				t.Fatalf("last page: %d items, Link:\n%s\nwant\n%s", len(items), got, want)
			}
			r = e.get("/api/v1/accounting/?page_size=5")
			if got := r.header.Get("Link"); !strings.HasPrefix(got, "<http://"+host+"/api/v1/accounting/?page=2&page_size=5>; rel=\"next\", ") {
				t.Fatalf("first page Link: %s", got)
			}
			if count(t, "page_size=1000") != 23 || len(mustItems(t, e.get("/api/v1/accounting/?page_size=-3"))) != 10 ||
				len(mustItems(t, e.get("/api/v1/accounting/?page_size=abc"))) != 10 {
				t.Fatal("page_size rules")
			}
			for _, p := range []string{"0", "6", "abc", "-1"} {
				wantJSON(t, e.get("/api/v1/accounting/?page_size=5&page="+p), 404, `{"detail": "Invalid page."}`)
			}
			r = e.get("/api/v1/accounting/?username=nobody&page=1")
			if r.status != 200 || string(r.body) != "[]" || r.header.Get("Link") != "" {
				t.Fatalf("empty first page: %d %s %v", r.status, r.body, r.header.Get("Link"))
			}
		})
	})
}

func mustItems(t *testing.T, r response) []any {
	t.Helper()
	var items []any
	if err := json.Unmarshal(r.body, &items); err != nil || r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	return items
}
