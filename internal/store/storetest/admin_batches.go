package storetest

import (
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
)

func testBatchesAdmin(t *testing.T, s store.Store) {
	ctx := t.Context()
	first := newBatch("first-vouchers", "f1", "f2", "f3")
	first.Batch.Created = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	first.PDF = &store.BatchFile{Name: "f.pdf", ContentType: "application/pdf", Content: binaryPDF}
	wantNoErr(t, "CreateBatch", s.CreateBatch(ctx, first))
	second := newBatch("second", "s1")
	second.Batch.Strategy = "csv"
	second.Batch.Created = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	wantNoErr(t, "CreateBatch", s.CreateBatch(ctx, second))
	wantNoErr(t, "AddReply", s.AddReply(ctx, "f1", &store.Item{Attribute: "Reply-Message", Value: "hi"}))
	_, err := s.EnsureTokens(ctx, first.Batch.UserIDs[0], fixedKey("auth-f1"), fixedKey("radius-f1"))
	wantNoErr(t, "EnsureTokens", err)

	list, err := s.ListBatches(ctx, store.BatchFilter{}, 0, 0)
	wantNoErr(t, "ListBatches", err)
	if len(list) != 2 || list[0].Name != "second" || list[1].Name != "first-vouchers" ||
		list[0].UserCount != 1 || list[1].UserCount != 3 || list[1].PDFFileName != "f.pdf" || list[1].UserIDs != nil {
		t.Fatalf("ListBatches = %+v", list)
	}
	for _, c := range []struct {
		f    store.BatchFilter
		want int
	}{{store.BatchFilter{Search: "VOUCH"}, 1}, {store.BatchFilter{Strategy: "csv"}, 1}, {store.BatchFilter{Strategy: "prefix", Search: "sec"}, 0}} {
		n, err := s.CountBatches(ctx, c.f)
		wantNoErr(t, "CountBatches", err)
		page, err := s.ListBatches(ctx, c.f, 0, 10)
		wantNoErr(t, "ListBatches", err)
		if n != c.want || len(page) != c.want {
			t.Errorf("batches matching %+v: count %d, list %d, want %d", c.f, n, len(page), c.want)
		}
	}

	day := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	at := time.Date(2026, 3, 4, 15, 16, 17, 0, time.UTC)
	wantNoErr(t, "ExpireBatch", s.ExpireBatch(ctx, first.Batch.ID, day, at))
	b, err := s.BatchByID(ctx, first.Batch.ID)
	wantNoErr(t, "BatchByID", err)
	wantTimePtr(t, "expiration date", b.ExpirationDate, &day)
	us, err := s.UsersByIDs(ctx, b.UserIDs)
	wantNoErr(t, "UsersByIDs", err)
	for _, u := range us {
		wantTimePtr(t, u.Username+" expires", u.ExpiresAt, &at)
	}
	if u, _ := s.UserByUsername(ctx, "s1"); u.ExpiresAt != nil {
		t.Errorf("a user of another batch expires at %v", u.ExpiresAt)
	}
	wantErr(t, "ExpireBatch of an unknown batch", s.ExpireBatch(ctx, "nope", day, at), store.ErrNotFound)

	n, err := s.DeleteBatch(ctx, first.Batch.ID)
	wantNoErr(t, "DeleteBatch", err)
	if n != 3 {
		t.Errorf("DeleteBatch deleted %d users, want 3", n)
	}
	_, err = s.BatchByID(ctx, first.Batch.ID)
	wantErr(t, "deleted batch", err, store.ErrNotFound)
	_, err = s.BatchFile(ctx, first.Batch.ID, "pdf")
	wantErr(t, "file of a deleted batch", err, store.ErrNotFound)
	for _, name := range []string{"f1", "f2", "f3"} {
		_, err := s.UserByUsername(ctx, name)
		wantErr(t, "user of a deleted batch", err, store.ErrNotFound)
	}
	if pol, _ := s.PolicyFor(ctx, "f1", time.Now()); pol.Found() {
		t.Errorf("rows of a deleted batch user remain: %q", policyText(pol))
	}
	if _, err := s.UserByUsername(ctx, "s1"); err != nil {
		t.Errorf("a user of another batch went: %v", err)
	}
	_, err = s.DeleteBatch(ctx, first.Batch.ID)
	wantErr(t, "DeleteBatch again", err, store.ErrNotFound)
}

func testRadiusTokensAdmin(t *testing.T, s store.Store) {
	ctx := t.Context()
	alice := mustCreateUser(t, s, "alice")
	mustCreateUser(t, s, "bob")
	_, err := s.RadiusTokenOf(ctx, "alice")
	wantErr(t, "no token yet", err, store.ErrNotFound)
	tok, err := s.PutRadiusToken(ctx, "alice", "key-one")
	wantNoErr(t, "PutRadiusToken", err)
	if tok.Key != "key-one" || tok.Username != "alice" || tok.UserID != alice.ID || tok.Created.IsZero() {
		t.Errorf("PutRadiusToken = %+v", tok)
	}
	_, err = s.PutRadiusToken(ctx, "alice", "key-two")
	wantNoErr(t, "PutRadiusToken again", err)
	_, err = s.PutRadiusToken(ctx, "bob", "key-bob")
	wantNoErr(t, "PutRadiusToken bob", err)
	ok, err := s.CheckRadiusToken(ctx, alice.ID, "key-one")
	wantNoErr(t, "CheckRadiusToken", err)
	if ok {
		t.Error("the replaced token still works")
	}
	got, err := s.RadiusTokenOf(ctx, "alice")
	wantNoErr(t, "RadiusTokenOf", err)
	if got.Key != "key-two" {
		t.Errorf("token = %q, want key-two", got.Key)
	}
	list, err := s.ListRadiusTokens(ctx, store.TokenFilter{}, 0, 0)
	wantNoErr(t, "ListRadiusTokens", err)
	if len(list) != 2 || list[0].Username != "alice" || list[1].Username != "bob" {
		t.Errorf("ListRadiusTokens = %+v", list)
	}
	n, err := s.CountRadiusTokens(ctx, store.TokenFilter{Username: "bob"})
	wantNoErr(t, "CountRadiusTokens", err)
	if n != 1 {
		t.Errorf("CountRadiusTokens(bob) = %d", n)
	}
	_, err = s.PutRadiusToken(ctx, "nobody", "k")
	wantErr(t, "token of an unknown user", err, store.ErrNotFound)
	wantNoErr(t, "DeleteRadiusToken", s.DeleteRadiusToken(ctx, "alice"))
	wantErr(t, "DeleteRadiusToken again", s.DeleteRadiusToken(ctx, "alice"), store.ErrNotFound)
}
