package storetest

import (
	"strings"
	"testing"

	"github.com/goradius/goradius/internal/store"
)

// wantUser compares every field of a stored user with what was created.
func wantUser(t *testing.T, got, want store.User) {
	t.Helper()
	if got.ID != want.ID || got.Username != want.Username || got.Password != want.Password ||
		got.Email != want.Email || got.FirstName != want.FirstName || got.LastName != want.LastName ||
		got.IsActive != want.IsActive || got.IsStaff != want.IsStaff || got.IsSuperuser != want.IsSuperuser {
		t.Errorf("user = %+v\nwant %+v", got, want)
	}
	wantTime(t, want.Username+" DateJoined", got.DateJoined, want.DateJoined)
	wantTimePtr(t, want.Username+" LastLogin", got.LastLogin, want.LastLogin)
	wantTimePtr(t, want.Username+" ExpiresAt", got.ExpiresAt, want.ExpiresAt)
}

func testCreateUser(t *testing.T, s store.Store) {
	ctx := t.Context()
	tests := []struct {
		name       string
		username   string
		groups     []string
		wantGroups []string
	}{
		{"default group", "alice", nil, []string{"users"}},
		{"named groups in priority order", "bob", []string{"power-users", "users"}, []string{"power-users", "users"}},
		{"one named group", "carol", []string{"power-users"}, []string{"power-users"}},
		{"unicode", "zoë-用户-émile", nil, []string{"users"}},
		{"case differs from alice", "Alice", nil, []string{"users"}},
		{"spaces and quotes", `o'brien "x"`, nil, []string{"users"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := newUser(tc.username)
			u.IsStaff, u.IsSuperuser = true, true
			expires := u.DateJoined.AddDate(1, 0, 0)
			u.ExpiresAt = &expires
			wantNoErr(t, "CreateUser", s.CreateUser(ctx, &u, tc.groups...))
			if u.ID == 0 {
				t.Fatal("CreateUser did not set the id")
			}
			got, err := s.UserByUsername(ctx, tc.username)
			wantNoErr(t, "UserByUsername", err)
			wantUser(t, got, u)
			groups, err := s.UserGroups(ctx, tc.username)
			wantNoErr(t, "UserGroups", err)
			wantStrings(t, "UserGroups", groups, tc.wantGroups)
		})
	}

	t.Run("zero fields", func(t *testing.T) {
		u := store.User{Username: "minimal", Password: "!unusable"}
		wantNoErr(t, "CreateUser", s.CreateUser(ctx, &u))
		if u.DateJoined.IsZero() {
			t.Error("CreateUser left DateJoined zero; want the store's clock")
		}
		got, err := s.UserByUsername(ctx, "minimal")
		wantNoErr(t, "UserByUsername", err)
		wantUser(t, got, u)
	})

	t.Run("duplicate username", func(t *testing.T) {
		u := newUser("alice")
		err := s.CreateUser(ctx, &u)
		wantErr(t, "CreateUser(alice) again", err, store.ErrAlreadyExists)
		if u.ID != 0 {
			t.Errorf("failed CreateUser set id %d", u.ID)
		}
	})

	t.Run("unknown group", func(t *testing.T) {
		u := newUser("dave")
		err := s.CreateUser(ctx, &u, "users", "no-such-group")
		wantErr(t, "CreateUser with an unknown group", err, store.ErrNotFound)
		if !strings.Contains(err.Error(), "no-such-group") {
			t.Errorf("error %q does not name the group", err)
		}
		_, err = s.UserByUsername(ctx, "dave")
		wantErr(t, "user of a failed CreateUser", err, store.ErrNotFound)
		groups, err := s.UserGroups(ctx, "dave")
		wantNoErr(t, "UserGroups", err)
		wantStrings(t, "groups of a failed CreateUser", groups, []string{})
	})
}

func testUserLookup(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, name := range []string{"alice", "Alice", "bob", "zoë", "_x", "aa", "a b"} {
		mustCreateUser(t, s, name)
	}
	for _, tc := range []struct {
		lookup string
		found  bool
	}{
		{"alice", true},
		{"Alice", true},
		{"ALICE", false},
		{"alice ", false},
		{" alice", false},
		{"alic", false},
		{"al%", false},
		{"zoë", true},
		{"zoe", false},
		{"ZOË", false},
		{"", false},
	} {
		t.Run(tc.lookup, func(t *testing.T) {
			u, err := s.UserByUsername(ctx, tc.lookup)
			if !tc.found {
				wantErr(t, "UserByUsername", err, store.ErrNotFound)
				return
			}
			wantNoErr(t, "UserByUsername", err)
			if u.Username != tc.lookup {
				t.Errorf("UserByUsername(%q) found %q", tc.lookup, u.Username)
			}
		})
	}

	users, err := s.ListUsers(ctx)
	wantNoErr(t, "ListUsers", err)
	var names []string
	for _, u := range users {
		names = append(names, u.Username)
	}
	// Byte (code point) order, the same on every database.
	wantStrings(t, "ListUsers", names, []string{"Alice", "_x", "a b", "aa", "alice", "bob", "zoë"})
}

