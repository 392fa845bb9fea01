package adminapi_test

import (
	"fmt"
	"testing"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

func TestGroups(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e, tok := adminEnv(t, s)

		r := e.call("POST", "/api/v1/admin/groups/", tok, `{"name": "students", "description": "One hour a day",
			"check": [{"attribute": "Max-Daily-Session", "value": "3600"}],
			"reply": [{"attribute": "Reply-Message", "op": "=", "value": "Welcome"}]}`)
		wantStatus(t, r, 201)
		g := r.object(t)
		check, _ := g["check"].([]any)
		reply, _ := g["reply"].([]any)
		if g["name"] != "students" || g["is_default"] != false || len(check) != 1 || len(reply) != 1 ||
			check[0].(map[string]any)["op"] != ":=" || check[0].(map[string]any)["groupname"] != "students" {
			t.Fatalf("created group = %s", r.body)
		}
		r = e.call("GET", "/api/v1/admin/groups/?search=HOUR", tok, nil)
		if l := r.list(t); len(l) != 1 || l[0]["name"] != "students" {
			t.Errorf("search = %s", r.body)
		}
		if l := e.call("GET", "/api/v1/admin/groups/", tok, nil).list(t); len(l) != 3 {
			t.Errorf("groups = %v, want 3", l)
		}

		for _, c := range []struct {
			name, body, field string
		}{
			{"duplicate name", `{"name": "students"}`, "name"},
			{"missing name", `{"description": "x"}`, "name"},
			{"bad operator", `{"name": "g2", "check": [{"attribute": "Max-Daily-Session", "op": "~~", "value": "1"}]}`, "check"},
			{"unknown item field", `{"name": "g2", "reply": [{"attribute": "A", "value": "1", "colour": "red"}]}`, "reply"},
			{"item not an object", `{"name": "g2", "reply": ["A=1"]}`, "reply"},
			{"item without value", `{"name": "g2", "check": [{"attribute": "A"}]}`, "check"},
			{"bad boolean", `{"name": "g2", "is_default": "perhaps"}`, "is_default"},
			{"unknown field", `{"name": "g2", "colour": "red"}`, "colour"},
		} {
			t.Run(c.name, func(t *testing.T) {
				wantFields(t, e.call("POST", "/api/v1/admin/groups/", tok, c.body), c.field)
			})
		}
		wantJSON(t, e.call("GET", "/api/v1/admin/groups/g2/", tok, nil), 404, `{"detail": "Radius group not found."}`)

		// Exactly one default group: the flag moves; it cannot be dropped,
		// and the default group cannot be deleted.
		r = e.call("PATCH", "/api/v1/admin/groups/students/", tok, `{"is_default": true}`)
		if wantStatus(t, r, 200); r.object(t)["is_default"] != true {
			t.Fatalf("after making it the default: %s", r.body)
		}
		if e.call("GET", "/api/v1/admin/groups/users/", tok, nil).object(t)["is_default"] != false {
			t.Error("users is still a default group")
		}
		wantFields(t, e.call("PATCH", "/api/v1/admin/groups/students/", tok, `{"is_default": false}`), "is_default")
		wantFields(t, e.call("DELETE", "/api/v1/admin/groups/students/", tok, nil), "name")
		wantStatus(t, e.call("GET", "/api/v1/admin/groups/students/", tok, nil), 200)
		wantStatus(t, e.call("PATCH", "/api/v1/admin/groups/users/", tok, `{"is_default": true}`), 200)

		// A rename moves the group's items and memberships.
		wantStatus(t, e.call("POST", "/api/v1/admin/users/", tok, `{"username": "gina", "groups": ["students"]}`), 201)
		wantFields(t, e.call("PATCH", "/api/v1/admin/groups/students/", tok, `{"name": "users"}`), "name")
		r = e.call("PATCH", "/api/v1/admin/groups/students/", tok, `{"name": "learners"}`)
		if wantStatus(t, r, 200); r.object(t)["name"] != "learners" || len(r.object(t)["check"].([]any)) != 1 {
			t.Fatalf("renamed group = %s", r.body)
		}
		if u := e.call("GET", "/api/v1/admin/users/gina/", tok, nil).object(t); fmt.Sprint(u["groups"]) != "[learners]" {
			t.Errorf("gina's groups after the rename = %v", u["groups"])
		}
		if l := e.call("GET", "/api/v1/admin/radgroupcheck/?groupname=learners", tok, nil).list(t); len(l) != 1 {
			t.Errorf("radgroupcheck of learners = %v", l)
		}
		if l := e.call("GET", "/api/v1/admin/radgroupreply/?groupname=students", tok, nil).list(t); len(l) != 0 {
			t.Errorf("radgroupreply of the old name = %v", l)
		}
		wantFields(t, e.call("PATCH", "/api/v1/admin/groups/learners/", tok, `{"check": [{"attribute": "A", "value": "1"}]}`), "non_field_errors")

		wantStatus(t, e.call("DELETE", "/api/v1/admin/groups/learners/", tok, nil), 204)
		wantJSON(t, e.call("DELETE", "/api/v1/admin/groups/learners/", tok, nil), 404, `{"detail": "Radius group not found."}`)
		if u := e.call("GET", "/api/v1/admin/users/gina/", tok, nil).object(t); fmt.Sprint(u["groups"]) != "[]" {
			t.Errorf("gina's groups after the delete = %v", u["groups"])
		}
	})
}

