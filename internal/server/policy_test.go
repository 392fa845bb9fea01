package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

// acct posts one accounting packet with the API token; over holds the
// fields besides the usual ones.
func (e *env) acct(status, uid, user string, over map[string]string) response {
	e.t.Helper()
	body := freeradiusAcct(status, uid, map[string]string{"username": user})
	for k, v := range over {
		body[k] = v
	}
	r := e.postJSON("/api/v1/accounting/", body)
	if r.status != 200 && r.status != 201 {
		e.t.Fatalf("accounting %s %s: %d %s", status, uid, r.status, r.body)
	}
	return r
}

// session stores a finished session of user: Start at start, Stop at
// start+seconds with the octets.
func (e *env) session(uid, user string, start time.Time, seconds, octets int64) {
	e.t.Helper()
	e.clock.Set(start)
	e.acct("Start", uid, user, nil)
	e.clock.Set(start.Add(time.Duration(seconds) * time.Second))
	e.acct("Stop", uid, user, map[string]string{"session_time": fmt.Sprint(seconds),
		"input_octets": fmt.Sprint(octets / 4), "output_octets": fmt.Sprint(octets - octets/4)})
}

func (e *env) authorize(user, pw string, extra ...string) response {
	e.t.Helper()
	body := map[string]string{"username": user, "password": pw}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i]] = extra[i+1]
	}
	return e.postJSON("/api/v1/authorize/", body)
}

func number(t *testing.T, m map[string]any, key string) int64 {
	t.Helper()
	switch v := m[key].(type) {
	case string:
		var n int64
		if _, err := fmt.Sscan(v, &n); err == nil {
			return n
		}
	case float64:
		return int64(v)
	}
	t.Fatalf("%s = %v (%T) in %v", key, m[key], m[key], m)
	return 0
}

// wantQuotaReject asserts a refusal FreeRADIUS applies in default mode: 200
// with control:Auth-Type Reject and a Reply-Message naming the limit.
func wantQuotaReject(t *testing.T, r response, msgPart string) {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("status %d %s, want 200 with a Reject", r.status, r.body)
	}
	var m struct {
		AuthType string `json:"control:Auth-Type"`
		Msg      struct {
			Value  string `json:"value"`
			DoXlat *bool  `json:"do_xlat"`
		} `json:"reply:Reply-Message"`
	}
	if err := json.Unmarshal(r.body, &m); err != nil || m.AuthType != "Reject" || !strings.Contains(m.Msg.Value, msgPart) ||
		m.Msg.DoXlat == nil || *m.Msg.DoXlat {
		t.Fatalf("body %s, want Reject with a Reply-Message containing %q, not expanded", r.body, msgPart)
	}
}