func testUpdateUser(t *testing.T, s store.Store) {
	ctx := t.Context()
	alice := mustCreateUser(t, s, "alice")
	mustCreateUser(t, s, "Alice")

	wantNoErr(t, "SetPassword", s.SetPassword(ctx, "alice", "new-hash", ""))
	got, err := s.UserByUsername(ctx, "alice")
	wantNoErr(t, "UserByUsername", err)
	if got.Password != "new-hash" {
		t.Errorf("password = %q, want new-hash", got.Password)
	}
	other, err := s.UserByUsername(ctx, "Alice")
	wantNoErr(t, "UserByUsername", err)
	if other.Password != alice.Password {
		t.Errorf("SetPassword(alice) changed Alice's password to %q", other.Password)
	}
	// The same value again is no error (MySQL reports 0 changed rows).
	wantNoErr(t, "SetPassword unchanged", s.SetPassword(ctx, "alice", "new-hash", ""))

	for _, active := range []bool{false, false, true, true} {
		wantNoErr(t, "SetActive", s.SetActive(ctx, "alice", active))
		got, err := s.UserByUsername(ctx, "alice")
		wantNoErr(t, "UserByUsername", err)
		if got.IsActive != active {
			t.Errorf("IsActive = %v, want %v", got.IsActive, active)
		}
	}

	for _, name := range []string{"nobody", "ALICE", "alice "} {
		wantErr(t, "SetPassword("+name+")", s.SetPassword(ctx, name, "x", ""), store.ErrNotFound)
		wantErr(t, "SetActive("+name+")", s.SetActive(ctx, name, false), store.ErrNotFound)
	}
	got, err = s.UserByUsername(ctx, "alice")
	wantNoErr(t, "UserByUsername", err)
	if got.Password != "new-hash" || !got.IsActive {
		t.Errorf("updates of other names changed alice: %+v", got)
	}
}

func testDeleteUser(t *testing.T, s store.Store) {
	ctx := t.Context()
	alice := mustCreateUser(t, s, "alice", "power-users", "users")
	bob := mustCreateUser(t, s, "bob")
	tokens, err := s.EnsureTokens(ctx, alice.ID, fixedKey("a-auth"), fixedKey("a-radius"))
	wantNoErr(t, "EnsureTokens", err)
	_, err = s.EnsureTokens(ctx, bob.ID, fixedKey("b-auth"), fixedKey("b-radius"))
	wantNoErr(t, "EnsureTokens", err)

	wantNoErr(t, "DeleteUser", s.DeleteUser(ctx, "alice"))

	_, err = s.UserByUsername(ctx, "alice")
	wantErr(t, "deleted user", err, store.ErrNotFound)
	groups, err := s.UserGroups(ctx, "alice")
	wantNoErr(t, "UserGroups", err)
	wantStrings(t, "groups of a deleted user", groups, []string{})
	_, err = s.UserByAuthToken(ctx, tokens.AuthKey)
	wantErr(t, "auth token of a deleted user", err, store.ErrNotFound)
	ok, err := s.CheckRadiusToken(ctx, alice.ID, tokens.RadiusKey)
	wantNoErr(t, "CheckRadiusToken", err)
	if ok {
		t.Error("radius token of a deleted user still valid")
	}

	// Others are untouched.
	if _, err := s.UserByAuthToken(ctx, "b-auth"); err != nil {
		t.Errorf("bob's auth token: %v", err)
	}
	groups, err = s.UserGroups(ctx, "bob")
	wantNoErr(t, "UserGroups", err)
	wantStrings(t, "bob's groups", groups, []string{"users"})

	wantErr(t, "DeleteUser again", s.DeleteUser(ctx, "alice"), store.ErrNotFound)
	wantErr(t, "DeleteUser(BOB)", s.DeleteUser(ctx, "BOB"), store.ErrNotFound)

	// The name is free again.
	again := mustCreateUser(t, s, "alice")
	if again.ID == alice.ID {
		t.Errorf("re-created user reuses id %d", alice.ID)
	}
}

