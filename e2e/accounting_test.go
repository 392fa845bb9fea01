package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/freeradius"
)

// TestAccounting sends a session's Start, Interim-Update and Stop, then
// an Accounting-On, and reads them back through GET /api/v1/accounting/.
func TestAccounting(t *testing.T) {
	requireTools(t)
	t.Parallel()
	t.Run("native", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, backend string) { testAccounting(t, backend, freeradius.Native) })
	})
	// The database does not change what FreeRADIUS sends: SQLite only.
	t.Run("django", func(t *testing.T) { testAccounting(t, "sqlite", freeradius.Django) })
}

// session returns the accounting attributes of a session.
func session(user, id, nasIP string, extra ...[2]string) [][2]string {
	return append([][2]string{
		{"User-Name", user},
		{"Acct-Session-Id", id},
		{"NAS-IP-Address", nasIP},
		{"NAS-Port", "7"},
		{"NAS-Port-Type", "Wireless-802.11"},
		{"Called-Station-Id", "AA-BB-CC-DD-EE-FF:e2e-ssid"},
		{"Calling-Station-Id", "11-22-33-44-55-66"},
		{"Service-Type", "Framed-User"},
		{"Framed-Protocol", "PPP"},
		{"Framed-IP-Address", "10.0.0.7"},
		{"Acct-Authentic", "RADIUS"},
	}, extra...)
}

