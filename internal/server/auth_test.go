package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

// TestAPIToken covers contract section 1.
func TestAPIToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		e.addUser("alice", "alice-pw")
		body := []byte(`{"username": "alice", "password": "alice-pw"}`)
		accept := `{"control:Auth-Type": "Accept"}`
		cases := []struct {
			name   string
			path   string
			hdr    []string
			status int
			want   string
		}{
			{"bearer", "/api/v1/authorize/", []string{"Authorization: Bearer " + testToken}, 200, accept},
			{"any scheme word", "/api/v1/authorize/", []string{"Authorization: Token " + testToken}, 200, accept},
			{"extra words ignored", "/api/v1/authorize/", []string{"Authorization: Bearer " + testToken + " junk"}, 200, accept},
			{"querystring", "/api/v1/authorize/?token=" + testToken, nil, 200, accept},
			{"querystring last value", "/api/v1/authorize/?token=x&token=" + testToken, nil, 200, accept},
			{"wrong header falls back to querystring", "/api/v1/authorize/?token=" + testToken, []string{"Authorization: Bearer wrong"}, 200, accept},
			{"second header matches", "/api/v1/authorize/", []string{"Authorization: Bearer wrong", "Authorization: Bearer " + testToken}, 200, accept},
			{"comma-joined parts", "/api/v1/authorize/", []string{"Authorization: Bearer wrong,Bearer " + testToken}, 200, accept},
			{"comma and space does not match", "/api/v1/authorize/", []string{"Authorization: Bearer wrong, Bearer " + testToken}, 403, `{"detail": "Token authentication failed"}`},
			{"no space is 400 even with querystring", "/api/v1/authorize/?token=" + testToken, []string{"Authorization: Bearer"}, 400, `{"detail": "Invalid token"}`},
			{"scheme glued to token", "/api/v1/authorize/", []string{"Authorization: Bearer" + testToken}, 400, `{"detail": "Invalid token"}`},
			{"wrong token", "/api/v1/authorize/", []string{"Authorization: Bearer wrong-token-xxxxxxxx"}, 403, `{"detail": "Token authentication failed"}`},
			{"no token", "/api/v1/authorize/", nil, 403, `{"detail": "Token authentication failed"}`},
			{"token prefix only", "/api/v1/authorize/?token=" + testToken[:10], nil, 403, `{"detail": "Token authentication failed"}`},
			{"slash-less URL", "/api/v1/authorize?token=" + testToken, nil, 200, accept},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.do("POST", c.path, "application/json", body, c.hdr...)
				if c.want == accept {
					wantAccept(t, r)
					return
				}
				wantJSON(t, r, c.status, c.want)
			})
		}
		for _, path := range []string{"/api/v1/authorize/", "/api/v1/postauth/", "/api/v1/batch/", "/api/v1/accounting/"} {
			t.Run("token before method "+path, func(t *testing.T) {
				wantJSON(t, e.do("DELETE", path, "", nil), 403, `{"detail": "Token authentication failed"}`)
				r := e.do("DELETE", path, "", nil, "Authorization: Bearer "+testToken)
				wantJSON(t, r, 405, `{"detail": "Method \"DELETE\" not allowed."}`)
			})
		}
		t.Run("GET authorize is 405 with the token", func(t *testing.T) {
			wantJSON(t, e.get("/api/v1/authorize/"), 405, `{"detail": "Method \"GET\" not allowed."}`)
		})
	})
}

func TestShortAPITokenRefused(t *testing.T) {
	fs := newFlagSet()
	l := config.Register(fs, config.ServeOptions|config.DBOptions)
	if err := fs.Parse([]string{"--api-token", "short-token"}); err != nil {
		t.Fatal(err)
	}
	_, err := l.Load(func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "at least 15") {
		t.Fatalf("a 11-character token gave %v, want a refusal naming the 15-character minimum", err)
	}
}

