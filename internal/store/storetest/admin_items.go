package storetest

import (
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

func itemRecordTexts(items []store.ItemRecord) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Name+": "+it.Attribute+" "+it.Op+" "+it.Value)
	}
	return out
}

func testItemsCRUD(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreateUser(t, s, "alice")
	for _, table := range []store.ItemTable{store.RadCheck, store.RadReply, store.RadGroupCheck, store.RadGroupReply} {
		t.Run(string(table), func(t *testing.T) {
			group := table == store.RadGroupCheck || table == store.RadGroupReply
			owner, other := "alice", "bob" // bob has no account: allowed for user items
			if group {
				owner, other = "users", "power-users"
			}
			a := store.ItemRecord{Name: owner, Attribute: "Attr-A", Op: ":=", Value: "1", IsActive: true}
			wantNoErr(t, "CreateItem", s.CreateItem(ctx, table, &a))
			if a.ID == 0 || a.Created.IsZero() || !a.Created.Equal(a.Modified) {
				t.Fatalf("CreateItem set %+v", a)
			}
			b := store.ItemRecord{Name: other, Attribute: "Attr-B", Op: "=", Value: "2", IsActive: true}
			wantNoErr(t, "CreateItem other", s.CreateItem(ctx, table, &b))

			list, err := s.ListItems(ctx, table, store.ItemFilter{Name: owner, Attribute: "Attr-A"}, 0, 0)
			wantNoErr(t, "ListItems", err)
			wantStrings(t, "filtered", itemRecordTexts(list), []string{owner + ": Attr-A := 1"})
			n, err := s.CountItems(ctx, table, store.ItemFilter{Attribute: "Attr-B"})
			wantNoErr(t, "CountItems", err)
			if n != 1 {
				t.Errorf("CountItems = %d, want 1", n)
			}

			got, err := s.ItemByID(ctx, table, a.ID)
			wantNoErr(t, "ItemByID", err)
			if got.Name != owner || got.Attribute != "Attr-A" || got.Op != ":=" || got.Value != "1" || !got.IsActive {
				t.Errorf("ItemByID = %+v", got)
			}
			wantTime(t, "Created", got.Created, a.Created)

			got.Name, got.Value, got.Op = other, "3", "+="
			if table == store.RadCheck {
				got.IsActive, got.ValidUntil, got.Notes = false, ptr(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)), "a note"
			}
			wantNoErr(t, "UpdateItem", s.UpdateItem(ctx, table, &got))
			again, err := s.ItemByID(ctx, table, a.ID)
			wantNoErr(t, "ItemByID", err)
			if again.Name != other || again.Value != "3" || again.Op != "+=" {
				t.Errorf("after UpdateItem: %+v", again)
			}
			if table == store.RadCheck {
				if again.IsActive || again.Notes != "a note" {
					t.Errorf("radcheck extras after UpdateItem: %+v", again)
				}
				wantTimePtr(t, "ValidUntil", again.ValidUntil, got.ValidUntil)
			}
			all, err := s.ListItems(ctx, table, store.ItemFilter{Name: other}, 0, 0)
			wantNoErr(t, "ListItems", err)
			if len(all) != 2 || all[0].ID != a.ID || all[1].ID != b.ID {
				t.Errorf("items of %s in id order = %q", other, itemRecordTexts(all))
			}

			missing := store.ItemRecord{ID: a.ID + 1000, Name: owner, Attribute: "X", Op: "=", Value: "1"}
			wantErr(t, "UpdateItem of an unknown id", s.UpdateItem(ctx, table, &missing), store.ErrNotFound)
			wantNoErr(t, "DeleteItem", s.DeleteItem(ctx, table, a.ID))
			wantErr(t, "DeleteItem again", s.DeleteItem(ctx, table, a.ID), store.ErrNotFound)
			_, err = s.ItemByID(ctx, table, a.ID)
			wantErr(t, "ItemByID of a deleted item", err, store.ErrNotFound)
			if group {
				bad := store.ItemRecord{Name: "no-such-group", Attribute: "X", Op: "=", Value: "1"}
				wantErr(t, "item of an unknown group", s.CreateItem(ctx, table, &bad), store.ErrNotFound)
			}
		})
	}
	// A radcheck item added for an account is read by authorize; one made
	// inactive is not.
	it := store.ItemRecord{Name: "alice", Attribute: "Simultaneous-Use", Op: ":=", Value: "1", IsActive: true}
	wantNoErr(t, "CreateItem", s.CreateItem(ctx, store.RadCheck, &it))
	pol, err := s.PolicyFor(ctx, "alice", time.Now())
	wantNoErr(t, "PolicyFor", err)
	if len(pol.Check) != 1 {
		t.Fatalf("check items of alice = %v", pol.Check)
	}
	it.IsActive = false
	wantNoErr(t, "UpdateItem", s.UpdateItem(ctx, store.RadCheck, &it))
	pol, _ = s.PolicyFor(ctx, "alice", time.Now())
	if len(pol.Check) != 0 {
		t.Errorf("an inactive check item is still read: %v", pol.Check)
	}
	_, err = s.ListItems(ctx, store.ItemTable("nas"), store.ItemFilter{}, 0, 0)
	if err == nil {
		t.Error("ListItems of an unknown table: no error")
	}
}

