package sqlstore_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

func importer(t *testing.T, s store.Store) store.Importer {
	t.Helper()
	im, ok := s.(store.Importer)
	if !ok {
		t.Fatalf("%T does not implement store.Importer", s)
	}
	return im
}

func wantInserted(t *testing.T, what string, got []bool, err error, want ...bool) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s inserted %v, want %v", what, got, want)
	}
}

var importDay = time.Date(2025, 3, 4, 5, 6, 7, 891234000, time.UTC)

// The importer's methods insert what is new, skip what is there by its
// natural key, and a second call changes nothing.
func TestImporter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		im := importer(t, s)

		// Groups: merged by name; the source's default becomes the only one.
		got, err := im.ImportGroups(ctx, []store.RadiusGroup{
			{Name: "users", Description: "other text"},
			{Name: "guests", Description: "Guests", IsDefault: true, Created: importDay, Modified: importDay},
		})
		wantInserted(t, "groups", got, err, false, true)
		if d, err := s.DefaultGroup(ctx); err != nil || d.Name != "guests" || !d.Created.Equal(importDay) {
			t.Fatalf("default group after import = %+v, %v; want guests", d, err)
		}
		groups, _ := s.Groups(ctx)
		for _, g := range groups {
			if g.Name == "users" && (g.IsDefault || g.Description != "Regular users") {
				t.Errorf("users after import: %+v (kept as is, not default)", g)
			}
		}
		got, err = im.ImportGroups(ctx, []store.RadiusGroup{{Name: "users", IsDefault: true}})
		wantInserted(t, "groups again", got, err, false)
		if d, _ := s.DefaultGroup(ctx); d.Name != "users" {
			t.Errorf("default group = %q, want users back", d.Name)
		}
		if _, err := im.ImportGroups(ctx, []store.RadiusGroup{{Name: "a", IsDefault: true}, {Name: "b", IsDefault: true}}); err == nil {
			t.Error("two default groups imported")
		}

		// Users: by username, every field kept.
		login := importDay.Add(time.Hour)
		exp := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
		u := store.User{Username: "ann", Password: "pbkdf2_sha256$1000$salt$hash=", Email: "ann@example.com",
			FirstName: "Ann", LastName: "Lee", IsActive: false, IsStaff: true, IsSuperuser: true,
			LastLogin: &login, DateJoined: importDay, ExpiresAt: &exp}
		got, err = im.ImportUsers(ctx, []store.User{u, {Username: "ben", Password: "!x", IsActive: true, DateJoined: importDay}})
		wantInserted(t, "users", got, err, true, true)
		ann, err := s.UserByUsername(ctx, "ann")
		if err != nil {
			t.Fatal(err)
		}
		ann.ID = 0
		if ann.Password != u.Password || ann.Email != u.Email || ann.FirstName != "Ann" || ann.LastName != "Lee" ||
			ann.IsActive || !ann.IsStaff || !ann.IsSuperuser || !ann.LastLogin.Equal(login) ||
			!ann.DateJoined.Equal(importDay) || !ann.ExpiresAt.Equal(exp) || ann.NTHash != "" {
			t.Errorf("imported ann = %+v", ann)
		}
		changed := u
		changed.Password = "changed"
		got, err = im.ImportUsers(ctx, []store.User{changed})
		wantInserted(t, "users again", got, err, false)
		if a, _ := s.UserByUsername(ctx, "ann"); a.Password != u.Password {
			t.Errorf("an already present user was changed: %q", a.Password)
		}
		if gs, _ := s.UserGroups(ctx, "ann"); len(gs) != 0 {
			t.Errorf("an imported user joined groups %v (memberships are imported on their own)", gs)
		}

		// Items: by (name, attribute, op, value); radcheck's extra columns.
		past := importDay
		notes := "a note"
		checks := []store.ImportItem{
			{Name: "ann", Attribute: "Cleartext-Password", Op: ":=", Value: "pw", IsActive: true},
			{Name: "ann", Attribute: "Max-Daily-Session", Op: ":=", Value: "60", IsActive: false, Notes: &notes},
			{Name: "ann", Attribute: "Simultaneous-Use", Op: ":=", Value: "1", IsActive: true, ValidUntil: &past},
			{Name: "nobody", Attribute: "Cleartext-Password", Op: ":=", Value: "x", IsActive: true},
		}
		got, err = im.ImportItems(ctx, store.RadCheck, checks)
		wantInserted(t, "radcheck", got, err, true, true, true, true)
		got, err = im.ImportItems(ctx, store.RadCheck, append(checks,
			store.ImportItem{Name: "ann", Attribute: "Cleartext-Password", Op: ":=", Value: "pw ", IsActive: true}))
		wantInserted(t, "radcheck again", got, err, false, false, false, false, true)
		pol, err := s.PolicyFor(ctx, "ann", importDay.Add(-time.Minute))
		if err != nil || len(pol.Check) != 3 { // the inactive row is left out
			t.Errorf("ann's check items before valid_until: %+v, %v", pol.Check, err)
		}
		if pol, _ := s.PolicyFor(ctx, "ann", importDay.Add(time.Minute)); len(pol.Check) != 2 {
			t.Errorf("ann's check items after valid_until: %+v", pol.Check)
		}
		got, err = im.ImportItems(ctx, store.RadReply, []store.ImportItem{{Name: "ann", Attribute: "Session-Timeout", Op: "=", Value: "60"}})
		wantInserted(t, "radreply", got, err, true)
		got, err = im.ImportItems(ctx, store.RadGroupCheck, []store.ImportItem{
			{Name: "users", Attribute: "Max-Daily-Session", Op: ":=", Value: "10800"}, // from the migration
			{Name: "guests", Attribute: "Max-Daily-Session", Op: ":=", Value: "600"},
		})
		wantInserted(t, "radgroupcheck", got, err, false, true)
		got, err = im.ImportItems(ctx, store.RadGroupReply, []store.ImportItem{{Name: "guests", Attribute: "Reply-Message", Op: "=", Value: "hi"}})
		wantInserted(t, "radgroupreply", got, err, true)
		if _, err := im.ImportItems(ctx, "radius", nil); err == nil {
			t.Error("unknown item table accepted")
		}

		// Memberships: by (username, groupname), priority kept.
		ms := []store.ImportMembership{
			{Username: "ann", Groupname: "guests", Priority: 2},
			{Username: "ann", Groupname: "users", Priority: 1},
			{Username: "nobody", Groupname: "nogroup", Priority: 1},
		}
		got, err = im.ImportMemberships(ctx, ms)
		wantInserted(t, "radusergroup", got, err, true, true, true)
		got, err = im.ImportMemberships(ctx, ms)
		wantInserted(t, "radusergroup again", got, err, false, false, false)
		if gs, _ := s.UserGroups(ctx, "ann"); !slices.Equal(gs, []string{"users", "guests"}) {
			t.Errorf("ann's groups = %v", gs)
		}
		pol, err = s.PolicyFor(ctx, "ann", importDay.Add(-time.Minute))
		if err != nil || len(pol.Groups) != 2 || pol.Groups[1].Name != "guests" || len(pol.Groups[1].Check) != 1 || len(pol.Groups[1].Reply) != 1 {
			t.Errorf("ann's group policy: %+v, %v", pol.Groups, err)
		}

		// NAS by nasname.
		short := "ap"
		ports := int64(8)
		nas := []store.NAS{{Name: "10.0.0.1", ShortName: &short, Type: "other", Ports: &ports, Secret: "s"}, {Name: "10.0.0.0/24", Type: "x", Secret: "t"}}
		got, err = im.ImportNAS(ctx, nas)
		wantInserted(t, "nas", got, err, true, true)
		got, err = im.ImportNAS(ctx, nas)
		wantInserted(t, "nas again", got, err, false, false)

		// Tokens by user: an existing token stays.
		ben, _ := s.UserByUsername(ctx, "ben")
		if _, err := s.EnsureTokens(ctx, ben.ID, func() string { return "ben-auth-key" },
			func() string { return "ben-radius-key" }); err != nil {
			t.Fatal(err)
		}
		toks := []store.ImportToken{{Username: "ann", Key: "ann-radius", Created: importDay}, {Username: "ben", Key: "ben-other"}}
		got, err = im.ImportTokens(ctx, store.RadiusTokenKind, toks)
		wantInserted(t, "radiustoken", got, err, true, false)
		got, err = im.ImportTokens(ctx, store.RadiusTokenKind, toks)
		wantInserted(t, "radiustoken again", got, err, false, false)
		if ok, _ := s.CheckRadiusToken(ctx, ben.ID, "ben-radius-key"); !ok {
			t.Error("ben's own radius token was replaced")
		}
		got, err = im.ImportTokens(ctx, store.AuthTokenKind, []store.ImportToken{{Username: "ann", Key: "ann-auth"}})
		wantInserted(t, "authtoken", got, err, true)
		if u, err := s.UserByAuthToken(ctx, "ann-auth"); err != nil || u.Username != "ann" {
			t.Errorf("ann's auth token: %q, %v", u.Username, err)
		}
		if _, err := im.ImportTokens(ctx, store.AuthTokenKind, []store.ImportToken{{Username: "ghost", Key: "k"}}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token of an unknown user: %v", err)
		}

		// Batches by name, links by (batch, user).
		day := time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC)
		batches := []store.Batch{
			{ID: "26248562-7f37-46f5-aa60-839e0fa47314", Name: "csv", Strategy: "csv", CSVFileName: "users.csv", ExpirationDate: &day, Created: importDay, Modified: importDay},
			{ID: "f264c761-ad6d-4c79-bf91-2fc0a20ffa7e", Name: "vouchers", Strategy: "prefix", Prefix: "guest", PDFFileName: "g.pdf"},
		}
		got, err = im.ImportBatches(ctx, batches)
		wantInserted(t, "radbatch", got, err, true, true)
		got, err = im.ImportBatches(ctx, batches)
		wantInserted(t, "radbatch again", got, err, false, false)
		links := []store.ImportBatchUser{{BatchName: "csv", Username: "ann"}, {BatchName: "csv", Username: "ben"}}
		got, err = im.ImportBatchUsers(ctx, links)
		wantInserted(t, "radbatch_users", got, err, true, true)
		got, err = im.ImportBatchUsers(ctx, links)
		wantInserted(t, "radbatch_users again", got, err, false, false)
		b, err := s.BatchByName(ctx, "csv")
		if err != nil || b.ID != batches[0].ID || b.CSVFileName != "users.csv" || !b.ExpirationDate.Equal(day) ||
			!b.Created.Equal(importDay) || len(b.UserIDs) != 2 {
			t.Errorf("batch csv = %+v, %v", b, err)
		}
		if _, err := im.ImportBatches(ctx, []store.Batch{{ID: batches[0].ID, Name: "other", Strategy: "csv"}}); !errors.Is(err, store.ErrAlreadyExists) {
			t.Errorf("a batch reusing another's id: %v", err)
		}
		if _, err := im.ImportBatchUsers(ctx, []store.ImportBatchUser{{BatchName: "nope", Username: "ann"}}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("link to an unknown batch: %v", err)
		}

		// Accounting by unique id, every column kept; '' IPs.
		str := func(s string) *string { return &s }
		i64 := func(n int64) *int64 { return &n }
		start := importDay
		stop := importDay.Add(time.Hour)
		full := store.AcctSession{SessionID: "S1", UniqueID: "u1", Username: str("ann"), Groupname: str("users"), Realm: str(""),
			NASIPAddress: "10.0.0.1", NASPortID: str("1"), NASPortType: str("Wireless-802.11"), StartTime: &start, UpdateTime: &stop,
			StopTime: &stop, Interval: i64(60), SessionTime: i64(3600), Authentication: str("RADIUS"),
			ConnectInfoStart: str("a"), ConnectInfoStop: str("b"), InputOctets: i64(1 << 40), OutputOctets: i64(2),
			CalledStationID: str("called"), CallingStationID: str("calling"), TerminateCause: str("User-Request"),
			ServiceType: str("Login-User"), FramedProtocol: str(""), FramedIPAddress: str("10.8.0.1"),
			FramedIPv6Address: str("2001:db8::1"), FramedIPv6Prefix: str("2001:db8::/64"), FramedInterfaceID: str("0:0:0:1"),
			DelegatedIPv6Prefix: str("2001:db8:1::/48")}
		bare := store.AcctSession{SessionID: "S2", UniqueID: "u2", NASIPAddress: "10.0.0.2", FramedIPAddress: str("")}
		got, err = im.ImportAccounting(ctx, []store.AcctSession{full, bare})
		wantInserted(t, "radacct", got, err, true, true)
		got, err = im.ImportAccounting(ctx, []store.AcctSession{full, bare})
		wantInserted(t, "radacct again", got, err, false, false)
		rows, err := s.ListAccounting(ctx, store.AcctFilter{}, 0, 10)
		if err != nil || len(rows) != 2 {
			t.Fatalf("radacct rows: %d, %v", len(rows), err)
		}
		r := rows[0] // newest start first, NULL last
		full.ID = r.ID
		if r.UniqueID != "u1" || *r.InputOctets != 1<<40 || !r.StartTime.Equal(start) || !r.StopTime.Equal(stop) ||
			*r.Interval != 60 || *r.FramedIPv6Address != "2001:db8::1" || *r.DelegatedIPv6Prefix != "2001:db8:1::/48" ||
			*r.FramedProtocol != "" || *r.Realm != "" || *r.ConnectInfoStop != "b" {
			t.Errorf("imported session = %+v", r)
		}
		if r := rows[1]; r.StartTime != nil || r.Username != nil || r.SessionTime != nil ||
			(r.FramedIPAddress != nil && *r.FramedIPAddress != "") {
			t.Errorf("bare session = %+v", r)
		}

		// Post-auth by (username, authdate, reply, pass).
		called := "c"
		pa := []store.PostAuth{
			{Username: "ann", Reply: "Access-Accept", AuthDate: importDay, CalledStationID: &called},
			{Username: "ann", Reply: "Access-Reject", Password: "bad", AuthDate: importDay},
			{Username: "ann", Reply: "Access-Accept", AuthDate: importDay.Add(time.Microsecond)},
		}
		got, err = im.ImportPostAuth(ctx, pa)
		wantInserted(t, "radpostauth", got, err, true, true, true)
		got, err = im.ImportPostAuth(ctx, pa)
		wantInserted(t, "radpostauth again", got, err, false, false, false)
		log, err := s.PostAuthLog(ctx, 10)
		if err != nil || len(log) != 3 || !log[0].AuthDate.Equal(importDay.Add(time.Microsecond)) {
			t.Errorf("post-auth log: %+v, %v", log, err)
		}
	})
}

// Batches of rows commit together: an error rolls back its whole batch.
func TestImporterBatchIsOneTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		im := importer(t, s)
		_, err := im.ImportBatchUsers(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := im.ImportUsers(ctx, []store.User{{Username: "x", Password: "!"}}); err != nil {
			t.Fatal(err)
		}
		// The second token's user does not exist: the first is not kept.
		_, err = im.ImportTokens(ctx, store.AuthTokenKind, []store.ImportToken{{Username: "x", Key: "kx"}, {Username: "ghost", Key: "kg"}})
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
		if _, err := s.UserByAuthToken(ctx, "kx"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a token of a failed batch was committed: %v", err)
		}
	})
}
