package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

func digestOf(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

func testAdminTokens(t *testing.T, s store.Store) {
	ctx := t.Context()
	alice := mustCreateUser(t, s, "alice")
	bob := mustCreateUser(t, s, "bob")
	zone := time.FixedZone("UTC-3", -3*3600)
	base := time.Date(2026, 5, 6, 7, 8, 9, 123456000, zone)

	mk := func(u store.User, token, label string, created time.Time) store.AdminToken {
		t.Helper()
		tok := store.AdminToken{UserID: u.ID, Digest: digestOf(token), Label: label,
			Created: created, Expires: created.Add(12 * time.Hour)}
		wantNoErr(t, "CreateAdminToken "+token, s.CreateAdminToken(ctx, &tok))
		if tok.ID == 0 {
			t.Fatalf("CreateAdminToken %s: no id set", token)
		}
		return tok
	}
	a1 := mk(alice, "a1", "curl/8.5.0", base)
	a2 := mk(alice, "a2", "", base.Add(time.Minute))
	b1 := mk(bob, "b1", "Mozilla/5.0 ünïcode", base.Add(2*time.Minute))

	// Lookup by digest: the token, its owner, times back in UTC.
	got, owner, err := s.AdminTokenByDigest(ctx, digestOf("a1"))
	wantNoErr(t, "AdminTokenByDigest", err)
	wantUser(t, owner, alice)
	if got.ID != a1.ID || got.UserID != alice.ID || got.Username != "alice" || got.Digest != a1.Digest || got.Label != "curl/8.5.0" {
		t.Errorf("AdminTokenByDigest = %+v, want %+v", got, a1)
	}
	wantTime(t, "Created", got.Created, base)
	wantTime(t, "Expires", got.Expires, base.Add(12*time.Hour))
	if got.LastUsed != nil {
		t.Errorf("LastUsed of a new token = %v, want nil", got.LastUsed)
	}
	for _, d := range []string{"", digestOf("nope"), strings.ToUpper(digestOf("a1")), digestOf("a1") + " ", digestOf("a1")[:63]} {
		_, _, err := s.AdminTokenByDigest(ctx, d)
		wantErr(t, fmt.Sprintf("AdminTokenByDigest(%q)", d), err, store.ErrNotFound)
	}

	// Touch, then by id.
	used := base.Add(time.Hour)
	wantNoErr(t, "TouchAdminToken", s.TouchAdminToken(ctx, a1.ID, used))
	got, err = s.AdminTokenByID(ctx, a1.ID)
	wantNoErr(t, "AdminTokenByID", err)
	wantTimePtr(t, "LastUsed", got.LastUsed, &used)
	if got.Username != "alice" {
		t.Errorf("AdminTokenByID username = %q, want alice", got.Username)
	}
	_, err = s.AdminTokenByID(ctx, b1.ID+1000)
	wantErr(t, "AdminTokenByID(unknown)", err, store.ErrNotFound)

	// Same digest twice; unknown user.
	dup := store.AdminToken{UserID: bob.ID, Digest: digestOf("a1"), Expires: base}
	wantErr(t, "CreateAdminToken with a stored digest", s.CreateAdminToken(ctx, &dup), store.ErrAlreadyExists)
	ghost := store.AdminToken{UserID: bob.ID + 1000, Digest: digestOf("ghost"), Expires: base}
	wantErr(t, "CreateAdminToken for an unknown user", s.CreateAdminToken(ctx, &ghost), store.ErrNotFound)

	// Lists: newest first, per user or all, paged.
	ids := func(ts []store.AdminToken) []int64 {
		out := []int64{}
		for _, x := range ts {
			out = append(out, x.ID)
		}
		return out
	}
	wantIDs := func(what string, userID int64, offset, limit int, want ...int64) {
		t.Helper()
		ts, err := s.ListAdminTokens(ctx, userID, offset, limit)
		wantNoErr(t, what, err)
		if g := ids(ts); fmt.Sprint(g) != fmt.Sprint(append([]int64{}, want...)) {
			t.Errorf("%s = %v, want %v", what, g, want)
		}
	}
	wantIDs("all tokens", 0, 0, 10, b1.ID, a2.ID, a1.ID)
	wantIDs("alice's tokens", alice.ID, 0, 10, a2.ID, a1.ID)
	wantIDs("second page of one", 0, 1, 1, a2.ID)
	wantIDs("past the end", 0, 5, 10)
	for _, c := range []struct {
		user int64
		want int
	}{{0, 3}, {alice.ID, 2}, {bob.ID, 1}, {bob.ID + 1000, 0}} {
		n, err := s.CountAdminTokens(ctx, c.user)
		wantNoErr(t, "CountAdminTokens", err)
		if n != c.want {
			t.Errorf("CountAdminTokens(%d) = %d, want %d", c.user, n, c.want)
		}
	}

	// Delete one; expired ones; with the user.
	wantNoErr(t, "DeleteAdminToken", s.DeleteAdminToken(ctx, a2.ID))
	wantErr(t, "DeleteAdminToken again", s.DeleteAdminToken(ctx, a2.ID), store.ErrNotFound)
	n, err := s.DeleteExpiredAdminTokens(ctx, a1.Expires.Add(-time.Second))
	wantNoErr(t, "DeleteExpiredAdminTokens before any expiry", err)
	if n != 0 {
		t.Errorf("DeleteExpiredAdminTokens before any expiry = %d, want 0", n)
	}
	n, err = s.DeleteExpiredAdminTokens(ctx, a1.Expires)
	wantNoErr(t, "DeleteExpiredAdminTokens", err)
	if n != 1 {
		t.Errorf("DeleteExpiredAdminTokens at a1's expiry = %d, want 1", n)
	}
	_, _, err = s.AdminTokenByDigest(ctx, a1.Digest)
	wantErr(t, "expired token after cleanup", err, store.ErrNotFound)

	wantNoErr(t, "DeleteUser", s.DeleteUser(ctx, "bob"))
	_, err = s.AdminTokenByID(ctx, b1.ID)
	wantErr(t, "token of a deleted user", err, store.ErrNotFound)
	wantIDs("no token left", 0, 0, 10)
}
