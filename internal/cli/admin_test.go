package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// runJSON runs a command that must succeed and decodes its JSON output.
func runJSON[T any](t *testing.T, env map[string]string, args ...string) T {
	t.Helper()
	r := mustRun(t, env, "", args...)
	var v T
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("goradius %q: output is not the JSON expected: %v\n%s", args, err, r)
	}
	return v
}

// withTestStore opens db directly, runs fn and closes it.
func withTestStore(t *testing.T, db string, fn func(s store.Store)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := sqlstore.Open(ctx, db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fn(s)
}

type jsonGroup struct {
	Name        string `json:"name"`
	IsDefault   bool   `json:"is_default"`
	StoreNTHash bool   `json:"store_nt_hash"`
	Check       []struct {
		Attribute, Op, Value string
	} `json:"check"`
	Reply []struct {
		Attribute, Op, Value string
	} `json:"reply"`
}

type jsonUser struct {
	Username  string   `json:"username"`
	IsActive  bool     `json:"is_active"`
	HasNTHash bool     `json:"has_nt_hash"`
	Groups    []string `json:"groups"`
	ExpiresAt *string  `json:"expires_at"`
	Password  *string  `json:"password"`
}

// The operator's first steps: a group with a daily limit, a user in it, a
// NAS, items, memberships and renames, all from the command line.
func TestAdminCommands(t *testing.T) {
	env := dbEnv(sqliteURL(t))

	g := runJSON[jsonGroup](t, env, "group", "add", "daily", "--check", "Max-Daily-Session:=3600",
		"--reply", "Reply-Message = one hour a day", "--description", "One hour a day", "--json")
	if g.Name != "daily" || g.IsDefault || len(g.Check) != 1 || g.Check[0].Value != "3600" || g.Check[0].Op != ":=" ||
		len(g.Reply) != 1 || g.Reply[0].Value != "one hour a day" || g.Reply[0].Op != "=" {
		t.Fatalf("group add: %+v", g)
	}
	r := mustRun(t, env, "", "user", "add", "alice", "--group", "daily", "--password", "alice-pw")
	if r.stdout != "created user alice (groups: daily)\n" {
		t.Errorf("user add: %q", r.stdout)
	}
	mustRun(t, env, "", "nas", "add", "10.0.0.1", "--secret", "testing123", "--short-name", "lobby")
	nas := runJSON[[]map[string]any](t, env, "nas", "list", "--json")
	if len(nas) != 1 || nas[0]["name"] != "10.0.0.1" || nas[0]["secret"] != "testing123" || nas[0]["short_name"] != "lobby" {
		t.Errorf("nas list: %v", nas)
	}
	wantFail(t, env, "", 1, []string{"name", "already exists"}, "nas", "add", "10.0.0.1", "--secret", "x")
	wantFail(t, env, "", 1, []string{"secret", "is required"}, "nas", "add", "10.0.0.2")
	mustRun(t, env, "", "nas", "set", "10.0.0.1", "--name", "10.0.0.0/24", "--ports", "8")
	if n := runJSON[map[string]any](t, env, "nas", "show", "10.0.0.0/24", "--json"); n["ports"] != 8.0 {
		t.Errorf("nas show after set: %v", n)
	}

	r = mustRun(t, env, "", "check", "add", "alice", "Simultaneous-Use:=1")
	if !strings.Contains(r.stdout, "Simultaneous-Use:=1") {
		t.Errorf("check add: %q", r.stdout)
	}
	wantFail(t, env, "", 2, []string{"not an item"}, "check", "add", "alice", "=1")
	wantFail(t, env, "", 1, []string{`"==" is not an operator of radreply`}, "reply", "add", "alice", "Session-Timeout==1")
	items := runJSON[[]map[string]any](t, env, "check", "list", "alice", "--json")
	if len(items) != 1 || items[0]["attribute"] != "Simultaneous-Use" || items[0]["is_active"] != true {
		t.Errorf("check list: %v", items)
	}
	id := fmt.Sprint(items[0]["id"])
	mustRun(t, env, "", "check", "set", id, "--value", "2", "--active=false")
	items = runJSON[[]map[string]any](t, env, "check", "list", "--json")
	if items[0]["value"] != "2" || items[0]["is_active"] != false {
		t.Errorf("check after set: %v", items)
	}
	groupItems := runJSON[[]map[string]any](t, env, "check", "list", "daily", "--group", "--json")
	if len(groupItems) != 1 || groupItems[0]["groupname"] != "daily" {
		t.Errorf("check list --group: %v", groupItems)
	}
	mustRun(t, env, "", "check", "delete", id)
	wantFail(t, env, "", 1, []string{"not found", "check item " + id}, "check", "delete", id)
	mustRun(t, env, "", "reply", "add", "--group", "daily", "Session-Timeout=3600")
	wantFail(t, env, "", 1, []string{"no radius group", `"nope"`}, "reply", "add", "--group", "nope", "Session-Timeout=1")

	m := runJSON[map[string]any](t, env, "member", "add", "alice", "power-users", "--json")
	if m["priority"] != 2.0 {
		t.Errorf("member add: %v", m)
	}
	ms := runJSON[[]map[string]any](t, env, "members", "list", "--user", "alice", "--json")
	if len(ms) != 2 || ms[0]["groupname"] != "daily" || ms[1]["groupname"] != "power-users" {
		t.Errorf("member list: %v", ms)
	}

	tok := runJSON[map[string]any](t, env, "token", "create", "alice", "--json")
	if k, _ := tok["key"].(string); len(k) != 40 {
		t.Errorf("token create: %v", tok)
	}

	// Renames carry the FreeRADIUS rows along.
	u := runJSON[jsonUser](t, env, "users", "set", "alice", "--name", "alicia", "--json")
	if u.Username != "alicia" || !slices.Equal(u.Groups, []string{"daily", "power-users"}) || u.Password != nil {
		t.Errorf("user set --name: %+v", u)
	}
	mustRun(t, env, "", "group", "set", "daily", "--name", "day", "--store-nt-hash")
	u = runJSON[jsonUser](t, env, "user", "show", "alicia", "--json")
	if !slices.Equal(u.Groups, []string{"day", "power-users"}) || u.HasNTHash {
		t.Errorf("user after the group rename: %+v", u)
	}
	mustRun(t, env, "alicia-new-pw\n", "user", "passwd", "alicia", "--password-stdin")
	if u = runJSON[jsonUser](t, env, "user", "show", "alicia", "--json"); !u.HasNTHash {
		t.Errorf("a new password in an NT-hash group kept no NT hash: %+v", u)
	}
	if u = runJSON[jsonUser](t, env, "user", "set", "alicia", "--clear-nt-hash", "--json"); u.HasNTHash {
		t.Errorf("--clear-nt-hash: %+v", u)
	}

	// Exactly one default group, which cannot be deleted.
	wantFail(t, env, "", 1, []string{"default group and cannot be deleted"}, "group", "delete", "users")
	wantFail(t, env, "", 1, []string{"make another group the default"}, "group", "set", "users", "--default=false")
	mustRun(t, env, "", "group", "set", "day", "--default")
	groups := runJSON[[]jsonGroup](t, env, "groups", "list", "--json")
	var defaults []string
	for _, g := range groups {
		if g.IsDefault {
			defaults = append(defaults, g.Name)
		}
	}
	if !slices.Equal(defaults, []string{"day"}) {
		t.Errorf("default groups: %q", defaults)
	}
	mustRun(t, env, "", "group", "delete", "users")
	r = mustRun(t, env, "", "group", "list")
	if !strings.Contains(r.stdout, "Max-Daily-Session:=3600") || !strings.HasSuffix(r.stdout, "2 group(s)\n") {
		t.Errorf("group list table:\n%s", r.stdout)
	}
	wantFail(t, env, "", 1, []string{"not found", `"nope"`}, "group", "show", "nope")
	wantFail(t, env, "", 2, []string{"unknown subcommand"}, "group", "frobnicate")
}

func TestUserMaintenanceCommands(t *testing.T) {
	env := dbEnv(sqliteURL(t))
	mustRun(t, env, "", "user", "add", "old", "--expires", "2020-01-01", "--password", "x")
	mustRun(t, env, "", "user", "add", "recent", "--expires", time.Now().Add(-time.Hour).Format("2006-01-02 15:04"), "--password", "x")
	mustRun(t, env, "", "user", "add", "current", "--expires", "2999-01-01", "--password", "x")
	r := mustRun(t, env, "", "users", "deactivate-expired")
	if r.stdout != "deactivated 2 expired user(s)\n" {
		t.Errorf("deactivate-expired: %q", r.stdout)
	}
	active := runJSON[[]jsonUser](t, env, "user", "list", "--active=true", "--json")
	if len(active) != 1 || active[0].Username != "current" {
		t.Errorf("active users: %+v", active)
	}
	r = mustRun(t, env, "", "users", "delete-old")
	if r.stdout != "deleted 1 user(s) and 0 batch(es) expired more than 18 month(s) ago\n" {
		t.Errorf("delete-old: %q", r.stdout)
	}
	wantFail(t, env, "", 1, []string{"older_than_months", "at least 1"}, "user", "delete-old", "--older-than-months", "0")
	all := runJSON[[]jsonUser](t, env, "user", "list", "--json")
	if len(all) != 2 {
		t.Errorf("users left: %+v", all)
	}
}

// A CSV import of a few thousand lines: one batch, every user, and no
// progress output when standard error is not a terminal.
func TestBatchImport(t *testing.T) {
	env := dbEnv(sqliteURL(t))
	var csv strings.Builder
	const n = 3000
	for i := range n {
		fmt.Fprintf(&csv, "student%d,cleartext$pw-%d,student%d@example.com,First,Last\n", i, i, i)
	}
	file := filepath.Join(t.TempDir(), "students.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, env, "", "migrate") // its log lines go to standard error
	r := mustRun(t, env, "", "batch", "import", file, "--name", "spring", "--expiration", "30-06-2027")
	if r.stderr != "" {
		t.Errorf("output on standard error, which is not a terminal:\n%q", r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "created batch spring (id ") || !strings.HasSuffix(r.stdout, fmt.Sprintf(" with %d user(s) from students.csv\n", n)) {
		t.Errorf("batch import: %q", r.stdout)
	}
	batches := runJSON[[]map[string]any](t, env, "batch", "list", "--json")
	if len(batches) != 1 || batches[0]["user_count"] != float64(n) || batches[0]["expiration_date"] != "2027-06-30" {
		t.Fatalf("batch list: %v", batches)
	}
	id := batches[0]["id"].(string)
	page := runJSON[[]jsonUser](t, env, "user", "list", "--batch", id, "--limit", "5", "--json")
	if len(page) != 5 || page[0].ExpiresAt == nil {
		t.Errorf("users of the batch: %+v", page)
	}
	out := filepath.Join(t.TempDir(), "back.csv")
	mustRun(t, env, "", "batch", "download", "spring", "--csv", out)
	if back, _ := os.ReadFile(out); string(back) != csv.String() {
		t.Error("the downloaded CSV differs from the imported one")
	}
	wantFail(t, env, "", 1, []string{"has no", "PDF"}, "batch", "download", "spring", "--pdf", out)
	// The same name again, or a bad line: nothing is created.
	wantFail(t, env, "", 1, []string{"name", "already exists"}, "batch", "import", file, "--name", "spring")
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("a,cleartext$x,a@example.com,,\nb,c\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantFail(t, env, "", 1, []string{"csvfile", "2"}, "batch", "import", bad, "--name", "bad")
	wantFail(t, env, "", 1, []string{"reading the CSV file"}, "batch", "import", filepath.Join(t.TempDir(), "missing.csv"), "--name", "x")
	if users := runJSON[[]jsonUser](t, env, "user", "list", "--search", "a@example", "--json"); len(users) != 0 {
		t.Errorf("a failed import created users: %+v", users)
	}
	r = mustRun(t, env, "", "batch", "delete", id)
	if r.stdout != fmt.Sprintf("batch %s deleted with its %d user(s)\n", id, n) {
		t.Errorf("batch delete: %q", r.stdout)
	}
}

func TestBatchGenerate(t *testing.T) {
	env := dbEnv(sqliteURL(t))
	pdf := filepath.Join(t.TempDir(), "guests.pdf")
	type generated struct {
		Batch struct {
			ID        string   `json:"id"`
			Name      string   `json:"name"`
			UserCount int      `json:"user_count"`
			Users     []string `json:"users"`
		} `json:"batch"`
		Credentials []struct{ Username, Password string } `json:"credentials"`
	}
	g := runJSON[generated](t, env, "batch", "generate", "--prefix", "guest", "--count", "50", "--pdf", pdf,
		"--password-length", "10", "--json")
	if g.Batch.UserCount != 50 || len(g.Credentials) != 50 || g.Credentials[0].Username != "guest1" ||
		g.Credentials[49].Username != "guest50" || len(g.Credentials[0].Password) != 10 || !strings.HasPrefix(g.Batch.Name, "guest-") {
		t.Fatalf("batch generate: %+v", g.Batch)
	}
	if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("the PDF: %v %.10q", err, b)
	}
	r := mustRun(t, env, "", "batch", "generate", "--prefix", "guest", "--count", "2", "--name", "more")
	if !strings.Contains(r.stdout, "guest51 ... guest52") {
		t.Errorf("a second prefix batch: %q", r.stdout)
	}
	wantFail(t, env, "", 2, []string{"--prefix and --count"}, "batch", "generate", "--prefix", "x")
	mustRun(t, env, "", "batch", "expire", "more")
	if u := runJSON[jsonUser](t, env, "user", "show", "guest51", "--json"); u.ExpiresAt == nil {
		t.Errorf("guest51 after batch expire: %+v", u)
	}
	show := runJSON[map[string]any](t, env, "batch", "show", g.Batch.ID, "--json")
	if users, _ := show["users"].([]any); len(users) != 50 {
		t.Errorf("batch show: %d users", len(users))
	}
}

func TestSessionAndPostAuthCommands(t *testing.T) {
	db := sqliteURL(t)
	env := dbEnv(db)
	mustRun(t, env, "", "migrate")
	now := time.Now().UTC()
	withTestStore(t, db, func(s store.Store) {
		for _, c := range []struct {
			uid   string
			start time.Time
			stop  *time.Time
		}{
			{"open-now", now.Add(-time.Minute), nil},
			{"stale", now.Add(-20 * 24 * time.Hour), nil},
			{"old", now.Add(-40 * 24 * time.Hour), ptrTo(now.Add(-39 * 24 * time.Hour))},
		} {
			w := &store.AcctWrite{UniqueID: c.uid}
			w.Values[store.AcctSessionID], w.Values[store.AcctUniqueID] = c.uid, c.uid
			w.Values[store.AcctNASIPAddress], w.Values[store.AcctUsername] = "10.0.0.1", "alice"
			w.Values[store.AcctStartTime] = c.start
			if c.stop != nil {
				w.Values[store.AcctStopTime] = *c.stop
			}
			if _, err := s.WriteAccounting(t.Context(), w); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range []store.PostAuth{
			{Username: "alice", Reply: "Access-Reject", Password: "bad", AuthDate: now.Add(-40 * 24 * time.Hour)},
			{Username: "alice", Reply: "Access-Accept", AuthDate: now.Add(-time.Hour)},
		} {
			if err := s.CreatePostAuth(t.Context(), &p); err != nil {
				t.Fatal(err)
			}
		}
	})

	open := runJSON[[]map[string]any](t, env, "session", "list", "--open", "--json")
	if len(open) != 2 || open[0]["unique_id"] != "open-now" {
		t.Fatalf("open sessions: %v", open)
	}
	r := mustRun(t, env, "", "sessions", "list", "--user", "alice")
	if !strings.HasSuffix(r.stdout, "3 session(s), newest first\n") {
		t.Errorf("session list table:\n%s", r.stdout)
	}
	closed := runJSON[map[string]any](t, env, "session", "close", "open-now", "--json")
	if closed["terminate_cause"] != "Admin-Reset" || closed["stop_time"] == nil {
		t.Errorf("session close: %v", closed)
	}
	wantFail(t, env, "", 1, []string{"closed already"}, "session", "close", "open-now")
	wantFail(t, env, "", 1, []string{"no session", `"9999"`}, "session", "close", "9999")

	r = mustRun(t, env, "", "sessions", "cleanup")
	if !strings.HasPrefix(r.stdout, "closed 1 session(s) silent for more than 360h0m0s") {
		t.Errorf("sessions cleanup (15 days): %q", r.stdout)
	}
	mustRun(t, env, "", "sessions", "cleanup", "--older-than", "24h")
	wantFail(t, env, "", 2, []string{"DAYS or --older-than"}, "sessions", "cleanup", "3", "--older-than", "24h")
	wantFail(t, env, "", 2, []string{"whole number of days"}, "sessions", "cleanup", "soon")
	r = mustRun(t, env, "", "sessions", "delete-old", "30")
	if r.stdout != "deleted 1 session(s) stopped more than 30 day(s) ago\n" {
		t.Errorf("sessions delete-old: %q", r.stdout)
	}

	rejects := runJSON[[]map[string]any](t, env, "postauth", "list", "--reply", "reject", "--json")
	if len(rejects) != 1 || rejects[0]["password"] != "bad" {
		t.Errorf("postauth list --reply reject: %v", rejects)
	}
	r = mustRun(t, env, "", "postauth", "delete-old", "30")
	if r.stdout != "deleted 1 post-auth row(s) older than 30 day(s)\n" {
		t.Errorf("postauth delete-old: %q", r.stdout)
	}
	if left := runJSON[[]map[string]any](t, env, "postauth", "list", "--json"); len(left) != 1 {
		t.Errorf("post-auth rows left: %v", left)
	}
}

// Every command lists its subcommands and flags with --help.
func TestAdminHelp(t *testing.T) {
	env := dbEnv(sqliteURL(t))
	r := mustRun(t, env, "", "--help")
	for _, c := range []string{"user", "group", "check", "reply", "member", "nas", "batch", "token", "session", "postauth"} {
		if !strings.Contains(r.stdout, "\n  "+c+" ") {
			t.Errorf("goradius --help lacks %s:\n%s", c, r.stdout)
		}
	}
	for cmd, subs := range map[string][]string{
		"group":    {"list", "show", "add", "set", "delete"},
		"check":    {"list", "add", "set", "delete"},
		"reply":    {"list", "add", "set", "delete"},
		"member":   {"list", "add", "set", "delete"},
		"nas":      {"list", "show", "add", "set", "delete"},
		"batch":    {"list", "show", "import", "generate", "download", "expire", "delete"},
		"token":    {"list", "show", "create", "delete"},
		"session":  {"list", "show", "close", "cleanup", "delete-old"},
		"postauth": {"list", "delete-old"},
		"user":     {"add", "list", "show", "set", "passwd", "deactivate-expired", "delete-old"},
	} {
		r := mustRun(t, env, "", cmd, "--help")
		for _, s := range subs {
			if !strings.Contains(r.stdout, " "+s) {
				t.Errorf("goradius %s --help lacks %s:\n%s", cmd, s, r.stdout)
			}
		}
		wantFail(t, env, "", 2, []string{"a subcommand is needed"}, cmd)
		for _, s := range subs {
			r := mustRun(t, env, "", cmd, s, "--help")
			if !strings.Contains(r.stdout, "Usage: goradius "+cmd+" "+s) {
				t.Errorf("goradius %s %s --help:\n%s", cmd, s, r.stdout)
			}
		}
	}
	r = mustRun(t, env, "", "batch", "import", "--help")
	for _, f := range []string{"-name", "-expiration", "-password-length", "-db"} {
		if !strings.Contains(r.stdout, f) {
			t.Errorf("batch import --help lacks %s", f)
		}
	}
	r = mustRun(t, env, "", "serve", "--help")
	for _, f := range []string{"-schedule-interval", "-deactivate-expired-users", "-delete-old-users-months",
		"-delete-old-sessions-days", "-delete-old-postauth-days"} {
		if !strings.Contains(r.stdout, f) {
			t.Errorf("serve --help lacks %s", f)
		}
	}
}

// goradius serve runs the maintenance tasks it is told to.
func TestServeSchedule(t *testing.T) {
	db := sqliteURL(t)
	env := dbEnv(db)
	mustRun(t, env, "", "user", "add", "expired", "--expires", "2020-01-01", "--password", "x")
	withTestStore(t, db, func(s store.Store) {
		p := store.PostAuth{Username: "alice", Reply: "Access-Reject", AuthDate: time.Now().Add(-10 * 24 * time.Hour)}
		if err := s.CreatePostAuth(t.Context(), &p); err != nil {
			t.Fatal(err)
		}
	})
	senv := map[string]string{"GORADIUS_DB": db, "GORADIUS_API_TOKEN": "a-long-enough-test-token",
		"GORADIUS_DEACTIVATE_EXPIRED_USERS": "true", "GORADIUS_DELETE_OLD_POSTAUTH_DAYS": "7"}
	srv := startServe(t, senv, "--listen", "127.0.0.1:0")
	srv.stderr.waitFor(t, "the scheduled post-auth cleanup", srv.done, func(s string) bool {
		return strings.Contains(s, "task=delete-old-postauth")
	})
	srv.stop(t)
	log := srv.stderr.String()
	for _, want := range []string{"maintenance tasks scheduled", "task=deactivate-expired-users users=1", "task=delete-old-postauth rows=1"} {
		if !strings.Contains(log, want) {
			t.Errorf("serve's log lacks %q:\n%s", want, log)
		}
	}
	if u := runJSON[jsonUser](t, env, "user", "show", "expired", "--json"); u.IsActive {
		t.Error("the expired user is still active")
	}
}
