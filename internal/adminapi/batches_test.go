package adminapi_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

// upload builds a multipart body with fields and, when name is not "", a
// csvfile.
func upload(t *testing.T, fields map[string]string, name, csv string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if name != "" {
		fw, err := w.CreateFormFile("csvfile", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(csv))
	}
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func TestBatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e, tok := adminEnv(t, s)
		auth := "Authorization: Bearer " + tok

		ct, body := upload(t, map[string]string{"name": "spring", "strategy": "csv", "expiration_date": "2026-06-30"},
			"spring.csv", "kim,cleartext$kim-pw-1,kim@example.com,Kim,Lee\nlou,cleartext$lou-pw-1,lou@example.com,,\n")
		r := e.raw("POST", "/api/v1/admin/batches/", ct, body, auth)
		wantStatus(t, r, 201)
		b := r.object(t)
		if b["strategy"] != "csv" || b["user_count"] != 2.0 || fmt.Sprint(b["users"]) != "[kim lou]" || b["expiration_date"] != "2026-06-30" {
			t.Fatalf("CSV batch = %s", r.body)
		}
		csvID := fmt.Sprint(b["id"])
		if r := e.radius("/api/v1/authorize/", `{"username": "kim", "password": "kim-pw-1"}`); r.status != 200 || len(r.body) == 0 {
			t.Errorf("authorize an imported user: %d %s", r.status, r.body)
		}

		r = e.call("POST", "/api/v1/admin/batches/", tok, `{"name": "guests", "strategy": "prefix", "prefix": "guest", "number_of_users": 3}`)
		wantStatus(t, r, 201)
		b = r.object(t)
		if fmt.Sprint(b["users"]) != "[guest1 guest2 guest3]" || b["pdf"] == "" {
			t.Fatalf("prefix batch = %s", r.body)
		}
		if strings.Contains(string(r.body), "password") {
			t.Errorf("the batch answer shows passwords: %s", r.body)
		}

		// Downloads: by id or name.
		r = e.call("GET", "/api/v1/admin/batches/guests/pdf/", tok, nil)
		if wantStatus(t, r, 200); r.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.body, []byte("%PDF-")) ||
			r.header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;") {
			t.Errorf("PDF download: %v %.20q", r.header, r.body)
		}
		r = e.call("GET", "/api/v1/admin/batches/"+csvID+"/csv/", tok, nil)
		if wantStatus(t, r, 200); !strings.HasPrefix(string(r.body), "kim,") {
			t.Errorf("CSV download: %q", r.body)
		}
		wantStatus(t, e.call("GET", "/api/v1/admin/batches/guests/csv/", tok, nil), 404)
		wantJSON(t, e.call("GET", "/api/v1/admin/batches/nope/pdf/", tok, nil), 404, `{"detail": "Batch not found."}`)
		// The FreeRADIUS API token does not download them here.
		wantStatus(t, e.call("GET", "/api/v1/admin/batches/guests/pdf/", apiToken, nil), 401)

		// Lists.
		r = e.call("GET", "/api/v1/admin/batches/?strategy=prefix", tok, nil)
		if l := r.list(t); len(l) != 1 || l[0]["name"] != "guests" || l[0]["user_count"] != 3.0 {
			t.Errorf("prefix batches = %s", r.body)
		}
		wantFields(t, e.call("GET", "/api/v1/admin/batches/?strategy=ldap", tok, nil), "strategy")
		if l := e.call("GET", "/api/v1/admin/users/?batch="+csvID, tok, nil).list(t); len(l) != 2 {
			t.Errorf("users of the CSV batch = %v", l)
		}

		// Bad input, and nothing half-written.
		for _, c := range []struct {
			name, body, field string
		}{
			{"duplicate name", `{"name": "guests", "strategy": "prefix", "prefix": "g", "number_of_users": 1}`, "name"},
			{"bad strategy", `{"name": "b2", "strategy": "ldap"}`, "strategy"},
			{"csv without a file", `{"name": "b2", "strategy": "csv"}`, "csvfile"},
			{"csv as text", `{"name": "b2", "strategy": "csv", "csvfile": "a,b,c,d,e"}`, "csvfile"},
			{"no number", `{"name": "b2", "strategy": "prefix", "prefix": "g"}`, "number_of_users"},
			{"bad number", `{"name": "b2", "strategy": "prefix", "prefix": "g", "number_of_users": "ten"}`, "number_of_users"},
			{"bad date", `{"name": "b2", "strategy": "prefix", "prefix": "g", "number_of_users": 1, "expiration_date": "2026-13-01"}`, "expiration_date"},
		} {
			t.Run(c.name, func(t *testing.T) {
				wantFields(t, e.call("POST", "/api/v1/admin/batches/", tok, c.body), c.field)
			})
		}
		ct, body = upload(t, map[string]string{"name": "broken", "strategy": "csv"}, "b.csv", "ok1,cleartext$pw,ok1@example.com,,\nbad,row\n")
		r = e.raw("POST", "/api/v1/admin/batches/", ct, body, auth)
		wantStatus(t, r, 400)
		wantStatus(t, e.call("GET", "/api/v1/admin/users/ok1/", tok, nil), 404)
		wantStatus(t, e.call("GET", "/api/v1/admin/batches/broken/", tok, nil), 404)

		// Expire now, then delete with its users.
		r = e.call("POST", "/api/v1/admin/batches/guests/expire/", tok, nil)
		if wantStatus(t, r, 200); r.object(t)["expiration_date"] != e.clock.Now().Format(time.DateOnly) {
			t.Errorf("expired batch = %s", r.body)
		}
		if u := e.call("GET", "/api/v1/admin/users/guest1/", tok, nil).object(t); u["expires_at"] == nil {
			t.Errorf("guest1 after expire = %v", u)
		}
		wantStatus(t, e.call("DELETE", "/api/v1/admin/batches/guests/", tok, nil), 204)
		wantStatus(t, e.call("GET", "/api/v1/admin/users/guest1/", tok, nil), 404)
		wantJSON(t, e.call("DELETE", "/api/v1/admin/batches/guests/", tok, nil), 404, `{"detail": "Batch not found."}`)
		wantJSON(t, e.call("PATCH", "/api/v1/admin/batches/spring/", tok, `{}`), 405, `{"detail": "Method \"PATCH\" not allowed."}`)
	})
}

