package admin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// maxGroupDescription is the width of radiusgroup.description.
const maxGroupDescription = 64

// Group is a radius group with its check and reply items.
type Group struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// IsDefault marks the group new users join; there is exactly one.
	IsDefault bool `json:"is_default"`
	// StoreNTHash keeps an NT hash beside every new password of the
	// group's members, for MS-CHAP.
	StoreNTHash bool      `json:"store_nt_hash"`
	Created     time.Time `json:"created"`
	Modified    time.Time `json:"modified"`
	Check       []Item    `json:"check"`
	Reply       []Item    `json:"reply"`
}

// GroupInput is a group to create, or the changes to one (nil fields
// kept).
type GroupInput struct {
	// Name is needed to create; on update it renames the group and every
	// radgroupcheck, radgroupreply and radusergroup row of the old name.
	// radacct.groupname is left as it was: it records the group a past
	// session was accounted to.
	Name        *string
	Description *string
	// IsDefault true makes this the default group (the flag moves from the
	// old default in the same transaction); false on the default group is
	// refused: make another group the default instead.
	IsDefault   *bool
	StoreNTHash *bool
	// Check and Reply are items created with a new group (ignored on
	// update: items have their own operations). Their Name is the group's.
	Check []ItemInput
	Reply []ItemInput
}

func (in *GroupInput) validate(creating bool) *InputError {
	e := &InputError{}
	if in.Name != nil {
		name(e, "name", *in.Name, maxRadiusName)
	} else if creating {
		e.Add("name", "is required")
	}
	if in.Description != nil {
		text(e, "description", *in.Description, maxGroupDescription)
	}
	if !creating && (len(in.Check) > 0 || len(in.Reply) > 0) {
		e.Add("non_field_errors", "items of an existing group are added one by one, not with the group")
	}
	for _, list := range []struct {
		field string
		t     store.ItemTable
		items []ItemInput
	}{{"check", store.RadGroupCheck, in.Check}, {"reply", store.RadGroupReply, in.Reply}} {
		for i, it := range list.items {
			it.Name = in.Name
			if it.Name == nil {
				it.Name = new(string) // reported on "name" already
				*it.Name = "-"
			}
			if ie := it.validate(list.t, true); ie.err() != nil {
				for f, msgs := range ie.Fields {
					for _, m := range msgs {
						e.Add(list.field, fmt.Sprintf("item %d: %s: %s", i+1, f, m))
					}
				}
			}
		}
	}
	return e
}

// ListGroups returns a page of groups ordered by name, with their items,
// and the number of matches.
func (s *Service) ListGroups(ctx context.Context, f store.GroupFilter, offset, limit int) ([]Group, int, error) {
	if err := checkPage(offset); err != nil {
		return nil, 0, err
	}
	total, err := s.Store.CountGroups(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.Store.ListGroupsPage(ctx, f, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Group, len(list))
	for i, g := range list {
		if out[i], err = s.groupView(ctx, g); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// Group returns one group with its items.
func (s *Service) Group(ctx context.Context, name string) (Group, error) {
	g, err := s.Store.GroupByName(ctx, name)
	if err != nil {
		return Group{}, err
	}
	return s.groupView(ctx, g)
}

func (s *Service) groupView(ctx context.Context, g store.RadiusGroup) (Group, error) {
	v := Group{
		ID: g.ID, Name: g.Name, Description: g.Description, IsDefault: g.IsDefault, StoreNTHash: g.StoreNTHash,
		Created: g.Created.UTC(), Modified: g.Modified.UTC(), Check: []Item{}, Reply: []Item{},
	}
	for _, part := range []struct {
		t   store.ItemTable
		dst *[]Item
	}{{store.RadGroupCheck, &v.Check}, {store.RadGroupReply, &v.Reply}} {
		rows, err := s.Store.ListItems(ctx, part.t, store.ItemFilter{Name: g.Name}, 0, 0)
		if err != nil {
			return Group{}, err
		}
		for _, r := range rows {
			*part.dst = append(*part.dst, itemView(part.t, r))
		}
	}
	return v, nil
}

// CreateGroup creates a group and its items. Everything is checked before
// anything is written; should an item still fail to be written, the group
// is removed again.
func (s *Service) CreateGroup(ctx context.Context, in GroupInput) (Group, error) {
	if err := in.validate(true).err(); err != nil {
		return Group{}, err
	}
	g := store.RadiusGroup{Name: *in.Name}
	setString(&g.Description, in.Description)
	setBool(&g.IsDefault, in.IsDefault)
	setBool(&g.StoreNTHash, in.StoreNTHash)
	makeDefault := g.IsDefault
	g.IsDefault = false // moved below, in UpdateGroup's transaction
	if err := s.Store.CreateGroup(ctx, &g); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return Group{}, inputErr("name", "a radius group named %q already exists", g.Name)
		}
		return Group{}, err
	}
	err := s.addGroupItems(ctx, g.Name, in)
	if err == nil && makeDefault {
		yes := true
		_, err = s.Store.UpdateGroup(ctx, g.Name, store.GroupUpdate{IsDefault: &yes})
	}
	if err != nil {
		if derr := s.Store.DeleteGroup(ctx, g.Name); derr != nil {
			s.log().Error("removing a half-created radius group failed", "group", g.Name, "error", derr)
		}
		return Group{}, fmt.Errorf("creating radius group %q: %w", g.Name, err)
	}
	return s.Group(ctx, g.Name)
}

func (s *Service) addGroupItems(ctx context.Context, group string, in GroupInput) error {
	for _, list := range []struct {
		t     store.ItemTable
		items []ItemInput
	}{{store.RadGroupCheck, in.Check}, {store.RadGroupReply, in.Reply}} {
		for _, it := range list.items {
			it.Name = &group
			r := itemRecord(list.t, it)
			if err := s.Store.CreateItem(ctx, list.t, &r); err != nil {
				return err
			}
		}
	}
	return nil
}

// UpdateGroup changes a group in one transaction (see GroupInput).
func (s *Service) UpdateGroup(ctx context.Context, name string, in GroupInput) (Group, error) {
	if err := in.validate(false).err(); err != nil {
		return Group{}, err
	}
	upd := store.GroupUpdate{Name: in.Name, Description: in.Description, IsDefault: in.IsDefault, StoreNTHash: in.StoreNTHash}
	g, err := s.Store.UpdateGroup(ctx, name, upd)
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		return Group{}, inputErr("name", "a radius group named %q already exists", *in.Name)
	case errors.Is(err, store.ErrDefaultGroup):
		return Group{}, inputErr("is_default", "%q is the default group and there must be one: make another group the default instead", name)
	case err != nil:
		return Group{}, err
	}
	return s.groupView(ctx, g)
}

// DeleteGroup removes a group with its items and memberships. The default
// group cannot be deleted.
func (s *Service) DeleteGroup(ctx context.Context, name string) error {
	err := s.Store.DeleteGroup(ctx, name)
	if errors.Is(err, store.ErrDefaultGroup) {
		return inputErr("name", "%q is the default group and cannot be deleted: make another group the default first", name)
	}
	return err
}
