package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// result is what one command did.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// output is everything the command printed.
func (r result) output() string { return r.stdout + r.stderr }

// run runs one goradius command with env as its whole environment.
func run(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr strings.Builder
	code := Run(&Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
		Ctx:    t.Context(),
	}, args)
	return result{code, stdout.String(), stderr.String()}
}

// mustRun runs a command that must succeed.
func mustRun(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	r := run(t, env, stdin, args...)
	if r.code != 0 {
		t.Fatalf("goradius %q: %s", args, r)
	}
	return r
}

// wantFail runs a command that must exit with code and print every one of
// want (on stdout or stderr).
func wantFail(t *testing.T, env map[string]string, stdin string, code int, want []string, args ...string) result {
	t.Helper()
	r := run(t, env, stdin, args...)
	if r.code != code {
		t.Errorf("goradius %q: exit %d, want %d\n%s", args, r.code, code, r)
	}
	for _, w := range want {
		if !strings.Contains(r.output(), w) {
			t.Errorf("goradius %q: output lacks %q\n%s", args, w, r)
		}
	}
	return r
}

// sqliteURL is the URL of a database file in a fresh temporary directory.
func sqliteURL(t *testing.T) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "goradius.db")
}

// dbEnv is an environment naming db, with fast password hashing.
func dbEnv(db string) map[string]string {
	return map[string]string{"GORADIUS_DB": db, "GORADIUS_PASSWORD_ITERATIONS": "1000"}
}

// openTestStore opens db directly, to check what a command did.
func openTestStore(t *testing.T, db string) *sqlstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := sqlstore.Open(ctx, db, sqlstore.Options{})
	if err != nil {
		t.Fatalf("opening %s: %v", db, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// userOf returns a user that must exist.
func userOf(t *testing.T, db, name string) store.User {
	t.Helper()
	s := openTestStore(t, db)
	u, err := s.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatalf("user %q: %v", name, err)
	}
	s.Close()
	return u
}

// noUser checks that a user does not exist.
func noUser(t *testing.T, db, name string) {
	t.Helper()
	s := openTestStore(t, db)
	defer s.Close()
	if _, err := s.UserByUsername(context.Background(), name); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("user %q: err = %v, want it not to exist", name, err)
	}
}

func groupsOf(t *testing.T, db, name string) []string {
	t.Helper()
	s := openTestStore(t, db)
	defer s.Close()
	gs, err := s.UserGroups(context.Background(), name)
	if err != nil {
		t.Fatalf("groups of %q: %v", name, err)
	}
	return gs
}

var generatedRE = regexp.MustCompile(`generated password: (\S+)\n`)

// generated returns the password a command printed.
func generated(t *testing.T, r result) string {
	t.Helper()
	m := generatedRE.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no generated password printed:\n%s", r)
	}
	return m[1]
}

func checkPassword(t *testing.T, u store.User, pw string) {
	t.Helper()
	if !password.Check(pw, u.Password) {
		t.Errorf("user %s: password %q does not log in (hash %q)", u.Username, pw, u.Password)
	}
	if n, ok := password.Iterations(u.Password); !ok || n != 1000 {
		t.Errorf("user %s: hash iterations %d %v, want the configured 1000", u.Username, n, ok)
	}
}

