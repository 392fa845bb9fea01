package cli

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/server"
	"github.com/goradius/goradius/internal/store"
)

func runSession(env *Env, args []string) error {
	return runSubcommands(env, "session", "Accounting sessions (radacct). A session is named by its id (the ID column of\n"+
		"'session list') or its unique id.", []subcommand{
		{"list", "list [--user NAME] [--open | --closed] [--called-station ID] [--calling-station ID] [--from DATE] [--until DATE] [--json]", sessionList},
		{"show", "show ID|UNIQUE-ID [--json]", sessionShow},
		{"close", "close ID|UNIQUE-ID [--json]   (stop time now, terminate cause Admin-Reset; the NAS is not told)", sessionClose},
		{"cleanup", fmt.Sprintf("cleanup [DAYS] [--older-than DURATION]   (close sessions the NAS stopped reporting; DAYS defaults to %d)", admin.DefaultStaleSessionDays), sessionCleanup},
		{"delete-old", "delete-old DAYS   (delete sessions stopped more than DAYS days ago; open ones stay)", sessionDeleteOld},
	}, args)
}

func sessionList(env *Env, args []string) error {
	fs := newFlags(env, "session list", "session list [flags]")
	user := fs.String("user", "", "only this username's sessions")
	open := fs.Bool("open", false, "only open sessions (no stop time)")
	closed := fs.Bool("closed", false, "only closed sessions")
	called := fs.String("called-station", "", "only sessions of this Called-Station-Id")
	calling := fs.String("calling-station", "", "only sessions of this Calling-Station-Id")
	from := fs.String("from", "", "only sessions started at or after DATE (YYYY-MM-DD [HH:MM], in --time-zone)")
	until := fs.String("until", "", "only sessions stopped at or before DATE")
	asJSON := jsonFlag(fs)
	pf := addPageFlags(fs, 50)
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	f := store.AcctFilter{Username: *user, CalledStationID: *called, CallingStationID: *calling}
	switch {
	case *open && *closed:
		return usagef("give --open or --closed, not both")
	case *open:
		f.IsOpen = ptrTo(true)
	case *closed:
		f.IsOpen = ptrTo(false)
	}
	if err := parseWhenFlags(c.TimeZone, whenFlag{"--from", *from, &f.StartFrom}, whenFlag{"--until", *until, &f.StopUntil}); err != nil {
		return err
	}
	return showList(env, c, *asJSON, func(a *admin.Service) ([]admin.Session, int, error) {
		return a.ListSessions(env.Ctx, f, *pf.offset, *pf.limit)
	}, listTable[admin.Session]{
		headers: []string{"ID", "USERNAME", "NAS", "START", "STOP", "SECONDS", "IN", "OUT", "CALLING-STATION", "CAUSE"},
		row: func(s admin.Session) []string {
			return []string{fmt.Sprint(s.ID), strOr(s.Username), s.NASIPAddress, when(s.StartTime, c.TimeZone), when(s.StopTime, c.TimeZone),
				intOr(s.SessionTime), intOr(s.InputOctets), intOr(s.OutputOctets), strOr(s.CallingStationID), strOr(s.TerminateCause)}
		},
		what: "session(s), newest first",
	})
}

func ptrTo[T any](v T) *T { return &v }

// findSession finds a session by id, or by unique id.
func findSession(env *Env, a *admin.Service, arg string) (admin.Session, error) {
	if id, err := strconv.ParseInt(arg, 10, 64); err == nil {
		s, err := a.Session(env.Ctx, id)
		if !errors.Is(err, store.ErrNotFound) {
			return s, err
		}
	}
	s, err := a.SessionByUniqueID(env.Ctx, arg)
	if errors.Is(err, store.ErrNotFound) {
		return admin.Session{}, fmt.Errorf("no session with id or unique id %q (list them with 'goradius session list')", arg)
	}
	return s, err
}

