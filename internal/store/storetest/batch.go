package storetest

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// binaryPDF has bytes that text columns would mangle.
var binaryPDF = []byte("%PDF-1.4\n\x00\x01\xff\xfe binary \r\n\x00end")

func newBatch(name string, usernames ...string) *store.NewBatch {
	nb := &store.NewBatch{Batch: store.Batch{Name: name, Strategy: "prefix", Prefix: "guest"}}
	for _, u := range usernames {
		nb.Users = append(nb.Users, newUser(u))
	}
	return nb
}

func testCreateBatch(t *testing.T, s store.Store) {
	ctx := t.Context()
	expires := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	nb := newBatch("guest-vouchers", "guest1", "guest2", "guest3")
	nb.Batch.ID = "6e83815f-a64c-4ae6-a9de-27fdb1d987ef"
	nb.Batch.Strategy = "csv"
	nb.Batch.Prefix = ""
	nb.Batch.ExpirationDate = &expires
	nb.Batch.Created = time.Date(2026, 11, 24, 18, 20, 13, 23716000, time.UTC)
	nb.Users[1].ExpiresAt = &expires
	nb.CSV = &store.BatchFile{Name: "users.csv", ContentType: "text/csv", Content: []byte("guest1,cleartext$x,a@example.com,,\n")}
	nb.PDF = &store.BatchFile{Name: "guest-vouchers.pdf", ContentType: "application/pdf", Content: binaryPDF}
	wantNoErr(t, "CreateBatch", s.CreateBatch(ctx, nb))

	b := nb.Batch
	if len(b.UserIDs) != 3 {
		t.Fatalf("UserIDs = %v, want 3 ids", b.UserIDs)
	}
	for i, u := range nb.Users {
		if u.ID == 0 || u.ID != b.UserIDs[i] {
			t.Errorf("user %q id %d, UserIDs[%d] = %d", u.Username, u.ID, i, b.UserIDs[i])
		}
	}
	if b.CSVFileName != "users.csv" || b.PDFFileName != "guest-vouchers.pdf" {
		t.Errorf("file names %q, %q: want them taken from the files", b.CSVFileName, b.PDFFileName)
	}
	if !b.Modified.Equal(b.Created) {
		t.Errorf("Modified = %v, want Created %v when zero", b.Modified, b.Created)
	}

	for _, lookup := range []struct {
		name string
		get  func() (store.Batch, error)
	}{
		{"BatchByID", func() (store.Batch, error) { return s.BatchByID(ctx, b.ID) }},
		{"BatchByName", func() (store.Batch, error) { return s.BatchByName(ctx, b.Name) }},
	} {
		got, err := lookup.get()
		wantNoErr(t, lookup.name, err)
		if got.ID != b.ID || got.Name != b.Name || got.Strategy != "csv" || got.Prefix != "" ||
			got.CSVFileName != b.CSVFileName || got.PDFFileName != b.PDFFileName || !slices.Equal(got.UserIDs, b.UserIDs) {
			t.Errorf("%s = %+v\nwant %+v", lookup.name, got, b)
		}
		wantTime(t, lookup.name+" Created", got.Created, b.Created)
		wantTime(t, lookup.name+" Modified", got.Modified, b.Modified)
		wantTimePtr(t, lookup.name+" ExpirationDate", got.ExpirationDate, &expires)
	}

	for _, f := range []struct {
		kind string
		want *store.BatchFile
	}{{"csv", nb.CSV}, {"pdf", nb.PDF}} {
		got, err := s.BatchFile(ctx, b.ID, f.kind)
		wantNoErr(t, "BatchFile "+f.kind, err)
		if got.Name != f.want.Name || got.ContentType != f.want.ContentType || !bytes.Equal(got.Content, f.want.Content) {
			t.Errorf("BatchFile %s = %q %q %q, want %q %q %q", f.kind,
				got.Name, got.ContentType, got.Content, f.want.Name, f.want.ContentType, f.want.Content)
		}
	}

	users, err := s.UsersByIDs(ctx, b.UserIDs)
	wantNoErr(t, "UsersByIDs", err)
	for i, u := range users {
		wantUser(t, u, nb.Users[i])
		groups, err := s.UserGroups(ctx, u.Username)
		wantNoErr(t, "UserGroups", err)
		wantStrings(t, u.Username+" groups", groups, []string{"users"})
	}

	// A minimal batch: generated id, no files, no expiry, no prefix.
	plain := &store.NewBatch{Batch: store.Batch{Name: "empty", Strategy: "csv"}}
	wantNoErr(t, "CreateBatch without users", s.CreateBatch(ctx, plain))
	if len(plain.Batch.ID) != 36 || strings.ToLower(plain.Batch.ID) != plain.Batch.ID {
		t.Errorf("generated batch id %q, want a lowercase UUID", plain.Batch.ID)
	}
	got, err := s.BatchByID(ctx, plain.Batch.ID)
	wantNoErr(t, "BatchByID", err)
	if got.Prefix != "" || got.CSVFileName != "" || got.PDFFileName != "" || got.ExpirationDate != nil ||
		got.UserIDs == nil || len(got.UserIDs) != 0 {
		t.Errorf("minimal batch = %+v", got)
	}
	if got.Created.IsZero() {
		t.Error("Created not set from the clock")
	}

	// Not found.
	_, err = s.BatchByID(ctx, "00000000-0000-4000-8000-000000000000")
	wantErr(t, "BatchByID unknown", err, store.ErrNotFound)
	_, err = s.BatchByName(ctx, "GUEST-VOUCHERS")
	wantErr(t, "BatchByName is case-sensitive", err, store.ErrNotFound)
	_, err = s.BatchFile(ctx, plain.Batch.ID, "pdf")
	wantErr(t, "BatchFile of a batch without files", err, store.ErrNotFound)
	_, err = s.BatchFile(ctx, b.ID, "zip")
	wantErr(t, "BatchFile of an unknown kind", err, store.ErrNotFound)

	// Deleting a user unlinks it from its batch.
	wantNoErr(t, "DeleteUser", s.DeleteUser(ctx, "guest2"))
	got, err = s.BatchByID(ctx, b.ID)
	wantNoErr(t, "BatchByID", err)
	if want := []int64{b.UserIDs[0], b.UserIDs[2]}; !slices.Equal(got.UserIDs, want) {
		t.Errorf("UserIDs after deleting guest2 = %v, want %v", got.UserIDs, want)
	}
}

