package djimport_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/djimport"
	"github.com/goradius/goradius/internal/djimport/djtest"
	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/server"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

const apiToken = "djimport-test-token-0123456789"

// now is the clock of the authorize checks: a day after the fixture was
// made, before any of its expirations.
var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func importFixture(t *testing.T, src string, dst store.Importer) djimport.Report {
	t.Helper()
	s, err := djimport.Open(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := djimport.Import(t.Context(), s, dst, djimport.Options{BatchSize: 7})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}

// TestImportFixture imports the django-freeradius fixture, from SQLite and
// from PostgreSQL, into every backend, twice.
func TestImportFixture(t *testing.T) {
	djtest.EachSource(t, func(t *testing.T, src string) {
		dbtest.EachBackend(t, func(t *testing.T, backend string) {
			s, dstURL := dbtest.Open(t, backend)
			ctx := t.Context()
			rep := importFixture(t, src, s.(store.Importer))
			checkReport(t, rep, false)
			if rep.DefaultGroup != "users" {
				t.Errorf("default group = %q, want users", rep.DefaultGroup)
			}

			before := djtest.Snapshot(t, dstURL)
			again := importFixture(t, src, s.(store.Importer))
			checkReport(t, again, true)
			after := djtest.Snapshot(t, dstURL)
			for _, table := range djtest.Tables {
				if !reflect.DeepEqual(before[table], after[table]) {
					t.Errorf("the second import changed %s:\nbefore %q\nafter  %q", table, before[table], after[table])
				}
			}

			checkUsers(t, s)
			checkGroups(t, ctx, s)
			checkAccounting(t, ctx, s)
			checkPostAuth(t, ctx, s)
			checkBatches(t, ctx, s)
			checkAuthorize(t, s)
		})
	})
}

func checkReport(t *testing.T, rep djimport.Report, second bool) {
	t.Helper()
	if len(rep.Counts) != len(djtest.FirstImport) {
		t.Fatalf("report has %d tables, want %d: %+v", len(rep.Counts), len(djtest.FirstImport), rep.Counts)
	}
	for i, want := range djtest.FirstImport {
		got := rep.Counts[i]
		inserted := want.Inserted
		if second {
			inserted = 0
		}
		if got.Table != want.Table || got.Read != want.Read || got.Inserted != inserted {
			t.Errorf("report line %d = %+v, want {%s %d %d}", i, got, want.Table, want.Read, inserted)
		}
	}
	if second && rep.Inserted() != 0 {
		t.Errorf("second import inserted %d rows", rep.Inserted())
	}
}

// checked caches password.Check by (password, encoded hash): every
// combination of source and target stores the same hashes, and each check
// costs up to a tenth of a second (far more under the race detector).
var checked sync.Map

func checkPassword(pw, encoded string) bool {
	key := pw + "\x00" + encoded
	if ok, found := checked.Load(key); found {
		return ok.(bool)
	}
	ok := password.Check(pw, encoded)
	checked.Store(key, ok)
	return ok
}

func checkUsers(t *testing.T, s store.Store) {
	t.Helper()
	users, err := s.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 16 {
		t.Fatalf("%d users, want 16", len(users))
	}
	byName := map[string]store.User{}
	for _, u := range users {
		byName[u.Username] = u
	}
	// Each known password matches the imported hash as is.
	for _, p := range djtest.Passwords {
		u, ok := byName[p.Username]
		if p.Username == "legacy-user" {
			if ok {
				t.Errorf("legacy-user (radcheck only) became a user")
			}
			continue
		}
		if !ok {
			t.Errorf("user %s missing", p.Username)
			continue
		}
		if !checkPassword(p.Password, u.Password) {
			t.Errorf("%s: password %q does not match the imported hash %q", p.Username, p.Password, u.Password)
		}
	}
	alice := byName["alice"]
	if alice.Password != "pbkdf2_sha256$260000$BwhqxHdalANTNDPxAehdo8$E2XSrLqcl5nmHDZVae42bq2fReBy/4DrK0Ih48rKHC0=" ||
		alice.Email != "alice@example.com" || alice.FirstName != "Alice" || alice.LastName != "Anders" ||
		!alice.IsActive || alice.IsStaff || alice.IsSuperuser || alice.LastLogin != nil || alice.ExpiresAt != nil ||
		!alice.DateJoined.Equal(time.Date(2026, 11, 24, 18, 20, 13, 23716000, time.UTC)) {
		t.Errorf("alice = %+v", alice)
	}
	if c := byName["carol"]; c.IsActive {
		t.Errorf("carol is active")
	}
	if g := byName["grace"]; !g.IsStaff || !g.IsSuperuser {
		t.Errorf("grace = %+v", g)
	}
	if o := byName["oscar"]; o.Password != "!3cwa5KSmpMMRcdSWzj11hv95uSwerXzF5mZdm6NE" || password.IsUsable(o.Password) {
		t.Errorf("oscar's password = %q", o.Password)
	}
	wantExp := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC) // valid through 2030-12-31
	for _, n := range []string{"heidi", "ivan", "judy", "kim", "mallory"} {
		if e := byName[n].ExpiresAt; e == nil || !e.Equal(wantExp) {
			t.Errorf("%s expires at %v, want %v", n, e, wantExp)
		}
	}
	if e := byName["guest1"].ExpiresAt; e != nil {
		t.Errorf("guest1 expires at %v, want never", e)
	}
}

