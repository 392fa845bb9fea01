package adminapi_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

const badCredentials = `{"non_field_errors": ["Unable to log in with provided credentials."]}`

func TestLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s)
		e.addUser("root", "root-pw", true, true)
		e.addUser("plain", "plain-pw", false, false)
		inactive := e.addUser("gone", "gone-pw", true, false)
		if err := s.SetActive(t.Context(), inactive.Username, false); err != nil {
			t.Fatal(err)
		}

		r := e.raw("POST", "/api/v1/admin/login/", "application/json", []byte(`{"username": "root", "password": "root-pw"}`), "User-Agent: admin-test/1.0")
		wantStatus(t, r, 200)
		m := r.object(t)
		tok, _ := m["token"].(string)
		if len(tok) != 43 {
			t.Errorf("token %q: want 43 URL-safe characters", tok)
		}
		exp, err := time.Parse(time.RFC3339, fmt.Sprint(m["expires"]))
		if want := e.clock.Now().Add(12 * time.Hour); err != nil || !exp.Equal(want) {
			t.Errorf("expires = %v (%v), want %v", m["expires"], err, want)
		}

		me := e.call("GET", "/api/v1/admin/me/", tok, nil)
		wantStatus(t, me, 200)
		mm := me.object(t)
		tokInfo, _ := mm["token"].(map[string]any)
		if mm["username"] != "root" || mm["is_superuser"] != true || tokInfo["label"] != "admin-test/1.0" || tokInfo["current"] != true {
			t.Errorf("me = %s", me.body)
		}
		if _, ok := mm["password"]; ok {
			t.Errorf("me shows a password: %s", me.body)
		}

		// Only the digest is stored.
		ts, err := s.ListAdminTokens(t.Context(), 0, 0, 10)
		if err != nil || len(ts) != 1 || ts[0].Digest == tok || strings.Contains(ts[0].Digest, tok) {
			t.Errorf("stored tokens = %+v, %v; want one, holding a digest only", ts, err)
		}

		// A form login works too.
		form := url.Values{"username": {"root"}, "password": {"root-pw"}}.Encode()
		wantStatus(t, e.raw("POST", "/api/v1/admin/login", "application/x-www-form-urlencoded", []byte(form)), 200)

		for _, c := range []struct{ name, body string }{
			{"wrong password", `{"username": "root", "password": "nope"}`},
			{"unknown user", `{"username": "nobody", "password": "root-pw"}`},
			{"not staff", `{"username": "plain", "password": "plain-pw"}`},
			{"inactive staff", `{"username": "gone", "password": "gone-pw"}`},
			{"case matters", `{"username": "ROOT", "password": "root-pw"}`},
		} {
			t.Run(c.name, func(t *testing.T) {
				wantJSON(t, e.raw("POST", "/api/v1/admin/login/", "application/json", []byte(c.body)), 400, badCredentials)
			})
		}
		wantJSON(t, e.raw("POST", "/api/v1/admin/login/", "application/json", []byte(`{}`)), 400,
			`{"username": ["This field is required."], "password": ["This field is required."]}`)
		wantJSON(t, e.raw("POST", "/api/v1/admin/login/", "application/json", []byte(`{"username": "root", "password": ""}`)), 400,
			`{"password": ["This field may not be blank."]}`)
		r = e.raw("POST", "/api/v1/admin/login/", "application/json", []byte(`{"username": `))
		wantStatus(t, r, 400)
		if !strings.HasPrefix(fmt.Sprint(r.object(t)["detail"]), "JSON parse error") {
			t.Errorf("bad JSON answer %s", r.body)
		}
		wantJSON(t, e.raw("POST", "/api/v1/admin/login/", "text/plain", []byte("x")), 415,
			`{"detail": "Unsupported media type \"text/plain\" in request."}`)
		wantJSON(t, e.call("GET", "/api/v1/admin/login/", "", nil), 405, `{"detail": "Method \"GET\" not allowed."}`)
	})
}

