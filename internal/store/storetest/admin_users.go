package storetest

import (
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// usernamesOf returns the names of users, in order.
func usernamesOf(us []store.User) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, u.Username)
	}
	return out
}

// listUserNames lists the usernames matching f on one page, and checks
// CountUsers agrees with the number of matches.
func listUserNames(t *testing.T, s store.Store, f store.UserFilter, offset, limit int, wantTotal int) []string {
	t.Helper()
	us, err := s.ListUsersPage(t.Context(), f, offset, limit)
	wantNoErr(t, "ListUsersPage", err)
	n, err := s.CountUsers(t.Context(), f)
	wantNoErr(t, "CountUsers", err)
	if n != wantTotal {
		t.Errorf("CountUsers(%+v) = %d, want %d", f, n, wantTotal)
	}
	return usernamesOf(us)
}

func testListUsersPage(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreateUser(t, s, "carol")
	mustCreateUser(t, s, "alice", "power-users")
	bob := newUser("bob")
	bob.Email = "Bob.Builder@Example.org"
	bob.IsActive = false
	wantNoErr(t, "CreateUser bob", s.CreateUser(ctx, &bob))
	dave := newUser("dave")
	dave.IsStaff = true
	wantNoErr(t, "CreateUser dave", s.CreateUser(ctx, &dave, "users", "power-users"))

	wantStrings(t, "all", listUserNames(t, s, store.UserFilter{}, 0, 0, 4), []string{"alice", "bob", "carol", "dave"})
	wantStrings(t, "page 2 of 2", listUserNames(t, s, store.UserFilter{}, 2, 2, 4), []string{"carol", "dave"})
	wantStrings(t, "past the end", listUserNames(t, s, store.UserFilter{}, 10, 2, 4), []string{})
	// Search ignores ASCII case and looks at usernames and e-mail addresses.
	wantStrings(t, "search BUILDER", listUserNames(t, s, store.UserFilter{Search: "BUILDER"}, 0, 0, 1), []string{"bob"})
	wantStrings(t, "search ar", listUserNames(t, s, store.UserFilter{Search: "ar"}, 0, 0, 1), []string{"carol"})
	// A wildcard character matches itself only.
	wantStrings(t, "search %", listUserNames(t, s, store.UserFilter{Search: "%"}, 0, 0, 0), []string{})
	wantStrings(t, "group", listUserNames(t, s, store.UserFilter{Group: "power-users"}, 0, 0, 2), []string{"alice", "dave"})
	wantStrings(t, "inactive", listUserNames(t, s, store.UserFilter{IsActive: ptr(false)}, 0, 0, 1), []string{"bob"})
	wantStrings(t, "staff in users", listUserNames(t, s, store.UserFilter{IsStaff: ptr(true), Group: "users"}, 0, 0, 1), []string{"dave"})

	nb := newBatch("vouchers", "v1", "v2")
	wantNoErr(t, "CreateBatch", s.CreateBatch(ctx, nb))
	wantStrings(t, "batch", listUserNames(t, s, store.UserFilter{Batch: nb.Batch.ID}, 0, 0, 2), []string{"v1", "v2"})
}

func testUpdateUserFields(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := mustCreateUser(t, s, "alice")
	u.NTHash = ""
	exp := time.Date(2027, 5, 6, 7, 8, 9, 123456000, time.UTC)
	got, err := s.UpdateUser(ctx, "alice", store.UserUpdate{
		Password: ptr("pbkdf2_sha256$1000$s$new="), NTHash: ptr("0123456789abcdef0123456789abcdef"),
		Email: ptr("new@example.com"), FirstName: ptr("Alicia"), LastName: ptr(""),
		IsActive: ptr(false), IsStaff: ptr(true), ExpiresAt: &exp,
	})
	wantNoErr(t, "UpdateUser", err)
	want := u
	want.Password, want.NTHash = "pbkdf2_sha256$1000$s$new=", "0123456789abcdef0123456789abcdef"
	want.Email, want.FirstName, want.LastName = "new@example.com", "Alicia", ""
	want.IsActive, want.IsStaff, want.ExpiresAt = false, true, &exp
	wantUser(t, got, want)
	read, err := s.UserByUsername(ctx, "alice")
	wantNoErr(t, "UserByUsername", err)
	wantUser(t, read, want)
	if read.NTHash != want.NTHash {
		t.Errorf("NTHash = %q, want %q", read.NTHash, want.NTHash)
	}

	// Nothing given: nothing changes. Clearing works.
	got, err = s.UpdateUser(ctx, "alice", store.UserUpdate{})
	wantNoErr(t, "empty UpdateUser", err)
	wantUser(t, got, want)
	got, err = s.UpdateUser(ctx, "alice", store.UserUpdate{ClearExpiresAt: true, NTHash: ptr("")})
	wantNoErr(t, "clearing UpdateUser", err)
	want.ExpiresAt, want.NTHash = nil, ""
	wantUser(t, got, want)
	if got.NTHash != "" {
		t.Errorf("NTHash = %q after clearing it", got.NTHash)
	}

	_, err = s.UpdateUser(ctx, "nobody", store.UserUpdate{IsActive: ptr(true)})
	wantErr(t, "UpdateUser of an unknown user", err, store.ErrNotFound)
}