// TestDailyCounters is the first thing the policy issue must show: a user
// of the default group who used 2 h 50 m today gets at most 600 s, and at
// 3 h is refused with a Reply-Message; likewise for the 3 GB traffic limit.
func TestDailyCounters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		e.addUser("tim", "tim-pw")
		e.addUser("tara", "tara-pw")
		day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

		// Time: a session from yesterday 23:00 to 01:00 counts one hour.
		e.session("t1", "tim", day.Add(-time.Hour), 2*3600, 1000)
		e.session("t2", "tim", day.Add(10*time.Hour), 3600+50*60, 1000) // 1 h 50 m
		e.clock.Set(day.Add(15 * time.Hour))
		m := wantAccept(t, e.authorize("tim", "tim-pw"))
		if got := number(t, m, "reply:Session-Timeout"); got != 600 {
			t.Fatalf("after 2 h 50 m today Session-Timeout = %d, want 600", got)
		}
		e.session("t3", "tim", day.Add(16*time.Hour), 600, 1000)
		e.clock.Set(day.Add(17 * time.Hour))
		wantQuotaReject(t, e.authorize("tim", "tim-pw"), "daily usage time")
		// Tomorrow the counter starts again.
		e.clock.Set(day.Add(25 * time.Hour))
		if got := number(t, wantAccept(t, e.authorize("tim", "tim-pw")), "reply:Session-Timeout"); got != 10800 {
			t.Fatalf("next day Session-Timeout = %d, want 10800", got)
		}
		// Close to midnight the next day's allowance is added, as sqlcounter.
		e.clock.Set(day.Add(47*time.Hour + 55*time.Minute))
		if got := number(t, wantAccept(t, e.authorize("tim", "tim-pw")), "reply:Session-Timeout"); got != 300+10800 {
			t.Fatalf("5 minutes before the reset Session-Timeout = %d, want %d", got, 300+10800)
		}

		// Traffic: 2.9 GB used leaves 100 MB, 3 GB refuses.
		e.session("x1", "tara", day.Add(8*time.Hour), 60, 2_900_000_000)
		e.clock.Set(day.Add(9 * time.Hour))
		m = wantAccept(t, e.authorize("tara", "tara-pw"))
		if got := number(t, m, "reply:ChilliSpot-Max-Total-Octets"); got != 100_000_000 {
			t.Fatalf("remaining octets %d, want 100000000", got)
		}
		if _, ok := m["reply:ChilliSpot-Max-Total-Gigawords"]; ok {
			t.Fatal("gigawords sent below 4 GiB")
		}
		e.session("x2", "tara", day.Add(10*time.Hour), 60, 100_000_000)
		e.clock.Set(day.Add(11 * time.Hour))
		wantQuotaReject(t, e.authorize("tara", "tara-pw"), "daily usage traffic")

		// The usage endpoint says the same.
		r := e.get("/api/v1/usage/?username=tara")
		var u struct {
			Limits []struct {
				Check     string `json:"check"`
				Limit     int64  `json:"limit"`
				Used      int64  `json:"used"`
				Remaining int64  `json:"remaining"`
				Reset     string `json:"reset"`
			} `json:"limits"`
		}
		if err := json.Unmarshal(r.body, &u); err != nil || len(u.Limits) != 2 {
			t.Fatalf("usage: %d %s", r.status, r.body)
		}
		for _, l := range u.Limits {
			if l.Check == "Max-Daily-Session-Traffic" && (l.Used != 3_000_000_000 || l.Remaining != 0 || l.Reset != "2026-11-25T00:00:00Z") {
				t.Fatalf("traffic usage %+v", l)
			}
		}
		if r := e.get("/api/v1/usage/?username=ghost"); r.status != 404 {
			t.Fatalf("usage of an unknown user: %d", r.status)
		}
	})
}

// TestReplyItems: radreply and radgroupreply reach the answer in rlm_rest's
// format, with FreeRADIUS's operator rules.
func TestReplyItems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.CreateGroup(ctx, &store.RadiusGroup{Name: "vip", Description: "VIP"}))
		e.addUser("gina", "gina-pw", "vip", "users")
		must(s.AddReply(ctx, "gina", &store.Item{Attribute: "Reply-Message", Op: "=", Value: "Hello 100%"}))
		must(s.AddReply(ctx, "gina", &store.Item{Attribute: "Class", Op: "+=", Value: "a"}))
		must(s.AddReply(ctx, "gina", &store.Item{Attribute: "Class", Op: "+=", Value: "b"}))
		must(s.AddReply(ctx, "gina", &store.Item{Attribute: "Session-Timeout", Op: ":=", Value: "120"}))
		must(s.AddGroupReply(ctx, "vip", &store.Item{Attribute: "WISPr-Bandwidth-Max-Down", Op: ":=", Value: "10000000"}))
		must(s.AddGroupReply(ctx, "vip", &store.Item{Attribute: "Reply-Message", Op: "=", Value: "group: not applied, the user has one"}))
		// FreeRADIUS reads the next group only when this one says so.
		must(s.AddGroupReply(ctx, "vip", &store.Item{Attribute: "Fall-Through", Op: "=", Value: "Yes"}))
		must(s.AddGroupReply(ctx, "users", &store.Item{Attribute: "Idle-Timeout", Op: "=", Value: "600"}))
		r := e.authorize("gina", "gina-pw")
		m := wantAccept(t, r)
		want := map[string]string{
			"reply:Reply-Message":            `{"op":"=","value":"Hello 100%","do_xlat":false}`,
			"reply:Class":                    `{"op":"+=","value":["a","b"]}`,
			"reply:Session-Timeout":          `"120"`, // smaller than the daily allowance: kept
			"reply:WISPr-Bandwidth-Max-Down": `"10000000"`,
			"reply:Idle-Timeout":             `{"op":"=","value":"600"}`,
		}
		for k, w := range want {
			got, _ := json.Marshal(m[k])
			var norm any
			json.Unmarshal([]byte(w), &norm)
			wb, _ := json.Marshal(norm)
			if string(got) != string(wb) {
				t.Errorf("%s = %s, want %s (body %s)", k, got, wb, r.body)
			}
		}
		if !strings.HasPrefix(string(r.body), `{"control:Auth-Type":"Accept","reply:Reply-Message"`) {
			t.Errorf("order: control first, then the user's replies: %s", r.body)
		}
	})
}

