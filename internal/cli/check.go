package cli

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/store"
)

// itemOps are the operators an item spec may hold, longest first so that
// ":=" is not read as ":" then "=".
var itemOps = []string{":=", "==", "+=", "!=", ">=", "<=", "=~", "!~", "=*", "!*", "=", ">", "<"}

// parseItem reads "Attribute OP Value" (spaces around OP optional), e.g.
// "Max-Daily-Session:=3600". Without an operator ("Attribute Value") the
// default one of the table is used.
func parseItem(spec string, check bool) (admin.ItemInput, error) {
	s := strings.TrimSpace(spec)
	end := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_')
	})
	if end <= 0 {
		return admin.ItemInput{}, usagef("%q is not an item: write Attribute:=Value, e.g. Max-Daily-Session:=3600", spec)
	}
	attr, rest := s[:end], strings.TrimLeft(s[end:], " ")
	in := admin.ItemInput{Attribute: &attr}
	for _, op := range itemOps {
		if strings.HasPrefix(rest, op) {
			o := op
			v := strings.TrimLeft(rest[len(op):], " ")
			in.Op, in.Value = &o, &v
			return in, nil
		}
	}
	if rest == "" || s[end] != ' ' {
		return admin.ItemInput{}, usagef("%q is not an item: write Attribute:=Value, e.g. Max-Daily-Session:=3600", spec)
	}
	in.Value = &rest // "Attribute Value": the table's default operator
	return in, nil
}

// itemKind is what the check and reply commands share: which tables they
// work on.
type itemKind struct {
	name        string // "check" or "reply"
	user, group store.ItemTable
}

var (
	checkKind = itemKind{"check", store.RadCheck, store.RadGroupCheck}
	replyKind = itemKind{"reply", store.RadReply, store.RadGroupReply}
)

func (k itemKind) table(group bool) store.ItemTable {
	if group {
		return k.group
	}
	return k.user
}

func runCheck(env *Env, args []string) error { return runItems(env, checkKind, args) }
func runReply(env *Env, args []string) error { return runItems(env, replyKind, args) }

func runItems(env *Env, k itemKind, args []string) error {
	intro := "Check items of users (radcheck) and, with --group, of radius groups (radgroupcheck): the\n" +
		"conditions of a login and limits such as Max-Daily-Session, Simultaneous-Use, Expiration.\n\n" +
		"Examples:\n  goradius check add alice 'Simultaneous-Use:=1'\n  goradius check add --group daily 'Max-Daily-Session:=3600'"
	extras := " [--inactive] [--valid-until DATE] [--notes TEXT]"
	setExtras := " [--active=true|false] [--valid-until DATE|none] [--notes TEXT]"
	if k.name == "reply" {
		intro = "Reply items of users (radreply) and, with --group, of radius groups (radgroupreply): the\n" +
			"attributes sent back to the NAS with an Access-Accept.\n\n" +
			"Examples:\n  goradius reply add alice 'Session-Timeout=3600'\n  goradius reply add --group daily 'Reply-Message=Welcome'"
		extras, setExtras = "", ""
	}
	return runSubcommands(env, k.name, intro, []subcommand{
		{"list", "list [NAME] [--group] [--attribute A] [--json]", func(env *Env, args []string) error { return itemList(env, k, args) }},
		{"add", "add NAME 'Attribute:=Value' [--group]" + extras, func(env *Env, args []string) error { return itemAdd(env, k, args) }},
		{"set", "set ID [--group] [--name N] [--attribute A] [--op OP] [--value V]" + setExtras, func(env *Env, args []string) error { return itemSet(env, k, args) }},
		{"delete", "delete ID [--group]", func(env *Env, args []string) error { return itemDelete(env, k, args) }},
	}, args)
}

func groupFlag(fs *flag.FlagSet, k itemKind) *bool {
	return fs.Bool("group", false, fmt.Sprintf("items of radius groups (%s) instead of users (%s)", k.group, k.user))
}

func itemList(env *Env, k itemKind, args []string) error {
	fs := newFlags(env, k.name+" list", k.name+" list [NAME] [--group] [--attribute A] [--json]")
	group := groupFlag(fs, k)
	attr := fs.String("attribute", "", "only items of this attribute")
	asJSON := jsonFlag(fs)
	pf := addPageFlags(fs, 0)
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return err
	}
	var name string
	switch len(pos) {
	case 0:
	case 1:
		name = pos[0]
	default:
		return usagef("one username or group name only (got %q)", strings.Join(pos, " "))
	}
	t := k.table(*group)
	owner := "USERNAME"
	if *group {
		owner = "GROUP"
	}
	headers := []string{"ID", owner, "ATTRIBUTE", "OP", "VALUE"}
	if t == store.RadCheck {
		headers = append(headers, "ACTIVE", "VALID-UNTIL", "NOTES")
	}
	return showList(env, c, *asJSON, func(a *admin.Service) ([]admin.Item, int, error) {
		return a.ListItems(env.Ctx, t, store.ItemFilter{Name: name, Attribute: *attr}, *pf.offset, *pf.limit)
	}, listTable[admin.Item]{
		headers: headers,
		row: func(it admin.Item) []string {
			cells := []string{fmt.Sprint(it.ID), it.Username + it.Groupname, it.Attribute, it.Op, it.Value}
			if t == store.RadCheck {
				cells = append(cells, yesNo(it.IsActive != nil && *it.IsActive), when(it.ValidUntil, c.TimeZone), it.Notes)
			}
			return cells
		},
		what: string(t) + " item(s)",
	})
}

