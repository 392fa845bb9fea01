package adminapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

// admin returns an env with a logged-in superuser "root" and its token.
func adminEnv(t *testing.T, s store.Store) (*env, string) {
	e := newEnv(t, s)
	e.addUser("root", "root-pw", true, true)
	return e, e.login("root", "root-pw")
}

// radius posts to a FreeRADIUS endpoint with the API token.
func (e *env) radius(path, body string) response {
	e.t.Helper()
	return e.raw("POST", path, "application/json", []byte(body), "Authorization: Bearer "+apiToken)
}

func TestUsers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e, tok := adminEnv(t, s)

		r := e.call("POST", "/api/v1/admin/users/", tok, map[string]any{
			"username": "carol", "password": "carol-pw-1", "email": "carol@example.com", "first_name": "Carol",
			"groups": []string{"power-users"}, "expires_at": "2026-12-31",
		})
		wantStatus(t, r, 201)
		u := r.object(t)
		if u["username"] != "carol" || u["expires_at"] != "2027-01-01T00:00:00Z" || u["has_usable_password"] != true ||
			fmt.Sprint(u["groups"]) != "[power-users]" || u["is_active"] != true || u["is_staff"] != false {
			t.Fatalf("created user = %s", r.body)
		}
		for _, secret := range []string{`"password"`, "pbkdf2", `"nt_hash"`} {
			if strings.Contains(string(r.body), secret) {
				t.Errorf("user answer shows %q: %s", secret, r.body)
			}
		}
		wantStatus(t, e.call("GET", "/api/v1/admin/users/carol/", tok, nil), 200)
		wantJSON(t, e.call("GET", "/api/v1/admin/users/nobody/", tok, nil), 404, `{"detail": "User not found."}`)

		// The password works against FreeRADIUS's endpoint.
		if r := e.radius("/api/v1/authorize/", `{"username": "carol", "password": "carol-pw-1"}`); r.status != 200 || len(r.body) == 0 {
			t.Fatalf("authorize with the new password: %d %s", r.status, r.body)
		}

		// Lists and filters.
		r = e.call("GET", "/api/v1/admin/users/?search=CAR", tok, nil)
		if l := r.list(t); len(l) != 1 || l[0]["username"] != "carol" || r.header.Get("X-Total-Count") != "1" {
			t.Errorf("search = %s", r.body)
		}
		r = e.call("GET", "/api/v1/admin/users/?is_staff=true", tok, nil)
		if l := r.list(t); len(l) != 1 || l[0]["username"] != "root" {
			t.Errorf("is_staff=true = %s", r.body)
		}
		if l := e.call("GET", "/api/v1/admin/users/?group=power-users", tok, nil).list(t); len(l) != 1 {
			t.Errorf("group filter = %v", l)
		}
		wantFields(t, e.call("GET", "/api/v1/admin/users/?is_active=maybe", tok, nil), "is_active")

		// Bad input: each a 400 naming the field, nothing written.
		for _, c := range []struct {
			name  string
			body  string
			field string
		}{
			{"duplicate", `{"username": "carol"}`, "username"},
			{"missing username", `{"email": "x@example.com"}`, "username"},
			{"unknown field", `{"username": "dave", "is_activ": true}`, "is_activ"},
			{"read-only field", `{"username": "dave", "id": 5}`, "id"},
			{"bad date", `{"username": "dave", "expires_at": "31/12/2026"}`, "expires_at"},
			{"bad boolean", `{"username": "dave", "is_active": "maybe"}`, "is_active"},
			{"number as name", `{"username": ["dave"]}`, "username"},
			{"unknown group", `{"username": "dave", "groups": ["no-such-group"]}`, "groups"},
			{"groups not a list", `{"username": "dave", "groups": {"a": 1}}`, "groups"},
			{"bad e-mail", `{"username": "dave", "email": "not-an-address"}`, "email"},
			{"empty password", `{"username": "dave", "password": ""}`, "password"},
		} {
			t.Run(c.name, func(t *testing.T) {
				wantFields(t, e.call("POST", "/api/v1/admin/users/", tok, c.body), c.field)
			})
		}
		// Every mistake of a request is reported at once.
		m := wantFields(t, e.call("POST", "/api/v1/admin/users/", tok, `{"username": "dave", "expires_at": "soon", "colour": "red", "date_joined": "2026-01-01"}`),
			"expires_at", "colour", "date_joined")
		if fmt.Sprint(m["date_joined"]) != "[This field is read-only.]" || !strings.Contains(fmt.Sprint(m["colour"]), "the fields are: username, password,") {
			t.Errorf("errors = %v", m)
		}
		wantJSON(t, e.call("GET", "/api/v1/admin/users/dave/", tok, nil), 404, `{"detail": "User not found."}`)
		wantJSON(t, e.call("POST", "/api/v1/admin/users/", tok, `[1]`), 400,
			`{"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}`)

		// Update: PATCH and PUT change the fields sent.
		r = e.call("PATCH", "/api/v1/admin/users/carol/", tok, `{"is_active": false, "expires_at": null}`)
		if wantStatus(t, r, 200); r.object(t)["is_active"] != false || r.object(t)["expires_at"] != nil || r.object(t)["first_name"] != "Carol" {
			t.Errorf("after PATCH: %s", r.body)
		}
		r = e.call("PUT", "/api/v1/admin/users/carol/", tok, `{"is_active": true, "groups": ["users", "power-users"]}`)
		if wantStatus(t, r, 200); fmt.Sprint(r.object(t)["groups"]) != "[users power-users]" {
			t.Errorf("after PUT: %s", r.body)
		}
		wantFields(t, e.call("PATCH", "/api/v1/admin/users/carol/", tok, `{"has_nt_hash": true}`), "has_nt_hash")
		wantStatus(t, e.call("PATCH", "/api/v1/admin/users/carol/", tok, `{"has_nt_hash": false}`), 200)
		wantJSON(t, e.call("PATCH", "/api/v1/admin/users/nobody/", tok, `{"is_active": true}`), 404, `{"detail": "User not found."}`)
		wantJSON(t, e.call("POST", "/api/v1/admin/users/carol/", tok, `{}`), 405, `{"detail": "Method \"POST\" not allowed."}`)

		// Delete.
		wantStatus(t, e.call("DELETE", "/api/v1/admin/users/carol/", tok, nil), 204)
		wantJSON(t, e.call("DELETE", "/api/v1/admin/users/carol/", tok, nil), 404, `{"detail": "User not found."}`)
	})
}