func TestRadiusTokens(t *testing.T) {
	e, tok := adminEnv(t, dbtestSQLite(t))
	wantStatus(t, e.call("POST", "/api/v1/admin/users/", tok, `{"username": "joe", "password": "joe-pw-1"}`), 201)
	r := e.call("POST", "/api/v1/admin/radius-tokens/", tok, `{"username": "joe"}`)
	wantStatus(t, r, 201)
	key := fmt.Sprint(r.object(t)["key"])
	if len(key) != 40 || r.object(t)["username"] != "joe" {
		t.Fatalf("radius token = %s", r.body)
	}
	if r := e.radius("/api/v1/authorize/", `{"username": "joe", "password": "`+key+`"}`); r.status != 200 || len(r.body) == 0 {
		t.Errorf("authorize with the radius token: %d %s", r.status, r.body)
	}
	r = e.call("POST", "/api/v1/admin/radius-tokens/", tok, `{"username": "joe"}`)
	wantStatus(t, r, 201)
	if l := e.call("GET", "/api/v1/admin/radius-tokens/?username=joe", tok, nil).list(t); len(l) != 1 || l[0]["key"] != r.object(t)["key"] {
		t.Errorf("joe's tokens = %v", l)
	}
	wantStatus(t, e.call("GET", "/api/v1/admin/radius-tokens/joe/", tok, nil), 200)
	wantFields(t, e.call("POST", "/api/v1/admin/radius-tokens/", tok, `{}`), "username")
	wantFields(t, e.call("POST", "/api/v1/admin/radius-tokens/", tok, `{"username": "joe", "key": "mine"}`), "key")
	wantJSON(t, e.call("POST", "/api/v1/admin/radius-tokens/", tok, `{"username": "nobody"}`), 404, `{"detail": "User \"nobody\" not found."}`)
	wantStatus(t, e.call("DELETE", "/api/v1/admin/radius-tokens/joe/", tok, nil), 204)
	wantJSON(t, e.call("GET", "/api/v1/admin/radius-tokens/joe/", tok, nil), 404, `{"detail": "Radius token not found."}`)
}

