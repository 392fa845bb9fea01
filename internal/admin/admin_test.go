package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/users"
)

// now is the fixed clock of the tests.
var now = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func newService(t *testing.T, s store.Store) *Service {
	t.Helper()
	us := &users.Service{Store: s, Now: func() time.Time { return now }, Iterations: 1000,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), TimeZone: time.UTC}
	return New(s, us)
}

func sqliteService(t *testing.T) (*Service, store.Store) {
	t.Helper()
	s, _ := dbtest.Open(t, dbtest.SQLite)
	return newService(t, s), s
}

func ptr[T any](v T) *T { return &v }

// wantInput checks that err is an InputError with a message on field that
// contains want.
func wantInput(t *testing.T, err error, field, want string) {
	t.Helper()
	ie, ok := IsInputError(err)
	if !ok {
		t.Fatalf("error = %v (%T), want an InputError on %q", err, err, field)
	}
	for _, m := range ie.Fields[field] {
		if strings.Contains(m, want) {
			return
		}
	}
	t.Fatalf("InputError %v: no message on %q containing %q", ie.Fields, field, want)
}

func TestValidation(t *testing.T) {
	a, _ := sqliteService(t)
	ctx := t.Context()
	for _, c := range []struct {
		name        string
		err         error
		field, want string
	}{
		{"no username", second(a.CreateUser(ctx, UserInput{})), "username", "is required"},
		{"bad username", second(a.CreateUser(ctx, UserInput{Username: ptr("a b")})), "username", "may contain only"},
		{"long username", second(a.CreateUser(ctx, UserInput{Username: ptr(strings.Repeat("a", 65))})), "username", "at most 64"},
		{"bad email", second(a.CreateUser(ctx, UserInput{Username: ptr("x"), Email: ptr("nope")})), "email", "not a valid e-mail"},
		{"empty password", second(a.CreateUser(ctx, UserInput{Username: ptr("x"), Password: ptr("")})), "password", "may not be empty"},
		{"unknown group", second(a.CreateUser(ctx, UserInput{Username: ptr("x"), Groups: []string{"nope"}})), "groups", "nope"},
		{"group twice", second(a.CreateUser(ctx, UserInput{Username: ptr("x"), Groups: []string{"users", "users"}})), "groups", "twice"},
		{"group without name", second(a.CreateGroup(ctx, GroupInput{})), "name", "is required"},
		{"group name with spaces", second(a.CreateGroup(ctx, GroupInput{Name: ptr(" g")})), "name", "spaces"},
		{"taken group name", second(a.CreateGroup(ctx, GroupInput{Name: ptr("users")})), "name", "already exists"},
		{"bad group item op", second(a.CreateGroup(ctx, GroupInput{Name: ptr("g"),
			Check: []ItemInput{{Attribute: ptr("Max-Daily-Session"), Op: ptr("=>"), Value: ptr("1")}}})), "check", `"=>" is not an operator`},
		{"reply op", second(a.CreateItem(ctx, store.RadReply, ItemInput{Name: ptr("u"), Attribute: ptr("A"), Op: ptr("=="), Value: ptr("1")})), "op", "not an operator of radreply"},
		{"bad attribute", second(a.CreateItem(ctx, store.RadCheck, ItemInput{Name: ptr("u"), Attribute: ptr("A B"), Value: ptr("1")})), "attribute", "not an attribute name"},
		{"long value", second(a.CreateItem(ctx, store.RadCheck, ItemInput{Name: ptr("u"), Attribute: ptr("A"), Value: ptr(strings.Repeat("v", 254))})), "value", "at most 253"},
		{"radcheck extras elsewhere", second(a.CreateItem(ctx, store.RadReply, ItemInput{Name: ptr("u"), Attribute: ptr("A"), Value: ptr("1"), Notes: ptr("n")})), "non_field_errors", "radcheck"},
		{"unknown item group", second(a.CreateItem(ctx, store.RadGroupReply, ItemInput{Name: ptr("nope"), Attribute: ptr("A"), Value: ptr("1")})), "groupname", "no radius group"},
		{"unknown table", third(a.ListItems(ctx, "nas", store.ItemFilter{}, 0, 0)), "table", "not one of"},
		{"membership of unknown group", second(a.CreateMembership(ctx, MembershipInput{Username: ptr("u"), Groupname: ptr("nope")})), "groupname", "no radius group"},
		{"priority", second(a.CreateMembership(ctx, MembershipInput{Username: ptr("u"), Groupname: ptr("users"), Priority: ptr(-1)})), "priority", "between"},
		{"NAS without secret", second(a.CreateNAS(ctx, NASInput{Name: ptr("10.0.0.1")})), "secret", "is required"},
		{"NAS ports", second(a.CreateNAS(ctx, NASInput{Name: ptr("10.0.0.1"), Secret: ptr("s"), Ports: ptr[int64](-1)})), "ports", "between"},
		{"negative offset", third(a.ListUsers(ctx, store.UserFilter{}, -1, 10)), "offset", "0 or more"},
		{"batch strategy", third(a.CreateBatch(ctx, BatchInput{Name: "b", Strategy: "magic"})), "strategy", "not one of"},
		{"batch count", third(a.CreateBatch(ctx, BatchInput{Name: "b", Strategy: "prefix", Prefix: "p"})), "number_of_users", "at least 1"},
		{"days", second(a.DeleteOldSessions(ctx, 0)), "days", "at least 1"},
		{"months", third(a.DeleteOldUsers(ctx, 0)), "older_than_months", "at least 1"},
	} {
		t.Run(c.name, func(t *testing.T) { wantInput(t, c.err, c.field, c.want) })
	}
	// Nothing half-written: the failed group with a bad item does not exist.
	if _, err := a.Group(ctx, "g"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("group g after a refused create: %v", err)
	}
	if _, err := a.User(ctx, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("user x after refused creates: %v", err)
	}
}

