package cli

import (
	"fmt"
	"strconv"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/store"
)

func runMember(env *Env, args []string) error {
	return runSubcommands(env, "member", "Memberships of usernames in radius groups (radusergroup). FreeRADIUS walks a user's\n"+
		"groups from the lowest priority up. 'goradius user set NAME --group G ...' replaces all of\n"+
		"a user's groups at once.", []subcommand{
		{"list", "list [--user NAME] [--group NAME] [--json]", memberList},
		{"add", "add USER GROUP [--priority N]   (default: after the user's other groups)", memberAdd},
		{"set", "set ID [--group NAME] [--priority N]", memberSet},
		{"delete", "delete ID", memberDelete},
	}, args)
}

func memberList(env *Env, args []string) error {
	fs := newFlags(env, "member list", "member list [--user NAME] [--group NAME] [--json]")
	user := fs.String("user", "", "only this username's memberships")
	group := fs.String("group", "", "only this group's memberships")
	asJSON := jsonFlag(fs)
	pf := addPageFlags(fs, 0)
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	return showList(env, c, *asJSON, func(a *admin.Service) ([]admin.Membership, int, error) {
		return a.ListMemberships(env.Ctx, store.MembershipFilter{Username: *user, Groupname: *group}, *pf.offset, *pf.limit)
	}, listTable[admin.Membership]{
		headers: []string{"ID", "USERNAME", "GROUP", "PRIORITY"},
		row: func(m admin.Membership) []string {
			return []string{fmt.Sprint(m.ID), m.Username, m.Groupname, strconv.Itoa(m.Priority)}
		},
		what: "membership(s)",
	})
}

// priorityInput reads --priority when it was given.
func priorityInput(p optString) (*int, error) {
	if !p.set {
		return nil, nil
	}
	n, err := strconv.Atoi(p.v)
	if err != nil {
		return nil, usagef("--priority must be a whole number, got %q", p.v)
	}
	return &n, nil
}

func memberAdd(env *Env, args []string) error {
	fs := newFlags(env, "member add", "member add USER GROUP [--priority N]")
	var prio optString
	fs.Var(&prio, "priority", "the priority (lower first); default: one more than the user's highest")
	asJSON := jsonFlag(fs)
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("a username and a group name are needed")
	}
	p, err := priorityInput(prio)
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		m, err := a.CreateMembership(env.Ctx, admin.MembershipInput{Username: &pos[0], Groupname: &pos[1], Priority: p})
		if err != nil {
			return explain(err)
		}
		return printOrJSON(env.Stdout, *asJSON, m, "%s joined group %s with priority %d (membership %d)", m.Username, m.Groupname, m.Priority, m.ID)
	})
}

func memberSet(env *Env, args []string) error {
	fs := newFlags(env, "member set", "member set ID [--group NAME] [--priority N]")
	var group, prio optString
	fs.Var(&group, "group", "move the membership to this group")
	fs.Var(&prio, "priority", "the new priority")
	asJSON := jsonFlag(fs)
	c, id, err := loadDBID(env, fs, args, "a membership id", "the membership id")
	if err != nil {
		return err
	}
	p, err := priorityInput(prio)
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		m, err := a.UpdateMembership(env.Ctx, id, admin.MembershipInput{Groupname: group.ptr(), Priority: p})
		if err != nil {
			return explain(err)
		}
		return printOrJSON(env.Stdout, *asJSON, m, "membership %d: %s in group %s with priority %d", m.ID, m.Username, m.Groupname, m.Priority)
	})
}

func memberDelete(env *Env, args []string) error {
	fs := newFlags(env, "member delete", "member delete ID")
	c, id, err := loadDBID(env, fs, args, "a membership id", "the membership id")
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		if err := a.DeleteMembership(env.Ctx, id); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "membership %d deleted\n", id)
		return nil
	})
}