// TestAuthorize covers contract section 2.
func TestAuthorize(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		alice := e.addUser("alice", "alice-pw")
		e.addUser("bob", "bob-pw")
		e.addUser("carol", "carol-pw")
		ctx := context.Background()
		if err := s.SetActive(ctx, "carol", false); err != nil {
			t.Fatal(err)
		}
		accept := func(t *testing.T, r response) { t.Helper(); wantAccept(t, r) }
		fail := func(t *testing.T, r response) { t.Helper(); wantEmpty(t, r, 200) }
		auth := func(user, pw string) response {
			return e.postJSON("/api/v1/authorize/", map[string]string{"username": user, "password": pw})
		}

		t.Run("right password", func(t *testing.T) { accept(t, auth("alice", "alice-pw")) })
		t.Run("wrong password", func(t *testing.T) { fail(t, auth("alice", "nope")) })
		t.Run("unknown user", func(t *testing.T) { fail(t, auth("nobody", "x")) })
		t.Run("inactive user", func(t *testing.T) { fail(t, auth("carol", "carol-pw")) })
		t.Run("case-sensitive username", func(t *testing.T) { fail(t, auth("Alice", "alice-pw")) })
		t.Run("missing fields", func(t *testing.T) {
			fail(t, e.postJSON("/api/v1/authorize/", map[string]string{"username": "alice"}))
			fail(t, e.postJSON("/api/v1/authorize/", map[string]string{}))
		})
		t.Run("form encoded", func(t *testing.T) {
			accept(t, e.do("POST", "/api/v1/authorize/", "application/x-www-form-urlencoded",
				[]byte("username=alice&password=alice-pw"), "Authorization: Bearer "+testToken))
		})
		t.Run("unknown keys ignored, values as FreeRADIUS sends", func(t *testing.T) {
			accept(t, e.postJSON("/api/v1/authorize/", map[string]string{
				"username": "alice", "password": "alice-pw", "called_station_id": "", "nas_ip_address": "10.0.0.1"}))
		})
		t.Run("malformed JSON", func(t *testing.T) {
			r := e.do("POST", "/api/v1/authorize/", "application/json", []byte(`{"username": "a", "password": "x"y"}`),
				"Authorization: Bearer "+testToken)
			if r.status != 400 || !strings.HasPrefix(r.json(t).(map[string]any)["detail"].(string), "JSON parse error - ") {
				t.Fatalf("got %d %s, want 400 JSON parse error", r.status, r.body)
			}
		})
		t.Run("unsupported media type", func(t *testing.T) {
			r := e.do("POST", "/api/v1/authorize/", "text/plain; charset=utf-8", []byte("username=alice"), "Authorization: Bearer "+testToken)
			wantJSON(t, r, 415, `{"detail": "Unsupported media type \"text/plain\" in request."}`)
		})
		t.Run("JSON array body", func(t *testing.T) {
			r := e.do("POST", "/api/v1/authorize/", "application/json", []byte(`["alice"]`), "Authorization: Bearer "+testToken)
			wantJSON(t, r, 400, `{"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}`)
		})

		t.Run("radius user token once", func(t *testing.T) {
			tok, err := s.EnsureTokens(ctx, alice.ID, func() string { return strings.Repeat("a", 40) },
				func() string { return "RadiusTokenForAlice0123456789abcdefghijk" })
			if err != nil {
				t.Fatal(err)
			}
			fail(t, auth("bob", tok.RadiusKey)) // another user's token never works
			accept(t, auth("alice", "alice-pw"))
			accept(t, auth("alice", tok.RadiusKey)) // the real password did not consume it
			fail(t, auth("alice", tok.RadiusKey))   // disposable: used once
		})
		t.Run("password shaped like a token", func(t *testing.T) {
			// 40 letters and digits: compared with the token first, then
			// still checked as the password.
			const pw = "Abcdefghij0123456789abcdefghij0123456789"
			tess := e.addUser("tess", pw)
			accept(t, auth("tess", pw)) // no token at all
			if _, err := s.EnsureTokens(ctx, tess.ID, func() string { return strings.Repeat("c", 40) },
				func() string { return "OtherTokenForTess0123456789abcdefghijklm" }); err != nil {
				t.Fatal(err)
			}
			accept(t, auth("tess", pw)) // a different token
			if ok, err := s.CheckRadiusToken(ctx, tess.ID, "OtherTokenForTess0123456789abcdefghijklm"); err != nil || !ok {
				t.Fatalf("the password login touched the token: %v %v", ok, err)
			}
			// The one case where the order shows: a password equal to the
			// user's own token uses the token up, and still logs in.
			if err := e.users.SetPassword(ctx, "tess", "OtherTokenForTess0123456789abcdefghijklm"); err != nil {
				t.Fatal(err)
			}
			accept(t, auth("tess", "OtherTokenForTess0123456789abcdefghijklm"))
			if ok, _ := s.CheckRadiusToken(ctx, tess.ID, "OtherTokenForTess0123456789abcdefghijklm"); ok {
				t.Fatal("a token-shaped password equal to the token did not use the token")
			}
			accept(t, auth("tess", "OtherTokenForTess0123456789abcdefghijklm"))
		})
		t.Run("expired user", func(t *testing.T) {
			exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			u := store.User{Username: "dora", Password: e.users.Hash("dora-pw"), IsActive: true, ExpiresAt: &exp, DateJoined: time.Now()}
			if err := s.CreateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			e.clock.Set(exp.Add(-time.Second))
			accept(t, auth("dora", "dora-pw"))
			e.clock.Set(exp)
			fail(t, auth("dora", "dora-pw"))
			e.clock.Set(time.Time{})
		})
	})
}