// TestCheckItems covers radcheck: comparison items against the request,
// password items, Auth-Type and Expiration, inactive rows.
func TestCheckItems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		ctx := context.Background()
		add := func(user, attr, op, value string) {
			t.Helper()
			if err := s.AddCheck(ctx, user, &store.Item{Attribute: attr, Op: op, Value: value}); err != nil {
				t.Fatal(err)
			}
		}
		e.addUser("oli", "oli-pw")
		add("oli", "Called-Station-Id", "=~", ":office$")
		t.Run("comparison items", func(t *testing.T) {
			wantAccept(t, e.authorize("oli", "oli-pw", "called_station_id", "AA-BB:office"))
			wantEmpty(t, e.authorize("oli", "oli-pw", "called_station_id", "AA-BB:guest"), 200)
			wantEmpty(t, e.authorize("oli", "oli-pw"), 200) // attribute absent
		})
		t.Run("password items of users without an account", func(t *testing.T) {
			add("legacy", "Cleartext-Password", ":=", "Legacy-12")
			add("nt-user", "NT-Password", ":=", password.NTHash("nt-secret"))
			wantAccept(t, e.authorize("legacy", "Legacy-12"))
			wantEmpty(t, e.authorize("legacy", "legacy-12"), 200)
			wantAccept(t, e.authorize("nt-user", "nt-secret"))
			wantEmpty(t, e.authorize("nt-user", "nt-secret2"), 200)
		})
		t.Run("Auth-Type Reject", func(t *testing.T) {
			e.addUser("rex", "rex-pw")
			add("rex", "Auth-Type", ":=", "Reject")
			r := e.authorize("rex", "rex-pw")
			wantJSON(t, r, 200, `{"control:Auth-Type": "Reject"}`)
		})
		t.Run("Expiration", func(t *testing.T) {
			e.addUser("exp", "exp-pw")
			add("exp", "Expiration", ":=", "Jan 01 2030 00:00:00")
			e.clock.Set(time.Date(2029, 12, 31, 23, 0, 0, 0, time.UTC))
			if got := number(t, wantAccept(t, e.authorize("exp", "exp-pw")), "reply:Session-Timeout"); got != 3600 {
				t.Fatalf("Session-Timeout %d, want the 3600 s left before the expiration", got)
			}
			e.clock.Set(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
			wantQuotaReject(t, e.authorize("exp", "exp-pw"), "Password Has Expired")
			e.clock.Set(time.Time{})
		})
		t.Run("a user-specific limit", func(t *testing.T) {
			e.addUser("lim", "lim-pw")
			if err := s.AddReply(ctx, "lim", &store.Item{Attribute: "Fall-Through", Op: ":=", Value: "No"}); err != nil {
				t.Fatal(err)
			}
			add("lim", "Max-Daily-Session", ":=", "60")
			m := wantAccept(t, e.authorize("lim", "lim-pw"))
			if got := number(t, m, "reply:Session-Timeout"); got != 60 {
				t.Fatalf("Session-Timeout %d, want 60 (Fall-Through = No skips the default group)", got)
			}
			if _, ok := m["reply:Fall-Through"]; ok {
				t.Fatal("Fall-Through must not be sent")
			}
		})
	})
}

