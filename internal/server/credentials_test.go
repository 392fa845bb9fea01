package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/users"
)

// native encodes attributes as rlm_rest does with body = 'json' and no data
// template.
func native(attrs map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range attrs {
		out[k] = map[string]any{"type": "string", "value": []any{v}}
	}
	return out
}

// TestCredentialsForCHAP: a request without User-Password (CHAP, MS-CHAP,
// EAP) gets the known-good password in the control list and no Auth-Type;
// a PAP request never does.
func TestCredentialsForCHAP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, func(c *config.Config) { c.StoreNTHash = true; c.AuthorizeReject = true }, nil)
		ctx := context.Background()
		if err := s.AddCheck(ctx, "clear", &store.Item{Attribute: "Cleartext-Password", Op: ":=", Value: `p"w\%é`}); err != nil {
			t.Fatal(err)
		}
		nt := e.addUser("ntuser", "nt-secret")
		if nt.NTHash != password.NTHash("nt-secret") {
			t.Fatalf("user add with --store-nt-hash stored %q", nt.NTHash)
		}
		// An account without an NT hash (set before the operator opted in).
		e.addUser("nocred", "x")
		if err := s.SetPassword(ctx, "nocred", e.users.Hash("x"), ""); err != nil {
			t.Fatal(err)
		}

		chap := func(user string) response {
			return e.postJSON("/api/v1/authorize/", native(map[string]any{"User-Name": user, "CHAP-Password": "0x0102", "NAS-IP-Address": "127.0.0.1"}))
		}
		// The password holds "%": FreeRADIUS must not expand it.
		r := chap("clear")
		if r.status != 200 || !strings.HasPrefix(string(r.body), `{"control:Cleartext-Password":{"op":":=","value":"p\"w\\%é","do_xlat":false}`) ||
			strings.Contains(string(r.body), "Auth-Type") {
			t.Fatalf("CHAP for a Cleartext-Password user: %d %s", r.status, r.body)
		}
		r = chap("ntuser")
		var m map[string]any
		json.Unmarshal(r.body, &m)
		if r.status != 200 || m["control:NT-Password"] != "0x"+password.NTHash("nt-secret") || m["control:Auth-Type"] != nil {
			t.Fatalf("MS-CHAP for a stored NT hash: %d %s", r.status, r.body)
		}
		if m["reply:Session-Timeout"] == nil {
			t.Fatalf("the user's policy must still apply: %s", r.body)
		}
		// No known-good password: nothing to hand over; reject mode answers 401.
		if r := chap("nocred"); r.status != 401 {
			t.Fatalf("CHAP without a credential: %d %s", r.status, r.body)
		}
		// PAP never receives a credential.
		wantAccept(t, e.authorize("clear", `p"w\%é`))
		if r := e.authorize("clear", "wrong"); r.status != 401 || strings.Contains(string(r.body), "Password") {
			t.Fatalf("PAP with a wrong password: %d %s", r.status, r.body)
		}
	})
}

func TestCredentialsNeverOnUntrustedConnections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, func(c *config.Config) { c.SendCredentials = "never" }, nil)
		if err := s.AddCheck(context.Background(), "clear", &store.Item{Attribute: "Cleartext-Password", Op: ":=", Value: "pw"}); err != nil {
			t.Fatal(err)
		}
		wantEmpty(t, e.postJSON("/api/v1/authorize/", map[string]string{"username": "clear", "password": ""}), 200)
		wantAccept(t, e.authorize("clear", "pw"))
	})
}

// TestNTHashEverywhere: with --store-nt-hash every way of setting a
// password keeps the NT hash; a login at the token endpoint fills it in for
// an older account.
func TestNTHashEverywhere(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, func(c *config.Config) { c.StoreNTHash = true }, nil)
		ctx := context.Background()
		user := func(name string) store.User {
			t.Helper()
			u, err := s.UserByUsername(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		e.addUser("ann", "first")
		if err := e.users.SetPassword(ctx, "ann", "second"); err != nil {
			t.Fatal(err)
		}
		if got := user("ann").NTHash; got != password.NTHash("second") {
			t.Fatalf("passwd: NT hash %q", got)
		}
		decodeBatch(t, e.postCSV(map[string]string{"name": "nt-batch", "strategy": "csv"}, "bea,cleartext$bea-pw,bea@example.com,B,B\n"))
		if got := user("bea").NTHash; got != password.NTHash("bea-pw") {
			t.Fatalf("csv: NT hash %q", got)
		}
		b := decodeBatch(t, e.postJSON("/api/v1/batch/", map[string]any{"name": "nt-prefix", "strategy": "prefix", "prefix": "nt", "number_of_users": 1}))
		if got := user(b.Users[0]["username"].(string)).NTHash; len(got) != 32 {
			t.Fatalf("prefix: NT hash %q", got)
		}
		// An account from before the setting: the token login fills it in.
		old := store.User{Username: "old", Password: e.users.Hash("old-pw"), IsActive: true}
		if err := s.CreateUser(ctx, &old); err != nil {
			t.Fatal(err)
		}
		r := e.do("POST", "/api/v1/account/token/", "application/x-www-form-urlencoded", []byte("username=old&password=old-pw"))
		if r.status != 200 || user("old").NTHash != password.NTHash("old-pw") {
			t.Fatalf("token login: %d, NT hash %q", r.status, user("old").NTHash)
		}
	})
}

