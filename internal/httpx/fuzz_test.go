package httpx

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzDecodeBody feeds arbitrary bodies under each accepted media type: the
// decoder must never panic, and must either decode or answer a 4xx.
func FuzzDecodeBody(f *testing.F) {
	seeds := []struct{ ct, body string }{
		{"application/json", `{"username": "alice", "password": "x\"y"}`},
		{"application/json", `{"session_time": 261, "input_octets": "", "x": null, "y": [1], "z": true}`},
		{"application/json", `[1,2]`},
		{"application/json", `{"a": "b"} trailing`},
		{"application/json", "{\"a\": \"\xff\"}"},
		{"application/x-www-form-urlencoded", "username=alice&password=a%20b&username=bob"},
		{"application/x-www-form-urlencoded", "%zz=1"},
		{"multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nb1\r\n--XX\r\nContent-Disposition: form-data; name=\"csvfile\"; filename=\"u.csv\"\r\n\r\na,b,c@d.ef,,\n\r\n--XX--\r\n"},
		{"multipart/form-data", "--XX\r\n"},
		{"text/plain", "hello"},
		{"", "hello"},
	}
	for _, s := range seeds {
		f.Add(s.ct, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		w := httptest.NewRecorder()
		b, derr := DecodeBody(w, r, 1<<16, true)
		if derr != nil {
			if derr.Status < 400 || derr.Status > 499 || derr.Detail == "" {
				t.Fatalf("decode error %d %q", derr.Status, derr.Detail)
			}
			return
		}
		if b == nil || b.Fields == nil {
			t.Fatal("nil body without an error")
		}
	})
}

// FuzzTokenGuard checks the Authorization header parsing: only 0, 400 and
// 403 are possible answers, and only the real token passes.
func FuzzTokenGuard(f *testing.F) {
	const token = "fuzz-token-0123456789"
	for _, h := range []string{"Bearer " + token, "Token " + token + " x", "Bearer", "a,b", "Bearer x,Bearer " + token, " Bearer " + token, ""} {
		f.Add(h, "token="+token)
		f.Add(h, "")
	}
	g := NewTokenGuard(token)
	f.Fuzz(func(t *testing.T, header, query string) {
		r := &http.Request{Header: http.Header{}, URL: mustURL(query)}
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		status, _ := g.Check(r)
		switch status {
		case 0, http.StatusBadRequest, http.StatusForbidden:
		default:
			t.Fatalf("status %d", status)
		}
		q := r.URL.Query()["token"]
		if status == 0 && !bytes.Contains([]byte(header), []byte(token)) && (len(q) == 0 || q[len(q)-1] != token) {
			t.Fatalf("passed without the token: %q %q", header, query)
		}
	})
}
