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
	"sort"
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
		{"user", "manage users: add, list, passwd, disable, enable, delete", runUser},
		{"version", "print the version", runVersion},
	}
}

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
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'goradius COMMAND --help' for the flags of a command.")
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
				err = fmt.Errorf("%w: the database %s has schema version %d, but this goradius knows versions up to %d only; "+
					"a newer goradius has migrated it: upgrade goradius to that release (or a later one) and run it again",
					store.ErrSchemaTooNew, redactURL(c.DB), applied, latest)
				s.Close()
				return nil, 0, scrub(err, c.DB)
			}
		}
		s.Close()
		return nil, 0, scrub(fmt.Errorf("migrating the database %s: %w", redactURL(c.DB), err), c.DB)
	}
	return s, n, nil
}

// redactURL hides a password in a database URL for messages: the one of
// user:pass@ and a password= parameter.
func redactURL(u string) string {
	for _, secret := range urlSecrets(u) {
		u = strings.ReplaceAll(u, secret, "xxxxx")
	}
	return u
}

// urlSecrets returns the passwords a database URL holds, as written and
// decoded: after "user:" before the last "@" (also in a DSN without
// "scheme://", a common mistake), and password= or passwd= parameters.
func urlSecrets(u string) []string {
	var out []string
	add := func(s string) {
		if s == "" {
			return
		}
		out = append(out, s)
		if d, err := url.PathUnescape(s); err == nil && d != s {
			out = append(out, d)
		}
		if d, err := url.QueryUnescape(s); err == nil && d != s {
			out = append(out, d)
		}
	}
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		scheme, rest, _ = strings.Cut(u, ":")
		switch strings.ToLower(scheme) {
		case "sqlite", "sqlite3":
			return nil // a file path, whatever its characters
		}
		rest = u // a DSN: user:pass@tcp(host)/db
	}
	authority, query, _ := strings.Cut(rest, "?")
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		if _, pass, hasPass := strings.Cut(authority[:at], ":"); hasPass {
			add(pass)
		}
	}
	for _, kv := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(kv, "=")
		switch strings.ToLower(k) {
		case "password", "passwd", "pass":
			add(v)
		}
	}
	// Longest first, so a decoded form inside a longer one is not left
	// half replaced.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// scrubbedError is an error whose message had the database password
// removed; it still unwraps to the original.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrub removes the passwords of dbURL from err's message: drivers and the
// store may quote the URL, or parts of it, in their errors.
func scrub(err error, dbURL string) error {
	msg := err.Error()
	for _, secret := range urlSecrets(dbURL) {
		msg = strings.ReplaceAll(msg, secret, "xxxxx")
	}
	if msg == err.Error() {
		return err
	}
	return &scrubbedError{msg: msg, err: err}
}

// loadDB parses a database command's flags and loads its configuration.
func loadDB(env *Env, fs *flag.FlagSet, args []string) (*config.Config, []string, error) {
	l := config.Register(fs, config.DBOptions)
	pos, err := parse(fs, args)
	if err != nil {
		return nil, nil, err
	}
	c, err := l.Load(env.Getenv)
	if err != nil {
		return nil, nil, usageError{err.Error()}
	}
	return c, pos, nil
}
