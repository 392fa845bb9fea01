// Package storetest is the conformance suite every store.Store backend
// must pass: Run it from the backend's tests with a function that returns a
// fresh, migrated store.
package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// SchemaVersionSetter is implemented by stores that can record a schema
// version without migrating (sqlstore does). Run uses it to check that a
// newer schema is refused; stores without it skip that test.
type SchemaVersionSetter interface {
	SetSchemaVersion(ctx context.Context, version int) error
}

// Run runs the suite. newStore must return a fresh, migrated store (for
// example with dbtest.Open) and release it when t ends; Run calls it once
// per test.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Migrate", testMigrate},
		{"SchemaTooNew", testSchemaTooNew},
		{"DefaultGroups", testDefaultGroups},
		{"Settings", testSettings},
		{"CreateUser", testCreateUser},
		{"UserLookup", testUserLookup},
		{"UpdateUser", testUpdateUser},
		{"NTHash", testNTHash},
		{"DeleteUser", testDeleteUser},
		{"UsernamesWithPrefix", testUsernamesWithPrefix},
		{"UsersByIDs", testUsersByIDs},
		{"Tokens", testTokens},
		{"ConsumeRadiusTokenConcurrently", testConsumeConcurrently},
		{"EnsureTokensConcurrently", testEnsureTokensConcurrently},
		{"WriteAccounting", testWriteAccounting},
		{"AccountingAutoGroup", testAccountingAutoGroup},
		{"WriteAccountingConcurrently", testWriteAccountingConcurrently},
		{"ListAccounting", testListAccounting},
		{"WriteAccountingOnlyIfOpen", testWriteAccountingOnlyIfOpen},
		{"UsageSince", testUsageSince},
		{"UsageAfterEachWrite", testUsageAfterEachWrite},
		{"OpenSessions", testOpenSessions},
		{"CloseNASSessions", testCloseNASSessions},
		{"CloseStaleSessions", testCloseStaleSessions},
		{"PolicyFor", testPolicyFor},
		{"CreateGroup", testCreateGroup},
		{"PostAuth", testPostAuth},
		{"CreateBatch", testCreateBatch},
		{"CreateBatchAllOrNothing", testCreateBatchAllOrNothing},
		{"TimesRoundTrip", testTimesRoundTrip},
		{"AdminTokens", testAdminTokens},
		{"ListUsersPage", testListUsersPage},
		{"UpdateUserFields", testUpdateUserFields},
		{"RenameUser", testRenameUser},
		{"UpdateUserGroups", testUpdateUserGroups},
		{"DeactivateExpiredUsers", testDeactivateExpiredUsers},
		{"DeleteExpiredUsers", testDeleteExpiredUsers},
		{"ListGroupsPage", testListGroupsPage},
		{"UpdateGroup", testUpdateGroup},
		{"DeleteGroup", testDeleteGroup},
		{"ItemsCRUD", testItemsCRUD},
		{"MembershipsCRUD", testMembershipsCRUD},
		{"NASCRUD", testNASCRUD},
		{"BatchesAdmin", testBatchesAdmin},
		{"RadiusTokensAdmin", testRadiusTokensAdmin},
		{"AcctSessionAdmin", testAcctSessionAdmin},
		{"DeleteStoppedSessions", testDeleteStoppedSessions},
		{"PostAuthAdmin", testPostAuthAdmin},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

// newUser returns a user with every field set; times have microseconds
// and a zone other than UTC, to check they come back as the same instant.
func newUser(name string) store.User {
	zone := time.FixedZone("UTC+2", 2*3600)
	login := time.Date(2026, 3, 4, 5, 6, 7, 123456000, zone)
	return store.User{
		Username:   name,
		Password:   "pbkdf2_sha256$260000$salt$hash=",
		Email:      name + "@example.com",
		FirstName:  "First",
		LastName:   "Last",
		IsActive:   true,
		LastLogin:  &login,
		DateJoined: time.Date(2025, 12, 31, 23, 59, 59, 999999000, zone),
	}
}

// mustCreateUser creates a user with newUser's fields in the given groups.
func mustCreateUser(t *testing.T, s store.Store, name string, groups ...string) store.User {
	t.Helper()
	u := newUser(name)
	if err := s.CreateUser(t.Context(), &u, groups...); err != nil {
		t.Fatalf("CreateUser(%q): %v", name, err)
	}
	return u
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

func wantNoErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: got nil, want a (possibly empty) list", what)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// wantTime checks an instant and that it is in UTC.
func wantTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
	if got.Location() != time.UTC {
		t.Errorf("%s is in %v, want UTC", what, got.Location())
	}
}

func wantTimePtr(t *testing.T, what string, got, want *time.Time) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", what, got, want)
	default:
		wantTime(t, what, *got, *want)
	}
}

func ptr[T any](v T) *T { return &v }