func TestLoginThrottle(t *testing.T) {
	e := sqliteEnv(t)
	e.addUser("root", "root-pw", true, false)
	fail := func() response {
		return e.call("POST", "/api/v1/admin/login/", "", map[string]string{"username": "root", "password": "wrong"})
	}
	for i := range 5 {
		if r := fail(); r.status != 400 {
			t.Fatalf("failure %d: status %d, want 400 (body %s)", i+1, r.status, r.body)
		}
	}
	// Blocked now, even with the right password.
	r := e.call("POST", "/api/v1/admin/login/", "", map[string]string{"username": "root", "password": "root-pw"})
	wantJSON(t, r, 429, `{"detail": "Too many failed logins. Try again in 1 seconds."}`)
	if ra := r.header.Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After = %q, want 1", ra)
	}
	// Each further failure doubles the wait.
	e.clock.Advance(time.Second)
	wantStatus(t, fail(), 400)
	r = fail()
	wantStatus(t, r, 429)
	if ra := r.header.Get("Retry-After"); ra != "2" {
		t.Errorf("Retry-After after 6 failures = %q, want 2", ra)
	}
	e.clock.Advance(2 * time.Second)
	// A success forgets the username's failures.
	e.login("root", "root-pw")
	for range 5 {
		wantStatus(t, fail(), 400)
	}
	wantStatus(t, fail(), 429)

	// Per client address: 20 failures with different usernames.
	e2 := sqliteEnv(t)
	e2.addUser("root", "root-pw", true, false)
	for i := range 20 {
		r := e2.call("POST", "/api/v1/admin/login/", "", map[string]string{"username": fmt.Sprintf("guess%d", i), "password": "x"})
		wantStatus(t, r, 400)
	}
	r = e2.call("POST", "/api/v1/admin/login/", "", map[string]string{"username": "root", "password": "root-pw"})
	wantStatus(t, r, 429)
	if r.header.Get("Retry-After") == "" {
		t.Error("no Retry-After on a 429")
	}
	e2.clock.Advance(time.Second)
	e2.login("root", "root-pw")
}

func TestAdminTokenChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s)
		e.addUser("root", "root-pw", true, false)
		alice := e.addUser("alice", "alice-pw", false, false)
		tok := e.login("root", "root-pw")

		noCreds := `{"detail": "Authentication credentials were not provided."}`
		invalid := `{"detail": "Invalid token."}`
		r := e.call("GET", "/api/v1/admin/me/", "", nil)
		wantJSON(t, r, 401, noCreds)
		if r.header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		// Authentication comes before the method.
		wantJSON(t, e.call("DELETE", "/api/v1/admin/me/", "", nil), 401, noCreds)
		wantJSON(t, e.call("DELETE", "/api/v1/admin/me/", tok, nil), 405, `{"detail": "Method \"DELETE\" not allowed."}`)
		wantJSON(t, e.call("GET", "/api/v1/admin/me/", "not-a-token", nil), 401, invalid)
		wantJSON(t, e.raw("GET", "/api/v1/admin/me/", "", nil, "Authorization: Token "+tok), 401, noCreds)

		// The FreeRADIUS API token opens nothing here, in any form.
		wantJSON(t, e.call("GET", "/api/v1/admin/me/", apiToken, nil), 401, invalid)
		wantJSON(t, e.raw("GET", "/api/v1/admin/me/?token="+apiToken, "", nil), 401, noCreds)
		// And an admin token opens nothing there.
		body := []byte(`{"username": "alice", "password": "alice-pw"}`)
		wantJSON(t, e.raw("POST", "/api/v1/authorize/", "application/json", body, "Authorization: Bearer "+tok), 403,
			`{"detail": "Token authentication failed"}`)
		wantJSON(t, e.raw("GET", "/api/v1/accounting/?token="+tok, "", nil), 403, `{"detail": "Token authentication failed"}`)
		_ = alice

		// Expired.
		wantStatus(t, e.call("GET", "/api/v1/admin/me/", tok, nil), 200)
		e.clock.Advance(12*time.Hour - time.Second)
		wantStatus(t, e.call("GET", "/api/v1/admin/me/", tok, nil), 200)
		e.clock.Advance(time.Second)
		wantJSON(t, e.call("GET", "/api/v1/admin/me/", tok, nil), 401, `{"detail": "Token has expired."}`)

		// Revoked through the API, and by logout.
		tok2 := e.login("root", "root-pw")
		tok3 := e.login("root", "root-pw")
		id2 := e.call("GET", "/api/v1/admin/me/", tok2, nil).object(t)["token"].(map[string]any)["id"]
		wantStatus(t, e.call("DELETE", fmt.Sprintf("/api/v1/admin/tokens/%v/", id2), tok3, nil), 204)
		wantJSON(t, e.call("GET", "/api/v1/admin/me/", tok2, nil), 401, invalid)
		wantStatus(t, e.call("POST", "/api/v1/admin/logout/", tok3, nil), 204)
		wantJSON(t, e.call("GET", "/api/v1/admin/me/", tok3, nil), 401, invalid)

		// A user deactivated after the login.
		tok4 := e.login("root", "root-pw")
		if err := s.SetActive(t.Context(), "root", false); err != nil {
			t.Fatal(err)
		}
		wantJSON(t, e.call("GET", "/api/v1/admin/me/", tok4, nil), 401, `{"detail": "User inactive or deleted."}`)
		if err := s.SetActive(t.Context(), "root", true); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, e.call("GET", "/api/v1/admin/me/", tok4, nil), 200)
		// A deleted user's tokens go with it.
		if err := s.DeleteUser(t.Context(), "root"); err != nil {
			t.Fatal(err)
		}
		wantJSON(t, e.call("GET", "/api/v1/admin/me/", tok4, nil), 401, invalid)
	})
}

