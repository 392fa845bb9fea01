package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// policyNow is the fixed instant PolicyFor is asked about.
var policyNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// itemText is an item as "Attribute op Value", for comparisons.
func itemText(it store.Item) string { return it.Attribute + " " + it.Op + " " + it.Value }

func itemTexts(items []store.Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, itemText(it))
	}
	return out
}

// policyText renders a Policy one line per part, for comparing whole
// policies with readable failures. Empty and nil item lists read the same.
func policyText(p store.Policy) []string {
	out := []string{
		"check: " + strings.Join(itemTexts(p.Check), ", "),
		"reply: " + strings.Join(itemTexts(p.Reply), ", "),
	}
	for _, g := range p.Groups {
		out = append(out, fmt.Sprintf("group %s (%d) check: %s; reply: %s", g.Name, g.Priority,
			strings.Join(itemTexts(g.Check), ", "), strings.Join(itemTexts(g.Reply), ", ")))
	}
	return out
}

// wantIDsAscending checks that items have ids, in increasing order.
func wantIDsAscending(t *testing.T, what string, items []store.Item) {
	t.Helper()
	for i, it := range items {
		if it.ID == 0 || (i > 0 && it.ID <= items[i-1].ID) {
			t.Errorf("%s: item ids %v are not set and increasing", what, items)
			return
		}
	}
}

func mustAdd(t *testing.T, what string, add func(*store.Item) error, attribute, op, value string) store.Item {
	t.Helper()
	it := store.Item{Attribute: attribute, Op: op, Value: value}
	wantNoErr(t, what+" "+attribute, add(&it))
	if it.ID == 0 {
		t.Fatalf("%s %s: id not set", what, attribute)
	}
	return it
}

func testPolicyFor(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreateUser(t, s, "alice") // in users (priority 1), which has the migration's two checks
	mustCreateUser(t, s, "bob")
	for _, name := range []string{"g-b", "g-empty", "g-a", "g-unused"} {
		wantNoErr(t, "CreateGroup "+name, s.CreateGroup(ctx, &store.RadiusGroup{Name: name}))
	}
	check := func(user string) func(*store.Item) error {
		return func(it *store.Item) error { return s.AddCheck(ctx, user, it) }
	}
	reply := func(user string) func(*store.Item) error {
		return func(it *store.Item) error { return s.AddReply(ctx, user, it) }
	}
	gcheck := func(group string) func(*store.Item) error {
		return func(it *store.Item) error { return s.AddGroupCheck(ctx, group, it) }
	}
	greply := func(group string) func(*store.Item) error {
		return func(it *store.Item) error { return s.AddGroupReply(ctx, group, it) }
	}

	// Interleaved, so that id order differs from insertion order per table.
	pw := mustAdd(t, "AddCheck", check("alice"), "Cleartext-Password", "", "secret")
	if pw.Op != ":=" {
		t.Errorf("AddCheck with no op: op = %q, want :=", pw.Op)
	}
	mustAdd(t, "AddReply", reply("alice"), "Reply-Message", "", "hello")
	mustAdd(t, "AddCheck", check("bob"), "Cleartext-Password", ":=", "bobs")
	mustAdd(t, "AddGroupCheck", gcheck("g-a"), "Simultaneous-Use", "", "1")
	mustAdd(t, "AddGroupReply", greply("g-b"), "Session-Timeout", "", "600")
	mustAdd(t, "AddCheck", check("alice"), "Auth-Type", "==", "Accept")
	mustAdd(t, "AddGroupCheck", gcheck("g-b"), "Max-Daily-Session", "+=", "3600")
	mustAdd(t, "AddReply", reply("alice"), "Framed-IP-Address", ":=", "10.8.0.1")
	mustAdd(t, "AddGroupCheck", gcheck("g-a"), "Max-Daily-Session-Traffic", ":=", "1000")
	mustAdd(t, "AddGroupReply", greply("g-unused"), "Session-Timeout", "=", "1")
	mustAdd(t, "AddGroupReply", greply("g-b"), "Idle-Timeout", "=", "60")
	mustAdd(t, "AddGroupReply", greply("g-a"), "Reply-Message", "=", "group a")
	// Items of a name without a user or group row: stored all the same.
	mustAdd(t, "AddCheck", check("fr-only"), "Cleartext-Password", ":=", "fr")
	mustAdd(t, "AddGroupCheck", gcheck("fr-group"), "Auth-Type", ":=", "Reject")

	// Memberships: priority first, then the order they were added.
	for _, m := range []struct {
		group    string
		priority int
	}{{"g-b", 0}, {"g-empty", 5}, {"power-users", 2}, {"g-a", 5}} {
		wantNoErr(t, "AddUserGroup "+m.group, s.AddUserGroup(ctx, "alice", m.group, m.priority))
	}
	wantNoErr(t, "AddUserGroup fr-only", s.AddUserGroup(ctx, "fr-only", "g-a", -1))
	wantNoErr(t, "AddUserGroup stranger", s.AddUserGroup(ctx, "stranger", "g-empty", 1))
	err := s.AddUserGroup(ctx, "alice", "no-such-group", 1)
	wantErr(t, "AddUserGroup with an unknown group", err, store.ErrNotFound)
	if !strings.Contains(err.Error(), "no-such-group") {
		t.Errorf("error %q does not name the group", err)
	}
	wantErr(t, "AddUserGroup with a group of another case", s.AddUserGroup(ctx, "alice", "G-A", 1), store.ErrNotFound)

	usersGroup := "group users (1) check: Max-Daily-Session := 10800, Max-Daily-Session-Traffic := 3000000000; reply: "
	tests := []struct {
		username string
		want     []string
	}{
		{"alice", []string{
			"check: Cleartext-Password := secret, Auth-Type == Accept",
			"reply: Reply-Message = hello, Framed-IP-Address := 10.8.0.1",
			"group g-b (0) check: Max-Daily-Session += 3600; reply: Session-Timeout = 600, Idle-Timeout = 60",
			usersGroup,
			"group power-users (2) check: ; reply: ",
			"group g-empty (5) check: ; reply: ",
			"group g-a (5) check: Simultaneous-Use := 1, Max-Daily-Session-Traffic := 1000; reply: Reply-Message = group a",
		}},
		{"bob", []string{"check: Cleartext-Password := bobs", "reply: ", usersGroup}},
		{"fr-only", []string{
			"check: Cleartext-Password := fr",
			"reply: ",
			"group g-a (-1) check: Simultaneous-Use := 1, Max-Daily-Session-Traffic := 1000; reply: Reply-Message = group a",
		}},
		{"stranger", []string{"check: ", "reply: ", "group g-empty (1) check: ; reply: "}},
		{"nobody", []string{"check: ", "reply: "}},
		{"ALICE", []string{"check: ", "reply: "}},
		{"alice ", []string{"check: ", "reply: "}},
		{"", []string{"check: ", "reply: "}},
	}
	for _, tc := range tests {
		t.Run(tc.username, func(t *testing.T) {
			p, err := s.PolicyFor(ctx, tc.username, policyNow)
			wantNoErr(t, "PolicyFor", err)
			wantStrings(t, "PolicyFor("+tc.username+")", policyText(p), tc.want)
			if found := len(tc.want) > 2 || tc.want[0] != "check: " || tc.want[1] != "reply: "; p.Found() != found {
				t.Errorf("Found() = %v, want %v", p.Found(), found)
			}
			wantIDsAscending(t, "check", p.Check)
			wantIDsAscending(t, "reply", p.Reply)
			for _, g := range p.Groups {
				wantIDsAscending(t, g.Name+" check", g.Check)
				wantIDsAscending(t, g.Name+" reply", g.Reply)
			}
		})
	}

	// The ids are the ones Add* reported.
	p, err := s.PolicyFor(ctx, "alice", policyNow)
	wantNoErr(t, "PolicyFor", err)
	if len(p.Check) == 0 || p.Check[0] != pw {
		t.Errorf("first check item %+v, want %+v", p.Check, pw)
	}
}