func TestUserAdd(t *testing.T) {
	db := sqliteURL(t)
	env := dbEnv(db)

	t.Run("password-stdin", func(t *testing.T) {
		r := mustRun(t, env, "pw-from-stdin\nsecond line\n", "user", "add", "alice", "--password-stdin")
		if r.stdout != "created user alice (groups: users)\n" {
			t.Errorf("stdout %q", r.stdout)
		}
		if strings.Contains(r.output(), "pw-from-stdin") {
			t.Errorf("the password was printed:\n%s", r)
		}
		u := userOf(t, db, "alice")
		checkPassword(t, u, "pw-from-stdin")
		if !u.IsActive || u.Email != "" {
			t.Errorf("alice: active %v email %q", u.IsActive, u.Email)
		}
	})
	t.Run("password-stdin without a newline", func(t *testing.T) {
		mustRun(t, env, "no-newline", "user", "add", "alice2", "--password-stdin")
		checkPassword(t, userOf(t, db, "alice2"), "no-newline")
	})
	t.Run("password-stdin CRLF", func(t *testing.T) {
		mustRun(t, env, "crlf-pw\r\n", "user", "add", "alice3", "--password-stdin")
		checkPassword(t, userOf(t, db, "alice3"), "crlf-pw")
	})
	t.Run("password flag", func(t *testing.T) {
		r := mustRun(t, env, "", "user", "add", "bob", "--password", "bob-secret")
		if strings.Contains(r.stdout, "generated") {
			t.Errorf("a password was generated although one was given:\n%s", r)
		}
		checkPassword(t, userOf(t, db, "bob"), "bob-secret")
	})
	t.Run("generated password", func(t *testing.T) {
		r := mustRun(t, env, "", "user", "add", "carol")
		pw := generated(t, r)
		if len(pw) != 8 {
			t.Errorf("generated password %q: %d characters, want the default 8", pw, len(pw))
		}
		checkPassword(t, userOf(t, db, "carol"), pw)
	})
	t.Run("generated password length", func(t *testing.T) {
		env := dbEnv(db)
		env["GORADIUS_BATCH_PASSWORD_LENGTH"] = "20"
		pw := generated(t, mustRun(t, env, "", "user", "add", "carol2"))
		if len(pw) != 20 {
			t.Errorf("generated password %q: %d characters, want 20", pw, len(pw))
		}
		checkPassword(t, userOf(t, db, "carol2"), pw)
	})
	t.Run("email", func(t *testing.T) {
		mustRun(t, env, "", "user", "add", "dave", "--email", "dave@example.com", "--password", "x")
		if u := userOf(t, db, "dave"); u.Email != "dave@example.com" {
			t.Errorf("email %q", u.Email)
		}
	})
	t.Run("bad email", func(t *testing.T) {
		wantFail(t, env, "", 1, []string{"not-an-address", "e-mail"}, "user", "add", "dave2", "--email", "not-an-address")
		noUser(t, db, "dave2")
	})
	t.Run("groups in order", func(t *testing.T) {
		r := mustRun(t, env, "", "user", "add", "erin", "--group", "power-users", "--group", "users", "--password", "x")
		if !strings.Contains(r.stdout, "(groups: power-users, users)") {
			t.Errorf("stdout %q", r.stdout)
		}
		if gs := groupsOf(t, db, "erin"); !slices.Equal(gs, []string{"power-users", "users"}) {
			t.Errorf("groups %q, want power-users, users", gs)
		}
		mustRun(t, env, "", "user", "add", "erin2", "--group", "users", "--group", "power-users", "--password", "x")
		if gs := groupsOf(t, db, "erin2"); !slices.Equal(gs, []string{"users", "power-users"}) {
			t.Errorf("groups %q, want users, power-users", gs)
		}
		mustRun(t, env, "", "user", "add", "erin3", "--group", "power-users", "--password", "x")
		if gs := groupsOf(t, db, "erin3"); !slices.Equal(gs, []string{"power-users"}) {
			t.Errorf("groups %q, want only power-users", gs)
		}
	})
	t.Run("unknown group", func(t *testing.T) {
		wantFail(t, env, "", 1, []string{`"no-such-group"`}, "user", "add", "frank", "--group", "users", "--group", "no-such-group")
		noUser(t, db, "frank")
	})
	t.Run("duplicate", func(t *testing.T) {
		r := wantFail(t, env, "", 1, []string{`"bob"`, "already exists"}, "user", "add", "bob", "--password", "other")
		if strings.Contains(r.stdout, "created") {
			t.Errorf("stdout claims a creation:\n%s", r)
		}
		checkPassword(t, userOf(t, db, "bob"), "bob-secret") // unchanged
	})
	t.Run("invalid names", func(t *testing.T) {
		for _, name := range []string{"with space", "bang!", "semi;colon", "slash/ed"} {
			wantFail(t, env, "", 1, []string{name, "letters, digits"}, "user", "add", name, "--password", "x")
			noUser(t, db, name)
		}
	})
	t.Run("both password flags", func(t *testing.T) {
		wantFail(t, env, "pw\n", 2, []string{"--password-stdin", "--password", "not both"},
			"user", "add", "gina", "--password-stdin", "--password", "x")
		noUser(t, db, "gina")
	})
	t.Run("empty stdin", func(t *testing.T) {
		wantFail(t, env, "", 2, []string{"standard input"}, "user", "add", "gina", "--password-stdin")
		wantFail(t, env, "\n", 2, []string{"standard input"}, "user", "add", "gina", "--password-stdin")
		noUser(t, db, "gina")
	})
	t.Run("flags before and after the name", func(t *testing.T) {
		mustRun(t, env, "", "user", "add", "--email", "e@x.io", "hank", "--password", "x")
		mustRun(t, env, "", "user", "add", "ivan", "--email", "e@x.io", "--password", "x")
		mustRun(t, env, "", "user", "add", "--password", "x", "--email", "e@x.io", "--group", "power-users", "judy")
		for _, name := range []string{"hank", "ivan", "judy"} {
			if u := userOf(t, db, name); u.Email != "e@x.io" {
				t.Errorf("%s: email %q", name, u.Email)
			}
		}
		if gs := groupsOf(t, db, "judy"); !slices.Equal(gs, []string{"power-users"}) {
			t.Errorf("judy: groups %q", gs)
		}
	})
	t.Run("double dash", func(t *testing.T) {
		// After --, a name that looks like a flag is a name (Django allows
		// hyphens in usernames).
		mustRun(t, env, "", "user", "add", "--password", "x", "--", "--email")
		if u := userOf(t, db, "--email"); u.Email != "" {
			t.Errorf("user --email has email %q", u.Email)
		}
	})
	t.Run("missing name", func(t *testing.T) {
		wantFail(t, env, "", 2, []string{"username is needed"}, "user", "add")
		wantFail(t, env, "", 2, []string{"username is needed"}, "user", "add", "--email", "e@x.io")
	})
	t.Run("two names", func(t *testing.T) {
		wantFail(t, env, "", 2, []string{"one username only"}, "user", "add", "kim", "lee")
		noUser(t, db, "kim")
	})
	t.Run("db flag", func(t *testing.T) {
		other := sqliteURL(t)
		mustRun(t, map[string]string{"GORADIUS_DB": db}, "", "user", "add", "--db", other, "mallory",
			"--password", "x", "--password-iterations", "1000")
		userOf(t, other, "mallory")
		noUser(t, db, "mallory")
	})
}