func TestItems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e, tok := adminEnv(t, s)
		r := e.call("POST", "/api/v1/admin/radcheck/", tok, `{"username": "hal", "attribute": "Cleartext-Password", "value": "x", "valid_until": "2026-07-01T12:00:00Z", "notes": "temporary"}`)
		wantStatus(t, r, 201)
		it := r.object(t)
		id := fmt.Sprint(it["id"])
		if it["op"] != ":=" || it["is_active"] != true || it["valid_until"] != "2026-07-01T12:00:00Z" || it["notes"] != "temporary" {
			t.Fatalf("created item = %s", r.body)
		}
		r = e.call("PATCH", "/api/v1/admin/radcheck/"+id+"/", tok, `{"value": "y", "is_active": false, "valid_until": null}`)
		if wantStatus(t, r, 200); r.object(t)["value"] != "y" || r.object(t)["is_active"] != false || r.object(t)["valid_until"] != nil {
			t.Errorf("patched item = %s", r.body)
		}
		wantStatus(t, e.call("GET", "/api/v1/admin/radcheck/"+id+"/", tok, nil), 200)
		if l := e.call("GET", "/api/v1/admin/radcheck/?username=hal&attribute=Cleartext-Password", tok, nil).list(t); len(l) != 1 {
			t.Errorf("filtered radcheck = %v", l)
		}

		for _, c := range []struct {
			path, body, field string
		}{
			{"radcheck", `{"attribute": "A", "value": "1"}`, "username"},
			{"radcheck", `{"username": "hal", "attribute": "Bad Attribute", "value": "1"}`, "attribute"},
			{"radcheck", `{"username": "hal", "attribute": "A", "value": "1", "valid_until": "tomorrow"}`, "valid_until"},
			{"radreply", `{"username": "hal", "attribute": "A", "op": "==", "value": "1"}`, "op"},
			{"radreply", `{"username": "hal", "attribute": "A", "value": "1", "is_active": true}`, "is_active"},
			{"radgroupreply", `{"groupname": "nope", "attribute": "A", "value": "1"}`, "groupname"},
			{"radgroupcheck", `{"username": "hal", "attribute": "A", "value": "1"}`, "username"},
		} {
			t.Run(c.path+" "+c.field, func(t *testing.T) {
				wantFields(t, e.call("POST", "/api/v1/admin/"+c.path+"/", tok, c.body), c.field)
			})
		}
		r = e.call("POST", "/api/v1/admin/radgroupreply/", tok, `{"groupname": "power-users", "attribute": "Idle-Timeout", "value": "300"}`)
		if wantStatus(t, r, 201); r.object(t)["op"] != "=" || r.object(t)["groupname"] != "power-users" {
			t.Errorf("group reply item = %s", r.body)
		}
		wantStatus(t, e.call("DELETE", "/api/v1/admin/radcheck/"+id+"/", tok, nil), 204)
		wantJSON(t, e.call("GET", "/api/v1/admin/radcheck/"+id+"/", tok, nil), 404, `{"detail": "Radcheck item not found."}`)
		wantJSON(t, e.call("GET", "/api/v1/admin/radreply/x/", tok, nil), 404, `{"detail": "Radreply item not found."}`)
	})
}

