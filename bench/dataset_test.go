package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/password"
)

func TestDjangoPBKDF2(t *testing.T) {
	// Few iterations: the format is what is tested, and goradius's own
	// checker must accept it.
	h, err := djangoPBKDF2(benchPassword, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^pbkdf2_sha256\$1000\$[a-zA-Z0-9]{22}\$[A-Za-z0-9+/]{43}=$`).MatchString(h) {
		t.Fatalf("not a Django pbkdf2_sha256 hash: %q", h)
	}
	if !password.Check(benchPassword, h) || password.Check("wrong", h) {
		t.Fatalf("goradius does not verify %q", h)
	}
}

func TestDataset(t *testing.T) {
	now := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	spec := dataSpec{users: 100, tokens: 10, rows: 20000, days: 30}
	d := newDataset(spec, now, "pbkdf2_sha256$x")
	if d.heavyRows != 200 || len(d.open) != 1000 {
		t.Fatalf("heavy rows %d, open %d; want 1%% and 5%%", d.heavyRows, len(d.open))
	}
	seen := map[string]bool{}
	var prevStart time.Time
	usage := map[string][2]int64{} // seconds, octets the daily counters add up
	open := 0
	for i := range spec.rows {
		r := d.acct(i)
		if len(r.uniqueID) != 32 || seen[r.uniqueID] {
			t.Fatalf("row %d: unique id %q (32 hex digits, unique)", i, r.uniqueID)
		}
		seen[r.uniqueID] = true
		if len(r.sessionID) > 64 || len(r.nasPortID) > 15 || len(r.calledStation) > 50 || len(r.callingStation) > 50 {
			t.Fatalf("row %d: a value is longer than its column: %+v", i, r)
		}
		if r.start.After(now) || r.start.Before(now.AddDate(0, 0, -31)) || r.update.Before(r.start) || r.update.After(now) {
			t.Fatalf("row %d: times %v %v outside the 30 days", i, r.start, r.update)
		}
		if i > 0 && r.start.Before(prevStart.Add(-time.Minute)) {
			t.Fatalf("row %d starts %v before row %d (%v): rows must be in time order", i, r.start, i-1, prevStart)
		}
		prevStart = r.start
		if r.stop == nil {
			open++
			if i%openEvery != openPhase {
				t.Fatalf("row %d is open", i)
			}
		} else if r.stop.Before(r.start) || r.sessionTime < 0 {
			t.Fatalf("row %d: stop %v before start %v", i, r.stop, r.start)
		}
		if (i%heavyEvery == 0) != (r.username == d.heavyUser) {
			t.Fatalf("row %d belongs to %s", i, r.username)
		}
		if r.stop == nil || !r.stop.Before(d.today()) {
			u := usage[r.username]
			u[0] += r.sessionTime
			u[1] += r.input + r.output
			usage[r.username] = u
		}
	}
	if open != len(d.open) {
		t.Fatalf("%d open rows, dataset says %d", open, len(d.open))
	}
	// authorize-pbkdf2 logs regular users in: none but the heavy one may
	// be over the default group's daily limits.
	for u, v := range usage {
		if u != d.heavyUser && (v[0] >= 10800 || v[1] >= 3_000_000_000) {
			t.Errorf("%s is over the daily limits: %d s, %d octets", u, v[0], v[1])
		}
	}
	if k := tokenKey("tok", 1); len(k) != 40 || k == tokenKey("tok", 2) || k == tokenKey("sso", 1) ||
		!regexp.MustCompile(`^[a-zA-Z0-9]{40}$`).MatchString(k) {
		t.Errorf("token key %q", k)
	}
}

func TestTables(t *testing.T) {
	spec := dataSpec{users: 20, tokens: 5, rows: 50, days: 2}
	d := newDataset(spec, time.Now(), "hash")
	tables := d.tables(map[string]int64{"users": 1, "power-users": 2})
	byName := map[string]table{}
	for _, tb := range tables {
		byName[tb.name] = tb
		row := make([]any, len(tb.cols))
		for i := range tb.n {
			for j := range row {
				row[j] = nil
			}
			tb.row(i, row)
			if tb.name != "radacct" {
				for j, v := range row {
					if v == nil {
						t.Fatalf("%s row %d: %s is nil", tb.name, i, tb.cols[j])
					}
				}
			}
		}
	}
	if byName["users"].n != 30 || byName["radiustoken"].n != 10 || byName["radacct"].n != 50 ||
		byName["radusergroup"].n != 30+2 {
		t.Fatalf("row counts: users %d, tokens %d, radacct %d, groups %d", byName["users"].n,
			byName["radiustoken"].n, byName["radacct"].n, byName["radusergroup"].n)
	}
	// Token users: tok* have the pbkdf2 hash, sso* an unusable password.
	u := byName["users"]
	row := make([]any, len(u.cols))
	u.row(20, row) // tok000001
	if row[1] != "tok000001" || row[2] != "hash" {
		t.Errorf("first token user: %v", row[:3])
	}
	u.row(25, row) // sso000001
	if row[1] != "sso000001" || !strings.HasPrefix(row[2].(string), "!") || password.IsUsable(row[2].(string)) {
		t.Errorf("first sso user: %v", row[:3])
	}
	tk := byName["radiustoken"]
	tr := make([]any, 3)
	tk.row(5, tr)
	if tr[0] != tokenKey("sso", 1) || tr[1] != int64(26) {
		t.Errorf("first sso token: %v", tr)
	}
}

func TestPayloads(t *testing.T) {
	var m map[string]string
	b := appendAuthorize(nil, "alice", "s3cret")
	if err := json.Unmarshal(b, &m); err != nil || m["username"] != "alice" || m["password"] != "s3cret" || len(m) != 2 {
		t.Fatalf("authorize body %s: %v", b, err)
	}
	b = appendAccounting(nil, &acctFields{status: "Start", sessionID: "S", uniqueID: "U", username: "alice", nasIP: "10.0.0.1"})
	m = nil
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("accounting body %s: %v", b, err)
	}
	// The keys of the README's rlm_rest template, every value a string.
	keys := []string{"status_type", "session_id", "unique_id", "username", "realm", "nas_ip_address", "nas_port_id",
		"nas_port_type", "session_time", "authentication", "input_octets", "output_octets", "called_station_id",
		"calling_station_id", "terminate_cause", "service_type", "framed_protocol", "framed_ip_address"}
	if len(m) != len(keys) {
		t.Fatalf("%d keys, want %d: %s", len(m), len(keys), b)
	}
	last := -1
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Fatalf("no %q in %s", k, b)
		}
		at := strings.Index(string(b), `"`+k+`"`)
		if at < last {
			t.Fatalf("%q out of the template's order in %s", k, b)
		}
		last = at
	}
	if m["session_time"] != "" || m["status_type"] != "Start" {
		t.Fatalf("values: %v", m)
	}
}

func TestSelectScenarios(t *testing.T) {
	all := scenarios(4)
	got, err := selectScenarios(all, "authorize-token, acct-list-open")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.name)
	}
	if strings.Join(names, ",") != "authorize-token,authorize-token-nopw,acct-list-open,acct-list-open-deep" {
		t.Fatalf("selected %v", names)
	}
	if _, err := selectScenarios(all, "nope"); err == nil {
		t.Fatal("an unknown scenario must be an error")
	}
	if got, _ := selectScenarios(all, ""); len(got) != len(all) {
		t.Fatal("an empty filter selects every scenario")
	}
}

func TestParseBackends(t *testing.T) {
	names, explicit, err := parseBackends("")
	if err != nil || explicit || strings.Join(names, ",") != "sqlite,postgres,mysql" {
		t.Fatalf("default: %v %v %v", names, explicit, err)
	}
	names, explicit, err = parseBackends(" mariadb,sqlite,postgresql,sqlite ")
	if err != nil || !explicit || strings.Join(names, ",") != "mysql,sqlite,postgres" {
		t.Fatalf("list: %v %v %v", names, explicit, err)
	}
	if _, _, err := parseBackends("oracle"); err == nil {
		t.Fatal("unknown backend accepted")
	}
}