func testCreateGroup(t *testing.T, s store.Store) {
	ctx := t.Context()
	created := time.Date(2026, 11, 24, 18, 0, 0, 123456000, time.FixedZone("CET", 3600))
	g := store.RadiusGroup{Name: "staff", Description: "Staff members", Created: created}
	wantNoErr(t, "CreateGroup", s.CreateGroup(ctx, &g))
	if g.ID == 0 {
		t.Fatal("CreateGroup did not set the id")
	}
	wantTime(t, "Modified when zero", g.Modified, created)
	plain := store.RadiusGroup{Name: "plain"}
	wantNoErr(t, "CreateGroup", s.CreateGroup(ctx, &plain))
	if plain.ID <= g.ID || plain.Created.IsZero() || !plain.Modified.Equal(plain.Created) {
		t.Errorf("CreateGroup(plain) = %+v: want a new id and the store's clock", plain)
	}

	groups, err := s.Groups(ctx)
	wantNoErr(t, "Groups", err)
	var names []string
	for _, got := range groups {
		names = append(names, got.Name)
		if got.Name == "staff" {
			if got.ID != g.ID || got.Description != "Staff members" || got.IsDefault {
				t.Errorf("stored group %+v, want %+v", got, g)
			}
			wantTime(t, "Created", got.Created, created)
			wantTime(t, "Modified", got.Modified, created)
		}
	}
	wantStrings(t, "group names", names, []string{"plain", "power-users", "staff", "users"})

	tests := []struct {
		name string
		g    store.RadiusGroup
	}{
		{"taken name", store.RadiusGroup{Name: "staff"}},
		{"taken name of the migration", store.RadiusGroup{Name: "power-users"}},
		{"second default", store.RadiusGroup{Name: "new-default", IsDefault: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.g
			wantErr(t, "CreateGroup", s.CreateGroup(ctx, &g), store.ErrAlreadyExists)
			if g.ID != 0 {
				t.Errorf("failed CreateGroup set id %d", g.ID)
			}
		})
	}
	def, err := s.DefaultGroup(ctx)
	wantNoErr(t, "DefaultGroup", err)
	if def.Name != "users" {
		t.Errorf("DefaultGroup = %q, want users", def.Name)
	}
	groups, err = s.Groups(ctx)
	wantNoErr(t, "Groups", err)
	if len(groups) != 4 {
		t.Errorf("%d groups after the failed CreateGroup calls, want 4", len(groups))
	}

	// A new group is usable at once.
	mustCreateUser(t, s, "carol", "staff")
	gs, err := s.UserGroups(ctx, "carol")
	wantNoErr(t, "UserGroups", err)
	wantStrings(t, "UserGroups(carol)", gs, []string{"staff"})
	wantNoErr(t, "AddUserGroup", s.AddUserGroup(ctx, "carol", "plain", 0))
	gs, err = s.UserGroups(ctx, "carol")
	wantNoErr(t, "UserGroups", err)
	wantStrings(t, "UserGroups(carol)", gs, []string{"plain", "staff"})
}