func TestMemberships(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e, tok := adminEnv(t, s)
		wantStatus(t, e.call("POST", "/api/v1/admin/users/", tok, `{"username": "ivy"}`), 201)
		r := e.call("POST", "/api/v1/admin/radusergroup/", tok, `{"username": "ivy", "groupname": "power-users"}`)
		wantStatus(t, r, 201)
		m := r.object(t)
		id := fmt.Sprint(m["id"])
		if m["priority"] != 2.0 {
			t.Errorf("membership after the default group: %s, want priority 2", r.body)
		}
		wantFields(t, e.call("POST", "/api/v1/admin/radusergroup/", tok, `{"username": "ivy", "groupname": "power-users"}`), "groupname")
		wantFields(t, e.call("POST", "/api/v1/admin/radusergroup/", tok, `{"username": "ivy", "groupname": "nope"}`), "groupname")
		wantFields(t, e.call("POST", "/api/v1/admin/radusergroup/", tok, `{"username": "ivy", "groupname": "users", "priority": "high"}`), "priority")
		wantFields(t, e.call("POST", "/api/v1/admin/radusergroup/", tok, `{"groupname": "users"}`), "username")
		r = e.call("PATCH", "/api/v1/admin/radusergroup/"+id+"/", tok, `{"priority": 0}`)
		if wantStatus(t, r, 200); r.object(t)["priority"] != 0.0 {
			t.Errorf("patched membership = %s", r.body)
		}
		if u := e.call("GET", "/api/v1/admin/users/ivy/", tok, nil).object(t); fmt.Sprint(u["groups"]) != "[power-users users]" {
			t.Errorf("ivy's groups by priority = %v", u["groups"])
		}
		wantFields(t, e.call("PATCH", "/api/v1/admin/radusergroup/"+id+"/", tok, `{"username": "other"}`), "username")
		if l := e.call("GET", "/api/v1/admin/radusergroup/?username=ivy", tok, nil).list(t); len(l) != 2 {
			t.Errorf("ivy's memberships = %v", l)
		}
		wantStatus(t, e.call("DELETE", "/api/v1/admin/radusergroup/"+id+"/", tok, nil), 204)
		wantJSON(t, e.call("DELETE", "/api/v1/admin/radusergroup/"+id+"/", tok, nil), 404, `{"detail": "Membership not found."}`)
	})
}

func TestNAS(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e, tok := adminEnv(t, s)
		r := e.call("POST", "/api/v1/admin/nas/", tok, `{"name": "10.8.0.0/16", "short_name": "campus", "secret": "s3cret-shared", "ports": 1812}`)
		wantStatus(t, r, 201)
		n := r.object(t)
		id := fmt.Sprint(n["id"])
		if n["type"] != "other" || n["ports"] != 1812.0 || n["description"] != "RADIUS Client" || n["short_name"] != "campus" {
			t.Fatalf("created NAS = %s", r.body)
		}
		for _, c := range []struct{ name, body, field string }{
			{"duplicate", `{"name": "10.8.0.0/16", "secret": "x"}`, "name"},
			{"no secret", `{"name": "10.9.0.0/16"}`, "secret"},
			{"bad ports", `{"name": "10.9.0.0/16", "secret": "x", "ports": "many"}`, "ports"},
			{"negative ports", `{"name": "10.9.0.0/16", "secret": "x", "ports": -1}`, "ports"},
			{"unknown field", `{"name": "10.9.0.0/16", "secret": "x", "shortname": "y"}`, "shortname"},
		} {
			t.Run(c.name, func(t *testing.T) {
				wantFields(t, e.call("POST", "/api/v1/admin/nas/", tok, c.body), c.field)
			})
		}
		r = e.call("PATCH", "/api/v1/admin/nas/"+id+"/", tok, `{"ports": null, "short_name": null, "description": "Main campus"}`)
		if wantStatus(t, r, 200); r.object(t)["ports"] != nil || r.object(t)["short_name"] != "" || r.object(t)["description"] != "Main campus" {
			t.Errorf("patched NAS = %s", r.body)
		}
		if l := e.call("GET", "/api/v1/admin/nas/?search=main", tok, nil).list(t); len(l) != 1 {
			t.Errorf("search = %v", l)
		}
		wantStatus(t, e.call("DELETE", "/api/v1/admin/nas/"+id+"/", tok, nil), 204)
		wantJSON(t, e.call("GET", "/api/v1/admin/nas/"+id+"/", tok, nil), 404, `{"detail": "NAS not found."}`)
	})
}
