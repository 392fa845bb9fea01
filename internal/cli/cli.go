// Package cli implements the goradius command line: serve, migrate,
// api-token and user management, one file per command.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// Env is what a command may touch: its streams and the environment.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Ctx is cancelled on SIGINT/SIGTERM.
	Ctx context.Context
}

type command struct {
	name    string
	summary string
	run     func(env *Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP API FreeRADIUS talks to", runServe},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"api-token", "print the API token FreeRADIUS must send", runAPIToken},
		{"user", "users: add, list, show, set, passwd, disable, enable, delete, deactivate-expired, delete-old", runUser},
		{"group", "radius groups with their check and reply items: list, show, add, set, delete", runGroup},
		{"check", "check items of users and groups (radcheck, radgroupcheck): list, add, set, delete", runCheck},
		{"reply", "reply items of users and groups (radreply, radgroupreply): list, add, set, delete", runReply},
		{"member", "memberships of users in groups, with priorities: list, add, set, delete", runMember},
		{"nas", "RADIUS clients (the nas table): list, show, add, set, delete", runNAS},
		{"batch", "batches of users: import a CSV, generate with a prefix and PDF, list, show, download, expire, delete", runBatch},
		{"token", "radius user tokens: list, show, create, delete", runToken},
		{"session", "accounting sessions: list, show, close, cleanup, delete-old", runSession},
		{"postauth", "the post-auth log: list, delete-old", runPostAuth},
		{"usage", "show a user's time and traffic limits, used and remaining", runUsage},
		{"import", "import a django-freeradius database: users, groups, items, tokens, batches, accounting", runImport},
		{"freeradius-config", "write a FreeRADIUS rest module and sites for goradius", runFreeradiusConfig},
		{"version", "print the version", runVersion},
	}
}

// aliases are other names of commands: the plural forms.
var aliases = map[string]string{"users": "user", "sessions": "session", "groups": "group", "members": "member"}

// Run executes a goradius command and returns its exit code.
func Run(env *Env, args []string) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Ctx == nil {
		env.Ctx = context.Background()
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if name, ok := aliases[args[0]]; ok {
		args = append([]string{name}, args[1:]...)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(env, args[1:])
			if err == nil {
				return 0
			}
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			var ue usageError
			if errors.As(err, &ue) {
				fmt.Fprintf(env.Stderr, "goradius %s: %s\n", c.name, ue.msg)
				return 2
			}
			fmt.Fprintf(env.Stderr, "goradius %s: %s\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(env.Stderr, "goradius: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "goradius: users, passwords, policies and accounting for FreeRADIUS over HTTP")
	fmt.Fprintln(w, "\nUsage: goradius COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-18s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\n'users', 'sessions', 'groups' and 'members' work as well as the singular forms.")
	fmt.Fprintln(w, "Run 'goradius COMMAND --help' for the subcommands and flags of a command.")
}

// usageError is a mistake on the command line (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// newFlags makes a FlagSet that reports errors to stderr without exiting.
func newFlags(env *Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stdout, "Usage: goradius %s\n\nFlags:\n", synopsis)
		fs.SetOutput(env.Stdout)
		fs.PrintDefaults()
		fs.SetOutput(env.Stderr)
	}
	return fs
}

// parse parses flags that may stand before, between or after positional
// arguments ("user add alice --password x"); "--" ends the flags.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, flag.ErrHelp
			}
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		// fs.Parse stops at the first positional argument or after "--".
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return pos, nil
}