func TestUserList(t *testing.T) {
	db := sqliteURL(t)
	env := dbEnv(db)

	r := mustRun(t, env, "", "user", "list")
	if !strings.Contains(r.stdout, "USERNAME") || !strings.HasSuffix(r.stdout, "0 user(s)\n") {
		t.Errorf("empty list:\n%s", r)
	}

	mustRun(t, env, "", "user", "add", "alice", "--group", "power-users", "--group", "users", "--email", "alice@example.com", "--password", "x")
	mustRun(t, env, "", "user", "add", "bob", "--password", "x")
	mustRun(t, env, "", "user", "disable", "bob")

	r = mustRun(t, env, "", "user", "list")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header, 2 users and a count:\n%s", r.stdout)
	}
	want := [][]string{
		{"USERNAME", "ACTIVE", "EXPIRES", "GROUPS", "EMAIL"},
		{"alice", "yes", "-", "power-users,users", "alice@example.com"},
		{"bob", "no", "-", "users"},
		{"2", "user(s)"},
	}
	for i, w := range want {
		if got := strings.Fields(lines[i]); !slices.Equal(got, w) {
			t.Errorf("line %d = %q, want fields %q", i+1, lines[i], w)
		}
	}
	wantFail(t, env, "", 2, []string{`unexpected argument "extra"`}, "user", "list", "extra")
}

