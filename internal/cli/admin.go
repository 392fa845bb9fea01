package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/server"
	"github.com/goradius/goradius/internal/store"
)

// newAdmin builds the admin service from the server's dependencies.
func newAdmin(d server.Deps) *admin.Service {
	return admin.New(d.Store, server.NewUsers(d))
}

// withAdmin opens the database and the admin service for a command.
func withAdmin(env *Env, c *config.Config, fn func(a *admin.Service) error) error {
	return withStore(env, c, func(d server.Deps) error { return fn(newAdmin(d)) })
}

// maintenanceSchedule is the schedule the configuration asks serve for.
func maintenanceSchedule(c *config.Config) admin.Schedule {
	return admin.Schedule{
		Every:                  c.ScheduleInterval,
		DeactivateExpiredUsers: c.DeactivateExpiredUsers,
		DeleteOldUsersMonths:   c.DeleteOldUsersMonths,
		DeleteOldSessionsDays:  c.DeleteOldSessionsDays,
		DeleteOldPostAuthDays:  c.DeleteOldPostAuthDays,
	}
}

// subcommand is one verb of a resource command (group add, nas list ...).
type subcommand struct {
	name     string
	synopsis string // after "goradius RESOURCE "
	run      func(env *Env, args []string) error
}

// runSubcommands dispatches to one of subs, or prints the resource's help
// (listing every subcommand) for help, -h, --help or no argument.
func runSubcommands(env *Env, resource, intro string, subs []subcommand, args []string) error {
	return dispatch(env, subs, args, func() {
		fmt.Fprintf(env.Stdout, "Usage: goradius %s SUBCOMMAND [flags]\n\n%s\n\nSubcommands:\n", resource, intro)
		for _, s := range subs {
			fmt.Fprintf(env.Stdout, "  %s %s\n", resource, s.synopsis)
		}
		fmt.Fprintf(env.Stdout, "\nRun 'goradius %s SUBCOMMAND --help' for its flags. Lists print a table, or JSON with --json.\n", resource)
	})
}

// jsonFlag adds --json.
func jsonFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("json", false, "print JSON instead of a table (a list is an array)")
}

// pageFlags are --offset and --limit of list commands.
type pageFlags struct{ offset, limit *int }

func addPageFlags(fs *flag.FlagSet, defLimit int) pageFlags {
	return pageFlags{
		offset: fs.Int("offset", 0, "skip this many rows"),
		limit:  fs.Int("limit", defLimit, "show at most this many rows (0: all)"),
	}
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table writes aligned columns.
type table struct {
	tw *tabwriter.Writer
	// keepEmpty prints empty cells as they are, not as "-".
	keepEmpty bool
}

func newTable(w io.Writer, headers ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	t.row(headers...)
	return t
}

func (t *table) row(cells ...string) {
	for i, c := range cells {
		if c == "" && !t.keepEmpty {
			cells[i] = "-"
		}
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *table) flush() error { return t.tw.Flush() }

// footer says how many rows were shown of how many.
func footer(w io.Writer, shown, total int, what string) {
	if shown == total {
		fmt.Fprintf(w, "%d %s\n", total, what)
		return
	}
	fmt.Fprintf(w, "%d of %d %s (use --offset and --limit for the others)\n", shown, total, what)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// when formats an optional instant in the configured zone.
func when(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04:05")
}

func strOr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func intOr(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// exactlyOne checks that pos holds one argument, named what.
func exactlyOne(pos []string, what string) (string, error) {
	switch len(pos) {
	case 0:
		return "", usagef("%s is needed", what)
	case 1:
		return pos[0], nil
	}
	return "", usagef("one %s only (got %q)", what, strings.Join(pos, " "))
}

// noArgs refuses positional arguments.
func noArgs(pos []string) error {
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	return nil
}

// parseID reads a numeric id argument.
func parseID(s, what string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, usagef("%s must be a number such as 12, got %q", what, s)
	}
	return id, nil
}

// parseDays reads a positive number of days.
func parseDays(s, what string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, usagef("%s must be a whole number of days, at least 1, got %q", what, s)
	}
	return n, nil
}

// parseWhen reads a date (YYYY-MM-DD, the start of that day) or a date and
// time (YYYY-MM-DD HH:MM[:SS] or RFC 3339) in loc.
func parseWhen(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, "2006-01-02 15:04", time.DateTime, "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM)", s)
}

// parseDate reads an expiration date: YYYY-MM-DD, or django-freeradius's
// DD-MM-YYYY.
func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, "02-01-2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date: use YYYY-MM-DD (or DD-MM-YYYY)", s)
}

// optBool is a --flag[=true|false] that remembers whether it was given.
type optBool struct {
	set, v bool
}

func (b *optBool) String() string { return strconv.FormatBool(b.v) }
func (b *optBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("%q is not true or false", s)
	}
	b.v, b.set = v, true
	return nil
}
func (b *optBool) IsBoolFlag() bool { return true }

// ptr returns the value as a pointer when given, else nil.
func (b *optBool) ptr() *bool {
	if !b.set {
		return nil
	}
	v := b.v
	return &v
}

// optString is a string flag that remembers whether it was given.
type optString struct {
	set bool
	v   string
}

func (s *optString) String() string { return s.v }
func (s *optString) Set(v string) error {
	s.v, s.set = v, true
	return nil
}

func (s *optString) ptr() *string {
	if !s.set {
		return nil
	}
	v := s.v
	return &v
}

// explain rewrites the service's errors for the terminal: input errors as
// their messages, missing things plainly.
func explain(err error) error {
	if err == nil {
		return nil
	}
	if ie, ok := admin.IsInputError(err); ok {
		return errors.New(ie.Error())
	}
	if errors.Is(err, store.ErrNotFound) {
		msg := strings.TrimSuffix(err.Error(), ": "+store.ErrNotFound.Error())
		return &rewordedError{msg: "not found: " + msg, err: err}
	}
	return err
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// loadDBWithout is loadDB for a command with a flag of its own named like
// a setting (group add --store-nt-hash): the settings named are left out
// of fs, so the command's flag is the one parsed (the setting still comes
// from the environment or the config file).
func loadDBWithout(env *Env, fs *flag.FlagSet, args []string, names ...string) (*config.Config, []string, error) {
	settings := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	l := config.Register(settings, config.DBOptions)
	settings.VisitAll(func(f *flag.Flag) {
		for _, n := range names {
			if f.Name == n {
				return
			}
		}
		fs.Var(f.Value, f.Name, f.Usage)
		fs.Lookup(f.Name).DefValue = f.DefValue
	})
	return loadFlags(env, fs, l, args)
}