func TestSessionsAndPostAuth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e, tok := adminEnv(t, s)
		for i, u := range []string{"kai", "kai", "lea"} {
			body := fmt.Sprintf(`{"status_type": "Start", "session_id": "s%d", "unique_id": "u%d", "username": %q, "nas_ip_address": "10.0.0.%d", "calling_station_id": "AA-BB-CC-00-00-0%d"}`, i, i, u, i+1, i)
			wantStatus(t, e.radius("/api/v1/accounting/", body), 201)
		}
		r := e.call("GET", "/api/v1/admin/sessions/?username=kai&is_open=true", tok, nil)
		l := r.list(t)
		if len(l) != 2 || r.header.Get("X-Total-Count") != "2" {
			t.Fatalf("kai's open sessions = %s", r.body)
		}
		id := fmt.Sprint(l[0]["id"])
		r = e.call("GET", "/api/v1/admin/sessions/?page_size=1&page=2", tok, nil)
		if len(r.list(t)) != 1 || !strings.Contains(r.header.Get("Link"), `rel="first"`) || !strings.Contains(r.header.Get("Link"), `rel="next"`) {
			t.Errorf("page 2 of 3: %s, Link %q", r.body, r.header.Get("Link"))
		}
		wantFields(t, e.call("GET", "/api/v1/admin/sessions/?start_time=yesterday", tok, nil), "start_time")
		wantFields(t, e.call("GET", "/api/v1/admin/sessions/?is_open=sometimes", tok, nil), "is_open")

		e.clock.Advance(90 * time.Second)
		r = e.call("POST", "/api/v1/admin/sessions/"+id+"/close/", tok, nil)
		wantStatus(t, r, 200)
		sess := r.object(t)
		if sess["stop_time"] == nil || sess["terminate_cause"] != "Admin-Reset" {
			t.Fatalf("closed session = %s", r.body)
		}
		wantFields(t, e.call("POST", "/api/v1/admin/sessions/"+id+"/close/", tok, nil), "stop_time")
		wantJSON(t, e.call("POST", "/api/v1/admin/sessions/999999/close/", tok, nil), 404, `{"detail": "Session not found."}`)
		wantJSON(t, e.call("GET", "/api/v1/admin/sessions/"+id+"/", tok, nil), 200, string(mustJSON(t, sess)))
		if l := e.call("GET", "/api/v1/admin/sessions/?is_open=false", tok, nil).list(t); len(l) != 1 {
			t.Errorf("closed sessions = %v", l)
		}
		// The list read before the close must not be answered again.
		if l := e.call("GET", "/api/v1/admin/sessions/?username=kai&is_open=true", tok, nil).list(t); len(l) != 1 {
			t.Errorf("kai's open sessions right after closing one: %d, want 1", len(l))
		}
		wantJSON(t, e.call("PUT", "/api/v1/admin/sessions/", tok, nil), 405, `{"detail": "Method \"PUT\" not allowed."}`)

		// Post-auth log: list, filter, delete the old rows.
		for _, p := range []string{
			`{"username": "kai", "password": "typo", "reply": "Access-Reject"}`,
			`{"username": "kai", "password": "right", "reply": "Access-Accept"}`,
		} {
			wantStatus(t, e.radius("/api/v1/postauth/", p), 201)
		}
		r = e.call("GET", "/api/v1/admin/postauth/?reply=Access-Reject", tok, nil)
		if l := r.list(t); len(l) != 1 || l[0]["password"] != "typo" {
			t.Errorf("rejects = %s", r.body)
		}
		wantFields(t, e.call("GET", "/api/v1/admin/postauth/?from=soon", tok, nil), "from")
		wantFields(t, e.call("DELETE", "/api/v1/admin/postauth/", tok, nil), "older_than_days")
		wantFields(t, e.call("DELETE", "/api/v1/admin/postauth/?older_than_days=0", tok, nil), "older_than_days")
		wantJSON(t, e.call("DELETE", "/api/v1/admin/postauth/?older_than_days=1", tok, nil), 200, `{"deleted": 0}`)
		e.clock.Advance(49 * time.Hour)
		tok = e.login("root", "root-pw") // the old token expired
		wantJSON(t, e.call("DELETE", "/api/v1/admin/postauth/?older_than_days=2", tok, nil), 200, `{"deleted": 2}`)
		if l := e.call("GET", "/api/v1/admin/postauth/", tok, nil).list(t); len(l) != 0 {
			t.Errorf("post-auth rows left: %v", l)
		}
		wantJSON(t, e.call("DELETE", "/api/v1/admin/sessions/?older_than_days=1", tok, nil), 200, `{"deleted": 1}`)
	})
}
