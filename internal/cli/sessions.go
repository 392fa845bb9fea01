package cli

import (
	"fmt"
	"time"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/server"
)

const sessionsUsage = `sessions SUBCOMMAND [flags]

Subcommands:
  cleanup --older-than DURATION   close open sessions the NAS has not reported on for DURATION (e.g. 24h)`

func runSessions(env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.Stdout, "Usage: goradius "+sessionsUsage)
		if len(args) == 0 {
			return usagef("a subcommand is needed")
		}
		return nil
	}
	if args[0] != "cleanup" {
		return usagef("unknown subcommand %q (cleanup)", args[0])
	}
	fs := newFlags(env, "sessions cleanup", "sessions cleanup --older-than DURATION")
	older := fs.Duration("older-than", 0, "close sessions with no accounting for this long (e.g. 90m, 24h, 360h)")
	c, pos, err := loadDB(env, fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *older <= 0 {
		return usagef("--older-than is needed: a duration such as 24h")
	}
	var n int64
	err = withStore(env, c, func(d server.Deps) error {
		n, err = server.NewAAA(d).CloseStale(env.Ctx, *older)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "closed %d session(s) silent for more than %v (terminate cause %s, stop time = last accounting)\n",
		n, older.Round(time.Second), aaa.StaleCause)
	return nil
}