func printSession(env *Env, s admin.Session, loc *time.Location, asJSON bool) error {
	if asJSON {
		return writeJSON(env.Stdout, s)
	}
	return printFields(env.Stdout, [][2]string{
		{"id", fmt.Sprint(s.ID)}, {"session id", s.SessionID}, {"unique id", s.UniqueID},
		{"username", strOr(s.Username)}, {"group", strOr(s.Groupname)}, {"NAS", s.NASIPAddress},
		{"NAS port", strOr(s.NASPortID)}, {"start", when(s.StartTime, loc)}, {"update", when(s.UpdateTime, loc)},
		{"stop", when(s.StopTime, loc)}, {"seconds", intOr(s.SessionTime)}, {"input octets", intOr(s.InputOctets)},
		{"output octets", intOr(s.OutputOctets)}, {"called station", strOr(s.CalledStationID)},
		{"calling station", strOr(s.CallingStationID)}, {"framed IP", strOr(s.FramedIPAddress)},
		{"terminate cause", strOr(s.TerminateCause)},
	})
}

func sessionOne(env *Env, verb string, args []string, fn func(a *admin.Service, s admin.Session) (admin.Session, error)) error {
	fs := newFlags(env, "session "+verb, "session "+verb+" ID|UNIQUE-ID [--json]")
	asJSON := jsonFlag(fs)
	c, arg, err := loadDBArg(env, fs, args, one("a session id"))
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		s, err := findSession(env, a, arg)
		if err != nil {
			return explain(err)
		}
		if s, err = fn(a, s); err != nil {
			return explain(err)
		}
		return printSession(env, s, c.TimeZone, *asJSON)
	})
}

func sessionShow(env *Env, args []string) error {
	return sessionOne(env, "show", args, func(_ *admin.Service, s admin.Session) (admin.Session, error) { return s, nil })
}

func sessionClose(env *Env, args []string) error {
	return sessionOne(env, "close", args, func(a *admin.Service, s admin.Session) (admin.Session, error) {
		return a.CloseSession(env.Ctx, s.ID)
	})
}

func sessionCleanup(env *Env, args []string) error {
	fs := newFlags(env, "session cleanup", fmt.Sprintf("session cleanup [DAYS] [--older-than DURATION]\n\n"+
		"Closes the open sessions the NAS has not reported on (no Interim-Update, or no Start when\n"+
		"there was none) for DAYS days (default %d, as django-freeradius's cleanup_stale_radacct), or\n"+
		"for DURATION. Their stop time is the last time the NAS spoke of them; the terminate\n"+
		"cause is %s.", admin.DefaultStaleSessionDays, aaa.StaleCause))
	older := fs.Duration("older-than", 0, "close sessions with no accounting for this long (e.g. 90m, 24h), instead of DAYS")
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return err
	}
	age := time.Duration(admin.DefaultStaleSessionDays) * 24 * time.Hour
	switch {
	case len(pos) > 1:
		return usagef("one number of days only (got %d arguments)", len(pos))
	case len(pos) == 1 && *older != 0:
		return usagef("give DAYS or --older-than, not both")
	case len(pos) == 1:
		days, err := parseDays(pos[0], "DAYS")
		if err != nil {
			return err
		}
		age = time.Duration(days) * 24 * time.Hour
	case *older < 0:
		return usagef("--older-than must be positive: a duration such as 24h")
	case *older > 0:
		age = *older
	}
	var n int64
	err = withStore(env, c, func(d server.Deps) error {
		n, err = server.NewAAA(d).CloseStale(env.Ctx, age)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "closed %d session(s) silent for more than %v (terminate cause %s, stop time = last accounting)\n",
		n, age.Round(time.Second), aaa.StaleCause)
	return nil
}

func sessionDeleteOld(env *Env, args []string) error {
	fs := newFlags(env, "session delete-old", "session delete-old DAYS\n\n"+
		"Deletes the sessions that stopped more than DAYS days ago (django-freeradius's\n"+
		"delete_old_radacct). Open sessions are never deleted. Usage limits that look further\n"+
		"back than DAYS (monthly, total) lose what those sessions counted.")
	c, days, err := loadDBDays(env, fs, args)
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		n, err := a.DeleteOldSessions(env.Ctx, days)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "deleted %d session(s) stopped more than %d day(s) ago\n", n, days)
		return nil
	})
}