func testAccounting(t *testing.T, backend string, style freeradius.Style) {
	g := startGoradius(t, backend)
	g.addUser("acct-user", "acct-pass-1")
	r := startRadius(t, g, radiusOptions{style: style})
	gigawords := style == freeradius.Native // the django templates send no Gigawords

	var uniqueID string
	t.Run("start", func(t *testing.T) {
		a := r.send("acct", session("acct-user", "sess-1", "127.0.0.1", [2]string{"Acct-Status-Type", "Start"}))
		expect(t, "Start", a, "Accounting-Response")
		rows := g.sessions("acct-user")
		if len(rows) != 1 {
			t.Fatalf("%d sessions after Start, want 1: %v", len(rows), rows)
		}
		s := rows[0]
		uniqueID, _ = s["unique_id"].(string)
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(uniqueID) {
			t.Errorf("unique_id %q is not acct_unique's md5", uniqueID)
		}
		want(t, s, map[string]any{
			"session_id": "sess-1", "username": "acct-user", "nas_ip_address": "127.0.0.1",
			"nas_port_id": "7", "nas_port_type": "Wireless-802.11",
			"called_station_id": "AA-BB-CC-DD-EE-FF:e2e-ssid", "calling_station_id": "11-22-33-44-55-66",
			"service_type": "Framed-User", "framed_protocol": "PPP", "framed_ip_address": "10.0.0.7",
			"authentication": "RADIUS", "session_time": 0.0, "input_octets": 0.0, "output_octets": 0.0,
			"stop_time": nil,
		})
		if s["start_time"] == nil {
			t.Errorf("no start_time: %v", s)
		}
	})
	t.Run("interim-update", func(t *testing.T) {
		a := r.send("acct", session("acct-user", "sess-1", "127.0.0.1",
			[2]string{"Acct-Status-Type", "Interim-Update"}, [2]string{"Acct-Session-Time", "60"},
			[2]string{"Acct-Input-Octets", "1000"}, [2]string{"Acct-Output-Octets", "2000"}))
		expect(t, "Interim-Update", a, "Accounting-Response")
		rows := g.sessions("acct-user")
		if len(rows) != 1 {
			t.Fatalf("%d sessions after Interim-Update, want 1", len(rows))
		}
		want(t, rows[0], map[string]any{"unique_id": uniqueID, "session_time": 60.0, "input_octets": 1000.0, "output_octets": 2000.0, "stop_time": nil})
		if rows[0]["update_time"] == nil {
			t.Errorf("no update_time after Interim-Update: %v", rows[0])
		}
	})
	t.Run("stop", func(t *testing.T) {
		a := r.send("acct", session("acct-user", "sess-1", "127.0.0.1",
			[2]string{"Acct-Status-Type", "Stop"}, [2]string{"Acct-Session-Time", "120"},
			[2]string{"Acct-Input-Octets", "5000"}, [2]string{"Acct-Output-Octets", "6000"},
			[2]string{"Acct-Input-Gigawords", "1"}, [2]string{"Acct-Terminate-Cause", "User-Request"}))
		expect(t, "Stop", a, "Accounting-Response")
		rows := g.sessions("acct-user")
		if len(rows) != 1 {
			t.Fatalf("%d sessions after Stop, want 1", len(rows))
		}
		in := 5000.0
		if gigawords {
			in += 1 << 32
		}
		want(t, rows[0], map[string]any{"unique_id": uniqueID, "session_time": 120.0, "input_octets": in,
			"output_octets": 6000.0, "terminate_cause": "User-Request"})
		if rows[0]["stop_time"] == nil {
			t.Errorf("no stop_time after Stop: %v", rows[0])
		}
	})
	t.Run("accounting-on", func(t *testing.T) {
		// An open session of another NAS, which then reboots.
		a := r.send("acct", session("acct-user", "sess-2", "127.0.0.2", [2]string{"Acct-Status-Type", "Start"}))
		expect(t, "Start on 127.0.0.2", a, "Accounting-Response")
		a = r.send("acct", [][2]string{{"Acct-Status-Type", "Accounting-On"}, {"NAS-IP-Address", "127.0.0.2"},
			{"Acct-Session-Id", "00000000"}})
		expect(t, "Accounting-On", a, "Accounting-Response")
		for _, s := range g.sessions("acct-user") {
			if s["stop_time"] == nil {
				t.Errorf("session still open after the NAS's Accounting-On: %v", s)
			}
			if s["session_id"] == "sess-2" {
				want(t, s, map[string]any{"terminate_cause": "NAS-Reboot"})
			}
		}
		if n := len(g.sessions("acct-user")); n != 2 {
			t.Errorf("%d sessions, want 2 (Accounting-On stores none)", n)
		}
	})
	// The django templates send no Event-Timestamp.
	if style != freeradius.Native {
		return
	}
	t.Run("event-timestamp", func(t *testing.T) {
		event := time.Now().Add(-time.Hour).Truncate(time.Second)
		a := r.send("acct", session("acct-user", "sess-3", "127.0.0.1", [2]string{"Acct-Status-Type", "Start"},
			[2]string{"Event-Timestamp", strconv.FormatInt(event.Unix(), 10)}, [2]string{"Acct-Delay-Time", "10"}))
		expect(t, "Start with Event-Timestamp", a, "Accounting-Response")
		for _, s := range g.sessions("acct-user") {
			if s["session_id"] != "sess-3" {
				continue
			}
			st, err := time.Parse(time.RFC3339Nano, fmt.Sprint(s["start_time"]))
			if err != nil {
				t.Fatalf("start_time %v: %v", s["start_time"], err)
			}
			if d := st.Sub(event.Add(-10 * time.Second)); d < -2*time.Second || d > 2*time.Second {
				t.Errorf("start_time %v, want Event-Timestamp - Acct-Delay-Time = %v", st, event.Add(-10*time.Second).UTC())
			}
			return
		}
		t.Errorf("session sess-3 not stored")
	})
}

// want compares fields of a JSON row.
func want(t *testing.T, row map[string]any, fields map[string]any) {
	t.Helper()
	for k, v := range fields {
		if got, ok := row[k]; !ok || fmt.Sprint(got) != fmt.Sprint(v) {
			t.Errorf("%s = %#v, want %#v (row %v)", k, got, v, row)
		}
	}
}