func checkGroups(t *testing.T, ctx context.Context, s store.Store) {
	t.Helper()
	groups, err := s.Groups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range groups {
		names = append(names, g.Name)
	}
	if strings.Join(names, ",") != "power-users,staff-wifi,users" {
		t.Errorf("groups %v", names)
	}
	if d, err := s.DefaultGroup(ctx); err != nil || d.Name != "users" {
		t.Errorf("default group %q, %v", d.Name, err)
	}
	for user, want := range map[string]string{"alice": "users,staff-wifi", "grace": "power-users,users", "dave": "staff-wifi"} {
		got, err := s.UserGroups(ctx, user)
		if err != nil || strings.Join(got, ",") != want {
			t.Errorf("groups of %s = %v, %v; want %s", user, got, err, want)
		}
	}
	pol, err := s.PolicyFor(ctx, "dave", now)
	if err != nil || len(pol.Groups) != 1 || len(pol.Groups[0].Check) != 1 || len(pol.Groups[0].Reply) != 2 {
		t.Errorf("policy of dave: %+v, %v", pol, err)
	}
	// judy's expired radcheck row and bob's disabled one are left out.
	for user, n := range map[string]int{"judy": 0, "bob": 1, "ivan": 1, "alice": 2, "legacy-user": 1} {
		pol, err := s.PolicyFor(ctx, user, now)
		if err != nil || len(pol.Check) != n {
			t.Errorf("check items of %s: %+v, %v; want %d", user, pol.Check, err, n)
		}
	}
}

