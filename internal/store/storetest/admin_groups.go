package storetest

import (
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

func groupNames(gs []store.RadiusGroup) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

func testListGroupsPage(t *testing.T, s store.Store) {
	ctx := t.Context()
	wantNoErr(t, "CreateGroup", s.CreateGroup(ctx, &store.RadiusGroup{Name: "staff", Description: "Office STAFF"}))
	for _, c := range []struct {
		f             store.GroupFilter
		offset, limit int
		want          []string
		wantTotal     int
	}{
		{store.GroupFilter{}, 0, 0, []string{"power-users", "staff", "users"}, 3},
		{store.GroupFilter{}, 1, 1, []string{"staff"}, 3},
		{store.GroupFilter{Search: "USERS"}, 0, 0, []string{"power-users", "users"}, 2},
		{store.GroupFilter{Search: "office staff"}, 0, 0, []string{"staff"}, 1},
	} {
		gs, err := s.ListGroupsPage(ctx, c.f, c.offset, c.limit)
		wantNoErr(t, "ListGroupsPage", err)
		wantStrings(t, "groups", groupNames(gs), c.want)
		n, err := s.CountGroups(ctx, c.f)
		wantNoErr(t, "CountGroups", err)
		if n != c.wantTotal {
			t.Errorf("CountGroups(%+v) = %d, want %d", c.f, n, c.wantTotal)
		}
	}
	g, err := s.GroupByName(ctx, "staff")
	wantNoErr(t, "GroupByName", err)
	if g.Description != "Office STAFF" || g.IsDefault {
		t.Errorf("GroupByName = %+v", g)
	}
	_, err = s.GroupByName(ctx, "Staff")
	wantErr(t, "GroupByName of another case", err, store.ErrNotFound)
}

func testUpdateGroup(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreateUser(t, s, "alice", "power-users")
	mustAdd(t, "AddGroupReply", func(it *store.Item) error { return s.AddGroupReply(ctx, "power-users", it) }, "Reply-Message", "", "power")
	mustAdd(t, "AddGroupCheck", func(it *store.Item) error { return s.AddGroupCheck(ctx, "power-users", it) }, "Simultaneous-Use", "", "5")

	g, err := s.UpdateGroup(ctx, "power-users", store.GroupUpdate{
		Name: ptr("premium"), Description: ptr("Paying users"), StoreNTHash: ptr(true)})
	wantNoErr(t, "rename", err)
	if g.Name != "premium" || g.Description != "Paying users" || !g.StoreNTHash || g.IsDefault {
		t.Errorf("UpdateGroup = %+v", g)
	}
	pol, err := s.PolicyFor(ctx, "alice", time.Now())
	wantNoErr(t, "PolicyFor", err)
	wantStrings(t, "policy after the group rename", policyText(pol), []string{
		"check: ", "reply: ", "group premium (1) check: Simultaneous-Use := 5; reply: Reply-Message = power"})
	_, err = s.GroupByName(ctx, "power-users")
	wantErr(t, "old name", err, store.ErrNotFound)

	_, err = s.UpdateGroup(ctx, "premium", store.GroupUpdate{Name: ptr("users"), Description: ptr("x")})
	wantErr(t, "rename to a taken name", err, store.ErrAlreadyExists)
	if g, _ := s.GroupByName(ctx, "premium"); g.Description != "Paying users" {
		t.Errorf("description = %q after a failed update", g.Description)
	}

	// The default flag moves; it cannot be taken away.
	_, err = s.UpdateGroup(ctx, "users", store.GroupUpdate{IsDefault: ptr(false)})
	wantErr(t, "clear the default flag", err, store.ErrDefaultGroup)
	g, err = s.UpdateGroup(ctx, "premium", store.GroupUpdate{IsDefault: ptr(true)})
	wantNoErr(t, "make default", err)
	if !g.IsDefault {
		t.Error("premium is not the default after UpdateGroup")
	}
	def, err := s.DefaultGroup(ctx)
	wantNoErr(t, "DefaultGroup", err)
	if def.Name != "premium" {
		t.Errorf("default group = %q, want premium", def.Name)
	}
	if u, _ := s.GroupByName(ctx, "users"); u.IsDefault {
		t.Error("users is still default too")
	}
	// Making the default group default again changes nothing.
	_, err = s.UpdateGroup(ctx, "premium", store.GroupUpdate{IsDefault: ptr(true)})
	wantNoErr(t, "default again", err)

	_, err = s.UpdateGroup(ctx, "nope", store.GroupUpdate{Description: ptr("x")})
	wantErr(t, "unknown group", err, store.ErrNotFound)
}

func testDeleteGroup(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreateUser(t, s, "alice", "users", "power-users")
	mustAdd(t, "AddGroupReply", func(it *store.Item) error { return s.AddGroupReply(ctx, "power-users", it) }, "Reply-Message", "", "power")
	mustAdd(t, "AddGroupCheck", func(it *store.Item) error { return s.AddGroupCheck(ctx, "power-users", it) }, "Simultaneous-Use", "", "5")

	wantErr(t, "delete the default group", s.DeleteGroup(ctx, "users"), store.ErrDefaultGroup)
	wantNoErr(t, "DeleteGroup", s.DeleteGroup(ctx, "power-users"))
	wantErr(t, "delete again", s.DeleteGroup(ctx, "power-users"), store.ErrNotFound)
	gs, err := s.UserGroups(ctx, "alice")
	wantNoErr(t, "UserGroups", err)
	wantStrings(t, "groups left", gs, []string{"users"})
	for _, table := range []store.ItemTable{store.RadGroupCheck, store.RadGroupReply} {
		n, err := s.CountItems(ctx, table, store.ItemFilter{Name: "power-users"})
		wantNoErr(t, "CountItems", err)
		if n != 0 {
			t.Errorf("%d %s rows of the deleted group remain", n, table)
		}
	}
	// Recreating the name starts empty.
	wantNoErr(t, "CreateGroup", s.CreateGroup(ctx, &store.RadiusGroup{Name: "power-users"}))
	pol, _ := s.PolicyFor(ctx, "alice", time.Now())
	if len(pol.Groups) != 1 {
		t.Errorf("groups of alice = %q", policyText(pol))
	}
}
