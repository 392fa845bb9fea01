package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/server"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/users"
)

const userUsage = `user SUBCOMMAND [flags]

Users: their passwords, groups and expiration. 'users' works as well as 'user'.

Subcommands:
  add NAME [--password-stdin | --password P] [--email E] [--group G ...] [--first-name F] [--last-name L]
      [--staff] [--expires DATE]
  list [--search TEXT] [--group G] [--active=true|false] [--staff=true|false] [--batch ID] [--json]
  show NAME [--json]
  set NAME [--name NEW] [--email E] [--first-name F] [--last-name L] [--active=true|false] [--staff=true|false]
      [--expires DATE|none] [--group G ...] [--clear-nt-hash] [--json]
  passwd NAME [--password-stdin | --password P]
  disable NAME
  enable NAME
  delete NAME
  deactivate-expired                        set inactive every user whose expiration has passed
  delete-old [--older-than-months 18]       delete users (and batches) expired longer ago than that

Without a password flag, add and passwd generate a password and print it. Renaming a user
(set --name) renames its radcheck, radreply, radusergroup and radacct rows in one transaction,
so its usage limits keep counting. Run 'goradius user SUBCOMMAND --help' for the flags.`

// userCommands are the subcommands of user; their help is userUsage.
func userCommands() []subcommand {
	setActive := func(verb string) func(env *Env, args []string) error {
		return func(env *Env, args []string) error { return userSetActive(env, verb, args) }
	}
	return []subcommand{
		{"add", "", userAdd},
		{"list", "", userList},
		{"show", "", userShow},
		{"set", "", userSet},
		{"passwd", "", userPasswd},
		{"disable", "", setActive("disable")},
		{"enable", "", setActive("enable")},
		{"delete", "", userDelete},
		{"deactivate-expired", "", userDeactivateExpired},
		{"delete-old", "", userDeleteOld},
	}
}

func runUser(env *Env, args []string) error {
	return dispatch(env, userCommands(), args, func() { fmt.Fprintln(env.Stdout, "Usage: goradius "+userUsage) })
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

// loadUserPassword is loadDBArg for user add and passwd: it also reads
// the password given ("" when none was).
func loadUserPassword(env *Env, fs *flag.FlagSet, args []string, pf passwordFlags) (*config.Config, string, string, error) {
	c, name, err := loadDBArg(env, fs, args, oneName)
	if err != nil {
		return nil, "", "", err
	}
	pw, err := pf.read(env.Stdin)
	if err != nil {
		return nil, "", "", err
	}
	return c, name, pw, nil
}

// setPassword gives set the password pw, or one us generates when pw is
// empty, and prints the message set returns, with the generated password.
func setPassword(env *Env, us *users.Service, pw string, set func(pw string) (string, error)) error {
	generated := pw == ""
	if generated {
		var err error
		if pw, err = us.GeneratePassword(); err != nil {
			return err
		}
	}
	msg, err := set(pw)
	if err != nil {
		return err
	}
	if generated {
		msg += "; generated password: " + pw
	}
	fmt.Fprintln(env.Stdout, msg)
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func userAdd(env *Env, args []string) error {
	fs := newFlags(env, "user add", "user add NAME [--password-stdin | --password P] [--email E] [--group G ...] [flags]")
	pf := addPasswordFlags(fs)
	email := fs.String("email", "", "e-mail address")
	var groups multiFlag
	fs.Var(&groups, "group", "radius group to join (repeat for several, lowest priority first); default: the default group")
	first := fs.String("first-name", "", "first name")
	last := fs.String("last-name", "", "last name")
	staff := fs.Bool("staff", false, "mark the user as staff (may use the admin API)")
	expires := fs.String("expires", "", "the user cannot log in from this instant (YYYY-MM-DD [HH:MM], in --time-zone)")
	c, name, pw, err := loadUserPassword(env, fs, args, pf)
	if err != nil {
		return err
	}
	in := admin.UserInput{Username: &name, Email: email, FirstName: first, LastName: last, IsStaff: staff, Groups: groups}
	if *expires != "" {
		t, err := parseWhen(*expires, c.TimeZone)
		if err != nil {
			return usagef("--expires: %v", err)
		}
		in.ExpiresAt = &t
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		return setPassword(env, a.Users, pw, func(pw string) (string, error) {
			in.Password = &pw
			u, err := a.CreateUser(env.Ctx, in)
			if err != nil {
				return "", explain(err)
			}
			return fmt.Sprintf("created user %s (groups: %s)", u.Username, strings.Join(u.Groups, ", ")), nil
		})
	})
}

func userList(env *Env, args []string) error {
	fs := newFlags(env, "user list", "user list [flags]")
	search := fs.String("search", "", "only users whose username or e-mail address contains TEXT")
	group := fs.String("group", "", "only members of this radius group")
	var active, staff optBool
	fs.Var(&active, "active", "only active (true) or inactive (false) users")
	fs.Var(&staff, "staff", "only staff (true) or other (false) users")
	batchID := fs.String("batch", "", "only users of this batch (its id)")
	asJSON := jsonFlag(fs)
	pg := addPageFlags(fs, 0)
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	f := store.UserFilter{Search: *search, Group: *group, IsActive: active.ptr(), IsStaff: staff.ptr(), Batch: *batchID}
	return showList(env, c, *asJSON, func(a *admin.Service) ([]admin.User, int, error) {
		return a.ListUsers(env.Ctx, f, *pg.offset, *pg.limit)
	}, listTable[admin.User]{
		headers: []string{"USERNAME", "ACTIVE", "EXPIRES", "GROUPS", "EMAIL"},
		row: func(u admin.User) []string {
			exp := "-"
			if u.ExpiresAt != nil {
				exp = u.ExpiresAt.In(c.TimeZone).Format("2006-01-02 15:04")
			}
			return []string{u.Username, yesNo(u.IsActive), exp, strings.Join(u.Groups, ","), u.Email}
		},
		what:      "user(s)",
		keepEmpty: true,
	})
}

func printUser(env *Env, u admin.User, loc *time.Location, asJSON bool) error {
	if asJSON {
		return writeJSON(env.Stdout, u)
	}
	return printFields(env.Stdout, [][2]string{
		{"id", fmt.Sprint(u.ID)}, {"username", u.Username}, {"email", u.Email},
		{"first name", u.FirstName}, {"last name", u.LastName}, {"active", yesNo(u.IsActive)},
		{"staff", yesNo(u.IsStaff)}, {"usable password", yesNo(u.HasPassword)}, {"NT hash", yesNo(u.HasNTHash)},
		{"groups", strings.Join(u.Groups, ", ")}, {"expires", when(u.ExpiresAt, loc)},
		{"joined", when(&u.DateJoined, loc)}, {"last login", when(u.LastLogin, loc)},
	})
}

func userShow(env *Env, args []string) error {
	fs := newFlags(env, "user show", "user show NAME [--json]")
	asJSON := jsonFlag(fs)
	c, name, err := loadDBArg(env, fs, args, oneName)
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		u, err := a.User(env.Ctx, name)
		if err != nil {
			return notFound(err, name)
		}
		return printUser(env, u, c.TimeZone, *asJSON)
	})
}

