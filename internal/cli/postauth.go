package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/store"
)

func runPostAuth(env *Env, args []string) error {
	return runSubcommands(env, "postauth", "The post-auth log (radpostauth): every login attempt FreeRADIUS reported, with\n"+
		"its outcome; the password is kept for failed attempts only.", []subcommand{
		{"list", "list [--user NAME] [--reply accept|reject|VALUE] [--called-station ID] [--calling-station ID] [--from DATE] [--until DATE] [--json]", postAuthList},
		{"delete-old", "delete-old DAYS   (delete rows older than DAYS days)", postAuthDeleteOld},
	}, args)
}

func postAuthList(env *Env, args []string) error {
	fs := newFlags(env, "postauth list", "postauth list [flags]")
	user := fs.String("user", "", "only attempts of this username")
	reply := fs.String("reply", "", "only this outcome: accept (Access-Accept), reject (Access-Reject) or the exact reply")
	called := fs.String("called-station", "", "only attempts of this Called-Station-Id")
	calling := fs.String("calling-station", "", "only attempts of this Calling-Station-Id")
	from := fs.String("from", "", "only attempts at or after DATE (YYYY-MM-DD [HH:MM], in --time-zone)")
	until := fs.String("until", "", "only attempts before DATE")
	asJSON := jsonFlag(fs)
	pf := addPageFlags(fs, 50)
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	f := store.PostAuthFilter{Username: *user, Reply: *reply, CalledStationID: *called, CallingStationID: *calling}
	switch strings.ToLower(f.Reply) {
	case "accept":
		f.Reply = "Access-Accept"
	case "reject":
		f.Reply = "Access-Reject"
	}
	for _, d := range []struct {
		flag, v string
		dst     **time.Time
	}{{"--from", *from, &f.From}, {"--until", *until, &f.Until}} {
		if d.v == "" {
			continue
		}
		t, err := parseWhen(d.v, c.TimeZone)
		if err != nil {
			return usagef("%s: %v", d.flag, err)
		}
		*d.dst = &t
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		list, total, err := a.ListPostAuth(env.Ctx, f, *pf.offset, *pf.limit)
		if err != nil {
			return explain(err)
		}
		if *asJSON {
			return writeJSON(env.Stdout, list)
		}
		t := newTable(env.Stdout, "ID", "DATE", "USERNAME", "REPLY", "CALLED-STATION", "CALLING-STATION")
		for _, p := range list {
			t.row(fmt.Sprint(p.ID), when(&p.Date, c.TimeZone), p.Username, p.Reply, strOr(p.CalledStationID), strOr(p.CallingStationID))
		}
		if err := t.flush(); err != nil {
			return err
		}
		footer(env.Stdout, len(list), total, "attempt(s), newest first")
		return nil
	})
}

func postAuthDeleteOld(env *Env, args []string) error {
	fs := newFlags(env, "postauth delete-old", "postauth delete-old DAYS\n\n"+
		"Deletes the post-auth rows older than DAYS days (django-freeradius's delete_old_postauth).")
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return err
	}
	arg, err := exactlyOne(pos, "a number of days")
	if err != nil {
		return err
	}
	days, err := parseDays(arg, "DAYS")
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		n, err := a.DeleteOldPostAuth(env.Ctx, days)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "deleted %d post-auth row(s) older than %d day(s)\n", n, days)
		return nil
	})
}