// setupLog builds the logger from the configuration.
func setupLog(w io.Writer, c *config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore opens and migrates the configured database.
func openStore(ctx context.Context, c *config.Config, log *slog.Logger) (store.Store, int, error) {
	s, err := sqlstore.Open(ctx, c.DB, sqlstore.Options{Logger: log})
	if err != nil {
		return nil, 0, scrub(fmt.Errorf("opening the database %s: %w", redactURL(c.DB), err), c.DB)
	}
	n, err := s.Migrate(ctx)
	if err != nil {
		if errors.Is(err, store.ErrSchemaTooNew) {
			if applied, latest, verr := s.SchemaVersion(ctx); verr == nil {
				s.Close()
				return nil, 0, scrub(&rewordedError{err: err, msg: fmt.Sprintf(
					"the database %s was migrated by a newer goradius: its schema is version %d, and this goradius knows versions up to %d only; "+
						"upgrade goradius (to the release that migrated it, or a later one) before using this database",
					redactURL(c.DB), applied, latest)}, c.DB)
			}
		}
		s.Close()
		return nil, 0, scrub(fmt.Errorf("migrating the database %s: %w", redactURL(c.DB), err), c.DB)
	}
	return s, n, nil
}

// redactURL hides the passwords of a database URL for messages: the one of
// user:pass@ (also in a DSN without "scheme://", a common mistake) and
// password= parameters.
func redactURL(u string) string {
	prefix, cred, at, rest, ok := splitDBURL(u)
	if !ok {
		return u
	}
	if user, _, hasPass := strings.Cut(cred, ":"); hasPass {
		cred = user + ":xxxxx"
	}
	if hostPath, query, hasQuery := strings.Cut(rest, "?"); hasQuery {
		params := strings.Split(query, "&")
		for i, kv := range params {
			if k, _, hasValue := strings.Cut(kv, "="); hasValue && isPasswordParam(k) {
				params[i] = k + "=xxxxx"
			}
		}
		rest = hostPath + "?" + strings.Join(params, "&")
	}
	return prefix + cred + at + rest
}

// splitDBURL cuts a database URL into "scheme://", the credentials before
// the last "@", that "@" and the rest. ok is false for an SQLite URL,
// which is a file path whatever its characters.
func splitDBURL(u string) (prefix, cred, at, rest string, ok bool) {
	scheme, rest, hasSlashes := strings.Cut(u, "://")
	if s, _, _ := strings.Cut(u, ":"); strings.EqualFold(s, "sqlite") || strings.EqualFold(s, "sqlite3") {
		return "", "", "", u, false
	}
	if hasSlashes {
		prefix = scheme + "://"
	} else {
		rest = u // a DSN: user:pass@tcp(host)/db
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		return prefix, rest[:i], "@", rest[i+1:], true
	}
	return prefix, "", "", rest, true
}

func isPasswordParam(k string) bool {
	switch strings.ToLower(k) {
	case "password", "passwd", "pass":
		return true
	}
	return false
}

// secretReplacer replaces, in a message, the places where the passwords of
// a database URL appear in a quoted copy of it: ":PASS@" (as written or
// decoded) and "password=PASS". The surrounding characters are part of the
// match so a password that is also a common word (or the user name) does
// not blank out the rest of the message.
func secretReplacer(u string) *strings.Replacer {
	_, cred, _, rest, ok := splitDBURL(u)
	if !ok {
		return nil
	}
	var pairs []string
	if _, pass, hasPass := strings.Cut(cred, ":"); hasPass && pass != "" {
		pairs = append(pairs, ":"+pass+"@", ":xxxxx@")
		if d, err := url.PathUnescape(pass); err == nil && d != pass {
			pairs = append(pairs, ":"+d+"@", ":xxxxx@")
		}
	}
	if _, query, hasQuery := strings.Cut(rest, "?"); hasQuery {
		for _, kv := range strings.Split(query, "&") {
			if k, v, _ := strings.Cut(kv, "="); isPasswordParam(k) && v != "" {
				pairs = append(pairs, kv, k+"=xxxxx")
				if d, err := url.QueryUnescape(v); err == nil && d != v {
					pairs = append(pairs, k+"="+d, k+"=xxxxx")
				}
			}
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	return strings.NewReplacer(pairs...)
}

// rewordedError replaces the message of err (to remove a password, or to
// say it better) and still unwraps to it.
type rewordedError struct {
	msg string
	err error
}

func (e *rewordedError) Error() string { return e.msg }
func (e *rewordedError) Unwrap() error { return e.err }

// scrub removes the passwords of dbURL from err's message: drivers and the
// store may quote the URL, or parts of it, in their errors.
func scrub(err error, dbURL string) error {
	r := secretReplacer(dbURL)
	if r == nil {
		return err
	}
	msg := r.Replace(err.Error())
	if msg == err.Error() {
		return err
	}
	return &rewordedError{msg: msg, err: err}
}

// loadDB parses a database command's flags and loads its configuration.
func loadDB(env *Env, fs *flag.FlagSet, args []string) (*config.Config, []string, error) {
	return loadFlags(env, fs, config.Register(fs, config.DBOptions), args)
}
