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
		return nil, 0, fmt.Errorf("opening the database %s: %w", redactURL(c.DB), err)
	}
	n, err := s.Migrate(ctx)
	if err != nil {
		s.Close()
		return nil, 0, fmt.Errorf("migrating the database %s: %w", redactURL(c.DB), err)
	}
	return s, n, nil
}

// redactURL hides a password in a database URL for messages.
func redactURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return u
	}
	cred := rest[:at]
	if user, _, hasPass := strings.Cut(cred, ":"); hasPass {
		return scheme + "://" + user + ":xxxxx@" + rest[at+1:]
	}
	return u
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