func testMembershipsCRUD(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreateUser(t, s, "alice") // in users, priority 1
	m := store.Membership{Username: "alice", Groupname: "power-users", Priority: 5}
	wantNoErr(t, "CreateMembership", s.CreateMembership(ctx, &m))
	if m.ID == 0 || m.Created.IsZero() {
		t.Fatalf("CreateMembership set %+v", m)
	}
	dup := store.Membership{Username: "alice", Groupname: "power-users", Priority: 1}
	wantErr(t, "same group twice", s.CreateMembership(ctx, &dup), store.ErrAlreadyExists)
	bad := store.Membership{Username: "alice", Groupname: "nope", Priority: 1}
	wantErr(t, "unknown group", s.CreateMembership(ctx, &bad), store.ErrNotFound)
	ghost := store.Membership{Username: "ghost", Groupname: "users", Priority: 1}
	wantNoErr(t, "a username without account", s.CreateMembership(ctx, &ghost))

	list, err := s.ListMemberships(ctx, store.MembershipFilter{}, 0, 0)
	wantNoErr(t, "ListMemberships", err)
	var got []string
	for _, x := range list {
		got = append(got, x.Username+"/"+x.Groupname)
	}
	wantStrings(t, "memberships", got, []string{"alice/users", "alice/power-users", "ghost/users"})
	n, err := s.CountMemberships(ctx, store.MembershipFilter{Groupname: "users"})
	wantNoErr(t, "CountMemberships", err)
	if n != 2 {
		t.Errorf("CountMemberships(users) = %d, want 2", n)
	}

	m.Priority = 0
	wantNoErr(t, "UpdateMembership priority", s.UpdateMembership(ctx, &m))
	gs, _ := s.UserGroups(ctx, "alice")
	wantStrings(t, "groups by priority", gs, []string{"power-users", "users"})
	m.Groupname = "users"
	wantErr(t, "move into a group it is in", s.UpdateMembership(ctx, &m), store.ErrAlreadyExists)
	read, err := s.MembershipByID(ctx, m.ID)
	wantNoErr(t, "MembershipByID", err)
	if read.Groupname != "power-users" || read.Priority != 0 {
		t.Errorf("MembershipByID = %+v", read)
	}

	wantNoErr(t, "DeleteMembership", s.DeleteMembership(ctx, m.ID))
	wantErr(t, "DeleteMembership again", s.DeleteMembership(ctx, m.ID), store.ErrNotFound)
	_, err = s.MembershipByID(ctx, m.ID)
	wantErr(t, "MembershipByID of a deleted one", err, store.ErrNotFound)
	missing := store.Membership{ID: m.ID, Username: "alice", Groupname: "users"}
	wantErr(t, "UpdateMembership of a deleted one", s.UpdateMembership(ctx, &missing), store.ErrNotFound)
}
