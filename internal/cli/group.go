package cli

import (
	"flag"
	"fmt"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/store"
)

func groupCommands() []subcommand {
	return []subcommand{
		{"list", "list [--search TEXT] [--json]", groupList},
		{"show", "show NAME [--json]", groupShow},
		{"add", "add NAME [--description D] [--default] [--store-nt-hash] [--check 'Attr:=Value' ...] [--reply 'Attr=Value' ...]", groupAdd},
		{"set", "set NAME [--name NEW] [--description D] [--default] [--store-nt-hash=true|false]", groupSet},
		{"delete", "delete NAME", groupDelete},
	}
}

func runGroup(env *Env, args []string) error {
	return runSubcommands(env, "group", "Radius groups and their check and reply items. Exactly one group is the default\n"+
		"one, which new users join; it cannot be deleted. Renaming a group renames its rows in\n"+
		"radgroupcheck, radgroupreply and radusergroup in one transaction.\n\n"+
		"Example: a group with a daily limit of one hour\n"+
		"  goradius group add daily --check 'Max-Daily-Session:=3600'", groupCommands(), args)
}

func groupList(env *Env, args []string) error {
	fs := newFlags(env, "group list", "group list [--search TEXT] [--json]")
	search := fs.String("search", "", "only groups whose name or description contains TEXT")
	asJSON := jsonFlag(fs)
	pf := addPageFlags(fs, 0)
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	return showList(env, c, *asJSON, func(a *admin.Service) ([]admin.Group, int, error) {
		return a.ListGroups(env.Ctx, store.GroupFilter{Search: *search}, *pf.offset, *pf.limit)
	}, listTable[admin.Group]{
		headers: []string{"NAME", "DEFAULT", "NT-HASH", "CHECK", "REPLY", "DESCRIPTION"},
		row: func(g admin.Group) []string {
			return []string{g.Name, yesNo(g.IsDefault), yesNo(g.StoreNTHash), itemsText(g.Check), itemsText(g.Reply), g.Description}
		},
		what: "group(s)",
	})
}

// itemsText writes items as "Attr:=Value, Attr=Value".
func itemsText(items []admin.Item) string {
	s := ""
	for i, it := range items {
		if i > 0 {
			s += ", "
		}
		s += it.Attribute + it.Op + it.Value
	}
	return s
}

func groupShow(env *Env, args []string) error {
	fs := newFlags(env, "group show", "group show NAME [--json]")
	asJSON := jsonFlag(fs)
	c, name, err := loadDBArg(env, fs, args, one("a group name"))
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		g, err := a.Group(env.Ctx, name)
		if err != nil {
			return explain(err)
		}
		return printGroup(env, g, *asJSON)
	})
}

func printGroup(env *Env, g admin.Group, asJSON bool) error {
	if asJSON {
		return writeJSON(env.Stdout, g)
	}
	fmt.Fprintf(env.Stdout, "group %s (id %d)%s\n", g.Name, g.ID, map[bool]string{true: ", the default group"}[g.IsDefault])
	if g.Description != "" {
		fmt.Fprintf(env.Stdout, "description:   %s\n", g.Description)
	}
	fmt.Fprintf(env.Stdout, "store NT hash: %s\n", yesNo(g.StoreNTHash))
	t := newTable(env.Stdout, "ID", "KIND", "ATTRIBUTE", "OP", "VALUE")
	for _, part := range []struct {
		kind  string
		items []admin.Item
	}{{"check", g.Check}, {"reply", g.Reply}} {
		for _, it := range part.items {
			t.row(fmt.Sprint(it.ID), part.kind, it.Attribute, it.Op, it.Value)
		}
	}
	return t.flush()
}

// loadGroupFlags is loadDBArg for group add and set, whose
// --store-nt-hash is their own flag, not the setting.
func loadGroupFlags(env *Env, fs *flag.FlagSet, args []string) (*config.Config, string, error) {
	c, pos, err := loadDBWithout(env, fs, args, "store-nt-hash")
	if err != nil {
		return nil, "", err
	}
	name, err := exactlyOne(pos, "a group name")
	if err != nil {
		return nil, "", err
	}
	return c, name, nil
}

// saveGroup runs save (a create or an update) and prints the group it
// returns, after "VERB group NAME" unless asJSON.
func saveGroup(env *Env, c *config.Config, asJSON bool, verb string, save func(a *admin.Service) (admin.Group, error)) error {
	return withAdmin(env, c, func(a *admin.Service) error {
		g, err := save(a)
		if err != nil {
			return explain(err)
		}
		if !asJSON {
			fmt.Fprintf(env.Stdout, "%s group %s\n", verb, g.Name)
		}
		return printGroup(env, g, asJSON)
	})
}

func groupAdd(env *Env, args []string) error {
	fs := newFlags(env, "group add", "group add NAME [flags]")
	desc := fs.String("description", "", "what the group is for (at most 64 characters)")
	def := fs.Bool("default", false, "make it the default group (new users join it); the old default stops being one")
	nt := fs.Bool("store-nt-hash", false, "keep an NT hash beside every new password of its members, for MS-CHAP")
	var checks, replies multiFlag
	fs.Var(&checks, "check", "a check item 'Attribute:=Value' (operator := when none; repeat for several), e.g. Max-Daily-Session:=3600")
	fs.Var(&replies, "reply", "a reply item 'Attribute=Value' (operator = when none; repeat for several)")
	asJSON := jsonFlag(fs)
	c, name, err := loadGroupFlags(env, fs, args)
	if err != nil {
		return err
	}
	in := admin.GroupInput{Name: &name, Description: desc, IsDefault: def, StoreNTHash: nt}
	for _, list := range []struct {
		specs []string
		dst   *[]admin.ItemInput
		check bool
	}{{checks, &in.Check, true}, {replies, &in.Reply, false}} {
		for _, spec := range list.specs {
			it, err := parseItem(spec, list.check)
			if err != nil {
				return err
			}
			*list.dst = append(*list.dst, it)
		}
	}
	return saveGroup(env, c, *asJSON, "created", func(a *admin.Service) (admin.Group, error) {
		return a.CreateGroup(env.Ctx, in)
	})
}

func groupSet(env *Env, args []string) error {
	fs := newFlags(env, "group set", "group set NAME [flags]")
	var newName, desc optString
	var def, nt optBool
	fs.Var(&newName, "name", "rename the group (its check, reply and membership rows follow)")
	fs.Var(&desc, "description", "what the group is for")
	fs.Var(&def, "default", "make it the default group (the flag moves from the old default)")
	fs.Var(&nt, "store-nt-hash", "keep NT hashes of its members' new passwords: true or false")
	asJSON := jsonFlag(fs)
	c, name, err := loadGroupFlags(env, fs, args)
	if err != nil {
		return err
	}
	in := admin.GroupInput{Name: newName.ptr(), Description: desc.ptr(), IsDefault: def.ptr(), StoreNTHash: nt.ptr()}
	return saveGroup(env, c, *asJSON, "updated", func(a *admin.Service) (admin.Group, error) {
		return a.UpdateGroup(env.Ctx, name, in)
	})
}

func groupDelete(env *Env, args []string) error {
	fs := newFlags(env, "group delete", "group delete NAME")
	c, name, err := loadDBArg(env, fs, args, one("a group name"))
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		if err := a.DeleteGroup(env.Ctx, name); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "group %s deleted with its check and reply items and memberships\n", name)
		return nil
	})
}