func TestUserPasswd(t *testing.T) {
	db := sqliteURL(t)
	env := dbEnv(db)
	mustRun(t, env, "", "user", "add", "alice", "--password", "old-password")

	r := mustRun(t, env, "new-password\n", "user", "passwd", "alice", "--password-stdin")
	if r.stdout != "password of alice changed\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	u := userOf(t, db, "alice")
	checkPassword(t, u, "new-password")
	if password.Check("old-password", u.Password) {
		t.Error("the old password still works")
	}

	pw := generated(t, mustRun(t, env, "", "user", "passwd", "alice"))
	u = userOf(t, db, "alice")
	checkPassword(t, u, pw)
	if password.Check("new-password", u.Password) {
		t.Error("the previous password still works after a generated one")
	}

	mustRun(t, env, "", "user", "passwd", "--password", "flag-password", "alice")
	checkPassword(t, userOf(t, db, "alice"), "flag-password")

	wantFail(t, env, "pw\n", 1, []string{`no user named "ghost"`}, "user", "passwd", "ghost", "--password-stdin")
	r = wantFail(t, env, "", 1, []string{`no user named "ghost"`}, "user", "passwd", "ghost")
	if strings.Contains(r.stdout, "generated password") {
		t.Errorf("a password was printed for a user that does not exist:\n%s", r)
	}
	noUser(t, db, "ghost")
	wantFail(t, env, "", 2, []string{"username is needed"}, "user", "passwd")
	wantFail(t, env, "x\n", 2, []string{"not both"}, "user", "passwd", "alice", "--password", "a", "--password-stdin")
	checkPassword(t, userOf(t, db, "alice"), "flag-password")
}

func TestUserDisableEnableDelete(t *testing.T) {
	db := sqliteURL(t)
	env := dbEnv(db)
	mustRun(t, env, "", "user", "add", "alice", "--password", "x")
	mustRun(t, env, "", "user", "add", "bob", "--password", "x")

	if r := mustRun(t, env, "", "user", "disable", "alice"); r.stdout != "user alice disabled\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	if userOf(t, db, "alice").IsActive {
		t.Error("alice still active after disable")
	}
	if !userOf(t, db, "bob").IsActive {
		t.Error("bob disabled too")
	}
	if r := mustRun(t, env, "", "user", "enable", "alice"); r.stdout != "user alice enabled\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	if !userOf(t, db, "alice").IsActive {
		t.Error("alice not active after enable")
	}

	r := mustRun(t, env, "", "user", "delete", "alice")
	if !strings.HasPrefix(r.stdout, "user alice deleted") {
		t.Errorf("stdout %q", r.stdout)
	}
	noUser(t, db, "alice")
	userOf(t, db, "bob")
	if gs := groupsOf(t, db, "alice"); len(gs) != 0 {
		t.Errorf("alice's memberships survive the delete: %q", gs)
	}

	for _, verb := range []string{"disable", "enable", "delete"} {
		wantFail(t, env, "", 1, []string{`no user named "alice"`}, "user", verb, "alice")
		wantFail(t, env, "", 2, []string{"username is needed"}, "user", verb)
		wantFail(t, env, "", 2, []string{"one username only"}, "user", verb, "bob", "carol")
	}
	if !userOf(t, db, "bob").IsActive {
		t.Error("bob changed by the failed commands")
	}
}

func TestUserSubcommands(t *testing.T) {
	env := dbEnv(sqliteURL(t))
	r := wantFail(t, env, "", 2, []string{"a subcommand is needed"}, "user")
	if !strings.Contains(r.stdout, "passwd NAME") {
		t.Errorf("no subcommand list:\n%s", r)
	}
	wantFail(t, env, "", 2, []string{`unknown subcommand "frobnicate"`}, "user", "frobnicate")
}

var migratedRE = regexp.MustCompile(`^applied (\d+) migration\(s\); schema version (\d+) of (\d+)\n$`)

func TestMigrate(t *testing.T) {
	db := sqliteURL(t)

	r := mustRun(t, nil, "", "migrate", "--db", db)
	m := migratedRE.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("first migrate:\n%s", r)
	}
	if m[1] == "0" || m[2] != m[3] {
		t.Errorf("first migrate applied %s, schema %s of %s: want some applied, up to date", m[1], m[2], m[3])
	}
	latest := m[3]

	r = mustRun(t, map[string]string{"GORADIUS_DB": db}, "", "migrate")
	if want := fmt.Sprintf("applied 0 migration(s); schema version %s of %s\n", latest, latest); r.stdout != want {
		t.Errorf("second migrate: stdout %q, want %q", r.stdout, want)
	}
	wantFail(t, nil, "", 2, []string{`unexpected argument "now"`}, "migrate", "--db", db, "now")
	wantFail(t, nil, "", 2, []string{"flag provided but not defined: -listen"}, "migrate", "--db", db, "--listen", "127.0.0.1:1")
}

