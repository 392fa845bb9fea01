package cli

import (
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/store"
)

func runNAS(env *Env, args []string) error {
	return runSubcommands(env, "nas", "RADIUS clients in the nas table, which FreeRADIUS reads with read_clients = yes in\n"+
		"its sql module (restart FreeRADIUS after a change). A NAS is named by its address, network\n"+
		"or host name, or by its id.\n\n"+
		"Example: goradius nas add 10.0.0.1 --secret testing123 --short-name lobby-ap", []subcommand{
		{"list", "list [--search TEXT] [--json]", nasList},
		{"show", "show NAME|ID [--json]", nasShow},
		{"add", "add NAME --secret S [--short-name N] [--type T] [--ports N] [--server S] [--community C] [--description D]", nasAdd},
		{"set", "set NAME|ID [--name NEW] [--secret S] [--short-name N] [--type T] [--ports N|none] [--server S] [--community C] [--description D]", nasSet},
		{"delete", "delete NAME|ID", nasDelete},
	}, args)
}

// nasFlags are the fields of a NAS; empty text clears an optional one.
type nasFlags struct {
	name, secret, short, typ, ports, server, community, desc optString
}

func addNASFlags(fs *flag.FlagSet, f *nasFlags, rename bool) {
	if rename {
		fs.Var(&f.name, "name", "new name: the client's address, network (10.0.0.0/8) or host name")
	}
	fs.Var(&f.secret, "secret", "the shared secret (at most 60 characters)")
	fs.Var(&f.short, "short-name", "a short name for logs")
	fs.Var(&f.typ, "type", "the NAS type for checkrad (default other)")
	fs.Var(&f.ports, "ports", "the number of ports ('none' to clear)")
	fs.Var(&f.server, "server", "the virtual server that handles its requests")
	fs.Var(&f.community, "community", "the SNMP community")
	fs.Var(&f.desc, "description", "a description (default 'RADIUS Client')")
}

func (f *nasFlags) input() (admin.NASInput, error) {
	in := admin.NASInput{Name: f.name.ptr(), Secret: f.secret.ptr(), ShortName: f.short.ptr(), Type: f.typ.ptr(),
		Server: f.server.ptr(), Community: f.community.ptr(), Description: f.desc.ptr()}
	if f.ports.set {
		if f.ports.v == "none" || f.ports.v == "" {
			in.ClearPorts = true
		} else {
			n, err := strconv.ParseInt(f.ports.v, 10, 64)
			if err != nil {
				return in, usagef("--ports must be a number or none, got %q", f.ports.v)
			}
			in.Ports = &n
		}
	}
	return in, nil
}

// findNAS finds a NAS by name, or by id when the argument is a number.
func findNAS(env *Env, a *admin.Service, arg string) (admin.NAS, error) {
	n, err := a.NASByName(env.Ctx, arg)
	if errors.Is(err, store.ErrNotFound) {
		if id, perr := strconv.ParseInt(arg, 10, 64); perr == nil {
			n, err = a.NAS(env.Ctx, id)
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return admin.NAS{}, fmt.Errorf("no NAS named %q (list them with 'goradius nas list')", arg)
	}
	return n, err
}

// withNAS opens the admin service and runs fn on the NAS arg names.
func withNAS(env *Env, c *config.Config, arg string, fn func(a *admin.Service, n admin.NAS) error) error {
	return withAdmin(env, c, func(a *admin.Service) error {
		n, err := findNAS(env, a, arg)
		if err != nil {
			return explain(err)
		}
		return fn(a, n)
	})
}

func nasList(env *Env, args []string) error {
	fs := newFlags(env, "nas list", "nas list [--search TEXT] [--json]")
	search := fs.String("search", "", "only entries whose name, short name or description contains TEXT")
	asJSON := jsonFlag(fs)
	pf := addPageFlags(fs, 0)
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	return showList(env, c, *asJSON, func(a *admin.Service) ([]admin.NAS, int, error) {
		return a.ListNAS(env.Ctx, store.NASFilter{Search: *search}, *pf.offset, *pf.limit)
	}, listTable[admin.NAS]{
		headers: []string{"ID", "NAME", "SHORT-NAME", "TYPE", "PORTS", "SERVER", "DESCRIPTION"},
		row: func(n admin.NAS) []string {
			return []string{fmt.Sprint(n.ID), n.Name, n.ShortName, n.Type, intOr(n.Ports), n.Server, n.Description}
		},
		what: "NAS entries",
	})
}

func printNAS(env *Env, n admin.NAS, asJSON bool) error {
	if asJSON {
		return writeJSON(env.Stdout, n)
	}
	return printFields(env.Stdout, [][2]string{{"id", fmt.Sprint(n.ID)}, {"name", n.Name}, {"short name", n.ShortName},
		{"type", n.Type}, {"ports", intOr(n.Ports)}, {"secret", n.Secret}, {"server", n.Server},
		{"community", n.Community}, {"description", n.Description}})
}

func nasShow(env *Env, args []string) error {
	fs := newFlags(env, "nas show", "nas show NAME|ID [--json]")
	asJSON := jsonFlag(fs)
	c, arg, err := loadDBArg(env, fs, args, one("a NAS name or id"))
	if err != nil {
		return err
	}
	return withNAS(env, c, arg, func(a *admin.Service, n admin.NAS) error {
		return printNAS(env, n, *asJSON)
	})
}

func nasAdd(env *Env, args []string) error {
	fs := newFlags(env, "nas add", "nas add NAME --secret S [flags]")
	var f nasFlags
	addNASFlags(fs, &f, false)
	asJSON := jsonFlag(fs)
	c, name, err := loadDBArg(env, fs, args, one("a NAS name (its address, network or host name)"))
	if err != nil {
		return err
	}
	f.name = optString{set: true, v: name}
	in, err := f.input()
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		n, err := a.CreateNAS(env.Ctx, in)
		if err != nil {
			return explain(err)
		}
		return printOrJSON(env.Stdout, *asJSON, n, "added NAS %s (id %d)", n.Name, n.ID)
	})
}

func nasSet(env *Env, args []string) error {
	fs := newFlags(env, "nas set", "nas set NAME|ID [flags]")
	var f nasFlags
	addNASFlags(fs, &f, true)
	asJSON := jsonFlag(fs)
	c, arg, err := loadDBArg(env, fs, args, one("a NAS name or id"))
	if err != nil {
		return err
	}
	in, err := f.input()
	if err != nil {
		return err
	}
	return withNAS(env, c, arg, func(a *admin.Service, cur admin.NAS) error {
		n, err := a.UpdateNAS(env.Ctx, cur.ID, in)
		if err != nil {
			return explain(err)
		}
		return printOrJSON(env.Stdout, *asJSON, n, "updated NAS %s (id %d)", n.Name, n.ID)
	})
}

func nasDelete(env *Env, args []string) error {
	fs := newFlags(env, "nas delete", "nas delete NAME|ID")
	c, arg, err := loadDBArg(env, fs, args, one("a NAS name or id"))
	if err != nil {
		return err
	}
	return withNAS(env, c, arg, func(a *admin.Service, n admin.NAS) error {
		if err := a.DeleteNAS(env.Ctx, n.ID); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "NAS %s (id %d) deleted\n", n.Name, n.ID)
		return nil
	})
}
