package cli

import (
	"fmt"
	"strings"

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
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	f := store.PostAuthFilter{Username: *user, Reply: *reply, CalledStationID: *called, CallingStationID: *calling}
	switch strings.ToLower(f.Reply) {
	case "accept":
		f.Reply = "Access-Accept"
	case "reject":
		f.Reply = "Access-Reject"
	}
	if err := parseWhenFlags(c.TimeZone, whenFlag{"--from", *from, &f.From}, whenFlag{"--until", *until, &f.Until}); err != nil {
		return err
	}
	return showList(env, c, *asJSON, func(a *admin.Service) ([]admin.PostAuth, int, error) {
		return a.ListPostAuth(env.Ctx, f, *pf.offset, *pf.limit)
	}, listTable[admin.PostAuth]{
		headers: []string{"ID", "DATE", "USERNAME", "REPLY", "CALLED-STATION", "CALLING-STATION"},
		row: func(p admin.PostAuth) []string {
			return []string{fmt.Sprint(p.ID), when(&p.Date, c.TimeZone), p.Username, p.Reply, strOr(p.CalledStationID), strOr(p.CallingStationID)}
		},
		what: "attempt(s), newest first",
	})
}

func postAuthDeleteOld(env *Env, args []string) error {
	fs := newFlags(env, "postauth delete-old", "postauth delete-old DAYS\n\n"+
		"Deletes the post-auth rows older than DAYS days (django-freeradius's delete_old_postauth).")
	c, days, err := loadDBDays(env, fs, args)
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