func TestSchemaTooNew(t *testing.T) {
	db := sqliteURL(t)
	mustRun(t, nil, "", "migrate", "--db", db)
	s := openTestStore(t, db)
	ctx := context.Background()
	_, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSchemaVersion(ctx, 999); err != nil {
		t.Fatal(err)
	}
	s.Close()

	want := []string{"newer goradius", "999", fmt.Sprintf("up to %d", latest), "upgrade goradius"}
	for _, args := range [][]string{
		{"migrate"},
		{"user", "list"},
		{"user", "add", "alice", "--password", "x"},
		{"api-token"},
		{"serve", "--listen", "127.0.0.1:0"},
	} {
		r := wantFail(t, dbEnv(db), "", 1, want, args...)
		if strings.Contains(r.stdout, "listening") {
			t.Errorf("goradius %q started serving:\n%s", args, r)
		}
	}
	// Nothing was changed.
	s = openTestStore(t, db)
	if applied, _, err := s.SchemaVersion(ctx); err != nil || applied != 999 {
		t.Errorf("schema version %d, %v after the refused commands, want 999", applied, err)
	}
	if _, err := s.UserByUsername(ctx, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("alice created in a database of a newer schema: %v", err)
	}
}

func TestAPIToken(t *testing.T) {
	db := sqliteURL(t)
	const flagToken, envToken = "flag-token-0123456789", "env-token-0123456789"

	r := mustRun(t, dbEnv(db), "", "api-token", "--api-token", flagToken)
	if r.stdout != flagToken+"\n" {
		t.Errorf("stdout %q, want the flag's token", r.stdout)
	}
	env := dbEnv(db)
	env["GORADIUS_API_TOKEN"] = envToken
	if r := mustRun(t, env, "", "api-token"); r.stdout != envToken+"\n" {
		t.Errorf("stdout %q, want the environment's token", r.stdout)
	}
	if r := mustRun(t, env, "", "api-token", "--api-token", flagToken); r.stdout != flagToken+"\n" {
		t.Errorf("stdout %q, want the flag's token over the environment's", r.stdout)
	}
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("file-token-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := mustRun(t, map[string]string{"GORADIUS_API_TOKEN_FILE": tokenFile}, "", "api-token"); r.stdout != "file-token-0123456789\n" {
		t.Errorf("stdout %q, want the token of GORADIUS_API_TOKEN_FILE", r.stdout)
	}

	r = wantFail(t, dbEnv(db), "", 1, []string{"no API token", "goradius serve", "--api-token", "GORADIUS_API_TOKEN"}, "api-token")
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing", r.stdout)
	}
	r = wantFail(t, dbEnv(db), "", 2, []string{"--api-token", "at least 15"}, "api-token", "--api-token", "too-short")
	if strings.Contains(r.output(), "too-short") {
		t.Errorf("the rejected token was printed:\n%s", r)
	}
	wantFail(t, dbEnv(db), "", 2, []string{`unexpected argument "x"`}, "api-token", "x")
}

