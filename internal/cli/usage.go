package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/server"
)

func runUsage(env *Env, args []string) error {
	fs := newFlags(env, "usage", "usage NAME")
	c, name, err := loadDBArg(env, fs, args, oneName)
	if err != nil {
		return err
	}
	var limits []aaa.Limit
	err = withStore(env, c, func(d server.Deps) error {
		limits, err = server.NewAAA(d).Usage(env.Ctx, name)
		return err
	})
	if errors.Is(err, aaa.ErrUnknownUser) {
		return fmt.Errorf("no user named %q", name)
	}
	if err != nil {
		return err
	}
	if len(limits) == 0 {
		fmt.Fprintf(env.Stdout, "%s has no time or traffic limit\n", name)
		return nil
	}
	t := newTable(env.Stdout, "LIMIT", "PERIOD", "ALLOWED", "USED", "REMAINING", "RESETS")
	t.keepEmpty = true
	for _, l := range limits {
		f := formatSeconds
		if l.Counter.Traffic {
			f = formatOctets
		}
		reset := "never"
		if !l.Reset.IsZero() {
			reset = l.Reset.In(c.TimeZone).Format("2006-01-02 15:04 MST")
		}
		t.row(l.Counter.Check, l.Counter.Period.String(), f(l.Value), f(l.Used), f(l.Remaining), reset)
	}
	return t.flush()
}

func formatSeconds(n int64) string { return (time.Duration(n) * time.Second).String() }

func formatOctets(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.2f %cB (%d)", float64(n)/float64(div), "kMGTPE"[exp], n)
}