func second[A any](_ A, err error) error        { return err }
func third[A, B any](_ A, _ B, err error) error { return err }

func TestDefaultGroup(t *testing.T) {
	a, s := sqliteService(t)
	ctx := t.Context()
	err := a.DeleteGroup(ctx, "users")
	wantInput(t, err, "name", "default group and cannot be deleted")
	_, err = a.UpdateGroup(ctx, "users", GroupInput{IsDefault: ptr(false)})
	wantInput(t, err, "is_default", "make another group the default")

	g, err := a.CreateGroup(ctx, GroupInput{Name: ptr("daily"), IsDefault: ptr(true),
		Check: []ItemInput{{Attribute: ptr("Max-Daily-Session"), Value: ptr("3600")}}})
	if err != nil {
		t.Fatal(err)
	}
	if !g.IsDefault || len(g.Check) != 1 || g.Check[0].Op != ":=" || g.Check[0].Groupname != "daily" {
		t.Fatalf("created group = %+v", g)
	}
	groups, total, err := a.ListGroups(ctx, store.GroupFilter{}, 0, 0)
	if err != nil || total != 3 {
		t.Fatalf("ListGroups = %d groups, %v", total, err)
	}
	var defaults []string
	for _, g := range groups {
		if g.IsDefault {
			defaults = append(defaults, g.Name)
		}
	}
	if !slices.Equal(defaults, []string{"daily"}) {
		t.Fatalf("default groups = %q, want only daily", defaults)
	}
	// New users join the new default; the old one can go now.
	u, err := a.CreateUser(ctx, UserInput{Username: ptr("alice"), Password: ptr("pw-alice")})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(u.Groups, []string{"daily"}) {
		t.Errorf("groups of a new user = %q, want daily", u.Groups)
	}
	if err := a.DeleteGroup(ctx, "users"); err != nil {
		t.Fatal(err)
	}
	if def, err := s.DefaultGroup(ctx); err != nil || def.Name != "daily" {
		t.Errorf("DefaultGroup = %+v, %v", def, err)
	}
}