func testUsernamesWithPrefix(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, name := range []string{
		"a%b1", "a%b2", "axb1", "a_c", "abc", "a!x", `a\x`, "a[x]1", "ax]1", "a*1", "a?1", "A%b3", "guest1", "guest10", "guest2", "Guest3",
	} {
		mustCreateUser(t, s, name)
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"a%b", []string{"a%b1", "a%b2"}},
		{"a_", []string{"a_c"}},
		{"a!", []string{"a!x"}},
		{`a\`, []string{`a\x`}},
		{"a[", []string{"a[x]1"}},
		{"a[x]", []string{"a[x]1"}},
		{"a*", []string{"a*1"}},
		{"a?", []string{"a?1"}},
		{"A", []string{"A%b3"}},
		{"guest", []string{"guest1", "guest10", "guest2"}},
		{"guest1", []string{"guest1", "guest10"}},
		{"nobody", []string{}},
		{"", []string{"A%b3", "Guest3", "a!x", "a%b1", "a%b2", "a*1", "a?1", "a[x]1", `a\x`, "a_c", "abc", "ax]1", "axb1", "guest1", "guest10", "guest2"}},
	}
	for _, tc := range tests {
		t.Run(tc.prefix, func(t *testing.T) {
			got, err := s.UsernamesWithPrefix(ctx, tc.prefix)
			wantNoErr(t, "UsernamesWithPrefix", err)
			wantStrings(t, "UsernamesWithPrefix("+tc.prefix+")", got, tc.want)
		})
	}
}

func testUsersByIDs(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := mustCreateUser(t, s, "a")
	b := mustCreateUser(t, s, "b")
	c := mustCreateUser(t, s, "c")
	tests := []struct {
		name string
		ids  []int64
		want []string
	}{
		{"none", nil, []string{}},
		{"one", []int64{b.ID}, []string{"b"}},
		{"ordered by id", []int64{c.ID, a.ID, b.ID}, []string{"a", "b", "c"}},
		{"unknown left out", []int64{c.ID + 1000, a.ID}, []string{"a"}},
		{"duplicates once", []int64{a.ID, a.ID, c.ID}, []string{"a", "c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			users, err := s.UsersByIDs(ctx, tc.ids)
			wantNoErr(t, "UsersByIDs", err)
			names := []string{}
			for _, u := range users {
				names = append(names, u.Username)
			}
			wantStrings(t, "UsersByIDs", names, tc.want)
		})
	}
	users, err := s.UsersByIDs(ctx, []int64{b.ID})
	wantNoErr(t, "UsersByIDs", err)
	wantUser(t, users[0], b)

	// More ids than one IN list should hold.
	many := make([]int64, 0, 1200)
	for i := range int64(1200) {
		many = append(many, c.ID+1000+i)
	}
	many = append(many, a.ID)
	users, err = s.UsersByIDs(ctx, many)
	wantNoErr(t, "UsersByIDs(1201 ids)", err)
	if len(users) != 1 || users[0].ID != a.ID {
		t.Errorf("UsersByIDs(1201 ids) = %d users, want only a", len(users))
	}
}

// testNTHash: the NT hash is stored with the user, replaced together with
// the password, and cleared when a new password comes without one.
func testNTHash(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := store.User{Username: "nt", Password: "hash-1", IsActive: true, NTHash: "8846f7eaee8fb117ad06bdd830b7586c"}
	wantNoErr(t, "CreateUser", s.CreateUser(ctx, &u))
	got, err := s.UserByUsername(ctx, "nt")
	wantNoErr(t, "UserByUsername", err)
	if got.NTHash != u.NTHash {
		t.Fatalf("NTHash = %q, want %q", got.NTHash, u.NTHash)
	}
	wantNoErr(t, "SetPassword", s.SetPassword(ctx, "nt", "hash-2", "0cb6948805f797bf2a82807973b89537"))
	if got, _ = s.UserByUsername(ctx, "nt"); got.Password != "hash-2" || got.NTHash != "0cb6948805f797bf2a82807973b89537" {
		t.Fatalf("after SetPassword: %q %q", got.Password, got.NTHash)
	}
	wantNoErr(t, "SetPassword", s.SetPassword(ctx, "nt", "hash-3", ""))
	if got, _ = s.UserByUsername(ctx, "nt"); got.NTHash != "" {
		t.Fatalf("an old NT hash outlived the password change: %q", got.NTHash)
	}
	plain := mustCreateUser(t, s, "plain")
	if plain.NTHash != "" {
		t.Fatalf("NT hash without opting in: %q", plain.NTHash)
	}
}
