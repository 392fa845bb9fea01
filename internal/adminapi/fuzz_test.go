package adminapi_test

import (
	"bytes"
	"net/http/httptest"
	"testing"
)

// FuzzAdminInput sends arbitrary bodies and query strings to the admin
// routes that read them: whatever arrives, the answer is never a 5xx (nor
// a panic, which the server would answer 500).
func FuzzAdminInput(f *testing.F) {
	routes := []struct{ method, path string }{
		{"POST", "/api/v1/admin/login/"},
		{"POST", "/api/v1/admin/users/"},
		{"PATCH", "/api/v1/admin/users/fz/"},
		{"POST", "/api/v1/admin/groups/"},
		{"PATCH", "/api/v1/admin/groups/power-users/"},
		{"POST", "/api/v1/admin/radcheck/"},
		{"POST", "/api/v1/admin/radgroupreply/"},
		{"POST", "/api/v1/admin/radusergroup/"},
		{"POST", "/api/v1/admin/nas/"},
		{"POST", "/api/v1/admin/batches/"},
		{"POST", "/api/v1/admin/radius-tokens/"},
		{"GET", "/api/v1/admin/users/"},
		{"GET", "/api/v1/admin/sessions/"},
		{"GET", "/api/v1/admin/postauth/"},
		{"DELETE", "/api/v1/admin/postauth/"},
	}
	seeds := []struct{ ct, query, body string }{
		{"application/json", "", `{"username": "fz", "password": "p", "groups": ["users"], "expires_at": "2026-12-31"}`},
		{"application/json", "", `{"name": "g", "check": [{"attribute": "A", "op": ":=", "value": "1"}], "is_default": "yes"}`},
		{"application/json", "", `{"username": "fz", "attribute": "A", "value": "\u0000", "valid_until": null}`},
		{"application/json", "", `{"name": "10.0.0.1", "secret": "s", "ports": 99999999999999999999}`},
		{"application/json", "", `{"name": "b", "strategy": "prefix", "prefix": "p", "number_of_users": "2"}`},
		{"application/json", "", `{"username": "fz", "groupname": "users", "priority": 1e3}`},
		{"application/json", "", `[{"a": 1}]`},
		{"application/x-www-form-urlencoded", "", "username=fz&groups=users,power-users&is_active=off"},
		{"multipart/form-data; boundary=XX", "", "--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nb2\r\n--XX\r\nContent-Disposition: form-data; name=\"strategy\"\r\n\r\ncsv\r\n--XX\r\nContent-Disposition: form-data; name=\"csvfile\"; filename=\"a.csv\"\r\n\r\na,cleartext$x,c@d.ef,,\n\r\n--XX--\r\n"},
		{"", "page=last&page_size=0&is_open=1&start_time=2026-01-01&older_than_days=5", ""},
		{"", "page=-1&from=2026-13-01&until=x&search=%00&username=%ff", ""},
	}
	for i, s := range seeds {
		f.Add(uint8(i), s.ct, s.query, []byte(s.body))
	}
	e := sqliteEnv(f)
	e.addUser("root", "root-pw", true, true)
	tok := e.login("root", "root-pw")
	h := e.srv.Config.Handler
	f.Fuzz(func(t *testing.T, route uint8, ct, query string, body []byte) {
		rt := routes[int(route)%len(routes)]
		req := httptest.NewRequest(rt.method, rt.path, bytes.NewReader(body))
		req.URL.RawQuery = query
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s?%s (%s) %q: status %d: %s", rt.method, rt.path, query, ct, body, rec.Code, rec.Body)
		}
	})
}