// A rename moves every FreeRADIUS row of the user in one go.
func TestUserRenameKeepsRowsConsistent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e, tok := adminEnv(t, s)
		wantStatus(t, e.call("POST", "/api/v1/admin/users/", tok, `{"username": "erin", "password": "erin-pw-1"}`), 201)
		wantStatus(t, e.call("POST", "/api/v1/admin/radreply/", tok, `{"username": "erin", "attribute": "Session-Timeout", "value": "600"}`), 201)
		wantStatus(t, e.call("POST", "/api/v1/admin/radcheck/", tok, `{"username": "erin", "attribute": "Simultaneous-Use", "value": "1"}`), 201)
		if r := e.radius("/api/v1/accounting/", `{"status_type": "Start", "session_id": "s1", "unique_id": "u1", "username": "erin", "nas_ip_address": "10.0.0.1"}`); r.status != 201 {
			t.Fatalf("accounting start: %d %s", r.status, r.body)
		}
		// A taken new name changes nothing.
		e.addUser("frank", "frank-pw", false, false)
		wantFields(t, e.call("PATCH", "/api/v1/admin/users/erin/", tok, `{"username": "frank"}`), "username")

		// Lists read before the rename must not be answered again after it.
		if l := e.call("GET", "/api/v1/admin/sessions/?username=erin2", tok, nil).list(t); len(l) != 0 {
			t.Fatalf("erin2's sessions before the rename: %v", l)
		}
		r := e.call("PATCH", "/api/v1/admin/users/erin/", tok, `{"username": "erin2"}`)
		if wantStatus(t, r, 200); r.object(t)["username"] != "erin2" {
			t.Fatalf("rename answer %s", r.body)
		}
		wantStatus(t, e.call("GET", "/api/v1/admin/users/erin/", tok, nil), 404)
		for _, path := range []string{"/api/v1/admin/radreply/?username=", "/api/v1/admin/radcheck/?username=",
			"/api/v1/admin/radusergroup/?username=", "/api/v1/admin/sessions/?username="} {
			if l := e.call("GET", path+"erin", tok, nil).list(t); len(l) != 0 {
				t.Errorf("%serin still has %d rows", path, len(l))
			}
			if l := e.call("GET", path+"erin2", tok, nil).list(t); len(l) != 1 {
				t.Errorf("%serin2 has %d rows, want 1", path, len(l))
			}
		}
		// Simultaneous-Use 1 now counts the open session under the new name.
		r = e.radius("/api/v1/authorize/", `{"username": "erin2", "password": "erin-pw-1"}`)
		if r.status != 401 || !strings.Contains(string(r.body), "already logged in") {
			t.Errorf("authorize after the rename: %d %s; want a reject for the open session", r.status, r.body)
		}
		wantStatus(t, e.call("DELETE", "/api/v1/admin/radcheck/"+fmt.Sprint(e.call("GET", "/api/v1/admin/radcheck/?username=erin2", tok, nil).list(t)[0]["id"])+"/", tok, nil), 204)
		if r := e.radius("/api/v1/authorize/", `{"username": "erin2", "password": "erin-pw-1"}`); r.status != 200 || !strings.Contains(string(r.body), `"reply:Session-Timeout":{"op":"=","value":"600"}`) {
			t.Errorf("authorize after the rename: %d %s; want an accept with the moved reply item", r.status, r.body)
		}
	})
}

func TestStaffLimits(t *testing.T) {
	e, root := adminEnv(t, dbtestSQLite(t))
	e.addUser("helper", "helper-pw", true, false)
	helper := e.login("helper", "helper-pw")
	// A staff user cannot touch a superuser's account.
	wantJSON(t, e.call("PATCH", "/api/v1/admin/users/root/", helper, `{"password": "mine-now"}`), 403,
		`{"detail": "Only a superuser may change or delete a superuser's account."}`)
	wantStatus(t, e.call("DELETE", "/api/v1/admin/users/root/", helper, nil), 403)
	wantStatus(t, e.call("PATCH", "/api/v1/admin/users/helper/", helper, `{"first_name": "Help"}`), 200)
	// A user who stops being staff loses the API at once.
	wantStatus(t, e.call("PATCH", "/api/v1/admin/users/helper/", root, `{"is_staff": false}`), 200)
	wantJSON(t, e.call("GET", "/api/v1/admin/me/", helper, nil), 403, `{"detail": "You do not have permission to perform this action."}`)
}

func dbtestSQLite(t *testing.T) store.Store {
	s, _ := dbtest.Open(t, dbtest.SQLite)
	return s
}
