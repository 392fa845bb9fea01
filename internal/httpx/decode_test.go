package httpx

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkDecodeBody decodes the accounting body rlm_rest sends with the
// README's template.
//
//	go test -run '^$' -bench DecodeBody -benchmem ./internal/httpx/
func BenchmarkDecodeBody(b *testing.B) {
	body := []byte(`{"status_type": "Interim-Update", "session_id": "5a4f0000", "unique_id": "0123456789abcdef0123456789abcdef", ` +
		`"username": "user000123", "realm": "", "nas_ip_address": "10.0.0.1", "nas_port_id": "1", "nas_port_type": "Wireless-802.11", ` +
		`"session_time": "300", "authentication": "RADIUS", "input_octets": "123456", "output_octets": "654321", ` +
		`"called_station_id": "AA-BB-CC-00-00-01:wifi", "calling_station_id": "de:ad:be:ef:01:01", "terminate_cause": "", ` +
		`"service_type": "Framed-User", "framed_protocol": "", "framed_ip_address": "10.8.1.1"}`)
	for b.Loop() {
		r := httptest.NewRequest("POST", "/api/v1/accounting/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		if d, err := DecodeBody(w, r, 1<<16, false); err != nil || len(d.Fields) != 18 {
			b.Fatalf("%v %v", d, err)
		}
	}
}

// TestDecodeBodyLength reads bodies against their Content-Length: exact,
// shorter than declared (a client that hung up: 400), and larger than the
// limit, declared or not (413).
func TestDecodeBodyLength(t *testing.T) {
	body := `{"username": "alice", "password": "pw"}`
	for _, c := range []struct {
		name   string
		length int64
		max    int64
		status int
		want   string // the username decoded, or the start of the error's detail
	}{
		{"exact", int64(len(body)), 1 << 16, 0, "alice"},
		{"unknown length", -1, 1 << 16, 0, "alice"},
		{"shorter than declared", int64(len(body)) + 10, 1 << 16, 400, "Could not read the request body"},
		{"over the limit", int64(len(body)), 10, 413, "Request body too large"},
		{"over the limit, unknown length", -1, 10, 413, "Request body too large"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", bytes.NewReader([]byte(body)))
			r.Header.Set("Content-Type", "application/json")
			r.ContentLength = c.length
			b, derr := DecodeBody(httptest.NewRecorder(), r, c.max, false)
			if c.status != 0 {
				if derr == nil || derr.Status != c.status || !strings.HasPrefix(derr.Detail, c.want) {
					t.Fatalf("error %v, want status %d and %q", derr, c.status, c.want)
				}
				return
			}
			if derr != nil || b.Get("username").S != c.want {
				t.Fatalf("body %+v, error %v", b, derr)
			}
		})
	}
}