func testRenameUser(t *testing.T, s store.Store) {
	ctx := t.Context()
	alice := mustCreateUser(t, s, "alice", "users", "power-users")
	mustCreateUser(t, s, "bob")
	wantNoErr(t, "AddCheck", s.AddCheck(ctx, "alice", &store.Item{Attribute: "Simultaneous-Use", Value: "1"}))
	wantNoErr(t, "AddReply", s.AddReply(ctx, "alice", &store.Item{Attribute: "Reply-Message", Value: "hi"}))
	wantNoErr(t, "AddReply bob", s.AddReply(ctx, "bob", &store.Item{Attribute: "Reply-Message", Value: "bob's"}))
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	write(t, s, minimalAcct("a1", "alice", &start), true)
	write(t, s, minimalAcct("b1", "bob", &start), true)
	wantNoErr(t, "CreatePostAuth", s.CreatePostAuth(ctx, &store.PostAuth{Username: "alice", Reply: "Access-Accept"}))
	before, err := s.UsageSince(ctx, "alice", time.Time{})
	wantNoErr(t, "UsageSince", err)
	// Read before the rename: lists must not answer from this afterwards.
	if n, _ := s.CountAccounting(ctx, store.AcctFilter{Username: "alicia"}); n != 0 {
		t.Fatalf("alicia has %d sessions before the rename", n)
	}

	got, err := s.UpdateUser(ctx, "alice", store.UserUpdate{Username: ptr("alicia")})
	wantNoErr(t, "rename", err)
	if got.Username != "alicia" || got.ID != alice.ID {
		t.Fatalf("renamed user = %q id %d, want alicia id %d", got.Username, got.ID, alice.ID)
	}
	_, err = s.UserByUsername(ctx, "alice")
	wantErr(t, "old name", err, store.ErrNotFound)

	pol, err := s.PolicyFor(ctx, "alicia", time.Now())
	wantNoErr(t, "PolicyFor", err)
	wantStrings(t, "policy of the new name", policyText(pol), []string{
		"check: Simultaneous-Use := 1", "reply: Reply-Message = hi",
		"group users (1) check: Max-Daily-Session := 10800, Max-Daily-Session-Traffic := 3000000000; reply: ",
		"group power-users (2) check: ; reply: "})
	old, err := s.PolicyFor(ctx, "alice", time.Now())
	wantNoErr(t, "PolicyFor old", err)
	if old.Found() {
		t.Errorf("rows of the old name remain: %q", policyText(old))
	}
	gs, err := s.UserGroups(ctx, "alicia")
	wantNoErr(t, "UserGroups", err)
	wantStrings(t, "groups", gs, []string{"users", "power-users"})
	if n, _ := s.CountAccounting(ctx, store.AcctFilter{Username: "alicia"}); n != 1 {
		t.Errorf("alicia has %d sessions after the rename, want 1", n)
	}
	if acct := acctByUID(t, s); deref(acct["a1"].Username) != "alicia" || deref(acct["b1"].Username) != "bob" {
		t.Errorf("radacct usernames = %v, %v; want alicia, bob", deref(acct["a1"].Username), deref(acct["b1"].Username))
	}
	after, err := s.UsageSince(ctx, "alicia", time.Time{})
	wantNoErr(t, "UsageSince", err)
	if after != before {
		t.Errorf("usage after the rename = %+v, want %+v", after, before)
	}
	log, err := s.PostAuthLog(ctx, 10)
	wantNoErr(t, "PostAuthLog", err)
	if len(log) != 1 || log[0].Username != "alice" {
		t.Errorf("post-auth log = %+v, want alice's row unchanged", log)
	}
	bobPol, err := s.PolicyFor(ctx, "bob", time.Now())
	wantNoErr(t, "PolicyFor bob", err)
	if len(bobPol.Reply) != 1 {
		t.Errorf("bob's reply items = %v, want his one", bobPol.Reply)
	}

	// A taken name changes nothing, even with other fields in the update.
	_, err = s.UpdateUser(ctx, "alicia", store.UserUpdate{Username: ptr("bob"), Email: ptr("x@example.com")})
	wantErr(t, "rename to a taken name", err, store.ErrAlreadyExists)
	u, err := s.UserByUsername(ctx, "alicia")
	wantNoErr(t, "UserByUsername", err)
	if u.Email != alice.Email {
		t.Errorf("email = %q after a failed update, want %q", u.Email, alice.Email)
	}
}