// TestGoradiusDown stops goradius under a running FreeRADIUS: an
// Access-Request is rejected and an Accounting-Request gets no answer;
// after a restart on the same port, the NAS's retransmission of that
// accounting packet is answered and stored once.
func TestGoradiusDown(t *testing.T) {
	requireTools(t)
	t.Parallel()
	g := startGoradius(t, "sqlite")
	g.addUser("down-user", "down-pass-1")
	r := startRadius(t, g, radiusOptions{style: freeradius.Native})
	expect(t, "before the stop", r.pap("down-user", "down-pass-1"), "Access-Accept")

	stopBegin := time.Now()
	g.stop()
	t.Logf("goradius stopped in %v", time.Since(stopBegin).Round(time.Millisecond))
	expect(t, "Access-Request with goradius down", r.pap("down-user", "down-pass-1"), "Access-Reject")
	start := session("down-user", "down-1", "127.0.0.1", [2]string{"Acct-Status-Type", "Start"})
	expect(t, "Accounting-Request with goradius down", r.send("acct", start), "")

	// A NAS retransmits: radclient sends the same packet every 2 s, 4
	// times; goradius comes back meanwhile.
	done := make(chan answer, 1)
	go func() {
		done <- r.send("acct", session("down-user", "down-2", "127.0.0.1", [2]string{"Acct-Status-Type", "Start"}), "-r", "4", "-t", "2")
	}()
	time.Sleep(1200 * time.Millisecond)
	g.start()
	a := <-done
	expect(t, "retransmitted Accounting-Request after the restart", a, "Accounting-Response")
	t.Logf("radclient sent the packet %d time(s) before its answer", strings.Count(a.Out, "Sent Accounting-Request"))
	// The first packet, sent again by hand.
	expect(t, "first Accounting-Request sent again", r.send("acct", start), "Accounting-Response")
	expect(t, "first Accounting-Request sent a third time", r.send("acct", start), "Accounting-Response")
	count := map[string]int{}
	for _, s := range g.sessions("down-user") {
		count[s["session_id"].(string)]++
	}
	if count["down-1"] != 1 || count["down-2"] != 1 || len(count) != 2 {
		t.Errorf("sessions stored: %v, want down-1 and down-2 once each", count)
	}
	expect(t, "Access-Request after the restart", r.pap("down-user", "down-pass-1"), "Access-Accept")
}

// TestGoradiusSlow freezes goradius (SIGSTOP) under a running FreeRADIUS,
// the way an overloaded host or a stalled database looks from outside: the
// connection is accepted but nothing answers. The rest module gives up after
// its 4 s timeout: an Access-Request is rejected, never accepted, and an
// Accounting-Request gets no answer. Once goradius runs again (SIGCONT) it
// works through what was queued, and the NAS's retransmission of the
// accounting packet is answered and the session stored once.
func TestGoradiusSlow(t *testing.T) {
	requireTools(t)
	t.Parallel()
	g := startGoradius(t, "sqlite")
	g.addUser("slow-user", "slow-pass-1")
	r := startRadius(t, g, radiusOptions{style: freeradius.Native})
	expect(t, "before the freeze", r.pap("slow-user", "slow-pass-1"), "Access-Accept")

	g.signal(syscall.SIGSTOP)
	frozen := true
	t.Cleanup(func() {
		if frozen {
			g.signal(syscall.SIGCONT)
		}
	})
	begin := time.Now()
	// The reject comes after two timeouts of 4 s: authorize's, then the
	// post-auth call that logs the reject. radclient waits longer.
	expect(t, "Access-Request with goradius frozen",
		r.send("auth", [][2]string{{"User-Name", "slow-user"}, {"User-Password", "slow-pass-1"}}, "-t", "14"), "Access-Reject")
	waited := time.Since(begin)
	t.Logf("Access-Reject after %v", waited.Round(time.Millisecond))
	if waited < 7*time.Second {
		t.Errorf("the reject came after %v: not the rest module's two timeouts", waited)
	}
	start := session("slow-user", "slow-1", "127.0.0.1", [2]string{"Acct-Status-Type", "Start"})
	expect(t, "Accounting-Request with goradius frozen", r.send("acct", start, "-t", "6"), "")

	g.signal(syscall.SIGCONT)
	frozen = false
	expect(t, "Access-Request after the thaw", r.pap("slow-user", "slow-pass-1"), "Access-Accept")
	// The NAS retransmits the unanswered packet, twice.
	expect(t, "retransmitted Accounting-Request", r.send("acct", start), "Accounting-Response")
	expect(t, "retransmitted Accounting-Request, again", r.send("acct", start), "Accounting-Response")
	n := 0
	for _, s := range g.sessions("slow-user") {
		if s["session_id"] == "slow-1" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("session slow-1 stored %d times, want once", n)
	}
}
