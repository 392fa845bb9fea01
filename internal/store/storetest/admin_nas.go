package storetest

import (
	"testing"

	"github.com/goradius/goradius/internal/store"
)

func testNASCRUD(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := store.NASRecord{NAS: store.NAS{Name: "10.0.0.1", ShortName: ptr("ap-lobby"), Type: "other",
		Ports: ptr[int64](24), Secret: "s3cret", Description: ptr("Lobby AP")}}
	wantNoErr(t, "CreateNAS", s.CreateNAS(ctx, &a))
	if a.ID == 0 || a.Created.IsZero() {
		t.Fatalf("CreateNAS set %+v", a)
	}
	b := store.NASRecord{NAS: store.NAS{Name: "192.168.0.0/16", Type: "cisco", Secret: "other"}}
	wantNoErr(t, "CreateNAS", s.CreateNAS(ctx, &b))
	dup := store.NASRecord{NAS: store.NAS{Name: "10.0.0.1", Type: "other", Secret: "x"}}
	wantErr(t, "taken name", s.CreateNAS(ctx, &dup), store.ErrAlreadyExists)

	got, err := s.NASByID(ctx, a.ID)
	wantNoErr(t, "NASByID", err)
	if got.Name != "10.0.0.1" || deref(got.ShortName) != "ap-lobby" || deref(got.Ports) != int64(24) ||
		got.Secret != "s3cret" || got.Server != nil || deref(got.Description) != "Lobby AP" {
		t.Errorf("NASByID = %+v", got)
	}
	wantTime(t, "Created", got.Created, a.Created)

	for _, c := range []struct {
		search string
		want   []string
	}{{"", []string{"10.0.0.1", "192.168.0.0/16"}}, {"LOBBY", []string{"10.0.0.1"}}, {"192.", []string{"192.168.0.0/16"}}} {
		list, err := s.ListNAS(ctx, store.NASFilter{Search: c.search}, 0, 0)
		wantNoErr(t, "ListNAS", err)
		var names []string
		for _, n := range list {
			names = append(names, n.Name)
		}
		wantStrings(t, "NAS "+c.search, names, c.want)
		n, err := s.CountNAS(ctx, store.NASFilter{Search: c.search})
		wantNoErr(t, "CountNAS", err)
		if n != len(c.want) {
			t.Errorf("CountNAS(%q) = %d, want %d", c.search, n, len(c.want))
		}
	}

	got.Name, got.ShortName, got.Ports, got.Server = "10.0.0.2", nil, nil, ptr("inner-tunnel")
	wantNoErr(t, "UpdateNAS", s.UpdateNAS(ctx, &got))
	again, _ := s.NASByID(ctx, a.ID)
	if again.Name != "10.0.0.2" || again.ShortName != nil || again.Ports != nil || deref(again.Server) != "inner-tunnel" {
		t.Errorf("after UpdateNAS: %+v", again)
	}
	again.Name = "192.168.0.0/16"
	wantErr(t, "rename to a taken name", s.UpdateNAS(ctx, &again), store.ErrAlreadyExists)

	wantNoErr(t, "DeleteNAS", s.DeleteNAS(ctx, a.ID))
	wantErr(t, "DeleteNAS again", s.DeleteNAS(ctx, a.ID), store.ErrNotFound)
	_, err = s.NASByID(ctx, a.ID)
	wantErr(t, "NASByID of a deleted one", err, store.ErrNotFound)
	gone := store.NASRecord{ID: a.ID, NAS: store.NAS{Name: "x", Type: "other", Secret: "x"}}
	wantErr(t, "UpdateNAS of a deleted one", s.UpdateNAS(ctx, &gone), store.ErrNotFound)
}