// TestConfigFile checks that commands read their database and settings
// from --config or GORADIUS_CONFIG.
func TestConfigFile(t *testing.T) {
	db := sqliteURL(t)
	conf := filepath.Join(t.TempDir(), "goradius.conf")
	content := fmt.Sprintf("# shared with serve\nlisten = 127.0.0.1:0\ndb = %q\npassword-iterations = 1000\nbatch-password-length = 12\n", db)
	if err := os.WriteFile(conf, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	pw := generated(t, mustRun(t, nil, "", "user", "add", "alice", "--config", conf))
	if len(pw) != 12 {
		t.Errorf("generated password %q, want the file's length 12", pw)
	}
	checkPassword(t, userOf(t, db, "alice"), pw)
	r := mustRun(t, map[string]string{"GORADIUS_CONFIG": conf}, "", "user", "list")
	if !strings.Contains(r.stdout, "alice") {
		t.Errorf("GORADIUS_CONFIG's database not used:\n%s", r)
	}
	bad := filepath.Join(t.TempDir(), "bad.conf")
	if err := os.WriteFile(bad, []byte("db = "+db+"\ncolor = blue\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantFail(t, nil, "", 2, []string{"bad.conf", "line 2", `unknown setting "color"`}, "user", "list", "--config", bad)
}

func TestUsage(t *testing.T) {
	commandNames := []string{"serve", "migrate", "api-token", "user", "version"}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		r := mustRun(t, nil, "", args...)
		for _, name := range commandNames {
			if !strings.Contains(r.stdout, "  "+name+" ") {
				t.Errorf("goradius %q does not list %s:\n%s", args, name, r)
			}
		}
	}
	r := run(t, nil, "")
	if r.code != 2 || !strings.Contains(r.output(), "Usage: goradius COMMAND") {
		t.Errorf("no arguments: want exit 2 with the usage\n%s", r)
	}
	r = wantFail(t, nil, "", 2, []string{`unknown command "frobnicate"`, "Usage: goradius COMMAND", "migrate"}, "frobnicate")
	if r.stdout != "" {
		t.Errorf("unknown command: usage on stdout, want stderr\n%s", r)
	}
	if r := mustRun(t, nil, "", "version"); !strings.HasPrefix(r.stdout, "goradius ") {
		t.Errorf("version: %q", r.stdout)
	}
}

// flagListed reports whether --help output lists flag name.
func flagListed(help, name string) bool {
	return regexp.MustCompile(`(?m)^  -` + regexp.QuoteMeta(name) + `(\s|$)`).MatchString(help)
}

func TestCommandHelp(t *testing.T) {
	serveSettings := []string{
		"listen", "db", "api-token", "authorize-reject", "disposable-radius-token", "accounting-auto-group",
		"time-zone", "password-iterations", "batch-password-length", "batch-mail-subject", "batch-mail-message",
		"batch-mail-sender", "smtp", "log-format", "log-level", "pprof-listen", "config",
	}
	tests := []struct {
		args  []string
		flags []string
	}{
		{[]string{"serve"}, serveSettings},
		{[]string{"migrate"}, []string{"db", "config", "log-level"}},
		{[]string{"api-token"}, []string{"db", "api-token", "config"}},
		{[]string{"user", "add"}, []string{"password-stdin", "password", "email", "group", "db", "config", "password-iterations", "batch-password-length"}},
		{[]string{"user", "passwd"}, []string{"password-stdin", "password", "db", "config", "password-iterations"}},
		{[]string{"user", "list"}, []string{"db", "config", "time-zone"}},
		{[]string{"user", "disable"}, []string{"db", "config"}},
		{[]string{"user", "enable"}, []string{"db", "config"}},
		{[]string{"user", "delete"}, []string{"db", "config"}},
	}
	for _, tc := range tests {
		for _, help := range []string{"--help", "-h"} {
			args := append(slices.Clone(tc.args), help)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				r := mustRun(t, nil, "", args...)
				if !strings.HasPrefix(r.stdout, "Usage: goradius "+strings.Join(tc.args, " ")) {
					t.Errorf("help does not start with the synopsis:\n%s", r)
				}
				for _, f := range tc.flags {
					if !flagListed(r.stdout, f) {
						t.Errorf("help does not list -%s:\n%s", f, r.stdout)
					}
				}
				if tc.args[0] != "serve" && flagListed(r.stdout, "listen") {
					t.Errorf("a command other than serve lists -listen:\n%s", r.stdout)
				}
			})
		}
	}
	r := mustRun(t, nil, "", "user", "--help")
	for _, sub := range []string{"add NAME", "list", "passwd NAME", "disable NAME", "enable NAME", "delete NAME"} {
		if !strings.Contains(r.stdout, sub) {
			t.Errorf("user --help lacks %q:\n%s", sub, r.stdout)
		}
	}
}

func TestBadDatabaseURL(t *testing.T) {
	commands := [][]string{
		{"migrate"},
		{"api-token"},
		{"user", "list"},
		{"user", "add", "alice", "--password", "x"},
		{"user", "passwd", "alice", "--password", "x"},
		{"user", "delete", "alice"},
		{"serve", "--listen", "127.0.0.1:0"},
	}
	forms := []string{"sqlite:PATH", "postgres://", "mysql://"}
	for _, args := range commands {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := run(t, nil, "", append(slices.Clone(args), "--db", "foo://x")...)
			if r.code != 1 && r.code != 2 {
				t.Errorf("exit %d, want 1 or 2\n%s", r.code, r)
			}
			for _, f := range forms {
				if !strings.Contains(r.stderr, f) {
					t.Errorf("stderr does not name the accepted form %s:\n%s", f, r)
				}
			}
			if strings.Contains(r.stdout, "listening") {
				t.Errorf("started serving:\n%s", r)
			}
		})
	}
}

