package server_test

import (
	"strings"
	"testing"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

// TestTextTheDatabaseCannotStore: NUL bytes and invalid UTF-8 (easy to send
// form-encoded) are refused by PostgreSQL and strict MariaDB. They must
// never become a 500: accounting refuses them with a field error,
// post-auth logs a cleaned value (it must always answer 201), authorize
// treats such a name as unknown.
func TestTextTheDatabaseCannotStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		e.addUser("alice", "alice-pw")
		form := func(path, body string) response {
			return e.do("POST", path, "application/x-www-form-urlencoded", []byte(body), "Authorization: Bearer "+testToken)
		}
		for _, bad := range []string{"a%00b", "a%FFb"} {
			r := form("/api/v1/accounting/", "status_type=Start&session_id="+bad+"&unique_id=u1&nas_ip_address=10.0.0.1")
			if r.status != 400 {
				t.Errorf("accounting with %s: %d %s, want 400", bad, r.status, r.body)
			}
			if r := form("/api/v1/postauth/", "username="+bad+"&password="+bad+"&reply=Access-Reject&calling_station_id="+bad); r.status != 201 {
				t.Errorf("postauth with %s: %d %s, want 201", bad, r.status, r.body)
			}
			if r := form("/api/v1/authorize/", "username="+bad+"&password=x"); r.status != 200 || len(r.body) != 0 {
				t.Errorf("authorize with user %s: %d %s, want 200 empty", bad, r.status, r.body)
			}
			if r := form("/api/v1/authorize/", "username=alice&password="+bad); r.status != 200 || len(r.body) != 0 {
				t.Errorf("authorize with password %s: %d %s, want 200 empty", bad, r.status, r.body)
			}
			if r := form("/api/v1/account/token/", "username="+bad+"&password=x"); r.status != 400 {
				t.Errorf("token login with %s: %d %s, want 400", bad, r.status, r.body)
			}
		}
	})
}

func TestListFiltersTheDatabaseCannotStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		for _, q := range []string{"username=a%00b", "calling_station_id=%FF", "called_station_id=x%00"} {
			if r := e.get("/api/v1/accounting/?" + q); r.status != 400 {
				t.Errorf("GET accounting?%s: %d %s, want 400", q, r.status, r.body)
			}
		}
		if r := e.get("/api/v1/usage/?username=a%00b"); r.status != 404 {
			t.Errorf("usage of an unstorable name: %d %s, want 404", r.status, r.body)
		}
	})
}

func TestUploadedFileNameIsStorable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		name := "users\xff" + strings.Repeat("n", 300) + ".csv" // a NUL is refused by the multipart reader already
		b := decodeBatch(t, e.postCSV2(map[string]string{"name": "odd-name", "strategy": "csv"}, name, "zed,cleartext$pw,zed@example.com,Z,Z\n"))
		if b.CSVFile == nil {
			t.Fatal("no csvfile URL")
		}
	})
}
