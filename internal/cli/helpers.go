package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/config"
)

// dispatch runs the subcommand of subs named by args[0], or calls help for
// help, -h, --help or no argument (no argument is a usage error).
func dispatch(env *Env, subs []subcommand, args []string, help func()) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		help()
		if len(args) == 0 {
			return usagef("a subcommand is needed")
		}
		return nil
	}
	names := make([]string, len(subs))
	for i, s := range subs {
		if s.name == args[0] {
			return s.run(env, args[1:])
		}
		names[i] = s.name
	}
	return usagef("unknown subcommand %q (%s)", args[0], strings.Join(names, ", "))
}

// loadFlags parses fs (on which l registered the settings) and loads the
// configuration.
func loadFlags(env *Env, fs *flag.FlagSet, l *config.Loader, args []string) (*config.Config, []string, error) {
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

// loadDBNoArgs is loadDB for a command without positional arguments.
func loadDBNoArgs(env *Env, fs *flag.FlagSet, args []string) (*config.Config, error) {
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return nil, err
	}
	if err := noArgs(pos); err != nil {
		return nil, err
	}
	return c, nil
}

// argReader reads the one positional argument of a command.
type argReader func(pos []string) (string, error)

// one is the argReader of exactlyOne, for an argument named what.
func one(what string) argReader {
	return func(pos []string) (string, error) { return exactlyOne(pos, what) }
}

// loadDBArg is loadDB for a command with one positional argument, which
// read takes from the positional arguments.
func loadDBArg(env *Env, fs *flag.FlagSet, args []string, read argReader) (*config.Config, string, error) {
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return nil, "", err
	}
	arg, err := read(pos)
	if err != nil {
		return nil, "", err
	}
	return c, arg, nil
}

// loadDBID is loadDB for a command whose one argument is a numeric id:
// what names the argument when missing, idWhat when it is not a number.
func loadDBID(env *Env, fs *flag.FlagSet, args []string, what, idWhat string) (*config.Config, int64, error) {
	c, arg, err := loadDBArg(env, fs, args, one(what))
	if err != nil {
		return nil, 0, err
	}
	id, err := parseID(arg, idWhat)
	if err != nil {
		return nil, 0, err
	}
	return c, id, nil
}

// loadDBDays is loadDB for a command whose one argument is DAYS.
func loadDBDays(env *Env, fs *flag.FlagSet, args []string) (*config.Config, int, error) {
	c, arg, err := loadDBArg(env, fs, args, one("a number of days"))
	if err != nil {
		return nil, 0, err
	}
	days, err := parseDays(arg, "DAYS")
	if err != nil {
		return nil, 0, err
	}
	return c, days, nil
}

// listPage fetches a page of a list from the admin service, with the total.
type listPage[T any] func(a *admin.Service) ([]T, int, error)

// listTable is how a list prints as a table: its headers, the cells of a
// row and the footer's noun ("group(s)").
type listTable[T any] struct {
	headers []string
	row     func(T) []string
	what    string
	// keepEmpty prints empty cells as they are, not as "-".
	keepEmpty bool
}

// showList opens the admin service, fetches a page with fetch and prints
// it: as JSON with asJSON, else as tab's table with a footer.
func showList[T any](env *Env, c *config.Config, asJSON bool, fetch listPage[T], tab listTable[T]) error {
	return withAdmin(env, c, func(a *admin.Service) error {
		list, total, err := fetch(a)
		if err != nil {
			return explain(err)
		}
		if asJSON {
			return writeJSON(env.Stdout, list)
		}
		t := newTable(env.Stdout, tab.headers...)
		t.keepEmpty = tab.keepEmpty
		for _, v := range list {
			t.row(tab.row(v)...)
		}
		if err := t.flush(); err != nil {
			return err
		}
		footer(env.Stdout, len(list), total, tab.what)
		return nil
	})
}

// printOrJSON prints v as JSON with asJSON, else the line format makes of
// a (with a newline).
func printOrJSON(w io.Writer, asJSON bool, v any, format string, a ...any) error {
	if asJSON {
		return writeJSON(w, v)
	}
	fmt.Fprintf(w, format+"\n", a...)
	return nil
}

// printFields prints a FIELD VALUE table of pairs.
func printFields(w io.Writer, pairs [][2]string) error {
	t := newTable(w, "FIELD", "VALUE")
	for _, kv := range pairs {
		t.row(kv[0], kv[1])
	}
	return t.flush()
}

// whenFlag is a date flag (--from, --until) of a list filter: its name, the
// text given and the filter field it sets.
type whenFlag struct {
	name, v string
	dst     **time.Time
}

// parseWhenFlags sets the filter fields of the date flags given, read in loc.
func parseWhenFlags(loc *time.Location, flags ...whenFlag) error {
	for _, d := range flags {
		if d.v == "" {
			continue
		}
		t, err := parseWhen(d.v, loc)
		if err != nil {
			return usagef("%s: %v", d.name, err)
		}
		*d.dst = &t
	}
	return nil
}