// TestSimultaneousUse: at the limit, a login from another device is refused
// with 401 and a Reply-Message; the same device may reconnect.
func TestSimultaneousUse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		ctx := context.Background()
		if err := s.CreateGroup(ctx, &store.RadiusGroup{Name: "single"}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddGroupCheck(ctx, "single", &store.Item{Attribute: "Simultaneous-Use", Op: ":=", Value: "1"}); err != nil {
			t.Fatal(err)
		}
		e.addUser("sam", "sam-pw", "single")
		wantAccept(t, e.authorize("sam", "sam-pw", "calling_station_id", "de:ad:be:ef:00:01"))
		e.acct("Start", "sim1", "sam", map[string]string{"calling_station_id": "de:ad:be:ef:00:01"})
		r := e.authorize("sam", "sam-pw", "calling_station_id", "de:ad:be:ef:00:02")
		wantJSON(t, r, 401, `{"control:Auth-Type": "Reject", "reply:Reply-Message": {"value": "You are already logged in - access denied", "do_xlat": false}}`)
		wantAccept(t, e.authorize("sam", "sam-pw", "calling_station_id", "de:ad:be:ef:00:01"))
		e.acct("Stop", "sim1", "sam", map[string]string{"calling_station_id": "de:ad:be:ef:00:01"})
		wantAccept(t, e.authorize("sam", "sam-pw", "calling_station_id", "de:ad:be:ef:00:02"))
	})
}

// TestAccountingHygiene: Accounting-On closes the NAS's sessions, a late
// Interim-Update never rewinds a stopped session, gigawords and
// Event-Timestamp are used, stale sessions are closed.
func TestAccountingHygiene(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		t0 := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
		e.clock.Set(t0)
		e.acct("Start", "h1", "ann", map[string]string{"nas_ip_address": "10.0.0.1"})
		e.acct("Start", "h2", "ann", map[string]string{"nas_ip_address": "10.0.0.10"})
		e.clock.Set(t0.Add(time.Hour))
		wantEmpty(t, e.postJSON("/api/v1/accounting/", freeradiusAcct("Accounting-On", "", map[string]string{
			"username": "", "session_id": "", "nas_ip_address": "10.0.0.1"})), 200)
		if r := session(t, s, "h1"); r.StopTime == nil || !r.StopTime.Equal(t0.Add(time.Hour)) || str(r.TerminateCause) != "NAS-Reboot" || i64(r.SessionTime) != "3600" {
			t.Fatalf("h1 after Accounting-On: stop %v cause %s time %s", r.StopTime, str(r.TerminateCause), i64(r.SessionTime))
		}
		if r := session(t, s, "h2"); r.StopTime != nil {
			t.Fatal("Accounting-On of 10.0.0.1 closed a session of 10.0.0.10")
		}

		// Stop, then a late Interim with older counters.
		e.acct("Stop", "h2", "ann", map[string]string{"nas_ip_address": "10.0.0.10", "session_time": "900", "input_octets": "5000"})
		e.acct("Interim-Update", "h2", "ann", map[string]string{"nas_ip_address": "10.0.0.10", "session_time": "300", "input_octets": "100"})
		if r := session(t, s, "h2"); r.StopTime == nil || i64(r.SessionTime) != "900" || i64(r.InputOctets) != "5000" {
			t.Fatalf("a late interim rewound the stopped session: %+v", r)
		}

		// Gigawords and Event-Timestamp.
		ev := t0.Add(-10 * time.Minute)
		e.acct("Start", "h3", "ann", map[string]string{"event_timestamp": fmt.Sprint(ev.Unix()), "delay_time": "5"})
		e.acct("Interim-Update", "h3", "ann", map[string]string{"input_octets": "10", "input_gigawords": "2", "output_octets": "7",
			"event_timestamp": ev.Add(time.Minute).Format("Jan 2 2006 15:04:05 UTC")})
		r := session(t, s, "h3")
		if !r.StartTime.Equal(ev.Add(-5*time.Second)) || !r.UpdateTime.Equal(ev.Add(time.Minute)) || i64(r.InputOctets) != fmt.Sprint(2<<32+10) {
			t.Fatalf("h3: start %v update %v octets %s", r.StartTime, r.UpdateTime, i64(r.InputOctets))
		}
		wantJSON(t, e.postJSON("/api/v1/accounting/", freeradiusAcct("Interim-Update", "h3", map[string]string{"event_timestamp": "soon"})), 400,
			`{"event_timestamp": ["Enter a Unix time or a date-time such as \"Nov 24 2026 18:20:16 UTC\" or 2026-11-24T18:20:16Z."]}`)
	})
}

