package aaa

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

func item(attr, op, value string) store.Item {
	return store.Item{Attribute: attr, Op: op, Value: value}
}

func TestCompareOperators(t *testing.T) {
	req := Attributes{}
	req.Add("Called-Station-Id", "AA-BB-CC-00-00-01:office")
	req.Add("NAS-Port", "12")
	req.Add("NAS-IP-Address", "10.0.0.9")
	req.Add("Service-Type", "Framed-User")
	req.Add("Calling-Station-Id", "de:ad:be:ef:00:01")
	req.Add("Calling-Station-Id", "de:ad:be:ef:00:02")
	req.Add("X-Custom", "42")
	cases := []struct {
		attr, op, value string
		want            bool
	}{
		{"Called-Station-Id", "==", "AA-BB-CC-00-00-01:office", true},
		{"called-station-id", "==", "AA-BB-CC-00-00-01:office", true},  // names are case-insensitive
		{"Called-Station-Id", "==", "aa-bb-cc-00-00-01:office", false}, // values are not
		{"Called-Station-Id", "=", "AA-BB-CC-00-00-01:office", true},   // "=" compares like "=="
		{"Called-Station-Id", "!=", "AA-BB-CC-00-00-01:guest", true},
		{"Called-Station-Id", "!=", "AA-BB-CC-00-00-01:office", false},
		{"Called-Station-Id", "=~", `:office$`, true},
		{"Called-Station-Id", "=~", `^BB`, false},
		{"Called-Station-Id", "!~", `:guest$`, true},
		{"Called-Station-Id", "!~", `office`, false},
		{"Called-Station-Id", "=~", `(`, false}, // invalid expression never matches
		{"NAS-Port", ">", "9", true},            // numeric, not "12" > "9" as text
		{"NAS-Port", ">=", "12", true},
		{"NAS-Port", "<", "12", false},
		{"NAS-Port", "<=", "12", true},
		{"NAS-Port", "<", "100", true},
		{"NAS-IP-Address", "==", "10.0.0.9", true},
		{"NAS-IP-Address", ">", "10.0.0.10", false}, // addresses, not text
		{"NAS-IP-Address", "<", "10.0.0.10", true},
		{"Service-Type", "==", "Framed-User", true},
		{"Service-Type", "==", "2", true}, // named and numbered values are the same
		{"Service-Type", "!=", "Login-User", true},
		{"X-Custom", ">", "9", true},                            // unknown attributes: numbers when both are
		{"Calling-Station-Id", "==", "de:ad:be:ef:00:02", true}, // any of several values
		{"Calling-Station-Id", "=*", "", true},
		{"Calling-Station-Id", "!*", "", false},
		{"Framed-IP-Address", "=*", "", false},
		{"Framed-IP-Address", "!*", "", true},
		{"Framed-IP-Address", "==", "10.0.0.1", false}, // absent: no match
		{"Called-Station-Id", "<>", "x", false},        // unknown operator
		// Assignments and server items are never compared.
		{"Framed-IP-Address", ":=", "10.0.0.1", true},
		{"Reply-Message", "+=", "x", true},
		{"Simultaneous-Use", "==", "1", true},
		{"Auth-Type", "==", "Reject", true},
		{"Max-Daily-Session", "==", "10800", true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %s %s", c.attr, c.op, c.value), func(t *testing.T) {
			if got := matchChecks([]store.Item{item(c.attr, c.op, c.value)}, req); got != c.want {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
	t.Run("User-Password only compared when sent", func(t *testing.T) {
		it := []store.Item{item("User-Password", "==", "secret")}
		if !matchChecks(it, Attributes{}) {
			t.Fatal("a CHAP request (no User-Password) must not fail on a User-Password item")
		}
		pw := Attributes{}
		pw.Add("User-Password", "other")
		if matchChecks(it, pw) {
			t.Fatal("a wrong User-Password matched")
		}
	})
	t.Run("all items must hold", func(t *testing.T) {
		if matchChecks([]store.Item{item("NAS-Port", ">", "1"), item("Called-Station-Id", "==", "nope")}, req) {
			t.Fatal("one failing item must fail the list")
		}
	})
}

func TestMoveItems(t *testing.T) {
	list := moveItems(nil, []store.Item{
		item("Reply-Message", "=", "first"),
		item("Reply-Message", "=", "ignored: already there"),
		item("Reply-Message", "+=", "second"),
		item("Session-Timeout", ":=", "100"),
		item("Session-Timeout", ":=", "200"),
		item("Class", "+=", "a"), item("Class", "+=", "b"), item("Class", "-=", "a"),
		item("Called-Station-Id", "==", "not an assignment"),
	})
	var got []string
	for _, p := range list {
		got = append(got, p.Name+p.Op+p.Value)
	}
	want := "Reply-Message=first Reply-Message+=second Session-Timeout:=200 Class+=b"
	if strings.Join(got, " ") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestEvaluateFallThrough(t *testing.T) {
	office := Attributes{}
	office.Add("Called-Station-Id", "AP:office")
	pol := store.Policy{
		Check: []store.Item{item("Simultaneous-Use", ":=", "2")},
		Reply: []store.Item{item("Reply-Message", "=", "user")},
		Groups: []store.GroupPolicy{
			{Name: "office-only", Check: []store.Item{item("Called-Station-Id", "==", "AP:office"), item("Max-Daily-Session", ":=", "100")},
				Reply: []store.Item{item("Filter-Id", "=", "office"), item("Fall-Through", "=", "Yes")}},
			{Name: "guests", Check: []store.Item{item("Called-Station-Id", "==", "AP:guest"), item("Max-Daily-Session", ":=", "50")},
				Reply: []store.Item{item("Filter-Id", "=", "guest")}},
			{Name: "all", Check: []store.Item{item("Max-Daily-Session-Traffic", ":=", "1000")},
				Reply: []store.Item{item("Session-Timeout", "=", "3600"), item("Fall-Through", "=", "No")}},
			{Name: "never-reached", Reply: []store.Item{item("Idle-Timeout", "=", "60")}},
		},
	}
	ev := evaluate(&pol, office)
	if ev.userCheckFailed {
		t.Fatal("user checks failed")
	}
	if v, _ := lastValue(ev.control, "Max-Daily-Session"); v != "100" {
		t.Fatalf("Max-Daily-Session = %q: the guest group's checks do not hold, so its items must not apply", v)
	}
	if v, _ := lastValue(ev.control, "Simultaneous-Use"); v != "2" {
		t.Fatalf("user control item lost: %q", v)
	}
	if _, ok := lastValue(ev.reply, "Idle-Timeout"); ok {
		t.Fatal("Fall-Through = No in a group's reply must stop at that group")
	}
	got := replyItems(ev.reply)
	var names []string
	for _, r := range got {
		names = append(names, r.Name+"="+r.Value)
	}
	if strings.Join(names, " ") != "Reply-Message=user Filter-Id=office Session-Timeout=3600" {
		t.Fatalf("reply %v (Fall-Through must not be sent)", names)
	}

	t.Run("without Fall-Through = Yes the walk stops at the first group that applies", func(t *testing.T) {
		p := pol
		p.Groups = append([]store.GroupPolicy{}, pol.Groups...)
		p.Groups[0].Reply = []store.Item{item("Filter-Id", "=", "office")}
		ev := evaluate(&p, office)
		if hasAttr(ev.reply, "Session-Timeout") || hasAttr(ev.control, "Max-Daily-Session-Traffic") {
			t.Fatalf("a group after the first applied one was read: %+v %+v", ev.reply, ev.control)
		}
		guest := Attributes{}
		guest.Add("Called-Station-Id", "AP:guest")
		ev = evaluate(&p, guest) // office-only is skipped: its checks fail
		if v, _ := lastValue(ev.control, "Max-Daily-Session"); v != "50" || hasAttr(ev.reply, "Session-Timeout") {
			t.Fatalf("skipped groups must not stop the walk: %+v %+v", ev.reply, ev.control)
		}
	})
	t.Run("Fall-Through = No in the user's reply skips the groups", func(t *testing.T) {
		p := pol
		p.Reply = append([]store.Item{}, item("Fall-Through", ":=", "no"))
		if ev := evaluate(&p, office); len(ev.reply) != 1 || hasAttr(ev.control, "Max-Daily-Session") {
			t.Fatalf("groups were read: %+v %+v", ev.reply, ev.control)
		}
	})
	t.Run("failing user checks", func(t *testing.T) {
		p := pol
		p.Check = []store.Item{item("Called-Station-Id", "==", "AP:lab")}
		if ev := evaluate(&p, office); !ev.userCheckFailed || hasAttr(ev.reply, "Reply-Message") {
			t.Fatalf("%+v", ev)
		}
	})
}

func TestPeriodStart(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name        string
		s           CounterSettings
		p           Period
		now         string
		start, next string
	}{
		{"daily UTC", CounterSettings{}, Daily, "2026-11-24T13:00:00Z", "2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z"},
		{"daily at midnight exactly", CounterSettings{}, Daily, "2026-11-24T00:00:00Z", "2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z"},
		{"daily in Rome (UTC+1)", CounterSettings{Location: rome}, Daily, "2026-11-24T23:30:00Z", "2026-11-24T23:00:00Z", "2026-11-25T23:00:00Z"},
		{"daily, day starts 06:00", CounterSettings{DayStart: 6 * time.Hour}, Daily, "2026-11-24T05:00:00Z", "2026-11-23T06:00:00Z", "2026-11-24T06:00:00Z"},
		{"weekly from Monday", CounterSettings{WeekStart: time.Monday}, Weekly, "2026-11-29T10:00:00Z", "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z"},
		{"weekly from Sunday", CounterSettings{WeekStart: time.Sunday}, Weekly, "2026-11-29T10:00:00Z", "2026-11-29T00:00:00Z", "2026-12-06T00:00:00Z"},
		{"monthly", CounterSettings{}, Monthly, "2026-12-31T23:59:59Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"monthly in Rome at new year", CounterSettings{Location: rome}, Monthly, "2026-12-31T23:30:00Z", "2026-12-31T23:00:00Z", "2027-01-31T23:00:00Z"},
		// 2027-03-28 is 23 hours long in Rome (summer time starts).
		{"daily across DST in Rome", CounterSettings{Location: rome}, Daily, "2027-03-28T12:00:00Z", "2027-03-27T23:00:00Z", "2027-03-28T22:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now, _ := time.Parse(time.RFC3339, c.now)
			start, next := c.s.PeriodStart(c.p, now)
			if got := start.UTC().Format(time.RFC3339); got != c.start {
				t.Errorf("start %s, want %s", got, c.start)
			}
			if got := next.UTC().Format(time.RFC3339); got != c.next {
				t.Errorf("next %s, want %s", got, c.next)
			}
		})
	}
	if s, n := (CounterSettings{}).PeriodStart(Never, time.Now()); !s.IsZero() || !n.IsZero() {
		t.Fatal("Never has no period start or reset")
	}
}

func TestParseExpiration(t *testing.T) {
	want := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, v := range []string{"Jan 02 2030 03:04:05", "Jan  2 2030 03:04:05", "2030-01-02T03:04:05Z", "2030-01-02 03:04:05", "1893553445"} {
		got, ok := parseExpiration(v, time.UTC)
		if !ok || !got.Equal(want) {
			t.Errorf("%q: %v %v", v, got, ok)
		}
	}
	if got, ok := parseExpiration("Jan 02 2030", time.UTC); !ok || !got.Equal(time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date only: %v", got)
	}
	if _, ok := parseExpiration("tomorrow", time.UTC); ok {
		t.Error("nonsense parsed")
	}
}

func TestSetMinAndTraffic(t *testing.T) {
	list := setMin(nil, "Session-Timeout", 600)
	list = setMin(list, "Session-Timeout", 900)
	if v, _ := lastValue(list, "Session-Timeout"); v != "600" {
		t.Fatalf("setMin kept %s", v)
	}
	s := &Service{}
	r := s.trafficReply(nil, 5<<32+7)
	if v, _ := lastValue(r, "ChilliSpot-Max-Total-Octets"); v != "7" {
		t.Fatalf("octets %s", v)
	}
	if v, _ := lastValue(r, "ChilliSpot-Max-Total-Gigawords"); v != "5" {
		t.Fatalf("gigawords %s", v)
	}
	r = s.trafficReply(r, 100)
	if v, _ := lastValue(r, "ChilliSpot-Max-Total-Octets"); v != "100" || hasAttr(r, "ChilliSpot-Max-Total-Gigawords") {
		t.Fatalf("smaller remaining must replace: %+v", r)
	}
	r = s.trafficReply(r, 1000) // larger: keep 100
	if v, _ := lastValue(r, "ChilliSpot-Max-Total-Octets"); v != "100" {
		t.Fatalf("larger remaining replaced a smaller limit: %+v", r)
	}
}
