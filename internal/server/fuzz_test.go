package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goradius/goradius/internal/server"
	"github.com/goradius/goradius/internal/store/sqlstore"
	"github.com/goradius/goradius/internal/users"
)

// FuzzServer sends arbitrary requests to every endpoint of the real handler
// on SQLite: no input may produce a 5xx or a panic.
func FuzzServer(f *testing.F) {
	paths := []string{"/api/v1/authorize/", "/api/v1/postauth/", "/api/v1/accounting/", "/api/v1/batch/",
		"/api/v1/account/token/", "/api/v1/account/token/validate/", "/healthz"}
	seeds := []struct{ method, ct, body string }{
		{"POST", "application/json", `{"username": "alice", "password": "alice-pw"}`},
		{"POST", "application/json", `{"username": "alice", "reply": "Access-Accept", "password": "x", "called_station_id": "` + strings.Repeat("x", 80) + `"}`},
		{"POST", "application/json", `{"status_type": "Start", "session_id": "1", "unique_id": "u1", "nas_ip_address": "10.0.0.1", "session_time": "", "input_octets": "99999999999999999999"}`},
		{"POST", "application/json", `{"status_type": "Interim-Update", "session_id": "1", "unique_id": "u1", "nas_ip_address": "::1", "framed_ipv6_prefix": "2001:db8::/64", "start_time": "2026-01-01 00:00"}`},
		{"POST", "application/json", `{"status_type": "Stop", "session_id": "1", "unique_id": "", "nas_ip_address": "10.0.0.1"}`},
		{"POST", "application/json", `{"name": "b", "strategy": "prefix", "prefix": "g", "number_of_users": 2, "expiration_date": "2030-01-01"}`},
		{"POST", "application/json", `{"name": "c", "strategy": "csv", "csvfile": "x"}`},
		{"POST", "application/x-www-form-urlencoded", "username=alice&password=alice-pw"},
		{"POST", "application/json", `{"token": "` + strings.Repeat("a", 40) + `"}`},
		{"GET", "", ""},
		{"POST", "text/plain", "x"},
	}
	queries := []string{"", "page=2&page_size=1", "is_open=true&start_time=2026-01-01", "page=last", "start_time=x"}
	for i, s := range seeds {
		for j, p := range paths {
			if (i+j)%3 == 0 {
				f.Add(s.method, p, queries[(i+j)%len(queries)], s.ct, []byte(s.body))
			}
		}
	}
	dir := f.TempDir()
	s, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(dir, "fuzz.db"), sqlstore.Options{})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := s.Migrate(context.Background()); err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	c := testConfig(f)
	c.APIToken = testToken
	d := server.Deps{Config: c, Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := server.NewUsers(d).Add(context.Background(), users.NewUser{Username: "alice", Password: "alice-pw"}); err != nil {
		f.Fatal(err)
	}
	h := server.New(d, testToken)
	f.Fuzz(func(t *testing.T, method, path, query, ct string, body []byte) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path+query, " \r\n#") || strings.ContainsAny(method, " \r\n") || method == "" {
			t.Skip()
		}
		r := httptest.NewRequest("GET", "/", bytes.NewReader(body))
		r.Method = method
		r.URL.Path = path
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", ct)
		r.Header.Set("Authorization", "Bearer "+testToken)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %s?%s (%s) %q: %d %s", method, path, query, ct, body, w.Code, w.Body.String())
		}
	})
}