func TestAuthorizeRejectMode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, func(c *config.Config) { c.AuthorizeReject = true; c.DisposableRadiusToken = false }, nil)
		alice := e.addUser("alice", "alice-pw")
		for _, pw := range []string{"wrong", ""} {
			r := e.postJSON("/api/v1/authorize/", map[string]string{"username": "alice", "password": pw})
			wantJSON(t, r, 401, `{"control:Auth-Type": "Reject"}`)
		}
		wantJSON(t, e.postJSON("/api/v1/authorize/", map[string]string{"username": "ghost", "password": "x"}), 401, `{"control:Auth-Type": "Reject"}`)
		// With disposable tokens off, a radius token keeps working.
		tok, err := s.EnsureTokens(context.Background(), alice.ID, func() string { return strings.Repeat("b", 40) },
			func() string { return "KeepTokenForAlice0123456789abcdefghijklm" })
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			wantAccept(t, e.postJSON("/api/v1/authorize/", map[string]string{"username": "alice", "password": tok.RadiusKey}))
		}
	})
}

// TestPostAuth covers contract section 3.
func TestPostAuth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		t.Run("accept blanks the password", func(t *testing.T) {
			wantEmpty(t, e.postJSON("/api/v1/postauth/", map[string]string{
				"username": "alice", "password": "secret", "reply": "Access-Accept",
				"called_station_id": "AA-BB", "calling_station_id": ""}), 201)
			wantEmpty(t, e.postJSON("/api/v1/postauth/", map[string]string{
				"username": "alice", "password": "typo", "reply": "Access-Reject"}), 201)
			rows, err := s.PostAuthLog(context.Background(), 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2 {
				t.Fatalf("%d rows, want 2", len(rows))
			}
			rej, acc := rows[0], rows[1] // newest first
			if acc.Password != "" || acc.Reply != "Access-Accept" || *acc.CalledStationID != "AA-BB" || *acc.CallingStationID != "" {
				t.Fatalf("accept row = %+v", acc)
			}
			if rej.Password != "typo" || rej.CalledStationID != nil {
				t.Fatalf("reject row = %+v", rej)
			}
		})
		t.Run("required fields", func(t *testing.T) {
			wantJSON(t, e.postJSON("/api/v1/postauth/", map[string]string{"password": "x"}), 400,
				`{"username": ["This field is required."], "reply": ["This field is required."]}`)
			wantJSON(t, e.postJSON("/api/v1/postauth/", map[string]string{"username": "", "reply": "Access-Reject"}), 400,
				`{"username": ["This field may not be blank."]}`)
		})
		t.Run("long values truncated", func(t *testing.T) {
			long := strings.Repeat("é", 300)
			wantEmpty(t, e.postJSON("/api/v1/postauth/", map[string]string{
				"username": long, "password": long, "reply": long, "called_station_id": long, "calling_station_id": long}), 201)
			rows, err := s.PostAuthLog(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			p := rows[0]
			if len([]rune(p.Username)) != 64 || len([]rune(p.Password)) != 64 || len([]rune(p.Reply)) != 32 ||
				len([]rune(*p.CalledStationID)) != 50 {
				t.Fatalf("lengths %d %d %d %d", len([]rune(p.Username)), len([]rune(p.Password)), len([]rune(p.Reply)), len([]rune(*p.CalledStationID)))
			}
		})
	})
}

func TestHealthz(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		wantJSON(t, e.do("GET", "/healthz", "", nil), 200, `{"status": "ok"}`)
		s.Close()
		r := e.do("GET", "/healthz", "", nil)
		if r.status != 503 {
			t.Fatalf("healthz on a closed database: %d %s, want 503", r.status, r.body)
		}
	})
}