// TestNativeEncoding: accounting and post-auth in rlm_rest's own encoding.
func TestNativeEncoding(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		body := native(map[string]any{
			"Acct-Status-Type": "Start", "Acct-Session-Id": "N1", "Acct-Unique-Session-Id": "0123456789abcdef0123456789abcdef",
			"User-Name": "nat", "NAS-IP-Address": "10.1.1.1", "NAS-Port": 7, "NAS-Port-Type": "Wireless-802.11",
			"Called-Station-Id": "AA:wifi", "Calling-Station-Id": "de:ad", "Acct-Input-Octets": 10, "Acct-Input-Gigawords": 1,
		})
		wantEmpty(t, e.postJSON("/api/v1/accounting/", body), 201)
		r := session(t, s, "0123456789abcdef0123456789abcdef")
		if str(r.Username) != "nat" || r.NASIPAddress != "10.1.1.1" || str(r.NASPortID) != "7" || i64(r.InputOctets) != "4294967306" || str(r.CalledStationID) != "AA:wifi" {
			t.Fatalf("native Start stored %+v", r)
		}
		pa := native(map[string]any{"User-Name": "nat", "User-Password": "typo", "Calling-Station-Id": "de:ad"})
		wantEmpty(t, e.postJSON("/api/v1/postauth/?reply=Access-Reject", pa), 201)
		rows, err := s.PostAuthLog(context.Background(), 1)
		if err != nil || len(rows) != 1 || rows[0].Reply != "Access-Reject" || rows[0].Password != "typo" || str(rows[0].CallingStationID) != "de:ad" {
			t.Fatalf("native post-auth stored %+v %v", rows, err)
		}
	})
}

// TestNTHashPerGroup: without the server-wide setting, a group's opt-in
// keeps NT hashes for its members only, from the next password on.
func TestNTHashPerGroup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		ctx := context.Background()
		nt := func(name string) string {
			t.Helper()
			u, err := s.UserByUsername(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return u.NTHash
		}
		if err := s.CreateGroup(ctx, &store.RadiusGroup{Name: "windows", StoreNTHash: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.users.Add(ctx, users.NewUser{Username: "win", Password: "win-pw", Groups: []string{"windows"}}); err != nil {
			t.Fatal(err)
		}
		if got := nt("win"); got != password.NTHash("win-pw") {
			t.Fatalf("member of an opted-in group: NT hash %q", got)
		}
		e.addUser("plain", "plain-pw")
		if got := nt("plain"); got != "" {
			t.Fatalf("default group, no opt-in: NT hash %q", got)
		}
		def, err := s.DefaultGroup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetGroupStoreNTHash(ctx, def.Name, true); err != nil {
			t.Fatal(err)
		}
		if got := nt("plain"); got != "" {
			t.Fatalf("the opt-in made an NT hash without a password: %q", got)
		}
		if err := e.users.SetPassword(ctx, "plain", "plain-2"); err != nil {
			t.Fatal(err)
		}
		if got := nt("plain"); got != password.NTHash("plain-2") {
			t.Fatalf("passwd after the default group opted in: NT hash %q", got)
		}
		b := decodeBatch(t, e.postJSON("/api/v1/batch/", map[string]any{"name": "grp-prefix", "strategy": "prefix", "prefix": "g", "number_of_users": 1}))
		if got := nt(b.Users[0]["username"].(string)); len(got) != 32 {
			t.Fatalf("prefix batch into an opted-in default group: NT hash %q", got)
		}
		if err := s.SetGroupStoreNTHash(ctx, def.Name, false); err != nil {
			t.Fatal(err)
		}
		if err := e.users.SetPassword(ctx, "plain", "plain-3"); err != nil {
			t.Fatal(err)
		}
		if got := nt("plain"); got != "" {
			t.Fatalf("opt-in withdrawn: the new password still left an NT hash %q", got)
		}
		if err := s.SetGroupStoreNTHash(ctx, "no-such-group", true); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown group: %v, want ErrNotFound", err)
		}
	})
}