// Renames keep every FreeRADIUS row consistent, on every database.
func TestRenames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		a := newService(t, s)
		ctx := t.Context()
		if _, err := a.CreateGroup(ctx, GroupInput{Name: ptr("staff"),
			Reply: []ItemInput{{Attribute: ptr("Reply-Message"), Value: ptr("hello staff")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.CreateUser(ctx, UserInput{Username: ptr("alice"), Password: ptr("pw"), Groups: []string{"staff", "users"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.CreateItem(ctx, store.RadReply, ItemInput{Name: ptr("alice"), Attribute: ptr("Session-Timeout"), Value: ptr("60")}); err != nil {
			t.Fatal(err)
		}
		w := &store.AcctWrite{UniqueID: "s1"}
		w.Values[store.AcctSessionID], w.Values[store.AcctUniqueID] = "s1", "s1"
		w.Values[store.AcctNASIPAddress], w.Values[store.AcctUsername] = "10.0.0.1", "alice"
		w.Values[store.AcctStartTime], w.Values[store.AcctSessionTime] = now.Add(-time.Hour), int64(600)
		if _, err := s.WriteAccounting(ctx, w); err != nil {
			t.Fatal(err)
		}

		u, err := a.UpdateUser(ctx, "alice", UserInput{Username: ptr("alicia")})
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != "alicia" || !slices.Equal(u.Groups, []string{"staff", "users"}) {
			t.Errorf("renamed user = %+v", u)
		}
		if _, err := a.UpdateGroup(ctx, "staff", GroupInput{Name: ptr("team")}); err != nil {
			t.Fatal(err)
		}
		pol, err := s.PolicyFor(ctx, "alicia", now)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprintf("reply=%v groups=", pol.Reply)
		for _, g := range pol.Groups {
			got += fmt.Sprintf("%s:%v ", g.Name, g.Reply)
		}
		if !strings.Contains(got, "Session-Timeout") || !strings.Contains(got, "team:[{") ||
			!strings.Contains(got, "hello staff") || !strings.Contains(got, "users:") {
			t.Errorf("policy after both renames: %s", got)
		}
		usage, err := s.UsageSince(ctx, "alicia", time.Time{})
		if err != nil || usage.Seconds != 600 {
			t.Errorf("usage of the renamed user = %+v, %v; want its 600 s", usage, err)
		}
		// Taken names are input errors on the field.
		if _, err := a.CreateUser(ctx, UserInput{Username: ptr("bob")}); err != nil {
			t.Fatal(err)
		}
		_, err = a.UpdateUser(ctx, "bob", UserInput{Username: ptr("alicia")})
		wantInput(t, err, "username", "already exists")
		_, err = a.UpdateGroup(ctx, "team", GroupInput{Name: ptr("users")})
		wantInput(t, err, "name", "already exists")
		_, err = a.UpdateUser(ctx, "nobody", UserInput{Email: ptr("n@example.com")})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("update of an unknown user: %v, want ErrNotFound", err)
		}
	})
}

func TestUserPasswordAndNTHash(t *testing.T) {
	a, s := sqliteService(t)
	ctx := t.Context()
	if _, err := a.CreateGroup(ctx, GroupInput{Name: ptr("mschap"), StoreNTHash: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	u, err := a.CreateUser(ctx, UserInput{Username: ptr("carol"), Password: ptr("secret-1"), Groups: []string{"mschap"},
		FirstName: ptr("Carol"), IsStaff: ptr(true), ExpiresAt: ptr(now.Add(24 * time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	if !u.HasNTHash || !u.HasPassword || !u.IsStaff || u.FirstName != "Carol" || u.ExpiresAt == nil {
		t.Errorf("created user = %+v", u)
	}
	stored, _ := s.UserByUsername(ctx, "carol")
	if stored.NTHash != password.NTHash("secret-1") || !password.Check("secret-1", stored.Password) {
		t.Errorf("stored hashes do not match the password")
	}
	u, err = a.UpdateUser(ctx, "carol", UserInput{ClearNTHash: true, ClearExpiresAt: true})
	if err != nil || u.HasNTHash || u.ExpiresAt != nil {
		t.Fatalf("after clearing: %+v, %v", u, err)
	}
	u, err = a.UpdateUser(ctx, "carol", UserInput{Password: ptr("secret-2")})
	if err != nil || !u.HasNTHash {
		t.Fatalf("a new password in an opted-in group: %+v, %v", u, err)
	}
	// Leaving the group: the next password gets no NT hash.
	u, err = a.UpdateUser(ctx, "carol", UserInput{Password: ptr("secret-3"), Groups: []string{"users"}})
	if err != nil || u.HasNTHash {
		t.Fatalf("a new password outside opted-in groups: %+v, %v", u, err)
	}
	_, err = a.UpdateUser(ctx, "carol", UserInput{Password: ptr("x"), ClearNTHash: true})
	wantInput(t, err, "nt_hash", "not clear it at the same time")
	// No password: unusable.
	u, err = a.CreateUser(ctx, UserInput{Username: ptr("dave")})
	if err != nil || u.HasPassword {
		t.Fatalf("a user without password: %+v, %v", u, err)
	}
	list, total, err := a.ListUsers(ctx, store.UserFilter{Search: "CAR"}, 0, 10)
	if err != nil || total != 1 || len(list) != 1 || list[0].Username != "carol" {
		t.Errorf("ListUsers(CAR) = %+v, %d, %v", list, total, err)
	}
}

func TestMembershipsNASTokens(t *testing.T) {
	a, _ := sqliteService(t)
	ctx := t.Context()
	if _, err := a.CreateUser(ctx, UserInput{Username: ptr("alice")}); err != nil {
		t.Fatal(err)
	}
	m, err := a.CreateMembership(ctx, MembershipInput{Username: ptr("alice"), Groupname: ptr("power-users")})
	if err != nil || m.Priority != 2 {
		t.Fatalf("membership after users (priority 1) = %+v, %v; want priority 2", m, err)
	}
	_, err = a.CreateMembership(ctx, MembershipInput{Username: ptr("alice"), Groupname: ptr("power-users")})
	wantInput(t, err, "groupname", "already")
	_, err = a.UpdateMembership(ctx, m.ID, MembershipInput{Username: ptr("bob")})
	wantInput(t, err, "username", "cannot change")

	n, err := a.CreateNAS(ctx, NASInput{Name: ptr("10.1.0.0/16"), Secret: ptr("testing123")})
	if err != nil || n.Type != "other" || n.Description != "RADIUS Client" {
		t.Fatalf("CreateNAS = %+v, %v", n, err)
	}
	_, err = a.CreateNAS(ctx, NASInput{Name: ptr("10.1.0.0/16"), Secret: ptr("x")})
	wantInput(t, err, "name", "already exists")
	n, err = a.UpdateNAS(ctx, n.ID, NASInput{Description: ptr(""), Ports: ptr[int64](8)})
	if err != nil || n.Description != "" || n.Ports == nil || *n.Ports != 8 {
		t.Fatalf("UpdateNAS = %+v, %v", n, err)
	}
	if got, err := a.NASByName(ctx, "10.1.0.0/16"); err != nil || got.ID != n.ID {
		t.Errorf("NASByName = %+v, %v", got, err)
	}

	tok, err := a.CreateToken(ctx, "alice")
	if err != nil || len(tok.Key) != 40 {
		t.Fatalf("CreateToken = %+v, %v", tok, err)
	}
	again, _ := a.CreateToken(ctx, "alice")
	if again.Key == tok.Key {
		t.Error("CreateToken did not replace the token")
	}
	if _, err := a.CreateToken(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("token of an unknown user: %v", err)
	}
}

func TestSessionsClose(t *testing.T) {
	a, s := sqliteService(t)
	ctx := t.Context()
	w := &store.AcctWrite{UniqueID: "s1"}
	w.Values[store.AcctSessionID], w.Values[store.AcctUniqueID] = "s1", "s1"
	w.Values[store.AcctNASIPAddress], w.Values[store.AcctUsername] = "10.0.0.1", "alice"
	w.Values[store.AcctStartTime] = now.Add(-10 * time.Minute)
	if _, err := s.WriteAccounting(ctx, w); err != nil {
		t.Fatal(err)
	}
	list, total, err := a.ListSessions(ctx, store.AcctFilter{IsOpen: ptr(true)}, 0, 0)
	if err != nil || total != 1 || len(list) != 1 {
		t.Fatalf("ListSessions = %+v, %d, %v", list, total, err)
	}
	got, err := a.CloseSession(ctx, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.StopTime == nil || !got.StopTime.Equal(now) || *got.SessionTime != 600 || *got.TerminateCause != AdminResetCause {
		t.Errorf("closed session = stop %v, time %v, cause %v", got.StopTime, *got.SessionTime, *got.TerminateCause)
	}
	_, err = a.CloseSession(ctx, list[0].ID)
	wantInput(t, err, "stop_time", "closed already")
	if _, err := a.CloseSession(ctx, 12345); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("closing an unknown session: %v, want ErrNotFound", err)
	}
}

func TestMaintenance(t *testing.T) {
	a, s := sqliteService(t)
	ctx := t.Context()
	for _, c := range []struct {
		name    string
		expires time.Time
	}{{"expired-long-ago", now.AddDate(0, -19, 0)}, {"expired-recently", now.Add(-time.Hour)}, {"valid", now.Add(time.Hour)}} {
		if _, err := a.CreateUser(ctx, UserInput{Username: ptr(c.name), ExpiresAt: ptr(c.expires)}); err != nil {
			t.Fatal(err)
		}
	}
	pa := func(name string, age time.Duration) {
		if err := s.CreatePostAuth(ctx, &store.PostAuth{Username: name, Reply: "Access-Accept", AuthDate: now.Add(-age)}); err != nil {
			t.Fatal(err)
		}
	}
	pa("old", 40*24*time.Hour)
	pa("new", 2*24*time.Hour)

	sc := Schedule{Every: time.Hour, DeactivateExpiredUsers: true, DeleteOldUsersMonths: 18, DeleteOldPostAuthDays: 30, DeleteOldSessionsDays: 30}
	if !sc.Enabled() || (Schedule{Every: time.Hour}).Enabled() {
		t.Fatal("Enabled is wrong")
	}
	if err := a.RunMaintenance(ctx, sc); err != nil {
		t.Fatal(err)
	}
	list, _, _ := a.ListUsers(ctx, store.UserFilter{}, 0, 0)
	var got []string
	for _, u := range list {
		got = append(got, fmt.Sprintf("%s:%v", u.Username, u.IsActive))
	}
	if want := []string{"expired-recently:false", "valid:true"}; !slices.Equal(got, want) {
		t.Errorf("users after maintenance = %q, want %q", got, want)
	}
	rows, total, _ := a.ListPostAuth(ctx, store.PostAuthFilter{}, 0, 0)
	if total != 1 || rows[0].Username != "new" {
		t.Errorf("post-auth after maintenance = %+v", rows)
	}

	// RunSchedule runs a round at once and stops with its context.
	pa("old2", 40*24*time.Hour)
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { a.RunSchedule(sctx, Schedule{Every: time.Hour, DeleteOldPostAuthDays: 30}); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, n, _ := a.ListPostAuth(ctx, store.PostAuthFilter{Username: "old2"}, 0, 0); n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scheduled round did not run")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
}
