package storetest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/goradius/goradius/internal/store"
)

func testMigrate(t *testing.T, s store.Store) {
	ctx := t.Context()
	applied, latest, err := s.SchemaVersion(ctx)
	wantNoErr(t, "SchemaVersion", err)
	if latest < 1 || applied != latest {
		t.Fatalf("SchemaVersion = %d, %d; want a migrated store (applied == latest >= 1)", applied, latest)
	}
	for i := range 2 {
		n, err := s.Migrate(ctx)
		wantNoErr(t, "Migrate again", err)
		if n != 0 {
			t.Errorf("Migrate on a migrated store, call %d: ran %d migrations, want 0", i+1, n)
		}
	}
	applied2, latest2, err := s.SchemaVersion(ctx)
	wantNoErr(t, "SchemaVersion", err)
	if applied2 != applied || latest2 != latest {
		t.Errorf("SchemaVersion after Migrate = %d, %d; want %d, %d", applied2, latest2, applied, latest)
	}
	wantNoErr(t, "Ping", s.Ping(ctx))
}

func testSchemaTooNew(t *testing.T, s store.Store) {
	ctx := t.Context()
	setter, ok := s.(SchemaVersionSetter)
	if !ok {
		t.Skip("store cannot record a schema version (no SetSchemaVersion)")
	}
	_, latest, err := s.SchemaVersion(ctx)
	wantNoErr(t, "SchemaVersion", err)
	wantNoErr(t, "SetSchemaVersion", setter.SetSchemaVersion(ctx, latest+1))

	applied, _, err := s.SchemaVersion(ctx)
	wantNoErr(t, "SchemaVersion", err)
	if applied != latest+1 {
		t.Fatalf("applied version = %d, want %d", applied, latest+1)
	}
	n, err := s.Migrate(ctx)
	wantErr(t, "Migrate on a newer schema", err, store.ErrSchemaTooNew)
	if n != 0 {
		t.Errorf("Migrate on a newer schema ran %d migrations", n)
	}
	for _, v := range []int{latest, latest + 1} {
		if !strings.Contains(err.Error(), strconv.Itoa(v)) {
			t.Errorf("error %q does not name version %d", err, v)
		}
	}

	// Back to the real version: usable again.
	wantNoErr(t, "SetSchemaVersion", setter.SetSchemaVersion(ctx, latest))
	n, err = s.Migrate(ctx)
	if err != nil || n != 0 {
		t.Errorf("Migrate after restoring the version = %d, %v; want 0, nil", n, err)
	}
}

func testDefaultGroups(t *testing.T, s store.Store) {
	ctx := t.Context()
	groups, err := s.Groups(ctx)
	wantNoErr(t, "Groups", err)
	var names []string
	for _, g := range groups {
		names = append(names, g.Name)
		if g.ID == 0 || g.Created.IsZero() || g.Modified.IsZero() {
			t.Errorf("group %+v: want an id and created/modified times", g)
		}
		if wantDefault := g.Name == "users"; g.IsDefault != wantDefault {
			t.Errorf("group %q IsDefault = %v, want %v", g.Name, g.IsDefault, wantDefault)
		}
	}
	wantStrings(t, "group names", names, []string{"power-users", "users"})

	def, err := s.DefaultGroup(ctx)
	wantNoErr(t, "DefaultGroup", err)
	if def.Name != "users" || !def.IsDefault {
		t.Errorf("DefaultGroup = %+v, want users", def)
	}

	got, err := s.UserGroups(ctx, "nobody")
	wantNoErr(t, "UserGroups of an unknown user", err)
	wantStrings(t, "UserGroups(nobody)", got, []string{})
}

func testSettings(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.Setting(ctx, "API_TOKEN")
	wantErr(t, "Setting unset", err, store.ErrNotFound)

	for _, tc := range []struct{ name, value string }{
		{"API_TOKEN", "first"},
		{"API_TOKEN", "second, replacing the first"},
		{"BATCH_MAIL_MESSAGE", "username: {username}\npassword: {password} — ünïcode"},
		{"EMPTY", ""},
	} {
		wantNoErr(t, "PutSetting "+tc.name, s.PutSetting(ctx, tc.name, tc.value))
		got, err := s.Setting(ctx, tc.name)
		wantNoErr(t, "Setting "+tc.name, err)
		if got != tc.value {
			t.Errorf("Setting(%q) = %q, want %q", tc.name, got, tc.value)
		}
	}
	_, err = s.Setting(ctx, "api_token")
	wantErr(t, "Setting names are case-sensitive", err, store.ErrNotFound)
}