func TestAdminTokenList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s)
		e.addUser("ann", "ann-pw", true, false)
		e.addUser("ben", "ben-pw", true, false)
		e.addUser("sue", "sue-pw", true, true)
		ann1 := e.login("ann", "ann-pw")
		e.clock.Advance(time.Minute)
		ann2 := e.login("ann", "ann-pw")
		ben := e.login("ben", "ben-pw")
		sue := e.login("sue", "sue-pw")
		benID := e.call("GET", "/api/v1/admin/me/", ben, nil).object(t)["token"].(map[string]any)["id"]

		r := e.call("GET", "/api/v1/admin/tokens/", ann1, nil)
		wantStatus(t, r, 200)
		l := r.list(t)
		if len(l) != 2 || l[0]["username"] != "ann" || l[1]["current"] != true || l[0]["current"] != false {
			t.Fatalf("ann's tokens = %s, want two, newest first, the older one current", r.body)
		}
		if r.header.Get("X-Total-Count") != "2" || r.header.Get("Link") != "" {
			t.Errorf("headers %v", r.header)
		}
		// Another staff user's token: invisible.
		wantJSON(t, e.call("GET", fmt.Sprintf("/api/v1/admin/tokens/%v/", benID), ann2, nil), 404, `{"detail": "Admin token not found."}`)
		wantJSON(t, e.call("DELETE", fmt.Sprintf("/api/v1/admin/tokens/%v/", benID), ann2, nil), 404, `{"detail": "Admin token not found."}`)
		wantJSON(t, e.call("DELETE", "/api/v1/admin/tokens/abc/", ann2, nil), 404, `{"detail": "Admin token not found."}`)
		wantStatus(t, e.call("GET", "/api/v1/admin/me/", ben, nil), 200)

		// The superuser sees and revokes everyone's, page by page.
		r = e.call("GET", "/api/v1/admin/tokens/?page_size=2", sue, nil)
		wantStatus(t, r, 200)
		if n := len(r.list(t)); n != 2 || r.header.Get("X-Total-Count") != "4" {
			t.Errorf("first page: %d tokens, total %q", n, r.header.Get("X-Total-Count"))
		}
		base := e.srv.URL + "/api/v1/admin/tokens/"
		if want := `<` + base + `?page=2&page_size=2>; rel="next", <` + base + `?page=2&page_size=2>; rel="last"`; r.header.Get("Link") != want {
			t.Errorf("Link = %q, want %q", r.header.Get("Link"), want)
		}
		r = e.call("GET", "/api/v1/admin/tokens/?page=last&page_size=3", sue, nil)
		if wantStatus(t, r, 200); len(r.list(t)) != 1 {
			t.Errorf("last page = %s", r.body)
		}
		wantJSON(t, e.call("GET", "/api/v1/admin/tokens/?page=9", sue, nil), 404, `{"detail": "Invalid page."}`)
		r = e.call("GET", "/api/v1/admin/tokens/?username=ben", sue, nil)
		if l := r.list(t); len(l) != 1 || l[0]["username"] != "ben" {
			t.Errorf("ben's tokens = %s", r.body)
		}
		if l := e.call("GET", "/api/v1/admin/tokens/?username=nobody", sue, nil).list(t); len(l) != 0 {
			t.Errorf("nobody's tokens = %v", l)
		}
		wantStatus(t, e.call("DELETE", fmt.Sprintf("/api/v1/admin/tokens/%v/", benID), sue, nil), 204)
		wantStatus(t, e.call("GET", "/api/v1/admin/me/", ben, nil), 401)
		wantJSON(t, e.call("DELETE", fmt.Sprintf("/api/v1/admin/tokens/%v/", benID), sue, nil), 404, `{"detail": "Admin token not found."}`)
	})
}