// itemExtraFlags are radcheck's is_active, valid_until and notes.
type itemExtraFlags struct {
	active     optBool
	validUntil optString
	notes      optString
}

func addItemExtraFlags(fs *flag.FlagSet, k itemKind, e *itemExtraFlags, forSet bool) {
	if k.name != "check" {
		return
	}
	if forSet {
		fs.Var(&e.active, "active", "radcheck only: whether the item is in force (true or false)")
	}
	fs.Var(&e.validUntil, "valid-until", "radcheck only: the item stops counting at this date (YYYY-MM-DD [HH:MM]); 'none' removes it")
	fs.Var(&e.notes, "notes", "radcheck only: a note for administrators")
}

// apply checks and copies the extras into in.
func (e *itemExtraFlags) apply(in *admin.ItemInput, group bool, loc *time.Location) error {
	if group && (e.active.set || e.validUntil.set || e.notes.set) {
		return usagef("--active, --valid-until and --notes are for user check items only, not with --group")
	}
	in.IsActive, in.Notes = e.active.ptr(), e.notes.ptr()
	if e.validUntil.set {
		if e.validUntil.v == "none" {
			in.ClearValidUntil = true
		} else {
			t, err := parseWhen(e.validUntil.v, loc)
			if err != nil {
				return usagef("--valid-until: %v", err)
			}
			in.ValidUntil = &t
		}
	}
	return nil
}

// saveItem runs save (a create or an update) on an item of t and prints
// the item: "VERB TABLE item ID of NAME: Attr:=Value", or JSON.
func saveItem(env *Env, c *config.Config, asJSON bool, verb string, t store.ItemTable, save func(a *admin.Service) (admin.Item, error)) error {
	return withAdmin(env, c, func(a *admin.Service) error {
		it, err := save(a)
		if err != nil {
			return explain(err)
		}
		return printOrJSON(env.Stdout, asJSON, it, "%s %s item %d of %s: %s%s%s", verb, t, it.ID, it.Username+it.Groupname, it.Attribute, it.Op, it.Value)
	})
}

func itemAdd(env *Env, k itemKind, args []string) error {
	fs := newFlags(env, k.name+" add", k.name+" add NAME 'Attribute:=Value' [--group]")
	group := groupFlag(fs, k)
	inactive := false
	if k.name == "check" {
		fs.BoolVar(&inactive, "inactive", false, "radcheck only: store the item switched off")
	}
	var extra itemExtraFlags
	addItemExtraFlags(fs, k, &extra, false)
	asJSON := jsonFlag(fs)
	c, pos, err := loadDB(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("a name (user, or group with --group) and an item such as 'Max-Daily-Session:=3600' are needed")
	}
	in, err := parseItem(pos[1], k.name == "check")
	if err != nil {
		return err
	}
	in.Name = &pos[0]
	if inactive {
		extra.active = optBool{set: true, v: false}
	}
	if err := extra.apply(&in, *group, c.TimeZone); err != nil {
		return err
	}
	t := k.table(*group)
	return saveItem(env, c, *asJSON, "added", t, func(a *admin.Service) (admin.Item, error) {
		return a.CreateItem(env.Ctx, t, in)
	})
}

func itemSet(env *Env, k itemKind, args []string) error {
	fs := newFlags(env, k.name+" set", k.name+" set ID [--group] [flags]")
	group := groupFlag(fs, k)
	var name, attr, op, value optString
	fs.Var(&name, "name", "move the item to this user (or group, with --group)")
	fs.Var(&attr, "attribute", "the attribute")
	fs.Var(&op, "op", "the operator (:= = == += != > >= < <= =~ !~ =* !* for check items; = := += for reply items)")
	fs.Var(&value, "value", "the value")
	var extra itemExtraFlags
	addItemExtraFlags(fs, k, &extra, true)
	asJSON := jsonFlag(fs)
	c, id, err := loadDBID(env, fs, args, "an item id", "the item id")
	if err != nil {
		return err
	}
	in := admin.ItemInput{Name: name.ptr(), Attribute: attr.ptr(), Op: op.ptr(), Value: value.ptr()}
	if err := extra.apply(&in, *group, c.TimeZone); err != nil {
		return err
	}
	t := k.table(*group)
	return saveItem(env, c, *asJSON, "updated", t, func(a *admin.Service) (admin.Item, error) {
		return a.UpdateItem(env.Ctx, t, id, in)
	})
}

func itemDelete(env *Env, k itemKind, args []string) error {
	fs := newFlags(env, k.name+" delete", k.name+" delete ID [--group]")
	group := groupFlag(fs, k)
	c, id, err := loadDBID(env, fs, args, "an item id", "the item id")
	if err != nil {
		return err
	}
	t := k.table(*group)
	return withAdmin(env, c, func(a *admin.Service) error {
		if err := a.DeleteItem(env.Ctx, t, id); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "%s item %d deleted\n", t, id)
		return nil
	})
}