func testUpdateUserGroups(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreateUser(t, s, "alice")
	wantNoErr(t, "CreateGroup", s.CreateGroup(ctx, &store.RadiusGroup{Name: "staff"}))
	_, err := s.UpdateUser(ctx, "alice", store.UserUpdate{Groups: []string{"staff", "users"}})
	wantNoErr(t, "UpdateUser groups", err)
	gs, err := s.UserGroups(ctx, "alice")
	wantNoErr(t, "UserGroups", err)
	wantStrings(t, "groups", gs, []string{"staff", "users"})
	ms, err := s.ListMemberships(ctx, store.MembershipFilter{Username: "alice"}, 0, 0)
	wantNoErr(t, "ListMemberships", err)
	if len(ms) != 2 || ms[0].Priority != 1 || ms[1].Priority != 2 {
		t.Errorf("memberships = %+v, want priorities 1, 2", ms)
	}

	// An unknown group fails the whole update.
	_, err = s.UpdateUser(ctx, "alice", store.UserUpdate{Groups: []string{"power-users", "nope"}, IsStaff: ptr(true)})
	wantErr(t, "unknown group", err, store.ErrNotFound)
	gs, _ = s.UserGroups(ctx, "alice")
	wantStrings(t, "groups after a failed update", gs, []string{"staff", "users"})
	if u, _ := s.UserByUsername(ctx, "alice"); u.IsStaff {
		t.Error("is_staff changed by a failed update")
	}

	_, err = s.UpdateUser(ctx, "alice", store.UserUpdate{Groups: []string{}})
	wantNoErr(t, "no groups", err)
	gs, _ = s.UserGroups(ctx, "alice")
	wantStrings(t, "groups after emptying", gs, []string{})
}

func testDeactivateExpiredUsers(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		expires *time.Time
		active  bool
	}{
		{"past", ptr(now.Add(-time.Hour)), true},
		{"exactly-now", ptr(now), true},
		{"future", ptr(now.Add(time.Microsecond)), true},
		{"never", nil, true},
		{"past-inactive", ptr(now.Add(-time.Hour)), false},
	} {
		u := newUser(c.name)
		u.ExpiresAt, u.IsActive = c.expires, c.active
		wantNoErr(t, "CreateUser", s.CreateUser(ctx, &u))
	}
	n, err := s.DeactivateExpiredUsers(ctx, now)
	wantNoErr(t, "DeactivateExpiredUsers", err)
	if n != 2 {
		t.Errorf("deactivated %d users, want 2", n)
	}
	wantStrings(t, "active users", listUserNames(t, s, store.UserFilter{IsActive: ptr(true)}, 0, 0, 2), []string{"future", "never"})
}

func testDeleteExpiredUsers(t *testing.T, s store.Store) {
	ctx := t.Context()
	cutoff := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	old := newUser("old")
	old.ExpiresAt = ptr(cutoff.Add(-time.Second))
	wantNoErr(t, "CreateUser old", s.CreateUser(ctx, &old))
	wantNoErr(t, "AddCheck old", s.AddCheck(ctx, "old", &store.Item{Attribute: "Simultaneous-Use", Value: "1"}))
	recent := newUser("recent")
	recent.ExpiresAt = ptr(cutoff)
	wantNoErr(t, "CreateUser recent", s.CreateUser(ctx, &recent))
	mustCreateUser(t, s, "keeper")

	oldBatch := newBatch("old-batch", "ob1", "ob2")
	oldBatch.Batch.ExpirationDate = ptr(time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC))
	wantNoErr(t, "CreateBatch old", s.CreateBatch(ctx, oldBatch))
	sameDay := newBatch("same-day", "sd1")
	sameDay.Batch.ExpirationDate = ptr(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	wantNoErr(t, "CreateBatch same day", s.CreateBatch(ctx, sameDay))
	open := newBatch("open", "op1")
	wantNoErr(t, "CreateBatch open", s.CreateBatch(ctx, open))
	start := cutoff.Add(-100 * 24 * time.Hour)
	write(t, s, minimalAcct("old-session", "old", &start), true)

	users, batches, err := s.DeleteExpiredUsers(ctx, cutoff)
	wantNoErr(t, "DeleteExpiredUsers", err)
	if users != 3 || batches != 1 {
		t.Errorf("deleted %d users and %d batches, want 3 and 1", users, batches)
	}
	wantStrings(t, "users left", listUserNames(t, s, store.UserFilter{}, 0, 0, 4), []string{"keeper", "op1", "recent", "sd1"})
	_, err = s.BatchByName(ctx, "old-batch")
	wantErr(t, "old batch", err, store.ErrNotFound)
	if _, err := s.BatchByName(ctx, "same-day"); err != nil {
		t.Errorf("a batch expiring on the cutoff's day went: %v", err)
	}
	if pol, _ := s.PolicyFor(ctx, "old", time.Now()); pol.Found() {
		t.Errorf("rows of a deleted user remain: %q", policyText(pol))
	}
	if _, ok := acctByUID(t, s)["old-session"]; !ok {
		t.Error("accounting of a deleted user went too")
	}
}