func userSet(env *Env, args []string) error {
	fs := newFlags(env, "user set", "user set NAME [flags]")
	var newName, email, first, last, expires optString
	var active, staff optBool
	fs.Var(&newName, "name", "rename the user (its FreeRADIUS rows and accounting follow, in one transaction)")
	fs.Var(&email, "email", "e-mail address ('' to clear)")
	fs.Var(&first, "first-name", "first name")
	fs.Var(&last, "last-name", "last name")
	fs.Var(&active, "active", "whether the user may log in: true or false")
	fs.Var(&staff, "staff", "whether the user is staff: true or false")
	fs.Var(&expires, "expires", "the user cannot log in from this instant (YYYY-MM-DD [HH:MM]); 'none' removes it")
	var groups multiFlag
	fs.Var(&groups, "group", "replace the user's radius groups with these (repeat, lowest priority first)")
	clearNT := fs.Bool("clear-nt-hash", false, "remove the user's NT hash (MS-CHAP stops working until the next password)")
	asJSON := jsonFlag(fs)
	c, name, err := loadDBArg(env, fs, args, oneName)
	if err != nil {
		return err
	}
	in := admin.UserInput{Username: newName.ptr(), Email: email.ptr(), FirstName: first.ptr(), LastName: last.ptr(),
		IsActive: active.ptr(), IsStaff: staff.ptr(), ClearNTHash: *clearNT}
	if len(groups) > 0 {
		in.Groups = groups
	}
	if expires.set {
		if expires.v == "none" {
			in.ClearExpiresAt = true
		} else {
			t, err := parseWhen(expires.v, c.TimeZone)
			if err != nil {
				return usagef("--expires: %v", err)
			}
			in.ExpiresAt = &t
		}
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		u, err := a.UpdateUser(env.Ctx, name, in)
		if err != nil {
			return notFound(explain(err), name)
		}
		if !*asJSON {
			fmt.Fprintf(env.Stdout, "updated user %s\n", u.Username)
		}
		return printUser(env, u, c.TimeZone, *asJSON)
	})
}

func userDeactivateExpired(env *Env, args []string) error {
	fs := newFlags(env, "user deactivate-expired", "user deactivate-expired\n\n"+
		"Sets inactive every active user whose expiration has passed (django-freeradius's\n"+
		"deactivate_expired_users; batch users expire at the end of their batch's expiration date).")
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		n, err := a.DeactivateExpiredUsers(env.Ctx)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "deactivated %d expired user(s)\n", n)
		return nil
	})
}

func userDeleteOld(env *Env, args []string) error {
	fs := newFlags(env, "user delete-old", "user delete-old [--older-than-months 18]\n\n"+
		"Deletes the users whose expiration passed more than N months (of 30 days) ago, and the\n"+
		"batches whose expiration date did, with all their users (django-freeradius's\n"+
		"delete_old_users). Their accounting history stays.")
	months := fs.Int("older-than-months", admin.DefaultDeleteOldUsersMonths, "age of the expiration in months of 30 days")
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		users, batches, err := a.DeleteOldUsers(env.Ctx, *months)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "deleted %d user(s) and %d batch(es) expired more than %d month(s) ago\n", users, batches, *months)
		return nil
	})
}

func userPasswd(env *Env, args []string) error {
	fs := newFlags(env, "user passwd", "user passwd NAME [--password-stdin | --password P]")
	pf := addPasswordFlags(fs)
	c, name, pw, err := loadUserPassword(env, fs, args, pf)
	if err != nil {
		return err
	}
	return withUsers(env, c, func(_ store.Store, us *users.Service) error {
		return setPassword(env, us, pw, func(pw string) (string, error) {
			if err := us.SetPassword(env.Ctx, name, pw); err != nil {
				return "", notFound(err, name)
			}
			return "password of " + name + " changed", nil
		})
	})
}

func userSetActive(env *Env, verb string, args []string) error {
	fs := newFlags(env, "user "+verb, "user "+verb+" NAME")
	c, name, err := loadDBArg(env, fs, args, oneName)
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
	c, name, err := loadDBArg(env, fs, args, oneName)
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