func ptr(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func checkAccounting(t *testing.T, ctx context.Context, s store.Store) {
	t.Helper()
	rows, err := s.ListAccounting(ctx, store.AcctFilter{}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 30 {
		t.Fatalf("%d radacct rows, want 30", len(rows))
	}
	byID := map[string]store.AcctSession{}
	for _, r := range rows {
		byID[r.UniqueID] = r
	}
	at := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04:05.999999", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	eqTime := func(p *time.Time, want string) bool {
		if want == "" {
			return p == nil
		}
		return p != nil && p.Equal(at(want))
	}
	for _, c := range []struct {
		uid, session, user, group, realm, nas, port string
		start, update, stop                         string
		sessionTime, in, out                        int64
		cause, ip, ip6, prefix6, ifID, delegated    string
	}{
		{"17b96fb9eabedf937fa0bd4f31bba7f4", "5F000001", "alice", "users", "", "192.168.10.1", "1",
			"2026-11-01 09:01:00", "2026-11-24 18:20:16.570158", "2026-11-24 18:20:16.570158",
			617, 1000123, 3000456, "Idle-Timeout", "10.8.1.1", "<nil>", "<nil>", "<nil>", "<nil>"},
		{"73ef4dbaa649a713702971a4f24a7d3a", "5F000005", "heidi", "users", "", "192.168.10.1", "5",
			"2026-11-02 13:05:00", "2026-11-24 18:20:16.676276", "2026-11-24 18:20:16.676276",
			3017, 5000123, 15000456, "Idle-Timeout", "10.8.1.5", "2001:db8::5", "2001:db8:0:5::/64", "0000:0000:0000:0005", "2001:db8:1:5::/64"},
		{"0f8e72a01d10d5be64965e56f8e240d5", "5F00000A", "visitor", "<nil>", "partner.example", "10.0.0.1", "10",
			"2026-11-03 08:10:00", "2026-11-24 18:20:16.792924", "2026-11-24 18:20:16.792924",
			6017, 10000123, 30000456, "Session-Timeout", "10.8.1.10", "2001:db8::a", "2001:db8:0:a::/64", "0000:0000:0000:000a", "2001:db8:1:a::/64"},
		{"c4066c5a4ba7b4998cf87cf5fe2d4237", "5F00000D", "frank", "users", "", "192.168.10.1", "13",
			"2026-11-04 11:13:00", "2026-11-24 18:20:16.878769", "",
			600, 2600000, 6500000, "", "10.8.1.13", "<nil>", "<nil>", "<nil>", "<nil>"},
		{"7bfc95fa380f32109152892b9a921042", "5F000019", "visitor", "<nil>", "partner.example", "192.168.10.1", "25",
			"2026-11-07 13:25:00", "", "",
			0, 0, 0, "", "10.8.1.25", "2001:db8::19", "2001:db8:0:19::/64", "0000:0000:0000:0019", "2001:db8:1:19::/64"},
		{"13b26c2fe71c35cc217b921fded99da1", "5F00001E", "judy", "users", "", "10.0.0.1", "30",
			"2026-11-20 12:30:00", "2026-11-24 18:20:17.279787", "",
			300, 3000000, 7500000, "", "10.8.1.30", "2001:db8::1e", "2001:db8:0:1e::/64", "0000:0000:0000:001e", "2001:db8:1:1e::/64"},
	} {
		r, ok := byID[c.uid]
		if !ok {
			t.Errorf("session %s missing", c.uid)
			continue
		}
		connectStop := "<nil>"
		if c.stop != "" {
			connectStop = "CONNECT 54Mbps 802.11g"
		}
		if r.SessionID != c.session || ptr(r.Username) != c.user || ptr(r.Groupname) != c.group || ptr(r.Realm) != c.realm ||
			r.NASIPAddress != c.nas || ptr(r.NASPortID) != c.port || ptr(r.NASPortType) != "Wireless-802.11" ||
			!eqTime(r.StartTime, c.start) || !eqTime(r.UpdateTime, c.update) || !eqTime(r.StopTime, c.stop) ||
			r.Interval != nil || r.SessionTime == nil || *r.SessionTime != c.sessionTime ||
			r.InputOctets == nil || *r.InputOctets != c.in || r.OutputOctets == nil || *r.OutputOctets != c.out ||
			ptr(r.Authentication) != "RADIUS" || ptr(r.ConnectInfoStart) != "CONNECT 54Mbps 802.11g" || ptr(r.ConnectInfoStop) != connectStop ||
			ptr(r.TerminateCause) != c.cause || ptr(r.ServiceType) != "Login-User" || ptr(r.FramedProtocol) != "" ||
			ptr(r.FramedIPAddress) != c.ip || ptr(r.FramedIPv6Address) != c.ip6 || ptr(r.FramedIPv6Prefix) != c.prefix6 ||
			ptr(r.FramedInterfaceID) != c.ifID || ptr(r.DelegatedIPv6Prefix) != c.delegated {
			b, _ := json.Marshal(r)
			t.Errorf("session %s (%s) = %s", c.session, c.uid, b)
		}
	}
	for _, c := range []struct {
		f    store.AcctFilter
		want int
	}{
		{store.AcctFilter{IsOpen: new(true)}, 17},
		{store.AcctFilter{IsOpen: new(false)}, 13},
		{store.AcctFilter{Username: "alice"}, 4},
		{store.AcctFilter{CalledStationID: "AA-BB-CC-00-00-01:fixture-wifi"}, 15},
	} {
		if n, err := s.CountAccounting(ctx, c.f); err != nil || n != c.want {
			t.Errorf("CountAccounting(%+v) = %d, %v; want %d", c.f, n, err, c.want)
		}
	}
}

func checkPostAuth(t *testing.T, ctx context.Context, s store.Store) {
	t.Helper()
	log, err := s.PostAuthLog(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 20 {
		t.Fatalf("%d radpostauth rows, want 20", len(log))
	}
	last := log[0] // newest: row 20
	if last.Username != "dave" || last.Reply != "Access-Accept" || last.Password != "" ||
		ptr(last.CallingStationID) != "de:ad:be:ef:01:14" ||
		!last.AuthDate.Equal(time.Date(2026, 11, 24, 18, 20, 17, 409968000, time.UTC)) {
		t.Errorf("newest post-auth row = %+v", last)
	}
	oscar := log[2] // row 18
	if oscar.Username != "oscar" || oscar.Password != "wrong-oscar-18" || oscar.Reply != "Access-Reject" ||
		oscar.CalledStationID != nil || oscar.CallingStationID != nil {
		t.Errorf("row 18 = %+v", oscar)
	}
}

func checkBatches(t *testing.T, ctx context.Context, s store.Store) {
	t.Helper()
	b, err := s.BatchByName(ctx, "csv-import")
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != "26248562-7f37-46f5-aa60-839e0fa47314" || b.Strategy != "csv" || b.CSVFileName != "users.csv" ||
		b.PDFFileName != "" || b.Prefix != "" || b.ExpirationDate == nil ||
		b.ExpirationDate.Format(time.DateOnly) != "2030-12-31" || len(b.UserIDs) != 5 {
		t.Errorf("csv-import = %+v", b)
	}
	g, err := s.BatchByID(ctx, "f264c761-ad6d-4c79-bf91-2fc0a20ffa7e")
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "guest-vouchers" || g.Prefix != "guest" || g.PDFFileName != "guest_thCJi5E.pdf" || g.ExpirationDate != nil {
		t.Errorf("guest-vouchers = %+v", g)
	}
	users, err := s.UsersByIDs(ctx, g.UserIDs)
	if err != nil || len(users) != 3 || users[0].Username != "guest1" || users[2].Username != "guest3" {
		t.Errorf("users of guest-vouchers: %+v, %v", users, err)
	}
	if _, err := s.BatchFile(ctx, g.ID, "pdf"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the pdf of guest-vouchers: %v, want not found (file contents are not imported)", err)
	}
	// The tokens came along.
	u, err := s.UserByAuthToken(ctx, "a6aaab34b182ccc54e6ef63ecb94d3af2cd9c78a")
	if err != nil || u.Username != "alice" {
		t.Errorf("user of alice's API token: %q, %v", u.Username, err)
	}
	bob, _ := s.UserByUsername(ctx, "bob")
	if ok, err := s.CheckRadiusToken(ctx, bob.ID, "fK8RKsU8vt6GzlsqTz6DlTYLkXpuNKUDyeXztko6"); !ok || err != nil {
		t.Errorf("bob's radius token: %v, %v", ok, err)
	}
}

// checkAuthorize asks goradius's real authorize endpoint about every
// fixture password.
func checkAuthorize(t *testing.T, s store.Store) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c, err := config.Register(fs, config.ServeOptions|config.DBOptions).Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c.APIToken = apiToken
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(server.New(server.Deps{Config: c, Store: s, Log: log, Now: func() time.Time { return now }}, apiToken))
	defer srv.Close()
	authorize := func(user, pw string) (int, string) {
		body := url.Values{"username": {user}, "password": {pw}}.Encode()
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/authorize/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+apiToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	accepted := func(code int, body string) bool {
		var m map[string]any
		_ = json.Unmarshal([]byte(body), &m)
		return code == 200 && m["control:Auth-Type"] == "Accept"
	}
	for _, p := range djtest.Passwords {
		code, body := authorize(p.Username, p.Password)
		if accepted(code, body) != p.Accept {
			t.Errorf("authorize %s with %q: %d %s; want accepted=%v", p.Username, p.Password, code, body, p.Accept)
		}
	}
	if code, body := authorize("alice", "alice-pass-2"); accepted(code, body) {
		t.Errorf("authorize alice with a wrong password: %d %s", code, body)
	}
	// oscar has no usable password; his unusable hash is no password.
	if code, body := authorize("oscar", "!3cwa5KSmpMMRcdSWzj11hv95uSwerXzF5mZdm6NE"); accepted(code, body) {
		t.Errorf("oscar accepted: %s", body)
	}
	// A radcheck password of the fixture works as well (alice's Cleartext).
	if code, body := authorize("alice", "Clear-Alice-1"); !accepted(code, body) {
		t.Errorf("alice with her radcheck Cleartext-Password: %d %s", code, body)
	}
	// dave's replies come from staff-wifi.
	if _, body := authorize("dave", "dave-pass-4"); !strings.Contains(body, `"reply:Reply-Message":{"op":"=","value":"hello"}`) {
		t.Errorf("dave's reply: %s", body)
	}
}

// The fixture read from SQLite, PostgreSQL and MySQL (a copy with the
// column types Django gives the models there) gives the same goradius
// database, row for row.
func TestSourcesAgree(t *testing.T) {
	importInto := func(t *testing.T, src string) (store.Store, map[string][]string) {
		s, u := dbtest.Open(t, dbtest.SQLite)
		rep := importFixture(t, src, s.(store.Importer))
		checkReport(t, rep, false)
		return s, djtest.Snapshot(t, u)
	}
	_, want := importInto(t, djtest.SQLiteFixture(t))
	for _, c := range []struct {
		backend string
		fixture func(t *testing.T) string
	}{
		{dbtest.Postgres, func(t *testing.T) string { return djtest.PostgresFixture(t) }},
		{dbtest.MySQL, func(t *testing.T) string { return djtest.MySQLFixture(t, djimport.Tables) }},
	} {
		t.Run("from-"+c.backend, func(t *testing.T) {
			dbtest.Require(t, c.backend)
			s, got := importInto(t, c.fixture(t))
			for _, table := range djtest.Tables {
				if table == "radiusgroup" || table == "radgroupcheck" {
					// users and its checks date from each target's migration.
					want[table], got[table] = withoutTimes(want[table]), withoutTimes(got[table])
				}
				if !reflect.DeepEqual(want[table], got[table]) {
					t.Errorf("%s differs from the import of the SQLite fixture:\nsqlite %q\n%s %q", table, want[table], c.backend, got[table])
				}
			}
			checkUsers(t, s)
			checkGroups(t, t.Context(), s)
			checkAccounting(t, t.Context(), s)
			checkPostAuth(t, t.Context(), s)
			checkBatches(t, t.Context(), s)
		})
	}
}

var timeField = regexp.MustCompile(`(created|modified)=[^;]*;`)

func withoutTimes(rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = timeField.ReplaceAllString(r, "")
	}
	return out
}

// A time zone option moves the end of a batch's expiration date.
func TestExpirationTimeZone(t *testing.T) {
	s, _ := dbtest.Open(t, dbtest.SQLite)
	src, err := djimport.Open(t.Context(), djtest.SQLiteFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Skip(err)
	}
	if _, err := djimport.Import(t.Context(), src, s.(store.Importer), djimport.Options{TimeZone: rome}); err != nil {
		t.Fatal(err)
	}
	u, err := s.UserByUsername(t.Context(), "kim")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2030, 12, 31, 23, 0, 0, 0, time.UTC) // 2031-01-01 00:00 in Rome
	if u.ExpiresAt == nil || !u.ExpiresAt.Equal(want) {
		t.Errorf("kim expires at %v, want %v", u.ExpiresAt, want)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	for _, c := range []struct {
		name, url string
		want      []string
	}{
		{"unsupported scheme", "oracle://x/y", []string{`scheme "oracle" is not supported`, "sqlite:PATH"}},
		{"no scheme", "just-a-path.db", []string{"no scheme"}},
		{"missing sqlite file", "sqlite:" + filepath.Join(dir, "nope.sqlite3"), []string{"nope.sqlite3"}},
		{"unreachable server", "postgres://u:secretpw@127.0.0.1:1/df?sslmode=disable&connect_timeout=2", []string{"connect to postgres://u:xxxxx@127.0.0.1:1/df"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := djimport.Open(ctx, c.url)
			if err == nil {
				s.Close()
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secretpw") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "nope.sqlite3")); err == nil {
		t.Error("opening a missing SQLite source created the file")
	}

	t.Run("goradius database is not django-freeradius", func(t *testing.T) {
		_, u := dbtest.Open(t, dbtest.SQLite)
		_, err := djimport.Open(ctx, u)
		if !errors.Is(err, djimport.ErrNotDjangoFreeradius) ||
			!strings.Contains(err.Error(), "missing table(s) auth_user, django_freeradius_radiusgroup, authtoken_token") {
			t.Errorf("error = %v", err)
		}
	})
	t.Run("database without any of the tables", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "other.db")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("CREATE TABLE things (id INTEGER)"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		_, err = djimport.Open(ctx, "sqlite:"+path)
		if !errors.Is(err, djimport.ErrNotDjangoFreeradius) || !strings.Contains(err.Error(), "none of its tables (auth_user, ") {
			t.Errorf("error = %v", err)
		}
	})
}