func testCreateBatchAllOrNothing(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreateUser(t, s, "taken")
	existing := newBatch("existing", "e1")
	wantNoErr(t, "CreateBatch", s.CreateBatch(ctx, existing))

	tests := []struct {
		name     string
		batch    *store.NewBatch
		wantText string
	}{
		{"username taken by a user", newBatch("b1", "new1", "taken", "new2"), `"taken"`},
		{"username taken by another batch", newBatch("b2", "new1", "e1"), `"e1"`},
		{"username twice in the batch", newBatch("b3", "new1", "dup", "dup"), `"dup"`},
		{"batch name taken", newBatch("existing", "new1"), "batch name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.batch.PDF = &store.BatchFile{Name: "x.pdf", ContentType: "application/pdf", Content: binaryPDF}
			err := s.CreateBatch(ctx, tc.batch)
			wantErr(t, "CreateBatch", err, store.ErrAlreadyExists)
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q does not say %s", err, tc.wantText)
			}
			if tc.batch.Batch.Name != "existing" {
				_, err = s.BatchByName(ctx, tc.batch.Batch.Name)
				wantErr(t, "batch of a failed CreateBatch", err, store.ErrNotFound)
			}
			for _, name := range []string{"new1", "new2", "dup"} {
				_, err := s.UserByUsername(ctx, name)
				wantErr(t, "user "+name+" of a failed CreateBatch", err, store.ErrNotFound)
				groups, err := s.UserGroups(ctx, name)
				wantNoErr(t, "UserGroups", err)
				wantStrings(t, "groups of "+name, groups, []string{})
			}
			if tc.batch.Batch.ID != "" {
				_, err = s.BatchFile(ctx, tc.batch.Batch.ID, "pdf")
				wantErr(t, "file of a failed CreateBatch", err, store.ErrNotFound)
			}
		})
	}
	users, err := s.ListUsers(ctx)
	wantNoErr(t, "ListUsers", err)
	if len(users) != 2 {
		t.Errorf("%d users after failed batches, want 2 (taken, e1)", len(users))
	}
	// The existing batch is intact.
	got, err := s.BatchByName(ctx, "existing")
	wantNoErr(t, "BatchByName", err)
	if !slices.Equal(got.UserIDs, existing.Batch.UserIDs) {
		t.Errorf("existing batch users = %v, want %v", got.UserIDs, existing.Batch.UserIDs)
	}
}
