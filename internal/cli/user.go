package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/server"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/users"
)

const userUsage = `user SUBCOMMAND [flags]

Subcommands:
  add NAME [--password-stdin | --password P] [--email E] [--group G ...]
  list
  passwd NAME [--password-stdin | --password P]
  disable NAME
  enable NAME
  delete NAME

Without a password flag, add and passwd generate a password and print it.`

func runUser(env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.Stdout, "Usage: goradius "+userUsage)
		if len(args) == 0 {
			return usagef("a subcommand is needed")
		}
		return nil
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "add":
		return userAdd(env, args)
	case "list":
		return userList(env, args)
	case "passwd":
		return userPasswd(env, args)
	case "disable", "enable":
		return userSetActive(env, sub, args)
	case "delete":
		return userDelete(env, args)
	}
	return usagef("unknown subcommand %q (add, list, passwd, disable, enable, delete)", sub)
}

// passwordFlags are the two ways to give a password.
type passwordFlags struct {
	stdin *bool
	value *string
}

func addPasswordFlags(fs *flag.FlagSet) passwordFlags {
	return passwordFlags{
		stdin: fs.Bool("password-stdin", false, "read the password from the first line of standard input"),
		value: fs.String("password", "", "the password (visible in the process list: prefer --password-stdin)"),
	}
}

// read returns the given password, or "" when none was given.
func (p passwordFlags) read(in io.Reader) (string, error) {
	if *p.stdin && *p.value != "" {
		return "", usagef("give either --password-stdin or --password, not both")
	}
	if !*p.stdin {
		return *p.value, nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usagef("--password-stdin: standard input held no password")
	}
	return pw, nil
}

// withUsers opens the database and the account service for a command.
func withUsers(env *Env, c *config.Config, fn func(s store.Store, us *users.Service) error) error {
	return withStore(env, c, func(d server.Deps) error { return fn(d.Store, server.NewUsers(d)) })
}

// withStore opens the configured database (migrating it) for a command and
// closes it after fn, which gets the server's dependencies.
func withStore(env *Env, c *config.Config, fn func(d server.Deps) error) error {
	log := setupLog(env.Stderr, c)
	s, _, err := openStore(env.Ctx, c, log)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(server.Deps{Config: c, Store: s, Log: log})
}

// oneName checks that exactly one positional argument, a username, was given.
func oneName(pos []string) (string, error) {
	switch len(pos) {
	case 0:
		return "", usagef("a username is needed")
	case 1:
		return pos[0], nil
	}
	return "", usagef("one username only (got %q)", strings.Join(pos, " "))
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func userAdd(env *Env, args []string) error {
	fs := newFlags(env, "user add", "user add NAME [--password-stdin | --password P] [--email E] [--group G ...]")
	pf := addPasswordFlags(fs)
	email := fs.String("email", "", "e-mail address")
	var groups multiFlag
	fs.Var(&groups, "group", "radius group to join (repeat for several, lowest priority first); default: the default group")
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return err
	}
	name, err := oneName(pos)
	if err != nil {
		return err
	}
	pw, err := pf.read(env.Stdin)
	if err != nil {
		return err
	}
	return withUsers(env, c, func(s store.Store, us *users.Service) error {
		generated := pw == ""
		if generated {
			if pw, err = us.GeneratePassword(); err != nil {
				return err
			}
		}
		u, err := us.Add(env.Ctx, users.NewUser{Username: name, Password: pw, Email: *email, Groups: groups})
		if err != nil {
			return err
		}
		gs, err := s.UserGroups(env.Ctx, u.Username)
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("created user %s (groups: %s)", u.Username, strings.Join(gs, ", "))
		if generated {
			msg += "; generated password: " + pw
		}
		fmt.Fprintln(env.Stdout, msg)
		return nil
	})
}

func userList(env *Env, args []string) error {
	fs := newFlags(env, "user list", "user list")
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	return withUsers(env, c, func(s store.Store, _ *users.Service) error {
		list, err := s.ListUsers(env.Ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tACTIVE\tEXPIRES\tGROUPS\tEMAIL")
		for _, u := range list {
			gs, err := s.UserGroups(env.Ctx, u.Username)
			if err != nil {
				return err
			}
			exp := "-"
			if u.ExpiresAt != nil {
				exp = u.ExpiresAt.In(c.TimeZone).Format("2006-01-02 15:04")
			}
			active := "yes"
			if !u.IsActive {
				active = "no"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, active, exp, strings.Join(gs, ","), u.Email)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%d user(s)\n", len(list))
		return nil
	})
}

func userPasswd(env *Env, args []string) error {
	fs := newFlags(env, "user passwd", "user passwd NAME [--password-stdin | --password P]")
	pf := addPasswordFlags(fs)
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return err
	}
	name, err := oneName(pos)
	if err != nil {
		return err
	}
	pw, err := pf.read(env.Stdin)
	if err != nil {
		return err
	}
	return withUsers(env, c, func(s store.Store, us *users.Service) error {
		generated := pw == ""
		if generated {
			if pw, err = us.GeneratePassword(); err != nil {
				return err
			}
		}
		if err := us.SetPassword(env.Ctx, name, pw); err != nil {
			return notFound(err, name)
		}
		msg := "password of " + name + " changed"
		if generated {
			msg += "; generated password: " + pw
		}
		fmt.Fprintln(env.Stdout, msg)
		return nil
	})
}

func userSetActive(env *Env, verb string, args []string) error {
	fs := newFlags(env, "user "+verb, "user "+verb+" NAME")
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return err
	}
	name, err := oneName(pos)
	if err != nil {
		return err
	}
	return withUsers(env, c, func(s store.Store, _ *users.Service) error {
		if err := s.SetActive(env.Ctx, name, verb == "enable"); err != nil {
			return notFound(err, name)
		}
		fmt.Fprintf(env.Stdout, "user %s %sd\n", name, verb)
		return nil
	})
}

func userDelete(env *Env, args []string) error {
	fs := newFlags(env, "user delete", "user delete NAME")
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return err
	}
	name, err := oneName(pos)
	if err != nil {
		return err
	}
	return withUsers(env, c, func(s store.Store, _ *users.Service) error {
		if err := s.DeleteUser(env.Ctx, name); err != nil {
			return notFound(err, name)
		}
		fmt.Fprintf(env.Stdout, "user %s deleted with its check, reply and group rows and its tokens\n", name)
		return nil
	})
}

func notFound(err error, name string) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user named %q", name)
	}
	return err
}