// TestDatabasePasswordHidden checks that no message repeats the password of
// a database URL, whatever the way the URL is wrong. Port 1 of the loopback
// address refuses connections.
func TestDatabasePasswordHidden(t *testing.T) {
	urls := []string{
		"postgres://u:secretpw@127.0.0.1:1/x",
		"postgresql://u:secretpw@127.0.0.1:1/x?sslmode=disable",
		"postgres://u:secretpw@127.0.0.1:1/x?sslmode=bogus",
		"postgres://u:secretpw@127.0.0.1:1/",
		"postgres://u:secret%70w@127.0.0.1:1/x?sslmode=disable",
		"postgres://127.0.0.1:1/x?sslmode=disable&password=secretpw",
		"postgres://127.0.0.1:1/x?password=secretpw&sslmode=bogus",
		"mysql://u:secretpw@127.0.0.1:1/x",
		"mysql://u:secretpw@127.0.0.1:1/x?tls=bogus",
		"mysql://u:secretpw@127.0.0.1:1/",
		"u:secretpw@tcp(127.0.0.1:1)/x", // a DSN where a URL belongs
		"foo://u:secretpw@x/y",
	}
	commands := [][]string{
		{"migrate"},
		{"api-token"},
		{"user", "add", "alice", "--password", "x"},
		{"serve", "--listen", "127.0.0.1:0"},
	}
	for _, u := range urls {
		t.Run(u, func(t *testing.T) {
			for _, args := range commands {
				r := run(t, nil, "", append(slices.Clone(args), "--db", u)...)
				if r.code == 0 {
					t.Errorf("goradius %q succeeded:\n%s", args, r)
				}
				if strings.Contains(r.output(), "secretpw") {
					t.Errorf("goradius %q printed the database password:\n%s", args, r)
				}
				if !strings.Contains(r.stderr, "xxxxx") && !strings.Contains(r.stderr, "accepted forms") {
					t.Errorf("goradius %q: the message neither shows the redacted URL nor the accepted forms:\n%s", args, r)
				}
			}
			// The same through the environment.
			r := run(t, map[string]string{"GORADIUS_DB": u}, "", "migrate")
			if r.code == 0 || strings.Contains(r.output(), "secretpw") {
				t.Errorf("GORADIUS_DB: exit %d, or the password printed:\n%s", r.code, r)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"sqlite:goradius.db", "sqlite:goradius.db"},
		{"sqlite:/data/user:pw@host.db", "sqlite:/data/user:pw@host.db"},
		{"postgres://u:pw@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"postgres://h/db", "postgres://h/db"},
		{"postgres://postgres:postgres@h/postgres", "postgres://postgres:xxxxx@h/postgres"},
		{"postgres://u:p@ss@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://h/db?sslmode=disable&password=pw&user=u", "postgres://h/db?sslmode=disable&password=xxxxx&user=u"},
		{"mysql://u:pw@h/db?PASSWORD=pw2", "mysql://u:xxxxx@h/db?PASSWORD=xxxxx"},
		{"u:pw@tcp(h:3306)/db", "u:xxxxx@tcp(h:3306)/db"},
	}
	for _, tc := range tests {
		if got := redactURL(tc.in); got != tc.want {
			t.Errorf("redactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScrubKeepsWrapping(t *testing.T) {
	base := fmt.Errorf("connect to postgres://h/db?password=pw: %w", store.ErrNotFound)
	err := scrub(base, "postgres://h/db?password=pw")
	if strings.Contains(err.Error(), "=pw") {
		t.Errorf("scrub left the password: %v", err)
	}
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("scrub lost the wrapped error: %v", err)
	}
	// A password that is also the user name and database name only hides
	// the password.
	err = scrub(errors.New("connect to postgres://postgres:postgres@h/postgres: refused"), "postgres://postgres:postgres@h/postgres")
	if want := "connect to postgres://postgres:xxxxx@h/postgres: refused"; err.Error() != want {
		t.Errorf("scrub = %q, want %q", err, want)
	}
}