func TestStaleSessionSetting(t *testing.T) {
	fs := newFlagSet()
	l := config.Register(fs, config.ServeOptions|config.DBOptions)
	if err := fs.Parse([]string{"--stale-session-timeout", "30s"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Load(func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "at least a minute") {
		t.Fatalf("30s accepted: %v", err)
	}
}

// TestCountersAcrossPeriods: weekly and monthly limits in the operator's
// time zone, on every database, with a fixed clock.
func TestCountersAcrossPeriods(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, func(c *config.Config) { c.TimeZone = rome; c.CounterWeekStart = time.Monday }, nil)
		ctx := context.Background()
		if err := s.CreateGroup(ctx, &store.RadiusGroup{Name: "plan"}); err != nil {
			t.Fatal(err)
		}
		for _, it := range []store.Item{
			{Attribute: "Max-Weekly-Session", Op: ":=", Value: "7200"},
			{Attribute: "Max-Monthly-Session-Traffic", Op: ":=", Value: "10000000000"},
		} {
			if err := s.AddGroupCheck(ctx, "plan", &it); err != nil {
				t.Fatal(err)
			}
		}
		e.addUser("wes", "wes-pw", "plan")
		// Sunday 29 November 2026, 23:30 in Rome is 22:30 UTC: still the week
		// that began on Monday 23 November in Rome (22 November 23:00 UTC).
		e.session("w1", "wes", time.Date(2026, 11, 22, 22, 0, 0, 0, time.UTC), 3600, 6_000_000_000) // Sunday 23:00 Rome: the week before
		e.session("w2", "wes", time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), 3000, 3_000_000_000)
		e.clock.Set(time.Date(2026, 11, 29, 22, 30, 0, 0, time.UTC))
		m := wantAccept(t, e.authorize("wes", "wes-pw"))
		// 4200 s left this week, but the week ends in 30 minutes: 1800 + 7200.
		if got := number(t, m, "reply:Session-Timeout"); got != 1800+7200 {
			t.Fatalf("Session-Timeout %d, want %d", got, 1800+7200)
		}
		// November in Rome: both sessions, 9 GB of 10: 1 GB left.
		if got := number(t, m, "reply:ChilliSpot-Max-Total-Octets"); got != 1_000_000_000 {
			t.Fatalf("octets left %d, want 1000000000", got)
		}
		// 23:30 UTC on 30 November is 00:30 on 1 December in Rome: a new
		// month, the full 10 GB, above 4 GiB, so gigawords too.
		e.clock.Set(time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC))
		m = wantAccept(t, e.authorize("wes", "wes-pw"))
		if o, g := number(t, m, "reply:ChilliSpot-Max-Total-Octets"), number(t, m, "reply:ChilliSpot-Max-Total-Gigawords"); g<<32+o != 10_000_000_000 {
			t.Fatalf("new month: %d gigawords + %d octets, want 10000000000", g, o)
		}
		// Monday 30 November 08:00 Rome: a new week, 7200 s again.
		e.clock.Set(time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC))
		if got := number(t, wantAccept(t, e.authorize("wes", "wes-pw")), "reply:Session-Timeout"); got != 7200 {
			t.Fatalf("new week Session-Timeout %d, want 7200", got)
		}
		// Another 1 GB in November fills its 10 GB.
		e.session("w3", "wes", time.Date(2026, 11, 30, 7, 10, 0, 0, time.UTC), 60, 1_000_000_000)
		e.clock.Set(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
		wantQuotaReject(t, e.authorize("wes", "wes-pw"), "monthly usage traffic")
	})
}
