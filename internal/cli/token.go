package cli

import (
	"fmt"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/store"
)

func runToken(env *Env, args []string) error {
	return runSubcommands(env, "token", "Radius user tokens: a token works as the user's password once (or always with\n"+
		"--disposable-radius-token=false), e.g. for a captive portal that logs the user in.", []subcommand{
		{"list", "list [--user NAME] [--json]", tokenList},
		{"show", "show USER [--json]", tokenShow},
		{"create", "create USER [--json]   (replaces the user's token)", tokenCreate},
		{"delete", "delete USER", tokenDelete},
	}, args)
}

func tokenList(env *Env, args []string) error {
	fs := newFlags(env, "token list", "token list [--user NAME] [--json]")
	user := fs.String("user", "", "only this user's token")
	asJSON := jsonFlag(fs)
	pf := addPageFlags(fs, 0)
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	return showList(env, c, *asJSON, func(a *admin.Service) ([]admin.RadiusToken, int, error) {
		return a.ListTokens(env.Ctx, store.TokenFilter{Username: *user}, *pf.offset, *pf.limit)
	}, listTable[admin.RadiusToken]{
		headers: []string{"USERNAME", "KEY", "CREATED"},
		row: func(tok admin.RadiusToken) []string {
			return []string{tok.Username, tok.Key, when(&tok.Created, c.TimeZone)}
		},
		what: "token(s)",
	})
}

func tokenOne(env *Env, verb string, args []string, fn func(a *admin.Service, user string) (admin.RadiusToken, error)) error {
	fs := newFlags(env, "token "+verb, "token "+verb+" USER [--json]")
	asJSON := jsonFlag(fs)
	c, user, err := loadDBArg(env, fs, args, one("a username"))
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		tok, err := fn(a, user)
		if err != nil {
			return explain(err)
		}
		return printOrJSON(env.Stdout, *asJSON, tok, "radius token of %s: %s", tok.Username, tok.Key)
	})
}

func tokenShow(env *Env, args []string) error {
	return tokenOne(env, "show", args, func(a *admin.Service, user string) (admin.RadiusToken, error) {
		return a.Token(env.Ctx, user)
	})
}

func tokenCreate(env *Env, args []string) error {
	return tokenOne(env, "create", args, func(a *admin.Service, user string) (admin.RadiusToken, error) {
		return a.CreateToken(env.Ctx, user)
	})
}

func tokenDelete(env *Env, args []string) error {
	fs := newFlags(env, "token delete", "token delete USER")
	c, user, err := loadDBArg(env, fs, args, one("a username"))
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		if err := a.DeleteToken(env.Ctx, user); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "radius token of %s deleted\n", user)
		return nil
	})
}
